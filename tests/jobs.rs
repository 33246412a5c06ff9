//! Background jobs run in every instance but claim a lease first: on one database, a sweep
//! runs once per period, whichever instance gets there first.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::TestApp;
use propdesk::jobs::{self, Job};

static RUNS: AtomicUsize = AtomicUsize::new(0);

fn counting_job() -> Job {
    Job {
        name: "test_counting",
        every: Duration::from_secs(300),
        exclusive: true,
        run: |_| {
            Box::pin(async {
                RUNS.fetch_add(1, Ordering::SeqCst);
                Ok(1)
            })
        },
    }
}

#[actix_web::test]
async fn a_job_runs_once_per_period_across_instances() {
    let app = TestApp::new().await;
    let job = counting_job();
    assert_eq!(
        jobs::run_once(&app.state, &job, "instance-a")
            .await
            .unwrap(),
        Some(1)
    );
    // Another instance, and the same one again, within the period: neither runs it.
    assert_eq!(
        jobs::run_once(&app.state, &job, "instance-b")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        jobs::run_once(&app.state, &job, "instance-a")
            .await
            .unwrap(),
        None
    );
    assert_eq!(RUNS.load(Ordering::SeqCst), 1);
    // Once the lease has run out, whoever comes first takes the next period.
    app.clock.advance(chrono::Duration::seconds(300));
    assert_eq!(
        jobs::run_once(&app.state, &job, "instance-b")
            .await
            .unwrap(),
        Some(1)
    );
    assert_eq!(
        jobs::run_once(&app.state, &job, "instance-a")
            .await
            .unwrap(),
        None
    );
    assert_eq!(RUNS.load(Ordering::SeqCst), 2);
}

#[actix_web::test]
async fn leases_of_different_jobs_are_independent() {
    let app = TestApp::new().await;
    let now = app.clock_now();
    let until = now + chrono::Duration::minutes(5);
    let pool = app.state.pool.clone();
    let claims = actix_web::web::block(move || {
        let mut conn = pool.get().unwrap();
        let mut claim =
            |name, holder: &str| jobs::lease::claim(&mut conn, name, holder, now, until).unwrap();
        [
            claim("sweep_one", "a"),
            claim("sweep_two", "b"),
            claim("sweep_one", "b"),
        ]
    })
    .await
    .unwrap();
    assert_eq!(claims, [true, true, false]);
}

/// The jobs `serve` starts have distinct names: a shared name would make two sweeps take
/// turns under one lease.
#[test]
fn every_job_has_its_own_name() {
    let mut names: Vec<&str> = jobs::all().iter().map(|j| j.name).collect();
    let count = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), count);
    assert!(names.contains(&"close_quiet_complaints"));
}
