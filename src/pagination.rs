//! Keyset pagination shared by every list: `?limit=` (default 20, at most 100) and a
//! `cursor` (the last id of the page before); responses are `{items, next_cursor}`.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::AppError;

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 100;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items per page, 1 to 100 (larger values are capped at 100). Default 20.
    #[param(minimum = 1, example = 20)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page, as received; omit for the first page.
    #[param(pattern = r"^[0-9]{1,18}$", example = "120")]
    pub cursor: Option<String>,
}

/// A validated page request: items after `after_id`, at most `limit`.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub limit: i64,
    pub after_id: Option<i64>,
}

impl PageRequest {
    /// Rows to fetch: one more than the page, to learn whether another page follows.
    pub fn fetch(&self) -> i64 {
        self.limit + 1
    }
}

impl PageParams {
    pub fn request(&self) -> Result<PageRequest, AppError> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if limit < 1 {
            return Err(AppError::field("limit", "must be at least 1"));
        }
        let after_id = self.cursor.as_deref().map(decode_cursor).transpose()?;
        Ok(PageRequest {
            limit: limit.min(MAX_LIMIT),
            after_id,
        })
    }
}

/// A cursor is the last id of the page before, in decimal: every string the spec's pattern
/// allows is a position in the list, so no cursor a client sends can be "invalid".
fn encode_cursor(id: i64) -> String {
    id.to_string()
}

fn decode_cursor(cursor: &str) -> Result<i64, AppError> {
    cursor
        .parse::<i64>()
        .ok()
        .filter(|_| cursor.len() <= 18 && cursor.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| AppError::field("cursor", "is not a cursor returned by this API"))
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[schema(example = "aWQ6NDI")]
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds the page from rows fetched with [`PageRequest::fetch`], ordered by id.
    pub fn from_rows<R, I: Into<i64>>(
        mut rows: Vec<R>,
        request: PageRequest,
        id_of: impl Fn(&R) -> I,
        to_item: impl FnMut(R) -> T,
    ) -> Self {
        let more = rows.len() as i64 > request.limit;
        rows.truncate(request.limit as usize);
        let next_cursor = more
            .then(|| rows.last().map(|r| encode_cursor(id_of(r).into())))
            .flatten();
        Page {
            items: rows.into_iter().map(to_item).collect(),
            next_cursor,
        }
    }

    pub fn try_map<U>(self, f: impl FnMut(T) -> Result<U, AppError>) -> Result<Page<U>, AppError> {
        Ok(Page {
            items: self.items.into_iter().map(f).collect::<Result<_, _>>()?,
            next_cursor: self.next_cursor,
        })
    }
}

/// The first `request.fetch()` rows, newest first, of several lists each fetched with
/// `request` (one per site, say): what one query ordered by id over their union returns,
/// without a query that sorts every row of every part.
pub fn newest_of<R, I: Into<i64>>(
    parts: Vec<Vec<R>>,
    request: PageRequest,
    id_of: impl Fn(&R) -> I,
) -> Vec<R> {
    let mut rows: Vec<R> = parts.into_iter().flatten().collect();
    rows.sort_by_key(|r| std::cmp::Reverse(id_of(r).into()));
    rows.truncate(request.fetch() as usize);
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_of_several_lists_is_the_first_page_of_their_union() {
        let request = PageRequest {
            limit: 3,
            after_id: None,
        };
        let merged = newest_of(
            vec![vec![9, 4, 2, 1], vec![], vec![8, 7, 3]],
            request,
            |id| *id,
        );
        assert_eq!(merged, [9, 8, 7, 4]);
    }

    #[test]
    fn limit_defaults_caps_and_rejects_zero() {
        assert_eq!(PageParams::default().request().unwrap().limit, 20);
        let big = PageParams {
            limit: Some(5000),
            cursor: None,
        };
        assert_eq!(big.request().unwrap().limit, 100);
        let zero = PageParams {
            limit: Some(0),
            cursor: None,
        };
        assert!(zero.request().is_err());
    }

    #[test]
    fn cursor_round_trips_and_garbage_is_refused() {
        let request = PageRequest {
            limit: 2,
            after_id: None,
        };
        let page = Page::from_rows(vec![1, 2, 3], request, |r| *r, |r| r);
        assert_eq!(page.items, [1, 2]);
        let cursor = page.next_cursor.unwrap();
        let params = PageParams {
            limit: None,
            cursor: Some(cursor),
        };
        assert_eq!(params.request().unwrap().after_id, Some(2));
        for garbage in ["%%%", "", "+5", "-1", "1e3", "1000000000000000000"] {
            let bad = PageParams {
                limit: None,
                cursor: Some(garbage.into()),
            };
            assert!(bad.request().is_err(), "{garbage}");
        }
        let last = Page::from_rows(vec![1, 2], request, |r| *r, |r| r);
        assert!(last.next_cursor.is_none());
    }
}
