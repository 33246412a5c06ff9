//! People: roles, how residents belong to units, and what a valid login name looks like.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::access::Role;
use crate::contact::Phone;
use crate::i18n::Language;
use crate::ids::{SiteId, UnitId, UserId};
use crate::text::NameText;
use crate::text_enum;
use crate::units::model::Unit;

text_enum! {
    /// How a resident belongs to a unit (业主 / 家属 / 租户).
    pub enum Relation {
        Owner = "owner",
        Family = "family",
        Tenant = "tenant",
    }
}

/// A membership is current from its start date up to, not including, its end date, so
/// ending it "today" takes effect at once.
pub fn membership_is_current(start: NaiveDate, end: Option<NaiveDate>, today: NaiveDate) -> bool {
    start <= today && end.is_none_or(|end| today < end)
}

/// A person who signs in: resident or staff.
#[derive(Debug, Serialize, ToSchema)]
pub struct User {
    #[schema(value_type = i64, example = 5)]
    pub id: UserId,
    #[schema(example = "butler.li")]
    pub username: Option<String>,
    #[schema(example = "13800138000")]
    pub phone: Option<String>,
    #[schema(example = "Li Na 李娜")]
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    /// The language of the person's notices.
    pub language: Language,
    /// Sites a staff member works for; empty for residents and company-wide managers.
    #[schema(value_type = Vec<i64>)]
    pub site_ids: Vec<SiteId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "username": "zhang.wei", "phone": "13900139000", "display_name": "Zhang Wei 张伟",
    "role": "resident", "password": "initial-pass-123", "unit_id": 12, "relation": "owner"
}))]
pub struct NewUser {
    /// 3-32 characters `[a-z0-9._-]`, starting with a letter; stored lower-case. A username,
    /// a phone, or both are required: either can be used to log in.
    #[schema(pattern = r"^[A-Za-z][A-Za-z0-9._-]{2,31}$")]
    pub username: Option<String>,
    pub phone: Option<Phone>,
    pub display_name: NameText,
    pub role: Role,
    #[schema(min_length = 8, max_length = 128)]
    pub password: String,
    /// Staff only: the sites they work for. A manager with none is company-wide.
    #[serde(default)]
    #[schema(value_type = Vec<i64>)]
    pub site_ids: Vec<SiteId>,
    /// Residents only, required: the unit they live in ...
    #[schema(value_type = Option<i64>)]
    pub unit_id: Option<UnitId>,
    /// ... and how (owner, family, tenant).
    pub relation: Option<Relation>,
    /// Start of the membership; default today.
    pub start_date: Option<NaiveDate>,
    /// The language of the person's notices; default `en`.
    pub language: Option<Language>,
}

/// Fields to change; absent fields stay, `null` clears username or phone (one must remain).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"display_name": "Zhang Wei", "phone": "13900139001"}))]
pub struct UserChanges {
    #[serde(default, deserialize_with = "crate::json::nullable")]
    #[schema(value_type = Option<String>, pattern = r"^[A-Za-z][A-Za-z0-9._-]{2,31}$")]
    pub username: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::json::nullable")]
    #[schema(value_type = Option<Phone>)]
    pub phone: Option<Option<Phone>>,
    pub display_name: Option<NameText>,
    /// Staff only, managers only: replaces the sites the person works for.
    #[schema(value_type = Option<Vec<i64>>)]
    pub site_ids: Option<Vec<SiteId>>,
    /// The language of the person's notices.
    pub language: Option<Language>,
}

/// What people change of their own account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"language": "zh-CN"}))]
pub struct MyChanges {
    /// The language of one's notices, as the app's setting is changed.
    pub language: Language,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserFilter {
    pub role: Option<Role>,
    pub active: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"new_password": "temporary-pass-789"}))]
pub struct PasswordReset {
    /// Tell the person to change it after signing in.
    #[schema(min_length = 8, max_length = 128)]
    pub new_password: String,
}

/// A resident's link to a unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct Membership {
    #[schema(example = 3)]
    pub id: i64,
    #[schema(value_type = i64)]
    pub unit_id: UnitId,
    #[schema(value_type = i64)]
    pub user_id: UserId,
    #[schema(example = "Zhang Wei 张伟")]
    pub display_name: String,
    pub relation: Relation,
    pub start_date: NaiveDate,
    /// First day the person no longer belongs to the unit.
    pub end_date: Option<NaiveDate>,
    /// Whether the membership is in force today.
    pub current: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"user_id": 9, "relation": "tenant", "start_date": "2026-12-01", "end_date": "2027-12-01"}))]
pub struct NewMembership {
    #[schema(value_type = i64)]
    pub user_id: UserId,
    pub relation: Relation,
    /// Default today.
    pub start_date: Option<NaiveDate>,
    /// For a fixed-term lease; the first day the person no longer belongs to the unit.
    pub end_date: Option<NaiveDate>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"end_date": "2026-11-30"}))]
pub struct EndMembership {
    /// First day the person no longer belongs to the unit; default today (effective at once).
    pub end_date: Option<NaiveDate>,
}

/// A site named in a profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct SiteRef {
    #[schema(value_type = i64)]
    pub id: SiteId,
    #[schema(example = "Sunny Gardens 阳光花园")]
    pub name: String,
}

/// A unit the caller lives in, and how.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyUnit {
    pub membership_id: i64,
    pub relation: Relation,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub unit: Unit,
}

/// The caller's own profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub user: User,
    /// Staff: the sites they work for (all sites for a company-wide manager).
    pub sites: Vec<SiteRef>,
    /// Residents: the units they currently live in.
    pub units: Vec<MyUnit>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn membership_end_date_is_exclusive() {
        let start = date("2026-01-01");
        assert!(membership_is_current(start, None, date("2026-11-23")));
        assert!(!membership_is_current(start, None, date("2025-12-31")));
        assert!(membership_is_current(
            start,
            Some(date("2026-11-24")),
            date("2026-11-23")
        ));
        assert!(!membership_is_current(
            start,
            Some(date("2026-11-23")),
            date("2026-11-23")
        ));
    }
}
