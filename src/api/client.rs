//! The client's address, for login throttling and the request log. Behind a load balancer
//! every connection comes from the balancer: taken as the client, one attacker would lock
//! an account for everyone; taken from `X-Forwarded-For` unconditionally, anyone could
//! claim any address. So a forwarded address is believed only when the connection comes
//! from a proxy named in `TRUSTED_PROXIES`, and only as far back as the chain of trusted
//! proxies goes: the client is the nearest hop that is not one of them.

use std::net::{IpAddr, SocketAddr};

use actix_web::http::header::{self, HeaderMap};
use actix_web::HttpRequest;
use ipnet::IpNet;

/// The client's address as far as it can be believed; `None` without a peer (in tests).
pub fn address(req: &HttpRequest, trusted: &[IpNet]) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let hops = forwarded_for(req.headers());
    // Each proxy appends the address it received from: read from the nearest hop back.
    hops.iter()
        .rev()
        .find(|hop| !is_trusted(hop))
        .or(hops.first())
        .copied()
        .or(Some(peer))
}

/// The hops a request passed, client first: RFC 7239 `Forwarded: for=...` if sent, else
/// `X-Forwarded-For`. Entries that are not addresses (`unknown`, obfuscated names) are
/// skipped.
fn forwarded_for(headers: &HeaderMap) -> Vec<IpAddr> {
    let forwarded: Vec<IpAddr> = values(headers, &header::FORWARDED)
        .flat_map(|element| element.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(name, _)| name.eq_ignore_ascii_case("for"))
        .filter_map(|(_, node)| parse_node(node))
        .collect();
    if !forwarded.is_empty() {
        return forwarded;
    }
    values(headers, &header::X_FORWARDED_FOR)
        .filter_map(parse_node)
        .collect()
}

/// The comma-separated entries of every instance of a header, in order.
fn values<'a>(
    headers: &'a HeaderMap,
    name: &'a header::HeaderName,
) -> impl Iterator<Item = &'a str> + 'a {
    headers
        .get_all(name)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
}

/// `192.0.2.60`, `"192.0.2.60:4711"`, `"[2001:db8::1]:4711"` or `2001:db8::1`.
fn parse_node(node: &str) -> Option<IpAddr> {
    let node = node.trim().trim_matches('"');
    node.parse::<IpAddr>()
        .ok()
        .or_else(|| node.parse::<SocketAddr>().ok().map(|a| a.ip()))
        .or_else(|| {
            node.strip_prefix('[')
                .and_then(|rest| rest.split_once(']'))
                .and_then(|(ip, _)| ip.parse().ok())
        })
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn client(peer: &str, headers: &[(&str, &str)], trusted: &[&str]) -> String {
        let mut req = TestRequest::default().peer_addr(peer.parse().unwrap());
        for (name, value) in headers {
            req = req.append_header((*name, *value));
        }
        let trusted: Vec<IpNet> = trusted.iter().map(|t| t.parse().unwrap()).collect();
        address(&req.to_http_request(), &trusted)
            .unwrap()
            .to_string()
    }

    #[test]
    fn forwarded_addresses_are_ignored_unless_the_peer_is_a_trusted_proxy() {
        let spoofed = [("x-forwarded-for", "198.51.100.9")];
        assert_eq!(client("203.0.113.7:4000", &spoofed, &[]), "203.0.113.7");
        assert_eq!(
            client("203.0.113.7:4000", &spoofed, &["10.0.0.0/8"]),
            "203.0.113.7"
        );
        assert_eq!(
            client("10.0.0.2:4000", &spoofed, &["10.0.0.0/8"]),
            "198.51.100.9"
        );
    }

    #[test]
    fn the_client_is_the_nearest_hop_that_is_not_a_trusted_proxy() {
        // The client claims 1.2.3.4; the balancer appended the address it really saw.
        let chain = [("x-forwarded-for", "1.2.3.4, 203.0.113.7, 10.0.0.5")];
        assert_eq!(
            client("10.0.0.2:4000", &chain, &["10.0.0.0/8"]),
            "203.0.113.7"
        );
        let all_trusted = [("x-forwarded-for", "10.0.0.9, 10.0.0.5")];
        assert_eq!(
            client("10.0.0.2:4000", &all_trusted, &["10.0.0.0/8"]),
            "10.0.0.9"
        );
        assert_eq!(client("10.0.0.2:4000", &[], &["10.0.0.0/8"]), "10.0.0.2");
    }

    #[test]
    fn rfc_7239_forwarded_is_read_first_with_ports_and_ipv6() {
        let headers = [
            (
                "forwarded",
                r#"for="[2001:db8::1]:4711";proto=https, for=10.0.0.5"#,
            ),
            ("x-forwarded-for", "198.51.100.9"),
        ];
        assert_eq!(
            client("10.0.0.2:4000", &headers, &["10.0.0.0/8"]),
            "2001:db8::1"
        );
        let unknown = [
            ("forwarded", "for=unknown"),
            ("x-forwarded-for", "198.51.100.9"),
        ];
        assert_eq!(
            client("10.0.0.2:4000", &unknown, &["10.0.0.2/32"]),
            "198.51.100.9"
        );
    }
}
