//! What every request can reach: the pool, the settings, the clock, the token keys and the
//! file store.

use std::sync::Arc;

use crate::access::tokens::TokenKeys;
use crate::clock::Clock;
use crate::config::Config;
use crate::db::Pool;
use crate::storage::{Store, StoreError};

#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub config: Arc<Config>,
    pub clock: Arc<dyn Clock>,
    pub tokens: Arc<TokenKeys>,
    pub files: Arc<Store>,
}

impl AppState {
    /// Fails when the configured file store cannot be opened.
    pub fn new(pool: Pool, config: Config, clock: Arc<dyn Clock>) -> Result<Self, StoreError> {
        Ok(AppState {
            pool,
            tokens: Arc::new(TokenKeys::new(&config)),
            files: Arc::new(Store::open(&config)?),
            config: Arc::new(config),
            clock,
        })
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }
}
