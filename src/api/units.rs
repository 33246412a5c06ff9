//! Units: the desk keeps them, engineers read them, residents see their own.

use actix_web::{get, patch, post, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::access::Desk;
use crate::api::query::Query;
use crate::auth::Auth;
use crate::error::AppError;
use crate::ids::UnitId;
use crate::json::Json;
use crate::pagination::{Page, PageParams};
use crate::state::AppState;
use crate::units::model::{NewUnit, Unit, UnitChanges, UnitFilter};
use crate::units::service;
use crate::users::memberships;
use crate::users::model::{Membership, NewMembership};

/// Add a unit to a site (butlers, managers of the site).
#[utoipa::path(
    tag = "units",
    request_body = NewUnit,
    responses(
        (status = 201, description = "Created", body = Unit),
        (status = 409, response = crate::api::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/units")]
pub async fn create_unit(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    body: Json<NewUnit>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Created().json(service::create(&state, &actor, body.0).await?))
}

/// Units of the caller's sites; for a resident, the units they live in.
#[utoipa::path(
    tag = "units",
    params(PageParams, UnitFilter),
    responses((status = 200, description = "A page of units", body = Page<Unit>)),
    security(("bearer" = [])),
)]
#[get("/units")]
pub async fn list_units(
    state: web::Data<AppState>,
    actor: Auth,
    page: Query<PageParams>,
    filter: Query<UnitFilter>,
) -> Result<HttpResponse, AppError> {
    let page = page.request()?;
    Ok(HttpResponse::Ok().json(service::list(&state, &actor, filter.into_inner(), page).await?))
}

/// One unit of the caller's sites; a resident sees only the units they live in.
#[utoipa::path(
    tag = "units",
    params(("id" = i64, Path, description = "Unit id")),
    responses((status = 200, description = "The unit", body = Unit)),
    security(("bearer" = [])),
)]
#[get("/units/{id:[0-9]+}")]
pub async fn get_unit(
    state: web::Data<AppState>,
    actor: Auth,
    id: web::Path<UnitId>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::get(&state, &actor, *id).await?))
}

/// Edit a unit (butlers, managers of the site).
#[utoipa::path(
    tag = "units",
    params(("id" = i64, Path, description = "Unit id")),
    request_body = UnitChanges,
    responses(
        (status = 200, description = "Updated", body = Unit),
        (status = 409, response = crate::api::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[patch("/units/{id:[0-9]+}")]
pub async fn update_unit(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    id: web::Path<UnitId>,
    body: Json<UnitChanges>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::update(&state, &actor, *id, body.0).await?))
}

/// Take a unit out of use (butlers, managers of the site): no one new may be linked to it.
#[utoipa::path(
    tag = "units",
    params(("id" = i64, Path, description = "Unit id")),
    responses(
        (status = 200, description = "Deactivated", body = Unit),
        (status = 409, response = crate::api::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/units/{id:[0-9]+}/deactivate")]
pub async fn deactivate_unit(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    id: web::Path<UnitId>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::set_active(&state, &actor, *id, false).await?))
}

/// Return a unit to use (butlers, managers of the site).
#[utoipa::path(
    tag = "units",
    params(("id" = i64, Path, description = "Unit id")),
    responses(
        (status = 200, description = "Reactivated", body = Unit),
        (status = 409, response = crate::api::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/units/{id:[0-9]+}/reactivate")]
pub async fn reactivate_unit(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    id: web::Path<UnitId>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::set_active(&state, &actor, *id, true).await?))
}

/// Who lives or lived in the unit (the desk).
#[utoipa::path(
    tag = "memberships",
    params(("id" = i64, Path, description = "Unit id")),
    responses((status = 200, description = "Memberships, oldest first", body = Vec<Membership>)),
    security(("bearer" = [])),
)]
#[get("/units/{id:[0-9]+}/members")]
pub async fn list_members(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    id: web::Path<UnitId>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(memberships::unit_members(&state, &actor, *id).await?))
}

/// Link a resident to the unit as owner, family or tenant (the desk).
#[utoipa::path(
    tag = "memberships",
    params(("id" = i64, Path, description = "Unit id")),
    request_body = NewMembership,
    responses(
        (status = 201, description = "Linked", body = Membership),
        (status = 409, response = crate::api::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/units/{id:[0-9]+}/members")]
pub async fn add_member(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    id: web::Path<UnitId>,
    body: Json<NewMembership>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Created()
        .json(memberships::add_membership(&state, &actor, *id, body.0).await?))
}

/// This capability's routes, in match order.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_unit)
        .service(list_units)
        .service(get_unit)
        .service(update_unit)
        .service(deactivate_unit)
        .service(reactivate_unit)
        .service(list_members)
        .service(add_member);
}
