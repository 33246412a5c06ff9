use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::access::SiteScope;
use crate::ids::SiteId;

use crate::db::schema::sites;
use crate::db::AnyConnection;
use crate::pagination::PageRequest;

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = sites)]
pub struct SiteRow {
    pub id: SiteId,
    pub name: String,
    pub time_zone: String,
    pub address: Option<String>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = sites)]
pub struct NewSiteRow<'a> {
    pub name: &'a str,
    pub time_zone: &'a str,
    pub address: Option<&'a str>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(AsChangeset)]
#[diesel(table_name = sites)]
pub struct SiteUpdate {
    pub name: Option<String>,
    pub time_zone: Option<String>,
    pub address: Option<Option<String>>,
    pub active: Option<bool>,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut AnyConnection, row: &NewSiteRow) -> QueryResult<SiteRow> {
    diesel::insert_into(sites::table)
        .values(row)
        .get_result(conn)
}

pub fn find(conn: &mut AnyConnection, id: SiteId) -> QueryResult<Option<SiteRow>> {
    sites::table.find(id).first(conn).optional()
}

pub fn update(conn: &mut AnyConnection, id: SiteId, changes: &SiteUpdate) -> QueryResult<SiteRow> {
    diesel::update(sites::table.find(id))
        .set(changes)
        .get_result(conn)
}

/// Sites in `scope`, ordered by id.
pub fn list(
    conn: &mut AnyConnection,
    scope: &SiteScope,
    active: Option<bool>,
    page: PageRequest,
) -> QueryResult<Vec<SiteRow>> {
    let mut query = sites::table.into_boxed();
    if let SiteScope::Only(ids) = scope {
        query = query.filter(sites::id.eq_any(ids));
    }
    if let Some(active) = active {
        query = query.filter(sites::active.eq(active));
    }
    if let Some(after) = page.after_id {
        query = query.filter(sites::id.gt(after));
    }
    query.order(sites::id.asc()).limit(page.fetch()).load(conn)
}

pub fn names(conn: &mut AnyConnection, ids: &[SiteId]) -> QueryResult<Vec<(SiteId, String)>> {
    sites::table
        .filter(sites::id.eq_any(ids.to_vec()))
        .select((sites::id, sites::name))
        .order(sites::id.asc())
        .load(conn)
}

pub fn all_names(conn: &mut AnyConnection) -> QueryResult<Vec<(SiteId, String)>> {
    sites::table
        .select((sites::id, sites::name))
        .order(sites::id.asc())
        .load(conn)
}
