//! Reading tickets: lists with filters (R-TKT-11, 14), the engineer's work orders, the daily
//! board (R-TKT-13) and monthly public-facility costs (R-TKT-14).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::dto::{Ticket, TicketFilter};
use super::model::{Category, Route, Scope, TicketStatus};
use super::repo::{self, TicketQuery};
use super::view::{out_of_range, to_tickets};
use crate::access::{self, Actor, Reach, SiteScope};
use crate::boards::{self, BoardQuery, BoardSection, Section, FIRST_PAGE};
use crate::db::{self, utc, AnyConnection};
use crate::error::AppError;
use crate::ids::SiteId;
use crate::money::Fen;
use crate::pagination::{Page, PageRequest, MAX_LIMIT};
use crate::periods;
use crate::sites;
use crate::state::AppState;

pub async fn list(
    state: &AppState,
    actor: &Actor,
    filter: TicketFilter,
    page: PageRequest,
) -> Result<Page<Ticket>, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    db::read(&state.pool, move |conn| {
        let reach = access::reach(conn, &actor, now.date_naive())?;
        let (created_from, created_before) = periods::utc_dates(filter.from, filter.to);
        let query = TicketQuery {
            site_id: filter.site_id,
            status: filter.status,
            priority: filter.priority,
            category: filter.category,
            unit_id: filter.unit_id,
            engineer_id: filter.engineer_id,
            public_area: filter.scope.map(|s| s == Scope::PublicArea),
            overdue_at: filter.overdue.filter(|o| *o).map(|_| utc(now)),
            created_from,
            created_before,
            updated_since: filter.updated_since.map(utc),
            ..TicketQuery::default()
        };
        let rows = repo::list(conn, reach, query, page)?;
        let page = Page::from_rows(rows, page, |r| r.id, |r| r);
        let items = to_tickets(conn, page.items, now)?;
        Ok(Page {
            items,
            next_cursor: page.next_cursor,
        })
    })
    .await
}

/// The engineer's open work orders, the most pressing repair deadline first.
pub async fn work_orders(state: &AppState, actor: &Actor) -> Result<Vec<Ticket>, AppError> {
    let (engineer_id, sites, now) = (actor.user_id, actor.site_scope(), state.now());
    db::read(&state.pool, move |conn| {
        let rows = repo::work_orders_of(conn, engineer_id, &sites, MAX_LIMIT)?;
        to_tickets(conn, rows, now)
    })
    .await
}

/// R-TKT-13: the engineering lead's daily check, so no ticket is lost.
#[derive(Debug, Serialize, ToSchema)]
pub struct DailyBoard {
    #[schema(value_type = i64)]
    pub site_id: SiteId,
    pub date: NaiveDate,
    /// Reported that day.
    pub new: Section<Ticket>,
    /// Reported by the end of that day and still open.
    pub open: Section<Ticket>,
    /// Open, for engineering, and nobody dispatched yet.
    pub unassigned: Section<Ticket>,
    /// Open with a missed deadline.
    pub overdue: Section<Ticket>,
    /// Repaired that day.
    pub completed: Section<Ticket>,
}

/// A section of the tickets' daily board (R-TKT-13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TicketSection {
    New,
    Open,
    Unassigned,
    Overdue,
    Completed,
}

impl TicketSection {
    /// The section's tickets of the site's day `day`, overdue as of `now`.
    fn query(self, site_id: SiteId, day: &periods::Period, now: NaiveDateTime) -> TicketQuery {
        let open = TicketQuery {
            site_id: Some(site_id),
            created_before: Some(day.end),
            open_only: true,
            ..TicketQuery::default()
        };
        match self {
            TicketSection::New => TicketQuery {
                site_id: Some(site_id),
                created_from: Some(day.start),
                created_before: Some(day.end),
                ..TicketQuery::default()
            },
            TicketSection::Open => open,
            TicketSection::Unassigned => TicketQuery {
                status: Some(TicketStatus::Reported),
                route: Some(Route::Engineering),
                ..open
            },
            TicketSection::Overdue => TicketQuery {
                overdue_at: Some(now),
                ..open
            },
            TicketSection::Completed => TicketQuery {
                site_id: Some(site_id),
                completed_from: Some(day.start),
                completed_before: Some(day.end),
                ..TicketQuery::default()
            },
        }
    }
}

impl BoardSection for TicketSection {
    type Row = repo::TicketRow;
    type Item = Ticket;

    fn rows(
        self,
        conn: &mut AnyConnection,
        site_id: SiteId,
        day: &periods::Period,
        now: DateTime<Utc>,
        page: PageRequest,
    ) -> Result<(i64, Vec<repo::TicketRow>), AppError> {
        let all = || Reach::Sites(SiteScope::All);
        let count = repo::count(conn, all(), self.query(site_id, day, utc(now)))?;
        let rows = repo::list(conn, all(), self.query(site_id, day, utc(now)), page)?;
        Ok((count, rows))
    }

    fn id_of(row: &repo::TicketRow) -> i64 {
        row.id.into()
    }

    fn items(
        conn: &mut AnyConnection,
        rows: Vec<repo::TicketRow>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Ticket>, AppError> {
        to_tickets(conn, rows, now)
    }
}

pub async fn daily_board(
    state: &AppState,
    actor: &Actor,
    query: BoardQuery,
) -> Result<DailyBoard, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    db::read(&state.pool, move |conn| {
        let day = boards::day(conn, &actor, &query, now)?;
        use TicketSection as S;
        let sections = [S::New, S::Open, S::Unassigned, S::Overdue, S::Completed];
        let [new, open, unassigned, overdue, completed] =
            boards::read(conn, sections, query.site_id, &day, now, FIRST_PAGE)?;
        Ok(DailyBoard {
            site_id: query.site_id,
            date: day.first,
            new,
            open,
            unassigned,
            overdue,
            completed,
        })
    })
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CostQuery {
    #[param(value_type = i64)]
    pub site_id: SiteId,
    /// `YYYY-MM`, in the site's local time; not in the future.
    #[param(example = "2026-11", pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$")]
    pub month: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryCost {
    pub category: Category,
    pub tickets: i64,
    pub labour_minutes: i64,
    pub materials_fen: Fen,
}

/// R-TKT-14: what public-facility repairs completed in a month cost, by category.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicCosts {
    #[schema(value_type = i64)]
    pub site_id: SiteId,
    #[schema(example = "2026-11")]
    pub month: String,
    pub by_category: Vec<CategoryCost>,
    pub total_labour_minutes: i64,
    pub total_materials_fen: Fen,
}

/// More public-area repairs than this in one site-month would be a data error, not work.
const MONTH_CAP: i64 = 10_000;

pub async fn public_costs(
    state: &AppState,
    actor: &Actor,
    query: CostQuery,
) -> Result<PublicCosts, AppError> {
    let first = periods::parse_month(&query.month)?;
    let (actor, now) = (actor.clone(), state.now());
    db::read(&state.pool, move |conn| {
        sites::service::visible_site(conn, &actor, query.site_id)?;
        let periods::Period { start, end, .. } =
            periods::site_month(conn, query.site_id, first, now)?;
        let q = TicketQuery {
            site_id: Some(query.site_id),
            public_area: Some(true),
            completed_from: Some(start),
            completed_before: Some(end),
            ..Default::default()
        };
        let rows = repo::list(
            conn,
            Reach::Sites(SiteScope::All),
            q,
            PageRequest {
                limit: MONTH_CAP,
                after_id: None,
            },
        )?;
        let tickets = to_tickets(conn, rows, now)?;
        let mut by: BTreeMap<&str, CategoryCost> = BTreeMap::new();
        for t in &tickets {
            let entry = by.entry(t.category.as_str()).or_insert(CategoryCost {
                category: t.category,
                tickets: 0,
                labour_minutes: 0,
                materials_fen: Fen::ZERO,
            });
            entry.tickets += 1;
            entry.labour_minutes += t.work_order.labour_minutes.unwrap_or(0);
            entry.materials_fen = entry
                .materials_fen
                .checked_add(t.work_order.materials_fen)
                .ok_or_else(out_of_range)?;
        }
        let by_category: Vec<CategoryCost> = by.into_values().collect();
        Ok(PublicCosts {
            site_id: query.site_id,
            month: query.month,
            total_labour_minutes: by_category.iter().map(|c| c.labour_minutes).sum(),
            total_materials_fen: Fen::checked_sum(by_category.iter().map(|c| c.materials_fen))
                .ok_or_else(out_of_range)?,
            by_category,
        })
    })
    .await
}
