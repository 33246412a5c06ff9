//! What ticket clients send and receive.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::model::*;
use crate::contact::Phone;
use crate::deadlines::Deadline;
use crate::error::{AppError, Validator};
use crate::i18n::Msg;
use crate::ids::{SiteId, TicketId, UnitId, UserId};
use crate::money::{Amount, Fen};
use crate::text::{DescriptionText, LineText, NameText, NoteText};
use crate::timeline::TimelineEntry;
use crate::visits::Visit;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "unit_id": 1, "category": "water_supply", "priority": "urgent",
    "contact_phone": "13800138000", "description": "Water pouring from the kitchen ceiling"
}))]
pub struct NewTicket {
    /// In-home repairs: the unit. Exactly one of `unit_id` and `location` is given.
    #[schema(value_type = Option<i64>)]
    pub unit_id: Option<UnitId>,
    /// Public-area repairs (staff only): where, e.g. "Building 3 basement pump room" ...
    pub location: Option<LineText>,
    /// ... and on which site.
    #[schema(value_type = Option<i64>)]
    pub site_id: Option<SiteId>,
    pub category: Category,
    /// Staff set it; a resident's choice is recorded as a suggestion and staff may change it.
    pub priority: Priority,
    /// Staff: how the report came in (default `phone`). Residents always report via `app`.
    pub channel: Option<Channel>,
    /// Default: the reporter's own phone; required when the reporter's account has none
    /// (staff reporting for a resident usually give it).
    pub contact_phone: Option<Phone>,
    pub description: DescriptionText,
}

impl NewTicket {
    pub fn validate(&self) -> Result<(), AppError> {
        let mut v = Validator::new();
        v.check(
            self.unit_id.is_some() != self.location.is_some(),
            "unit_id",
            "give either unit_id (in-home) or location (public area)",
        );
        v.finish()
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"priority": "urgent", "note": "Leak reaches the electrics of the flat below"}))]
pub struct Reclassify {
    pub priority: Option<Priority>,
    pub category: Option<Category>,
    /// Why.
    pub note: NoteText,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"engineer_ids": [3, 6], "lead_id": 3}))]
pub struct Dispatch {
    /// Engineers of the ticket's site; replaces any earlier assignment.
    #[schema(value_type = Vec<i64>, min_items = 1, max_items = 10)]
    pub engineer_ids: Vec<UserId>,
    /// One of `engineer_ids`.
    #[schema(value_type = i64)]
    pub lead_id: UserId,
}

/// The most of one material a line may count; with [`Amount::MAX`] it bounds a line's total.
pub const MAX_QUANTITY: i64 = 10_000;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "DN20 copper elbow", "quantity": 2, "unit_price_fen": 1500}))]
pub struct Material {
    pub name: NameText,
    /// Whole units, 1 to 10 000.
    #[schema(minimum = 1, maximum = 10000)]
    pub quantity: i64,
    pub unit_price_fen: Amount,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "labour_minutes": 90, "head_count": 2, "result_note": "Replaced burst elbow under the sink",
    "materials": [{"name": "DN20 copper elbow", "quantity": 2, "unit_price_fen": 1500}]
}))]
pub struct Complete {
    /// Minutes of work.
    #[schema(minimum = 1, maximum = 10000)]
    pub labour_minutes: i64,
    /// People who worked; default the assigned engineers.
    #[schema(minimum = 1, maximum = 50)]
    pub head_count: Option<i32>,
    #[serde(default)]
    #[schema(max_items = 50)]
    pub materials: Vec<Material>,
    pub result_note: NoteText,
}

impl Complete {
    pub fn validate(&self) -> Result<(), AppError> {
        let mut v = Validator::new();
        v.check(
            (1..=10_000).contains(&self.labour_minutes),
            "labour_minutes",
            "must be between 1 and 10000",
        )
        .check(
            self.head_count.is_none_or(|n| (1..=50).contains(&n)),
            "head_count",
            "must be between 1 and 50",
        )
        .check(self.materials.len() <= 50, "materials", "at most 50 lines");
        for (i, m) in self.materials.iter().enumerate() {
            v.check(
                (1..=MAX_QUANTITY).contains(&m.quantity),
                &format!("materials[{i}].quantity"),
                Msg::new("must be between 1 and %{max}").arg("max", MAX_QUANTITY),
            );
        }
        let lines: Vec<(i64, Fen)> = self
            .materials
            .iter()
            .map(|m| (m.quantity, m.unit_price_fen.fen()))
            .collect();
        v.check(
            materials_total(&lines).is_some(),
            "materials",
            "the total is too large",
        );
        v.finish()
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"slip": "GZLXD-2026-118: balcony wall seepage, 3-2-1201", "developer_due_at": "2026-11-30T10:00:00Z"}))]
pub struct Transfer {
    /// The contact slip (工作联系单): its number and what was handed over.
    pub slip: NoteText,
    /// The deadline agreed with the developer.
    pub developer_due_at: DateTime<Utc>,
}

/// A free-text note for actions that need no other data.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"note": "Developer's service desk confirmed by phone"}))]
pub struct ActionNote {
    pub note: Option<NoteText>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Resident moved the appointment to tomorrow"}))]
pub struct Reason {
    pub reason: NoteText,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"fee_item_id": 2}))]
pub struct ChargeProposal {
    /// A fee-schedule item: billed at its price once the resident accepts.
    pub fee_item_id: Option<i64>,
    /// Outside the schedule: an amount in integer fen, which a manager must approve ...
    pub amount_fen: Option<Amount>,
    /// ... and what it is for.
    pub description: Option<LineText>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"rating": 5, "comment": "Quick and tidy"}))]
pub struct Confirmation {
    /// 1 (poor) to 5 (excellent).
    #[schema(minimum = 1, maximum = 5)]
    pub rating: i32,
    pub comment: Option<NoteText>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"rating": 4, "comment": "Signed on the paper work order"}))]
pub struct PaperSignature {
    #[schema(minimum = 1, maximum = 5)]
    pub rating: Option<i32>,
    pub comment: Option<NoteText>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Waiting for a replacement pump part", "told_resident": "Called: repair expected tomorrow noon"}))]
pub struct Chase {
    /// Why the order is late.
    pub reason: NoteText,
    /// What the resident was told.
    pub told_resident: NoteText,
}

pub fn check_rating(v: &mut Validator, rating: i32) {
    v.check(
        (1..=5).contains(&rating),
        "rating",
        "must be between 1 and 5",
    );
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssignedEngineer {
    #[schema(value_type = i64)]
    pub engineer_id: UserId,
    pub display_name: String,
    pub lead: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MaterialLine {
    pub name: String,
    pub quantity: i64,
    pub unit_price_fen: Fen,
    pub total_fen: Fen,
}

/// R-TKT-7: the engineering work order.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WorkOrder {
    pub head_count: Option<i32>,
    pub labour_minutes: Option<i64>,
    pub result_note: Option<String>,
    pub materials: Vec<MaterialLine>,
    pub materials_fen: Fen,
}

/// R-TKT-5/6: the transfer to the developer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeveloperTransfer {
    pub slip: String,
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// Set when engineering took over after the developer missed its deadline.
    pub taken_over_at: Option<DateTime<Utc>>,
    /// Engineering's cost to settle with the developer (materials), once taken over.
    pub settlement_fen: Option<Fen>,
    pub settlement_signed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Charge {
    pub status: ChargeStatus,
    pub amount_fen: Option<Fen>,
    pub item: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TicketDeadlines {
    /// On site: urgent 2 h, hot water 15 min.
    pub arrive: Option<Deadline>,
    /// Repaired: urgent 24 h, general 72 h.
    pub fix: Deadline,
    /// The developer's agreed deadline, once transferred.
    pub developer: Option<Deadline>,
    /// The follow-up visit, once completed.
    pub visit: Option<Deadline>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Ticket {
    #[schema(value_type = i64)]
    pub id: TicketId,
    #[schema(example = "BX-20261123-0007")]
    pub number: String,
    #[schema(value_type = i64)]
    pub site_id: SiteId,
    #[schema(value_type = Option<i64>)]
    pub unit_id: Option<UnitId>,
    #[schema(example = "1-1-101")]
    pub unit_code: Option<String>,
    pub location: Option<String>,
    pub scope: Scope,
    pub category: Category,
    pub priority: Priority,
    /// The resident's own choice, when staff changed it.
    pub suggested_priority: Option<Priority>,
    pub channel: Channel,
    pub contact_phone: String,
    pub description: String,
    #[schema(value_type = i64)]
    pub reporter_id: UserId,
    /// The staff member who took the report; absent for reports from the app.
    #[schema(value_type = Option<i64>)]
    pub received_by: Option<UserId>,
    pub status: TicketStatus,
    pub route: Route,
    pub proposed_route: Route,
    pub route_reason: String,
    pub deadlines: TicketDeadlines,
    /// Some deadline is missed and the duty still undone.
    pub overdue: bool,
    pub engineers: Vec<AssignedEngineer>,
    pub work_order: WorkOrder,
    pub developer: Option<DeveloperTransfer>,
    pub charge: Charge,
    pub acceptance: Option<Acceptance>,
    pub rating: Option<i32>,
    pub rating_comment: Option<String>,
    pub rework_count: i32,
    /// R-TKT-12: the company repair this one repeats, within its 3-month warranty.
    #[schema(value_type = Option<i64>)]
    pub warranty_of: Option<TicketId>,
    pub free_of_charge: bool,
    pub arrived_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Counts every change: a handheld working offline sends the version it saw with each
    /// action it replays (`POST /sync/batch`), and an action on a changed ticket is a
    /// conflict.
    pub version: i64,
}

/// A ticket with its history.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketDetail {
    #[serde(flatten)]
    pub ticket: Ticket,
    pub timeline: Vec<TimelineEntry>,
    pub visits: Vec<Visit>,
    /// The unit's keys lent for this repair (R-KEY-2), newest first.
    pub key_loans: Vec<crate::keys::dto::KeyLoan>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TicketFilter {
    #[param(value_type = Option<i64>)]
    pub site_id: Option<SiteId>,
    pub status: Option<TicketStatus>,
    pub priority: Option<Priority>,
    pub category: Option<Category>,
    #[param(value_type = Option<i64>)]
    pub unit_id: Option<UnitId>,
    #[param(value_type = Option<i64>)]
    pub engineer_id: Option<UserId>,
    /// `in_home` or `public_area` (the public-facility repair log).
    pub scope: Option<Scope>,
    /// Only tickets with a missed deadline whose duty is still undone.
    pub overdue: Option<bool>,
    /// Reported on or after this UTC date.
    pub from: Option<NaiveDate>,
    /// Reported on or before this UTC date.
    pub to: Option<NaiveDate>,
    /// Changed at or after this instant (for handhelds syncing).
    pub updated_since: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use utoipa::PartialSchema;

    use super::*;

    #[test]
    fn the_spec_states_the_quantity_bound_the_server_checks() {
        let schema = serde_json::to_value(Material::schema()).unwrap();
        assert_eq!(schema["properties"]["quantity"]["maximum"], MAX_QUANTITY);
    }
}
