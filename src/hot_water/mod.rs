//! Hot water (热水): each unit's hot-water account (台帐) and its ledger (R-HW-3), payments
//! with receipt numbers (R-HW-7). Meters, readings and the charges they make, renewal
//! notices, limited and stopped supply and dunning build on this ledger.
//!
//! The ledger is an accounting record. An entry is never changed or removed (the database
//! refuses it, by trigger, on both backends); a correction is a new entry that reverses
//! it. The balance is the sum of the entries, computed when read, never kept apart from
//! them, so the two cannot disagree. Money is integer fen ([`Fen`]).

pub mod dunning;
pub mod meters;
pub mod model;
pub mod payment_reports;
pub mod pricing;
pub mod repo;
pub mod reports;
pub mod service;
pub mod supply;
pub mod tariffs;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::i18n::Msg;
use crate::ids::{
    ComplaintId, HotWaterDunningId, HotWaterDunningStepId, HotWaterEntryId, HotWaterMeterId,
    HotWaterReadingId, HotWaterTariffId, SiteId, UnitId, UserId,
};
use crate::money::{Amount, Fen, PaidAmount};
use crate::text::{NameText, NoteText, ReferenceText};
use crate::text_enum;
use crate::timeline::TimelineEntry;

text_enum! {
    /// What an entry records.
    pub enum EntryKind {
        /// Hot water used in a period, from the meter readings (negative).
        Charge = "charge",
        /// Money paid in, at the desk or by a payment system (positive, with a receipt).
        Payment = "payment",
        /// Money paid back to the resident (negative).
        Refund = "refund",
        /// A manager's correction, with its reason (either sign).
        Adjustment = "adjustment",
    }
}

text_enum! {
    /// How money was paid in or paid back.
    pub enum PaymentMethod {
        Cash = "cash",
        Card = "card",
        Transfer = "transfer",
    }
}

text_enum! {
    /// A unit's hot-water supply (R-HW-5).
    pub enum SupplyStatus {
        /// Full supply.
        Normal = "normal",
        /// Limited (限供): the balance has been below zero for the site's `limit_after_days`.
        Limited = "limited",
        /// Still unpaid `stop_after_days` after the limit: a stop waits for a manager's
        /// approval.
        StopProposed = "stop_proposed",
        /// Stopped (停供), approved by a manager.
        Stopped = "stopped",
    }
}

text_enum! {
    /// The steps of the dunning ladder (催缴, R-HW-6), in order.
    pub enum DunningStep {
        /// A butler asks the resident why they have not paid; a valid service complaint
        /// they raise is linked, and the ladder waits until it is resolved.
        AskReason = "ask_reason",
        /// 7 days later: the reminder letter (提示函).
        ReminderLetter = "reminder_letter",
        /// 7 days later: the dunning letter (催缴函).
        DunningLetter = "dunning_letter",
        /// 7 days later: the urgent dunning letter (紧急催缴函).
        UrgentLetter = "urgent_letter",
        /// 7 days later: the lawyer's letter (律师函).
        LawyerLetter = "lawyer_letter",
        /// 3 days later: the lawsuit file (name, arrears period, amount, late fee).
        LawsuitFile = "lawsuit_file",
        /// Within a month of the file: the suit is filed with the court.
        Sued = "sued",
    }
}

text_enum! {
    /// Which way an adjustment moves the balance.
    pub enum Direction {
        /// In the resident's favour: the balance goes up.
        Credit = "credit",
        /// Against the resident: the balance goes down.
        Debit = "debit",
    }
}

/// A unit's hot-water account, as its residents and its site's staff see it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "unit_id": 3, "site_id": 1, "balance_fen": 12000, "entries": 4,
    "last_entry_at": "2026-12-09T08:30:00Z"
}))]
pub struct Account {
    #[schema(value_type = i64)]
    pub unit_id: UnitId,
    #[schema(value_type = i64)]
    pub site_id: SiteId,
    /// The sum of the entries: prepaid money left, or, below zero, arrears.
    #[schema(value_type = i64)]
    pub balance_fen: Fen,
    /// How many entries the ledger holds.
    pub entries: i64,
    /// When the latest entry was recorded; `null` for an account that has none.
    pub last_entry_at: Option<DateTime<Utc>>,
}

/// One movement of an account.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 17, "kind": "payment", "amount_fen": 20000, "method": "cash",
    "receipt_number": "RS-2026-000042", "reason": null, "recorded_by": 2,
    "created_at": "2026-12-09T08:30:00Z", "reading_id": null, "period_from": null,
    "period_to": null, "usage_litres": null, "provider_reference": null
}))]
pub struct Entry {
    #[schema(value_type = i64)]
    pub id: HotWaterEntryId,
    pub kind: EntryKind,
    /// What the entry adds to the balance: positive for a payment or a credit, negative
    /// for a charge, a refund or a debit.
    #[schema(value_type = i64)]
    pub amount_fen: Fen,
    /// Payments and refunds: how the money moved.
    pub method: Option<PaymentMethod>,
    /// Payments: the receipt's number, `RS-<year>-<n>`, counted per site and year without
    /// gaps (R-HW-7).
    pub receipt_number: Option<String>,
    /// Refunds and adjustments: why.
    pub reason: Option<String>,
    #[schema(value_type = i64)]
    pub recorded_by: UserId,
    pub created_at: DateTime<Utc>,
    /// Charges: the reading that made it; `null` for a replaced meter's last litres.
    #[schema(value_type = Option<i64>)]
    pub reading_id: Option<HotWaterReadingId>,
    /// Charges: the period billed, from the day of the previous reading (or of the meter's
    /// installation) to the day of this one, in the site's time zone. A period across a
    /// tariff change is billed in one charge per tariff.
    pub period_from: Option<NaiveDate>,
    pub period_to: Option<NaiveDate>,
    /// Charges: the litres billed.
    pub usage_litres: Option<i64>,
    /// Payments a payment system reported: its own reference of the payment.
    pub provider_reference: Option<String>,
}

/// A payment taken at the desk (R-HW-4: residents prepay).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"amount_fen": 20000, "method": "cash"}))]
pub struct NewPayment {
    pub amount_fen: PaidAmount,
    pub method: PaymentMethod,
}

/// A payment a payment system reports, signed with its API key's signing secret.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "unit_id": 3, "amount_fen": 20000, "currency": "CNY",
    "provider_reference": "4200001234202612061234"
}))]
pub struct NewPaymentReport {
    /// The unit whose account is credited: in the signed body, so a report cannot be
    /// moved to another unit.
    #[schema(value_type = i64)]
    pub unit_id: UnitId,
    pub amount_fen: PaidAmount,
    /// `CNY`: a report in another currency is refused (422) and logged.
    #[schema(value_type = String, pattern = "^CNY$", example = "CNY")]
    pub currency: ReferenceText,
    /// The payment system's own reference of the payment: credited once, however often
    /// and for whichever unit it is reported (409 `duplicate` after the first).
    pub provider_reference: ReferenceText,
}

/// The only currency the ledger keeps: fen of the renminbi.
pub const CURRENCY: &str = "CNY";

/// A payment report refused after its signature was checked, kept for the desk to
/// reconcile with the payment system.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 4, "api_key_id": 3, "idempotency_key": "wx-20261206-0001", "unit_id": 3,
    "provider_reference": "4200001234202612061234",
    "amount_fen": 20000, "currency": "USD", "problem": "/problems/validation",
    "detail": "currency: only CNY is accepted", "received_at": "2026-12-06T02:00:00Z",
    "credited_entry_id": null
}))]
pub struct RefusedPaymentReport {
    pub id: i64,
    pub api_key_id: i64,
    /// The report's `Idempotency-Key`: a report retried under it is kept once.
    pub idempotency_key: String,
    #[schema(value_type = i64)]
    pub unit_id: UnitId,
    pub provider_reference: String,
    pub amount_fen: i64,
    pub currency: String,
    /// The problem's `type` the payment system was answered with.
    pub problem: String,
    pub detail: String,
    pub received_at: DateTime<Utc>,
    /// The payment entry its reference was credited as, refused or not this time (a
    /// duplicate; a retry once the account opened): nothing to place by hand.
    #[schema(value_type = Option<i64>)]
    pub credited_entry_id: Option<HotWaterEntryId>,
}

/// Money paid back to the resident, by a manager.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"amount_fen": 5000, "method": "transfer", "reason": "Moved out; prepayment returned"}))]
pub struct NewRefund {
    pub amount_fen: PaidAmount,
    pub method: PaymentMethod,
    pub reason: NoteText,
}

/// A manager's correction of the balance, with its reason.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"direction": "credit", "amount_fen": 1500, "reason": "Meter misread in Q3; usage re-billed"}))]
pub struct NewAdjustment {
    pub direction: Direction,
    pub amount_fen: PaidAmount,
    pub reason: NoteText,
}

/// A hot-water meter of a unit, in service or replaced.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 5, "unit_id": 3, "serial_number": "HW-2024-0387", "installed_on": "2024-06-01",
    "initial_litres": 0, "removed_on": null, "final_litres": null
}))]
pub struct Meter {
    #[schema(value_type = i64)]
    pub id: HotWaterMeterId,
    #[schema(value_type = i64)]
    pub unit_id: UnitId,
    pub serial_number: String,
    pub installed_on: NaiveDate,
    pub initial_litres: i64,
    /// Set when the meter was replaced, with its final reading.
    pub removed_on: Option<NaiveDate>,
    pub final_litres: Option<i64>,
}

/// A unit's first meter (the desk).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"serial_number": "HW-2024-0387", "installed_on": "2024-06-01", "initial_litres": 0}))]
pub struct NewMeter {
    pub serial_number: NameText,
    /// Not after today.
    pub installed_on: NaiveDate,
    /// What the meter showed when it was installed, in litres.
    #[schema(value_type = i64, minimum = 0, maximum = 4294967295_i64)]
    pub initial_litres: u32,
}

/// A meter replaced: the old one's final reading and the new one (the desk).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "meter_id": 5, "final_litres": 48210, "serial_number": "HW-2026-1120",
    "installed_on": "2026-11-20", "initial_litres": 0
}))]
pub struct MeterReplacement {
    /// The meter in service being replaced: a replacement sent twice then replaces it once
    /// (409 `meter_not_in_service` the second time) rather than the new meter.
    #[schema(value_type = i64)]
    pub meter_id: HotWaterMeterId,
    /// The old meter's last figure: not below its latest reading.
    #[schema(value_type = i64, minimum = 0, maximum = 4294967295_i64)]
    pub final_litres: u32,
    pub serial_number: NameText,
    /// Not before the old meter's latest reading (or installation), nor after today.
    pub installed_on: NaiveDate,
    #[schema(value_type = i64, minimum = 0, maximum = 4294967295_i64)]
    pub initial_litres: u32,
}

/// A reading of the unit's meter in service (engineers, the desk).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"litres": 52340}))]
pub struct NewReading {
    /// What the meter shows, in litres: not below its previous reading.
    #[schema(value_type = i64, minimum = 0, maximum = 4294967295_i64)]
    pub litres: u32,
    /// Required outside the quarter's reading window (move-out, a dispute).
    pub reason: Option<NoteText>,
    /// The site's local day the meter was read, for a handheld sending later what it read
    /// offline: today when omitted; at most `MAX_READING_DELAY_DAYS` (30) days back, and
    /// not before the meter's previous reading.
    pub read_on: Option<NaiveDate>,
    /// The meter read, as the handheld knows it: if it is no longer the unit's meter in
    /// service (replaced since), 409 `meter_not_in_service` rather than its figure taken
    /// for the new meter's.
    #[schema(value_type = Option<i64>)]
    pub meter_id: Option<HotWaterMeterId>,
}

/// How many days late a reading may be sent (a handheld that was offline).
pub const MAX_READING_DELAY_DAYS: i64 = 30;

/// One reading of a meter.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 12, "meter_id": 5, "litres": 52340, "usage_litres": 4130, "read_on": "2026-12-27",
    "quarter": "2026-Q4", "in_window": true, "reason": null, "flagged": false, "read_by": 3,
    "created_at": "2026-12-27T02:10:00Z", "confirmed_by": null, "confirmed_at": null
}))]
pub struct Reading {
    #[schema(value_type = i64)]
    pub id: HotWaterReadingId,
    #[schema(value_type = i64)]
    pub meter_id: HotWaterMeterId,
    pub litres: i64,
    /// Litres since the meter's previous reading, or since its installation.
    pub usage_litres: i64,
    /// The site's local date.
    pub read_on: NaiveDate,
    /// `2026-Q4`.
    pub quarter: String,
    /// Taken between the 25th and the 30th of the quarter's last month (R-HW-2).
    pub in_window: bool,
    /// Why it was taken outside the window.
    pub reason: Option<String>,
    /// Far above the unit's usual (more than 3 times its recent average): a butler
    /// confirms it with the resident, and it is charged then. Any other reading is charged
    /// when it is taken.
    pub flagged: bool,
    #[schema(value_type = i64)]
    pub read_by: UserId,
    pub created_at: DateTime<Utc>,
    /// Flagged readings: the butler who confirmed it, and when.
    #[schema(value_type = Option<i64>)]
    pub confirmed_by: Option<UserId>,
    pub confirmed_at: Option<DateTime<Utc>>,
}

/// One tier of a tariff (R-HW-3). A period's usage is priced tier by tier: its first
/// litres at the first tier's price, up to `up_to_litres`, the litres above at the next's.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"up_to_litres": 30000, "fen_per_cubic_metre": 2500}))]
pub struct TariffTier {
    /// The litres of a period's usage that this tier prices, from where the tier before
    /// ends up to this figure; rising from tier to tier. `null` for the last tier, which
    /// prices all the rest.
    #[schema(value_type = Option<i64>, minimum = 1, maximum = 4294967295_i64)]
    pub up_to_litres: Option<u32>,
    /// Fen per cubic metre (1 000 litres, a tonne): 2500 is 25.00 yuan a tonne.
    #[schema(value_type = i64, minimum = 0, maximum = 1000000)]
    pub fen_per_cubic_metre: u32,
}

/// A new tariff of a site (managers): it prices usage from `effective_from` on, until a
/// later tariff takes effect. The past is never re-priced.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "effective_from": "2027-01-01",
    "tiers": [
        {"up_to_litres": 30000, "fen_per_cubic_metre": 2500},
        {"up_to_litres": null, "fen_per_cubic_metre": 3200}
    ]
}))]
pub struct NewTariff {
    /// A day after today in the site's time zone; a site has one tariff per day.
    pub effective_from: NaiveDate,
    /// One to five tiers, their `up_to_litres` rising, the last one `null`. A flat price is
    /// one tier.
    #[schema(min_items = 1, max_items = 5)]
    pub tiers: Vec<TariffTier>,
}

/// A site's hot-water tariff.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 2, "site_id": 1, "effective_from": "2027-01-01",
    "tiers": [
        {"up_to_litres": 30000, "fen_per_cubic_metre": 2500},
        {"up_to_litres": null, "fen_per_cubic_metre": 3200}
    ],
    "created_by": 1, "created_at": "2026-12-06T08:00:00Z"
}))]
pub struct Tariff {
    #[schema(value_type = i64)]
    pub id: HotWaterTariffId,
    #[schema(value_type = i64)]
    pub site_id: SiteId,
    pub effective_from: NaiveDate,
    pub tiers: Vec<TariffTier>,
    #[schema(value_type = i64)]
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
}

/// A quarter's reading campaign of a site: every unit with a meter, read in the window or
/// not yet, and the readings flagged.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "quarter": "2026-Q4", "window_from": "2026-12-25", "window_to": "2026-12-30",
    "totals": {"metered": 120, "noticed": 118, "read": 97, "missing": 23, "flagged": 2},
    "buildings": [{"building": "1", "tally": {"metered": 60, "noticed": 59, "read": 51, "missing": 9, "flagged": 1}}]
}))]
pub struct CampaignProgress {
    pub quarter: String,
    pub window_from: NaiveDate,
    pub window_to: NaiveDate,
    pub totals: Tally,
    pub buildings: Vec<BuildingProgress>,
}

/// Units with a meter in the quarter, those read in its window, those not, and those
/// whose reading is flagged.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct Tally {
    pub metered: i64,
    /// Told of the reading beforehand (`POST .../campaigns/{quarter}/notices`).
    pub noticed: i64,
    pub read: i64,
    pub missing: i64,
    pub flagged: i64,
}

/// The notices of a quarter's reading sent now.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "quarter": "2026-Q4", "window_from": "2026-12-25", "window_to": "2026-12-30",
    "noticed": 118, "noticed_before": 0, "without_residents": ["3-2-202"]
}))]
pub struct CampaignNotices {
    pub quarter: String,
    pub window_from: NaiveDate,
    pub window_to: NaiveDate,
    /// Metered units whose residents were told now, a notice each in the app.
    pub noticed: i64,
    /// Metered units told by an earlier call: not told twice.
    pub noticed_before: i64,
    /// Metered units with no resident account to tell (`1-1-101`): the desk tells them by
    /// phone or on paper; a later call tells them once they have one.
    pub without_residents: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BuildingProgress {
    pub building: String,
    pub tally: Tally,
}

/// A site's hot-water settings (R-HW-4, R-HW-5); a site that never set them has the
/// defaults: a renewal notice below 50.00 yuan, supply limited after 30 days below zero, a
/// stop proposed 15 days later.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "site_id": 1, "renewal_threshold_fen": 5000, "limit_after_days": 30, "stop_after_days": 15
}))]
pub struct Settings {
    #[schema(value_type = i64)]
    pub site_id: SiteId,
    /// A renewal notice (热水续费通知书) goes out when the balance falls below this.
    #[schema(value_type = i64)]
    pub renewal_threshold_fen: Fen,
    /// Days below zero before supply is limited (N).
    pub limit_after_days: i32,
    /// Days limited and still unpaid before a stop is proposed to the managers (M).
    pub stop_after_days: i32,
}

/// New hot-water settings of a site (managers); they apply from the next payment, charge
/// or daily sweep on.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"renewal_threshold_fen": 5000, "limit_after_days": 30, "stop_after_days": 15}))]
pub struct NewSettings {
    pub renewal_threshold_fen: Amount,
    #[schema(minimum = 1, maximum = 365)]
    pub limit_after_days: u16,
    #[schema(minimum = 1, maximum = 365)]
    pub stop_after_days: u16,
}

/// A unit's hot-water supply and its history (R-HW-5).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "unit_id": 3, "status": "limited", "status_since": "2027-02-01",
    "arrears_since": "2027-01-02", "balance_fen": -20350,
    "history": [{"id": 40, "actor_id": null, "action": "limit", "from_status": "normal",
                 "to_status": "limited", "note": null, "at": "2027-02-01T01:00:00Z"}]
}))]
pub struct Supply {
    #[schema(value_type = i64)]
    pub unit_id: UnitId,
    pub status: SupplyStatus,
    /// The site's local date since which the status holds; `null` for an account that has
    /// never moved.
    pub status_since: Option<NaiveDate>,
    /// The site's local date the balance fell below zero; `null` while it is zero or above.
    pub arrears_since: Option<NaiveDate>,
    #[schema(value_type = i64)]
    pub balance_fen: Fen,
    /// Each step, oldest first: `limit`, `propose_stop` (the daily sweep), `stop` (a
    /// manager), `restore` (a payment).
    pub history: Vec<TimelineEntry>,
}

/// The next step of a unit's dunning ladder (the desk). The first is `ask_reason`, on an
/// account in arrears; each next one in order, once due.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"step": "ask_reason", "note": "Says the water was cold for a week", "complaint_id": 12}))]
pub struct NewDunningStep {
    pub step: DunningStep,
    /// What was said or done: the reason given, the court's case number.
    pub note: Option<NoteText>,
    /// `ask_reason` only: the resident's service complaint about the unit, which the
    /// butler judged valid; the ladder waits until it is resolved.
    #[schema(value_type = Option<i64>)]
    pub complaint_id: Option<ComplaintId>,
}

/// A unit's dunning ladder and its steps (R-HW-6).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 4, "unit_id": 3, "started_on": "2027-01-05", "ended_on": null, "complaint_id": null,
    "paused": false, "next_step": "dunning_letter", "next_due": "2027-01-19", "sue_by": null,
    "steps": [{
        "id": 9, "step": "reminder_letter", "taken_on": "2027-01-12", "arrears_fen": 20350,
        "arrears_since": "2027-01-02", "late_fee_fen": 61, "note": null, "taken_by": 2,
        "created_at": "2027-01-12T02:00:00Z",
        "letter": "Reminder letter (提示函) to Wang Fang, owner of unit 1-1-101: ..."
    }]
}))]
pub struct Dunning {
    #[schema(value_type = i64)]
    pub id: HotWaterDunningId,
    #[schema(value_type = i64)]
    pub unit_id: UnitId,
    pub started_on: NaiveDate,
    /// The day a payment cleared the arrears and ended the ladder.
    pub ended_on: Option<NaiveDate>,
    #[schema(value_type = Option<i64>)]
    pub complaint_id: Option<ComplaintId>,
    /// Waiting for the linked complaint to be resolved.
    pub paused: bool,
    /// The step that comes next, and from which day (`null` once sued or ended).
    pub next_step: Option<DunningStep>,
    pub next_due: Option<NaiveDate>,
    /// Once the lawsuit file is made: the day the suit must be filed by, a month later.
    pub sue_by: Option<NaiveDate>,
    /// Oldest first.
    pub steps: Vec<DunningStepView>,
}

/// One step of a ladder, with the figures of the day it was taken.
#[derive(Debug, Serialize, ToSchema)]
pub struct DunningStepView {
    #[schema(value_type = i64)]
    pub id: HotWaterDunningStepId,
    pub step: DunningStep,
    pub taken_on: NaiveDate,
    /// What was owed that day.
    pub arrears_fen: i64,
    pub arrears_since: NaiveDate,
    /// 0.03 % a day of each day's arrears since `arrears_since`, summed, rounded half up.
    pub late_fee_fen: i64,
    pub note: Option<String>,
    #[schema(value_type = i64)]
    pub taken_by: UserId,
    pub created_at: DateTime<Utc>,
    /// The letters and the lawsuit file: the document, its figures filled in, in the
    /// language asked for (`Accept-Language`).
    #[schema(value_type = Option<String>)]
    pub letter: Option<Msg>,
}

/// A site's hot-water report of a quarter (R-HW-7), for the supervisor and the finance
/// department: what was billed and collected in the quarter, and the arrears and supply
/// as they stand today.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "site_id": 1, "quarter": "2026-Q4", "first_day": "2026-10-01", "last_day": "2026-12-31",
    "billed_fen": 1250000, "collected_fen": 1130000, "refunded_fen": 5000,
    "adjusted_fen": -1500, "collection_rate_bp": 9040,
    "arrears": {
        "total": {"accounts": 7, "arrears_fen": 185000},
        "days_0_30": {"accounts": 4, "arrears_fen": 60000},
        "days_31_90": {"accounts": 2, "arrears_fen": 75000},
        "days_91_180": {"accounts": 1, "arrears_fen": 50000},
        "over_180": {"accounts": 0, "arrears_fen": 0}
    },
    "supply": [{"unit_id": 3, "unit": "1-1-101", "status": "limited",
                "status_since": "2026-12-02", "balance_fen": -20350}]
}))]
pub struct QuarterReport {
    #[schema(value_type = i64)]
    pub site_id: SiteId,
    pub quarter: String,
    /// The quarter's days, in the site's time zone.
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    /// Charged in the quarter (hot water used), as a positive sum.
    #[schema(value_type = i64)]
    pub billed_fen: Fen,
    /// Paid in during the quarter.
    #[schema(value_type = i64)]
    pub collected_fen: Fen,
    /// Paid back during the quarter, as a positive sum.
    #[schema(value_type = i64)]
    pub refunded_fen: Fen,
    /// Managers' adjustments in the quarter, their net effect on the balances.
    #[schema(value_type = i64)]
    pub adjusted_fen: Fen,
    /// Collected ÷ billed, in basis points (10 000 = 100 %), rounded half up; `null` when
    /// nothing was billed.
    pub collection_rate_bp: Option<i64>,
    /// Accounts below zero today, by how long they have been (since `arrears_since`).
    pub arrears: ArrearsAgeing,
    /// Accounts whose supply is limited, waits for a stop's approval, or is stopped, today.
    pub supply: Vec<SupplyLine>,
}

/// Accounts in arrears today, aged by the days since their arrears began.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct ArrearsAgeing {
    pub total: ArrearsBucket,
    pub days_0_30: ArrearsBucket,
    pub days_31_90: ArrearsBucket,
    pub days_91_180: ArrearsBucket,
    pub over_180: ArrearsBucket,
}

#[derive(Debug, Default, Serialize, ToSchema)]
pub struct ArrearsBucket {
    pub accounts: i64,
    /// What they owe, as a positive sum.
    pub arrears_fen: i64,
}

/// An account whose supply is not normal.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupplyLine {
    #[schema(value_type = i64)]
    pub unit_id: UnitId,
    /// `1-1-101`.
    pub unit: String,
    pub status: SupplyStatus,
    pub status_since: NaiveDate,
    #[schema(value_type = i64)]
    pub balance_fen: Fen,
}
