//! The pure parts of webhooks: the retry schedule, and which targets an endpoint may have.
//! Their signatures are `crate::signing`'s.

use crate::i18n::Msg;
use std::net::IpAddr;

use chrono::Duration;
use rand::RngCore;

/// How long a delivery is retried before it is given up and its endpoint marked failing.
pub const RETRY_FOR: Duration = Duration::days(3);
/// How long the secret a rotation replaced keeps signing, so receivers can switch over.
pub const ROTATION_OVERLAP: Duration = Duration::hours(24);

/// How long after its `failures`-th failed attempt a delivery is tried again: 30 s,
/// doubling, at most 12 hours, times `jitter` (0.8 to 1.2, drawn per attempt) so that a
/// receiver coming back is not hit by every retry at once.
pub fn retry_delay(failures: i64, jitter: f64) -> Duration {
    let doublings = u32::try_from(failures.clamp(1, 32) - 1).unwrap_or(0);
    let seconds = 30i64
        .saturating_mul(1i64 << doublings.min(20))
        .min(12 * 3600);
    Duration::milliseconds((seconds as f64 * 1000.0 * jitter.clamp(0.8, 1.2)) as i64)
}

/// A random jitter factor for [`retry_delay`].
pub fn jitter() -> f64 {
    0.8 + 0.4 * (rand::rng().next_u32() as f64 / u32::MAX as f64)
}

/// Addresses an endpoint may not point at unless private targets are allowed: this
/// machine, its link, the private networks, shared, benchmarking and reserved ranges, and
/// the IPv6 forms that carry such an IPv4 address (mapped, compatible, NAT64, 6to4) (SSRF).
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || a == 0
                // 100.64.0.0/10: carrier-grade NAT
                || (a == 100 && (64..128).contains(&b))
                // 192.0.0.0/24: IETF protocol assignments
                || (a == 192 && b == 0 && c == 0)
                // 198.18.0.0/15: benchmarking
                || (a == 198 && (b == 18 || b == 19))
                // 240.0.0.0/4: reserved
                || a >= 240
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            let embedded = |high: u16, low: u16| {
                let [h1, h2] = high.to_be_bytes();
                let [l1, l2] = low.to_be_bytes();
                is_private(IpAddr::V4(std::net::Ipv4Addr::new(h1, h2, l1, l2)))
            };
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_private(IpAddr::V4(v4));
            }
            // ::a.b.c.d (compatible), 64:ff9b::a.b.c.d (NAT64), 2002:aabb:ccdd::/48 (6to4)
            if s[..6] == [0; 6] && !v6.is_loopback() && !v6.is_unspecified() {
                return embedded(s[6], s[7]);
            }
            if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                return embedded(s[6], s[7]);
            }
            if s[0] == 0x2002 {
                return embedded(s[1], s[2]);
            }
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || v6.is_unique_local()
                || v6.is_unicast_link_local()
                // fec0::/10: the former site-local
                || (s[0] & 0xffc0) == 0xfec0
        }
    }
}

/// Why `url` cannot be an endpoint, looking only at the URL itself: not http(s), no host,
/// credentials in it, or (unless `allow_private`) a private address or `localhost`.
pub fn url_problem(url: &str, allow_private: bool) -> Option<Msg> {
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return Some(Msg::new("must be an absolute http or https URL"));
    };
    if !matches!(parsed.scheme(), "http" | "https") {
        return Some(Msg::new("must be an http or https URL"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Some(Msg::new("must not hold a user name or password"));
    }
    let Some(host) = parsed.host() else {
        return Some(Msg::new("must name a host"));
    };
    if allow_private {
        return None;
    }
    let private = match host {
        url::Host::Domain(name) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
        url::Host::Ipv4(v4) => is_private(IpAddr::V4(v4)),
        url::Host::Ipv6(v6) => is_private(IpAddr::V6(v6)),
    };
    private.then_some(Msg::new(
        "must not point at a loopback, link-local or private address",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_double_from_30_seconds_up_to_12_hours_and_last_3_days() {
        assert_eq!(retry_delay(1, 1.0), Duration::seconds(30));
        assert_eq!(retry_delay(2, 1.0), Duration::seconds(60));
        assert_eq!(retry_delay(5, 1.0), Duration::seconds(480));
        assert_eq!(retry_delay(40, 1.0), Duration::hours(12));
        assert_eq!(retry_delay(1, 1.2), Duration::seconds(36));
        assert_eq!(retry_delay(1, 0.8), Duration::seconds(24));
        let j = jitter();
        assert!((0.8..=1.2).contains(&j));
        // Without jitter, the schedule reaches 3 days within 20 attempts.
        let total: Duration = (1..=20).map(|n| retry_delay(n, 1.0)).sum();
        assert!(total > RETRY_FOR);
    }

    #[test]
    fn an_endpoint_is_a_public_http_url() {
        assert_eq!(url_problem("https://crm.example.com/hooks", false), None);
        assert_eq!(url_problem("https://[2001:db8::1]/hooks", false), None);
        assert_eq!(
            url_problem("https://[2002:5db8:d822::1]/hooks", false),
            None
        );
        assert!(url_problem("ftp://crm.example.com/", false).is_some());
        assert!(url_problem("file:///etc/passwd", false).is_some());
        assert!(url_problem("not a url", false).is_some());
        assert!(url_problem("https://user:pw@crm.example.com/", false).is_some());
        for private in [
            "http://127.0.0.1:8080/",
            "http://localhost/",
            "http://10.1.2.3/",
            "http://172.20.0.1/",
            "http://192.168.1.10/",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]/",
            "http://[fd00::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://0.0.0.0/",
            "http://100.64.0.1/",
            "http://198.18.0.1/",
            "http://240.0.0.1/",
            "http://[64:ff9b::a9fe:a9fe]/",
            "http://[2002:7f00:1::]/",
            "http://[::7f00:1]/",
            "http://[fec0::1]/",
        ] {
            assert!(url_problem(private, false).is_some(), "{private}");
            assert_eq!(url_problem(private, true), None, "{private}");
        }
    }
}
