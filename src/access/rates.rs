//! Request rates of machine clients: each API key may make its `requests_per_minute`, with
//! a burst of as many, counted by `governor` in this instance's memory (behind several
//! instances a key's limit is per instance).

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

/// Every key's limiter, made on its first request and again when its rate changes.
#[derive(Default)]
pub struct RequestRates {
    limiters: Mutex<HashMap<i64, (u32, DefaultDirectRateLimiter)>>,
}

impl RequestRates {
    /// Counts one request of key `key_id`; `Err(wait)` when it is over its rate, with how
    /// long until it may ask again.
    pub fn admit(&self, key_id: i64, per_minute: u32) -> Result<(), Duration> {
        let per_minute = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
        let mut limiters = self.limiters.lock().unwrap_or_else(|e| e.into_inner());
        let (rate, limiter) = limiters
            .entry(key_id)
            .or_insert_with(|| (per_minute.get(), limiter(per_minute)));
        if *rate != per_minute.get() {
            *rate = per_minute.get();
            *limiter = self::limiter(per_minute);
        }
        limiter
            .check()
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

fn limiter(per_minute: NonZeroU32) -> DefaultDirectRateLimiter {
    RateLimiter::direct(Quota::per_minute(per_minute))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_refused_past_its_rate_and_told_how_long_to_wait() {
        let rates = RequestRates::default();
        assert!(rates.admit(1, 2).is_ok());
        assert!(rates.admit(1, 2).is_ok());
        let wait = rates.admit(1, 2).unwrap_err();
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(30));
        // Another key keeps its own count.
        assert!(rates.admit(2, 2).is_ok());
    }
}
