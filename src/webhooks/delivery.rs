//! Sending events: a job claims the deliveries that are due (a conditional update, so
//! several instances share the work and never send one twice at once), sends each with
//! its Standard Webhooks headers, and logs the attempt. A failed attempt is retried on the
//! schedule of `model::retry_delay` for up to 3 days; then the delivery is given up, the
//! endpoint marked failing and its managers told. The next delivery that succeeds makes
//! it active again.

use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use futures_util::future::join_all;

use super::model::{self, RETRY_FOR};
use super::repo::{self, AfterAttempt, DeliveryRow, EndpointRow, EventRow, NewAttemptRow};
use super::targets::PublicOnly;
use crate::access;
use crate::db::{self, utc, AnyConnection};
use crate::error::AppError;
use crate::i18n::Msg;
use crate::notifications::{self, Kind, Notice};
use crate::outbox::{DeliveryStatus, EndpointStatus};
use crate::signing;
use crate::state::AppState;
use crate::timeline::Subject;

/// How long an instance holds the deliveries it claimed: longer than a request may take.
pub const HOLD: Duration = Duration::seconds(60);
/// How long a receiver has to answer.
const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// Deliveries claimed per round, sent at once.
const BATCH: i64 = 32;

/// The client deliveries go through: no redirects and no proxy (either would send the
/// request somewhere the checks did not see), and unless private targets are allowed, a
/// resolver that gives only public addresses.
pub fn client(state: &AppState) -> Result<reqwest::Client, AppError> {
    let mut builder = reqwest::Client::builder()
        .timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .user_agent(concat!("propdesk-webhooks/", env!("CARGO_PKG_VERSION")));
    if !state.config.webhooks_allow_private_targets {
        builder = builder.dns_resolver(Arc::new(PublicOnly));
    }
    builder
        .build()
        .map_err(|e| AppError::internal_from("webhook client", e))
}

/// One round of the job: sends every delivery due now that no instance holds (up to a
/// batch); answers how many were delivered.
pub async fn deliver_due(state: &AppState) -> Result<usize, AppError> {
    let now = state.now();
    let claimed = db::transaction(&state.pool, move |conn| {
        Ok(repo::claim_due(conn, utc(now), utc(now + HOLD), BATCH)?)
    })
    .await?;
    if claimed.is_empty() {
        return Ok(0);
    }
    let client = client(state)?;
    let outcomes = join_all(
        claimed
            .into_iter()
            .map(|delivery| attempt(state, &client, delivery, false)),
    )
    .await;
    let mut delivered = 0;
    for outcome in outcomes {
        delivered += usize::from(outcome?);
    }
    Ok(delivered)
}

/// Sends a claimed delivery once and logs the attempt; `manual` for a manager's
/// redelivery. Answers whether the receiver took it.
pub async fn attempt(
    state: &AppState,
    client: &reqwest::Client,
    delivery: DeliveryRow,
    manual: bool,
) -> Result<bool, AppError> {
    let (endpoint_id, event_id) = (delivery.endpoint_id, delivery.event_id);
    let (endpoint, event) = db::read(&state.pool, move |conn| {
        let endpoint = repo::find_endpoint(conn, endpoint_id)?
            .ok_or_else(|| AppError::internal("a delivery's endpoint is gone"))?;
        Ok((endpoint, repo::find_event(conn, event_id)?))
    })
    .await?;
    let sent_at = state.now();
    let started = Instant::now();
    let answer = send(state, client, &endpoint, &event, sent_at).await;
    let latency_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    let (status_code, error) = match &answer {
        Ok(status) if (200..300).contains(status) => (Some(*status), None),
        Ok(status) => (Some(*status), Some(format!("answered {status}"))),
        Err(reason) => (None, Some(reason.clone())),
    };
    let delivered = error.is_none();
    let now = state.now();
    db::transaction(&state.pool, move |conn| {
        let after = if delivered {
            AfterAttempt::Delivered
        } else if delivery.status != DeliveryStatus::Pending {
            // A manager's try of a delivery already delivered or given up.
            AfterAttempt::Logged
        } else {
            let next = now + model::retry_delay(delivery.attempts + 1, model::jitter());
            if next > delivery.created_at.and_utc() + RETRY_FOR {
                AfterAttempt::GivenUp
            } else {
                AfterAttempt::RetryAt(utc(next))
            }
        };
        repo::record_attempt(
            conn,
            NewAttemptRow {
                delivery_id: delivery.id,
                attempted_at: utc(sent_at),
                status_code,
                latency_ms,
                error,
                manual,
            },
            after,
        )?;
        let (failing, active) = (EndpointStatus::Failing, EndpointStatus::Active);
        if delivered {
            repo::move_endpoint(conn, endpoint.id, failing, active, utc(now))?;
        }
        // Only the round that marks it failing tells the managers, once.
        if after == AfterAttempt::GivenUp
            && repo::move_endpoint(conn, endpoint.id, active, failing, utc(now))?
        {
            tell_failing(conn, &endpoint, &event, now)?;
        }
        Ok(delivered)
    })
    .await
}

/// Posts the event; answers the receiver's status, or why none came.
async fn send(
    state: &AppState,
    client: &reqwest::Client,
    endpoint: &EndpointRow,
    event: &EventRow,
    sent_at: DateTime<Utc>,
) -> Result<i64, String> {
    if let Some(problem) =
        model::url_problem(&endpoint.url, state.config.webhooks_allow_private_targets)
    {
        return Err(format!("not sent: the URL {problem}"));
    }
    let data: serde_json::Value =
        serde_json::from_str(&event.data).map_err(|e| format!("not sent: {e}"))?;
    let body = serde_json::json!({
        "type": event.event_type,
        "timestamp": event.created_at.and_utc(),
        "data": data,
    })
    .to_string();
    let msg_id = format!("evt_{}", event.id);
    let timestamp = sent_at.timestamp();
    let mut secrets = vec![&endpoint.secret];
    if endpoint
        .previous_secret_until
        .is_some_and(|until| until.and_utc() > sent_at)
    {
        secrets.extend(endpoint.previous_secret.as_ref());
    }
    let mut signatures = Vec::new();
    for sealed in secrets {
        let secret = state
            .pii
            .open(sealed)
            .map_err(|_| "not sent: the signing secret does not open".to_owned())?;
        signatures.extend(signing::signature(
            &secret,
            &msg_id,
            timestamp,
            body.as_bytes(),
        ));
    }
    let response = client
        .post(&endpoint.url)
        .header("content-type", "application/json")
        .header("webhook-id", &msg_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signatures.join(" "))
        .body(body)
        .send()
        .await
        .map_err(|e| e.without_url().to_string())?;
    Ok(i64::from(response.status().as_u16()))
}

/// Tells the endpoint's managers that it is failing: those of its site, or for an
/// endpoint of every site the company-wide ones (on the notice, the site of the event).
fn tell_failing(
    conn: &mut AnyConnection,
    endpoint: &EndpointRow,
    event: &EventRow,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let managers = match endpoint.site_id {
        Some(site_id) => access::repo::managers_of_site(conn, site_id)?,
        None => access::repo::company_wide_managers(conn)?,
    };
    // Not the URL: it may carry the receiver's token, and notices become webhook events.
    let message = Msg::new(
        "Webhook endpoint %{endpoint} is failing: an event could not be delivered for 3 days",
    )
    .arg("endpoint", endpoint.id);
    notifications::notify(
        conn,
        Subject::WebhookEndpoint,
        endpoint.id,
        Notice::to_each(
            managers,
            Kind::WebhookFailing,
            event.site_id,
            None,
            &message,
        ),
        None,
        now,
    )
}
