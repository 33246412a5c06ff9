//! The developer's warranty repairs: transfer and acknowledgement (R-TKT-5), the
//! developer's own completion, engineering's take-over and its settlement (R-TKT-6).

use super::{completion, Action};
use crate::db::utc;
use crate::error::{AppError, Precondition, Validator};
use crate::tickets::dto::*;
use crate::tickets::model::*;
use crate::tickets::repo::TicketChange;
use crate::tickets::service::Effect;

/// R-TKT-5: hands the ticket to the developer with a contact slip and an agreed deadline.
pub fn transfer(input: Transfer) -> Action {
    Box::new(move |_, ctx| {
        Validator::new()
            .check(
                input.developer_due_at > ctx.now,
                "developer_due_at",
                "must be in the future",
            )
            .finish()?;
        Ok(Effect {
            change: TicketChange {
                route: Some(Route::Developer),
                developer_slip: Some(Some(input.slip.to_string())),
                developer_due_at: Some(Some(utc(input.developer_due_at))),
                ..Default::default()
            },
            note: Some(format!(
                "contact slip: {}; due {}",
                input.slip, input.developer_due_at
            )),
        })
    })
}

/// R-TKT-5: the developer acknowledged the slip and its deadline.
pub fn developer_acknowledge(input: ActionNote) -> Action {
    Box::new(move |_, ctx| {
        if ctx.row.developer_acknowledged_at.is_some() {
            return Err(AppError::precondition(
                Precondition::DeveloperAcknowledged,
                "the developer has already acknowledged",
            ));
        }
        Ok(Effect {
            change: TicketChange {
                developer_acknowledged_at: Some(Some(utc(ctx.now))),
                ..Default::default()
            },
            note: input.note.map(String::from),
        })
    })
}

/// The developer repaired it; the resident's acceptance follows as for any repair.
pub fn developer_complete(input: ActionNote) -> Action {
    Box::new(move |conn, ctx| {
        Ok(Effect {
            change: completion(conn, ctx)?,
            note: input.note.map(String::from),
        })
    })
}

/// R-TKT-6: the developer missed its deadline; engineering repairs it, with new deadlines
/// from now, and its cost is kept for settlement.
pub fn take_over(input: ActionNote) -> Action {
    Box::new(move |_, ctx| {
        let due_at = ctx.row.developer_due_at.map(|d| d.and_utc());
        if due_at.is_none_or(|due| ctx.now <= due) {
            return Err(AppError::precondition(
                Precondition::DeveloperDeadlineRunning,
                "the developer's deadline has not passed yet",
            ));
        }
        let due = deadlines(ctx.row.priority, ctx.row.category, ctx.now);
        Ok(Effect {
            change: TicketChange {
                route: Some(Route::Engineering),
                taken_over_at: Some(Some(utc(ctx.now))),
                arrive_by: Some(due.arrive_by.map(utc)),
                fix_by: Some(utc(due.fix_by)),
                ..Default::default()
            },
            note: input.note.map(String::from),
        })
    })
}

/// R-TKT-6: the developer signed off engineering's cost.
pub fn settlement_signed(input: ActionNote) -> Action {
    Box::new(move |_, ctx| {
        if ctx.row.taken_over_at.is_none() || ctx.row.completed_at.is_none() {
            return Err(AppError::precondition(
                Precondition::NotTakenOver,
                "only a completed take-over is settled with the developer",
            ));
        }
        if ctx.row.settlement_signed_at.is_some() {
            return Err(AppError::precondition(
                Precondition::SettlementSigned,
                "the settlement is already signed",
            ));
        }
        Ok(Effect {
            change: TicketChange {
                settlement_signed_at: Some(Some(utc(ctx.now))),
                ..Default::default()
            },
            note: input.note.map(String::from),
        })
    })
}
