//! What every daily board (日盘点) shares: one site's local day, asked the same way, each
//! section counted exactly and read a page at a time. Tickets (R-TKT-13) and complaints (R-CMP-18) each add the
//! sections that are theirs (unassigned, unowned, overdue, chase due, ...).

use std::collections::HashMap;

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
    type Row: Send;
    type Item: Clone + Send + 'static;

    /// How many records the section holds, and a page of their rows fetched with `page`,
    /// newest first.
    fn rows(
        self,
        conn: &mut AnyConnection,
        site_id: SiteId,
        day: &Period,
        now: DateTime<Utc>,
        page: PageRequest,
    ) -> Result<(i64, Vec<Self::Row>), AppError>;

    fn id_of(row: &Self::Row) -> i64;

    /// The rows as the API shows them, in their order.
    fn items(
        conn: &mut AnyConnection,
        rows: Vec<Self::Row>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Self::Item>, AppError>;
}

/// `sections` of one site's day, a `page` of each. Their rows become items together, each
/// record once however many sections show it, so a board of five sections costs one round
/// of item queries (engineers, materials, ...) instead of five.
pub fn read<S: BoardSection, const N: usize>(
    conn: &mut AnyConnection,
    sections: [S; N],
    site_id: SiteId,
    day: &Period,
    now: DateTime<Utc>,
    page: PageRequest,
) -> Result<[Section<S::Item>; N], AppError> {
    let mut unique: Vec<S::Row> = Vec::new();
    let mut position: HashMap<i64, usize> = HashMap::new();
    let mut layout = Vec::with_capacity(N);
    for section in sections {
        let (count, rows) = section.rows(conn, site_id, day, now, page)?;
        let rows = Page::from_rows(rows, page, S::id_of, |r| r);
        let mut at = Vec::with_capacity(rows.items.len());
        for row in rows.items {
            let next = unique.len();
            let i = *position.entry(S::id_of(&row)).or_insert(next);
            if i == next {
                unique.push(row);
            }
            at.push(i);
        }
        layout.push((count, at, rows.next_cursor));
    }
    let expected = unique.len();
    let items = S::items(conn, unique, now)?;
    if items.len() != expected {
        return Err(AppError::internal(
            "a board's rows and items differ in number",
        ));
    }
    let sections: Vec<Section<S::Item>> = layout
        .into_iter()
        .map(|(count, at, next_cursor)| Section {
            count,
            items: at.into_iter().map(|i| items[i].clone()).collect(),
            next_cursor,
        })
        .collect();
    sections
        .try_into()
        .map_err(|_| AppError::internal("a board lost a section"))
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
        let [section] = read(conn, [section], query.site_id, &day, now, page)?;
        Ok(section)
    })
    .await
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    thread_local! {
        /// The rows each call of `items` got.
        static ASSEMBLED: RefCell<Vec<Vec<i64>>> = const { RefCell::new(Vec::new()) };
    }

    /// Two sections that share a record: "open" (8, 6, 4 of 3) and "late" (6, 5 of 2).
    #[derive(Clone, Copy)]
    enum Fake {
        Open,
        Late,
    }

    impl BoardSection for Fake {
        type Row = i64;
        type Item = String;

        fn rows(
            self,
            _: &mut AnyConnection,
            _: SiteId,
            _: &Period,
            _: DateTime<Utc>,
            page: PageRequest,
        ) -> Result<(i64, Vec<i64>), AppError> {
            let all = match self {
                Fake::Open => vec![8, 6, 4],
                Fake::Late => vec![6, 5],
            };
            let count = all.len() as i64;
            Ok((count, all.into_iter().take(page.fetch() as usize).collect()))
        }

        fn id_of(row: &i64) -> i64 {
            *row
        }

        fn items(
            _: &mut AnyConnection,
            rows: Vec<i64>,
            _: DateTime<Utc>,
        ) -> Result<Vec<String>, AppError> {
            ASSEMBLED.with(|a| a.borrow_mut().push(rows.clone()));
            Ok(rows.into_iter().map(|r| format!("#{r}")).collect())
        }
    }

    #[test]
    fn a_board_assembles_its_records_once_and_each_section_keeps_its_own() {
        let mut conn = db::establish(":memory:").unwrap();
        let date = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let day = Period {
            first: date,
            start: date.and_hms_opt(0, 0, 0).unwrap(),
            end: date.and_hms_opt(23, 59, 59).unwrap(),
        };
        let page = PageRequest {
            limit: 2,
            after_id: None,
        };
        let [open, late] = read(
            &mut conn,
            [Fake::Open, Fake::Late],
            SiteId::new(1),
            &day,
            Utc::now(),
            page,
        )
        .unwrap();
        assert_eq!(
            (open.count, open.items, open.next_cursor),
            (
                3,
                vec!["#8".to_owned(), "#6".to_owned()],
                Some("6".to_owned())
            )
        );
        assert_eq!(
            (late.count, late.items, late.next_cursor),
            (2, vec!["#6".to_owned(), "#5".to_owned()], None)
        );
        let assembled = ASSEMBLED.with(|a| a.borrow().clone());
        assert_eq!(assembled, vec![vec![8, 6, 5]], "one call, each record once");
    }
}
