//! Complaint use cases: intake (R-CMP-1..6, 15) and the actions of the lifecycle, which run
//! through the shared driver in [`crate::lifecycle`], and the closing sweep (R-CMP-14).

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::QueryResult;

use super::dto::*;
use super::model::*;
use super::repo::{self, ComplaintChange, ComplaintRow, NewComplaintRow};
use crate::access::{self, Actor, Role};
use crate::calendar;
use crate::db::{self, utc, AnyConnection};
use crate::deadlines;
use crate::error::{AppError, Lookup};
use crate::lifecycle::{self, Lifecycle};
use crate::numbering;
use crate::sites;
use crate::state::AppState;
use crate::timeline::{self, Step, Subject};
use crate::units;
use crate::users::repo as users_repo;
use crate::visits::{self, Satisfaction};

pub const NUMBER_PREFIX: &str = "TS";

/// The complaint, if the caller may see it: staff of its site, or its complainant.
fn visible(conn: &mut AnyConnection, actor: &Actor, id: i64) -> Result<ComplaintRow, AppError> {
    let row = repo::find(conn, id)?.ok_or(AppError::NotFound("complaint"))?;
    let visible = if actor.role.is_staff() {
        actor.covers_site(row.site_id)
    } else {
        row.complainant_id == Some(actor.user_id)
    };
    visible
        .then_some(row)
        .ok_or(AppError::NotFound("complaint"))
}

fn opt_utc(at: Option<NaiveDateTime>) -> Option<DateTime<Utc>> {
    at.map(|a| a.and_utc())
}

fn parse<T>(
    value: Option<&str>,
    from_db: fn(&str) -> Result<T, AppError>,
) -> Result<Option<T>, AppError> {
    value.map(from_db).transpose()
}

pub fn to_complaint(
    row: ComplaintRow,
    unit_code: Option<String>,
    now: DateTime<Utc>,
) -> Result<Complaint, AppError> {
    let n = utc(now);
    let status = ComplaintStatus::from_db(&row.status)?;
    Ok(Complaint {
        deadlines: ComplaintDeadlines {
            first_response: deadlines::view(Some(row.respond_by), row.responded_at, n)
                .expect("respond_by is set"),
            department_handoff: deadlines::view(row.handoff_by, row.handed_off_at, n),
            promised_reply: deadlines::view(row.reply_promised_by, row.promise_kept_at, n),
            fix: deadlines::view(row.fix_by, row.resolved_at, n),
            developer: deadlines::view(row.developer_due_at, row.developer_replied_at, n),
            visit: deadlines::view(
                row.visit_by,
                row.closed_at.filter(|_| {
                    row.closure_reason.as_deref() == Some(ClosureReason::SatisfiedAtVisit.as_str())
                }),
                n,
            ),
        },
        complainant: Complainant {
            kind: ComplainantKind::from_db(&row.complainant_kind)?,
            user_id: row.complainant_id,
            name: row.complainant_name,
            phone: row.complainant_phone,
        },
        next_chase_at: opt_utc(row.next_chase_at).filter(|_| status.is_open()),
        status,
        id: row.id,
        number: row.number,
        site_id: row.site_id,
        unit_id: row.unit_id,
        unit_code,
        channel: ComplaintChannel::from_db(&row.channel)?,
        class: ComplaintClass::from_db(&row.class)?,
        nature: Nature::from_db(&row.nature)?,
        communication_kind: parse(
            row.communication_kind.as_deref(),
            CommunicationKind::from_db,
        )?,
        subject: ComplaintSubject::from_db(&row.subject)?,
        major: row.major,
        major_lead_id: row.major_lead_id,
        sensitive: row.sensitive,
        description: row.description,
        received_by: row.received_by,
        owner_id: row.owner_id,
        department: parse(row.department.as_deref(), Department::from_db)?,
        responsibility: parse(row.responsibility.as_deref(), Responsibility::from_db)?,
        compensation: row.compensation,
        escalation: parse(row.escalation.as_deref(), Escalation::from_db)?,
        resolution: row.resolution,
        root_cause: parse(row.root_cause.as_deref(), RootCause::from_db)?,
        resolved_at: opt_utc(row.resolved_at),
        opinion: parse(row.opinion.as_deref(), Satisfaction::from_db)?,
        opinion_comment: row.opinion_comment,
        reviewed_by: row.reviewed_by,
        reviewed_at: opt_utc(row.reviewed_at),
        visit_exemption: parse(row.visit_exemption.as_deref(), VisitExemption::from_db)?,
        closure_reason: parse(row.closure_reason.as_deref(), ClosureReason::from_db)?,
        closed_at: opt_utc(row.closed_at),
        merged_into: row.merged_into,
        event: EventCount {
            complainants: row.complainant_count,
            occurrences: row.occurrences,
            impact: row.impact,
        },
        reopen_count: row.reopen_count,
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
    })
}

/// Rows to API complaints, loading unit codes in one query.
pub fn to_complaints(
    conn: &mut AnyConnection,
    rows: Vec<ComplaintRow>,
    now: DateTime<Utc>,
) -> Result<Vec<Complaint>, AppError> {
    let unit_ids: Vec<i64> = rows.iter().filter_map(|r| r.unit_id).collect();
    let codes = units::repo::codes(conn, &unit_ids)?;
    rows.into_iter()
        .map(|row| {
            let code = row.unit_id.and_then(|u| codes.get(&u).cloned());
            to_complaint(row, code, now)
        })
        .collect()
}

fn detail(
    conn: &mut AnyConnection,
    actor: &Actor,
    row: ComplaintRow,
    now: DateTime<Utc>,
) -> Result<ComplaintDetail, AppError> {
    let id = row.id;
    let staff = actor.role.is_staff();
    let complaint = to_complaints(conn, vec![row], now)?
        .pop()
        .expect("one complaint");
    let messages = repo::messages(conn, id, !staff)?
        .into_iter()
        .map(|m| {
            Ok(Message {
                id: m.id,
                kind: MessageKind::from_db(&m.kind)?,
                author_id: m.author_id,
                body: m.body,
                standard_reply_id: m.standard_reply_id,
                at: m.created_at.and_utc(),
            })
        })
        .collect::<Result<_, AppError>>()?;
    let mut timeline = timeline::repo::history(conn, Subject::Complaint, id)?;
    if !staff {
        // Notes are the desk's working record; replies reach the complainant as messages.
        timeline.retain(|entry| entry.action != ComplaintAction::Note.as_str());
        for entry in &mut timeline {
            entry.note = None;
        }
    }
    Ok(ComplaintDetail {
        complaint,
        messages,
        timeline,
        visits: visits::repo::of_subject(conn, Subject::Complaint, id)?,
    })
}

pub async fn get(state: &AppState, actor: &Actor, id: i64) -> Result<ComplaintDetail, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    db::read(&state.pool, move |conn| {
        let row = visible(conn, &actor, id)?;
        detail(conn, &actor, row, now)
    })
    .await
}

/// The complainant of a staff intake, as columns: (kind, user id, name, phone).
type ComplainantColumns = (ComplainantKind, Option<i64>, Option<String>, Option<String>);

fn complainant_of(
    conn: &mut AnyConnection,
    actor: &Actor,
    input: Option<NewComplainant>,
    site_id: i64,
    today: chrono::NaiveDate,
) -> Result<ComplainantColumns, AppError> {
    if actor.role == Role::Resident {
        if input.is_some() {
            return Err(AppError::field(
                "complainant",
                "residents complain in their own name",
            ));
        }
        let me = users_repo::find(conn, actor.user_id)?.ok_or(AppError::NotFound("user"))?;
        return Ok((ComplainantKind::Resident, Some(me.id), None, me.phone));
    }
    let input = input.ok_or_else(|| AppError::field("complainant", "required for staff intake"))?;
    match input.kind {
        ComplainantKind::Resident => {
            let user_id = input.user_id.expect("validated");
            let resident = users_repo::find(conn, user_id)?.filter(|u| u.role == Role::Resident);
            let lives_here = match &resident {
                Some(_) => access::repo::lives_on_site(conn, user_id, site_id, today)?,
                None => false,
            };
            if !lives_here {
                return Err(AppError::field(
                    "complainant.user_id",
                    "no resident of this site with this id",
                ));
            }
            let phone = input
                .phone
                .map(|p| crate::contact::normalize_phone(&p))
                .or(resident.and_then(|u| u.phone));
            Ok((ComplainantKind::Resident, Some(user_id), None, phone))
        }
        ComplainantKind::Named => Ok((
            ComplainantKind::Named,
            None,
            input.name,
            input.phone.map(|p| crate::contact::normalize_phone(&p)),
        )),
        ComplainantKind::Anonymous => Ok((ComplainantKind::Anonymous, None, None, None)),
    }
}

/// R-CMP-1..6, 15: records a complaint. A butler who receives it owns it; anyone else
/// (a resident's app, an engineer, a manager) leaves it for a butler to take (R-CMP-6).
pub async fn receive(
    state: &AppState,
    actor: &Actor,
    input: NewComplaint,
) -> Result<ComplaintDetail, AppError> {
    input.validate()?;
    let resident = actor.role == Role::Resident;
    let channel = if resident {
        ComplaintChannel::App
    } else {
        match input.channel {
            Some(ComplaintChannel::App) => {
                return Err(AppError::field(
                    "channel",
                    "app is for residents' own complaints",
                ))
            }
            Some(other) => other,
            None => return Err(AppError::field("channel", "required for staff intake")),
        }
    };
    if resident && (input.major || input.sensitive) {
        return Err(AppError::field("major", "staff judge major and sensitive"));
    }
    let (actor, now) = (actor.clone(), state.now());
    db::transaction(&state.pool, move |conn| {
        let today = now.date_naive();
        let (site_id, unit_id) = match input.unit_id {
            Some(unit_id) => {
                let unit = units::service::visible_unit(conn, &actor, unit_id, today)
                    .found()?
                    .filter(|u| u.active && input.site_id.is_none_or(|s| s == u.site_id))
                    .ok_or_else(|| {
                        AppError::field("unit_id", "no active unit with this id among yours")
                    })?;
                (unit.site_id, Some(unit.id))
            }
            None => {
                let site_id = input.site_id.expect("validated");
                if !access::may_see_site(conn, &actor, site_id, today)? {
                    return Err(AppError::field(
                        "site_id",
                        "no site with this id among yours",
                    ));
                }
                (site_id, None)
            }
        };
        let (kind, complainant_id, name, phone) =
            complainant_of(conn, &actor, input.complainant, site_id, today)?;
        let tz = sites::service::time_zone(conn, site_id)?;
        let calendar = calendar::service::load(conn, site_id)?;
        let local_today = now.with_timezone(&tz).date_naive();
        let number = numbering::next(conn, site_id, NUMBER_PREFIX, local_today)?;
        let owner = (actor.role == Role::Butler).then_some(actor.user_id);
        let row = repo::insert(
            conn,
            &NewComplaintRow {
                site_id,
                number,
                complainant_kind: kind.as_str().into(),
                complainant_id,
                complainant_name: name,
                complainant_phone: phone,
                unit_id,
                channel: channel.as_str().into(),
                class: input
                    .class
                    .unwrap_or(ComplaintClass::PropertyService)
                    .as_str()
                    .into(),
                nature: input.nature.unwrap_or(Nature::Valid).as_str().into(),
                communication_kind: input.communication_kind.map(|k| k.as_str().into()),
                subject: input.subject.as_str().into(),
                major: input.major,
                sensitive: input.sensitive,
                description: input.description,
                received_by: actor.user_id,
                owner_id: owner,
                status: ComplaintStatus::Received.as_str().into(),
                respond_by: utc(respond_by(channel, now, &calendar, tz)),
                handoff_by: handoff_by(input.subject, now).map(utc),
                next_chase_at: Some(utc(next_chase(input.major, now, None))),
                created_at: utc(now),
                updated_at: utc(now),
            },
        )?;
        let note = match owner {
            Some(_) => "received and owned by the receiving butler".to_owned(),
            None => "received; waiting for a butler to own it".to_owned(),
        };
        timeline::repo::record(
            conn,
            Subject::Complaint,
            row.id,
            Step {
                actor_id: Some(actor.user_id),
                action: "receive",
                from_status: None,
                to_status: Some(ComplaintStatus::Received.as_str()),
                note: Some(note),
            },
            utc(now),
        )?;
        detail(conn, &actor, row, now)
    })
    .await
}

pub type Ctx<'a> = lifecycle::Ctx<'a, ComplaintRow>;
pub type Effect = lifecycle::Effect<ComplaintChange>;

/// The complaint's state machine for the shared action driver.
pub struct ComplaintLifecycle;

impl Lifecycle for ComplaintLifecycle {
    type Row = ComplaintRow;
    type Status = ComplaintStatus;
    type Action = ComplaintAction;
    type Change = ComplaintChange;
    const SUBJECT: Subject = Subject::Complaint;
    const NOUN: &'static str = "complaint";

    fn visible(
        conn: &mut AnyConnection,
        actor: &Actor,
        id: i64,
        _now: DateTime<Utc>,
    ) -> Result<ComplaintRow, AppError> {
        visible(conn, actor, id)
    }

    fn status(row: &ComplaintRow) -> Result<ComplaintStatus, AppError> {
        ComplaintStatus::from_db(&row.status)
    }

    fn after(status: ComplaintStatus, action: ComplaintAction) -> Option<ComplaintStatus> {
        status.after(action)
    }

    fn apply(
        conn: &mut AnyConnection,
        row: &ComplaintRow,
        next: ComplaintStatus,
        mut change: ComplaintChange,
        now: NaiveDateTime,
    ) -> QueryResult<Option<ComplaintRow>> {
        change.status = Some(next.as_str().into());
        change.updated_at = Some(now);
        change.version = Some(row.version + 1);
        repo::apply(conn, row.id, row.version, &change)
    }
}

/// Runs one complaint action in one transaction (see [`lifecycle::run`]).
pub async fn act<F>(
    state: &AppState,
    actor: &Actor,
    id: i64,
    action: ComplaintAction,
    effect: F,
) -> Result<ComplaintDetail, AppError>
where
    F: FnOnce(&mut AnyConnection, &Ctx) -> Result<Effect, AppError> + Send + 'static,
{
    lifecycle::act::<ComplaintLifecycle, _, _, _>(state, actor, id, action, effect, detail).await
}

/// How many complaints one sweep closes at most; the next sweep takes the rest.
const SWEEP_BATCH: i64 = 500;

/// R-CMP-14: closes exempt complaints handled a week ago with no repeat on the same unit and
/// subject since. Idempotent and safe with several instances: each close is a conditional
/// update on the version read, so a complaint is closed (and its timeline written) once.
pub async fn close_quiet(state: &AppState) -> Result<Vec<i64>, AppError> {
    let now = state.now();
    db::transaction(&state.pool, move |conn| {
        let mut closed = Vec::new();
        let mut after_id = 0;
        loop {
            let batch = repo::quiet_candidates(conn, utc(now - QUIET_WEEK), SWEEP_BATCH, after_id)?;
            let Some(last) = batch.last() else { break };
            after_id = last.id;
            for row in batch {
                let handled = row.resolved_at.expect("resolved rows have resolved_at");
                if repo::repeated_since(conn, &row, handled)? {
                    continue;
                }
                let change = ComplaintChange {
                    status: Some(ComplaintStatus::Closed.as_str().into()),
                    closure_reason: Some(Some(ClosureReason::QuietWeek.as_str().into())),
                    closed_at: Some(Some(utc(now))),
                    updated_at: Some(utc(now)),
                    version: Some(row.version + 1),
                    ..Default::default()
                };
                if repo::apply(conn, row.id, row.version, &change)?.is_none() {
                    continue;
                }
                timeline::repo::record(
                    conn,
                    Subject::Complaint,
                    row.id,
                    Step {
                        actor_id: None,
                        action: "close_quiet",
                        from_status: Some(ComplaintStatus::Resolved.as_str()),
                        to_status: Some(ComplaintStatus::Closed.as_str()),
                        note: Some("no visit due and no repeat complaint within a week".into()),
                    },
                    utc(now),
                )?;
                closed.push(row.id);
            }
        }
        Ok(closed)
    })
    .await
}
