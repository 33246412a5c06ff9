use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{Step, Subject, TimelineEntry};
use crate::db::schema::timeline_entries;
use crate::db::AnyConnection;
use crate::ids::UserId;

#[derive(Queryable, Selectable)]
#[diesel(table_name = timeline_entries)]
struct EntryRow {
    id: i64,
    actor_id: Option<UserId>,
    action: String,
    from_status: Option<String>,
    to_status: Option<String>,
    note: Option<String>,
    created_at: NaiveDateTime,
}

pub fn record(
    conn: &mut AnyConnection,
    subject: Subject,
    subject_id: impl Into<i64>,
    step: Step,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(timeline_entries::table)
        .values((
            timeline_entries::subject.eq(subject.as_str()),
            timeline_entries::subject_id.eq(subject_id.into()),
            timeline_entries::actor_id.eq(step.actor_id),
            timeline_entries::action.eq(step.action),
            timeline_entries::from_status.eq(step.from_status),
            timeline_entries::to_status.eq(step.to_status),
            timeline_entries::note.eq(step.note),
            timeline_entries::created_at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The history of one ticket or complaint, oldest first.
pub fn history(
    conn: &mut AnyConnection,
    subject: Subject,
    subject_id: impl Into<i64>,
) -> QueryResult<Vec<TimelineEntry>> {
    let rows: Vec<EntryRow> = timeline_entries::table
        .filter(timeline_entries::subject.eq(subject.as_str()))
        .filter(timeline_entries::subject_id.eq(subject_id.into()))
        .order(timeline_entries::id.asc())
        .select(EntryRow::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| TimelineEntry {
            id: r.id,
            actor_id: r.actor_id,
            action: r.action,
            from_status: r.from_status,
            to_status: r.to_status,
            note: r.note,
            at: r.created_at.and_utc(),
        })
        .collect())
}
