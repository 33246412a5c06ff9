//! The outbox: events for other property software, written in the transaction of the
//! change they tell of, so an event exists exactly when its change does. Each event gets a
//! delivery for every webhook endpoint that wants it then (the webhooks module delivers
//! them); an event nobody wants is not written.
//!
//! What is sent: ids and the changed state, never an ID number or a phone number. A
//! receiver reads more through the API, with its API key.

mod repo;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::{utc, AnyConnection};
use crate::error::AppError;
use crate::ids::{SiteId, UnitId, UserId};
use crate::text_enum;
use crate::timeline::Subject;

text_enum! {
    /// What an event tells of.
    pub enum EventType {
        /// A ticket was reported, or took a step that changed its status.
        TicketStatusChanged = "ticket.status_changed",
        /// A complaint was recorded, or took a step that changed its status.
        ComplaintStatusChanged = "complaint.status_changed",
        /// An archive loan was asked for, decided or returned.
        ArchiveLoanStatusChanged = "archive_loan.status_changed",
        /// A key was reported lost or damaged, or found usable again.
        KeyStatusChanged = "key.status_changed",
        /// Someone was told something (`notifications`).
        NotificationCreated = "notification.created",
    }
}

text_enum! {
    /// Whether a webhook endpoint gets events.
    pub enum EndpointStatus {
        Active = "active",
        /// A delivery was given up: its managers were told. It still gets new events, and
        /// is active again on the next delivery that succeeds.
        Failing = "failing",
        /// Turned off by a manager: gets no new events.
        Disabled = "disabled",
    }
}

text_enum! {
    /// Where one event's delivery to one endpoint stands.
    pub enum DeliveryStatus {
        /// Due at `next_attempt_at`.
        Pending = "pending",
        Delivered = "delivered",
        /// Given up after 3 days of retries (a manager may redeliver it).
        Failed = "failed",
    }
}

impl EventType {
    /// The event a status change of a record of `subject` makes, if any.
    pub fn status_changed(subject: Subject) -> Option<EventType> {
        match subject {
            Subject::Ticket => Some(EventType::TicketStatusChanged),
            Subject::Complaint => Some(EventType::ComplaintStatusChanged),
            Subject::ArchiveLoan => Some(EventType::ArchiveLoanStatusChanged),
            Subject::Key => Some(EventType::KeyStatusChanged),
            _ => None,
        }
    }
}

/// The `data` of a `*.status_changed` event.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "subject": "ticket", "id": 12, "site_id": 1, "action": "dispatch",
    "from_status": "reported", "to_status": "dispatched", "actor_id": 2
}))]
pub struct StatusChanged {
    pub subject: Subject,
    /// The record's id: `GET /tickets/{id}`, `/complaints/{id}`, `/keys/{id}`, ...
    pub id: i64,
    #[schema(value_type = i64)]
    pub site_id: SiteId,
    /// The action taken (`dispatch`, `close`, ...), or the intake (`report`, `record`).
    pub action: &'static str,
    /// `null` for a record just taken in.
    pub from_status: Option<&'static str>,
    pub to_status: &'static str,
    /// Who acted; `null` for the system (a sweep).
    #[schema(value_type = Option<i64>)]
    pub actor_id: Option<UserId>,
}

/// The `data` of a `notification.created` event: who was told of what, not the text, which
/// may name people or hold what an API key may not read.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 42, "recipient_id": 5, "kind": "ticket_dispatched", "subject": "ticket",
    "subject_id": 12, "site_id": 1, "unit_id": 3
}))]
pub struct NotificationCreated {
    pub id: i64,
    #[schema(value_type = i64)]
    pub recipient_id: UserId,
    /// One of the notification kinds (`GET /notifications`).
    pub kind: &'static str,
    pub subject: Subject,
    pub subject_id: i64,
    #[schema(value_type = i64)]
    pub site_id: SiteId,
    #[schema(value_type = Option<i64>)]
    pub unit_id: Option<UnitId>,
}

/// Writes an event of `site_id` for every endpoint that wants it, in the caller's
/// transaction; nothing when none does.
pub fn record(
    conn: &mut AnyConnection,
    event_type: EventType,
    site_id: SiteId,
    data: &impl Serialize,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let endpoints = repo::subscribed(conn, event_type, site_id)?;
    if endpoints.is_empty() {
        return Ok(());
    }
    let data = serde_json::to_string(data).map_err(AppError::internal)?;
    repo::insert(conn, event_type, site_id, &data, &endpoints, utc(now))?;
    Ok(())
}

/// Writes the event of a record's status change, if its kind of record has one.
pub fn status_changed(
    conn: &mut AnyConnection,
    change: StatusChanged,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    match EventType::status_changed(change.subject) {
        Some(event_type) => record(conn, event_type, change.site_id, &change, now),
        None => Ok(()),
    }
}
