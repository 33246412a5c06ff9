//! What complaint clients send and receive.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::model::*;
use crate::contact::Phone;
use crate::deadlines::Deadline;
use crate::error::{AppError, Validator};
use crate::ids::{ComplaintId, SiteId, UnitId, UserId};
use crate::text::{DescriptionText, NameText, NoteText};
use crate::timeline::TimelineEntry;
use crate::visits::{Satisfaction, Visit};

/// Who complained: a resident account, a named person, or nobody known.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "resident", "user_id": 12}))]
pub struct NewComplainant {
    pub kind: ComplainantKind,
    /// `resident`: the resident's account (staff intake; the app uses the caller).
    #[schema(value_type = Option<i64>)]
    pub user_id: Option<UserId>,
    /// `named`: the person's name, 1-100 characters ...
    pub name: Option<NameText>,
    /// ... and a phone, if they gave one.
    pub phone: Option<Phone>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "site_id": 1, "unit_id": 4, "channel": "phone", "class": "property_service",
    "nature": "valid", "subject": "service_quality",
    "complainant": {"kind": "named", "name": "Ms Li", "phone": "13800138000"},
    "description": "Corridor on floor 12 not cleaned for a week"
}))]
pub struct NewComplaint {
    /// The site; optional when `unit_id` is given.
    #[schema(value_type = Option<i64>)]
    pub site_id: Option<SiteId>,
    #[schema(value_type = Option<i64>)]
    pub unit_id: Option<UnitId>,
    /// Staff: how it came in. Residents always complain via `app`.
    pub channel: Option<ComplaintChannel>,
    /// Default `property_service` (class 1) until judged.
    pub class: Option<ComplaintClass>,
    /// Default `valid` until judged.
    pub nature: Option<Nature>,
    /// With `nature = communication`.
    pub communication_kind: Option<CommunicationKind>,
    pub subject: ComplaintSubject,
    /// Staff: who complained. Residents are the complainant of their own complaints.
    pub complainant: Option<NewComplainant>,
    #[serde(default)]
    pub major: bool,
    /// Sensitive: no follow-up visit (R-CMP-13).
    #[serde(default)]
    pub sensitive: bool,
    pub description: DescriptionText,
}

impl NewComplaint {
    pub fn validate(&self) -> Result<(), AppError> {
        let mut v = Validator::new();
        v.check(
            self.site_id.is_some() || self.unit_id.is_some(),
            "site_id",
            "give site_id or unit_id",
        );
        check_nature(&mut v, self.nature, self.communication_kind);
        if let Some(c) = &self.complainant {
            let fits = match c.kind {
                ComplainantKind::Resident => c.user_id.is_some() && c.name.is_none(),
                ComplainantKind::Named => c.user_id.is_none() && c.name.is_some(),
                ComplainantKind::Anonymous => {
                    c.user_id.is_none() && c.name.is_none() && c.phone.is_none()
                }
            };
            v.check(
                fits,
                "complainant",
                "resident: user_id only; named: name (and phone); anonymous: nothing else",
            );
        }
        v.finish()
    }
}

pub fn check_nature(v: &mut Validator, nature: Option<Nature>, kind: Option<CommunicationKind>) {
    v.check(
        kind.is_none() || nature == Some(Nature::Communication),
        "communication_kind",
        "only with nature = communication",
    );
}

/// R-CMP-6: the butler who owns the complaint from now on.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"butler_id": 5}))]
pub struct AssignOwner {
    #[schema(value_type = i64)]
    pub butler_id: UserId,
}

/// R-CMP-2/3/4: judge (or re-judge) the complaint; the change is kept in the timeline.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"nature": "valid", "note": "Second call about the same lift; mishandled first time"}))]
pub struct Classify {
    pub class: Option<ComplaintClass>,
    pub nature: Option<Nature>,
    pub communication_kind: Option<CommunicationKind>,
    pub subject: Option<ComplaintSubject>,
    /// Why.
    pub note: NoteText,
}

/// R-CMP-15: a major complaint; a department head (a manager of the site) steps in.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"lead_id": 2, "note": "Twelve households affected"}))]
pub struct MarkMajor {
    #[schema(value_type = i64)]
    pub lead_id: UserId,
    pub note: NoteText,
}

/// A reply to the complainant: free text, or a standard reply (R-CMP-19), or both (the
/// standard text adapted).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"standard_reply_id": 1, "text": "The cleaning team will redo floor 12 today by 17:00."}))]
pub struct NewReply {
    pub standard_reply_id: Option<i64>,
    /// Default: the standard reply's text.
    pub text: Option<NoteText>,
}

/// Staff-only note; the complainant never sees it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"note": "Cleaner on floor 12 was on sick leave; no cover arranged"}))]
pub struct InternalNote {
    pub note: NoteText,
}

/// R-CMP-6: hand to the responsible department.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"department": "cleaning", "note": "Supervisor Wang informed"}))]
pub struct HandToDepartment {
    pub department: Department,
    pub note: Option<NoteText>,
}

/// R-CMP-9: the department's fix deadline.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"fix_by": "2026-11-25T09:00:00Z", "note": "Deep clean scheduled"}))]
pub struct FixDeadline {
    pub fix_by: DateTime<Utc>,
    pub note: Option<NoteText>,
}

/// R-CMP-8: not our fault and not explained at once: a reply promised by a date.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reply_by": "2026-11-27T10:00:00Z", "explanation": "Asked the water company about the outage"}))]
pub struct PromiseReply {
    pub reply_by: DateTime<Utc>,
    pub explanation: NoteText,
}

/// R-CMP-8: who is responsible.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"responsibility": "company", "note": "Cleaning schedule was not followed"}))]
pub struct EstablishResponsibility {
    pub responsibility: Responsibility,
    pub note: NoteText,
}

/// R-CMP-8: compensation, only once responsibility is established as the company's.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"compensation": "One month's cleaning fee waived"}))]
pub struct PromiseCompensation {
    pub compensation: NoteText,
}

/// R-CMP-9: escalate one level; the resident must be told.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"level": "supervisor", "reason": "Department cannot fix before the holiday", "told_resident": "Called Ms Li: escalated to the supervisor"}))]
pub struct Escalate {
    pub level: Escalation,
    pub reason: NoteText,
    pub told_resident: NoteText,
}

/// R-CMP-10: class 2 goes to the developer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"note": "Contact slip sent to the developer's service desk"}))]
pub struct TransferToDeveloper {
    pub note: NoteText,
}

/// R-CMP-10: the developer's solution.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"solution": "Developer will re-seal the exterior wall on 2 December"}))]
pub struct DeveloperSolution {
    pub solution: NoteText,
}

/// R-CMP-11: a chase and its result. The result is passed to the complainant: it is
/// recorded as a reply they see. What is not for them goes in an internal note.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"result": "Cleaning redid floor 12 this morning"}))]
pub struct ChaseResult {
    /// 1-1000 characters, as told to the complainant.
    pub result: NoteText,
}

/// R-CMP-12/17: the result of the handling and its root cause.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"resolution": "Floor 12 cleaned, cover rota fixed", "root_cause": "method_process"}))]
pub struct Resolve {
    pub resolution: NoteText,
    pub root_cause: RootCause,
    /// Solved on the spot and confirmed by the complainant: no visit (R-CMP-13).
    #[serde(default)]
    pub solved_on_spot_and_confirmed: bool,
}

/// R-CMP-12: the complainant's opinion of the handling (in the app, or recorded by staff).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"opinion": "satisfied", "comment": "Clean now, thanks"}))]
pub struct Opinion {
    pub opinion: Satisfaction,
    pub comment: Option<NoteText>,
}

/// R-CMP-12: the manager's review of the handling form.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"note": "Handled well; add floor 12 to the weekly check"}))]
pub struct Review {
    pub note: NoteText,
}

/// R-CMP-16: count this complaint with the one about the same event.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"into_id": 41, "impact": "Whole of building 3 without hot water for 6 hours"}))]
pub struct Merge {
    #[schema(value_type = i64)]
    pub into_id: ComplaintId,
    /// The event's impact, recorded on the complaint it is merged into.
    pub impact: Option<NoteText>,
}

impl Classify {
    pub fn validate(&self) -> Result<(), AppError> {
        let mut v = Validator::new();
        v.check(
            self.class.is_some()
                || self.nature.is_some()
                || self.subject.is_some()
                || self.communication_kind.is_some(),
            "class",
            "give at least one of class, nature, communication_kind, subject",
        );
        v.finish()
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Complainant {
    pub kind: ComplainantKind,
    #[schema(value_type = Option<i64>)]
    pub user_id: Option<UserId>,
    pub name: Option<String>,
    pub phone: Option<String>,
}

/// R-CMP-5/6/8/9/10/13: every deadline of the complaint.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ComplaintDeadlines {
    pub first_response: Deadline,
    /// Service-quality complaints: to the department within 20 minutes.
    pub department_handoff: Option<Deadline>,
    /// The reply promised to the complainant.
    pub promised_reply: Option<Deadline>,
    /// The department's fix deadline.
    pub fix: Option<Deadline>,
    /// Class 2: the developer's solution within a week.
    pub developer: Option<Deadline>,
    /// The follow-up visit, unless exempt.
    pub visit: Option<Deadline>,
}

/// R-CMP-16: how many people and how often, for the complaint other duplicates merged into.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventCount {
    pub complainants: i32,
    pub occurrences: i32,
    pub impact: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Complaint {
    #[schema(value_type = i64)]
    pub id: ComplaintId,
    #[schema(example = "TS-20261123-0003")]
    pub number: String,
    #[schema(value_type = i64)]
    pub site_id: SiteId,
    #[schema(value_type = Option<i64>)]
    pub unit_id: Option<UnitId>,
    #[schema(example = "3-2-1201")]
    pub unit_code: Option<String>,
    /// For the complainant's own view, the identity fields they gave; never anyone else's.
    pub complainant: Complainant,
    pub channel: ComplaintChannel,
    pub class: ComplaintClass,
    pub nature: Nature,
    pub communication_kind: Option<CommunicationKind>,
    pub subject: ComplaintSubject,
    pub major: bool,
    #[schema(value_type = Option<i64>)]
    pub major_lead_id: Option<UserId>,
    pub sensitive: bool,
    pub description: String,
    #[schema(value_type = i64)]
    pub received_by: UserId,
    /// The butler who follows it to the end (R-CMP-6); absent until handed to one.
    #[schema(value_type = Option<i64>)]
    pub owner_id: Option<UserId>,
    pub department: Option<Department>,
    pub status: ComplaintStatus,
    pub deadlines: ComplaintDeadlines,
    pub responsibility: Option<Responsibility>,
    pub compensation: Option<String>,
    pub escalation: Option<Escalation>,
    /// R-CMP-11: when it is to be chased next, while open.
    pub next_chase_at: Option<DateTime<Utc>>,
    pub resolution: Option<String>,
    pub root_cause: Option<RootCause>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub opinion: Option<Satisfaction>,
    pub opinion_comment: Option<String>,
    #[schema(value_type = Option<i64>)]
    pub reviewed_by: Option<UserId>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub visit_exemption: Option<VisitExemption>,
    pub closure_reason: Option<ClosureReason>,
    pub closed_at: Option<DateTime<Utc>>,
    #[schema(value_type = Option<i64>)]
    pub merged_into: Option<ComplaintId>,
    pub event: EventCount,
    pub reopen_count: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Message {
    pub id: i64,
    pub kind: MessageKind,
    #[schema(value_type = i64)]
    pub author_id: UserId,
    pub body: String,
    /// R-CMP-19: the standard reply used, if any.
    pub standard_reply_id: Option<i64>,
    pub at: DateTime<Utc>,
}

/// A complaint with its history. Complainants see replies only, and the timeline without
/// staff notes.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComplaintDetail {
    #[serde(flatten)]
    pub complaint: Complaint,
    pub messages: Vec<Message>,
    pub timeline: Vec<TimelineEntry>,
    pub visits: Vec<Visit>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ComplaintFilter {
    #[param(value_type = Option<i64>)]
    pub site_id: Option<SiteId>,
    pub status: Option<ComplaintStatus>,
    pub class: Option<ComplaintClass>,
    pub subject: Option<ComplaintSubject>,
    #[param(value_type = Option<i64>)]
    pub unit_id: Option<UnitId>,
    #[param(value_type = Option<i64>)]
    pub owner_id: Option<UserId>,
    pub major: Option<bool>,
    /// `true`: open complaints whose next chase is due now (R-CMP-11).
    pub chase_due: Option<bool>,
    /// `true`: not yet responded to, past the first-response deadline (R-CMP-5).
    pub response_overdue: Option<bool>,
    /// Received on or after this date (UTC).
    pub from: Option<NaiveDate>,
    /// Received on or before this date (UTC).
    pub to: Option<NaiveDate>,
}
