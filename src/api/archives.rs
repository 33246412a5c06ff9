//! Owner archives: the desk registers, files and keeps them; other staff borrow them through
//! the register; managers edit the checklist and read the read log; residents read their
//! own archive's summary.

use actix_web::{delete, get, post, put, web, HttpResponse};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::access::{AnyRole, Desk, ManagerOnly, Staff};
use crate::api::query::Query;
use crate::archives::checklist::{self, Checklist, NewChecklist};
use crate::archives::dto::*;
use crate::archives::loans::{self, Loan, LoanAction, LoanNote, LoanPage, LoanQuery, NewLoan};
use crate::archives::{filing, service, Flag};
use crate::auth::Auth;
use crate::error::AppError;
use crate::ids::{ArchiveDocumentId, ArchiveId, ArchiveLoanId, ArchivePersonId, SiteId};
use crate::json::Json;
use crate::pagination::PageParams;
use crate::state::AppState;
use crate::visits::{NewVisit, Visit};

/// R-ARC-1: register a new owner's archive at move-in (the desk). It is due to be opened, a
/// first document filed, by the close of the next working day on the site's calendar, and
/// is judged against the site's checklist as it stands now. 409 `duplicate` while the unit's
/// last archive is open, or when this occupancy has one.
#[utoipa::path(
    tag = "archives",
    request_body = NewArchive,
    responses((status = 201, description = "Registered", body = Archive)),
    security(("bearer" = [])),
)]
#[post("/archives")]
pub async fn open_archive(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    body: Json<NewArchive>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Created().json(service::open(&state, &actor, body.0).await?))
}

/// Archives of a site (`site_id`; default the caller's only site), newest first, without
/// personal data: `incomplete=true` the chase list (opening or incomplete, oldest first,
/// R-ARC-3); `opening_overdue=true` those not opened in time (R-ARC-1); `stage`, `flag`,
/// `building` and `unvisited_since` plan butler visits (R-ARC-6); `id_number` finds a
/// person's archives by a keyed hash. Residents get their own archive.
#[utoipa::path(
    tag = "archives",
    params(ArchiveQuery),
    responses(
        (status = 200, description = "A page of archives", body = ArchivePage),
        (status = 404, response = crate::api::openapi::NotFound),
    ),
    security(("bearer" = [])),
)]
#[get("/archives")]
pub async fn list_archives(
    state: web::Data<AppState>,
    actor: Auth<AnyRole>,
    query: Query<ArchiveQuery>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::list(&state, &actor, query.into_inner()).await?))
}

/// An archive with its people (ID numbers masked), catalogue, what is missing and who is
/// responsible. The site's butlers and managers; other staff of the site while a loan of it
/// is out (403 otherwise); residents of the unit who are in it get the summary (their own
/// entry and documents, no staff notes or flags). Every read is logged (R-ARC-5).
#[utoipa::path(
    tag = "archives",
    params(("id" = i64, Path, description = "Archive id")),
    responses((status = 200, description = "The archive", body = Archive)),
    security(("bearer" = [])),
)]
#[get("/archives/{id:[0-9]+}")]
pub async fn get_archive(
    state: web::Data<AppState>,
    actor: Auth<AnyRole>,
    id: web::Path<ArchiveId>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::get(&state, &actor, *id).await?))
}

/// Add a co-owner, family member or tenant to an open archive.
#[utoipa::path(
    tag = "archives",
    params(("id" = i64, Path, description = "Archive id")),
    request_body = NewPerson,
    responses((status = 201, description = "Added", body = Archive)),
    security(("bearer" = [])),
)]
#[post("/archives/{id:[0-9]+}/people")]
pub async fn add_person(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    id: web::Path<ArchiveId>,
    body: Json<NewPerson>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Created().json(service::add_people(&state, &actor, *id, body.0).await?))
}

/// R-ARC-2, R-ARC-4: file a document of the archive's checklist (422 for a type not in it).
/// Its scans go to `/archive-documents/{id}/attachments`, its signatures to `.../signatures`.
#[utoipa::path(
    tag = "archives",
    params(("id" = i64, Path, description = "Archive id")),
    request_body = NewDocument,
    responses(
        (status = 201, description = "Filed", body = Archive),
        (status = 409, response = crate::api::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/archives/{id:[0-9]+}/documents")]
pub async fn file_document(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    id: web::Path<ArchiveId>,
    body: Json<NewDocument>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Created().json(filing::file(&state, &actor, *id, body.0).await?))
}

/// R-ARC-4: the owner moved out or sold. The archive closes and is kept, read-only; the
/// unit's next owner gets a new one.
#[utoipa::path(
    tag = "archives",
    params(("id" = i64, Path, description = "Archive id")),
    request_body = CloseArchive,
    responses(
        (status = 200, description = "Closed", body = Archive),
        (status = 409, response = crate::api::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/archives/{id:[0-9]+}/close")]
pub async fn close_archive(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    id: web::Path<ArchiveId>,
    body: Json<CloseArchive>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::close(&state, &actor, *id, body.0).await?))
}

/// R-ARC-6: mark a key customer, with the reason. 409 `duplicate` for a flag it carries.
#[utoipa::path(
    tag = "archives",
    params(("id" = i64, Path, description = "Archive id")),
    request_body = NewFlag,
    responses(
        (status = 200, description = "Flagged", body = Archive),
        (status = 409, response = crate::api::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/archives/{id:[0-9]+}/flags")]
pub async fn flag_archive(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    id: web::Path<ArchiveId>,
    body: Json<NewFlag>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::flag(&state, &actor, *id, body.0).await?))
}

/// R-ARC-6: take a key-customer flag off.
#[utoipa::path(
    tag = "archives",
    params(
        ("id" = i64, Path, description = "Archive id"),
        ("flag" = Flag, Path, description = "The flag"),
    ),
    responses((status = 200, description = "Unflagged", body = Archive)),
    security(("bearer" = [])),
)]
#[delete("/archives/{id:[0-9]+}/flags/{flag}")]
pub async fn unflag_archive(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    path: web::Path<(ArchiveId, Flag)>,
) -> Result<HttpResponse, AppError> {
    let (id, flag) = path.into_inner();
    Ok(HttpResponse::Ok().json(service::unflag(&state, &actor, id, flag).await?))
}

/// R-ARC-6: record a butler's visit to the owner; lists find owners not visited since a date.
#[utoipa::path(
    tag = "archives",
    params(("id" = i64, Path, description = "Archive id")),
    request_body = NewVisit,
    responses((status = 201, description = "The archive's visits", body = Vec<Visit>)),
    security(("bearer" = [])),
)]
#[post("/archives/{id:[0-9]+}/visits")]
pub async fn record_visit(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    id: web::Path<ArchiveId>,
    body: Json<NewVisit>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Created().json(service::visit(&state, &actor, *id, body.0).await?))
}

/// The butler visits recorded on the archive, oldest first.
#[utoipa::path(
    tag = "archives",
    params(("id" = i64, Path, description = "Archive id")),
    responses((status = 200, description = "The archive's visits", body = Vec<Visit>)),
    security(("bearer" = [])),
)]
#[get("/archives/{id:[0-9]+}/visits")]
pub async fn list_visits(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    id: web::Path<ArchiveId>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(service::visits_of(&state, &actor, *id).await?))
}

/// R-ARC-5: one person's ID number in full, for the reason given (logged with it). The
/// site's butlers and managers only; the answer is never kept for an `Idempotency-Key`
/// replay.
#[utoipa::path(
    tag = "archives",
    params(
        ("id" = i64, Path, description = "Archive id"),
        ("person_id" = i64, Path, description = "The person in the archive"),
    ),
    request_body = RevealRequest,
    responses((status = 200, description = "The ID number", body = Revealed)),
    security(("bearer" = [])),
)]
#[post("/archives/{id:[0-9]+}/people/{person_id:[0-9]+}/reveal-id-number")]
pub async fn reveal_id_number(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    path: web::Path<(ArchiveId, ArchivePersonId)>,
    body: Json<RevealRequest>,
) -> Result<HttpResponse, AppError> {
    let (id, person) = path.into_inner();
    Ok(HttpResponse::Ok().json(service::reveal(&state, &actor, id, person, body.0).await?))
}

/// R-ARC-5: who read the archive, when, what and why, newest first (managers of its site).
#[utoipa::path(
    tag = "archives",
    params(("id" = i64, Path, description = "Archive id"), PageParams),
    responses((status = 200, description = "A page of the read log", body = ReadPage)),
    security(("bearer" = [])),
)]
#[get("/archives/{id:[0-9]+}/reads")]
pub async fn archive_reads(
    state: web::Data<AppState>,
    actor: Auth<ManagerOnly>,
    id: web::Path<ArchiveId>,
    page: Query<PageParams>,
) -> Result<HttpResponse, AppError> {
    let reads = service::reads_of_archive(&state, &actor, *id, page.into_inner()).await?;
    Ok(HttpResponse::Ok().json(reads))
}

/// R-ARC-5: what one person read, across the manager's sites, newest first.
#[utoipa::path(
    tag = "archives",
    params(ReadQuery),
    responses((status = 200, description = "A page of the read log", body = ReadPage)),
    security(("bearer" = [])),
)]
#[get("/archive-reads")]
pub async fn reads_by_reader(
    state: web::Data<AppState>,
    actor: Auth<ManagerOnly>,
    query: Query<ReadQuery>,
) -> Result<HttpResponse, AppError> {
    let reads = service::reads_of_reader(&state, &actor, query.into_inner()).await?;
    Ok(HttpResponse::Ok().json(reads))
}

/// One catalogue entry, as the caller may read its archive; the read is logged.
#[utoipa::path(
    tag = "archives",
    params(("id" = i64, Path, description = "Catalogue entry id")),
    responses((status = 200, description = "The entry", body = Document)),
    security(("bearer" = [])),
)]
#[get("/archive-documents/{id:[0-9]+}")]
pub async fn get_document(
    state: web::Data<AppState>,
    actor: Auth<AnyRole>,
    id: web::Path<ArchiveDocumentId>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(filing::get(&state, &actor, *id).await?))
}

/// R-ARC-3: record a signature seen on the paper. 422 for a party the checklist does not
/// ask of this type; 409 `duplicate` for one already recorded.
#[utoipa::path(
    tag = "archives",
    params(("id" = i64, Path, description = "Catalogue entry id")),
    request_body = NewSignature,
    responses(
        (status = 201, description = "Recorded", body = Archive),
        (status = 409, response = crate::api::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/archive-documents/{id:[0-9]+}/signatures")]
pub async fn sign_document(
    state: web::Data<AppState>,
    actor: Auth<Desk>,
    id: web::Path<ArchiveDocumentId>,
    body: Json<NewSignature>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Created().json(filing::sign(&state, &actor, *id, body.0).await?))
}

/// R-ARC-5: ask to borrow an archive, with a purpose and a due date (staff of the site who
/// do not keep archives); the site's managers are told.
#[utoipa::path(
    tag = "archives",
    params(("id" = i64, Path, description = "Archive id")),
    request_body = NewLoan,
    responses(
        (status = 201, description = "Asked for", body = Loan),
        (status = 409, response = crate::api::openapi::Conflict),
    ),
    security(("bearer" = [])),
)]
#[post("/archives/{id:[0-9]+}/loans")]
pub async fn request_loan(
    state: web::Data<AppState>,
    actor: Auth<Staff>,
    id: web::Path<ArchiveId>,
    body: Json<NewLoan>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Created().json(loans::request(&state, &actor, *id, body.0).await?))
}

/// R-ARC-5: the borrowing register, newest first: a site's (the desk), or the caller's own
/// loans (engineers); `overdue=true` those out past their due date.
#[utoipa::path(
    tag = "archives",
    params(LoanQuery),
    responses(
        (status = 200, description = "A page of loans", body = LoanPage),
        (status = 404, response = crate::api::openapi::NotFound),
    ),
    security(("bearer" = [])),
)]
#[get("/archive-loans")]
pub async fn list_loans(
    state: web::Data<AppState>,
    actor: Auth<Staff>,
    query: Query<LoanQuery>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(loans::list(&state, &actor, query.into_inner()).await?))
}

macro_rules! loan_action {
    ($name:ident, $path:literal, $roles:ty, $action:ident, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(
                                    tag = "archives",
                                    operation_id = concat!("archive_loans_", stringify!($name)),
                                    params(("id" = i64, Path, description = "Loan id")),
                                    request_body = LoanNote,
                                    responses(
                                        (status = 200, description = "The loan", body = Loan),
                                        (status = 409, response = crate::api::openapi::Conflict),
                                    ),
                                    security(("bearer" = [])),
                                )]
        #[post($path)]
        pub async fn $name(
            state: web::Data<AppState>,
            actor: Auth<$roles>,
            id: web::Path<ArchiveLoanId>,
            body: Json<LoanNote>,
        ) -> Result<HttpResponse, AppError> {
            let loan = loans::act(&state, &actor, *id, LoanAction::$action, body.0).await?;
            Ok(HttpResponse::Ok().json(loan))
        }
    };
}

loan_action!(
    approve_loan,
    "/archive-loans/{id:[0-9]+}/approve",
    ManagerOnly,
    Approve,
    "R-ARC-5: a manager of the site approves; the loan is out and the borrower reads the archive."
);
loan_action!(
    refuse_loan,
    "/archive-loans/{id:[0-9]+}/refuse",
    ManagerOnly,
    Refuse,
    "R-ARC-5: a manager of the site refuses."
);
loan_action!(
    return_loan,
    "/archive-loans/{id:[0-9]+}/return",
    Staff,
    Return,
    "R-ARC-5: the borrower or the desk returns the archive; the borrower reads it no more."
);

/// R-ARC-2: the site's archive checklist as it stands (the rules' defaults until edited).
#[utoipa::path(
    tag = "archives",
    params(("id" = i64, Path, description = "Site id")),
    responses((status = 200, description = "The checklist", body = Checklist)),
    security(("bearer" = [])),
)]
#[get("/sites/{id:[0-9]+}/archive-checklist")]
pub async fn get_checklist(
    state: web::Data<AppState>,
    actor: Auth<Staff>,
    id: web::Path<SiteId>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(checklist::get(&state, &actor, *id).await?))
}

/// R-ARC-2: a manager replaces the site's checklist with a new version. Archives opened
/// before keep the version they were opened under.
#[utoipa::path(
    tag = "archives",
    params(("id" = i64, Path, description = "Site id")),
    request_body = NewChecklist,
    responses((status = 200, description = "The new version", body = Checklist)),
    security(("bearer" = [])),
)]
#[put("/sites/{id:[0-9]+}/archive-checklist")]
pub async fn replace_checklist(
    state: web::Data<AppState>,
    actor: Auth<ManagerOnly>,
    id: web::Path<SiteId>,
    body: Json<NewChecklist>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(checklist::replace(&state, &actor, *id, body.0).await?))
}

attachment_routes!(
    archive_documents, crate::archives::filing::DocumentFiles, crate::ids::ArchiveDocumentId,
    "archives", "Catalogue entry id":
    "/archive-documents/{id:[0-9]+}/attachments",
    "/archive-documents/{id:[0-9]+}/attachments/{attachment_id:[0-9]+}",
    "/archive-documents/{id:[0-9]+}/attachments/{attachment_id:[0-9]+}/thumbnail"
);

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(open_archive)
        .service(list_archives)
        .service(get_archive)
        .service(add_person)
        .service(file_document)
        .service(close_archive)
        .service(flag_archive)
        .service(unflag_archive)
        .service(record_visit)
        .service(list_visits)
        .service(reveal_id_number)
        .service(archive_reads)
        .service(reads_by_reader)
        .service(get_document)
        .service(sign_document)
        .service(request_loan)
        .service(list_loans)
        .service(approve_loan)
        .service(refuse_loan)
        .service(return_loan)
        .service(get_checklist)
        .service(replace_checklist);
    attachments::routes(cfg);
}
