//! The rows every record's history takes, tickets and complaints alike: timeline entries
//! and follow-up visits.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::bulk::BulkRow;
use crate::db::schema::{follow_up_visits, timeline_entries};

/// One timeline entry, of a ticket or a complaint.
#[derive(Insertable)]
#[diesel(table_name = timeline_entries, treat_none_as_default_value = false)]
pub struct EntryRow {
    pub subject: &'static str,
    pub subject_id: i64,
    pub actor_id: Option<i64>,
    pub action: &'static str,
    pub from_status: Option<&'static str>,
    pub to_status: Option<&'static str>,
    pub note: Option<String>,
    pub created_at: NaiveDateTime,
}

impl BulkRow for EntryRow {
    const COLUMNS: usize = 8;
}

/// One follow-up visit, of a ticket or a complaint.
#[derive(Insertable)]
#[diesel(table_name = follow_up_visits, treat_none_as_default_value = false)]
pub struct VisitRow {
    pub subject: &'static str,
    pub subject_id: i64,
    pub butler_id: i64,
    pub method: &'static str,
    pub satisfaction: &'static str,
    pub result: &'static str,
    pub visited_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

impl BulkRow for VisitRow {
    const COLUMNS: usize = 8;
}
