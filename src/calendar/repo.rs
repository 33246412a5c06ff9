use chrono::{NaiveDate, Weekday};
use diesel::prelude::*;

use super::{DayKind, Span};
use crate::db::schema::{calendar_days, working_hours};
use crate::db::AnyConnection;
use crate::ids::SiteId;

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = working_hours)]
pub struct HoursRow {
    pub weekday: i32,
    pub start_minute: i32,
    pub end_minute: i32,
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = calendar_days)]
pub struct DayRow {
    pub day: NaiveDate,
    #[diesel(deserialize_as = String)]
    pub kind: DayKind,
    pub name: String,
}

/// The site's weekly spans, by weekday and start.
pub fn hours(conn: &mut AnyConnection, site_id: SiteId) -> QueryResult<Vec<HoursRow>> {
    working_hours::table
        .filter(working_hours::site_id.eq(site_id))
        .order((
            working_hours::weekday.asc(),
            working_hours::start_minute.asc(),
        ))
        .select(HoursRow::as_select())
        .load(conn)
}

/// Replaces all the site's weekly spans.
pub fn replace_hours(
    conn: &mut AnyConnection,
    site_id: SiteId,
    spans: &[(Weekday, Span)],
) -> QueryResult<()> {
    diesel::delete(working_hours::table.filter(working_hours::site_id.eq(site_id)))
        .execute(conn)?;
    for (weekday, span) in spans {
        diesel::insert_into(working_hours::table)
            .values((
                working_hours::site_id.eq(site_id),
                working_hours::weekday.eq(weekday.number_from_monday() as i32),
                working_hours::start_minute.eq(i32::from(span.start)),
                working_hours::end_minute.eq(i32::from(span.end)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The site's special days in date order, all or those within `range` (inclusive).
pub fn days(
    conn: &mut AnyConnection,
    site_id: SiteId,
    range: Option<(NaiveDate, NaiveDate)>,
) -> QueryResult<Vec<DayRow>> {
    let mut query = calendar_days::table
        .filter(calendar_days::site_id.eq(site_id))
        .into_boxed();
    if let Some((first, last)) = range {
        query = query.filter(calendar_days::day.between(first, last));
    }
    query
        .order(calendar_days::day.asc())
        .select(DayRow::as_select())
        .load(conn)
}

/// Sets what a date is, replacing any earlier entry for it.
pub fn put_day(
    conn: &mut AnyConnection,
    site_id: SiteId,
    day: NaiveDate,
    kind: DayKind,
    name: &str,
) -> QueryResult<DayRow> {
    delete_day(conn, site_id, day)?;
    diesel::insert_into(calendar_days::table)
        .values((
            calendar_days::site_id.eq(site_id),
            calendar_days::day.eq(day),
            calendar_days::kind.eq(kind.as_str()),
            calendar_days::name.eq(name),
        ))
        .execute(conn)?;
    Ok(DayRow {
        day,
        kind,
        name: name.to_owned(),
    })
}

/// Removes a date's entry; returns how many rows went (0 or 1).
pub fn delete_day(conn: &mut AnyConnection, site_id: SiteId, day: NaiveDate) -> QueryResult<usize> {
    diesel::delete(
        calendar_days::table
            .filter(calendar_days::site_id.eq(site_id))
            .filter(calendar_days::day.eq(day)),
    )
    .execute(conn)
}
