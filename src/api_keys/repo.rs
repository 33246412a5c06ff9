use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::access::Permission;
use crate::db::schema::{api_key_permissions, api_keys, staff_sites, users};
use crate::db::AnyConnection;
use crate::ids::{SiteId, UserId};
use crate::pagination::PageRequest;

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = api_keys)]
pub struct ApiKeyRow {
    pub id: i64,
    pub name: String,
    pub account_id: UserId,
    pub token_hash: String,
    pub token_prefix: String,
    pub requests_per_minute: i64,
    pub created_by: UserId,
    pub created_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub revoked_by: Option<UserId>,
    pub last_used_at: Option<NaiveDateTime>,
    /// Sealed; only for keys that report payments.
    pub signing_secret: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = api_keys)]
pub struct NewApiKeyRow {
    pub name: String,
    pub account_id: UserId,
    pub token_hash: String,
    pub token_prefix: String,
    pub requests_per_minute: i64,
    pub created_by: UserId,
    pub created_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
    pub signing_secret: Option<String>,
}

pub fn insert(
    conn: &mut AnyConnection,
    row: NewApiKeyRow,
    permissions: &[Permission],
) -> QueryResult<ApiKeyRow> {
    let key: ApiKeyRow = diesel::insert_into(api_keys::table)
        .values(row)
        .get_result(conn)?;
    // One row at a time: MultiConnection has no portable multi-row INSERT.
    for permission in permissions {
        diesel::insert_into(api_key_permissions::table)
            .values((
                api_key_permissions::api_key_id.eq(key.id),
                api_key_permissions::permission.eq(permission.as_str()),
            ))
            .execute(conn)?;
    }
    Ok(key)
}

pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<ApiKeyRow>> {
    api_keys::table.find(id).first(conn).optional()
}

/// Keys newest first (through their accounts' sites): acting on `site` if named, and
/// only on the sites `within` if given.
pub fn list(
    conn: &mut AnyConnection,
    site: Option<SiteId>,
    within: Option<Vec<SiteId>>,
    page: PageRequest,
) -> QueryResult<Vec<ApiKeyRow>> {
    let mut query = api_keys::table.into_boxed();
    if let Some(site) = site {
        query = query.filter(
            api_keys::account_id.eq_any(
                staff_sites::table
                    .filter(staff_sites::site_id.eq(site))
                    .select(staff_sites::user_id),
            ),
        );
    }
    if let Some(within) = within {
        query = query.filter(diesel::dsl::not(diesel::dsl::exists(
            staff_sites::table
                .filter(staff_sites::user_id.eq(api_keys::account_id))
                .filter(staff_sites::site_id.ne_all(within)),
        )));
    }
    if let Some(before) = page.after_id {
        query = query.filter(api_keys::id.lt(before));
    }
    query
        .order(api_keys::id.desc())
        .limit(page.fetch())
        .load(conn)
}

/// Revokes the key and closes its account; `false` when it was revoked already.
pub fn revoke(
    conn: &mut AnyConnection,
    key: &ApiKeyRow,
    by: UserId,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let revoked = diesel::update(
        api_keys::table
            .find(key.id)
            .filter(api_keys::revoked_at.is_null()),
    )
    .set((api_keys::revoked_at.eq(now), api_keys::revoked_by.eq(by)))
    .execute(conn)?;
    diesel::update(users::table.find(key.account_id))
        .set((users::active.eq(false), users::updated_at.eq(now)))
        .execute(conn)?;
    Ok(revoked == 1)
}

/// The key acting through `account`, if it signs what it sends: its id and its sealed
/// signing secret.
pub fn signer(conn: &mut AnyConnection, account: UserId) -> QueryResult<Option<(i64, String)>> {
    api_keys::table
        .filter(api_keys::account_id.eq(account))
        .filter(api_keys::signing_secret.is_not_null())
        .select((api_keys::id, api_keys::signing_secret.assume_not_null()))
        .first(conn)
        .optional()
}

/// Every key with a signing secret: its id and the sealed secret.
pub fn signing_secrets(conn: &mut AnyConnection) -> QueryResult<Vec<(i64, String)>> {
    api_keys::table
        .filter(api_keys::signing_secret.is_not_null())
        .select((api_keys::id, api_keys::signing_secret.assume_not_null()))
        .load(conn)
}

pub fn set_signing_secret(conn: &mut AnyConnection, id: i64, sealed: &str) -> QueryResult<()> {
    diesel::update(api_keys::table.find(id))
        .set(api_keys::signing_secret.eq(sealed))
        .execute(conn)?;
    Ok(())
}
