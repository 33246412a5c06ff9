//! Scale-out: several server processes over one database, started together. Their sweeps
//! race for each job's lease, so the quiet-week sweep must close each due complaint once;
//! then a few endpoints run against one process and spread over all of them.

use std::time::{Duration, Instant};

use diesel::prelude::*;
use propdesk::complaints::model::{ComplaintAction, ComplaintStatus, QUIET_WEEK};
use propdesk::db::schema::{complaints, job_leases, timeline_entries};
use propdesk::timeline::Subject;

/// Makes every complaint that waits for its quiet week (resolved, no visit due) a week and a
/// day older, and ends the jobs' leases (the server that ran before holds them for a period),
/// so that the sweeps of the processes about to start have them all to close. Their ids.
pub fn make_sweeps_due(url: &str) -> Vec<i64> {
    let mut conn = propdesk::db::establish(url).expect("database reachable");
    diesel::update(job_leases::table)
        .set(job_leases::leased_until.eq(chrono::DateTime::UNIX_EPOCH.naive_utc()))
        .execute(&mut conn)
        .expect("ended leases");
    let waiting: Vec<(i64, Option<chrono::NaiveDateTime>)> = complaints::table
        .filter(complaints::status.eq(ComplaintStatus::Resolved.as_str()))
        .filter(complaints::visit_exemption.is_not_null())
        .select((complaints::id, complaints::resolved_at))
        .load(&mut conn)
        .expect("complaints waiting for their quiet week");
    let older = QUIET_WEEK + chrono::Duration::days(1);
    conn.transaction(|conn| {
        for (id, resolved_at) in &waiting {
            let Some(at) = resolved_at else { continue };
            diesel::update(complaints::table.find(id))
                .set(complaints::resolved_at.eq(*at - older))
                .execute(conn)?;
        }
        QueryResult::Ok(())
    })
    .expect("aged complaints");
    waiting.into_iter().map(|(id, _)| id).collect()
}

/// What the sweep did with `due`: how many it closed, how many it left resolved (a repeat
/// complaint within the week keeps one open) and how many carry more than one quiet-week
/// close.
pub struct Sweep {
    pub due: usize,
    pub closed: usize,
    pub closed_twice: usize,
}

/// Waits until `swept()` (a process logged its sweep) or a minute has passed, then counts.
pub fn sweep_of(url: &str, due: &[i64], swept: impl Fn() -> bool) -> Sweep {
    let started = Instant::now();
    while !swept() && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(100));
    }
    let mut conn = propdesk::db::establish(url).expect("database reachable");
    let mut closed = 0;
    for ids in due.chunks(500) {
        closed += complaints::table
            .filter(complaints::id.eq_any(ids))
            .filter(complaints::status.eq(ComplaintStatus::Closed.as_str()))
            .count()
            .get_result::<i64>(&mut conn)
            .expect("closed complaints") as usize;
    }
    let mut closed_twice = 0;
    for ids in due.chunks(500) {
        closed_twice += timeline_entries::table
            .filter(timeline_entries::subject.eq(Subject::Complaint.as_str()))
            .filter(timeline_entries::subject_id.eq_any(ids))
            .filter(timeline_entries::action.eq(ComplaintAction::CloseQuiet.as_str()))
            .group_by(timeline_entries::subject_id)
            .having(diesel::dsl::count_star().gt(1))
            .select(timeline_entries::subject_id)
            .load::<i64>(&mut conn)
            .expect("quiet-week closes")
            .len();
    }
    Sweep {
        due: due.len(),
        closed,
        closed_twice,
    }
}
