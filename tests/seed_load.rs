//! `seed-load` (issue 11): a small volume of the benchmark's data keeps the schema's
//! constraints, numbers tickets and complaints as intake does, and reads through the API
//! for every role without an error.

mod common;

use actix_web::web;
use diesel::sql_types::BigInt;
use diesel::{QueryableByName, RunQueryDsl};
use serde_json::json;

use common::{Field, TestApp, PASSWORD};
use propdesk::error::AppError;
use propdesk::seed::load::{seed_load, LoadParams, LoadReport};

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

async fn count(app: &TestApp, sql: &'static str) -> i64 {
    let pool = app.state.pool.clone();
    web::block(move || {
        let mut conn = pool.get().unwrap();
        diesel::sql_query(sql)
            .get_result::<Count>(&mut **conn)
            .unwrap()
            .n
    })
    .await
    .unwrap()
}

fn params() -> LoadParams {
    LoadParams {
        tickets: 2_000,
        complaints: 440,
        sites: 3,
        password: PASSWORD.into(),
        seed: 7,
    }
}

async fn seed(app: &TestApp) -> Result<LoadReport, AppError> {
    let (pool, now) = (app.state.pool.clone(), app.clock_now());
    web::block(move || seed_load(&mut pool.get().unwrap(), &params(), now))
        .await
        .unwrap()
}

fn account<'a>(report: &'a LoadReport, key: &str) -> &'a str {
    &report
        .accounts
        .iter()
        .find(|a| a.key == key)
        .unwrap_or_else(|| panic!("no {key} account"))
        .username
}

#[actix_web::test]
async fn seed_load_fills_an_empty_database_with_records_the_api_reads() {
    let app = TestApp::empty();
    let report = seed(&app).await.expect("seeded");

    assert_eq!(report.tickets, 2_000);
    assert_eq!(report.complaints, 440);
    assert_eq!(report.sites, 3);
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM tickets").await,
        2_000
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM complaints").await,
        440
    );
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM sites").await, 3);
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM users").await,
        report.users as i64
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM timeline_entries").await,
        (report.ticket_timeline + report.complaint_timeline) as i64
    );
    // Every record starts its history with its intake.
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(DISTINCT subject_id) AS n FROM timeline_entries \
             WHERE subject = 'ticket' AND action = 'report'"
        )
        .await,
        2_000
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(DISTINCT subject_id) AS n FROM timeline_entries \
             WHERE subject = 'complaint' AND action = 'receive'"
        )
        .await,
        440
    );
    // Most tickets are done, some are open and some of those overdue.
    let closed = count(
        &app,
        "SELECT COUNT(*) AS n FROM tickets WHERE status = 'closed'",
    )
    .await;
    assert!(closed > 1_600, "{closed} closed");
    assert!((60..300).contains(&report.open_tickets), "{report:?}");
    assert!(report.overdue_tickets > 0);
    assert!(report.merged_complaints > 0 && report.open_complaints > 0);
    // The numbering table holds, per site and day, the last number handed out.
    for prefix in ["BX", "TS"] {
        let table = if prefix == "BX" {
            "tickets"
        } else {
            "complaints"
        };
        let sql = format!(
            "SELECT COUNT(*) AS n FROM number_sequences s WHERE s.prefix = '{prefix}' AND \
             s.last_value <> (SELECT COUNT(*) FROM {table} r WHERE r.site_id = s.site_id \
             AND substr(r.number, 4, 8) = s.day)"
        );
        let pool = app.state.pool.clone();
        let wrong = web::block(move || {
            diesel::sql_query(sql)
                .get_result::<Count>(&mut **pool.get().unwrap())
                .unwrap()
                .n
        })
        .await
        .unwrap();
        assert_eq!(wrong, 0, "{prefix} sequences");
    }

    // Every role reads lists and details.
    for a in &report.accounts {
        let token = app.token(&a.username).await;
        app.get("/api/v1/me").token(&token).send().await.expect(200);
        for kind in ["tickets", "complaints"] {
            let page = app
                .get(&format!("/api/v1/{kind}?limit=8"))
                .token(&token)
                .send()
                .await
                .expect(200);
            let items = page["items"].as_array().unwrap();
            assert!(
                !items.is_empty() || (kind == "complaints" && a.key == "resident"),
                "{} sees no {kind}",
                a.key
            );
            for item in items {
                let id = item["id"].as_i64().unwrap();
                app.get(&format!("/api/v1/{kind}/{id}"))
                    .token(&token)
                    .send()
                    .await
                    .expect(200);
            }
            if let Some(cursor) = page["next_cursor"].as_str() {
                app.get(&format!("/api/v1/{kind}?limit=8&cursor={cursor}"))
                    .token(&token)
                    .send()
                    .await
                    .expect(200);
            }
        }
        app.get("/api/v1/tickets?overdue=true")
            .token(&token)
            .send()
            .await
            .expect(200);
    }
    let engineer = app.token(account(&report, "engineer")).await;
    let orders = app
        .get("/api/v1/tickets/work-orders")
        .token(&engineer)
        .send()
        .await
        .expect(200);
    assert!(!orders.as_array().unwrap().is_empty());
    let resident = app.token(account(&report, "resident")).await;
    let mine = app
        .get("/api/v1/tickets")
        .token(&resident)
        .send()
        .await
        .expect(200);
    assert!(!mine["items"].as_array().unwrap().is_empty());

    let butler = app.token(account(&report, "butler")).await;
    for path in [
        "/api/v1/tickets/daily-board?site_id=1",
        "/api/v1/complaints/daily-board?site_id=1",
        "/api/v1/complaints/weekly-summary?site_id=1",
        "/api/v1/tickets/public-costs?site_id=1&month=2026-10",
        "/api/v1/complaints/public-summary?site_id=1&month=2026-10",
    ] {
        app.get(path).token(&butler).send().await.expect(200);
    }
    let report_month = app
        .get("/api/v1/complaints/monthly-report?site_id=1&month=2026-10")
        .token(&butler)
        .send()
        .await
        .expect(200);
    assert!(report_month.field("complaints").as_i64().unwrap() > 0);

    // New records continue the seeded ids and numbers; seeded records take actions.
    let unit = app
        .get("/api/v1/units?site_id=1&limit=1")
        .token(&butler)
        .send()
        .await
        .expect(200)["items"][0]["id"]
        .as_i64()
        .unwrap();
    let ticket = app
        .post("/api/v1/tickets")
        .token(&butler)
        .json(
            json!({"unit_id": unit, "category": "other", "priority": "general",
                     "contact_phone": "13800138000", "description": "after the load"}),
        )
        .send()
        .await
        .expect(201);
    assert_eq!(ticket["id"], 2_001);
    app.post("/api/v1/complaints")
        .token(&butler)
        .json(
            json!({"unit_id": unit, "channel": "phone", "subject": "service_quality",
                     "complainant": {"kind": "anonymous"}, "description": "after the load"}),
        )
        .send()
        .await
        .expect(201);
    let open = app
        .get("/api/v1/tickets?site_id=1&status=dispatched&limit=1")
        .token(&butler)
        .send()
        .await
        .expect(200);
    let id = open["items"][0]["id"].as_i64().unwrap();
    app.action(
        &butler,
        "tickets",
        id,
        "chase",
        json!({"reason": "parts on order", "told_resident": "tomorrow"}),
    )
    .await
    .expect(200);
    // Nothing is left for the closing sweep: exempt complaints handled a week ago are closed.
    let manager = app.token(account(&report, "manager")).await;
    let swept = app
        .post("/api/v1/complaints/close-quiet")
        .token(&manager)
        .send()
        .await
        .expect(200);
    assert_eq!(swept["closed"], json!([]));

    // And it fills only an empty database.
    assert!(matches!(
        seed(&app).await,
        Err(AppError::PreconditionFailed { .. })
    ));
}
