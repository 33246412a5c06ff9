//! Deadlines shared by every capability: a due instant and the instant the duty was done.
//! Whether a deadline was met, missed or is still running is computed from the stored
//! instants and "now", so lists can filter on it and no sweep has to mark anything.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::text_enum;

text_enum! {
    /// Where a deadline stands.
    pub enum DeadlineState {
        /// Not done, not yet due.
        Running = "running",
        /// Done on or before the due time.
        Met = "met",
        /// Done late, or not done and past due.
        Missed = "missed",
    }
}

/// A deadline as clients see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Deadline {
    pub due_at: DateTime<Utc>,
    /// When the duty was done, if it was.
    pub done_at: Option<DateTime<Utc>>,
    pub state: DeadlineState,
}

pub fn state(due: NaiveDateTime, done: Option<NaiveDateTime>, now: NaiveDateTime) -> DeadlineState {
    match done {
        Some(done) if done <= due => DeadlineState::Met,
        Some(_) => DeadlineState::Missed,
        None if now > due => DeadlineState::Missed,
        None => DeadlineState::Running,
    }
}

/// The deadline view, when there is a deadline.
pub fn view(
    due: Option<NaiveDateTime>,
    done: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Option<Deadline> {
    due.map(|due| Deadline {
        due_at: due.and_utc(),
        done_at: done.map(|d| d.and_utc()),
        state: state(due, done, now),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn met_missed_and_running() {
        let due = at("2026-11-23 12:00");
        assert_eq!(
            state(due, Some(at("2026-11-23 12:00")), at("2026-11-24 00:00")),
            DeadlineState::Met
        );
        assert_eq!(
            state(due, Some(at("2026-11-23 12:01")), at("2026-11-23 12:01")),
            DeadlineState::Missed
        );
        assert_eq!(
            state(due, None, at("2026-11-23 11:59")),
            DeadlineState::Running
        );
        assert_eq!(
            state(due, None, at("2026-11-23 12:01")),
            DeadlineState::Missed
        );
        assert!(view(None, None, due).is_none());
    }
}
