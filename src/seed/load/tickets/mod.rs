//! A year of repair tickets: spread over the sites by size and over the last twelve months,
//! most closed, a few percent in each open status (the open ones mostly recent, some stuck
//! and overdue), each with its engineers, materials, charge, timeline and visit, numbered
//! per site and local day as intake numbers them. What each ticket is and when: `draw.rs`;
//! who took part, the work order and the steps: `story.rs`; the rows: `rows.rs`.

mod draw;
mod rows;
mod story;

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use diesel::prelude::*;
use rand::rngs::SmallRng;
use rand::Rng;

use self::draw::{draw, Draw};
use self::rows::*;
use self::story::{cast, steps, work, Cast, Work};
use super::bulk::{insert_all, stored};
use super::estate::Estate;
use super::history::{EntryRow, VisitRow};
use crate::db::schema::{
    follow_up_visits, ticket_engineers, ticket_materials, tickets, timeline_entries,
};
use crate::db::AnyConnection;
use crate::error::AppError;
use crate::ids::UserId;
use crate::tickets::model::*;
use crate::tickets::service::NUMBER_PREFIX;

use TicketStatus as S;

/// Tickets written per transaction.
const BATCH: usize = 5_000;

/// What the load generator reports about the tickets.
#[derive(Default)]
pub struct TicketStats {
    pub tickets: usize,
    pub open: usize,
    pub overdue: usize,
    pub timeline: usize,
    pub materials: usize,
    pub visits: usize,
    /// Open work orders (dispatched, on site, rework) per engineer.
    pub work_orders: HashMap<UserId, usize>,
    /// Tickets per unit index.
    pub per_unit: HashMap<usize, usize>,
    /// Numbers handed out per (site index, local day), for `number_sequences`.
    pub numbers: HashMap<(usize, NaiveDate), i64>,
}

/// Rows of one batch.
#[derive(Default)]
struct Rows {
    tickets: Vec<TicketRow>,
    engineers: Vec<EngineerRow>,
    materials: Vec<MaterialRow>,
    timeline: Vec<EntryRow>,
    visits: Vec<VisitRow>,
}

/// Writes `count` tickets, in order of their report time, `BATCH` per transaction.
pub fn write(
    conn: &mut AnyConnection,
    estate: &Estate,
    count: usize,
    seed: u64,
    now: DateTime<Utc>,
) -> Result<TicketStats, AppError> {
    let weights: Vec<u32> = estate.sites.iter().map(|s| s.units.len() as u32).collect();
    let mut order: Vec<(i64, u32)> = (0..count)
        .map(|i| {
            (
                draw(seed, i, estate, &weights, now).0.created.timestamp(),
                i as u32,
            )
        })
        .collect();
    order.sort_unstable();
    let mut stats = TicketStats::default();
    for (b, batch) in order.chunks(BATCH).enumerate() {
        let mut rows = Rows::default();
        for (k, (_, i)) in batch.iter().enumerate() {
            let id = (b * BATCH + k) as i64 + 1;
            let (d, mut rng) = draw(seed, *i as usize, estate, &weights, now);
            build(&mut rows, &mut stats, &mut rng, estate, id, d, now);
        }
        stats.timeline += rows.timeline.len();
        stats.materials += rows.materials.len();
        stats.visits += rows.visits.len();
        conn.transaction::<_, AppError, _>(|conn| {
            insert_all!(conn, tickets::table, rows.tickets);
            insert_all!(conn, ticket_engineers::table, rows.engineers);
            insert_all!(conn, ticket_materials::table, rows.materials);
            insert_all!(conn, timeline_entries::table, rows.timeline);
            insert_all!(conn, follow_up_visits::table, rows.visits);
            Ok(())
        })?;
    }
    Ok(stats)
}

/// The rows of one ticket: itself, its engineers and materials, timeline and visit.
fn build(
    rows: &mut Rows,
    stats: &mut TicketStats,
    rng: &mut SmallRng,
    estate: &Estate,
    id: i64,
    d: Draw,
    now: DateTime<Utc>,
) {
    let site = &estate.sites[d.site];
    let local_day = d.created.with_timezone(&site.tz).date_naive();
    let serial = stats.numbers.entry((d.site, local_day)).or_insert(0);
    *serial += 1;
    let number = format!(
        "{NUMBER_PREFIX}-{}-{:04}",
        local_day.format("%Y%m%d"),
        serial
    );
    let unit = d.unit.map(|u| &estate.units[u]);
    let who = cast(rng, estate, site, unit);
    let job = work(rng, site, &d, &who);
    let due = deadlines(d.priority, d.category, d.created);
    let history = steps(rng, &d, &who, &job, due.fix_by, now);
    let proposal = propose_route(d.category, unit.map(|u| u.handover), local_day);
    let timing = Timing {
        arrive_by: due.arrive_by,
        arrived_at: d.times.arrive,
        fix_by: due.fix_by,
        completed_at: job.completed_at,
        developer_due_at: d.times.transfer.map(|at| at + Duration::days(10)),
        visit_by: job.visit_by,
    };
    count(stats, &d, &who, &timing, now);

    if let Some(at) = d.times.close {
        rows.visits.push(VisitRow {
            subject: "ticket",
            subject_id: id,
            butler_id: who.butler.id.get(),
            method: if rng.random_bool(0.85) {
                "phone"
            } else {
                "visit"
            },
            satisfaction: super::bulk::pick(
                rng,
                &[("satisfied", 85), ("neutral", 12), ("dissatisfied", 3)],
            ),
            result: "Repair holds, resident satisfied 维修效果良好",
            visited_at: stored(at),
            created_at: stored(at),
        });
    }
    if d.times.dispatch.is_some() && !d.developer {
        rows.engineers
            .extend(who.engineers.iter().map(|(e, lead)| EngineerRow {
                ticket_id: id,
                engineer_id: e.get(),
                lead: *lead,
            }));
    }
    rows.materials
        .extend(job.lines.iter().map(|(name, quantity, price)| MaterialRow {
            ticket_id: id,
            name,
            quantity: *quantity,
            unit_price_fen: *price,
        }));
    rows.timeline.push(EntryRow {
        subject: "ticket",
        subject_id: id,
        actor_id: Some(who.reporter.id.get()),
        action: "report",
        from_status: None,
        to_status: Some(S::Reported.as_str()),
        note: Some(format!(
            "proposed route {}: {}",
            proposal.route, proposal.reason
        )),
        created_at: stored(d.created),
    });
    rows.timeline.extend(history.iter().map(|s| EntryRow {
        subject: "ticket",
        subject_id: id,
        actor_id: Some(s.actor.get()),
        action: s.action.as_str(),
        from_status: Some(s.from.as_str()),
        to_status: Some(s.to.as_str()),
        note: s.note.clone(),
        created_at: stored(s.at),
    }));
    let updated = history.last().map_or(d.created, |s| s.at);
    let version = history.len() as i64;
    let description = description(d.category, rng.random_range(0..2));
    let labour_minutes = job.worked.then(|| rng.random_range(15..=240));
    rows.tickets.push(ticket_row(
        id,
        number,
        &d,
        &who,
        &job,
        &timing,
        proposal,
        description,
        labour_minutes,
        version,
        updated,
    ));
}

/// What the report says about the tickets, and the accounts it picks.
fn count(stats: &mut TicketStats, d: &Draw, who: &Cast, timing: &Timing, now: DateTime<Utc>) {
    stats.tickets += 1;
    stats.open += usize::from(d.status.is_open());
    stats.overdue += usize::from(is_overdue(d.status, timing, now));
    if let Some(u) = d.unit {
        *stats.per_unit.entry(u).or_default() += 1;
    }
    let assigned = d.times.dispatch.is_some() && !d.developer;
    if assigned && matches!(d.status, S::Dispatched | S::OnSite | S::Rework) {
        for (engineer, _) in &who.engineers {
            *stats.work_orders.entry(*engineer).or_default() += 1;
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn ticket_row(
    id: i64,
    number: String,
    d: &Draw,
    who: &Cast,
    job: &Work,
    timing: &Timing,
    proposal: RouteProposal,
    description: &'static str,
    labour_minutes: Option<i64>,
    version: i64,
    updated: DateTime<Utc>,
) -> TicketRow {
    let opt = |at: Option<DateTime<Utc>>| at.map(stored);
    let t = &d.times;
    TicketRow {
        id,
        site_id: who.site_id,
        number,
        unit_id: who.unit_id,
        location: who.location.clone(),
        category: d.category.as_str(),
        priority: d.priority.as_str(),
        suggested_priority: who.resident.map(|_| d.priority.as_str()),
        channel: who.channel.as_str(),
        contact_phone: who.contact_phone.clone(),
        description,
        reporter_id: who.reporter.id.get(),
        received_by: who.resident.is_none().then(|| who.reporter.id.get()),
        status: d.status.as_str(),
        route: if d.developer {
            Route::Developer
        } else {
            Route::Engineering
        }
        .as_str(),
        proposed_route: proposal.route.as_str(),
        route_reason: proposal.reason,
        arrive_by: opt(timing.arrive_by),
        fix_by: stored(timing.fix_by),
        visit_by: opt(timing.visit_by),
        arrived_at: opt(t.arrive),
        completed_at: opt(timing.completed_at),
        accepted_at: opt(t.accept),
        closed_at: opt(t.close),
        cancelled_at: opt(t.cancel),
        developer_slip: t.transfer.map(|_| DEVELOPER_SLIP.into()),
        developer_due_at: opt(timing.developer_due_at),
        developer_acknowledged_at: opt(t.acknowledge),
        taken_over_at: None,
        settlement_signed_at: None,
        head_count: job.worked.then_some(who.engineers.len() as i32),
        labour_minutes,
        result_note: job.worked.then(|| result_note(d.category)),
        charge_fen: job.charge.map(|(_, price, _)| price),
        charge_item: job.charge.map(|(item, _, _)| item),
        charge_status: job
            .charge
            .map_or(ChargeStatus::None, |(_, _, s)| s)
            .as_str(),
        acceptance: t.accept.map(|_| if job.by_app { "app" } else { "paper" }),
        rating: job.rating,
        rating_comment: job
            .rating
            .filter(|r| *r <= 3)
            .map(|_| "took a while 等了很久"),
        rework_count: i32::from(d.status == S::Rework),
        warranty_of: None,
        free_of_charge: false,
        version,
        created_at: stored(d.created),
        updated_at: stored(updated),
    }
}
