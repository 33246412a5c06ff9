//! Machine clients: API keys of other property systems, scoped to sites and permissions,
//! shown once, stored hashed, revocable at once, rate-limited.

mod common;

use common::{Desk, Field, TestApp};
use serde_json::{json, Value};

async fn create_key(app: &TestApp, manager: &str, body: Value) -> Value {
    app.post("/api/v1/api-keys")
        .token(manager)
        .json(body)
        .send()
        .await
        .expect(201)
}

fn secret(created: &Value) -> String {
    created["api_key"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn a_key_acts_as_the_desk_of_its_sites_with_its_permissions() {
    let app = TestApp::new().await;
    let d = Desk::of(&app).await;
    let created = create_key(
        &app,
        &d.manager,
        json!({"name": "CRM 客户关系系统", "site_ids": [app.site_id],
               "permissions": ["tickets_read", "tickets_write", "directory_read"]}),
    )
    .await;
    let key = secret(&created);
    assert!(key.starts_with("pdk_") && key.len() > 40);
    assert!(key.starts_with(created["token_prefix"].as_str().unwrap()));
    assert_eq!(created["status"], "active");
    assert_eq!(created.field("last_used_at"), &Value::Null);

    // Reported through the key, by either header: the timeline names the integration.
    let unit = app.unit_id("1-1-101").await;
    let ticket = app
        .post("/api/v1/tickets")
        .header("X-Api-Key", &key)
        .json(
            json!({"unit_id": unit, "category": "water_supply", "priority": "general",
                     "channel": "phone", "contact_phone": "13700137000",
                     "description": "Leak reported to the CRM"}),
        )
        .send()
        .await
        .expect(201);
    assert_eq!(ticket["received_by"], created["account_id"]);
    let read = app
        .get(&format!("/api/v1/tickets/{}", ticket["id"]))
        .token(&key)
        .send()
        .await
        .expect(200);
    assert_eq!(read["number"], ticket["number"]);

    // Its last use is on record; the key itself never is.
    let shown = app
        .get(&format!("/api/v1/api-keys/{}", created["id"]))
        .token(&d.manager)
        .send()
        .await
        .expect(200);
    assert_eq!(shown["last_used_at"], json!("2026-11-23T10:00:00Z"));
    assert!(shown.get("api_key").is_none());

    // A permission it lacks, a route closed to keys, a role its account lacks: 403.
    let res = app.get("/api/v1/complaints").token(&key).send().await;
    assert!(res.expect(403)["detail"]
        .as_str()
        .unwrap()
        .contains("complaints_read"));
    app.get("/api/v1/users")
        .token(&key)
        .send()
        .await
        .expect(403);
    app.get("/api/v1/api-keys")
        .token(&key)
        .send()
        .await
        .expect(403);
    // The key's account is no person: not listed, not found, never signs in.
    let users = app
        .get("/api/v1/users?limit=100")
        .token(&d.manager)
        .send()
        .await
        .expect(200);
    assert!(users["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u["id"] != created["account_id"]));
    app.get(&format!("/api/v1/users/{}", created["account_id"]))
        .token(&d.manager)
        .send()
        .await
        .expect(404);
}

#[actix_web::test]
async fn a_key_scoped_to_one_site_cannot_read_another_sites_records() {
    let app = TestApp::new().await;
    let d = Desk::of(&app).await;
    let other = app.other_site().await;
    let river_butler = app.token("butler.river").await;
    let river_ticket = app
        .post("/api/v1/tickets")
        .token(&river_butler)
        .json(
            json!({"unit_id": other.unit_id, "category": "electrical", "priority": "general",
                     "channel": "counter", "contact_phone": "13700137000",
                     "description": "Socket sparks"}),
        )
        .send()
        .await
        .expect(201);
    let key = secret(
        &create_key(
            &app,
            &d.manager,
            json!({"name": "Sunny CRM", "site_ids": [app.site_id],
                   "permissions": ["tickets_read", "directory_read"]}),
        )
        .await,
    );
    app.get(&format!("/api/v1/tickets/{}", river_ticket["id"]))
        .token(&key)
        .send()
        .await
        .expect(404);
    app.get(&format!("/api/v1/units/{}", other.unit_id))
        .token(&key)
        .send()
        .await
        .expect(404);
    app.get(&format!("/api/v1/sites/{}", other.site_id))
        .token(&key)
        .send()
        .await
        .expect(404);
    let own = app
        .get("/api/v1/tickets")
        .token(&key)
        .send()
        .await
        .expect(200);
    assert!(own["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["id"] != river_ticket["id"]));
    // Nor may a manager give a key a site that is not theirs.
    let river_manager = app.site_manager("manager.river", &[other.site_id]).await;
    let res = app
        .post("/api/v1/api-keys")
        .token(&river_manager)
        .json(json!({"name": "Sneaky", "site_ids": [app.site_id],
                     "permissions": ["tickets_read"]}))
        .send()
        .await;
    assert_eq!(res.invalid_fields(), ["site_ids[0]"]);
    // And the river manager does not see the Sunny key, nor one that other sites rely on
    // too; a key of their site only, they do.
    let shared = create_key(
        &app,
        &d.manager,
        json!({"name": "Group CRM", "site_ids": [app.site_id, other.site_id],
               "permissions": ["tickets_read"]}),
    )
    .await;
    let theirs = create_key(
        &app,
        &river_manager,
        json!({"name": "River SMS", "site_ids": [other.site_id],
               "permissions": ["tickets_read"]}),
    )
    .await;
    let keys = app
        .get("/api/v1/api-keys")
        .token(&river_manager)
        .send()
        .await
        .expect(200);
    let ids: Vec<&Value> = keys["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| &k["id"])
        .collect();
    assert_eq!(ids, [&theirs["id"]]);
    app.post(&format!("/api/v1/api-keys/{}/revoke", shared["id"]))
        .token(&river_manager)
        .send()
        .await
        .expect(404);
}

#[actix_web::test]
async fn a_revoked_or_expired_key_is_refused_at_once() {
    let app = TestApp::new().await;
    let d = Desk::of(&app).await;
    let created = create_key(
        &app,
        &d.manager,
        json!({"name": "SMS gateway", "site_ids": [app.site_id], "permissions": ["tickets_read"],
               "expires_at": "2026-11-30T00:00:00Z"}),
    )
    .await;
    let key = secret(&created);
    app.get("/api/v1/tickets")
        .token(&key)
        .send()
        .await
        .expect(200);
    let revoked = app
        .post(&format!("/api/v1/api-keys/{}/revoke", created["id"]))
        .token(&d.manager)
        .send()
        .await
        .expect(200);
    assert_eq!(revoked["status"], "revoked");
    let res = app
        .get("/api/v1/tickets")
        .header("X-Api-Key", &key)
        .send()
        .await;
    assert!(res.expect(401)["detail"]
        .as_str()
        .unwrap()
        .contains("revoked"));
    app.post(&format!("/api/v1/api-keys/{}/revoke", created["id"]))
        .token(&d.manager)
        .send()
        .await
        .expect_conflict("invalid-transition");

    let expiring = secret(
        &create_key(
            &app,
            &d.manager,
            json!({"name": "Payments", "site_ids": [app.site_id], "permissions": ["tickets_read"],
                   "expires_at": "2026-11-30T00:00:00Z"}),
        )
        .await,
    );
    app.get("/api/v1/tickets")
        .token(&expiring)
        .send()
        .await
        .expect(200);
    app.clock.advance(chrono::Duration::days(7));
    app.get("/api/v1/tickets")
        .token(&expiring)
        .send()
        .await
        .expect(401);
    // A key that never existed, and the key's account by password: 401 too.
    app.get("/api/v1/tickets")
        .token("pdk_nope")
        .send()
        .await
        .expect(401);
    let username = format!("integration:{}", created["token_prefix"].as_str().unwrap());
    app.post("/api/v1/auth/login")
        .json(json!({"username": username.to_lowercase(), "password": "!"}))
        .send()
        .await
        .expect(401);
}

#[actix_web::test]
async fn a_key_over_its_rate_is_told_when_to_come_back() {
    let app = TestApp::new().await;
    let d = Desk::of(&app).await;
    let key = secret(
        &create_key(
            &app,
            &d.manager,
            json!({"name": "Busy CRM", "site_ids": [app.site_id], "permissions": ["tickets_read"],
                   "requests_per_minute": 2}),
        )
        .await,
    );
    app.get("/api/v1/tickets")
        .token(&key)
        .send()
        .await
        .expect(200);
    app.get("/api/v1/tickets")
        .token(&key)
        .send()
        .await
        .expect(200);
    let res = app.get("/api/v1/tickets").token(&key).send().await;
    let retry: u64 = res.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=30).contains(&retry));
    assert_eq!(res.expect(429)["type"], "/problems/too-many-requests");
    // People are not rate-limited by a key's rate.
    app.get("/api/v1/tickets")
        .token(&d.butler)
        .send()
        .await
        .expect(200);
}

#[actix_web::test]
async fn a_key_is_created_by_managers_with_valid_sites_permissions_and_rate() {
    let app = TestApp::new().await;
    let d = Desk::of(&app).await;
    app.post("/api/v1/api-keys")
        .token(&d.butler)
        .json(json!({"name": "x", "site_ids": [app.site_id], "permissions": ["tickets_read"]}))
        .send()
        .await
        .expect(403);
    let res = app
        .post("/api/v1/api-keys")
        .token(&d.manager)
        .json(json!({"name": "x", "site_ids": [], "permissions": [],
                     "requests_per_minute": 0, "expires_at": "2020-01-01T00:00:00Z"}))
        .send()
        .await;
    assert_eq!(
        res.invalid_fields(),
        [
            "site_ids",
            "permissions",
            "requests_per_minute",
            "expires_at"
        ]
    );
    let res = app
        .post("/api/v1/api-keys")
        .token(&d.manager)
        .json(json!({"name": "x", "site_ids": [app.site_id], "permissions": ["launch_rockets"]}))
        .send()
        .await;
    assert_eq!(res.status, 422);
    let keys = app
        .get("/api/v1/api-keys")
        .token(&d.manager)
        .send()
        .await
        .expect(200);
    assert_eq!(keys["items"], json!([]));
}

#[actix_web::test]
async fn a_key_retries_a_report_safely_with_an_idempotency_key() {
    let app = TestApp::new().await;
    let d = Desk::of(&app).await;
    let key = secret(
        &create_key(
            &app,
            &d.manager,
            json!({"name": "CRM", "site_ids": [app.site_id],
                   "permissions": ["tickets_read", "tickets_write"]}),
        )
        .await,
    );
    let unit = app.unit_id("1-1-101").await;
    let body = json!({"unit_id": unit, "category": "lift", "priority": "urgent",
                      "channel": "phone", "contact_phone": "13700137000",
                      "description": "Lift stuck between floors"});
    let send = || {
        app.post("/api/v1/tickets")
            .header("X-Api-Key", &key)
            .header("Idempotency-Key", "crm-7731")
            .json(body.clone())
            .send()
    };
    let first = send().await;
    assert_eq!(first.header("idempotent-replayed"), None);
    let first = first.expect(201);
    let again = send().await;
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.expect(201)["number"], first["number"]);
    let listed = app
        .get("/api/v1/tickets")
        .token(&key)
        .send()
        .await
        .expect(200);
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn a_new_pii_key_reseals_the_signing_secrets_of_payment_systems() {
    let app = TestApp::new().await;
    let manager = app.token("manager").await;
    let body = json!({"name": "UnionPay 银联", "site_ids": [1],
                      "permissions": ["hot_water_payments"]});
    let created = create_key(&app, &manager, body).await;
    let signing_secret = created["signing_secret"].as_str().unwrap().to_owned();
    let account = created["account_id"].as_i64().unwrap();
    let old_key = app.state.config.pii_key.clone();
    let mut rotated = app.state.clone();
    rotated.pii = std::sync::Arc::new(propdesk::pii::Vault::from_hex(&"ab".repeat(32)).unwrap());
    let reseal = |key: String| {
        let rotated = rotated.clone();
        async move { propdesk::api_keys::service::reseal(&rotated, &key).await }
    };
    assert!(reseal("cd".repeat(32)).await.is_err());
    assert_eq!(reseal(old_key.clone()).await.unwrap(), 1);
    assert_eq!(reseal(old_key).await.unwrap(), 0);
    let (_, sealed) = propdesk::db::read(&app.state.pool, move |conn| {
        Ok(propdesk::api_keys::repo::signer(conn, account.into())?.unwrap())
    })
    .await
    .unwrap();
    assert_eq!(rotated.pii.open(&sealed).unwrap(), signing_secret);
    assert!(app.state.pii.open(&sealed).is_err());
}
