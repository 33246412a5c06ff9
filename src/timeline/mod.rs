//! The timeline: every action on a ticket or a complaint, with who, when, from which state
//! to which, and a note. One table serves both, so the desk reads one history format.

pub mod repo;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::ids::UserId;
use crate::text_enum;

text_enum! {
    /// What a timeline entry, visit or number belongs to.
    pub enum Subject {
        Ticket = "ticket",
        Complaint = "complaint",
        Archive = "archive",
        ArchiveDocument = "archive_document",
        ArchiveLoan = "archive_loan",
        Key = "key",
        KeyHandoff = "key_handoff",
        /// A webhook endpoint (its managers are told when it fails).
        WebhookEndpoint = "webhook_endpoint",
        /// A unit's hot-water account: its supply limited, stopped and restored (R-HW-5).
        HotWaterAccount = "hot_water_account",
    }
}

/// One step in a history.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineEntry {
    pub id: i64,
    /// Who acted; absent for the system.
    #[schema(value_type = Option<i64>)]
    pub actor_id: Option<UserId>,
    #[schema(example = "dispatch")]
    pub action: String,
    #[schema(example = "reported")]
    pub from_status: Option<String>,
    #[schema(example = "dispatched")]
    pub to_status: Option<String>,
    #[schema(example = "lead: Chen Gang; also Zhou Qiang")]
    pub note: Option<String>,
    pub at: DateTime<Utc>,
}

/// An entry to record.
pub struct Step<'a> {
    pub actor_id: Option<UserId>,
    pub action: &'a str,
    pub from_status: Option<&'a str>,
    pub to_status: Option<&'a str>,
    pub note: Option<String>,
}
