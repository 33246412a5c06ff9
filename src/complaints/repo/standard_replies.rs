//! The standard-reply library (R-CMP-19).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::access::SiteScope;
use crate::complaints::model::ComplaintSubject;
use crate::db::schema::standard_replies;
use crate::db::AnyConnection;
use crate::ids::SiteId;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = standard_replies)]
pub struct StandardReplyRow {
    pub id: i64,
    pub site_id: SiteId,
    #[diesel(deserialize_as = String)]
    pub subject: ComplaintSubject,
    pub title: String,
    pub body: String,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert_standard_reply(
    conn: &mut AnyConnection,
    site_id: SiteId,
    subject: ComplaintSubject,
    title: &str,
    body: &str,
    at: NaiveDateTime,
) -> QueryResult<StandardReplyRow> {
    diesel::insert_into(standard_replies::table)
        .values((
            standard_replies::site_id.eq(site_id),
            standard_replies::subject.eq(subject.as_str()),
            standard_replies::title.eq(title),
            standard_replies::body.eq(body),
            standard_replies::active.eq(true),
            standard_replies::created_at.eq(at),
            standard_replies::updated_at.eq(at),
        ))
        .get_result(conn)
}

pub fn find_standard_reply(
    conn: &mut AnyConnection,
    id: i64,
) -> QueryResult<Option<StandardReplyRow>> {
    standard_replies::table.find(id).first(conn).optional()
}

pub fn standard_reply_title_taken(
    conn: &mut AnyConnection,
    site_id: SiteId,
    title: &str,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        standard_replies::table
            .filter(standard_replies::site_id.eq(site_id))
            .filter(standard_replies::title.eq(title)),
    ))
    .get_result(conn)
}

pub fn deactivate_standard_reply(
    conn: &mut AnyConnection,
    id: i64,
    at: NaiveDateTime,
) -> QueryResult<StandardReplyRow> {
    diesel::update(standard_replies::table.find(id))
        .set((
            standard_replies::active.eq(false),
            standard_replies::updated_at.eq(at),
        ))
        .get_result(conn)
}

/// Active replies of the sites in scope, by subject and title.
pub fn standard_replies_of(
    conn: &mut AnyConnection,
    sites: &SiteScope,
    site_id: Option<SiteId>,
    subject: Option<ComplaintSubject>,
) -> QueryResult<Vec<StandardReplyRow>> {
    let mut query = standard_replies::table
        .filter(standard_replies::active.eq(true))
        .into_boxed();
    if let SiteScope::Only(sites) = sites {
        query = query.filter(standard_replies::site_id.eq_any(sites));
    }
    if let Some(site_id) = site_id {
        query = query.filter(standard_replies::site_id.eq(site_id));
    }
    if let Some(subject) = subject {
        query = query.filter(standard_replies::subject.eq(subject.as_str()));
    }
    query
        .order((
            standard_replies::subject,
            standard_replies::title,
            standard_replies::id,
        ))
        .limit(1000)
        .load(conn)
}
