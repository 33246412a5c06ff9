//! The estate's rows as written.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::Person;
use crate::db::schema::{
    calendar_days, fee_items, sites, staff_sites, standard_replies, unit_memberships, units, users,
    working_hours,
};
use crate::seed::load::bulk::BulkRow;

#[derive(Insertable)]
#[diesel(table_name = sites, treat_none_as_default_value = false)]
pub struct SiteRow {
    pub id: i64,
    pub name: String,
    pub time_zone: &'static str,
    pub address: Option<String>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl BulkRow for SiteRow {
    const COLUMNS: usize = 7;
}

#[derive(Insertable)]
#[diesel(table_name = units, treat_none_as_default_value = false)]
pub struct UnitRow {
    pub id: i64,
    pub site_id: i64,
    pub building: String,
    pub entrance: String,
    pub room: String,
    pub floor_area_centi_m2: Option<i64>,
    pub handover_date: Option<NaiveDate>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl BulkRow for UnitRow {
    const COLUMNS: usize = 10;
}

#[derive(Insertable)]
#[diesel(table_name = users, treat_none_as_default_value = false)]
pub struct UserRow<'a> {
    pub id: i64,
    pub username: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub display_name: &'a str,
    pub role: &'static str,
    pub password_hash: &'a str,
    pub active: bool,
    pub refuses_visits: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl BulkRow for UserRow<'_> {
    const COLUMNS: usize = 10;
}

#[derive(Insertable)]
#[diesel(table_name = staff_sites, treat_none_as_default_value = false)]
pub struct StaffSiteRow {
    pub user_id: i64,
    pub site_id: i64,
}

impl BulkRow for StaffSiteRow {
    const COLUMNS: usize = 2;
}

#[derive(Insertable)]
#[diesel(table_name = unit_memberships, treat_none_as_default_value = false)]
pub struct MembershipRow {
    pub unit_id: i64,
    pub user_id: i64,
    pub relation: &'static str,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
}

impl BulkRow for MembershipRow {
    const COLUMNS: usize = 6;
}

#[derive(Insertable)]
#[diesel(table_name = working_hours, treat_none_as_default_value = false)]
pub struct HoursRow {
    pub site_id: i64,
    pub weekday: i32,
    pub start_minute: i32,
    pub end_minute: i32,
}

impl BulkRow for HoursRow {
    const COLUMNS: usize = 4;
}

#[derive(Insertable)]
#[diesel(table_name = calendar_days, treat_none_as_default_value = false)]
pub struct DayRow {
    pub site_id: i64,
    pub day: NaiveDate,
    pub kind: &'static str,
    pub name: &'static str,
}

impl BulkRow for DayRow {
    const COLUMNS: usize = 4;
}

#[derive(Insertable)]
#[diesel(table_name = fee_items, treat_none_as_default_value = false)]
pub struct FeeRow {
    pub site_id: i64,
    pub name: &'static str,
    pub price_fen: i64,
    pub active: bool,
    pub created_at: NaiveDateTime,
}

impl BulkRow for FeeRow {
    const COLUMNS: usize = 5;
}

#[derive(Insertable)]
#[diesel(table_name = standard_replies, treat_none_as_default_value = false)]
pub struct ReplyRow {
    pub id: i64,
    pub site_id: i64,
    pub subject: &'static str,
    pub title: &'static str,
    pub body: &'static str,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl BulkRow for ReplyRow {
    const COLUMNS: usize = 8;
}

pub fn user_row<'a>(
    p: &'a Person,
    role: &'static str,
    password_hash: &'a str,
    opened: NaiveDateTime,
) -> UserRow<'a> {
    UserRow {
        id: p.id.get(),
        username: Some(&p.username),
        phone: Some(&p.phone),
        display_name: &p.name,
        role,
        password_hash,
        active: true,
        refuses_visits: false,
        created_at: opened,
        updated_at: opened,
    }
}
