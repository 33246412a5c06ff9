//! What key clients send and receive.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::model::Holder;
use super::{
    DepositStatus, Gender, HandoffKind, HolderKind, IncidentKind, KeyKind, KeyLoanStatus,
    KeyStatus, Side,
};
use crate::archives::dto::Archive;
use crate::contact::{IdNumber, Phone};
use crate::error::Validator;
use crate::ids::{
    ArchiveDocumentId, AttachmentId, KeyDepositId, KeyHandoffId, KeyId, KeyIncidentId, KeyLoanId,
    SiteId, TicketId, UnitId, UserId,
};
use crate::text::{LineText, NameText, NoteText};
use crate::timeline::TimelineEntry;
use crate::users::model::Membership;

/// The most copies one key set counts, and the most collectors a deposit names.
pub const MAX_COPIES: i32 = 20;
pub const MAX_COLLECTORS: usize = 5;

/// A holder as the desk names one: `resident` or `staff` with `user_id`; `external` with
/// `name` (and `phone`); `cabinet` with `slot`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "external", "name": "Developer customer service, Mr Zhou", "phone": "4008001234"}))]
pub struct HolderInput {
    pub kind: HolderKind,
    /// `resident`, `staff`: their account.
    #[schema(value_type = Option<i64>)]
    pub user_id: Option<UserId>,
    /// `external`: who (the developer's customer service and its person, a collector).
    pub name: Option<NameText>,
    /// `external`: how to reach them.
    pub phone: Option<Phone>,
    /// `cabinet`: the slot of the desk's deposit cabinet.
    pub slot: Option<NameText>,
}

impl HolderInput {
    /// The holder named, if its fields fit its kind; otherwise `field` is listed invalid.
    pub fn holder(&self, v: &mut Validator, field: &str) -> Option<Holder> {
        let holder = match (self.kind, self.user_id, &self.name, &self.slot) {
            (HolderKind::Resident, Some(id), None, None) if self.phone.is_none() => {
                Some(Holder::Resident(id))
            }
            (HolderKind::Staff, Some(id), None, None) if self.phone.is_none() => {
                Some(Holder::Staff(id))
            }
            (HolderKind::External, None, Some(name), None) => Some(Holder::External {
                name: name.to_string(),
                phone: self.phone.clone().map(String::from),
            }),
            (HolderKind::Cabinet, None, None, Some(slot)) if self.phone.is_none() => {
                Some(Holder::Cabinet {
                    slot: slot.to_string(),
                })
            }
            _ => None,
        };
        v.check(
            holder.is_some(),
            field,
            "resident or staff: user_id only; external: name (and phone); cabinet: slot only",
        );
        holder
    }
}

/// A key set entering the inventory of a unit: from the developer at handover, or found
/// with the owner when the desk starts keeping records.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "kind": "entry_door", "label": "Entry door 1-1-101", "copies": 3,
    "holder": {"kind": "cabinet", "slot": "A-12"}, "note": "Received from the developer at handover"
}))]
pub struct NewKey {
    pub kind: KeyKind,
    pub label: NameText,
    /// How many keys the set holds.
    #[schema(minimum = 1, maximum = 20)]
    pub copies: i32,
    /// Who holds it now.
    pub holder: HolderInput,
    /// Where it came from; the start of its chain.
    pub note: Option<NoteText>,
}

/// A handoff from the holder to the next: issue, return, transfer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "from": {"kind": "cabinet", "slot": "A-12"},
    "to": {"kind": "resident", "user_id": 12},
    "purpose": "Move-in: keys to the owner"
}))]
pub struct NewHandoff {
    /// Who gives the key: must be its holder now (409 `not_holder` otherwise).
    pub from: HolderInput,
    /// Who receives it.
    pub to: HolderInput,
    pub purpose: LineText,
}

/// R-KEY-2: a key lent, to the developer's customer service for a repair, with a due date.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "from": {"kind": "resident", "user_id": 12},
    "to": {"kind": "external", "name": "Developer customer service, Mr Zhou", "phone": "4008001234"},
    "purpose": "Repair the seepage found at acceptance",
    "due_back": "2026-12-12T10:00:00Z", "ticket_id": 31, "inspection_document_id": 5
}))]
pub struct NewKeyLoan {
    pub from: HolderInput,
    /// The borrower: an outside party or a staff member.
    pub to: HolderInput,
    pub purpose: LineText,
    /// When the key is due back: in the future, at most 30 days ahead (about a week for a
    /// developer's repair). The owner is told to expect it then.
    pub due_back: DateTime<Utc>,
    /// The repair ticket the loan serves; the ticket shows the loan.
    #[schema(value_type = Option<i64>)]
    pub ticket_id: Option<TicketId>,
    /// The inspection sheet, a document of the unit's archive, that goes with the key.
    #[schema(value_type = Option<i64>)]
    pub inspection_document_id: Option<ArchiveDocumentId>,
}

/// Someone the depositor allows to collect the key.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Collector {
    pub name: NameText,
    pub phone: Phone,
}

/// R-KEY-4: a resident's key into the desk's cabinet, sealed in an envelope labelled with
/// the unit and the resident's name.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "from": {"kind": "resident", "user_id": 12}, "slot": "B-3",
    "collectors": [{"name": "Zhang Wei 张伟", "phone": "13800138000"}],
    "disclaimer_accepted": true
}))]
pub struct NewDeposit {
    /// The resident depositing it: the key's holder now.
    pub from: HolderInput,
    /// The cabinet slot the envelope goes in.
    pub slot: NameText,
    /// Who may collect it and how to reach them: 1 to 5 people.
    #[schema(min_items = 1, max_items = 5)]
    pub collectors: Vec<Collector>,
    /// The depositor accepts the desk's disclaimer: must be `true`.
    pub disclaimer_accepted: bool,
}

/// R-KEY-4: the collector as the desk sees them at pick-up.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "collector_name": "Zhang Wei 张伟", "collector_gender": "male",
    "collector_phone": "13800138000", "quantity": 2
}))]
pub struct NewPickUp {
    pub collector_name: NameText,
    pub collector_gender: Gender,
    pub collector_phone: Phone,
    /// How many keys the collector takes: the envelope's count.
    #[schema(minimum = 1, maximum = 20)]
    pub quantity: i32,
}

/// R-KEY-5: a loss, wrong hand-out or damage.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"note": "Reported missing after the developer's visit", "occurred_at": "2026-12-10T15:00:00Z"}))]
pub struct NewIncident {
    pub note: NoteText,
    /// When it happened; default now, never in the future.
    pub occurred_at: Option<DateTime<Utc>>,
}

/// A side confirming a handoff on their own account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"side": "receiver"}))]
pub struct ConfirmHandoff {
    pub side: Side,
}

/// A side's signature on paper, filed as an attachment of the handoff.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"side": "receiver", "attachment_id": 41}))]
pub struct HandoffSignature {
    pub side: Side,
    #[schema(value_type = i64)]
    pub attachment_id: AttachmentId,
}

/// R-KEY-1 and the move-in (入住): the new owner's membership, archive and keys at once.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"owner_id": 12, "id_number": "11010519491231002X"}))]
pub struct NewMoveIn {
    /// The new owner: an active resident account.
    #[schema(value_type = i64)]
    pub owner_id: UserId,
    /// The owner's ID number, for the archive (sealed, shown masked).
    pub id_number: Option<IdNumber>,
    /// The keys to issue; default every entry-door and mailbox key of the unit that the desk
    /// holds. At least one entry-door key and one mailbox key.
    #[schema(value_type = Option<Vec<i64>>)]
    pub key_ids: Option<Vec<KeyId>>,
    /// For staff only, on the archive.
    pub staff_note: Option<NoteText>,
    /// The unit's hot-water meter, registered with the move-in (a unit without one in
    /// service).
    pub hot_water_meter: Option<crate::hot_water::NewMeter>,
}

/// Who holds a key, or gave or received it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"kind": "cabinet", "user_id": null, "name": null, "phone": null, "slot": "A-12"}))]
pub struct HolderView {
    pub kind: HolderKind,
    #[schema(value_type = Option<i64>)]
    pub user_id: Option<UserId>,
    /// The person's display name, or the outside party's name.
    pub name: Option<String>,
    pub phone: Option<String>,
    pub slot: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Key {
    #[schema(value_type = i64)]
    pub id: KeyId,
    #[schema(value_type = i64)]
    pub site_id: SiteId,
    #[schema(value_type = i64)]
    pub unit_id: UnitId,
    pub kind: KeyKind,
    pub label: String,
    pub copies: i32,
    pub status: KeyStatus,
    /// Its one holder now.
    pub holder: HolderView,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A side's confirmation: on their own account (`by`), or their signature filed by staff.
#[derive(Debug, Serialize, ToSchema)]
pub struct SideConfirmation {
    #[schema(value_type = Option<i64>)]
    pub by: Option<UserId>,
    #[schema(value_type = Option<i64>)]
    pub signature_id: Option<AttachmentId>,
    pub at: DateTime<Utc>,
}

/// A link of the custody chain (R-KEY-3).
#[derive(Debug, Serialize, ToSchema)]
pub struct Handoff {
    #[schema(value_type = i64)]
    pub id: KeyHandoffId,
    #[schema(value_type = i64)]
    pub key_id: KeyId,
    /// Its place in the key's chain.
    pub sequence: i64,
    pub kind: HandoffKind,
    /// The giver; absent for the registration that starts the chain.
    pub from: Option<HolderView>,
    pub to: HolderView,
    pub purpose: String,
    #[schema(value_type = i64)]
    pub recorded_by: UserId,
    pub handed_at: DateTime<Utc>,
    /// Absent while the giver has not confirmed (or for a registration).
    pub giver_confirmation: Option<SideConfirmation>,
    pub receiver_confirmation: Option<SideConfirmation>,
    /// Both sides confirmed.
    pub confirmed: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KeyLoan {
    #[schema(value_type = i64)]
    pub id: KeyLoanId,
    #[schema(value_type = i64)]
    pub key_id: KeyId,
    #[schema(value_type = i64)]
    pub site_id: SiteId,
    #[schema(value_type = i64)]
    pub unit_id: UnitId,
    pub borrower: HolderView,
    pub purpose: String,
    #[schema(value_type = Option<i64>)]
    pub ticket_id: Option<TicketId>,
    #[schema(value_type = Option<i64>)]
    pub inspection_document_id: Option<ArchiveDocumentId>,
    pub due_back: DateTime<Utc>,
    pub status: KeyLoanStatus,
    /// Out past its due date.
    pub overdue: bool,
    #[schema(value_type = i64)]
    pub lent_handoff_id: KeyHandoffId,
    #[schema(value_type = Option<i64>)]
    pub returned_handoff_id: Option<KeyHandoffId>,
    pub created_at: DateTime<Utc>,
    pub returned_at: Option<DateTime<Utc>>,
}

/// Someone a deposit's authorisation names.
#[derive(Debug, Serialize, ToSchema)]
pub struct CollectorView {
    pub name: String,
    pub phone: String,
}

/// Who collected a deposit, as the desk recorded them.
#[derive(Debug, Serialize, ToSchema)]
pub struct Collected {
    pub name: String,
    pub gender: Gender,
    pub phone: String,
    pub quantity: i32,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Deposit {
    #[schema(value_type = i64)]
    pub id: KeyDepositId,
    #[schema(value_type = i64)]
    pub key_id: KeyId,
    #[schema(value_type = i64)]
    pub site_id: SiteId,
    #[schema(value_type = i64)]
    pub unit_id: UnitId,
    #[schema(value_type = i64)]
    pub depositor_id: UserId,
    /// What the sealed envelope says: the unit and the depositor's name.
    pub envelope_label: String,
    pub slot: String,
    /// How many keys the envelope holds.
    pub quantity: i32,
    pub collectors: Vec<CollectorView>,
    pub disclaimer_accepted_at: DateTime<Utc>,
    pub status: DepositStatus,
    pub collected: Option<Collected>,
    pub created_at: DateTime<Utc>,
}

/// R-KEY-5: a loss, wrong hand-out or damage, against the holder at that moment.
#[derive(Debug, Serialize, ToSchema)]
pub struct Incident {
    #[schema(value_type = i64)]
    pub id: KeyIncidentId,
    #[schema(value_type = i64)]
    pub key_id: KeyId,
    #[schema(value_type = i64)]
    pub unit_id: UnitId,
    pub kind: IncidentKind,
    /// Who held the key then (for a wrong hand-out: who handed it out).
    pub holder: HolderView,
    /// The staff member who answers for it; absent when a resident or an outside party held it.
    #[schema(value_type = Option<i64>)]
    pub accountable_staff_id: Option<UserId>,
    /// The link that gave the key to the one who answers for it.
    #[schema(value_type = i64)]
    pub handoff_id: KeyHandoffId,
    pub note: String,
    pub occurred_at: DateTime<Utc>,
    #[schema(value_type = i64)]
    pub recorded_by: UserId,
}

/// A key with its whole chain, loans, deposits and incidents.
#[derive(Debug, Serialize, ToSchema)]
pub struct KeyDetail {
    #[serde(flatten)]
    pub key: Key,
    /// Every handoff, oldest first: who held it from when.
    pub chain: Vec<Handoff>,
    pub loans: Vec<KeyLoan>,
    pub deposits: Vec<Deposit>,
    pub incidents: Vec<Incident>,
    /// Staff only: every action on the key, who recorded it and when.
    pub timeline: Vec<TimelineEntry>,
}

/// A unit's keys.
#[derive(Debug, Serialize, ToSchema)]
pub struct KeyList {
    pub items: Vec<Key>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KeyLoanPage {
    pub items: Vec<KeyLoan>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DepositPage {
    pub items: Vec<Deposit>,
    pub next_cursor: Option<String>,
}

/// The loans of a site: `overdue=true` those out past their due date (R-KEY-3).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct KeyLoanQuery {
    /// Default the caller's only site.
    #[param(value_type = Option<i64>)]
    pub site_id: Option<SiteId>,
    pub status: Option<KeyLoanStatus>,
    /// Only loans out past their due date.
    #[serde(default)]
    pub overdue: bool,
    #[param(minimum = 1, example = 20)]
    pub limit: Option<i64>,
    #[param(pattern = r"^[0-9]{1,18}$")]
    pub cursor: Option<String>,
}

/// The deposits of a site.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DepositQuery {
    /// Default the caller's only site.
    #[param(value_type = Option<i64>)]
    pub site_id: Option<SiteId>,
    pub status: Option<DepositStatus>,
    #[param(minimum = 1, example = 20)]
    pub limit: Option<i64>,
    #[param(pattern = r"^[0-9]{1,18}$")]
    pub cursor: Option<String>,
}

/// A site's month of incidents.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct IncidentQuery {
    /// Default the caller's only site.
    #[param(value_type = Option<i64>)]
    pub site_id: Option<SiteId>,
    /// `YYYY-MM`, the site's local month; default this month.
    #[param(pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$", example = "2026-12")]
    pub month: Option<String>,
}

/// An incident with the chain that proves who held the key: every link up to the one that
/// gave it to whoever answers for it.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentEvidence {
    #[serde(flatten)]
    pub incident: Incident,
    pub chain: Vec<Handoff>,
}

/// How many incidents a staff member answers for in the month.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffTally {
    #[schema(value_type = i64)]
    pub staff_id: UserId,
    pub name: String,
    pub incidents: i64,
}

/// R-KEY-5: a site's losses, wrong hand-outs and damage in a month, each against its holder.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentReport {
    #[schema(value_type = i64)]
    pub site_id: SiteId,
    #[schema(example = "2026-12")]
    pub month: String,
    pub lost: i64,
    pub wrong_handout: i64,
    pub damaged: i64,
    /// Staff members, most incidents first.
    pub by_staff: Vec<StaffTally>,
    pub items: Vec<IncidentEvidence>,
}

/// What a move-in did, in one transaction.
#[derive(Debug, Serialize, ToSchema)]
pub struct MoveIn {
    pub membership: Membership,
    pub archive: Archive,
    /// The keys issued to the owner, each now held by them.
    pub keys: Vec<Key>,
    /// The hot-water meter registered, when the move-in named one.
    pub hot_water_meter: Option<crate::hot_water::Meter>,
}
