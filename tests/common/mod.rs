//! `TestApp`: the real app on a fresh database per test — a temp SQLite file, or with
//! `TEST_DATABASE_URL=postgres://...` a uniquely named PostgreSQL database dropped afterwards
//! — filled with the demo estate, with a hand-set clock.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;

use actix_web::http::{header, Method, StatusCode};
use actix_web::test;
use chrono::{TimeZone, Utc};
use diesel::{Connection, PgConnection, RunQueryDsl};
use serde_json::{json, Value};

use propdesk::clock::ManualClock;
use propdesk::config::Config;
use propdesk::{build_app, db, seed, AppState};

pub mod complaints;
pub mod hot_water;
pub mod s3;
pub mod tickets;

pub const PASSWORD: &str = "demo-pass-123";

/// A database that exists for one test.
struct TestDb {
    url: String,
    admin_url: Option<String>,
    name: String,
    _dir: tempfile::TempDir,
}

impl TestDb {
    fn create() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        match std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
        {
            Some(admin_url) => {
                let name = format!(
                    "propdesk_test_{}",
                    propdesk::access::tokens::random_token(9)
                )
                .to_lowercase()
                .replace('-', "_");
                let mut admin =
                    PgConnection::establish(&admin_url).expect("TEST_DATABASE_URL reachable");
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .expect("create test database");
                let (base, _) = admin_url
                    .rsplit_once('/')
                    .expect("URL with a database name");
                TestDb {
                    url: format!("{base}/{name}"),
                    admin_url: Some(admin_url),
                    name,
                    _dir: dir,
                }
            }
            None => TestDb {
                url: format!("sqlite://{}", dir.path().join("test.db").display()),
                admin_url: None,
                name: String::new(),
                _dir: dir,
            },
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(admin_url) = &self.admin_url {
            if let Ok(mut admin) = PgConnection::establish(admin_url) {
                let _ = diesel::sql_query(format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    self.name
                ))
                .execute(&mut admin);
            }
        }
    }
}

pub struct Response {
    pub status: StatusCode,
    pub headers: header::HeaderMap,
    pub body: Value,
    /// The body as it came, for files.
    pub bytes: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts the status and, for errors, the problem+json shape; returns the body.
    pub fn expect(self, status: u16) -> Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.body
        );
        if status >= 400 {
            assert_eq!(
                self.header("content-type"),
                Some("application/problem+json")
            );
            assert_eq!(self.body["status"], status);
            assert!(self.body["type"]
                .as_str()
                .unwrap()
                .starts_with("/problems/"));
        }
        self.body
    }

    /// The fields named in a validation problem.
    pub fn invalid_fields(self) -> Vec<String> {
        let body = self.expect(422);
        body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap().to_owned())
            .collect()
    }
}

pub struct TestApp {
    pub state: AppState,
    pub clock: Arc<ManualClock>,
    /// Ids from the demo estate.
    pub site_id: i64,
    db: TestDb,
    /// DATA_DIR: the local file store and the uploads' temporary files.
    pub data: tempfile::TempDir,
    /// Every response body this app sent, in order: what a test searches for data that must
    /// never leave the server.
    pub transcript: std::sync::Mutex<Vec<u8>>,
}

/// A request under construction.
pub struct Call<'a> {
    app: &'a TestApp,
    method: Method,
    path: String,
    token: Option<String>,
    body: Option<Vec<u8>>,
    content_type: Option<String>,
    peer: Option<SocketAddr>,
    headers: Vec<(String, String)>,
}

impl<'a> Call<'a> {
    pub fn token(mut self, token: &str) -> Self {
        self.token = Some(token.to_owned());
        self
    }

    pub fn json(mut self, body: Value) -> Self {
        self.body = Some(body.to_string().into_bytes());
        self.content_type = Some("application/json".into());
        self
    }

    pub fn raw(mut self, body: &[u8], content_type: &str) -> Self {
        self.body = Some(body.to_vec());
        self.content_type = Some(content_type.into());
        self
    }

    /// A `multipart/form-data` body of parts `(name, file name, Content-Type, bytes)`.
    pub fn multipart(mut self, parts: &[(&str, &str, &str, &[u8])]) -> Self {
        const BOUNDARY: &str = "propdesk-test-boundary-7d1f";
        let mut body = Vec::new();
        for (name, file_name, content_type, bytes) in parts {
            body.extend_from_slice(
                format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; \
filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        self.body = Some(body);
        self.content_type = Some(format!("multipart/form-data; boundary={BOUNDARY}"));
        self
    }

    pub fn peer(mut self, addr: &str) -> Self {
        self.peer = Some(addr.parse().unwrap());
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub async fn send(self) -> Response {
        let service = test::init_service(build_app(self.app.state.clone())).await;
        let mut req = test::TestRequest::default()
            .method(self.method)
            .uri(&self.path);
        if let Some(token) = self.token {
            req = req.insert_header((header::AUTHORIZATION, format!("Bearer {token}")));
        }
        if let Some(content_type) = self.content_type {
            req = req.insert_header((header::CONTENT_TYPE, content_type));
        }
        for (name, value) in self.headers {
            req = req.insert_header((name, value));
        }
        if let Some(peer) = self.peer {
            req = req.peer_addr(peer);
        }
        if let Some(body) = self.body {
            req = req.set_payload(body);
        }
        let res = test::call_service(&service, req.to_request()).await;
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = test::read_body(res).await;
        self.app
            .transcript
            .lock()
            .unwrap()
            .extend_from_slice(&bytes);
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        Response {
            status,
            headers,
            body,
            bytes: bytes.to_vec(),
        }
    }
}

impl TestApp {
    /// The demo estate at 2026-11-23 10:00 UTC.
    pub async fn new() -> Self {
        Self::with_config(|_| {}).await
    }

    /// The demo estate with the settings `adjust` leaves (the pool, trusted proxies, ...).
    pub async fn with_config(adjust: impl FnOnce(&mut Config)) -> Self {
        let app = Self::empty_with_config(adjust);
        seed::seed_demo(&app.state, Some(PASSWORD.into()))
            .await
            .expect("demo estate");
        app
    }

    /// A migrated database with nothing in it (no demo estate), at 2026-11-23 10:00 UTC.
    pub fn empty() -> Self {
        Self::empty_with_config(|_| {})
    }

    fn empty_with_config(adjust: impl FnOnce(&mut Config)) -> Self {
        let _ = env_logger::builder().is_test(true).try_init();
        let db = TestDb::create();
        let data = tempfile::tempdir().unwrap();
        let mut config = Config::for_database(&db.url, data.path());
        adjust(&mut config);
        let pool = db::build_pool(&config.database_url, &config.db_pool).expect("pool");
        db::run_migrations(&mut pool.get().unwrap()).expect("migrations");
        let clock = Arc::new(ManualClock::new(
            Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap(),
        ));
        let state = AppState::new(pool, config, clock.clone()).expect("file store");
        TestApp {
            state,
            clock,
            site_id: 1,
            db,
            data,
            transcript: Default::default(),
        }
    }

    pub fn call(&self, method: Method, path: &str) -> Call<'_> {
        Call {
            app: self,
            method,
            path: path.to_owned(),
            token: None,
            body: None,
            content_type: None,
            peer: None,
            headers: Vec::new(),
        }
    }

    /// The SQLite database's files (the database and its write-ahead log), when the test
    /// runs on SQLite.
    pub fn sqlite_files(&self) -> Vec<std::path::PathBuf> {
        match self.db.url.strip_prefix("sqlite://") {
            Some(path) => ["", "-wal"]
                .iter()
                .map(|suffix| std::path::PathBuf::from(format!("{path}{suffix}")))
                .filter(|p| p.exists())
                .collect(),
            None => Vec::new(),
        }
    }

    pub fn get(&self, path: &str) -> Call<'_> {
        self.call(Method::GET, path)
    }

    pub fn post(&self, path: &str) -> Call<'_> {
        self.call(Method::POST, path)
    }

    pub fn patch(&self, path: &str) -> Call<'_> {
        self.call(Method::PATCH, path)
    }

    pub async fn login_pair(&self, username: &str, password: &str) -> Value {
        self.post("/api/v1/auth/login")
            .json(json!({"username": username, "password": password}))
            .send()
            .await
            .expect(200)
    }

    /// An access token for an account, issued at the current (hand-set) clock by the app's
    /// own token keys: tests that move the clock by hours mint fresh ones without paying
    /// for an argon2 login each time. Signing in itself is tested in `tests/auth.rs`.
    pub async fn token(&self, username: &str) -> String {
        let pool = self.state.pool.clone();
        let name = username.to_owned();
        let actor = actix_web::web::block(move || {
            let mut conn = pool.get().unwrap();
            let account = propdesk::auth::repo::find_account_by_login(&mut conn, &name, &name)
                .unwrap()
                .unwrap_or_else(|| panic!("no account {name}"));
            propdesk::auth::service::actor_of(&mut conn, account.id, account.role).unwrap()
        })
        .await
        .unwrap();
        self.state
            .tokens
            .issue_access(&actor, propdesk::clock::Clock::now(&*self.clock))
            .unwrap()
    }

    /// The caller's user id, as `GET /me` reports it.
    pub async fn user_id(&self, token: &str) -> i64 {
        self.get("/api/v1/me").token(token).send().await.expect(200)["user"]["id"]
            .as_i64()
            .unwrap()
    }

    /// `POST /api/v1/{collection}/{id}/{action}` with a JSON body: one lifecycle action.
    pub async fn action(
        &self,
        token: &str,
        collection: &str,
        id: i64,
        action: &str,
        body: Value,
    ) -> Response {
        self.post(&format!("/api/v1/{collection}/{id}/{action}"))
            .token(token)
            .json(body)
            .send()
            .await
    }

    /// The test clock's current time.
    pub fn clock_now(&self) -> chrono::DateTime<Utc> {
        propdesk::clock::Clock::now(&*self.clock)
    }

    /// The id of a demo unit by its code, e.g. `1-1-101`.
    pub async fn unit_id(&self, code: &str) -> i64 {
        let token = self.token("manager").await;
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("/api/v1/units?limit=100&cursor={c}"),
                None => "/api/v1/units?limit=100".to_owned(),
            };
            let page = self.get(&path).token(&token).send().await.expect(200);
            if let Some(unit) = page["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|u| u["code"] == code)
            {
                return unit["id"].as_i64().unwrap();
            }
            match page["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => panic!("no unit {code}"),
            }
        }
    }

    /// A manager of these sites only (not company-wide), made through the API; their token.
    pub async fn site_manager(&self, username: &str, site_ids: &[i64]) -> String {
        let manager = self.token("manager").await;
        self.post("/api/v1/users")
            .token(&manager)
            .json(
                json!({"username": username, "display_name": "Site Manager", "role": "manager",
                         "password": PASSWORD, "site_ids": site_ids}),
            )
            .send()
            .await
            .expect(201);
        self.token(username).await
    }

    /// A second site with one unit, a butler and a resident, made through the API.
    pub async fn other_site(&self) -> OtherSite {
        let manager = self.token("manager").await;
        let site = self
            .post("/api/v1/sites")
            .token(&manager)
            .json(json!({"name": "Riverside 江畔", "time_zone": "Asia/Shanghai"}))
            .send()
            .await
            .expect(201);
        let site_id = site["id"].as_i64().unwrap();
        let unit = self
            .post("/api/v1/units")
            .token(&manager)
            .json(json!({"site_id": site_id, "building": "8", "entrance": "1", "room": "808"}))
            .send()
            .await
            .expect(201);
        let unit_id = unit["id"].as_i64().unwrap();
        let butler = self
            .post("/api/v1/users")
            .token(&manager)
            .json(
                json!({"username": "butler.river", "display_name": "River Butler", "role": "butler",
                         "password": PASSWORD, "site_ids": [site_id]}),
            )
            .send()
            .await
            .expect(201);
        let resident = self
            .post("/api/v1/users")
            .token(&manager)
            .json(json!({"username": "resident.river", "display_name": "River Resident", "role": "resident",
                         "password": PASSWORD, "unit_id": unit_id, "relation": "owner"}))
            .send()
            .await
            .expect(201);
        OtherSite {
            site_id,
            unit_id,
            butler_id: butler["id"].as_i64().unwrap(),
            resident_id: resident["id"].as_i64().unwrap(),
        }
    }
}

/// Fresh access tokens of the five demo accounts.
pub struct Desk {
    pub manager: String,
    pub butler: String,
    pub engineer: String,
    pub resident: String,
    pub resident2: String,
}

impl Desk {
    pub async fn of(app: &TestApp) -> Desk {
        Desk {
            manager: app.token("manager").await,
            butler: app.token("butler").await,
            engineer: app.token("engineer").await,
            resident: app.token("resident").await,
            resident2: app.token("resident2").await,
        }
    }

    /// The clock moved on, with fresh sessions (access tokens are short-lived).
    pub async fn later(app: &TestApp, by: chrono::Duration) -> Desk {
        app.clock.advance(by);
        Desk::of(app).await
    }
}

pub struct OtherSite {
    pub site_id: i64,
    pub unit_id: i64,
    pub butler_id: i64,
    pub resident_id: i64,
}

/// Reads a response field by a dotted path (`"deadlines.arrive"`) and fails the test when a
/// key on the way is missing, so an assertion that a field is null cannot pass because the
/// field was misspelled or dropped from the response.
pub trait Field {
    fn field(&self, path: &str) -> &Value;
}

impl Field for Value {
    fn field(&self, path: &str) -> &Value {
        path.split('.').fold(self, |value, key| {
            value
                .as_object()
                .and_then(|object| object.get(key))
                .unwrap_or_else(|| panic!("the response has no field `{key}`: {value}"))
        })
    }
}

/// Runs two futures at once on this task, as two clients' requests arriving together.
pub async fn both<A: std::future::Future, B: std::future::Future>(
    a: A,
    b: B,
) -> (A::Output, B::Output) {
    use std::task::Poll;
    let (mut a, mut b) = (std::pin::pin!(a), std::pin::pin!(b));
    let (mut first, mut second) = (None, None);
    std::future::poll_fn(|cx| {
        if first.is_none() {
            if let Poll::Ready(out) = a.as_mut().poll(cx) {
                first = Some(out);
            }
        }
        if second.is_none() {
            if let Poll::Ready(out) = b.as_mut().poll(cx) {
                second = Some(out);
            }
        }
        if first.is_some() && second.is_some() {
            Poll::Ready((first.take().unwrap(), second.take().unwrap()))
        } else {
            Poll::Pending
        }
    })
    .await
}

/// Runs every future at once on this task, as many clients' requests arriving together;
/// their outputs in the order given.
pub async fn all<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    use std::task::Poll;
    let mut futures: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        for (future, output) in futures.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                if let Poll::Ready(out) = future.as_mut().poll(cx) {
                    *output = Some(out);
                }
            }
        }
        if outputs.iter().all(Option::is_some) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await;
    outputs.into_iter().map(Option::unwrap).collect()
}
