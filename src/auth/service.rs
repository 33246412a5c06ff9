//! Sessions: login, refresh-token rotation with reuse detection, logout, password change.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::credentials::{check_password, normalize_username};
use super::password;
use super::repo::{self, NewRefreshToken};
use super::throttle::{self, Policy};
use crate::access::tokens::{hash_token, random_token};
use crate::access::{self, Actor, Role};
use crate::contact::normalize_phone;
use crate::db::{self, utc, AnyConnection};
use crate::error::{AppError, Validator};
use crate::i18n::Msg;
use crate::ids::UserId;
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"username": "butler", "password": "correct horse battery staple"}))]
pub struct LoginRequest {
    /// Username, or the phone number of the account.
    pub username: String,
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"current_password": "old-pass-123", "new_password": "new-pass-456"}))]
pub struct PasswordChange {
    pub current_password: String,
    /// Different from the current one.
    #[schema(min_length = 8, max_length = 128)]
    pub new_password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"refresh_token": "q3X0bW9y..."}))]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...", "token_type": "Bearer",
    "expires_in": 900, "refresh_token": "q3X0bW9y...", "refresh_expires_in": 2592000
}))]
pub struct TokenPair {
    /// Send as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Single use: exchange it at `/auth/refresh` for a new pair.
    pub refresh_token: String,
    pub refresh_expires_in: i64,
}

const BAD_LOGIN: Msg = Msg::new("wrong username or password");

/// The actor an account signs in as: its role, and the sites a staff member works for.
pub fn actor_of(conn: &mut AnyConnection, user_id: UserId, role: Role) -> Result<Actor, AppError> {
    let sites = if role.is_staff() {
        access::repo::staff_site_ids(conn, user_id)?
    } else {
        Vec::new()
    };
    Ok(Actor {
        user_id,
        role,
        sites,
    })
}

/// Issues an access token and a new refresh token of `family` (a new family at login).
fn issue(
    state: &AppState,
    conn: &mut AnyConnection,
    actor: &Actor,
    family: &str,
    now: DateTime<Utc>,
) -> Result<TokenPair, AppError> {
    let refresh_token = random_token(32);
    let refresh_ttl = state.config.refresh_token_ttl.as_secs() as i64;
    repo::insert_refresh(
        conn,
        &NewRefreshToken {
            user_id: actor.user_id,
            family,
            token_hash: &hash_token(&refresh_token),
            expires_at: utc(now + Duration::seconds(refresh_ttl)),
            created_at: utc(now),
        },
    )?;
    Ok(TokenPair {
        access_token: state.tokens.issue_access(actor, now)?,
        token_type: "Bearer".into(),
        expires_in: state.tokens.access_ttl_secs,
        refresh_token,
        refresh_expires_in: refresh_ttl,
    })
}

fn policy(state: &AppState) -> Policy {
    Policy {
        max_failures: state.config.login_max_failures,
        base: state.config.login_lockout_base,
        cap: state.config.login_lockout_max,
    }
}

/// `client` is the caller's address: throttling is per account and address.
pub async fn login(
    state: &AppState,
    input: LoginRequest,
    client: String,
) -> Result<TokenPair, AppError> {
    let key = throttle::key(&input.username, &client);
    let now = state.now();
    // 0. A place for the hashing first: in a storm, a refused login costs no database work.
    let hashing = password::reserve()?;

    // 1. Refuse while locked; find the account (if any) and its hash.
    let (lookup_key, username, phone) = (
        key.clone(),
        normalize_username(&input.username),
        normalize_phone(&input.username),
    );
    let account = db::read(&state.pool, move |conn| {
        if let Some(lock) = repo::find_throttle(conn, &lookup_key)?.and_then(|t| t.locked_until) {
            let wait = (lock.and_utc() - now).num_seconds();
            if wait > 0 {
                return Err(AppError::TooManyRequests {
                    reason: "too many failed attempts",
                    retry_after_secs: wait as u64,
                });
            }
        }
        Ok(repo::find_account_by_login(conn, &username, &phone)?.filter(|u| u.active))
    })
    .await?;

    // 2. Verify off the async workers, holding no connection; unknown accounts cost the same.
    let password = input.password;
    let verified = hashing
        .run(move |workspace| match account {
            Some(user) if password::verify(&password, &user.password_hash, workspace) => Some(user),
            Some(_) => None,
            None => {
                password::verify_dummy(&password, workspace);
                None
            }
        })
        .await?;

    // 3. Record the outcome.
    let state2 = state.clone();
    let policy = policy(state);
    let outcome = db::transaction(&state.pool, move |conn| match verified {
        Some(user) => {
            repo::clear_throttle(conn, &key)?;
            let actor = actor_of(conn, user.id, user.role)?;
            issue(&state2, conn, &actor, &random_token(16), now).map(Some)
        }
        None => {
            let failures = repo::find_throttle(conn, &key)?.map_or(0, |t| t.failures) + 1;
            let locked_until = policy
                .lockout_after(failures)
                .map(|wait| utc(now + Duration::seconds(wait.as_secs() as i64)));
            repo::save_throttle(conn, &key, failures, locked_until, utc(now))?;
            Ok(None)
        }
    })
    .await?;
    outcome.ok_or_else(|| AppError::Unauthorized(BAD_LOGIN))
}

enum Rotation {
    Rotated(TokenPair),
    Refused,
}

pub async fn refresh(state: &AppState, input: RefreshRequest) -> Result<TokenPair, AppError> {
    let now = state.now();
    let state2 = state.clone();
    let hash = hash_token(&input.refresh_token);
    // Refusals that revoke must commit, so they are an Ok outcome of the transaction.
    let rotation = db::transaction(&state.pool, move |conn| {
        let Some(token) = repo::find_refresh(conn, &hash)? else {
            return Ok(Rotation::Refused);
        };
        if token.revoked_at.is_some() || token.expires_at <= utc(now) {
            return Ok(Rotation::Refused);
        }
        if token.used_at.is_some() || !repo::claim_refresh(conn, token.id, utc(now))? {
            // A used token presented again was stolen or replayed: end the whole family.
            log::warn!(
                "refresh token reuse for user {}: family revoked",
                token.user_id
            );
            repo::revoke_family(conn, &token.family, utc(now))?;
            return Ok(Rotation::Refused);
        }
        let user = repo::find_account(conn, token.user_id)?.filter(|u| u.active);
        let Some(user) = user else {
            repo::revoke_family(conn, &token.family, utc(now))?;
            return Ok(Rotation::Refused);
        };
        let actor = actor_of(conn, user.id, user.role)?;
        issue(&state2, conn, &actor, &token.family, now).map(Rotation::Rotated)
    })
    .await?;
    match rotation {
        Rotation::Rotated(pair) => Ok(pair),
        Rotation::Refused => Err(AppError::Unauthorized(
            "invalid, expired or revoked refresh token".into(),
        )),
    }
}

/// Ends the session the refresh token belongs to. Unknown tokens are ignored: the outcome
/// the caller wants, no session, holds either way.
pub async fn logout(state: &AppState, input: RefreshRequest) -> Result<(), AppError> {
    let now = utc(state.now());
    let hash = hash_token(&input.refresh_token);
    db::transaction(&state.pool, move |conn| {
        if let Some(token) = repo::find_refresh(conn, &hash)? {
            repo::revoke_family(conn, &token.family, now)?;
        }
        Ok(())
    })
    .await
}

/// Changes the caller's password and ends all their sessions.
pub async fn change_password(
    state: &AppState,
    actor: &Actor,
    input: PasswordChange,
) -> Result<(), AppError> {
    let mut v = Validator::new();
    check_password(&mut v, "new_password", &input.new_password);
    v.check(
        input.new_password != input.current_password,
        "new_password",
        "must differ from the current password",
    );
    v.finish()?;
    let user_id = actor.user_id;
    let current = db::transaction(&state.pool, move |conn| {
        repo::find_account(conn, user_id)?.ok_or(AppError::NotFound("user"))
    })
    .await?;
    let PasswordChange {
        current_password,
        new_password,
    } = input;
    let new_hash = password::hashing(move |workspace| {
        if !password::verify(&current_password, &current.password_hash, workspace) {
            return Err(AppError::field(
                "current_password",
                "is not your current password",
            ));
        }
        password::hash(&new_password, workspace)
    })
    .await??;
    let now = utc(state.now());
    db::transaction(&state.pool, move |conn| {
        repo::set_password_hash(conn, user_id, &new_hash, now)?;
        repo::revoke_user_sessions(conn, user_id, now)?;
        Ok(())
    })
    .await
}
