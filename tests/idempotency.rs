//! `Idempotency-Key` (src/idempotency/): a POST retried with its key does its work once and
//! answers the first response again; the key with another body is 422, while the first
//! request runs 409; keys are their caller's own and expire after 24 hours.

mod common;

use chrono::Duration;
use common::{both, Response, TestApp};
use propdesk::idempotency::{self, repo, Claim, Found};
use propdesk::ids::UserId;
use serde_json::{json, Value};

const KEY: &str = "3f1c8a52-9b0e-4d7a-8c61-2e5f0b9d4a17";

fn report(unit: i64, description: &str) -> Value {
    json!({"unit_id": unit, "category": "water_supply", "priority": "general",
           "description": description, "contact_phone": "13800138000"})
}

async fn report_with_key(app: &TestApp, token: &str, key: &str, body: Value) -> Response {
    app.post("/api/v1/tickets")
        .token(token)
        .header("Idempotency-Key", key)
        .json(body)
        .send()
        .await
}

/// The demo estate, the resident's token and their unit.
async fn resident_at_home() -> (TestApp, String, i64) {
    let app = TestApp::new().await;
    let resident = app.token("resident").await;
    let unit = app.unit_id("1-1-101").await;
    (app, resident, unit)
}

async fn ticket_count(app: &TestApp) -> usize {
    let manager = app.token("manager").await;
    let page = app.get("/api/v1/tickets?limit=100").token(&manager).send();
    page.await.expect(200)["items"].as_array().unwrap().len()
}

/// How many keys are on record, whatever their state.
fn keys_on_record(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    use propdesk::db::schema::idempotency_keys;
    let mut conn = app.state.pool.get().unwrap();
    idempotency_keys::table
        .count()
        .get_result(&mut **conn)
        .unwrap()
}

fn claim_of(user_id: i64, token: &str) -> Claim {
    Claim {
        user_id: UserId::new(user_id),
        key: KEY.into(),
        token: token.into(),
    }
}

#[actix_web::test]
async fn a_report_retried_after_a_lost_response_creates_one_ticket() {
    let (app, resident, unit) = resident_at_home().await;
    let first = report_with_key(&app, &resident, KEY, report(unit, "Leaking tap")).await;
    assert_eq!(first.header("Idempotent-Replayed"), None);
    let first = first.expect(201);
    // The phone never saw that answer and sends the same request again.
    app.clock.advance(Duration::minutes(3));
    let retry = report_with_key(&app, &resident, KEY, report(unit, "Leaking tap")).await;
    assert_eq!(retry.header("Idempotent-Replayed"), Some("true"));
    assert_eq!(retry.expect(201), first, "the first response, as it was");
    assert_eq!(ticket_count(&app).await, 1);
    // The IETF draft's form of the same key, a quoted string, is the same key.
    let quoted = format!("\"{KEY}\"");
    let retry = report_with_key(&app, &resident, &quoted, report(unit, "Leaking tap")).await;
    assert_eq!(retry.header("Idempotent-Replayed"), Some("true"));
    assert_eq!(ticket_count(&app).await, 1);
    // Without a key, the same body is a new report.
    let plain = app.post("/api/v1/tickets").token(&resident);
    plain
        .json(report(unit, "Leaking tap"))
        .send()
        .await
        .expect(201);
    assert_eq!(ticket_count(&app).await, 2);
}

#[actix_web::test]
async fn two_requests_at_once_with_one_key_do_the_work_once() {
    let (app, resident, unit) = resident_at_home().await;
    let (a, b) = both(
        report_with_key(&app, &resident, KEY, report(unit, "Leaking tap")),
        report_with_key(&app, &resident, KEY, report(unit, "Leaking tap")),
    )
    .await;
    assert_eq!(ticket_count(&app).await, 1, "the work ran once");
    let (ran, other) = if a.header("Idempotent-Replayed").is_none() && a.status == 201 {
        (a, b)
    } else {
        (b, a)
    };
    let ran = ran.expect(201);
    // The other came while the first ran (409) or after it answered (its replay).
    match other.status.as_u16() {
        409 => assert_eq!(
            other.expect(409)["type"],
            "/problems/idempotency-key-in-use"
        ),
        201 => {
            assert_eq!(other.header("Idempotent-Replayed"), Some("true"));
            assert_eq!(other.expect(201), ran);
        }
        status => panic!("unexpected {status}: {:?}", other.body),
    }
}

#[actix_web::test]
async fn a_key_held_by_a_running_request_is_409_until_its_hold_runs_out() {
    let (app, resident, unit) = resident_at_home().await;
    let user = app.user_id(&resident).await;
    let body = report(unit, "Leaking tap");
    let fingerprint = idempotency::fingerprint(
        &app.state.pii,
        "POST",
        "/api/v1/tickets",
        "",
        body.to_string().as_bytes(),
    );
    // Another request of the caller holds the key (it is running, or its server died).
    let mut conn = app.state.pool.get().unwrap();
    let held = repo::claim(
        &mut conn,
        claim_of(user, "other"),
        &fingerprint,
        app.clock_now(),
    );
    assert!(matches!(held.unwrap(), Found::Claimed(_)));
    drop(conn);
    let busy = report_with_key(&app, &resident, KEY, body.clone()).await;
    assert_eq!(busy.expect(409)["type"], "/problems/idempotency-key-in-use");
    assert_eq!(ticket_count(&app).await, 0);
    // A holder that never answers loses the key once its hold runs out.
    app.clock.advance(repo::HOLD + Duration::seconds(1));
    let resident = app.token("resident").await;
    report_with_key(&app, &resident, KEY, body)
        .await
        .expect(201);
    assert_eq!(ticket_count(&app).await, 1);
    // And the request that held it can no longer record a response: its work rolls back.
    let mut conn = app.state.pool.get().unwrap();
    let late = repo::record(&mut conn, &claim_of(user, "other"), 201, "{}");
    assert!(matches!(
        late,
        Err(propdesk::error::AppError::IdempotencyKeyInUse)
    ));
}

#[actix_web::test]
async fn the_same_key_with_another_body_is_422_and_changes_nothing() {
    let (app, resident, unit) = resident_at_home().await;
    report_with_key(&app, &resident, KEY, report(unit, "Leaking tap"))
        .await
        .expect(201);
    let other = report_with_key(&app, &resident, KEY, report(unit, "Broken window")).await;
    let problem = other.expect(422);
    assert_eq!(problem["type"], "/problems/idempotency-key-reused");
    assert_eq!(ticket_count(&app).await, 1);
    // Another route with the key is another request too.
    let complaint = app
        .post("/api/v1/complaints")
        .token(&resident)
        .header("Idempotency-Key", KEY)
        .json(report(unit, "Leaking tap"));
    let refused = complaint.send().await.expect(422);
    assert_eq!(refused["type"], "/problems/idempotency-key-reused");
}

#[actix_web::test]
async fn a_key_belongs_to_its_caller() {
    let app = TestApp::new().await;
    let resident = app.token("resident").await;
    let butler = app.token("butler").await;
    let unit = app.unit_id("1-1-101").await;
    let mine = report_with_key(&app, &resident, KEY, report(unit, "Leaking tap")).await;
    let theirs = report_with_key(&app, &butler, KEY, report(unit, "Leaking tap")).await;
    assert_eq!(theirs.header("Idempotent-Replayed"), None);
    assert_ne!(mine.expect(201)["id"], theirs.expect(201)["id"]);
    assert_eq!(ticket_count(&app).await, 2);
}

#[actix_web::test]
async fn a_failed_request_keeps_nothing_and_its_key_may_be_sent_again() {
    let (app, resident, unit) = resident_at_home().await;
    let mut broken = report(unit, "Leaking tap");
    broken["priority"] = json!("whenever");
    let refused = report_with_key(&app, &resident, KEY, broken).await;
    assert_eq!(refused.invalid_fields(), ["priority"]);
    assert_eq!(
        keys_on_record(&app),
        0,
        "no key kept for a request that failed"
    );
    // The corrected request under the same key runs.
    let fixed = report_with_key(&app, &resident, KEY, report(unit, "Leaking tap")).await;
    let ticket = fixed.expect(201);
    // An action refused in this status keeps nothing either.
    let id = ticket["id"].as_i64().unwrap();
    let engineer = app.token("engineer").await;
    let early = app
        .post(&format!("/api/v1/tickets/{id}/complete"))
        .token(&engineer)
        .header("Idempotency-Key", "complete-1")
        .json(json!({"labour_minutes": 30, "result_note": "Fixed"}))
        .send()
        .await;
    assert_eq!(
        early.expect(409)["type"],
        "/problems/invalid-transition",
        "not dispatched yet"
    );
    assert_eq!(keys_on_record(&app), 1, "only the report's key");
}

#[actix_web::test]
async fn an_action_retried_with_its_key_runs_once() {
    let app = TestApp::new().await;
    let resident = app.token("resident").await;
    let butler = app.token("butler").await;
    let engineer = app.token("engineer").await;
    let engineer_id = app.user_id(&engineer).await;
    let unit = app.unit_id("1-1-101").await;
    let ticket = report_with_key(&app, &resident, KEY, report(unit, "Leaking tap"))
        .await
        .expect(201);
    let id = ticket["id"].as_i64().unwrap();
    let dispatch = || {
        app.post(&format!("/api/v1/tickets/{id}/dispatch"))
            .token(&butler)
            .header("Idempotency-Key", "dispatch-1")
            .json(json!({"engineer_ids": [engineer_id], "lead_id": engineer_id}))
            .send()
    };
    let first = dispatch().await.expect(200);
    let again = dispatch().await;
    assert_eq!(again.header("Idempotent-Replayed"), Some("true"));
    assert_eq!(again.expect(200), first);
    let detail = app
        .get(&format!("/api/v1/tickets/{id}"))
        .token(&butler)
        .send();
    let timeline = detail.await.expect(200)["timeline"].clone();
    let dispatches = timeline
        .as_array()
        .unwrap()
        .iter()
        .filter(|entry| entry["action"] == "dispatch")
        .count();
    assert_eq!(dispatches, 1, "timeline: {timeline}");
}

#[actix_web::test]
async fn keys_expire_after_24_hours_by_a_job() {
    let (app, resident, unit) = resident_at_home().await;
    report_with_key(&app, &resident, KEY, report(unit, "Leaking tap"))
        .await
        .expect(201);
    app.clock.advance(Duration::hours(23));
    assert_eq!(idempotency::expire(&app.state).await.unwrap(), 0);
    app.clock.advance(Duration::hours(1));
    assert_eq!(idempotency::expire(&app.state).await.unwrap(), 1);
    assert_eq!(keys_on_record(&app), 0);
    // Gone, the key is new again: another body under it is a new request.
    let resident = app.token("resident").await;
    let again = report_with_key(&app, &resident, KEY, report(unit, "Broken window")).await;
    assert_eq!(again.expect(201)["description"], "Broken window");
    assert!(propdesk::jobs::all()
        .iter()
        .any(|job| job.name == "expire_idempotency_keys"));
}

#[actix_web::test]
async fn a_key_that_is_not_a_key_is_400_and_sessions_ignore_keys() {
    let (app, resident, unit) = resident_at_home().await;
    let long = "k".repeat(idempotency::MAX_KEY_LEN + 1);
    for key in [
        long.as_str(),
        "two words",
        "\"unclosed",
        "\"\"twice\"\"",
        "\"\"",
    ] {
        let refused = report_with_key(&app, &resident, key, report(unit, "Leaking tap")).await;
        assert_eq!(
            refused.expect(400)["type"],
            "/problems/bad-request",
            "{key}"
        );
    }
    assert_eq!(ticket_count(&app).await, 0);
    // A login is never replayed: each gives its own session.
    let login = || {
        app.post("/api/v1/auth/login")
            .header("Idempotency-Key", KEY)
            .json(json!({"username": "resident", "password": common::PASSWORD}))
            .send()
    };
    let (a, b) = (login().await.expect(200), login().await.expect(200));
    assert_ne!(a["refresh_token"], b["refresh_token"]);
}
