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

/// A record's attachment routes, as a module `attachments` of the capability's API: upload,
/// list, download and thumbnail, the same four for every record that holds files.
macro_rules! attachment_routes {
    (
        $capability:ident, $holder:ty, $id:ty, $tag:tt, $id_doc:tt:
        $list_path:literal, $file_path:literal, $thumbnail_path:literal
    ) => {
        pub mod attachments {
            use actix_web::{get, post, web, HttpRequest, HttpResponse};

            use crate::access::AnyRole;
            use crate::api::files::{self, Part};
            use crate::api::openapi::{
                Conflict, FileBytes, PayloadTooLarge, RangeNotSatisfiable, UnsupportedMediaType,
            };
            use crate::api::query::Query;
            use crate::auth::Auth;
            use crate::error::AppError;
            use crate::files::{AttachmentList, UploadForm, UploadParams, Uploaded};
            use crate::ids::AttachmentId;
            use crate::state::AppState;

            /// Attach photos or documents: `multipart/form-data` with one or more parts named
            /// `file` (JPEG, PNG, WebP, HEIC or PDF, told by content; 10 MB each by default).
            /// Whoever may see the record, while it is open; `?stage=before_work|after_work`
            /// for a work order's photos, by its engineers and the desk. The same file again
            /// is not stored twice: a retried upload answers 200 with the attachments it made
            /// (so `Idempotency-Key` is not needed here, and is ignored).
            #[utoipa::path(
                tag = $tag,
                operation_id = concat!(stringify!($capability), "_upload_attachments"),
                params(("id" = i64, Path, description = $id_doc), UploadParams),
                request_body(content = UploadForm, content_type = "multipart/form-data"),
                responses(
                    (status = 201, description = "The files, filed", body = Uploaded),
                    (status = 200, description = "The record held every file already", body = Uploaded),
                    (status = 409, response = Conflict),
                    (status = 413, response = PayloadTooLarge),
                    (status = 415, response = UnsupportedMediaType),
                ),
                security(("bearer" = [])),
            )]
            #[post($list_path)]
            pub async fn upload(
                state: web::Data<AppState>,
                actor: Auth<AnyRole>,
                id: web::Path<$id>,
                params: Query<UploadParams>,
                multipart: actix_multipart::Multipart,
            ) -> Result<HttpResponse, AppError> {
                files::upload::<$holder>(&state, &actor, *id, params.into_inner(), multipart).await
            }

            /// The record's attachments, in the order they came.
            #[utoipa::path(
                tag = $tag,
                operation_id = concat!(stringify!($capability), "_list_attachments"),
                params(("id" = i64, Path, description = $id_doc)),
                responses((status = 200, description = "The attachments", body = AttachmentList)),
                security(("bearer" = [])),
            )]
            #[get($list_path)]
            pub async fn list(
                state: web::Data<AppState>,
                actor: Auth<AnyRole>,
                id: web::Path<$id>,
            ) -> Result<HttpResponse, AppError> {
                let list = crate::files::service::list::<$holder>(&state, &actor, *id).await?;
                Ok(HttpResponse::Ok().json(list))
            }

            /// An attachment's bytes, with `ETag` (its SHA-256; `If-None-Match` answers 304),
            /// its `Content-Type`, `Content-Disposition` with its file name, and one byte
            /// range on `Range: bytes=first-last` (206), for large PDFs on a weak network.
            #[utoipa::path(
                tag = $tag,
                operation_id = concat!(stringify!($capability), "_download_attachment"),
                params(
                    ("id" = i64, Path, description = $id_doc),
                    ("attachment_id" = i64, Path, description = "Attachment id"),
                ),
                responses(
                    (status = 200, description = "The file", content(
                        (FileBytes = "image/jpeg"), (FileBytes = "image/png"),
                        (FileBytes = "image/webp"), (FileBytes = "image/heic"),
                        (FileBytes = "application/pdf"),
                    )),
                    (status = 206, description = "The byte range asked for", content(
                        (FileBytes = "image/jpeg"), (FileBytes = "image/png"),
                        (FileBytes = "image/webp"), (FileBytes = "image/heic"),
                        (FileBytes = "application/pdf"),
                    )),
                    (status = 304, description = "Unchanged since the `ETag` sent"),
                    (status = 416, response = RangeNotSatisfiable),
                ),
                security(("bearer" = [])),
            )]
            #[get($file_path)]
            pub async fn download(
                req: HttpRequest,
                state: web::Data<AppState>,
                actor: Auth<AnyRole>,
                path: web::Path<($id, AttachmentId)>,
            ) -> Result<HttpResponse, AppError> {
                let (id, attachment_id) = path.into_inner();
                files::download::<$holder>(&req, &state, &actor, id, attachment_id, Part::File)
                    .await
            }

            /// A small JPEG of a photo (at most 320 px a side, never enlarged) for lists; 404 for a file
            /// without one (`has_thumbnail` false: HEIC photos and PDFs).
            #[utoipa::path(
                tag = $tag,
                operation_id = concat!(stringify!($capability), "_attachment_thumbnail"),
                params(
                    ("id" = i64, Path, description = $id_doc),
                    ("attachment_id" = i64, Path, description = "Attachment id"),
                ),
                responses(
                    (status = 200, description = "The thumbnail", content((FileBytes = "image/jpeg"))),
                    (status = 304, description = "Unchanged since the `ETag` sent"),
                ),
                security(("bearer" = [])),
            )]
            #[get($thumbnail_path)]
            pub async fn thumbnail(
                req: HttpRequest,
                state: web::Data<AppState>,
                actor: Auth<AnyRole>,
                path: web::Path<($id, AttachmentId)>,
            ) -> Result<HttpResponse, AppError> {
                let (id, attachment_id) = path.into_inner();
                files::download::<$holder>(&req, &state, &actor, id, attachment_id, Part::Thumbnail)
                    .await
            }

            /// These routes, in match order.
            pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
                cfg.service(upload)
                    .service(list)
                    .service(download)
                    .service(thumbnail);
            }
        }
    };
}

mod across;
pub mod api_keys;
pub mod archives;
pub mod auth;
pub mod calendar;
pub mod client;
pub mod complaints;
pub mod files;
pub mod health;
pub mod hot_water;
pub mod keys;
pub mod notifications;
pub mod openapi;
mod query;
pub mod sites;
pub mod sync;
pub mod tickets;
pub mod units;
pub mod users;
pub mod webhooks;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::AppError;
use crate::i18n::Msg;

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
    archives::routes(cfg);
    keys::routes(cfg);
    hot_water::routes(cfg);
    api_keys::routes(cfg);
    webhooks::routes(cfg);
    sync::routes(cfg);
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
            let mut response = AppError::MethodNotAllowed(
                Msg::new("%{method} is not allowed here; use %{allow}")
                    .arg("method", req.method())
                    .arg("allow", &allow),
            )
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
        AppError::BadRequest(Msg::new("invalid path parameter: %{error}").arg("error", err)).into()
    })
}
