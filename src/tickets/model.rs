//! Repair tickets (报修): the states and actions, deadlines (R-TKT-4), routing between
//! engineering and the developer's warranty (R-TKT-5) and the workmanship warranty
//! (R-TKT-12). Pure code: no database, no HTTP.

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, TimeZone, Utc};

use crate::money::Fen;
use crate::text_enum;

text_enum! {
    /// What broke. A fixed list covering the procedures; it drives deadlines and routing.
    pub enum Category {
        WaterSupply = "water_supply",
        Drainage = "drainage",
        Electrical = "electrical",
        Lift = "lift",
        DoorsWindows = "doors_windows",
        SanitaryFittings = "sanitary_fittings",
        RoofWallSeepage = "roof_wall_seepage",
        Heating = "heating",
        HotWater = "hot_water",
        RailingsStairs = "railings_stairs",
        PublicFacilities = "public_facilities",
        Other = "other",
    }
}

text_enum! {
    /// R-TKT-2: inside a home (户内) or in a public area (公共区域).
    pub enum Scope {
        InHome = "in_home",
        PublicArea = "public_area",
    }
}

text_enum! {
    /// R-TKT-3: urgent (急修) or general (一般).
    pub enum Priority {
        Urgent = "urgent",
        General = "general",
    }
}

text_enum! {
    /// How the report reached the desk.
    pub enum Channel {
        App = "app",
        Phone = "phone",
        Counter = "counter",
        Staff = "staff",
    }
}

text_enum! {
    /// R-TKT-5: who repairs.
    pub enum Route {
        Engineering = "engineering",
        Developer = "developer",
    }
}

text_enum! {
    pub enum TicketStatus {
        /// Reported, not yet dispatched.
        Reported = "reported",
        /// Engineers assigned, not yet on site.
        Dispatched = "dispatched",
        OnSite = "on_site",
        /// Repaired, waiting for the resident's acceptance.
        Completed = "completed",
        /// The resident rejected the result; engineers go back.
        Rework = "rework",
        /// Accepted, waiting for the follow-up visit.
        Accepted = "accepted",
        Closed = "closed",
        /// With the developer under construction warranty.
        Transferred = "transferred",
        Cancelled = "cancelled",
    }
}

text_enum! {
    /// R-TKT-8: a charge's way from proposal to bill.
    pub enum ChargeStatus {
        None = "none",
        /// Outside the fee schedule: the engineering supervisor (a manager) reviews it.
        PendingApproval = "pending_approval",
        AwaitingResident = "awaiting_resident",
        Accepted = "accepted",
        Declined = "declined",
    }
}

text_enum! {
    /// R-TKT-9: how the resident signed.
    pub enum Acceptance {
        App = "app",
        Paper = "paper",
    }
}

text_enum! {
    /// Every action on a ticket, one `POST /tickets/{id}/<action>` each.
    pub enum TicketAction {
        Reclassify = "reclassify",
        Dispatch = "dispatch",
        Arrive = "arrive",
        Complete = "complete",
        Transfer = "transfer",
        DeveloperAcknowledge = "developer_acknowledge",
        DeveloperComplete = "developer_complete",
        TakeOver = "take_over",
        SettlementSigned = "settlement_signed",
        Charge = "charge",
        ApproveCharge = "approve_charge",
        AcceptCharge = "accept_charge",
        DeclineCharge = "decline_charge",
        Confirm = "confirm",
        Reject = "reject",
        RecordSignature = "record_signature",
        Visit = "visit",
        Chase = "chase",
        Cancel = "cancel",
    }
}

use TicketAction as A;
use TicketStatus as S;

/// The statuses of a ticket still being worked on; read by `repo::list` too.
pub const OPEN: &[TicketStatus] = &[
    S::Reported,
    S::Dispatched,
    S::OnSite,
    S::Completed,
    S::Rework,
    S::Accepted,
    S::Transferred,
];

impl TicketStatus {
    pub fn is_open(self) -> bool {
        OPEN.contains(&self)
    }

    /// The state the action leads to from this one, or `None` when it is not allowed here.
    pub fn after(self, action: TicketAction) -> Option<TicketStatus> {
        let (from, to): (&[TicketStatus], Option<TicketStatus>) = match action {
            A::Reclassify => (
                &[
                    S::Reported,
                    S::Dispatched,
                    S::OnSite,
                    S::Rework,
                    S::Transferred,
                ],
                None,
            ),
            A::Dispatch => (&[S::Reported, S::Dispatched], Some(S::Dispatched)),
            A::Arrive => (&[S::Dispatched, S::Rework], Some(S::OnSite)),
            A::Complete => (&[S::OnSite], Some(S::Completed)),
            A::Transfer => (&[S::Reported], Some(S::Transferred)),
            A::DeveloperAcknowledge => (&[S::Transferred], None),
            A::DeveloperComplete => (&[S::Transferred], Some(S::Completed)),
            A::TakeOver => (&[S::Transferred], Some(S::Reported)),
            A::SettlementSigned => (&[S::Completed, S::Accepted, S::Closed], None),
            A::Charge | A::ApproveCharge | A::AcceptCharge | A::DeclineCharge => {
                (&[S::OnSite, S::Completed], None)
            }
            A::Confirm | A::RecordSignature => (&[S::Completed], Some(S::Accepted)),
            A::Reject => (&[S::Completed], Some(S::Rework)),
            A::Visit => (&[S::Accepted], Some(S::Closed)),
            A::Chase => (OPEN, None),
            A::Cancel => (
                &[S::Reported, S::Dispatched, S::Transferred],
                Some(S::Cancelled),
            ),
        };
        from.contains(&self).then_some(to.unwrap_or(self))
    }
}

/// The stored deadline an overdue rule watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueAt {
    Arrive,
    Fix,
    Developer,
    Visit,
}

/// The stored instant that, once set, says a rule's duty was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DoneAt {
    Arrived,
    Completed,
}

/// One way of being late: in one of `statuses`, `due` has passed and `undone` (if any) is
/// still unset.
pub struct OverdueRule {
    pub due: DueAt,
    pub undone: Option<DoneAt>,
    pub statuses: &'static [TicketStatus],
}

/// R-TKT-4/11: the ways a ticket is overdue. The one definition: the `overdue` flag
/// ([`is_overdue`]) and the `?overdue=true` filter (`repo::overdue_at`, in SQL) are both
/// built from it.
pub const OVERDUE_RULES: [OverdueRule; 4] = [
    // Nobody on site in time (urgent, hot water).
    OverdueRule {
        due: DueAt::Arrive,
        undone: Some(DoneAt::Arrived),
        statuses: &[S::Reported, S::Dispatched],
    },
    // Not repaired in time, by engineering.
    OverdueRule {
        due: DueAt::Fix,
        undone: Some(DoneAt::Completed),
        statuses: &[S::Reported, S::Dispatched, S::OnSite, S::Rework],
    },
    // Still with the developer past its agreed deadline.
    OverdueRule {
        due: DueAt::Developer,
        undone: None,
        statuses: &[S::Transferred],
    },
    // Accepted, and the follow-up visit not made in time.
    OverdueRule {
        due: DueAt::Visit,
        undone: None,
        statuses: &[S::Accepted],
    },
];

/// A ticket's stored deadlines and done instants, as [`OVERDUE_RULES`] reads them.
pub struct Timing {
    pub arrive_by: Option<DateTime<Utc>>,
    pub arrived_at: Option<DateTime<Utc>>,
    pub fix_by: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub developer_due_at: Option<DateTime<Utc>>,
    pub visit_by: Option<DateTime<Utc>>,
}

impl Timing {
    fn due(&self, due: DueAt) -> Option<DateTime<Utc>> {
        match due {
            DueAt::Arrive => self.arrive_by,
            DueAt::Fix => Some(self.fix_by),
            DueAt::Developer => self.developer_due_at,
            DueAt::Visit => self.visit_by,
        }
    }

    fn done(&self, done: DoneAt) -> Option<DateTime<Utc>> {
        match done {
            DoneAt::Arrived => self.arrived_at,
            DoneAt::Completed => self.completed_at,
        }
    }
}

/// R-TKT-4/11: some deadline passed and its duty is still undone.
pub fn is_overdue(status: TicketStatus, t: &Timing, now: DateTime<Utc>) -> bool {
    OVERDUE_RULES.iter().any(|rule| {
        rule.statuses.contains(&status)
            && t.due(rule.due).is_some_and(|due| due < now)
            && rule.undone.is_none_or(|done| t.done(done).is_none())
    })
}

/// R-TKT-4: when the engineer must be on site and the repair done, from the report time.
pub struct Deadlines {
    pub arrive_by: Option<DateTime<Utc>>,
    pub fix_by: DateTime<Utc>,
}

pub fn deadlines(priority: Priority, category: Category, reported_at: DateTime<Utc>) -> Deadlines {
    let arrive_by = if category == Category::HotWater {
        Some(reported_at + Duration::minutes(15))
    } else if priority == Priority::Urgent {
        Some(reported_at + Duration::hours(2))
    } else {
        None
    };
    let fix_by = reported_at
        + match priority {
            Priority::Urgent => Duration::hours(24),
            Priority::General => Duration::hours(72),
        };
    Deadlines { arrive_by, fix_by }
}

/// R-TKT-10: hot-water repairs are visited the same (local) day; others within three days
/// (our choice where the procedure says only "after completion").
pub fn visit_by(
    category: Category,
    completed_at: DateTime<Utc>,
    tz: chrono_tz::Tz,
) -> DateTime<Utc> {
    if category == Category::HotWater {
        end_of_local_day(completed_at, tz)
    } else {
        completed_at + Duration::days(3)
    }
}

/// The last second of the local calendar day that contains `at`.
pub fn end_of_local_day(at: DateTime<Utc>, tz: chrono_tz::Tz) -> DateTime<Utc> {
    let next_day = at.with_timezone(&tz).date_naive() + Duration::days(1);
    tz.from_local_datetime(&next_day.and_hms_opt(0, 0, 0).expect("midnight exists"))
        .earliest()
        .map_or(at, |midnight| midnight.with_timezone(&Utc))
        - Duration::seconds(1)
}

/// R-TKT-5: the developer's construction warranty for a category, counted from handover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Warranty {
    Years(u32, &'static str),
    /// Heating seasons (15 Nov - 15 Mar); cooling shares the rule.
    HeatingSeasons(u32, &'static str),
}

pub fn warranty(category: Category) -> Option<Warranty> {
    use Category::*;
    match category {
        RoofWallSeepage => Some(Warranty::Years(
            5,
            "waterproofing of roof, wet rooms and exterior walls",
        )),
        Heating => Some(Warranty::HeatingSeasons(2, "heating and cooling systems")),
        DoorsWindows => Some(Warranty::Years(2, "decoration works")),
        Electrical => Some(Warranty::Years(2, "electrical lines")),
        WaterSupply | Drainage | SanitaryFittings | HotWater => Some(Warranty::Years(
            2,
            "water and drain pipes and their fittings",
        )),
        Lift => Some(Warranty::Years(2, "equipment installation")),
        RailingsStairs | PublicFacilities | Other => None,
    }
}

/// The last day covered: `years` after handover, or the end (15 March) of the n-th heating
/// season that ends after handover.
pub fn warranty_until(term: Warranty, handover: NaiveDate) -> NaiveDate {
    match term {
        Warranty::Years(years, _) => handover
            .checked_add_months(Months::new(12 * years))
            .unwrap_or(NaiveDate::MAX),
        Warranty::HeatingSeasons(seasons, _) => {
            let season_end = |year| NaiveDate::from_ymd_opt(year, 3, 15).expect("15 March exists");
            let first_end_year = if handover < season_end(handover.year()) {
                handover.year()
            } else {
                handover.year() + 1
            };
            season_end(first_end_year + seasons as i32 - 1)
        }
    }
}

/// The proposed route and why; staff decide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteProposal {
    pub route: Route,
    pub reason: String,
}

pub fn propose_route(
    category: Category,
    handover: Option<NaiveDate>,
    today: NaiveDate,
) -> RouteProposal {
    let engineering = |reason: String| RouteProposal {
        route: Route::Engineering,
        reason,
    };
    let Some(term) = warranty(category) else {
        return engineering(format!("{category} is not under construction warranty"));
    };
    let what = match term {
        Warranty::Years(_, what) | Warranty::HeatingSeasons(_, what) => what,
    };
    let Some(handover) = handover else {
        return engineering("no handover date is recorded for the unit".into());
    };
    let until = warranty_until(term, handover);
    if today <= until {
        RouteProposal {
            route: Route::Developer,
            reason: format!(
                "{what}: under the developer's warranty until {until} (handover {handover})"
            ),
        }
    } else {
        engineering(format!(
            "{what}: the developer's warranty ended on {until} (handover {handover})"
        ))
    }
}

/// R-TKT-12: company repairs carry a 3-month workmanship warranty.
pub fn under_workmanship_warranty(completed_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    completed_at
        .checked_add_months(Months::new(3))
        .is_some_and(|until| now <= until)
}

/// The cost of materials given as (quantity, unit price); `None` when it does not fit.
pub fn materials_total(materials: &[(i64, Fen)]) -> Option<Fen> {
    materials
        .iter()
        .map(|(quantity, price)| price.checked_mul(*quantity))
        .try_fold(Fen::ZERO, |sum, line| sum.checked_add(line?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    // R-TKT-4
    #[test]
    fn deadlines_follow_priority_and_hot_water() {
        let at = utc("2026-11-23T10:00:00Z");
        let urgent = deadlines(Priority::Urgent, Category::WaterSupply, at);
        assert_eq!(urgent.arrive_by, Some(utc("2026-11-23T12:00:00Z")));
        assert_eq!(urgent.fix_by, utc("2026-11-24T10:00:00Z"));
        let general = deadlines(Priority::General, Category::DoorsWindows, at);
        assert_eq!(general.arrive_by, None);
        assert_eq!(general.fix_by, utc("2026-11-26T10:00:00Z"));
        let hot = deadlines(Priority::General, Category::HotWater, at);
        assert_eq!(hot.arrive_by, Some(utc("2026-11-23T10:15:00Z")));
    }

    // R-TKT-10
    #[test]
    fn hot_water_visit_is_due_by_the_end_of_the_local_day() {
        let tz: chrono_tz::Tz = "Asia/Shanghai".parse().unwrap();
        // 23:30 UTC is 07:30 the next morning in Shanghai: due by 23:59:59 local that day.
        let due = visit_by(Category::HotWater, utc("2026-11-23T23:30:00Z"), tz);
        assert_eq!(due, utc("2026-11-24T15:59:59Z"));
        let other = visit_by(Category::Lift, utc("2026-11-23T10:00:00Z"), tz);
        assert_eq!(other, utc("2026-11-26T10:00:00Z"));
    }

    // R-TKT-5
    #[test]
    fn warranty_periods_run_from_handover() {
        let handover = date("2024-06-30");
        let seepage = warranty(Category::RoofWallSeepage).unwrap();
        assert_eq!(warranty_until(seepage, handover), date("2029-06-30"));
        let heating = warranty(Category::Heating).unwrap();
        assert_eq!(warranty_until(heating, handover), date("2026-03-15"));
        // Handed over mid-season: that season counts as the first.
        assert_eq!(
            warranty_until(heating, date("2024-12-01")),
            date("2026-03-15")
        );
        assert_eq!(
            warranty_until(heating, date("2025-03-16")),
            date("2027-03-15")
        );
        let pipes = warranty(Category::Drainage).unwrap();
        assert_eq!(warranty_until(pipes, handover), date("2026-06-30"));
        assert!(warranty(Category::RailingsStairs).is_none());
    }

    // R-TKT-5
    #[test]
    fn route_is_proposed_from_category_and_handover() {
        let today = date("2026-11-23");
        let seepage = propose_route(Category::RoofWallSeepage, Some(date("2024-06-30")), today);
        assert_eq!(seepage.route, Route::Developer);
        assert!(seepage.reason.contains("2029-06-30"));
        let old_pipes = propose_route(Category::Drainage, Some(date("2023-06-30")), today);
        assert_eq!(old_pipes.route, Route::Engineering);
        assert!(old_pipes.reason.contains("ended on 2025-06-30"));
        let unknown = propose_route(Category::Electrical, None, today);
        assert_eq!(unknown.route, Route::Engineering);
        let none = propose_route(Category::Other, Some(date("2026-01-01")), today);
        assert_eq!(none.route, Route::Engineering);
    }

    // R-TKT-12
    #[test]
    fn workmanship_warranty_lasts_three_months() {
        let done = utc("2026-08-23T10:00:00Z");
        assert!(under_workmanship_warranty(
            done,
            utc("2026-11-23T10:00:00Z")
        ));
        assert!(!under_workmanship_warranty(
            done,
            utc("2026-11-23T10:00:01Z")
        ));
    }

    #[test]
    fn state_machine_allows_only_listed_moves() {
        assert_eq!(S::Reported.after(A::Dispatch), Some(S::Dispatched));
        assert_eq!(S::Dispatched.after(A::Arrive), Some(S::OnSite));
        assert_eq!(S::Reported.after(A::Arrive), None);
        assert_eq!(S::Completed.after(A::Reject), Some(S::Rework));
        assert_eq!(S::Rework.after(A::Arrive), Some(S::OnSite));
        assert_eq!(S::OnSite.after(A::Cancel), None);
        assert_eq!(S::Closed.after(A::Chase), None);
        assert_eq!(S::Transferred.after(A::TakeOver), Some(S::Reported));
        assert_eq!(S::Accepted.after(A::Visit), Some(S::Closed));
    }

    // R-TKT-4 R-TKT-11
    #[test]
    fn overdue_when_a_deadline_passed_and_its_duty_is_undone() {
        let at = utc("2026-11-23T10:00:00Z");
        let none = Timing {
            arrive_by: None,
            arrived_at: None,
            fix_by: at + Duration::hours(72),
            completed_at: None,
            developer_due_at: None,
            visit_by: None,
        };
        let later = at + Duration::hours(3);
        let arrive = Timing {
            arrive_by: Some(at + Duration::hours(2)),
            ..none
        };
        assert!(is_overdue(S::Dispatched, &arrive, later));
        assert!(!is_overdue(S::Dispatched, &arrive, at));
        let arrived = Timing {
            arrived_at: Some(at),
            ..arrive
        };
        assert!(!is_overdue(S::Dispatched, &arrived, later));
        let fix = Timing {
            fix_by: at + Duration::hours(1),
            ..none
        };
        assert!(is_overdue(S::OnSite, &fix, later));
        assert!(!is_overdue(S::Completed, &fix, later));
        let developer = Timing {
            developer_due_at: Some(at),
            ..none
        };
        assert!(is_overdue(S::Transferred, &developer, later));
        assert!(!is_overdue(S::Completed, &developer, later));
        let visit = Timing {
            visit_by: Some(at),
            ..none
        };
        assert!(is_overdue(S::Accepted, &visit, later));
        assert!(!is_overdue(S::Closed, &visit, later));
        // Only open tickets are ever overdue.
        assert!(OVERDUE_RULES
            .iter()
            .all(|rule| rule.statuses.iter().all(|s| s.is_open())));
    }

    #[test]
    fn material_totals_refuse_overflow() {
        assert_eq!(
            materials_total(&[(2, Fen::new(1500)), (1, Fen::new(800))]),
            Some(Fen::new(3800))
        );
        assert_eq!(materials_total(&[(i64::MAX, Fen::new(2))]), None);
        let huge = Fen::new(5_000_000_000_000_000_000);
        assert_eq!(materials_total(&[(1, huge), (1, huge)]), None);
    }
}
