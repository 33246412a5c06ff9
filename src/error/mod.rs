//! Every failure leaves the API as an RFC 9457 `application/problem+json` document.
//!
//! Handlers and services return [`AppError`]; nothing below the HTTP layer builds a
//! response. Database and internal errors are logged with detail and reach the client only
//! as a generic 500/503, so SQL and panics never leak.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::i18n::{self, Msg};

mod database;
mod precondition;
mod validation;

pub use precondition::Precondition;
pub use validation::{FieldError, Validator};

pub const PROBLEM_JSON: &str = "application/problem+json";

/// RFC 9457 problem details, the body of every 4xx and 5xx response.
///
/// `title`, `detail` and the field messages are in the language of `Accept-Language`
/// (`en`, the default, or `zh-CN`); `type`, `code` and field names never change with it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "/problems/validation",
    "title": "Validation failed",
    "status": 422,
    "detail": "1 field is invalid",
    "errors": [{"field": "display_name", "message": "must be between 1 and 100 characters"}]
}))]
pub struct Problem {
    /// A relative URI naming the kind of problem; stable, safe to switch on.
    #[serde(rename = "type")]
    pub problem_type: String,
    #[schema(value_type = String)]
    pub title: Msg,
    pub status: u16,
    #[schema(value_type = String)]
    pub detail: Msg,
    /// On `precondition-failed` problems: which condition does not hold, for clients that
    /// branch on it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<Precondition>,
    /// Per-field messages, present on validation problems.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

#[derive(Debug, thiserror::Error)]
#[error("{}", self.detail())]
pub enum AppError {
    /// The body is not JSON, or the query string or path cannot be read.
    BadRequest(Msg),
    Validation(Vec<FieldError>),
    Unauthorized(Msg),
    /// A signed request (a payment report) whose signature is missing, wrong or stale:
    /// sign it again; the credentials themselves are fine.
    BadSignature(Msg),
    Forbidden(Msg),
    /// What was not found: a word of the catalog (`ticket`).
    NotFound(&'static str),
    MethodNotAllowed(Msg),
    /// The record (a word of the catalog) changed since the caller read it: reload it and
    /// try again.
    StaleVersion(&'static str),
    /// The record's state does not allow the action; reloading will not help.
    InvalidTransition(Msg),
    /// A value that must be unique is taken.
    Duplicate(Msg),
    /// Another request with the same `Idempotency-Key` is still running.
    IdempotencyKeyInUse,
    /// The `Idempotency-Key` was first used with another request.
    IdempotencyKeyReused,
    /// A condition the action needs does not hold; `code` names it.
    PreconditionFailed {
        code: Precondition,
        detail: Msg,
    },
    PayloadTooLarge(usize),
    UnsupportedMediaType(Msg),
    /// The byte range asked for lies outside the file of `size` bytes.
    RangeNotSatisfiable {
        size: u64,
    },
    /// Over a limit: failed logins, or an API key's request rate. `reason` is a message of
    /// the catalog.
    TooManyRequests {
        reason: &'static str,
        retry_after_secs: u64,
    },
    /// Load shed, or a dependency down; the text is for the log.
    Unavailable(String),
    /// A bug or a broken dependency: logged with its cause chain, never shown.
    Internal {
        context: String,
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
}

impl AppError {
    pub fn field(field: impl Into<String>, message: impl Into<Msg>) -> Self {
        AppError::Validation(vec![FieldError {
            field: field.into(),
            message: message.into(),
        }])
    }

    /// The same error, its invalid fields named as members of `parent` (`parent.field`):
    /// for a body that nests another capability's input.
    pub fn within(self, parent: &str) -> Self {
        match self {
            AppError::Validation(errors) => AppError::Validation(
                errors
                    .into_iter()
                    .map(|e| FieldError {
                        field: format!("{parent}.{}", e.field),
                        message: e.message,
                    })
                    .collect(),
            ),
            other => other,
        }
    }

    pub fn internal(context: impl std::fmt::Display) -> Self {
        AppError::Internal {
            context: context.to_string(),
            source: None,
        }
    }

    /// An internal error that keeps its cause for the log.
    pub fn internal_from(
        context: impl std::fmt::Display,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        AppError::Internal {
            context: context.to_string(),
            source: Some(Box::new(source)),
        }
    }

    pub fn precondition(code: Precondition, detail: impl Into<Msg>) -> Self {
        AppError::PreconditionFailed {
            code,
            detail: detail.into(),
        }
    }

    /// The error and its causes, for the log.
    pub fn chain(&self) -> String {
        let mut text = match self {
            AppError::Unavailable(cause) => format!("service temporarily unavailable: {cause}"),
            AppError::Internal { context, .. } => format!("internal error: {context}"),
            other => other.to_string(),
        };
        let mut cause = std::error::Error::source(self);
        while let Some(err) = cause {
            text.push_str(": ");
            text.push_str(&err.to_string());
            cause = err.source();
        }
        text
    }

    /// What the client is told: never a cause of a 500 or 503, which is in the log, next to
    /// the request id.
    fn detail(&self) -> Msg {
        match self {
            AppError::BadRequest(msg)
            | AppError::Unauthorized(msg)
            | AppError::BadSignature(msg)
            | AppError::Forbidden(msg)
            | AppError::MethodNotAllowed(msg)
            | AppError::InvalidTransition(msg)
            | AppError::Duplicate(msg)
            | AppError::PreconditionFailed { detail: msg, .. }
            | AppError::UnsupportedMediaType(msg) => msg.clone(),
            AppError::Validation(errors) if errors.len() == 1 => {
                Msg::new("1 field is invalid")
            }
            AppError::Validation(errors) => {
                Msg::new("%{count} fields are invalid").arg("count", errors.len())
            }
            AppError::NotFound(thing) => Msg::new("%{thing} not found").term("thing", *thing),
            AppError::StaleVersion(thing) => {
                Msg::new("the %{thing} changed meanwhile; reload it and try again")
                    .term("thing", *thing)
            }
            AppError::IdempotencyKeyInUse => Msg::new(
                "a request with this Idempotency-Key is still in progress; retry after it ends",
            ),
            AppError::IdempotencyKeyReused => Msg::new(
                "this Idempotency-Key was used with another request; use a new key for a new request",
            ),
            AppError::PayloadTooLarge(limit) => {
                Msg::new("request body larger than %{limit} bytes").arg("limit", limit)
            }
            AppError::RangeNotSatisfiable { size } => {
                Msg::new("the range asked for lies outside the file's %{size} bytes")
                    .arg("size", size)
            }
            AppError::TooManyRequests {
                reason,
                retry_after_secs,
            } => Msg::new("%{reason}; retry in %{seconds} s")
                .term("reason", *reason)
                .arg("seconds", retry_after_secs),
            AppError::Unavailable(_) => Msg::new("service temporarily unavailable"),
            AppError::Internal { .. } => Msg::new(
                "an unexpected error occurred; quote the X-Request-Id header when reporting it",
            ),
        }
    }

    fn slug_and_title(&self) -> (&'static str, Msg) {
        match self {
            AppError::BadRequest(_) => ("bad-request", Msg::new("Bad request")),
            AppError::Validation(_) => ("validation", Msg::new("Validation failed")),
            AppError::Unauthorized(_) => ("unauthorized", Msg::new("Authentication required")),
            AppError::BadSignature(_) => ("bad-signature", Msg::new("Bad signature")),
            AppError::Forbidden(_) => ("forbidden", Msg::new("Not allowed")),
            AppError::NotFound(_) => ("not-found", Msg::new("Not found")),
            AppError::MethodNotAllowed(_) => ("method-not-allowed", Msg::new("Method not allowed")),
            AppError::StaleVersion(_) => ("stale-version", Msg::new("Changed meanwhile")),
            AppError::InvalidTransition(_) => {
                ("invalid-transition", Msg::new("Not allowed in this state"))
            }
            AppError::Duplicate(_) => ("duplicate", Msg::new("Already exists")),
            AppError::PreconditionFailed { .. } => {
                ("precondition-failed", Msg::new("Precondition failed"))
            }
            AppError::IdempotencyKeyInUse => {
                ("idempotency-key-in-use", Msg::new("Request in progress"))
            }
            AppError::IdempotencyKeyReused => (
                "idempotency-key-reused",
                Msg::new("Key used for another request"),
            ),
            AppError::PayloadTooLarge(_) => ("payload-too-large", Msg::new("Payload too large")),
            AppError::UnsupportedMediaType(_) => {
                ("unsupported-media-type", Msg::new("Unsupported media type"))
            }
            AppError::RangeNotSatisfiable { .. } => {
                ("range-not-satisfiable", Msg::new("Range not satisfiable"))
            }
            AppError::TooManyRequests { .. } => {
                ("too-many-requests", Msg::new("Too many requests"))
            }
            AppError::Unavailable(_) => ("unavailable", Msg::new("Service unavailable")),
            AppError::Internal { .. } => ("internal", Msg::new("Internal server error")),
        }
    }

    pub fn problem(&self) -> Problem {
        let (slug, title) = self.slug_and_title();
        Problem {
            problem_type: format!("/problems/{slug}"),
            title,
            status: self.status_code().as_u16(),
            detail: self.detail(),
            code: match self {
                AppError::PreconditionFailed { code, .. } => Some(*code),
                _ => None,
            },
            errors: match self {
                AppError::Validation(errors) => errors.clone(),
                _ => Vec::new(),
            },
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unauthorized(_) | AppError::BadSignature(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            AppError::StaleVersion(_)
            | AppError::InvalidTransition(_)
            | AppError::Duplicate(_)
            | AppError::PreconditionFailed { .. }
            | AppError::IdempotencyKeyInUse => StatusCode::CONFLICT,
            AppError::IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::RangeNotSatisfiable { .. } => StatusCode::RANGE_NOT_SATISFIABLE,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        // The texts are in the language asked for; caches keep one answer per language.
        response.insert_header((header::CONTENT_LANGUAGE, i18n::requested().as_str()));
        response.insert_header((header::VARY, "Accept-Language"));
        match self {
            AppError::Unauthorized(_) => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            // The key is good; the report's own signature is what to send again.
            AppError::BadSignature(_) => {
                response.insert_header((header::WWW_AUTHENTICATE, "Signature"));
            }
            AppError::RangeNotSatisfiable { size } => {
                response.insert_header((header::CONTENT_RANGE, format!("bytes */{size}")));
            }
            AppError::TooManyRequests {
                retry_after_secs, ..
            } => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            // Busy, not down: a connection or a hashing slot frees within a second or so.
            AppError::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, "1"));
            }
            _ => {}
        }
        response.body(serde_json::to_string(&self.problem()).unwrap_or_default())
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(err: diesel::r2d2::PoolError) -> Self {
        AppError::Unavailable(format!("database pool: {err}"))
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(err: actix_web::error::BlockingError) -> Self {
        AppError::internal_from("blocking task", err)
    }
}

/// What a visibility lookup's caller may turn its "not found" into. Only "not found": a
/// database failure on the way stays an internal error, never a misleading 404 or 422.
pub trait Lookup<T> {
    /// "Not found" becomes `other` (a field error, or the 404 of the record asked for).
    fn missing_as(self, other: impl FnOnce() -> AppError) -> Result<T, AppError>;
    /// "Not found" becomes `None`.
    fn found(self) -> Result<Option<T>, AppError>;
}

impl<T> Lookup<T> for Result<T, AppError> {
    fn missing_as(self, other: impl FnOnce() -> AppError) -> Result<T, AppError> {
        self.map_err(|err| match err {
            AppError::NotFound(_) => other(),
            err => err,
        })
    }

    fn found(self) -> Result<Option<T>, AppError> {
        match self {
            Ok(value) => Ok(Some(value)),
            Err(AppError::NotFound(_)) => Ok(None),
            Err(err) => Err(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_not_found_becomes_a_field_error() {
        let missing: Result<(), AppError> = Err(AppError::NotFound("site"));
        let field = missing.missing_as(|| AppError::field("site_id", "no such site"));
        assert!(matches!(field, Err(AppError::Validation(_))));
        // A database failure during the lookup stays a 500, whatever the caller wanted.
        let broken: Result<(), AppError> = Err(AppError::internal("database: disk I/O error"));
        let kept = broken.missing_as(|| AppError::field("site_id", "no such site"));
        assert!(matches!(kept, Err(AppError::Internal { .. })));
        let broken: Result<(), AppError> = Err(AppError::internal("database: disk I/O error"));
        assert!(matches!(broken.found(), Err(AppError::Internal { .. })));
        let missing: Result<(), AppError> = Err(AppError::NotFound("unit"));
        assert!(matches!(missing.found(), Ok(None)));
    }

    #[test]
    fn internal_errors_hide_their_cause() {
        let problem = AppError::internal("SELECT * FROM users failed").problem();
        assert_eq!(problem.status, 500);
        assert!(!problem.detail.to_string().contains("SELECT"));
    }
}
