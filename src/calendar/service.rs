//! Calendar use cases: staff of a site read its calendar, the site's managers edit it; other
//! sites' calendars do not exist for them. [`load`] serves deadline maths of every capability.

use chrono::{NaiveDate, Weekday};

use super::dto::*;
use super::repo::{self, DayRow, HoursRow};
use super::{iso_weekday, standard_week, Span, WorkingCalendar};
use crate::access::Actor;
use crate::access::Role;
use crate::db::{self, AnyConnection};
use crate::error::AppError;
use crate::ids::SiteId;
use crate::sites;
use crate::sites::repo::SiteRow;
use crate::state::AppState;

impl From<DayRow> for CalendarDay {
    fn from(row: DayRow) -> Self {
        CalendarDay {
            date: row.day,
            kind: row.kind,
            name: row.name,
        }
    }
}

fn span_of(row: &HoursRow) -> Result<(Weekday, Span), AppError> {
    let weekday = iso_weekday(row.weekday.into());
    let span = u16::try_from(row.start_minute)
        .ok()
        .zip(u16::try_from(row.end_minute).ok())
        .and_then(|(start, end)| Span::new(start, end));
    weekday
        .zip(span)
        .ok_or_else(|| AppError::internal(format!("bad working_hours row {row:?}")))
}

/// The site's weekly spans and whether they are its own (`false`: the default week).
fn week(
    conn: &mut AnyConnection,
    site_id: SiteId,
) -> Result<(bool, Vec<(Weekday, Span)>), AppError> {
    let rows = repo::hours(conn, site_id)?;
    if rows.is_empty() {
        return Ok((false, standard_week()));
    }
    let spans = rows.iter().map(span_of).collect::<Result<_, _>>()?;
    Ok((true, spans))
}

/// How far ahead of its start a deadline's special days are read: a count of working hours
/// that starts on `from` ends long before, unless the calendar has no working time for a
/// year, when it falls back to clock time anyway (see the module documentation).
const HORIZON_DAYS: u64 = 2 * 366;

/// The site's working calendar for deadlines that start on local date `from`, for deadline
/// maths inside a use case's transaction: the weekly hours, and the special days from the
/// day before (an instant's local date may lag) to [`HORIZON_DAYS`] after, not every day the
/// site ever marked. No access check: the caller has already loaded something of this site.
pub fn load(
    conn: &mut AnyConnection,
    site_id: SiteId,
    from: NaiveDate,
) -> Result<WorkingCalendar, AppError> {
    let (_, spans) = week(conn, site_id)?;
    let first = from.pred_opt().unwrap_or(from);
    let last = from
        .checked_add_days(chrono::Days::new(HORIZON_DAYS))
        .unwrap_or(NaiveDate::MAX);
    let days = repo::days(conn, site_id, Some((first, last)))?
        .into_iter()
        .map(|row| (row.day, row.kind));
    Ok(WorkingCalendar::new(spans, days))
}

fn weekly_hours(conn: &mut AnyConnection, site_id: SiteId) -> Result<WeeklyHours, AppError> {
    let (configured, spans) = week(conn, site_id)?;
    Ok(WeeklyHours {
        configured,
        spans: WorkingCalendar::new(spans, [])
            .weekly_spans()
            .map(WeeklySpan::from)
            .collect(),
    })
}

/// The site, if the actor covers it (else 404) and manages it (else 403).
fn managed_site(
    conn: &mut AnyConnection,
    actor: &Actor,
    site_id: SiteId,
) -> Result<SiteRow, AppError> {
    let site = sites::service::visible_site(conn, actor, site_id)?;
    if actor.role != Role::Manager {
        return Err(AppError::Forbidden(
            "only managers edit a site's calendar".into(),
        ));
    }
    Ok(site)
}

pub async fn get(
    state: &AppState,
    actor: &Actor,
    site_id: SiteId,
    filter: CalendarFilter,
) -> Result<SiteCalendar, AppError> {
    let range = filter.range()?;
    let actor = actor.clone();
    db::read(&state.pool, move |conn| {
        let site = sites::service::visible_site(conn, &actor, site_id)?;
        Ok(SiteCalendar {
            site_id,
            time_zone: site.time_zone,
            weekly_hours: weekly_hours(conn, site_id)?,
            days: repo::days(conn, site_id, range)?
                .into_iter()
                .map(CalendarDay::from)
                .collect(),
        })
    })
    .await
}

pub async fn set_weekly_hours(
    state: &AppState,
    actor: &Actor,
    site_id: SiteId,
    input: SetWeeklyHours,
) -> Result<WeeklyHours, AppError> {
    let spans = input.validate()?;
    let actor = actor.clone();
    db::transaction(&state.pool, move |conn| {
        managed_site(conn, &actor, site_id)?;
        repo::replace_hours(conn, site_id, &spans)?;
        weekly_hours(conn, site_id)
    })
    .await
}

pub async fn set_day(
    state: &AppState,
    actor: &Actor,
    site_id: SiteId,
    date: NaiveDate,
    input: SetCalendarDay,
) -> Result<CalendarDay, AppError> {
    let actor = actor.clone();
    db::transaction(&state.pool, move |conn| {
        managed_site(conn, &actor, site_id)?;
        Ok(repo::put_day(conn, site_id, date, input.kind, &input.name)?.into())
    })
    .await
}

pub async fn delete_day(
    state: &AppState,
    actor: &Actor,
    site_id: SiteId,
    date: NaiveDate,
) -> Result<(), AppError> {
    let actor = actor.clone();
    db::transaction(&state.pool, move |conn| {
        managed_site(conn, &actor, site_id)?;
        match repo::delete_day(conn, site_id, date)? {
            0 => Err(AppError::NotFound("calendar day")),
            _ => Ok(()),
        }
    })
    .await
}
