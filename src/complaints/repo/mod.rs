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

use super::model::{
    ClosureReason, CommunicationKind, ComplainantKind, ComplaintChannel, ComplaintClass,
    ComplaintStatus, ComplaintSubject, Department, Escalation, MessageKind, Nature, Responsibility,
    RootCause, VisitExemption,
};
use crate::db::schema::{complaint_messages, complaints};
use crate::db::AnyConnection;
use crate::ids::{ComplaintId, SiteId, UnitId, UserId};
use crate::text_enum::NullableText;
use crate::visits::Satisfaction;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = complaints)]
pub struct ComplaintRow {
    pub id: ComplaintId,
    pub site_id: SiteId,
    pub number: String,
    #[diesel(deserialize_as = String)]
    pub complainant_kind: ComplainantKind,
    pub complainant_id: Option<UserId>,
    pub complainant_name: Option<String>,
    pub complainant_phone: Option<String>,
    pub unit_id: Option<UnitId>,
    #[diesel(deserialize_as = String)]
    pub channel: ComplaintChannel,
    #[diesel(deserialize_as = String)]
    pub class: ComplaintClass,
    #[diesel(deserialize_as = String)]
    pub nature: Nature,
    #[diesel(deserialize_as = NullableText)]
    pub communication_kind: Option<CommunicationKind>,
    #[diesel(deserialize_as = String)]
    pub subject: ComplaintSubject,
    pub major: bool,
    pub major_lead_id: Option<UserId>,
    pub sensitive: bool,
    pub description: String,
    pub received_by: UserId,
    pub owner_id: Option<UserId>,
    #[diesel(deserialize_as = NullableText)]
    pub department: Option<Department>,
    #[diesel(deserialize_as = String)]
    pub status: ComplaintStatus,
    pub respond_by: NaiveDateTime,
    pub responded_at: Option<NaiveDateTime>,
    pub handoff_by: Option<NaiveDateTime>,
    pub handed_off_at: Option<NaiveDateTime>,
    pub reply_promised_by: Option<NaiveDateTime>,
    pub promise_kept_at: Option<NaiveDateTime>,
    pub fix_by: Option<NaiveDateTime>,
    #[diesel(deserialize_as = NullableText)]
    pub responsibility: Option<Responsibility>,
    pub compensation: Option<String>,
    #[diesel(deserialize_as = NullableText)]
    pub escalation: Option<Escalation>,
    pub developer_due_at: Option<NaiveDateTime>,
    pub developer_replied_at: Option<NaiveDateTime>,
    pub next_chase_at: Option<NaiveDateTime>,
    pub resolution: Option<String>,
    #[diesel(deserialize_as = NullableText)]
    pub root_cause: Option<RootCause>,
    pub resolved_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = NullableText)]
    pub opinion: Option<Satisfaction>,
    pub opinion_comment: Option<String>,
    pub reviewed_by: Option<UserId>,
    pub reviewed_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = NullableText)]
    pub visit_exemption: Option<VisitExemption>,
    pub visit_by: Option<NaiveDateTime>,
    #[diesel(deserialize_as = NullableText)]
    pub closure_reason: Option<ClosureReason>,
    pub closed_at: Option<NaiveDateTime>,
    pub merged_into: Option<ComplaintId>,
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
    pub site_id: SiteId,
    pub number: String,
    #[diesel(serialize_as = String)]
    pub complainant_kind: ComplainantKind,
    pub complainant_id: Option<UserId>,
    pub complainant_name: Option<String>,
    pub complainant_phone: Option<String>,
    pub unit_id: Option<UnitId>,
    #[diesel(serialize_as = String)]
    pub channel: ComplaintChannel,
    #[diesel(serialize_as = String)]
    pub class: ComplaintClass,
    #[diesel(serialize_as = String)]
    pub nature: Nature,
    #[diesel(serialize_as = NullableText)]
    pub communication_kind: Option<CommunicationKind>,
    #[diesel(serialize_as = String)]
    pub subject: ComplaintSubject,
    pub major: bool,
    pub sensitive: bool,
    pub description: String,
    pub received_by: UserId,
    pub owner_id: Option<UserId>,
    #[diesel(serialize_as = String)]
    pub status: ComplaintStatus,
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
    #[diesel(serialize_as = String)]
    pub status: Option<ComplaintStatus>,
    #[diesel(serialize_as = String)]
    pub class: Option<ComplaintClass>,
    #[diesel(serialize_as = String)]
    pub nature: Option<Nature>,
    #[diesel(serialize_as = NullableText)]
    pub communication_kind: Option<Option<CommunicationKind>>,
    #[diesel(serialize_as = String)]
    pub subject: Option<ComplaintSubject>,
    pub major: Option<bool>,
    pub major_lead_id: Option<Option<UserId>>,
    pub owner_id: Option<Option<UserId>>,
    #[diesel(serialize_as = NullableText)]
    pub department: Option<Option<Department>>,
    pub responded_at: Option<Option<NaiveDateTime>>,
    pub handoff_by: Option<Option<NaiveDateTime>>,
    pub handed_off_at: Option<Option<NaiveDateTime>>,
    pub reply_promised_by: Option<Option<NaiveDateTime>>,
    pub promise_kept_at: Option<Option<NaiveDateTime>>,
    pub fix_by: Option<Option<NaiveDateTime>>,
    #[diesel(serialize_as = NullableText)]
    pub responsibility: Option<Option<Responsibility>>,
    pub compensation: Option<Option<String>>,
    #[diesel(serialize_as = NullableText)]
    pub escalation: Option<Option<Escalation>>,
    pub developer_due_at: Option<Option<NaiveDateTime>>,
    pub developer_replied_at: Option<Option<NaiveDateTime>>,
    pub next_chase_at: Option<Option<NaiveDateTime>>,
    pub resolution: Option<Option<String>>,
    #[diesel(serialize_as = NullableText)]
    pub root_cause: Option<Option<RootCause>>,
    pub resolved_at: Option<Option<NaiveDateTime>>,
    #[diesel(serialize_as = NullableText)]
    pub opinion: Option<Option<Satisfaction>>,
    pub opinion_comment: Option<Option<String>>,
    pub reviewed_by: Option<Option<UserId>>,
    pub reviewed_at: Option<Option<NaiveDateTime>>,
    #[diesel(serialize_as = NullableText)]
    pub visit_exemption: Option<Option<VisitExemption>>,
    pub visit_by: Option<Option<NaiveDateTime>>,
    #[diesel(serialize_as = NullableText)]
    pub closure_reason: Option<Option<ClosureReason>>,
    pub closed_at: Option<Option<NaiveDateTime>>,
    pub merged_into: Option<Option<ComplaintId>>,
    pub complainant_count: Option<i32>,
    pub occurrences: Option<i32>,
    pub impact: Option<Option<String>>,
    pub reopen_count: Option<i32>,
    pub version: Option<i64>,
    pub updated_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut AnyConnection, row: NewComplaintRow) -> QueryResult<ComplaintRow> {
    diesel::insert_into(complaints::table)
        .values(row)
        .get_result(conn)
}

pub fn find(conn: &mut AnyConnection, id: ComplaintId) -> QueryResult<Option<ComplaintRow>> {
    complaints::table.find(id).first(conn).optional()
}

/// Applies the change only if the complaint is still at the version the caller read.
pub fn apply(
    conn: &mut AnyConnection,
    id: ComplaintId,
    read_version: i64,
    change: ComplaintChange,
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
    pub complaint_id: ComplaintId,
    #[diesel(deserialize_as = String)]
    pub kind: MessageKind,
    pub author_id: UserId,
    pub body: String,
    pub standard_reply_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

pub fn add_message(
    conn: &mut AnyConnection,
    complaint_id: ComplaintId,
    kind: MessageKind,
    author_id: UserId,
    body: &str,
    standard_reply_id: Option<i64>,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(complaint_messages::table)
        .values((
            complaint_messages::complaint_id.eq(complaint_id),
            complaint_messages::kind.eq(kind.as_str()),
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
    complaint_id: ComplaintId,
    replies_only: bool,
) -> QueryResult<Vec<MessageRow>> {
    let mut query = complaint_messages::table
        .filter(complaint_messages::complaint_id.eq(complaint_id))
        .into_boxed();
    if replies_only {
        query = query.filter(complaint_messages::kind.eq(MessageKind::Reply.as_str()));
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
            .filter(complaints::subject.eq(row.subject.as_str()))
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
        .filter(complaints::status.eq(ComplaintStatus::Resolved.as_str()))
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
    #[diesel(deserialize_as = String)]
    pub complainant_kind: ComplainantKind,
    pub complainant_id: Option<UserId>,
    pub complainant_name: Option<String>,
    pub complainant_phone: Option<String>,
}

/// R-CMP-16: who complained about the event, directly or in a complaint merged into it.
pub fn event_complainants(
    conn: &mut AnyConnection,
    event_id: ComplaintId,
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
