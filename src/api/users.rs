//! Accounts: managers manage staff and residents of their scope, butlers manage residents.

use actix_web::{get, patch, post, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::access::Desk;
use crate::api::query::Query;
use crate::auth::Auth;
use crate::error::AppError;
use crate::ids::UserId;
use crate::json::Json;
use crate::pagination::{Page, PageParams};
use crate::state::AppState;
use crate::users::model::{
    EndMembership, Membership, NewUser, PasswordReset, User, UserChanges, UserFilter,
};
use crate::users::{memberships, service};

/// Create an account. Butlers create residents (with the unit they live in); managers
/// create anyone for their sites.
#[utoipa::path(
    tag = "users",
    request_body = NewUser,
    responses(
        (status = 201, description = "Created", body = User),
        (status = 409, response = crate::api::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    body: Json<NewUser>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Created().json(service::create(&state, &actor, body.0).await?))
}

/// People of the caller's sites: staff who work there, residents who live or lived there.
/// Phones are masked (`138****5678`) in the list; `GET /users/{id}` shows them whole.
#[utoipa::path(
    tag = "users",
    params(PageParams, UserFilter),
    responses((status = 200, description = "A page of users", body = Page<User>)),
    security(("bearer" = [])),
)]
#[get("/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    page: Query<PageParams>,
    filter: Query<UserFilter>,
) -> Result<HttpResponse, AppError> {
    let page = page.request()?;
    Ok(HttpResponse::Ok().json(service::list(&state, &actor, filter.into_inner(), page).await?))
}

/// One person of the caller's sites.
#[utoipa::path(
    tag = "users",
    params(("id" = i64, Path, description = "User id")),
    responses((status = 200, description = "The user", body = User)),
    security(("bearer" = [])),
)]
#[get("/users/{id:[0-9]+}")]
pub async fn get_user(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    id: web::Path<UserId>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::get(&state, &actor, *id).await?))
}

/// Edit an account: name, username, phone, sites.
#[utoipa::path(
    tag = "users",
    params(("id" = i64, Path, description = "User id")),
    request_body = UserChanges,
    responses(
        (status = 200, description = "Updated", body = User),
        (status = 409, response = crate::api::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[patch("/users/{id:[0-9]+}")]
pub async fn update_user(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    id: web::Path<UserId>,
    body: Json<UserChanges>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::update(&state, &actor, *id, body.0).await?))
}

/// Deactivate an account: it can no longer sign in, and its sessions end.
#[utoipa::path(
    tag = "users",
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = 200, description = "Deactivated", body = User),
        (status = 409, response = crate::api::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/users/{id:[0-9]+}/deactivate")]
pub async fn deactivate_user(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    id: web::Path<UserId>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::set_active(&state, &actor, *id, false).await?))
}

/// Reactivate an account: it may sign in again.
#[utoipa::path(
    tag = "users",
    params(("id" = i64, Path, description = "User id")),
    responses(
        (status = 200, description = "Reactivated", body = User),
        (status = 409, response = crate::api::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/users/{id:[0-9]+}/reactivate")]
pub async fn reactivate_user(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    id: web::Path<UserId>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::set_active(&state, &actor, *id, true).await?))
}

/// Set a new password for someone who forgot theirs; their sessions end.
#[utoipa::path(
    tag = "users",
    params(("id" = i64, Path, description = "User id")),
    request_body = PasswordReset,
    responses(
        (status = 200, description = "Password set", body = User),
        (status = 409, response = crate::api::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/users/{id:[0-9]+}/reset-password")]
pub async fn reset_password(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    id: web::Path<UserId>,
    body: Json<PasswordReset>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::reset_password(&state, &actor, *id, body.0).await?))
}

/// End a membership: the resident no longer belongs to the unit from `end_date` (default
/// today, effective at once). Send `{}` for today.
#[utoipa::path(
    tag = "memberships",
    params(("id" = i64, Path, description = "Membership id")),
    request_body = EndMembership,
    responses(
        (status = 200, description = "Ended", body = Membership),
        (status = 409, response = crate::api::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/memberships/{id:[0-9]+}/end")]
pub async fn end_membership(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    id: web::Path<i64>,
    body: Json<EndMembership>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(memberships::end_membership(&state, &actor, *id, body.0).await?))
}

/// This capability's routes, in match order.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_user)
        .service(list_users)
        .service(get_user)
        .service(update_user)
        .service(deactivate_user)
        .service(reactivate_user)
        .service(reset_password)
        .service(end_membership);
}
