//! Attachments (src/files/): photos and documents filed on tickets and complaints, streamed
//! to the file store, typed by content, served only through their record's routes; a refused
//! upload leaves nothing behind, and the sweep removes what a crash would.

mod common;

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::Path;

use common::TestApp;
use propdesk::config::{FileStore, S3Settings};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// A real PNG photo of one colour, or of noise (which does not compress: a large file).
fn png(width: u32, height: u32, colour: [u8; 3], noise: bool) -> Vec<u8> {
    let mut seed = 0x2545_f491_u32;
    let image = image::RgbImage::from_fn(width, height, |_, _| {
        if noise {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let [a, b, c, _] = seed.to_le_bytes();
            image::Rgb([a, b, c])
        } else {
            image::Rgb(colour)
        }
    });
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A PDF's bytes: what its first bytes say is all the type check reads.
fn pdf(len: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    bytes.extend((0..len - bytes.len()).map(|i| b'a' + (i % 26) as u8));
    bytes
}

fn sha256(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// Every file under `dir` with its size: what a refused upload must leave as it was.
fn files_under(dir: &Path) -> BTreeMap<String, u64> {
    let mut found = BTreeMap::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(folder) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.map(Result::unwrap) {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let name = path.strip_prefix(dir).unwrap().display().to_string();
                found.insert(name, entry.metadata().unwrap().len());
            }
        }
    }
    found
}

/// A report by the resident for their home; its id.
async fn report(app: &TestApp, token: &str) -> i64 {
    let unit = app.unit_id("1-1-101").await;
    let report = app.post("/api/v1/tickets").token(token).json(json!({
        "unit_id": unit, "category": "water_supply", "priority": "general",
        "description": "Leak under the kitchen sink", "contact_phone": "13800138000"}));
    report.send().await.expect(201)["id"].as_i64().unwrap()
}

async fn upload(
    app: &TestApp,
    token: &str,
    path: &str,
    files: &[(&str, &str, &[u8])],
) -> common::Response {
    let parts: Vec<(&str, &str, &str, &[u8])> = files
        .iter()
        .map(|(name, content_type, bytes)| ("file", *name, *content_type, *bytes))
        .collect();
    app.post(path).token(token).multipart(&parts).send().await
}

fn ids(answer: &Value) -> Vec<i64> {
    answer["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect()
}

#[actix_web::test]
async fn a_resident_attaches_two_photos_to_a_report_and_another_resident_gets_404_for_them() {
    let app = TestApp::new().await;
    let resident = app.token("resident").await;
    let id = report(&app, &resident).await;
    let (sink, tap) = (
        png(64, 48, [200, 30, 30], false),
        png(48, 64, [30, 30, 200], false),
    );
    let path = format!("/api/v1/tickets/{id}/attachments");
    let files: &[(&str, &str, &[u8])] = &[
        ("DCIM/Camera/sink.png", "image/png", &sink),
        ("tap.png", "application/octet-stream", &tap),
    ];
    let filed = upload(&app, &resident, &path, files).await.expect(201);
    let attachments = filed["attachments"].as_array().unwrap();
    assert_eq!(attachments.len(), 2);
    assert_eq!(attachments[0]["file_name"], "sink.png", "no folders kept");
    assert_eq!(attachments[0]["content_type"], "image/png");
    assert_eq!(attachments[0]["stage"], "report");
    assert_eq!(attachments[0]["sha256"], sha256(&sink));
    assert_eq!(attachments[0]["size_bytes"], sink.len());
    assert_eq!(attachments[0]["has_thumbnail"], true);
    assert_eq!(attachments[1]["sha256"], sha256(&tap));

    let listed = app.get(&path).token(&resident).send().await.expect(200);
    assert_eq!(ids(&listed), ids(&filed));

    let first = ids(&filed)[0];
    let file_path = format!("{path}/{first}");
    let got = app.get(&file_path).token(&resident).send().await;
    assert_eq!(got.status.as_u16(), 200);
    assert_eq!(got.bytes, sink);
    assert_eq!(got.header("content-type"), Some("image/png"));
    let etag = format!("\"{}\"", sha256(&sink));
    assert_eq!(got.header("etag"), Some(etag.as_str()));
    assert_eq!(
        got.header("content-disposition"),
        Some("inline; filename=\"sink.png\"")
    );
    let again = app
        .get(&file_path)
        .token(&resident)
        .header("If-None-Match", &etag);
    let again = again.send().await;
    assert_eq!(again.status.as_u16(), 304);
    assert!(again.bytes.is_empty());

    let thumbnail = app.get(&format!("{file_path}/thumbnail")).token(&resident);
    let thumbnail = thumbnail.send().await;
    assert_eq!(thumbnail.status.as_u16(), 200);
    assert_eq!(thumbnail.header("content-type"), Some("image/jpeg"));
    let small = image::load_from_memory(&thumbnail.bytes).unwrap();
    assert_eq!((small.width(), small.height()), (64, 48), "never enlarged");

    // The staff of the site see them; another resident, not even that they exist.
    let butler = app.token("butler").await;
    app.get(&file_path).token(&butler).send().await.expect(200);
    let other = app.token("resident2").await;
    for route in [&path, &file_path, &format!("{file_path}/thumbnail")] {
        let body = app.get(route).token(&other).send().await.expect(404);
        assert_eq!(body["type"], "/problems/not-found");
    }
    let theirs = upload(&app, &other, &path, &[("x.png", "image/png", &sink)]).await;
    theirs.expect(404);
    let anonymous = app.get(&file_path).send().await;
    anonymous.expect(401);
    // An attachment is reached only through its own record.
    let second = report(&app, &resident).await;
    let elsewhere = format!("/api/v1/tickets/{second}/attachments/{first}");
    app.get(&elsewhere)
        .token(&resident)
        .send()
        .await
        .expect(404);
    let listed = app.get(&path).token(&resident).send().await.expect(200);
    assert_eq!(ids(&listed).len(), 2, "the refused upload filed nothing");
}

#[actix_web::test]
async fn a_retried_upload_stores_each_file_once() {
    let app = TestApp::new().await;
    let resident = app.token("resident").await;
    let id = report(&app, &resident).await;
    let photo = png(32, 32, [10, 200, 10], false);
    let path = format!("/api/v1/tickets/{id}/attachments");
    let first = upload(&app, &resident, &path, &[("a.png", "image/png", &photo)]).await;
    let first = first.expect(201);
    let store = app.data.path().join("files");
    let stored = files_under(&store);
    assert_eq!(stored.len(), 2, "the file and its thumbnail: {stored:?}");

    // The phone lost the answer and sends it again, with the same photo twice.
    let files: &[(&str, &str, &[u8])] = &[
        ("a.png", "image/png", &photo),
        ("a-copy.png", "image/png", &photo),
    ];
    let retried = upload(&app, &resident, &path, files).await.expect(200);
    assert_eq!(ids(&retried), ids(&first));
    assert_eq!(files_under(&store), stored);
    let listed = app.get(&path).token(&resident).send().await.expect(200);
    assert_eq!(ids(&listed), ids(&first));
}

#[actix_web::test]
async fn a_refused_upload_leaves_the_storage_folder_as_it_was() {
    let app = TestApp::with_config(|config| {
        config.attachment_max_bytes = 20_000;
        config.attachments_per_record = 2;
    })
    .await;
    let resident = app.token("resident").await;
    let id = report(&app, &resident).await;
    let path = format!("/api/v1/tickets/{id}/attachments");
    let photo = png(40, 40, [90, 90, 90], false);
    upload(&app, &resident, &path, &[("kept.png", "image/png", &photo)])
        .await
        .expect(201);
    let before = files_under(app.data.path());

    let large = png(200, 200, [0, 0, 0], true);
    assert!(large.len() > 20_000);
    let answer = upload(&app, &resident, &path, &[("big.png", "image/png", &large)]).await;
    assert_eq!(answer.expect(413)["type"], "/problems/payload-too-large");

    let text = b"MZ\x90\0 not a photo at all".repeat(10);
    let answer = upload(&app, &resident, &path, &[("x.png", "image/png", &text)]).await;
    assert_eq!(
        answer.expect(415)["type"],
        "/problems/unsupported-media-type"
    );

    let other = png(40, 40, [1, 2, 3], false);
    let lying = upload(&app, &resident, &path, &[("x.jpg", "image/jpeg", &other)]).await;
    let lying = lying.expect(415);
    assert!(
        lying["detail"].as_str().unwrap().contains("image/png"),
        "{lying}"
    );

    // The first bytes of a PNG and then nothing a decoder can read.
    let mut broken = other[..16].to_vec();
    broken.extend(std::iter::repeat_n(7u8, 600));
    let answer = upload(&app, &resident, &path, &[("b.png", "image/png", &broken)]).await;
    answer.expect(415);

    // A good file first, a bad one second: the whole upload is refused.
    let files: &[(&str, &str, &[u8])] = &[
        ("good.png", "image/png", &other),
        ("bad.png", "image/png", &text),
    ];
    upload(&app, &resident, &path, files).await.expect(415);

    // The record holds one of two; three more are too many, even the first of them.
    let three: Vec<Vec<u8>> = (0..3).map(|i| png(20, 20, [i, i, i], false)).collect();
    let files: Vec<(&str, &str, &[u8])> = three
        .iter()
        .map(|p| ("p.png", "image/png", p.as_slice()))
        .collect();
    let answer = upload(&app, &resident, &path, &files).await;
    assert_eq!(answer.invalid_fields(), ["file"]);

    let empty = upload(&app, &resident, &path, &[("e.png", "image/png", b"")]).await;
    assert_eq!(empty.invalid_fields(), ["file"]);
    let wrong_part = app.post(&path).token(&resident);
    let wrong_part = wrong_part.multipart(&[("photo", "p.png", "image/png", &other)]);
    assert_eq!(wrong_part.send().await.invalid_fields(), ["photo"]);
    let as_json = app.post(&path).token(&resident).json(json!({"file": "x"}));
    as_json.send().await.expect(415);

    assert_eq!(files_under(app.data.path()), before);
    let listed = app.get(&path).token(&resident).send().await.expect(200);
    assert_eq!(ids(&listed).len(), 1);
}

#[actix_web::test]
async fn before_and_after_photos_are_the_assigned_engineers_and_the_desks() {
    let app = TestApp::new().await;
    let resident = app.token("resident").await;
    let butler = app.token("butler").await;
    let engineer = app.token("engineer").await;
    let id = report(&app, &resident).await;
    let photo = png(30, 30, [250, 250, 0], false);
    let before = format!("/api/v1/tickets/{id}/attachments?stage=before_work");
    let files: &[(&str, &str, &[u8])] = &[("before.png", "image/png", &photo)];
    upload(&app, &resident, &before, files).await.expect(403);
    // Not yet theirs: the order is dispatched to nobody.
    upload(&app, &engineer, &before, files).await.expect(403);

    let engineer_id = app.user_id(&engineer).await;
    let dispatch = json!({"engineer_ids": [engineer_id], "lead_id": engineer_id});
    app.action(&butler, "tickets", id, "dispatch", dispatch)
        .await
        .expect(200);
    let filed = upload(&app, &engineer, &before, files).await.expect(201);
    assert_eq!(filed["attachments"][0]["stage"], "before_work");
    let after = format!("/api/v1/tickets/{id}/attachments?stage=after_work");
    let done = png(30, 30, [0, 250, 0], false);
    upload(&app, &butler, &after, &[("after.png", "image/png", &done)])
        .await
        .expect(201);
    let unknown = format!("/api/v1/tickets/{id}/attachments?stage=someday");
    upload(&app, &butler, &unknown, files).await.expect(400);
}

#[actix_web::test]
async fn a_complaint_takes_photos_and_documents_but_no_work_order_photos() {
    let app = TestApp::new().await;
    let resident = app.token("resident").await;
    let unit = app.unit_id("1-1-101").await;
    let complaint = app.post("/api/v1/complaints").token(&resident).json(json!({
        "unit_id": unit, "subject": "other", "description": "Rubbish left in the stairwell"}));
    let id = complaint.send().await.expect(201)["id"].as_i64().unwrap();
    let path = format!("/api/v1/complaints/{id}/attachments");
    let letter = pdf(3000);
    let files: &[(&str, &str, &[u8])] = &[("letter.pdf", "application/pdf", &letter)];
    let filed = upload(&app, &resident, &path, files).await.expect(201);
    assert_eq!(filed["attachments"][0]["content_type"], "application/pdf");
    assert_eq!(filed["attachments"][0]["has_thumbnail"], false);
    assert_eq!(filed["attachments"][0]["subject"], "complaint");

    let work = format!("{path}?stage=after_work");
    let photo = png(10, 10, [5, 5, 5], false);
    let refused = upload(&app, &resident, &work, &[("p.png", "image/png", &photo)]).await;
    assert_eq!(refused.invalid_fields(), ["stage"]);
    let other = app.token("resident2").await;
    app.get(&path).token(&other).send().await.expect(404);

    // A large PDF comes in ranges over a weak network.
    let file = format!("{path}/{}", ids(&filed)[0]);
    let part = app
        .get(&file)
        .token(&resident)
        .header("Range", "bytes=100-299");
    let part = part.send().await;
    assert_eq!(part.status.as_u16(), 206);
    assert_eq!(part.bytes, letter[100..300]);
    assert_eq!(part.header("content-range"), Some("bytes 100-299/3000"));
    let tail = app.get(&file).token(&resident).header("Range", "bytes=-10");
    assert_eq!(tail.send().await.bytes, letter[2990..]);
    let beyond = app
        .get(&file)
        .token(&resident)
        .header("Range", "bytes=5000-");
    let beyond = beyond.send().await;
    assert_eq!(beyond.header("content-range"), Some("bytes */3000"));
    beyond.expect(416);
    let thumbnail = app.get(&format!("{file}/thumbnail")).token(&resident);
    thumbnail.send().await.expect(404);
}

#[actix_web::test]
async fn the_sweep_removes_objects_that_no_attachment_refers_to() {
    let app = TestApp::new().await;
    let resident = app.token("resident").await;
    let id = report(&app, &resident).await;
    let path = format!("/api/v1/tickets/{id}/attachments");
    let photo = png(16, 16, [1, 1, 1], false);
    let filed = upload(&app, &resident, &path, &[("p.png", "image/png", &photo)]).await;
    let filed = filed.expect(201);
    // What a crash between the store and the database leaves: an object without a row.
    let orphan = "attachments/2026-11-23/100000-crashed.png";
    let files = &app.state.files;
    files.put_bytes(orphan, photo.clone()).await.unwrap();
    let sweep = || propdesk::files::service::sweep_orphans(&app.state);

    assert_eq!(
        sweep().await.unwrap(),
        0,
        "an upload may still be writing its row"
    );
    app.clock.advance(chrono::Duration::hours(2));
    assert_eq!(sweep().await.unwrap(), 1);
    assert!(files.keys_under("attachments").await.unwrap().len() == 2);
    assert!(!files
        .keys_under("attachments")
        .await
        .unwrap()
        .contains(&orphan.to_owned()));
    let resident = app.token("resident").await;
    let kept = app
        .get(&format!("{path}/{}", ids(&filed)[0]))
        .token(&resident);
    assert_eq!(kept.send().await.bytes, photo);
    assert_eq!(sweep().await.unwrap(), 0);
}

#[actix_web::test]
async fn the_s3_store_keeps_and_serves_a_photo() {
    let s3 = common::s3::start();
    s3.create_bucket("propdesk-test");
    let endpoint = s3.endpoint.clone();
    let app = TestApp::with_config(move |config| {
        config.file_store = FileStore::S3(S3Settings {
            bucket: "propdesk-test".into(),
            prefix: format!("run-{}", std::process::id()),
            endpoint: Some(endpoint),
            region: Some("us-east-1".into()),
            credentials: Some(("testing".into(), "testing".into())),
        });
    })
    .await;
    let resident = app.token("resident").await;
    let id = report(&app, &resident).await;
    let path = format!("/api/v1/tickets/{id}/attachments");
    // Larger than one 5 MiB part: the upload goes up in parts.
    let photo = png(1400, 1400, [0, 0, 0], true);
    assert!(photo.len() > 5 * 1024 * 1024);
    let filed = upload(&app, &resident, &path, &[("big.png", "image/png", &photo)]).await;
    let attachment = ids(&filed.expect(201))[0];
    let got = app
        .get(&format!("{path}/{attachment}"))
        .token(&resident)
        .send()
        .await;
    assert_eq!(got.status.as_u16(), 200);
    assert_eq!(sha256(&got.bytes), sha256(&photo));
    let thumbnail = app
        .get(&format!("{path}/{attachment}/thumbnail"))
        .token(&resident);
    let thumbnail = thumbnail.send().await;
    assert_eq!(
        image::load_from_memory(&thumbnail.bytes).unwrap().width(),
        320
    );
    let keys = app.state.files.keys_under("attachments").await.unwrap();
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert!(
        files_under(&app.data.path().join("files")).is_empty(),
        "nothing on the local disk"
    );
}
