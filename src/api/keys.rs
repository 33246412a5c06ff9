//! Keys: the desk keeps each unit's inventory and records every handoff; staff of the site
//! read any key's chain, residents their own unit's; each side confirms a handoff on their
//! account or the desk files their signature. Move-in ties membership, archive and keys.

use actix_web::{get, post, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::access::{AnyRole, Desk, Staff};
use crate::api::openapi::{Conflict, NotFound};
use crate::api::query::Query;
use crate::auth::Auth;
use crate::error::AppError;
use crate::ids::{KeyHandoffId, KeyId, UnitId};
use crate::json::Json;
use crate::keys::dto::*;
use crate::keys::service::{self, handoffs, lists};
use crate::keys::{move_in, IncidentKind, KeyAction};
use crate::state::AppState;

/// Register a key set in the unit's inventory with its holder now (a cabinet slot, a staff
/// member; or the owner, when the desk starts keeping records): the start of its chain.
#[utoipa::path(
    tag = "keys",
    params(("id" = i64, Path, description = "Unit id")),
    request_body = NewKey,
    responses((status = 201, description = "Registered", body = KeyDetail)),
    security(("bearer" = [])),
)]
#[post("/units/{id:[0-9]+}/keys")]
pub async fn register_key(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    id: web::Path<UnitId>,
    body: Json<NewKey>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Created().json(service::register(&state, &actor, *id, body.0).await?))
}

/// The unit's keys and who holds each now: the site's staff, and the residents who live in
/// the unit (another unit's keys are 404).
#[utoipa::path(
    tag = "keys",
    params(("id" = i64, Path, description = "Unit id")),
    responses((status = 200, description = "The unit's keys", body = KeyList)),
    security(("bearer" = [])),
)]
#[get("/units/{id:[0-9]+}/keys")]
pub async fn unit_keys(
    state: web::Data<AppState>,
    actor: Auth<AnyRole>,
    id: web::Path<UnitId>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::of_unit(&state, &actor, *id).await?))
}

/// Move-in (入住): the owner's membership, their archive with the site's checklist
/// (R-ARC-1) and the entry-door and mailbox keys issued to them (R-KEY-1), in one
/// transaction: a failure in any step leaves nothing behind. 409 `owner_in_residence`
/// while the last owner has not moved out; `move_in_keys_missing` when the desk holds no
/// entry-door or mailbox key of the unit.
#[utoipa::path(
    tag = "keys",
    params(("id" = i64, Path, description = "Unit id")),
    request_body = NewMoveIn,
    responses(
        (status = 201, description = "Moved in", body = MoveIn),
        (status = 409, response = Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/units/{id:[0-9]+}/move-in")]
pub async fn move_in_unit(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    id: web::Path<UnitId>,
    body: Json<NewMoveIn>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Created().json(move_in::move_in(&state, &actor, *id, body.0).await?))
}

/// R-KEY-3: a key with its whole custody chain (every handoff, oldest first), its loans,
/// deposits and incidents; staff also get its timeline.
#[utoipa::path(
    tag = "keys",
    params(("id" = i64, Path, description = "Key id")),
    responses((status = 200, description = "The key", body = KeyDetail)),
    security(("bearer" = [])),
)]
#[get("/keys/{id:[0-9]+}")]
pub async fn get_key(
    state: web::Data<AppState>,
    actor: Auth<AnyRole>,
    id: web::Path<KeyId>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::get(&state, &actor, *id).await?))
}

/// One `POST /keys/{id}/<step>` route: the desk's, with its body, run by `$run` with `$what`
/// (which action, which incident).
macro_rules! key_step_route {
    ($name:ident, $path:literal, $body:ty, $after:literal, $run:path, $what:expr, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(
                                    tag = "keys",
                                    operation_id = concat!("keys_", stringify!($name)),
                                    params(("id" = i64, Path, description = "Key id")),
                                    request_body = $body,
                                    responses(
                                        (status = 200, description = $after, body = KeyDetail),
                                        (status = 409, response = Conflict),
                                    ),
                                    security(("bearer" = [])),
                                )]
        #[post($path)]
        pub async fn $name(
            state: web::Data<AppState>,
            actor: Auth<Desk>,
            id: web::Path<KeyId>,
            body: Json<$body>,
        ) -> Result<HttpResponse, AppError> {
            Ok(HttpResponse::Ok().json($run(&state, &actor, *id, $what, body.0).await?))
        }
    };
}

key_step_route!(
    issue_key,
    "/keys/{id:[0-9]+}/issue",
    NewHandoff,
    "The key, with its new holder",
    handoffs::hand_over,
    KeyAction::Issue,
    "R-KEY-1: the desk (a staff member or the cabinet) issues the key to a resident of its unit. `from` must be the holder now (409 `not_holder`); the receiver confirms in the app, or the desk files their signature."
);
key_step_route!(
    return_key,
    "/keys/{id:[0-9]+}/return",
    NewHandoff,
    "The key, with its new holder",
    handoffs::hand_over,
    KeyAction::Return,
    "R-KEY-2, R-KEY-3: the key comes back from its holder (a borrower, an engineer) to its owner or the desk; a loan out ends with it."
);
key_step_route!(
    transfer_key,
    "/keys/{id:[0-9]+}/transfer",
    NewHandoff,
    "The key, with its new holder",
    handoffs::hand_over,
    KeyAction::Transfer,
    "R-KEY-3: any other change of hands: between staff, into a cabinet slot."
);

/// R-KEY-2: lend the key, to the developer's customer service with the inspection sheet
/// (a document of the unit's archive), until `due_back` (at most 30 days; about a week for
/// a repair). A repair ticket named shows the loan; the unit's residents are told when to
/// expect the key back. 409 `key_on_loan` while another loan of it is out.
#[utoipa::path(
    tag = "keys",
    params(("id" = i64, Path, description = "Key id")),
    request_body = NewKeyLoan,
    responses(
        (status = 200, description = "The key, lent", body = KeyDetail),
        (status = 409, response = Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/keys/{id:[0-9]+}/lend")]
pub async fn lend_key(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    id: web::Path<KeyId>,
    body: Json<NewKeyLoan>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(handoffs::lend(&state, &actor, *id, body.0).await?))
}

/// R-KEY-4: a resident deposits the key in a cabinet slot, in a sealed envelope labelled
/// with the unit and their name, names who may collect it, and accepts the disclaimer.
#[utoipa::path(
    tag = "keys",
    params(("id" = i64, Path, description = "Key id")),
    request_body = NewDeposit,
    responses(
        (status = 200, description = "The key, in the cabinet", body = KeyDetail),
        (status = 409, response = Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/keys/{id:[0-9]+}/deposit")]
pub async fn deposit_key(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    id: web::Path<KeyId>,
    body: Json<NewDeposit>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(handoffs::deposit(&state, &actor, *id, body.0).await?))
}

/// R-KEY-4: a collector takes the deposited key: their name, gender, phone and the
/// quantity are recorded, and the depositor is told. A collector the authorisation does
/// not name (by name and phone; the depositor may always collect) is refused with 409
/// `collector_not_authorised`; a key not in the cabinet, `not_deposited`.
#[utoipa::path(
    tag = "keys",
    params(("id" = i64, Path, description = "Key id")),
    request_body = NewPickUp,
    responses(
        (status = 200, description = "The key, collected", body = KeyDetail),
        (status = 409, response = Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/keys/{id:[0-9]+}/pick-up")]
pub async fn pick_up_key(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    id: web::Path<KeyId>,
    body: Json<NewPickUp>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(handoffs::pick_up(&state, &actor, *id, body.0).await?))
}

key_step_route!(
    report_lost,
    "/keys/{id:[0-9]+}/report-lost",
    NewIncident,
    "The key, with the incident",
    handoffs::report,
    IncidentKind::Lost,
    "R-KEY-5: the key is lost: recorded against whoever held it at `occurred_at`, and out of circulation."
);
key_step_route!(
    report_damaged,
    "/keys/{id:[0-9]+}/report-damaged",
    NewIncident,
    "The key, with the incident",
    handoffs::report,
    IncidentKind::Damaged,
    "R-KEY-5: the key is damaged: recorded against whoever held it at `occurred_at`, and out of circulation."
);
key_step_route!(
    report_wrong_handout,
    "/keys/{id:[0-9]+}/report-wrong-handout",
    NewIncident,
    "The key, with the incident",
    handoffs::report,
    IncidentKind::WrongHandout,
    "R-KEY-5: the handoff in force at `occurred_at` gave the key to the wrong person: recorded against whoever handed it out (409 `nothing_handed_out` before any handoff). Bring the key back with `return`."
);

/// R-KEY-3: one link of a key's chain.
#[utoipa::path(
    tag = "keys",
    params(("id" = i64, Path, description = "Handoff id")),
    responses((status = 200, description = "The handoff", body = Handoff)),
    security(("bearer" = [])),
)]
#[get("/key-handoffs/{id:[0-9]+}")]
pub async fn get_handoff(
    state: web::Data<AppState>,
    actor: Auth<AnyRole>,
    id: web::Path<KeyHandoffId>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(handoffs::get_handoff(&state, &actor, *id).await?))
}

/// R-KEY-3: a side confirms the handoff on their own account: the resident or staff
/// member who gave or received the key (403 for anyone else). 409 `duplicate` when that
/// side has confirmed.
#[utoipa::path(
    tag = "keys",
    params(("id" = i64, Path, description = "Handoff id")),
    request_body = ConfirmHandoff,
    responses(
        (status = 200, description = "The handoff", body = Handoff),
        (status = 409, response = Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/key-handoffs/{id:[0-9]+}/confirm")]
pub async fn confirm_handoff(
    state: web::Data<AppState>,
    actor: Auth<AnyRole>,
    id: web::Path<KeyHandoffId>,
    body: Json<ConfirmHandoff>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(handoffs::confirm(&state, &actor, *id, body.0).await?))
}

/// R-KEY-3: the desk files a side's signature on paper: upload the signed form to the
/// handoff's attachments first, then name it here. 409 `duplicate` when that side has
/// confirmed.
#[utoipa::path(
    tag = "keys",
    params(("id" = i64, Path, description = "Handoff id")),
    request_body = HandoffSignature,
    responses(
        (status = 200, description = "The handoff", body = Handoff),
        (status = 409, response = Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/key-handoffs/{id:[0-9]+}/signature")]
pub async fn sign_handoff(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    id: web::Path<KeyHandoffId>,
    body: Json<HandoffSignature>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(handoffs::sign(&state, &actor, *id, body.0).await?))
}

/// R-KEY-2, R-KEY-3: a site's key loans, newest first; `overdue=true` those out past their
/// due date.
#[utoipa::path(
    tag = "keys",
    params(KeyLoanQuery),
    responses(
        (status = 200, description = "A page of loans", body = KeyLoanPage),
        (status = 404, response = NotFound),
    ),
    security(("bearer" = [])),
)]
#[get("/key-loans")]
pub async fn list_key_loans(
    state: web::Data<AppState>,
    actor: Auth<Staff>,
    query: Query<KeyLoanQuery>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(lists::loans(&state, &actor, query.into_inner()).await?))
}

/// R-KEY-4: a site's deposits, newest first.
#[utoipa::path(
    tag = "keys",
    params(DepositQuery),
    responses(
        (status = 200, description = "A page of deposits", body = DepositPage),
        (status = 404, response = NotFound),
    ),
    security(("bearer" = [])),
)]
#[get("/key-deposits")]
pub async fn list_key_deposits(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    query: Query<DepositQuery>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(lists::deposits(&state, &actor, query.into_inner()).await?))
}

/// R-KEY-5: a site's losses, wrong hand-outs and damage in a local month, each against the
/// holder at that moment with the chain that proves it, and a tally per staff member.
#[utoipa::path(
    tag = "keys",
    params(IncidentQuery),
    responses(
        (status = 200, description = "The month's incidents", body = IncidentReport),
        (status = 404, response = NotFound),
    ),
    security(("bearer" = [])),
)]
#[get("/key-incidents")]
pub async fn key_incident_report(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    query: Query<IncidentQuery>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(lists::incidents(&state, &actor, query.into_inner()).await?))
}

attachment_routes!(
    key_handoffs, crate::keys::service::handoffs::HandoffFiles, crate::ids::KeyHandoffId,
    "keys", "Handoff id":
    "/key-handoffs/{id:[0-9]+}/attachments",
    "/key-handoffs/{id:[0-9]+}/attachments/{attachment_id:[0-9]+}",
    "/key-handoffs/{id:[0-9]+}/attachments/{attachment_id:[0-9]+}/thumbnail"
);

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(register_key)
        .service(unit_keys)
        .service(move_in_unit)
        .service(get_key)
        .service(issue_key)
        .service(return_key)
        .service(transfer_key)
        .service(lend_key)
        .service(deposit_key)
        .service(pick_up_key)
        .service(report_lost)
        .service(report_damaged)
        .service(report_wrong_handout)
        .service(get_handoff)
        .service(confirm_handoff)
        .service(sign_handoff)
        .service(list_key_loans)
        .service(list_key_deposits)
        .service(key_incident_report);
    attachments::routes(cfg);
}
