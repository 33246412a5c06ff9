//! Intake and ownership: who owns the complaint, what it is, whether it is major.

use super::{agreed_due, staff_of_site, Action, Effect};
use crate::access::Role;
use crate::complaints::dto::*;
use crate::complaints::model::*;
use crate::complaints::repo::ComplaintChange;
use crate::db::utc;
use crate::error::AppError;

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
        let class = input.class.unwrap_or(row.class);
        let nature = input.nature.unwrap_or(row.nature);
        let kind = input
            .communication_kind
            .or(row.communication_kind)
            .filter(|_| nature == Nature::Communication);
        if input.communication_kind.is_some() && nature != Nature::Communication {
            return Err(AppError::field(
                "communication_kind",
                "only with nature = communication",
            ));
        }
        let subject = input.subject.unwrap_or(row.subject);
        let mut change = ComplaintChange {
            class: Some(class),
            nature: Some(nature),
            communication_kind: Some(kind),
            subject: Some(subject),
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
