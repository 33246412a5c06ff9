//! Ticket rows as the API shows them: with engineers, materials and unit codes, the
//! deadlines and the overdue flag at "now".

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};

use super::dto::*;
use super::model::*;
use super::repo::{self, TicketRow};
use crate::db::{utc, AnyConnection};
use crate::deadlines;
use crate::error::AppError;
use crate::ids::{TicketId, UnitId};
use crate::money::Fen;
use crate::units;

/// Stored amounts are checked on the way in, so one that does not add up is a bug.
pub fn out_of_range() -> AppError {
    AppError::internal("a stored money amount is out of range")
}

fn opt_utc(at: Option<chrono::NaiveDateTime>) -> Option<DateTime<Utc>> {
    at.map(|a| a.and_utc())
}

/// Rows to API tickets, loading engineers, materials and unit codes in three queries.
pub fn to_tickets(
    conn: &mut AnyConnection,
    rows: Vec<TicketRow>,
    now: DateTime<Utc>,
) -> Result<Vec<Ticket>, AppError> {
    let ids: Vec<TicketId> = rows.iter().map(|r| r.id).collect();
    let unit_ids: Vec<UnitId> = rows.iter().filter_map(|r| r.unit_id).collect();
    let mut engineers: HashMap<TicketId, Vec<AssignedEngineer>> = HashMap::new();
    for (ticket_id, engineer_id, display_name, lead) in repo::engineers_of(conn, &ids)? {
        engineers
            .entry(ticket_id)
            .or_default()
            .push(AssignedEngineer {
                engineer_id,
                display_name,
                lead,
            });
    }
    let mut materials: HashMap<TicketId, Vec<MaterialLine>> = HashMap::new();
    for m in repo::materials_of(conn, &ids)? {
        let unit_price = Fen::new(m.unit_price_fen);
        materials
            .entry(m.ticket_id)
            .or_default()
            .push(MaterialLine {
                total_fen: unit_price
                    .checked_mul(m.quantity)
                    .ok_or_else(out_of_range)?,
                name: m.name,
                quantity: m.quantity,
                unit_price_fen: unit_price,
            });
    }
    let codes = units::repo::codes(conn, &unit_ids)?;
    rows.into_iter()
        .map(|row| {
            let lines = materials.remove(&row.id).unwrap_or_default();
            let engineers = engineers.remove(&row.id).unwrap_or_default();
            let code = row.unit_id.and_then(|u| codes.get(&u).cloned());
            to_ticket(row, engineers, lines, code, now)
        })
        .collect()
}

/// The stored deadlines and done instants the overdue rules read.
fn timing_of(row: &TicketRow) -> Timing {
    Timing {
        arrive_by: opt_utc(row.arrive_by),
        arrived_at: opt_utc(row.arrived_at),
        fix_by: row.fix_by.and_utc(),
        completed_at: opt_utc(row.completed_at),
        developer_due_at: opt_utc(row.developer_due_at),
        visit_by: opt_utc(row.visit_by),
    }
}

/// Each deadline with the instant its duty was done and where it stands at `now`.
fn deadlines_of(row: &TicketRow, now: NaiveDateTime) -> TicketDeadlines {
    TicketDeadlines {
        arrive: deadlines::view(row.arrive_by, row.arrived_at, now),
        fix: deadlines::view(Some(row.fix_by), row.completed_at, now).expect("fix_by is set"),
        developer: deadlines::view(
            row.developer_due_at,
            // Taken over: the developer never did it; the take-over ends its duty.
            row.taken_over_at.or(row.completed_at),
            now,
        ),
        visit: deadlines::view(row.visit_by, row.closed_at, now),
    }
}

/// The transfer to the developer, if there was one; a take-over settles the materials.
fn developer_of(row: &TicketRow, materials_fen: Fen) -> Option<DeveloperTransfer> {
    row.developer_slip.clone().map(|slip| DeveloperTransfer {
        slip,
        acknowledged_at: opt_utc(row.developer_acknowledged_at),
        taken_over_at: opt_utc(row.taken_over_at),
        settlement_fen: row.taken_over_at.map(|_| materials_fen),
        settlement_signed_at: opt_utc(row.settlement_signed_at),
    })
}

fn to_ticket(
    row: TicketRow,
    engineers: Vec<AssignedEngineer>,
    materials: Vec<MaterialLine>,
    unit_code: Option<String>,
    now: DateTime<Utc>,
) -> Result<Ticket, AppError> {
    let status = row.status;
    let timing = timing_of(&row);
    let materials_fen =
        Fen::checked_sum(materials.iter().map(|m| m.total_fen)).ok_or_else(out_of_range)?;
    Ok(Ticket {
        overdue: is_overdue(status, &timing, now),
        deadlines: deadlines_of(&row, utc(now)),
        developer: developer_of(&row, materials_fen),
        work_order: WorkOrder {
            head_count: row.head_count,
            labour_minutes: row.labour_minutes,
            result_note: row.result_note,
            materials,
            materials_fen,
        },
        charge: Charge {
            status: row.charge_status,
            amount_fen: row.charge_fen.map(Fen::new),
            item: row.charge_item,
        },
        scope: if row.unit_id.is_some() {
            Scope::InHome
        } else {
            Scope::PublicArea
        },
        id: row.id,
        number: row.number,
        site_id: row.site_id,
        unit_id: row.unit_id,
        unit_code,
        location: row.location,
        category: row.category,
        priority: row.priority,
        suggested_priority: row.suggested_priority,
        channel: row.channel,
        contact_phone: row.contact_phone,
        description: row.description,
        reporter_id: row.reporter_id,
        received_by: row.received_by,
        status,
        route: row.route,
        proposed_route: row.proposed_route,
        route_reason: row.route_reason,
        engineers,
        acceptance: row.acceptance,
        rating: row.rating,
        rating_comment: row.rating_comment,
        rework_count: row.rework_count,
        warranty_of: row.warranty_of,
        free_of_charge: row.free_of_charge,
        arrived_at: timing.arrived_at,
        completed_at: timing.completed_at,
        accepted_at: opt_utc(row.accepted_at),
        closed_at: opt_utc(row.closed_at),
        cancelled_at: opt_utc(row.cancelled_at),
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
        version: row.version,
    })
}
