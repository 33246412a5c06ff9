//! `Idempotency-Key` on POSTs, so a phone that retries after a lost response does the work
//! once (the IETF httpapi Idempotency-Key draft, as Stripe documents it).
//!
//! [`middleware`] serves every route: a POST with the header, from an authenticated caller,
//! first claims the caller's key in a short transaction of its own. Then:
//! - the key's response is on record: it is sent again (`Idempotent-Replayed: true`) and the
//!   handler does not run;
//! - the key came with another method, path or body: 422 `idempotency-key-reused`;
//! - another request holds it: 409 `idempotency-key-in-use`;
//! - otherwise the handler runs with the claim in scope, and the use case records its
//!   response with [`transaction`] (or [`transaction_then_read`]) in the transaction of the
//!   work itself: the work and its response commit together or not at all. A request that
//!   fails did nothing, so it lets the key go and the client may retry with it.
//!
//! Keys are scoped to their caller and kept 24 hours (`expire`, a job).

pub mod repo;

use std::cell::Cell;
use std::future::Future;
use std::rc::Rc;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::HeaderMap;
use actix_web::http::{header, Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::access::tokens::{bearer, random_token};
use crate::auth::api_key;
use crate::db::{self, AnyConnection};
use crate::error::AppError;
use crate::i18n::Msg;
use crate::pii::Vault;
use crate::state::AppState;
pub use repo::{Claim, Found};

/// The request header a client sends its key in.
pub const HEADER: &str = "Idempotency-Key";
/// The response header that marks a replayed response.
pub const REPLAYED: &str = "Idempotent-Replayed";
/// The longest key accepted.
pub const MAX_KEY_LEN: usize = 255;
/// POSTs that ignore the header: sessions (a token must never be sent twice, and refresh
/// tokens are single use by themselves), the closing sweep, which finds nothing left to
/// do when repeated, and the handheld's batch, whose every item carries its own key.
pub const IGNORED: &[&str] = &[
    "/api/v1/auth/",
    "/api/v1/complaints/close-quiet",
    "/api/v1/sync/",
];
/// POSTs whose answer must never be stored: an ID number revealed in full exists only on
/// the wire (R-ARC-5), so a retry reveals it again, and is logged again; a new API key is
/// shown once and kept only as a hash, so a retry makes another; so is a webhook secret
/// (kept sealed, never shown again); a redelivery is a new attempt each time.
pub const NEVER_STORED: &[&str] = &[
    "/reveal-id-number",
    "/api-keys",
    "/webhook-endpoints",
    "/rotate-secret",
    "/redeliver",
];

/// What the work answers when it succeeds: a record it created (201) or an action it ran
/// (200). The handler answers with the same status.
#[derive(Debug, Clone, Copy)]
pub enum Answer {
    Created,
    Done,
}

impl Answer {
    fn status(self) -> u16 {
        match self {
            Answer::Created => 201,
            Answer::Done => 200,
        }
    }
}

/// The claim of the request being served, and whether its response is recorded.
#[derive(Clone)]
struct Held {
    claim: Claim,
    recorded: Rc<Cell<bool>>,
}

tokio::task_local! {
    static HELD: Held;
}

/// The claim in scope, unless the request has none or already recorded its response.
fn held() -> Option<Held> {
    HELD.try_with(Held::clone)
        .ok()
        .filter(|held| !held.recorded.get())
}

fn record(
    conn: &mut AnyConnection,
    claim: &Claim,
    answer: Answer,
    value: &impl Serialize,
) -> Result<(), AppError> {
    let body = serde_json::to_string(value).map_err(|e| AppError::internal_from("response", e))?;
    repo::record(conn, claim, answer.status(), &body)
}

/// Runs a write use case whose value is the route's response ([`db::transaction`]), and
/// records that response on the request's key, if it has one, in the same transaction.
pub async fn transaction<T, F>(state: &AppState, answer: Answer, use_case: F) -> Result<T, AppError>
where
    T: Serialize + Send + 'static,
    F: FnOnce(&mut AnyConnection) -> Result<T, AppError> + Send + 'static,
{
    let Some(held) = held() else {
        return db::transaction(&state.pool, use_case).await;
    };
    let claim = held.claim.clone();
    let value = db::transaction(&state.pool, move |conn| {
        let value = use_case(conn)?;
        record(conn, &claim, answer, &value)?;
        Ok(value)
    })
    .await?;
    held.recorded.set(true);
    Ok(value)
}

/// A write use case whose response is read after it commits (so that locks it took, such as
/// the day's number counter, are not held meanwhile). With a key, the response is read in
/// the work's transaction instead, to be recorded with it.
pub async fn transaction_then_read<W, R, V, T>(
    state: &AppState,
    answer: Answer,
    write: W,
    read: V,
) -> Result<T, AppError>
where
    W: FnOnce(&mut AnyConnection) -> Result<R, AppError> + Send + 'static,
    R: Send + 'static,
    V: FnOnce(&mut AnyConnection, R) -> Result<T, AppError> + Send + 'static,
    T: Serialize + Send + 'static,
{
    if held().is_some() {
        return transaction(state, answer, move |conn| {
            let written = write(conn)?;
            read(conn, written)
        })
        .await;
    }
    let written = db::transaction(&state.pool, write).await?;
    db::read(&state.pool, move |conn| read(conn, written)).await
}

/// The media type of an upload's body.
pub const MULTIPART: &str = "multipart/form-data";

/// An upload streams its files and is not buffered here: a retry of one is told apart by
/// the files' SHA-256 (see `crate::files`), so its key is not read.
fn is_upload(req: &ServiceRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with(MULTIPART))
}

/// The key a request brings, if idempotency applies to it: a POST outside [`IGNORED`] with
/// the header; 400 for a header that is not a key.
fn key_of(req: &ServiceRequest) -> Result<Option<String>, AppError> {
    if req.method() != Method::POST
        || IGNORED.iter().any(|p| req.path().starts_with(p))
        || NEVER_STORED.iter().any(|p| req.path().ends_with(p))
        || is_upload(req)
    {
        return Ok(None);
    }
    presented_key(req.headers())
}

/// The key the headers carry, if any; 400 for a header that is not a key.
pub fn presented_key(headers: &HeaderMap) -> Result<Option<String>, AppError> {
    let Some(value) = headers.get(HEADER) else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .ok()
        .map(str::trim)
        // As sent, or as the IETF draft's quoted string: one pair of quotes, no more.
        .map(|v| {
            v.strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(v)
        })
        .filter(|k| is_valid_key(k))
        .ok_or_else(|| {
            AppError::BadRequest(
                Msg::new(
                    "%{header} must be 1 to %{max} visible ASCII characters but '\"', such as a \
                     UUID, sent as is or in one pair of quotes",
                )
                .arg("header", HEADER)
                .arg("max", MAX_KEY_LEN),
            )
        })?;
    Ok(Some(key.to_owned()))
}

/// A key is 1 to `MAX_KEY_LEN` visible ASCII characters other than `"`.
pub fn is_valid_key(key: &str) -> bool {
    (1..=MAX_KEY_LEN).contains(&key.len()) && key.chars().all(|c| c.is_ascii_graphic() && c != '"')
}

/// What makes two requests the same request (method, path, query and body), as a keyed
/// digest: a body may carry an ID number, and a plain hash of it in a copied database could
/// be matched against guesses.
pub fn fingerprint(vault: &Vault, method: &str, path: &str, query: &str, body: &[u8]) -> String {
    let mut message = Vec::with_capacity(method.len() + path.len() + query.len() + body.len() + 3);
    for part in [method, path, query] {
        message.extend_from_slice(part.as_bytes());
        message.push(0);
    }
    message.extend_from_slice(body);
    vault.digest(&message)
}

/// Reads the whole body (JSON, within the body limit) and puts it back for the handler.
async fn body_of(req: &mut ServiceRequest, limit: usize) -> Result<web::Bytes, AppError> {
    let body = req.extract::<web::Bytes>().await.map_err(|err| {
        match err.as_response_error().status_code() {
            StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge(limit),
            _ => AppError::BadRequest(
                Msg::new("the request body could not be read: %{error}").arg("error", err),
            ),
        }
    })?;
    req.set_payload(Payload::from(body.clone()));
    Ok(body)
}

async fn claim(
    state: &AppState,
    claim: Claim,
    fingerprint: String,
    now: DateTime<Utc>,
) -> Result<Found, AppError> {
    db::transaction(&state.pool, move |conn| {
        repo::claim(conn, claim, &fingerprint, now)
    })
    .await
}

/// The middleware: see the module's documentation.
pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let key = match key_of(&req) {
        Ok(Some(key)) => key,
        Ok(None) => return Ok(next.call(req).await?.map_into_boxed_body()),
        Err(err) => return Ok(req.error_response(err)),
    };
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(req.error_response(AppError::internal("AppState missing")));
    };
    // Without a valid token or API key the handler answers 401; there is no caller to
    // scope a key to.
    let caller = match api_key::presented(req.headers()) {
        Some(key) => match api_key::live(&state, key).await {
            Ok(found) => found.map(|key| key.account_id),
            Err(err) => return Ok(req.error_response(err)),
        },
        None => bearer(req.headers())
            .and_then(|t| state.tokens.verify_access(t, state.now()).ok())
            .map(|actor| actor.user_id),
    };
    let Some(user_id) = caller else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let body = match body_of(&mut req, state.config.body_limit_bytes).await {
        Ok(body) => body,
        Err(err) => return Ok(req.error_response(err)),
    };
    let fingerprint = fingerprint(
        &state.pii,
        req.method().as_str(),
        req.path(),
        req.query_string(),
        &body,
    );
    let claim = Claim {
        user_id,
        key,
        token: random_token(12),
    };
    let claim = match claim_key(&state, claim, fingerprint).await {
        Ok(Claimed::Mine(claim)) => claim,
        Ok(Claimed::Replayed { status, body }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            let replay = HttpResponse::build(status)
                .content_type(header::ContentType::json())
                .insert_header((REPLAYED, "true"))
                .body(body);
            return Ok(req.into_response(replay));
        }
        Err(err) => return Ok(req.error_response(err)),
    };
    let path = req.path().to_owned();
    let res = run_claimed(&state, claim, &path, next.call(req), |res| {
        res.as_ref().is_ok_and(|r| r.status().is_success())
    })
    .await;
    Ok(res?.map_into_boxed_body())
}

/// Whose a key is now: the caller's to run the work under, or done, with its response.
pub enum Claimed {
    Mine(Claim),
    Replayed { status: u16, body: String },
}

/// Claims the caller's key for the request `fingerprint` names: 409 while another request
/// holds it, 422 when it was first used with another request.
pub async fn claim_key(
    state: &AppState,
    claim: Claim,
    fingerprint: String,
) -> Result<Claimed, AppError> {
    match self::claim(state, claim, fingerprint, state.now()).await? {
        Found::Claimed(claim) => Ok(Claimed::Mine(claim)),
        Found::Done { status, body } => Ok(Claimed::Replayed { status, body }),
        Found::InProgress => Err(AppError::IdempotencyKeyInUse),
        Found::OtherRequest => Err(AppError::IdempotencyKeyReused),
    }
}

/// Runs `work` with the claim in scope, so its use case records its response with the work;
/// work that records nothing (it failed) lets the key go. `what` names the request in the
/// log; `succeeded` tells a success from a failure.
pub async fn run_claimed<R>(
    state: &AppState,
    claim: Claim,
    what: &str,
    work: impl Future<Output = R>,
    succeeded: impl FnOnce(&R) -> bool,
) -> R {
    let recorded = Rc::new(Cell::new(false));
    let held = Held {
        claim: claim.clone(),
        recorded: recorded.clone(),
    };
    let res = HELD.scope(held, work).await;
    if !recorded.get() {
        if succeeded(&res) {
            log::error!("{what} succeeded without recording its {HEADER} response");
        }
        let released =
            db::transaction(&state.pool, move |conn| Ok(repo::release(conn, &claim)?)).await;
        if let Err(err) = released {
            // The claim runs out by itself after `repo::HOLD`.
            log::warn!("could not release an {HEADER}: {}", err.chain());
        }
    }
    res
}

/// The expiry job's one round: deletes expired keys in batches, each its own transaction.
pub async fn expire(state: &AppState) -> Result<usize, AppError> {
    const BATCH: i64 = 500;
    let mut deleted = 0;
    loop {
        let now = state.now();
        let round =
            db::transaction(&state.pool, move |conn| Ok(repo::expire(conn, now, BATCH)?)).await?;
        deleted += round;
        if round < BATCH as usize {
            return Ok(deleted);
        }
    }
}
