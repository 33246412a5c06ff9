//! Owner archives (R-ARC-1..6) over HTTP: registered at move-in and due on the site's
//! calendar, judged against a versioned checklist, complete only with every scan and
//! signature, filed into by closing tickets, read only by the desk or under a loan, every
//! read logged, ID numbers sealed and masked.

mod common;

use actix_web::http::Method;
use chrono::Duration;
use common::{Desk, TestApp, PASSWORD};
use serde_json::{json, Value};

/// A valid ID number (GB 11643) from its first 17 digits.
fn id_number(first17: &str) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let sum: u32 = first17
        .bytes()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    format!("{first17}{}", CHECK[(sum % 11) as usize] as char)
}

fn pdf() -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    bytes.extend(b"scan of a signed paper".repeat(20));
    bytes
}

/// A new resident who owns the demo unit `code` from today; their id.
async fn new_owner(app: &TestApp, username: &str, code: &str) -> i64 {
    let manager = app.token("manager").await;
    let unit_id = app.unit_id(code).await;
    app.post("/api/v1/users")
        .token(&manager)
        .json(
            json!({"username": username, "display_name": format!("Owner {username}"),
                     "role": "resident", "password": PASSWORD, "phone": "13912345678",
                     "unit_id": unit_id, "relation": "owner"}),
        )
        .send()
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap()
}

async fn open(app: &TestApp, token: &str, body: Value) -> common::Response {
    app.post("/api/v1/archives")
        .token(token)
        .json(body)
        .send()
        .await
}

/// Files a document of `doc_type` and returns its catalogue id.
async fn file(app: &TestApp, token: &str, archive: i64, doc_type: &str) -> i64 {
    let archive = app
        .post(&format!("/api/v1/archives/{archive}/documents"))
        .token(token)
        .json(json!({"doc_type": doc_type}))
        .send()
        .await
        .expect(201);
    archive["catalogue"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|d| d["doc_type"] == doc_type)
        .unwrap()["id"]
        .as_i64()
        .unwrap()
}

async fn scan(app: &TestApp, token: &str, document: i64) -> Value {
    app.post(&format!("/api/v1/archive-documents/{document}/attachments"))
        .token(token)
        .multipart(&[("file", "scan.pdf", "application/pdf", &pdf())])
        .send()
        .await
        .expect(201)
}

async fn sign(app: &TestApp, token: &str, document: i64, party: &str) -> common::Response {
    app.post(&format!("/api/v1/archive-documents/{document}/signatures"))
        .token(token)
        .json(json!({"party": party, "signed_by_name": "Zhang Wei 张伟"}))
        .send()
        .await
}

async fn get(app: &TestApp, token: &str, path: &str) -> common::Response {
    app.get(&format!("/api/v1{path}")).token(token).send().await
}

/// Files every required document of the archive with a scan and its signatures; returns
/// the archive as the last filing answered.
async fn complete(app: &TestApp, token: &str, archive: i64) -> Value {
    let checklist = get(app, token, "/sites/1/archive-checklist")
        .await
        .expect(200);
    let mut last = Value::Null;
    for item in checklist["items"].as_array().unwrap() {
        if item["required"] != true {
            continue;
        }
        let document = file(app, token, archive, item["doc_type"].as_str().unwrap()).await;
        scan(app, token, document).await;
        for party in ["owner", "staff", "finance"] {
            if item[format!("{party}_signs")] == true {
                last = sign(app, token, document, party).await.expect(201);
            }
        }
    }
    if last.is_null() {
        last = get(app, token, &format!("/archives/{archive}"))
            .await
            .expect(200);
    }
    last
}

/// Reports a repair of unit `unit_id` as the resident and takes it to closed.
async fn closed_ticket(app: &TestApp, d: &Desk, unit_id: i64) -> i64 {
    let ticket = app
        .post("/api/v1/tickets")
        .token(&d.resident)
        .json(
            json!({"unit_id": unit_id, "category": "water_supply", "priority": "general",
                     "description": "Kitchen tap drips", "contact_phone": "13800138000"}),
        )
        .send()
        .await
        .expect(201);
    let t = ticket["id"].as_i64().unwrap();
    let engineer_id = app.user_id(&d.engineer).await;
    app.action(
        &d.butler,
        "tickets",
        t,
        "dispatch",
        json!({"engineer_ids": [engineer_id], "lead_id": engineer_id}),
    )
    .await
    .expect(200);
    app.post(&format!("/api/v1/tickets/{t}/arrive"))
        .token(&d.engineer)
        .send()
        .await
        .expect(200);
    app.action(
        &d.engineer,
        "tickets",
        t,
        "complete",
        json!({"labour_minutes": 30, "result_note": "Replaced the washer"}),
    )
    .await
    .expect(200);
    app.action(&d.resident, "tickets", t, "confirm", json!({"rating": 5}))
        .await
        .expect(200);
    let ticket = app
        .action(
            &d.butler,
            "tickets",
            t,
            "visit",
            json!({"method": "phone", "satisfaction": "satisfied", "result": "No more drips"}),
        )
        .await
        .expect(200);
    assert_eq!(ticket["status"], "closed");
    t
}

fn occurrences(haystack: &[u8], needle: &str) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle.as_bytes())
        .count()
}

// The story: R-ARC-1 (due the next working day), R-ARC-3 (established with every
// scan and signature), R-ARC-4 (a closed repair in the catalogue), R-ARC-5 (a loan, the
// logged read, no full ID number anywhere but the reveal, nor in the SQLite file).
#[actix_web::test]
async fn the_archive_story() {
    let app = TestApp::new().await;
    let d = Desk::of(&app).await;
    let unit = app.unit_id("1-1-101").await;
    let owner = app.user_id(&d.resident).await;
    let id_no = id_number("11010519800101123");

    // Friday 27 November, 19:30 in Shanghai: the owner moves in.
    let d = Desk::later(&app, Duration::days(4) + Duration::minutes(90)).await;
    let archive = open(
        &app,
        &d.butler,
        json!({"unit_id": unit, "owner_id": owner,
            "id_number": id_no, "staff_note": "Prefers calls after 18:00"}),
    )
    .await
    .expect(201);
    let a = archive["id"].as_i64().unwrap();
    assert_eq!(archive["room"], "1-1-101");
    assert_eq!(archive["status"], "opening");
    // Due at Monday's close, 17:30 in Shanghai.
    assert_eq!(archive["opening"]["due_at"], "2026-11-30T09:30:00Z");
    assert_eq!(archive["opening"]["state"], "running");
    assert_eq!(
        archive["people"][0]["id_number"],
        "110***********".to_owned() + &id_no[14..]
    );
    let missing = archive["missing"].as_array().unwrap();
    assert_eq!(missing.len(), 10, "every required document: {missing:?}");
    assert!(missing
        .iter()
        .all(|m| m["lack"] == "document" && m["responsible"] == "desk"));

    // Monday morning: the butler files the move-in papers, scans and signatures.
    let d = Desk::later(&app, Duration::hours(62)).await;
    let fees = file(&app, &d.butler, a, "fees_due").await;
    let archive = get(&app, &d.butler, &format!("/archives/{a}"))
        .await
        .expect(200);
    assert_eq!(archive["status"], "incomplete");
    assert_eq!(archive["opening"]["state"], "met");
    let lacks: Vec<(&str, &str)> = archive["missing"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["doc_type"] == "fees_due")
        .map(|m| {
            (
                m["lack"].as_str().unwrap(),
                m["responsible"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        lacks,
        [
            ("scan", "desk"),
            ("owner_signature", "owner"),
            ("staff_signature", "desk"),
            ("finance_signature", "finance")
        ]
    );
    scan(&app, &d.butler, fees).await;
    for party in ["owner", "staff", "finance"] {
        sign(&app, &d.butler, fees, party).await.expect(201);
    }
    let archive = complete(&app, &d.butler, a).await;
    // complete() filed a second fees_due; the first one is complete already.
    assert_eq!(archive["status"], "established", "{}", archive["missing"]);
    assert!(archive["missing"].as_array().unwrap().is_empty());
    assert!(archive["established_at"].is_string());
    let actions: Vec<&str> = archive["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions.first(), Some(&"open"));
    let at = |action: &str| actions.iter().position(|a| *a == action).unwrap();
    assert!(at("open") < at("incomplete") && at("incomplete") < at("established"));
    assert_eq!(
        actions[at("established") - 1],
        "sign",
        "the last signature established it"
    );

    // A repair of the unit closes and files itself.
    let t = closed_ticket(&app, &d, unit).await;
    let archive = get(&app, &d.butler, &format!("/archives/{a}"))
        .await
        .expect(200);
    let entry = archive["catalogue"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["doc_type"] == "repair_order")
        .expect("the closed repair in the catalogue");
    assert_eq!(entry["ticket_id"], t);
    assert!(entry["summary"]
        .as_str()
        .unwrap()
        .contains("Replaced the washer"));
    assert!(entry["filed_by"].is_null());
    assert_eq!(
        archive["status"], "established",
        "a filed record lacks nothing"
    );

    // The family's phone, for the desk to call.
    app.post(&format!("/api/v1/archives/{a}/people"))
        .token(&d.butler)
        .json(json!({"name": "Wang Fang 王芳", "relation": "family", "phone": "13800138000"}))
        .send()
        .await
        .expect(201);

    // The engineer may not read it without a loan, borrows it, reads it, returns it.
    get(&app, &d.engineer, &format!("/archives/{a}"))
        .await
        .expect(403);
    let due_back = (app.clock_now() + Duration::days(2)).to_rfc3339();
    let loan = app
        .post(&format!("/api/v1/archives/{a}/loans"))
        .token(&d.engineer)
        .json(json!({"purpose": "Check the floor plan before moving a pipe", "due_back": due_back}))
        .send()
        .await
        .expect(201);
    let l = loan["id"].as_i64().unwrap();
    assert_eq!(loan["status"], "requested");
    get(&app, &d.engineer, &format!("/archives/{a}"))
        .await
        .expect(403);
    app.action(&d.butler, "archive-loans", l, "approve", json!({}))
        .await
        .expect(403);
    let loan = app
        .action(&d.manager, "archive-loans", l, "approve", json!({}))
        .await
        .expect(200);
    assert_eq!(loan["status"], "out");
    let read = get(&app, &d.engineer, &format!("/archives/{a}"))
        .await
        .expect(200);
    assert_eq!(
        read["people"][1]["phone"], "138****8000",
        "a borrower sees phones masked"
    );
    assert!(read["people"][0]["id_number"]
        .as_str()
        .unwrap()
        .contains('*'));
    let plan = read["catalogue"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["doc_type"] == "floor_plan")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let files = get(
        &app,
        &d.engineer,
        &format!("/archive-documents/{plan}/attachments"),
    )
    .await
    .expect(200);
    let file_id = files["attachments"][0]["id"].as_i64().unwrap();
    let bytes = app
        .get(&format!(
            "/api/v1/archive-documents/{plan}/attachments/{file_id}"
        ))
        .token(&d.engineer)
        .send()
        .await;
    assert_eq!(bytes.status.as_u16(), 200);
    assert_eq!(bytes.bytes, pdf());
    app.action(&d.engineer, "archive-loans", l, "return", json!({}))
        .await
        .expect(200);
    get(&app, &d.engineer, &format!("/archives/{a}"))
        .await
        .expect(403);
    get(
        &app,
        &d.engineer,
        &format!("/archive-documents/{plan}/attachments/{file_id}"),
    )
    .await
    .expect(403);

    // Every read is in the log: the engineer's under the loan, with its purpose.
    let engineer_id = app.user_id(&d.engineer).await;
    let reads = get(
        &app,
        &d.manager,
        &format!("/archive-reads?reader_id={engineer_id}"),
    )
    .await
    .expect(200);
    let whats: Vec<&str> = reads["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["what"].as_str().unwrap())
        .collect();
    assert_eq!(whats, ["file", "file", "archive"], "newest first");
    assert!(reads["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["loan_id"] == l && r["reason"].as_str().unwrap().contains("floor plan")));

    // The reveal answers the number once, for a reason, and is logged.
    let person = archive["people"][0]["id"].as_i64().unwrap();
    let revealed = app
        .post(&format!(
            "/api/v1/archives/{a}/people/{person}/reveal-id-number"
        ))
        .token(&d.butler)
        .json(json!({"reason": "The notary asks for the owner's ID for the transfer"}))
        .send()
        .await
        .expect(200);
    assert_eq!(revealed["id_number"], id_no);
    let log = get(&app, &d.manager, &format!("/archives/{a}/reads"))
        .await
        .expect(200);
    assert_eq!(log["items"][0]["what"], "id_number");
    assert_eq!(log["items"][0]["person_id"], person);

    // No response but the reveal carried the full number, and the database file holds it
    // only sealed.
    let transcript = app.transcript.lock().unwrap().clone();
    assert_eq!(occurrences(&transcript, &id_no), 1);
    let files = app.sqlite_files();
    let stored: Vec<u8> = files
        .iter()
        .flat_map(|f| std::fs::read(f).unwrap())
        .collect();
    assert_eq!(
        occurrences(&stored, &id_no),
        0,
        "{files:?} hold the ID number"
    );
    // What was written is there to find: the search reads the right files.
    assert!(files.is_empty() || occurrences(&stored, "Check the floor plan") > 0);
}

// R-ARC-1: an opening not made by its deadline is listed for the desk; one archive per
// occupancy, one open archive per unit; a new owner gets a new one when the last closes.
#[actix_web::test]
async fn overdue_openings_and_one_archive_per_occupancy() {
    let app = TestApp::new().await;
    let d = Desk::of(&app).await;
    let unit = app.unit_id("1-1-101").await;
    let owner = app.user_id(&d.resident).await;
    // Monday 18:00 in Shanghai: due at Tuesday's close.
    let archive = open(&app, &d.butler, json!({"unit_id": unit, "owner_id": owner}))
        .await
        .expect(201);
    let a = archive["id"].as_i64().unwrap();
    assert_eq!(archive["opening"]["due_at"], "2026-11-24T09:30:00Z");
    let overdue = |d: &Desk| {
        let token = d.butler.clone();
        let app = &app;
        async move { get(app, &token, "/archives?site_id=1&opening_overdue=true").await }
    };
    assert!(overdue(&d).await.expect(200)["items"]
        .as_array()
        .unwrap()
        .is_empty());
    // Tuesday 17:00 in Shanghai, then 18:00.
    let d = Desk::later(&app, Duration::hours(23)).await;
    assert!(overdue(&d).await.expect(200)["items"]
        .as_array()
        .unwrap()
        .is_empty());
    let d = Desk::later(&app, Duration::hours(1)).await;
    let items = overdue(&d).await.expect(200)["items"].clone();
    assert_eq!(items.as_array().unwrap().len(), 1);
    assert_eq!(items[0]["id"], a);
    assert_eq!(items[0]["opening"]["state"], "missed");

    // The same occupancy again, or anyone while the unit's archive is open: 409.
    let again = open(&app, &d.butler, json!({"unit_id": unit, "owner_id": owner})).await;
    assert_eq!(again.expect(409)["type"], "/problems/duplicate");
    // Not an owner of the unit: 422, nothing written.
    let resident2 = app.user_id(&d.resident2).await;
    let unit2 = app.unit_id("2-1-201").await;
    let tenant = open(
        &app,
        &d.butler,
        json!({"unit_id": unit2, "owner_id": resident2}),
    )
    .await;
    assert_eq!(tenant.invalid_fields(), ["owner_id"]);
    // A move-in in the future is not recorded.
    let future = (app.clock_now() + Duration::hours(1)).to_rfc3339();
    let early = open(
        &app,
        &d.butler,
        json!({"unit_id": unit2, "owner_id": resident2,
        "moved_in_at": future}),
    )
    .await;
    assert_eq!(early.invalid_fields(), ["moved_in_at"]);
    // Residents and engineers do not register archives.
    open(
        &app,
        &d.resident,
        json!({"unit_id": unit, "owner_id": owner}),
    )
    .await
    .expect(403);
    open(
        &app,
        &d.engineer,
        json!({"unit_id": unit, "owner_id": owner}),
    )
    .await
    .expect(403);

    // The owner sells: the archive closes and is kept; the buyer's opens.
    let agreement = file(&app, &d.butler, a, "agreement").await;
    let closed = app
        .action(&d.butler, "archives", a, "close", json!({"reason": "sold"}))
        .await
        .expect(200);
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["close_reason"], "sold");
    app.action(&d.butler, "archives", a, "close", json!({"reason": "sold"}))
        .await
        .expect_conflict("invalid-transition");
    let buyer = new_owner(&app, "buyer", "1-1-101").await;
    let next = open(&app, &d.butler, json!({"unit_id": unit, "owner_id": buyer}))
        .await
        .expect(201);
    assert_ne!(next["id"], a);
    // The old one stays readable to the desk, not to its former owner.
    let old = get(&app, &d.butler, &format!("/archives/{a}"))
        .await
        .expect(200);
    assert_eq!(old["status"], "closed");
    get(&app, &d.resident, &format!("/archives/{a}"))
        .await
        .expect(404);
    // A closed archive takes no more documents, nor scans: refused before a byte is stored.
    app.post(&format!("/api/v1/archives/{a}/documents"))
        .token(&d.butler)
        .json(json!({"doc_type": "agreement"}))
        .send()
        .await
        .expect_conflict("invalid-transition");
    let stored = || stored_files(app.data.path());
    let before = stored();
    app.post(&format!(
        "/api/v1/archive-documents/{agreement}/attachments"
    ))
    .token(&d.butler)
    .multipart(&[("file", "late.pdf", "application/pdf", &pdf())])
    .send()
    .await
    .expect_conflict("invalid-transition");
    assert_eq!(stored(), before, "no orphan file in storage");
}

/// Every file under the data folder: what a refused upload must leave as it was.
fn stored_files(dir: &std::path::Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            if entry.path().is_dir() {
                pending.push(entry.path());
            } else {
                found.push(entry.path().display().to_string());
            }
        }
    }
    found.sort();
    found
}

// R-ARC-2: the checklist is data per site; a manager's edit is a new version, and archives
// opened before keep theirs.
#[actix_web::test]
async fn checklist_edits_never_rewrite_older_archives() {
    let app = TestApp::new().await;
    let d = Desk::of(&app).await;
    let checklist = get(&app, &d.butler, "/sites/1/archive-checklist")
        .await
        .expect(200);
    assert_eq!(checklist["version"], 1);
    let fees = checklist["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["doc_type"] == "fees_due")
        .unwrap()
        .clone();
    assert_eq!(
        (
            fees["owner_signs"].clone(),
            fees["staff_signs"].clone(),
            fees["finance_signs"].clone()
        ),
        (json!(true), json!(true), json!(true))
    );
    let unit = app.unit_id("1-1-101").await;
    let owner = app.user_id(&d.resident).await;
    let old = open(&app, &d.butler, json!({"unit_id": unit, "owner_id": owner}))
        .await
        .expect(201);
    assert_eq!(old["checklist_version"], 1);

    let put = |token: &str, body: Value| {
        app.call(Method::PUT, "/api/v1/sites/1/archive-checklist")
            .token(token)
            .json(body)
            .send()
    };
    let short = json!({"items": [
        {"doc_type": "purchase_contract", "title": "Purchase contract", "required": true,
         "owner_signs": false, "staff_signs": false, "finance_signs": false},
        {"doc_type": "parking_agreement", "title": "Parking agreement", "required": true,
         "owner_signs": true, "staff_signs": false, "finance_signs": false}
    ]});
    put(&d.butler, short.clone()).await.expect(403);
    let bad = json!({"items": [
        {"doc_type": "Bad Type", "title": "x", "required": true,
         "owner_signs": false, "staff_signs": false, "finance_signs": false},
        {"doc_type": "repair_order", "title": "x", "required": true,
         "owner_signs": false, "staff_signs": false, "finance_signs": false}
    ]});
    assert_eq!(
        put(&d.manager, bad).await.invalid_fields(),
        ["items[0].doc_type", "items[1].doc_type"]
    );
    let edited = put(&d.manager, short).await.expect(200);
    assert_eq!(edited["version"], 2);

    // The old archive is judged as it was opened: ten documents still missing.
    let old = get(&app, &d.butler, &format!("/archives/{}", old["id"]))
        .await
        .expect(200);
    assert_eq!(old["checklist_version"], 1);
    assert_eq!(old["missing"].as_array().unwrap().len(), 10);
    // A document type the old archive's checklist lacks is refused, nothing filed.
    let parking = app
        .post(&format!("/api/v1/archives/{}/documents", old["id"]))
        .token(&d.butler)
        .json(json!({"doc_type": "parking_agreement"}))
        .send()
        .await;
    assert_eq!(parking.invalid_fields(), ["doc_type"]);
    let old = get(&app, &d.butler, &format!("/archives/{}", old["id"]))
        .await
        .expect(200);
    assert!(old["catalogue"].as_array().unwrap().is_empty());

    // A new archive is judged against the new version.
    let unit2 = app.unit_id("2-1-201").await;
    let owner2 = new_owner(&app, "owner2", "2-1-201").await;
    let new = open(
        &app,
        &d.butler,
        json!({"unit_id": unit2, "owner_id": owner2}),
    )
    .await
    .expect(201);
    assert_eq!(new["checklist_version"], 2);
    let types: Vec<&str> = new["missing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["doc_type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["purchase_contract", "parking_agreement"]);
}

// R-ARC-3: what is missing, who is responsible, and the chase list oldest first; a
// signature the checklist does not ask for, or twice, is refused.
#[actix_web::test]
async fn incomplete_archives_are_chased_oldest_first() {
    let app = TestApp::new().await;
    let d = Desk::of(&app).await;
    let unit = app.unit_id("1-1-101").await;
    let owner = app.user_id(&d.resident).await;
    let first = open(&app, &d.butler, json!({"unit_id": unit, "owner_id": owner}))
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    let d = Desk::later(&app, Duration::hours(1)).await;
    let unit2 = app.unit_id("2-1-201").await;
    let owner2 = new_owner(&app, "owner2", "2-1-201").await;
    let second = open(
        &app,
        &d.butler,
        json!({"unit_id": unit2, "owner_id": owner2}),
    )
    .await
    .expect(201)["id"]
        .as_i64()
        .unwrap();
    let chase = get(&app, &d.butler, "/archives?site_id=1&incomplete=true")
        .await
        .expect(200);
    let ids: Vec<i64> = chase["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [first, second]);

    let covenant = file(&app, &d.butler, first, "owners_covenant").await;
    let archive = get(&app, &d.butler, &format!("/archives/{first}"))
        .await
        .expect(200);
    let gap = archive["missing"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["doc_type"] == "owners_covenant" && m["lack"] == "owner_signature")
        .unwrap()
        .clone();
    assert_eq!(gap["responsible"], "owner");
    assert_eq!(gap["responsible_user_id"], owner);
    let keeper = app.user_id(&d.butler).await;
    assert!(archive["missing"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["responsible"] == "desk")
        .all(|m| m["responsible_user_id"] == keeper));
    assert_eq!(
        sign(&app, &d.butler, covenant, "finance")
            .await
            .invalid_fields(),
        ["party"]
    );
    sign(&app, &d.butler, covenant, "owner").await.expect(201);
    sign(&app, &d.butler, covenant, "owner")
        .await
        .expect_conflict("duplicate");
    // Residents and engineers record no signatures.
    sign(&app, &d.resident, covenant, "owner").await.expect(403);

    // Completed, the first leaves the chase list.
    let done = complete(&app, &d.butler, first).await;
    assert_eq!(done["status"], "established", "{}", done["missing"]);
    let chase = get(&app, &d.butler, "/archives?site_id=1&incomplete=true")
        .await
        .expect(200);
    let ids: Vec<i64> = chase["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [second]);
    // A later decoration agreement without its owner signature makes it incomplete again.
    let decoration = file(&app, &d.butler, first, "decoration_agreement").await;
    let again = get(&app, &d.butler, &format!("/archives/{first}"))
        .await
        .expect(200);
    assert_eq!(again["status"], "incomplete");
    scan(&app, &d.butler, decoration).await;
    let signed = sign(&app, &d.butler, decoration, "owner").await.expect(201);
    assert_eq!(signed["status"], "established");
}

// R-ARC-5: who reads what. The site's desk reads; staff of another site, residents of
// another unit get 404; ID numbers masked, looked up by hash, revealed only with a reason;
// residents see their own summary without staff notes or flags.
#[actix_web::test]
async fn confidentiality_of_archives() {
    let app = TestApp::new().await;
    let d = Desk::of(&app).await;
    let unit = app.unit_id("1-1-101").await;
    let owner = app.user_id(&d.resident).await;
    let id_no = id_number("44030419900307123");
    // An ID number that fails the checksum: 422, nothing written.
    let mut wrong = id_no.clone();
    wrong.replace_range(17..18, if id_no.ends_with('1') { "2" } else { "1" });
    let refused = open(
        &app,
        &d.butler,
        json!({"unit_id": unit, "owner_id": owner, "id_number": wrong}),
    )
    .await;
    assert_eq!(refused.invalid_fields(), ["id_number"]);
    assert!(get(&app, &d.butler, "/archives?site_id=1")
        .await
        .expect(200)["items"]
        .as_array()
        .unwrap()
        .is_empty());

    let archive = open(
        &app,
        &d.butler,
        json!({"unit_id": unit, "owner_id": owner,
        "id_number": id_no, "staff_note": "Owner is a lawyer"}),
    )
    .await
    .expect(201);
    let a = archive["id"].as_i64().unwrap();
    let family = app
        .post(&format!("/api/v1/archives/{a}/people"))
        .token(&d.butler)
        .json(
            json!({"name": "Zhang Min 张敏", "relation": "family", "phone": "13700001111",
                     "id_number": id_number("44030420150101004")}),
        )
        .send()
        .await
        .expect(201);
    assert_eq!(
        family["people"][1]["phone"], "13700001111",
        "the desk calls the family"
    );
    assert_eq!(family["people"][1]["id_number"].as_str().unwrap().len(), 18);
    app.post(&format!("/api/v1/archives/{a}/flags"))
        .token(&d.butler)
        .json(json!({"flag": "opinion_leader", "reason": "Runs the building's WeChat group"}))
        .send()
        .await
        .expect(200);

    // The resident sees the summary: their own entry, no staff note, no flags, no family.
    let summary = get(&app, &d.resident, &format!("/archives/{a}"))
        .await
        .expect(200);
    assert_eq!(summary["people"].as_array().unwrap().len(), 1);
    assert_eq!(summary["people"][0]["user_id"], owner);
    assert!(summary["staff_note"].is_null());
    assert!(summary["flags"].as_array().unwrap().is_empty());
    assert!(summary["timeline"].as_array().unwrap().is_empty());
    assert_eq!(
        summary["checklist"].as_array().unwrap().len(),
        13,
        "the checklist is theirs to read"
    );
    assert_eq!(summary["missing"].as_array().unwrap().len(), 10);
    let own = get(&app, &d.resident, "/archives").await.expect(200);
    assert_eq!(own["items"][0]["id"], a);
    // Another resident, another site's butler: 404, as for an archive that does not exist.
    get(&app, &d.resident2, &format!("/archives/{a}"))
        .await
        .expect(404);
    let other = app.other_site().await;
    let _ = other;
    let river = app.token("butler.river").await;
    get(&app, &river, &format!("/archives/{a}"))
        .await
        .expect(404);
    get(&app, &d.butler, "/archives/999999").await.expect(404);
    // The read log is the managers'.
    get(&app, &d.butler, &format!("/archives/{a}/reads"))
        .await
        .expect(403);

    // People lists mask phones; the person's own record shows it to staff who may see them.
    let buyer = new_owner(&app, "buyer", "2-1-201").await;
    let people = get(&app, &d.butler, "/users?role=resident&limit=100")
        .await
        .expect(200);
    let listed = people["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == buyer)
        .unwrap()
        .clone();
    assert_eq!(listed["phone"], "139****5678");
    let one = get(&app, &d.butler, &format!("/users/{buyer}"))
        .await
        .expect(200);
    assert_eq!(one["phone"], "13912345678");

    // Found by ID number through its keyed hash; a malformed one is 422.
    let found = get(
        &app,
        &d.butler,
        &format!("/archives?site_id=1&id_number={id_no}"),
    )
    .await
    .expect(200);
    assert_eq!(found["items"][0]["id"], a);
    let none = get(
        &app,
        &d.butler,
        &format!(
            "/archives?site_id=1&id_number={}",
            id_number("11010519491231002")
        ),
    )
    .await
    .expect(200);
    assert!(none["items"].as_array().unwrap().is_empty());
    assert_eq!(
        get(&app, &d.butler, "/archives?site_id=1&id_number=123")
            .await
            .invalid_fields(),
        ["id_number"]
    );

    // A reveal needs a reason; residents and engineers may not reveal.
    let person = summary["people"][0]["id"].as_i64().unwrap();
    let reveal = |token: &str, body: Value| {
        app.post(&format!(
            "/api/v1/archives/{a}/people/{person}/reveal-id-number"
        ))
        .token(token)
        .json(body)
        .send()
    };
    assert_eq!(
        reveal(&d.butler, json!({})).await.invalid_fields(),
        ["reason"]
    );
    assert_eq!(
        reveal(&d.butler, json!({"reason": "  "}))
            .await
            .invalid_fields(),
        ["reason"]
    );
    reveal(&d.resident, json!({"reason": "mine"}))
        .await
        .expect(403);
    reveal(&d.engineer, json!({"reason": "curious"}))
        .await
        .expect(403);
    // A keyed reveal is never stored for replay: each one reads the number again, and each
    // is logged.
    let keyed = || {
        app.post(&format!(
            "/api/v1/archives/{a}/people/{person}/reveal-id-number"
        ))
        .token(&d.butler)
        .header("Idempotency-Key", "reveal-1")
        .json(json!({"reason": "Notary"}))
        .send()
    };
    for _ in 0..2 {
        let shown = keyed().await;
        assert!(shown.header("Idempotent-Replayed").is_none());
        assert_eq!(shown.expect(200)["id_number"], id_no);
    }
    let log = get(&app, &d.manager, &format!("/archives/{a}/reads"))
        .await
        .expect(200);
    let reveals = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["what"] == "id_number")
        .count();
    assert_eq!(reveals, 2);
    for file in app.sqlite_files() {
        assert_eq!(occurrences(&std::fs::read(&file).unwrap(), &id_no), 0);
    }
}

// R-ARC-6: residence stage from the move-in date, key-customer flags with reasons, and the
// filters a butler plans visits with.
#[actix_web::test]
async fn customer_profile_plans_visits() {
    let app = TestApp::new().await;
    let d = Desk::of(&app).await;
    let unit = app.unit_id("1-1-101").await;
    let owner = app.user_id(&d.resident).await;
    // Moved in 20 months ago: stable.
    let long_ago = (app.clock_now() - Duration::days(610)).to_rfc3339();
    let stable = open(
        &app,
        &d.butler,
        json!({"unit_id": unit, "owner_id": owner,
        "moved_in_at": long_ago}),
    )
    .await
    .expect(201);
    assert_eq!(stable["residence_stage"], "stable");
    let unit2 = app.unit_id("2-1-201").await;
    let owner2 = new_owner(&app, "owner2", "2-1-201").await;
    let fresh = open(
        &app,
        &d.butler,
        json!({"unit_id": unit2, "owner_id": owner2}),
    )
    .await
    .expect(201);
    assert_eq!(fresh["residence_stage"], "new");
    let (s, f) = (
        stable["id"].as_i64().unwrap(),
        fresh["id"].as_i64().unwrap(),
    );

    let list = |query: &'static str| {
        let path = format!("/archives?site_id=1&{query}");
        let app = &app;
        let token = d.butler.clone();
        async move {
            let page = get(app, &token, &path).await.expect(200);
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].as_i64().unwrap())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(list("stage=new").await, [f]);
    assert_eq!(list("stage=stable").await, [s]);
    assert!(list("stage=long_term").await.is_empty());
    assert_eq!(list("building=2&stage=new").await, [f]);
    assert!(list("building=1&stage=new").await.is_empty());

    // A flag needs a reason; a flag twice is a duplicate; lists filter on it.
    let flag = |body: Value| {
        app.post(&format!("/api/v1/archives/{s}/flags"))
            .token(&d.butler)
            .json(body)
            .send()
    };
    assert_eq!(
        flag(json!({"flag": "owners_committee"}))
            .await
            .invalid_fields(),
        ["reason"]
    );
    assert_eq!(
        flag(json!({"flag": "mayor", "reason": "x"}))
            .await
            .invalid_fields(),
        ["flag"]
    );
    let flagged = flag(json!({"flag": "owners_committee", "reason": "Elected in 2026"}))
        .await
        .expect(200);
    assert_eq!(flagged["flags"][0]["reason"], "Elected in 2026");
    flag(json!({"flag": "owners_committee", "reason": "again"}))
        .await
        .expect_conflict("duplicate");
    assert_eq!(list("flag=owners_committee").await, [s]);
    let items = get(&app, &d.butler, "/archives?site_id=1&flag=owners_committee")
        .await
        .expect(200);
    assert_eq!(items["items"][0]["flags"], json!(["owners_committee"]));

    // New owners without a visit this quarter; a visit takes the owner off the plan.
    assert_eq!(list("stage=new&unvisited_since=2026-10-01").await, [f]);
    app.post(&format!("/api/v1/archives/{f}/visits"))
        .token(&d.butler)
        .json(json!({"method": "visit", "satisfaction": "satisfied", "result": "Settling in well"}))
        .send()
        .await
        .expect(201);
    assert!(list("stage=new&unvisited_since=2026-10-01")
        .await
        .is_empty());
    assert_eq!(list("unvisited_since=2026-10-01").await, [s]);

    // Unflagged; a flag it does not carry is 404.
    let unflag = || {
        app.call(
            Method::DELETE,
            &format!("/api/v1/archives/{s}/flags/owners_committee"),
        )
        .token(&d.butler)
        .send()
    };
    assert!(unflag().await.expect(200)["flags"]
        .as_array()
        .unwrap()
        .is_empty());
    unflag().await.expect(404);
    assert!(list("flag=owners_committee").await.is_empty());
    // Engineers list archives (no personal data) to find one to borrow, but flag nothing.
    let seen = get(&app, &d.engineer, "/archives?site_id=1")
        .await
        .expect(200);
    assert_eq!(seen["items"].as_array().unwrap().len(), 2);
    app.post(&format!("/api/v1/archives/{s}/flags"))
        .token(&d.engineer)
        .json(json!({"flag": "vip", "reason": "x"}))
        .send()
        .await
        .expect(403);
}

// R-ARC-5: rotating PII_KEY. `reseal-pii` re-seals every ID number under the new key (and
// its lookup hash), once: a second run finds nothing left to do.
#[actix_web::test]
async fn a_new_pii_key_reseals_every_id_number() {
    use std::sync::Arc;

    use propdesk::pii::Vault;

    let app = TestApp::new().await;
    let d = Desk::of(&app).await;
    let unit = app.unit_id("1-1-101").await;
    let owner = app.user_id(&d.resident).await;
    let id_no = id_number("31011519750615201");
    open(
        &app,
        &d.butler,
        json!({"unit_id": unit, "owner_id": owner, "id_number": id_no}),
    )
    .await
    .expect(201);
    let old_key = app.state.config.pii_key.clone();
    let new_key = "ab".repeat(32);
    let mut rotated = app.state.clone();
    rotated.pii = Arc::new(Vault::from_hex(&new_key).unwrap());

    let wrong = propdesk::archives::service::reseal(&rotated, &"cd".repeat(32)).await;
    assert!(
        wrong.is_err(),
        "an old key that opens nothing changes nothing"
    );
    assert_eq!(
        propdesk::archives::service::reseal(&rotated, &old_key)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        propdesk::archives::service::reseal(&rotated, &old_key)
            .await
            .unwrap(),
        0
    );

    let sealed = propdesk::db::read(&app.state.pool, |conn| {
        Ok(propdesk::archives::repo::sealed_id_numbers(conn)?)
    })
    .await
    .unwrap();
    assert_eq!(sealed.len(), 1);
    assert_eq!(rotated.pii.open(&sealed[0].1).unwrap(), id_no);
    assert!(
        app.state.pii.open(&sealed[0].1).is_err(),
        "the old key opens it no more"
    );
    // The lookup hash moved with the key: the server on the old key no longer finds it.
    let found = get(
        &app,
        &d.butler,
        &format!("/archives?site_id=1&id_number={id_no}"),
    )
    .await
    .expect(200);
    assert!(found["items"].as_array().unwrap().is_empty());
}

// R-ARC-4: a complaint handling form (投诉处理书) files itself when the complaint closes:
// the result, the complainant's opinion and the manager's review. The complainant reads it
// in their summary; another occupant's would not be theirs.
#[actix_web::test]
async fn a_closed_complaint_files_its_handling_form() {
    let app = TestApp::new().await;
    let d = Desk::of(&app).await;
    let unit = app.unit_id("1-1-101").await;
    let owner = app.user_id(&d.resident).await;
    let a = open(&app, &d.butler, json!({"unit_id": unit, "owner_id": owner}))
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    let complaint = app
        .post("/api/v1/complaints")
        .token(&d.resident)
        .json(json!({"unit_id": unit, "subject": "other", "description": "Lift lobby light out for a week"}))
        .send()
        .await
        .expect(201);
    let c = complaint["id"].as_i64().unwrap();
    app.action(&d.butler, "complaints", c, "resolve",
        json!({"resolution": "Lamp replaced; lobby lights on the weekly round", "root_cause": "method_process"}))
        .await
        .expect(200);
    app.action(
        &d.resident,
        "complaints",
        c,
        "opinion",
        json!({"opinion": "satisfied", "comment": "Fixed the same day"}),
    )
    .await
    .expect(200);
    app.action(
        &d.manager,
        "complaints",
        c,
        "review",
        json!({"note": "Handled well"}),
    )
    .await
    .expect(200);
    let before = get(&app, &d.butler, &format!("/archives/{a}"))
        .await
        .expect(200);
    assert!(
        before["catalogue"].as_array().unwrap().is_empty(),
        "filed only when it closes"
    );
    let closed = app
        .action(
            &d.butler,
            "complaints",
            c,
            "visit",
            json!({"method": "phone", "satisfaction": "satisfied", "result": "All good"}),
        )
        .await
        .expect(200);
    assert_eq!(closed["status"], "closed");

    let archive = get(&app, &d.butler, &format!("/archives/{a}"))
        .await
        .expect(200);
    let form = &archive["catalogue"][0];
    assert_eq!(form["doc_type"], "complaint_form");
    assert_eq!(form["complaint_id"], c);
    let summary = form["summary"].as_str().unwrap();
    for part in [
        "Lamp replaced",
        "method_process",
        "satisfied (Fixed the same day)",
        "by manager",
    ] {
        assert!(summary.contains(part), "{part} missing from {summary}");
    }
    // The complainant reads it in their summary; the archive's status is not affected.
    let own = get(&app, &d.resident, &format!("/archives/{a}"))
        .await
        .expect(200);
    assert_eq!(own["catalogue"][0]["complaint_id"], c);
    assert_eq!(own["status"], "opening");
}

// R-ARC-5: the register tells the managers of a request and the borrower of the decision;
// a loan out past its date is listed as overdue; a refused one gives no access.
#[actix_web::test]
async fn loans_are_told_listed_and_overdue() {
    let app = TestApp::new().await;
    let d = Desk::of(&app).await;
    let unit = app.unit_id("1-1-101").await;
    let owner = app.user_id(&d.resident).await;
    let a = open(&app, &d.butler, json!({"unit_id": unit, "owner_id": owner}))
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    let ask = |token: &str, hours: i64| {
        let due_back = (app.clock_now() + Duration::hours(hours)).to_rfc3339();
        app.post(&format!("/api/v1/archives/{a}/loans"))
            .token(token)
            .json(json!({"purpose": "Meter room key list", "due_back": due_back}))
            .send()
    };
    assert_eq!(ask(&d.engineer, -1).await.invalid_fields(), ["due_back"]);
    assert_eq!(
        ask(&d.engineer, 24 * 31).await.invalid_fields(),
        ["due_back"]
    );
    ask(&d.butler, 2)
        .await
        .expect_conflict("invalid-transition");
    ask(&d.resident, 2).await.expect(403);
    let first = ask(&d.engineer, 2).await.expect(201)["id"]
        .as_i64()
        .unwrap();
    ask(&d.engineer, 2).await.expect_conflict("duplicate");

    let told = get(&app, &d.manager, "/me/notifications").await.expect(200);
    assert!(told["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["kind"] == "loan_requested"
            && n["subject"] == "archive_loan"
            && n["subject_id"] == first));
    let refused = app
        .action(
            &d.manager,
            "archive-loans",
            first,
            "refuse",
            json!({"note": "Ask the butler"}),
        )
        .await
        .expect(200);
    assert_eq!(refused["status"], "refused");
    assert_eq!(refused["decision_note"], "Ask the butler");
    get(&app, &d.engineer, &format!("/archives/{a}"))
        .await
        .expect(403);
    app.action(&d.manager, "archive-loans", first, "approve", json!({}))
        .await
        .expect_conflict("invalid-transition");
    let told = get(&app, &d.engineer, "/me/notifications")
        .await
        .expect(200);
    assert!(told["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["kind"] == "loan_decided"));

    let second = ask(&d.engineer, 2).await.expect(201)["id"]
        .as_i64()
        .unwrap();
    app.action(&d.manager, "archive-loans", second, "approve", json!({}))
        .await
        .expect(200);
    let overdue = |d: &Desk| {
        let token = d.butler.clone();
        let app = &app;
        async move {
            let page = get(app, &token, "/archive-loans?site_id=1&overdue=true")
                .await
                .expect(200);
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l["id"].as_i64().unwrap())
                .collect::<Vec<_>>()
        }
    };
    assert!(overdue(&d).await.is_empty());
    let d = Desk::later(&app, Duration::hours(3)).await;
    assert_eq!(overdue(&d).await, [second]);
    // Overdue, still out: the borrower is responsible and may still read it, until returned.
    get(&app, &d.engineer, &format!("/archives/{a}"))
        .await
        .expect(200);
    let mine = get(&app, &d.engineer, "/archive-loans").await.expect(200);
    assert_eq!(mine["items"][0]["overdue"], true);
    // The desk takes it back.
    app.action(&d.butler, "archive-loans", second, "return", json!({}))
        .await
        .expect(200);
    assert!(overdue(&d).await.is_empty());
    get(&app, &d.engineer, &format!("/archives/{a}"))
        .await
        .expect(403);
}

// R-ARC-5: a keyed POST that carries an ID number keeps only a keyed digest of its body for
// the retry check (a plain SHA-256 could be matched against guessed numbers), and its
// recorded response holds the number masked.
#[actix_web::test]
async fn a_keyed_registration_keeps_no_guessable_trace_of_the_id_number() {
    use diesel::prelude::*;
    use propdesk::db::schema::idempotency_keys;
    use sha2::{Digest, Sha256};

    let app = TestApp::new().await;
    let d = Desk::of(&app).await;
    let unit = app.unit_id("1-1-101").await;
    let owner = app.user_id(&d.resident).await;
    let id_no = id_number("51010719881111333");
    let body = json!({"unit_id": unit, "owner_id": owner, "id_number": id_no});
    let first = app
        .post("/api/v1/archives")
        .token(&d.butler)
        .header("Idempotency-Key", "move-in-1101")
        .json(body.clone())
        .send()
        .await
        .expect(201);
    let again = app
        .post("/api/v1/archives")
        .token(&d.butler)
        .header("Idempotency-Key", "move-in-1101")
        .json(body.clone())
        .send()
        .await;
    assert_eq!(again.header("Idempotent-Replayed"), Some("true"));
    assert_eq!(again.expect(201)["id"], first["id"]);

    let (fingerprint, response): (String, Option<String>) =
        propdesk::db::read(&app.state.pool, |conn| {
            Ok(idempotency_keys::table
                .select((
                    idempotency_keys::fingerprint,
                    idempotency_keys::response_body,
                ))
                .first(conn)?)
        })
        .await
        .unwrap();
    let mut plain = Sha256::new();
    plain.update(b"POST\0/api/v1/archives\0\0");
    plain.update(body.to_string().as_bytes());
    assert_ne!(fingerprint, format!("{:x}", plain.finalize()));
    let keyed = propdesk::idempotency::fingerprint(
        &app.state.pii,
        "POST",
        "/api/v1/archives",
        "",
        body.to_string().as_bytes(),
    );
    assert_eq!(fingerprint, keyed);
    let response = response.unwrap();
    assert!(!response.contains(&id_no) && response.contains(&id_no[14..]));
}

#[actix_web::test]
async fn documents_are_dated_on_the_sites_day_not_the_servers() {
    let app = TestApp::new().await;
    // 01:00 on 24 November in Shanghai, still the 23rd in UTC.
    app.clock.advance(chrono::Duration::hours(7));
    let d = Desk::of(&app).await;
    let unit = app.unit_id("1-1-101").await;
    let owner = app.user_id(&d.resident).await;
    let archive = open(&app, &d.butler, json!({"unit_id": unit, "owner_id": owner}))
        .await
        .expect(201);
    let a = archive["id"].as_i64().unwrap();
    let fees = file(&app, &d.butler, a, "fees_due").await;
    let archive = get(&app, &d.butler, &format!("/archives/{a}"))
        .await
        .expect(200);
    let filed = archive["catalogue"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == fees)
        .unwrap();
    assert_eq!(filed["doc_date"], "2026-11-24");
}
