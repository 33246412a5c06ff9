//! Complaint lists: the filters of `GET /complaints` and the daily board.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::ComplaintRow;
use crate::access::SiteScope;
use crate::complaints::model::{ComplaintClass, ComplaintStatus, ComplaintSubject, OPEN};
use crate::db::schema::complaints;
use crate::db::{AnyConnection, MultiBackend};
use crate::ids::{SiteId, UnitId, UserId};
use crate::pagination::PageRequest;
use crate::text_enum::texts;

/// Whose complaints a list covers: staff see sites, residents their own.
pub enum ComplaintScope {
    Sites(SiteScope),
    Complainant(UserId),
}

/// The list filter in database terms.
#[derive(Default)]
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

/// Newest first, `limit` rows after the cursor.
pub fn list(
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
