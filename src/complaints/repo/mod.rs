//! Complaint rows and their SQL: the complaint itself, its messages and the lookups of the
//! lifecycle (`mod.rs`); lists (`lists.rs`); report counts (`stats.rs`); the standard-reply
//! library (`standard_replies.rs`).

mod lists;
mod standard_replies;
mod stats;

pub use lists::*;
pub use standard_replies::*;
pub use stats::*;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{complaint_messages, complaints};
use crate::db::AnyConnection;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = complaints)]
pub struct ComplaintRow {
    pub id: i64,
    pub site_id: i64,
    pub number: String,
    pub complainant_kind: String,
    pub complainant_id: Option<i64>,
    pub complainant_name: Option<String>,
    pub complainant_phone: Option<String>,
    pub unit_id: Option<i64>,
    pub channel: String,
    pub class: String,
    pub nature: String,
    pub communication_kind: Option<String>,
    pub subject: String,
    pub major: bool,
    pub major_lead_id: Option<i64>,
    pub sensitive: bool,
    pub description: String,
    pub received_by: i64,
    pub owner_id: Option<i64>,
    pub department: Option<String>,
    pub status: String,
    pub respond_by: NaiveDateTime,
    pub responded_at: Option<NaiveDateTime>,
    pub handoff_by: Option<NaiveDateTime>,
    pub handed_off_at: Option<NaiveDateTime>,
    pub reply_promised_by: Option<NaiveDateTime>,
    pub promise_kept_at: Option<NaiveDateTime>,
    pub fix_by: Option<NaiveDateTime>,
    pub responsibility: Option<String>,
    pub compensation: Option<String>,
    pub escalation: Option<String>,
    pub developer_due_at: Option<NaiveDateTime>,
    pub developer_replied_at: Option<NaiveDateTime>,
    pub next_chase_at: Option<NaiveDateTime>,
    pub resolution: Option<String>,
    pub root_cause: Option<String>,
    pub resolved_at: Option<NaiveDateTime>,
    pub opinion: Option<String>,
    pub opinion_comment: Option<String>,
    pub reviewed_by: Option<i64>,
    pub reviewed_at: Option<NaiveDateTime>,
    pub visit_exemption: Option<String>,
    pub visit_by: Option<NaiveDateTime>,
    pub closure_reason: Option<String>,
    pub closed_at: Option<NaiveDateTime>,
    pub merged_into: Option<i64>,
    pub complainant_count: i32,
    pub occurrences: i32,
    pub impact: Option<String>,
    pub reopen_count: i32,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = complaints)]
pub struct NewComplaintRow {
    pub site_id: i64,
    pub number: String,
    pub complainant_kind: String,
    pub complainant_id: Option<i64>,
    pub complainant_name: Option<String>,
    pub complainant_phone: Option<String>,
    pub unit_id: Option<i64>,
    pub channel: String,
    pub class: String,
    pub nature: String,
    pub communication_kind: Option<String>,
    pub subject: String,
    pub major: bool,
    pub sensitive: bool,
    pub description: String,
    pub received_by: i64,
    pub owner_id: Option<i64>,
    pub status: String,
    pub respond_by: NaiveDateTime,
    pub handoff_by: Option<NaiveDateTime>,
    pub next_chase_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// The columns an action changes; `None` leaves a column alone, `Some(None)` clears it.
#[derive(AsChangeset, Default)]
#[diesel(table_name = complaints)]
pub struct ComplaintChange {
    pub status: Option<String>,
    pub class: Option<String>,
    pub nature: Option<String>,
    pub communication_kind: Option<Option<String>>,
    pub subject: Option<String>,
    pub major: Option<bool>,
    pub major_lead_id: Option<Option<i64>>,
    pub owner_id: Option<Option<i64>>,
    pub department: Option<Option<String>>,
    pub responded_at: Option<Option<NaiveDateTime>>,
    pub handoff_by: Option<Option<NaiveDateTime>>,
    pub handed_off_at: Option<Option<NaiveDateTime>>,
    pub reply_promised_by: Option<Option<NaiveDateTime>>,
    pub promise_kept_at: Option<Option<NaiveDateTime>>,
    pub fix_by: Option<Option<NaiveDateTime>>,
    pub responsibility: Option<Option<String>>,
    pub compensation: Option<Option<String>>,
    pub escalation: Option<Option<String>>,
    pub developer_due_at: Option<Option<NaiveDateTime>>,
    pub developer_replied_at: Option<Option<NaiveDateTime>>,
    pub next_chase_at: Option<Option<NaiveDateTime>>,
    pub resolution: Option<Option<String>>,
    pub root_cause: Option<Option<String>>,
    pub resolved_at: Option<Option<NaiveDateTime>>,
    pub opinion: Option<Option<String>>,
    pub opinion_comment: Option<Option<String>>,
    pub reviewed_by: Option<Option<i64>>,
    pub reviewed_at: Option<Option<NaiveDateTime>>,
    pub visit_exemption: Option<Option<String>>,
    pub visit_by: Option<Option<NaiveDateTime>>,
    pub closure_reason: Option<Option<String>>,
    pub closed_at: Option<Option<NaiveDateTime>>,
    pub merged_into: Option<Option<i64>>,
    pub complainant_count: Option<i32>,
    pub occurrences: Option<i32>,
    pub impact: Option<Option<String>>,
    pub reopen_count: Option<i32>,
    pub version: Option<i64>,
    pub updated_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut AnyConnection, row: &NewComplaintRow) -> QueryResult<ComplaintRow> {
    diesel::insert_into(complaints::table)
        .values(row)
        .get_result(conn)
}

pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<ComplaintRow>> {
    complaints::table.find(id).first(conn).optional()
}

/// Applies the change only if the complaint is still at the version the caller read.
pub fn apply(
    conn: &mut AnyConnection,
    id: i64,
    read_version: i64,
    change: &ComplaintChange,
) -> QueryResult<Option<ComplaintRow>> {
    diesel::update(
        complaints::table
            .find(id)
            .filter(complaints::version.eq(read_version)),
    )
    .set(change)
    .get_result(conn)
    .optional()
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = complaint_messages)]
pub struct MessageRow {
    pub id: i64,
    pub complaint_id: i64,
    pub kind: String,
    pub author_id: i64,
    pub body: String,
    pub standard_reply_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

pub fn add_message(
    conn: &mut AnyConnection,
    complaint_id: i64,
    kind: &str,
    author_id: i64,
    body: &str,
    standard_reply_id: Option<i64>,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(complaint_messages::table)
        .values((
            complaint_messages::complaint_id.eq(complaint_id),
            complaint_messages::kind.eq(kind),
            complaint_messages::author_id.eq(author_id),
            complaint_messages::body.eq(body),
            complaint_messages::standard_reply_id.eq(standard_reply_id),
            complaint_messages::created_at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Messages of a complaint, oldest first; only replies when `replies_only`.
pub fn messages(
    conn: &mut AnyConnection,
    complaint_id: i64,
    replies_only: bool,
) -> QueryResult<Vec<MessageRow>> {
    let mut query = complaint_messages::table
        .filter(complaint_messages::complaint_id.eq(complaint_id))
        .into_boxed();
    if replies_only {
        query = query.filter(complaint_messages::kind.eq("reply"));
    }
    query
        .order(complaint_messages::id.asc())
        .select(MessageRow::as_select())
        .load(conn)
}

/// R-CMP-14: another complaint on the same unit and subject since `since`.
pub fn repeated_since(
    conn: &mut AnyConnection,
    row: &ComplaintRow,
    since: NaiveDateTime,
) -> QueryResult<bool> {
    let Some(unit_id) = row.unit_id else {
        return Ok(false);
    };
    diesel::select(diesel::dsl::exists(
        complaints::table
            .filter(complaints::unit_id.eq(unit_id))
            .filter(complaints::subject.eq(&row.subject))
            .filter(complaints::id.ne(row.id))
            .filter(complaints::created_at.gt(since)),
    ))
    .get_result(conn)
}

/// R-CMP-14: exempt complaints handled before `handled_before`, candidates for closing.
pub fn quiet_candidates(
    conn: &mut AnyConnection,
    handled_before: NaiveDateTime,
    limit: i64,
    after_id: i64,
) -> QueryResult<Vec<ComplaintRow>> {
    complaints::table
        .filter(complaints::status.eq("resolved"))
        .filter(complaints::visit_exemption.is_not_null())
        .filter(complaints::resolved_at.le(handled_before))
        .filter(complaints::id.gt(after_id))
        .order(complaints::id.asc())
        .limit(limit)
        .load(conn)
}

/// Who complained: the complainant columns of a complaint.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = complaints)]
pub struct ComplainantRow {
    pub complainant_kind: String,
    pub complainant_id: Option<i64>,
    pub complainant_name: Option<String>,
    pub complainant_phone: Option<String>,
}

/// R-CMP-16: who complained about the event, directly or in a complaint merged into it.
pub fn event_complainants(
    conn: &mut AnyConnection,
    event_id: i64,
) -> QueryResult<Vec<ComplainantRow>> {
    complaints::table
        .filter(
            complaints::id
                .eq(event_id)
                .or(complaints::merged_into.eq(event_id)),
        )
        .select(ComplainantRow::as_select())
        .load(conn)
}
