use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::access::{Permission, Role};
use crate::db::schema::{api_key_permissions, api_keys, login_throttles, refresh_tokens, users};
use crate::db::AnyConnection;
use crate::ids::{SiteId, UserId};

/// What signing in needs of an account.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct Account {
    pub id: UserId,
    #[diesel(deserialize_as = String)]
    pub role: Role,
    pub password_hash: String,
    pub active: bool,
}

/// The account a login name designates: a username, or else a phone number.
pub fn find_account_by_login(
    conn: &mut AnyConnection,
    username: &str,
    phone: &str,
) -> QueryResult<Option<Account>> {
    users::table
        .filter(users::username.eq(username).or(users::phone.eq(phone)))
        .order(users::username.eq(username).desc())
        .select(Account::as_select())
        .first(conn)
        .optional()
}

pub fn find_account(conn: &mut AnyConnection, id: UserId) -> QueryResult<Option<Account>> {
    users::table
        .find(id)
        .select(Account::as_select())
        .first(conn)
        .optional()
}

pub fn set_password_hash(
    conn: &mut AnyConnection,
    id: UserId,
    password_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(password_hash),
            users::updated_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshTokenRow {
    pub id: i64,
    pub user_id: UserId,
    pub family: String,
    pub token_hash: String,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = refresh_tokens)]
pub struct NewRefreshToken<'a> {
    pub user_id: UserId,
    pub family: &'a str,
    pub token_hash: &'a str,
    pub expires_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = login_throttles)]
pub struct ThrottleRow {
    pub throttle_key: String,
    pub failures: i32,
    pub locked_until: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

pub fn insert_refresh(conn: &mut AnyConnection, row: &NewRefreshToken) -> QueryResult<()> {
    diesel::insert_into(refresh_tokens::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn find_refresh(conn: &mut AnyConnection, hash: &str) -> QueryResult<Option<RefreshTokenRow>> {
    refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(hash))
        .first(conn)
        .optional()
}

/// Marks the token used if nobody did first; `false` when a concurrent request won.
pub fn claim_refresh(conn: &mut AnyConnection, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(
        refresh_tokens::table
            .find(id)
            .filter(refresh_tokens::used_at.is_null())
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::used_at.eq(now))
    .execute(conn)
    .map(|n| n == 1)
}

pub fn revoke_family(
    conn: &mut AnyConnection,
    family: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family.eq(family))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(now))
    .execute(conn)
}

pub fn revoke_user_sessions(
    conn: &mut AnyConnection,
    user_id: UserId,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::user_id.eq(user_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(now))
    .execute(conn)
}

pub fn find_throttle(conn: &mut AnyConnection, key: &str) -> QueryResult<Option<ThrottleRow>> {
    login_throttles::table.find(key).first(conn).optional()
}

/// Saves the failure count (insert or update: the portable form of an upsert).
pub fn save_throttle(
    conn: &mut AnyConnection,
    key: &str,
    failures: i32,
    locked_until: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let updated = diesel::update(login_throttles::table.find(key))
        .set((
            login_throttles::failures.eq(failures),
            login_throttles::locked_until.eq(locked_until),
            login_throttles::updated_at.eq(now),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(login_throttles::table)
            .values((
                login_throttles::throttle_key.eq(key),
                login_throttles::failures.eq(failures),
                login_throttles::locked_until.eq(locked_until),
                login_throttles::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn clear_throttle(conn: &mut AnyConnection, key: &str) -> QueryResult<()> {
    diesel::delete(login_throttles::table.find(key))
        .execute(conn)
        .map(|_| ())
}

/// What authenticating with an API key needs of it.
pub struct LiveApiKey {
    pub id: i64,
    pub account_id: UserId,
    pub requests_per_minute: i64,
    pub last_used_at: Option<NaiveDateTime>,
    pub permissions: Vec<Permission>,
    pub sites: Vec<SiteId>,
}

/// The key whose hash is `hash`, if it is neither revoked nor expired at `now` and its
/// account is active.
pub fn find_live_api_key(
    conn: &mut AnyConnection,
    hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<LiveApiKey>> {
    let found: Option<(i64, UserId, i64, Option<NaiveDateTime>)> = api_keys::table
        .inner_join(users::table.on(users::id.eq(api_keys::account_id)))
        .filter(api_keys::token_hash.eq(hash))
        .filter(api_keys::revoked_at.is_null())
        .filter(
            api_keys::expires_at
                .is_null()
                .or(api_keys::expires_at.gt(now)),
        )
        .filter(users::active.eq(true))
        .select((
            api_keys::id,
            api_keys::account_id,
            api_keys::requests_per_minute,
            api_keys::last_used_at,
        ))
        .first(conn)
        .optional()?;
    let Some((id, account_id, requests_per_minute, last_used_at)) = found else {
        return Ok(None);
    };
    let permissions = api_key_permissions(conn, id)?;
    let sites = crate::access::repo::staff_site_ids(conn, account_id)?;
    Ok(Some(LiveApiKey {
        id,
        account_id,
        requests_per_minute,
        last_used_at,
        permissions,
        sites,
    }))
}

/// The permissions of key `id`, in the order of their names.
pub fn api_key_permissions(conn: &mut AnyConnection, id: i64) -> QueryResult<Vec<Permission>> {
    Ok(api_key_permissions::table
        .filter(api_key_permissions::api_key_id.eq(id))
        .select(api_key_permissions::permission)
        .order(api_key_permissions::permission.asc())
        .load::<String>(conn)?
        .into_iter()
        .filter_map(|text| Permission::try_from(text).ok())
        .collect())
}

/// Notes that the key was used at `now`.
pub fn record_api_key_use(
    conn: &mut AnyConnection,
    id: i64,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(api_keys::table.find(id))
        .set(api_keys::last_used_at.eq(now))
        .execute(conn)
        .map(|_| ())
}
