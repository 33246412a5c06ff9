use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;

use crate::access::SiteScope;

use crate::db::schema::{complaint_messages, complaints, standard_replies};
use crate::db::{AnyConnection, MultiBackend};
use crate::pagination::PageRequest;

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

/// Whose complaints a list covers: staff see sites, residents their own.
pub enum ComplaintScope {
    Sites(SiteScope),
    Complainant(i64),
}

/// The list filter in database terms.
#[derive(Default)]
pub struct ComplaintQuery {
    pub site_id: Option<i64>,
    pub status: Option<String>,
    pub class: Option<String>,
    pub subject: Option<String>,
    pub unit_id: Option<i64>,
    pub owner_id: Option<i64>,
    pub major: Option<bool>,
    /// Open with a chase due at this instant.
    pub chase_due_at: Option<NaiveDateTime>,
    /// Not yet responded to and past the response deadline at this instant.
    pub response_overdue_at: Option<NaiveDateTime>,
    pub created_from: Option<NaiveDateTime>,
    pub created_before: Option<NaiveDateTime>,
    pub open_only: bool,
}

const OPEN: [&str; 3] = ["received", "in_progress", "with_developer"];

/// Newest first, `limit` rows after the cursor.
pub fn list(
    conn: &mut AnyConnection,
    scope: ComplaintScope,
    q: ComplaintQuery,
    page: PageRequest,
) -> QueryResult<Vec<ComplaintRow>> {
    let mut query = complaints::table.into_boxed();
    match scope {
        ComplaintScope::Sites(SiteScope::Only(sites)) => {
            query = query.filter(complaints::site_id.eq_any(sites))
        }
        ComplaintScope::Sites(SiteScope::All) => {}
        ComplaintScope::Complainant(user) => {
            query = query.filter(complaints::complainant_id.eq(user))
        }
    }
    if let Some(v) = q.site_id {
        query = query.filter(complaints::site_id.eq(v));
    }
    if let Some(v) = q.status {
        query = query.filter(complaints::status.eq(v));
    }
    if let Some(v) = q.class {
        query = query.filter(complaints::class.eq(v));
    }
    if let Some(v) = q.subject {
        query = query.filter(complaints::subject.eq(v));
    }
    if let Some(v) = q.unit_id {
        query = query.filter(complaints::unit_id.eq(v));
    }
    if let Some(v) = q.owner_id {
        query = query.filter(complaints::owner_id.eq(v));
    }
    if let Some(v) = q.major {
        query = query.filter(complaints::major.eq(v));
    }
    if q.open_only {
        query = query.filter(complaints::status.eq_any(OPEN));
    }
    if let Some(now) = q.chase_due_at {
        query = query
            .filter(complaints::status.eq_any(OPEN))
            .filter(complaints::next_chase_at.le(now));
    }
    if let Some(now) = q.response_overdue_at {
        query = query
            .filter(complaints::responded_at.is_null())
            .filter(complaints::respond_by.lt(now))
            .filter(complaints::status.eq_any(OPEN));
    }
    if let Some(v) = q.created_from {
        query = query.filter(complaints::created_at.ge(v));
    }
    if let Some(v) = q.created_before {
        query = query.filter(complaints::created_at.lt(v));
    }
    if let Some(after) = page.after_id {
        query = query.filter(complaints::id.lt(after));
    }
    query
        .order(complaints::id.desc())
        .limit(page.fetch())
        .load(conn)
}

/// What a report counts complaints by.
#[derive(Debug, Clone, Copy)]
pub enum Dimension {
    Class,
    Subject,
    Channel,
    RootCause,
    Department,
}

/// Counted events (merged duplicates are not events) of a site received in `[from, to)`.
fn events(
    site_id: i64,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> complaints::BoxedQuery<'static, MultiBackend> {
    complaints::table
        .filter(complaints::site_id.eq(site_id))
        .filter(complaints::created_at.ge(from))
        .filter(complaints::created_at.lt(to))
        .filter(complaints::merged_into.is_null())
        .into_boxed()
}

/// Events per value of the dimension; `None` where it is not set yet.
pub fn count_by(
    conn: &mut AnyConnection,
    site_id: i64,
    from: NaiveDateTime,
    to: NaiveDateTime,
    dimension: Dimension,
) -> QueryResult<Vec<(Option<String>, i64)>> {
    macro_rules! grouped {
        ($column:expr) => {
            complaints::table
                .filter(complaints::site_id.eq(site_id))
                .filter(complaints::created_at.ge(from))
                .filter(complaints::created_at.lt(to))
                .filter(complaints::merged_into.is_null())
                .group_by($column)
                .select(($column.nullable(), count_star()))
                .load(conn)
        };
    }
    match dimension {
        Dimension::Class => grouped!(complaints::class),
        Dimension::Subject => grouped!(complaints::subject),
        Dimension::Channel => grouped!(complaints::channel),
        Dimension::RootCause => grouped!(complaints::root_cause),
        Dimension::Department => grouped!(complaints::department),
    }
}

/// The headline counts of a period.
pub struct Counts {
    /// Complaints received, duplicates included.
    pub complaints: i64,
    pub events: i64,
    /// People who complained about the events.
    pub complainants: i64,
    pub responded_on_time: i64,
    pub closed: i64,
    pub major: i64,
}

pub fn counts(
    conn: &mut AnyConnection,
    site_id: i64,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Counts> {
    let complaints: i64 = complaints::table
        .filter(complaints::site_id.eq(site_id))
        .filter(complaints::created_at.ge(from))
        .filter(complaints::created_at.lt(to))
        .count()
        .get_result(conn)?;
    let events_count: i64 = events(site_id, from, to).count().get_result(conn)?;
    let complainants: Option<i64> = events(site_id, from, to)
        .select(diesel::dsl::sum(complaints::complainant_count))
        .first(conn)?;
    let responded_on_time: i64 = events(site_id, from, to)
        .filter(complaints::responded_at.le(complaints::respond_by.nullable()))
        .count()
        .get_result(conn)?;
    let closed: i64 = events(site_id, from, to)
        .filter(complaints::status.eq("closed"))
        .count()
        .get_result(conn)?;
    let major: i64 = events(site_id, from, to)
        .filter(complaints::major.eq(true))
        .count()
        .get_result(conn)?;
    Ok(Counts {
        complaints,
        events: events_count,
        complainants: complainants.unwrap_or(0),
        responded_on_time,
        closed,
        major,
    })
}

/// Events of a period matching `filter`, oldest first, at most `limit`.
pub fn events_where(
    conn: &mut AnyConnection,
    site_id: i64,
    from: NaiveDateTime,
    to: NaiveDateTime,
    filter: EventFilter,
    limit: i64,
) -> QueryResult<Vec<ComplaintRow>> {
    let mut query = events(site_id, from, to);
    match filter {
        EventFilter::Major => query = query.filter(complaints::major.eq(true)),
        // Common interest: about public areas, or raised by more than one person.
        EventFilter::CommonInterest => {
            query = query.filter(
                complaints::unit_id
                    .is_null()
                    .or(complaints::complainant_count.gt(1)),
            )
        }
    }
    query
        .order((complaints::created_at.asc(), complaints::id.asc()))
        .limit(limit)
        .load(conn)
}

pub enum EventFilter {
    Major,
    CommonInterest,
}

/// R-CMP-16: whether the person already complained about the event (directly or merged).
pub fn event_has_complainant(
    conn: &mut AnyConnection,
    event_id: i64,
    person: i64,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        complaints::table
            .filter(
                complaints::id
                    .eq(event_id)
                    .or(complaints::merged_into.eq(event_id)),
            )
            .filter(complaints::complainant_id.eq(person)),
    ))
    .get_result(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = standard_replies)]
pub struct StandardReplyRow {
    pub id: i64,
    pub site_id: i64,
    pub subject: String,
    pub title: String,
    pub body: String,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert_standard_reply(
    conn: &mut AnyConnection,
    site_id: i64,
    subject: &str,
    title: &str,
    body: &str,
    at: NaiveDateTime,
) -> QueryResult<StandardReplyRow> {
    diesel::insert_into(standard_replies::table)
        .values((
            standard_replies::site_id.eq(site_id),
            standard_replies::subject.eq(subject),
            standard_replies::title.eq(title),
            standard_replies::body.eq(body),
            standard_replies::active.eq(true),
            standard_replies::created_at.eq(at),
            standard_replies::updated_at.eq(at),
        ))
        .get_result(conn)
}

pub fn find_standard_reply(
    conn: &mut AnyConnection,
    id: i64,
) -> QueryResult<Option<StandardReplyRow>> {
    standard_replies::table.find(id).first(conn).optional()
}

pub fn standard_reply_title_taken(
    conn: &mut AnyConnection,
    site_id: i64,
    title: &str,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        standard_replies::table
            .filter(standard_replies::site_id.eq(site_id))
            .filter(standard_replies::title.eq(title)),
    ))
    .get_result(conn)
}

pub fn deactivate_standard_reply(
    conn: &mut AnyConnection,
    id: i64,
    at: NaiveDateTime,
) -> QueryResult<StandardReplyRow> {
    diesel::update(standard_replies::table.find(id))
        .set((
            standard_replies::active.eq(false),
            standard_replies::updated_at.eq(at),
        ))
        .get_result(conn)
}

/// Active replies of the sites in scope, by subject and title.
pub fn standard_replies_of(
    conn: &mut AnyConnection,
    sites: &SiteScope,
    site_id: Option<i64>,
    subject: Option<&str>,
) -> QueryResult<Vec<StandardReplyRow>> {
    let mut query = standard_replies::table
        .filter(standard_replies::active.eq(true))
        .into_boxed();
    if let SiteScope::Only(sites) = sites {
        query = query.filter(standard_replies::site_id.eq_any(sites));
    }
    if let Some(site_id) = site_id {
        query = query.filter(standard_replies::site_id.eq(site_id));
    }
    if let Some(subject) = subject {
        query = query.filter(standard_replies::subject.eq(subject.to_owned()));
    }
    query
        .order((
            standard_replies::subject,
            standard_replies::title,
            standard_replies::id,
        ))
        .limit(1000)
        .load(conn)
}
