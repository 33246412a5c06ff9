use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{IntoParams, PartialSchema, ToSchema};

use crate::i18n::Msg;
use crate::ids::{SiteId, UnitId};

/// A dwelling (or shop) of a site.
#[derive(Debug, Serialize, ToSchema)]
pub struct Unit {
    #[schema(value_type = i64, example = 12)]
    pub id: UnitId,
    #[schema(value_type = i64, example = 1)]
    pub site_id: SiteId,
    #[schema(example = "3")]
    pub building: String,
    #[schema(example = "2")]
    pub entrance: String,
    #[schema(example = "1201")]
    pub room: String,
    /// building-entrance-room, as staff and residents say it.
    #[schema(example = "3-2-1201")]
    pub code: String,
    /// Floor area in square metres, to the hundredth.
    #[schema(example = 89.5)]
    pub floor_area_m2: Option<f64>,
    /// Handover from the developer (交付日期); construction warranties run from it.
    #[schema(example = "2024-06-30")]
    pub handover_date: Option<NaiveDate>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"site_id": 1, "building": "3", "entrance": "2", "room": "1201", "floor_area_m2": 89.5, "handover_date": "2024-06-30"}))]
pub struct NewUnit {
    #[schema(value_type = i64)]
    pub site_id: SiteId,
    pub building: UnitPart,
    pub entrance: UnitPart,
    pub room: UnitPart,
    pub floor_area_m2: Option<FloorArea>,
    pub handover_date: Option<NaiveDate>,
}

/// Fields to change; absent fields stay, `null` clears an optional one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"handover_date": "2024-07-15"}))]
pub struct UnitChanges {
    pub building: Option<UnitPart>,
    pub entrance: Option<UnitPart>,
    pub room: Option<UnitPart>,
    #[serde(default, deserialize_with = "crate::json::nullable")]
    #[schema(value_type = Option<FloorArea>)]
    pub floor_area_m2: Option<Option<FloorArea>>,
    #[serde(default, deserialize_with = "crate::json::nullable")]
    #[schema(value_type = Option<NaiveDate>)]
    pub handover_date: Option<Option<NaiveDate>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitFilter {
    #[param(value_type = Option<i64>)]
    pub site_id: Option<SiteId>,
    #[param(example = "3")]
    pub building: Option<String>,
    pub active: Option<bool>,
}

pub fn code(building: &str, entrance: &str, room: &str) -> String {
    format!("{building}-{entrance}-{room}")
}

/// One part of a unit's code (`3`, `2`, `1201`): 1-16 characters with no `-` or blanks,
/// which separate the parts of the code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitPart(String);

const UNIT_PART_MAX: usize = 16;

fn checked_part(part: String) -> Result<String, Msg> {
    let chars = part.chars().count();
    let separators = part.contains(|c| c == '-' || crate::text::is_blank(c));
    if (1..=UNIT_PART_MAX).contains(&chars) && !separators {
        Ok(part)
    } else {
        Err(Msg::new("1-%{max} characters without '-' or spaces").arg("max", UNIT_PART_MAX))
    }
}

impl<'de> Deserialize<'de> for UnitPart {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let part = checked_part(String::deserialize(deserializer)?);
        crate::json::checked(part, String::new).map(UnitPart)
    }
}

impl PartialSchema for UnitPart {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(format!(
                "^[^-{}]{{1,{UNIT_PART_MAX}}}$",
                crate::text::blank_class()
            )))
            .description(Some(
                "A part of a unit's code: 1-16 characters, no '-' or blanks",
            ))
            .examples(["1201"])
            .into()
    }
}

impl ToSchema for UnitPart {}

/// For parts the program itself supplies (the demo estate's).
impl std::str::FromStr for UnitPart {
    type Err = Msg;

    fn from_str(part: &str) -> Result<Self, Msg> {
        checked_part(part.to_owned()).map(UnitPart)
    }
}

impl From<UnitPart> for String {
    fn from(part: UnitPart) -> String {
        part.0
    }
}

impl std::ops::Deref for UnitPart {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

const MAX_AREA_M2: f64 = 100_000.0;

/// A floor area in square metres, kept in hundredths: more than 0, at most 100 000, with
/// at most two decimals (what the column stores exactly).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FloorArea(i64);

impl FloorArea {
    pub fn centi_m2(self) -> i64 {
        self.0
    }
}

fn checked_area(area: f64) -> Result<i64, Msg> {
    let centi = area * 100.0;
    let exact = (centi - centi.round()).abs() < 1e-6;
    if area > 0.0 && area <= MAX_AREA_M2 && exact {
        Ok(centi.round() as i64)
    } else {
        Err(Msg::new(
            "must be greater than 0 and at most 100000, with at most two decimals",
        ))
    }
}

/// For areas the program itself supplies (the demo estate's).
impl TryFrom<f64> for FloorArea {
    type Error = Msg;

    fn try_from(area: f64) -> Result<Self, Msg> {
        checked_area(area).map(FloorArea)
    }
}

impl<'de> Deserialize<'de> for FloorArea {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let centi = checked_area(f64::deserialize(deserializer)?);
        crate::json::checked(centi, || 0).map(FloorArea)
    }
}

impl PartialSchema for FloorArea {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Number)
            .exclusive_minimum(Some(0.0))
            .maximum(Some(MAX_AREA_M2))
            .multiple_of(Some(0.01))
            .description(Some(
                "Square metres: more than 0, at most 100000, at most two decimals",
            ))
            .examples([89.5])
            .into()
    }
}

impl ToSchema for FloorArea {}

pub fn centi_to_area(centi: Option<i64>) -> Option<f64> {
    centi.map(|c| c as f64 / 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn area_is_stored_exactly_in_hundredths() {
        assert_eq!(checked_area(89.5), Ok(8950));
        assert_eq!(checked_area(120.07), Ok(12007));
        assert_eq!(centi_to_area(Some(12007)), Some(120.07));
        for bad in [0.0, -3.0, 89.555, 200_000.0, f64::NAN] {
            assert!(checked_area(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn code_parts_may_not_contain_the_separator() {
        for bad in ["3-A", "", "3 A", "1\u{3000}", &"9".repeat(17)] {
            assert!(bad.parse::<UnitPart>().is_err(), "{bad:?} accepted");
        }
        assert_eq!(&*"1201".parse::<UnitPart>().unwrap(), "1201");
        assert_eq!(code("3", "2", "1201"), "3-2-1201");
        let schema = serde_json::to_value(UnitPart::schema()).unwrap();
        assert!(schema["pattern"].as_str().unwrap().ends_with("]{1,16}$"));
    }
}
