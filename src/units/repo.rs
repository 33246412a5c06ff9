use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::access::{Reach, SiteScope};
use crate::ids::{SiteId, UnitId};

use crate::db::schema::units;
use crate::db::AnyConnection;
use crate::pagination::PageRequest;

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = units)]
pub struct UnitRow {
    pub id: UnitId,
    pub site_id: SiteId,
    pub building: String,
    pub entrance: String,
    pub room: String,
    pub floor_area_centi_m2: Option<i64>,
    pub handover_date: Option<NaiveDate>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl UnitRow {
    /// `1-1-101`: building, entrance, room, as notices and letters name a unit.
    pub fn label(&self) -> String {
        format!("{}-{}-{}", self.building, self.entrance, self.room)
    }
}

#[derive(Insertable)]
#[diesel(table_name = units)]
pub struct NewUnitRow<'a> {
    pub site_id: SiteId,
    pub building: &'a str,
    pub entrance: &'a str,
    pub room: &'a str,
    pub floor_area_centi_m2: Option<i64>,
    pub handover_date: Option<NaiveDate>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = units)]
pub struct UnitUpdate {
    pub building: Option<String>,
    pub entrance: Option<String>,
    pub room: Option<String>,
    pub floor_area_centi_m2: Option<Option<i64>>,
    pub handover_date: Option<Option<NaiveDate>>,
    pub active: Option<bool>,
    pub updated_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut AnyConnection, row: &NewUnitRow) -> QueryResult<UnitRow> {
    diesel::insert_into(units::table)
        .values(row)
        .get_result(conn)
}

pub fn find(conn: &mut AnyConnection, id: UnitId) -> QueryResult<Option<UnitRow>> {
    units::table.find(id).first(conn).optional()
}

pub fn update(conn: &mut AnyConnection, id: UnitId, changes: &UnitUpdate) -> QueryResult<UnitRow> {
    diesel::update(units::table.find(id))
        .set(changes)
        .get_result(conn)
}

pub struct UnitQuery {
    pub site_id: Option<SiteId>,
    pub building: Option<String>,
    pub active: Option<bool>,
}

pub fn list(
    conn: &mut AnyConnection,
    reach: Reach,
    filter: UnitQuery,
    page: PageRequest,
) -> QueryResult<Vec<UnitRow>> {
    let mut query = units::table.into_boxed();
    match reach {
        Reach::Sites(SiteScope::Only(sites)) => query = query.filter(units::site_id.eq_any(sites)),
        Reach::Sites(SiteScope::All) => {}
        Reach::Units(ids) => query = query.filter(units::id.eq_any(ids)),
    }
    if let Some(site_id) = filter.site_id {
        query = query.filter(units::site_id.eq(site_id));
    }
    if let Some(building) = filter.building {
        query = query.filter(units::building.eq(building));
    }
    if let Some(active) = filter.active {
        query = query.filter(units::active.eq(active));
    }
    if let Some(after) = page.after_id {
        query = query.filter(units::id.gt(after));
    }
    query.order(units::id.asc()).limit(page.fetch()).load(conn)
}

/// Display codes (`3-2-1201`) of the given units.
pub fn codes(
    conn: &mut AnyConnection,
    unit_ids: &[UnitId],
) -> QueryResult<HashMap<UnitId, String>> {
    let rows: Vec<(UnitId, String, String, String)> = units::table
        .filter(units::id.eq_any(unit_ids.to_vec()))
        .select((units::id, units::building, units::entrance, units::room))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, b, e, r)| (id, super::model::code(&b, &e, &r)))
        .collect())
}
