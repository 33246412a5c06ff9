use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{AppError, Validator};
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
    /// 1-16 characters, no '-' or spaces (they separate the parts of the code).
    pub building: String,
    pub entrance: String,
    pub room: String,
    /// Greater than 0, at most 100000, at most two decimals.
    pub floor_area_m2: Option<f64>,
    pub handover_date: Option<NaiveDate>,
}

/// Fields to change; absent fields stay, `null` clears an optional one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"handover_date": "2024-07-15"}))]
pub struct UnitChanges {
    pub building: Option<String>,
    pub entrance: Option<String>,
    pub room: Option<String>,
    #[serde(default, deserialize_with = "crate::json::nullable")]
    #[schema(value_type = Option<f64>)]
    pub floor_area_m2: Option<Option<f64>>,
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

fn check_part(v: &mut Validator, field: &str, value: &str) {
    v.text(field, value, 1, 16).check(
        !value.contains('-') && !value.contains(char::is_whitespace),
        field,
        "must not contain '-' or spaces",
    );
}

const MAX_AREA_M2: f64 = 100_000.0;

/// Square metres to hundredths, refusing what cannot be stored exactly.
pub fn area_to_centi(v: &mut Validator, area_m2: Option<f64>) -> Option<i64> {
    let area = area_m2?;
    let centi = area * 100.0;
    let exact = (centi - centi.round()).abs() < 1e-6;
    v.check(
        area > 0.0 && area <= MAX_AREA_M2 && exact,
        "floor_area_m2",
        "must be greater than 0 and at most 100000, with at most two decimals",
    );
    Some(centi.round() as i64)
}

pub fn centi_to_area(centi: Option<i64>) -> Option<f64> {
    centi.map(|c| c as f64 / 100.0)
}

impl NewUnit {
    /// Validates and returns the floor area in hundredths of a square metre.
    pub fn validate(&self) -> Result<Option<i64>, AppError> {
        let mut v = Validator::new();
        check_part(&mut v, "building", &self.building);
        check_part(&mut v, "entrance", &self.entrance);
        check_part(&mut v, "room", &self.room);
        let centi = area_to_centi(&mut v, self.floor_area_m2);
        v.finish().map(|_| centi)
    }
}

impl UnitChanges {
    /// Validates and returns the floor-area change in hundredths of a square metre.
    pub fn validate(&self) -> Result<Option<Option<i64>>, AppError> {
        let mut v = Validator::new();
        for (field, value) in [
            ("building", &self.building),
            ("entrance", &self.entrance),
            ("room", &self.room),
        ] {
            if let Some(value) = value {
                check_part(&mut v, field, value);
            }
        }
        let centi = self.floor_area_m2.map(|area| area_to_centi(&mut v, area));
        v.finish().map(|_| centi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn area_is_stored_exactly_in_hundredths() {
        let mut v = Validator::new();
        assert_eq!(area_to_centi(&mut v, Some(89.5)), Some(8950));
        assert_eq!(area_to_centi(&mut v, Some(120.07)), Some(12007));
        assert!(v.finish().is_ok());
        assert_eq!(centi_to_area(Some(12007)), Some(120.07));
        for bad in [0.0, -3.0, 89.555, 200_000.0] {
            let mut v = Validator::new();
            area_to_centi(&mut v, Some(bad));
            assert!(v.finish().is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn code_parts_may_not_contain_the_separator() {
        let unit = NewUnit {
            site_id: SiteId::new(1),
            building: "3-A".into(),
            entrance: "2".into(),
            room: "".into(),
            floor_area_m2: None,
            handover_date: None,
        };
        match unit.validate() {
            Err(AppError::Validation(errors)) => {
                let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
                assert_eq!(fields, ["building", "room"]);
            }
            other => panic!("unexpected {other:?}"),
        }
        assert_eq!(code("3", "2", "1201"), "3-2-1201");
    }
}
