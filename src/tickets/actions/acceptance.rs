//! After the repair: charges (R-TKT-8), the resident's acceptance or rejection (R-TKT-9)
//! and the follow-up visit (R-TKT-10).

use super::Action;
use crate::db::utc;
use crate::error::{AppError, Precondition, Validator};
use crate::fees;
use crate::i18n::Msg;
use crate::ids::SiteId;
use crate::money::Fen;
use crate::tickets::dto::*;
use crate::tickets::model::*;
use crate::tickets::repo::TicketChange;
use crate::tickets::service::{require_assigned, Ctx, Effect};
use crate::timeline::Subject;
use crate::visits::{self, NewVisit};

/// R-TKT-8: proposes a charge: from the fee schedule it goes to the resident; otherwise a
/// manager reviews it first.
pub fn charge(input: ChargeProposal) -> Action {
    Box::new(move |conn, ctx| {
        require_assigned(conn, ctx)?;
        if ctx.row.free_of_charge {
            return Err(AppError::precondition(
                Precondition::WarrantyRepeat,
                "free of charge: a repeat within the workmanship warranty",
            ));
        }
        if ctx.row.route != Route::Engineering {
            return Err(AppError::precondition(
                Precondition::DeveloperRepair,
                "the developer's repairs are not charged by us",
            ));
        }
        let current = ctx.row.charge_status;
        if !matches!(current, ChargeStatus::None | ChargeStatus::Declined) {
            return Err(AppError::precondition(
                Precondition::ChargeState,
                Msg::new("a charge is already %{status}").arg("status", current),
            ));
        }
        let (amount, item, status) = match (input.fee_item_id, input.amount_fen) {
            (Some(fee_item_id), None) => {
                let item = fees::repo::find(conn, fee_item_id)?
                    .filter(|i| i.active && SiteId::new(i.site_id) == ctx.row.site_id)
                    .ok_or_else(|| {
                        AppError::field("fee_item_id", "no active fee item of this site")
                    })?;
                (item.price_fen, item.name, ChargeStatus::AwaitingResident)
            }
            (None, Some(amount)) => {
                let amount = amount.fen();
                Validator::new()
                    .check(amount > Fen::ZERO, "amount_fen", "must be greater than 0")
                    .check(
                        input.description.is_some(),
                        "description",
                        "say what an amount outside the schedule is for",
                    )
                    .finish()?;
                let description = input.description.clone().map(String::from);
                (
                    amount,
                    description.unwrap_or_default(),
                    ChargeStatus::PendingApproval,
                )
            }
            _ => {
                return Err(AppError::field(
                    "fee_item_id",
                    "give either fee_item_id or amount_fen",
                ))
            }
        };
        Ok(Effect {
            change: TicketChange {
                charge_fen: Some(Some(amount.get())),
                charge_item: Some(Some(item.clone())),
                charge_status: Some(status),
                ..Default::default()
            },
            note: Some(format!("{item}: {amount} fen, {status}")),
        })
    })
}

/// Moves the charge from one status to the next, for the manager's review and the
/// resident's decision.
fn charge_step(input: ActionNote, from: ChargeStatus, to: ChargeStatus) -> Action {
    Box::new(move |_, ctx| {
        let current = ctx.row.charge_status;
        if current != from {
            return Err(AppError::precondition(
                Precondition::ChargeState,
                Msg::new("the charge is %{status}, not %{expected}")
                    .arg("status", current)
                    .arg("expected", from),
            ));
        }
        Ok(Effect {
            change: TicketChange {
                charge_status: Some(to),
                ..Default::default()
            },
            note: input.note.map(String::from),
        })
    })
}

pub fn approve_charge(input: ActionNote) -> Action {
    charge_step(
        input,
        ChargeStatus::PendingApproval,
        ChargeStatus::AwaitingResident,
    )
}

pub fn accept_charge(input: ActionNote) -> Action {
    charge_step(
        input,
        ChargeStatus::AwaitingResident,
        ChargeStatus::Accepted,
    )
}

pub fn decline_charge(input: ActionNote) -> Action {
    charge_step(
        input,
        ChargeStatus::AwaitingResident,
        ChargeStatus::Declined,
    )
}

fn charge_settled(ctx: &Ctx) -> Result<(), AppError> {
    match ctx.row.charge_status {
        ChargeStatus::PendingApproval | ChargeStatus::AwaitingResident => {
            Err(AppError::precondition(
                Precondition::ChargeState,
                "the charge must be approved and accepted or declined first",
            ))
        }
        _ => Ok(()),
    }
}

fn accepted(
    method: Acceptance,
    rating: Option<i32>,
    comment: Option<String>,
    ctx: &Ctx,
) -> Result<Effect, AppError> {
    charge_settled(ctx)?;
    let mut v = Validator::new();
    if let Some(rating) = rating {
        check_rating(&mut v, rating);
    }
    v.finish()?;
    Ok(Effect {
        change: TicketChange {
            accepted_at: Some(Some(utc(ctx.now))),
            acceptance: Some(Some(method)),
            rating: Some(rating),
            rating_comment: Some(comment.clone()),
            ..Default::default()
        },
        note: Some(match rating {
            Some(r) => format!("accepted ({method}), rated {r}/5"),
            None => format!("accepted ({method})"),
        }),
    })
}

/// R-TKT-9: the resident confirms in the app, with a rating.
pub fn confirm(input: Confirmation) -> Action {
    Box::new(move |_, ctx| {
        accepted(
            Acceptance::App,
            Some(input.rating),
            input.comment.map(String::from),
            ctx,
        )
    })
}

/// R-TKT-9: staff record the signature on the paper work order.
pub fn record_signature(input: PaperSignature) -> Action {
    Box::new(move |_, ctx| {
        accepted(
            Acceptance::Paper,
            input.rating,
            input.comment.map(String::from),
            ctx,
        )
    })
}

/// R-TKT-9: the resident rejects the result: back to the engineers, deadline running again.
pub fn reject(input: Reason) -> Action {
    Box::new(move |_, ctx| {
        Ok(Effect {
            change: TicketChange {
                completed_at: Some(None),
                visit_by: Some(None),
                rework_count: Some(ctx.row.rework_count + 1),
                ..Default::default()
            },
            note: Some(input.reason.into()),
        })
    })
}

/// R-TKT-10: the butler's follow-up visit closes the ticket.
pub fn visit(input: NewVisit) -> Action {
    Box::new(move |conn, ctx| {
        visits::repo::record(
            conn,
            Subject::Ticket,
            ctx.row.id,
            ctx.actor.user_id,
            &input,
            utc(ctx.now),
        )?;
        Ok(Effect {
            change: TicketChange {
                closed_at: Some(Some(utc(ctx.now))),
                ..Default::default()
            },
            note: Some(format!(
                "{} by {}: {}",
                input.satisfaction, input.method, input.result
            )),
        })
    })
}
