use chrono::{DateTime, Utc};

use super::dto::{
    ApiKey, ApiKeyFilter, ApiKeyStatus, CreatedApiKey, NewApiKey, DEFAULT_REQUESTS_PER_MINUTE,
    MAX_REQUESTS_PER_MINUTE,
};
use super::repo::{self, ApiKeyRow, NewApiKeyRow};
use crate::access::tokens::{hash_token, random_token};
use crate::access::{self, Actor, Permission, Role, SiteScope};
use crate::auth::api_key::PREFIX;
use crate::db::{self, utc, AnyConnection};
use crate::error::{AppError, Lookup, Validator};
use crate::i18n::{Language, Msg};
use crate::pagination::{Page, PageRequest};
use crate::signing;
use crate::sites;
use crate::state::AppState;
use crate::users::repo::NewUserRow;

/// Characters of a key shown in lists: the prefix and eight of its random ones.
const SHOWN: usize = PREFIX.len() + 8;

/// Creates a key on sites the manager covers and answers it with the key itself, this
/// once. The key gets an account of its own, a butler of its sites, which cannot sign in.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    input: NewApiKey,
) -> Result<CreatedApiKey, AppError> {
    let now = state.now();
    let per_minute = input
        .requests_per_minute
        .unwrap_or(DEFAULT_REQUESTS_PER_MINUTE);
    Validator::new()
        .check(
            !input.site_ids.is_empty(),
            "site_ids",
            "name at least one site",
        )
        .check(
            !input.permissions.is_empty(),
            "permissions",
            "grant at least one permission",
        )
        .check(
            (1..=MAX_REQUESTS_PER_MINUTE).contains(&per_minute),
            "requests_per_minute",
            Msg::new("must be between 1 and %{max}").arg("max", MAX_REQUESTS_PER_MINUTE),
        )
        .check(
            input.expires_at.is_none_or(|at| at > now),
            "expires_at",
            "must be in the future",
        )
        .finish()?;
    let actor = actor.clone();
    let secret = format!("{PREFIX}{}", random_token(32));
    // A key that reports payments signs each report too (`hot_water::payment_reports`).
    let signing_secret = input
        .permissions
        .contains(&Permission::HotWaterPayments)
        .then(signing::new_secret);
    let sealed_signing_secret = signing_secret.as_deref().map(|s| state.pii.seal(s));
    db::transaction(&state.pool, move |conn| {
        for (i, site_id) in input.site_ids.iter().enumerate() {
            sites::service::visible_site(conn, &actor, *site_id).missing_as(|| {
                AppError::field(format!("site_ids[{i}]"), "no site with this id among yours")
            })?;
        }
        let prefix: String = secret.chars().take(SHOWN).collect();
        let account = crate::users::repo::insert(
            conn,
            NewUserRow {
                username: Some(format!("integration:{prefix}").to_ascii_lowercase()),
                phone: None,
                display_name: format!("{} (API)", input.name.as_str()),
                role: Role::Butler,
                // Not a password hash: no password verifies against it.
                password_hash: "!".into(),
                active: true,
                created_at: utc(now),
                updated_at: utc(now),
                integration: true,
                language: Language::default(),
            },
        )?;
        let mut site_ids = input.site_ids.clone();
        site_ids.sort();
        site_ids.dedup();
        crate::users::repo::set_staff_sites(conn, account.id, &site_ids)?;
        let mut permissions = input.permissions.clone();
        permissions.sort_by_key(|p| p.as_str());
        permissions.dedup();
        let row = repo::insert(
            conn,
            NewApiKeyRow {
                name: input.name.into(),
                account_id: account.id,
                token_hash: hash_token(&secret),
                token_prefix: prefix,
                requests_per_minute: per_minute,
                created_by: actor.user_id,
                created_at: utc(now),
                expires_at: input.expires_at.map(utc),
                signing_secret: sealed_signing_secret,
            },
            &permissions,
        )?;
        Ok(CreatedApiKey {
            key: view(conn, row, now)?,
            api_key: secret,
            signing_secret,
        })
    })
    .await
}

/// The keys a manager sees: all for a company-wide manager (of `site_id` if named), else
/// those acting on their site and on no site that is not theirs.
pub async fn list(
    state: &AppState,
    actor: &Actor,
    filter: ApiKeyFilter,
    page: PageRequest,
) -> Result<Page<ApiKey>, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    db::read(&state.pool, move |conn| {
        let site = sites::service::listed_site_or_all(conn, &actor, filter.site_id, "API keys")?;
        let within = match actor.site_scope() {
            SiteScope::All => None,
            SiteScope::Only(sites) => Some(sites),
        };
        let rows = repo::list(conn, site, within, page)?;
        Page::from_rows(rows, page, |r| r.id, |r| r).try_map(|row| view(conn, row, now))
    })
    .await
}

pub async fn get(state: &AppState, actor: &Actor, id: i64) -> Result<ApiKey, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    db::read(&state.pool, move |conn| {
        let row = visible(conn, &actor, id)?;
        view(conn, row, now)
    })
    .await
}

/// Revokes the key at once: its next request is refused (401). 409 when it is revoked
/// already.
pub async fn revoke(state: &AppState, actor: &Actor, id: i64) -> Result<ApiKey, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    crate::idempotency::transaction(state, crate::idempotency::Answer::Done, move |conn| {
        let row = visible(conn, &actor, id)?;
        if !repo::revoke(conn, &row, actor.user_id, utc(now))? {
            return Err(AppError::InvalidTransition(
                "this API key is revoked already".into(),
            ));
        }
        let row = repo::find(conn, id)?.ok_or(AppError::NotFound("API key"))?;
        view(conn, row, now)
    })
    .await
}

/// The key, if the manager covers every site it acts on: a site's manager neither sees nor
/// revokes a key that other sites rely on too.
fn visible(conn: &mut AnyConnection, actor: &Actor, id: i64) -> Result<ApiKeyRow, AppError> {
    let row = repo::find(conn, id)?.ok_or(AppError::NotFound("API key"))?;
    let sites = access::repo::staff_site_ids(conn, row.account_id)?;
    if !sites.is_empty() && sites.iter().all(|site| actor.covers_site(*site)) {
        Ok(row)
    } else {
        Err(AppError::NotFound("API key"))
    }
}

fn view(conn: &mut AnyConnection, row: ApiKeyRow, now: DateTime<Utc>) -> Result<ApiKey, AppError> {
    let status = if row.revoked_at.is_some() {
        ApiKeyStatus::Revoked
    } else if row.expires_at.is_some_and(|at| at.and_utc() <= now) {
        ApiKeyStatus::Expired
    } else {
        ApiKeyStatus::Active
    };
    Ok(ApiKey {
        site_ids: access::repo::staff_site_ids(conn, row.account_id)?,
        permissions: crate::auth::repo::api_key_permissions(conn, row.id)?,
        id: row.id,
        name: row.name,
        token_prefix: row.token_prefix,
        status,
        requests_per_minute: row.requests_per_minute,
        account_id: row.account_id,
        created_by: row.created_by,
        created_at: row.created_at.and_utc(),
        expires_at: row.expires_at.map(|at| at.and_utc()),
        revoked_at: row.revoked_at.map(|at| at.and_utc()),
        last_used_at: row.last_used_at.map(|at| at.and_utc()),
    })
}

/// Re-seals the keys' signing secrets under the current `PII_KEY`, the old key given as
/// hex (`propdesk reseal-pii`); those already under the current key are left. Returns how
/// many were re-sealed.
pub async fn reseal(state: &AppState, old_key_hex: &str) -> Result<usize, AppError> {
    let old = crate::pii::Vault::retired(old_key_hex)?;
    let new = state.pii.clone();
    db::transaction(&state.pool, move |conn| {
        let mut count = 0;
        for (id, sealed) in repo::signing_secrets(conn)? {
            let resealed = new
                .reseal(&old, &sealed)
                .map_err(|e| AppError::internal(format!("an API key's signing secret: {e}")))?;
            if let Some((sealed, _)) = resealed {
                repo::set_signing_secret(conn, id, &sealed)?;
                count += 1;
            }
        }
        Ok(count)
    })
    .await
}
