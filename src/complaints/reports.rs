//! Reading complaints: lists, the daily board, the weekly summary and the monthly report
//! (R-CMP-18), and the public summary residents read. Reports count events: complaints
//! merged into another as duplicates are not counted again (R-CMP-16), and root causes are
//! the final ones (R-CMP-17).

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::dto::{Complaint, ComplaintFilter};
use super::model::*;
use super::repo::{self, ComplaintQuery, ComplaintRow, ComplaintScope, EventFilter, TREND_MONTHS};
use super::service::to_complaints;
use crate::access::{self, Actor, SiteScope};
use crate::boards::{self, BoardQuery, BoardSection, Section, FIRST_PAGE};
use crate::db::{self, utc, AnyConnection};
use crate::error::AppError;
use crate::ids::{ComplaintId, SiteId};
use crate::pagination::{Page, PageRequest};
use crate::periods::{self, Period};
use crate::sites;
use crate::state::AppState;

pub async fn list(
    state: &AppState,
    actor: &Actor,
    filter: ComplaintFilter,
    page: PageRequest,
) -> Result<Page<Complaint>, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    db::read(&state.pool, move |conn| {
        let scope = if actor.role.is_staff() {
            ComplaintScope::Sites(actor.site_scope())
        } else {
            ComplaintScope::Complainant(actor.user_id)
        };
        let yes = |flag: Option<bool>| flag.filter(|f| *f).map(|_| utc(now));
        let (created_from, created_before) = periods::utc_dates(filter.from, filter.to);
        let query = ComplaintQuery {
            site_id: filter.site_id,
            status: filter.status,
            class: filter.class,
            subject: filter.subject,
            unit_id: filter.unit_id,
            owner_id: filter.owner_id,
            major: filter.major,
            chase_due_at: yes(filter.chase_due),
            response_overdue_at: yes(filter.response_overdue),
            created_from,
            created_before,
            ..ComplaintQuery::default()
        };
        let rows = repo::list(conn, scope, query, page)?;
        let page = Page::from_rows(rows, page, |r| r.id, |r| r);
        Ok(Page {
            items: to_complaints(conn, page.items, now)?,
            next_cursor: page.next_cursor,
        })
    })
    .await
}

/// R-CMP-18: the desk's daily check of complaints.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComplaintBoard {
    #[schema(value_type = i64)]
    pub site_id: SiteId,
    pub date: NaiveDate,
    /// Received that day.
    pub new: Section<Complaint>,
    /// Received by the end of that day and still open.
    pub open: Section<Complaint>,
    /// Open and no butler owns it yet (R-CMP-6).
    pub unowned: Section<Complaint>,
    /// Open, nothing said to the complainant, first-response deadline passed (R-CMP-5).
    pub response_overdue: Section<Complaint>,
    /// Open with a chase due now (R-CMP-11).
    pub chase_due: Section<Complaint>,
}

/// A section of the complaints' daily board (R-CMP-18).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintSection {
    New,
    Open,
    Unowned,
    ResponseOverdue,
    ChaseDue,
}

impl ComplaintSection {
    /// The section's complaints of the site's day `day`, deadlines as of `now`.
    fn query(self, site_id: SiteId, day: &Period, now: NaiveDateTime) -> ComplaintQuery {
        let site = ComplaintQuery {
            site_id: Some(site_id),
            ..ComplaintQuery::default()
        };
        let open = ComplaintQuery {
            created_before: Some(day.end),
            open_only: true,
            ..site
        };
        match self {
            ComplaintSection::New => ComplaintQuery {
                created_from: Some(day.start),
                created_before: Some(day.end),
                ..site
            },
            ComplaintSection::Open => open,
            ComplaintSection::Unowned => ComplaintQuery {
                unowned: true,
                ..open
            },
            ComplaintSection::ResponseOverdue => ComplaintQuery {
                response_overdue_at: Some(now),
                ..site
            },
            ComplaintSection::ChaseDue => ComplaintQuery {
                chase_due_at: Some(now),
                ..site
            },
        }
    }
}

impl BoardSection for ComplaintSection {
    type Row = ComplaintRow;
    type Item = Complaint;

    fn rows(
        self,
        conn: &mut AnyConnection,
        site_id: SiteId,
        day: &Period,
        now: DateTime<Utc>,
        page: PageRequest,
    ) -> Result<(i64, Vec<ComplaintRow>), AppError> {
        let all = || ComplaintScope::Sites(SiteScope::All);
        let count = repo::count(conn, all(), self.query(site_id, day, utc(now)))?;
        let rows = repo::list(conn, all(), self.query(site_id, day, utc(now)), page)?;
        Ok((count, rows))
    }

    fn id_of(row: &ComplaintRow) -> i64 {
        row.id.into()
    }

    fn items(
        conn: &mut AnyConnection,
        rows: Vec<ComplaintRow>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Complaint>, AppError> {
        to_complaints(conn, rows, now)
    }
}

pub async fn daily_board(
    state: &AppState,
    actor: &Actor,
    query: BoardQuery,
) -> Result<ComplaintBoard, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    db::read(&state.pool, move |conn| {
        let day = boards::day(conn, &actor, &query, now)?;
        use ComplaintSection as S;
        let sections = [S::New, S::Open, S::Unowned, S::ResponseOverdue, S::ChaseDue];
        let [new, open, unowned, response_overdue, chase_due] =
            boards::read(conn, sections, query.site_id, &day, now, FIRST_PAGE)?;
        Ok(ComplaintBoard {
            site_id: query.site_id,
            date: day.first,
            new,
            open,
            unowned,
            response_overdue,
            chase_due,
        })
    })
    .await
}

/// Events per value of one dimension.
#[derive(Debug, Serialize, ToSchema)]
pub struct Bucket {
    /// The value (`property_service`, `service_quality`, ...), or `not_set`.
    #[schema(example = "service_quality")]
    pub key: String,
    pub events: i64,
}

/// The counts of a period (a week, a month).
#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodSummary {
    /// Complaints received, duplicates included.
    pub complaints: i64,
    /// Events: duplicates merged into another complaint are counted once (R-CMP-16).
    pub events: i64,
    /// People who complained about those events.
    pub complainants: i64,
    pub major: i64,
    pub by_class: Vec<Bucket>,
    pub by_subject: Vec<Bucket>,
    pub by_channel: Vec<Bucket>,
    /// By final root cause (R-CMP-16/17).
    pub by_root_cause: Vec<Bucket>,
    pub by_department: Vec<Bucket>,
    /// Events whose first response met its deadline, of all events (R-CMP-5).
    pub responded_on_time: i64,
    /// `responded_on_time / events`, 0 to 1; absent without events.
    pub response_on_time_rate: Option<f64>,
    pub closed: i64,
    /// `closed / events`, 0 to 1; absent without events.
    pub closure_rate: Option<f64>,
}

fn rate(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 / whole as f64 * 1000.0).round() / 1000.0)
}

/// Events per key, sorted by key; `not_set` where the dimension has no value yet.
fn buckets<'a>(
    groups: &'a [repo::Group],
    key: impl Fn(&'a repo::Group) -> Option<&'a str>,
) -> Vec<Bucket> {
    let mut events = std::collections::BTreeMap::<&str, i64>::new();
    for group in groups.iter().filter(|g| g.events > 0) {
        *events.entry(key(group).unwrap_or("not_set")).or_default() += group.events;
    }
    events
        .into_iter()
        .map(|(key, events)| Bucket {
            key: key.to_owned(),
            events,
        })
        .collect()
}

fn summarise(
    conn: &mut AnyConnection,
    site_id: SiteId,
    period: &Period,
) -> Result<PeriodSummary, AppError> {
    let groups = repo::groups(conn, site_id, period.start, period.end)?;
    let total = |figure: fn(&repo::Group) -> i64| groups.iter().map(figure).sum::<i64>();
    let events = total(|g| g.events);
    let responded_on_time = total(|g| g.responded_on_time);
    let closed = total(|g| g.closed);
    Ok(PeriodSummary {
        complaints: total(|g| g.complaints),
        events,
        complainants: total(|g| g.complainants),
        major: total(|g| g.major),
        by_class: buckets(&groups, |g| Some(&g.class)),
        by_subject: buckets(&groups, |g| Some(&g.subject)),
        by_channel: buckets(&groups, |g| Some(&g.channel)),
        by_root_cause: buckets(&groups, |g| g.root_cause.as_deref()),
        by_department: buckets(&groups, |g| g.department.as_deref()),
        responded_on_time,
        response_on_time_rate: rate(responded_on_time, events),
        closed,
        closure_rate: rate(closed, events),
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WeekQuery {
    #[param(value_type = i64)]
    pub site_id: SiteId,
    /// The first local day of the week; default the Monday of this week.
    pub from: Option<NaiveDate>,
}

/// R-CMP-18: the weekly summary.
#[derive(Debug, Serialize, ToSchema)]
pub struct WeeklySummary {
    #[schema(value_type = i64)]
    pub site_id: SiteId,
    pub from: NaiveDate,
    /// The last day of the week.
    pub to: NaiveDate,
    #[serde(flatten)]
    pub summary: PeriodSummary,
}

pub async fn weekly_summary(
    state: &AppState,
    actor: &Actor,
    query: WeekQuery,
) -> Result<WeeklySummary, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    db::read(&state.pool, move |conn| {
        sites::service::visible_site(conn, &actor, query.site_id)?;
        let from = match query.from {
            Some(from) => from,
            None => {
                let today = periods::site_day(conn, query.site_id, None, now)?.first;
                today - chrono::Days::new(u64::from(today.weekday().num_days_from_monday()))
            }
        };
        let week = periods::site_days(conn, query.site_id, from, 7)?;
        Ok(WeeklySummary {
            site_id: query.site_id,
            from,
            to: from + chrono::Days::new(6),
            summary: summarise(conn, query.site_id, &week)?,
        })
    })
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MonthQuery {
    #[param(value_type = i64)]
    pub site_id: SiteId,
    /// `YYYY-MM`, in the site's local time; not in the future.
    #[param(example = "2026-11", pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$")]
    pub month: String,
}

/// Events received in one month.
#[derive(Debug, Serialize, ToSchema)]
pub struct MonthCount {
    #[schema(example = "2026-10")]
    pub month: String,
    pub events: i64,
}

/// A major case for the management meeting (R-CMP-15).
#[derive(Debug, Serialize, ToSchema)]
pub struct MajorCase {
    #[schema(value_type = i64)]
    pub id: ComplaintId,
    pub number: String,
    pub subject: ComplaintSubject,
    pub status: ComplaintStatus,
    pub complainants: i32,
    pub resolution: Option<String>,
    pub received_at: DateTime<Utc>,
}

/// R-CMP-18: the monthly report to management.
#[derive(Debug, Serialize, ToSchema)]
pub struct MonthlyReport {
    #[schema(value_type = i64)]
    pub site_id: SiteId,
    #[schema(example = "2026-11")]
    pub month: String,
    #[serde(flatten)]
    pub summary: PeriodSummary,
    /// Events per month, the five before this one and this one, oldest first.
    pub trend: Vec<MonthCount>,
    pub major_cases: Vec<MajorCase>,
}

/// Major cases listed in one report at most.
const MAJOR_CAP: i64 = 200;

/// Events of the month starting `first` and the months before it, oldest first.
fn trend(
    conn: &mut AnyConnection,
    site_id: SiteId,
    first: NaiveDate,
) -> Result<Vec<MonthCount>, AppError> {
    let tz = sites::service::time_zone(conn, site_id)?;
    // The first days of the trend's months, oldest first, then of the month after.
    let oldest = first
        .checked_sub_months(chrono::Months::new(TREND_MONTHS as u32 - 1))
        .ok_or_else(|| AppError::field("month", "out of range"))?;
    let mut starts = [oldest; TREND_MONTHS + 1];
    for i in 1..starts.len() {
        starts[i] = periods::next_month(starts[i - 1])?;
    }
    let mut bounds = [NaiveDateTime::default(); TREND_MONTHS + 1];
    for (bound, start) in bounds.iter_mut().zip(starts) {
        *bound = periods::local_midnight(tz, start)?;
    }
    let events = repo::events_by_month(conn, site_id, bounds)?;
    Ok(starts
        .iter()
        .zip(events)
        .map(|(start, events)| MonthCount {
            month: start.format("%Y-%m").to_string(),
            events,
        })
        .collect())
}

pub async fn monthly_report(
    state: &AppState,
    actor: &Actor,
    query: MonthQuery,
) -> Result<MonthlyReport, AppError> {
    let first = periods::parse_month(&query.month)?;
    let (actor, now) = (actor.clone(), state.now());
    db::read(&state.pool, move |conn| {
        sites::service::visible_site(conn, &actor, query.site_id)?;
        let month = periods::site_month(conn, query.site_id, first, now)?;
        let summary = summarise(conn, query.site_id, &month)?;
        let trend = trend(conn, query.site_id, first)?;
        let major_cases = repo::events_where(
            conn,
            query.site_id,
            month.start,
            month.end,
            EventFilter::Major,
            MAJOR_CAP,
        )?
        .into_iter()
        .map(|row| MajorCase {
            id: row.id,
            subject: row.subject,
            status: row.status,
            number: row.number,
            complainants: row.complainant_count,
            resolution: row.resolution,
            received_at: row.created_at.and_utc(),
        })
        .collect();
        Ok(MonthlyReport {
            site_id: query.site_id,
            month: query.month,
            summary,
            trend,
            major_cases,
        })
    })
    .await
}

/// One common-interest complaint as every resident of the site may read it: no names,
/// no unit, no description in the complainant's words.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicCase {
    pub subject: ComplaintSubject,
    pub class: ComplaintClass,
    pub received_on: NaiveDate,
    /// How many people raised it.
    pub complainants: i32,
    pub status: ComplaintStatus,
    /// What was done, as the desk recorded it for the handling form.
    pub handling: Option<String>,
}

/// R-CMP-18: the month's common-interest complaints and their handling, for all residents.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicSummary {
    #[schema(value_type = i64)]
    pub site_id: SiteId,
    #[schema(example = "2026-11")]
    pub month: String,
    pub cases: Vec<PublicCase>,
}

const PUBLIC_CAP: i64 = 500;

pub async fn public_summary(
    state: &AppState,
    actor: &Actor,
    query: MonthQuery,
) -> Result<PublicSummary, AppError> {
    let first = periods::parse_month(&query.month)?;
    let (actor, now) = (actor.clone(), state.now());
    db::read(&state.pool, move |conn| {
        // Residents read the summary of a site they live on; staff of their sites.
        if !access::may_see_site(conn, &actor, query.site_id, now.date_naive())? {
            return Err(AppError::NotFound("site"));
        }
        let month = periods::site_month(conn, query.site_id, first, now)?;
        let tz = sites::service::time_zone(conn, query.site_id)?;
        let cases = repo::events_where(
            conn,
            query.site_id,
            month.start,
            month.end,
            EventFilter::CommonInterest,
            PUBLIC_CAP,
        )?
        .into_iter()
        .map(|row| PublicCase {
            subject: row.subject,
            class: row.class,
            received_on: row.created_at.and_utc().with_timezone(&tz).date_naive(),
            complainants: row.complainant_count,
            status: row.status,
            handling: row.resolution,
        })
        .collect();
        Ok(PublicSummary {
            site_id: query.site_id,
            month: query.month,
            cases,
        })
    })
    .await
}
