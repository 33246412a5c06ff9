use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{NewVisit, Satisfaction, Visit, VisitMethod};
use crate::db::schema::follow_up_visits;
use crate::db::AnyConnection;
use crate::ids::UserId;
use crate::timeline::Subject;

#[derive(Queryable, Selectable)]
#[diesel(table_name = follow_up_visits)]
struct VisitRow {
    id: i64,
    butler_id: UserId,
    #[diesel(deserialize_as = String)]
    method: VisitMethod,
    #[diesel(deserialize_as = String)]
    satisfaction: Satisfaction,
    result: String,
    visited_at: NaiveDateTime,
}

pub fn record(
    conn: &mut AnyConnection,
    subject: Subject,
    subject_id: impl Into<i64>,
    butler_id: UserId,
    visit: &NewVisit,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(follow_up_visits::table)
        .values((
            follow_up_visits::subject.eq(subject.as_str()),
            follow_up_visits::subject_id.eq(subject_id.into()),
            follow_up_visits::butler_id.eq(butler_id),
            follow_up_visits::method.eq(visit.method.as_str()),
            follow_up_visits::satisfaction.eq(visit.satisfaction.as_str()),
            follow_up_visits::result.eq(visit.result.as_str()),
            follow_up_visits::visited_at.eq(at),
            follow_up_visits::created_at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Visits of one ticket or complaint, oldest first.
pub fn of_subject(
    conn: &mut AnyConnection,
    subject: Subject,
    subject_id: impl Into<i64>,
) -> QueryResult<Vec<Visit>> {
    let rows: Vec<VisitRow> = follow_up_visits::table
        .filter(follow_up_visits::subject.eq(subject.as_str()))
        .filter(follow_up_visits::subject_id.eq(subject_id.into()))
        .order(follow_up_visits::id.asc())
        .select(VisitRow::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| Visit {
            id: r.id,
            butler_id: r.butler_id,
            method: r.method,
            satisfaction: r.satisfaction,
            result: r.result,
            visited_at: r.visited_at.and_utc(),
        })
        .collect())
}
