use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::access::Permission;
use crate::ids::{SiteId, UserId};
use crate::text::NameText;
use crate::text_enum;

/// The rate a key gets unless the manager names one.
pub const DEFAULT_REQUESTS_PER_MINUTE: i64 = 600;
pub const MAX_REQUESTS_PER_MINUTE: i64 = 6000;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "CRM 客户关系系统",
    "site_ids": [1],
    "permissions": ["tickets_read", "tickets_write", "directory_read"],
    "requests_per_minute": 120
}))]
pub struct NewApiKey {
    /// What the key is for; the timelines name its actions so.
    pub name: NameText,
    /// The sites it acts on (at least one, each among the manager's).
    #[schema(value_type = Vec<i64>, min_items = 1)]
    pub site_ids: Vec<SiteId>,
    /// What it may do (at least one).
    #[schema(min_items = 1)]
    pub permissions: Vec<Permission>,
    /// Default 600.
    #[schema(minimum = 1, maximum = 6000)]
    pub requests_per_minute: Option<i64>,
    /// When it stops working; none for a key that works until revoked.
    pub expires_at: Option<DateTime<Utc>>,
}

text_enum! {
    /// Whether a key works now.
    pub enum ApiKeyStatus {
        Active = "active",
        Expired = "expired",
        Revoked = "revoked",
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 3, "name": "CRM 客户关系系统", "token_prefix": "pdk_Xq3v9T0a", "status": "active",
    "site_ids": [1], "permissions": ["tickets_read", "tickets_write"],
    "requests_per_minute": 120, "account_id": 42, "created_by": 1,
    "created_at": "2026-12-07T02:00:00Z", "expires_at": null, "revoked_at": null,
    "last_used_at": "2026-12-07T02:05:13Z"
}))]
pub struct ApiKey {
    pub id: i64,
    pub name: String,
    /// The key's first characters, to tell keys apart; never the key.
    pub token_prefix: String,
    pub status: ApiKeyStatus,
    #[schema(value_type = Vec<i64>)]
    pub site_ids: Vec<SiteId>,
    pub permissions: Vec<Permission>,
    pub requests_per_minute: i64,
    /// The key's own account, which the timelines name for what the key does.
    #[schema(value_type = i64)]
    pub account_id: UserId,
    #[schema(value_type = i64)]
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// To the minute: a busy key's use is written at most once a minute.
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A new key and, this once, the key itself.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedApiKey {
    #[serde(flatten)]
    pub key: ApiKey,
    /// Send it as `X-Api-Key: <key>` or `Authorization: Bearer <key>`. Shown only now:
    /// only its hash is kept.
    #[schema(example = "pdk_Xq3v9T0aLk2Jd8sPq0cWm4rYb7nFh1uE5tGz6iVo3xA")]
    pub api_key: String,
    /// For a key with `hot_water_payments` only: the secret its payment reports are signed
    /// with (`Signature`, as Standard Webhooks signs). Shown only now.
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    pub signing_secret: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApiKeyFilter {
    /// Only keys acting on this site.
    #[param(value_type = Option<i64>)]
    pub site_id: Option<SiteId>,
}
