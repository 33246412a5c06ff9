//! Complaint lists: the filters of `GET /complaints` and the daily board.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::ComplaintRow;
use crate::access::SiteScope;
use crate::complaints::model::{ComplaintClass, ComplaintStatus, ComplaintSubject, OPEN};
use crate::db::schema::complaints;
use crate::db::{AnyConnection, MultiBackend};
use crate::ids::{SiteId, UnitId, UserId};
use crate::pagination::{self, PageRequest};
use crate::text_enum::texts;

/// Whose complaints a list covers: staff see sites, residents their own.
#[derive(Debug, Clone)]
pub enum ComplaintScope {
    Sites(SiteScope),
    Complainant(UserId),
}

/// The list filter in database terms.
#[derive(Debug, Clone, Default)]
pub struct ComplaintQuery {
    pub site_id: Option<SiteId>,
    pub status: Option<ComplaintStatus>,
    pub class: Option<ComplaintClass>,
    pub subject: Option<ComplaintSubject>,
    pub unit_id: Option<UnitId>,
    pub owner_id: Option<UserId>,
    /// No butler owns it yet (R-CMP-6).
    pub unowned: bool,
    pub major: Option<bool>,
    /// Open with a chase due at this instant.
    pub chase_due_at: Option<NaiveDateTime>,
    /// Not yet responded to and past the response deadline at this instant.
    pub response_overdue_at: Option<NaiveDateTime>,
    pub created_from: Option<NaiveDateTime>,
    pub created_before: Option<NaiveDateTime>,
    pub open_only: bool,
}

/// The complaints within `scope` that match `q`.
fn matching(
    scope: ComplaintScope,
    q: ComplaintQuery,
) -> complaints::BoxedQuery<'static, MultiBackend> {
    let mut query = complaints::table.into_boxed();
    match scope {
        ComplaintScope::Sites(SiteScope::Only(sites)) => {
            query = query.filter(complaints::site_id.eq_any(sites))
        }
        ComplaintScope::Sites(SiteScope::All) => {}
        ComplaintScope::Complainant(user) => {
            query = query.filter(complaints::complainant_id.eq(user))
        }
    }
    if let Some(v) = q.site_id {
        query = query.filter(complaints::site_id.eq(v));
    }
    if let Some(v) = q.status {
        query = query.filter(complaints::status.eq(v.as_str()));
    }
    if let Some(v) = q.class {
        query = query.filter(complaints::class.eq(v.as_str()));
    }
    if let Some(v) = q.subject {
        query = query.filter(complaints::subject.eq(v.as_str()));
    }
    if let Some(v) = q.unit_id {
        query = query.filter(complaints::unit_id.eq(v));
    }
    if let Some(v) = q.owner_id {
        query = query.filter(complaints::owner_id.eq(v));
    }
    if q.unowned {
        query = query.filter(complaints::owner_id.is_null());
    }
    if let Some(v) = q.major {
        query = query.filter(complaints::major.eq(v));
    }
    if q.open_only {
        query = query.filter(complaints::status.eq_any(texts(OPEN)));
    }
    if let Some(now) = q.chase_due_at {
        query = query
            .filter(complaints::status.eq_any(texts(OPEN)))
            .filter(complaints::next_chase_at.le(now));
    }
    if let Some(now) = q.response_overdue_at {
        query = query
            .filter(complaints::responded_at.is_null())
            .filter(complaints::respond_by.lt(now))
            .filter(complaints::status.eq_any(texts(OPEN)));
    }
    if let Some(v) = q.created_from {
        query = query.filter(complaints::created_at.ge(v));
    }
    if let Some(v) = q.created_before {
        query = query.filter(complaints::created_at.lt(v));
    }
    query
}

/// Newest first, `limit` rows after the cursor. Staff of several sites get one indexed
/// query per site, merged: one query over all of them would sort every row they hold.
pub fn list(
    conn: &mut AnyConnection,
    scope: ComplaintScope,
    q: ComplaintQuery,
    page: PageRequest,
) -> QueryResult<Vec<ComplaintRow>> {
    let sites = match &scope {
        ComplaintScope::Sites(SiteScope::Only(sites)) if sites.len() > 1 && q.site_id.is_none() => {
            sites.clone()
        }
        _ => return one_page(conn, scope, q, page),
    };
    let pages = sites
        .into_iter()
        .map(|site| {
            let part = ComplaintQuery {
                site_id: Some(site),
                ..q.clone()
            };
            one_page(conn, scope.clone(), part, page)
        })
        .collect::<QueryResult<_>>()?;
    Ok(pagination::newest_of(pages, page, |r: &ComplaintRow| r.id))
}

fn one_page(
    conn: &mut AnyConnection,
    scope: ComplaintScope,
    q: ComplaintQuery,
    page: PageRequest,
) -> QueryResult<Vec<ComplaintRow>> {
    let mut query = matching(scope, q);
    if let Some(after) = page.after_id {
        query = query.filter(complaints::id.lt(after));
    }
    query
        .order(complaints::id.desc())
        .limit(page.fetch())
        .load(conn)
}

/// How many complaints a list with this filter holds, all pages together.
pub fn count(
    conn: &mut AnyConnection,
    scope: ComplaintScope,
    q: ComplaintQuery,
) -> QueryResult<i64> {
    matching(scope, q).count().get_result(conn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::sqlite_plans;

    const PAGE: PageRequest = PageRequest {
        limit: 20,
        after_id: Some(500),
    };

    #[test]
    fn lists_read_a_site_or_a_complainant_newest_first_through_an_index() {
        let scopes = [
            (
                ComplaintScope::Sites(SiteScope::Only(vec![SiteId::new(1)])),
                "INDEX complaints_site_id (site_id=? AND id<?)",
            ),
            (
                ComplaintScope::Complainant(UserId::new(4)),
                "INDEX complaints_complainant (complainant_id=? AND id<?)",
            ),
        ];
        for (scope, index) in scopes {
            let plans = sqlite_plans(|conn| {
                list(conn, scope, ComplaintQuery::default(), PAGE).unwrap();
            });
            assert_eq!(plans.len(), 1);
            assert!(plans[0].contains(index), "{plans:?}");
            assert!(!plans[0].contains("TEMP B-TREE"), "{plans:?}");
        }
    }

    #[test]
    fn several_sites_are_read_one_index_range_each() {
        let scope = ComplaintScope::Sites(SiteScope::Only(vec![SiteId::new(1), SiteId::new(2)]));
        let plans = sqlite_plans(|conn| {
            list(conn, scope, ComplaintQuery::default(), PAGE).unwrap();
        });
        assert_eq!(plans.len(), 2);
        assert!(
            plans.iter().all(|p| p.contains("INDEX complaints_site_id")),
            "{plans:?}"
        );
    }

    #[test]
    fn open_complaints_of_a_site_are_counted_from_the_index_alone() {
        let q = ComplaintQuery {
            site_id: Some(SiteId::new(1)),
            open_only: true,
            created_before: Some(NaiveDateTime::default()),
            ..ComplaintQuery::default()
        };
        let plans = sqlite_plans(|conn| {
            count(conn, ComplaintScope::Sites(SiteScope::All), q).unwrap();
        });
        assert!(
            plans[0].contains("COVERING INDEX complaints_site_status"),
            "{plans:?}"
        );
    }
}
