//! The effects of the lifecycle actions after dispatch: each checks what only it knows and
//! says which columns change. [`super::service::act`] does the rest.

use super::dto::*;
use super::model::*;
use super::repo::{self, TicketChange};
use super::service::{require_assigned, Ctx, Effect};
use crate::access::{self, Role};
use crate::db::{utc, AnyConnection};
use crate::error::{AppError, Precondition, Validator};
use crate::fees;
use crate::money::Fen;
use crate::timeline::Subject;
use crate::visits::{self, NewVisit};

type Action = Box<dyn FnOnce(&mut AnyConnection, &Ctx) -> Result<Effect, AppError> + Send>;

fn note_only(note: Option<String>) -> Result<Effect, AppError> {
    Ok(Effect {
        change: TicketChange::default(),
        note,
    })
}

fn check_note(note: &ActionNote) -> Result<(), AppError> {
    let mut v = Validator::new();
    check_optional_note(&mut v, "note", note.note.as_deref());
    v.finish()
}

/// R-TKT-4/10: done now; the follow-up visit falls due (same local day for hot water).
fn completion(conn: &mut AnyConnection, ctx: &Ctx) -> Result<TicketChange, AppError> {
    let category = Category::from_db(&ctx.row.category)?;
    let tz = crate::sites::service::time_zone(conn, ctx.row.site_id)?;
    Ok(TicketChange {
        completed_at: Some(Some(utc(ctx.now))),
        visit_by: Some(Some(utc(visit_by(category, ctx.now, tz)))),
        ..Default::default()
    })
}

/// R-TKT-3/4: staff re-classify; deadlines are recomputed from the report time.
pub fn reclassify(input: Reclassify) -> Action {
    Box::new(move |_, ctx| {
        let mut v = Validator::new();
        check_required_note(&mut v, "note", &input.note);
        v.check(
            input.priority.is_some() || input.category.is_some(),
            "priority",
            "give a new priority, a new category or both",
        );
        v.finish()?;
        let old_priority = Priority::from_db(&ctx.row.priority)?;
        let old_category = Category::from_db(&ctx.row.category)?;
        let priority = input.priority.unwrap_or(old_priority);
        let category = input.category.unwrap_or(old_category);
        let due = deadlines(priority, category, ctx.row.created_at.and_utc());
        Ok(Effect {
            change: TicketChange {
                priority: Some(priority.as_str().into()),
                category: Some(category.as_str().into()),
                arrive_by: Some(due.arrive_by.map(utc)),
                fix_by: Some(utc(due.fix_by)),
                ..Default::default()
            },
            note: Some(format!(
                "priority {old_priority} -> {priority}, category {old_category} -> {category}: {}",
                input.note
            )),
        })
    })
}

/// R-TKT-7: assigns engineers of the ticket's site, one of them the lead.
pub fn dispatch(input: Dispatch) -> Action {
    Box::new(move |conn, ctx| {
        let mut ids = input.engineer_ids.clone();
        ids.sort_unstable();
        ids.dedup();
        Validator::new()
            .check(
                (1..=10).contains(&ids.len()),
                "engineer_ids",
                "1 to 10 different engineers",
            )
            .check(
                ids.contains(&input.lead_id),
                "lead_id",
                "must be one of engineer_ids",
            )
            .finish()?;
        let mut names = Vec::new();
        for (i, id) in input.engineer_ids.iter().enumerate() {
            let name = access::staff_of_site(conn, *id, Role::Engineer, ctx.row.site_id)?
                .ok_or_else(|| {
                    AppError::field(
                        format!("engineer_ids[{i}]"),
                        "no active engineer of this site",
                    )
                })?;
            names.push(name);
        }
        let assignment: Vec<(i64, bool)> =
            ids.iter().map(|id| (*id, *id == input.lead_id)).collect();
        repo::set_engineers(conn, ctx.row.id, &assignment)?;
        Ok(Effect {
            change: TicketChange {
                route: Some(Route::Engineering.as_str().into()),
                ..Default::default()
            },
            note: Some(format!(
                "engineers: {} (lead #{})",
                names.join(", "),
                input.lead_id
            )),
        })
    })
}

/// R-TKT-4: on site. The first arrival is the one the deadline counts.
pub fn arrive() -> Action {
    Box::new(|conn, ctx| {
        require_assigned(conn, ctx)?;
        Ok(Effect {
            change: TicketChange {
                arrived_at: Some(Some(ctx.row.arrived_at.unwrap_or(utc(ctx.now)))),
                ..Default::default()
            },
            note: None,
        })
    })
}

/// R-TKT-7: the work order: head count, labour, materials, result.
pub fn complete(input: Complete) -> Action {
    Box::new(move |conn, ctx| {
        input.validate()?;
        require_assigned(conn, ctx)?;
        let assigned = repo::engineers_of(conn, &[ctx.row.id])?.len() as i32;
        // A second completion adds its lines to the first's: the whole order must still
        // have a total.
        let mut priced: Vec<(i64, Fen)> = repo::materials_of(conn, &[ctx.row.id])?
            .iter()
            .map(|m| (m.quantity, Fen::new(m.unit_price_fen)))
            .collect();
        priced.extend(
            input
                .materials
                .iter()
                .map(|m| (m.quantity, m.unit_price_fen)),
        );
        if materials_total(&priced).is_none() {
            return Err(AppError::field(
                "materials",
                "the work order's materials would total more than can be recorded",
            ));
        }
        let lines: Vec<(String, i64, i64)> = input
            .materials
            .into_iter()
            .map(|m| (m.name, m.quantity, m.unit_price_fen.get()))
            .collect();
        repo::add_materials(conn, ctx.row.id, &lines)?;
        Ok(Effect {
            change: TicketChange {
                head_count: Some(Some(input.head_count.unwrap_or(assigned.max(1)))),
                labour_minutes: Some(Some(input.labour_minutes)),
                result_note: Some(Some(input.result_note.clone())),
                ..completion(conn, ctx)?
            },
            note: Some(input.result_note),
        })
    })
}

/// R-TKT-5: hands the ticket to the developer with a contact slip and an agreed deadline.
pub fn transfer(input: Transfer) -> Action {
    Box::new(move |_, ctx| {
        Validator::new()
            .text("slip", &input.slip, 1, 500)
            .check(
                input.developer_due_at > ctx.now,
                "developer_due_at",
                "must be in the future",
            )
            .finish()?;
        Ok(Effect {
            change: TicketChange {
                route: Some(Route::Developer.as_str().into()),
                developer_slip: Some(Some(input.slip.clone())),
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
        check_note(&input)?;
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
            note: input.note,
        })
    })
}

/// The developer repaired it; the resident's acceptance follows as for any repair.
pub fn developer_complete(input: ActionNote) -> Action {
    Box::new(move |conn, ctx| {
        check_note(&input)?;
        Ok(Effect {
            change: completion(conn, ctx)?,
            note: input.note,
        })
    })
}

/// R-TKT-6: the developer missed its deadline; engineering repairs it, with new deadlines
/// from now, and its cost is kept for settlement.
pub fn take_over(input: ActionNote) -> Action {
    Box::new(move |_, ctx| {
        check_note(&input)?;
        let due_at = ctx.row.developer_due_at.map(|d| d.and_utc());
        if due_at.is_none_or(|due| ctx.now <= due) {
            return Err(AppError::precondition(
                Precondition::DeveloperDeadlineRunning,
                "the developer's deadline has not passed yet",
            ));
        }
        let due = deadlines(
            Priority::from_db(&ctx.row.priority)?,
            Category::from_db(&ctx.row.category)?,
            ctx.now,
        );
        Ok(Effect {
            change: TicketChange {
                route: Some(Route::Engineering.as_str().into()),
                taken_over_at: Some(Some(utc(ctx.now))),
                arrive_by: Some(due.arrive_by.map(utc)),
                fix_by: Some(utc(due.fix_by)),
                ..Default::default()
            },
            note: input.note,
        })
    })
}

/// R-TKT-6: the developer signed off engineering's cost.
pub fn settlement_signed(input: ActionNote) -> Action {
    Box::new(move |_, ctx| {
        check_note(&input)?;
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
            note: input.note,
        })
    })
}

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
        if ctx.row.route != Route::Engineering.as_str() {
            return Err(AppError::precondition(
                Precondition::DeveloperRepair,
                "the developer's repairs are not charged by us",
            ));
        }
        let current = ChargeStatus::from_db(&ctx.row.charge_status)?;
        if !matches!(current, ChargeStatus::None | ChargeStatus::Declined) {
            return Err(AppError::precondition(
                Precondition::ChargeState,
                format!("a charge is already {current}"),
            ));
        }
        let (amount, item, status) = match (input.fee_item_id, input.amount_fen) {
            (Some(fee_item_id), None) => {
                let item = fees::repo::find(conn, fee_item_id)?
                    .filter(|i| i.active && i.site_id == ctx.row.site_id)
                    .ok_or_else(|| {
                        AppError::field("fee_item_id", "no active fee item of this site")
                    })?;
                (item.price_fen, item.name, ChargeStatus::AwaitingResident)
            }
            (None, Some(amount)) => {
                let description = input.description.clone().unwrap_or_default();
                Validator::new()
                    .check(amount > Fen::ZERO, "amount_fen", "must be greater than 0")
                    .text("description", &description, 1, 200)
                    .finish()?;
                (amount, description, ChargeStatus::PendingApproval)
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
                charge_status: Some(status.as_str().into()),
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
        check_note(&input)?;
        let current = ChargeStatus::from_db(&ctx.row.charge_status)?;
        if current != from {
            return Err(AppError::precondition(
                Precondition::ChargeState,
                format!("the charge is {current}, not {from}"),
            ));
        }
        Ok(Effect {
            change: TicketChange {
                charge_status: Some(to.as_str().into()),
                ..Default::default()
            },
            note: input.note,
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
    match ChargeStatus::from_db(&ctx.row.charge_status)? {
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
    check_optional_note(&mut v, "comment", comment.as_deref());
    v.finish()?;
    Ok(Effect {
        change: TicketChange {
            accepted_at: Some(Some(utc(ctx.now))),
            acceptance: Some(Some(method.as_str().into())),
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
    Box::new(move |_, ctx| accepted(Acceptance::App, Some(input.rating), input.comment, ctx))
}

/// R-TKT-9: staff record the signature on the paper work order.
pub fn record_signature(input: PaperSignature) -> Action {
    Box::new(move |_, ctx| accepted(Acceptance::Paper, input.rating, input.comment, ctx))
}

/// R-TKT-9: the resident rejects the result: back to the engineers, deadline running again.
pub fn reject(input: Reason) -> Action {
    Box::new(move |_, ctx| {
        let mut v = Validator::new();
        check_required_note(&mut v, "reason", &input.reason);
        v.finish()?;
        Ok(Effect {
            change: TicketChange {
                completed_at: Some(None),
                visit_by: Some(None),
                rework_count: Some(ctx.row.rework_count + 1),
                ..Default::default()
            },
            note: Some(input.reason),
        })
    })
}

/// R-TKT-10: the butler's follow-up visit closes the ticket.
pub fn visit(input: NewVisit) -> Action {
    Box::new(move |conn, ctx| {
        input.validate()?;
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

/// R-TKT-11: why an order is late and what the resident was told.
pub fn chase(input: Chase) -> Action {
    Box::new(move |_, _| {
        let mut v = Validator::new();
        check_required_note(&mut v, "reason", &input.reason);
        check_required_note(&mut v, "told_resident", &input.told_resident);
        v.finish()?;
        note_only(Some(format!(
            "late because: {}; resident told: {}",
            input.reason, input.told_resident
        )))
    })
}

/// Residents cancel their own reports before anyone is on site; so may the desk.
pub fn cancel(input: Reason) -> Action {
    Box::new(move |_, ctx| {
        let mut v = Validator::new();
        check_required_note(&mut v, "reason", &input.reason);
        v.finish()?;
        if ctx.actor.role == Role::Resident && ctx.row.arrived_at.is_some() {
            return Err(AppError::precondition(
                Precondition::EngineerArrived,
                "an engineer has already been on site",
            ));
        }
        Ok(Effect {
            change: TicketChange {
                cancelled_at: Some(Some(utc(ctx.now))),
                ..Default::default()
            },
            note: Some(input.reason),
        })
    })
}
