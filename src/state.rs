//! What every request can reach: the pool, the settings, the clock and the token keys.

use std::sync::Arc;

use crate::access::tokens::TokenKeys;
use crate::clock::Clock;
use crate::config::Config;
use crate::db::Pool;

#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub config: Arc<Config>,
    pub clock: Arc<dyn Clock>,
    pub tokens: Arc<TokenKeys>,
}

impl AppState {
    pub fn new(pool: Pool, config: Config, clock: Arc<dyn Clock>) -> Self {
        AppState {
            pool,
            tokens: Arc::new(TokenKeys::new(&config)),
            config: Arc::new(config),
            clock,
        }
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }
}
