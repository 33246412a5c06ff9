//! What archive clients send and receive. No answer carries a full ID number except the
//! reveal's; phones are masked to borrowers and to residents other than their owner.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::checklist::ChecklistItem;
use super::{
    ArchiveStatus, CloseReason, Flag, Lack, Party, PersonRelation, ReadWhat, ResidenceStage,
    ResponsibleParty,
};
use crate::contact::{IdNumber, Phone};
use crate::deadlines::Deadline;
use crate::ids::{
    ArchiveDocumentId, ArchiveId, ArchiveLoanId, ArchivePersonId, AttachmentId, SiteId, UnitId,
    UserId,
};
use crate::text::{LineText, NameText, NoteText};
use crate::timeline::TimelineEntry;

/// An archive registered at move-in (R-ARC-1).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "unit_id": 4, "owner_id": 12, "id_number": "11010519491231002X",
    "moved_in_at": "2026-11-20T11:30:00Z"
}))]
pub struct NewArchive {
    #[schema(value_type = i64)]
    pub unit_id: UnitId,
    /// The owner: a resident account that is an owner of the unit today.
    #[schema(value_type = i64)]
    pub owner_id: UserId,
    /// The owner's ID number, sealed at rest and shown only masked.
    pub id_number: Option<IdNumber>,
    /// When the owner moved in; default now. Not in the future.
    pub moved_in_at: Option<DateTime<Utc>>,
    /// For staff only.
    pub staff_note: Option<NoteText>,
}

/// Another person of the archive: a co-owner, family, a tenant.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Wang Fang 王芳", "relation": "family", "phone": "13800138001"}))]
pub struct NewPerson {
    pub name: NameText,
    pub relation: PersonRelation,
    /// Their resident account, if they have one.
    #[schema(value_type = Option<i64>)]
    pub user_id: Option<UserId>,
    pub phone: Option<Phone>,
    pub id_number: Option<IdNumber>,
}

/// A document filed into the catalogue; its scans are uploaded to its attachments.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"doc_type": "fees_due", "doc_date": "2026-11-20"}))]
pub struct NewDocument {
    /// A type of the archive's checklist.
    #[schema(example = "fees_due")]
    pub doc_type: String,
    /// Default: the checklist's title for the type.
    pub title: Option<NameText>,
    /// The date on the paper; default today.
    pub doc_date: Option<NaiveDate>,
    /// For staff only.
    pub staff_note: Option<NoteText>,
}

/// A signature seen on the paper, recorded by staff.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"party": "owner", "signed_by_name": "Zhang Wei 张伟"}))]
pub struct NewSignature {
    pub party: Party,
    /// Who signed, as on the paper.
    pub signed_by_name: NameText,
}

/// The owner moves out or sells (R-ARC-4): the archive is closed and kept.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "sold", "note": "Sold to the Lius; transfer 2026-12-01"}))]
pub struct CloseArchive {
    pub reason: CloseReason,
    pub note: Option<NoteText>,
}

/// A key-customer flag with its reason (R-ARC-6).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"flag": "owners_committee", "reason": "Elected to the committee in 2026"}))]
pub struct NewFlag {
    pub flag: Flag,
    pub reason: LineText,
}

/// Why the caller needs the full ID number; logged with the reveal.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Property transfer: the notary asks for the owner's ID"}))]
pub struct RevealRequest {
    pub reason: LineText,
}

/// One ID number in full: the only answer that carries one.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"person_id": 3, "id_number": "11010519491231002X"}))]
pub struct Revealed {
    #[schema(value_type = i64)]
    pub person_id: ArchivePersonId,
    pub id_number: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Person {
    #[schema(value_type = i64)]
    pub id: ArchivePersonId,
    #[schema(value_type = Option<i64>)]
    pub user_id: Option<UserId>,
    pub name: String,
    pub relation: PersonRelation,
    /// Masked (`138****5678`) unless the caller keeps the archive or is this person.
    #[schema(example = "138****5678")]
    pub phone: Option<String>,
    /// Always masked; `POST .../reveal-id-number` gives it in full, logged.
    #[schema(example = "110***********002X")]
    pub id_number: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Signature {
    pub party: Party,
    pub signed_by_name: String,
    #[schema(value_type = i64)]
    pub recorded_by: UserId,
    pub signed_at: DateTime<Utc>,
}

/// A catalogue entry (卷内目录): a document, or a ticket or complaint filed when it closed.
#[derive(Debug, Serialize, ToSchema)]
pub struct Document {
    #[schema(value_type = i64)]
    pub id: ArchiveDocumentId,
    #[schema(value_type = i64)]
    pub archive_id: ArchiveId,
    /// A checklist type, or one the system files: `repair_order` / `complaint_form` (a
    /// closed record), `hot_water_dunning` (a dunning letter, R-HW-6).
    #[schema(example = "fees_due")]
    pub doc_type: String,
    pub title: String,
    pub doc_date: NaiveDate,
    /// Who filed it; absent when the system filed it.
    #[schema(value_type = Option<i64>)]
    pub filed_by: Option<UserId>,
    pub filed_at: DateTime<Utc>,
    pub signatures: Vec<Signature>,
    /// How many scans or photos it has, at `/archive-documents/{id}/attachments`.
    pub files: i64,
    pub ticket_id: Option<i64>,
    pub complaint_id: Option<i64>,
    /// A filed record's result: for a complaint form, the result, the resident's opinion
    /// and the manager's review; for a dunning letter, its text as handed over.
    pub summary: Option<String>,
    /// Staff only; absent for residents.
    pub staff_note: Option<String>,
}

/// One thing an archive lacks, and who is chased for it (R-ARC-3).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "doc_type": "fees_due", "title": "Fees due 应缴费用单", "lack": "finance_signature",
    "responsible": "finance", "responsible_user_id": null
}))]
pub struct Missing {
    pub doc_type: String,
    pub title: String,
    pub lack: Lack,
    pub responsible: ResponsibleParty,
    /// The keeper (desk) or the owner; none for finance.
    #[schema(value_type = Option<i64>)]
    pub responsible_user_id: Option<UserId>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FlagView {
    pub flag: Flag,
    pub reason: String,
    #[schema(value_type = i64)]
    pub set_by: UserId,
    pub set_at: DateTime<Utc>,
}

/// An archive, as its keepers and borrowers read it; residents get the same shape with
/// staff notes, other people's entries and other occupants' records left out.
#[derive(Debug, Serialize, ToSchema)]
pub struct Archive {
    #[schema(value_type = i64)]
    pub id: ArchiveId,
    #[schema(value_type = i64)]
    pub site_id: SiteId,
    #[schema(value_type = i64)]
    pub unit_id: UnitId,
    /// `building-entrance-room`: archives are filed by room number.
    #[schema(example = "3-1-1201")]
    pub room: String,
    pub status: ArchiveStatus,
    #[schema(value_type = i64)]
    pub owner_id: UserId,
    /// The butler who registered it and keeps it: chased for the desk's lacks.
    #[schema(value_type = i64)]
    pub keeper_id: UserId,
    pub moved_in_at: DateTime<Utc>,
    /// Opened (a first document filed) within one working day of move-in (R-ARC-1).
    pub opening: Deadline,
    pub established_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub close_reason: Option<CloseReason>,
    pub residence_stage: ResidenceStage,
    /// The checklist version it is judged against, and its document types.
    pub checklist_version: i32,
    pub checklist: Vec<ChecklistItem>,
    pub people: Vec<Person>,
    pub catalogue: Vec<Document>,
    pub missing: Vec<Missing>,
    pub flags: Vec<FlagView>,
    /// Staff only; absent for residents.
    pub staff_note: Option<String>,
    /// Registration, filings, signatures, status changes, flags, closing; empty for residents.
    pub timeline: Vec<TimelineEntry>,
}

/// An archive in a list: no personal data, so the chase and visit plans can be shared.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArchiveItem {
    #[schema(value_type = i64)]
    pub id: ArchiveId,
    #[schema(value_type = i64)]
    pub site_id: SiteId,
    #[schema(value_type = i64)]
    pub unit_id: UnitId,
    #[schema(example = "3-1-1201")]
    pub room: String,
    pub status: ArchiveStatus,
    #[schema(value_type = i64)]
    pub owner_id: UserId,
    #[schema(value_type = i64)]
    pub keeper_id: UserId,
    pub moved_in_at: DateTime<Utc>,
    pub opening: Deadline,
    pub established_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub residence_stage: ResidenceStage,
    pub flags: Vec<Flag>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ArchivePage {
    pub items: Vec<ArchiveItem>,
    pub next_cursor: Option<String>,
}

/// What a list of archives shows. Staff name the site; residents see their own units'.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ArchiveQuery {
    #[param(value_type = Option<i64>)]
    pub site_id: Option<SiteId>,
    #[param(value_type = Option<i64>)]
    pub unit_id: Option<UnitId>,
    /// Units of one building.
    #[param(example = "3")]
    pub building: Option<String>,
    pub status: Option<ArchiveStatus>,
    /// `incomplete`: opening or incomplete, oldest first, for the chase (R-ARC-3).
    #[serde(default)]
    pub incomplete: bool,
    /// Only those not opened by their one-working-day deadline (R-ARC-1), oldest first.
    #[serde(default)]
    pub opening_overdue: bool,
    pub stage: Option<ResidenceStage>,
    pub flag: Option<Flag>,
    /// No butler visit recorded on or after this date (the site's local date).
    pub unvisited_since: Option<NaiveDate>,
    /// Archives holding a person with this ID number (found by its keyed hash).
    #[param(pattern = "^[0-9]{17}[0-9Xx]$")]
    pub id_number: Option<String>,
    #[param(minimum = 1, example = 20)]
    pub limit: Option<i64>,
    #[param(pattern = r"^[0-9]{1,18}$")]
    pub cursor: Option<String>,
}

/// One logged read (R-ARC-5).
#[derive(Debug, Serialize, ToSchema)]
pub struct ReadEntry {
    pub id: i64,
    #[schema(value_type = i64)]
    pub archive_id: ArchiveId,
    #[schema(value_type = i64)]
    pub reader_id: UserId,
    pub what: ReadWhat,
    #[schema(value_type = Option<i64>)]
    pub document_id: Option<ArchiveDocumentId>,
    #[schema(value_type = Option<i64>)]
    pub person_id: Option<ArchivePersonId>,
    #[schema(value_type = Option<i64>)]
    pub attachment_id: Option<AttachmentId>,
    /// The loan it was read under, for a borrower.
    #[schema(value_type = Option<i64>)]
    pub loan_id: Option<ArchiveLoanId>,
    /// Why: the loan's purpose, the reveal's reason, or the keeper's handling.
    pub reason: String,
    pub read_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReadPage {
    pub items: Vec<ReadEntry>,
    pub next_cursor: Option<String>,
}

/// The read log of one person (`reader_id`) across the manager's sites.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReadQuery {
    #[param(value_type = i64)]
    pub reader_id: UserId,
    #[param(minimum = 1, example = 20)]
    pub limit: Option<i64>,
    #[param(pattern = r"^[0-9]{1,18}$")]
    pub cursor: Option<String>,
}
