//! Notifications (src/notifications/): written with the action that causes them, each to
//! the people concerned and nobody else; read, counted and marked by their recipient; and
//! delivered by the desk by phone or on paper.

mod common;

use common::TestApp;
use serde_json::{json, Value};

async fn notices(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let page = app
        .get(&format!("/api/v1/me/notifications{query}"))
        .token(token);
    page.send().await.expect(200)["items"]
        .as_array()
        .unwrap()
        .clone()
}

async fn unread(app: &TestApp, token: &str) -> i64 {
    let count = app
        .get("/api/v1/me/notifications/unread-count")
        .token(token);
    count.send().await.expect(200)["unread"].as_i64().unwrap()
}

fn kinds(items: &[Value]) -> Vec<&str> {
    items.iter().map(|n| n["kind"].as_str().unwrap()).collect()
}

/// The resident's report at home, dispatched by the butler to the demo engineer; its id.
async fn dispatched_report(app: &TestApp) -> i64 {
    let resident = app.token("resident").await;
    let butler = app.token("butler").await;
    let engineer = app.token("engineer").await;
    let engineer_id = app.user_id(&engineer).await;
    let unit = app.unit_id("1-1-101").await;
    let report = app.post("/api/v1/tickets").token(&resident).json(json!({
        "unit_id": unit, "category": "water_supply", "priority": "general",
        "description": "No water in the kitchen", "contact_phone": "13800138000"}));
    let id = report.send().await.expect(201)["id"].as_i64().unwrap();
    let dispatch = json!({"engineer_ids": [engineer_id], "lead_id": engineer_id});
    let dispatched = app.action(&butler, "tickets", id, "dispatch", dispatch);
    dispatched.await.expect(200);
    id
}

#[actix_web::test]
async fn dispatching_a_ticket_notifies_its_resident_and_the_engineers_and_nobody_else() {
    let app = TestApp::new().await;
    let id = dispatched_report(&app).await;
    let resident = app.token("resident").await;
    let mine = notices(&app, &resident, "").await;
    assert_eq!(kinds(&mine), ["ticket_dispatched"]);
    assert_eq!(mine[0]["subject"], "ticket");
    assert_eq!(mine[0]["subject_id"], id);
    assert_eq!(mine[0]["read_at"], Value::Null);
    let engineer = app.token("engineer").await;
    assert_eq!(
        kinds(&notices(&app, &engineer, "").await),
        ["work_order_dispatched"]
    );
    // The butler who dispatched, the manager and the other resident hear nothing.
    for other in ["butler", "manager", "resident2"] {
        let token = app.token(other).await;
        assert_eq!(notices(&app, &token, "").await.len(), 0, "{other}");
        assert_eq!(unread(&app, &token).await, 0, "{other}");
    }
    assert_eq!(unread(&app, &resident).await, 1);
}

#[actix_web::test]
async fn the_steps_of_a_repair_reach_the_resident_who_marks_them_read() {
    let app = TestApp::new().await;
    let id = dispatched_report(&app).await;
    let engineer = app.token("engineer").await;
    let arrive = app
        .post(&format!("/api/v1/tickets/{id}/arrive"))
        .token(&engineer);
    arrive.send().await.expect(200);
    let done = json!({"labour_minutes": 30, "result_note": "Replaced the valve"});
    app.action(&engineer, "tickets", id, "complete", done)
        .await
        .expect(200);
    let manager = app.token("manager").await;
    let item = app
        .post("/api/v1/fee-items")
        .token(&manager)
        .json(json!({"site_id": app.site_id, "name": "Valve replacement", "price_fen": 3000}));
    let item = item.send().await.expect(201);
    let charge = json!({"fee_item_id": item["id"]});
    app.action(&engineer, "tickets", id, "charge", charge)
        .await
        .expect(200);
    let resident = app.token("resident").await;
    let mine = notices(&app, &resident, "").await;
    assert_eq!(
        kinds(&mine),
        [
            "charge_to_accept",
            "ticket_completed",
            "engineer_on_site",
            "ticket_dispatched"
        ],
        "newest first"
    );
    assert_eq!(unread(&app, &resident).await, 4);
    // One read: it leaves the unread list; reading it again changes nothing.
    let first = mine[3]["id"].as_i64().unwrap();
    let path = format!("/api/v1/me/notifications/{first}/read");
    let read = app.post(&path).token(&resident).send().await.expect(200);
    assert!(read["read_at"].is_string());
    let again = app.post(&path).token(&resident).send().await.expect(200);
    assert_eq!(again["read_at"], read["read_at"]);
    let unread_ones = notices(&app, &resident, "?unread=true").await;
    assert_eq!(
        kinds(&unread_ones),
        ["charge_to_accept", "ticket_completed", "engineer_on_site"]
    );
    // A page at a time, by cursor.
    let page = app.get("/api/v1/me/notifications?limit=3").token(&resident);
    let page = page.send().await.expect(200);
    let cursor = page["next_cursor"].as_str().unwrap().to_owned();
    let rest = notices(&app, &resident, &format!("?limit=3&cursor={cursor}")).await;
    assert_eq!(kinds(&rest), ["ticket_dispatched"]);
    // All at once.
    let all = app
        .post("/api/v1/me/notifications/read-all")
        .token(&resident);
    assert_eq!(all.send().await.expect(200)["marked"], 3);
    assert_eq!(unread(&app, &resident).await, 0);
}

#[actix_web::test]
async fn nobody_reads_or_marks_another_persons_notification() {
    let app = TestApp::new().await;
    dispatched_report(&app).await;
    let resident = app.token("resident").await;
    let id = notices(&app, &resident, "").await[0]["id"]
        .as_i64()
        .unwrap();
    for other in ["resident2", "butler", "engineer"] {
        let token = app.token(other).await;
        let path = format!("/api/v1/me/notifications/{id}/read");
        let refused = app.post(&path).token(&token).send().await;
        assert_eq!(
            refused.expect(404)["type"],
            "/problems/not-found",
            "{other}"
        );
        let all = app.post("/api/v1/me/notifications/read-all").token(&token);
        all.send().await.expect(200);
    }
    assert_eq!(unread(&app, &resident).await, 1, "still unread");
}

#[actix_web::test]
async fn a_resident_who_moved_out_no_longer_sees_the_old_units_notices() {
    let app = TestApp::new().await;
    dispatched_report(&app).await;
    let manager = app.token("manager").await;
    let unit = app.unit_id("1-1-101").await;
    let members = app
        .get(&format!("/api/v1/units/{unit}/members"))
        .token(&manager);
    let members = members.send().await.expect(200);
    let resident = app.token("resident").await;
    let resident_id = app.user_id(&resident).await;
    let membership = members
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user_id"] == resident_id)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let end = app.post(&format!("/api/v1/memberships/{membership}/end"));
    end.token(&manager).json(json!({})).send().await.expect(200);
    let resident = app.token("resident").await;
    assert_eq!(notices(&app, &resident, "").await.len(), 0);
    assert_eq!(unread(&app, &resident).await, 0);
}

#[actix_web::test]
async fn a_complaint_tells_its_new_owner_and_the_complainant_of_a_reply() {
    let app = TestApp::new().await;
    let resident = app.token("resident").await;
    let manager = app.token("manager").await;
    let butler = app.token("butler").await;
    let butler_id = app.user_id(&butler).await;
    let unit = app.unit_id("1-1-101").await;
    let filed = app.post("/api/v1/complaints").token(&resident).json(json!({
        "unit_id": unit, "subject": "other", "description": "The lobby door is left open"}));
    let id = filed.send().await.expect(201)["id"].as_i64().unwrap();
    let assign = json!({"butler_id": butler_id});
    app.action(&manager, "complaints", id, "assign-owner", assign)
        .await
        .expect(200);
    assert_eq!(
        kinds(&notices(&app, &butler, "").await),
        ["complaint_assigned"]
    );
    let reply = json!({"text": "The door closer is being replaced on Monday"});
    app.action(&butler, "complaints", id, "reply", reply)
        .await
        .expect(200);
    let mine = notices(&app, &resident, "").await;
    assert_eq!(kinds(&mine), ["complaint_reply"]);
    assert_eq!(mine[0]["subject"], "complaint");
    let manager_has = notices(&app, &manager, "").await;
    assert_eq!(manager_has.len(), 0, "the one who acted is not told");
}

#[actix_web::test]
async fn the_desk_records_a_notice_it_delivered_by_phone() {
    let app = TestApp::new().await;
    dispatched_report(&app).await;
    let butler = app.token("butler").await;
    let butler_id = app.user_id(&butler).await;
    let unit = app.unit_id("1-1-101").await;
    let of_unit = app.get(&format!("/api/v1/units/{unit}/notifications"));
    let items = of_unit.token(&butler).send().await.expect(200)["items"].clone();
    assert_eq!(kinds(items.as_array().unwrap()), ["ticket_dispatched"]);
    let id = items[0]["id"].as_i64().unwrap();
    let delivery = app.post(&format!("/api/v1/notifications/{id}/delivery"));
    let delivered = delivery
        .token(&butler)
        .json(json!({"via": "phone"}))
        .send()
        .await
        .expect(200);
    assert_eq!(delivered["delivery"]["by"], butler_id);
    assert_eq!(delivered["delivery"]["via"], "phone");
    let resident = app.token("resident").await;
    let mine = notices(&app, &resident, "").await;
    assert_eq!(mine[0]["delivery"]["via"], "phone");
    // Not the resident's to record; an unknown method is a 422.
    let by_resident = app.post(&format!("/api/v1/notifications/{id}/delivery"));
    let by_resident = by_resident.token(&resident).json(json!({"via": "phone"}));
    by_resident.send().await.expect(403);
    let pigeon = app.post(&format!("/api/v1/notifications/{id}/delivery"));
    let pigeon = pigeon.token(&butler).json(json!({"via": "pigeon"}));
    assert_eq!(pigeon.send().await.invalid_fields(), ["via"]);
    // Staff of another site see neither the unit's notices nor may record on them.
    app.other_site().await;
    let river = app.token("butler.river").await;
    let theirs = app.get(&format!("/api/v1/units/{unit}/notifications"));
    theirs.token(&river).send().await.expect(404);
    let theirs = app.post(&format!("/api/v1/notifications/{id}/delivery"));
    let theirs = theirs.token(&river).json(json!({"via": "paper"}));
    theirs.send().await.expect(404);
}

#[actix_web::test]
async fn engineers_are_warned_once_when_a_work_orders_fix_by_deadline_is_near() {
    let app = TestApp::new().await;
    let id = dispatched_report(&app).await;
    let engineer = app.token("engineer").await;
    let ticket = app.get(&format!("/api/v1/tickets/{id}")).token(&engineer);
    let ticket = ticket.send().await.expect(200);
    let due: chrono::DateTime<chrono::Utc> = ticket["deadlines"]["fix"]["due_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let warn = || propdesk::tickets::service::warn_deadlines_near(&app.state);

    // Far from its deadline: nobody is warned.
    assert!(due - app.clock_now() > propdesk::tickets::service::WARN_AHEAD);
    assert_eq!(warn().await.unwrap(), 0);
    // Within the last two hours: its engineer is told, once, and nobody else.
    app.clock
        .advance(due - app.clock_now() - chrono::Duration::minutes(90));
    assert_eq!(warn().await.unwrap(), 1);
    assert_eq!(warn().await.unwrap(), 0, "warned already");
    let engineer = app.token("engineer").await;
    let mine = notices(&app, &engineer, "").await;
    assert_eq!(kinds(&mine), ["deadline_near", "work_order_dispatched"]);
    assert_eq!(mine[0]["subject_id"], id);
    assert!(mine[0]["message"]
        .as_str()
        .unwrap()
        .contains("to be fixed by"));
    let resident = app.token("resident").await;
    assert_eq!(
        kinds(&notices(&app, &resident, "").await),
        ["ticket_dispatched"]
    );
    let butler = app.token("butler").await;
    assert!(notices(&app, &butler, "").await.is_empty());

    // Done before its deadline: a repaired order is no longer open work.
    let other = dispatched_report(&app).await;
    let ticket = app
        .get(&format!("/api/v1/tickets/{other}"))
        .token(&engineer);
    let ticket = ticket.send().await.expect(200);
    let other_due: chrono::DateTime<chrono::Utc> = ticket["deadlines"]["fix"]["due_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let arrive = app.post(&format!("/api/v1/tickets/{other}/arrive"));
    arrive.token(&engineer).send().await.expect(200);
    let done = json!({"labour_minutes": 30, "result_note": "Valve replaced"});
    app.action(&engineer, "tickets", other, "complete", done)
        .await
        .expect(200);
    app.clock
        .advance(other_due - app.clock_now() - chrono::Duration::hours(1));
    assert_eq!(warn().await.unwrap(), 0);
}
