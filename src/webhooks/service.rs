//! Managing webhook endpoints: register, read, change, turn off and on, rotate the secret,
//! read the delivery log, redeliver.

use chrono::{DateTime, Utc};

use super::dto::{
    NewWebhookEndpoint, WebhookAttempt, WebhookDelivery, WebhookDeliveryFilter, WebhookEndpoint,
    WebhookEndpointChanges, WebhookEndpointFilter, WebhookEndpointWithSecret,
};
use super::model::ROTATION_OVERLAP;
use super::repo::{self, DeliveryRow, EndpointRow, EndpointUpdate, EventRow, NewEndpointRow};
use super::{delivery, targets};
use crate::access::Actor;
use crate::db::{self, utc, AnyConnection};
use crate::error::{AppError, Lookup, Validator};
use crate::idempotency::{self, Answer};
use crate::outbox::{EndpointStatus, EventType};
use crate::pagination::{Page, PageRequest};
use crate::signing;
use crate::sites;
use crate::state::AppState;

/// Registers an endpoint: for a site of the manager's, or (company-wide managers) for
/// every site. The answer holds its signing secret, this once.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    input: NewWebhookEndpoint,
) -> Result<WebhookEndpointWithSecret, AppError> {
    check_event_types(Some(&input.event_types))?;
    targets::check(state, "url", input.url.as_str()).await?;
    let (actor, now) = (actor.clone(), state.now());
    let secret = signing::new_secret();
    let sealed = state.pii.seal(&secret);
    db::transaction(&state.pool, move |conn| {
        match input.site_id {
            Some(site_id) => {
                sites::service::visible_site(conn, &actor, site_id).missing_as(|| {
                    AppError::field("site_id", "no site with this id among yours")
                })?;
            }
            None if !actor.is_company_wide() => {
                return Err(AppError::field(
                    "site_id",
                    "name your site: only a company-wide manager registers for every site",
                ));
            }
            None => {}
        }
        let row = repo::insert_endpoint(
            conn,
            NewEndpointRow {
                site_id: input.site_id,
                url: input.url.into(),
                description: input.description.map(String::from),
                secret: sealed,
                status: EndpointStatus::Active,
                created_by: actor.user_id,
                created_at: utc(now),
                updated_at: utc(now),
            },
            &dedup(input.event_types),
        )?;
        Ok(WebhookEndpointWithSecret {
            endpoint: view(conn, row)?,
            secret,
        })
    })
    .await
}

/// The endpoints a manager sees: a company-wide manager every one (or a site's with
/// `site_id`), a site's manager those of their site.
pub async fn list(
    state: &AppState,
    actor: &Actor,
    filter: WebhookEndpointFilter,
    page: PageRequest,
) -> Result<Page<WebhookEndpoint>, AppError> {
    let actor = actor.clone();
    db::read(&state.pool, move |conn| {
        let site =
            sites::service::listed_site_or_all(conn, &actor, filter.site_id, "webhook endpoints")?;
        let rows = repo::list_endpoints(conn, site, page)?;
        Page::from_rows(rows, page, |r| r.id, |r| r).try_map(|row| view(conn, row))
    })
    .await
}

pub async fn get(state: &AppState, actor: &Actor, id: i64) -> Result<WebhookEndpoint, AppError> {
    let actor = actor.clone();
    db::read(&state.pool, move |conn| {
        let row = visible(conn, &actor, id)?;
        view(conn, row)
    })
    .await
}

pub async fn update(
    state: &AppState,
    actor: &Actor,
    id: i64,
    changes: WebhookEndpointChanges,
) -> Result<WebhookEndpoint, AppError> {
    check_event_types(changes.event_types.as_ref())?;
    if let Some(url) = &changes.url {
        targets::check(state, "url", url.as_str()).await?;
    }
    let (actor, now) = (actor.clone(), state.now());
    db::transaction(&state.pool, move |conn| {
        visible(conn, &actor, id)?;
        if let Some(event_types) = changes.event_types {
            repo::set_event_types(conn, id, &dedup(event_types))?;
        }
        let row = repo::update_endpoint(
            conn,
            id,
            &EndpointUpdate {
                url: changes.url.map(String::from),
                description: changes.description.map(|d| d.map(String::from)),
                updated_at: Some(utc(now)),
                ..Default::default()
            },
        )?;
        view(conn, row)
    })
    .await
}

/// Turns an endpoint off (`false`: it gets no new events; what is pending is still sent)
/// or on again, which also clears `failing`. 409 when it is so already (off; or on and
/// not failing).
pub async fn set_enabled(
    state: &AppState,
    actor: &Actor,
    id: i64,
    enabled: bool,
) -> Result<WebhookEndpoint, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    idempotency::transaction(state, Answer::Done, move |conn| {
        let row = visible(conn, &actor, id)?;
        let already = match row.status {
            EndpointStatus::Disabled => !enabled,
            EndpointStatus::Active => enabled,
            EndpointStatus::Failing => false,
        };
        if already {
            return Err(AppError::InvalidTransition(if enabled {
                "this endpoint is on already".into()
            } else {
                "this endpoint is off already".into()
            }));
        }
        let status = if enabled {
            EndpointStatus::Active
        } else {
            EndpointStatus::Disabled
        };
        let row = repo::update_endpoint(
            conn,
            id,
            &EndpointUpdate {
                status: Some(status.as_str()),
                failing_since: Some(None),
                updated_at: Some(utc(now)),
                ..Default::default()
            },
        )?;
        view(conn, row)
    })
    .await
}

/// A new signing secret, shown this once; the one it replaces signs too for 24 hours, so
/// the receiver can switch without losing an event.
pub async fn rotate_secret(
    state: &AppState,
    actor: &Actor,
    id: i64,
) -> Result<WebhookEndpointWithSecret, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    let secret = signing::new_secret();
    let sealed = state.pii.seal(&secret);
    db::transaction(&state.pool, move |conn| {
        let row = visible(conn, &actor, id)?;
        let row = repo::update_endpoint(
            conn,
            id,
            &EndpointUpdate {
                secret: Some(sealed),
                previous_secret: Some(Some(row.secret)),
                previous_secret_until: Some(Some(utc(now + ROTATION_OVERLAP))),
                updated_at: Some(utc(now)),
                ..Default::default()
            },
        )?;
        Ok(WebhookEndpointWithSecret {
            endpoint: view(conn, row)?,
            secret,
        })
    })
    .await
}

/// The endpoint's deliveries newest first, each with every attempt.
pub async fn deliveries(
    state: &AppState,
    actor: &Actor,
    id: i64,
    filter: WebhookDeliveryFilter,
    page: PageRequest,
) -> Result<Page<WebhookDelivery>, AppError> {
    let actor = actor.clone();
    db::read(&state.pool, move |conn| {
        visible(conn, &actor, id)?;
        let rows = repo::list_deliveries(conn, id, filter.status, page)?;
        let page = Page::from_rows(rows, page, |(d, _)| d.id, |r| r);
        let ids: Vec<i64> = page.items.iter().map(|(d, _)| d.id).collect();
        let mut attempts = repo::attempts_of(conn, &ids)?;
        page.try_map(|(delivery, event)| {
            let (mine, rest) = attempts
                .drain(..)
                .partition(|a| a.delivery_id == delivery.id);
            attempts = rest;
            Ok(delivery_view(delivery, event, mine))
        })
    })
    .await
}

/// Sends a delivery again now, whatever its status, and answers it with the attempt logged
/// (`manual`). One that succeeds is delivered. One that fails: a pending delivery is retried
/// on its schedule, counting this attempt; a delivered or given-up one stays as it was.
pub async fn redeliver(
    state: &AppState,
    actor: &Actor,
    id: i64,
) -> Result<WebhookDelivery, AppError> {
    let (actor_, now) = (actor.clone(), state.now());
    let claimed = db::transaction(&state.pool, move |conn| {
        let delivery = repo::find_delivery(conn, id)?.ok_or(AppError::NotFound("delivery"))?;
        visible(conn, &actor_, delivery.endpoint_id)?;
        repo::claim(conn, id, utc(now), utc(now + delivery::HOLD))?.ok_or_else(|| {
            AppError::InvalidTransition("this delivery is being sent right now".into())
        })
    })
    .await?;
    delivery::attempt(state, &delivery::client(state)?, claimed, true).await?;
    let actor = actor.clone();
    db::read(&state.pool, move |conn| {
        let delivery = repo::find_delivery(conn, id)?.ok_or(AppError::NotFound("delivery"))?;
        visible(conn, &actor, delivery.endpoint_id)?;
        let event = repo::find_event(conn, delivery.event_id)?;
        let attempts = repo::attempts_of(conn, &[id])?;
        Ok(delivery_view(delivery, event, attempts))
    })
    .await
}

/// The endpoint, if the manager covers its site (company-wide ones: company-wide managers).
fn visible(conn: &mut AnyConnection, actor: &Actor, id: i64) -> Result<EndpointRow, AppError> {
    let row = repo::find_endpoint(conn, id)?.ok_or(AppError::NotFound("webhook endpoint"))?;
    let sees = match row.site_id {
        Some(site) => actor.covers_site(site),
        None => actor.is_company_wide(),
    };
    if sees {
        Ok(row)
    } else {
        Err(AppError::NotFound("webhook endpoint"))
    }
}

fn check_event_types(event_types: Option<&Vec<EventType>>) -> Result<(), AppError> {
    Validator::new()
        .check(
            event_types.is_none_or(|types| !types.is_empty()),
            "event_types",
            "name at least one event type",
        )
        .finish()
}

fn dedup(mut event_types: Vec<EventType>) -> Vec<EventType> {
    event_types.sort_by_key(|t| t.as_str());
    event_types.dedup();
    event_types
}

fn view(conn: &mut AnyConnection, row: EndpointRow) -> Result<WebhookEndpoint, AppError> {
    Ok(WebhookEndpoint {
        event_types: repo::event_types(conn, row.id)?,
        id: row.id,
        site_id: row.site_id,
        url: row.url,
        description: row.description,
        status: row.status,
        failing_since: row.failing_since.map(|at| at.and_utc()),
        previous_secret_until: row.previous_secret_until.map(|at| at.and_utc()),
        created_by: row.created_by,
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
    })
}

fn delivery_view(
    delivery: DeliveryRow,
    event: EventRow,
    attempts: Vec<repo::AttemptRow>,
) -> WebhookDelivery {
    let at = |t: chrono::NaiveDateTime| -> DateTime<Utc> { t.and_utc() };
    WebhookDelivery {
        id: delivery.id,
        event_id: event.id,
        event_type: event.event_type,
        status: delivery.status,
        next_attempt_at: delivery.next_attempt_at.map(at),
        delivered_at: delivery.delivered_at.map(at),
        created_at: at(delivery.created_at),
        attempts: attempts
            .into_iter()
            .map(|a| WebhookAttempt {
                attempted_at: at(a.attempted_at),
                status_code: a.status_code,
                latency_ms: a.latency_ms,
                error: a.error,
                manual: a.manual,
            })
            .collect(),
    }
}

/// Re-seals every endpoint's signing secrets under the current `PII_KEY`, the old key
/// given as hex (`propdesk reseal-pii`, with the archives' ID numbers). Secrets already
/// under the current key are left, so running it again after a failure finishes the job.
/// Returns how many were re-sealed.
pub async fn reseal(state: &AppState, old_key_hex: &str) -> Result<usize, AppError> {
    let old = crate::pii::Vault::retired(old_key_hex)?;
    let new = state.pii.clone();
    db::transaction(&state.pool, move |conn| {
        let mut count = 0;
        let reseal = |sealed: &str| -> Result<Option<String>, AppError> {
            let resealed = new
                .reseal(&old, sealed)
                .map_err(|e| AppError::internal(format!("a webhook secret: {e}")))?;
            Ok(resealed.map(|(sealed, _)| sealed))
        };
        for row in repo::all_endpoints(conn)? {
            let secret = reseal(&row.secret)?;
            let previous = match &row.previous_secret {
                Some(sealed) => reseal(sealed)?,
                None => None,
            };
            count += usize::from(secret.is_some()) + usize::from(previous.is_some());
            if secret.is_some() || previous.is_some() {
                repo::update_endpoint(
                    conn,
                    row.id,
                    &EndpointUpdate {
                        secret,
                        previous_secret: previous.map(Some),
                        ..Default::default()
                    },
                )?;
            }
        }
        Ok(count)
    })
    .await
}
