//! HTTP: thin handlers that authenticate, parse, call a service and map to JSON.

/// One `POST .../{id}/<action>` route of a lifecycle action, for any capability: the roles
/// the route admits, the body it takes, the effect that `crate::<capability>::actions::<name>`
/// builds from it, run by the capability's `service::act` through the shared driver.
// rustfmt re-indents the attribute below on every run; keep it as written.
#[rustfmt::skip]
macro_rules! action_route {
    (
        $capability:ident, $action:ident, $tag:tt, $id_doc:tt, $after:tt, $detail:ty:
        $name:ident, $path:literal, $roles:ty, $body:ty, $variant:ident, $doc:literal
    ) => {
        #[doc = $doc]
        #[utoipa::path(
            tag = $tag,
            // Unique across capabilities: `tickets_chase`, `complaints_chase`.
            operation_id = concat!(stringify!($capability), "_", stringify!($name)),
            params(("id" = i64, Path, description = $id_doc)),
            request_body = $body,
            responses(
                (status = 200, description = $after, body = $detail),
                (status = 409, response = crate::api::openapi::Conflict),
            ),
            security(("bearer" = [])),
        )]
        #[post($path)]
        pub async fn $name(
            state: actix_web::web::Data<crate::state::AppState>,
            actor: crate::auth::Auth<$roles>,
            id: actix_web::web::Path<crate::$capability::Id>,
            body: crate::json::Json<$body>,
        ) -> Result<actix_web::HttpResponse, crate::error::AppError> {
            let effect = crate::$capability::actions::$name(body.0);
            let detail =
                crate::$capability::service::act(&state, &actor, *id, $action::$variant, effect)
                    .await?;
            Ok(actix_web::HttpResponse::Ok().json(detail))
        }
    };
}

mod across;
pub mod auth;
pub mod calendar;
pub mod client;
pub mod complaints;
pub mod health;
pub mod notifications;
pub mod openapi;
mod query;
pub mod sites;
pub mod tickets;
pub mod units;
pub mod users;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::AppError;

/// Every documented route under `/api/v1`; each capability registers its own.
pub fn routes(cfg: &mut ServiceConfig) {
    auth::routes(cfg);
    sites::routes(cfg);
    calendar::routes(cfg);
    units::routes(cfg);
    users::routes(cfg);
    tickets::routes(cfg);
    complaints::routes(cfg);
    notifications::routes(cfg);
}

/// The documented paths and their methods, to tell "no such route" (404) from "no such
/// method on this route" (405 with `Allow`).
pub struct RouteTable(Vec<(Vec<String>, Vec<&'static str>)>);

impl RouteTable {
    pub fn from_doc(doc: &utoipa::openapi::OpenApi) -> Self {
        RouteTable(
            doc.paths
                .paths
                .iter()
                .map(|(path, item)| {
                    let segments = path.split('/').map(str::to_owned).collect();
                    let methods = [
                        ("GET", item.get.is_some()),
                        ("POST", item.post.is_some()),
                        ("PUT", item.put.is_some()),
                        ("PATCH", item.patch.is_some()),
                        ("DELETE", item.delete.is_some()),
                    ]
                    .into_iter()
                    .filter_map(|(m, present)| present.then_some(m))
                    .collect();
                    (segments, methods)
                })
                .collect(),
        )
    }

    /// The methods of the route the path names; a literal segment beats a parameter, so
    /// `/complaints/close-quiet` is that route, not a complaint id.
    fn methods_for(&self, path: &str) -> Option<&[&'static str]> {
        let wanted: Vec<&str> = path.split('/').collect();
        self.0
            .iter()
            .filter_map(|(template, methods)| {
                let mut literals = 0;
                let matches = template.len() == wanted.len()
                    && template.iter().zip(&wanted).all(|(t, w)| {
                        if t == w {
                            literals += 1;
                            true
                        } else {
                            t.starts_with('{') && !w.is_empty()
                        }
                    });
                matches.then_some((literals, methods.as_slice()))
            })
            .max_by_key(|(literals, _)| *literals)
            .map(|(_, methods)| methods)
    }
}

/// Answers every request no route took: 405 with `Allow` when the path is a route but the
/// method is not; 404 otherwise, also for a path whose id is not a number.
pub async fn fallback(req: HttpRequest, routes: web::Data<RouteTable>) -> HttpResponse {
    match routes.methods_for(req.path()) {
        Some(methods) if !methods.contains(&req.method().as_str()) => {
            let allow = methods.join(", ");
            let mut response = AppError::MethodNotAllowed(format!(
                "{} is not allowed here; use {allow}",
                req.method()
            ))
            .error_response();
            if let Ok(value) = HeaderValue::from_str(&allow) {
                response.headers_mut().insert(header::ALLOW, value);
            }
            response
        }
        _ => AppError::NotFound("route").error_response(),
    }
}

/// Path segments that do not parse get the same problem shape as bodies.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err, _| {
        AppError::BadRequest(format!("invalid path parameter: {err}")).into()
    })
}
