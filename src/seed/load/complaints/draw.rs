//! What each complaint is: who complained, how, about what, and when each step of its
//! handling happened.

use chrono::{DateTime, Duration, Timelike, Utc};
use rand::rngs::SmallRng;
use rand::Rng;

use crate::complaints::model::*;
use crate::ids::UserId;
use crate::seed::load::bulk::{exponential, minutes, person_name, pick, stranger_phone, weighted};
use crate::seed::load::estate::Estate;

use ComplaintStatus as S;

/// Per mille in each status.
const STATUS_MIX: [(ComplaintStatus, u32); 6] = [
    (S::Closed, 790),
    (S::Resolved, 60),
    (S::InProgress, 60),
    (S::Merged, 40),
    (S::Received, 30),
    (S::WithDeveloper, 20),
];

const SUBJECT_MIX: [(ComplaintSubject, u32); 13] = [
    (ComplaintSubject::Equipment, 22),
    (ComplaintSubject::ServiceAttitude, 10),
    (ComplaintSubject::ServiceQuality, 16),
    (ComplaintSubject::Emergency, 2),
    (ComplaintSubject::Fees, 8),
    (ComplaintSubject::CommunityActivity, 2),
    (ComplaintSubject::NeighbourPets, 6),
    (ComplaintSubject::NeighbourCorridorClutter, 5),
    (ComplaintSubject::NeighbourIllegalBuilding, 3),
    (ComplaintSubject::NeighbourNoise, 12),
    (ComplaintSubject::NeighbourScavenging, 2),
    (ComplaintSubject::NeighbourThrownObjects, 3),
    (ComplaintSubject::Other, 9),
];

/// Channels of complaints staff record.
const STAFF_CHANNELS: [(ComplaintChannel, u32); 12] = [
    (ComplaintChannel::Phone, 40),
    (ComplaintChannel::InPerson, 20),
    (ComplaintChannel::ThroughSomeone, 5),
    (ComplaintChannel::Letter, 2),
    (ComplaintChannel::SuggestionBox, 3),
    (ComplaintChannel::StaffRelay, 10),
    (ComplaintChannel::Fax, 1),
    (ComplaintChannel::Email, 5),
    (ComplaintChannel::Web, 5),
    (ComplaintChannel::Forum, 4),
    (ComplaintChannel::Media, 1),
    (ComplaintChannel::ParentCompany, 1),
];

/// Who complained.
#[derive(Clone)]
pub enum Who {
    /// A resident, by index into `Estate::residents`.
    Resident(usize),
    Named {
        name: String,
        phone: String,
    },
    Anonymous,
}

/// One complaint, planned whole before any is written: merging needs the complaint a
/// duplicate is counted on, which is written first.
pub struct Plan {
    pub site: usize,
    pub unit: Option<usize>,
    pub who: Who,
    pub channel: ComplaintChannel,
    pub class: ComplaintClass,
    pub nature: Nature,
    pub subject: ComplaintSubject,
    pub major: bool,
    pub sensitive: bool,
    pub status: ComplaintStatus,
    pub created: DateTime<Utc>,
    /// The butler who owns it, and since when (the receiver owns it from intake).
    pub owner: Option<(UserId, DateTime<Utc>)>,
    pub received_by: UserId,
    pub first_reply: Option<DateTime<Utc>>,
    pub handoff: Option<(Department, DateTime<Utc>)>,
    pub transfer: Option<DateTime<Utc>>,
    pub developer_reply: Option<DateTime<Utc>>,
    pub resolved: Option<DateTime<Utc>>,
    pub exemption: Option<VisitExemption>,
    pub closed: Option<(ClosureReason, DateTime<Utc>)>,
    /// The complaint it was merged into (an index into the plans), when a duplicate.
    pub merged_into: Option<usize>,
    /// Duplicates counted on this one: (their index, when).
    pub merged_in: Vec<(usize, DateTime<Utc>)>,
    pub complainants: i32,
    pub id: i64,
    pub number: String,
}

/// When each step of the handling happened, as offsets from the epoch standing for intake.
#[derive(Clone, Copy)]
struct Handling {
    owned: Option<DateTime<Utc>>,
    first_reply: Option<DateTime<Utc>>,
    handoff: Option<(Department, DateTime<Utc>)>,
    transfer: Option<DateTime<Utc>>,
    developer_reply: Option<DateTime<Utc>>,
    resolved: Option<DateTime<Utc>>,
    closed: Option<(ClosureReason, DateTime<Utc>)>,
}

impl Handling {
    fn last(&self) -> DateTime<Utc> {
        [
            self.owned,
            self.first_reply,
            self.handoff.map(|h| h.1),
            self.transfer,
            self.developer_reply,
            self.resolved,
            self.closed.map(|c| c.1),
        ]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
    }
}

/// One complaint, drawn from the shared random stream.
pub fn draw(rng: &mut SmallRng, estate: &Estate, weights: &[u32], now: DateTime<Utc>) -> Plan {
    let site_index = weighted(rng, weights);
    let site = &estate.sites[site_index];
    let mut status = pick(rng, &STATUS_MIX);
    let subject = pick(rng, &SUBJECT_MIX);
    let class = if status == S::WithDeveloper {
        ComplaintClass::Developer
    } else {
        pick(rng, &CLASS_MIX)
    };
    let unit_index = rng.random_range(site.units.clone());
    let unit = &estate.units[unit_index];
    let roll: f64 = rng.random_range(0.0..1.0);
    let (who, unit) = if roll < 0.65 && !unit.residents.is_empty() {
        let r = unit.residents[rng.random_range(0..unit.residents.len())];
        (Who::Resident(r), rng.random_bool(0.9).then_some(unit_index))
    } else if roll < 0.9 {
        let who = Who::Named {
            name: person_name(rng),
            phone: stranger_phone(rng),
        };
        (who, rng.random_bool(0.6).then_some(unit_index))
    } else {
        (Who::Anonymous, rng.random_bool(0.3).then_some(unit_index))
    };
    let by_app = matches!(who, Who::Resident(_)) && rng.random_bool(0.55);
    let channel = if by_app {
        ComplaintChannel::App
    } else {
        pick(rng, &STAFF_CHANNELS)
    };
    let butler = site.butlers[rng.random_range(0..site.butlers.len())].id;
    let received_by = match &who {
        Who::Resident(r) if by_app => estate.residents[*r].id,
        _ if rng.random_bool(0.85) => butler,
        _ => site.engineers[rng.random_range(0..site.engineers.len())].id,
    };
    let sensitive = rng.random_bool(0.02);
    let major = status != S::Merged && rng.random_bool(0.01);
    let exemption = visit_exemption(&VisitFacts {
        solved_on_spot_and_confirmed: rng.random_bool(0.25),
        anonymous: matches!(who, Who::Anonymous),
        sensitive,
        refuses_visits: false,
    });
    if status == S::Closed && exemption.is_none() && rng.random_bool(0.02) {
        status = S::Resolved;
    }
    let h = handling(
        rng,
        status,
        class,
        subject,
        exemption,
        received_by == butler,
    );
    let created = received_at(rng, status, exemption.is_some(), h.last(), now);
    let zero = DateTime::<Utc>::UNIX_EPOCH;
    let at = |offset: DateTime<Utc>| created + (offset - zero);
    Plan {
        site: site_index,
        unit,
        who,
        channel,
        class,
        nature: if rng.random_bool(0.15) {
            Nature::Communication
        } else {
            Nature::Valid
        },
        subject,
        major,
        sensitive,
        status,
        created,
        owner: h.owned.map(|o| (butler, at(o))),
        received_by,
        first_reply: h.first_reply.map(at),
        handoff: h.handoff.map(|(d, o)| (d, at(o))),
        transfer: h.transfer.map(at),
        developer_reply: h.developer_reply.map(at),
        resolved: h.resolved.map(at),
        exemption,
        closed: h.closed.map(|(r, o)| (r, at(o))),
        merged_into: None,
        merged_in: Vec::new(),
        complainants: 1,
        id: 0,
        number: String::new(),
    }
}

const CLASS_MIX: [(ComplaintClass, u32); 3] = [
    (ComplaintClass::PropertyService, 80),
    (ComplaintClass::Developer, 12),
    (ComplaintClass::External, 8),
];

const DEPARTMENT_MIX: [(Department, u32); 6] = [
    (Department::CustomerService, 20),
    (Department::Engineering, 35),
    (Department::Security, 15),
    (Department::Cleaning, 15),
    (Department::Landscaping, 5),
    (Department::Finance, 10),
];

/// The handling a complaint in `status` has had: owned (at once when a butler received
/// it), answered within hours (one in ten late), handed to a department (service quality
/// within its 20 minutes), given to the developer (class 2), resolved within days, then
/// closed at the visit or by the quiet week, or merged soon after intake.
fn handling(
    rng: &mut SmallRng,
    status: ComplaintStatus,
    class: ComplaintClass,
    subject: ComplaintSubject,
    exemption: Option<VisitExemption>,
    owned_at_intake: bool,
) -> Handling {
    let zero = DateTime::<Utc>::UNIX_EPOCH;
    let owned = if owned_at_intake {
        Some(zero)
    } else if status != S::Received || rng.random_bool(0.6) {
        Some(zero + minutes(rng, 10, 240))
    } else {
        None
    };
    let reply = if rng.random_bool(0.9) {
        minutes(rng, 15, 360)
    } else {
        minutes(rng, 600, 2880)
    };
    let handled = !matches!(status, S::Received | S::Merged);
    // The owner answers, so not before they own it.
    let reply = reply.max(owned.map_or(Duration::zero(), |o| o - zero + minutes(rng, 5, 60)));
    let first_reply = handled.then_some(zero + reply);
    let quality = subject == ComplaintSubject::ServiceQuality;
    let handoff = (handled && (quality || rng.random_bool(0.4))).then(|| {
        let at = match first_reply {
            Some(reply) if !quality => reply + minutes(rng, 10, 120),
            _ => zero + minutes(rng, 5, 30),
        };
        (pick(rng, &DEPARTMENT_MIX), at)
    });
    let transfer = (class == ComplaintClass::Developer
        && handled
        && (status == S::WithDeveloper || rng.random_bool(0.5)))
    .then(|| zero + reply + minutes(rng, 60, 1440));
    let done = matches!(status, S::Resolved | S::Closed);
    let developer_reply = transfer
        .filter(|_| done)
        .map(|at| at + minutes(rng, 1440, 7 * 1440));
    let resolved = done.then(|| {
        let busy_until = developer_reply.max(handoff.map(|h| h.1)).max(first_reply);
        busy_until.unwrap_or(zero) + minutes(rng, 60, 5 * 1440)
    });
    let closed = match (status, resolved) {
        (S::Closed, Some(resolved)) => Some(match exemption {
            Some(_) => (
                ClosureReason::QuietWeek,
                resolved + Duration::days(7) + minutes(rng, 1, 5),
            ),
            None => (
                ClosureReason::SatisfiedAtVisit,
                resolved + minutes(rng, 60, 7 * 1440),
            ),
        }),
        (S::Merged, _) => Some((ClosureReason::Merged, zero + minutes(rng, 10, 1440))),
        _ => None,
    };
    Handling {
        owned,
        first_reply,
        handoff,
        transfer,
        developer_reply,
        resolved,
        closed,
    }
}

/// When it came in: handled ones over the year; open ones recent (received hours ago, one
/// in seven stuck ten times as long; in hand or with the developer days ago); resolved
/// ones waiting for their visit days ago, exempt ones less than the week after which the
/// sweep would have closed them.
fn received_at(
    rng: &mut SmallRng,
    status: ComplaintStatus,
    exempt: bool,
    last: DateTime<Utc>,
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    let last = last - DateTime::<Utc>::UNIX_EPOCH;
    let year = Duration::days(365);
    let since = match status {
        S::Received => {
            let stuck = if rng.random_bool(0.15) { 10 } else { 1 };
            exponential(rng, Duration::hours(5) * stuck)
        }
        S::InProgress => exponential(rng, Duration::days(3)),
        S::WithDeveloper => exponential(rng, Duration::days(4)),
        S::Resolved if exempt => Duration::seconds(rng.random_range(600..6 * 86_400)),
        S::Resolved => exponential(rng, Duration::days(4)),
        _ => Duration::zero(),
    } + Duration::minutes(1);
    let created = if status.is_open() || status == S::Resolved {
        now - (since + last).min(year - Duration::hours(1))
    } else {
        let span = (year - last - Duration::minutes(1)).max(Duration::hours(1));
        now - year + Duration::seconds(rng.random_range(0..span.num_seconds()))
    };
    created.with_nanosecond(0).expect("whole seconds")
}

/// The complainant as R-CMP-16 tells people apart.
pub fn person<'a>(estate: &Estate, who: &'a Who) -> Person<'a> {
    match who {
        Who::Resident(r) => Person::of(
            ComplainantKind::Resident,
            Some(estate.residents[*r].id),
            None,
            None,
        ),
        Who::Named { name, phone } => {
            Person::of(ComplainantKind::Named, None, Some(name), Some(phone))
        }
        Who::Anonymous => Person::of(ComplainantKind::Anonymous, None, None, None),
    }
}
