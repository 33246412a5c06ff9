//! Complaints (投诉): what a complaint is (R-CMP-1..4, 17), its states and actions, and the
//! deadline maths of first response (R-CMP-5), department handoff (R-CMP-6), developer
//! transfer (R-CMP-10), chasing (R-CMP-11) and the follow-up visit (R-CMP-13). Pure code.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use crate::calendar::WorkingCalendar;
use crate::text_enum;

text_enum! {
    /// R-CMP-1: how the complaint reached us.
    pub enum ComplaintChannel {
        Phone = "phone",
        InPerson = "in_person",
        /// Through someone else (a relative, a neighbour).
        ThroughSomeone = "through_someone",
        Letter = "letter",
        SuggestionBox = "suggestion_box",
        /// Relayed by security, cleaning or engineering staff.
        StaffRelay = "staff_relay",
        Fax = "fax",
        Email = "email",
        /// Online: the resident app.
        App = "app",
        /// Online: the web site.
        Web = "web",
        /// Online: a community forum.
        Forum = "forum",
        Media = "media",
        /// Forwarded by the parent company.
        ParentCompany = "parent_company",
    }
}

impl ComplaintChannel {
    /// R-CMP-5: online complaints get the 4-hour response.
    pub fn is_online(self) -> bool {
        matches!(self, Self::App | Self::Web | Self::Forum)
    }
}

text_enum! {
    /// R-CMP-2: class by responsibility.
    pub enum ComplaintClass {
        /// Class 1: the property service itself.
        PropertyService = "property_service",
        /// Class 2: the developer (building quality, supporting facilities).
        Developer = "developer",
        /// Class 3: outside the service area; coordinated and reported.
        External = "external",
    }
}

text_enum! {
    /// R-CMP-3: a failure of ours (有效投诉) or a communication (沟通投诉).
    pub enum Nature {
        Valid = "valid",
        Communication = "communication",
    }
}

text_enum! {
    /// R-CMP-3: what kind of communication complaint.
    pub enum CommunicationKind {
        HelpRequest = "help_request",
        Question = "question",
        Venting = "venting",
    }
}

text_enum! {
    /// R-CMP-4: what the complaint is about; neighbour disputes by their kind.
    pub enum ComplaintSubject {
        Equipment = "equipment",
        ServiceAttitude = "service_attitude",
        ServiceQuality = "service_quality",
        Emergency = "emergency",
        Fees = "fees",
        CommunityActivity = "community_activity",
        NeighbourPets = "neighbour_pets",
        NeighbourCorridorClutter = "neighbour_corridor_clutter",
        NeighbourIllegalBuilding = "neighbour_illegal_building",
        NeighbourNoise = "neighbour_noise",
        NeighbourScavenging = "neighbour_scavenging",
        NeighbourThrownObjects = "neighbour_thrown_objects",
        Other = "other",
    }
}

text_enum! {
    /// The departments complaints are assigned to.
    pub enum Department {
        CustomerService = "customer_service",
        Engineering = "engineering",
        Security = "security",
        Cleaning = "cleaning",
        Landscaping = "landscaping",
        Finance = "finance",
        Developer = "developer",
    }
}

text_enum! {
    /// R-CMP-17: the root cause (人机料法环).
    pub enum RootCause {
        PeopleAttitude = "people_attitude",
        PeopleConduct = "people_conduct",
        PeopleSkills = "people_skills",
        FacilityAppearance = "facility_appearance",
        FacilityQuality = "facility_quality",
        FacilityFunction = "facility_function",
        MaterialDurability = "material_durability",
        MaterialEconomy = "material_economy",
        MaterialAccuracy = "material_accuracy",
        MethodProcess = "method_process",
        MethodStandards = "method_standards",
        Environment = "environment",
    }
}

text_enum! {
    /// R-CMP-8: who is responsible, once established.
    pub enum Responsibility {
        Company = "company",
        Developer = "developer",
        ThirdParty = "third_party",
        /// Nobody is at fault (a misunderstanding, a question).
        None = "none",
    }
}

text_enum! {
    /// R-CMP-9: how high the complaint went, in order.
    pub enum Escalation {
        Supervisor = "supervisor",
        Manager = "manager",
        Director = "director",
    }
}

text_enum! {
    /// Who complained.
    pub enum ComplainantKind {
        /// A resident with an account (the app, or recorded by staff).
        Resident = "resident",
        /// Someone without an account who gave a name.
        Named = "named",
        Anonymous = "anonymous",
    }
}

text_enum! {
    /// R-CMP-13: why no follow-up visit is due.
    pub enum VisitExemption {
        SolvedOnSpot = "solved_on_spot",
        Anonymous = "anonymous",
        Unreachable = "unreachable",
        Sensitive = "sensitive",
        RefusesVisits = "refuses_visits",
    }
}

text_enum! {
    /// R-CMP-14: how a complaint was closed.
    pub enum ClosureReason {
        SatisfiedAtVisit = "satisfied_at_visit",
        /// Exempt from the visit, and no repeat complaint in the week after handling.
        QuietWeek = "quiet_week",
        /// Counted with another complaint about the same event (R-CMP-16).
        Merged = "merged",
    }
}

text_enum! {
    pub enum MessageKind {
        /// Said to the complainant; they see it.
        Reply = "reply",
        /// Staff only.
        InternalNote = "internal_note",
    }
}

text_enum! {
    pub enum ComplaintStatus {
        /// Recorded, nothing said to the complainant yet.
        Received = "received",
        /// Being handled (department, reply, escalation).
        InProgress = "in_progress",
        /// Class 2: waiting for the developer's solution.
        WithDeveloper = "with_developer",
        /// Handled: result recorded; opinion, review and visit follow.
        Resolved = "resolved",
        Closed = "closed",
        /// A duplicate counted with another complaint.
        Merged = "merged",
    }
}

text_enum! {
    /// Every action on a complaint, one `POST /complaints/{id}/<action>` each.
    pub enum ComplaintAction {
        AssignOwner = "assign_owner",
        Classify = "classify",
        MarkMajor = "mark_major",
        Reply = "reply",
        Note = "note",
        HandToDepartment = "hand_to_department",
        SetFixDeadline = "set_fix_deadline",
        PromiseReply = "promise_reply",
        EstablishResponsibility = "establish_responsibility",
        PromiseCompensation = "promise_compensation",
        Escalate = "escalate",
        TransferToDeveloper = "transfer_to_developer",
        DeveloperReply = "developer_reply",
        Chase = "chase",
        Resolve = "resolve",
        Opinion = "opinion",
        Review = "review",
        Visit = "visit",
        /// A visit that found the resident dissatisfied (R-CMP-14): the same route, `visit`.
        VisitDissatisfied = "visit_dissatisfied",
        RefuseVisits = "refuse_visits",
        MarkUnreachable = "mark_unreachable",
        Merge = "merge",
    }
}

use ComplaintAction as A;
use ComplaintStatus as S;

/// Still being worked on: counted by the daily board, chased.
pub const OPEN: &[ComplaintStatus] = &[S::Received, S::InProgress, S::WithDeveloper];

impl ComplaintStatus {
    pub fn is_open(self) -> bool {
        OPEN.contains(&self)
    }

    /// The state the action leads to from this one, or `None` when it is not allowed here.
    pub fn after(self, action: ComplaintAction) -> Option<ComplaintStatus> {
        let handled: &[ComplaintStatus] = &[S::Resolved, S::Closed];
        let (from, to): (&[ComplaintStatus], Option<ComplaintStatus>) = match action {
            A::AssignOwner | A::MarkMajor | A::EstablishResponsibility | A::PromiseCompensation => {
                (
                    &[S::Received, S::InProgress, S::WithDeveloper, S::Resolved],
                    None,
                )
            }
            A::Classify | A::Chase => (OPEN, None),
            A::Note => (
                &[
                    S::Received,
                    S::InProgress,
                    S::WithDeveloper,
                    S::Resolved,
                    S::Closed,
                ],
                None,
            ),
            // Saying something to the complainant starts the handling.
            // (A reply while the developer has it leaves it there.)
            A::Reply | A::PromiseReply => {
                (OPEN, (self != S::WithDeveloper).then_some(S::InProgress))
            }
            A::HandToDepartment => (&[S::Received, S::InProgress], Some(S::InProgress)),
            A::SetFixDeadline | A::Escalate => (&[S::InProgress, S::WithDeveloper], None),
            A::TransferToDeveloper => (&[S::Received, S::InProgress], Some(S::WithDeveloper)),
            A::DeveloperReply => (&[S::WithDeveloper], Some(S::InProgress)),
            // Solved on the spot, straight from intake.
            A::Resolve => (&[S::Received, S::InProgress], Some(S::Resolved)),
            A::Opinion | A::Review => (handled, None),
            A::Visit => (&[S::Resolved], Some(S::Closed)),
            A::VisitDissatisfied => (&[S::Resolved], Some(S::InProgress)),
            A::RefuseVisits | A::MarkUnreachable => (&[S::Resolved], None),
            A::Merge => (&[S::Received, S::InProgress], Some(S::Merged)),
        };
        from.contains(&self).then_some(to.unwrap_or(self))
    }
}

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

    // R-CMP-2, R-CMP-12, R-CMP-14
    #[test]
    fn the_state_machine_allows_each_action_only_where_it_makes_sense() {
        assert_eq!(S::Received.after(A::Reply), Some(S::InProgress));
        assert_eq!(S::WithDeveloper.after(A::Reply), Some(S::WithDeveloper));
        assert_eq!(S::Received.after(A::Resolve), Some(S::Resolved));
        assert_eq!(S::Resolved.after(A::Visit), Some(S::Closed));
        assert_eq!(S::Resolved.after(A::VisitDissatisfied), Some(S::InProgress));
        assert_eq!(S::InProgress.after(A::Visit), None);
        assert_eq!(S::Closed.after(A::Resolve), None);
        assert_eq!(S::Merged.after(A::Note), None);
        assert_eq!(S::Resolved.after(A::Merge), None);
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
