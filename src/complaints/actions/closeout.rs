//! Close-out and visits: the result, the opinion, the review and the follow-up visit or
//! why there is none (R-CMP-12, R-CMP-13, R-CMP-14).

use super::{Action, Ctx, Effect};
use crate::complaints::dto::*;
use crate::complaints::model::*;
use crate::complaints::repo::{ComplaintChange, ComplaintRow};
use crate::db::utc;
use crate::error::{AppError, Precondition};
use crate::i18n::Msg;
use crate::timeline::Subject;
use crate::users::repo as users_repo;
use crate::visits::{self, NewVisit, Satisfaction};

/// R-CMP-12/13/17: the result and root cause; the visit falls due a week on, unless exempt.
pub fn resolve(input: Resolve) -> Action {
    Box::new(move |conn, ctx| {
        let row = ctx.row;
        let refuses_visits = match row.complainant_id {
            Some(id) => users_repo::find(conn, id)?.is_some_and(|u| u.refuses_visits),
            None => false,
        };
        let exemption = visit_exemption(&VisitFacts {
            solved_on_spot_and_confirmed: input.solved_on_spot_and_confirmed,
            anonymous: row.complainant_kind == ComplainantKind::Anonymous,
            sensitive: row.sensitive,
            refuses_visits,
        });
        let mut change = ComplaintChange {
            resolution: Some(Some(input.resolution.to_string())),
            root_cause: Some(Some(input.root_cause)),
            resolved_at: Some(Some(utc(ctx.now))),
            visit_exemption: Some(exemption),
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
        Ok(Effect {
            change: ComplaintChange {
                opinion: Some(Some(input.opinion)),
                opinion_comment: Some(input.comment.clone().map(String::from)),
                ..Default::default()
            },
            note: Some(format!("opinion: {}", input.opinion)),
        })
    })
}

/// R-CMP-12: a manager reviews the handling form.
pub fn review(input: Review) -> Action {
    Box::new(move |_, ctx| {
        Ok(Effect {
            change: ComplaintChange {
                reviewed_by: Some(Some(ctx.actor.user_id)),
                reviewed_at: Some(Some(utc(ctx.now))),
                ..Default::default()
            },
            note: Some(input.note.to_string()),
        })
    })
}

fn require_visit_due(row: &ComplaintRow) -> Result<(), AppError> {
    match &row.visit_exemption {
        Some(reason) => Err(AppError::precondition(
            Precondition::VisitExempt,
            Msg::new("no follow-up visit for this complaint: %{reason}").arg("reason", reason),
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
                closure_reason: Some(Some(ClosureReason::SatisfiedAtVisit)),
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
            visit_exemption: Some(Some(reason)),
            visit_by: Some(None),
            ..Default::default()
        },
        note: Some(format!("no follow-up visit ({reason}): {note}")),
    })
}

/// R-CMP-13: the resident refuses visits: flagged, and never scheduled for one again.
pub fn refuse_visits(input: InternalNote) -> Action {
    Box::new(move |conn, ctx| {
        if let Some(id) = ctx.row.complainant_id {
            users_repo::refuse_visits(conn, id)?;
        }
        exempt(ctx, VisitExemption::RefusesVisits, input.note.into())
    })
}

/// R-CMP-13: the complainant cannot be reached.
pub fn mark_unreachable(input: InternalNote) -> Action {
    Box::new(move |_, ctx| exempt(ctx, VisitExemption::Unreachable, input.note.into()))
}
