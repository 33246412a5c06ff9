//! What each ticket is and when each of its steps happened, drawn from the ticket's own
//! random stream, so that the pass that orders the tickets by report time and the pass
//! that writes them draw the same.

use chrono::{DateTime, Duration, Timelike, Utc};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use crate::seed::load::bulk::{exponential, minutes, pick, weighted};
use crate::seed::load::estate::Estate;
use crate::tickets::model::*;

use TicketStatus as S;

/// Per mille of tickets in each status: 6.5 % open.
const STATUS_MIX: [(TicketStatus, u32); 9] = [
    (S::Closed, 905),
    (S::Cancelled, 30),
    (S::Accepted, 15),
    (S::Completed, 13),
    (S::Dispatched, 10),
    (S::Transferred, 10),
    (S::Reported, 8),
    (S::OnSite, 7),
    (S::Rework, 2),
];

const CATEGORY_MIX: [(Category, u32); 12] = [
    (Category::WaterSupply, 12),
    (Category::Drainage, 14),
    (Category::Electrical, 12),
    (Category::Lift, 4),
    (Category::DoorsWindows, 12),
    (Category::SanitaryFittings, 12),
    (Category::RoofWallSeepage, 6),
    (Category::Heating, 5),
    (Category::HotWater, 5),
    (Category::RailingsStairs, 3),
    (Category::PublicFacilities, 8),
    (Category::Other, 7),
];

/// When each step happened; `None` for steps the ticket has not (yet) taken.
#[derive(Default, Clone, Copy)]
pub struct Times {
    pub dispatch: Option<DateTime<Utc>>,
    pub arrive: Option<DateTime<Utc>>,
    pub complete: Option<DateTime<Utc>>,
    pub reject: Option<DateTime<Utc>>,
    pub accept: Option<DateTime<Utc>>,
    pub close: Option<DateTime<Utc>>,
    pub transfer: Option<DateTime<Utc>>,
    pub acknowledge: Option<DateTime<Utc>>,
    pub cancel: Option<DateTime<Utc>>,
}

impl Times {
    fn map(self, f: impl Fn(DateTime<Utc>) -> Option<DateTime<Utc>>) -> Times {
        Times {
            dispatch: self.dispatch.and_then(&f),
            arrive: self.arrive.and_then(&f),
            complete: self.complete.and_then(&f),
            reject: self.reject.and_then(&f),
            accept: self.accept.and_then(&f),
            close: self.close.and_then(&f),
            transfer: self.transfer.and_then(&f),
            acknowledge: self.acknowledge.and_then(&f),
            cancel: self.cancel.and_then(&f),
        }
    }

    pub fn last(&self) -> Option<DateTime<Utc>> {
        [
            self.dispatch,
            self.arrive,
            self.complete,
            self.reject,
            self.accept,
            self.close,
            self.transfer,
            self.acknowledge,
            self.cancel,
        ]
        .into_iter()
        .flatten()
        .max()
    }
}

/// What ticket `i` is.
pub struct Draw {
    pub site: usize,
    /// A unit index, or `None` for a public area.
    pub unit: Option<usize>,
    pub status: TicketStatus,
    pub category: Category,
    pub priority: Priority,
    /// Repaired by the developer under the construction warranty.
    pub developer: bool,
    pub created: DateTime<Utc>,
    pub times: Times,
}

fn late(rng: &mut SmallRng, p: f64, min: i64, max: i64) -> Duration {
    if rng.random_bool(p) {
        minutes(rng, min, max)
    } else {
        Duration::zero()
    }
}

/// Ticket `i` and the random stream it goes on with.
pub fn draw(
    seed: u64,
    i: usize,
    estate: &Estate,
    weights: &[u32],
    now: DateTime<Utc>,
) -> (Draw, SmallRng) {
    let mut rng = SmallRng::seed_from_u64(seed ^ (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let site = weighted(&mut rng, weights);
    let status = pick(&mut rng, &STATUS_MIX);
    let category = pick(&mut rng, &CATEGORY_MIX);
    let public = matches!(
        category,
        Category::Lift | Category::RailingsStairs | Category::PublicFacilities
    ) && rng.random_bool(0.9)
        || rng.random_bool(0.04);
    let units = &estate.sites[site].units;
    let unit = (!public).then(|| rng.random_range(units.clone()));
    let priority = if rng.random_bool(0.2) {
        Priority::Urgent
    } else {
        Priority::General
    };
    let developer = status == S::Transferred
        || unit.is_some()
            && matches!(status, S::Completed | S::Accepted | S::Closed)
            && rng.random_bool(0.03);
    let quick = priority == Priority::Urgent || category == Category::HotWater;
    let offsets = steps(&mut rng, status, developer, quick);
    let created = reported_at(&mut rng, status, &offsets, now);
    let zero = DateTime::<Utc>::UNIX_EPOCH;
    let times = offsets
        .map(|at| Some(created + (at - zero)))
        .map(|at| (at <= now).then_some(at));
    let draw = Draw {
        site,
        unit,
        status,
        category,
        priority,
        developer,
        created,
        times,
    };
    (draw, rng)
}

/// The steps a ticket in `status` has taken, as offsets from the epoch standing for its
/// report: the engineering path (dispatch, on site, done, accepted, visited), the
/// developer's (transfer, acknowledged, done, ...), or a cancellation.
fn steps(rng: &mut SmallRng, status: TicketStatus, developer: bool, quick: bool) -> Times {
    let zero = DateTime::<Utc>::UNIX_EPOCH;
    let mut t = Times::default();
    let dispatch = if quick {
        minutes(rng, 5, 60)
    } else {
        minutes(rng, 20, 480)
    } + late(rng, 0.04, 1440, 4320);
    let arrive = if quick {
        minutes(rng, 5, 90)
    } else {
        minutes(rng, 60, 1800)
    } + late(rng, 0.04, 1440, 2880);
    let complete = minutes(rng, 20, 240) + late(rng, 0.05, 1440, 4320);
    let accept = minutes(rng, 30, 4320);
    let close = minutes(rng, 60, 4320) + late(rng, 0.05, 2880, 14400);
    match status {
        S::Reported => {}
        S::Cancelled => {
            if rng.random_bool(0.3) {
                t.dispatch = Some(zero + dispatch);
            }
            t.cancel = Some(t.dispatch.unwrap_or(zero) + minutes(rng, 10, 2880));
        }
        _ if developer => {
            let transfer = zero + minutes(rng, 60, 2880);
            t.transfer = Some(transfer);
            if rng.random_bool(0.6) {
                t.acknowledge = Some(transfer + minutes(rng, 60, 4320));
            }
            if status != S::Transferred {
                t.complete = Some(transfer + minutes(rng, 2 * 1440, 14 * 1440));
            }
        }
        _ => {
            t.dispatch = Some(zero + dispatch);
            if status != S::Dispatched {
                t.arrive = t.dispatch.map(|at| at + arrive);
            }
            if !matches!(status, S::Dispatched | S::OnSite) {
                t.complete = t.arrive.map(|at| at + complete);
            }
            if status == S::Rework {
                t.reject = t.complete.map(|at| at + minutes(rng, 120, 2880));
            }
        }
    }
    if matches!(status, S::Accepted | S::Closed) {
        t.accept = t.complete.map(|at| at + accept);
    }
    if status == S::Closed {
        t.close = t.accept.map(|at| at + close);
    }
    t
}

/// When the ticket was reported: within the last year, so that its steps fit before now.
/// Done tickets are spread over the year, mostly in the day; open ones are recent, their
/// last step hours or days ago, and one in seven stuck ten times as long (overdue).
fn reported_at(
    rng: &mut SmallRng,
    status: TicketStatus,
    offsets: &Times,
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    let zero = DateTime::<Utc>::UNIX_EPOCH;
    let last = offsets.last().map_or(Duration::zero(), |at| at - zero);
    let year = Duration::days(365);
    let created = if status.is_open() {
        let mean = match status {
            S::Reported | S::OnSite => Duration::hours(6),
            S::Dispatched => Duration::hours(10),
            S::Rework => Duration::hours(24),
            S::Completed => Duration::hours(36),
            S::Accepted => Duration::hours(48),
            _ => Duration::days(8),
        };
        let stuck = if rng.random_bool(0.15) { 10 } else { 1 };
        let since = exponential(rng, mean * stuck) + Duration::minutes(1);
        now - (since + last).min(year - Duration::hours(1))
    } else {
        let span = (year - last - Duration::minutes(1)).max(Duration::hours(1));
        let mut at = now - year + Duration::seconds(rng.random_range(0..span.num_seconds()));
        // Most reports come in the day (local time is UTC+8).
        // (Drawn whatever the hour, so the stream does not depend on the time of day.)
        let to_day = rng.random_bool(0.75);
        let hour = (at.hour() + 8) % 24;
        if !(7..22).contains(&hour) && to_day {
            let moved = at + Duration::hours(9);
            if moved + last < now {
                at = moved;
            }
        }
        at
    };
    created.with_nanosecond(0).expect("whole seconds")
}
