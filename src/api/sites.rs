//! Sites: company-wide managers open and close them, a site's managers edit them, staff read
//! the sites they work for.

use actix_web::{get, patch, post, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::access::{ManagerOnly, Staff};
use crate::api::query::Query;
use crate::auth::Auth;
use crate::error::AppError;
use crate::ids::SiteId;
use crate::json::Json;
use crate::pagination::{Page, PageParams};
use crate::sites::model::{NewSite, Site, SiteChanges, SiteFilter};
use crate::sites::service;
use crate::state::AppState;

/// Open a site (company-wide managers).
#[utoipa::path(
    tag = "sites",
    request_body = NewSite,
    responses(
        (status = 201, description = "Created", body = Site),
        (status = 409, response = crate::api::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/sites")]
pub async fn create_site(
    state: web::Data<AppState>,
    actor: Auth<ManagerOnly>,
    body: Json<NewSite>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Created().json(service::create(&state, &actor, body.0).await?))
}

/// Sites the caller works for (every site for a company-wide manager).
#[utoipa::path(
    tag = "sites",
    params(PageParams, SiteFilter),
    responses((status = 200, description = "A page of sites", body = Page<Site>)),
    security(("bearer" = [])),
)]
#[get("/sites")]
pub async fn list_sites(
    state: web::Data<AppState>,
    actor: Auth<Staff>,
    page: Query<PageParams>,
    filter: Query<SiteFilter>,
) -> Result<HttpResponse, AppError> {
    let page = page.request()?;
    Ok(HttpResponse::Ok().json(service::list(&state, &actor, filter.into_inner(), page).await?))
}

/// One site the caller works for.
#[utoipa::path(
    tag = "sites",
    params(("id" = i64, Path, description = "Site id")),
    responses((status = 200, description = "The site", body = Site)),
    security(("bearer" = [])),
)]
#[get("/sites/{id:[0-9]+}")]
pub async fn get_site(
    state: web::Data<AppState>,
    actor: Auth<Staff>,
    id: web::Path<SiteId>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::get(&state, &actor, *id).await?))
}

/// Edit a site (its managers).
#[utoipa::path(
    tag = "sites",
    params(("id" = i64, Path, description = "Site id")),
    request_body = SiteChanges,
    responses(
        (status = 200, description = "Updated", body = Site),
        (status = 409, response = crate::api::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[patch("/sites/{id:[0-9]+}")]
pub async fn update_site(
    state: web::Data<AppState>,
    actor: Auth<ManagerOnly>,
    id: web::Path<SiteId>,
    body: Json<SiteChanges>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::update(&state, &actor, *id, body.0).await?))
}

/// Close a site (company-wide managers): no new units are added to it.
#[utoipa::path(
    tag = "sites",
    params(("id" = i64, Path, description = "Site id")),
    responses(
        (status = 200, description = "Deactivated", body = Site),
        (status = 409, response = crate::api::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/sites/{id:[0-9]+}/deactivate")]
pub async fn deactivate_site(
    state: web::Data<AppState>,
    actor: Auth<ManagerOnly>,
    id: web::Path<SiteId>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::set_active(&state, &actor, *id, false).await?))
}

/// Reopen a closed site (company-wide managers).
#[utoipa::path(
    tag = "sites",
    params(("id" = i64, Path, description = "Site id")),
    responses(
        (status = 200, description = "Reactivated", body = Site),
        (status = 409, response = crate::api::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/sites/{id:[0-9]+}/reactivate")]
pub async fn reactivate_site(
    state: web::Data<AppState>,
    actor: Auth<ManagerOnly>,
    id: web::Path<SiteId>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::set_active(&state, &actor, *id, true).await?))
}

/// This capability's routes, in match order.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_site)
        .service(list_sites)
        .service(get_site)
        .service(update_site)
        .service(deactivate_site)
        .service(reactivate_site);
}
