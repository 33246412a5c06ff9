//! A site's working calendar: staff of the site read it, its managers edit it.

use actix_web::{delete, get, put, web, HttpResponse};
use chrono::NaiveDate;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::access::{ManagerOnly, Staff};
use crate::api::query::Query;
use crate::auth::Auth;
use crate::calendar::dto::{
    CalendarDay, CalendarFilter, SetCalendarDay, SetWeeklyHours, SiteCalendar, WeeklyHours,
};
use crate::calendar::service;
use crate::error::AppError;
use crate::ids::SiteId;
use crate::json::Json;
use crate::state::AppState;

/// The site's weekly working hours and its holidays and make-up working days.
#[utoipa::path(
    tag = "calendar",
    params(("id" = i64, Path, description = "Site id"), CalendarFilter),
    responses((status = 200, description = "The calendar", body = SiteCalendar)),
    security(("bearer" = [])),
)]
#[get("/sites/{id:[0-9]+}/calendar")]
pub async fn get_calendar(
    state: web::Data<AppState>,
    actor: Auth<Staff>,
    id: web::Path<SiteId>,
    filter: Query<CalendarFilter>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::get(&state, &actor, *id, filter.into_inner()).await?))
}

/// Replace the site's weekly working hours (its managers).
#[utoipa::path(
    tag = "calendar",
    params(("id" = i64, Path, description = "Site id")),
    request_body = SetWeeklyHours,
    responses((status = 200, description = "The new weekly hours", body = WeeklyHours)),
    security(("bearer" = [])),
)]
#[put("/sites/{id:[0-9]+}/calendar/weekly-hours")]
pub async fn set_weekly_hours(
    state: web::Data<AppState>,
    actor: Auth<ManagerOnly>,
    id: web::Path<SiteId>,
    body: Json<SetWeeklyHours>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::set_weekly_hours(&state, &actor, *id, body.0).await?))
}

/// Make a date a holiday or a make-up working day (its managers).
#[utoipa::path(
    tag = "calendar",
    params(
        ("id" = i64, Path, description = "Site id"),
        ("date" = NaiveDate, Path, description = "The site's local date, YYYY-MM-DD"),
    ),
    request_body = SetCalendarDay,
    responses((status = 200, description = "The day as set", body = CalendarDay)),
    security(("bearer" = [])),
)]
#[put("/sites/{id:[0-9]+}/calendar/days/{date}")]
pub async fn set_calendar_day(
    state: web::Data<AppState>,
    actor: Auth<ManagerOnly>,
    path: web::Path<(SiteId, NaiveDate)>,
    body: Json<SetCalendarDay>,
) -> Result<HttpResponse, AppError> {
    let (id, date) = path.into_inner();
    Ok(HttpResponse::Ok().json(service::set_day(&state, &actor, id, date, body.0).await?))
}

/// Return a date to the weekly pattern (its managers).
#[utoipa::path(
    tag = "calendar",
    params(
        ("id" = i64, Path, description = "Site id"),
        ("date" = NaiveDate, Path, description = "The site's local date, YYYY-MM-DD"),
    ),
    responses((status = 204, description = "Removed")),
    security(("bearer" = [])),
)]
#[delete("/sites/{id:[0-9]+}/calendar/days/{date}")]
pub async fn delete_calendar_day(
    state: web::Data<AppState>,
    actor: Auth<ManagerOnly>,
    path: web::Path<(SiteId, NaiveDate)>,
) -> Result<HttpResponse, AppError> {
    let (id, date) = path.into_inner();
    service::delete_day(&state, &actor, id, date).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// This capability's routes, in match order.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get_calendar)
        .service(set_weekly_hours)
        .service(set_calendar_day)
        .service(delete_calendar_day);
}
