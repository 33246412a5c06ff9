//! Machine clients: a request that carries an API key (`X-Api-Key`, or a bearer token that
//! is one) acts as the key's own account, a butler of the key's sites, so the role guards
//! and the site scoping of people apply unchanged. On top, the route must be open to keys
//! and the key must hold the permission it needs (`access::Permission::needed`), and the
//! key must be within its request rate. Every request reads the key, so a revoked key is
//! refused at once.

use actix_web::http::header::HeaderMap;
use chrono::Duration;

use super::repo;
use crate::access::tokens::{bearer, hash_token};
use crate::access::{Actor, Permission, Role};
use crate::db::{self, utc};
use crate::error::AppError;
use crate::i18n::Msg;
use crate::state::AppState;

/// Every API key starts so, which tells it from an access token.
pub const PREFIX: &str = "pdk_";

/// How often a key's last use is written: a busy key does not write on every request.
const LAST_USE_EVERY: Duration = Duration::seconds(60);

/// The API key the request carries, if any.
pub fn presented(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|key| !key.is_empty())
        .or_else(|| bearer(headers).filter(|token| token.starts_with(PREFIX)))
}

/// The key, if it is live now: neither revoked nor expired, its account active.
pub async fn live(state: &AppState, key: &str) -> Result<Option<repo::LiveApiKey>, AppError> {
    let (hash, now) = (hash_token(key), state.now());
    db::read(&state.pool, move |conn| {
        Ok(repo::find_live_api_key(conn, &hash, utc(now))?)
    })
    .await
}

/// The actor of a live key that may call a route needing `needed` (`None`: closed to
/// keys): 401 for an unknown, revoked or expired key, 403 for a route or permission it
/// lacks, 429 over its rate.
pub async fn authenticate(
    state: &AppState,
    key: &str,
    needed: Option<Permission>,
) -> Result<Actor, AppError> {
    let now = state.now();
    let key = live(state, key)
        .await?
        .ok_or_else(|| AppError::Unauthorized("unknown, revoked or expired API key".into()))?;
    let needed =
        needed.ok_or_else(|| AppError::Forbidden("this route is not open to API keys".into()))?;
    if !key.permissions.contains(&needed) {
        return Err(AppError::Forbidden(
            Msg::new("this API key lacks the %{permission} permission").arg("permission", needed),
        ));
    }
    let per_minute = u32::try_from(key.requests_per_minute).unwrap_or(u32::MAX);
    state
        .key_rates
        .admit(key.id, per_minute)
        .map_err(|wait| AppError::TooManyRequests {
            reason: "this API key is over its request rate",
            retry_after_secs: wait.as_secs().max(1),
        })?;
    if key
        .last_used_at
        .is_none_or(|at| at < utc(now - LAST_USE_EVERY))
    {
        let id = key.id;
        db::transaction(&state.pool, move |conn| {
            Ok(repo::record_api_key_use(conn, id, utc(now))?)
        })
        .await?;
    }
    Ok(Actor {
        user_id: key.account_id,
        role: Role::Butler,
        sites: key.sites,
    })
}
