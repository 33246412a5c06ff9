//! The working calendar of a site (R-CMP-5): weekly working hours, holidays and make-up
//! working days (调休上班), and the arithmetic every working-time deadline needs: add working
//! time to an instant in the site's time zone.
//!
//! [`WorkingCalendar`] is a plain value: [`service::load`] builds it from a site's rows, and
//! the rules below are tested in `tests.rs` without a database.
//!
//! - Time counts only inside the spans of a working day, read as wall-clock time in the
//!   site's zone. A span is `[starts, ends)`; a day may have several (a lunch break).
//! - A holiday has no working time, whatever its weekday.
//! - A make-up working day works its own weekday's hours when that weekday has any (a
//!   weekday marked so is simply a working day), otherwise the *standard day*: the hours of
//!   the first weekday, Monday to Sunday, that has any — Monday's in a usual week.
//! - Counting that starts outside working time begins at the next span; a deadline that
//!   lands exactly on the end of a span stays there, it does not roll to the next span.
//! - A calendar never makes the count loop: when there is no working time in 366 days on
//!   (or the amount would need more than ten years of calendar), the answer is
//!   `start + amount` in clock time.
//! - A site that has set no weekly hours works the default week, [`standard_week`]:
//!   Monday to Friday 08:30-12:00 and 13:30-17:30 (7.5 hours a day). Its holidays and
//!   make-up days still apply; nothing is a holiday until a manager enters it.

pub mod dto;
pub mod repo;
pub mod service;

use std::collections::BTreeMap;

use chrono::offset::LocalResult;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Offset, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

use crate::text_enum;

text_enum! {
    /// What a special day of a site's calendar is.
    pub enum DayKind {
        /// No working time, even on a weekday (法定节假日).
        Holiday = "holiday",
        /// A working day even on a weekend: the make-up day of a moved holiday (调休上班).
        WorkingDay = "working_day",
    }
}

/// Minutes in a day; as the end of a span it means 24:00.
pub const MINUTES_PER_DAY: u16 = 1440;

/// No working time in this many days in a row: the calendar has none, count clock time.
const IDLE_LIMIT_DAYS: u32 = 366;
/// Counting never looks further ahead than this.
const SCAN_LIMIT_DAYS: u32 = 3653;

/// The weekdays by ISO number less one: `WEEK[0]` is Monday.
pub const WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// The weekday of an ISO number, 1 = Monday ... 7 = Sunday.
pub fn iso_weekday(number: i64) -> Option<Weekday> {
    usize::try_from(number - 1)
        .ok()
        .and_then(|i| WEEK.get(i).copied())
}

/// Working time within one day: `[start, end)` in minutes after local midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span {
    pub start: u16,
    pub end: u16,
}

impl Span {
    /// `None` unless `start < end <= 24:00`.
    pub fn new(start: u16, end: u16) -> Option<Span> {
        (start < end && end <= MINUTES_PER_DAY).then_some(Span { start, end })
    }

    /// Whether the two share working time (touching ends do not).
    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// `HH:MM` to minutes after midnight; `24:00` is 1440 (valid only as the end of a span).
pub fn parse_clock(text: &str) -> Option<u16> {
    let (h, m) = text.split_once(':')?;
    if h.len() != 2 || m.len() != 2 || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    match (h, m) {
        (24, 0) => Some(MINUTES_PER_DAY),
        (0..=23, 0..=59) => Some(h * 60 + m),
        _ => None,
    }
}

/// Minutes after midnight as `HH:MM`.
pub fn format_clock(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// The default week of a site that has set none: Monday to Friday, 08:30-12:00 and
/// 13:30-17:30.
pub fn standard_week() -> Vec<(Weekday, Span)> {
    let day = [
        Span {
            start: 510,
            end: 720,
        },
        Span {
            start: 810,
            end: 1050,
        },
    ];
    WEEK[..5]
        .iter()
        .flat_map(|&weekday| day.map(|span| (weekday, span)))
        .collect()
}

/// When a site works: see the module documentation for the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingCalendar {
    /// Monday first; each day's spans sorted and disjoint.
    week: [Vec<Span>; 7],
    days: BTreeMap<NaiveDate, DayKind>,
}

impl Default for WorkingCalendar {
    /// The [`standard_week`] without special days.
    fn default() -> Self {
        WorkingCalendar::new(standard_week(), [])
    }
}

impl WorkingCalendar {
    /// A calendar of weekly spans and special days. Spans of one weekday that overlap or
    /// touch are merged, so any input gives a sound calendar; a later entry for a date wins.
    pub fn new(
        hours: impl IntoIterator<Item = (Weekday, Span)>,
        days: impl IntoIterator<Item = (NaiveDate, DayKind)>,
    ) -> Self {
        let mut week: [Vec<Span>; 7] = Default::default();
        for (weekday, span) in hours {
            week[weekday.num_days_from_monday() as usize].push(span);
        }
        for spans in &mut week {
            spans.sort();
            spans.dedup_by(|next, kept| {
                let joined = next.start <= kept.end;
                if joined {
                    kept.end = kept.end.max(next.end);
                }
                joined
            });
        }
        WorkingCalendar {
            week,
            days: days.into_iter().collect(),
        }
    }

    /// The weekly spans, Monday first.
    pub fn weekly_spans(&self) -> impl Iterator<Item = (Weekday, Span)> + '_ {
        WEEK.iter()
            .zip(&self.week)
            .flat_map(|(&weekday, spans)| spans.iter().map(move |&span| (weekday, span)))
    }

    /// The working spans of a local date, after holidays and make-up days.
    pub fn spans_on(&self, date: NaiveDate) -> &[Span] {
        let own = &self.week[date.weekday().num_days_from_monday() as usize];
        match self.days.get(&date) {
            Some(DayKind::Holiday) => &[],
            Some(DayKind::WorkingDay) if own.is_empty() => self
                .week
                .iter()
                .find(|spans| !spans.is_empty())
                .map_or(&[], Vec::as_slice),
            _ => own,
        }
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !self.spans_on(date).is_empty()
    }

    /// Whether `at` falls inside a working span of the site's local day.
    pub fn is_working_time(&self, tz: Tz, at: DateTime<Utc>) -> bool {
        let date = at.with_timezone(&tz).date_naive();
        self.intervals(tz, date)
            .any(|(from, to)| from <= at && at < to)
    }

    /// The instant by which `amount` of working time has passed since `start`: the due
    /// time of "within 8 working hours". A zero or negative amount gives `start`.
    pub fn add_working_time(
        &self,
        tz: Tz,
        start: DateTime<Utc>,
        amount: Duration,
    ) -> DateTime<Utc> {
        if amount <= Duration::zero() {
            return start;
        }
        let mut remaining = amount;
        let mut cursor = start;
        let mut date = start.with_timezone(&tz).date_naive();
        let mut idle_days = 0;
        for _ in 0..SCAN_LIMIT_DAYS {
            let mut worked = false;
            for (from, to) in self.intervals(tz, date) {
                if to <= cursor {
                    continue;
                }
                worked = true;
                let begin = from.max(cursor);
                let available = to - begin;
                if remaining <= available {
                    return begin + remaining;
                }
                remaining -= available;
                cursor = to;
            }
            idle_days = if worked { 0 } else { idle_days + 1 };
            match date.succ_opt() {
                Some(next) if idle_days < IDLE_LIMIT_DAYS => date = next,
                _ => break,
            }
        }
        start
            .checked_add_signed(amount)
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    /// The close of the first working day after `start`'s local date: the due time of
    /// "within one working day" (an archive opened on Friday evening is due on Monday's
    /// close; before a holiday, on the close of the day after it).
    pub fn close_of_next_working_day(&self, tz: Tz, start: DateTime<Utc>) -> DateTime<Utc> {
        let mut date = start.with_timezone(&tz).date_naive();
        for _ in 0..SCAN_LIMIT_DAYS {
            let Some(next) = date.succ_opt() else { break };
            date = next;
            if let Some((_, close)) = self.intervals(tz, date).last() {
                return close;
            }
        }
        start + Duration::days(1)
    }

    /// The working spans of a local date as UTC instants.
    fn intervals(
        &self,
        tz: Tz,
        date: NaiveDate,
    ) -> impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>)> + '_ {
        self.spans_on(date)
            .iter()
            .map(move |span| (instant(tz, date, span.start), instant(tz, date, span.end)))
    }
}

/// The instant of a local wall-clock time. An ambiguous time (clocks turned back) is its
/// earlier instant; a time that does not exist (clocks turned forward) is read with the
/// offset before the change, which lands as far past the gap as the clocks jumped.
fn instant(tz: Tz, date: NaiveDate, minute: u16) -> DateTime<Utc> {
    let local = date.and_time(NaiveTime::MIN) + Duration::minutes(minute.into());
    match tz.from_local_datetime(&local) {
        LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => at.with_timezone(&Utc),
        LocalResult::None => {
            let before = tz.offset_from_utc_datetime(&(local - Duration::days(1)));
            (local - Duration::seconds(before.fix().local_minus_utc().into())).and_utc()
        }
    }
}

#[cfg(test)]
mod tests;
