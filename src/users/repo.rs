use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::model::Relation;
use crate::access::{Role, SiteScope};
use crate::ids::{SiteId, UnitId, UserId};

use crate::db::schema::{staff_sites, unit_memberships, units, users};
use crate::db::AnyConnection;
use crate::i18n::Language;
use crate::pagination::PageRequest;
use crate::units::repo::UnitRow;

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: UserId,
    pub username: Option<String>,
    pub phone: Option<String>,
    pub display_name: String,
    #[diesel(deserialize_as = String)]
    pub role: Role,
    pub password_hash: String,
    pub active: bool,
    /// R-CMP-13: refused follow-up visits; none is scheduled again.
    pub refuses_visits: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The account of an API key (`api_keys`), not a person.
    pub integration: bool,
    /// The language of the person's notices.
    #[diesel(deserialize_as = String)]
    pub language: Language,
}

#[derive(Insertable)]
#[diesel(table_name = users)]
pub struct NewUserRow {
    pub username: Option<String>,
    pub phone: Option<String>,
    pub display_name: String,
    #[diesel(serialize_as = String)]
    pub role: Role,
    pub password_hash: String,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub integration: bool,
    #[diesel(serialize_as = String)]
    pub language: Language,
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = users)]
pub struct UserUpdate {
    pub username: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub display_name: Option<String>,
    pub password_hash: Option<String>,
    pub active: Option<bool>,
    pub language: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = unit_memberships)]
pub struct MembershipRow {
    pub id: i64,
    pub unit_id: UnitId,
    pub user_id: UserId,
    #[diesel(deserialize_as = String)]
    pub relation: Relation,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = unit_memberships)]
pub struct NewMembershipRow {
    pub unit_id: UnitId,
    pub user_id: UserId,
    #[diesel(serialize_as = String)]
    pub relation: Relation,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut AnyConnection, row: NewUserRow) -> QueryResult<UserRow> {
    diesel::insert_into(users::table)
        .values(row)
        .get_result(conn)
}

pub fn find(conn: &mut AnyConnection, id: UserId) -> QueryResult<Option<UserRow>> {
    users::table.find(id).first(conn).optional()
}

pub fn update(conn: &mut AnyConnection, id: UserId, changes: &UserUpdate) -> QueryResult<UserRow> {
    diesel::update(users::table.find(id))
        .set(changes)
        .get_result(conn)
}

/// R-CMP-13: the resident refused follow-up visits.
pub fn refuse_visits(conn: &mut AnyConnection, id: UserId) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set(users::refuses_visits.eq(true))
        .execute(conn)
        .map(|_| ())
}

pub fn count(conn: &mut AnyConnection) -> QueryResult<i64> {
    users::table.count().get_result(conn)
}

pub fn set_staff_sites(
    conn: &mut AnyConnection,
    user_id: UserId,
    sites: &[SiteId],
) -> QueryResult<()> {
    diesel::delete(staff_sites::table.filter(staff_sites::user_id.eq(user_id))).execute(conn)?;
    // One row at a time: MultiConnection has no portable multi-row INSERT.
    for site in sites {
        diesel::insert_into(staff_sites::table)
            .values((
                staff_sites::user_id.eq(user_id),
                staff_sites::site_id.eq(*site),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Which users a list covers: everyone, or the people of some sites (staff working there,
/// residents who live or lived in their units).
pub fn list(
    conn: &mut AnyConnection,
    sites: &SiteScope,
    role: Option<Role>,
    active: Option<bool>,
    page: PageRequest,
) -> QueryResult<Vec<UserRow>> {
    let mut query = users::table
        .filter(users::integration.eq(false))
        .into_boxed();
    if let SiteScope::Only(sites) = sites {
        query = query.filter(
            users::id
                .eq_any(
                    staff_sites::table
                        .filter(staff_sites::site_id.eq_any(sites.to_vec()))
                        .select(staff_sites::user_id),
                )
                .or(users::id.eq_any(
                    unit_memberships::table
                        .inner_join(units::table)
                        .filter(units::site_id.eq_any(sites.to_vec()))
                        .select(unit_memberships::user_id),
                )),
        );
    }
    if let Some(role) = role {
        query = query.filter(users::role.eq(role.as_str()));
    }
    if let Some(active) = active {
        query = query.filter(users::active.eq(active));
    }
    if let Some(after) = page.after_id {
        query = query.filter(users::id.gt(after));
    }
    query.order(users::id.asc()).limit(page.fetch()).load(conn)
}

pub fn insert_membership(
    conn: &mut AnyConnection,
    row: NewMembershipRow,
) -> QueryResult<MembershipRow> {
    diesel::insert_into(unit_memberships::table)
        .values(row)
        .get_result(conn)
}

pub fn find_membership(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<MembershipRow>> {
    unit_memberships::table.find(id).first(conn).optional()
}

pub fn end_membership(
    conn: &mut AnyConnection,
    id: i64,
    end_date: NaiveDate,
) -> QueryResult<MembershipRow> {
    diesel::update(unit_memberships::table.find(id))
        .set(unit_memberships::end_date.eq(end_date))
        .get_result(conn)
}

/// Memberships of one unit, or of one user, oldest first.
pub fn memberships_of_unit(
    conn: &mut AnyConnection,
    unit_id: UnitId,
) -> QueryResult<Vec<(MembershipRow, UserRow)>> {
    unit_memberships::table
        .inner_join(users::table)
        .filter(unit_memberships::unit_id.eq(unit_id))
        .order(unit_memberships::id.asc())
        .select((MembershipRow::as_select(), UserRow::as_select()))
        .load(conn)
}

/// The user's memberships with their units, in one query.
pub fn memberships_of_user(
    conn: &mut AnyConnection,
    user_id: UserId,
) -> QueryResult<Vec<(MembershipRow, UnitRow)>> {
    unit_memberships::table
        .inner_join(units::table)
        .filter(unit_memberships::user_id.eq(user_id))
        .order(unit_memberships::id.asc())
        .select((MembershipRow::as_select(), UnitRow::as_select()))
        .load(conn)
}

/// Memberships of the user in the unit that have not ended by `today`.
pub fn open_memberships(
    conn: &mut AnyConnection,
    unit_id: UnitId,
    user_id: UserId,
    today: NaiveDate,
) -> QueryResult<i64> {
    unit_memberships::table
        .filter(unit_memberships::unit_id.eq(unit_id))
        .filter(unit_memberships::user_id.eq(user_id))
        .filter(
            unit_memberships::end_date
                .is_null()
                .or(unit_memberships::end_date.gt(today)),
        )
        .count()
        .get_result(conn)
}

/// Display names of accounts, by id: one query for a page of records that name people.
pub fn display_names(
    conn: &mut AnyConnection,
    ids: impl IntoIterator<Item = UserId>,
) -> QueryResult<std::collections::HashMap<UserId, String>> {
    let ids: Vec<UserId> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::display_name))
        .load::<(UserId, String)>(conn)?
        .into_iter()
        .collect())
}

/// The names of the unit's owners today: whom a dunning letter is addressed to.
pub fn owner_names_of_unit(
    conn: &mut AnyConnection,
    unit_id: UnitId,
    today: NaiveDate,
) -> QueryResult<Vec<String>> {
    unit_memberships::table
        .inner_join(users::table.on(users::id.eq(unit_memberships::user_id)))
        .filter(unit_memberships::unit_id.eq(unit_id))
        .filter(unit_memberships::relation.eq(Relation::Owner.as_str()))
        .filter(unit_memberships::start_date.le(today))
        .filter(
            unit_memberships::end_date
                .is_null()
                .or(unit_memberships::end_date.gt(today)),
        )
        .select(users::display_name)
        .order(unit_memberships::id)
        .load(conn)
}
