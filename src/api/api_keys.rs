//! API keys of other property systems: managers create, list, read and revoke them.

use actix_web::{get, post, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::access::ManagerOnly;
use crate::api::query::Query;
use crate::api_keys::dto::{ApiKey, ApiKeyFilter, CreatedApiKey, NewApiKey};
use crate::api_keys::service;
use crate::auth::Auth;
use crate::error::AppError;
use crate::json::Json;
use crate::pagination::{Page, PageParams};
use crate::state::AppState;

/// Create an API key for another property system, on sites the manager covers, with the
/// permissions it needs. The answer holds the key itself, this once: only its hash is kept,
/// so the create is not replayed by `Idempotency-Key` (a retry makes a second key; revoke
/// the one not used).
#[utoipa::path(
    tag = "api keys",
    request_body = NewApiKey,
    responses((status = 201, description = "The key, and the key itself this once", body = CreatedApiKey)),
    security(("bearer" = [])),
)]
#[post("/api-keys")]
pub async fn create_api_key(
    state: web::Data<AppState>,
    actor: Auth<ManagerOnly>,
    body: Json<NewApiKey>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Created().json(service::create(&state, &actor, body.0).await?))
}

/// API keys newest first: every key for a company-wide manager (or a site's with
/// `site_id`), the keys acting on their site for a site's manager.
#[utoipa::path(
    tag = "api keys",
    params(PageParams, ApiKeyFilter),
    responses(
        (status = 200, description = "A page of keys", body = Page<ApiKey>),
        (status = 404, response = crate::api::openapi::NotFound),
    ),
    security(("bearer" = [])),
)]
#[get("/api-keys")]
pub async fn list_api_keys(
    state: web::Data<AppState>,
    actor: Auth<ManagerOnly>,
    page: Query<PageParams>,
    filter: Query<ApiKeyFilter>,
) -> Result<HttpResponse, AppError> {
    let page = page.request()?;
    let keys = service::list(&state, &actor, filter.into_inner(), page).await?;
    Ok(HttpResponse::Ok().json(keys))
}

/// One API key acting on a site of the manager's, with its last use.
#[utoipa::path(
    tag = "api keys",
    params(("id" = i64, Path, description = "API key id")),
    responses((status = 200, description = "The key", body = ApiKey)),
    security(("bearer" = [])),
)]
#[get("/api-keys/{id:[0-9]+}")]
pub async fn get_api_key(
    state: web::Data<AppState>,
    actor: Auth<ManagerOnly>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::get(&state, &actor, *id).await?))
}

/// Revoke an API key: its next request is refused (401), and its account closes. 409
/// `invalid-transition` when it is revoked already.
#[utoipa::path(
    tag = "api keys",
    params(("id" = i64, Path, description = "API key id")),
    responses(
        (status = 200, description = "The key, revoked", body = ApiKey),
        (status = 409, response = crate::api::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/api-keys/{id:[0-9]+}/revoke")]
pub async fn revoke_api_key(
    state: web::Data<AppState>,
    actor: Auth<ManagerOnly>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::revoke(&state, &actor, *id).await?))
}

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_api_key)
        .service(list_api_keys)
        .service(get_api_key)
        .service(revoke_api_key);
}
