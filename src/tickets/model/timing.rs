//! R-TKT-4, 10, 11: when a ticket's duties fall due, and when it is overdue.

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::{Category, Priority, TicketStatus};

use TicketStatus as S;

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

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
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
}
