//! Notifications: each person's own (newest first, unread filter, unread count, marking
//! read), and the desk's view of a unit's notices with the deliveries staff make by phone
//! or on paper.

use actix_web::{get, post, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::access::{AnyRole, Desk};
use crate::api::query::Query;
use crate::auth::Auth;
use crate::error::AppError;
use crate::ids::UnitId;
use crate::json::Json;
use crate::notifications::{
    service, MarkedRead, NewDelivery, Notification, NotificationFilter, UnreadCount,
};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;

/// The caller's notifications, newest first; `unread=true` for those not read yet. A
/// resident sees those of the units they live in today.
#[utoipa::path(
    tag = "notifications",
    params(PageParams, NotificationFilter),
    responses((status = 200, description = "A page of notifications", body = Page<Notification>)),
    security(("bearer" = [])),
)]
#[get("/me/notifications")]
pub async fn list_notifications(
    state: web::Data<AppState>,
    actor: Auth<AnyRole>,
    page: Query<PageParams>,
    filter: Query<NotificationFilter>,
) -> Result<HttpResponse, AppError> {
    let page = page.request()?;
    let list = service::list(&state, &actor, filter.into_inner(), page).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// How many of the caller's notifications are unread (the app's badge).
#[utoipa::path(
    tag = "notifications",
    responses((status = 200, description = "The unread count", body = UnreadCount)),
    security(("bearer" = [])),
)]
#[get("/me/notifications/unread-count")]
pub async fn unread_count(
    state: web::Data<AppState>,
    actor: Auth<AnyRole>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::unread_count(&state, &actor).await?))
}

/// Mark one of the caller's notifications read; marking it again changes nothing.
#[utoipa::path(
    tag = "notifications",
    params(("id" = i64, Path, description = "Notification id")),
    responses((status = 200, description = "The notification, read", body = Notification)),
    security(("bearer" = [])),
)]
#[post("/me/notifications/{id:[0-9]+}/read")]
pub async fn mark_read(
    state: web::Data<AppState>,
    actor: Auth<AnyRole>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::mark_read(&state, &actor, *id).await?))
}

/// Mark all the caller's unread notifications read.
#[utoipa::path(
    tag = "notifications",
    responses((status = 200, description = "How many were marked", body = MarkedRead)),
    security(("bearer" = [])),
)]
#[post("/me/notifications/read-all")]
pub async fn mark_all_read(
    state: web::Data<AppState>,
    actor: Auth<AnyRole>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::mark_all_read(&state, &actor).await?))
}

/// The notices to a unit's residents, newest first, for the desk that delivers them by phone
/// or on paper to residents without the app.
#[utoipa::path(
    tag = "notifications",
    params(("id" = i64, Path, description = "Unit id"), PageParams),
    responses((status = 200, description = "A page of the unit's notifications", body = Page<Notification>)),
    security(("bearer" = [])),
)]
#[get("/units/{id:[0-9]+}/notifications")]
pub async fn unit_notifications(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    id: web::Path<UnitId>,
    page: Query<PageParams>,
) -> Result<HttpResponse, AppError> {
    let page = page.request()?;
    Ok(HttpResponse::Ok().json(service::of_unit(&state, &actor, *id, page).await?))
}

/// Record that the caller delivered a notice of their site by phone, on paper or in person.
#[utoipa::path(
    tag = "notifications",
    params(("id" = i64, Path, description = "Notification id")),
    request_body = NewDelivery,
    responses((status = 200, description = "The notification with its delivery", body = Notification)),
    security(("bearer" = [])),
)]
#[post("/notifications/{id:[0-9]+}/delivery")]
pub async fn record_delivery(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    id: web::Path<i64>,
    body: Json<NewDelivery>,
) -> Result<HttpResponse, AppError> {
    let delivered = service::record_delivery(&state, &actor, *id, body.0).await?;
    Ok(HttpResponse::Ok().json(delivered))
}

/// This capability's routes, in match order.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_notifications)
        .service(unread_count)
        .service(mark_all_read)
        .service(mark_read)
        .service(unit_notifications)
        .service(record_delivery);
}
