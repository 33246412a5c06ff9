//! Payments reported by payment systems (R-HW-3, R-HW-7): an API key with the
//! `hot_water_payments` permission reports a payment to a unit's account, and signs each
//! report with the key's signing secret, so a report altered on the way (another amount,
//! another unit) or replayed later is refused. The signature is Standard Webhooks'
//! (`crate::signing`) over the report's `Idempotency-Key`, its timestamp and its body,
//! which names the unit; a payment is credited once per payment system reference, with a
//! receipt number as a desk payment has.
//!
//! A signed report refused for a unit of the key's sites (no account yet, another
//! currency, a reference credited already) is kept, once, for the desk to reconcile; one
//! whose signature does not hold, or naming no unit of the key's, is only logged.

use actix_web::http::header::HeaderMap;
use chrono::Duration;

use super::repo::{self, NewRefusedReportRow};
use super::service::{self, Movement};
use super::{Entry, EntryKind, NewPaymentReport, PaymentMethod, RefusedPaymentReport, CURRENCY};
use crate::access::Actor;
use crate::db::{self, utc};
use crate::error::AppError;
use crate::i18n::{Language, Msg};
use crate::idempotency;
use crate::ids::SiteId;
use crate::pagination::{Page, PageRequest};
use crate::sites;
use crate::state::AppState;
use crate::{api_keys, signing, units};

/// The report's signature: `v1,` and the base64 HMAC-SHA256 (several, space-separated, are
/// allowed).
pub const SIGNATURE: &str = "Signature";
/// When the report was signed, in seconds since 1970 (UTC).
pub const SIGNATURE_TIMESTAMP: &str = "Signature-Timestamp";
/// How far a report's timestamp may be from the server's clock: a report replayed later is
/// refused, as Standard Webhooks' receivers refuse one.
pub const TOLERANCE: Duration = Duration::minutes(5);

/// Credits a signed payment report to its unit's account: 403 for a caller that is not a
/// payment system's key, 401 `bad-signature` for a missing, wrong or stale signature, 404
/// for a unit not the key's or without an account, 422 for another currency, 409 for a
/// reference credited already.
pub async fn report(
    state: &AppState,
    actor: &Actor,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Entry, AppError> {
    let account = actor.user_id;
    let signer = db::read(&state.pool, move |conn| {
        Ok(api_keys::repo::signer(conn, account)?)
    })
    .await?;
    let Some((key_id, sealed)) = signer else {
        return Err(AppError::Forbidden(Msg::new(
            "payment reports come from a payment system's API key that signs them; the desk \
             records payments at POST /units/{id}/hot-water/payments",
        )));
    };
    let idempotency_key = match verify(state, &sealed, headers, body) {
        Ok(key) => key,
        Err(err) => {
            log::warn!(
                "hot-water payment report by API key {key_id} refused: {}",
                err.chain()
            );
            return Err(err);
        }
    };
    let input: NewPaymentReport = crate::json::parse(body)?;
    let credited = credit(state, actor, &input).await;
    if let Err(err) = &credited {
        keep_refusal(state, actor, key_id, idempotency_key, &input, err).await;
    }
    credited
}

/// Whether the headers sign `body` with the secret sealed in `sealed`, within the window:
/// the report's `Idempotency-Key`, which the signature covers.
fn verify(
    state: &AppState,
    sealed: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<String, AppError> {
    let unsigned = AppError::BadSignature;
    let key = idempotency::presented_key(headers)?.ok_or_else(|| {
        AppError::BadRequest(Msg::new(
            "a payment report needs an Idempotency-Key, which its signature covers",
        ))
    })?;
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let timestamp = header(SIGNATURE_TIMESTAMP)
        .and_then(|t| t.trim().parse::<i64>().ok())
        .ok_or_else(|| {
            unsigned(Msg::new(
                "the Signature-Timestamp header is missing or not a number",
            ))
        })?;
    let signature =
        header(SIGNATURE).ok_or_else(|| unsigned(Msg::new("the Signature header is missing")))?;
    let drift = state.now().timestamp().abs_diff(timestamp);
    if drift > TOLERANCE.num_seconds().unsigned_abs() {
        return Err(unsigned(Msg::new(
            "the report was signed more than 5 minutes from now: send it again, signed anew",
        )));
    }
    let secret = state
        .pii
        .open(sealed)
        .map_err(|e| AppError::internal(format!("an API key's signing secret: {e}")))?;
    if !signing::verify(&secret, &key, timestamp, body, signature) {
        return Err(unsigned(Msg::new(
            "the signature does not match the report",
        )));
    }
    Ok(key)
}

async fn credit(
    state: &AppState,
    actor: &Actor,
    input: &NewPaymentReport,
) -> Result<Entry, AppError> {
    if input.currency.as_str() != CURRENCY {
        return Err(AppError::field(
            "currency",
            "only CNY is accepted: the ledger is kept in fen",
        ));
    }
    let movement = Movement {
        kind: EntryKind::Payment,
        amount: input.amount_fen.fen(),
        method: Some(PaymentMethod::Transfer),
        reason: None,
        provider_reference: Some(input.provider_reference.to_string()),
    };
    service::record(state, actor, input.unit_id, movement).await
}

/// Keeps a refused report for the desk, if it names a unit of the key's sites (4xx only:
/// a 5xx is the server's own failure, logged as one). A failure to keep it is logged and
/// does not change the answer.
async fn keep_refusal(
    state: &AppState,
    actor: &Actor,
    key_id: i64,
    idempotency_key: String,
    input: &NewPaymentReport,
    err: &AppError,
) {
    let problem = err.problem();
    if problem.status >= 500 {
        return;
    }
    let detail = match problem.errors.first() {
        Some(field) => format!("{}: {}", field.field, field.message.render(Language::En)),
        None => problem.detail.render(Language::En),
    };
    let unit_id = input.unit_id;
    log::warn!(
        "hot-water payment report {:?} to unit {unit_id} by API key {key_id} refused: {detail}",
        input.provider_reference.as_str()
    );
    let (actor, now) = (actor.clone(), state.now());
    let (reference, amount, currency) = (
        input.provider_reference.to_string(),
        input.amount_fen.fen().get(),
        input.currency.to_string(),
    );
    let kept = db::transaction(&state.pool, move |conn| {
        let Ok(unit) = units::service::visible_unit(conn, &actor, unit_id, now.date_naive()) else {
            return Ok(());
        };
        let row = NewRefusedReportRow {
            api_key_id: key_id,
            idempotency_key,
            unit_id,
            site_id: unit.site_id,
            provider_reference: reference,
            amount_fen: amount,
            currency,
            problem: problem.problem_type,
            detail,
            received_at: utc(now),
        };
        Ok(repo::insert_refused_report(conn, row)?)
    })
    .await;
    if let Err(err) = kept {
        log::error!("could not keep a refused payment report: {}", err.chain());
    }
}

/// The site's refused payment reports, newest first (the desk).
pub async fn refused(
    state: &AppState,
    actor: &Actor,
    site_id: SiteId,
    page: PageRequest,
) -> Result<Page<RefusedPaymentReport>, AppError> {
    let actor = actor.clone();
    db::read(&state.pool, move |conn| {
        sites::service::visible_site(conn, &actor, site_id)?;
        let rows = repo::refused_reports(conn, site_id, page)?;
        let references = rows.iter().map(|r| r.provider_reference.clone()).collect();
        let credited = repo::credited_references(conn, references)?;
        Ok(Page::from_rows(
            rows,
            page,
            |row| row.id,
            |row| RefusedPaymentReport {
                credited_entry_id: credited
                    .iter()
                    .find(|(reference, _)| *reference == row.provider_reference)
                    .map(|(_, entry)| *entry),
                id: row.id,
                api_key_id: row.api_key_id,
                idempotency_key: row.idempotency_key,
                unit_id: row.unit_id,
                provider_reference: row.provider_reference,
                amount_fen: row.amount_fen,
                currency: row.currency,
                problem: row.problem,
                detail: row.detail,
                received_at: row.received_at.and_utc(),
            },
        ))
    })
    .await
}
