//! Keys (R-KEY-1..5) and move-in over HTTP: every key has exactly one holder at any time,
//! every handoff is a link of its chain with both sides' confirmations, loans are due back
//! and chased, deposits go only to named collectors, incidents fall on the holder then.

mod common;

use chrono::{Duration, SecondsFormat};
use common::{Desk, Field, TestApp};
use serde_json::{json, Value};

fn cabinet(slot: &str) -> Value {
    json!({"kind": "cabinet", "slot": slot})
}

fn staff(id: i64) -> Value {
    json!({"kind": "staff", "user_id": id})
}

fn resident(id: i64) -> Value {
    json!({"kind": "resident", "user_id": id})
}

fn external(name: &str, phone: &str) -> Value {
    json!({"kind": "external", "name": name, "phone": phone})
}

/// Registers a key set of the unit with its holder; the key.
async fn register(
    app: &TestApp,
    token: &str,
    unit: i64,
    kind: &str,
    label: &str,
    holder: Value,
) -> Value {
    app.post(&format!("/api/v1/units/{unit}/keys"))
        .token(token)
        .json(json!({"kind": kind, "label": label, "copies": 2, "holder": holder}))
        .send()
        .await
        .expect(201)
}

async fn key(app: &TestApp, token: &str, id: i64) -> Value {
    app.get(&format!("/api/v1/keys/{id}"))
        .token(token)
        .send()
        .await
        .expect(200)
}

/// R-KEY-3: the key has exactly one holder, in one of the four forms, and it is the
/// receiver of the last link of its chain.
fn assert_one_holder(key: &Value) {
    let holder = key.field("holder");
    let set = |field: &str| !holder.field(field).is_null();
    let form = match holder.field("kind").as_str().unwrap() {
        "resident" | "staff" => set("user_id") && !set("slot") && !set("phone"),
        "external" => set("name") && !set("user_id") && !set("slot"),
        "cabinet" => set("slot") && !set("user_id") && !set("name"),
        other => panic!("no such holder kind {other}"),
    };
    assert!(form, "a holder of one form: {holder}");
    let chain = key.field("chain").as_array().unwrap();
    assert_eq!(
        &chain.last().unwrap()["to"],
        holder,
        "the chain ends with the holder"
    );
    for pair in chain.windows(2) {
        assert!(
            pair[1]["sequence"].as_i64() > pair[0]["sequence"].as_i64(),
            "a line of links: {chain:?}"
        );
        assert_eq!(
            pair[1]["from"], pair[0]["to"],
            "each link starts where the last ended"
        );
    }
}

fn link(key: &Value, from_end: usize) -> &Value {
    let chain = key["chain"].as_array().unwrap();
    &chain[chain.len() - 1 - from_end]
}

fn rfc3339(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

async fn notifications(app: &TestApp, token: &str) -> Vec<Value> {
    app.get("/api/v1/me/notifications?limit=100")
        .token(token)
        .send()
        .await
        .expect(200)["items"]
        .as_array()
        .unwrap()
        .clone()
}

async fn members(app: &TestApp, token: &str, unit: i64) -> Vec<Value> {
    app.get(&format!("/api/v1/units/{unit}/members"))
        .token(token)
        .send()
        .await
        .expect(200)
        .as_array()
        .unwrap()
        .clone()
}

async fn archives_of(app: &TestApp, token: &str, unit: i64) -> Vec<Value> {
    app.get(&format!(
        "/api/v1/archives?site_id={}&unit_id={unit}",
        app.site_id
    ))
    .token(token)
    .send()
    .await
    .expect(200)["items"]
        .as_array()
        .unwrap()
        .clone()
}

fn pdf() -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    bytes.extend(b"a signed key receipt".repeat(20));
    bytes
}

/// The issue's story: a tenant of the estate buys 3-1-101 and moves in; the entry-door key
/// is deposited and picked up by the named collector (a stranger refused); the mailbox key
/// is lent to the developer for a repair ticket, goes overdue, comes back; the bike-shed key
/// is lost and falls on the butler who held it. After every step each key has one holder.
// R-KEY-1, R-KEY-2, R-KEY-3, R-KEY-4, R-KEY-5
#[actix_web::test]
async fn the_story_of_a_move_in_and_its_keys() {
    let app = TestApp::new().await;
    let d = Desk::of(&app).await;
    let unit = app.unit_id("3-1-101").await;
    let owner = app.user_id(&d.resident2).await;
    let butler = app.user_id(&d.butler).await;

    // The developer's keys enter the inventory, in the cabinet; the bike-shed key the
    // butler keeps.
    let entry = register(
        &app,
        &d.butler,
        unit,
        "entry_door",
        "Entry door 3-1-101",
        cabinet("A-12"),
    )
    .await;
    let mailbox = register(
        &app,
        &d.butler,
        unit,
        "mailbox",
        "Mailbox 3-1-101",
        cabinet("A-12"),
    )
    .await;
    let shed = register(&app, &d.butler, unit, "other", "Bike shed", staff(butler)).await;
    let spare = register(
        &app,
        &d.butler,
        unit,
        "entry_door",
        "Spare entry door",
        cabinet("A-13"),
    )
    .await;
    for k in [&entry, &mailbox, &shed, &spare] {
        assert_one_holder(k);
        assert_eq!(k["chain"].as_array().unwrap().len(), 1);
        assert_eq!(link(k, 0)["kind"], "register");
        assert!(link(k, 0)["from"].is_null());
    }
    let (entry, mailbox, shed, spare) = (
        entry["id"].as_i64().unwrap(),
        mailbox["id"].as_i64().unwrap(),
        shed["id"].as_i64().unwrap(),
        spare["id"].as_i64().unwrap(),
    );
    app.action(
        &d.butler,
        "keys",
        spare,
        "report-damaged",
        json!({"note": "Bent in the lock"}),
    )
    .await
    .expect(200);
    // The owner moves in the next day.
    let d = Desk::later(&app, Duration::days(1)).await;

    // A move-in whose last step fails (a damaged key to issue) leaves nothing behind.
    app.post(&format!("/api/v1/units/{unit}/move-in"))
        .token(&d.butler)
        .json(json!({"owner_id": owner, "key_ids": [entry, mailbox, spare]}))
        .send()
        .await
        .expect_conflict("invalid-transition");
    assert!(
        members(&app, &d.butler, unit).await.is_empty(),
        "no membership"
    );
    assert!(
        archives_of(&app, &d.butler, unit).await.is_empty(),
        "no archive"
    );
    for id in [entry, mailbox] {
        let k = key(&app, &d.butler, id).await;
        assert_eq!(
            k["holder"],
            json!({"kind": "cabinet", "user_id": null, "name": null, "phone": null, "slot": "A-12"})
        );
        assert_eq!(k["chain"].as_array().unwrap().len(), 1, "no handoff kept");
    }

    // A hot-water meter installed tomorrow is refused, named as the move-in's field, and
    // the move-in leaves nothing behind.
    let meter = |installed_on: &str| {
        json!({"serial_number": "HW-3-1-101", "installed_on": installed_on,
               "initial_litres": 120})
    };
    let refused = app
        .post(&format!("/api/v1/units/{unit}/move-in"))
        .token(&d.butler)
        .json(json!({"owner_id": owner, "hot_water_meter": meter("2027-01-01")}))
        .send()
        .await;
    assert_eq!(refused.invalid_fields(), ["hot_water_meter.installed_on"]);
    assert!(members(&app, &d.butler, unit).await.is_empty());
    assert!(archives_of(&app, &d.butler, unit).await.is_empty());
    let meters = app.get(&format!("/api/v1/units/{unit}/hot-water/meters"));
    assert_eq!(meters.token(&d.butler).send().await.expect(200), json!([]));

    // The move-in, with an Idempotency-Key: membership, archive, keys and the hot-water
    // meter at once.
    let move_in = || {
        app.post(&format!("/api/v1/units/{unit}/move-in"))
            .token(&d.butler)
            .header("Idempotency-Key", "move-in-3-1-101")
            .json(json!({"owner_id": owner, "id_number": "11010519491231002X",
                         "hot_water_meter": meter("2026-11-20")}))
    };
    let moved = move_in().send().await.expect(201);
    assert_eq!(moved.field("hot_water_meter.serial_number"), "HW-3-1-101");
    assert_eq!(moved.field("hot_water_meter.initial_litres"), 120);
    let meters = app.get(&format!("/api/v1/units/{unit}/hot-water/meters"));
    let meters = meters.token(&d.butler).send().await.expect(200);
    assert_eq!(meters[0]["id"], moved["hot_water_meter"]["id"]);
    assert_eq!(moved.field("membership.relation"), "owner");
    assert_eq!(moved.field("membership.current"), true);
    assert_eq!(moved.field("archive.status"), "opening");
    assert_eq!(moved.field("archive.unit_id"), unit);
    let issued: Vec<i64> = moved["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        issued,
        [entry, mailbox],
        "the desk's entry-door and mailbox keys, not the damaged spare"
    );
    for k in moved["keys"].as_array().unwrap() {
        assert_eq!(k.field("holder.kind"), "resident");
        assert_eq!(k.field("holder.user_id"), owner);
    }
    let replay = move_in().send().await;
    assert_eq!(replay.header("Idempotent-Replayed"), Some("true"));
    assert_eq!(replay.expect(201), moved, "the first result, again");
    app.post(&format!("/api/v1/units/{unit}/move-in"))
        .token(&d.butler)
        .json(json!({"owner_id": app.user_id(&d.resident).await}))
        .send()
        .await
        .expect_precondition("owner_in_residence");

    // R-KEY-1: registered and signed. The cabinet's side is the desk's; the owner confirms
    // the entry-door key in the app, and the desk files the mailbox receipt they signed.
    let k = key(&app, &d.butler, entry).await;
    assert_one_holder(&k);
    let issue = link(&k, 0);
    assert_eq!(issue["kind"], "issue");
    assert_eq!(issue.field("giver_confirmation.by"), butler);
    assert!(issue["receiver_confirmation"].is_null());
    assert_eq!(issue["confirmed"], false);
    let handoff = issue["id"].as_i64().unwrap();
    app.post(&format!("/api/v1/key-handoffs/{handoff}/confirm"))
        .token(&d.butler)
        .json(json!({"side": "receiver"}))
        .send()
        .await
        .expect(403);
    app.post(&format!("/api/v1/key-handoffs/{handoff}/confirm"))
        .token(&d.resident)
        .json(json!({"side": "receiver"}))
        .send()
        .await
        .expect(404);
    let confirmed = app
        .post(&format!("/api/v1/key-handoffs/{handoff}/confirm"))
        .token(&d.resident2)
        .json(json!({"side": "receiver"}))
        .send()
        .await
        .expect(200);
    assert_eq!(confirmed.field("receiver_confirmation.by"), owner);
    assert_eq!(confirmed["confirmed"], true);
    app.post(&format!("/api/v1/key-handoffs/{handoff}/confirm"))
        .token(&d.resident2)
        .json(json!({"side": "receiver"}))
        .send()
        .await
        .expect_conflict("duplicate");

    let mailbox_issue = link(&key(&app, &d.butler, mailbox).await, 0)["id"]
        .as_i64()
        .unwrap();
    let uploaded = app
        .post(&format!("/api/v1/key-handoffs/{mailbox_issue}/attachments"))
        .token(&d.butler)
        .multipart(&[("file", "receipt.pdf", "application/pdf", &pdf())])
        .send()
        .await
        .expect(201);
    let form = uploaded["attachments"][0]["id"].as_i64().unwrap();
    let signed = app
        .post(&format!("/api/v1/key-handoffs/{mailbox_issue}/signature"))
        .token(&d.butler)
        .json(json!({"side": "receiver", "attachment_id": form}))
        .send()
        .await
        .expect(200);
    assert_eq!(signed.field("receiver_confirmation.signature_id"), form);
    assert_eq!(signed["confirmed"], true);

    // R-KEY-4: the owner deposits the entry-door key for Zhang Wei. The disclaimer must be
    // accepted; a stranger is refused; the named collector takes it and the owner is told.
    let deposit = |accepted: bool| {
        app.post(&format!("/api/v1/keys/{entry}/deposit"))
            .token(&d.butler)
            .json(
                json!({"from": resident(owner), "slot": "B-3", "disclaimer_accepted": accepted,
                         "collectors": [{"name": "Zhang Wei 张伟", "phone": "138 0013-8000"}]}),
            )
    };
    assert_eq!(
        deposit(false).send().await.invalid_fields(),
        ["disclaimer_accepted"]
    );
    assert_eq!(
        key(&app, &d.butler, entry).await.field("holder.kind"),
        "resident",
        "nothing changed"
    );
    let k = deposit(true).send().await.expect(200);
    assert_one_holder(&k);
    assert_eq!(k["holder"]["slot"], "B-3");
    let envelope = &k["deposits"][0];
    assert_eq!(envelope["status"], "held");
    assert!(
        envelope["envelope_label"]
            .as_str()
            .unwrap()
            .starts_with("3-1-101 "),
        "{envelope}"
    );
    assert_eq!(envelope["quantity"], 2);
    assert_eq!(
        envelope["collectors"],
        json!([{"name": "Zhang Wei 张伟", "phone": "13800138000"}])
    );

    let pick_up = |name: &str, phone: &str, quantity: i64| {
        app.post(&format!("/api/v1/keys/{entry}/pick-up"))
            .token(&d.butler)
            .json(json!({"collector_name": name, "collector_gender": "male",
                         "collector_phone": phone, "quantity": quantity}))
    };
    pick_up("Li Si", "13900000000", 2)
        .send()
        .await
        .expect_precondition("collector_not_authorised");
    pick_up("Zhang Wei 张伟", "13900000000", 2)
        .send()
        .await
        .expect_precondition("collector_not_authorised");
    assert_eq!(
        pick_up("Zhang Wei 张伟", "13800138000", 1)
            .send()
            .await
            .invalid_fields(),
        ["quantity"]
    );
    let k = key(&app, &d.butler, entry).await;
    assert_eq!(k["holder"]["slot"], "B-3", "the refused stay refused");
    assert_eq!(k["deposits"][0]["status"], "held");
    // The envelope leaves the cabinet only by pick-up; the desk may move it to another slot,
    // and the deposit follows.
    let transfer = |to: Value| {
        app.post(&format!("/api/v1/keys/{entry}/transfer"))
            .token(&d.butler)
            .json(json!({"from": cabinet("B-3"), "to": to, "purpose": "Tidy the cabinet"}))
            .send()
    };
    transfer(staff(butler))
        .await
        .expect_precondition("key_deposited");
    app.post(&format!("/api/v1/keys/{entry}/issue"))
        .token(&d.butler)
        .json(json!({"from": cabinet("B-3"), "to": resident(owner), "purpose": "x"}))
        .send()
        .await
        .expect_precondition("key_deposited");
    let k = transfer(cabinet("B-4")).await.expect(200);
    assert_one_holder(&k);
    assert_eq!(k["deposits"][0]["slot"], "B-4");
    assert_eq!(k["deposits"][0]["status"], "held");
    let k = pick_up(" zhang wei 张伟", "13800138000", 2)
        .send()
        .await
        .expect(200);
    assert_one_holder(&k);
    assert_eq!(k.field("holder.kind"), "external");
    assert_eq!(link(&k, 0)["kind"], "pick_up");
    let collected = k.field("deposits")[0].field("collected");
    assert_eq!(collected["gender"], "male");
    assert_eq!(collected["phone"], "13800138000");
    assert_eq!(collected["quantity"], 2);
    assert!(notifications(&app, &d.resident2)
        .await
        .iter()
        .any(|n| n["kind"] == "key_collected" && n["subject_id"] == entry));

    // R-KEY-2: the mailbox key goes to the developer for a repair ticket, with the
    // inspection sheet from the archive, due back in a week; the ticket shows the loan.
    let ticket = app
        .post("/api/v1/tickets")
        .token(&d.resident2)
        .json(
            json!({"unit_id": unit, "category": "roof_wall_seepage", "priority": "general",
                     "description": "Seepage under the window found at acceptance",
                     "contact_phone": "13800138001"}),
        )
        .send()
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    let archive = moved["archive"]["id"].as_i64().unwrap();
    let sheet = app
        .post(&format!("/api/v1/archives/{archive}/documents"))
        .token(&d.butler)
        .json(json!({"doc_type": "house_acceptance_form"}))
        .send()
        .await
        .expect(201)["catalogue"][0]["id"]
        .as_i64()
        .unwrap();
    let developer = external("Developer customer service, Mr Zhou", "4008001234");
    let due_back = app.clock_now() + Duration::days(7);
    let lend = |body: Value| {
        app.post(&format!("/api/v1/keys/{mailbox}/lend"))
            .token(&d.butler)
            .json(body)
    };
    let no_due_date = json!({"from": resident(owner), "to": developer, "purpose": "Fix the seepage",
                             "ticket_id": ticket, "inspection_document_id": sheet});
    assert_eq!(
        lend(no_due_date).send().await.invalid_fields(),
        ["due_back"]
    );
    let k = lend(
        json!({"from": resident(owner), "to": developer, "purpose": "Fix the seepage",
                        "due_back": rfc3339(due_back), "ticket_id": ticket,
                        "inspection_document_id": sheet}),
    )
    .send()
    .await
    .expect(200);
    assert_one_holder(&k);
    assert_eq!(
        k.field("holder.name"),
        "Developer customer service, Mr Zhou"
    );
    let loan = k.field("loans")[0].clone();
    assert_eq!(loan["status"], "out");
    assert_eq!(loan["ticket_id"], ticket);
    assert_eq!(loan["inspection_document_id"], sheet);
    assert_eq!(loan["overdue"], false);
    let t = app
        .get(&format!("/api/v1/tickets/{ticket}"))
        .token(&d.resident2)
        .send()
        .await
        .expect(200);
    assert_eq!(t.field("key_loans")[0]["id"], loan["id"]);
    assert_eq!(t["key_loans"][0]["due_back"], rfc3339(due_back));
    let told = notifications(&app, &d.resident2).await;
    let lent = told
        .iter()
        .find(|n| n["kind"] == "key_lent")
        .expect("the owner is told");
    assert!(lent["message"]
        .as_str()
        .unwrap()
        .contains(&due_back.format("%Y-%m-%d").to_string()));

    // A week and a day later it is overdue: listed, and the desk told once.
    app.clock.advance(Duration::days(8));
    let d = Desk::of(&app).await;
    let overdue = app
        .get(&format!(
            "/api/v1/key-loans?site_id={}&overdue=true",
            app.site_id
        ))
        .token(&d.butler)
        .send()
        .await
        .expect(200);
    assert_eq!(overdue["items"].as_array().unwrap().len(), 1);
    assert_eq!(overdue["items"][0]["overdue"], true);
    assert_eq!(
        propdesk::keys::service::lists::warn_loans_overdue(&app.state)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        propdesk::keys::service::lists::warn_loans_overdue(&app.state)
            .await
            .unwrap(),
        0
    );
    let desk_told = notifications(&app, &d.butler).await;
    assert_eq!(
        desk_told
            .iter()
            .filter(|n| n["kind"] == "key_loan_overdue")
            .count(),
        1
    );
    assert!(notifications(&app, &d.resident2)
        .await
        .iter()
        .all(|n| n["kind"] != "key_loan_overdue"));

    let k = app
        .post(&format!("/api/v1/keys/{mailbox}/return"))
        .token(&d.butler)
        .json(json!({"from": developer, "to": resident(owner), "purpose": "Seepage fixed"}))
        .send()
        .await
        .expect(200);
    assert_one_holder(&k);
    assert_eq!(k.field("holder.user_id"), owner);
    assert_eq!(k["loans"][0]["status"], "returned");
    assert_eq!(k["loans"][0]["returned_handoff_id"], link(&k, 0)["id"]);
    let overdue = app
        .get(&format!(
            "/api/v1/key-loans?site_id={}&overdue=true",
            app.site_id
        ))
        .token(&d.butler)
        .send()
        .await
        .expect(200);
    assert!(overdue["items"].as_array().unwrap().is_empty());

    // R-KEY-5: the bike-shed key is lost while the butler holds it: it falls on the butler,
    // and a lost key changes hands no more.
    let k = app
        .action(
            &d.butler,
            "keys",
            shed,
            "report-lost",
            json!({"note": "Not in the drawer"}),
        )
        .await
        .expect(200);
    assert_eq!(k["status"], "lost");
    assert_one_holder(&k);
    let incident = &k["incidents"][0];
    assert_eq!(incident["kind"], "lost");
    assert_eq!(incident.field("holder.user_id"), butler);
    assert_eq!(incident["accountable_staff_id"], butler);
    app.post(&format!("/api/v1/keys/{shed}/issue"))
        .token(&d.butler)
        .json(json!({"from": staff(butler), "to": resident(owner), "purpose": "Found it"}))
        .send()
        .await
        .expect_conflict("invalid-transition");
    let month = (app.clock_now() - Duration::days(8))
        .format("%Y-%m")
        .to_string();
    let this_month = app.clock_now().format("%Y-%m").to_string();
    let mut lost = 0;
    for m in [month, this_month] {
        let report = app
            .get(&format!(
                "/api/v1/key-incidents?site_id={}&month={m}",
                app.site_id
            ))
            .token(&d.manager)
            .send()
            .await
            .expect(200);
        lost += report["lost"].as_i64().unwrap();
        if let Some(item) = report["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["kind"] == "lost")
        {
            assert_eq!(item["key_id"], shed);
            let chain = item["chain"].as_array().unwrap();
            assert_eq!(
                chain.last().unwrap()["id"],
                item["handoff_id"],
                "the chain proves it"
            );
            assert_eq!(chain.last().unwrap()["to"]["user_id"], butler);
            assert_eq!(report["by_staff"][0]["staff_id"], butler);
        }
    }
    assert_eq!(lost, 1);

    // Every key of the unit has one holder. The owner sees each key and who holds it, but
    // of its history only what happened since they moved in: not the registrations.
    let keys = app
        .get(&format!("/api/v1/units/{unit}/keys"))
        .token(&d.resident2)
        .send()
        .await
        .expect(200);
    assert_eq!(keys["items"].as_array().unwrap().len(), 4);
    for k in keys["items"].as_array().unwrap() {
        let id = k["id"].as_i64().unwrap();
        let staff_view = key(&app, &d.butler, id).await;
        assert_one_holder(&staff_view);
        assert_eq!(k["holder"], staff_view["holder"]);
        let registered = staff_view["chain"][0]["id"].as_i64().unwrap();
        let owners_view = key(&app, &d.resident2, id).await;
        assert!(owners_view["chain"]
            .as_array()
            .unwrap()
            .iter()
            .all(|link| link["id"] != registered && link["kind"] != "register"));
        app.get(&format!("/api/v1/key-handoffs/{registered}"))
            .token(&d.resident2)
            .send()
            .await
            .expect(404);
        app.get(&format!("/api/v1/key-handoffs/{registered}"))
            .token(&d.butler)
            .send()
            .await
            .expect(200);
    }
    let owners_view = key(&app, &d.resident2, mailbox).await;
    let kinds: Vec<&str> = owners_view["chain"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["issue", "lend", "return"]);
    assert!(key(&app, &d.resident2, spare).await["chain"]
        .as_array()
        .unwrap()
        .is_empty());
    assert!(
        key(&app, &d.resident2, spare).await["incidents"]
            .as_array()
            .unwrap()
            .is_empty(),
        "damaged before they moved in"
    );
}

/// R-KEY-3: twenty handoffs of one key at once: one succeeds, nineteen get 409, and the
/// chain holds one new link.
// R-KEY-3
#[actix_web::test]
async fn twenty_simultaneous_handoffs_of_one_key_end_in_one_success() {
    let app = TestApp::new().await;
    let d = Desk::of(&app).await;
    let unit = app.unit_id("1-1-102").await;
    let engineer = app.user_id(&d.engineer).await;
    let k = register(
        &app,
        &d.butler,
        unit,
        "entry_door",
        "Entry door 1-1-102",
        cabinet("C-1"),
    )
    .await;
    let id = k["id"].as_i64().unwrap();
    let requests: Vec<_> = (0..20)
        .map(|i| {
            app.post(&format!("/api/v1/keys/{id}/transfer"))
                .token(if i % 2 == 0 { &d.butler } else { &d.manager })
                .json(json!({"from": cabinet("C-1"), "to": staff(engineer),
                             "purpose": format!("Meter reading, desk {i}")}))
                .send()
        })
        .collect();
    let answers = common::all(requests).await;
    let statuses: Vec<u16> = answers.iter().map(|r| r.status.as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        19,
        "{statuses:?}"
    );
    for answer in answers.into_iter().filter(|r| r.status.as_u16() == 409) {
        let body = answer.expect(409);
        let kind = body["type"].as_str().unwrap();
        assert!(
            kind == "/problems/stale-version"
                || (kind == "/problems/precondition-failed" && body["code"] == "not_holder"),
            "{body}"
        );
    }
    let k = key(&app, &d.butler, id).await;
    assert_one_holder(&k);
    assert_eq!(k["chain"].as_array().unwrap().len(), 2);
    assert_eq!(k.field("holder.user_id"), engineer);
}

/// R-KEY-3: "exactly one holder" is the database's rule too, not only the code's: a key
/// row with two holders, or none, and two links after the same holder, are refused.
// R-KEY-3
#[actix_web::test]
async fn the_database_refuses_a_key_with_two_holders_or_a_forked_chain() {
    use diesel::RunQueryDsl;
    let app = TestApp::new().await;
    let d = Desk::of(&app).await;
    let unit = app.unit_id("1-1-102").await;
    let butler = app.user_id(&d.butler).await;
    let k = register(
        &app,
        &d.butler,
        unit,
        "mailbox",
        "Mailbox 1-1-102",
        staff(butler),
    )
    .await;
    let id = k["id"].as_i64().unwrap();
    let pool = app.state.pool.clone();
    let refused = actix_web::web::block(move || {
        let mut conn = pool.get().unwrap();
        let mut refused = Vec::new();
        for sql in [
            format!("UPDATE unit_keys SET holder_slot = 'A-1' WHERE id = {id}"),
            format!("UPDATE unit_keys SET holder_user_id = NULL WHERE id = {id}"),
            format!("UPDATE unit_keys SET holder_kind = 'external' WHERE id = {id}"),
            format!(
                "INSERT INTO key_handoffs (key_id, site_id, sequence, kind, from_kind, \
                 from_user_id, to_kind, to_slot, purpose, recorded_by, handed_at) \
                 SELECT key_id, site_id, sequence, 'transfer', 'staff', {butler}, 'cabinet', \
                 'B-1', 'fork', recorded_by, handed_at FROM key_handoffs WHERE key_id = {id}"
            ),
            format!(
                "INSERT INTO key_handoffs (key_id, site_id, sequence, kind, to_kind, to_user_id, \
                 to_slot, purpose, recorded_by, handed_at) SELECT key_id, site_id, 5, \
                 'transfer', 'staff', {butler}, 'B-1', 'two receivers', recorded_by, handed_at \
                 FROM key_handoffs WHERE key_id = {id}"
            ),
        ] {
            let conn: &mut propdesk::db::AnyConnection = &mut conn;
            refused.push(diesel::sql_query(&sql).execute(conn).is_err());
        }
        refused
    })
    .await
    .unwrap();
    assert_eq!(refused, [true; 5]);
    let k = key(&app, &d.butler, id).await;
    assert_one_holder(&k);
    assert_eq!(k.field("holder.user_id"), butler);
}

/// R-KEY-3: who may read and hand over keys, and bad input that changes nothing.
// R-KEY-3
#[actix_web::test]
async fn keys_are_read_by_their_site_and_unit_and_handed_over_only_by_the_holder() {
    let app = TestApp::new().await;
    let d = Desk::of(&app).await;
    let home = app.unit_id("1-1-101").await;
    let other_home = app.unit_id("2-1-201").await;
    let owner = app.user_id(&d.resident).await;
    let butler = app.user_id(&d.butler).await;
    let engineer = app.user_id(&d.engineer).await;
    let k = register(
        &app,
        &d.butler,
        home,
        "entry_door",
        "Entry door 1-1-101",
        resident(owner),
    )
    .await;
    let id = k["id"].as_i64().unwrap();

    // Readers: the site's staff, the unit's residents; another resident gets 404.
    for token in [&d.manager, &d.butler, &d.engineer, &d.resident] {
        assert_one_holder(&key(&app, token, id).await);
    }
    assert!(key(&app, &d.resident, id).await["timeline"]
        .as_array()
        .unwrap()
        .is_empty());
    assert_eq!(
        key(&app, &d.butler, id).await["timeline"][0]["action"],
        "register"
    );
    app.get(&format!("/api/v1/keys/{id}"))
        .token(&d.resident2)
        .send()
        .await
        .expect(404);
    app.get(&format!("/api/v1/units/{home}/keys"))
        .token(&d.resident2)
        .send()
        .await
        .expect(404);
    app.get(&format!("/api/v1/units/{other_home}/keys"))
        .token(&d.resident2)
        .send()
        .await
        .expect(200);
    app.get(&format!("/api/v1/units/{home}/keys"))
        .send()
        .await
        .expect(401);

    // Handing over is the desk's: an engineer or a resident is 403.
    let hand = json!({"from": resident(owner), "to": staff(engineer), "purpose": "Water meter"});
    for token in [&d.engineer, &d.resident] {
        app.action(token, "keys", id, "transfer", hand.clone())
            .await
            .expect(403);
    }
    // From someone who does not hold it: 409 not_holder.
    app.action(
        &d.butler,
        "keys",
        id,
        "transfer",
        json!({"from": staff(butler), "to": staff(engineer), "purpose": "Water meter"}),
    )
    .await
    .expect_precondition("not_holder");
    // A receiver who may not hold a key of this unit, a holder of two forms, an unknown kind.
    let wrong = [
        (
            json!({"from": resident(owner), "to": resident(app.user_id(&d.resident2).await), "purpose": "x"}),
            "to.user_id",
        ),
        (
            json!({"from": resident(owner), "to": {"kind": "staff", "user_id": engineer, "slot": "A-1"}, "purpose": "x"}),
            "to",
        ),
        (
            json!({"from": resident(owner), "to": {"kind": "neighbour", "name": "Mr Wu"}, "purpose": "x"}),
            "to.kind",
        ),
    ];
    for (body, field) in wrong {
        let fields = app
            .action(&d.butler, "keys", id, "transfer", body)
            .await
            .invalid_fields();
        assert_eq!(fields, [field]);
    }
    // Issuing is from the desk only; lending needs a due date within a month.
    app.action(
        &d.butler,
        "keys",
        id,
        "issue",
        json!({"from": resident(owner), "to": resident(owner), "purpose": "x"}),
    )
    .await
    .expect_precondition("not_with_desk");
    let far = rfc3339(app.clock_now() + Duration::days(45));
    let fields = app
        .action(&d.butler, "keys", id, "lend",
            json!({"from": resident(owner), "to": external("Developer CS", "4008001234"), "purpose": "x", "due_back": far}))
        .await
        .invalid_fields();
    assert_eq!(fields, ["due_back"]);
    let week = rfc3339(app.clock_now() + Duration::days(7));
    for (extra, field) in [
        (json!({"ticket_id": 999_999}), "ticket_id"),
        (
            json!({"inspection_document_id": 999_999}),
            "inspection_document_id",
        ),
    ] {
        let mut body = json!({"from": resident(owner), "to": external("Developer CS", "4008001234"),
                              "purpose": "x", "due_back": week});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let fields = app
            .action(&d.butler, "keys", id, "lend", body)
            .await
            .invalid_fields();
        assert_eq!(fields, [field]);
    }
    let k = key(&app, &d.butler, id).await;
    assert_eq!(k["chain"].as_array().unwrap().len(), 1, "nothing changed");
    assert_eq!(k.field("holder.user_id"), owner);

    // Another site's staff and units see none of it.
    let other = app.other_site().await;
    let river = app.token("butler.river").await;
    app.get(&format!("/api/v1/keys/{id}"))
        .token(&river)
        .send()
        .await
        .expect(404);
    app.post(&format!("/api/v1/units/{home}/keys"))
        .token(&river)
        .json(json!({"kind": "mailbox", "label": "x", "copies": 1, "holder": cabinet("A-1")}))
        .send()
        .await
        .expect(404);
    let fields = app
        .post(&format!("/api/v1/units/{}/keys", other.unit_id))
        .token(&d.manager)
        .json(json!({"kind": "mailbox", "label": "Mailbox 8-1-808", "copies": 1, "holder": staff(butler)}))
        .send()
        .await
        .invalid_fields();
    assert_eq!(
        fields,
        ["holder.user_id"],
        "a butler of another site keeps no key here"
    );
    let fields = app
        .post(&format!("/api/v1/units/{home}/keys"))
        .token(&d.butler)
        .json(json!({"kind": "mailbox", "label": "Mailbox", "copies": 0, "holder": cabinet("A-1")}))
        .send()
        .await
        .invalid_fields();
    assert_eq!(fields, ["copies"]);
}

/// R-KEY-5: an incident falls on whoever held the key at that moment: damage found later
/// but done in the engineer's hands is the engineer's; a wrong hand-out out of the cabinet
/// is the clerk's who handed it out; the month's report lists both with their chains.
// R-KEY-5
#[actix_web::test]
async fn an_incident_falls_on_the_holder_at_that_moment() {
    let app = TestApp::new().await;
    let d = Desk::of(&app).await;
    let unit = app.unit_id("1-2-101").await;
    let butler = app.user_id(&d.butler).await;
    let engineer = app.user_id(&d.engineer).await;
    let k = register(&app, &d.butler, unit, "other", "Storeroom", cabinet("D-4")).await;
    let id = k["id"].as_i64().unwrap();
    app.action(
        &d.butler,
        "keys",
        id,
        "report-wrong-handout",
        json!({"note": "x"}),
    )
    .await
    .expect_precondition("nothing_handed_out");

    app.action(
        &d.butler,
        "keys",
        id,
        "transfer",
        json!({"from": cabinet("D-4"), "to": staff(engineer), "purpose": "Pump repair"}),
    )
    .await
    .expect(200);
    let in_engineers_hands = app.clock_now() + Duration::hours(1);
    app.clock.advance(Duration::hours(2));
    let d = Desk::of(&app).await;
    app.action(
        &d.butler,
        "keys",
        id,
        "return",
        json!({"from": staff(engineer), "to": cabinet("D-4"), "purpose": "Pump repaired"}),
    )
    .await
    .expect(200);
    app.clock.advance(Duration::hours(1));
    let d = Desk::of(&app).await;
    let k = app
        .action(&d.butler, "keys", id, "report-damaged",
            json!({"note": "Teeth bent: the pump room lock", "occurred_at": rfc3339(in_engineers_hands)}))
        .await
        .expect(200);
    assert_eq!(k["status"], "damaged");
    let damage = &k["incidents"][0];
    assert_eq!(damage.field("holder.user_id"), engineer);
    assert_eq!(damage["accountable_staff_id"], engineer);
    assert_eq!(
        damage["handoff_id"], k["chain"][1]["id"],
        "the link that gave it to the engineer"
    );
    app.action(&d.butler, "keys", id, "report-lost", json!({"note": "x"}))
        .await
        .expect_conflict("invalid-transition");
    let future = rfc3339(app.clock_now() + Duration::hours(1));
    let k2 = register(
        &app,
        &d.butler,
        unit,
        "mailbox",
        "Mailbox 1-2-101",
        cabinet("D-5"),
    )
    .await;
    let id2 = k2["id"].as_i64().unwrap();
    let fields = app
        .action(
            &d.butler,
            "keys",
            id2,
            "report-lost",
            json!({"note": "x", "occurred_at": future}),
        )
        .await
        .invalid_fields();
    assert_eq!(fields, ["occurred_at"]);

    // Out of the cabinet to the wrong engineer: the butler who handed it out answers.
    app.action(
        &d.butler,
        "keys",
        id2,
        "transfer",
        json!({"from": cabinet("D-5"), "to": staff(engineer), "purpose": "Mailbox lock"}),
    )
    .await
    .expect(200);
    let k2 = app
        .action(
            &d.manager,
            "keys",
            id2,
            "report-wrong-handout",
            json!({"note": "Meant for the locksmith"}),
        )
        .await
        .expect(200);
    assert_eq!(k2["status"], "in_use");
    let wrong = &k2["incidents"][0];
    assert_eq!(wrong.field("holder.kind"), "cabinet");
    assert_eq!(wrong["accountable_staff_id"], butler);
    assert_eq!(wrong["recorded_by"], app.user_id(&d.manager).await);

    let report = app
        .get(&format!("/api/v1/key-incidents?site_id={}", app.site_id))
        .token(&d.butler)
        .send()
        .await
        .expect(200);
    assert_eq!(
        (
            report["damaged"].as_i64(),
            report["wrong_handout"].as_i64(),
            report["lost"].as_i64()
        ),
        (Some(1), Some(1), Some(0))
    );
    let items = report["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["kind"], "damaged", "in the order they occurred");
    assert_eq!(
        items[0]["chain"].as_array().unwrap().len(),
        2,
        "up to the engineer's link, not after"
    );
    assert_eq!(items[1]["chain"].as_array().unwrap().len(), 2);
    let tally: Vec<(i64, i64)> = report["by_staff"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["staff_id"].as_i64().unwrap(),
                t["incidents"].as_i64().unwrap(),
            )
        })
        .collect();
    let mut expected = vec![(engineer, 1), (butler, 1)];
    expected.sort_by_key(|(id, _)| *id);
    assert_eq!(tally, expected);
    app.get(&format!("/api/v1/key-incidents?site_id={}", app.site_id))
        .token(&d.engineer)
        .send()
        .await
        .expect(403);
    let fields = app
        .get(&format!(
            "/api/v1/key-incidents?site_id={}&month=2099-01",
            app.site_id
        ))
        .token(&d.butler)
        .send()
        .await
        .invalid_fields();
    assert_eq!(fields, ["month"]);
}

/// R-KEY-1: a move-in needs the desk to hold an entry-door and a mailbox key; the owner's
/// own membership, made with their account, is the one moved in; a key of another unit is
/// refused by name.
// R-KEY-1
#[actix_web::test]
async fn a_move_in_issues_the_desks_entry_door_and_mailbox_keys() {
    let app = TestApp::new().await;
    let d = Desk::of(&app).await;
    let unit = app.unit_id("3-2-202").await;
    let elsewhere = app.unit_id("3-2-201").await;
    let new_owner = app
        .post("/api/v1/users")
        .token(&d.manager)
        .json(
            json!({"username": "owner.lin", "display_name": "Lin Hui 林慧", "role": "resident",
                     "password": common::PASSWORD, "phone": "13700137000",
                     "unit_id": unit, "relation": "owner"}),
        )
        .send()
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    let move_in = |body: Value| {
        app.post(&format!("/api/v1/units/{unit}/move-in"))
            .token(&d.butler)
            .json(body)
            .send()
    };
    let entry = register(
        &app,
        &d.butler,
        unit,
        "entry_door",
        "Entry door",
        cabinet("E-1"),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    move_in(json!({"owner_id": new_owner}))
        .await
        .expect_precondition("move_in_keys_missing");
    let mailbox = register(&app, &d.butler, unit, "mailbox", "Mailbox", cabinet("E-1")).await["id"]
        .as_i64()
        .unwrap();
    let stray = register(
        &app,
        &d.butler,
        elsewhere,
        "mailbox",
        "Mailbox next door",
        cabinet("E-2"),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let fields = move_in(json!({"owner_id": new_owner, "key_ids": [entry, stray, entry]}))
        .await
        .invalid_fields();
    assert_eq!(fields, ["key_ids[1]", "key_ids[2]"]);
    app.post(&format!("/api/v1/units/{unit}/move-in"))
        .token(&d.engineer)
        .json(json!({"owner_id": new_owner}))
        .send()
        .await
        .expect(403);
    let moved = move_in(json!({"owner_id": new_owner})).await.expect(201);
    assert_eq!(moved.field("membership.user_id"), new_owner);
    assert_eq!(
        members(&app, &d.butler, unit).await.len(),
        1,
        "the account's membership, not a second"
    );
    let keys: Vec<i64> = moved["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["id"].as_i64().unwrap())
        .collect();
    assert_eq!(keys, [entry, mailbox]);
    let owner_token = app.token("owner.lin").await;
    let k = key(&app, &owner_token, mailbox).await;
    assert_one_holder(&k);
    assert_eq!(link(&k, 0)["kind"], "issue");
    assert_eq!(link(&k, 0)["purpose"], "Move-in: keys issued to the owner");
    // Moving in twice is refused: the archive of this occupancy exists.
    move_in(json!({"owner_id": new_owner}))
        .await
        .expect_conflict("duplicate");
}
