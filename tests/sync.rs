//! The handheld offline: a batch of actions replayed in order, each with its own key and
//! the version it was based on; the sync that shows what was taken away meanwhile.

mod common;

use common::{Desk, Field, TestApp, PASSWORD};
use serde_json::{json, Value};

async fn dispatched_ticket(app: &TestApp, d: &Desk, engineer_id: i64) -> Value {
    let unit = app.unit_id("1-1-101").await;
    let ticket = app
        .post("/api/v1/tickets")
        .token(&d.butler)
        .json(
            json!({"unit_id": unit, "category": "water_supply", "priority": "general",
                     "channel": "phone", "contact_phone": "13700137000",
                     "description": "Pipe leaking under the sink"}),
        )
        .send()
        .await
        .expect(201);
    app.action(
        &d.butler,
        "tickets",
        ticket["id"].as_i64().unwrap(),
        "dispatch",
        json!({"engineer_ids": [engineer_id], "lead_id": engineer_id}),
    )
    .await
    .expect(200)
}

async fn batch(app: &TestApp, token: &str, items: Value) -> Vec<Value> {
    app.post("/api/v1/sync/batch")
        .token(token)
        .json(json!({"items": items}))
        .send()
        .await
        .expect(200)["results"]
        .as_array()
        .unwrap()
        .clone()
}

fn complete_body() -> Value {
    json!({"labour_minutes": 60, "head_count": 1, "result_note": "Replaced the trap",
           "materials": []})
}

#[actix_web::test]
async fn a_batch_with_one_stale_item_applies_the_rest_and_reports_the_conflict() {
    let app = TestApp::new().await;
    let d = Desk::of(&app).await;
    let engineer = app.user_id(&d.engineer).await;
    let first = dispatched_ticket(&app, &d, engineer).await;
    let second = dispatched_ticket(&app, &d, engineer).await;
    // Offline, the handheld saw both at their versions now; meanwhile the desk chases the
    // second, which changes it.
    let (v1, v2) = (
        first["version"].as_i64().unwrap(),
        second["version"].as_i64().unwrap(),
    );
    app.action(
        &d.butler,
        "tickets",
        second["id"].as_i64().unwrap(),
        "chase",
        json!({"reason": "Resident called again", "told_resident": "Today by 5 pm"}),
    )
    .await
    .expect(200);

    let items = json!([
        {"idempotency_key": "h-1", "ticket_id": first["id"], "action": "arrive", "version": v1},
        {"idempotency_key": "h-2", "ticket_id": second["id"], "action": "arrive", "version": v2},
        {"idempotency_key": "h-3", "ticket_id": first["id"], "action": "complete",
         "version": v1 + 1, "body": complete_body()},
        {"idempotency_key": "h-4", "ticket_id": first["id"], "action": "charge",
         "version": v1 + 2, "body": {"fee_item_id": "not a number"}},
    ]);
    let results = batch(&app, &d.engineer, items.clone()).await;
    let outcomes: Vec<&Value> = results.iter().map(|r| &r["outcome"]).collect();
    assert_eq!(outcomes, ["applied", "conflict", "applied", "refused"]);
    assert_eq!(results[0]["ticket"]["status"], "on_site");
    assert_eq!(results[2]["ticket"]["status"], "completed");
    // The conflict carries the ticket as it is now, and the stale-version problem.
    assert_eq!(results[1]["status"], 409);
    assert_eq!(results[1]["problem"]["type"], "/problems/stale-version");
    assert_eq!(results[1]["ticket"]["status"], "dispatched");
    assert_eq!(results[1]["ticket"]["version"], v2 + 1);
    assert_eq!(results[3]["status"], 422);
    assert_eq!(results[3]["problem"]["errors"][0]["field"], "fee_item_id");
    assert_eq!(results[3].field("ticket"), &Value::Null);
    // Nothing was done to the second ticket.
    let now = app
        .get(&format!("/api/v1/tickets/{}", second["id"]))
        .token(&d.butler)
        .send()
        .await
        .expect(200);
    assert_eq!(now["status"], "dispatched");
    assert_eq!(now.field("arrived_at"), &Value::Null);

    // The handheld sends the batch again (it never got the answer): done items replay,
    // with the answer they had; the stale one is still a conflict.
    let again = batch(&app, &d.engineer, items).await;
    let outcomes: Vec<&Value> = again.iter().map(|r| &r["outcome"]).collect();
    assert_eq!(outcomes, ["replayed", "conflict", "replayed", "refused"]);
    assert_eq!(again[2]["ticket"]["status"], "completed");
    assert_eq!(
        again[2]["ticket"]["version"],
        results[2]["ticket"]["version"]
    );
    // A key reused for another action is refused, and changes nothing.
    let reused = batch(
        &app,
        &d.engineer,
        json!([{"idempotency_key": "h-1", "ticket_id": second["id"], "action": "arrive",
                "version": v2 + 1}]),
    )
    .await;
    assert_eq!(reused[0]["outcome"], "refused");
    assert_eq!(
        reused[0]["problem"]["type"],
        "/problems/idempotency-key-reused"
    );
}

#[actix_web::test]
async fn a_batch_is_bounded_keyed_and_the_handhelds() {
    let app = TestApp::new().await;
    let d = Desk::of(&app).await;
    let item = |key: &str| json!({"idempotency_key": key, "ticket_id": 1, "action": "arrive", "version": 0});
    let too_many: Vec<Value> = (0..101).map(|i| item(&format!("k{i}"))).collect();
    let res = app
        .post("/api/v1/sync/batch")
        .token(&d.engineer)
        .json(json!({"items": too_many}))
        .send()
        .await;
    assert_eq!(res.invalid_fields(), ["items"]);
    let res = app
        .post("/api/v1/sync/batch")
        .token(&d.engineer)
        .json(json!({"items": [item("same"), item("same"), item("bad key")]}))
        .send()
        .await;
    assert_eq!(
        res.invalid_fields(),
        ["items[1].idempotency_key", "items[2].idempotency_key"]
    );
    // Ten thousand items do not fit a request at all.
    let huge: Vec<Value> = (0..10_000).map(|i| item(&format!("k{i}"))).collect();
    app.post("/api/v1/sync/batch")
        .token(&d.engineer)
        .json(json!({"items": huge}))
        .send()
        .await
        .expect(413);
    app.post("/api/v1/sync/batch")
        .token(&d.butler)
        .json(json!({"items": [item("k")]}))
        .send()
        .await
        .expect(403);
    // Another site's ticket, or no ticket: refused as not found; a step that takes a body,
    // sent without one: refused.
    let results = batch(
        &app,
        &d.engineer,
        json!([item("k1"),
               {"idempotency_key": "k2", "ticket_id": 1, "action": "complete", "version": 0}]),
    )
    .await;
    assert_eq!(results[0]["outcome"], "refused");
    assert_eq!(results[0]["status"], 404);
    assert_eq!(results[1]["outcome"], "refused");
    assert_eq!(results[1]["problem"]["errors"][0]["field"], "body");
}

#[actix_web::test]
async fn the_sync_shows_tickets_taken_off_the_engineer_and_cancelled_ones() {
    let app = TestApp::new().await;
    let d = Desk::of(&app).await;
    let engineer = app.user_id(&d.engineer).await;
    let other = app
        .post("/api/v1/users")
        .token(&d.manager)
        .json(
            json!({"username": "engineer2", "display_name": "Zhou Qiang 周强",
                     "role": "engineer", "password": PASSWORD, "site_ids": [app.site_id]}),
        )
        .send()
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    let moved = dispatched_ticket(&app, &d, engineer).await;
    let cancelled = dispatched_ticket(&app, &d, engineer).await;
    let kept = dispatched_ticket(&app, &d, engineer).await;
    let last_sync = "2026-11-23T11:00:00Z";
    let d = Desk::later(&app, chrono::Duration::hours(2)).await;
    app.action(
        &d.butler,
        "tickets",
        moved["id"].as_i64().unwrap(),
        "dispatch",
        json!({"engineer_ids": [other], "lead_id": other}),
    )
    .await
    .expect(200);
    app.action(
        &d.butler,
        "tickets",
        cancelled["id"].as_i64().unwrap(),
        "cancel",
        json!({"reason": "Resident fixed it"}),
    )
    .await
    .expect(200);

    let synced = app
        .get(&format!(
            "/api/v1/tickets?engineer_id={engineer}&updated_since={last_sync}"
        ))
        .token(&d.engineer)
        .send()
        .await
        .expect(200);
    let items = synced["items"].as_array().unwrap();
    let ids: Vec<&Value> = items.iter().map(|t| &t["id"]).collect();
    assert!(
        ids.contains(&&moved["id"]) && ids.contains(&&cancelled["id"]),
        "{ids:?}"
    );
    assert!(!ids.contains(&&kept["id"]), "unchanged since the last sync");
    let moved_now = items.iter().find(|t| t["id"] == moved["id"]).unwrap();
    assert!(moved_now["engineers"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["id"] != engineer));
    let cancelled_now = items.iter().find(|t| t["id"] == cancelled["id"]).unwrap();
    assert_eq!(cancelled_now["status"], "cancelled");
    // The plain list of their work no longer names the moved ticket.
    let theirs = app
        .get(&format!("/api/v1/tickets?engineer_id={engineer}"))
        .token(&d.engineer)
        .send()
        .await
        .expect(200);
    assert!(theirs["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["id"] != moved["id"]));
}

#[actix_web::test]
async fn an_item_body_is_an_object_or_the_batch_is_refused() {
    let app = TestApp::new().await;
    let d = Desk::of(&app).await;
    let res = app
        .post("/api/v1/sync/batch")
        .token(&d.engineer)
        .json(
            json!({"items": [{"idempotency_key": "k", "ticket_id": 1, "action": "arrive",
                                "version": 0, "body": [null, null]}]}),
        )
        .send()
        .await;
    assert_eq!(res.invalid_fields(), ["items[0].body"]);
}
