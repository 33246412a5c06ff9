//! Complaints over HTTP, one test per rule of docs/RULES.md (R-CMP-1 ... R-CMP-19), against a
//! fixed clock: 2026-11-23 10:00 UTC, Monday 18:00 in the demo site's Asia/Shanghai (after
//! the default working day, which ends at 17:30).

mod common;

use actix_web::http::Method;
use chrono::{DateTime, Duration, TimeZone, Utc};
use common::complaints::{conflict, precondition, told};
use common::{Field, TestApp};
use serde_json::{json, Value};

struct Desk {
    resident: String,
    resident2: String,
    butler: String,
    engineer: String,
    manager: String,
    butler_id: i64,
    manager_id: i64,
    resident_id: i64,
}

async fn desk(app: &TestApp) -> Desk {
    let butler = app.token("butler").await;
    let manager = app.token("manager").await;
    let resident = app.token("resident").await;
    Desk {
        butler_id: app.user_id(&butler).await,
        manager_id: app.user_id(&manager).await,
        resident_id: app.user_id(&resident).await,
        resident2: app.token("resident2").await,
        engineer: app.token("engineer").await,
        butler,
        manager,
        resident,
    }
}

/// Moves the clock and mints tokens valid at the new time.
async fn later(app: &TestApp, by: Duration) -> Desk {
    app.clock.advance(by);
    desk(app).await
}

fn shanghai(s: &str) -> DateTime<Utc> {
    chrono_tz::Asia::Shanghai
        .from_local_datetime(&chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

fn at(v: &Value) -> DateTime<Utc> {
    v.as_str().unwrap().parse().unwrap()
}

/// A staff intake by phone about unit 1-1-101, from a named caller.
fn phone_complaint(unit_id: i64, subject: &str) -> Value {
    json!({"unit_id": unit_id, "channel": "phone", "subject": subject,
           "complainant": {"kind": "named", "name": "Ms Li", "phone": "13800138000"},
           "description": "Corridor on floor 1 not cleaned for a week"})
}

async fn receive(app: &TestApp, token: &str, body: Value) -> Value {
    app.post("/api/v1/complaints")
        .token(token)
        .json(body)
        .send()
        .await
        .expect(201)
}

async fn act(app: &TestApp, token: &str, id: i64, action: &str, body: Value) -> common::Response {
    app.action(token, "complaints", id, action, body).await
}

async fn get(app: &TestApp, token: &str, id: i64) -> Value {
    app.get(&format!("/api/v1/complaints/{id}"))
        .token(token)
        .send()
        .await
        .expect(200)
}

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap()
}

fn actions(v: &Value) -> Vec<String> {
    v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

async fn resolve(app: &TestApp, token: &str, id: i64) -> Value {
    act(
        app,
        token,
        id,
        "resolve",
        json!({"resolution": "Floor cleaned, cover rota fixed", "root_cause": "method_process"}),
    )
    .await
    .expect(200)
}

// R-CMP-1
#[actix_web::test]
async fn every_channel_is_recorded_and_the_app_is_the_residents_own() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let unit = app.unit_id("1-1-101").await;
    for channel in [
        "phone",
        "in_person",
        "through_someone",
        "letter",
        "suggestion_box",
        "staff_relay",
        "fax",
        "email",
        "web",
        "forum",
        "media",
        "parent_company",
    ] {
        let mut body = phone_complaint(unit, "other");
        body["channel"] = json!(channel);
        let c = receive(&app, &d.butler, body).await;
        assert_eq!(c["channel"], channel);
    }
    let mine = receive(
        &app,
        &d.resident,
        json!({"unit_id": unit, "subject": "neighbour_noise", "description": "Drilling at 23:00"}),
    )
    .await;
    assert_eq!(mine["channel"], "app");
    assert_eq!(mine["complainant"]["kind"], "resident");
    assert_eq!(mine["complainant"]["user_id"], d.resident_id);
    let mut body = phone_complaint(unit, "other");
    body["channel"] = json!("app");
    let r = app
        .post("/api/v1/complaints")
        .token(&d.butler)
        .json(body)
        .send()
        .await;
    assert_eq!(r.invalid_fields(), vec!["channel"]);
    let mut body = phone_complaint(unit, "other");
    body["channel"] = json!("carrier_pigeon");
    let r = app
        .post("/api/v1/complaints")
        .token(&d.butler)
        .json(body)
        .send()
        .await;
    assert_eq!(r.status, 422);
    let list = app
        .get("/api/v1/complaints?limit=100")
        .token(&d.manager)
        .send()
        .await
        .expect(200);
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        13,
        "the refused ones left nothing"
    );
}

// R-CMP-2, R-CMP-10
#[actix_web::test]
async fn class_two_goes_to_the_developer_with_a_week_to_solve_it() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let unit = app.unit_id("1-1-101").await;
    let c = receive(&app, &d.butler, phone_complaint(unit, "equipment")).await;
    assert_eq!(c["class"], "property_service");
    let refused = act(
        &app,
        &d.butler,
        id(&c),
        "transfer-to-developer",
        json!({"note": "slip sent"}),
    )
    .await;
    // Only class 2 goes to the developer.
    precondition(refused, "not_developer_class");
    let bad = act(
        &app,
        &d.butler,
        id(&c),
        "classify",
        json!({"class": "class_9", "note": "x"}),
    )
    .await;
    assert_eq!(bad.status, 422);
    act(
        &app,
        &d.butler,
        id(&c),
        "classify",
        json!({"class": "developer", "note": "Exterior wall seepage: building quality"}),
    )
    .await
    .expect(200);
    let moved = act(
        &app,
        &d.butler,
        id(&c),
        "transfer-to-developer",
        json!({"note": "Contact slip sent to the developer's desk"}),
    )
    .await
    .expect(200);
    assert_eq!(moved["status"], "with_developer");
    assert_eq!(moved["department"], "developer");
    let due = at(&moved["deadlines"]["developer"]["due_at"]);
    assert_eq!(due, app.clock_now() + Duration::days(7));
    let d = later(&app, Duration::days(8)).await;
    let late = get(&app, &d.butler, id(&c)).await;
    assert_eq!(late["deadlines"]["developer"]["state"], "missed");
    let back = act(
        &app,
        &d.butler,
        id(&c),
        "developer-reply",
        json!({"solution": "Re-sealing on 2 December"}),
    )
    .await
    .expect(200);
    assert_eq!(back["status"], "in_progress");
    assert!(back["deadlines"]["developer"]["done_at"].is_string());
}

// R-CMP-2: class 3, outside the service area: not the developer's and not ours to
// compensate; the desk coordinates with whoever is responsible, and every piece of progress
// reaches the resident.
#[actix_web::test]
async fn class_three_is_coordinated_by_the_desk_and_its_progress_reported_to_the_resident() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let unit = app.unit_id("1-1-101").await;
    let c = receive(
        &app,
        &d.resident,
        json!({"unit_id": unit, "subject": "other",
               "description": "Road works outside the north gate run all night"}),
    )
    .await;
    let judged = act(
        &app,
        &d.butler,
        id(&c),
        "classify",
        json!({"class": "external", "note": "City road works outside the estate"}),
    )
    .await
    .expect(200);
    assert_eq!(judged["class"], "external");
    precondition(
        act(
            &app,
            &d.butler,
            id(&c),
            "transfer-to-developer",
            json!({"note": "not theirs"}),
        )
        .await,
        "not_developer_class",
    );
    act(
        &app,
        &d.butler,
        id(&c),
        "establish-responsibility",
        json!({"responsibility": "third_party", "note": "District roads office"}),
    )
    .await
    .expect(200);
    precondition(
        act(
            &app,
            &d.manager,
            id(&c),
            "promise-compensation",
            json!({"compensation": "Fee waived"}),
        )
        .await,
        "not_responsible",
    );
    // Coordinated by customer service, with a promised reply and chases reported on.
    act(
        &app,
        &d.butler,
        id(&c),
        "hand-to-department",
        json!({"department": "customer_service", "note": "Desk liaises with the district"}),
    )
    .await
    .expect(200);
    let reply_by = app.clock_now() + Duration::days(2);
    act(
        &app,
        &d.butler,
        id(&c),
        "promise-reply",
        json!({"reply_by": reply_by, "explanation": "We have asked the district office about the hours"}),
    )
    .await
    .expect(200);
    let d = later(&app, Duration::days(1)).await;
    act(
        &app,
        &d.butler,
        id(&c),
        "chase",
        json!({"result": "District office: no works after 22:00 from Monday"}),
    )
    .await
    .expect(200);
    let d = later(&app, Duration::days(3)).await;
    act(
        &app,
        &d.butler,
        id(&c),
        "chase",
        json!({"result": "Works finish on 4 December"}),
    )
    .await
    .expect(200);
    let seen = get(&app, &d.resident, id(&c)).await;
    assert_eq!(seen["class"], "external");
    assert_eq!(
        told(&seen),
        vec![
            "We have asked the district office about the hours",
            "District office: no works after 22:00 from Monday",
            "Works finish on 4 December"
        ]
    );
    assert_eq!(seen["deadlines"]["promised_reply"]["state"], "met");
    let external = app
        .get("/api/v1/complaints?class=external")
        .token(&d.butler)
        .send()
        .await
        .expect(200);
    let ids: Vec<i64> = external["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(id)
        .collect();
    assert_eq!(ids, vec![id(&c)]);
}

// R-CMP-3
#[actix_web::test]
async fn a_mishandled_communication_complaint_becomes_a_valid_one_on_the_record() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let unit = app.unit_id("1-1-101").await;
    let mut body = phone_complaint(unit, "fees");
    body["nature"] = json!("communication");
    body["communication_kind"] = json!("question");
    let c = receive(&app, &d.butler, body).await;
    assert_eq!(c["nature"], "communication");
    assert_eq!(c["communication_kind"], "question");
    let mut body = phone_complaint(unit, "fees");
    body["communication_kind"] = json!("venting");
    let r = app
        .post("/api/v1/complaints")
        .token(&d.butler)
        .json(body)
        .send()
        .await;
    assert_eq!(r.invalid_fields(), vec!["communication_kind"]);
    let now_valid = act(
        &app,
        &d.butler,
        id(&c),
        "classify",
        json!({"nature": "valid", "note": "Asked twice, no answer for a week: our failure"}),
    )
    .await
    .expect(200);
    assert_eq!(now_valid["nature"], "valid");
    assert!(now_valid.field("communication_kind").is_null());
    let step = now_valid["timeline"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(step["action"], "classify");
    assert!(step["note"]
        .as_str()
        .unwrap()
        .contains("nature communication -> valid"));
}

// R-CMP-4
#[actix_web::test]
async fn subjects_include_each_kind_of_neighbour_dispute_and_nothing_else() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let unit = app.unit_id("1-1-101").await;
    for subject in [
        "equipment",
        "service_attitude",
        "service_quality",
        "emergency",
        "fees",
        "community_activity",
        "neighbour_pets",
        "neighbour_corridor_clutter",
        "neighbour_illegal_building",
        "neighbour_noise",
        "neighbour_scavenging",
        "neighbour_thrown_objects",
        "other",
    ] {
        let c = receive(&app, &d.butler, phone_complaint(unit, subject)).await;
        assert_eq!(c["subject"], subject);
    }
    let r = app
        .post("/api/v1/complaints")
        .token(&d.butler)
        .json(phone_complaint(unit, "weather"))
        .send()
        .await;
    assert_eq!(r.status, 422);
}

// R-CMP-5
#[actix_web::test]
async fn the_first_response_deadline_follows_channel_and_working_hours() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let unit = app.unit_id("1-1-101").await;
    // Monday 18:00 local, after hours, by phone: 24 clock hours.
    let evening = receive(&app, &d.butler, phone_complaint(unit, "other")).await;
    assert_eq!(
        at(&evening["deadlines"]["first_response"]["due_at"]),
        shanghai("2026-11-24 18:00")
    );
    // Tuesday 10:00 local, in hours, by phone: 8 working hours (lunch 12:00-13:30 excluded).
    let d = later(&app, Duration::hours(16)).await;
    let morning = receive(&app, &d.butler, phone_complaint(unit, "other")).await;
    assert_eq!(
        at(&morning["deadlines"]["first_response"]["due_at"]),
        shanghai("2026-11-25 10:30")
    );
    // Online at the same time: 4 working hours.
    let mut online = phone_complaint(unit, "other");
    online["channel"] = json!("web");
    let online = receive(&app, &d.butler, online).await;
    assert_eq!(
        at(&online["deadlines"]["first_response"]["due_at"]),
        shanghai("2026-11-24 15:30")
    );
    // A reply in time meets it; the evening one, never answered, misses it.
    act(
        &app,
        &d.butler,
        id(&morning),
        "reply",
        json!({"text": "We are on it."}),
    )
    .await
    .expect(200);
    let d = later(&app, Duration::days(2)).await;
    assert_eq!(
        get(&app, &d.butler, id(&morning)).await["deadlines"]["first_response"]["state"],
        "met"
    );
    assert_eq!(
        get(&app, &d.butler, id(&evening)).await["deadlines"]["first_response"]["state"],
        "missed"
    );
    let overdue = app
        .get("/api/v1/complaints?response_overdue=true")
        .token(&d.butler)
        .send()
        .await
        .expect(200);
    let ids: Vec<i64> = overdue["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(id)
        .collect();
    assert!(
        ids.contains(&id(&evening)) && ids.contains(&id(&online)) && !ids.contains(&id(&morning))
    );
}

// R-CMP-6
#[actix_web::test]
async fn a_butler_owns_each_complaint_and_service_quality_goes_to_the_department_in_twenty_minutes()
{
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let unit = app.unit_id("1-1-101").await;
    let by_butler = receive(&app, &d.butler, phone_complaint(unit, "service_quality")).await;
    assert_eq!(by_butler["owner_id"], d.butler_id);
    let mut relayed = phone_complaint(unit, "equipment");
    relayed["channel"] = json!("staff_relay");
    let relayed = receive(&app, &d.engineer, relayed).await;
    assert!(relayed.field("owner_id").is_null());
    let engineer_id = app.user_id(&d.engineer).await;
    let r = act(
        &app,
        &d.manager,
        id(&relayed),
        "assign-owner",
        json!({"butler_id": engineer_id}),
    )
    .await;
    assert_eq!(r.invalid_fields(), vec!["butler_id"]);
    let r = act(
        &app,
        &d.engineer,
        id(&relayed),
        "assign-owner",
        json!({"butler_id": d.butler_id}),
    )
    .await;
    assert_eq!(r.status, 403);
    let owned = act(
        &app,
        &d.manager,
        id(&relayed),
        "assign-owner",
        json!({"butler_id": d.butler_id}),
    )
    .await
    .expect(200);
    assert_eq!(owned["owner_id"], d.butler_id);

    let handoff = &by_butler["deadlines"]["department_handoff"];
    assert_eq!(
        at(&handoff["due_at"]),
        app.clock_now() + Duration::minutes(20)
    );
    assert!(relayed.field("deadlines.department_handoff").is_null());
    let d = later(&app, Duration::minutes(15)).await;
    let handed = act(
        &app,
        &d.butler,
        id(&by_butler),
        "hand-to-department",
        json!({"department": "cleaning"}),
    )
    .await
    .expect(200);
    assert_eq!(handed["department"], "cleaning");
    assert_eq!(handed["deadlines"]["department_handoff"]["state"], "met");
    let r = act(
        &app,
        &d.butler,
        id(&by_butler),
        "hand-to-department",
        json!({"department": "janitors"}),
    )
    .await;
    assert_eq!(r.status, 422);
}

// R-CMP-8
#[actix_web::test]
async fn no_compensation_before_responsibility_and_a_promised_reply_is_kept_or_missed() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let unit = app.unit_id("1-1-101").await;
    let c = receive(&app, &d.butler, phone_complaint(unit, "equipment")).await;
    let r = act(
        &app,
        &d.manager,
        id(&c),
        "promise-compensation",
        json!({"compensation": "One month free"}),
    )
    .await;
    precondition(r, "responsibility_unknown");
    assert!(get(&app, &d.manager, id(&c))
        .await
        .field("compensation")
        .is_null());
    act(
        &app,
        &d.butler,
        id(&c),
        "establish-responsibility",
        json!({"responsibility": "third_party", "note": "Water company outage"}),
    )
    .await
    .expect(200);
    let r = act(
        &app,
        &d.manager,
        id(&c),
        "promise-compensation",
        json!({"compensation": "One month free"}),
    )
    .await;
    // Not ours to compensate.
    precondition(r, "not_responsible");
    let reply_by = app.clock_now() + Duration::days(2);
    let promised = act(
        &app,
        &d.butler,
        id(&c),
        "promise-reply",
        json!({"reply_by": reply_by, "explanation": "We asked the water company"}),
    )
    .await
    .expect(200);
    assert_eq!(promised["deadlines"]["promised_reply"]["state"], "running");
    assert!(promised["deadlines"]["first_response"]["done_at"].is_string());
    let d = later(&app, Duration::days(1)).await;
    let kept = act(
        &app,
        &d.butler,
        id(&c),
        "reply",
        json!({"text": "The water company fixed the main at 09:00."}),
    )
    .await
    .expect(200);
    assert_eq!(kept["deadlines"]["promised_reply"]["state"], "met");

    let ours = receive(&app, &d.butler, phone_complaint(unit, "service_attitude")).await;
    act(
        &app,
        &d.butler,
        id(&ours),
        "establish-responsibility",
        json!({"responsibility": "company", "note": "Guard was rude"}),
    )
    .await
    .expect(200);
    let r = act(
        &app,
        &d.butler,
        id(&ours),
        "promise-reply",
        json!({"reply_by": reply_by, "explanation": "later"}),
    )
    .await;
    // Ours: reply and fix, do not defer.
    precondition(r, "company_responsible");
    let r = act(
        &app,
        &d.butler,
        id(&ours),
        "promise-compensation",
        json!({"compensation": "Gift card"}),
    )
    .await;
    assert_eq!(r.status, 403, "managers promise compensation");
    let comp = act(
        &app,
        &d.manager,
        id(&ours),
        "promise-compensation",
        json!({"compensation": "Written apology and one month's fee waived"}),
    )
    .await
    .expect(200);
    assert_eq!(
        comp["compensation"],
        "Written apology and one month's fee waived"
    );
}

// R-CMP-9
#[actix_web::test]
async fn escalation_goes_up_one_way_and_the_resident_is_told() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let unit = app.unit_id("1-1-101").await;
    let c = receive(
        &app,
        &d.resident,
        json!({"unit_id": unit, "subject": "equipment",
        "description": "Lift stuck again"}),
    )
    .await;
    act(
        &app,
        &d.butler,
        id(&c),
        "hand-to-department",
        json!({"department": "engineering"}),
    )
    .await
    .expect(200);
    let fix_by = app.clock_now() + Duration::days(1);
    act(
        &app,
        &d.butler,
        id(&c),
        "set-fix-deadline",
        json!({"fix_by": fix_by}),
    )
    .await
    .expect(200);
    let up = act(&app, &d.butler, id(&c), "escalate", json!({"level": "supervisor",
        "reason": "Engineering cannot get the part", "told_resident": "Escalated to the supervisor today"}))
        .await.expect(200);
    assert_eq!(up["escalation"], "supervisor");
    let r = act(
        &app,
        &d.butler,
        id(&c),
        "escalate",
        json!({"level": "supervisor",
        "reason": "again", "told_resident": "again"}),
    )
    .await;
    // Never down or sideways: the state, not the body, is what refuses it.
    precondition(r, "already_escalated");
    act(
        &app,
        &d.butler,
        id(&c),
        "escalate",
        json!({"level": "director",
        "reason": "Needs a new lift contract", "told_resident": "The director now handles it"}),
    )
    .await
    .expect(200);
    let seen = get(&app, &d.resident, id(&c)).await;
    let told: Vec<&str> = seen["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap())
        .collect();
    assert_eq!(
        told,
        vec![
            "Escalated to the supervisor today",
            "The director now handles it"
        ]
    );
    assert_eq!(
        actions(&seen).iter().filter(|a| *a == "escalate").count(),
        2
    );
}

// R-CMP-11
#[actix_web::test]
async fn chases_are_daily_for_major_twice_a_week_for_general_and_reach_the_resident() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let unit = app.unit_id("1-1-101").await;
    let general = receive(
        &app,
        &d.resident,
        json!({"unit_id": unit, "subject": "equipment",
        "description": "Door entry phone broken"}),
    )
    .await;
    assert_eq!(
        at(&general["next_chase_at"]),
        app.clock_now() + Duration::days(3)
    );
    let mut major = phone_complaint(unit, "emergency");
    major["major"] = json!(true);
    let major = receive(&app, &d.butler, major).await;
    assert_eq!(
        at(&major["next_chase_at"]),
        app.clock_now() + Duration::days(1)
    );

    let d = later(&app, Duration::hours(25)).await;
    let due = app
        .get("/api/v1/complaints?chase_due=true")
        .token(&d.butler)
        .send()
        .await
        .expect(200);
    let ids: Vec<i64> = due["items"].as_array().unwrap().iter().map(id).collect();
    assert_eq!(ids, vec![id(&major)]);
    let chased = act(
        &app,
        &d.butler,
        id(&general),
        "chase",
        json!({"result": "Part ordered, fitting on Friday"}),
    )
    .await
    .expect(200);
    assert_eq!(
        at(&chased["next_chase_at"]),
        app.clock_now() + Duration::days(3)
    );
    // Each chase result is passed to the resident: there is no keeping one back.
    let r = act(
        &app,
        &d.butler,
        id(&general),
        "chase",
        json!({"result": "Supplier called", "passed_to_resident": false}),
    )
    .await;
    assert_eq!(r.invalid_fields(), vec!["passed_to_resident"]);
    act(
        &app,
        &d.butler,
        id(&general),
        "chase",
        json!({"result": "Supplier called: the part ships on Thursday"}),
    )
    .await
    .expect(200);
    let seen = get(&app, &d.resident, id(&general)).await;
    assert_eq!(
        told(&seen),
        vec![
            "Part ordered, fitting on Friday",
            "Supplier called: the part ships on Thursday"
        ]
    );
    assert!(seen["messages"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["author_id"] == d.butler_id));
    assert_eq!(
        actions(&seen).iter().filter(|a| *a == "chase").count(),
        2,
        "the refused body left no step"
    );
    assert!(
        seen["deadlines"]["first_response"]["done_at"].is_string(),
        "a chase result passed on is a response"
    );

    // A long deadline: the chase comes the day before it.
    act(
        &app,
        &d.butler,
        id(&general),
        "hand-to-department",
        json!({"department": "engineering"}),
    )
    .await
    .expect(200);
    let fix_by = app.clock_now() + Duration::days(10);
    let set = act(
        &app,
        &d.butler,
        id(&general),
        "set-fix-deadline",
        json!({"fix_by": fix_by}),
    )
    .await
    .expect(200);
    assert_eq!(at(&set["next_chase_at"]), fix_by - Duration::days(1));
}

// R-CMP-11: our decision (README): every chase result is a reply, even when nobody can
// read it; the record shows what the desk would tell an anonymous caller who calls back.
#[actix_web::test]
async fn a_chase_result_is_a_reply_even_when_the_complainant_is_anonymous() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let anonymous = receive(
        &app,
        &d.butler,
        json!({"site_id": app.site_id, "channel": "suggestion_box", "subject": "equipment",
               "complainant": {"kind": "anonymous"}, "description": "Lobby door does not lock"}),
    )
    .await;
    let chased = act(
        &app,
        &d.butler,
        id(&anonymous),
        "chase",
        json!({"result": "Locksmith booked for Wednesday"}),
    )
    .await
    .expect(200);
    assert_eq!(told(&chased), vec!["Locksmith booked for Wednesday"]);
    assert_eq!(chased["messages"][0]["kind"], "reply");
    assert!(chased["deadlines"]["first_response"]["done_at"].is_string());
    assert_eq!(chased["status"], "received", "a chase moves no state");
}

// R-CMP-7: record -> judge nature -> investigate cause -> assign a handler -> propose a
// solution -> reply to the resident -> follow-up visit -> summary, each a timeline entry
// saying who took the step and when.
#[actix_web::test]
async fn the_procedure_is_a_timeline_of_steps_each_with_who_and_when() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let unit = app.unit_id("1-1-101").await;
    let mut expected: Vec<(&str, i64, DateTime<Utc>)> = Vec::new();
    // Record.
    let c = receive(
        &app,
        &d.resident,
        json!({"unit_id": unit, "subject": "equipment",
               "description": "Corridor lights on floor 1 flicker all night"}),
    )
    .await;
    let c = id(&c);
    expected.push(("receive", d.resident_id, app.clock_now()));
    let steps: [(&str, &str, Value, bool); 8] = [
        // Judge nature.
        (
            "classify",
            "classify",
            json!({"nature": "valid", "note": "A maintenance failure"}),
            false,
        ),
        // Investigate cause.
        (
            "establish-responsibility",
            "establish_responsibility",
            json!({"responsibility": "company", "note": "Worn relay in the lighting panel"}),
            false,
        ),
        // Assign a handler.
        (
            "hand-to-department",
            "hand_to_department",
            json!({"department": "engineering"}),
            false,
        ),
        // Propose a solution.
        (
            "set-fix-deadline",
            "set_fix_deadline",
            json!({"fix_by": app.clock_now() + Duration::days(3),
                   "note": "Replace the relay and the two sensors"}),
            false,
        ),
        // Reply to the resident.
        (
            "reply",
            "reply",
            json!({"text": "Engineering replaces the relay tomorrow morning."}),
            false,
        ),
        (
            "resolve",
            "resolve",
            json!({"resolution": "Relay and sensors replaced", "root_cause": "material_durability"}),
            false,
        ),
        // Follow-up visit.
        (
            "visit",
            "visit",
            json!({"method": "phone", "satisfaction": "satisfied", "result": "Lights steady"}),
            false,
        ),
        // Summary: the manager's review of the handling form.
        (
            "review",
            "review",
            json!({"note": "Add lighting relays to the quarterly check"}),
            true,
        ),
    ];
    for (route, action, body, by_manager) in steps {
        let d = later(&app, Duration::hours(2)).await;
        let (token, who) = if by_manager {
            (&d.manager, d.manager_id)
        } else {
            (&d.butler, d.butler_id)
        };
        act(&app, token, c, route, body).await.expect(200);
        expected.push((action, who, app.clock_now()));
    }
    let d = desk(&app).await;
    for view in [
        get(&app, &d.butler, c).await,
        get(&app, &d.resident, c).await,
    ] {
        let got: Vec<(String, i64, DateTime<Utc>)> = view["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["action"].as_str().unwrap().to_owned(),
                    e["actor_id"]
                        .as_i64()
                        .expect("every step names who took it"),
                    at(&e["at"]),
                )
            })
            .collect();
        let expected: Vec<(String, i64, DateTime<Utc>)> = expected
            .iter()
            .map(|(a, who, when)| ((*a).to_owned(), *who, *when))
            .collect();
        assert_eq!(got, expected);
    }
    assert_eq!(get(&app, &d.butler, c).await["status"], "closed");
}

// R-CMP-12
#[actix_web::test]
async fn close_out_records_result_opinion_and_review_each_as_a_step() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let unit = app.unit_id("1-1-101").await;
    let c = receive(
        &app,
        &d.resident,
        json!({"unit_id": unit, "subject": "service_quality",
        "description": "Bins not emptied"}),
    )
    .await;
    let r = act(
        &app,
        &d.resident,
        id(&c),
        "opinion",
        json!({"opinion": "satisfied"}),
    )
    .await;
    // Nothing to give an opinion on yet.
    conflict(r, "invalid-transition");
    act(
        &app,
        &d.butler,
        id(&c),
        "assign-owner",
        json!({"butler_id": d.butler_id}),
    )
    .await
    .expect(200);
    act(
        &app,
        &d.butler,
        id(&c),
        "hand-to-department",
        json!({"department": "cleaning"}),
    )
    .await
    .expect(200);
    let done = resolve(&app, &d.butler, id(&c)).await;
    assert_eq!(done["status"], "resolved");
    assert_eq!(done["root_cause"], "method_process");
    let r = act(
        &app,
        &d.resident2,
        id(&c),
        "opinion",
        json!({"opinion": "dissatisfied"}),
    )
    .await;
    assert_eq!(
        r.status, 404,
        "another resident's complaint does not exist for them"
    );
    act(
        &app,
        &d.resident,
        id(&c),
        "opinion",
        json!({"opinion": "satisfied", "comment": "Thanks"}),
    )
    .await
    .expect(200);
    let r = act(&app, &d.butler, id(&c), "review", json!({"note": "ok"})).await;
    assert_eq!(r.status, 403);
    let reviewed = act(
        &app,
        &d.manager,
        id(&c),
        "review",
        json!({"note": "Add bins to the daily round"}),
    )
    .await
    .expect(200);
    assert_eq!(reviewed["opinion"], "satisfied");
    assert_eq!(reviewed["reviewed_by"], d.manager_id);
    let steps = actions(&reviewed);
    assert_eq!(
        steps,
        vec![
            "receive",
            "assign_owner",
            "hand_to_department",
            "resolve",
            "opinion",
            "review"
        ]
    );
    assert!(reviewed["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["at"].is_string()));
    assert!(reviewed["timeline"].as_array().unwrap()[1..]
        .iter()
        .all(|e| e["actor_id"].is_i64()));
}

// R-CMP-13
#[actix_web::test]
async fn exempt_complaints_get_no_visit_and_a_resident_who_refuses_is_never_scheduled_again() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let unit = app.unit_id("1-1-101").await;
    let anonymous = receive(
        &app,
        &d.butler,
        json!({"site_id": app.site_id, "channel": "suggestion_box",
        "subject": "service_attitude", "complainant": {"kind": "anonymous"},
        "description": "Night guard asleep"}),
    )
    .await;
    let done = resolve(&app, &d.butler, id(&anonymous)).await;
    assert_eq!(done["visit_exemption"], "anonymous");
    assert!(done.field("deadlines.visit").is_null());
    let visit = json!({"method": "phone", "satisfaction": "satisfied", "result": "fine"});
    precondition(
        act(&app, &d.butler, id(&anonymous), "visit", visit.clone()).await,
        "visit_exempt",
    );

    let on_spot = receive(&app, &d.butler, phone_complaint(unit, "other")).await;
    let done = act(
        &app,
        &d.butler,
        id(&on_spot),
        "resolve",
        json!({"resolution": "Explained the notice",
        "root_cause": "method_standards", "solved_on_spot_and_confirmed": true}),
    )
    .await
    .expect(200);
    assert_eq!(done["visit_exemption"], "solved_on_spot");

    let mut sensitive = phone_complaint(unit, "other");
    sensitive["sensitive"] = json!(true);
    let sensitive = receive(&app, &d.butler, sensitive).await;
    assert_eq!(
        resolve(&app, &d.butler, id(&sensitive)).await["visit_exemption"],
        "sensitive"
    );

    let first = receive(
        &app,
        &d.resident,
        json!({"unit_id": unit, "subject": "fees", "description": "Bill wrong"}),
    )
    .await;
    let done = resolve(&app, &d.butler, id(&first)).await;
    assert_eq!(
        at(&done["deadlines"]["visit"]["due_at"]),
        app.clock_now() + Duration::days(7)
    );
    let refused = act(
        &app,
        &d.butler,
        id(&first),
        "refuse-visits",
        json!({"note": "Asked us never to call back"}),
    )
    .await
    .expect(200);
    assert_eq!(refused["visit_exemption"], "refuses_visits");
    precondition(
        act(&app, &d.butler, id(&first), "visit", visit).await,
        "visit_exempt",
    );
    let again = receive(
        &app,
        &d.resident,
        json!({"unit_id": unit, "subject": "equipment", "description": "Light out"}),
    )
    .await;
    assert_eq!(
        resolve(&app, &d.butler, id(&again)).await["visit_exemption"],
        "refuses_visits"
    );
}

// R-CMP-13: a complainant who cannot be reached gets no follow-up visit, and the complaint
// closes after a quiet week instead (R-CMP-14); unlike a refusal, it flags nobody.
#[actix_web::test]
async fn an_unreachable_complainant_gets_no_visit_and_the_complaint_closes_quietly() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let unit = app.unit_id("1-1-101").await;
    let c = receive(
        &app,
        &d.resident,
        json!({"unit_id": unit, "subject": "equipment", "description": "Stair light out"}),
    )
    .await;
    let note = json!({"note": "Three calls over two days, no answer"});
    // Only once handled: before that there is no visit to skip.
    conflict(
        act(&app, &d.butler, id(&c), "mark-unreachable", note.clone()).await,
        "invalid-transition",
    );
    let done = resolve(&app, &d.butler, id(&c)).await;
    assert!(done.field("visit_exemption").is_null());
    assert_eq!(
        at(&done["deadlines"]["visit"]["due_at"]),
        app.clock_now() + Duration::days(7)
    );
    // The desk's call: not the complainant, not engineers, not another site's staff.
    for token in [&d.resident, &d.engineer] {
        let r = act(&app, token, id(&c), "mark-unreachable", note.clone()).await;
        assert_eq!(r.status, 403);
    }
    app.other_site().await;
    let river = app.token("butler.river").await;
    let r = act(&app, &river, id(&c), "mark-unreachable", note.clone()).await;
    assert_eq!(r.status, 404);
    let r = act(
        &app,
        &d.butler,
        id(&c),
        "mark-unreachable",
        json!({"note": ""}),
    )
    .await;
    assert_eq!(r.invalid_fields(), vec!["note"]);
    assert!(get(&app, &d.butler, id(&c))
        .await
        .field("visit_exemption")
        .is_null());

    let d = later(&app, Duration::hours(1)).await;
    let marked = act(&app, &d.butler, id(&c), "mark-unreachable", note.clone())
        .await
        .expect(200);
    assert_eq!(marked["status"], "resolved");
    assert_eq!(marked["visit_exemption"], "unreachable");
    assert!(marked.field("deadlines.visit").is_null(), "no visit is due");
    let step = marked["timeline"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(step["action"], "mark_unreachable");
    assert_eq!(step["actor_id"], d.butler_id);
    assert_eq!(at(&step["at"]), app.clock_now());
    assert!(step["note"].as_str().unwrap().contains("no answer"));
    precondition(
        act(&app, &d.butler, id(&c), "mark-unreachable", note.clone()).await,
        "visit_exempt",
    );
    let visit =
        json!({"method": "phone", "satisfaction": "satisfied", "result": "Reached at last"});
    precondition(
        act(&app, &d.butler, id(&c), "visit", visit).await,
        "visit_exempt",
    );
    // The manager may mark too; the resident is not flagged as refusing visits, so their
    // next complaint gets a visit again.
    let next = receive(
        &app,
        &d.resident,
        json!({"unit_id": unit, "subject": "fees", "description": "Bill twice"}),
    )
    .await;
    let next = resolve(&app, &d.butler, id(&next)).await;
    assert!(next.field("visit_exemption").is_null());
    assert!(next["deadlines"]["visit"]["due_at"].is_string());
    act(&app, &d.manager, id(&next), "mark-unreachable", note)
        .await
        .expect(200);

    let d = later(&app, Duration::days(7)).await;
    let sweep = app
        .post("/api/v1/complaints/close-quiet")
        .token(&d.manager)
        .send()
        .await
        .expect(200);
    assert_eq!(sweep["closed"], json!([id(&c), id(&next)]));
    let closed = get(&app, &d.resident, id(&c)).await;
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["closure_reason"], "quiet_week");
}

// R-CMP-14
#[actix_web::test]
async fn satisfied_visits_close_dissatisfied_ones_reopen_and_quiet_weeks_close_the_exempt() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let unit = app.unit_id("1-1-101").await;
    let c = receive(&app, &d.butler, phone_complaint(unit, "equipment")).await;
    resolve(&app, &d.butler, id(&c)).await;
    let reopened = act(
        &app,
        &d.butler,
        id(&c),
        "visit",
        json!({"method": "visit", "satisfaction": "dissatisfied", "result": "Still broken"}),
    )
    .await
    .expect(200);
    assert_eq!(reopened["status"], "in_progress");
    assert_eq!(reopened["reopen_count"], 1);
    assert!(reopened.field("resolved_at").is_null());
    resolve(&app, &d.butler, id(&c)).await;
    let closed = act(
        &app,
        &d.butler,
        id(&c),
        "visit",
        json!({"method": "phone", "satisfaction": "satisfied", "result": "Works now"}),
    )
    .await
    .expect(200);
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["closure_reason"], "satisfied_at_visit");
    assert_eq!(closed["visits"].as_array().unwrap().len(), 2);

    // Exempt: closes after a quiet week; a repeat on the same unit and subject keeps it open.
    let quiet = receive(
        &app,
        &d.butler,
        json!({"unit_id": unit, "channel": "letter", "subject": "neighbour_pets",
        "complainant": {"kind": "anonymous"}, "description": "Dog barking"}),
    )
    .await;
    let repeated = receive(
        &app,
        &d.butler,
        json!({"unit_id": unit, "channel": "letter", "subject": "neighbour_noise",
        "complainant": {"kind": "anonymous"}, "description": "Karaoke"}),
    )
    .await;
    resolve(&app, &d.butler, id(&quiet)).await;
    resolve(&app, &d.butler, id(&repeated)).await;
    let d = later(&app, Duration::days(3)).await;
    receive(
        &app,
        &d.butler,
        json!({"unit_id": unit, "channel": "phone", "subject": "neighbour_noise",
        "complainant": {"kind": "anonymous"}, "description": "Karaoke again"}),
    )
    .await;
    let d = later(&app, Duration::days(3)).await;
    let sweep = app
        .post("/api/v1/complaints/close-quiet")
        .token(&d.manager)
        .send()
        .await
        .expect(200);
    assert_eq!(sweep["closed"], json!([]), "six days are not a week");
    let d = later(&app, Duration::days(1) + Duration::minutes(1)).await;
    assert_eq!(
        app.post("/api/v1/complaints/close-quiet")
            .token(&d.butler)
            .send()
            .await
            .status,
        403
    );
    let sweep = app
        .post("/api/v1/complaints/close-quiet")
        .token(&d.manager)
        .send()
        .await
        .expect(200);
    assert_eq!(sweep["closed"], json!([id(&quiet)]));
    let again = app
        .post("/api/v1/complaints/close-quiet")
        .token(&d.manager)
        .send()
        .await
        .expect(200);
    assert_eq!(again["closed"], json!([]), "the sweep is idempotent");
    let quiet = get(&app, &d.manager, id(&quiet)).await;
    assert_eq!(quiet["closure_reason"], "quiet_week");
    assert_eq!(actions(&quiet).last().unwrap(), "close_quiet");
    assert_eq!(
        get(&app, &d.manager, id(&repeated)).await["status"],
        "resolved"
    );
}

/// Exempt complaints on unit 1-1-101, one per subject, resolved now; their ids.
async fn exempt_and_resolved(app: &TestApp, d: &Desk, subjects: &[&str]) -> Vec<i64> {
    let unit = app.unit_id("1-1-101").await;
    let mut ids = Vec::new();
    for subject in subjects {
        let c = receive(
            app,
            &d.butler,
            json!({"unit_id": unit, "channel": "letter", "subject": subject,
                   "complainant": {"kind": "anonymous"}, "description": "Unsigned letter"}),
        )
        .await;
        resolve(app, &d.butler, id(&c)).await;
        ids.push(id(&c));
    }
    ids
}

// R-CMP-14: the sweep pages through every candidate, one transaction per batch, past a
// batch in which nothing closes; what it closes is a system step.
#[actix_web::test]
async fn a_sweep_over_more_candidates_than_one_batch_closes_them_all() {
    use propdesk::complaints::service::close_quiet_in_batches;
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let unit = app.unit_id("1-1-101").await;
    // The first batch of two holds only complaints that repeated, so it closes nothing.
    let repeated = exempt_and_resolved(&app, &d, &["neighbour_noise", "neighbour_pets"]).await;
    let quiet = exempt_and_resolved(
        &app,
        &d,
        &[
            "equipment",
            "fees",
            "other",
            "emergency",
            "community_activity",
        ],
    )
    .await;
    let d = later(&app, Duration::days(2)).await;
    for subject in ["neighbour_noise", "neighbour_pets"] {
        receive(
            &app,
            &d.butler,
            json!({"unit_id": unit, "channel": "phone", "subject": subject,
                   "complainant": {"kind": "anonymous"}, "description": "Again"}),
        )
        .await;
    }
    let d = later(&app, Duration::days(5) + Duration::minutes(1)).await;
    let closed = close_quiet_in_batches(&app.state, 2).await.unwrap();
    let closed: Vec<i64> = closed.into_iter().map(i64::from).collect();
    assert_eq!(closed, quiet, "all five, over four batches");
    for c in &quiet {
        let view = get(&app, &d.manager, *c).await;
        assert_eq!(view["status"], "closed");
        assert_eq!(view["closure_reason"], "quiet_week");
        let last = view["timeline"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["action"], "close_quiet");
        assert!(
            last.field("actor_id").is_null(),
            "the system closed it: {last}"
        );
        assert_eq!(last["from_status"], "resolved");
        assert_eq!(last["to_status"], "closed");
        assert_eq!(at(&last["at"]), app.clock_now());
    }
    for c in &repeated {
        assert_eq!(get(&app, &d.manager, *c).await["status"], "resolved");
    }
    assert!(close_quiet_in_batches(&app.state, 2)
        .await
        .unwrap()
        .is_empty());
}

// R-CMP-14: sweeps running at once (several instances) close each complaint once.
#[actix_web::test]
async fn sweeps_running_at_once_close_each_complaint_once() {
    use propdesk::complaints::service::close_quiet_in_batches;
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let quiet = exempt_and_resolved(
        &app,
        &d,
        &[
            "equipment",
            "fees",
            "other",
            "emergency",
            "community_activity",
        ],
    )
    .await;
    let d = later(&app, Duration::days(7) + Duration::minutes(1)).await;
    let sweeps: Vec<_> = (0..3)
        .map(|_| {
            let state = app.state.clone();
            actix_web::rt::spawn(async move { close_quiet_in_batches(&state, 1).await.unwrap() })
        })
        .collect();
    let mut closed = Vec::new();
    for sweep in sweeps {
        closed.extend(sweep.await.unwrap().into_iter().map(i64::from));
    }
    closed.sort();
    assert_eq!(closed, quiet, "each closed by exactly one sweep");
    for c in &quiet {
        let view = get(&app, &d.manager, *c).await;
        assert_eq!(
            actions(&view)
                .iter()
                .filter(|a| *a == "close_quiet")
                .count(),
            1
        );
    }
}

// R-CMP-15
#[actix_web::test]
async fn a_major_complaint_is_led_by_a_department_head_and_listed_for_the_meeting() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let unit = app.unit_id("1-1-101").await;
    let c = receive(&app, &d.butler, phone_complaint(unit, "emergency")).await;
    let r = act(
        &app,
        &d.butler,
        id(&c),
        "mark-major",
        json!({"lead_id": d.butler_id, "note": "x"}),
    )
    .await;
    assert_eq!(r.invalid_fields(), vec!["lead_id"]);
    let major = act(
        &app,
        &d.butler,
        id(&c),
        "mark-major",
        json!({"lead_id": d.manager_id, "note": "Twelve households flooded"}),
    )
    .await
    .expect(200);
    assert_eq!(major["major"], true);
    assert_eq!(major["major_lead_id"], d.manager_id);
    assert_eq!(
        at(&major["next_chase_at"]),
        app.clock_now() + Duration::days(1)
    );
    receive(&app, &d.butler, phone_complaint(unit, "other")).await;
    let list = app
        .get("/api/v1/complaints?major=true")
        .token(&d.manager)
        .send()
        .await
        .expect(200);
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let report = app
        .get(&format!(
            "/api/v1/complaints/monthly-report?site_id={}&month=2026-11",
            app.site_id
        ))
        .token(&d.manager)
        .send()
        .await
        .expect(200);
    assert_eq!(report["major"], 1);
    assert_eq!(report["major_cases"][0]["number"], major["number"]);
}

// R-CMP-16
#[actix_web::test]
async fn duplicates_about_one_event_count_once_with_their_people_and_impact() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let unit = app.unit_id("1-1-101").await;
    let unit2 = app.unit_id("2-1-201").await;
    let first = receive(
        &app,
        &d.resident,
        json!({"unit_id": unit, "subject": "equipment", "description": "No hot water"}),
    )
    .await;
    let second = receive(&app, &d.resident2, json!({"unit_id": unit2, "subject": "equipment", "description": "No hot water here either"})).await;
    let third = receive(
        &app,
        &d.resident,
        json!({"unit_id": unit, "subject": "equipment", "description": "Still no hot water"}),
    )
    .await;
    act(
        &app,
        &d.butler,
        id(&second),
        "merge",
        json!({"into_id": id(&first),
        "impact": "Buildings 1 and 2 without hot water for 6 hours"}),
    )
    .await
    .expect(200);
    let merged = act(
        &app,
        &d.butler,
        id(&third),
        "merge",
        json!({"into_id": id(&first)}),
    )
    .await
    .expect(200);
    assert_eq!(merged["status"], "merged");
    assert_eq!(merged["merged_into"], id(&first));
    let event = get(&app, &d.butler, id(&first)).await;
    assert_eq!(event["event"]["occurrences"], 3);
    assert_eq!(
        event["event"]["complainants"], 2,
        "the same resident twice is one person"
    );
    assert_eq!(
        event["event"]["impact"],
        "Buildings 1 and 2 without hot water for 6 hours"
    );
    // A different complaint by the same person counts on its own.
    receive(
        &app,
        &d.resident,
        json!({"unit_id": unit, "subject": "fees", "description": "Bill wrong"}),
    )
    .await;

    let other = app.other_site().await;
    let manager = app.token("manager").await;
    let elsewhere = receive(
        &app,
        &manager,
        json!({"unit_id": other.unit_id, "channel": "phone", "subject": "equipment",
        "complainant": {"kind": "anonymous"}, "description": "No hot water"}),
    )
    .await;
    let r = act(
        &app,
        &manager,
        id(&elsewhere),
        "merge",
        json!({"into_id": id(&first)}),
    )
    .await;
    assert_eq!(r.invalid_fields(), vec!["into_id"]);
    assert_eq!(
        get(&app, &manager, id(&elsewhere)).await["status"],
        "received"
    );
    let r = act(
        &app,
        &d.butler,
        id(&first),
        "merge",
        json!({"into_id": id(&second)}),
    )
    .await;
    // An event that others were merged into cannot be merged away itself.
    precondition(r, "has_merged");

    let report = app
        .get(&format!(
            "/api/v1/complaints/monthly-report?site_id={}&month=2026-11",
            app.site_id
        ))
        .token(&manager)
        .send()
        .await
        .expect(200);
    assert_eq!(report["complaints"], 4);
    assert_eq!(report["events"], 2);
    assert_eq!(report["complainants"], 3);
}

// R-CMP-16: people without an account are told apart by phone, else by name; anonymous
// complainants cannot be told apart, so each counts as a new person.
#[actix_web::test]
async fn named_callers_count_once_by_phone_or_name_and_each_anonymous_one_counts() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let unit = app.unit_id("1-1-101").await;
    let call = |complainant: Value| {
        json!({"unit_id": unit, "channel": "phone", "subject": "equipment",
               "complainant": complainant, "description": "Lift 2 stuck between floors"})
    };
    let event = receive(
        &app,
        &d.butler,
        call(json!({"kind": "named", "name": "Ms Li", "phone": "13800138000"})),
    )
    .await;
    let duplicates = [
        // The same phone, typed with spaces and dashes: the same person.
        json!({"kind": "named", "name": "Li Na", "phone": "138 0013-8000"}),
        // Another Ms Li, on another phone: another person.
        json!({"kind": "named", "name": "Ms Li", "phone": "13900139000"}),
        // No phone: by name, whatever the case and the spacing.
        json!({"kind": "named", "name": "MS  LI"}),
        json!({"kind": "named", "name": "Mr Zhao"}),
        json!({"kind": "named", "name": "mr zhao"}),
        // Nobody knows who they are: each is a new person.
        json!({"kind": "anonymous"}),
        json!({"kind": "anonymous"}),
    ];
    for complainant in duplicates {
        let dup = receive(&app, &d.butler, call(complainant)).await;
        act(
            &app,
            &d.butler,
            id(&dup),
            "merge",
            json!({"into_id": id(&event)}),
        )
        .await
        .expect(200);
    }
    let event = get(&app, &d.butler, id(&event)).await;
    assert_eq!(event["event"]["occurrences"], 8);
    // Each duplicate counted is a step on the event, by whoever merged it.
    let counted: Vec<&Value> = event["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "merge_in")
        .collect();
    assert_eq!(counted.len(), 7);
    assert!(counted.iter().all(|e| e["actor_id"] == d.butler_id
        && e["from_status"] == "received"
        && e["to_status"] == "received"));
    assert_eq!(
        event["event"]["complainants"], 5,
        "Ms Li, the other Ms Li, Mr Zhao and two anonymous callers"
    );
    let report = app
        .get(&format!(
            "/api/v1/complaints/monthly-report?site_id={}&month=2026-11",
            app.site_id
        ))
        .token(&d.manager)
        .send()
        .await
        .expect(200);
    assert_eq!(report["events"], 1);
    assert_eq!(report["complainants"], 5);
}

// R-CMP-16, R-CMP-17
#[actix_web::test]
async fn reports_count_by_the_final_root_cause() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let unit = app.unit_id("1-1-101").await;
    let c = receive(&app, &d.butler, phone_complaint(unit, "service_attitude")).await;
    let r = act(
        &app,
        &d.butler,
        id(&c),
        "resolve",
        json!({"resolution": "x", "root_cause": "bad_luck"}),
    )
    .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.invalid_fields(), vec!["root_cause"]);
    act(
        &app,
        &d.butler,
        id(&c),
        "resolve",
        json!({"resolution": "Apologised", "root_cause": "people_attitude"}),
    )
    .await
    .expect(200);
    act(
        &app,
        &d.butler,
        id(&c),
        "visit",
        json!({"method": "phone", "satisfaction": "dissatisfied", "result": "Guard still rude"}),
    )
    .await
    .expect(200);
    act(
        &app,
        &d.butler,
        id(&c),
        "resolve",
        json!({"resolution": "Guard retrained", "root_cause": "people_skills"}),
    )
    .await
    .expect(200);
    // The complaint records the final root cause; its history keeps the first one.
    let final_view = get(&app, &d.butler, id(&c)).await;
    assert_eq!(final_view["root_cause"], "people_skills");
    let judged: Vec<&str> = final_view["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "resolve")
        .map(|e| e["note"].as_str().unwrap())
        .collect();
    assert_eq!(judged.len(), 2);
    assert!(judged[0].contains("root cause people_attitude"));
    assert!(judged[1].contains("root cause people_skills"));
    let report = app
        .get(&format!(
            "/api/v1/complaints/monthly-report?site_id={}&month=2026-11",
            app.site_id
        ))
        .token(&d.manager)
        .send()
        .await
        .expect(200);
    assert_eq!(
        report["by_root_cause"],
        json!([{"key": "people_skills", "events": 1}])
    );
}

// R-CMP-17: every root cause of 人机料法环 is recorded on the complaint, and the week's and
// the month's figures count events by it (not yet resolved: not_set).
#[actix_web::test]
async fn each_root_cause_is_recorded_and_counted_in_the_reports() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let unit = app.unit_id("1-1-101").await;
    let causes = [
        "people_attitude",
        "people_conduct",
        "people_skills",
        "facility_appearance",
        "facility_quality",
        "facility_function",
        "material_durability",
        "material_economy",
        "material_accuracy",
        "method_process",
        "method_standards",
        "environment",
    ];
    for cause in causes {
        let c = receive(&app, &d.butler, phone_complaint(unit, "other")).await;
        let done = act(
            &app,
            &d.butler,
            id(&c),
            "resolve",
            json!({"resolution": "Handled", "root_cause": cause}),
        )
        .await
        .expect(200);
        assert_eq!(done["root_cause"], cause);
    }
    // A second people_skills event, and one still being handled.
    let c = receive(&app, &d.butler, phone_complaint(unit, "service_attitude")).await;
    act(
        &app,
        &d.butler,
        id(&c),
        "resolve",
        json!({"resolution": "Guard retrained", "root_cause": "people_skills"}),
    )
    .await
    .expect(200);
    let open = receive(&app, &d.butler, phone_complaint(unit, "fees")).await;
    assert!(open.field("root_cause").is_null());
    let mut expected: Vec<Value> = causes
        .iter()
        .map(|cause| json!({"key": cause, "events": if *cause == "people_skills" { 2 } else { 1 }}))
        .collect();
    expected.push(json!({"key": "not_set", "events": 1}));
    expected.sort_by_key(|b| b["key"].as_str().unwrap().to_owned());
    let month = app
        .get(&format!(
            "/api/v1/complaints/monthly-report?site_id={}&month=2026-11",
            app.site_id
        ))
        .token(&d.manager)
        .send()
        .await
        .expect(200);
    assert_eq!(month["by_root_cause"], json!(expected));
    let week = app
        .get(&format!(
            "/api/v1/complaints/weekly-summary?site_id={}",
            app.site_id
        ))
        .token(&d.butler)
        .send()
        .await
        .expect(200);
    assert_eq!(week["by_root_cause"], json!(expected));
}

// R-CMP-18: the complaints' board counts exactly and pages each section on its own route.
#[actix_web::test]
async fn a_busy_day_complaint_board_counts_every_complaint_and_pages_each_section() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let unit = app.unit_id("1-1-101").await;
    let mut received = Vec::new();
    for n in 0..23 {
        received.push(id(&receive(
            &app,
            &d.resident,
            json!({"unit_id": unit, "subject": "equipment", "description": format!("Lift {n}")}),
        )
        .await));
    }
    let board = app
        .get(&format!(
            "/api/v1/complaints/daily-board?site_id={}",
            app.site_id
        ))
        .token(&d.butler)
        .send()
        .await
        .expect(200);
    for section in ["new", "open", "unowned"] {
        assert_eq!(board[section]["count"], 23, "{section}");
        assert_eq!(board[section]["items"].as_array().unwrap().len(), 20);
    }
    let rest = app
        .get(&format!(
            "/api/v1/complaints/daily-board/unowned?site_id={}&cursor={}",
            app.site_id,
            board["unowned"]["next_cursor"].as_str().unwrap()
        ))
        .token(&d.butler)
        .send()
        .await
        .expect(200);
    let rest: Vec<i64> = rest["items"].as_array().unwrap().iter().map(id).collect();
    assert_eq!(rest, [received[2], received[1], received[0]]);
    app.get(&format!(
        "/api/v1/complaints/daily-board/closed?site_id={}",
        app.site_id
    ))
    .token(&d.butler)
    .send()
    .await
    .expect(404);
}

// R-CMP-18
#[actix_web::test]
async fn boards_and_reports_cover_the_day_the_week_and_the_month() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let unit = app.unit_id("1-1-101").await;
    let web = receive(
        &app,
        &d.resident,
        json!({"unit_id": unit, "subject": "equipment", "description": "Lift"}),
    )
    .await;
    let public = receive(
        &app,
        &d.butler,
        json!({"site_id": app.site_id, "channel": "phone", "subject": "service_quality",
        "complainant": {"kind": "named", "name": "Mr Zhao", "phone": "13900139000"},
        "description": "Mr Zhao says the lobby is filthy"}),
    )
    .await;
    let board = app
        .get(&format!(
            "/api/v1/complaints/daily-board?site_id={}",
            app.site_id
        ))
        .token(&d.butler)
        .send()
        .await
        .expect(200);
    assert_eq!(board["new"]["count"], 2);
    assert_eq!(board["new"]["items"].as_array().unwrap().len(), 2);
    assert_eq!(board["unowned"]["count"], 1);
    assert_eq!(board["unowned"]["items"][0]["id"], id(&web));
    act(
        &app,
        &d.butler,
        id(&public),
        "reply",
        json!({"text": "Cleaning is on the way"}),
    )
    .await
    .expect(200);
    resolve(&app, &d.butler, id(&public)).await;
    let d = later(&app, Duration::days(2)).await;
    let board = app
        .get(&format!(
            "/api/v1/complaints/daily-board?site_id={}",
            app.site_id
        ))
        .token(&d.butler)
        .send()
        .await
        .expect(200);
    assert_eq!(board["new"]["count"], 0);
    assert!(board["new"]["items"].as_array().unwrap().is_empty());
    assert_eq!(board["response_overdue"]["items"][0]["id"], id(&web));

    let week = app
        .get(&format!(
            "/api/v1/complaints/weekly-summary?site_id={}",
            app.site_id
        ))
        .token(&d.butler)
        .send()
        .await
        .expect(200);
    assert_eq!(week["from"], "2026-11-23");
    assert_eq!(week["events"], 2);
    let month = app
        .get(&format!(
            "/api/v1/complaints/monthly-report?site_id={}&month=2026-11",
            app.site_id
        ))
        .token(&d.manager)
        .send()
        .await
        .expect(200);
    assert_eq!(month["responded_on_time"], 1);
    assert_eq!(month["response_on_time_rate"], 0.5);
    assert_eq!(
        month["by_channel"],
        json!([{"key": "app", "events": 1}, {"key": "phone", "events": 1}])
    );
    assert_eq!(month["trend"].as_array().unwrap().len(), 6);
    assert_eq!(month["trend"][5], json!({"month": "2026-11", "events": 2}));
    assert_eq!(month["trend"][0], json!({"month": "2026-06", "events": 0}));
    let future = app
        .get(&format!(
            "/api/v1/complaints/monthly-report?site_id={}&month=2026-12",
            app.site_id
        ))
        .token(&d.manager)
        .send()
        .await;
    assert_eq!(future.invalid_fields(), vec!["month"]);
    let r = app
        .get(&format!(
            "/api/v1/complaints/monthly-report?site_id={}&month=2026-11",
            app.site_id
        ))
        .token(&d.resident)
        .send()
        .await;
    assert_eq!(r.status, 403);

    // The public summary: the common-interest one, with nothing personal in it.
    let summary = app
        .get(&format!(
            "/api/v1/complaints/public-summary?site_id={}&month=2026-11",
            app.site_id
        ))
        .token(&d.resident2)
        .send()
        .await
        .expect(200);
    assert_eq!(summary["cases"].as_array().unwrap().len(), 1);
    let text = summary.to_string();
    assert!(!text.contains("Zhao") && !text.contains("13900139000") && !text.contains("filthy"));
    assert_eq!(
        summary["cases"][0]["handling"],
        "Floor cleaned, cover rota fixed"
    );
    app.other_site().await;
    let stranger = app.token("resident.river").await;
    let r = app
        .get(&format!(
            "/api/v1/complaints/public-summary?site_id={}&month=2026-11",
            app.site_id
        ))
        .token(&stranger)
        .send()
        .await;
    assert_eq!(r.status, 404);
}

// R-CMP-19
#[actix_web::test]
async fn butlers_reply_from_the_managers_library_and_the_reply_records_which_text() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let unit = app.unit_id("1-1-101").await;
    let text = json!({"site_id": app.site_id, "subject": "fees", "title": "2026 fee rise",
        "body": "The fee was set at the owners' meeting of 12 March."});
    assert_eq!(
        app.post("/api/v1/standard-replies")
            .token(&d.butler)
            .json(text.clone())
            .send()
            .await
            .status,
        403
    );
    let std = app
        .post("/api/v1/standard-replies")
        .token(&d.manager)
        .json(text.clone())
        .send()
        .await
        .expect(201);
    conflict(
        app.post("/api/v1/standard-replies")
            .token(&d.manager)
            .json(text)
            .send()
            .await,
        "duplicate",
    );
    let listed = app
        .get("/api/v1/standard-replies?subject=fees")
        .token(&d.butler)
        .send()
        .await
        .expect(200);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let c = receive(
        &app,
        &d.resident,
        json!({"unit_id": unit, "subject": "fees", "description": "Why the rise?"}),
    )
    .await;
    let replied = act(
        &app,
        &d.butler,
        id(&c),
        "reply",
        json!({"standard_reply_id": id(&std)}),
    )
    .await
    .expect(200);
    let message = &replied["messages"][0];
    assert_eq!(message["standard_reply_id"], id(&std));
    assert_eq!(
        message["body"],
        "The fee was set at the owners' meeting of 12 March."
    );

    let other = app.other_site().await;
    let theirs = app
        .post("/api/v1/standard-replies")
        .token(&d.manager)
        .json(json!({"site_id": other.site_id,
        "subject": "fees", "title": "River fees", "body": "Other site"}))
        .send()
        .await
        .expect(201);
    let r = act(
        &app,
        &d.butler,
        id(&c),
        "reply",
        json!({"standard_reply_id": id(&theirs)}),
    )
    .await;
    assert_eq!(r.invalid_fields(), vec!["standard_reply_id"]);
    app.post(&format!("/api/v1/standard-replies/{}/deactivate", id(&std)))
        .token(&d.manager)
        .send()
        .await
        .expect(200);
    let r = act(
        &app,
        &d.butler,
        id(&c),
        "reply",
        json!({"standard_reply_id": id(&std)}),
    )
    .await;
    assert_eq!(r.invalid_fields(), vec!["standard_reply_id"]);
    assert_eq!(
        get(&app, &d.butler, id(&c)).await["messages"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[actix_web::test]
async fn residents_see_only_their_own_complaints_and_never_internal_notes() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let unit = app.unit_id("1-1-101").await;
    let mine = receive(
        &app,
        &d.resident,
        json!({"unit_id": unit, "subject": "equipment", "description": "Lift"}),
    )
    .await;
    receive(&app, &d.butler, phone_complaint(unit, "other")).await;
    act(
        &app,
        &d.butler,
        id(&mine),
        "note",
        json!({"note": "Resident is on the owners' committee"}),
    )
    .await
    .expect(200);
    act(
        &app,
        &d.butler,
        id(&mine),
        "reply",
        json!({"text": "Engineer booked"}),
    )
    .await
    .expect(200);
    let seen = get(&app, &d.resident, id(&mine)).await;
    assert_eq!(seen["messages"].as_array().unwrap().len(), 1);
    assert!(!seen.to_string().contains("committee"));
    assert!(seen["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e.field("note").is_null()));
    assert!(
        !actions(&seen).contains(&"note".to_owned()),
        "not even that a note exists"
    );
    let staff_view = get(&app, &d.butler, id(&mine)).await;
    assert_eq!(staff_view["messages"].as_array().unwrap().len(), 2);
    assert!(actions(&staff_view).contains(&"note".to_owned()));
    let list = app
        .get("/api/v1/complaints")
        .token(&d.resident)
        .send()
        .await
        .expect(200);
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        1,
        "the phone complaint about the same unit is not theirs"
    );
    let r = app
        .get(&format!("/api/v1/complaints/{}", id(&mine)))
        .token(&d.resident2)
        .send()
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(
        act(&app, &d.resident, id(&mine), "reply", json!({"text": "x"}))
            .await
            .status,
        403
    );
    let r = app.post("/api/v1/complaints").token(&d.resident)
        .json(json!({"unit_id": app.unit_id("2-1-201").await, "subject": "other", "description": "x"})).send().await;
    assert_eq!(r.invalid_fields(), vec!["unit_id"]);
    let r = app
        .post("/api/v1/complaints")
        .token(&d.resident)
        .json(json!({"unit_id": unit, "subject": "other",
        "description": "x", "complainant": {"kind": "anonymous"}}))
        .send()
        .await;
    assert_eq!(r.invalid_fields(), vec!["complainant"]);
    // Staff of another site: not found.
    app.other_site().await;
    let river = app.token("butler.river").await;
    assert_eq!(
        app.get(&format!("/api/v1/complaints/{}", id(&mine)))
            .token(&river)
            .send()
            .await
            .status,
        404
    );
}

#[actix_web::test]
async fn bad_bodies_get_precise_problems_and_change_nothing() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let unit = app.unit_id("1-1-101").await;
    let c = receive(&app, &d.butler, phone_complaint(unit, "other")).await;
    let r = act(
        &app,
        &d.butler,
        id(&c),
        "reply",
        json!({"text": "x".repeat(1001)}),
    )
    .await;
    assert_eq!(r.invalid_fields(), vec!["text"]);
    let r = act(
        &app,
        &d.butler,
        id(&c),
        "visit",
        json!({"method": "phone", "satisfaction": "satisfied", "result": "ok"}),
    )
    .await;
    // Not resolved yet.
    conflict(r, "invalid-transition");
    let r = act(
        &app,
        &d.butler,
        id(&c),
        "set-fix-deadline",
        json!({"fix_by": "tomorrow"}),
    )
    .await;
    assert_eq!(r.invalid_fields(), vec!["fix_by"]);
    let r = app
        .post("/api/v1/complaints")
        .token(&d.butler)
        .raw(b"{not json", "application/json")
        .send()
        .await;
    assert_eq!(r.status, 400);
    let r = app.post("/api/v1/complaints").token(&d.butler).json(json!({"unit_id": unit, "channel": "phone",
        "subject": "other", "description": "x", "complainant": {"kind": "resident", "user_id": 99999}})).send().await;
    assert_eq!(r.invalid_fields(), vec!["complainant.user_id"]);
    let unchanged = get(&app, &d.butler, id(&c)).await;
    assert_eq!(unchanged["status"], "received");
    assert!(unchanged["messages"].as_array().unwrap().is_empty());
    assert_eq!(
        app.call(Method::GET, "/api/v1/complaints?status=lost")
            .token(&d.butler)
            .send()
            .await
            .status,
        400
    );
    let list = app
        .get("/api/v1/complaints")
        .token(&d.butler)
        .send()
        .await
        .expect(200);
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

/// Two actions racing on one complaint: the second to commit finds it changed.
#[actix_web::test]
async fn an_action_applies_only_to_the_version_it_read() {
    use propdesk::complaints::model::Escalation;
    use propdesk::complaints::repo::{self, ComplaintChange};
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let unit = app.unit_id("1-1-101").await;
    let c = id(&receive(&app, &d.butler, phone_complaint(unit, "other")).await);
    let pool = app.state.pool.clone();
    let read = actix_web::web::block(move || {
        repo::find(&mut pool.get().unwrap(), c.into())
            .unwrap()
            .unwrap()
    })
    .await
    .unwrap();
    act(&app, &d.butler, c, "note", json!({"note": "first"}))
        .await
        .expect(200);
    let pool = app.state.pool.clone();
    let stale = actix_web::web::block(move || {
        let change = ComplaintChange {
            escalation: Some(Some(Escalation::Director)),
            version: Some(read.version + 1),
            ..Default::default()
        };
        repo::apply(&mut pool.get().unwrap(), c.into(), read.version, change).unwrap()
    })
    .await
    .unwrap();
    assert!(stale.is_none());
    assert!(get(&app, &d.butler, c).await.field("escalation").is_null());
}

/// The story of the issue: an online complaint at 22:00 on a Friday before a holiday, handed
/// to cleaning, chased, resolved, visited and closed; an exempt one that closes itself after
/// a quiet week; and the monthly report counting both, a merged duplicate once.
#[actix_web::test]
async fn the_story_of_two_complaints_and_their_monthly_report() {
    let app = TestApp::new().await;
    let d = desk(&app).await;
    let unit = app.unit_id("1-1-101").await;
    // Monday 30 November is a holiday.
    app.call(
        Method::PUT,
        &format!("/api/v1/sites/{}/calendar/days/2026-11-30", app.site_id),
    )
    .token(&d.manager)
    .json(json!({"kind": "holiday", "name": "Moved holiday"}))
    .send()
    .await
    .expect(200);
    // Friday 27 November, 22:00 local.
    let d = later(&app, Duration::hours(100)).await;
    assert_eq!(app.clock_now(), shanghai("2026-11-27 22:00"));
    let online = receive(
        &app,
        &d.resident,
        json!({"unit_id": unit, "subject": "service_quality",
        "description": "Stairwell of building 1 smells of rubbish"}),
    )
    .await;
    // 4 working hours from the next working day, Tuesday 1 December: 08:30-12:00, 13:30-14:00.
    assert_eq!(
        at(&online["deadlines"]["first_response"]["due_at"]),
        shanghai("2026-12-01 14:00")
    );
    assert_eq!(online["number"].as_str().unwrap(), "TS-20261127-0001");
    let duplicate = receive(
        &app,
        &d.resident2,
        json!({"site_id": app.site_id, "subject": "service_quality",
        "description": "Rubbish smell in building 1"}),
    )
    .await;

    let d = later(&app, Duration::hours(11)).await; // Saturday 09:00
    act(
        &app,
        &d.butler,
        id(&online),
        "assign-owner",
        json!({"butler_id": d.butler_id}),
    )
    .await
    .expect(200);
    act(
        &app,
        &d.butler,
        id(&duplicate),
        "merge",
        json!({"into_id": id(&online)}),
    )
    .await
    .expect(200);
    act(
        &app,
        &d.butler,
        id(&online),
        "hand-to-department",
        json!({"department": "cleaning"}),
    )
    .await
    .expect(200);
    act(
        &app,
        &d.butler,
        id(&online),
        "reply",
        json!({"text": "Cleaning will clear the bins today."}),
    )
    .await
    .expect(200);
    let letter = receive(
        &app,
        &d.butler,
        json!({"unit_id": unit, "channel": "letter", "subject": "neighbour_corridor_clutter",
        "complainant": {"kind": "anonymous"}, "description": "Bikes block the corridor"}),
    )
    .await;
    let exempt = resolve(&app, &d.butler, id(&letter)).await;
    assert_eq!(exempt["visit_exemption"], "anonymous");
    let d = later(&app, Duration::days(1)).await;
    act(
        &app,
        &d.butler,
        id(&online),
        "chase",
        json!({"result": "Bins cleared, drain being flushed"}),
    )
    .await
    .expect(200);
    let d = later(&app, Duration::days(1)).await;
    let resolved = resolve(&app, &d.butler, id(&online)).await;
    assert_eq!(resolved["deadlines"]["first_response"]["state"], "met");
    act(
        &app,
        &d.resident,
        id(&online),
        "opinion",
        json!({"opinion": "satisfied"}),
    )
    .await
    .expect(200);
    act(
        &app,
        &d.manager,
        id(&online),
        "review",
        json!({"note": "Good"}),
    )
    .await
    .expect(200);
    let d = later(&app, Duration::days(2)).await;
    let closed = act(
        &app,
        &d.butler,
        id(&online),
        "visit",
        json!({"method": "phone", "satisfaction": "satisfied", "result": "No smell since"}),
    )
    .await
    .expect(200);
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["deadlines"]["visit"]["state"], "met");
    assert_eq!(closed["event"]["complainants"], 2);

    // The exempt one, resolved on Saturday: closes itself after seven quiet days.
    let sweep = app
        .post("/api/v1/complaints/close-quiet")
        .token(&d.manager)
        .send()
        .await
        .expect(200);
    assert_eq!(sweep["closed"], json!([]));
    let d = later(&app, Duration::days(3) + Duration::minutes(1)).await;
    let sweep = app
        .post("/api/v1/complaints/close-quiet")
        .token(&d.manager)
        .send()
        .await
        .expect(200);
    assert_eq!(sweep["closed"], json!([id(&letter)]));

    let report = app
        .get(&format!(
            "/api/v1/complaints/monthly-report?site_id={}&month=2026-11",
            app.site_id
        ))
        .token(&d.manager)
        .send()
        .await
        .expect(200);
    assert_eq!(
        report["complaints"], 3,
        "November: the online one, its duplicate, the letter"
    );
    assert_eq!(report["events"], 2);
    assert_eq!(report["closed"], 2);
    assert_eq!(report["closure_rate"], 1.0);
    assert_eq!(
        report["by_department"],
        json!([{"key": "cleaning", "events": 1}, {"key": "not_set", "events": 1}])
    );
}
