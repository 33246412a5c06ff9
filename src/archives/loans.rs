//! The borrowing register (档案借阅登记, R-ARC-5): staff who do not keep archives ask to
//! borrow one, with a purpose and a due date; a manager of the site approves (the loan is
//! out) or refuses; the borrower or the desk returns it. The borrower reads the archive
//! only while the loan is out. A loan's steps run through the shared action driver, so two
//! managers deciding at once get one 200 and one 409, and each step is in its timeline.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::access::{self, Actor, Role};
use crate::db::schema::archive_loans;
use crate::db::{self, utc, AnyConnection};
use crate::error::AppError;
use crate::i18n::Msg;
use crate::idempotency::{self, Answer};
use crate::ids::{ArchiveId, ArchiveLoanId, SiteId, UserId};
use crate::lifecycle::{self, Effect, Lifecycle};
use crate::notifications::{self, Kind, Notice};
use crate::pagination::{Page, PageParams};
use crate::state::AppState;
use crate::text::{LineText, NoteText};
use crate::text_enum;
use crate::timeline::Subject;

/// The longest loan.
const MAX_LOAN_DAYS: i64 = 30;

text_enum! {
    pub enum LoanStatus {
        /// Asked for; a manager of the site decides.
        Requested = "requested",
        /// Approved: the borrower reads the archive until it is returned.
        Out = "out",
        Returned = "returned",
        Refused = "refused",
    }
}

text_enum! {
    pub enum LoanAction {
        Approve = "approve",
        Refuse = "refuse",
        Return = "return",
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = archive_loans)]
pub struct LoanRow {
    pub id: ArchiveLoanId,
    pub archive_id: ArchiveId,
    pub site_id: SiteId,
    pub borrower_id: UserId,
    pub purpose: String,
    pub due_back: NaiveDateTime,
    #[diesel(deserialize_as = String)]
    pub status: LoanStatus,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<NaiveDateTime>,
    pub decision_note: Option<String>,
    pub out_at: Option<NaiveDateTime>,
    pub back_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

/// A request to borrow an archive.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "purpose": "Check the original floor plan before moving a water pipe",
    "due_back": "2026-11-25T09:30:00Z"
}))]
pub struct NewLoan {
    /// Why: logged with every read made under the loan.
    pub purpose: LineText,
    /// When it is due back: in the future, at most 30 days ahead.
    pub due_back: DateTime<Utc>,
}

/// A manager's decision, or a note on the return.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"note": "For the pipe work only"}))]
pub struct LoanNote {
    pub note: Option<NoteText>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Loan {
    #[schema(value_type = i64)]
    pub id: ArchiveLoanId,
    #[schema(value_type = i64)]
    pub archive_id: ArchiveId,
    #[schema(value_type = i64)]
    pub site_id: SiteId,
    #[schema(value_type = i64)]
    pub borrower_id: UserId,
    pub purpose: String,
    pub status: LoanStatus,
    pub due_back: DateTime<Utc>,
    /// Out and past its due date.
    pub overdue: bool,
    #[schema(value_type = Option<i64>)]
    pub decided_by: Option<UserId>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: Option<String>,
    pub out_at: Option<DateTime<Utc>>,
    pub back_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoanPage {
    pub items: Vec<Loan>,
    pub next_cursor: Option<String>,
}

/// The register of a site: every loan, or the overdue ones; borrowers see their own.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LoanQuery {
    #[param(value_type = Option<i64>)]
    pub site_id: Option<SiteId>,
    pub status: Option<LoanStatus>,
    /// Only loans out past their due date.
    #[serde(default)]
    pub overdue: bool,
    #[param(minimum = 1, example = 20)]
    pub limit: Option<i64>,
    #[param(pattern = r"^[0-9]{1,18}$")]
    pub cursor: Option<String>,
}

fn view(row: LoanRow, now: DateTime<Utc>) -> Loan {
    Loan {
        overdue: row.status == LoanStatus::Out && row.due_back < utc(now),
        id: row.id,
        archive_id: row.archive_id,
        site_id: row.site_id,
        borrower_id: row.borrower_id,
        purpose: row.purpose,
        status: row.status,
        due_back: row.due_back.and_utc(),
        decided_by: row.decided_by,
        decided_at: row.decided_at.map(|t| t.and_utc()),
        decision_note: row.decision_note,
        out_at: row.out_at.map(|t| t.and_utc()),
        back_at: row.back_at.map(|t| t.and_utc()),
        created_at: row.created_at.and_utc(),
    }
}

/// The actor's loan of the archive that is out, if any: what lets them read it.
pub fn open_loan(
    conn: &mut AnyConnection,
    borrower_id: UserId,
    archive_id: ArchiveId,
) -> QueryResult<Option<LoanRow>> {
    archive_loans::table
        .filter(archive_loans::borrower_id.eq(borrower_id))
        .filter(archive_loans::archive_id.eq(archive_id))
        .filter(archive_loans::status.eq(LoanStatus::Out.as_str()))
        .select(LoanRow::as_select())
        .first(conn)
        .optional()
}

fn find(conn: &mut AnyConnection, id: ArchiveLoanId) -> QueryResult<Option<LoanRow>> {
    archive_loans::table
        .find(id)
        .select(LoanRow::as_select())
        .first(conn)
        .optional()
}

/// The columns a step changes.
#[derive(Default)]
pub struct LoanChange {
    decided: Option<(UserId, Option<String>)>,
    out: bool,
    back: bool,
}

pub struct LoanLifecycle;

impl Lifecycle for LoanLifecycle {
    type Id = ArchiveLoanId;
    type Row = LoanRow;
    type Status = LoanStatus;
    type Action = LoanAction;
    type Change = LoanChange;
    const SUBJECT: Subject = Subject::ArchiveLoan;
    const NOUN: &'static str = "loan";

    /// Staff of the site see its loans; engineers only their own.
    fn visible(
        conn: &mut AnyConnection,
        actor: &Actor,
        id: ArchiveLoanId,
        _now: DateTime<Utc>,
    ) -> Result<LoanRow, AppError> {
        find(conn, id)?
            .filter(|loan| may_see(actor, loan))
            .ok_or(AppError::NotFound("loan"))
    }

    fn status(row: &LoanRow) -> LoanStatus {
        row.status
    }

    fn site_id(row: &LoanRow) -> SiteId {
        row.site_id
    }

    fn after(status: LoanStatus, action: LoanAction) -> Option<LoanStatus> {
        use LoanAction::*;
        use LoanStatus::*;
        match (status, action) {
            (Requested, Approve) => Some(Out),
            (Requested, Refuse) => Some(Refused),
            (Out, Return) => Some(Returned),
            _ => None,
        }
    }

    fn apply(
        conn: &mut AnyConnection,
        row: &LoanRow,
        next: LoanStatus,
        change: LoanChange,
        now: NaiveDateTime,
    ) -> QueryResult<Option<LoanRow>> {
        let (decided_by, decision_note) = match change.decided {
            Some((by, note)) => (Some(by), note),
            None => (row.decided_by, row.decision_note.clone()),
        };
        diesel::update(
            archive_loans::table
                .filter(archive_loans::id.eq(row.id))
                .filter(archive_loans::version.eq(row.version)),
        )
        .set((
            archive_loans::status.eq(next.as_str()),
            archive_loans::decided_by.eq(decided_by),
            archive_loans::decided_at.eq(if decided_by != row.decided_by {
                Some(now)
            } else {
                row.decided_at
            }),
            archive_loans::decision_note.eq(decision_note),
            archive_loans::out_at.eq(if change.out { Some(now) } else { row.out_at }),
            archive_loans::back_at.eq(if change.back { Some(now) } else { row.back_at }),
            archive_loans::updated_at.eq(now),
            archive_loans::version.eq(row.version + 1),
        ))
        .get_result::<LoanRow>(conn)
        .optional()
    }

    fn notices(
        _conn: &mut AnyConnection,
        action: LoanAction,
        row: &LoanRow,
        _now: DateTime<Utc>,
    ) -> QueryResult<Vec<Notice>> {
        let message = match action {
            LoanAction::Approve => {
                Msg::new("Your loan of archive %{archive} is approved; due back %{due}")
                    .arg("archive", row.archive_id)
                    .arg("due", row.due_back.format("%Y-%m-%d %H:%M UTC"))
            }
            LoanAction::Refuse => Msg::new("Your loan of archive %{archive} is refused")
                .arg("archive", row.archive_id),
            LoanAction::Return => return Ok(Vec::new()),
        };
        Ok(Notice::to_each(
            [row.borrower_id],
            Kind::LoanDecided,
            row.site_id,
            None,
            &message,
        ))
    }
}

fn may_see(actor: &Actor, loan: &LoanRow) -> bool {
    match actor.role {
        Role::Resident => false,
        Role::Butler | Role::Manager => actor.covers_site(loan.site_id),
        Role::Engineer => loan.borrower_id == actor.user_id,
    }
}

/// Asks to borrow the archive (R-ARC-5): staff of the site who do not keep archives; the
/// site's managers are told.
pub async fn request(
    state: &AppState,
    actor: &Actor,
    archive_id: ArchiveId,
    input: NewLoan,
) -> Result<Loan, AppError> {
    let now = state.now();
    let mut check = crate::error::Validator::new();
    check.check(input.due_back > now, "due_back", "must be in the future");
    check.check(
        input.due_back <= now + Duration::days(MAX_LOAN_DAYS),
        "due_back",
        Msg::new("a loan lasts at most %{days} days").arg("days", MAX_LOAN_DAYS),
    );
    check.finish()?;
    let actor = actor.clone();
    idempotency::transaction(state, Answer::Created, move |conn| {
        let archive = super::repo::find(conn, archive_id)?
            .filter(|a| actor.covers_site(a.site_id))
            .ok_or(AppError::NotFound("archive"))?;
        if matches!(actor.role, Role::Butler | Role::Manager) {
            return Err(AppError::InvalidTransition(
                "the site's butlers and managers read its archives without a loan".into(),
            ));
        }
        let pending = archive_loans::table
            .filter(archive_loans::borrower_id.eq(actor.user_id))
            .filter(archive_loans::archive_id.eq(archive_id))
            .filter(
                archive_loans::status
                    .eq_any([LoanStatus::Requested.as_str(), LoanStatus::Out.as_str()]),
            )
            .select(archive_loans::id)
            .first::<ArchiveLoanId>(conn)
            .optional()?;
        if let Some(loan) = pending {
            return Err(AppError::Duplicate(
                Msg::new("you already have loan %{loan} of this archive, asked for or out")
                    .arg("loan", loan),
            ));
        }
        let at = utc(now);
        let row = diesel::insert_into(archive_loans::table)
            .values((
                archive_loans::archive_id.eq(archive_id),
                archive_loans::site_id.eq(archive.site_id),
                archive_loans::borrower_id.eq(actor.user_id),
                archive_loans::purpose.eq(input.purpose.as_str()),
                archive_loans::due_back.eq(utc(input.due_back)),
                archive_loans::status.eq(LoanStatus::Requested.as_str()),
                archive_loans::created_at.eq(at),
                archive_loans::updated_at.eq(at),
            ))
            .get_result::<LoanRow>(conn)?;
        crate::intake::record_first_step(
            conn,
            Subject::ArchiveLoan,
            row.id,
            row.site_id,
            &actor,
            crate::intake::FirstStep {
                action: "request",
                status: LoanStatus::Requested.as_str(),
                note: row.purpose.clone(),
            },
            now,
        )?;
        let managers = access::repo::managers_of_site(conn, archive.site_id)?;
        let message = Msg::new("Loan %{loan} asks to borrow archive %{archive}: %{purpose}")
            .arg("loan", row.id)
            .arg("archive", archive_id)
            .arg("purpose", &row.purpose);
        notifications::notify(
            conn,
            Subject::ArchiveLoan,
            row.id.get(),
            Notice::to_each(
                managers,
                Kind::LoanRequested,
                archive.site_id,
                None,
                &message,
            ),
            Some(actor.user_id),
            now,
        )?;
        Ok(view(row, now))
    })
    .await
}

/// A step of a loan: a manager approves or refuses, the borrower or the desk returns it.
pub async fn act(
    state: &AppState,
    actor: &Actor,
    id: ArchiveLoanId,
    action: LoanAction,
    input: LoanNote,
) -> Result<Loan, AppError> {
    let note = input.note.map(|n| n.to_string());
    lifecycle::act::<LoanLifecycle, _, _, _>(
        state,
        actor,
        id,
        action,
        move |_, ctx| {
            let actor = ctx.actor;
            let change = match action {
                LoanAction::Approve | LoanAction::Refuse => {
                    if actor.role != Role::Manager {
                        return Err(AppError::Forbidden("a manager of the site decides".into()));
                    }
                    LoanChange {
                        decided: Some((actor.user_id, note.clone())),
                        out: action == LoanAction::Approve,
                        back: false,
                    }
                }
                LoanAction::Return => LoanChange {
                    back: true,
                    ..LoanChange::default()
                },
            };
            Ok(Effect { change, note })
        },
        |_, _, row, now| Ok(view(row, now)),
    )
    .await
}

/// The register: a site's loans (the desk), or the caller's own (engineers); newest first.
pub async fn list(state: &AppState, actor: &Actor, query: LoanQuery) -> Result<LoanPage, AppError> {
    let page = PageParams {
        limit: query.limit,
        cursor: query.cursor.clone(),
    }
    .request()?;
    let (actor, now) = (actor.clone(), state.now());
    db::read(&state.pool, move |conn| {
        let mut q = archive_loans::table
            .select(LoanRow::as_select())
            .order(archive_loans::id.desc())
            .into_boxed();
        if actor.role == Role::Engineer {
            q = q.filter(archive_loans::borrower_id.eq(actor.user_id));
        } else {
            let site_id =
                crate::sites::service::listed_site(conn, &actor, query.site_id, "register")?;
            q = q.filter(archive_loans::site_id.eq(site_id));
        }
        if let Some(status) = query.status {
            q = q.filter(archive_loans::status.eq(status.as_str()));
        }
        if query.overdue {
            q = q
                .filter(archive_loans::status.eq(LoanStatus::Out.as_str()))
                .filter(archive_loans::due_back.lt(utc(now)));
        }
        if let Some(after) = page.after_id {
            q = q.filter(archive_loans::id.lt(ArchiveLoanId::new(after)));
        }
        let rows: Vec<LoanRow> = q.limit(page.fetch()).load(conn)?;
        let page = Page::from_rows(rows, page, |r| r.id, |r| view(r, now));
        Ok(LoanPage {
            items: page.items,
            next_cursor: page.next_cursor,
        })
    })
    .await
}
