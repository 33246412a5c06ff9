//! Repair tickets: the resident app (report, follow, accept, rate), the engineer handheld
//! (work orders, on site, done) and the butlers' desk (intake, dispatch, chase, visits).

use actix_web::{get, post, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::access::{
    AnyRole, Desk, EngineerOnly, ManagerOnly, ResidentOnly, ResidentOrDesk, Staff,
};
use crate::api::query::Query;
use crate::auth::Auth;
use crate::boards::{self, BoardQuery, Section};
use crate::error::AppError;
use crate::fees::{self, FeeFilter, FeeItem, NewFeeItem};
use crate::ids::TicketId;
use crate::json::Json;
use crate::pagination::{Page, PageParams};
use crate::state::AppState;
use crate::tickets::actions;
use crate::tickets::dto::*;
use crate::tickets::model::TicketAction;
use crate::tickets::reports::{self, CostQuery, DailyBoard, PublicCosts, TicketSection};
use crate::tickets::service;
use crate::visits::NewVisit;

/// Report a repair. Residents report for the units they live in (channel `app`); staff for
/// any unit of their sites, or a public-area location with its `site_id`. Deadlines, the
/// proposed route and any workmanship-warranty link are set at once.
#[utoipa::path(
    tag = "tickets",
    request_body = NewTicket,
    responses(
        (status = 201, description = "Reported", body = TicketDetail),
    ),
    security(("bearer" = [])),
)]
#[post("/tickets")]
pub async fn report_ticket(
    state: web::Data<AppState>,
    actor: Auth<AnyRole>,
    body: Json<NewTicket>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Created().json(service::report(&state, &actor, body.0).await?))
}

/// Tickets, newest first: staff see their sites', residents their units'. `overdue=true`
/// lists those with a missed deadline still undone; `scope=public_area` is the
/// public-facility repair log; `unit_id` a unit's repair history.
#[utoipa::path(
    tag = "tickets",
    params(PageParams, TicketFilter),
    responses((status = 200, description = "A page of tickets", body = Page<Ticket>)),
    security(("bearer" = [])),
)]
#[get("/tickets")]
pub async fn list_tickets(
    state: web::Data<AppState>,
    actor: Auth<AnyRole>,
    page: Query<PageParams>,
    filter: Query<TicketFilter>,
) -> Result<HttpResponse, AppError> {
    let page = page.request()?;
    Ok(HttpResponse::Ok().json(reports::list(&state, &actor, filter.into_inner(), page).await?))
}

/// The calling engineer's open work orders, the earliest repair deadline first (at most 100).
#[utoipa::path(
    tag = "tickets",
    responses((status = 200, description = "Open work orders", body = Vec<Ticket>)),
    security(("bearer" = [])),
)]
#[get("/tickets/work-orders")]
pub async fn work_orders(
    state: web::Data<AppState>,
    actor: Auth<EngineerOnly>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(reports::work_orders(&state, &actor).await?))
}

/// R-TKT-13: a site's day: new, open, unassigned, overdue and completed tickets.
#[utoipa::path(
    tag = "tickets",
    params(BoardQuery),
    responses(
        (status = 200, description = "The daily board", body = DailyBoard),
        (status = 404, response = crate::api::openapi::NotFound),
    ),
    security(("bearer" = [])),
)]
#[get("/tickets/daily-board")]
pub async fn daily_board(
    state: web::Data<AppState>,
    actor: Auth<Staff>,
    query: Query<BoardQuery>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(reports::daily_board(&state, &actor, query.into_inner()).await?))
}

/// R-TKT-13: one section of a site's day, all of it a page at a time, with its count.
#[utoipa::path(
    tag = "tickets",
    params(
        ("section" = inline(TicketSection), Path, description = "The section of the daily board"),
        BoardQuery,
        PageParams,
    ),
    responses(
        (status = 200, description = "A page of the section", body = Section<Ticket>),
        (status = 404, response = crate::api::openapi::NotFound),
    ),
    security(("bearer" = [])),
)]
#[get("/tickets/daily-board/{section:new|open|unassigned|overdue|completed}")]
pub async fn daily_board_section(
    state: web::Data<AppState>,
    actor: Auth<Staff>,
    section: web::Path<TicketSection>,
    query: Query<BoardQuery>,
    page: Query<PageParams>,
) -> Result<HttpResponse, AppError> {
    let page = page.request()?;
    let section = boards::section(&state, &actor, *section, query.into_inner(), page).await?;
    Ok(HttpResponse::Ok().json(section))
}

/// R-TKT-14: labour and materials of public-facility repairs completed in a month.
#[utoipa::path(
    tag = "tickets",
    params(CostQuery),
    responses(
        (status = 200, description = "Monthly costs by category", body = PublicCosts),
        (status = 404, response = crate::api::openapi::NotFound),
    ),
    security(("bearer" = [])),
)]
#[get("/tickets/public-costs")]
pub async fn public_costs(
    state: web::Data<AppState>,
    actor: Auth<Staff>,
    query: Query<CostQuery>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(reports::public_costs(&state, &actor, query.into_inner()).await?))
}

/// A ticket with its deadlines, work order, timeline and visits.
#[utoipa::path(
    tag = "tickets",
    params(("id" = i64, Path, description = "Ticket id")),
    responses((status = 200, description = "The ticket", body = TicketDetail)),
    security(("bearer" = [])),
)]
#[get("/tickets/{id:[0-9]+}")]
pub async fn get_ticket(
    state: web::Data<AppState>,
    actor: Auth<AnyRole>,
    id: web::Path<TicketId>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::get(&state, &actor, *id).await?))
}

/// The engineer is on site (R-TKT-4). Assigned engineers only.
#[utoipa::path(
    tag = "ticket actions",
    params(("id" = i64, Path, description = "Ticket id")),
    responses(
        (status = 200, description = "The ticket after the action", body = TicketDetail),
        (status = 409, response = crate::api::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/tickets/{id:[0-9]+}/arrive")]
pub async fn arrive(
    state: web::Data<AppState>,
    actor: Auth<EngineerOnly>,
    id: web::Path<TicketId>,
) -> Result<HttpResponse, AppError> {
    let detail = service::act(&state, &actor, *id, TicketAction::Arrive, actions::arrive()).await?;
    Ok(HttpResponse::Ok().json(detail))
}

action_route!(
    tickets, TicketAction, "ticket actions", "Ticket id", "The ticket after the action", TicketDetail:
    reclassify,
    "/tickets/{id:[0-9]+}/reclassify",
    Desk,
    Reclassify,
    Reclassify,
    "Change priority or category (R-TKT-3); the deadlines are recomputed from the report time."
);
action_route!(
    tickets, TicketAction, "ticket actions", "Ticket id", "The ticket after the action", TicketDetail:
    dispatch,
    "/tickets/{id:[0-9]+}/dispatch",
    Desk,
    Dispatch,
    Dispatch,
    "Assign engineers of the site, one the lead (R-TKT-7); again to replace them."
);
action_route!(
    tickets, TicketAction, "ticket actions", "Ticket id", "The ticket after the action", TicketDetail:
    complete,
    "/tickets/{id:[0-9]+}/complete",
    EngineerOnly,
    Complete,
    Complete,
    "Record the work order: labour, head count, materials, result (R-TKT-7)."
);
action_route!(
    tickets, TicketAction, "ticket actions", "Ticket id", "The ticket after the action", TicketDetail: transfer, "/tickets/{id:[0-9]+}/transfer", Desk, Transfer, Transfer,
    "Transfer to the developer under construction warranty, with the contact slip and the agreed deadline (R-TKT-5).");
action_route!(
    tickets, TicketAction, "ticket actions", "Ticket id", "The ticket after the action", TicketDetail:
    developer_acknowledge,
    "/tickets/{id:[0-9]+}/developer-acknowledge",
    Desk,
    ActionNote,
    DeveloperAcknowledge,
    "Record that the developer acknowledged the slip and its deadline (R-TKT-5)."
);
action_route!(
    tickets, TicketAction, "ticket actions", "Ticket id", "The ticket after the action", TicketDetail:
    developer_complete,
    "/tickets/{id:[0-9]+}/developer-complete",
    Desk,
    ActionNote,
    DeveloperComplete,
    "Record that the developer repaired it; the resident's acceptance follows."
);
action_route!(
    tickets, TicketAction, "ticket actions", "Ticket id", "The ticket after the action", TicketDetail: take_over, "/tickets/{id:[0-9]+}/take-over", Desk, ActionNote, TakeOver,
    "The developer missed its deadline: engineering takes over, its cost kept for settlement (R-TKT-6).");
action_route!(
    tickets, TicketAction, "ticket actions", "Ticket id", "The ticket after the action", TicketDetail:
    settlement_signed,
    "/tickets/{id:[0-9]+}/settlement-signed",
    Desk,
    ActionNote,
    SettlementSigned,
    "The developer signed off engineering's cost of a taken-over repair (R-TKT-6)."
);
action_route!(
    tickets, TicketAction, "ticket actions", "Ticket id", "The ticket after the action", TicketDetail: charge, "/tickets/{id:[0-9]+}/charge", Staff, ChargeProposal, Charge,
    "Propose a charge (R-TKT-8): a fee-schedule item goes to the resident; another amount needs a manager's approval.");
action_route!(
    tickets, TicketAction, "ticket actions", "Ticket id", "The ticket after the action", TicketDetail:
    approve_charge,
    "/tickets/{id:[0-9]+}/approve-charge",
    ManagerOnly,
    ActionNote,
    ApproveCharge,
    "Approve a charge outside the fee schedule (the engineering supervisor's fee review)."
);
action_route!(
    tickets, TicketAction, "ticket actions", "Ticket id", "The ticket after the action", TicketDetail:
    accept_charge,
    "/tickets/{id:[0-9]+}/accept-charge",
    ResidentOnly,
    ActionNote,
    AcceptCharge,
    "The resident accepts the charge; only now may it be billed."
);
action_route!(
    tickets, TicketAction, "ticket actions", "Ticket id", "The ticket after the action", TicketDetail:
    decline_charge,
    "/tickets/{id:[0-9]+}/decline-charge",
    ResidentOnly,
    ActionNote,
    DeclineCharge,
    "The resident declines the charge."
);
action_route!(
    tickets, TicketAction, "ticket actions", "Ticket id", "The ticket after the action", TicketDetail:
    confirm,
    "/tickets/{id:[0-9]+}/confirm",
    ResidentOnly,
    Confirmation,
    Confirm,
    "The resident accepts the repair in the app with a 1-5 rating (R-TKT-9)."
);
action_route!(
    tickets, TicketAction, "ticket actions", "Ticket id", "The ticket after the action", TicketDetail:
    reject,
    "/tickets/{id:[0-9]+}/reject",
    ResidentOnly,
    Reason,
    Reject,
    "The resident rejects the result: back to the engineers for rework (R-TKT-9)."
);
action_route!(
    tickets, TicketAction, "ticket actions", "Ticket id", "The ticket after the action", TicketDetail:
    record_signature,
    "/tickets/{id:[0-9]+}/record-signature",
    Desk,
    PaperSignature,
    RecordSignature,
    "Record the resident's signature on the paper work order (R-TKT-9)."
);
action_route!(
    tickets, TicketAction, "ticket actions", "Ticket id", "The ticket after the action", TicketDetail:
    visit,
    "/tickets/{id:[0-9]+}/visit",
    Desk,
    NewVisit,
    Visit,
    "Record the follow-up visit, which closes the ticket (R-TKT-10)."
);
action_route!(
    tickets, TicketAction, "ticket actions", "Ticket id", "The ticket after the action", TicketDetail:
    chase,
    "/tickets/{id:[0-9]+}/chase",
    Desk,
    Chase,
    Chase,
    "Record a chase: why the order is late and what the resident was told (R-TKT-11)."
);
action_route!(
    tickets, TicketAction, "ticket actions", "Ticket id", "The ticket after the action", TicketDetail:
    cancel,
    "/tickets/{id:[0-9]+}/cancel",
    ResidentOrDesk,
    Reason,
    Cancel,
    "Cancel: residents before anyone is on site, the desk before the repair is done."
);

/// Add an item to a site's fee schedule (managers).
#[utoipa::path(
    tag = "fee schedule",
    request_body = NewFeeItem,
    responses(
        (status = 201, description = "Created", body = FeeItem),
        (status = 409, response = crate::api::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/fee-items")]
pub async fn create_fee_item(
    state: web::Data<AppState>,
    actor: Auth<ManagerOnly>,
    body: Json<NewFeeItem>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Created().json(fees::create(&state, &actor, body.0).await?))
}

/// The fee schedules of the caller's sites.
#[utoipa::path(
    tag = "fee schedule",
    params(FeeFilter),
    responses((status = 200, description = "Fee items", body = Vec<FeeItem>)),
    security(("bearer" = [])),
)]
#[get("/fee-items")]
pub async fn list_fee_items(
    state: web::Data<AppState>,
    actor: Auth<Staff>,
    filter: Query<FeeFilter>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(fees::list(&state, &actor, filter.into_inner()).await?))
}

/// Withdraw an item from the schedule (managers).
#[utoipa::path(
    tag = "fee schedule",
    params(("id" = i64, Path, description = "Fee item id")),
    responses(
        (status = 200, description = "Deactivated", body = FeeItem),
        (status = 409, response = crate::api::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/fee-items/{id:[0-9]+}/deactivate")]
pub async fn deactivate_fee_item(
    state: web::Data<AppState>,
    actor: Auth<ManagerOnly>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(fees::deactivate(&state, &actor, *id).await?))
}

attachment_routes!(
    tickets, crate::tickets::service::TicketFiles, crate::ids::TicketId, "tickets", "Ticket id":
    "/tickets/{id:[0-9]+}/attachments",
    "/tickets/{id:[0-9]+}/attachments/{attachment_id:[0-9]+}",
    "/tickets/{id:[0-9]+}/attachments/{attachment_id:[0-9]+}/thumbnail"
);

/// This capability's routes. Ids match digits only, so a fixed path such as
/// `.../close-quiet` never falls through to an id route, whatever the order.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(work_orders)
        .service(daily_board)
        .service(daily_board_section)
        .service(public_costs)
        .service(report_ticket)
        .service(list_tickets)
        .service(get_ticket)
        .service(arrive)
        .service(reclassify)
        .service(dispatch)
        .service(complete)
        .service(transfer)
        .service(developer_acknowledge)
        .service(developer_complete)
        .service(take_over)
        .service(settlement_signed)
        .service(charge)
        .service(approve_charge)
        .service(accept_charge)
        .service(decline_charge)
        .service(confirm)
        .service(reject)
        .service(record_signature)
        .service(visit)
        .service(chase)
        .service(cancel)
        .service(create_fee_item)
        .service(list_fee_items)
        .service(deactivate_fee_item);
    attachments::routes(cfg);
}
