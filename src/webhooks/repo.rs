use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{
    outbox_events, webhook_attempts, webhook_deliveries, webhook_endpoints, webhook_subscriptions,
};
use crate::db::AnyConnection;
use crate::ids::{SiteId, UserId};
use crate::outbox::{DeliveryStatus, EndpointStatus, EventType};
use crate::pagination::PageRequest;

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = webhook_endpoints)]
pub struct EndpointRow {
    pub id: i64,
    pub site_id: Option<SiteId>,
    pub url: String,
    pub description: Option<String>,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_secret_until: Option<NaiveDateTime>,
    #[diesel(deserialize_as = String)]
    pub status: EndpointStatus,
    pub failing_since: Option<NaiveDateTime>,
    pub created_by: UserId,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = webhook_endpoints)]
pub struct NewEndpointRow {
    pub site_id: Option<SiteId>,
    pub url: String,
    pub description: Option<String>,
    pub secret: String,
    #[diesel(serialize_as = String)]
    pub status: EndpointStatus,
    pub created_by: UserId,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = webhook_endpoints)]
pub struct EndpointUpdate {
    pub url: Option<String>,
    pub description: Option<Option<String>>,
    pub secret: Option<String>,
    pub previous_secret: Option<Option<String>>,
    pub previous_secret_until: Option<Option<NaiveDateTime>>,
    /// An `EndpointStatus`'s text.
    pub status: Option<&'static str>,
    pub failing_since: Option<Option<NaiveDateTime>>,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries)]
pub struct DeliveryRow {
    pub id: i64,
    pub endpoint_id: i64,
    pub event_id: i64,
    #[diesel(deserialize_as = String)]
    pub status: DeliveryStatus,
    pub attempts: i64,
    pub next_attempt_at: Option<NaiveDateTime>,
    pub claimed_until: Option<NaiveDateTime>,
    pub delivered_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = outbox_events)]
pub struct EventRow {
    pub id: i64,
    #[diesel(deserialize_as = String)]
    pub event_type: EventType,
    pub site_id: SiteId,
    pub data: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = webhook_attempts)]
pub struct AttemptRow {
    pub id: i64,
    pub delivery_id: i64,
    pub attempted_at: NaiveDateTime,
    pub status_code: Option<i64>,
    pub latency_ms: i64,
    pub error: Option<String>,
    pub manual: bool,
}

#[derive(Insertable)]
#[diesel(table_name = webhook_attempts)]
pub struct NewAttemptRow {
    pub delivery_id: i64,
    pub attempted_at: NaiveDateTime,
    pub status_code: Option<i64>,
    pub latency_ms: i64,
    pub error: Option<String>,
    pub manual: bool,
}

pub fn insert_endpoint(
    conn: &mut AnyConnection,
    row: NewEndpointRow,
    event_types: &[EventType],
) -> QueryResult<EndpointRow> {
    let endpoint: EndpointRow = diesel::insert_into(webhook_endpoints::table)
        .values(row)
        .get_result(conn)?;
    set_event_types(conn, endpoint.id, event_types)?;
    Ok(endpoint)
}

pub fn set_event_types(
    conn: &mut AnyConnection,
    endpoint_id: i64,
    event_types: &[EventType],
) -> QueryResult<()> {
    diesel::delete(
        webhook_subscriptions::table.filter(webhook_subscriptions::endpoint_id.eq(endpoint_id)),
    )
    .execute(conn)?;
    // One row at a time: MultiConnection has no portable multi-row INSERT.
    for event_type in event_types {
        diesel::insert_into(webhook_subscriptions::table)
            .values((
                webhook_subscriptions::endpoint_id.eq(endpoint_id),
                webhook_subscriptions::event_type.eq(event_type.as_str()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn event_types(conn: &mut AnyConnection, endpoint_id: i64) -> QueryResult<Vec<EventType>> {
    Ok(webhook_subscriptions::table
        .filter(webhook_subscriptions::endpoint_id.eq(endpoint_id))
        .select(webhook_subscriptions::event_type)
        .order(webhook_subscriptions::event_type.asc())
        .load::<String>(conn)?
        .into_iter()
        .filter_map(|text| EventType::try_from(text).ok())
        .collect())
}

pub fn find_endpoint(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<EndpointRow>> {
    webhook_endpoints::table.find(id).first(conn).optional()
}

pub fn update_endpoint(
    conn: &mut AnyConnection,
    id: i64,
    changes: &EndpointUpdate,
) -> QueryResult<EndpointRow> {
    diesel::update(webhook_endpoints::table.find(id))
        .set(changes)
        .get_result(conn)
}

/// Every endpoint, for re-sealing their secrets.
pub fn all_endpoints(conn: &mut AnyConnection) -> QueryResult<Vec<EndpointRow>> {
    webhook_endpoints::table
        .order(webhook_endpoints::id.asc())
        .load(conn)
}

/// Endpoints newest first: of `site`, or all of them (`None`).
pub fn list_endpoints(
    conn: &mut AnyConnection,
    site: Option<SiteId>,
    page: PageRequest,
) -> QueryResult<Vec<EndpointRow>> {
    let mut query = webhook_endpoints::table.into_boxed();
    if let Some(site) = site {
        query = query.filter(webhook_endpoints::site_id.eq(site));
    }
    if let Some(before) = page.after_id {
        query = query.filter(webhook_endpoints::id.lt(before));
    }
    query
        .order(webhook_endpoints::id.desc())
        .limit(page.fetch())
        .load(conn)
}

/// An endpoint's deliveries newest first, of `status` if named.
pub fn list_deliveries(
    conn: &mut AnyConnection,
    endpoint_id: i64,
    status: Option<DeliveryStatus>,
    page: PageRequest,
) -> QueryResult<Vec<(DeliveryRow, EventRow)>> {
    let mut query = webhook_deliveries::table
        .inner_join(outbox_events::table)
        .filter(webhook_deliveries::endpoint_id.eq(endpoint_id))
        .select((DeliveryRow::as_select(), EventRow::as_select()))
        .into_boxed();
    if let Some(status) = status {
        query = query.filter(webhook_deliveries::status.eq(status.as_str()));
    }
    if let Some(before) = page.after_id {
        query = query.filter(webhook_deliveries::id.lt(before));
    }
    query
        .order(webhook_deliveries::id.desc())
        .limit(page.fetch())
        .load(conn)
}

/// The attempts of the deliveries `ids`, first to last.
pub fn attempts_of(conn: &mut AnyConnection, ids: &[i64]) -> QueryResult<Vec<AttemptRow>> {
    webhook_attempts::table
        .filter(webhook_attempts::delivery_id.eq_any(ids))
        .order(webhook_attempts::id.asc())
        .load(conn)
}

pub fn find_delivery(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<DeliveryRow>> {
    webhook_deliveries::table.find(id).first(conn).optional()
}

pub fn find_event(conn: &mut AnyConnection, id: i64) -> QueryResult<EventRow> {
    outbox_events::table.find(id).first(conn)
}

/// Claims up to `limit` deliveries due at `now` that no instance holds, for `hold`: a
/// conditional update, so two instances never send one delivery at once; on PostgreSQL the
/// candidates are read `FOR UPDATE SKIP LOCKED`, so instances take different rows instead
/// of waiting on each other.
pub fn claim_due(
    conn: &mut AnyConnection,
    now: NaiveDateTime,
    hold_until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<DeliveryRow>> {
    let free = webhook_deliveries::claimed_until
        .is_null()
        .or(webhook_deliveries::claimed_until.lt(now));
    let due = webhook_deliveries::table
        .filter(webhook_deliveries::next_attempt_at.le(now))
        .filter(free)
        .order(webhook_deliveries::next_attempt_at.asc())
        .select(webhook_deliveries::id)
        .limit(limit);
    let ids: Vec<i64> = match conn {
        AnyConnection::Postgresql(pg) => due.for_update().skip_locked().load(pg)?,
        // One writer at a time: the transaction holds SQLite's write lock already.
        AnyConnection::Sqlite(sqlite) => due.load(sqlite)?,
    };
    diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::id.eq_any(&ids))
            .filter(free),
    )
    .set(webhook_deliveries::claimed_until.eq(hold_until))
    .get_results(conn)
}

/// Claims one delivery for `hold_until`, whatever its status, unless an instance holds it.
pub fn claim(
    conn: &mut AnyConnection,
    id: i64,
    now: NaiveDateTime,
    hold_until: NaiveDateTime,
) -> QueryResult<Option<DeliveryRow>> {
    diesel::update(
        webhook_deliveries::table.find(id).filter(
            webhook_deliveries::claimed_until
                .is_null()
                .or(webhook_deliveries::claimed_until.lt(now)),
        ),
    )
    .set(webhook_deliveries::claimed_until.eq(hold_until))
    .get_result(conn)
    .optional()
}

/// Where a delivery stands after an attempt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AfterAttempt {
    Delivered,
    /// Failed; due again then.
    RetryAt(NaiveDateTime),
    /// Failed, and given up.
    GivenUp,
    /// A manager's attempt on a delivery no longer pending: logged, nothing else changes.
    Logged,
}

/// Notes an attempt of a claimed delivery, lets the claim go and moves the delivery on.
pub fn record_attempt(
    conn: &mut AnyConnection,
    attempt: NewAttemptRow,
    after: AfterAttempt,
) -> QueryResult<()> {
    let (id, at) = (attempt.delivery_id, attempt.attempted_at);
    diesel::insert_into(webhook_attempts::table)
        .values(attempt)
        .execute(conn)?;
    let delivery = webhook_deliveries::table.find(id);
    diesel::update(delivery)
        .set((
            webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
            webhook_deliveries::claimed_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    let (status, next, delivered_at) = match after {
        AfterAttempt::Logged => return Ok(()),
        AfterAttempt::Delivered => (DeliveryStatus::Delivered, None, Some(at)),
        AfterAttempt::RetryAt(next) => (DeliveryStatus::Pending, Some(next), None),
        AfterAttempt::GivenUp => (DeliveryStatus::Failed, None, None),
    };
    diesel::update(delivery)
        .set((
            webhook_deliveries::status.eq(status.as_str()),
            webhook_deliveries::next_attempt_at.eq(next),
            webhook_deliveries::delivered_at.eq(delivered_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Moves the endpoint from `from` to `to` if it is still `from` (a manager may have turned
/// it off meanwhile); answers whether it did.
pub fn move_endpoint(
    conn: &mut AnyConnection,
    id: i64,
    from: EndpointStatus,
    to: EndpointStatus,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let failing_since = (to == EndpointStatus::Failing).then_some(now);
    let moved = diesel::update(
        webhook_endpoints::table
            .find(id)
            .filter(webhook_endpoints::status.eq(from.as_str())),
    )
    .set((
        webhook_endpoints::status.eq(to.as_str()),
        webhook_endpoints::failing_since.eq(failing_since),
        webhook_endpoints::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(moved == 1)
}
