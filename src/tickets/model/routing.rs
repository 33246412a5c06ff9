//! R-TKT-5: who repairs, from the developer's construction warranty; R-TKT-12: the
//! company's own workmanship warranty.

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};

use super::{Category, Route};

/// R-TKT-5: the developer's construction warranty for a category, counted from handover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Warranty {
    Years(u32, &'static str),
    /// Heating seasons (15 Nov - 15 Mar); cooling shares the rule.
    HeatingSeasons(u32, &'static str),
}

pub fn warranty(category: Category) -> Option<Warranty> {
    use Category::*;
    match category {
        RoofWallSeepage => Some(Warranty::Years(
            5,
            "waterproofing of roof, wet rooms and exterior walls",
        )),
        Heating => Some(Warranty::HeatingSeasons(2, "heating and cooling systems")),
        DoorsWindows => Some(Warranty::Years(2, "decoration works")),
        Electrical => Some(Warranty::Years(2, "electrical lines")),
        WaterSupply | Drainage | SanitaryFittings | HotWater => Some(Warranty::Years(
            2,
            "water and drain pipes and their fittings",
        )),
        Lift => Some(Warranty::Years(2, "equipment installation")),
        RailingsStairs | PublicFacilities | Other => None,
    }
}

/// The last day covered: `years` after handover, or the end (15 March) of the n-th heating
/// season that ends after handover.
pub fn warranty_until(term: Warranty, handover: NaiveDate) -> NaiveDate {
    match term {
        Warranty::Years(years, _) => handover
            .checked_add_months(Months::new(12 * years))
            .unwrap_or(NaiveDate::MAX),
        Warranty::HeatingSeasons(seasons, _) => {
            let season_end = |year| NaiveDate::from_ymd_opt(year, 3, 15).expect("15 March exists");
            let first_end_year = if handover < season_end(handover.year()) {
                handover.year()
            } else {
                handover.year() + 1
            };
            season_end(first_end_year + seasons as i32 - 1)
        }
    }
}

/// The proposed route and why; staff decide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteProposal {
    pub route: Route,
    pub reason: String,
}

pub fn propose_route(
    category: Category,
    handover: Option<NaiveDate>,
    today: NaiveDate,
) -> RouteProposal {
    let engineering = |reason: String| RouteProposal {
        route: Route::Engineering,
        reason,
    };
    let Some(term) = warranty(category) else {
        return engineering(format!("{category} is not under construction warranty"));
    };
    let what = match term {
        Warranty::Years(_, what) | Warranty::HeatingSeasons(_, what) => what,
    };
    let Some(handover) = handover else {
        return engineering("no handover date is recorded for the unit".into());
    };
    let until = warranty_until(term, handover);
    if today <= until {
        RouteProposal {
            route: Route::Developer,
            reason: format!(
                "{what}: under the developer's warranty until {until} (handover {handover})"
            ),
        }
    } else {
        engineering(format!(
            "{what}: the developer's warranty ended on {until} (handover {handover})"
        ))
    }
}

/// R-TKT-12: company repairs carry a 3-month workmanship warranty.
pub fn under_workmanship_warranty(completed_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    completed_at
        .checked_add_months(Months::new(3))
        .is_some_and(|until| now <= until)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    // R-TKT-5
    #[test]
    fn warranty_periods_run_from_handover() {
        let handover = date("2024-06-30");
        let seepage = warranty(Category::RoofWallSeepage).unwrap();
        assert_eq!(warranty_until(seepage, handover), date("2029-06-30"));
        let heating = warranty(Category::Heating).unwrap();
        assert_eq!(warranty_until(heating, handover), date("2026-03-15"));
        // Handed over mid-season: that season counts as the first.
        assert_eq!(
            warranty_until(heating, date("2024-12-01")),
            date("2026-03-15")
        );
        assert_eq!(
            warranty_until(heating, date("2025-03-16")),
            date("2027-03-15")
        );
        let pipes = warranty(Category::Drainage).unwrap();
        assert_eq!(warranty_until(pipes, handover), date("2026-06-30"));
        assert!(warranty(Category::RailingsStairs).is_none());
    }

    // R-TKT-5
    #[test]
    fn route_is_proposed_from_category_and_handover() {
        let today = date("2026-11-23");
        let seepage = propose_route(Category::RoofWallSeepage, Some(date("2024-06-30")), today);
        assert_eq!(seepage.route, Route::Developer);
        assert!(seepage.reason.contains("2029-06-30"));
        let old_pipes = propose_route(Category::Drainage, Some(date("2023-06-30")), today);
        assert_eq!(old_pipes.route, Route::Engineering);
        assert!(old_pipes.reason.contains("ended on 2025-06-30"));
        let unknown = propose_route(Category::Electrical, None, today);
        assert_eq!(unknown.route, Route::Engineering);
        let none = propose_route(Category::Other, Some(date("2026-01-01")), today);
        assert_eq!(none.route, Route::Engineering);
    }

    // R-TKT-12
    #[test]
    fn workmanship_warranty_lasts_three_months() {
        let done = utc("2026-08-23T10:00:00Z");
        assert!(under_workmanship_warranty(
            done,
            utc("2026-11-23T10:00:00Z")
        ));
        assert!(!under_workmanship_warranty(
            done,
            utc("2026-11-23T10:00:01Z")
        ));
    }
}
