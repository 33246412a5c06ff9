//! The calendar rules, in Asia/Shanghai unless said otherwise.

use super::*;

const SHANGHAI: Tz = chrono_tz::Asia::Shanghai;

/// A Shanghai wall-clock time, `2026-11-23 18:00`.
fn local(text: &str) -> DateTime<Utc> {
    let naive = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
    SHANGHAI
        .from_local_datetime(&naive)
        .unwrap()
        .with_timezone(&Utc)
}

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// The default week with the 2026 National Day holiday: 1-7 October off, Sunday
/// 20 September and Saturday 10 October worked instead.
fn national_day_2026() -> WorkingCalendar {
    let mut days: Vec<_> = (1..=7)
        .map(|d| {
            (
                NaiveDate::from_ymd_opt(2026, 10, d).unwrap(),
                DayKind::Holiday,
            )
        })
        .collect();
    days.push((date("2026-09-20"), DayKind::WorkingDay));
    days.push((date("2026-10-10"), DayKind::WorkingDay));
    WorkingCalendar::new(standard_week(), days)
}

/// Each case: received at, working hours to add, due at (Shanghai wall-clock times).
fn assert_due(calendar: &WorkingCalendar, cases: &[(&str, i64, &str)]) {
    for &(from, hours, due) in cases {
        let got = calendar.add_working_time(SHANGHAI, local(from), Duration::hours(hours));
        assert_eq!(got, local(due), "{from} + {hours} h");
    }
}

// R-CMP-5
#[test]
fn nights_weekends_and_the_lunch_break_do_not_count() {
    assert_due(
        &WorkingCalendar::default(),
        &[
            // Monday evening: Tuesday gives 7.5 hours, Wednesday the last half hour.
            ("2026-11-23 18:00", 8, "2026-11-25 09:00"),
            // Before opening: from 08:30 the same day.
            ("2026-11-24 06:00", 2, "2026-11-24 10:30"),
            // Across the lunch break, and from inside it.
            ("2026-11-23 11:00", 2, "2026-11-23 14:30"),
            ("2026-11-23 12:30", 1, "2026-11-23 14:30"),
            // Friday 16:00: 1.5 hours on Friday, the rest from Monday 08:30.
            ("2026-11-27 16:00", 4, "2026-11-30 11:00"),
            // Received on Saturday: Monday is the first working day.
            ("2026-11-28 10:00", 8, "2026-12-01 09:00"),
        ],
    );
}

// R-CMP-5
#[test]
fn a_deadline_on_the_end_of_a_span_stays_there() {
    assert_due(
        &WorkingCalendar::default(),
        &[
            ("2026-11-23 09:00", 3, "2026-11-23 12:00"),
            ("2026-11-23 16:30", 1, "2026-11-23 17:30"),
        ],
    );
}

// R-CMP-5
#[test]
fn holidays_do_not_count_even_on_weekdays_and_make_up_days_do_on_weekends() {
    let calendar = national_day_2026();
    assert!(!calendar.is_working_time(SHANGHAI, local("2026-10-01 10:00")));
    assert!(!calendar.is_working_day(date("2026-10-05")));
    // Sunday 20 September is worked, with the standard hours.
    assert!(calendar.is_working_time(SHANGHAI, local("2026-09-20 10:00")));
    assert!(!calendar.is_working_time(SHANGHAI, local("2026-09-20 12:30")));
    assert_due(
        &calendar,
        &[
            // Wednesday 30 September 16:30: one hour, then nothing until 8 October.
            ("2026-09-30 16:30", 8, "2026-10-08 17:00"),
            // Friday 9 October 16:00: 1.5 hours, then Saturday 10 October is worked.
            ("2026-10-09 16:00", 8, "2026-10-10 16:30"),
        ],
    );
    // Without the make-up day, the count would run on to Monday.
    assert_due(
        &WorkingCalendar::default(),
        &[("2026-10-09 16:00", 8, "2026-10-12 16:30")],
    );
}

#[test]
fn a_make_up_day_takes_the_first_configured_weekday() {
    let nine_to_six = Span::new(540, 1080).unwrap();
    let calendar = WorkingCalendar::new(
        [
            (Weekday::Tue, nine_to_six),
            (Weekday::Sat, Span::new(600, 660).unwrap()),
        ],
        [
            (date("2026-11-29"), DayKind::WorkingDay),
            (date("2026-11-28"), DayKind::WorkingDay),
        ],
    );
    // Sunday has no hours of its own: Tuesday's, the first configured weekday's.
    assert_eq!(calendar.spans_on(date("2026-11-29")), [nine_to_six]);
    // Saturday has its own.
    assert_eq!(
        calendar.spans_on(date("2026-11-28")),
        [Span::new(600, 660).unwrap()]
    );
}

#[test]
fn working_time_is_half_open() {
    let calendar = WorkingCalendar::default();
    assert!(calendar.is_working_time(SHANGHAI, local("2026-11-23 08:30")));
    assert!(calendar.is_working_time(SHANGHAI, local("2026-11-23 17:29")));
    assert!(!calendar.is_working_time(SHANGHAI, local("2026-11-23 12:00")));
    assert!(!calendar.is_working_time(SHANGHAI, local("2026-11-23 17:30")));
    assert!(!calendar.is_working_time(SHANGHAI, local("2026-11-22 10:00")));
}

#[test]
fn without_working_time_the_count_is_clock_time() {
    let start = local("2026-11-23 18:00");
    let year_off = WorkingCalendar::new(
        standard_week(),
        (0..400).map(|d| (date("2026-11-24") + Duration::days(d), DayKind::Holiday)),
    );
    for (calendar, amount) in [
        (WorkingCalendar::new([], []), Duration::hours(8)),
        // A year of holidays is as good as none.
        (year_off, Duration::hours(8)),
        // An absurd amount ends after ten years of calendar, not never.
        (WorkingCalendar::default(), Duration::days(100_000)),
    ] {
        assert_eq!(
            calendar.add_working_time(SHANGHAI, start, amount),
            start + amount
        );
    }
    // Nothing to add.
    assert_eq!(
        WorkingCalendar::default().add_working_time(SHANGHAI, start, Duration::zero()),
        start
    );
}

#[test]
fn elapsed_time_counts_across_a_daylight_saving_change() {
    let berlin = chrono_tz::Europe::Berlin;
    // Sunday 29 March 2026 loses an hour: a whole-day span holds 23 hours.
    let calendar = WorkingCalendar::new([(Weekday::Sun, Span::new(0, 1440).unwrap())], []);
    let midnight = |d: &str| instant(berlin, date(d), 0);
    let due = calendar.add_working_time(berlin, midnight("2026-03-29"), Duration::hours(23));
    assert_eq!(due, midnight("2026-03-30"));
    // 02:30 does not exist that night; it reads as 03:30.
    assert_eq!(
        instant(berlin, date("2026-03-29"), 150),
        instant(berlin, date("2026-03-29"), 210)
    );
}

#[test]
fn overlapping_or_touching_spans_merge() {
    let calendar = WorkingCalendar::new(
        [
            (Weekday::Mon, Span::new(600, 720).unwrap()),
            (Weekday::Mon, Span::new(480, 660).unwrap()),
            (Weekday::Mon, Span::new(720, 780).unwrap()),
            (Weekday::Mon, Span::new(900, 960).unwrap()),
        ],
        [],
    );
    assert_eq!(
        calendar.weekly_spans().collect::<Vec<_>>(),
        [
            (Weekday::Mon, Span::new(480, 780).unwrap()),
            (Weekday::Mon, Span::new(900, 960).unwrap()),
        ]
    );
}

#[test]
fn clock_times_read_and_print_as_hh_mm() {
    assert_eq!(parse_clock("08:30"), Some(510));
    assert_eq!(parse_clock("00:00"), Some(0));
    assert_eq!(parse_clock("24:00"), Some(1440));
    for bad in [
        "8:30", "08:60", "24:01", "25:00", "0830", "08:3x", "+8:30", "08:30:00", "",
    ] {
        assert_eq!(parse_clock(bad), None, "{bad}");
    }
    assert_eq!(format_clock(510), "08:30");
    assert_eq!(format_clock(1440), "24:00");
}

// R-ARC-1
#[test]
fn one_working_day_ends_at_the_close_of_the_next_working_day() {
    let calendar = national_day_2026();
    for (from, due) in [
        // Friday evening: Monday's close
        ("2026-11-20 19:30", "2026-11-23 17:30"),
        // a Tuesday morning: Wednesday's close
        ("2026-11-24 09:00", "2026-11-25 17:30"),
        // the day before the holiday week: the Thursday after it
        ("2026-09-30 10:00", "2026-10-08 17:30"),
        // Saturday 19 September: the make-up Sunday
        ("2026-09-19 12:00", "2026-09-20 17:30"),
    ] {
        let got = calendar.close_of_next_working_day(SHANGHAI, local(from));
        assert_eq!(got, local(due), "{from}");
    }
}
