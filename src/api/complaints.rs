//! Complaints: the resident app (complain, follow, give an opinion), the butlers' desk
//! (intake, ownership, departments, replies, chasing, visits), managers (review, reports,
//! the standard-reply library).

use actix_web::{get, post, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::access::{AnyRole, Desk, ManagerOnly, ResidentOrDesk, Staff};
use crate::api::query::Query;
use crate::auth::Auth;
use crate::boards::{self, BoardQuery, Section};
use crate::complaints::actions;
use crate::complaints::dto::*;
use crate::complaints::model::ComplaintAction;
use crate::complaints::replies::{self, NewStandardReply, StandardReply, StandardReplyFilter};
use crate::complaints::reports::{
    self, ComplaintBoard, ComplaintSection, MonthQuery, MonthlyReport, PublicSummary, WeekQuery,
    WeeklySummary,
};
use crate::complaints::service;
use crate::error::AppError;
use crate::ids::ComplaintId;
use crate::json::Json;
use crate::pagination::{Page, PageParams};
use crate::state::AppState;
use crate::visits::NewVisit;

/// Record a complaint. Residents complain in the app about their own home or site; staff
/// record any channel with the complainant (a resident, a named person, anonymous). The
/// first-response deadline is set at once from the channel and the site's calendar.
#[utoipa::path(
    tag = "complaints",
    request_body = NewComplaint,
    responses((status = 201, description = "Received", body = ComplaintDetail)),
    security(("bearer" = [])),
)]
#[post("/complaints")]
pub async fn receive_complaint(
    state: web::Data<AppState>,
    actor: Auth<AnyRole>,
    body: Json<NewComplaint>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Created().json(service::receive(&state, &actor, body.0).await?))
}

/// Complaints, newest first: staff see their sites', residents their own.
#[utoipa::path(
    tag = "complaints",
    params(PageParams, ComplaintFilter),
    responses((status = 200, description = "A page of complaints", body = Page<Complaint>)),
    security(("bearer" = [])),
)]
#[get("/complaints")]
pub async fn list_complaints(
    state: web::Data<AppState>,
    actor: Auth<AnyRole>,
    page: Query<PageParams>,
    filter: Query<ComplaintFilter>,
) -> Result<HttpResponse, AppError> {
    let page = page.request()?;
    Ok(HttpResponse::Ok().json(reports::list(&state, &actor, filter.into_inner(), page).await?))
}

/// R-CMP-18: the day's complaints: new, open, unowned, response overdue, chase due.
#[utoipa::path(
    tag = "complaint reports",
    params(BoardQuery),
    responses(
        (status = 200, description = "The daily board", body = ComplaintBoard),
        (status = 404, response = crate::api::openapi::NotFound),
    ),
    security(("bearer" = [])),
)]
#[get("/complaints/daily-board")]
pub async fn complaint_board(
    state: web::Data<AppState>,
    actor: Auth<Staff>,
    query: Query<BoardQuery>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(reports::daily_board(&state, &actor, query.into_inner()).await?))
}

/// R-CMP-18: one section of the day's complaints, all of it a page at a time, with its count.
#[utoipa::path(
    tag = "complaint reports",
    params(
        ("section" = inline(ComplaintSection), Path, description = "The section of the daily board"),
        BoardQuery,
        PageParams,
    ),
    responses(
        (status = 200, description = "A page of the section", body = Section<Complaint>),
        (status = 404, response = crate::api::openapi::NotFound),
    ),
    security(("bearer" = [])),
)]
#[get("/complaints/daily-board/{section:new|open|unowned|response_overdue|chase_due}")]
pub async fn complaint_board_section(
    state: web::Data<AppState>,
    actor: Auth<Staff>,
    section: web::Path<ComplaintSection>,
    query: Query<BoardQuery>,
    page: Query<PageParams>,
) -> Result<HttpResponse, AppError> {
    let page = page.request()?;
    let section = boards::section(&state, &actor, *section, query.into_inner(), page).await?;
    Ok(HttpResponse::Ok().json(section))
}

/// R-CMP-18: a week's totals by class, subject, channel, root cause and department.
#[utoipa::path(
    tag = "complaint reports",
    params(WeekQuery),
    responses(
        (status = 200, description = "The weekly summary", body = WeeklySummary),
        (status = 404, response = crate::api::openapi::NotFound),
    ),
    security(("bearer" = [])),
)]
#[get("/complaints/weekly-summary")]
pub async fn weekly_summary(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    query: Query<WeekQuery>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(reports::weekly_summary(&state, &actor, query.into_inner()).await?))
}

/// R-CMP-18: the monthly report to management: totals, breakdowns, on-time first response,
/// closure rate, six-month trend and major cases. Events are counted once (R-CMP-16).
#[utoipa::path(
    tag = "complaint reports",
    params(MonthQuery),
    responses(
        (status = 200, description = "The monthly report", body = MonthlyReport),
        (status = 404, response = crate::api::openapi::NotFound),
    ),
    security(("bearer" = [])),
)]
#[get("/complaints/monthly-report")]
pub async fn monthly_report(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    query: Query<MonthQuery>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(reports::monthly_report(&state, &actor, query.into_inner()).await?))
}

/// R-CMP-18: the month's common-interest complaints and their handling, with no personal
/// data: for every resident of the site.
#[utoipa::path(
    tag = "complaint reports",
    params(MonthQuery),
    responses(
        (status = 200, description = "The public summary", body = PublicSummary),
        (status = 404, response = crate::api::openapi::NotFound),
    ),
    security(("bearer" = [])),
)]
#[get("/complaints/public-summary")]
pub async fn public_summary(
    state: web::Data<AppState>,
    actor: Auth<AnyRole>,
    query: Query<MonthQuery>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(reports::public_summary(&state, &actor, query.into_inner()).await?))
}

/// What the closing sweep did.
#[derive(Debug, Serialize, ToSchema)]
pub struct SweepResult {
    /// Ids of the complaints it closed.
    #[schema(value_type = Vec<i64>)]
    pub closed: Vec<ComplaintId>,
}

/// R-CMP-14: close complaints exempt from the visit that had a quiet week. The server runs
/// this itself every few minutes; calling it again closes nothing twice.
#[utoipa::path(
    tag = "complaint reports",
    responses((status = 200, description = "Closed complaints", body = SweepResult)),
    security(("bearer" = [])),
)]
#[post("/complaints/close-quiet")]
pub async fn close_quiet(
    state: web::Data<AppState>,
    _actor: Auth<ManagerOnly>,
) -> Result<HttpResponse, AppError> {
    let closed = service::close_quiet(&state).await?;
    Ok(HttpResponse::Ok().json(SweepResult { closed }))
}

/// A complaint with its deadlines, messages, timeline and visits. Complainants see replies
/// only and the timeline without staff notes.
#[utoipa::path(
    tag = "complaints",
    params(("id" = i64, Path, description = "Complaint id")),
    responses((status = 200, description = "The complaint", body = ComplaintDetail)),
    security(("bearer" = [])),
)]
#[get("/complaints/{id:[0-9]+}")]
pub async fn get_complaint(
    state: web::Data<AppState>,
    actor: Auth<AnyRole>,
    id: web::Path<ComplaintId>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::get(&state, &actor, *id).await?))
}

action_route!(
    complaints, ComplaintAction, "complaint actions", "Complaint id", "The complaint after the action", ComplaintDetail:
    assign_owner,
    "/complaints/{id:[0-9]+}/assign-owner",
    Desk,
    AssignOwner,
    AssignOwner,
    "Hand the complaint to the butler who owns it to the end (R-CMP-6)."
);
action_route!(
    complaints, ComplaintAction, "complaint actions", "Complaint id", "The complaint after the action", ComplaintDetail:
    classify,
    "/complaints/{id:[0-9]+}/classify",
    Desk,
    Classify,
    Classify,
    "Judge or re-judge class, nature and subject (R-CMP-2/3/4); the timeline keeps the change."
);
action_route!(
    complaints, ComplaintAction, "complaint actions", "Complaint id", "The complaint after the action", ComplaintDetail:
    mark_major,
    "/complaints/{id:[0-9]+}/mark-major",
    Desk,
    MarkMajor,
    MarkMajor,
    "Flag as major: a department head leads, it is chased daily and reported (R-CMP-15)."
);
action_route!(
    complaints, ComplaintAction, "complaint actions", "Complaint id", "The complaint after the action", ComplaintDetail: reply, "/complaints/{id:[0-9]+}/reply", Desk, NewReply, Reply,
    "Reply to the complainant, optionally from the standard-reply library (R-CMP-19). The first reply is the first response (R-CMP-5).");
action_route!(
    complaints, ComplaintAction, "complaint actions", "Complaint id", "The complaint after the action", ComplaintDetail:
    note,
    "/complaints/{id:[0-9]+}/note",
    Desk,
    InternalNote,
    Note,
    "Add an internal note; the complainant never sees it."
);
action_route!(
    complaints, ComplaintAction, "complaint actions", "Complaint id", "The complaint after the action", ComplaintDetail:
    hand_to_department,
    "/complaints/{id:[0-9]+}/hand-to-department",
    Desk,
    HandToDepartment,
    HandToDepartment,
    "Hand to the responsible department; service-quality complaints within 20 minutes (R-CMP-6)."
);
action_route!(
    complaints, ComplaintAction, "complaint actions", "Complaint id", "The complaint after the action", ComplaintDetail:
    set_fix_deadline,
    "/complaints/{id:[0-9]+}/set-fix-deadline",
    Desk,
    FixDeadline,
    SetFixDeadline,
    "Record the department's fix deadline (R-CMP-9); chases aim at it."
);
action_route!(
    complaints, ComplaintAction, "complaint actions", "Complaint id", "The complaint after the action", ComplaintDetail: promise_reply, "/complaints/{id:[0-9]+}/promise-reply", Desk, PromiseReply, PromiseReply,
    "Not our fault and not explained at once: tell the complainant and promise a reply date (R-CMP-8).");
action_route!(
    complaints, ComplaintAction, "complaint actions", "Complaint id", "The complaint after the action", ComplaintDetail:
    establish_responsibility,
    "/complaints/{id:[0-9]+}/establish-responsibility",
    Desk,
    EstablishResponsibility,
    EstablishResponsibility,
    "Record who is responsible (R-CMP-8)."
);
action_route!(
    complaints, ComplaintAction, "complaint actions", "Complaint id", "The complaint after the action", ComplaintDetail:
    promise_compensation,
    "/complaints/{id:[0-9]+}/promise-compensation",
    ManagerOnly,
    PromiseCompensation,
    PromiseCompensation,
    "Promise compensation, only once the company's responsibility is established (R-CMP-8)."
);
action_route!(
    complaints, ComplaintAction, "complaint actions", "Complaint id", "The complaint after the action", ComplaintDetail: escalate, "/complaints/{id:[0-9]+}/escalate", Desk, Escalate, Escalate,
    "Escalate to the supervisor, manager or director, and record what the resident was told (R-CMP-9).");
action_route!(
    complaints, ComplaintAction, "complaint actions", "Complaint id", "The complaint after the action", ComplaintDetail:
    transfer_to_developer,
    "/complaints/{id:[0-9]+}/transfer-to-developer",
    Desk,
    TransferToDeveloper,
    TransferToDeveloper,
    "Class 2: transfer to the developer, who owes a solution within a week (R-CMP-10)."
);
action_route!(
    complaints, ComplaintAction, "complaint actions", "Complaint id", "The complaint after the action", ComplaintDetail:
    developer_reply,
    "/complaints/{id:[0-9]+}/developer-reply",
    Desk,
    DeveloperSolution,
    DeveloperReply,
    "Record the developer's solution (R-CMP-10)."
);
action_route!(
    complaints, ComplaintAction, "complaint actions", "Complaint id", "The complaint after the action", ComplaintDetail: chase, "/complaints/{id:[0-9]+}/chase", Desk, ChaseResult, Chase,
    "Record a chase; its result is passed to the complainant as a reply, and the next chase is scheduled (R-CMP-11).");
action_route!(
    complaints, ComplaintAction, "complaint actions", "Complaint id", "The complaint after the action", ComplaintDetail: resolve, "/complaints/{id:[0-9]+}/resolve", Desk, Resolve, Resolve,
    "Record the result and the root cause (R-CMP-12/17); the follow-up visit falls due in a week unless exempt (R-CMP-13).");
action_route!(
    complaints, ComplaintAction, "complaint actions", "Complaint id", "The complaint after the action", ComplaintDetail:
    opinion,
    "/complaints/{id:[0-9]+}/opinion",
    ResidentOrDesk,
    Opinion,
    Opinion,
    "The complainant's opinion of the handling: in the app, or recorded by staff (R-CMP-12)."
);
action_route!(
    complaints, ComplaintAction, "complaint actions", "Complaint id", "The complaint after the action", ComplaintDetail:
    review,
    "/complaints/{id:[0-9]+}/review",
    ManagerOnly,
    Review,
    Review,
    "A manager reviews the handling (R-CMP-12)."
);
action_route!(
    complaints, ComplaintAction, "complaint actions", "Complaint id", "The complaint after the action", ComplaintDetail:
    refuse_visits,
    "/complaints/{id:[0-9]+}/refuse-visits",
    Desk,
    InternalNote,
    RefuseVisits,
    "The resident refuses visits: flagged and never scheduled for one again (R-CMP-13)."
);
action_route!(
    complaints, ComplaintAction, "complaint actions", "Complaint id", "The complaint after the action", ComplaintDetail:
    mark_unreachable,
    "/complaints/{id:[0-9]+}/mark-unreachable",
    Desk,
    InternalNote,
    MarkUnreachable,
    "The complainant cannot be reached: no visit (R-CMP-13)."
);
action_route!(
    complaints, ComplaintAction, "complaint actions", "Complaint id", "The complaint after the action", ComplaintDetail:
    merge,
    "/complaints/{id:[0-9]+}/merge",
    Desk,
    Merge,
    Merge,
    "Count this complaint with another about the same event, on the same site (R-CMP-16)."
);

/// Record the follow-up visit (R-CMP-13): satisfied or neutral closes, dissatisfied reopens
/// (R-CMP-14). Not for complaints exempt from visits.
#[utoipa::path(
    tag = "complaint actions",
    operation_id = "complaints_visit",
    params(("id" = i64, Path, description = "Complaint id")),
    request_body = NewVisit,
    responses(
        (status = 200, description = "The complaint after the visit", body = ComplaintDetail),
        (status = 409, response = crate::api::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/complaints/{id:[0-9]+}/visit")]
pub async fn visit(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    id: web::Path<ComplaintId>,
    body: Json<NewVisit>,
) -> Result<HttpResponse, AppError> {
    let action = actions::visit_action(&body.0);
    let detail = service::act(&state, &actor, *id, action, actions::visit(body.0)).await?;
    Ok(HttpResponse::Ok().json(detail))
}

/// R-CMP-19: add an approved reply text (managers of the site).
#[utoipa::path(
    tag = "standard replies",
    request_body = NewStandardReply,
    responses(
        (status = 201, description = "Created", body = StandardReply),
        (status = 409, response = crate::api::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/standard-replies")]
pub async fn create_standard_reply(
    state: web::Data<AppState>,
    actor: Auth<ManagerOnly>,
    body: Json<NewStandardReply>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Created().json(replies::create(&state, &actor, body.0).await?))
}

/// R-CMP-19: the active reply texts of the caller's sites, by subject and title.
#[utoipa::path(
    tag = "standard replies",
    params(StandardReplyFilter),
    responses((status = 200, description = "Standard replies", body = Vec<StandardReply>)),
    security(("bearer" = [])),
)]
#[get("/standard-replies")]
pub async fn list_standard_replies(
    state: web::Data<AppState>,
    actor: Auth<Staff>,
    filter: Query<StandardReplyFilter>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(replies::list(&state, &actor, filter.into_inner()).await?))
}

/// R-CMP-19: retire a reply text; replies that used it keep the link.
#[utoipa::path(
    tag = "standard replies",
    params(("id" = i64, Path, description = "Standard reply id")),
    responses(
        (status = 200, description = "Retired", body = StandardReply),
        (status = 409, response = crate::api::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/standard-replies/{id:[0-9]+}/deactivate")]
pub async fn deactivate_standard_reply(
    state: web::Data<AppState>,
    actor: Auth<ManagerOnly>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(replies::deactivate(&state, &actor, *id).await?))
}

attachment_routes!(
    complaints, crate::complaints::service::ComplaintFiles, crate::ids::ComplaintId,
    "complaints", "Complaint id":
    "/complaints/{id:[0-9]+}/attachments",
    "/complaints/{id:[0-9]+}/attachments/{attachment_id:[0-9]+}",
    "/complaints/{id:[0-9]+}/attachments/{attachment_id:[0-9]+}/thumbnail"
);

/// This capability's routes. Ids match digits only, so a fixed path such as
/// `.../close-quiet` never falls through to an id route, whatever the order.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(complaint_board)
        .service(complaint_board_section)
        .service(weekly_summary)
        .service(monthly_report)
        .service(public_summary)
        .service(close_quiet)
        .service(receive_complaint)
        .service(list_complaints)
        .service(get_complaint)
        .service(assign_owner)
        .service(classify)
        .service(mark_major)
        .service(reply)
        .service(note)
        .service(hand_to_department)
        .service(set_fix_deadline)
        .service(promise_reply)
        .service(establish_responsibility)
        .service(promise_compensation)
        .service(escalate)
        .service(transfer_to_developer)
        .service(developer_reply)
        .service(chase)
        .service(resolve)
        .service(opinion)
        .service(review)
        .service(visit)
        .service(refuse_visits)
        .service(mark_unreachable)
        .service(merge)
        .service(create_standard_reply)
        .service(list_standard_replies)
        .service(deactivate_standard_reply);
    attachments::routes(cfg);
}
