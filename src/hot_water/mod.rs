//! Hot water (热水): each unit's hot-water account (台帐) and its ledger (R-HW-3), payments
//! with receipt numbers (R-HW-7). Meters, readings and the charges they make, renewal
//! notices, limited and stopped supply and dunning build on this ledger.
//!
//! The ledger is an accounting record. An entry is never changed or removed (the database
//! refuses it, by trigger, on both backends); a correction is a new entry that reverses
//! it. The balance is the sum of the entries, computed when read, never kept apart from
//! them, so the two cannot disagree. Money is integer fen ([`Fen`]).

pub mod repo;
pub mod service;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ids::{HotWaterEntryId, SiteId, UnitId, UserId};
use crate::money::{Fen, PaidAmount};
use crate::text::NoteText;
use crate::text_enum;

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
    "created_at": "2026-12-09T08:30:00Z"
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
}

/// A payment taken at the desk (R-HW-4: residents prepay).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"amount_fen": 20000, "method": "cash"}))]
pub struct NewPayment {
    pub amount_fen: PaidAmount,
    pub method: PaymentMethod,
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
