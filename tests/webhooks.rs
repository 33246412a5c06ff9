//! Webhooks for other property software: endpoints, the outbox, signed deliveries with
//! retries, the delivery log, redelivery, secret rotation, and the SSRF guard. Deliveries go
//! to a real HTTP receiver this test starts on loopback.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::Duration;
use common::{Desk, Field, TestApp};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

/// One request the receiver got.
#[derive(Clone, Debug)]
struct Received {
    id: String,
    timestamp: String,
    signature: String,
    body: String,
}

/// An HTTP receiver on loopback that answers 500 to its first `fail_first` requests (all of
/// them with `usize::MAX`) and 204 after, keeping every request.
struct Receiver {
    url: String,
    received: Arc<Mutex<Vec<Received>>>,
    fail_first: Arc<AtomicUsize>,
}

impl Receiver {
    fn start(fail_first: usize) -> Receiver {
        let received: Arc<Mutex<Vec<Received>>> = Arc::default();
        let fail_first = Arc::new(AtomicUsize::new(fail_first));
        let (log, failing) = (received.clone(), fail_first.clone());
        let server = HttpServer::new(move || {
            let (log, failing) = (log.clone(), failing.clone());
            App::new().default_service(web::to(move |req: HttpRequest, body: String| {
                let (log, failing) = (log.clone(), failing.clone());
                async move {
                    let header = |name: &str| {
                        req.headers()
                            .get(name)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_owned()
                    };
                    let mut log = log.lock().unwrap();
                    log.push(Received {
                        id: header("webhook-id"),
                        timestamp: header("webhook-timestamp"),
                        signature: header("webhook-signature"),
                        body,
                    });
                    if log.len() <= failing.load(Ordering::SeqCst) {
                        HttpResponse::InternalServerError().finish()
                    } else {
                        HttpResponse::NoContent().finish()
                    }
                }
            }))
        })
        .workers(1)
        .disable_signals()
        .bind(("127.0.0.1", 0))
        .unwrap();
        let url = format!("http://{}/hooks", server.addrs()[0]);
        actix_web::rt::spawn(server.run());
        Receiver {
            url,
            received,
            fail_first,
        }
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

/// Whether `signatures` (space-separated) hold a valid one under `secret`, computed here
/// from the Standard Webhooks definition.
fn signed_by(secret: &str, got: &Received) -> bool {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key).unwrap();
    mac.update(format!("{}.{}.{}", got.id, got.timestamp, got.body).as_bytes());
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    got.signature.split(' ').any(|s| s == expected)
}

async fn deliver(app: &TestApp) -> usize {
    propdesk::webhooks::delivery::deliver_due(&app.state)
        .await
        .unwrap()
}

/// The test's app, which lets endpoints be on loopback (the receiver is).
async fn app_for_loopback() -> TestApp {
    TestApp::with_config(|c| c.webhooks_allow_private_targets = true).await
}

async fn register(app: &TestApp, manager: &str, body: Value) -> Value {
    app.post("/api/v1/webhook-endpoints")
        .token(manager)
        .json(body)
        .send()
        .await
        .expect(201)
}

async fn log(app: &TestApp, manager: &str, endpoint: &Value) -> Vec<Value> {
    app.get(&format!(
        "/api/v1/webhook-endpoints/{}/deliveries?limit=50",
        endpoint["id"]
    ))
    .token(manager)
    .send()
    .await
    .expect(200)["items"]
        .as_array()
        .unwrap()
        .clone()
}

async fn report_ticket(app: &TestApp, token: &str) -> Value {
    let unit = app.unit_id("1-1-101").await;
    app.post("/api/v1/tickets")
        .token(token)
        .json(
            json!({"unit_id": unit, "category": "water_supply", "priority": "general",
                     "channel": "phone", "contact_phone": "13700137000",
                     "description": "No water in the kitchen"}),
        )
        .send()
        .await
        .expect(201)
}

#[actix_web::test]
async fn a_receiver_that_fails_twice_gets_the_event_on_the_third_attempt_signed() {
    let app = app_for_loopback().await;
    let d = Desk::of(&app).await;
    let receiver = Receiver::start(2);
    let endpoint = register(
        &app,
        &d.manager,
        json!({"url": receiver.url, "site_id": app.site_id, "description": "CRM",
               "event_types": ["ticket.status_changed"]}),
    )
    .await;
    let secret = endpoint["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    let ticket = report_ticket(&app, &d.butler).await;

    assert_eq!(deliver(&app).await, 0);
    // Not due again until its backoff has passed.
    assert_eq!(deliver(&app).await, 0);
    assert_eq!(receiver.received().len(), 1);
    app.clock.advance(Duration::seconds(40));
    assert_eq!(deliver(&app).await, 0);
    assert_eq!(receiver.received().len(), 2);
    app.clock.advance(Duration::seconds(80));
    assert_eq!(deliver(&app).await, 1);

    let got = receiver.received();
    assert_eq!(got.len(), 3);
    for request in &got {
        assert!(signed_by(&secret, request), "{request:?}");
        assert_eq!(request.id, got[0].id, "the same webhook-id on every retry");
        // No phone number, no ID number: ids and the changed state only.
        assert!(!request.body.contains("13700137000"));
    }
    assert!(!signed_by(&propdesk::signing::new_secret(), &got[2]));
    let body: Value = serde_json::from_str(&got[2].body).unwrap();
    assert_eq!(body["type"], "ticket.status_changed");
    assert_eq!(body["data"]["id"], ticket["id"]);
    assert_eq!(body["data"]["to_status"], "reported");
    assert_eq!(body["data"].field("from_status"), &Value::Null);
    assert_eq!(body["data"]["site_id"], app.site_id);

    let deliveries = log(&app, &d.manager, &endpoint).await;
    assert_eq!(deliveries.len(), 1);
    assert_eq!(deliveries[0]["status"], "delivered");
    let pending = app
        .get(&format!(
            "/api/v1/webhook-endpoints/{}/deliveries?status=pending&limit=5",
            endpoint["id"]
        ))
        .token(&d.manager)
        .send()
        .await
        .expect(200);
    assert_eq!(pending["items"], json!([]));
    let attempts: Vec<&Value> = deliveries[0]["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    let codes: Vec<&Value> = attempts.iter().map(|a| &a["status_code"]).collect();
    assert_eq!(codes, [&json!(500), &json!(500), &json!(204)]);
    assert_eq!(attempts[0]["error"], "answered 500");
    assert_eq!(attempts[2].field("error"), &Value::Null);
    assert!(attempts
        .iter()
        .all(|a| a["latency_ms"].as_i64().unwrap() >= 0));
    // A manager's try that fails leaves a delivered delivery delivered.
    receiver.fail_first.store(usize::MAX, Ordering::SeqCst);
    let retried = app
        .post(&format!(
            "/api/v1/webhook-deliveries/{}/redeliver",
            deliveries[0]["id"]
        ))
        .token(&d.manager)
        .send()
        .await
        .expect(200);
    assert_eq!(retried["status"], "delivered");
    assert_eq!(retried.field("next_attempt_at"), &Value::Null);
    let last = retried["attempts"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        (last["manual"].clone(), last["status_code"].clone()),
        (json!(true), json!(500))
    );
    // Its secret is shown once.
    let shown = app
        .get(&format!("/api/v1/webhook-endpoints/{}", endpoint["id"]))
        .token(&d.manager)
        .send()
        .await
        .expect(200);
    assert!(shown.get("secret").is_none());
}

#[actix_web::test]
async fn an_endpoint_failing_for_three_days_is_marked_failing_its_managers_told_and_redelivery_recovers(
) {
    let app = app_for_loopback().await;
    let d = Desk::of(&app).await;
    let receiver = Receiver::start(usize::MAX);
    let endpoint = register(
        &app,
        &d.manager,
        json!({"url": receiver.url, "site_id": app.site_id,
               "event_types": ["ticket.status_changed"]}),
    )
    .await;
    report_ticket(&app, &d.butler).await;
    deliver(&app).await;
    let mut rounds = 0;
    loop {
        let manager = app.token("manager").await;
        let deliveries = log(&app, &manager, &endpoint).await;
        if deliveries[0]["status"] == "failed" {
            break;
        }
        rounds += 1;
        assert!(rounds < 60, "never given up: {deliveries:?}");
        app.clock.advance(Duration::hours(2));
        deliver(&app).await;
    }
    let attempts = receiver.received().len();
    assert!((8..30).contains(&attempts), "{attempts} attempts");
    let manager = app.token("manager").await;
    let shown = app
        .get(&format!("/api/v1/webhook-endpoints/{}", endpoint["id"]))
        .token(&manager)
        .send()
        .await
        .expect(200);
    assert_eq!(shown["status"], "failing");
    let notices = app
        .get("/api/v1/me/notifications")
        .token(&manager)
        .send()
        .await
        .expect(200);
    assert!(notices["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["kind"] == "webhook_failing" && n["subject_id"] == endpoint["id"]));
    // Given up: the schedule sends no more.
    app.clock.advance(Duration::days(1));
    deliver(&app).await;
    assert_eq!(receiver.received().len(), attempts);

    // The receiver is fixed; a manager turns the endpoint on again, which clears
    // `failing`, and sends the given-up delivery by hand.
    receiver.fail_first.store(0, Ordering::SeqCst);
    let manager = app.token("manager").await;
    let enabled = app
        .post(&format!(
            "/api/v1/webhook-endpoints/{}/enable",
            endpoint["id"]
        ))
        .token(&manager)
        .send()
        .await
        .expect(200);
    assert_eq!(enabled["status"], "active");
    app.post(&format!(
        "/api/v1/webhook-endpoints/{}/enable",
        endpoint["id"]
    ))
    .token(&manager)
    .send()
    .await
    .expect_conflict("invalid-transition");
    let delivery_id = log(&app, &manager, &endpoint).await[0]["id"].clone();
    let redelivered = app
        .post(&format!(
            "/api/v1/webhook-deliveries/{delivery_id}/redeliver"
        ))
        .token(&manager)
        .send()
        .await
        .expect(200);
    assert_eq!(redelivered["status"], "delivered");
    let last = redelivered["attempts"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["manual"], true);
    assert_eq!(last["status_code"], 204);
    let shown = app
        .get(&format!("/api/v1/webhook-endpoints/{}", endpoint["id"]))
        .token(&manager)
        .send()
        .await
        .expect(200);
    assert_eq!(shown["status"], "active");
    assert_eq!(shown.field("failing_since"), &Value::Null);
    // One notice per manager, however many deliveries failed, and without the URL.
    let notices = app
        .get("/api/v1/me/notifications")
        .token(&manager)
        .send()
        .await
        .expect(200);
    let failing: Vec<&Value> = notices["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "webhook_failing")
        .collect();
    assert_eq!(failing.len(), 1);
    assert!(!failing[0]["message"]
        .as_str()
        .unwrap()
        .contains("127.0.0.1"));
}

#[actix_web::test]
async fn an_endpoint_gets_only_its_sites_events_of_its_types_while_on() {
    let app = app_for_loopback().await;
    let d = Desk::of(&app).await;
    let other = app.other_site().await;
    let receiver = Receiver::start(0);
    let endpoint = register(
        &app,
        &d.manager,
        json!({"url": receiver.url, "site_id": app.site_id,
               "event_types": ["notification.created", "complaint.status_changed"]}),
    )
    .await;
    // Another site's ticket, and a ticket report (not a subscribed type): nothing.
    let river_butler = app.token("butler.river").await;
    app.post("/api/v1/tickets")
        .token(&river_butler)
        .json(
            json!({"unit_id": other.unit_id, "category": "electrical", "priority": "general",
                     "channel": "counter", "contact_phone": "13700137000",
                     "description": "Socket sparks"}),
        )
        .send()
        .await
        .expect(201);
    let ticket = report_ticket(&app, &d.butler).await;
    assert_eq!(deliver(&app).await, 0);
    // Dispatching tells the engineer and the resident: a notification event each.
    let engineer_id = app.user_id(&d.engineer).await;
    app.action(
        &d.butler,
        "tickets",
        ticket["id"].as_i64().unwrap(),
        "dispatch",
        json!({"engineer_ids": [engineer_id], "lead_id": engineer_id}),
    )
    .await
    .expect(200);
    assert_eq!(deliver(&app).await, 2);
    let bodies: Vec<Value> = receiver
        .received()
        .iter()
        .map(|r| serde_json::from_str(&r.body).unwrap())
        .collect();
    let to_engineer = bodies
        .iter()
        .find(|b| b["data"]["recipient_id"] == engineer_id)
        .expect("the engineer's notice");
    assert_eq!(to_engineer["type"], "notification.created");
    assert_eq!(to_engineer["data"]["kind"], "work_order_dispatched");
    assert_eq!(to_engineer["data"]["subject"], "ticket");
    assert_eq!(to_engineer["data"]["subject_id"], ticket["id"]);
    // Who was told of what, not the text.
    assert!(to_engineer["data"].get("message").is_none());

    // Off: no new deliveries; on again: they come.
    app.post(&format!(
        "/api/v1/webhook-endpoints/{}/disable",
        endpoint["id"]
    ))
    .token(&d.manager)
    .send()
    .await
    .expect(200);
    app.post(&format!(
        "/api/v1/webhook-endpoints/{}/disable",
        endpoint["id"]
    ))
    .token(&d.manager)
    .send()
    .await
    .expect_conflict("invalid-transition");
    app.action(
        &d.engineer,
        "tickets",
        ticket["id"].as_i64().unwrap(),
        "arrive",
        json!({}),
    )
    .await
    .expect(200);
    assert_eq!(deliver(&app).await, 0);
    assert_eq!(log(&app, &d.manager, &endpoint).await.len(), 2);
}

#[actix_web::test]
async fn a_rotated_secret_signs_beside_the_new_one_for_a_day() {
    let app = app_for_loopback().await;
    let d = Desk::of(&app).await;
    let receiver = Receiver::start(0);
    let endpoint = register(
        &app,
        &d.manager,
        json!({"url": receiver.url, "site_id": app.site_id,
               "event_types": ["ticket.status_changed"]}),
    )
    .await;
    let old = endpoint["secret"].as_str().unwrap().to_owned();
    let rotated = app
        .post(&format!(
            "/api/v1/webhook-endpoints/{}/rotate-secret",
            endpoint["id"]
        ))
        .token(&d.manager)
        .send()
        .await
        .expect(200);
    let new = rotated["secret"].as_str().unwrap().to_owned();
    assert_ne!(old, new);
    assert_eq!(rotated["previous_secret_until"], "2026-11-24T10:00:00Z");
    report_ticket(&app, &d.butler).await;
    deliver(&app).await;
    let first = &receiver.received()[0];
    assert!(signed_by(&old, first) && signed_by(&new, first));

    let d = Desk::later(&app, Duration::hours(25)).await;
    report_ticket(&app, &d.butler).await;
    deliver(&app).await;
    let second = &receiver.received()[1];
    assert!(signed_by(&new, second) && !signed_by(&old, second));
}

#[actix_web::test]
async fn endpoints_are_public_http_urls_of_the_managers_sites() {
    let app = TestApp::new().await;
    let d = Desk::of(&app).await;
    for url in [
        "ftp://crm.example.com/hooks",
        "http://127.0.0.1:9000/hooks",
        "http://169.254.169.254/latest/meta-data",
        "http://localhost/hooks",
        "http://[::1]/hooks",
        "http://10.0.0.8/hooks",
        "https://user:secret@crm.example.com/hooks",
    ] {
        let res = app
            .post("/api/v1/webhook-endpoints")
            .token(&d.manager)
            .json(json!({"url": url, "site_id": app.site_id,
                         "event_types": ["ticket.status_changed"]}))
            .send()
            .await;
        assert_eq!(res.invalid_fields(), ["url"], "{url}");
    }
    let res = app
        .post("/api/v1/webhook-endpoints")
        .token(&d.manager)
        .json(
            json!({"url": "https://crm.example.com/hooks", "site_id": app.site_id,
                     "event_types": ["ticket.exploded"]}),
        )
        .send()
        .await;
    assert_eq!(res.status, 422);
    let res = app
        .post("/api/v1/webhook-endpoints")
        .token(&d.manager)
        .json(
            json!({"url": "https://crm.example.com/hooks", "site_id": app.site_id,
                     "event_types": []}),
        )
        .send()
        .await;
    assert_eq!(res.invalid_fields(), ["event_types"]);
    app.post("/api/v1/webhook-endpoints")
        .token(&d.butler)
        .json(
            json!({"url": "https://crm.example.com/hooks", "site_id": app.site_id,
                     "event_types": ["ticket.status_changed"]}),
        )
        .send()
        .await
        .expect(403);
    // Nothing was registered by what was refused.
    let list = app
        .get("/api/v1/webhook-endpoints?limit=10")
        .token(&d.manager)
        .send()
        .await
        .expect(200);
    assert_eq!(list["items"], json!([]));

    // A site's manager registers for their site only, and sees only theirs.
    let other = app.other_site().await;
    let river_manager = app.site_manager("manager.river", &[other.site_id]).await;
    let res = app
        .post("/api/v1/webhook-endpoints")
        .token(&river_manager)
        .json(json!({"url": "https://crm.example.com/hooks",
                     "event_types": ["ticket.status_changed"]}))
        .send()
        .await;
    assert_eq!(res.invalid_fields(), ["site_id"]);
    let sunny = register(
        &app,
        &d.manager,
        json!({"url": "https://crm.example.com/hooks", "site_id": app.site_id,
               "event_types": ["ticket.status_changed"]}),
    )
    .await;
    app.get(&format!("/api/v1/webhook-endpoints/{}", sunny["id"]))
        .token(&river_manager)
        .send()
        .await
        .expect(404);
    app.patch(&format!("/api/v1/webhook-endpoints/{}", sunny["id"]))
        .token(&d.manager)
        .json(json!({"url": "http://192.168.0.10/hooks"}))
        .send()
        .await
        .invalid_fields();
    let kept = app
        .get(&format!("/api/v1/webhook-endpoints/{}", sunny["id"]))
        .token(&d.manager)
        .send()
        .await
        .expect(200);
    assert_eq!(kept["url"], "https://crm.example.com/hooks");
}

#[actix_web::test]
async fn a_new_pii_key_reseals_the_signing_secrets_so_deliveries_still_sign() {
    let app = app_for_loopback().await;
    let d = Desk::of(&app).await;
    let receiver = Receiver::start(0);
    let endpoint = register(
        &app,
        &d.manager,
        json!({"url": receiver.url, "site_id": app.site_id,
               "event_types": ["ticket.status_changed"]}),
    )
    .await;
    let secret = endpoint["secret"].as_str().unwrap().to_owned();
    let old_key = app.state.config.pii_key.clone();
    let mut rotated = app.state.clone();
    rotated.pii = Arc::new(propdesk::pii::Vault::from_hex(&"ab".repeat(32)).unwrap());
    let reseal = |key: String| {
        let rotated = rotated.clone();
        async move { propdesk::webhooks::service::reseal(&rotated, &key).await }
    };
    assert!(reseal("cd".repeat(32)).await.is_err());
    assert_eq!(reseal(old_key.clone()).await.unwrap(), 1);
    assert_eq!(reseal(old_key).await.unwrap(), 0);
    report_ticket(&app, &d.butler).await;
    assert_eq!(
        propdesk::webhooks::delivery::deliver_due(&rotated)
            .await
            .unwrap(),
        1
    );
    assert!(signed_by(&secret, &receiver.received()[0]));
}
