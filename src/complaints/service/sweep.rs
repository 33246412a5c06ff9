//! The closing sweep (R-CMP-14).

use crate::complaints::model::*;
use crate::complaints::repo::{self, ComplaintChange};
use crate::db::{self, utc};
use crate::error::AppError;
use crate::state::AppState;
use crate::timeline::{self, Step, Subject};

/// How many complaints one sweep closes at most; the next sweep takes the rest.
const SWEEP_BATCH: i64 = 500;

/// R-CMP-14: closes exempt complaints handled a week ago with no repeat on the same unit and
/// subject since. Idempotent and safe with several instances: each close is a conditional
/// update on the version read, so a complaint is closed (and its timeline written) once.
pub async fn close_quiet(state: &AppState) -> Result<Vec<i64>, AppError> {
    let now = state.now();
    db::transaction(&state.pool, move |conn| {
        let mut closed = Vec::new();
        let mut after_id = 0;
        loop {
            let batch = repo::quiet_candidates(conn, utc(now - QUIET_WEEK), SWEEP_BATCH, after_id)?;
            let Some(last) = batch.last() else { break };
            after_id = last.id;
            for row in batch {
                let handled = row.resolved_at.expect("resolved rows have resolved_at");
                if repo::repeated_since(conn, &row, handled)? {
                    continue;
                }
                let change = ComplaintChange {
                    status: Some(ComplaintStatus::Closed.as_str().into()),
                    closure_reason: Some(Some(ClosureReason::QuietWeek.as_str().into())),
                    closed_at: Some(Some(utc(now))),
                    updated_at: Some(utc(now)),
                    version: Some(row.version + 1),
                    ..Default::default()
                };
                if repo::apply(conn, row.id, row.version, &change)?.is_none() {
                    continue;
                }
                timeline::repo::record(
                    conn,
                    Subject::Complaint,
                    row.id,
                    Step {
                        actor_id: None,
                        action: "close_quiet",
                        from_status: Some(ComplaintStatus::Resolved.as_str()),
                        to_status: Some(ComplaintStatus::Closed.as_str()),
                        note: Some("no visit due and no repeat complaint within a week".into()),
                    },
                    utc(now),
                )?;
                closed.push(row.id);
            }
        }
        Ok(closed)
    })
    .await
}
