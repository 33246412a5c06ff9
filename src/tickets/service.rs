//! Ticket use cases: intake (R-TKT-1..5, 12) and the actions of the lifecycle, which run
//! through the shared driver in [`crate::lifecycle`].

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::QueryResult;

use super::dto::*;
use super::model::*;
use super::repo::{self, NewTicketRow, TicketChange, TicketRow};
use super::view::to_tickets;
use crate::access::{self, Actor, Role};
use crate::archives;
use crate::db::{self, utc, AnyConnection};
use crate::error::AppError;
use crate::files::{self, Intent, Stage};
use crate::idempotency::{self, Answer};
use crate::ids::{SiteId, TicketId};
use crate::intake::{self, FirstStep, Place, SiteWide};
use crate::lifecycle::{self, Lifecycle};
use crate::notifications::Notice;
use crate::numbering;
use crate::state::AppState;
use crate::timeline::{self, Subject};
use crate::units::repo::UnitRow;
use crate::visits;

pub const NUMBER_PREFIX: &str = "BX";

/// The ticket, if the caller may see it: staff of its site, or a resident living in its unit.
fn visible(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: TicketId,
    now: DateTime<Utc>,
) -> Result<TicketRow, AppError> {
    let ticket = repo::find(conn, id)?.ok_or(AppError::NotFound("ticket"))?;
    access::may_see_record(
        conn,
        actor,
        ticket.site_id,
        ticket.unit_id,
        now.date_naive(),
    )?
    .then_some(ticket)
    .ok_or(AppError::NotFound("ticket"))
}

fn detail(
    conn: &mut AnyConnection,
    row: TicketRow,
    now: DateTime<Utc>,
) -> Result<TicketDetail, AppError> {
    let id = row.id;
    let ticket = to_tickets(conn, vec![row], now)?.pop().expect("one ticket");
    Ok(TicketDetail {
        ticket,
        timeline: timeline::repo::history(conn, Subject::Ticket, id)?,
        visits: visits::repo::of_subject(conn, Subject::Ticket, id)?,
        key_loans: {
            let loans = crate::keys::repo::loans_of_ticket(conn, id)?;
            crate::keys::service::loans_view(conn, loans, now)?
        },
    })
}

pub async fn get(state: &AppState, actor: &Actor, id: TicketId) -> Result<TicketDetail, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    db::read(&state.pool, move |conn| {
        let row = visible(conn, &actor, id, now)?;
        detail(conn, row, now)
    })
    .await
}

/// R-TKT-1: residents report in the app, staff by phone unless they say otherwise; R-TKT-2:
/// public areas are reported by staff only.
fn intake_channel(actor: &Actor, input: &NewTicket) -> Result<Channel, AppError> {
    if actor.role == Role::Resident && input.location.is_some() {
        return Err(AppError::Forbidden(
            "public-area repairs are reported by staff".into(),
        ));
    }
    intake::channel(
        actor,
        input.channel,
        Channel::App,
        Some(Channel::Phone),
        "reports",
    )
}

/// R-TKT-12: the company repair of this kind on the unit that a new report repeats within
/// its three-month workmanship warranty, if any.
fn repeated_repair(
    conn: &mut AnyConnection,
    unit: Option<&UnitRow>,
    category: Category,
    now: DateTime<Utc>,
) -> Result<Option<TicketRow>, AppError> {
    let Some(unit) = unit else {
        return Ok(None);
    };
    Ok(
        repo::latest_company_repair(conn, unit.id, category)?.filter(|t| {
            t.completed_at
                .is_some_and(|done| under_workmanship_warranty(done.and_utc(), now))
        }),
    )
}

/// The report's first timeline entry: the proposed route and any warranty link.
fn first_step(proposal: &RouteProposal, original: Option<&TicketRow>) -> FirstStep {
    let mut note = format!("proposed route {}: {}", proposal.route, proposal.reason);
    if let Some(original) = original {
        note.push_str(&format!(
            "; repeats {} within its 3-month workmanship warranty: free",
            original.number
        ));
    }
    FirstStep {
        action: "report",
        status: TicketStatus::Reported.as_str(),
        note,
    }
}

/// R-TKT-1..5, 12: takes a report.
pub async fn report(
    state: &AppState,
    actor: &Actor,
    input: NewTicket,
) -> Result<TicketDetail, AppError> {
    input.validate()?;
    let channel = intake_channel(actor, &input)?;
    let resident = actor.role == Role::Resident;
    let (actor, now) = (actor.clone(), state.now());
    let write = move |conn: &mut AnyConnection| {
        let Place { site_id, unit } = intake::place(
            conn,
            &actor,
            input.unit_id,
            input.site_id,
            SiteWide::Staff,
            now.date_naive(),
        )?;
        let contact_phone = intake::phone_or_own(conn, actor.user_id, input.contact_phone)?
            .ok_or_else(|| {
                AppError::field("contact_phone", "required: the account has no phone")
            })?;
        let due = deadlines(input.priority, input.category, now);
        let (_, local_today) = crate::sites::service::site_today(conn, site_id, now)?;
        let proposal = propose_route(
            input.category,
            unit.as_ref().and_then(|u| u.handover_date),
            local_today,
        );
        let original = repeated_repair(conn, unit.as_ref(), input.category, now)?;
        let number = numbering::next(conn, site_id, NUMBER_PREFIX, local_today)?;
        let row = repo::insert(
            conn,
            NewTicketRow {
                site_id,
                number,
                unit_id: unit.as_ref().map(|u| u.id),
                location: input.location.map(String::from),
                category: input.category,
                priority: input.priority,
                // R-TKT-3: the resident's choice is kept as a suggestion.
                suggested_priority: resident.then_some(input.priority),
                channel,
                contact_phone,
                description: input.description.into(),
                reporter_id: actor.user_id,
                received_by: (!resident).then_some(actor.user_id),
                status: TicketStatus::Reported,
                route: proposal.route,
                proposed_route: proposal.route,
                route_reason: proposal.reason.clone(),
                arrive_by: due.arrive_by.map(utc),
                fix_by: utc(due.fix_by),
                charge_status: ChargeStatus::None,
                rework_count: 0,
                warranty_of: original.as_ref().map(|t| t.id),
                free_of_charge: original.is_some(),
                created_at: utc(now),
                updated_at: utc(now),
            },
        )?;
        let first = first_step(&proposal, original.as_ref());
        intake::record_first_step(
            conn,
            Subject::Ticket,
            row.id,
            row.site_id,
            &actor,
            first,
            now,
        )?;
        Ok(row)
    };
    let read = move |conn: &mut AnyConnection, row| detail(conn, row, now);
    idempotency::transaction_then_read(state, Answer::Created, write, read).await
}

/// What an action's effect is handed, and what it returns.
pub type Ctx<'a> = lifecycle::Ctx<'a, TicketRow>;
pub type Effect = lifecycle::Effect<TicketChange>;

/// The ticket's state machine for the shared action driver.
pub struct TicketLifecycle;

impl Lifecycle for TicketLifecycle {
    type Id = TicketId;
    type Row = TicketRow;
    type Status = TicketStatus;
    type Action = TicketAction;
    type Change = TicketChange;
    const SUBJECT: Subject = Subject::Ticket;
    const NOUN: &'static str = "ticket";

    fn visible(
        conn: &mut AnyConnection,
        actor: &Actor,
        id: TicketId,
        now: DateTime<Utc>,
    ) -> Result<TicketRow, AppError> {
        visible(conn, actor, id, now)
    }

    fn status(row: &TicketRow) -> TicketStatus {
        row.status
    }

    fn site_id(row: &TicketRow) -> SiteId {
        row.site_id
    }

    fn after(status: TicketStatus, action: TicketAction) -> Option<TicketStatus> {
        status.after(action)
    }

    fn apply(
        conn: &mut AnyConnection,
        row: &TicketRow,
        next: TicketStatus,
        mut change: TicketChange,
        now: NaiveDateTime,
    ) -> QueryResult<Option<TicketRow>> {
        change.status = Some(next);
        change.updated_at = Some(now);
        change.version = Some(row.version + 1);
        repo::apply(conn, row.id, row.version, change)
    }

    fn notices(
        conn: &mut AnyConnection,
        action: TicketAction,
        row: &TicketRow,
        now: DateTime<Utc>,
    ) -> QueryResult<Vec<Notice>> {
        super::notices::of_action(conn, action, row, now)
    }

    /// A repair that closes files itself into its unit's archive (R-ARC-4).
    fn then(
        conn: &mut AnyConnection,
        from: TicketStatus,
        row: &TicketRow,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        if row.status != TicketStatus::Closed || from == TicketStatus::Closed {
            return Ok(());
        }
        let result = row.result_note.as_deref().unwrap_or("no result recorded");
        archives::filing::file_closed(
            conn,
            archives::filing::ClosedRecord {
                unit_id: row.unit_id,
                ticket_id: Some(row.id.get()),
                complaint_id: None,
                title: format!(
                    "{}: {}",
                    row.number,
                    row.category.as_str().replace('_', " ")
                ),
                summary: format!("{}. Result: {result}", row.description),
                raised_by: Some(row.reporter_id),
            },
            now,
        )
    }
}

/// Runs one ticket action in one transaction (see [`lifecycle::run`]).
pub async fn act<F>(
    state: &AppState,
    actor: &Actor,
    id: TicketId,
    action: TicketAction,
    effect: F,
) -> Result<TicketDetail, AppError>
where
    F: FnOnce(&mut AnyConnection, &Ctx) -> Result<Effect, AppError> + Send + 'static,
{
    lifecycle::act::<TicketLifecycle, _, _, _>(
        state,
        actor,
        id,
        action,
        effect,
        |conn, _, row, now| detail(conn, row, now),
    )
    .await
}

/// Engineers act only on the orders assigned to them.
pub fn require_assigned(conn: &mut AnyConnection, ctx: &Ctx) -> Result<(), AppError> {
    let assigned = repo::engineers_of(conn, &[ctx.row.id])?
        .iter()
        .any(|(_, engineer, _, _)| *engineer == ctx.actor.user_id);
    if ctx.actor.role == Role::Engineer && !assigned {
        return Err(AppError::Forbidden(
            "this work order is assigned to other engineers".into(),
        ));
    }
    Ok(())
}

/// How long before a work order's fix-by deadline its engineers are warned.
pub const WARN_AHEAD: chrono::Duration = chrono::Duration::hours(2);
/// Work orders warned of per site and run; the next run takes the rest.
const WARN_BATCH: i64 = 500;

/// Tells each engineer of an open work order whose fix-by deadline falls within
/// [`WARN_AHEAD`], once per work order; one transaction per site. Answers how many work
/// orders were warned of. A warning is a notice of kind `deadline_near`, so a work order
/// already warned of is not read again (and a second instance's run finds nothing left).
pub async fn warn_deadlines_near(state: &AppState) -> Result<usize, AppError> {
    let now = state.now();
    crate::sites::service::each_site(state, move |conn, site_id| {
        let due = repo::due_unwarned(conn, site_id, utc(now), utc(now + WARN_AHEAD), WARN_BATCH)?;
        for row in &due {
            let notices = super::notices::deadline_near(conn, row)?;
            crate::notifications::notify(conn, Subject::Ticket, row.id.get(), notices, None, now)?;
        }
        Ok(due.len())
    })
    .await
}

/// A ticket's files: the report's photos from whoever may see it, the work order's before
/// and after photos from the engineers assigned and the desk.
pub struct TicketFiles;

impl files::Holder for TicketFiles {
    const SUBJECT: Subject = Subject::Ticket;
    type Id = TicketId;

    fn check(
        conn: &mut AnyConnection,
        actor: &Actor,
        id: TicketId,
        intent: Intent,
        now: DateTime<Utc>,
    ) -> Result<SiteId, AppError> {
        let ticket = visible(conn, actor, id, now)?;
        let Intent::Attach(stage) = intent else {
            return Ok(ticket.site_id);
        };
        files::still_open(ticket.status.is_open(), &ticket.number)?;
        if matches!(stage, Stage::BeforeWork | Stage::AfterWork) {
            let assigned = repo::engineers_of(conn, &[id])?
                .iter()
                .any(|(_, engineer, _, _)| *engineer == actor.user_id);
            match actor.role {
                Role::Resident => {
                    return Err(AppError::Forbidden(
                        "before and after photos are the engineers' and the desk's".into(),
                    ))
                }
                Role::Engineer if !assigned => {
                    return Err(AppError::Forbidden(
                        "this work order is assigned to other engineers".into(),
                    ))
                }
                _ => {}
            }
        }
        Ok(ticket.site_id)
    }
}
