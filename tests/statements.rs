//! How many SQL statements a request sends: a count, not a timing, so it holds on any
//! machine. Every connection this test binary opens counts the statements it starts; the
//! binary holds this one test so that no other test's statements are counted.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use common::TestApp;
use diesel::connection::{set_default_instrumentation, Instrumentation, InstrumentationEvent};
use serde_json::json;

static STATEMENTS: AtomicUsize = AtomicUsize::new(0);

/// Counts statements that read or write rows; `BEGIN` and `COMMIT` are not counted.
struct Counter;

impl Instrumentation for Counter {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::StartQuery { query, .. } = event {
            let sql = query.to_string();
            let verb = sql.split_whitespace().next().unwrap_or("");
            if ["SELECT", "INSERT", "UPDATE", "DELETE", "WITH"]
                .iter()
                .any(|v| verb.eq_ignore_ascii_case(v))
            {
                STATEMENTS.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

async fn statements_of(run: impl std::future::Future<Output = ()>) -> usize {
    STATEMENTS.store(0, Ordering::Relaxed);
    run.await;
    STATEMENTS.load(Ordering::Relaxed)
}

#[actix_web::test]
async fn frequent_requests_send_few_statements() {
    set_default_instrumentation(|| Some(Box::new(Counter))).unwrap();
    let app = TestApp::new().await;
    let (resident, butler) = (app.token("resident").await, app.token("butler").await);
    let unit = app.unit_id("1-1-101").await;
    for n in 0..5 {
        app.post("/api/v1/complaints")
            .token(&resident)
            .json(json!({"unit_id": unit, "subject": "equipment", "description": format!("Lift {n}")}))
            .send()
            .await
            .expect(201);
    }

    // GET /me: the account, and its homes with their units in one query.
    let me = statements_of(async {
        app.get("/api/v1/me")
            .token(&resident)
            .send()
            .await
            .expect(200);
    })
    .await;
    assert!(me <= 2, "GET /me sent {me} statements");

    // R-CMP-18: the month in one grouped query, the trend in one more.
    let report = statements_of(async {
        let month = app
            .get(&format!(
                "/api/v1/complaints/monthly-report?site_id={}&month=2026-11",
                app.site_id
            ))
            .token(&butler)
            .send()
            .await
            .expect(200);
        assert_eq!(month["events"], 5);
        assert_eq!(month["trend"].as_array().unwrap().len(), 6);
    })
    .await;
    assert!(report <= 8, "the monthly report sent {report} statements");
}
