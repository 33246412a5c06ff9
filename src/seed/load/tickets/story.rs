//! Who took part in a ticket, its work order and charge, and the steps of its timeline in
//! the order the state machine takes them.

use chrono::{DateTime, Duration, Utc};
use rand::rngs::SmallRng;
use rand::Rng;

use super::draw::Draw;
use super::rows::{result_note, DEVELOPER_SLIP, MATERIALS, PUBLIC_PLACES};
use crate::ids::UserId;
use crate::seed::load::bulk::{minutes, pick, stranger_phone};
use crate::seed::load::estate::{Estate, Person, Site, Unit};
use crate::tickets::model::*;

use TicketAction as A;
use TicketStatus as S;

/// The people of a ticket and how it came in.
pub struct Cast<'e> {
    pub site_id: i64,
    pub unit_id: Option<i64>,
    pub location: Option<String>,
    pub reporter: &'e Person,
    /// The resident who reported it in the app, if one did.
    pub resident: Option<&'e Person>,
    /// The butler at the desk: dispatches, signs, visits.
    pub butler: &'e Person,
    pub lead: &'e Person,
    /// The engineers dispatched, the lead first.
    pub engineers: Vec<(UserId, bool)>,
    pub channel: Channel,
    pub contact_phone: String,
}

/// Residents report 55 % of in-home repairs in the app; staff take the rest by phone or at
/// the counter, and report public areas themselves.
pub fn cast<'e>(
    rng: &mut SmallRng,
    estate: &'e Estate,
    site: &'e Site,
    unit: Option<&'e Unit>,
) -> Cast<'e> {
    let resident = unit
        .filter(|u| !u.residents.is_empty() && rng.random_bool(0.55))
        .map(|u| &estate.residents[u.residents[rng.random_range(0..u.residents.len())]]);
    let butler = &site.butlers[rng.random_range(0..site.butlers.len())];
    let staff = if unit.is_none() && rng.random_bool(0.3) {
        &site.engineers[rng.random_range(0..site.engineers.len())]
    } else {
        butler
    };
    let (reporter, channel, contact_phone) = match (resident, unit) {
        (Some(r), _) => (r, Channel::App, r.phone.clone()),
        (None, Some(_)) => {
            let channel = if rng.random_bool(0.6) {
                Channel::Phone
            } else {
                Channel::Counter
            };
            (staff, channel, stranger_phone(rng))
        }
        (None, None) => (staff, Channel::Staff, staff.phone.clone()),
    };
    let location = unit.is_none().then(|| {
        let building = estate.units[rng.random_range(site.units.clone())].building;
        let place = PUBLIC_PLACES[rng.random_range(0..PUBLIC_PLACES.len())];
        format!("Building {building} {place}")
    });
    let n = site.engineers.len();
    let lead_at = rng.random_range(0..n);
    let mut engineers = vec![(site.engineers[lead_at].id, true)];
    if n > 1 && rng.random_bool(0.2) {
        let other = (lead_at + rng.random_range(1..n)) % n;
        engineers.push((site.engineers[other].id, false));
    }
    Cast {
        site_id: site.id.get(),
        unit_id: unit.map(|u| u.id.get()),
        location,
        reporter,
        resident,
        butler,
        lead: &site.engineers[lead_at],
        engineers,
        channel,
        contact_phone,
    }
}

/// The work order, charge and acceptance of a ticket.
pub struct Work {
    /// Engineering repaired it (not the developer).
    pub worked: bool,
    /// (name, quantity, unit price in fen).
    pub lines: Vec<(&'static str, i64, i64)>,
    /// A fee-schedule item (name, price), and where its settlement stands.
    pub charge: Option<(&'static str, i64, ChargeStatus)>,
    /// The resident confirmed in the app (else the desk recorded a paper signature).
    pub by_app: bool,
    pub rating: Option<i32>,
    /// Cleared again when the resident rejected the repair.
    pub completed_at: Option<DateTime<Utc>>,
    pub visit_by: Option<DateTime<Utc>>,
}

/// Materials on 45 % of the repairs, a charge on 6 % of residents' ones, ratings mostly good.
pub fn work(rng: &mut SmallRng, site: &Site, d: &Draw, who: &Cast) -> Work {
    let worked = d.times.complete.is_some() && !d.developer;
    let lines = if worked && rng.random_bool(0.45) {
        (0..rng.random_range(1..=3))
            .map(|_| {
                let (name, price) = MATERIALS[rng.random_range(0..MATERIALS.len())];
                (name, rng.random_range(1..=4), price)
            })
            .collect()
    } else {
        Vec::new()
    };
    // Settled by the resident before acceptance.
    let charge = (worked && who.resident.is_some() && rng.random_bool(0.06)).then(|| {
        let (item, price) = site.fee_items[rng.random_range(0..site.fee_items.len())];
        let settled = if d.status == S::Completed && rng.random_bool(0.5) {
            ChargeStatus::AwaitingResident
        } else if rng.random_bool(0.85) {
            ChargeStatus::Accepted
        } else {
            ChargeStatus::Declined
        };
        (item, price, settled)
    });
    let by_app = who.resident.is_some() && rng.random_bool(0.75);
    let rating = d.times.accept.and_then(|_| {
        (by_app || rng.random_bool(0.5))
            .then(|| pick(rng, &[(5, 60), (4, 25), (3, 10), (2, 3), (1, 2)]))
    });
    let completed_at = d.times.complete.filter(|_| d.status != S::Rework);
    let visit_by = completed_at
        .filter(|_| matches!(d.status, S::Completed | S::Accepted | S::Closed))
        .map(|done| visit_by(d.category, done, site.tz));
    Work {
        worked,
        lines,
        charge,
        by_app,
        rating,
        completed_at,
        visit_by,
    }
}

/// One action of the timeline after the report.
pub struct Step {
    pub actor: UserId,
    pub action: TicketAction,
    pub from: TicketStatus,
    pub to: TicketStatus,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

/// The actions that led the ticket to its status, oldest first; an overdue open order is
/// chased once in two.
pub fn steps(
    rng: &mut SmallRng,
    d: &Draw,
    who: &Cast,
    job: &Work,
    fix_by: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Vec<Step> {
    let t = &d.times;
    let (desk, lead) = (who.butler.id, who.lead.id);
    // Residents act on their own; without one (staff took the report) the desk does.
    let resident = who.resident.map_or(desk, |r| r.id);
    let mut out = Vec::new();
    let mut status = S::Reported;
    let mut step = |actor, action, to, note: Option<String>, at| {
        out.push(Step {
            actor,
            action,
            from: status,
            to,
            note,
            at,
        });
        status = to;
    };
    if let Some(at) = t.transfer {
        step(
            desk,
            A::Transfer,
            S::Transferred,
            Some(DEVELOPER_SLIP.into()),
            at,
        );
    }
    if let Some(at) = t.acknowledge {
        step(desk, A::DeveloperAcknowledge, S::Transferred, None, at);
    }
    if let Some(at) = t.dispatch {
        let note = format!("engineers: {} (lead #{})", who.lead.name, lead);
        step(desk, A::Dispatch, S::Dispatched, Some(note), at);
    }
    if let Some(at) = t.arrive {
        step(lead, A::Arrive, S::OnSite, None, at);
    }
    if let Some(at) = t.complete {
        if d.developer {
            let note = Some("repaired by the developer".into());
            step(desk, A::DeveloperComplete, S::Completed, note, at);
        } else {
            let note = Some(result_note(d.category).into());
            step(lead, A::Complete, S::Completed, note, at);
        }
        if let Some((item, price, settled)) = job.charge {
            let note = Some(format!("{item}: {price} fen"));
            step(
                lead,
                A::Charge,
                S::Completed,
                note,
                at + Duration::minutes(2),
            );
            let answer = match settled {
                ChargeStatus::Accepted => Some(A::AcceptCharge),
                ChargeStatus::Declined => Some(A::DeclineCharge),
                _ => None,
            };
            if let Some(action) = answer {
                step(
                    resident,
                    action,
                    S::Completed,
                    None,
                    at + Duration::minutes(10),
                );
            }
        }
    }
    if let Some(at) = t.reject {
        let note = Some("still leaking 仍然漏水".into());
        step(resident, A::Reject, S::Rework, note, at);
    }
    if let Some(at) = t.accept {
        if job.by_app {
            let note = job.rating.map(|r| format!("rating {r}"));
            step(resident, A::Confirm, S::Accepted, note, at);
        } else {
            let note = Some("signed on paper".into());
            step(desk, A::RecordSignature, S::Accepted, note, at);
        }
    }
    if let Some(at) = t.close {
        step(
            desk,
            A::Visit,
            S::Closed,
            Some("satisfied by phone".into()),
            at,
        );
    }
    if let Some(at) = t.cancel {
        let note = Some("resident fixed it themselves 业主自行处理".into());
        step(desk, A::Cancel, S::Cancelled, note, at);
    }
    let last = t.last().unwrap_or(d.created);
    let late = fix_by < now && job.completed_at.is_none() && d.status.is_open() && !d.developer;
    let (chased, after) = (rng.random_bool(0.5), minutes(rng, 30, 600));
    if late && chased {
        let at = fix_by.max(last) + after;
        if at < now {
            let note = Some("late because: waiting for parts; resident told: tomorrow".into());
            step(desk, A::Chase, d.status, note, at);
        }
    }
    debug_assert_eq!(status, d.status);
    out
}
