//! The effects of the complaint actions: each checks what only it knows and says which
//! columns change. [`super::service::act`] does the rest.

use chrono::{DateTime, Utc};

use super::dto::*;
use super::model::*;
use super::replies;
use super::repo::{self, ComplaintChange, ComplaintRow};
use super::service::{Ctx, Effect};
use crate::access::{self, Role};
use crate::db::{utc, AnyConnection};
use crate::error::{AppError, Precondition};
use crate::timeline::{self, Step, Subject};
use crate::users::repo as users_repo;
use crate::visits::{self, NewVisit, Satisfaction};

type Action = Box<dyn FnOnce(&mut AnyConnection, &Ctx) -> Result<Effect, AppError> + Send>;

/// The earliest deadline agreed with someone, which long-running chases aim at (R-CMP-11).
fn agreed_due(row: &ComplaintRow) -> Option<DateTime<Utc>> {
    [row.fix_by, row.developer_due_at, row.reply_promised_by]
        .into_iter()
        .flatten()
        .min()
        .map(|d| d.and_utc())
}

/// Something was said to the complainant: the first such message is the first response
/// (R-CMP-5), and one after a promised reply date keeps the promise (R-CMP-8).
fn said_to_complainant(
    conn: &mut AnyConnection,
    ctx: &Ctx,
    text: &str,
    standard_reply_id: Option<i64>,
    change: &mut ComplaintChange,
) -> Result<(), AppError> {
    repo::add_message(
        conn,
        ctx.row.id,
        MessageKind::Reply.as_str(),
        ctx.actor.user_id,
        text,
        standard_reply_id,
        utc(ctx.now),
    )?;
    let now = Some(Some(utc(ctx.now)));
    if ctx.row.responded_at.is_none() {
        change.responded_at = now;
    }
    if ctx.row.reply_promised_by.is_some() && ctx.row.promise_kept_at.is_none() {
        change.promise_kept_at = now;
    }
    Ok(())
}

/// A staff user who is active, in `role`, and works for the complaint's site.
fn staff_of_site(
    conn: &mut AnyConnection,
    ctx: &Ctx,
    user_id: i64,
    role: Role,
    field: &str,
) -> Result<String, AppError> {
    access::staff_of_site(conn, user_id, role, ctx.row.site_id)?.ok_or_else(|| {
        AppError::field(field, format!("no active {role} of this site with this id"))
    })
}

/// R-CMP-6: a butler owns the complaint and follows it to the end.
pub fn assign_owner(input: AssignOwner) -> Action {
    Box::new(move |conn, ctx| {
        let name = staff_of_site(conn, ctx, input.butler_id, Role::Butler, "butler_id")?;
        Ok(Effect {
            change: ComplaintChange {
                owner_id: Some(Some(input.butler_id)),
                ..Default::default()
            },
            note: Some(format!("owner: {name}")),
        })
    })
}

/// R-CMP-2/3/4: judge or re-judge class, nature and subject; the timeline keeps the change,
/// so a communication complaint that became a valid one stays visible (R-CMP-3).
pub fn classify(input: Classify) -> Action {
    Box::new(move |_, ctx| {
        input.validate()?;
        let row = ctx.row;
        let class = input.class.map_or(row.class.clone(), |c| c.as_str().into());
        let nature = input
            .nature
            .map_or(row.nature.clone(), |n| n.as_str().into());
        let kind = match input.communication_kind {
            Some(kind) => Some(kind.as_str().to_owned()),
            None => row.communication_kind.clone(),
        }
        .filter(|_| nature == Nature::Communication.as_str());
        if input.communication_kind.is_some() && nature != Nature::Communication.as_str() {
            return Err(AppError::field(
                "communication_kind",
                "only with nature = communication",
            ));
        }
        let subject = input
            .subject
            .unwrap_or(ComplaintSubject::from_db(&row.subject)?);
        let mut change = ComplaintChange {
            class: Some(class.clone()),
            nature: Some(nature.clone()),
            communication_kind: Some(kind),
            subject: Some(subject.as_str().into()),
            ..Default::default()
        };
        if row.handed_off_at.is_none() {
            change.handoff_by = Some(handoff_by(subject, row.created_at.and_utc()).map(utc));
        }
        Ok(Effect {
            change,
            note: Some(format!(
                "class {} -> {class}, nature {} -> {nature}, subject {} -> {subject}: {}",
                row.class, row.nature, row.subject, input.note
            )),
        })
    })
}

/// R-CMP-15: major; a department head steps in and it is chased daily.
pub fn mark_major(input: MarkMajor) -> Action {
    Box::new(move |conn, ctx| {
        check_texts(&[("note", &input.note)], &[])?;
        let name = staff_of_site(conn, ctx, input.lead_id, Role::Manager, "lead_id")?;
        Ok(Effect {
            change: ComplaintChange {
                major: Some(true),
                major_lead_id: Some(Some(input.lead_id)),
                next_chase_at: Some(Some(utc(next_chase(true, ctx.now, agreed_due(ctx.row))))),
                ..Default::default()
            },
            note: Some(format!("major, led by {name}: {}", input.note)),
        })
    })
}

/// R-CMP-5/19: a reply to the complainant, from the standard library or free text.
pub fn reply(input: NewReply) -> Action {
    Box::new(move |conn, ctx| {
        check_texts(&[], &[("text", input.text.as_deref())])?;
        let standard = input
            .standard_reply_id
            .map(|id| replies::usable(conn, id, ctx.row.site_id))
            .transpose()?;
        let text = match (input.text, &standard) {
            (Some(text), _) => text,
            (None, Some(s)) => s.body.clone(),
            (None, None) => return Err(AppError::field("text", "give text or standard_reply_id")),
        };
        let mut change = ComplaintChange::default();
        said_to_complainant(conn, ctx, &text, input.standard_reply_id, &mut change)?;
        let note = match &standard {
            Some(s) => format!("reply using standard reply \"{}\"", s.title),
            None => "reply".into(),
        };
        Ok(Effect {
            change,
            note: Some(note),
        })
    })
}

/// A note for staff only.
pub fn note(input: InternalNote) -> Action {
    Box::new(move |conn, ctx| {
        check_texts(&[("note", &input.note)], &[])?;
        repo::add_message(
            conn,
            ctx.row.id,
            MessageKind::InternalNote.as_str(),
            ctx.actor.user_id,
            &input.note,
            None,
            utc(ctx.now),
        )?;
        Ok(Effect::note("internal note"))
    })
}

/// R-CMP-6: to the responsible department (within 20 minutes for service quality).
pub fn hand_to_department(input: HandToDepartment) -> Action {
    Box::new(move |_, ctx| {
        check_texts(&[], &[("note", input.note.as_deref())])?;
        let mut change = ComplaintChange {
            department: Some(Some(input.department.as_str().into())),
            ..Default::default()
        };
        if ctx.row.handed_off_at.is_none() {
            change.handed_off_at = Some(Some(utc(ctx.now)));
        }
        let mut note = format!("to {}", input.department);
        if let Some(extra) = input.note {
            note.push_str(&format!(": {extra}"));
        }
        Ok(Effect {
            change,
            note: Some(note),
        })
    })
}

fn in_future(at: DateTime<Utc>, ctx: &Ctx, field: &str) -> Result<(), AppError> {
    if at <= ctx.now {
        return Err(AppError::field(field, "must be in the future"));
    }
    Ok(())
}

/// R-CMP-9: the department replies with a fix deadline; chases aim at it.
pub fn set_fix_deadline(input: FixDeadline) -> Action {
    Box::new(move |_, ctx| {
        check_texts(&[], &[("note", input.note.as_deref())])?;
        in_future(input.fix_by, ctx, "fix_by")?;
        if ctx.row.department.is_none() {
            return Err(AppError::precondition(
                Precondition::NoDepartment,
                "hand the complaint to a department first",
            ));
        }
        let mut row = ctx.row.clone();
        row.fix_by = Some(utc(input.fix_by));
        Ok(Effect {
            change: ComplaintChange {
                fix_by: Some(Some(utc(input.fix_by))),
                next_chase_at: Some(Some(utc(next_chase(row.major, ctx.now, agreed_due(&row))))),
                ..Default::default()
            },
            note: Some(format!(
                "fix by {}{}",
                input.fix_by.to_rfc3339(),
                input.note.map(|n| format!(": {n}")).unwrap_or_default()
            )),
        })
    })
}

/// R-CMP-8: not our fault and not explained at once: the explanation so far, and the date
/// by which a full reply is promised.
pub fn promise_reply(input: PromiseReply) -> Action {
    Box::new(move |conn, ctx| {
        check_texts(&[("explanation", &input.explanation)], &[])?;
        in_future(input.reply_by, ctx, "reply_by")?;
        if ctx.row.responsibility.as_deref() == Some(Responsibility::Company.as_str()) {
            return Err(AppError::precondition(
                Precondition::CompanyResponsible,
                "the company is responsible: reply and fix, do not defer",
            ));
        }
        let mut change = ComplaintChange::default();
        said_to_complainant(conn, ctx, &input.explanation, None, &mut change)?;
        // This message makes the promise; the next one keeps it.
        change.promise_kept_at = Some(None);
        change.reply_promised_by = Some(Some(utc(input.reply_by)));
        Ok(Effect {
            change,
            note: Some(format!("reply promised by {}", input.reply_by.to_rfc3339())),
        })
    })
}

/// R-CMP-8: who is responsible.
pub fn establish_responsibility(input: EstablishResponsibility) -> Action {
    Box::new(move |_, _| {
        check_texts(&[("note", &input.note)], &[])?;
        Ok(Effect {
            change: ComplaintChange {
                responsibility: Some(Some(input.responsibility.as_str().into())),
                ..Default::default()
            },
            note: Some(format!(
                "responsibility: {}: {}",
                input.responsibility, input.note
            )),
        })
    })
}

/// R-CMP-8: no compensation is promised before the company's responsibility is established.
pub fn promise_compensation(input: PromiseCompensation) -> Action {
    Box::new(move |_, ctx| {
        check_texts(&[("compensation", &input.compensation)], &[])?;
        match ctx.row.responsibility.as_deref() {
            None => {
                return Err(AppError::precondition(
                    Precondition::ResponsibilityUnknown,
                    "responsibility is not established yet: no compensation may be promised",
                ))
            }
            Some(r) if r != Responsibility::Company.as_str() => {
                return Err(AppError::precondition(
                    Precondition::NotResponsible,
                    format!("responsibility is {r}: the company promises no compensation"),
                ))
            }
            Some(_) => {}
        }
        Ok(Effect {
            change: ComplaintChange {
                compensation: Some(Some(input.compensation.clone())),
                ..Default::default()
            },
            note: Some(format!("compensation promised: {}", input.compensation)),
        })
    })
}

/// R-CMP-9: one level up at a time or more, never down; the resident is told.
pub fn escalate(input: Escalate) -> Action {
    Box::new(move |conn, ctx| {
        check_texts(
            &[
                ("reason", &input.reason),
                ("told_resident", &input.told_resident),
            ],
            &[],
        )?;
        let current = ctx
            .row
            .escalation
            .as_deref()
            .map(Escalation::from_db)
            .transpose()?;
        let rank = |e: Escalation| Escalation::ALL.iter().position(|x| *x == e);
        if current.is_some_and(|c| rank(c) >= rank(input.level)) {
            return Err(AppError::field(
                "level",
                format!("already escalated to {}", current.expect("checked")),
            ));
        }
        let mut change = ComplaintChange {
            escalation: Some(Some(input.level.as_str().into())),
            ..Default::default()
        };
        said_to_complainant(conn, ctx, &input.told_resident, None, &mut change)?;
        Ok(Effect {
            change,
            note: Some(format!("escalated to {}: {}", input.level, input.reason)),
        })
    })
}

/// R-CMP-10: class 2 goes to the developer, who owes a solution within a week.
pub fn transfer_to_developer(input: DeveloperTransfer) -> Action {
    Box::new(move |_, ctx| {
        check_texts(&[("note", &input.note)], &[])?;
        if ctx.row.class != ComplaintClass::Developer.as_str() {
            return Err(AppError::precondition(
                Precondition::NotDeveloperClass,
                format!(
                    "only class 2 (developer) complaints go to the developer; this one is {}",
                    ctx.row.class
                ),
            ));
        }
        let due = developer_due(ctx.now);
        let mut row = ctx.row.clone();
        row.developer_due_at = Some(utc(due));
        Ok(Effect {
            change: ComplaintChange {
                department: Some(Some(Department::Developer.as_str().into())),
                developer_due_at: Some(Some(utc(due))),
                developer_replied_at: Some(None),
                next_chase_at: Some(Some(utc(next_chase(row.major, ctx.now, agreed_due(&row))))),
                ..Default::default()
            },
            note: Some(format!(
                "to the developer, solution due {}: {}",
                due.to_rfc3339(),
                input.note
            )),
        })
    })
}

/// R-CMP-10: the developer's solution; handling goes on with the desk.
pub fn developer_reply(input: DeveloperSolution) -> Action {
    Box::new(move |_, ctx| {
        check_texts(&[("solution", &input.solution)], &[])?;
        Ok(Effect {
            change: ComplaintChange {
                developer_replied_at: Some(Some(utc(ctx.now))),
                ..Default::default()
            },
            note: Some(format!("developer's solution: {}", input.solution)),
        })
    })
}

/// R-CMP-11: a chase; the next one is scheduled, and a result passed on is a reply.
pub fn chase(input: ChaseResult) -> Action {
    Box::new(move |conn, ctx| {
        check_texts(&[("result", &input.result)], &[])?;
        let mut change = ComplaintChange {
            next_chase_at: Some(Some(utc(next_chase(
                ctx.row.major,
                ctx.now,
                agreed_due(ctx.row),
            )))),
            ..Default::default()
        };
        if input.passed_to_resident {
            said_to_complainant(conn, ctx, &input.result, None, &mut change)?;
        }
        Ok(Effect {
            change,
            note: Some(format!(
                "{} ({})",
                input.result,
                if input.passed_to_resident {
                    "passed to the resident"
                } else {
                    "not passed to the resident"
                }
            )),
        })
    })
}

/// R-CMP-12/13/17: the result and root cause; the visit falls due a week on, unless exempt.
pub fn resolve(input: Resolve) -> Action {
    Box::new(move |conn, ctx| {
        check_texts(&[("resolution", &input.resolution)], &[])?;
        let row = ctx.row;
        let refuses_visits = match row.complainant_id {
            Some(id) => users_repo::find(conn, id)?.is_some_and(|u| u.refuses_visits),
            None => false,
        };
        let exemption = visit_exemption(&VisitFacts {
            solved_on_spot_and_confirmed: input.solved_on_spot_and_confirmed,
            anonymous: row.complainant_kind == ComplainantKind::Anonymous.as_str(),
            sensitive: row.sensitive,
            refuses_visits,
        });
        let mut change = ComplaintChange {
            resolution: Some(Some(input.resolution.clone())),
            root_cause: Some(Some(input.root_cause.as_str().into())),
            resolved_at: Some(Some(utc(ctx.now))),
            visit_exemption: Some(exemption.map(|e| e.as_str().into())),
            visit_by: Some(exemption.is_none().then(|| utc(visit_by(ctx.now)))),
            ..Default::default()
        };
        if row.responded_at.is_none() {
            change.responded_at = Some(Some(utc(ctx.now)));
        }
        let mut note = format!("{} (root cause {})", input.resolution, input.root_cause);
        if let Some(e) = exemption {
            note.push_str(&format!("; no follow-up visit: {e}"));
        }
        Ok(Effect {
            change,
            note: Some(note),
        })
    })
}

/// R-CMP-12: the complainant's opinion of the handling.
pub fn opinion(input: Opinion) -> Action {
    Box::new(move |_, _| {
        check_texts(&[], &[("comment", input.comment.as_deref())])?;
        Ok(Effect {
            change: ComplaintChange {
                opinion: Some(Some(input.opinion.as_str().into())),
                opinion_comment: Some(input.comment.clone()),
                ..Default::default()
            },
            note: Some(format!("opinion: {}", input.opinion)),
        })
    })
}

/// R-CMP-12: a manager reviews the handling form.
pub fn review(input: Review) -> Action {
    Box::new(move |_, ctx| {
        check_texts(&[("note", &input.note)], &[])?;
        Ok(Effect {
            change: ComplaintChange {
                reviewed_by: Some(Some(ctx.actor.user_id)),
                reviewed_at: Some(Some(utc(ctx.now))),
                ..Default::default()
            },
            note: Some(input.note.clone()),
        })
    })
}

fn require_visit_due(row: &ComplaintRow) -> Result<(), AppError> {
    match &row.visit_exemption {
        Some(reason) => Err(AppError::precondition(
            Precondition::VisitExempt,
            format!("no follow-up visit for this complaint: {reason}"),
        )),
        None => Ok(()),
    }
}

/// The action a visit is: one that closes, or one that reopens (R-CMP-14).
pub fn visit_action(input: &NewVisit) -> ComplaintAction {
    if input.satisfaction == Satisfaction::Dissatisfied {
        ComplaintAction::VisitDissatisfied
    } else {
        ComplaintAction::Visit
    }
}

/// R-CMP-13/14: the follow-up visit; satisfied (or neutral) closes, dissatisfied reopens.
pub fn visit(input: NewVisit) -> Action {
    Box::new(move |conn, ctx| {
        input.validate()?;
        require_visit_due(ctx.row)?;
        visits::repo::record(
            conn,
            Subject::Complaint,
            ctx.row.id,
            ctx.actor.user_id,
            &input,
            utc(ctx.now),
        )?;
        let change = if input.satisfaction == Satisfaction::Dissatisfied {
            ComplaintChange {
                resolved_at: Some(None),
                visit_by: Some(None),
                reopen_count: Some(ctx.row.reopen_count + 1),
                next_chase_at: Some(Some(utc(next_chase(ctx.row.major, ctx.now, None)))),
                ..Default::default()
            }
        } else {
            ComplaintChange {
                closure_reason: Some(Some(ClosureReason::SatisfiedAtVisit.as_str().into())),
                closed_at: Some(Some(utc(ctx.now))),
                ..Default::default()
            }
        };
        Ok(Effect {
            change,
            note: Some(format!(
                "{} by {}: {}",
                input.satisfaction, input.method, input.result
            )),
        })
    })
}

/// No visit after all: the quiet week closes it (R-CMP-14).
fn exempt(ctx: &Ctx, reason: VisitExemption, note: String) -> Result<Effect, AppError> {
    require_visit_due(ctx.row)?;
    Ok(Effect {
        change: ComplaintChange {
            visit_exemption: Some(Some(reason.as_str().into())),
            visit_by: Some(None),
            ..Default::default()
        },
        note: Some(format!("no follow-up visit ({reason}): {note}")),
    })
}

/// R-CMP-13: the resident refuses visits: flagged, and never scheduled for one again.
pub fn refuse_visits(input: InternalNote) -> Action {
    Box::new(move |conn, ctx| {
        check_texts(&[("note", &input.note)], &[])?;
        if let Some(id) = ctx.row.complainant_id {
            users_repo::refuse_visits(conn, id)?;
        }
        exempt(ctx, VisitExemption::RefusesVisits, input.note)
    })
}

/// R-CMP-13: the complainant cannot be reached.
pub fn mark_unreachable(input: InternalNote) -> Action {
    Box::new(move |_, ctx| {
        check_texts(&[("note", &input.note)], &[])?;
        exempt(ctx, VisitExemption::Unreachable, input.note)
    })
}

/// R-CMP-16: a duplicate is counted with the complaint about the same event: that one gains
/// an occurrence, a complainant if this one is a new person, and the impact.
pub fn merge(input: Merge) -> Action {
    Box::new(move |conn, ctx| {
        check_texts(&[], &[("impact", input.impact.as_deref())])?;
        let row = ctx.row;
        if input.into_id == row.id {
            return Err(AppError::field(
                "into_id",
                "cannot merge a complaint into itself",
            ));
        }
        if row.occurrences > 1 {
            return Err(AppError::precondition(
                Precondition::HasMerged,
                "other complaints are merged into this one; merge the others into it instead",
            ));
        }
        let target = repo::find(conn, input.into_id)?
            .filter(|t| ctx.actor.covers_site(t.site_id))
            .ok_or_else(|| AppError::field("into_id", "no complaint with this id among yours"))?;
        if target.site_id != row.site_id {
            return Err(AppError::field(
                "into_id",
                "complaints of different sites are different events",
            ));
        }
        if target.status == ComplaintStatus::Merged.as_str() {
            return Err(AppError::field(
                "into_id",
                "that complaint is itself merged; merge into the one it was merged into",
            ));
        }
        let new_person = match row.complainant_id {
            Some(person) => !repo::event_has_complainant(conn, target.id, person)?,
            None => true,
        };
        let change = ComplaintChange {
            occurrences: Some(target.occurrences + 1),
            complainant_count: Some(target.complainant_count + i32::from(new_person)),
            impact: input.impact.clone().map(Some),
            updated_at: Some(utc(ctx.now)),
            version: Some(target.version + 1),
            ..Default::default()
        };
        repo::apply(conn, target.id, target.version, &change)?
            .ok_or_else(|| AppError::StaleVersion("complaint"))?;
        timeline::repo::record(
            conn,
            Subject::Complaint,
            target.id,
            Step {
                actor_id: Some(ctx.actor.user_id),
                action: "merge_in",
                from_status: None,
                to_status: None,
                note: Some(format!("{} counted with this event", row.number)),
            },
            utc(ctx.now),
        )?;
        Ok(Effect {
            change: ComplaintChange {
                merged_into: Some(Some(target.id)),
                closure_reason: Some(Some(ClosureReason::Merged.as_str().into())),
                closed_at: Some(Some(utc(ctx.now))),
                ..Default::default()
            },
            note: Some(format!("merged into {}", target.number)),
        })
    })
}
