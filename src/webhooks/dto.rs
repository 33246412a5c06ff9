use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::ids::{SiteId, UserId};
use crate::outbox::{DeliveryStatus, EndpointStatus, EventType};
use crate::text::{LineText, UrlText};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "url": "https://crm.example.com/propdesk/events",
    "site_id": 1,
    "description": "CRM 工单同步",
    "event_types": ["ticket.status_changed", "complaint.status_changed"]
}))]
pub struct NewWebhookEndpoint {
    /// An http or https URL, not on a loopback, link-local or private address.
    pub url: UrlText,
    /// The site whose events it gets; omitted: every site (company-wide managers only).
    #[schema(value_type = Option<i64>)]
    pub site_id: Option<SiteId>,
    pub description: Option<LineText>,
    /// At least one.
    #[schema(min_items = 1)]
    pub event_types: Vec<EventType>,
}

/// Fields to change; absent fields stay as they are, `"description": null` clears it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"event_types": ["ticket.status_changed", "notification.created"]}))]
pub struct WebhookEndpointChanges {
    pub url: Option<UrlText>,
    #[serde(default, deserialize_with = "crate::json::nullable")]
    #[schema(value_type = Option<LineText>)]
    pub description: Option<Option<LineText>>,
    #[schema(min_items = 1)]
    pub event_types: Option<Vec<EventType>>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 4, "site_id": 1, "url": "https://crm.example.com/propdesk/events",
    "description": "CRM 工单同步", "event_types": ["ticket.status_changed"],
    "status": "active", "failing_since": null, "previous_secret_until": null,
    "created_by": 1, "created_at": "2026-12-07T02:00:00Z", "updated_at": "2026-12-07T02:00:00Z"
}))]
pub struct WebhookEndpoint {
    pub id: i64,
    /// `null`: every site's events.
    #[schema(value_type = Option<i64>)]
    pub site_id: Option<SiteId>,
    pub url: String,
    pub description: Option<String>,
    pub event_types: Vec<EventType>,
    pub status: EndpointStatus,
    /// Since when a delivery has been given up (status `failing`).
    pub failing_since: Option<DateTime<Utc>>,
    /// After a rotation: until when the secret it replaced signs too.
    pub previous_secret_until: Option<DateTime<Utc>>,
    #[schema(value_type = i64)]
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An endpoint and, this once, its signing secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookEndpointWithSecret {
    #[serde(flatten)]
    pub endpoint: WebhookEndpoint,
    /// Verify each request's `webhook-signature` with it (Standard Webhooks). Shown only
    /// now; kept sealed, to sign.
    #[schema(example = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD")]
    pub secret: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookAttempt {
    pub attempted_at: DateTime<Utc>,
    /// The receiver's HTTP status; `null` when none came (refused, timed out).
    pub status_code: Option<i64>,
    pub latency_ms: i64,
    /// Why it failed, when it did.
    pub error: Option<String>,
    /// Asked for by a manager (`redeliver`), not by the retry schedule.
    pub manual: bool,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 31, "event_id": 120, "event_type": "ticket.status_changed", "status": "delivered",
    "next_attempt_at": null, "delivered_at": "2026-12-07T02:01:30Z",
    "created_at": "2026-12-07T02:00:00Z",
    "attempts": [
        {"attempted_at": "2026-12-07T02:00:01Z", "status_code": 500, "latency_ms": 84, "error": "answered 500", "manual": false},
        {"attempted_at": "2026-12-07T02:00:31Z", "status_code": 200, "latency_ms": 61, "error": null, "manual": false}
    ]
}))]
pub struct WebhookDelivery {
    pub id: i64,
    /// The event's id; the request's `webhook-id` is `evt_<event_id>`.
    pub event_id: i64,
    pub event_type: EventType,
    pub status: DeliveryStatus,
    /// When the next attempt is due (`pending` only).
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// Every attempt, first to last.
    pub attempts: Vec<WebhookAttempt>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WebhookEndpointFilter {
    /// Only one site's endpoints (company-wide ones are listed without it).
    #[param(value_type = Option<i64>)]
    pub site_id: Option<SiteId>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WebhookDeliveryFilter {
    pub status: Option<DeliveryStatus>,
}
