//! Deadline maths: first response (R-CMP-5), department handoff (R-CMP-6), developer
//! transfer (R-CMP-10), chasing (R-CMP-11), the follow-up visit and its exemptions
//! (R-CMP-13) and the quiet week (R-CMP-14).

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use super::{ComplaintChannel, ComplaintSubject, VisitExemption};
use crate::calendar::WorkingCalendar;

/// R-CMP-5: online complaints within 4 working hours; others received in working hours
/// within 8 working hours; others received outside working hours within 24 clock hours
/// (the duty desk covers nights and holidays; the online queue is worked in office hours).
pub fn respond_by(
    channel: ComplaintChannel,
    received_at: DateTime<Utc>,
    calendar: &WorkingCalendar,
    tz: Tz,
) -> DateTime<Utc> {
    if channel.is_online() {
        calendar.add_working_time(tz, received_at, Duration::hours(4))
    } else if calendar.is_working_time(tz, received_at) {
        calendar.add_working_time(tz, received_at, Duration::hours(8))
    } else {
        received_at + Duration::hours(24)
    }
}

/// R-CMP-6: a service-quality complaint goes to its department within 20 minutes.
pub fn handoff_by(subject: ComplaintSubject, received_at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    (subject == ComplaintSubject::ServiceQuality).then(|| received_at + Duration::minutes(20))
}

/// R-CMP-10: the developer owes a solution within one week.
pub fn developer_due(transferred_at: DateTime<Utc>) -> DateTime<Utc> {
    transferred_at + Duration::days(7)
}

/// R-CMP-11: when to chase next, from the last chase (or intake). Major complaints daily;
/// general ones every three days (at least twice a week); one with an agreed deadline
/// further off than that is chased the day before the deadline.
pub fn next_chase(
    major: bool,
    from: DateTime<Utc>,
    agreed_due: Option<DateTime<Utc>>,
) -> DateTime<Utc> {
    if major {
        return from + Duration::days(1);
    }
    let regular = from + Duration::days(3);
    match agreed_due.map(|due| due - Duration::days(1)) {
        Some(day_before) if day_before > regular => day_before,
        _ => regular,
    }
}

/// R-CMP-13: the visit falls due one week after the handling finished.
pub fn visit_by(resolved_at: DateTime<Utc>) -> DateTime<Utc> {
    resolved_at + Duration::days(7)
}

/// R-CMP-14: a complaint without a visit closes a week after handling if nothing repeats.
pub const QUIET_WEEK: Duration = Duration::days(7);

/// R-CMP-13: why no visit is due, in order of precedence, if any.
pub struct VisitFacts {
    pub solved_on_spot_and_confirmed: bool,
    pub anonymous: bool,
    pub sensitive: bool,
    pub refuses_visits: bool,
}

pub fn visit_exemption(facts: &VisitFacts) -> Option<VisitExemption> {
    if facts.anonymous {
        Some(VisitExemption::Anonymous)
    } else if facts.refuses_visits {
        Some(VisitExemption::RefusesVisits)
    } else if facts.sensitive {
        Some(VisitExemption::Sensitive)
    } else if facts.solved_on_spot_and_confirmed {
        Some(VisitExemption::SolvedOnSpot)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn shanghai(s: &str) -> DateTime<Utc> {
        use chrono::TimeZone;
        chrono_tz::Asia::Shanghai
            .from_local_datetime(
                &chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap(),
            )
            .unwrap()
            .with_timezone(&Utc)
    }

    // R-CMP-5
    #[test]
    fn first_response_depends_on_channel_and_working_hours() {
        let tz = chrono_tz::Asia::Shanghai;
        let cal = WorkingCalendar::default();
        // Monday 10:00, by phone: 8 working hours = Mon 10:00-12:00, 13:30-17:30, Tue 08:30-10:30.
        assert_eq!(
            respond_by(
                ComplaintChannel::Phone,
                shanghai("2026-11-23 10:00"),
                &cal,
                tz
            ),
            shanghai("2026-11-24 10:30")
        );
        // Monday 10:00, online: 4 working hours, lunch excluded.
        assert_eq!(
            respond_by(
                ComplaintChannel::App,
                shanghai("2026-11-23 10:00"),
                &cal,
                tz
            ),
            shanghai("2026-11-23 15:30")
        );
        // Monday 20:00 by phone: outside working hours, 24 clock hours.
        assert_eq!(
            respond_by(
                ComplaintChannel::Phone,
                shanghai("2026-11-23 20:00"),
                &cal,
                tz
            ),
            shanghai("2026-11-24 20:00")
        );
        // Friday 22:00 online, before a Monday holiday: Tuesday 08:30-12:00, 13:30-14:00.
        let cal = WorkingCalendar::new(
            crate::calendar::standard_week(),
            [(
                NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
                crate::calendar::DayKind::Holiday,
            )],
        );
        assert_eq!(
            respond_by(
                ComplaintChannel::Forum,
                shanghai("2026-11-27 22:00"),
                &cal,
                tz
            ),
            shanghai("2026-12-01 14:00")
        );
    }

    // R-CMP-11
    #[test]
    fn chasing_is_daily_for_major_twice_a_week_otherwise_and_before_long_deadlines() {
        let t = shanghai("2026-11-23 10:00");
        assert_eq!(next_chase(true, t, None), t + Duration::days(1));
        assert_eq!(next_chase(false, t, None), t + Duration::days(3));
        let due = t + Duration::days(10);
        assert_eq!(next_chase(false, t, Some(due)), due - Duration::days(1));
        // A near deadline does not delay the regular chase.
        assert_eq!(
            next_chase(false, t, Some(t + Duration::days(2))),
            t + Duration::days(3)
        );
    }

    // R-CMP-13
    #[test]
    fn visit_exemptions() {
        let none = VisitFacts {
            solved_on_spot_and_confirmed: false,
            anonymous: false,
            sensitive: false,
            refuses_visits: false,
        };
        assert_eq!(visit_exemption(&none), None);
        assert_eq!(
            visit_exemption(&VisitFacts {
                anonymous: true,
                ..none
            }),
            Some(VisitExemption::Anonymous)
        );
        assert_eq!(
            visit_exemption(&VisitFacts {
                solved_on_spot_and_confirmed: true,
                ..none
            }),
            Some(VisitExemption::SolvedOnSpot)
        );
    }
}
