use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{limits, Validator};
use crate::ids::SiteId;

pub const DEFAULT_TIME_ZONE: &str = "Asia/Shanghai";

/// A managed estate.
#[derive(Debug, Serialize, ToSchema)]
pub struct Site {
    #[schema(value_type = i64, example = 1)]
    pub id: SiteId,
    #[schema(example = "Sunny Gardens 阳光花园")]
    pub name: String,
    /// IANA time zone; deadlines and "same day" rules use the site's local time.
    #[schema(example = "Asia/Shanghai")]
    pub time_zone: String,
    #[schema(example = "88 Binjiang Road, Hangzhou")]
    pub address: Option<String>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Sunny Gardens 阳光花园", "time_zone": "Asia/Shanghai", "address": "88 Binjiang Road, Hangzhou"}))]
pub struct NewSite {
    /// 1-100 characters, unique.
    pub name: String,
    /// IANA time zone name; default `Asia/Shanghai`.
    pub time_zone: Option<String>,
    /// Up to 200 characters.
    pub address: Option<String>,
}

/// Fields to change; absent fields stay as they are, `"address": null` clears it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"address": "90 Binjiang Road, Hangzhou"}))]
pub struct SiteChanges {
    pub name: Option<String>,
    pub time_zone: Option<String>,
    #[serde(default, deserialize_with = "crate::json::nullable")]
    #[schema(value_type = Option<String>)]
    pub address: Option<Option<String>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SiteFilter {
    /// Only active (`true`) or deactivated (`false`) sites.
    pub active: Option<bool>,
}

fn check_time_zone(v: &mut Validator, time_zone: &str) {
    v.check(
        time_zone.parse::<chrono_tz::Tz>().is_ok(),
        "time_zone",
        "must be an IANA time zone such as Asia/Shanghai",
    );
}

impl NewSite {
    pub fn validate(&self) -> Result<(), crate::error::AppError> {
        let mut v = Validator::new();
        v.text("name", &self.name, 1, limits::NAME).optional_text(
            "address",
            self.address.as_deref(),
            1,
            200,
        );
        if let Some(tz) = &self.time_zone {
            check_time_zone(&mut v, tz);
        }
        v.finish()
    }
}

impl SiteChanges {
    pub fn validate(&self) -> Result<(), crate::error::AppError> {
        let mut v = Validator::new();
        v.optional_text("name", self.name.as_deref(), 1, limits::NAME)
            .optional_text(
                "address",
                self.address.clone().flatten().as_deref(),
                1,
                limits::LINE,
            );
        if let Some(tz) = &self.time_zone {
            check_time_zone(&mut v, tz);
        }
        v.finish()
    }
}
