//! The closing sweep (R-CMP-14): exempt complaints handled a week ago with no repeat close
//! themselves. It runs in batches, each in its own transaction, so on SQLite other requests
//! get the write lock between batches instead of waiting for the whole sweep.

use chrono::{DateTime, NaiveDateTime, Utc};

use super::{ComplaintLifecycle, Effect};
use crate::complaints::model::*;
use crate::complaints::repo::{self, ComplaintChange};
use crate::db::{self, utc, AnyConnection};
use crate::error::AppError;
use crate::ids::ComplaintId;
use crate::lifecycle::{self, By};
use crate::state::AppState;

/// How many candidates one batch (one transaction) looks at.
pub const SWEEP_BATCH: i64 = 500;

/// R-CMP-14: closes exempt complaints handled a week ago with no repeat on the same unit and
/// subject since, [`SWEEP_BATCH`] candidates per transaction; returns the ids closed.
pub async fn close_quiet(state: &AppState) -> Result<Vec<ComplaintId>, AppError> {
    close_quiet_in_batches(state, SWEEP_BATCH).await
}

/// [`close_quiet`] with `batch` candidates (at least one) per transaction. Idempotent and
/// safe with several instances: each close is the driver's conditional update on the version
/// read, so a complaint is closed (and its timeline written) once, and a complaint that
/// another instance or someone's action changed since it was read is left for that change.
pub async fn close_quiet_in_batches(
    state: &AppState,
    batch: i64,
) -> Result<Vec<ComplaintId>, AppError> {
    let batch = batch.max(1);
    let now = state.now();
    let handled_before = utc(now - QUIET_WEEK);
    let mut closed = Vec::new();
    let mut after_id = 0;
    loop {
        let (ids, next) = db::transaction(&state.pool, move |conn| {
            close_batch(conn, handled_before, batch, after_id, now)
        })
        .await?;
        closed.extend(ids);
        match next {
            Some(last) => after_id = last,
            None => return Ok(closed),
        }
    }
}

/// One batch: the candidates after `after_id`, at most `limit`. Returns the ids closed and,
/// when the batch was full, the last id looked at, after which the next batch starts.
fn close_batch(
    conn: &mut AnyConnection,
    handled_before: NaiveDateTime,
    limit: i64,
    after_id: i64,
    now: DateTime<Utc>,
) -> Result<(Vec<ComplaintId>, Option<i64>), AppError> {
    let candidates = repo::quiet_candidates(conn, handled_before, limit, after_id)?;
    let next = candidates
        .last()
        .map(|row| row.id.into())
        .filter(|_| candidates.len() as i64 == limit);
    let mut closed = Vec::new();
    for row in candidates {
        let handled = row.resolved_at.expect("resolved rows have resolved_at");
        if repo::repeated_since(conn, &row, handled)? {
            continue;
        }
        let quiet = Effect {
            change: ComplaintChange {
                closure_reason: Some(Some(ClosureReason::QuietWeek)),
                closed_at: Some(Some(utc(now))),
                ..Default::default()
            },
            note: Some("no visit due and no repeat complaint within a week".into()),
        };
        let step = lifecycle::step::<ComplaintLifecycle>(
            conn,
            By::System,
            row.id,
            &row,
            ComplaintAction::CloseQuiet,
            quiet,
            now,
        );
        match step {
            Ok(_) => closed.push(row.id),
            // Changed since this batch read it (closed by another instance, or acted on):
            // nothing was written for it, so the batch goes on.
            Err(AppError::StaleVersion(_)) => {}
            Err(err) => return Err(err),
        }
    }
    Ok((closed, next))
}
