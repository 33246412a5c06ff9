//! From the report to the work order: re-classify (R-TKT-3), dispatch and the work order
//! (R-TKT-7), on site (R-TKT-4), the overdue chase (R-TKT-11) and cancelling.

use super::{completion, note_only, Action};
use crate::access::{self, Role};
use crate::db::utc;
use crate::error::{AppError, Precondition, Validator};
use crate::ids::UserId;
use crate::money::Fen;
use crate::tickets::dto::*;
use crate::tickets::model::*;
use crate::tickets::repo::{self, TicketChange};
use crate::tickets::service::{require_assigned, Effect};

/// R-TKT-3/4: staff re-classify; deadlines are recomputed from the report time.
pub fn reclassify(input: Reclassify) -> Action {
    Box::new(move |_, ctx| {
        let mut v = Validator::new();
        v.check(
            input.priority.is_some() || input.category.is_some(),
            "priority",
            "give a new priority, a new category or both",
        );
        v.finish()?;
        let old_priority = ctx.row.priority;
        let old_category = ctx.row.category;
        let priority = input.priority.unwrap_or(old_priority);
        let category = input.category.unwrap_or(old_category);
        let due = deadlines(priority, category, ctx.row.created_at.and_utc());
        Ok(Effect {
            change: TicketChange {
                priority: Some(priority),
                category: Some(category),
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
        let assignment: Vec<(UserId, bool)> =
            ids.iter().map(|id| (*id, *id == input.lead_id)).collect();
        repo::set_engineers(conn, ctx.row.id, &assignment, utc(ctx.now))?;
        Ok(Effect {
            change: TicketChange {
                route: Some(Route::Engineering),
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
                .map(|m| (m.quantity, m.unit_price_fen.fen())),
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
            .map(|m| (m.name.into(), m.quantity, m.unit_price_fen.fen().get()))
            .collect();
        repo::add_materials(conn, ctx.row.id, &lines)?;
        Ok(Effect {
            change: TicketChange {
                head_count: Some(Some(input.head_count.unwrap_or(assigned.max(1)))),
                labour_minutes: Some(Some(input.labour_minutes)),
                result_note: Some(Some(input.result_note.to_string())),
                ..completion(conn, ctx)?
            },
            note: Some(input.result_note.into()),
        })
    })
}

/// R-TKT-11: why an order is late and what the resident was told.
pub fn chase(input: Chase) -> Action {
    Box::new(move |_, _| {
        note_only(Some(format!(
            "late because: {}; resident told: {}",
            input.reason, input.told_resident
        )))
    })
}

/// Residents cancel their own reports before anyone is on site; so may the desk.
pub fn cancel(input: Reason) -> Action {
    Box::new(move |_, ctx| {
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
            note: Some(input.reason.into()),
        })
    })
}
