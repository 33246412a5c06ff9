//! The intake rules repair reports and complaints share (src/intake.rs), proven on both:
//! how a record came in (R-TKT-1, R-CMP-1), which unit or site it may be filed for
//! (R-TKT-2), and that nothing is stored when intake refuses.

mod common;

use common::TestApp;
use serde_json::{json, Value};

fn ticket(unit: i64) -> Value {
    json!({"unit_id": unit, "category": "electrical", "priority": "general",
           "description": "Socket sparks", "contact_phone": "13800138000"})
}

fn complaint(unit: i64) -> Value {
    json!({"unit_id": unit, "channel": "phone", "subject": "other",
           "description": "Lobby door left open",
           "complainant": {"kind": "named", "name": "Ms Li", "phone": "13800138000"}})
}

async fn count(app: &TestApp, token: &str, records: &str) -> usize {
    let page = app
        .get(&format!("/api/v1/{records}?limit=100"))
        .token(token)
        .send()
        .await;
    page.expect(200)["items"].as_array().unwrap().len()
}

#[actix_web::test]
async fn staff_name_the_channel_and_never_the_app() {
    let app = TestApp::new().await;
    let butler = app.token("butler").await;
    let unit = app.unit_id("1-1-101").await;
    // R-TKT-1 / R-CMP-1: the app is the residents' own channel.
    for (records, mut body) in [("tickets", ticket(unit)), ("complaints", complaint(unit))] {
        body["channel"] = json!("app");
        let refused = app
            .post(&format!("/api/v1/{records}"))
            .token(&butler)
            .json(body)
            .send();
        assert_eq!(refused.await.invalid_fields(), ["channel"], "{records}");
        assert_eq!(
            count(&app, &butler, records).await,
            0,
            "{records}: nothing stored"
        );
    }
    // A butler's report without a channel came by phone; a complaint must say.
    let report = app
        .post("/api/v1/tickets")
        .token(&butler)
        .json(ticket(unit))
        .send();
    assert_eq!(report.await.expect(201)["channel"], "phone");
    let mut unsaid = complaint(unit);
    unsaid.as_object_mut().unwrap().remove("channel");
    let unsaid = app
        .post("/api/v1/complaints")
        .token(&butler)
        .json(unsaid)
        .send();
    assert_eq!(unsaid.await.invalid_fields(), ["channel"]);
    // A resident's own record comes by the app, whatever they send.
    let resident = app.token("resident").await;
    let mut own = ticket(unit);
    own["channel"] = json!("counter");
    let mine = app
        .post("/api/v1/tickets")
        .token(&resident)
        .json(own)
        .send();
    assert_eq!(mine.await.expect(201)["channel"], "app");
}

#[actix_web::test]
async fn records_are_filed_only_for_units_and_sites_of_the_caller() {
    let app = TestApp::new().await;
    let other = app.other_site().await;
    let butler = app.token("butler").await;
    let resident = app.token("resident").await;
    let unit = app.unit_id("1-1-101").await;
    let neighbour = app.unit_id("2-1-201").await;
    for (records, body) in [
        ("tickets", ticket as fn(i64) -> Value),
        ("complaints", complaint),
    ] {
        let path = format!("/api/v1/{records}");
        // Another site's unit, and a unit the resident does not live in, are not theirs.
        let foreign = app
            .post(&path)
            .token(&butler)
            .json(body(other.unit_id))
            .send();
        assert_eq!(foreign.await.invalid_fields(), ["unit_id"], "{records}");
        let mut own = body(neighbour);
        own.as_object_mut().unwrap().remove("complainant");
        let not_home = app.post(&path).token(&resident).json(own).send();
        assert_eq!(not_home.await.invalid_fields(), ["unit_id"], "{records}");
        // A unit named with a site it is not on is refused, not filed under either.
        let mut mismatch = body(unit);
        mismatch["site_id"] = json!(other.site_id);
        let refused = app.post(&path).token(&butler).json(mismatch).send();
        assert_eq!(refused.await.invalid_fields(), ["unit_id"], "{records}");
        assert_eq!(
            count(&app, &butler, records).await,
            0,
            "{records}: nothing stored"
        );
    }
    // R-TKT-2: a public area is reported by staff only, for a site of theirs.
    let public = json!({"site_id": app.site_id, "location": "Basement B2 pump room",
                        "category": "water_supply", "priority": "urgent",
                        "description": "Pump leaking", "contact_phone": "13800138000"});
    let by_resident = app
        .post("/api/v1/tickets")
        .token(&resident)
        .json(public.clone())
        .send();
    by_resident.await.expect(403);
    let mut elsewhere = public.clone();
    elsewhere["site_id"] = json!(other.site_id);
    let foreign_site = app
        .post("/api/v1/tickets")
        .token(&butler)
        .json(elsewhere)
        .send();
    assert_eq!(foreign_site.await.invalid_fields(), ["site_id"]);
    let filed = app
        .post("/api/v1/tickets")
        .token(&butler)
        .json(public)
        .send();
    assert_eq!(filed.await.expect(201)["site_id"], app.site_id);
}
