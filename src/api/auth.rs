//! Sign-in and the caller's own account.

use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::service::{self, LoginRequest, PasswordChange, RefreshRequest, TokenPair};
use crate::auth::Auth;
use crate::error::AppError;
use crate::json::Json;
use crate::state::AppState;
use crate::users::model::Me;
use crate::users::model::MyChanges;
use crate::users::{self, memberships};

/// Sign in with a username (or phone) and password.
///
/// Repeated failures for one account from one address are throttled: after
/// `LOGIN_MAX_FAILURES` (5) the answer is 429 with `Retry-After`; the wait doubles per
/// further failure up to 15 minutes. Unknown accounts and wrong passwords get the same 401.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenPair),
        (status = 401, response = crate::api::openapi::Unauthorized),
        (status = 429, response = crate::api::openapi::TooManyRequests),
    ),
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<LoginRequest>,
) -> Result<HttpResponse, AppError> {
    let client = super::client::address(&req, &state.config.trusted_proxies)
        .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
    let pair = service::login(&state, body.0, client).await?;
    Ok(HttpResponse::Ok().json(pair))
}

/// Exchange a refresh token for a new pair. Each refresh token works once: presenting a used
/// one again ends every session descended from the same sign-in.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New token pair", body = TokenPair),
        (status = 401, response = crate::api::openapi::Unauthorized),
    ),
)]
#[post("/auth/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    body: Json<RefreshRequest>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::refresh(&state, body.0).await?))
}

/// Sign out: ends the session the refresh token belongs to.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses((status = 204, description = "Signed out")),
)]
#[post("/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    body: Json<RefreshRequest>,
) -> Result<HttpResponse, AppError> {
    service::logout(&state, body.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Change your own password. Every session of the account ends; sign in again.
#[utoipa::path(
    tag = "auth",
    request_body = PasswordChange,
    responses((status = 204, description = "Password changed")),
    security(("bearer" = [])),
)]
#[post("/auth/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    actor: Auth,
    body: Json<PasswordChange>,
) -> Result<HttpResponse, AppError> {
    service::change_password(&state, &actor, body.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Who am I: the account, its role, the sites (staff) or units (residents) it reaches.
#[utoipa::path(
    tag = "auth",
    responses((status = 200, description = "The caller's profile", body = Me)),
    security(("bearer" = [])),
)]
#[get("/me")]
pub async fn me(state: web::Data<AppState>, actor: Auth) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(memberships::me(&state, &actor).await?))
}

/// Changes the caller's own account: the language their notices are written in.
#[utoipa::path(
    tag = "auth",
    request_body = MyChanges,
    responses(
        (status = 200, description = "The caller's profile, changed", body = Me),
    ),
    security(("bearer" = [])),
)]
#[patch("/me")]
pub async fn update_me(
    state: web::Data<AppState>,
    actor: Auth,
    body: Json<MyChanges>,
) -> Result<HttpResponse, AppError> {
    users::service::update_own(&state, &actor, body.0).await?;
    Ok(HttpResponse::Ok().json(memberships::me(&state, &actor).await?))
}

/// This capability's routes, in match order.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(login)
        .service(refresh)
        .service(logout)
        .service(change_password)
        .service(me)
        .service(update_me);
}
