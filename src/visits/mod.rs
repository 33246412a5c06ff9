//! Follow-up visits (回访): after a repair or a complaint, a butler calls or visits and
//! records how it went. Shared by tickets and complaints.

pub mod repo;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ids::UserId;
use crate::text::DescriptionText;
use crate::text_enum;

text_enum! {
    pub enum VisitMethod {
        Phone = "phone",
        Visit = "visit",
    }
}

text_enum! {
    pub enum Satisfaction {
        Satisfied = "satisfied",
        Neutral = "neutral",
        Dissatisfied = "dissatisfied",
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"method": "phone", "satisfaction": "satisfied", "result": "Leak fixed, no stains on the ceiling since."}))]
pub struct NewVisit {
    pub method: VisitMethod,
    pub satisfaction: Satisfaction,
    /// What the resident said.
    pub result: DescriptionText,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Visit {
    pub id: i64,
    #[schema(value_type = i64)]
    pub butler_id: UserId,
    pub method: VisitMethod,
    pub satisfaction: Satisfaction,
    pub result: String,
    pub visited_at: DateTime<Utc>,
}
