use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{IntoParams, PartialSchema, ToSchema};

use crate::i18n::Msg;
use crate::ids::SiteId;
use crate::text::{LineText, NameText};

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
    /// Unique.
    pub name: NameText,
    /// Default `Asia/Shanghai`.
    pub time_zone: Option<TimeZoneName>,
    pub address: Option<LineText>,
}

/// Fields to change; absent fields stay as they are, `"address": null` clears it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"address": "90 Binjiang Road, Hangzhou"}))]
pub struct SiteChanges {
    pub name: Option<NameText>,
    pub time_zone: Option<TimeZoneName>,
    #[serde(default, deserialize_with = "crate::json::nullable")]
    #[schema(value_type = Option<LineText>)]
    pub address: Option<Option<LineText>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SiteFilter {
    /// Only active (`true`) or deactivated (`false`) sites.
    pub active: Option<bool>,
}

/// An IANA time zone (`Asia/Shanghai`): deadlines and "same day" rules use a site's local
/// time. The spec lists every name the server knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeZoneName(chrono_tz::Tz);

impl TimeZoneName {
    pub fn name(self) -> &'static str {
        self.0.name()
    }
}

impl<'de> Deserialize<'de> for TimeZoneName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        let zone = name
            .parse::<chrono_tz::Tz>()
            .map_err(|_| Msg::new("must be an IANA time zone such as Asia/Shanghai"));
        crate::json::checked(zone, || chrono_tz::Tz::UTC).map(TimeZoneName)
    }
}

impl PartialSchema for TimeZoneName {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("An IANA time zone name"))
            .enum_values(Some(chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name())))
            .examples([DEFAULT_TIME_ZONE])
            .into()
    }
}

impl ToSchema for TimeZoneName {}
