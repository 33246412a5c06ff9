//! Login throttling: after `max_failures` consecutive failures for one account from one
//! client address, further attempts wait; each further failure doubles the wait up to a
//! cap. Keyed by account *and* address, an attacker elsewhere cannot lock the owner out,
//! and the cap means no lock lasts for ever.

use std::time::Duration;

pub struct Policy {
    pub max_failures: i32,
    pub base: Duration,
    pub cap: Duration,
}

impl Policy {
    /// How long to lock after the `failures`-th consecutive failure, if at all.
    pub fn lockout_after(&self, failures: i32) -> Option<Duration> {
        if failures < self.max_failures {
            return None;
        }
        let doublings = (failures - self.max_failures).min(16) as u32;
        Some(self.base.saturating_mul(1 << doublings).min(self.cap))
    }
}

pub fn key(login: &str, client: &str) -> String {
    format!("{}|{client}", login.trim().to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockout_starts_at_the_limit_doubles_and_is_capped() {
        let policy = Policy {
            max_failures: 5,
            base: Duration::from_secs(60),
            cap: Duration::from_secs(900),
        };
        assert_eq!(policy.lockout_after(4), None);
        assert_eq!(policy.lockout_after(5), Some(Duration::from_secs(60)));
        assert_eq!(policy.lockout_after(6), Some(Duration::from_secs(120)));
        assert_eq!(policy.lockout_after(9), Some(Duration::from_secs(900)));
        assert_eq!(policy.lockout_after(1000), Some(Duration::from_secs(900)));
    }
}
