//! Repair tickets over HTTP, one test per rule of docs/RULES.md (R-TKT-1 ... R-TKT-14), against
//! a fixed clock: 2026-11-23 10:00 UTC, 18:00 in the demo site's Asia/Shanghai.

mod common;

use std::collections::BTreeSet;

use chrono::Duration;
use common::{Field, TestApp, PASSWORD};
use serde_json::{json, Value};

struct Desk {
    resident: String,
    resident2: String,
    butler: String,
    engineer: String,
    manager: String,
    engineer_id: i64,
}

async fn desk(app: &TestApp) -> Desk {
    let engineer = app.token("engineer").await;
    Desk {
        resident: app.token("resident").await,
        resident2: app.token("resident2").await,
        butler: app.token("butler").await,
        manager: app.token("manager").await,
        engineer_id: app.user_id(&engineer).await,
        engineer,
    }
}

/// Moves the clock and mints tokens valid at the new time.
async fn later(app: &TestApp, by: Duration) -> Desk {
    app.clock.advance(by);
    desk(app).await
}

async fn second_engineer(app: &TestApp, d: &Desk) -> (i64, String) {
    let user = app
        .post("/api/v1/users")
        .token(&d.manager)
        .json(
            json!({"username": "engineer2", "display_name": "Zhou Qiang 周强", "role": "engineer",
                     "password": PASSWORD, "site_ids": [app.site_id]}),
        )
        .send()
        .await
        .expect(201);
    (user["id"].as_i64().unwrap(), app.token("engineer2").await)
}

async fn report(app: &TestApp, token: &str, body: Value) -> Value {
    app.post("/api/v1/tickets")
        .token(token)
        .json(body)
        .send()
        .await
        .expect(201)
}

/// The ticket as `token` sees it.
async fn view(app: &TestApp, token: &str, t: i64) -> Value {
    app.get(&format!("/api/v1/tickets/{t}"))
        .token(token)
        .send()
        .await
        .expect(200)
}

/// A refused completion kept nothing: the ticket is still on site, with no materials.
async fn assert_still_on_site_without_materials(app: &TestApp, d: &Desk, t: i64) {
    let ticket = view(app, &d.butler, t).await;
    assert_eq!(ticket["status"], "on_site");
    assert_eq!(ticket["work_order"]["materials"], json!([]));
}

async fn act(app: &TestApp, token: &str, id: i64, action: &str, body: Value) -> common::Response {
    app.action(token, "tickets", id, action, body).await
}

async fn arrive(app: &TestApp, token: &str, id: i64) -> common::Response {
    app.post(&format!("/api/v1/tickets/{id}/arrive"))
        .token(token)
        .send()
        .await
}

fn id(ticket: &Value) -> i64 {
    ticket["id"].as_i64().unwrap()
}

fn actions(ticket: &Value) -> Vec<String> {
    ticket["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

/// A resident's in-home report, dispatched to the demo engineer.
async fn dispatched(app: &TestApp, d: &Desk, category: &str, priority: &str) -> i64 {
    let unit = app.unit_id("1-1-101").await;
    let ticket = report(
        app,
        &d.resident,
        json!({"unit_id": unit, "category": category, "priority": priority, "contact_phone": "13800138000",
               "description": "Something is broken"}),
    )
    .await;
    let t = id(&ticket);
    act(
        app,
        &d.butler,
        t,
        "dispatch",
        json!({"engineer_ids": [d.engineer_id], "lead_id": d.engineer_id}),
    )
    .await
    .expect(200);
    t
}

async fn completed(app: &TestApp, d: &Desk, category: &str) -> i64 {
    let t = dispatched(app, d, category, "general").await;
    arrive(app, &d.engineer, t).await.expect(200);
    act(
        app,
        &d.engineer,
        t,
        "complete",
        json!({"labour_minutes": 30, "result_note": "Fixed"}),
    )
    .await
    .expect(200);
    t
}

// R-TKT-1 R-TKT-3 R-TKT-4 R-TKT-7 R-TKT-8 R-TKT-9 R-TKT-10
#[actix_web::test]
async fn full_story_of_an_urgent_leak() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let (engineer2_id, _) = second_engineer(&app, &d).await;
    let unit = app.unit_id("1-1-101").await;

    // The resident reports a leak in the app at 18:00 local time, and thinks it general.
    let ticket = report(
        &app,
        &d.resident,
        json!({"unit_id": unit, "category": "water_supply", "priority": "general",
               "description": "Water pouring from the kitchen ceiling", "contact_phone": "138 0013 8000"}),
    )
    .await;
    let t = id(&ticket);
    assert_eq!(ticket["number"], "BX-20261123-0001");
    assert_eq!(ticket["channel"], "app");
    assert_eq!(ticket.field("received_by"), &Value::Null);
    assert_eq!(ticket["contact_phone"], "13800138000");
    assert_eq!(ticket["unit_code"], "1-1-101");
    assert_eq!(ticket["status"], "reported");
    // R-TKT-3: the resident's choice is kept as a suggestion and sets the first deadlines:
    // general, so no arrival deadline and 72 hours for the repair.
    assert_eq!(ticket["suggested_priority"], "general");
    assert_eq!(ticket["priority"], "general");
    assert_eq!(ticket.field("deadlines.arrive"), &Value::Null);
    assert_eq!(ticket["deadlines"]["fix"]["due_at"], "2026-11-26T10:00:00Z");
    // Handed over 2023-06-30: the 2-year pipe warranty has ended, so engineering repairs.
    assert_eq!(ticket["proposed_route"], "engineering");

    // R-TKT-3: a severe leak is urgent; the butler re-classifies it. The resident's choice
    // stays on record as the suggestion; the urgent deadlines run from the report time.
    let ticket = act(
        &app,
        &d.butler,
        t,
        "reclassify",
        json!({"priority": "urgent", "note": "Severe leak through the ceiling: urgent"}),
    )
    .await
    .expect(200);
    assert_eq!(ticket["priority"], "urgent");
    assert_eq!(ticket["suggested_priority"], "general");
    assert_eq!(ticket["category"], "water_supply");
    assert_eq!(
        ticket["deadlines"]["arrive"]["due_at"],
        "2026-11-23T12:00:00Z"
    );
    assert_eq!(ticket["deadlines"]["fix"]["due_at"], "2026-11-24T10:00:00Z");
    assert_eq!(ticket["deadlines"]["fix"]["state"], "running");

    // The butler dispatches two engineers, one the lead.
    let ticket = act(
        &app,
        &d.butler,
        t,
        "dispatch",
        json!({"engineer_ids": [engineer2_id, d.engineer_id], "lead_id": d.engineer_id}),
    )
    .await
    .expect(200);
    assert_eq!(ticket["status"], "dispatched");
    assert_eq!(ticket["engineers"][0]["engineer_id"], d.engineer_id);
    assert_eq!(ticket["engineers"][0]["lead"], true);
    assert_eq!(ticket["engineers"].as_array().unwrap().len(), 2);

    // The lead is on site 90 minutes later: within the 2 hours.
    let d = later(&app, Duration::minutes(90)).await;
    let ticket = arrive(&app, &d.engineer, t).await.expect(200);
    assert_eq!(ticket["status"], "on_site");
    assert_eq!(ticket["deadlines"]["arrive"]["state"], "met");
    assert_eq!(
        ticket["deadlines"]["arrive"]["done_at"],
        "2026-11-23T11:30:00Z"
    );

    // Completes with materials.
    let d = later(&app, Duration::minutes(60)).await;
    let ticket = act(
        &app,
        &d.engineer,
        t,
        "complete",
        json!({"labour_minutes": 60, "result_note": "Replaced the burst elbow",
               "materials": [{"name": "DN20 copper elbow", "quantity": 2, "unit_price_fen": 1500},
                             {"name": "PTFE tape", "quantity": 1, "unit_price_fen": 300}]}),
    )
    .await
    .expect(200);
    assert_eq!(ticket["status"], "completed");
    assert_eq!(ticket["deadlines"]["fix"]["state"], "met");
    assert_eq!(ticket["work_order"]["head_count"], 2);
    assert_eq!(ticket["work_order"]["materials_fen"], 3300);
    assert_eq!(ticket["work_order"]["materials"][0]["total_fen"], 3000);

    // A charge from the fee schedule waits for the resident before anything is billed.
    let item = app
        .post("/api/v1/fee-items")
        .token(&d.manager)
        .json(json!({"site_id": app.site_id, "name": "Pipe joint replacement", "price_fen": 5000}))
        .send()
        .await
        .expect(201);
    let ticket = act(
        &app,
        &d.engineer,
        t,
        "charge",
        json!({"fee_item_id": item["id"]}),
    )
    .await
    .expect(200);
    assert_eq!(ticket["charge"]["status"], "awaiting_resident");
    assert_eq!(ticket["charge"]["amount_fen"], 5000);
    act(&app, &d.resident, t, "confirm", json!({"rating": 5}))
        .await
        .expect_precondition("charge_state");
    let ticket = act(&app, &d.resident, t, "accept-charge", json!({}))
        .await
        .expect(200);
    assert_eq!(ticket["charge"]["status"], "accepted");

    // The resident confirms with a rating.
    let ticket = act(
        &app,
        &d.resident,
        t,
        "confirm",
        json!({"rating": 5, "comment": "Quick and tidy"}),
    )
    .await
    .expect(200);
    assert_eq!(ticket["status"], "accepted");
    assert_eq!(ticket["acceptance"], "app");
    assert_eq!(ticket["rating"], 5);
    assert_eq!(
        ticket["deadlines"]["visit"]["due_at"],
        "2026-11-26T12:30:00Z"
    );

    // The butler's follow-up visit closes it.
    let d = later(&app, Duration::days(1)).await;
    let ticket = act(
        &app,
        &d.butler,
        t,
        "visit",
        json!({"method": "phone", "satisfaction": "satisfied", "result": "No more leaks"}),
    )
    .await
    .expect(200);
    assert_eq!(ticket["status"], "closed");
    assert_eq!(ticket["deadlines"]["visit"]["state"], "met");
    assert_eq!(ticket["visits"][0]["satisfaction"], "satisfied");
    assert_eq!(
        actions(&ticket),
        [
            "report",
            "reclassify",
            "dispatch",
            "arrive",
            "complete",
            "charge",
            "accept_charge",
            "confirm",
            "visit"
        ]
    );
    assert!(ticket["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["at"].is_string() && e["actor_id"].is_i64()));
}

// R-TKT-1
#[actix_web::test]
async fn staff_intake_records_channel_and_receiver_and_numbers_count_up() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let unit = app.unit_id("1-2-102").await;
    let first = report(
        &app,
        &d.butler,
        json!({"unit_id": unit, "category": "electrical", "priority": "general",
        "channel": "counter", "contact_phone": "13700137000", "description": "Socket sparks"}),
    )
    .await;
    assert_eq!(first["channel"], "counter");
    assert_eq!(first["received_by"], app.user_id(&d.butler).await);
    assert_eq!(first.field("suggested_priority"), &Value::Null);
    let second = report(
        &app,
        &d.butler,
        json!({"unit_id": unit, "category": "lift", "priority": "urgent",
        "contact_phone": "13700137000", "description": "Lift stuck"}),
    )
    .await;
    assert_eq!(second["channel"], "phone");
    assert_eq!(second["number"], "BX-20261123-0002");
    // The butler has no phone of their own: a contact phone is required.
    let res = app
        .post("/api/v1/tickets")
        .token(&d.butler)
        .json(
            json!({"unit_id": unit, "category": "lift", "priority": "urgent", "description": "x"}),
        )
        .send()
        .await;
    assert_eq!(res.invalid_fields(), ["contact_phone"]);
}

// R-TKT-2
#[actix_web::test]
async fn public_areas_are_reported_by_staff_and_residents_only_for_their_homes() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let res = app.post("/api/v1/tickets").token(&d.resident)
        .json(json!({"location": "Building 3 basement", "site_id": app.site_id, "category": "public_facilities",
                     "priority": "general", "contact_phone": "13800138000", "description": "Lamp out"}))
        .send().await;
    res.expect(403);
    let neighbour = app.unit_id("2-1-201").await;
    let res = app
        .post("/api/v1/tickets")
        .token(&d.resident)
        .json(
            json!({"unit_id": neighbour, "category": "drainage", "priority": "general",
                     "contact_phone": "13800138000", "description": "Blocked"}),
        )
        .send()
        .await;
    assert_eq!(res.invalid_fields(), ["unit_id"]);
    let res = app.post("/api/v1/tickets").token(&d.butler)
        .json(json!({"category": "other", "priority": "general", "contact_phone": "13800138000", "description": "?"}))
        .send().await;
    assert_eq!(res.invalid_fields(), ["unit_id"]);

    let ticket = report(
        &app,
        &d.butler,
        json!({"location": "Building 3 basement pump room", "site_id": app.site_id,
        "category": "public_facilities", "priority": "urgent", "contact_phone": "13800138000",
        "description": "Pump leaking"}),
    )
    .await;
    assert_eq!(ticket["scope"], "public_area");
    assert_eq!(ticket.field("unit_id"), &Value::Null);
    assert_eq!(ticket["location"], "Building 3 basement pump room");
    // Residents never see public-area tickets in their lists.
    let mine = app
        .get("/api/v1/tickets")
        .token(&d.resident)
        .send()
        .await
        .expect(200);
    assert_eq!(mine["items"].as_array().unwrap().len(), 0);
}

// R-TKT-3 R-TKT-4
#[actix_web::test]
async fn staff_reclassify_and_deadlines_are_recomputed_from_the_report_time() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let unit = app.unit_id("1-1-101").await;
    let ticket = report(
        &app,
        &d.resident,
        json!({"unit_id": unit, "category": "doors_windows", "priority": "general",
        "contact_phone": "13800138000", "description": "Window will not close"}),
    )
    .await;
    assert_eq!(ticket["suggested_priority"], "general");
    assert_eq!(ticket.field("deadlines.arrive"), &Value::Null);
    assert_eq!(ticket["deadlines"]["fix"]["due_at"], "2026-11-26T10:00:00Z");
    let t = id(&ticket);

    let d = later(&app, Duration::minutes(30)).await;
    act(
        &app,
        &d.resident,
        t,
        "reclassify",
        json!({"priority": "urgent", "note": "please"}),
    )
    .await
    .expect(403);
    let res = act(
        &app,
        &d.butler,
        t,
        "reclassify",
        json!({"note": "nothing to change"}),
    )
    .await;
    assert_eq!(res.invalid_fields(), ["priority"]);
    let ticket = act(&app, &d.butler, t, "reclassify",
        json!({"priority": "urgent", "category": "railings_stairs", "note": "Balcony railing loose: danger"}))
        .await
        .expect(200);
    assert_eq!(ticket["priority"], "urgent");
    assert_eq!(ticket["suggested_priority"], "general");
    assert_eq!(ticket["category"], "railings_stairs");
    assert_eq!(
        ticket["deadlines"]["arrive"]["due_at"],
        "2026-11-23T12:00:00Z"
    );
    assert_eq!(ticket["deadlines"]["fix"]["due_at"], "2026-11-24T10:00:00Z");
    let note = ticket["timeline"][1]["note"].as_str().unwrap();
    assert!(
        note.contains("general -> urgent") && note.contains("doors_windows -> railings_stairs"),
        "{note}"
    );

    // The other way: a resident's "urgent" for a sticking door is only a suggestion too.
    // Staff make it general, which drops the arrival deadline and gives the repair 72 hours
    // from the report, not from the re-classification.
    let ticket = report(
        &app,
        &d.resident,
        json!({"unit_id": unit, "category": "doors_windows", "priority": "urgent",
        "contact_phone": "13800138000", "description": "Front door sticks"}),
    )
    .await;
    assert_eq!(ticket["priority"], "urgent");
    assert_eq!(ticket["suggested_priority"], "urgent");
    assert_eq!(
        ticket["deadlines"]["arrive"]["due_at"],
        "2026-11-23T12:30:00Z"
    );
    let t = id(&ticket);
    let d = later(&app, Duration::minutes(20)).await;
    let ticket = act(
        &app,
        &d.butler,
        t,
        "reclassify",
        json!({"priority": "general", "note": "Door closes; no danger"}),
    )
    .await
    .expect(200);
    assert_eq!(ticket["priority"], "general");
    assert_eq!(ticket["suggested_priority"], "urgent");
    assert_eq!(ticket.field("deadlines.arrive"), &Value::Null);
    assert_eq!(ticket["deadlines"]["fix"]["due_at"], "2026-11-26T10:30:00Z");
    // Three hours after the report, past the urgent 2 hours: the downgraded ticket is not late.
    let d = later(&app, Duration::hours(3)).await;
    let ticket = view(&app, &d.butler, t).await;
    assert_eq!(ticket["overdue"], false);
}

// R-TKT-4 R-HW-1
#[actix_web::test]
async fn hot_water_needs_an_engineer_on_site_within_fifteen_minutes() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let t = dispatched(&app, &d, "hot_water", "general").await;
    let ticket = view(&app, &d.butler, t).await;
    assert_eq!(
        ticket["deadlines"]["arrive"]["due_at"],
        "2026-11-23T10:15:00Z"
    );
    assert_eq!(ticket["overdue"], false);
    let d = later(&app, Duration::minutes(16)).await;
    let ticket = view(&app, &d.butler, t).await;
    assert_eq!(ticket["deadlines"]["arrive"]["state"], "missed");
    assert_eq!(ticket["overdue"], true);
    // Late arrival stays recorded as missed.
    let ticket = arrive(&app, &d.engineer, t).await.expect(200);
    assert_eq!(ticket["deadlines"]["arrive"]["state"], "missed");
    assert_eq!(ticket["overdue"], false);
}

// R-TKT-5
#[actix_web::test]
async fn defects_under_construction_warranty_go_to_the_developer() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let unit = app.unit_id("2-1-201").await;
    // Handed over 2024-12-31: pipes are under the developer's warranty until 2026-12-31.
    let ticket = report(
        &app,
        &d.resident2,
        json!({"unit_id": unit, "category": "drainage", "priority": "general",
        "contact_phone": "13900139000", "description": "Floor drain backs up"}),
    )
    .await;
    assert_eq!(ticket["proposed_route"], "developer");
    assert!(ticket["route_reason"]
        .as_str()
        .unwrap()
        .contains("until 2026-12-31"));
    let t = id(&ticket);

    let res = act(
        &app,
        &d.butler,
        t,
        "transfer",
        json!({"slip": "GZLXD-118", "developer_due_at": "2026-11-01T00:00:00Z"}),
    )
    .await;
    assert_eq!(res.invalid_fields(), ["developer_due_at"]);
    let ticket = act(&app, &d.butler, t, "transfer",
        json!({"slip": "GZLXD-118: floor drain, 2-1-201", "developer_due_at": "2026-11-30T10:00:00Z"}))
        .await
        .expect(200);
    assert_eq!(ticket["status"], "transferred");
    assert_eq!(ticket["route"], "developer");
    assert_eq!(ticket["deadlines"]["developer"]["state"], "running");
    let ticket = act(
        &app,
        &d.butler,
        t,
        "developer-acknowledge",
        json!({"note": "Confirmed by phone"}),
    )
    .await
    .expect(200);
    assert!(ticket["developer"]["acknowledged_at"].is_string());
    act(&app, &d.butler, t, "developer-acknowledge", json!({}))
        .await
        .expect_precondition("developer_acknowledged");
    // The developer's repairs are not ours to charge.
    let d = later(&app, Duration::days(3)).await;
    let ticket = act(
        &app,
        &d.butler,
        t,
        "developer-complete",
        json!({"note": "Developer's crew fixed it"}),
    )
    .await
    .expect(200);
    assert_eq!(ticket["status"], "completed");
    assert_eq!(ticket["deadlines"]["developer"]["state"], "met");
    // R-TKT-6: only engineering's take-over is settled with the developer.
    act(&app, &d.butler, t, "settlement-signed", json!({}))
        .await
        .expect_precondition("not_taken_over");
    act(
        &app,
        &d.butler,
        t,
        "charge",
        json!({"amount_fen": 100, "description": "x"}),
    )
    .await
    .expect_precondition("developer_repair");
}

// R-TKT-6
#[actix_web::test]
async fn engineering_takes_over_when_the_developer_misses_its_deadline() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let unit = app.unit_id("2-1-201").await;
    let ticket = report(
        &app,
        &d.resident2,
        json!({"unit_id": unit, "category": "roof_wall_seepage", "priority": "general",
        "contact_phone": "13900139000", "description": "Damp patch on the bedroom wall"}),
    )
    .await;
    let t = id(&ticket);
    act(
        &app,
        &d.butler,
        t,
        "transfer",
        json!({"slip": "GZLXD-119", "developer_due_at": "2026-11-30T10:00:00Z"}),
    )
    .await
    .expect(200);
    act(&app, &d.butler, t, "take-over", json!({}))
        .await
        .expect_precondition("developer_deadline_running");

    let d = later(&app, Duration::days(8)).await;
    let overdue = app
        .get("/api/v1/tickets?overdue=true")
        .token(&d.butler)
        .send()
        .await
        .expect(200);
    assert_eq!(overdue["items"][0]["id"], t);
    let ticket = act(
        &app,
        &d.butler,
        t,
        "take-over",
        json!({"note": "Developer silent for a week"}),
    )
    .await
    .expect(200);
    assert_eq!(ticket["status"], "reported");
    assert_eq!(ticket["route"], "engineering");
    assert_eq!(ticket["deadlines"]["developer"]["state"], "missed");
    // New deadlines for engineering from the take-over.
    assert_eq!(ticket["deadlines"]["fix"]["due_at"], "2026-12-04T10:00:00Z");

    act(
        &app,
        &d.butler,
        t,
        "dispatch",
        json!({"engineer_ids": [d.engineer_id], "lead_id": d.engineer_id}),
    )
    .await
    .expect(200);
    arrive(&app, &d.engineer, t).await.expect(200);
    act(&app, &d.butler, t, "settlement-signed", json!({}))
        .await
        .expect_conflict("invalid-transition");
    let ticket = act(
        &app,
        &d.engineer,
        t,
        "complete",
        json!({"labour_minutes": 240, "result_note": "Resealed the wall",
        "materials": [{"name": "Sealant", "quantity": 3, "unit_price_fen": 4500}]}),
    )
    .await
    .expect(200);
    assert_eq!(ticket["developer"]["settlement_fen"], 13500);
    let ticket = act(
        &app,
        &d.butler,
        t,
        "settlement-signed",
        json!({"note": "Signed by the developer's Mr Wu"}),
    )
    .await
    .expect(200);
    assert!(ticket["developer"]["settlement_signed_at"].is_string());
    act(&app, &d.butler, t, "settlement-signed", json!({}))
        .await
        .expect_precondition("settlement_signed");
}

// R-TKT-7
#[actix_web::test]
async fn work_orders_belong_to_their_engineers_and_refuse_bad_materials() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let (engineer2_id, engineer2) = second_engineer(&app, &d).await;
    let t = dispatched(&app, &d, "electrical", "urgent").await;

    // Only assigned engineers act; the engineer's list holds the order.
    arrive(&app, &engineer2, t).await.expect(403);
    let orders = app
        .get("/api/v1/tickets/work-orders")
        .token(&d.engineer)
        .send()
        .await
        .expect(200);
    assert_eq!(orders[0]["id"], t);
    let none = app
        .get("/api/v1/tickets/work-orders")
        .token(&engineer2)
        .send()
        .await
        .expect(200);
    assert_eq!(none, json!([]));
    let res = act(
        &app,
        &d.butler,
        t,
        "dispatch",
        json!({"engineer_ids": [engineer2_id], "lead_id": d.engineer_id}),
    )
    .await;
    assert_eq!(res.invalid_fields(), ["lead_id"]);
    let resident_id = json!(app.user_id(&d.resident).await);
    let res = act(
        &app,
        &d.butler,
        t,
        "dispatch",
        json!({"engineer_ids": [resident_id], "lead_id": resident_id}),
    )
    .await;
    assert_eq!(res.invalid_fields(), ["engineer_ids[0]"]);

    arrive(&app, &d.engineer, t).await.expect(200);
    arrive(&app, &d.engineer, t)
        .await
        .expect_conflict("invalid-transition");
    let res = act(
        &app,
        &d.engineer,
        t,
        "complete",
        json!({"labour_minutes": 30, "result_note": "ok",
        "materials": [{"name": "Fuse", "quantity": -1, "unit_price_fen": 100}]}),
    )
    .await;
    assert_eq!(res.invalid_fields(), ["materials[0].quantity"]);
    let res = act(
        &app,
        &d.engineer,
        t,
        "complete",
        json!({"labour_minutes": 30, "result_note": "ok",
        "materials": [{"name": "Fuse", "quantity": 1, "unit_price_fen": 12.5}]}),
    )
    .await;
    assert_eq!(res.invalid_fields(), ["materials[0].unit_price_fen"]);
    let res = act(
        &app,
        &d.engineer,
        t,
        "complete",
        json!({"labour_minutes": 0, "result_note": ""}),
    )
    .await;
    // The text's bound is the body's shape, checked first; the rule on minutes after.
    assert_eq!(res.invalid_fields(), ["result_note"]);
    let res = act(
        &app,
        &d.engineer,
        t,
        "complete",
        json!({"labour_minutes": 0, "head_count": 51, "result_note": "ok"}),
    )
    .await;
    assert_eq!(res.invalid_fields(), ["labour_minutes", "head_count"]);
    // Nothing of the rejected attempts was kept.
    assert_still_on_site_without_materials(&app, &d, t).await;

    let ticket = act(
        &app,
        &d.engineer,
        t,
        "complete",
        json!({"labour_minutes": 45, "head_count": 3, "result_note": "Rewired",
        "materials": [{"name": "Fuse", "quantity": 4, "unit_price_fen": 250}]}),
    )
    .await
    .expect(200);
    assert_eq!(ticket["work_order"]["head_count"], 3);
    assert_eq!(ticket["work_order"]["labour_minutes"], 45);
    assert_eq!(ticket["work_order"]["materials_fen"], 1000);
}

// R-TKT-7: a work order's money is bounded where it enters: a unit price above
// 100 000 000 yuan (or a quantity above 10 000) is refused at its field with 422 and
// changes nothing, so no total of real lines can overflow. The largest price is accepted.
#[actix_web::test]
async fn amounts_beyond_the_bound_are_refused_and_change_nothing() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let largest: i64 = 10_000_000_000;
    let t = dispatched(&app, &d, "other", "general").await;
    arrive(&app, &d.engineer, t).await.expect(200);
    for (material, field) in [
        (
            json!({"name": "Pump", "quantity": 1, "unit_price_fen": largest + 1}),
            "materials[0].unit_price_fen",
        ),
        (
            json!({"name": "Pump", "quantity": 1, "unit_price_fen": i64::MAX}),
            "materials[0].unit_price_fen",
        ),
        (
            json!({"name": "Pump", "quantity": 1, "unit_price_fen": -1}),
            "materials[0].unit_price_fen",
        ),
        (
            json!({"name": "Pump", "quantity": 10_001, "unit_price_fen": 1}),
            "materials[0].quantity",
        ),
    ] {
        let res = act(
            &app,
            &d.engineer,
            t,
            "complete",
            json!({"labour_minutes": 30, "result_note": "Gold-plated pump", "materials": [material]}),
        )
        .await;
        assert_eq!(res.invalid_fields(), [field]);
    }
    assert_still_on_site_without_materials(&app, &d, t).await;

    let ticket = act(
        &app,
        &d.engineer,
        t,
        "complete",
        json!({"labour_minutes": 30, "result_note": "Gold-plated pumps",
               "materials": [{"name": "Pump", "quantity": 10_000, "unit_price_fen": largest}]}),
    )
    .await
    .expect(200);
    assert_eq!(ticket["work_order"]["materials_fen"], largest * 10_000);
}

// R-TKT-8
#[actix_web::test]
async fn charges_outside_the_schedule_need_a_manager_and_the_resident_may_decline() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let t = completed(&app, &d, "sanitary_fittings").await;
    let res = act(
        &app,
        &d.engineer,
        t,
        "charge",
        json!({"amount_fen": -1, "description": ""}),
    )
    .await;
    assert_eq!(res.invalid_fields(), ["amount_fen", "description"]);
    let res = act(&app, &d.engineer, t, "charge", json!({"amount_fen": 0})).await;
    assert_eq!(res.invalid_fields(), ["amount_fen", "description"]);
    let ticket = act(
        &app,
        &d.engineer,
        t,
        "charge",
        json!({"amount_fen": 8800, "description": "Resident's own shower mixer"}),
    )
    .await
    .expect(200);
    assert_eq!(ticket["charge"]["status"], "pending_approval");
    act(&app, &d.resident, t, "accept-charge", json!({}))
        .await
        .expect_precondition("charge_state");
    act(&app, &d.butler, t, "approve-charge", json!({}))
        .await
        .expect(403);
    let ticket = act(
        &app,
        &d.manager,
        t,
        "approve-charge",
        json!({"note": "Fee review done"}),
    )
    .await
    .expect(200);
    assert_eq!(ticket["charge"]["status"], "awaiting_resident");
    let ticket = act(
        &app,
        &d.resident,
        t,
        "decline-charge",
        json!({"note": "I will buy the part myself"}),
    )
    .await
    .expect(200);
    assert_eq!(ticket["charge"]["status"], "declined");
    // Declined: nothing is billed and acceptance may go ahead.
    act(&app, &d.resident, t, "confirm", json!({"rating": 4}))
        .await
        .expect(200);
}

// R-TKT-9
#[actix_web::test]
async fn a_rejected_repair_goes_back_and_paper_signatures_count() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let t = completed(&app, &d, "doors_windows").await;
    for rating in [0, 6] {
        let res = act(&app, &d.resident, t, "confirm", json!({"rating": rating})).await;
        assert_eq!(res.invalid_fields(), ["rating"]);
    }
    act(&app, &d.resident2, t, "confirm", json!({"rating": 5}))
        .await
        .expect(404);
    act(&app, &d.engineer, t, "confirm", json!({"rating": 5}))
        .await
        .expect(403);

    let ticket = act(
        &app,
        &d.resident,
        t,
        "reject",
        json!({"reason": "Still draughty"}),
    )
    .await
    .expect(200);
    assert_eq!(ticket["status"], "rework");
    assert_eq!(ticket["rework_count"], 1);
    assert_eq!(ticket.field("completed_at"), &Value::Null);
    assert_eq!(ticket["deadlines"]["fix"]["state"], "running");
    arrive(&app, &d.engineer, t).await.expect(200);
    act(
        &app,
        &d.engineer,
        t,
        "complete",
        json!({"labour_minutes": 20, "result_note": "New seal"}),
    )
    .await
    .expect(200);
    let ticket = act(
        &app,
        &d.butler,
        t,
        "record-signature",
        json!({"rating": 4, "comment": "Signed on paper"}),
    )
    .await
    .expect(200);
    assert_eq!(ticket["status"], "accepted");
    assert_eq!(ticket["acceptance"], "paper");
    assert_eq!(ticket["rating"], 4);
}

// R-TKT-10 R-HW-1
#[actix_web::test]
async fn hot_water_repairs_are_visited_the_same_local_day() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let t = completed(&app, &d, "hot_water").await;
    let ticket = view(&app, &d.butler, t).await;
    // Completed 18:00 in Shanghai: the visit is due by 23:59:59 local, 15:59:59 UTC.
    assert_eq!(
        ticket["deadlines"]["visit"]["due_at"],
        "2026-11-23T15:59:59Z"
    );
    act(&app, &d.resident, t, "confirm", json!({"rating": 5}))
        .await
        .expect(200);
    act(
        &app,
        &d.engineer,
        t,
        "visit",
        json!({"method": "visit", "satisfaction": "neutral", "result": "ok"}),
    )
    .await
    .expect(403);
    let res = act(
        &app,
        &d.butler,
        t,
        "visit",
        json!({"method": "email", "satisfaction": "neutral", "result": "ok"}),
    )
    .await;
    assert_eq!(res.invalid_fields(), ["method"]);
    let d = later(&app, Duration::hours(7)).await;
    let ticket = act(
        &app,
        &d.butler,
        t,
        "visit",
        json!({"method": "visit", "satisfaction": "neutral", "result": "Warm water again"}),
    )
    .await
    .expect(200);
    assert_eq!(ticket["deadlines"]["visit"]["state"], "missed");
    assert_eq!(ticket["status"], "closed");
}

// R-TKT-11
#[actix_web::test]
async fn overdue_orders_are_listed_and_chased() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let late = dispatched(&app, &d, "lift", "urgent").await;
    let on_time = dispatched(&app, &d, "other", "general").await;
    let d = later(&app, Duration::hours(3)).await;
    let overdue = app
        .get("/api/v1/tickets?overdue=true")
        .token(&d.butler)
        .send()
        .await
        .expect(200);
    let ids: Vec<i64> = overdue["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [late]);
    assert!(ids.iter().all(|i| *i != on_time));

    let res = act(
        &app,
        &d.butler,
        late,
        "chase",
        json!({"reason": "", "told_resident": ""}),
    )
    .await;
    assert_eq!(res.invalid_fields(), ["reason", "told_resident"]);
    let ticket = act(&app, &d.butler, late, "chase",
        json!({"reason": "Lift company's technician delayed", "told_resident": "Called: technician by 15:00"}))
        .await
        .expect(200);
    let last = ticket["timeline"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["action"], "chase");
    assert!(last["note"]
        .as_str()
        .unwrap()
        .contains("technician by 15:00"));
    assert_eq!(ticket["status"], "dispatched");
}

/// The ids of a page of tickets.
fn item_ids(page: &Value) -> Vec<i64> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect()
}

/// A report by `resident2` for 2-1-201 (under the developer's warranty), transferred to the
/// developer with a deadline this far from now.
async fn transferred(app: &TestApp, d: &Desk, due_in: Duration) -> i64 {
    let unit = app.unit_id("2-1-201").await;
    let t = id(&report(
        app,
        &d.resident2,
        json!({"unit_id": unit, "category": "roof_wall_seepage", "priority": "general",
               "contact_phone": "13900139000", "description": "Damp wall"}),
    )
    .await);
    let due = (app.clock_now() + due_in).to_rfc3339();
    act(
        app,
        &d.butler,
        t,
        "transfer",
        json!({"slip": "GZLXD-120", "developer_due_at": due}),
    )
    .await
    .expect(200);
    t
}

// R-TKT-4 R-TKT-11: the `?overdue=true` filter (SQL) and each ticket's `overdue` flag (Rust)
// agree, in each of the four ways a ticket is late and in the states that only nearly are.
#[actix_web::test]
async fn the_overdue_filter_lists_exactly_the_tickets_flagged_overdue() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let unit = app.unit_id("1-1-101").await;

    // 2026-11-23 10:00 UTC.
    // Repair late: urgent, on site in time, still not repaired 25 hours later (24 h).
    let repair_late = dispatched(&app, &d, "water_supply", "urgent").await;
    arrive(&app, &d.engineer, repair_late).await.expect(200);
    // Near miss: urgent and repaired in time; the 24 hours pass while it waits for the
    // resident's acceptance.
    let repaired_in_time = dispatched(&app, &d, "electrical", "urgent").await;
    arrive(&app, &d.engineer, repaired_in_time)
        .await
        .expect(200);
    act(
        &app,
        &d.engineer,
        repaired_in_time,
        "complete",
        json!({"labour_minutes": 30, "result_note": "Fixed"}),
    )
    .await
    .expect(200);
    // Visit late: a hot-water repair accepted today, its visit due by the end of the local
    // day (15:59:59 UTC), not visited by tomorrow.
    let visit_late = completed(&app, &d, "hot_water").await;
    act(
        &app,
        &d.resident,
        visit_late,
        "confirm",
        json!({"rating": 5}),
    )
    .await
    .expect(200);
    // Near miss: accepted, its visit due in 3 days.
    let visit_in_time = completed(&app, &d, "doors_windows").await;
    act(
        &app,
        &d.resident,
        visit_in_time,
        "confirm",
        json!({"rating": 5}),
    )
    .await
    .expect(200);
    // Near miss: a hot-water repair visited late, but visited: closed.
    let visited_late = completed(&app, &d, "hot_water").await;
    act(
        &app,
        &d.resident,
        visited_late,
        "confirm",
        json!({"rating": 4}),
    )
    .await
    .expect(200);
    // Developer late: its agreed deadline passes while the ticket is still with it.
    let developer_late = transferred(&app, &d, Duration::hours(12)).await;
    // Near misses: the developer's deadline still ahead; the developer done in time.
    let developer_in_time = transferred(&app, &d, Duration::days(3)).await;
    let developer_done = transferred(&app, &d, Duration::hours(12)).await;
    act(
        &app,
        &d.butler,
        developer_done,
        "developer-complete",
        json!({}),
    )
    .await
    .expect(200);

    // 2026-11-24 08:00 UTC.
    let d = later(&app, Duration::hours(22)).await;
    // Arrival late: urgent and dispatched, nobody on site 3 hours later (2 h).
    let arrival_late = dispatched(&app, &d, "lift", "urgent").await;
    // Near miss: urgent, on site within the hour, the repair still running.
    let arrived_in_time = dispatched(&app, &d, "railings_stairs", "urgent").await;
    // Near miss: a general report has no arrival deadline and 72 hours for the repair.
    let general_waiting = id(&report(
        &app,
        &d.resident,
        json!({"unit_id": unit, "category": "other", "priority": "general",
               "contact_phone": "13800138000", "description": "Loose tile"}),
    )
    .await);
    // Near miss: urgent but cancelled before anyone went.
    let cancelled = dispatched(&app, &d, "drainage", "urgent").await;
    act(
        &app,
        &d.resident,
        cancelled,
        "cancel",
        json!({"reason": "Cleared it myself"}),
    )
    .await
    .expect(200);

    let d = later(&app, Duration::hours(1)).await;
    arrive(&app, &d.engineer, arrived_in_time).await.expect(200);

    // 2026-11-24 10:30 UTC: arrival late, hot water, reported and not dispatched (15 min).
    let d = later(&app, Duration::minutes(90)).await;
    let hot_water_late = id(&report(
        &app,
        &d.resident,
        json!({"unit_id": unit, "category": "hot_water", "priority": "general",
               "contact_phone": "13800138000", "description": "No hot water"}),
    )
    .await);

    // 2026-11-24 11:00 UTC: everything is looked at.
    let d = later(&app, Duration::minutes(30)).await;
    act(
        &app,
        &d.butler,
        visited_late,
        "visit",
        json!({"method": "phone", "satisfaction": "satisfied", "result": "Warm again"}),
    )
    .await
    .expect(200);

    let all = app
        .get("/api/v1/tickets?limit=100")
        .token(&d.butler)
        .send()
        .await
        .expect(200);
    let items = all["items"].as_array().unwrap();
    assert_eq!(items.len(), 13, "every ticket of the test is on the page");
    let flagged: BTreeSet<i64> = items
        .iter()
        .filter(|t| t["overdue"] == true)
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    let filtered: BTreeSet<i64> = item_ids(
        &app.get("/api/v1/tickets?overdue=true&limit=100")
            .token(&d.butler)
            .send()
            .await
            .expect(200),
    )
    .into_iter()
    .collect();
    assert_eq!(filtered, flagged, "the filter and the flag disagree");
    assert_eq!(
        filtered,
        BTreeSet::from([
            arrival_late,
            hot_water_late,
            repair_late,
            developer_late,
            visit_late
        ])
    );

    // Each is late for its own reason only, so each is the one proof of its situation.
    let ticket = |t: i64| items.iter().find(|i| i["id"] == t).unwrap().clone();
    let state = |t: i64, deadline: &str| ticket(t)["deadlines"][deadline]["state"].clone();
    for late in [arrival_late, hot_water_late] {
        assert_eq!(state(late, "arrive"), "missed");
        assert_eq!(state(late, "fix"), "running");
    }
    assert_eq!(ticket(hot_water_late)["status"], "reported");
    assert_eq!(ticket(arrival_late)["status"], "dispatched");
    assert_eq!(state(repair_late, "arrive"), "met");
    assert_eq!(state(repair_late, "fix"), "missed");
    assert_eq!(ticket(repair_late)["status"], "on_site");
    assert_eq!(state(developer_late, "developer"), "missed");
    assert_eq!(state(developer_late, "fix"), "running");
    assert_eq!(ticket(developer_late)["status"], "transferred");
    assert_eq!(state(visit_late, "visit"), "missed");
    assert_eq!(state(visit_late, "fix"), "met");
    assert_eq!(ticket(visit_late)["status"], "accepted");

    // The near misses: a deadline passed with its duty done, or none has passed yet.
    assert_eq!(state(repaired_in_time, "fix"), "met");
    assert_eq!(ticket(repaired_in_time)["status"], "completed");
    assert_eq!(state(arrived_in_time, "arrive"), "met");
    assert_eq!(state(arrived_in_time, "fix"), "running");
    assert_eq!(state(visited_late, "visit"), "missed");
    assert_eq!(ticket(visited_late)["status"], "closed");
    assert_eq!(state(visit_in_time, "visit"), "running");
    assert_eq!(state(developer_in_time, "developer"), "running");
    assert_eq!(state(developer_done, "developer"), "met");
    assert_eq!(ticket(cancelled)["status"], "cancelled");
    assert_eq!(
        ticket(general_waiting).field("deadlines.arrive"),
        &Value::Null
    );
    for near_miss in [
        repaired_in_time,
        arrived_in_time,
        visited_late,
        visit_in_time,
        developer_in_time,
        developer_done,
        cancelled,
        general_waiting,
    ] {
        assert_eq!(ticket(near_miss)["overdue"], false, "ticket {near_miss}");
    }
}

// R-TKT-12
#[actix_web::test]
async fn a_repeat_within_three_months_is_linked_and_free() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let original = completed(&app, &d, "drainage").await;
    act(&app, &d.resident, original, "confirm", json!({"rating": 5}))
        .await
        .expect(200);

    let d = later(&app, Duration::days(60)).await;
    let unit = app.unit_id("1-1-101").await;
    let repeat = report(
        &app,
        &d.resident,
        json!({"unit_id": unit, "category": "drainage", "priority": "general",
        "contact_phone": "13800138000", "description": "Blocked again"}),
    )
    .await;
    assert_eq!(repeat["warranty_of"], original);
    assert_eq!(repeat["free_of_charge"], true);
    assert!(repeat["timeline"][0]["note"]
        .as_str()
        .unwrap()
        .contains("workmanship warranty"));
    let other = report(
        &app,
        &d.resident,
        json!({"unit_id": unit, "category": "electrical", "priority": "general",
        "contact_phone": "13800138000", "description": "Other fault"}),
    )
    .await;
    assert_eq!(other.field("warranty_of"), &Value::Null);
    // Free repairs cannot be charged.
    let r = id(&repeat);
    act(
        &app,
        &d.butler,
        r,
        "dispatch",
        json!({"engineer_ids": [d.engineer_id], "lead_id": d.engineer_id}),
    )
    .await
    .expect(200);
    arrive(&app, &d.engineer, r).await.expect(200);
    act(
        &app,
        &d.engineer,
        r,
        "charge",
        json!({"amount_fen": 500, "description": "Cleaning"}),
    )
    .await
    .expect_precondition("warranty_repeat");

    let d = later(&app, Duration::days(40)).await;
    let later = report(
        &app,
        &d.resident,
        json!({"unit_id": unit, "category": "drainage", "priority": "general",
        "contact_phone": "13800138000", "description": "Blocked a third time"}),
    )
    .await;
    assert_eq!(later.field("warranty_of"), &Value::Null);
    assert_eq!(later["free_of_charge"], false);
}

// R-TKT-13
#[actix_web::test]
async fn the_daily_board_shows_new_open_unassigned_overdue_and_completed() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let unit = app.unit_id("1-2-101").await;
    let unassigned = id(&report(
        &app,
        &d.butler,
        json!({"unit_id": unit, "category": "lift", "priority": "urgent",
        "contact_phone": "13700137000", "description": "Lift stuck"}),
    )
    .await);
    let done = completed(&app, &d, "other").await;
    let d = later(&app, Duration::hours(3)).await;
    let board = app
        .get(&format!(
            "/api/v1/tickets/daily-board?site_id={}&date=2026-11-23",
            app.site_id
        ))
        .token(&d.engineer)
        .send()
        .await
        .expect(200);
    let ids = |key: &str| -> Vec<i64> {
        assert_eq!(
            board[key]["count"],
            board[key]["items"].as_array().unwrap().len()
        );
        board[key]["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(ids("new"), [done, unassigned]);
    assert_eq!(ids("open"), [done, unassigned]);
    assert_eq!(ids("unassigned"), [unassigned]);
    assert_eq!(ids("overdue"), [unassigned]);
    assert_eq!(ids("completed"), [done]);
    let next_day = app
        .get(&format!(
            "/api/v1/tickets/daily-board?site_id={}&date=2026-11-24",
            app.site_id
        ))
        .token(&d.engineer)
        .send()
        .await
        .expect(200);
    assert_eq!(
        next_day["new"],
        json!({"count": 0, "items": [], "next_cursor": null})
    );
    app.get(&format!(
        "/api/v1/tickets/daily-board?site_id={}",
        app.site_id
    ))
    .token(&d.resident)
    .send()
    .await
    .expect(403);
}

// R-TKT-13: no ticket is lost however busy the day: every section counts exactly, shows its
// newest, and its own route pages through the rest.
#[actix_web::test]
async fn a_busy_day_board_counts_every_ticket_and_pages_each_section() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let unit = app.unit_id("1-2-101").await;
    let mut reported = Vec::new();
    for n in 0..25 {
        reported.push(id(&report(
            &app,
            &d.butler,
            json!({"unit_id": unit, "category": "lift", "priority": "urgent",
                   "contact_phone": "13700137000", "description": format!("Lift stuck {n}")}),
        )
        .await));
    }
    let d = later(&app, Duration::hours(3)).await;
    let board = app
        .get(&format!(
            "/api/v1/tickets/daily-board?site_id={}&date=2026-11-23",
            app.site_id
        ))
        .token(&d.engineer)
        .send()
        .await
        .expect(200);
    for section in ["new", "open", "unassigned", "overdue"] {
        assert_eq!(board[section]["count"], 25, "{section}");
        assert_eq!(board[section]["items"].as_array().unwrap().len(), 20);
    }
    assert_eq!(board["completed"]["count"], 0);

    // Paging the overdue section yields every overdue ticket once, newest first.
    let mut seen = Vec::new();
    let mut cursor = board["overdue"]["next_cursor"].as_str().map(str::to_owned);
    seen.extend(
        board["overdue"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_i64().unwrap()),
    );
    while let Some(after) = cursor {
        let page = app
            .get(&format!(
                "/api/v1/tickets/daily-board/overdue?site_id={}&date=2026-11-23&limit=2&cursor={after}",
                app.site_id
            ))
            .token(&d.butler)
            .send()
            .await
            .expect(200);
        assert_eq!(page["count"], 25);
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["id"].as_i64().unwrap()),
        );
        cursor = page["next_cursor"].as_str().map(str::to_owned);
    }
    reported.reverse();
    assert_eq!(seen, reported);

    app.get(&format!(
        "/api/v1/tickets/daily-board/late?site_id={}",
        app.site_id
    ))
    .token(&d.butler)
    .send()
    .await
    .expect(404);
    app.get(&format!(
        "/api/v1/tickets/daily-board/open?site_id={}",
        app.site_id
    ))
    .token(&d.resident)
    .send()
    .await
    .expect(403);
}

// R-TKT-13 R-TKT-5 R-TKT-6: unassigned means open, for engineering and not dispatched. A
// ticket with the developer, or proposed for it, waits for the developer or the desk's
// transfer, not for an engineer; one engineering takes back is unassigned again until
// dispatched.
#[actix_web::test]
async fn the_daily_board_counts_only_undispatched_engineering_tickets_as_unassigned() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let unit = app.unit_id("1-2-101").await;
    let nobody_dispatched = id(&report(
        &app,
        &d.butler,
        json!({"unit_id": unit, "category": "lift", "priority": "urgent",
               "contact_phone": "13700137000", "description": "Lift stuck"}),
    )
    .await);
    let dispatched = dispatched(&app, &d, "other", "general").await;
    let warranty_unit = app.unit_id("2-1-201").await;
    let proposed = report(
        &app,
        &d.resident2,
        json!({"unit_id": warranty_unit, "category": "drainage", "priority": "general",
               "contact_phone": "13900139000", "description": "Floor drain backs up"}),
    )
    .await;
    assert_eq!(proposed["route"], "developer");
    assert_eq!(proposed["status"], "reported");
    let proposed = id(&proposed);
    let with_developer = transferred(&app, &d, Duration::days(3)).await;
    let taken_back = transferred(&app, &d, Duration::hours(1)).await;

    let d = later(&app, Duration::hours(2)).await;
    let ticket = act(
        &app,
        &d.butler,
        taken_back,
        "take-over",
        json!({"note": "Developer did not come"}),
    )
    .await
    .expect(200);
    assert_eq!(ticket["status"], "reported");
    assert_eq!(ticket["route"], "engineering");

    let board = |d: Desk| {
        let app = &app;
        async move {
            app.get(&format!(
                "/api/v1/tickets/daily-board?site_id={}&date=2026-11-23",
                app.site_id
            ))
            .token(&d.engineer)
            .send()
            .await
            .expect(200)
        }
    };
    let ids = |board: &Value, key: &str| -> Vec<i64> {
        board[key]["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_i64().unwrap())
            .collect()
    };
    let today = board(desk(&app).await).await;
    assert_eq!(
        ids(&today, "open"),
        [
            taken_back,
            with_developer,
            proposed,
            dispatched,
            nobody_dispatched
        ]
    );
    assert_eq!(ids(&today, "unassigned"), [taken_back, nobody_dispatched]);

    act(
        &app,
        &d.butler,
        taken_back,
        "dispatch",
        json!({"engineer_ids": [d.engineer_id], "lead_id": d.engineer_id}),
    )
    .await
    .expect(200);
    let today = board(desk(&app).await).await;
    assert_eq!(ids(&today, "unassigned"), [nobody_dispatched]);
    assert_eq!(ids(&today, "open").len(), 5);
}

// R-TKT-14
#[actix_web::test]
async fn public_facility_log_monthly_costs_and_unit_history() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let public = id(&report(
        &app,
        &d.butler,
        json!({"location": "Building 2 stairwell", "site_id": app.site_id,
        "category": "public_facilities", "priority": "general", "contact_phone": "13700137000",
        "description": "Stair light out"}),
    )
    .await);
    act(
        &app,
        &d.butler,
        public,
        "dispatch",
        json!({"engineer_ids": [d.engineer_id], "lead_id": d.engineer_id}),
    )
    .await
    .expect(200);
    arrive(&app, &d.engineer, public).await.expect(200);
    act(
        &app,
        &d.engineer,
        public,
        "complete",
        json!({"labour_minutes": 25, "result_note": "New lamp",
        "materials": [{"name": "LED lamp", "quantity": 2, "unit_price_fen": 1800}]}),
    )
    .await
    .expect(200);
    let in_home = completed(&app, &d, "electrical").await;

    let log = app
        .get("/api/v1/tickets?scope=public_area")
        .token(&d.butler)
        .send()
        .await
        .expect(200);
    let ids: Vec<i64> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [public]);
    let unit = app.unit_id("1-1-101").await;
    let history = app
        .get(&format!("/api/v1/tickets?unit_id={unit}"))
        .token(&d.butler)
        .send()
        .await
        .expect(200);
    assert_eq!(history["items"][0]["id"], in_home);

    let costs = app
        .get(&format!(
            "/api/v1/tickets/public-costs?site_id={}&month=2026-11",
            app.site_id
        ))
        .token(&d.manager)
        .send()
        .await
        .expect(200);
    assert_eq!(
        costs["by_category"],
        json!([{"category": "public_facilities", "tickets": 1, "labour_minutes": 25, "materials_fen": 3600}])
    );
    assert_eq!(costs["total_materials_fen"], 3600);
    let res = app
        .get(&format!(
            "/api/v1/tickets/public-costs?site_id={}&month=2027-01",
            app.site_id
        ))
        .token(&d.manager)
        .send()
        .await;
    assert_eq!(res.invalid_fields(), ["month"]);
    let res = app
        .get(&format!(
            "/api/v1/tickets/public-costs?site_id={}&month=November",
            app.site_id
        ))
        .token(&d.manager)
        .send()
        .await;
    assert_eq!(res.invalid_fields(), ["month"]);
}

#[actix_web::test]
async fn residents_and_other_sites_see_only_their_own_tickets() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let other = app.other_site().await;
    let t = dispatched(&app, &d, "other", "general").await;
    app.get(&format!("/api/v1/tickets/{t}"))
        .token(&d.resident)
        .send()
        .await
        .expect(200);
    app.get(&format!("/api/v1/tickets/{t}"))
        .token(&d.resident2)
        .send()
        .await
        .expect(404);
    act(
        &app,
        &d.resident2,
        t,
        "cancel",
        json!({"reason": "not mine"}),
    )
    .await
    .expect(404);
    let theirs = app
        .get("/api/v1/tickets")
        .token(&d.resident2)
        .send()
        .await
        .expect(200);
    assert_eq!(theirs["items"], json!([]));
    let river = app.token("butler.river").await;
    app.get(&format!("/api/v1/tickets/{t}"))
        .token(&river)
        .send()
        .await
        .expect(404);
    let listed = app
        .get("/api/v1/tickets")
        .token(&river)
        .send()
        .await
        .expect(200);
    assert_eq!(listed["items"], json!([]));
    let res = app.post("/api/v1/tickets").token(&river)
        .json(json!({"unit_id": app.unit_id("1-1-101").await, "category": "other", "priority": "general",
                     "contact_phone": "13700137000", "description": "x"}))
        .send().await;
    assert_eq!(res.invalid_fields(), ["unit_id"]);
    assert!(other.unit_id > 0);
}

#[actix_web::test]
async fn an_engineer_of_two_sites_gets_both_sites_work_orders_soonest_deadline_first() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let other = app.other_site().await;
    let both = app
        .post("/api/v1/users")
        .token(&d.manager)
        .json(
            json!({"username": "engineer.both", "display_name": "Both Sites", "role": "engineer",
                     "password": PASSWORD, "site_ids": [app.site_id, other.site_id]}),
        )
        .send()
        .await
        .expect(201);
    let both_id = both["id"].as_i64().unwrap();
    let both = app.token("engineer.both").await;
    let dispatch_to = |butler: String, t: i64| {
        let app = &app;
        async move {
            act(
                app,
                &butler,
                t,
                "dispatch",
                json!({"engineer_ids": [both_id], "lead_id": both_id}),
            )
            .await
            .expect(200);
        }
    };
    // A general repair here (72 h), then an urgent one at the other site (24 h).
    let home = report(
        &app,
        &d.resident,
        json!({"unit_id": app.unit_id("1-1-101").await, "category": "other", "priority": "general",
               "contact_phone": "13800138000", "description": "A door sticks"}),
    )
    .await;
    dispatch_to(d.butler.clone(), id(&home)).await;
    let river = app.token("resident.river").await;
    let away = report(
        &app,
        &river,
        json!({"unit_id": other.unit_id, "category": "other", "priority": "urgent",
               "contact_phone": "13700137000", "description": "Water on the floor"}),
    )
    .await;
    dispatch_to(app.token("butler.river").await, id(&away)).await;

    let orders = app
        .get("/api/v1/tickets/work-orders")
        .token(&both)
        .send()
        .await
        .expect(200);
    let ids: Vec<i64> = orders
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [id(&away), id(&home)], "{orders}");
    assert!(
        orders[0]["deadlines"]["fix"]["due_at"].as_str()
            < orders[1]["deadlines"]["fix"]["due_at"].as_str()
    );
    // The engineer of this site alone sees neither: both went to the other engineer.
    let mine = app
        .get("/api/v1/tickets/work-orders")
        .token(&d.engineer)
        .send()
        .await
        .expect(200);
    assert_eq!(mine, json!([]));
}

#[actix_web::test]
async fn residents_cancel_before_anyone_is_on_site() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let t = dispatched(&app, &d, "other", "general").await;
    let ticket = act(
        &app,
        &d.resident,
        t,
        "cancel",
        json!({"reason": "Fixed it myself"}),
    )
    .await
    .expect(200);
    assert_eq!(ticket["status"], "cancelled");
    act(&app, &d.resident, t, "cancel", json!({"reason": "again"}))
        .await
        .expect_conflict("invalid-transition");
    let t = dispatched(&app, &d, "other", "general").await;
    arrive(&app, &d.engineer, t).await.expect(200);
    // Once on site no one may cancel: the state machine refuses it before the resident's
    // own `engineer_arrived` check is reached.
    act(
        &app,
        &d.resident,
        t,
        "cancel",
        json!({"reason": "too late"}),
    )
    .await
    .expect_conflict("invalid-transition");
    assert_eq!(
        app.get(&format!("/api/v1/tickets/{t}"))
            .token(&d.butler)
            .send()
            .await
            .expect(200)["status"],
        "on_site"
    );
}

#[actix_web::test]
async fn bad_ticket_input_is_refused_and_changes_nothing() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let unit = app.unit_id("1-1-101").await;
    let res = app.post("/api/v1/tickets").token(&d.resident)
        .json(json!({"unit_id": unit, "category": "plumbing", "priority": "general", "description": "x"})).send().await;
    assert_eq!(res.invalid_fields(), ["category"]);
    let res = app
        .post("/api/v1/tickets")
        .token(&d.resident)
        .json(json!({"unit_id": unit, "category": "other", "priority": "asap", "description": "x"}))
        .send()
        .await;
    assert_eq!(res.invalid_fields(), ["priority"]);
    let res = app.post("/api/v1/tickets").token(&d.resident)
        .json(json!({"unit_id": unit, "category": "other", "priority": "general", "contact_phone": "13800138000",
                     "description": "x".repeat(2001)})).send().await;
    assert_eq!(res.invalid_fields(), ["description"]);
    app.post("/api/v1/tickets").token(&d.resident)
        .json(json!({"unit_id": unit, "category": "other", "priority": "general", "contact_phone": "13800138000",
                     "description": "x".repeat(100 * 1024)})).send().await.expect(413);
    let t = dispatched(&app, &d, "other", "general").await;
    act(&app, &d.resident, t, "confirm", json!({"rating": 5}))
        .await
        .expect_conflict("invalid-transition");
    app.get("/api/v1/tickets?status=lost")
        .token(&d.butler)
        .send()
        .await
        .expect(400);
    let all = app
        .get("/api/v1/tickets")
        .token(&d.butler)
        .send()
        .await
        .expect(200);
    assert_eq!(all["items"].as_array().unwrap().len(), 1);
    assert_eq!(all["items"][0]["status"], "dispatched");
}

#[actix_web::test]
async fn lists_filter_and_sync_by_update_time() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let first = dispatched(&app, &d, "lift", "urgent").await;
    let d = later(&app, Duration::hours(1)).await;
    let second = dispatched(&app, &d, "other", "general").await;
    let by = |q: &str| {
        let path = format!("/api/v1/tickets?{q}");
        let token = d.butler.clone();
        let app = &app;
        async move {
            let page = app.get(&path).token(&token).send().await.expect(200);
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["id"].as_i64().unwrap())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(by("priority=urgent").await, [first]);
    assert_eq!(by("category=other").await, [second]);
    assert_eq!(
        by(&format!("engineer_id={}", d.engineer_id)).await,
        [second, first]
    );
    assert_eq!(by("updated_since=2026-11-23T10:30:00Z").await, [second]);
    assert_eq!(by("from=2026-11-23&to=2026-11-23").await, [second, first]);
    assert_eq!(by("from=2026-11-24").await, Vec::<i64>::new());
    assert_eq!(by("limit=1").await, [second]);
}

/// Concurrent intakes on a pool of several connections (on SQLite: readers beside the one
/// writer) all succeed and never share a number.
#[actix_web::test]
async fn concurrent_intakes_on_a_multi_connection_pool_all_succeed() {
    let app = TestApp::with_config(|config| config.db_pool.size = 4).await;
    let butler_id = app.user_id(&app.token("butler").await).await;
    let actor = propdesk::access::Actor {
        user_id: butler_id.into(),
        role: propdesk::access::Role::Butler,
        sites: vec![app.site_id.into()],
    };
    let unit = app.unit_id("1-1-101").await;
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let (state, actor) = (app.state.clone(), actor.clone());
            actix_web::rt::spawn(async move {
                let input: propdesk::tickets::dto::NewTicket = serde_json::from_value(json!({
                    "unit_id": unit, "category": "other", "priority": "general",
                    "contact_phone": "13700137000", "description": format!("report {i}")}))
                .unwrap();
                propdesk::tickets::service::report(&state, &actor, input).await
            })
        })
        .collect();
    let mut numbers = Vec::new();
    for task in tasks {
        numbers.push(task.await.unwrap().expect("intake succeeds").ticket.number);
    }
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 16);
}

/// Of two racing actions the second finds the ticket changed since it read it: its
/// conditional update applies to nothing (the caller answers 409), even when the status
/// would still allow it (two charges on one ticket, say).
#[actix_web::test]
async fn an_action_applies_only_to_the_version_it_read() {
    use propdesk::tickets::model::ChargeStatus;
    use propdesk::tickets::repo::{self, TicketChange};
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let t = completed(&app, &d, "other").await;
    let pool = app.state.pool.clone();
    let read = actix_web::web::block(move || {
        repo::find(&mut pool.get().unwrap(), t.into())
            .unwrap()
            .unwrap()
    })
    .await
    .unwrap();
    // Another action lands first, leaving the status as it was.
    act(
        &app,
        &d.butler,
        t,
        "chase",
        json!({"reason": "waiting", "told_resident": "called"}),
    )
    .await
    .expect(200);
    let pool = app.state.pool.clone();
    let stale = actix_web::web::block(move || {
        let change = TicketChange {
            charge_status: Some(ChargeStatus::Accepted),
            version: Some(read.version + 1),
            ..Default::default()
        };
        repo::apply(&mut pool.get().unwrap(), t.into(), read.version, change).unwrap()
    })
    .await
    .unwrap();
    assert!(stale.is_none());
    let ticket = view(&app, &d.butler, t).await;
    assert_eq!(ticket["charge"]["status"], "none");
}
