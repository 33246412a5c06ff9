//! The facts access is decided on: who works for which site, who lives in which unit.

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::schema::{staff_sites, unit_memberships, units, users};
use crate::db::{AnyConnection, MultiBackend};
use crate::ids::{SiteId, UnitId, UserId};

/// What access needs to know of a person.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct Person {
    pub id: UserId,
    pub display_name: String,
    #[diesel(deserialize_as = String)]
    pub role: super::Role,
    pub active: bool,
    /// The account of an API key: it acts on its sites but is never named as anyone's
    /// owner, holder or engineer.
    pub integration: bool,
}

pub fn find_person(conn: &mut AnyConnection, id: UserId) -> QueryResult<Option<Person>> {
    users::table
        .find(id)
        .select(Person::as_select())
        .first(conn)
        .optional()
}

pub fn staff_site_ids(conn: &mut AnyConnection, user_id: UserId) -> QueryResult<Vec<SiteId>> {
    staff_sites::table
        .filter(staff_sites::user_id.eq(user_id))
        .select(staff_sites::site_id)
        .order(staff_sites::site_id.asc())
        .load(conn)
}

/// Sites whose units the resident lives or lived in.
pub fn resident_site_ids(conn: &mut AnyConnection, user_id: UserId) -> QueryResult<Vec<SiteId>> {
    unit_memberships::table
        .inner_join(units::table)
        .filter(unit_memberships::user_id.eq(user_id))
        .select(units::site_id)
        .distinct()
        .load(conn)
}

/// Whether the resident lives in a unit of the site today.
pub fn lives_on_site(
    conn: &mut AnyConnection,
    user_id: UserId,
    site_id: SiteId,
    today: NaiveDate,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        unit_memberships::table
            .inner_join(units::table)
            .filter(unit_memberships::user_id.eq(user_id))
            .filter(units::site_id.eq(site_id))
            .filter(unit_memberships::start_date.le(today))
            .filter(
                unit_memberships::end_date
                    .is_null()
                    .or(unit_memberships::end_date.gt(today)),
            ),
    ))
    .get_result(conn)
}

/// Memberships that run today: from their start date up to, not including, their end date.
fn current_memberships(today: NaiveDate) -> unit_memberships::BoxedQuery<'static, MultiBackend> {
    unit_memberships::table
        .filter(unit_memberships::start_date.le(today))
        .filter(
            unit_memberships::end_date
                .is_null()
                .or(unit_memberships::end_date.gt(today)),
        )
        .into_boxed()
}

/// Units the resident lives in today: a membership runs from its start date up to, not
/// including, its end date.
pub fn current_unit_ids(
    conn: &mut AnyConnection,
    user_id: UserId,
    today: NaiveDate,
) -> QueryResult<Vec<UnitId>> {
    current_memberships(today)
        .filter(unit_memberships::user_id.eq(user_id))
        .select(unit_memberships::unit_id)
        .load(conn)
}

/// Who lives in the unit today: the residents a notice about it goes to.
pub fn residents_of_unit(
    conn: &mut AnyConnection,
    unit_id: UnitId,
    today: NaiveDate,
) -> QueryResult<Vec<UserId>> {
    current_memberships(today)
        .filter(unit_memberships::unit_id.eq(unit_id))
        .select(unit_memberships::user_id)
        .load(conn)
}

/// The active butlers who work for the site: the desk a site's notices go to (people, not
/// the accounts of API keys).
pub fn butlers_of_site(conn: &mut AnyConnection, site_id: SiteId) -> QueryResult<Vec<UserId>> {
    users::table
        .inner_join(staff_sites::table.on(staff_sites::user_id.eq(users::id)))
        .filter(staff_sites::site_id.eq(site_id))
        .filter(users::role.eq(super::Role::Butler.as_str()))
        .filter(users::active.eq(true))
        .filter(users::integration.eq(false))
        .select(users::id)
        .order(users::id.asc())
        .load(conn)
}

/// The active managers linked to no site: those of the whole company.
pub fn company_wide_managers(conn: &mut AnyConnection) -> QueryResult<Vec<UserId>> {
    users::table
        .filter(users::role.eq(super::Role::Manager.as_str()))
        .filter(users::active.eq(true))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            staff_sites::table.filter(staff_sites::user_id.eq(users::id)),
        )))
        .select(users::id)
        .order(users::id.asc())
        .load(conn)
}

/// The active managers who answer for the site: those linked to it and the company-wide
/// ones (linked to no site), as `staff_of_site` counts them.
pub fn managers_of_site(conn: &mut AnyConnection, site_id: SiteId) -> QueryResult<Vec<UserId>> {
    let linked = staff_sites::table
        .filter(staff_sites::user_id.eq(users::id))
        .select(staff_sites::site_id);
    users::table
        .filter(users::role.eq(super::Role::Manager.as_str()))
        .filter(users::active.eq(true))
        .filter(
            diesel::dsl::exists(linked.filter(staff_sites::site_id.eq(site_id)))
                .or(diesel::dsl::not(diesel::dsl::exists(linked))),
        )
        .select(users::id)
        .order(users::id.asc())
        .load(conn)
}
