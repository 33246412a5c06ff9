//! Webhook endpoints of other property software: managers register them, read their
//! delivery log, redeliver, rotate secrets, turn them off and on.

use actix_web::{get, patch, post, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::access::ManagerOnly;
use crate::api::openapi::Conflict;
use crate::api::query::Query;
use crate::auth::Auth;
use crate::error::AppError;
use crate::json::Json;
use crate::pagination::{Page, PageParams};
use crate::state::AppState;
use crate::webhooks::dto::{
    NewWebhookEndpoint, WebhookDelivery, WebhookDeliveryFilter, WebhookEndpoint,
    WebhookEndpointChanges, WebhookEndpointFilter, WebhookEndpointWithSecret,
};
use crate::webhooks::service;

/// Register an endpoint for the events it names (see `webhooks` in this document): of a
/// site of the manager's, or with no `site_id` of every site (company-wide managers). The
/// URL must be http(s) and not point at a loopback, link-local or private address. The
/// answer holds the signing secret, this once (so the create is not replayed by
/// `Idempotency-Key`).
#[utoipa::path(
    tag = "webhooks",
    request_body = NewWebhookEndpoint,
    responses((status = 201, description = "The endpoint and its secret", body = WebhookEndpointWithSecret)),
    security(("bearer" = [])),
)]
#[post("/webhook-endpoints")]
pub async fn create_webhook_endpoint(
    state: web::Data<AppState>,
    actor: Auth<ManagerOnly>,
    body: Json<NewWebhookEndpoint>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Created().json(service::create(&state, &actor, body.0).await?))
}

/// Endpoints newest first: all for a company-wide manager (or a site's, `site_id`), their
/// site's for a site's manager.
#[utoipa::path(
    tag = "webhooks",
    params(PageParams, WebhookEndpointFilter),
    responses(
        (status = 200, description = "A page of endpoints", body = Page<WebhookEndpoint>),
        (status = 404, response = crate::api::openapi::NotFound),
    ),
    security(("bearer" = [])),
)]
#[get("/webhook-endpoints")]
pub async fn list_webhook_endpoints(
    state: web::Data<AppState>,
    actor: Auth<ManagerOnly>,
    page: Query<PageParams>,
    filter: Query<WebhookEndpointFilter>,
) -> Result<HttpResponse, AppError> {
    let page = page.request()?;
    let endpoints = service::list(&state, &actor, filter.into_inner(), page).await?;
    Ok(HttpResponse::Ok().json(endpoints))
}

/// One endpoint; never its secret.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = i64, Path, description = "WebhookEndpoint id")),
    responses((status = 200, description = "The endpoint", body = WebhookEndpoint)),
    security(("bearer" = [])),
)]
#[get("/webhook-endpoints/{id:[0-9]+}")]
pub async fn get_webhook_endpoint(
    state: web::Data<AppState>,
    actor: Auth<ManagerOnly>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::get(&state, &actor, *id).await?))
}

/// Change the URL, the description or the event types (from the next event on).
#[utoipa::path(
    tag = "webhooks",
    params(("id" = i64, Path, description = "WebhookEndpoint id")),
    request_body = WebhookEndpointChanges,
    responses((status = 200, description = "The endpoint", body = WebhookEndpoint)),
    security(("bearer" = [])),
)]
#[patch("/webhook-endpoints/{id:[0-9]+}")]
pub async fn update_webhook_endpoint(
    state: web::Data<AppState>,
    actor: Auth<ManagerOnly>,
    id: web::Path<i64>,
    body: Json<WebhookEndpointChanges>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::update(&state, &actor, *id, body.0).await?))
}

/// Turn an endpoint off: it gets no new events (what is pending is still sent). 409 when
/// off already.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = i64, Path, description = "WebhookEndpoint id")),
    responses(
        (status = 200, description = "The endpoint, off", body = WebhookEndpoint),
        (status = 409, response = Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/webhook-endpoints/{id:[0-9]+}/disable")]
pub async fn disable_webhook_endpoint(
    state: web::Data<AppState>,
    actor: Auth<ManagerOnly>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::set_enabled(&state, &actor, *id, false).await?))
}

/// Turn an endpoint on again (also clears `failing`). 409 when on already and not failing.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = i64, Path, description = "WebhookEndpoint id")),
    responses(
        (status = 200, description = "The endpoint, on", body = WebhookEndpoint),
        (status = 409, response = Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/webhook-endpoints/{id:[0-9]+}/enable")]
pub async fn enable_webhook_endpoint(
    state: web::Data<AppState>,
    actor: Auth<ManagerOnly>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::set_enabled(&state, &actor, *id, true).await?))
}

/// A new signing secret, shown this once; the one it replaces keeps signing for 24 hours
/// (both signatures are sent, space-separated), so the receiver can switch over.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = i64, Path, description = "WebhookEndpoint id")),
    responses((status = 200, description = "The endpoint and its new secret", body = WebhookEndpointWithSecret)),
    security(("bearer" = [])),
)]
#[post("/webhook-endpoints/{id:[0-9]+}/rotate-secret")]
pub async fn rotate_webhook_secret(
    state: web::Data<AppState>,
    actor: Auth<ManagerOnly>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::rotate_secret(&state, &actor, *id).await?))
}

/// The delivery log: the endpoint's deliveries newest first, each with every attempt (when,
/// the receiver's status, how long it took, why it failed).
#[utoipa::path(
    tag = "webhooks",
    params(("id" = i64, Path, description = "WebhookEndpoint id"), PageParams, WebhookDeliveryFilter),
    responses((status = 200, description = "A page of deliveries", body = Page<WebhookDelivery>)),
    security(("bearer" = [])),
)]
#[get("/webhook-endpoints/{id:[0-9]+}/deliveries")]
pub async fn list_webhook_deliveries(
    state: web::Data<AppState>,
    actor: Auth<ManagerOnly>,
    id: web::Path<i64>,
    page: Query<PageParams>,
    filter: Query<WebhookDeliveryFilter>,
) -> Result<HttpResponse, AppError> {
    let page = page.request()?;
    let deliveries = service::deliveries(&state, &actor, *id, filter.into_inner(), page).await?;
    Ok(HttpResponse::Ok().json(deliveries))
}

/// Send a delivery again now (a given-up one too), and answer it with the attempt logged
/// as `manual`: delivered if the receiver takes it; if not, a pending delivery keeps being
/// retried, and a delivered or given-up one stays as it was. 409 while an instance is
/// sending it.
#[utoipa::path(
    tag = "webhooks",
    params(("id" = i64, Path, description = "WebhookDelivery id")),
    responses(
        (status = 200, description = "The delivery, tried again", body = WebhookDelivery),
        (status = 409, response = Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/webhook-deliveries/{id:[0-9]+}/redeliver")]
pub async fn redeliver_webhook(
    state: web::Data<AppState>,
    actor: Auth<ManagerOnly>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::redeliver(&state, &actor, *id).await?))
}

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_webhook_endpoint)
        .service(list_webhook_endpoints)
        .service(get_webhook_endpoint)
        .service(update_webhook_endpoint)
        .service(disable_webhook_endpoint)
        .service(enable_webhook_endpoint)
        .service(rotate_webhook_secret)
        .service(list_webhook_deliveries)
        .service(redeliver_webhook);
}
