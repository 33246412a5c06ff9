//! Calendar periods of a site in its own time zone, as the UTC bounds that queries use:
//! the day of a daily board, the month of a monthly report. Callers check first that the
//! reader may see the site.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeZone, Utc};

use crate::db::{utc, AnyConnection};
use crate::error::AppError;
use crate::ids::SiteId;
use crate::sites;

/// A local period `[start, end)` as UTC instants.
pub struct Period {
    /// Its first local day.
    pub first: NaiveDate,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
}

fn day_start(date: NaiveDate) -> NaiveDateTime {
    date.and_hms_opt(0, 0, 0).expect("midnight")
}

/// A `from`..=`to` filter of UTC calendar dates as `[start, end)` instants.
pub fn utc_dates(
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> (Option<NaiveDateTime>, Option<NaiveDateTime>) {
    (
        from.map(day_start),
        to.and_then(|d| d.succ_opt()).map(day_start),
    )
}

/// The UTC instant of local midnight starting `date`.
pub fn local_midnight(tz: chrono_tz::Tz, date: NaiveDate) -> Result<NaiveDateTime, AppError> {
    tz.from_local_datetime(&day_start(date))
        .earliest()
        .map(|t| utc(t.with_timezone(&Utc)))
        .ok_or_else(|| AppError::internal("local midnight"))
}

/// A local calendar day of a site; today when `date` is absent.
pub fn site_day(
    conn: &mut AnyConnection,
    site_id: SiteId,
    date: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<Period, AppError> {
    let tz = sites::service::time_zone(conn, site_id)?;
    let first = date.unwrap_or_else(|| now.with_timezone(&tz).date_naive());
    let next = first
        .succ_opt()
        .ok_or_else(|| AppError::field("date", "out of range"))?;
    Ok(Period {
        first,
        start: local_midnight(tz, first)?,
        end: local_midnight(tz, next)?,
    })
}

/// `days` local days from `first` on (a week: 7).
pub fn site_days(
    conn: &mut AnyConnection,
    site_id: SiteId,
    first: NaiveDate,
    days: u64,
) -> Result<Period, AppError> {
    let tz = sites::service::time_zone(conn, site_id)?;
    let next = first
        .checked_add_days(chrono::Days::new(days))
        .ok_or_else(|| AppError::field("from", "out of range"))?;
    Ok(Period {
        first,
        start: local_midnight(tz, first)?,
        end: local_midnight(tz, next)?,
    })
}

/// The first day of a `YYYY-MM` month.
pub fn parse_month(month: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
        .ok()
        .filter(|_| month.len() == 7)
        .ok_or_else(|| AppError::field("month", "must be YYYY-MM"))
}

/// The first day of the month after the one `first` starts.
pub fn next_month(first: NaiveDate) -> Result<NaiveDate, AppError> {
    first
        .checked_add_months(chrono::Months::new(1))
        .map(|d| d.with_day(1).expect("day 1"))
        .ok_or_else(|| AppError::field("month", "out of range"))
}

/// The first day of the site's local month now.
pub fn this_month(
    conn: &mut AnyConnection,
    site_id: SiteId,
    now: DateTime<Utc>,
) -> Result<NaiveDate, AppError> {
    let tz = sites::service::time_zone(conn, site_id)?;
    Ok(now
        .with_timezone(&tz)
        .date_naive()
        .with_day(1)
        .expect("day 1"))
}

/// A local month of a site; a month that has not begun is refused.
pub fn site_month(
    conn: &mut AnyConnection,
    site_id: SiteId,
    first: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Period, AppError> {
    let tz = sites::service::time_zone(conn, site_id)?;
    if first > now.with_timezone(&tz).date_naive() {
        return Err(AppError::field("month", "is in the future"));
    }
    Ok(Period {
        first,
        start: local_midnight(tz, first)?,
        end: local_midnight(tz, next_month(first)?)?,
    })
}
