//! What calendar clients send and receive.

use chrono::{NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{format_clock, iso_weekday, parse_clock, DayKind, Span, MINUTES_PER_DAY};
use crate::error::{AppError, Validator};
use crate::i18n::Msg;
use crate::ids::SiteId;
use crate::text::NameText;

/// At most this many spans in a week (ten a day).
pub const MAX_SPANS: usize = 70;

/// A span of working time on one weekday, in the site's local time.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WeeklySpan {
    /// ISO weekday: 1 = Monday ... 7 = Sunday.
    #[schema(example = 1, minimum = 1, maximum = 7)]
    pub weekday: u8,
    /// `HH:MM`, 00:00-23:59; working time starts here.
    #[schema(example = "08:30", pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub starts: String,
    /// `HH:MM`, 00:01-24:00 and after `starts`; working time ends here.
    #[schema(
        example = "12:00",
        pattern = r"^(00:(0[1-9]|[1-5][0-9])|(0[1-9]|1[0-9]|2[0-3]):[0-5][0-9]|24:00)$"
    )]
    pub ends: String,
}

impl From<(Weekday, Span)> for WeeklySpan {
    fn from((weekday, span): (Weekday, Span)) -> Self {
        WeeklySpan {
            weekday: weekday.number_from_monday() as u8,
            starts: format_clock(span.start),
            ends: format_clock(span.end),
        }
    }
}

/// The weekly working hours of a site.
#[derive(Debug, Serialize, ToSchema)]
pub struct WeeklyHours {
    /// `false` while the site has set no hours and the default week applies (Monday to
    /// Friday, 08:30-12:00 and 13:30-17:30).
    pub configured: bool,
    /// Monday first, each day's spans in order.
    pub spans: Vec<WeeklySpan>,
}

/// The new weekly hours; they replace all the site's spans.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"spans": [
    {"weekday": 1, "starts": "08:30", "ends": "12:00"},
    {"weekday": 1, "starts": "13:30", "ends": "17:30"},
    {"weekday": 6, "starts": "09:00", "ends": "12:00"}
]}))]
pub struct SetWeeklyHours {
    /// Spans of one weekday may touch but not overlap.
    #[schema(min_items = 1, max_items = 70)]
    pub spans: Vec<WeeklySpan>,
}

impl SetWeeklyHours {
    /// The spans, checked: every bad field is named (`spans[2].ends`).
    pub fn validate(&self) -> Result<Vec<(Weekday, Span)>, AppError> {
        let mut v = Validator::new();
        v.check(
            !self.spans.is_empty(),
            "spans",
            "give at least one span of working time",
        )
        .check(
            self.spans.len() <= MAX_SPANS,
            "spans",
            Msg::new("at most %{max} spans").arg("max", MAX_SPANS),
        );
        let mut parsed: Vec<(usize, Weekday, Span)> = Vec::new();
        for (i, input) in self.spans.iter().enumerate() {
            let weekday = iso_weekday(input.weekday.into());
            let starts = parse_clock(&input.starts).filter(|&m| m < MINUTES_PER_DAY);
            let ends = parse_clock(&input.ends).filter(|&m| m > 0);
            v.check(
                weekday.is_some(),
                &format!("spans[{i}].weekday"),
                "must be 1 (Monday) to 7 (Sunday)",
            )
            .check(
                starts.is_some(),
                &format!("spans[{i}].starts"),
                "must be a time HH:MM from 00:00 to 23:59",
            )
            .check(
                ends.is_some(),
                &format!("spans[{i}].ends"),
                "must be a time HH:MM from 00:01 to 24:00",
            );
            if let (Some(weekday), Some(starts), Some(ends)) = (weekday, starts, ends) {
                match Span::new(starts, ends) {
                    Some(span) => parsed.push((i, weekday, span)),
                    None => {
                        v.check(false, &format!("spans[{i}].ends"), "must be after starts");
                    }
                }
            }
        }
        for (k, (i, weekday, span)) in parsed.iter().enumerate() {
            if let Some((j, _, other)) = parsed[..k]
                .iter()
                .find(|(_, day, other)| day == weekday && other.overlaps(span))
            {
                v.check(
                    false,
                    &format!("spans[{i}]"),
                    Msg::new("overlaps spans[%{other}] (%{starts}-%{ends}) on the same weekday")
                        .arg("other", j)
                        .arg("starts", format_clock(other.start))
                        .arg("ends", format_clock(other.end)),
                );
            }
        }
        v.finish()?;
        Ok(parsed
            .into_iter()
            .map(|(_, day, span)| (day, span))
            .collect())
    }
}

/// A holiday or make-up working day of a site.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarDay {
    /// The site's local date.
    #[schema(example = "2026-10-01")]
    pub date: NaiveDate,
    pub kind: DayKind,
    #[schema(example = "National Day 国庆节")]
    pub name: String,
}

/// What a date is; it replaces whatever the date was before.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "holiday", "name": "National Day 国庆节"}))]
pub struct SetCalendarDay {
    /// `holiday`: no working time. `working_day`: worked even on a weekend (调休上班), with
    /// that weekday's hours or, if it has none, those of the first weekday that has any.
    pub kind: DayKind,
    pub name: NameText,
}

/// A site's working calendar.
#[derive(Debug, Serialize, ToSchema)]
pub struct SiteCalendar {
    #[schema(value_type = i64, example = 1)]
    pub site_id: SiteId,
    /// The site's IANA time zone: hours and dates are its local time.
    #[schema(example = "Asia/Shanghai")]
    pub time_zone: String,
    pub weekly_hours: WeeklyHours,
    /// Holidays and make-up working days by date (of `year`, when asked).
    pub days: Vec<CalendarDay>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CalendarFilter {
    /// Only the special days of this year.
    #[param(example = 2026, minimum = 1970, maximum = 9999)]
    pub year: Option<i32>,
}

impl CalendarFilter {
    /// The first and last date asked for, if any.
    pub fn range(&self) -> Result<Option<(NaiveDate, NaiveDate)>, AppError> {
        let Some(year) = self.year else {
            return Ok(None);
        };
        let bounds = (1970..=9999)
            .contains(&year)
            .then(|| NaiveDate::from_ymd_opt(year, 1, 1).zip(NaiveDate::from_ymd_opt(year, 12, 31)))
            .flatten();
        bounds
            .map(Some)
            .ok_or_else(|| AppError::field("year", "must be a year from 1970 to 9999"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(weekday: u8, starts: &str, ends: &str) -> WeeklySpan {
        WeeklySpan {
            weekday,
            starts: starts.into(),
            ends: ends.into(),
        }
    }

    fn fields(spans: Vec<WeeklySpan>) -> Vec<String> {
        match (SetWeeklyHours { spans }).validate() {
            Err(AppError::Validation(errors)) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn weekly_hours_name_every_bad_field() {
        assert_eq!(fields(vec![]), ["spans"]);
        assert_eq!(
            fields(vec![
                span(0, "08:30", "12:00"),
                span(1, "8:30", "24:01"),
                span(2, "24:00", "12:00"),
                span(3, "13:00", "12:00"),
            ]),
            [
                "spans[0].weekday",
                "spans[1].starts",
                "spans[1].ends",
                "spans[2].starts",
                "spans[3].ends"
            ]
        );
        assert_eq!(
            fields(vec![
                span(1, "08:30", "12:00"),
                span(2, "08:30", "12:00"),
                span(1, "11:00", "13:00"),
            ]),
            ["spans[2]"]
        );
    }

    #[test]
    fn touching_spans_and_a_day_to_midnight_are_fine() {
        let spans = SetWeeklyHours {
            spans: vec![span(7, "00:00", "12:00"), span(7, "12:00", "24:00")],
        }
        .validate()
        .unwrap();
        assert_eq!(spans.len(), 2);
        assert_eq!(spans[1], (Weekday::Sun, Span::new(720, 1440).unwrap()));
    }
}
