//! propdesk: the customer-service desk of a residential property-management company.
//!
//! [`build_app`] assembles the one actix `App` that the server and every test run.

pub mod access;
pub mod api;
pub mod api_keys;
pub mod archives;
pub mod auth;
pub mod boards;
pub mod calendar;
pub mod clock;
pub mod complaints;
pub mod config;
pub mod contact;
pub mod db;
pub mod deadlines;
pub mod error;
pub mod fees;
pub mod files;
pub mod hot_water;
pub mod i18n;
pub mod idempotency;
pub mod ids;
pub mod intake;
pub mod jobs;
pub mod json;
pub mod keys;
pub mod lifecycle;
pub mod money;
pub mod notifications;
pub mod numbering;
pub mod outbox;
pub mod pagination;
pub mod periods;
pub mod pii;
pub mod seed;
pub mod signing;
pub mod sites;
pub mod state;
pub mod storage;
pub mod sync;
pub mod text;
pub mod text_enum;
pub mod tickets;
pub mod timeline;
pub mod units;
pub mod users;
pub mod visits;
pub mod webhooks;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::{from_fn, Logger, Next};
use actix_web::{web, App, HttpResponse};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::error::AppError;
pub use crate::state::AppState;

// The catalog of translations (`locales/`), compiled in; English is the messages' own text.
rust_i18n::i18n!("locales", fallback = "en");

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The documented routes, and the document they make.
fn documented_app() -> (
    App<
        impl ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse,
            Error = actix_web::Error,
            InitError = (),
        >,
    >,
    utoipa::openapi::OpenApi,
) {
    use utoipa::OpenApi;
    let (app, doc) = App::new()
        .into_utoipa_app()
        .openapi(api::openapi::ApiDoc::openapi())
        .service(utoipa_actix_web::scope("/api/v1").configure(api::routes))
        .service(api::health::healthz)
        .service(api::health::readyz)
        .split_for_parts();
    (app, api::openapi::complete(doc))
}

/// The OpenAPI document, as served at `/api-docs/openapi.json` and committed in `openapi/`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    documented_app().1
}

pub fn build_app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let (app, doc) = documented_app();
    let routes = api::RouteTable::from_doc(&doc);
    let body_limit = state.config.body_limit_bytes;
    app.app_data(web::Data::new(state))
        .app_data(web::Data::new(routes))
        .app_data(web::PayloadConfig::new(body_limit))
        .app_data(api::path_config())
        .service(SwaggerUi::new("/docs/{_:.*}").url("/api-docs/openapi.json", doc))
        .route(
            "/docs",
            web::get().to(|| async {
                HttpResponse::PermanentRedirect()
                    .insert_header(("Location", "/docs/"))
                    .finish()
            }),
        )
        .default_service(web::to(api::fallback))
        .wrap(from_fn(idempotency::middleware))
        .wrap(from_fn(i18n::middleware))
        .wrap(from_fn(request_id))
        .wrap(
            Logger::new("%{client}xi \"%r\" %s %b %Dms request_id=%{x-request-id}o")
                .custom_request_replace("client", |req| {
                    let trusted = req
                        .app_data::<web::Data<AppState>>()
                        .map_or(&[][..], |state| &state.config.trusted_proxies);
                    api::client::address(req.request(), trusted)
                        .map_or_else(|| "-".to_owned(), |ip| ip.to_string())
                }),
        )
}

/// Tags every response with `X-Request-Id` (the caller's, if sane, else a new one) and logs
/// server errors with their cause under that id.
async fn request_id(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            (1..=64).contains(&v.len())
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .map(str::to_owned)
        .unwrap_or_else(|| access::tokens::random_token(12));
    let mut res = next.call(req).await?;
    if res.status().is_server_error() {
        let cause = res
            .response()
            .error()
            .map(|e| match e.as_error::<AppError>() {
                Some(app) => app.chain(),
                None => e.to_string(),
            })
            .unwrap_or_default();
        // A 503 is load shed on purpose (a full pool, a full hashing queue): worth a
        // warning, not an error line per refused request.
        let level = if res.status() == actix_web::http::StatusCode::SERVICE_UNAVAILABLE {
            log::Level::Warn
        } else {
            log::Level::Error
        };
        log::log!(
            level,
            "request_id={id} {} {}: {cause}",
            res.status(),
            res.request().path()
        );
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID, value);
    }
    Ok(res)
}
