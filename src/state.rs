//! What every request can reach: the pool, the settings, the clock, the token keys, the
//! file store and the vault for personal data.

use std::sync::Arc;

use crate::access::rates::RequestRates;
use crate::access::tokens::TokenKeys;
use crate::clock::Clock;
use crate::config::Config;
use crate::db::Pool;
use crate::pii::{PiiError, Vault};
use crate::storage::{Store, StoreError};

#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub config: Arc<Config>,
    pub clock: Arc<dyn Clock>,
    pub tokens: Arc<TokenKeys>,
    /// How many requests each API key has made lately.
    pub key_rates: Arc<RequestRates>,
    pub files: Arc<Store>,
    pub pii: Arc<Vault>,
}

/// Why the state cannot be built from the configuration.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Pii(#[from] PiiError),
}

impl AppState {
    /// Fails when the configured file store cannot be opened, or `PII_KEY` is no key.
    pub fn new(pool: Pool, config: Config, clock: Arc<dyn Clock>) -> Result<Self, StateError> {
        Ok(AppState {
            pool,
            tokens: Arc::new(TokenKeys::new(&config)),
            key_rates: Arc::default(),
            files: Arc::new(Store::open(&config)?),
            pii: Arc::new(Vault::from_hex(&config.pii_key)?),
            config: Arc::new(config),
            clock,
        })
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }
}
