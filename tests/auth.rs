//! Sessions and tokens: every way a credential can be wrong gets a 401 problem with
//! `WWW-Authenticate: Bearer`; refresh tokens rotate and their reuse ends the family.

mod common;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::Duration;
use common::{TestApp, PASSWORD};
use jsonwebtoken::{encode, EncodingKey, Header};
use serde_json::json;

async fn assert_rejected(app: &TestApp, token: &str) {
    let res = app.get("/api/v1/me").token(token).send().await;
    assert_eq!(res.header("www-authenticate"), Some("Bearer"));
    res.expect(401);
}

fn claims(app: &TestApp) -> serde_json::Value {
    let now = app.clock.now_ts();
    json!({"sub": "1", "role": "manager", "sites": [], "iat": now, "exp": now + 900,
           "iss": "propdesk", "aud": "propdesk-api", "typ": "access", "jti": "x"})
}

trait NowTs {
    fn now_ts(&self) -> i64;
}

impl NowTs for propdesk::clock::ManualClock {
    fn now_ts(&self) -> i64 {
        propdesk::clock::Clock::now(self).timestamp()
    }
}

fn sign(app: &TestApp, claims: &serde_json::Value) -> String {
    let key = EncodingKey::from_secret(app.state.config.jwt_secret.as_bytes());
    encode(&Header::default(), claims, &key).unwrap()
}

#[actix_web::test]
async fn login_returns_a_working_token_pair() {
    let app = TestApp::new().await;
    let pair = app.login_pair("butler", PASSWORD).await;
    assert_eq!(pair["token_type"], "Bearer");
    assert_eq!(pair["expires_in"], 900);
    let me = app
        .get("/api/v1/me")
        .token(pair["access_token"].as_str().unwrap())
        .send()
        .await
        .expect(200);
    assert_eq!(me["user"]["role"], "butler");
    assert_eq!(me["sites"][0]["id"], app.site_id);
}

#[actix_web::test]
async fn missing_token_is_401_with_bearer_challenge() {
    let app = TestApp::new().await;
    let res = app.get("/api/v1/me").send().await;
    assert_eq!(res.header("www-authenticate"), Some("Bearer"));
    res.expect(401);
}

#[actix_web::test]
async fn forged_and_misdirected_tokens_are_rejected() {
    let app = TestApp::new().await;
    // A correctly signed token works, so the rejections below are about the one change each.
    let good = sign(&app, &claims(&app));
    app.get("/api/v1/me").token(&good).send().await.expect(200);

    // alg: none, no signature.
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims(&app).to_string());
    assert_rejected(&app, &format!("{header}.{payload}.")).await;

    // Signed with another secret.
    let other = encode(
        &Header::default(),
        &claims(&app),
        &EncodingKey::from_secret(b"another-secret-of-enough-length-0123456789"),
    )
    .unwrap();
    assert_rejected(&app, &other).await;

    // Wrong audience, wrong issuer, not an access token.
    for (field, value) in [
        ("aud", "someone-else"),
        ("iss", "elsewhere"),
        ("typ", "refresh"),
    ] {
        let mut c = claims(&app);
        c[field] = json!(value);
        assert_rejected(&app, &sign(&app, &c)).await;
    }

    // HS512 instead of the pinned HS256.
    let hs512 = encode(
        &Header::new(jsonwebtoken::Algorithm::HS512),
        &claims(&app),
        &EncodingKey::from_secret(app.state.config.jwt_secret.as_bytes()),
    )
    .unwrap();
    assert_rejected(&app, &hs512).await;
}

#[actix_web::test]
async fn access_token_expires_after_fifteen_minutes_and_thirty_seconds_leeway() {
    let app = TestApp::new().await;
    let token = app.token("butler").await;
    app.clock.advance(Duration::seconds(900 + 25));
    app.get("/api/v1/me").token(&token).send().await.expect(200);
    app.clock.advance(Duration::seconds(10));
    assert_rejected(&app, &token).await;
}

#[actix_web::test]
async fn refresh_token_is_not_an_access_token() {
    let app = TestApp::new().await;
    let pair = app.login_pair("butler", PASSWORD).await;
    assert_rejected(&app, pair["refresh_token"].as_str().unwrap()).await;
}

#[actix_web::test]
async fn refresh_rotates_and_reuse_revokes_the_whole_family() {
    let app = TestApp::new().await;
    let first = app.login_pair("resident", PASSWORD).await;
    let refresh = |token: &serde_json::Value| {
        app.post("/api/v1/auth/refresh")
            .json(json!({"refresh_token": token}))
    };
    let second = refresh(&first["refresh_token"]).send().await.expect(200);
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    app.get("/api/v1/me")
        .token(second["access_token"].as_str().unwrap())
        .send()
        .await
        .expect(200);

    // The first token again: stolen or replayed. It fails, and so does its successor.
    let res = refresh(&first["refresh_token"]).send().await;
    assert_eq!(res.header("www-authenticate"), Some("Bearer"));
    res.expect(401);
    refresh(&second["refresh_token"]).send().await.expect(401);

    // Another sign-in of the same user is a different family and still works.
    let other = app.login_pair("resident", PASSWORD).await;
    refresh(&other["refresh_token"]).send().await.expect(200);
}

#[actix_web::test]
async fn refresh_token_expires() {
    let app = TestApp::new().await;
    let pair = app.login_pair("resident", PASSWORD).await;
    app.clock.advance(Duration::days(31));
    app.post("/api/v1/auth/refresh")
        .json(json!({"refresh_token": pair["refresh_token"]}))
        .send()
        .await
        .expect(401);
}

#[actix_web::test]
async fn logout_revokes_the_session() {
    let app = TestApp::new().await;
    let pair = app.login_pair("engineer", PASSWORD).await;
    let body = json!({"refresh_token": pair["refresh_token"]});
    app.post("/api/v1/auth/logout")
        .json(body.clone())
        .send()
        .await
        .expect(204);
    app.post("/api/v1/auth/refresh")
        .json(body)
        .send()
        .await
        .expect(401);
}

#[actix_web::test]
async fn password_change_revokes_every_session_and_checks_the_current_password() {
    let app = TestApp::new().await;
    let a = app.login_pair("resident", PASSWORD).await;
    let b = app.login_pair("resident", PASSWORD).await;
    let token = a["access_token"].as_str().unwrap();

    let res = app
        .post("/api/v1/auth/password")
        .token(token)
        .json(json!({"current_password": "not-my-password", "new_password": "brand-new-pass-1"}))
        .send()
        .await;
    assert_eq!(res.invalid_fields(), ["current_password"]);
    let res = app
        .post("/api/v1/auth/password")
        .token(token)
        .json(json!({"current_password": PASSWORD, "new_password": "short"}))
        .send()
        .await;
    assert_eq!(res.invalid_fields(), ["new_password"]);

    app.post("/api/v1/auth/password")
        .token(token)
        .json(json!({"current_password": PASSWORD, "new_password": "brand-new-pass-1"}))
        .send()
        .await
        .expect(204);
    for pair in [&a, &b] {
        app.post("/api/v1/auth/refresh")
            .json(json!({"refresh_token": pair["refresh_token"]}))
            .send()
            .await
            .expect(401);
    }
    app.post("/api/v1/auth/login")
        .json(json!({"username": "resident", "password": PASSWORD}))
        .send()
        .await
        .expect(401);
    app.login_pair("resident", "brand-new-pass-1").await;
}

#[actix_web::test]
async fn unknown_user_and_wrong_password_get_the_same_answer() {
    let app = TestApp::new().await;
    let wrong = app
        .post("/api/v1/auth/login")
        .json(json!({"username": "butler", "password": "wrong-password"}))
        .send()
        .await
        .expect(401);
    let unknown = app
        .post("/api/v1/auth/login")
        .json(json!({"username": "nobody-here", "password": "wrong-password"}))
        .send()
        .await
        .expect(401);
    assert_eq!(wrong, unknown);
}

#[actix_web::test]
async fn repeated_failures_are_throttled_per_account_and_address_and_the_lock_ends() {
    let app = TestApp::new().await;
    let attempt = |password: &'static str, peer: &'static str| {
        app.post("/api/v1/auth/login")
            .peer(peer)
            .json(json!({"username": "butler", "password": password}))
    };
    for _ in 0..5 {
        attempt("wrong-password", "203.0.113.7:4000")
            .send()
            .await
            .expect(401);
    }
    // Locked for this address, even with the right password.
    let res = attempt(PASSWORD, "203.0.113.7:4000").send().await;
    assert_eq!(res.header("retry-after"), Some("60"));
    res.expect(429);

    // The real user elsewhere is not locked out.
    attempt(PASSWORD, "198.51.100.2:5000")
        .send()
        .await
        .expect(200);

    // The lock ends; success resets the count.
    app.clock.advance(Duration::seconds(61));
    attempt(PASSWORD, "203.0.113.7:4000")
        .send()
        .await
        .expect(200);
    attempt("wrong-password", "203.0.113.7:4000")
        .send()
        .await
        .expect(401);
}

/// Behind a load balancer every connection comes from it: the address it forwards is the
/// client's, so one attacker does not lock the account for everyone; a forwarded address
/// from anyone else is not believed.
#[actix_web::test]
async fn behind_a_trusted_proxy_throttling_goes_by_the_forwarded_client() {
    let app =
        TestApp::with_config(|config| config.trusted_proxies = vec!["10.0.0.0/8".parse().unwrap()])
            .await;
    let attempt = |password: &'static str, peer: &'static str, client: &'static str| {
        app.post("/api/v1/auth/login")
            .peer(peer)
            .header("x-forwarded-for", client)
            .json(json!({"username": "butler", "password": password}))
    };
    for _ in 0..5 {
        attempt("wrong-password", "10.0.0.2:4000", "203.0.113.7")
            .send()
            .await
            .expect(401);
    }
    attempt(PASSWORD, "10.0.0.2:4000", "203.0.113.7")
        .send()
        .await
        .expect(429);
    // Another resident behind the same balancer signs in.
    attempt(PASSWORD, "10.0.0.2:4001", "198.51.100.2")
        .send()
        .await
        .expect(200);

    // Not through the proxy: the claimed address is ignored, the peer is throttled.
    for _ in 0..5 {
        attempt("wrong-password", "192.0.2.50:4000", "198.51.100.77")
            .send()
            .await
            .expect(401);
    }
    attempt(PASSWORD, "192.0.2.50:4000", "198.51.100.78")
        .send()
        .await
        .expect(429);
}

#[actix_web::test]
async fn lockout_doubles_but_is_capped() {
    let app = TestApp::new().await;
    let attempt = || {
        app.post("/api/v1/auth/login")
            .peer("203.0.113.9:4000")
            .json(json!({"username": "engineer", "password": "wrong-password"}))
    };
    let mut waits = Vec::new();
    for _ in 0..5 {
        attempt().send().await.expect(401);
    }
    for _ in 0..6 {
        let res = attempt().send().await;
        let wait: i64 = res.header("retry-after").unwrap().parse().unwrap();
        res.expect(429);
        waits.push(wait);
        app.clock.advance(Duration::seconds(wait + 1));
        attempt().send().await.expect(401);
    }
    assert_eq!(waits, [60, 120, 240, 480, 900, 900]);
}

#[actix_web::test]
async fn deactivated_user_cannot_sign_in_or_refresh() {
    let app = TestApp::new().await;
    let pair = app.login_pair("resident2", PASSWORD).await;
    let manager = app.token("manager").await;
    let me = app
        .get("/api/v1/me")
        .token(pair["access_token"].as_str().unwrap())
        .send()
        .await
        .expect(200);
    let id = me["user"]["id"].as_i64().unwrap();

    app.post(&format!("/api/v1/users/{id}/deactivate"))
        .token(&manager)
        .send()
        .await
        .expect(200);
    app.post("/api/v1/auth/refresh")
        .json(json!({"refresh_token": pair["refresh_token"]}))
        .send()
        .await
        .expect(401);
    app.post("/api/v1/auth/login")
        .json(json!({"username": "resident2", "password": PASSWORD}))
        .send()
        .await
        .expect(401);

    app.post(&format!("/api/v1/users/{id}/reactivate"))
        .token(&manager)
        .send()
        .await
        .expect(200);
    app.login_pair("resident2", PASSWORD).await;
}

#[actix_web::test]
async fn login_accepts_the_phone_number_too() {
    let app = TestApp::new().await;
    let butler = app.token("butler").await;
    let unit = app.unit_id("3-1-101").await;
    app.post("/api/v1/users")
        .token(&butler)
        .json(
            json!({"phone": "139 0013-9000", "display_name": "Phone Only", "role": "resident",
                     "password": PASSWORD, "unit_id": unit, "relation": "tenant"}),
        )
        .send()
        .await
        .expect(201);
    app.login_pair("13900139000", PASSWORD).await;
}
