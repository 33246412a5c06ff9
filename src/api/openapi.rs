//! The OpenAPI document: paths come from the handlers' `#[utoipa::path]`; this module adds
//! what every route shares (the bearer scheme, the problem responses), so no route can
//! forget its 401 or 422 and the spec stays the contract.

use serde_json::json;
use utoipa::openapi::header::Header;
use utoipa::openapi::path::{Operation, Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::Required;
use utoipa::openapi::{ContentBuilder, OpenApi as Document, Ref, RefOr, Response, ResponseBuilder};
use utoipa::OpenApi;

use crate::access::Permission;
use crate::error::{FieldError, Precondition, Problem, PROBLEM_JSON};
use crate::hot_water::model::Quarter;
use crate::i18n::Language;
use crate::idempotency;
use crate::outbox::{EventType, NotificationCreated, StatusChanged};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "propdesk",
        description = "Customer-service desk of a residential property-management company: \
sites, units, people and sessions (platform); repair tickets, complaints, archives, keys and \
hot-water billing build on it.\n\n\
Authenticate with `POST /api/v1/auth/login`, then send `Authorization: Bearer <access_token>`. \
Every error is `application/problem+json` (RFC 9457). Lists take `limit` (1-100, default 20) \
and a `cursor`, and answer `{items, next_cursor}`. Timestamps are RFC 3339 UTC. No string \
may contain the NUL character (U+0000), which PostgreSQL cannot store.\n\n\
A problem's `title`, `detail` and field messages are in the language of `Accept-Language`: \
`en` (the default) or `zh-CN` (any `zh` is read as `zh-CN`), named by `Content-Language`. \
Its `type`, `code` and field names are the same in every language. Notices are written in \
the language on their recipient's account (`PATCH /api/v1/me`).",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    servers((url = "http://localhost:8080", description = "A server started with `cargo run` on the default port")),
    components(schemas(Problem, FieldError, Precondition, StatusChanged, NotificationCreated, Quarter)),
    tags(
        (name = "auth", description = "Sign-in, sessions, the caller's profile"),
        (name = "sites", description = "Managed estates (项目)"),
        (name = "calendar", description = "Working hours, holidays and make-up working days of a site"),
        (name = "units", description = "Units of a site (房屋)"),
        (name = "memberships", description = "Residents' links to units: owner, family, tenant"),
        (name = "users", description = "Accounts of residents and staff"),
        (name = "tickets", description = "Repair tickets (报修): report, read, boards and reports"),
        (name = "ticket actions", description = "Each step of a repair, one POST per action, allowed to named roles"),
        (name = "complaints", description = "Complaints (投诉): record, read"),
        (name = "complaint actions", description = "Each step of handling a complaint, one POST per action, allowed to named roles"),
        (name = "complaint reports", description = "Daily board, weekly summary, monthly report, public summary, closing sweep"),
        (name = "standard replies", description = "Approved reply texts by subject (统一回复口径)"),
        (name = "notifications", description = "What each person is told: newest first, unread count, marking read; deliveries staff make by phone or on paper"),
        (name = "archives", description = "Owner archives (业主档案): one per unit and owner occupancy, its catalogue against the site's checklist, what is missing and who is chased, the borrowing register, the read log, masked ID numbers with a logged reveal, and the customer profile"),
        (name = "keys", description = "Keys (钥匙): each unit's inventory, a custody chain in which every key has exactly one holder, handoffs with both sides' confirmations, loans to the developer, deposits for named collectors, incidents against their holder, and the move-in (入住) that ties membership, archive and keys"),
        (name = "hot water", description = "Hot water (热水): each unit's account and its append-only ledger (台帐), payments with receipt numbers per site and year, refunds and adjustments; the balance is the sum of the entries"),
        (name = "api keys", description = "Machine clients: API keys of other property systems (CRM, payment and SMS gateways), scoped to sites and permissions, shown once, revocable, rate-limited"),
        (name = "webhooks", description = "Events for other property software (Standard Webhooks): endpoints per site or company-wide, signed deliveries with retries for 3 days, the delivery log, redelivery, secret rotation. The payloads are under `webhooks`"),
        (name = "fee schedule", description = "Repair fees kept by managers per site"),
        (name = "health", description = "Liveness and readiness probes"),
    ),
)]
pub struct ApiDoc;

/// A file's bytes, as they were uploaded (or a thumbnail's).
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)] // documents a streamed body
pub struct FileBytes(Vec<u8>);

macro_rules! problem_response {
    ($name:ident, $status:literal, $slug:literal, $title:literal, $description:literal, $detail:literal) => {
        pub struct $name;

        impl $name {
            fn build() -> Response {
                problem(
                    $description,
                    json!({
                        "type": concat!("/problems/", $slug),
                        "title": $title,
                        "status": $status,
                        "detail": $detail,
                    }),
                )
            }
        }

        impl<'s> utoipa::ToResponse<'s> for $name {
            fn response() -> (&'s str, RefOr<Response>) {
                (stringify!($name), $name::build().into())
            }
        }
    };
}

problem_response!(
    BadRequest,
    400,
    "bad-request",
    "Bad request",
    "Malformed JSON, query string or path parameter",
    "the body is not valid JSON: EOF while parsing an object at line 1 column 12"
);
problem_response!(
    Unauthorized,
    401,
    "unauthorized",
    "Authentication required",
    "Missing, invalid or expired credentials (`WWW-Authenticate: Bearer`)",
    "invalid or expired access token"
);
problem_response!(
    Forbidden,
    403,
    "forbidden",
    "Not allowed",
    "The caller's role may not use this route or action",
    "this action is not open to the resident role"
);
problem_response!(
    NotFound,
    404,
    "not-found",
    "Not found",
    "No such resource among those the caller may see",
    "unit not found"
);
problem_response!(
    Conflict,
    409,
    "stale-version",
    "Changed meanwhile",
    "One of five kinds, told apart by `type`: `/problems/stale-version` (the record changed \
since it was read: reload it and try again), `/problems/invalid-transition` (its status does \
not allow the action: reloading will not help), `/problems/duplicate` (a value that must be \
unique is taken), `/problems/precondition-failed` (a condition the action needs does not \
hold; `code` names it), `/problems/idempotency-key-in-use` (a request with the same \
`Idempotency-Key` is still running: retry it once that one has answered)",
    "the ticket changed meanwhile; reload it and try again"
);
problem_response!(
    PayloadTooLarge,
    413,
    "payload-too-large",
    "Payload too large",
    "The body exceeds the size limit, or an uploaded file the largest size taken",
    "request body larger than 65536 bytes"
);
problem_response!(
    UnsupportedMediaType,
    415,
    "unsupported-media-type",
    "Unsupported media type",
    "The body is not `application/json`; on an upload, a file that is not a JPEG, PNG, WebP, \
HEIC or PDF, or not the type its part claims",
    "send the body as Content-Type: application/json"
);
problem_response!(
    RangeNotSatisfiable,
    416,
    "range-not-satisfiable",
    "Range not satisfiable",
    "The byte range asked for lies outside the file (`Content-Range: bytes */size`)",
    "the range asked for lies outside the file's 482133 bytes"
);
problem_response!(
    TooManyRequests,
    429,
    "too-many-requests",
    "Too many requests",
    "Too many failed attempts; wait `Retry-After` seconds",
    "too many failed attempts; retry in 60 s"
);
problem_response!(
    Unavailable,
    503,
    "unavailable",
    "Service unavailable",
    "Busy: no database connection, or no password-hashing slot, came free in time; retry \
after `Retry-After` seconds",
    "service temporarily unavailable"
);
problem_response!(
    Internal,
    500,
    "internal",
    "Internal server error",
    "Unexpected failure; quote the `X-Request-Id` header",
    "an unexpected error occurred; quote the X-Request-Id header when reporting it"
);

/// The validation response carries per-field errors, so it gets its own example.
pub struct Validation;

impl Validation {
    fn build() -> Response {
        problem(
            "Well-formed JSON that breaks a rule: each invalid field is listed in `errors`. \
On a POST that takes `Idempotency-Key`, also `/problems/idempotency-key-reused`: the key was \
first used with another method, path or body (no `errors`)",
            json!({
                "type": "/problems/validation",
                "title": "Validation failed",
                "status": 422,
                "detail": "2 fields are invalid",
                "errors": [
                    {"field": "role", "message": "unknown variant `janitor`, expected one of `resident`, `butler`, `engineer`, `manager`"},
                    {"field": "display_name", "message": "must be between 1 and 100 characters"}
                ]
            }),
        )
    }
}

fn problem(description: &str, example: serde_json::Value) -> Response {
    let mut response = ResponseBuilder::new()
        .description(description)
        .content(
            PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .example(Some(example))
                .build(),
        )
        .build();
    let language = ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(Language::ALL.iter().map(|l| l.as_str())));
    let mut header = Header::new(language);
    header.description =
        Some("The language of `title`, `detail` and the field messages (`Accept-Language`)".into());
    response.headers.insert("Content-Language".into(), header);
    response
}

/// The response carries `Retry-After`: seconds to wait before trying again.
fn retry_after(mut response: Response) -> Response {
    let seconds = ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(0))
        .examples([json!(1)]);
    let mut header = Header::new(seconds);
    header.description = Some("Seconds to wait before trying again".into());
    response.headers.insert("Retry-After".into(), header);
    response
}

/// The `Idempotency-Key` header of a POST (see `crate::idempotency`).
fn idempotency_key() -> Parameter {
    let key = ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(idempotency::MAX_KEY_LEN + 2))
        // Visible ASCII but the double quote, as is or in one pair of quotes (the IETF
        // draft's sf-string), as `idempotency::key_of` reads it.
        .pattern(Some(format!(
            "^(\"[!#-~]{{1,{max}}}\"|[!#-~]{{1,{max}}})$",
            max = idempotency::MAX_KEY_LEN
        )))
        .examples([json!("8e03978e-40d5-43e8-bc93-6894a57f9324")]);
    ParameterBuilder::new()
        .name(idempotency::HEADER)
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .schema(Some(key))
        .description(Some(
            "A key the client makes up (a UUID) for this request and sends again, with the \
same body, when it retries. The first response is stored with the work, 24 hours: a retry \
gets it again, marked `Idempotent-Replayed: true`, and nothing is done twice. Scoped to the \
caller. The key with another body is 422 `idempotency-key-reused`; while the first request \
still runs, 409 `idempotency-key-in-use`. A request that fails keeps nothing, so the key may \
be sent again.",
        ))
        .build()
}

fn add(operation: &mut Operation, status: &str, name: &str) {
    operation
        .responses
        .responses
        .entry(status.to_owned())
        .or_insert_with(|| Ref::from_response_name(name).into());
}

/// The requests a webhook endpoint receives (OpenAPI 3.1 `webhooks`), one per event type,
/// from the same `EventType` the subscriptions take.
fn webhooks() -> serde_json::Value {
    let header = |name: &str, description: &str, example: serde_json::Value| {
        json!({"name": name, "in": "header", "required": true, "description": description,
               "schema": {"type": "string"}, "example": example})
    };
    let parameters = json!([
        header("webhook-id", "`evt_<event id>`, the same on every retry: a receiver drops repeats", json!("evt_120")),
        header("webhook-timestamp", "Unix seconds of this attempt; refuse ones far from your clock", json!("1796608800")),
        header("webhook-signature", "`v1,<base64 HMAC-SHA256 of id.timestamp.body>` under the endpoint's `whsec_` secret (its base64 part, decoded); two, space-separated, while a rotated secret still signs", json!("v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=")),
    ]);
    let mut webhooks = serde_json::Map::new();
    for event_type in EventType::ALL {
        let (data, summary) = match event_type {
            EventType::NotificationCreated => ("NotificationCreated", "Someone was told something"),
            _ => (
                "StatusChanged",
                "A record was taken in, or its status changed",
            ),
        };
        webhooks.insert(
            event_type.as_str().to_owned(),
            json!({"post": {
                "operationId": format!("webhook_{}", event_type.as_str().replace('.', "_")),
                "summary": format!("{}: {summary}", event_type.as_str()),
                "description": "Sent to each endpoint subscribed to this type, of the event's site or of every site. Answer 2xx within 10 s; anything else is retried (30 s, doubling, at most 12 h apart, jittered) for 3 days, then given up and the endpoint marked failing. Ids and the changed state only: read more through the API with an API key.",
                "tags": ["webhooks"],
                "parameters": parameters,
                "requestBody": {"required": true, "content": {"application/json": {"schema": {
                    "type": "object",
                    "required": ["type", "timestamp", "data"],
                    "properties": {
                        "type": {"const": event_type.as_str()},
                        "timestamp": {"type": "string", "format": "date-time", "description": "When the change happened"},
                        "data": {"$ref": format!("#/components/schemas/{data}")},
                    },
                }}}},
                "responses": {"2XX": {"description": "Taken"}},
                // The receiver checks `webhook-signature`, not a scheme of this API.
                "security": [],
            }}),
        );
    }
    serde_json::Value::Object(webhooks)
}

/// Completes the document the handlers produced.
pub fn complete(mut doc: Document) -> Document {
    let components = doc.components.get_or_insert_with(Default::default);
    super::across::state(components);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .description(Some("Access token from `POST /api/v1/auth/login`"))
                .build(),
        ),
    );
    components.add_security_scheme(
        "api_key",
        SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
            "X-Api-Key",
            "An API key of another property system (`POST /api/v1/api-keys`), also accepted \
             as `Authorization: Bearer <key>`. It acts as a butler of its sites; an operation \
             open to keys names the one permission it needs, and others refuse keys (403). \
             Over its `requests_per_minute`: 429 with `Retry-After`.",
        ))),
    );
    for (name, response) in [
        ("BadRequest", BadRequest::build()),
        ("Unauthorized", Unauthorized::build()),
        ("Forbidden", Forbidden::build()),
        ("NotFound", NotFound::build()),
        ("Conflict", Conflict::build()),
        ("PayloadTooLarge", PayloadTooLarge::build()),
        ("UnsupportedMediaType", UnsupportedMediaType::build()),
        ("RangeNotSatisfiable", RangeNotSatisfiable::build()),
        ("Validation", Validation::build()),
        ("TooManyRequests", retry_after(TooManyRequests::build())),
        ("Unavailable", retry_after(Unavailable::build())),
        ("Internal", Internal::build()),
    ] {
        components
            .responses
            .insert(name.to_owned(), response.into());
    }

    let webhooks = webhooks();
    doc.extensions
        .get_or_insert_with(Default::default)
        .insert("webhooks".to_owned(), webhooks);
    for (path, item) in doc.paths.paths.iter_mut() {
        let has_path_params = path.contains('{');
        if let Some(post) = item.post.as_mut() {
            // An upload is told apart by its files' SHA-256 instead (`crate::files`).
            let upload = post
                .request_body
                .as_ref()
                .is_some_and(|body| body.content.contains_key(idempotency::MULTIPART));
            let unkeyed = idempotency::IGNORED.iter().any(|p| path.starts_with(p))
                || idempotency::NEVER_STORED.iter().any(|p| path.ends_with(p));
            if !upload && !unkeyed {
                let params = post.parameters.get_or_insert_with(Vec::new);
                match params.iter_mut().find(|p| p.name == idempotency::HEADER) {
                    // A route that needs the key names it, saying why: it gets the common
                    // schema, required.
                    Some(own) => {
                        let mut common = idempotency_key();
                        common.required = Required::True;
                        common.description = Some(format!(
                            "{} {}",
                            own.description.take().unwrap_or_default(),
                            common.description.unwrap_or_default()
                        ));
                        *own = common;
                    }
                    None => params.push(idempotency_key()),
                }
                add(post, "409", "Conflict");
                add(post, "422", "Validation");
            }
        }
        for (method, operation) in [
            ("GET", &mut item.get),
            ("POST", &mut item.post),
            ("PUT", &mut item.put),
            ("PATCH", &mut item.patch),
            ("DELETE", &mut item.delete),
        ] {
            let Some(operation) = operation.as_mut() else {
                continue;
            };
            // A public route says so (`security: []`) rather than leaving it unstated.
            let security = operation.security.get_or_insert_with(Vec::new);
            let secured = !security.is_empty();
            // The same function decides at run time (`auth::api_key`).
            if let Some(permission) = Permission::needed(method, path).filter(|_| secured) {
                security.push(SecurityRequirement::new("api_key", [permission.as_str()]));
                add(operation, "429", "TooManyRequests");
            }
            let has_body = operation.request_body.is_some();
            let has_query = operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
            if secured {
                add(operation, "401", "Unauthorized");
                add(operation, "403", "Forbidden");
            }
            if has_body || has_path_params || has_query {
                add(operation, "400", "BadRequest");
            }
            if has_body || has_query {
                add(operation, "422", "Validation");
            }
            if has_body {
                add(operation, "413", "PayloadTooLarge");
                add(operation, "415", "UnsupportedMediaType");
            }
            if has_path_params {
                add(operation, "404", "NotFound");
            }
            // Only the liveness probe answers without the database.
            if !path.ends_with("/healthz") {
                add(operation, "503", "Unavailable");
            }
            add(operation, "500", "Internal");
        }
    }
    doc
}
