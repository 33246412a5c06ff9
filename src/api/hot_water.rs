//! Hot water (热水): a unit's account and its ledger. Residents read their own units';
//! the desk takes payments; managers refund and adjust.

use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::access::{Desk, ManagerOnly, Staff};
use crate::api::query::Query;
use crate::auth::Auth;
use crate::error::AppError;
use crate::hot_water::model::Quarter;
use crate::hot_water::{dunning, meters, payment_reports, reports, service, supply, tariffs};
use crate::hot_water::{
    Account, CampaignNotices, CampaignProgress, Dunning, Entry, Meter, MeterReplacement,
    NewAdjustment, NewDunningStep, NewMeter, NewPayment, NewPaymentReport, NewReading, NewRefund,
    NewSettings, NewTariff, QuarterReport, Reading, RefusedPaymentReport, Settings, Supply, Tariff,
};
use crate::ids::{HotWaterReadingId, SiteId, UnitId};
use crate::json::Json;
use crate::pagination::{Page, PageParams};
use crate::state::AppState;

/// The unit's hot-water account: its balance, the sum of its entries (R-HW-3). Residents
/// see the units they live in; staff their sites' units.
#[utoipa::path(
    tag = "hot water",
    params(("id" = i64, Path, description = "Unit id")),
    responses((status = 200, description = "The account", body = Account)),
    security(("bearer" = [])),
)]
#[get("/units/{id:[0-9]+}/hot-water")]
pub async fn get_hot_water_account(
    state: web::Data<AppState>,
    actor: Auth,
    id: web::Path<UnitId>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::account(&state, &actor, *id).await?))
}

/// The account's entries, newest first: charges, payments with their receipt numbers,
/// refunds, adjustments.
#[utoipa::path(
    tag = "hot water",
    params(("id" = i64, Path, description = "Unit id"), PageParams),
    responses((status = 200, description = "A page of entries", body = Page<Entry>)),
    security(("bearer" = [])),
)]
#[get("/units/{id:[0-9]+}/hot-water/entries")]
pub async fn list_hot_water_entries(
    state: web::Data<AppState>,
    actor: Auth,
    id: web::Path<UnitId>,
    page: Query<PageParams>,
) -> Result<HttpResponse, AppError> {
    let page = page.request()?;
    Ok(HttpResponse::Ok().json(service::entries(&state, &actor, *id, page).await?))
}

/// R-HW-3, R-HW-7: a payment system reports a payment to a unit's account, with an API
/// key holding `hot_water_payments` (people get 403: the desk records payments at `POST
/// /units/{id}/hot-water/payments`). The report is signed as Standard Webhooks signs:
/// `Signature: v1,<base64 HMAC-SHA256>` under the key's `signing_secret` (its `whsec_` part
/// decoded from base64) over `<Idempotency-Key>.<Signature-Timestamp>.<body>`: the key as
/// sent (without the quotes, if quoted), the timestamp in seconds since 1970 and within 5
/// minutes of the server's clock, the body byte for byte. A retry with the same key gets
/// the first answer; the same `provider_reference` under another key is 409 `duplicate`:
/// a payment is credited once. 401 `bad-signature` for a missing, wrong or stale
/// signature (only logged). 404 for a unit not the key's (only logged) or with no
/// hot-water account yet, 422 for a currency other than CNY, 409 for a reference credited
/// already: these are kept in the site's `refused-payment-reports` for the desk to
/// reconcile. Credited as a `transfer`, with the next receipt number of the site's year.
#[utoipa::path(
    tag = "hot water",
    params(
        ("Idempotency-Key" = String, Header, description = "Required here: the signature covers it."),
        ("Signature-Timestamp" = i64, Header, description = "When the report was signed, seconds since 1970 (UTC)"),
        ("Signature" = String, Header, description = "`v1,` and the base64 HMAC-SHA256 of `<Idempotency-Key>.<Signature-Timestamp>.<body>`"),
    ),
    request_body = NewPaymentReport,
    responses(
        (status = 201, description = "The payment credited, with its receipt number", body = Entry),
        (status = 401, description = "`/problems/bad-signature` (with `WWW-Authenticate: Signature`): the signature is missing, does not match or is stale, sign the report again; `/problems/unauthorized`: the API key is unknown, revoked or expired", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, response = crate::api::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/hot-water/payment-reports")]
pub async fn report_hot_water_payment(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let entry = payment_reports::report(&state, &actor, req.headers(), &body).await?;
    Ok(HttpResponse::Created().json(entry))
}

/// The site's refused payment reports, newest first (the desk): what payment systems
/// reported that was not credited, and why, to reconcile with their statements.
#[utoipa::path(
    tag = "hot water",
    params(("id" = i64, Path, description = "Site id"), PageParams),
    responses((status = 200, description = "A page of refused reports", body = Page<RefusedPaymentReport>)),
    security(("bearer" = [])),
)]
#[get("/sites/{id:[0-9]+}/hot-water/refused-payment-reports")]
pub async fn list_refused_payment_reports(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    id: web::Path<SiteId>,
    page: Query<PageParams>,
) -> Result<HttpResponse, AppError> {
    let page = page.request()?;
    Ok(HttpResponse::Ok().json(payment_reports::refused(&state, &actor, *id, page).await?))
}

/// Record a payment taken at the desk (R-HW-4), with the next receipt number of the site's
/// year (R-HW-7). Send an `Idempotency-Key`: a payment retried with it is recorded once.
#[utoipa::path(
    tag = "hot water",
    params(("id" = i64, Path, description = "Unit id")),
    request_body = NewPayment,
    responses((status = 201, description = "The payment, with its receipt number", body = Entry)),
    security(("bearer" = [])),
)]
#[post("/units/{id:[0-9]+}/hot-water/payments")]
pub async fn record_hot_water_payment(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    id: web::Path<UnitId>,
    body: Json<NewPayment>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Created().json(service::pay(&state, &actor, *id, body.0).await?))
}

/// Pay money back (managers), at most the balance: 409 `refund_over_balance` otherwise.
#[utoipa::path(
    tag = "hot water",
    params(("id" = i64, Path, description = "Unit id")),
    request_body = NewRefund,
    responses(
        (status = 201, description = "The refund", body = Entry),
        (status = 409, response = crate::api::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/units/{id:[0-9]+}/hot-water/refunds")]
pub async fn record_hot_water_refund(
    state: web::Data<AppState>,
    actor: Auth<ManagerOnly>,
    id: web::Path<UnitId>,
    body: Json<NewRefund>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Created().json(service::refund(&state, &actor, *id, body.0).await?))
}

/// Correct the balance either way (managers), with the reason: the ledger keeps both the
/// entry corrected and the correction.
#[utoipa::path(
    tag = "hot water",
    params(("id" = i64, Path, description = "Unit id")),
    request_body = NewAdjustment,
    responses((status = 201, description = "The adjustment", body = Entry)),
    security(("bearer" = [])),
)]
#[post("/units/{id:[0-9]+}/hot-water/adjustments")]
pub async fn record_hot_water_adjustment(
    state: web::Data<AppState>,
    actor: Auth<ManagerOnly>,
    id: web::Path<UnitId>,
    body: Json<NewAdjustment>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Created().json(service::adjust(&state, &actor, *id, body.0).await?))
}

/// The unit's hot-water meters: the one in service first, then those replaced.
#[utoipa::path(
    tag = "hot water",
    params(("id" = i64, Path, description = "Unit id")),
    responses((status = 200, description = "The meters", body = Vec<Meter>)),
    security(("bearer" = [])),
)]
#[get("/units/{id:[0-9]+}/hot-water/meters")]
pub async fn list_hot_water_meters(
    state: web::Data<AppState>,
    actor: Auth,
    id: web::Path<UnitId>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(meters::meters(&state, &actor, *id).await?))
}

/// Register the unit's meter (the desk); a unit with a meter in service replaces it
/// instead (409).
#[utoipa::path(
    tag = "hot water",
    params(("id" = i64, Path, description = "Unit id")),
    request_body = NewMeter,
    responses(
        (status = 201, description = "The meter", body = Meter),
        (status = 409, response = crate::api::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/units/{id:[0-9]+}/hot-water/meters")]
pub async fn register_hot_water_meter(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    id: web::Path<UnitId>,
    body: Json<NewMeter>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Created().json(meters::register(&state, &actor, *id, body.0).await?))
}

/// R-HW-2: replace the meter in service (the desk): the old one's final reading, the new
/// one's initial reading. 409 `no_meter` when there is none.
#[utoipa::path(
    tag = "hot water",
    params(("id" = i64, Path, description = "Unit id")),
    request_body = MeterReplacement,
    responses(
        (status = 201, description = "The new meter", body = Meter),
        (status = 409, response = crate::api::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/units/{id:[0-9]+}/hot-water/meters/replace")]
pub async fn replace_hot_water_meter(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    id: web::Path<UnitId>,
    body: Json<MeterReplacement>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Created().json(meters::replace(&state, &actor, *id, body.0).await?))
}

/// R-HW-2: read the unit's meter (engineers, the desk). Never below the previous reading;
/// outside the window (25th-30th of the quarter's last month, the site's dates) with a
/// `reason`, and marked so; far above the unit's usual: taken, and `flagged`.
#[utoipa::path(
    tag = "hot water",
    params(("id" = i64, Path, description = "Unit id")),
    request_body = NewReading,
    responses(
        (status = 201, description = "The reading", body = Reading),
        (status = 409, response = crate::api::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/units/{id:[0-9]+}/hot-water/readings")]
pub async fn record_hot_water_reading(
    state: web::Data<AppState>,
    actor: Auth<Staff>,
    id: web::Path<UnitId>,
    body: Json<NewReading>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Created().json(meters::read(&state, &actor, *id, body.0).await?))
}

/// The unit's readings, newest first (a resident: since they moved in).
#[utoipa::path(
    tag = "hot water",
    params(("id" = i64, Path, description = "Unit id"), PageParams),
    responses((status = 200, description = "A page of readings", body = Page<Reading>)),
    security(("bearer" = [])),
)]
#[get("/units/{id:[0-9]+}/hot-water/readings")]
pub async fn list_hot_water_readings(
    state: web::Data<AppState>,
    actor: Auth,
    id: web::Path<UnitId>,
    page: Query<PageParams>,
) -> Result<HttpResponse, AppError> {
    let page = page.request()?;
    Ok(HttpResponse::Ok().json(meters::readings(&state, &actor, *id, page).await?))
}

/// R-HW-2: a quarter's reading campaign of the site (staff): every unit with a meter in
/// the quarter, read in the window or missing, and the flagged, per building.
#[utoipa::path(
    tag = "hot water",
    params(
        ("id" = i64, Path, description = "Site id"),
        ("quarter" = Quarter, Path, description = "The quarter, `2026-Q4`"),
    ),
    responses((status = 200, description = "The campaign's progress", body = CampaignProgress)),
    security(("bearer" = [])),
)]
#[get("/sites/{id:[0-9]+}/hot-water/campaigns/{quarter}")]
pub async fn get_hot_water_campaign(
    state: web::Data<AppState>,
    actor: Auth<Staff>,
    path: web::Path<(SiteId, Quarter)>,
) -> Result<HttpResponse, AppError> {
    let (site, quarter) = path.into_inner();
    Ok(HttpResponse::Ok().json(meters::campaign(&state, &actor, site, quarter).await?))
}

/// R-HW-2, R-HW-3: confirm a flagged reading (the desk), once checked with the resident;
/// its usage is charged then. 409 `nothing_to_confirm` for a reading not flagged, or
/// confirmed already.
#[utoipa::path(
    tag = "hot water",
    params(
        ("id" = i64, Path, description = "Unit id"),
        ("reading_id" = i64, Path, description = "Reading id"),
    ),
    responses(
        (status = 200, description = "The reading, confirmed", body = Reading),
        (status = 409, response = crate::api::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/units/{id:[0-9]+}/hot-water/readings/{reading_id:[0-9]+}/confirm")]
pub async fn confirm_hot_water_reading(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    path: web::Path<(UnitId, HotWaterReadingId)>,
) -> Result<HttpResponse, AppError> {
    let (unit, reading) = path.into_inner();
    Ok(HttpResponse::Ok().json(meters::confirm(&state, &actor, unit, reading).await?))
}

/// R-HW-3: the site's hot-water tariffs (staff), by the day each takes effect; each
/// prices usage until the next one does.
#[utoipa::path(
    tag = "hot water",
    params(("id" = i64, Path, description = "Site id")),
    responses((status = 200, description = "The tariffs", body = Vec<Tariff>)),
    security(("bearer" = [])),
)]
#[get("/sites/{id:[0-9]+}/hot-water/tariffs")]
pub async fn list_hot_water_tariffs(
    state: web::Data<AppState>,
    actor: Auth<Staff>,
    id: web::Path<SiteId>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(tariffs::list(&state, &actor, *id).await?))
}

/// R-HW-3: set a new tariff (managers), from a day after today: the past is never
/// re-priced. A reading's period across the change is billed by days under each tariff.
/// 409 `duplicate` when the site has a tariff from that day already.
#[utoipa::path(
    tag = "hot water",
    params(("id" = i64, Path, description = "Site id")),
    request_body = NewTariff,
    responses(
        (status = 201, description = "The tariff", body = Tariff),
        (status = 409, response = crate::api::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/sites/{id:[0-9]+}/hot-water/tariffs")]
pub async fn add_hot_water_tariff(
    state: web::Data<AppState>,
    actor: Auth<ManagerOnly>,
    id: web::Path<SiteId>,
    body: Json<NewTariff>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Created().json(tariffs::add(&state, &actor, *id, body.0).await?))
}

/// R-HW-5: the unit's hot-water supply (normal, limited, stop proposed, stopped), its
/// arrears and the history of its steps. Residents see their own units'.
#[utoipa::path(
    tag = "hot water",
    params(("id" = i64, Path, description = "Unit id")),
    responses((status = 200, description = "The supply", body = Supply)),
    security(("bearer" = [])),
)]
#[get("/units/{id:[0-9]+}/hot-water/supply")]
pub async fn get_hot_water_supply(
    state: web::Data<AppState>,
    actor: Auth,
    id: web::Path<UnitId>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(supply::supply(&state, &actor, *id).await?))
}

/// R-HW-5: approve the stop the daily sweep proposed (managers); the residents are told.
/// 409 `stop_not_proposed` otherwise: no stop without a proposal and an approval.
#[utoipa::path(
    tag = "hot water",
    params(("id" = i64, Path, description = "Unit id")),
    responses(
        (status = 200, description = "The supply, stopped", body = Supply),
        (status = 409, response = crate::api::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/units/{id:[0-9]+}/hot-water/supply/stop")]
pub async fn stop_hot_water_supply(
    state: web::Data<AppState>,
    actor: Auth<ManagerOnly>,
    id: web::Path<UnitId>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(supply::approve_stop(&state, &actor, *id).await?))
}

/// R-HW-4, R-HW-5: the site's hot-water settings (staff): the renewal threshold, and the
/// days before supply is limited and before a stop is proposed; the defaults until set.
#[utoipa::path(
    tag = "hot water",
    params(("id" = i64, Path, description = "Site id")),
    responses((status = 200, description = "The settings", body = Settings)),
    security(("bearer" = [])),
)]
#[get("/sites/{id:[0-9]+}/hot-water/settings")]
pub async fn get_hot_water_settings(
    state: web::Data<AppState>,
    actor: Auth<Staff>,
    id: web::Path<SiteId>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(supply::settings(&state, &actor, *id).await?))
}

/// R-HW-4, R-HW-5: set the site's hot-water settings (managers).
#[utoipa::path(
    tag = "hot water",
    params(("id" = i64, Path, description = "Site id")),
    request_body = NewSettings,
    responses((status = 200, description = "The settings", body = Settings)),
    security(("bearer" = [])),
)]
#[put("/sites/{id:[0-9]+}/hot-water/settings")]
pub async fn set_hot_water_settings(
    state: web::Data<AppState>,
    actor: Auth<ManagerOnly>,
    id: web::Path<SiteId>,
    body: Json<NewSettings>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(supply::update_settings(&state, &actor, *id, body.0).await?))
}

/// R-HW-6: the unit's dunning ladder (its latest, open or ended), each step with the
/// letter it sent, in the language asked for. Residents see their own units'.
#[utoipa::path(
    tag = "hot water",
    params(("id" = i64, Path, description = "Unit id")),
    responses((status = 200, description = "The ladder", body = Dunning)),
    security(("bearer" = [])),
)]
#[get("/units/{id:[0-9]+}/hot-water/dunning")]
pub async fn get_hot_water_dunning(
    state: web::Data<AppState>,
    actor: Auth,
    id: web::Path<UnitId>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(dunning::ladder(&state, &actor, *id).await?))
}

/// R-HW-6: take the next step of the unit's dunning ladder (the desk): `ask_reason` opens
/// it on an account in arrears; then the reminder, dunning, urgent and lawyer's letters,
/// 7 days apart, the lawsuit file 3 days later, and the suit. A letter is sent to the
/// unit's residents. 409 `not_in_arrears`, `dunning_step_not_next`, `dunning_step_not_due`
/// or `dunning_paused` (a linked complaint still open).
#[utoipa::path(
    tag = "hot water",
    params(("id" = i64, Path, description = "Unit id")),
    request_body = NewDunningStep,
    responses(
        (status = 201, description = "The ladder, with the step taken", body = Dunning),
        (status = 409, response = crate::api::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/units/{id:[0-9]+}/hot-water/dunning/steps")]
pub async fn take_hot_water_dunning_step(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    id: web::Path<UnitId>,
    body: Json<NewDunningStep>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Created().json(dunning::take_step(&state, &actor, *id, body.0).await?))
}

/// R-HW-6: the site's open dunning ladders (staff), each with its next step and the day
/// it is due: the desk's list of what to do.
#[utoipa::path(
    tag = "hot water",
    params(("id" = i64, Path, description = "Site id")),
    responses((status = 200, description = "The open ladders", body = Vec<Dunning>)),
    security(("bearer" = [])),
)]
#[get("/sites/{id:[0-9]+}/hot-water/dunning")]
pub async fn list_hot_water_dunning(
    state: web::Data<AppState>,
    actor: Auth<Staff>,
    id: web::Path<SiteId>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(dunning::open_ladders(&state, &actor, *id).await?))
}

/// R-HW-7: the site's hot-water report of a quarter (the desk): billed against collected
/// and the collection rate, the arrears aged (0-30, 31-90, 91-180, over 180 days) and the
/// accounts whose supply is limited or stopped, as they stand today.
#[utoipa::path(
    tag = "hot water",
    params(
        ("id" = i64, Path, description = "Site id"),
        ("quarter" = Quarter, Path, description = "The quarter, `2026-Q4`"),
    ),
    responses((status = 200, description = "The report", body = QuarterReport)),
    security(("bearer" = [])),
)]
#[get("/sites/{id:[0-9]+}/hot-water/reports/{quarter}")]
pub async fn get_hot_water_report(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    path: web::Path<(SiteId, Quarter)>,
) -> Result<HttpResponse, AppError> {
    let (site, quarter) = path.into_inner();
    Ok(HttpResponse::Ok().json(reports::quarter(&state, &actor, site, quarter).await?))
}

/// The site's hot-water ledger of a quarter as CSV, for the finance department (the
/// desk): one row per entry, oldest first, amounts in yuan, times in the site's time zone.
#[utoipa::path(
    tag = "hot water",
    params(
        ("id" = i64, Path, description = "Site id"),
        ("quarter" = Quarter, Path, description = "The quarter, `2026-Q4`"),
    ),
    responses((
        status = 200, description = "The entries, as CSV with a header row",
        content_type = "text/csv", body = String,
        example = "entry_id,recorded_at,unit,kind,amount_yuan,method,receipt_number,period_from,period_to,usage_litres,reason,recorded_by\n17,2026-12-09 16:30:00,1-1-101,payment,200.00,cash,RS-2026-000042,,,,,2\n"
    )),
    security(("bearer" = [])),
)]
#[get("/sites/{id:[0-9]+}/hot-water/ledger/{quarter}")]
pub async fn export_hot_water_ledger(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    path: web::Path<(SiteId, Quarter)>,
) -> Result<HttpResponse, AppError> {
    let (site, quarter) = path.into_inner();
    let csv = reports::ledger_csv(&state, &actor, site, quarter).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"hot-water-{site}-{quarter}.csv\""),
        ))
        .body(csv))
}

/// R-HW-2: tell the residents of every metered unit of the site, before the quarter's
/// reading window, that its meter is read then (the desk): a notice each in the app, once
/// per unit and quarter. Units without a resident account are listed for a call or a
/// letter. 409 `reading_window_over` after the window, `reading_notice_too_early` for a
/// later quarter.
#[utoipa::path(
    tag = "hot water",
    params(
        ("id" = i64, Path, description = "Site id"),
        ("quarter" = Quarter, Path, description = "The quarter, `2026-Q4`"),
    ),
    responses(
        (status = 200, description = "What was sent", body = CampaignNotices),
        (status = 409, response = crate::api::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/sites/{id:[0-9]+}/hot-water/campaigns/{quarter}/notices")]
pub async fn notify_hot_water_campaign(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    path: web::Path<(SiteId, Quarter)>,
) -> Result<HttpResponse, AppError> {
    let (site, quarter) = path.into_inner();
    Ok(HttpResponse::Ok().json(meters::notify_campaign(&state, &actor, site, quarter).await?))
}

/// This capability's routes, in match order.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(get_hot_water_account)
        .service(list_hot_water_entries)
        .service(record_hot_water_payment)
        .service(report_hot_water_payment)
        .service(list_refused_payment_reports)
        .service(record_hot_water_refund)
        .service(record_hot_water_adjustment)
        .service(list_hot_water_meters)
        .service(register_hot_water_meter)
        .service(replace_hot_water_meter)
        .service(record_hot_water_reading)
        .service(list_hot_water_readings)
        .service(confirm_hot_water_reading)
        .service(get_hot_water_supply)
        .service(stop_hot_water_supply)
        .service(get_hot_water_dunning)
        .service(take_hot_water_dunning_step)
        .service(list_hot_water_dunning)
        .service(get_hot_water_report)
        .service(export_hot_water_ledger)
        .service(get_hot_water_settings)
        .service(set_hot_water_settings)
        .service(get_hot_water_campaign)
        .service(notify_hot_water_campaign)
        .service(list_hot_water_tariffs)
        .service(add_hot_water_tariff);
}
