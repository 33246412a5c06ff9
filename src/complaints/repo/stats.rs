//! What the reports count (R-CMP-18): events of a period by dimension, headline counts, and
//! major and common-interest events. Merged duplicates are not events (R-CMP-16).

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::ComplaintRow;
use crate::complaints::model::ComplaintStatus;
use crate::db::schema::complaints;
use crate::db::{AnyConnection, MultiBackend};
use crate::ids::SiteId;

/// What a report counts complaints by.
#[derive(Debug, Clone, Copy)]
pub enum Dimension {
    Class,
    Subject,
    Channel,
    RootCause,
    Department,
}

/// Counted events (merged duplicates are not events) of a site received in `[from, to)`.
fn events(
    site_id: SiteId,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> complaints::BoxedQuery<'static, MultiBackend> {
    complaints::table
        .filter(complaints::site_id.eq(site_id))
        .filter(complaints::created_at.ge(from))
        .filter(complaints::created_at.lt(to))
        .filter(complaints::merged_into.is_null())
        .into_boxed()
}

/// Events per value of the dimension; `None` where it is not set yet.
pub fn count_by(
    conn: &mut AnyConnection,
    site_id: SiteId,
    from: NaiveDateTime,
    to: NaiveDateTime,
    dimension: Dimension,
) -> QueryResult<Vec<(Option<String>, i64)>> {
    macro_rules! grouped {
        ($column:expr) => {
            complaints::table
                .filter(complaints::site_id.eq(site_id))
                .filter(complaints::created_at.ge(from))
                .filter(complaints::created_at.lt(to))
                .filter(complaints::merged_into.is_null())
                .group_by($column)
                .select(($column.nullable(), count_star()))
                .load(conn)
        };
    }
    match dimension {
        Dimension::Class => grouped!(complaints::class),
        Dimension::Subject => grouped!(complaints::subject),
        Dimension::Channel => grouped!(complaints::channel),
        Dimension::RootCause => grouped!(complaints::root_cause),
        Dimension::Department => grouped!(complaints::department),
    }
}

/// The headline counts of a period.
pub struct Counts {
    /// Complaints received, duplicates included.
    pub complaints: i64,
    pub events: i64,
    /// People who complained about the events.
    pub complainants: i64,
    pub responded_on_time: i64,
    pub closed: i64,
    pub major: i64,
}

pub fn counts(
    conn: &mut AnyConnection,
    site_id: SiteId,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Counts> {
    let complaints: i64 = complaints::table
        .filter(complaints::site_id.eq(site_id))
        .filter(complaints::created_at.ge(from))
        .filter(complaints::created_at.lt(to))
        .count()
        .get_result(conn)?;
    let events_count: i64 = events(site_id, from, to).count().get_result(conn)?;
    let complainants: Option<i64> = events(site_id, from, to)
        .select(diesel::dsl::sum(complaints::complainant_count))
        .first(conn)?;
    let responded_on_time: i64 = events(site_id, from, to)
        .filter(complaints::responded_at.le(complaints::respond_by.nullable()))
        .count()
        .get_result(conn)?;
    let closed: i64 = events(site_id, from, to)
        .filter(complaints::status.eq(ComplaintStatus::Closed.as_str()))
        .count()
        .get_result(conn)?;
    let major: i64 = events(site_id, from, to)
        .filter(complaints::major.eq(true))
        .count()
        .get_result(conn)?;
    Ok(Counts {
        complaints,
        events: events_count,
        complainants: complainants.unwrap_or(0),
        responded_on_time,
        closed,
        major,
    })
}

/// Events of a period matching `filter`, oldest first, at most `limit`.
pub fn events_where(
    conn: &mut AnyConnection,
    site_id: SiteId,
    from: NaiveDateTime,
    to: NaiveDateTime,
    filter: EventFilter,
    limit: i64,
) -> QueryResult<Vec<ComplaintRow>> {
    let mut query = events(site_id, from, to);
    match filter {
        EventFilter::Major => query = query.filter(complaints::major.eq(true)),
        // Common interest: about public areas, or raised by more than one person.
        EventFilter::CommonInterest => {
            query = query.filter(
                complaints::unit_id
                    .is_null()
                    .or(complaints::complainant_count.gt(1)),
            )
        }
    }
    query
        .order((complaints::created_at.asc(), complaints::id.asc()))
        .limit(limit)
        .load(conn)
}

pub enum EventFilter {
    Major,
    CommonInterest,
}
