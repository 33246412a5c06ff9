//! Complaints (投诉): what a complaint is (R-CMP-1..4, 17), its states and actions
//! (`states.rs`), and the deadline maths of first response (R-CMP-5), department handoff
//! (R-CMP-6), developer transfer (R-CMP-10), chasing (R-CMP-11) and the follow-up visit
//! (R-CMP-13) (`deadlines.rs`), and who counts as the same person (R-CMP-16, `counting.rs`).
//! Pure code.

mod counting;
mod deadlines;
mod states;

pub use counting::*;
pub use deadlines::*;
pub use states::*;

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
