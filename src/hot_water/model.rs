//! The rules of meter reading (R-HW-2), pure: quarters, the reading window, and which
//! usage is far above a unit's usual.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Days, Months, NaiveDate};

use super::DunningStep;

/// A calendar quarter: readings are taken once in each (R-HW-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Quarter {
    pub year: i32,
    /// 1 to 4.
    pub number: u32,
}

impl Quarter {
    pub fn of(date: NaiveDate) -> Quarter {
        Quarter {
            year: date.year(),
            number: date.month0() / 3 + 1,
        }
    }

    /// Its first day.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.number * 3 - 2, 1).expect("a quarter's month")
    }

    /// The day after its last.
    pub fn end(self) -> NaiveDate {
        self.first_day() + Months::new(3)
    }

    /// R-HW-2: the 25th to the 30th of the quarter's last month, both included.
    pub fn window(self) -> (NaiveDate, NaiveDate) {
        let month = self.number * 3;
        let day = |d| NaiveDate::from_ymd_opt(self.year, month, d).expect("25 and 30 exist");
        (day(25), day(30))
    }
}

/// Whether a reading taken on `date` (the site's local date) lies in its quarter's window.
pub fn in_window(date: NaiveDate) -> bool {
    let (from, to) = Quarter::of(date).window();
    (from..=to).contains(&date)
}

/// `2026-Q4`, as paths and responses spell a quarter.
impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-Q{}", self.year, self.number)
    }
}

impl FromStr for Quarter {
    type Err = ();

    fn from_str(text: &str) -> Result<Quarter, ()> {
        let (year, number) = text.split_once("-Q").ok_or(())?;
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if !(digits(year, 4) && digits(number, 1)) {
            return Err(());
        }
        let quarter = Quarter {
            year: year.parse().map_err(|_| ())?,
            number: number.parse().map_err(|_| ())?,
        };
        (1..=4)
            .contains(&quarter.number)
            .then_some(quarter)
            .ok_or(())
    }
}

/// R-HW-6: the step after `step` on the dunning ladder, and the days it waits for.
pub fn after(step: DunningStep) -> Option<(DunningStep, u64)> {
    use DunningStep::*;
    Some(match step {
        AskReason => (ReminderLetter, 7),
        ReminderLetter => (DunningLetter, 7),
        DunningLetter => (UrgentLetter, 7),
        UrgentLetter => (LawyerLetter, 7),
        LawyerLetter => (LawsuitFile, 3),
        LawsuitFile => (Sued, 0),
        Sued => return None,
    })
}

/// The step after one taken on `taken_on`, and the first day it may be taken (the suit:
/// from the file's day; [`sue_by`] is its deadline).
pub fn next_due(step: DunningStep, taken_on: NaiveDate) -> Option<(DunningStep, NaiveDate)> {
    let (next, days) = after(step)?;
    Some((next, taken_on + Days::new(days)))
}

/// The suit is filed within a month of the lawsuit file.
pub fn sue_by(file_on: NaiveDate) -> NaiveDate {
    file_on + Months::new(1)
}

/// The late fee for arrears from `since` to `today` (not counting today): 0.03 % a day
/// (万分之三, the rate of the model property-service contract) of each day's arrears, the
/// balance at that day's end below zero, summed and rounded half up to the fen.
/// `movements` are the account's entries as (local date, fen), in order.
pub fn late_fee(movements: &[(NaiveDate, i64)], since: NaiveDate, today: NaiveDate) -> i64 {
    let mut balance = 0_i128;
    let mut next = movements.iter().peekable();
    let mut owed_days = 0_i128; // Σ of each day's arrears, in fen × days
    let mut day = since;
    while let Some(&&(on, fen)) = next.peek() {
        if on >= since {
            break;
        }
        balance += i128::from(fen);
        next.next();
    }
    while day < today {
        while let Some(&&(on, fen)) = next.peek() {
            if on > day {
                break;
            }
            balance += i128::from(fen);
            next.next();
        }
        owed_days += (-balance).max(0);
        day = day.succ_opt().expect("a date before today");
    }
    i64::try_from((owed_days * 3 + 5_000) / 10_000).unwrap_or(i64::MAX)
}

/// The spec's form of a quarter, which the server reads the same way.
pub const QUARTER_PATTERN: &str = "^[0-9]{4}-Q[1-4]$";

impl<'de> serde::Deserialize<'de> for Quarter {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse()
            .map_err(|()| serde::de::Error::custom("a quarter such as 2026-Q4"))
    }
}

impl utoipa::PartialSchema for Quarter {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(QUARTER_PATTERN))
            .description(Some("A calendar quarter: the year, `-Q` and 1 to 4"))
            .examples(["2026-Q4"])
            .into()
    }
}

impl utoipa::ToSchema for Quarter {}

/// How many earlier usages make a unit's "usual": fewer, and nothing is flagged.
pub const USUAL_PERIODS: usize = 2;
/// Far above usual: more than this many times the average of the earlier usages.
pub const UNUSUAL_FACTOR: i64 = 3;
/// Below this, no usage is worth a butler's call (a vacant flat's first showers).
pub const UNUSUAL_FLOOR_LITRES: i64 = 1_000;

/// R-HW-2: a usage far above the unit's usual (more than [`UNUSUAL_FACTOR`] times the
/// average of its last usages, once there are [`USUAL_PERIODS`] of them, and at least
/// [`UNUSUAL_FLOOR_LITRES`]) is accepted but flagged for a butler to confirm: a misread
/// digit, a leak, or a real change.
pub fn unusual(usage: i64, earlier: &[i64]) -> bool {
    if earlier.len() < USUAL_PERIODS || usage < UNUSUAL_FLOOR_LITRES {
        return false;
    }
    let total: i64 = earlier.iter().sum();
    // usage > factor × total / n, without dividing.
    usage * earlier.len() as i64 > UNUSUAL_FACTOR * total
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_dunning_ladder_runs_in_order_7_days_apart_then_3_days_to_the_file() {
        let start = NaiveDate::from_ymd_opt(2027, 1, 5).unwrap();
        let (mut step, mut on, mut waits) = (DunningStep::AskReason, start, Vec::new());
        while let Some((next, due)) = next_due(step, on) {
            waits.push((next, (due - on).num_days()));
            (step, on) = (next, due);
        }
        assert_eq!(
            waits,
            [
                (DunningStep::ReminderLetter, 7),
                (DunningStep::DunningLetter, 7),
                (DunningStep::UrgentLetter, 7),
                (DunningStep::LawyerLetter, 7),
                (DunningStep::LawsuitFile, 3),
                (DunningStep::Sued, 0),
            ]
        );
        assert_eq!(sue_by(start), NaiveDate::from_ymd_opt(2027, 2, 5).unwrap());
    }

    #[test]
    fn the_late_fee_is_three_in_ten_thousand_of_each_days_arrears() {
        let on = |d: u32| NaiveDate::from_ymd_opt(2027, 1, d).unwrap();
        // 200.00 yuan owed for 7 days: 20 000 × 7 × 0.0003 = 42 fen.
        assert_eq!(late_fee(&[(on(1), -20_000)], on(1), on(8)), 42);
        // 0.30 yuan owed for 6 days, then 100.30 yuan for 1: each day its own arrears
        // (30 × 6 + 10 030) × 0.0003 = 3.06 fen.
        let small_then_large = [(on(1), -30), (on(7), -10_000)];
        assert_eq!(late_fee(&small_then_large, on(1), on(8)), 3);
        // A payment that halves the arrears halves the fee from that day on; entries
        // before the arrears began count in the balance.
        let paid = [(on(1), 5_000), (on(2), -25_000), (on(5), 10_000)];
        // days 2,3,4: 20 000; days 5,6,7: 10 000 → 90 000 × 0.0003 = 27 fen.
        assert_eq!(late_fee(&paid, on(2), on(8)), 27);
        // Half a fen up, just below down: 1 fen × 1 667 days = 0.5001 fen.
        let long = |days: u64| on(1) + chrono::Days::new(days);
        assert_eq!(late_fee(&[(on(1), -1)], on(1), long(1_667)), 1);
        assert_eq!(late_fee(&[(on(1), -1)], on(1), long(1_666)), 0);
        assert_eq!(late_fee(&[(on(1), -20_000)], on(1), on(1)), 0);
    }

    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    // R-HW-2
    #[test]
    fn the_window_is_the_25th_to_the_30th_of_the_quarters_last_month() {
        let q = Quarter::of(date("2026-11-02"));
        assert_eq!(
            q,
            Quarter {
                year: 2026,
                number: 4
            }
        );
        assert_eq!(q.window(), (date("2026-12-25"), date("2026-12-30")));
        assert_eq!(
            Quarter::of(date("2026-01-01")).window().0,
            date("2026-03-25")
        );
        for inside in ["2026-03-25", "2026-06-30", "2026-09-27", "2026-12-30"] {
            assert!(in_window(date(inside)), "{inside}");
        }
        for outside in [
            "2026-03-24",
            "2026-03-31",
            "2026-05-27",
            "2026-12-31",
            "2026-10-25",
        ] {
            assert!(!in_window(date(outside)), "{outside}");
        }
    }

    #[test]
    fn quarters_read_and_print_as_the_api_spells_them() {
        let q: Quarter = "2026-Q3".parse().unwrap();
        assert_eq!(
            q,
            Quarter {
                year: 2026,
                number: 3
            }
        );
        assert_eq!(q.to_string(), "2026-Q3");
        for bad in [
            "2026-Q0", "2026-Q5", "2026Q1", "26-Q1", "+2026-Q1", "2026-Q1x", "",
        ] {
            assert!(bad.parse::<Quarter>().is_err(), "{bad}");
        }
    }

    // R-HW-2
    #[test]
    fn a_usage_far_above_the_units_usual_is_flagged() {
        assert!(!unusual(90_000, &[]), "no usual yet");
        assert!(!unusual(90_000, &[10_000]), "one period is no usual");
        assert!(
            !unusual(30_000, &[10_000, 10_000]),
            "three times is still usual"
        );
        assert!(unusual(30_001, &[10_000, 10_000]));
        assert!(unusual(5_000, &[0, 0]), "real use after none");
        assert!(!unusual(999, &[0, 0]), "below the floor");
    }
}
