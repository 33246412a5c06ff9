//! What every daily board (日盘点) shares: one site's local day, asked the same way, with
//! each section loaded whole. Tickets (R-TKT-13) and complaints (R-CMP-18) each add the
//! sections that are theirs (unassigned, unowned, overdue, chase due, ...).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::access::Actor;
use crate::db::{self, AnyConnection};
use crate::error::AppError;
use crate::ids::SiteId;
use crate::pagination::{Page, PageRequest, DEFAULT_LIMIT};
use crate::periods::{self, Period};
use crate::sites;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BoardQuery {
    #[param(value_type = i64)]
    pub site_id: SiteId,
    /// The site's local calendar day; default today.
    pub date: Option<NaiveDate>,
}

/// One section of a board: how many records it holds, all pages together, and a page of
/// them, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct Section<T> {
    #[schema(example = 42)]
    pub count: i64,
    pub items: Vec<T>,
    /// Pass as `cursor` to the section's own route for the next page; absent on the last.
    #[schema(example = "120")]
    pub next_cursor: Option<String>,
}

/// What the whole board shows of each section: its first page.
pub const FIRST_PAGE: PageRequest = PageRequest {
    limit: DEFAULT_LIMIT,
    after_id: None,
};

impl<T> Section<T> {
    /// The section from its count and a page of its rows fetched with `page`, ordered by id.
    pub fn new<R, I: Into<i64>>(
        count: i64,
        rows: Vec<R>,
        page: PageRequest,
        id_of: impl Fn(&R) -> I,
        to_items: impl FnOnce(Vec<R>) -> Result<Vec<T>, AppError>,
    ) -> Result<Self, AppError> {
        let page = Page::from_rows(rows, page, id_of, |r| r);
        Ok(Section {
            count,
            items: to_items(page.items)?,
            next_cursor: page.next_cursor,
        })
    }
}

/// The day the board covers, in UTC bounds, if the actor works for the site (else 404).
pub fn day(
    conn: &mut AnyConnection,
    actor: &Actor,
    query: &BoardQuery,
    now: DateTime<Utc>,
) -> Result<Period, AppError> {
    sites::service::visible_site(conn, actor, query.site_id)?;
    periods::site_day(conn, query.site_id, query.date, now)
}

/// A section of one capability's board, read for one site's day.
pub trait BoardSection: Copy + Send + 'static {
    type Item: Send + 'static;

    fn read(
        self,
        conn: &mut AnyConnection,
        site_id: SiteId,
        day: &Period,
        now: DateTime<Utc>,
        page: PageRequest,
    ) -> Result<Section<Self::Item>, AppError>;
}

/// One section of a daily board, a page at a time.
pub async fn section<S: BoardSection>(
    state: &AppState,
    actor: &Actor,
    section: S,
    query: BoardQuery,
    page: PageRequest,
) -> Result<Section<S::Item>, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    db::read(&state.pool, move |conn| {
        let day = day(conn, &actor, &query, now)?;
        section.read(conn, query.site_id, &day, now, page)
    })
    .await
}
