//! Background jobs: sweeps that run on a schedule in every server instance. Before each run
//! an instance claims the job's lease with a conditional UPDATE, so with several instances
//! against one database a sweep runs once per period, whichever instance gets there first.
//! The work itself must still be safe to repeat (each sweep's changes are conditional
//! updates of their own): a lease that runs out mid-run lets another instance start.

pub mod lease;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::access::tokens::random_token;
use crate::error::AppError;
use crate::state::AppState;

type Run = fn(AppState) -> Pin<Box<dyn Future<Output = Result<usize, AppError>>>>;

/// A sweep and how often it runs.
pub struct Job {
    /// Unique, stable: the lease is kept under it.
    pub name: &'static str,
    pub every: Duration,
    /// Claims the job's lease before each run, so one instance runs it per period. A job
    /// whose work claims its own rows (webhook deliveries) runs on every instance.
    pub exclusive: bool,
    /// Does one round of work; answers how many records it changed.
    pub run: Run,
}

/// Every job `serve` starts.
pub fn all() -> Vec<Job> {
    vec![
        Job {
            name: "close_quiet_complaints",
            every: Duration::from_secs(300),
            exclusive: true,
            run: |state| {
                Box::pin(
                    async move { Ok(crate::complaints::service::close_quiet(&state).await?.len()) },
                )
            },
        },
        Job {
            name: "expire_idempotency_keys",
            every: Duration::from_secs(600),
            exclusive: true,
            run: |state| Box::pin(async move { crate::idempotency::expire(&state).await }),
        },
        Job {
            name: "warn_deadlines_near",
            every: Duration::from_secs(300),
            exclusive: true,
            run: |state| {
                Box::pin(async move { crate::tickets::service::warn_deadlines_near(&state).await })
            },
        },
        Job {
            name: "warn_key_loans_overdue",
            every: Duration::from_secs(900),
            exclusive: true,
            run: |state| {
                Box::pin(
                    async move { crate::keys::service::lists::warn_loans_overdue(&state).await },
                )
            },
        },
        Job {
            // R-HW-5: daily steps; run hourly so a restart never skips a day.
            name: "advance_hot_water_supply",
            every: Duration::from_secs(3600),
            exclusive: true,
            run: |state| Box::pin(async move { crate::hot_water::supply::advance(&state).await }),
        },
        Job {
            name: "deliver_webhooks",
            every: Duration::from_secs(5),
            exclusive: false,
            run: |state| {
                Box::pin(async move { crate::webhooks::delivery::deliver_due(&state).await })
            },
        },
        Job {
            name: "sweep_orphan_files",
            every: Duration::from_secs(3600),
            exclusive: true,
            run: |state| {
                Box::pin(async move { crate::files::service::sweep_orphans(&state).await })
            },
        },
        Job {
            name: "refresh_planner_statistics",
            every: Duration::from_secs(3600),
            exclusive: true,
            run: |state| {
                Box::pin(async move {
                    crate::db::transaction(&state.pool, |conn| Ok(crate::db::optimize(conn)?))
                        .await?;
                    Ok(0)
                })
            },
        },
    ]
}

/// Runs the job once if this instance gets its lease (or the job takes none); `None` when
/// another instance holds it.
pub async fn run_once(
    state: &AppState,
    job: &Job,
    holder: &str,
) -> Result<Option<usize>, AppError> {
    if !job.exclusive {
        return (job.run)(state.clone()).await.map(Some);
    }
    let lease = chrono::Duration::from_std(job.every).map_err(AppError::internal)?;
    let (name, holder, now) = (job.name, holder.to_owned(), state.now());
    let claimed = crate::db::transaction(&state.pool, move |conn| {
        Ok(lease::claim(conn, name, &holder, now, now + lease)?)
    })
    .await?;
    if !claimed {
        return Ok(None);
    }
    (job.run)(state.clone()).await.map(Some)
}

/// Starts every job on the current actix runtime, each on its own schedule.
pub fn start(state: &AppState) {
    let holder = random_token(9);
    for job in all() {
        let (state, holder) = (state.clone(), holder.clone());
        actix_web::rt::spawn(async move {
            let mut every = actix_web::rt::time::interval(job.every);
            loop {
                every.tick().await;
                match run_once(&state, &job, &holder).await {
                    Ok(Some(changed)) if changed > 0 => {
                        log::info!("{}: {changed} changed", job.name)
                    }
                    Ok(_) => {}
                    Err(e) => log::warn!("{} failed: {}", job.name, e.chain()),
                }
            }
        });
    }
}
