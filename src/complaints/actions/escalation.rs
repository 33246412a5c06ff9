//! Escalation and the developer (R-CMP-9, R-CMP-10).

use super::{agreed_due, said_to_complainant, Action, Effect};
use crate::complaints::dto::*;
use crate::complaints::model::*;
use crate::complaints::repo::ComplaintChange;
use crate::db::utc;
use crate::error::{AppError, Precondition};
use crate::i18n::Msg;

/// R-CMP-9: one level up at a time or more, never down; the resident is told.
pub fn escalate(input: Escalate) -> Action {
    Box::new(move |conn, ctx| {
        let current = ctx.row.escalation;
        let rank = |e: Escalation| Escalation::ALL.iter().position(|x| *x == e);
        if current.is_some_and(|c| rank(c) >= rank(input.level)) {
            return Err(AppError::precondition(
                Precondition::AlreadyEscalated,
                Msg::new("already escalated to %{level}").arg("level", current.expect("checked")),
            ));
        }
        let mut change = ComplaintChange {
            escalation: Some(Some(input.level)),
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
pub fn transfer_to_developer(input: TransferToDeveloper) -> Action {
    Box::new(move |_, ctx| {
        if ctx.row.class != ComplaintClass::Developer {
            return Err(AppError::precondition(
                Precondition::NotDeveloperClass,
                Msg::new(
                    "only class 2 (developer) complaints go to the developer; this one is %{class}",
                )
                .arg("class", ctx.row.class),
            ));
        }
        let due = developer_due(ctx.now);
        let mut row = ctx.row.clone();
        row.developer_due_at = Some(utc(due));
        Ok(Effect {
            change: ComplaintChange {
                department: Some(Some(Department::Developer)),
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
        Ok(Effect {
            change: ComplaintChange {
                developer_replied_at: Some(Some(utc(ctx.now))),
                ..Default::default()
            },
            note: Some(format!("developer's solution: {}", input.solution)),
        })
    })
}
