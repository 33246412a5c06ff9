//! The load benchmark (issue 11): propdesk at a company's scale, over HTTP.
//!
//! `cargo bench --bench load -- [--short] [--tickets N] [--complaints N] [--sites N]
//! [--seconds S] [--conns 32,64] [--database-url postgres://user@host:port/db] [--keep]`
//!
//! It makes a fresh database (a SQLite file in a temp dir, or a new database next to the
//! PostgreSQL one given), fills it with `propdesk seed-load`, starts `propdesk serve` (the
//! bench profile's build) on a free loopback port, signs in the accounts the seeder names,
//! and runs each endpoint for a fixed time at each connection count, one keep-alive HTTP/1.1
//! connection per client thread, printing req/s, p50 and p99 and the ratio to the ceilings
//! measured in the same run: `/healthz` (the framework), `/readyz` (one database round trip)
//! and, for writes, a plain one-row INSERT through the same kind of pool. Non-2xx answers are
//! counted per endpoint; timings never fail the run. Then two interference scenarios and the
//! server's peak RSS.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use chrono::Datelike;
use serde_json::{json, Value};

const PASSWORD: &str = "bench-pass-123";

struct Options {
    tickets: usize,
    complaints: usize,
    sites: usize,
    seconds: f64,
    conns: Vec<usize>,
    database_url: Option<String>,
    keep: bool,
}

fn options() -> Options {
    let mut o = Options {
        tickets: 1_000_000,
        complaints: 220_000,
        sites: 20,
        seconds: 10.0,
        conns: vec![32, 64],
        database_url: None,
        keep: false,
    };
    let mut args = std::env::args().skip(1);
    let mut explicit = (false, false);
    let mut short = false;
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .unwrap_or_else(|| panic!("{name} needs a value"))
        };
        match arg.as_str() {
            // `cargo bench` passes this to every bench target.
            "--bench" => {}
            "--short" => short = true,
            "--tickets" => {
                o.tickets = value("--tickets").parse().expect("a number");
                explicit.0 = true;
            }
            "--complaints" => {
                o.complaints = value("--complaints").parse().expect("a number");
                explicit.1 = true;
            }
            "--sites" => o.sites = value("--sites").parse().expect("a number"),
            "--seconds" => o.seconds = value("--seconds").parse().expect("seconds"),
            "--conns" => {
                o.conns = value("--conns")
                    .split(',')
                    .map(|c| c.trim().parse().expect("a connection count"))
                    .collect()
            }
            "--database-url" => o.database_url = Some(value("--database-url")),
            "--keep" => o.keep = true,
            other => panic!("unknown option {other}; see the top of benches/load.rs"),
        }
    }
    if short {
        if !explicit.0 {
            o.tickets = 100_000;
        }
        if !explicit.1 {
            o.complaints = 22_000;
        }
        o.seconds = o.seconds.min(3.0);
    }
    o
}

/// The machine, as the top of the report states it.
fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map_or("unknown CPU".to_owned(), |m| m.trim().to_owned());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let ram_gib = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|kib| kib.parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0 / 1024.0);
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cores} cores ({model}), {ram_gib:.1} GiB RAM")
}

/// A database that exists for this run.
struct BenchDb {
    url: String,
    dir: tempfile::TempDir,
    /// PostgreSQL: the server's URL with its own database, and the one made here.
    postgres: Option<(String, String)>,
    keep: bool,
}

impl BenchDb {
    fn create(given: Option<&str>, keep: bool) -> BenchDb {
        let dir = tempfile::tempdir().expect("temp dir");
        match given {
            None => BenchDb {
                url: format!("sqlite://{}", dir.path().join("load.db").display()),
                dir,
                postgres: None,
                keep,
            },
            Some(admin) => {
                use diesel::{Connection, RunQueryDsl};
                let name = format!("propdesk_load_{}", std::process::id());
                let mut conn =
                    diesel::PgConnection::establish(admin).expect("PostgreSQL reachable");
                diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .expect("drop an old bench database");
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut conn)
                    .expect("create the bench database");
                let (base, _) = admin.rsplit_once('/').expect("a URL with a database name");
                BenchDb {
                    url: format!("{base}/{name}"),
                    dir,
                    postgres: Some((admin.to_owned(), name)),
                    keep,
                }
            }
        }
    }

    fn describe(&self) -> String {
        use diesel::sql_types::Text;
        use diesel::{QueryableByName, RunQueryDsl};
        #[derive(QueryableByName)]
        struct Version {
            #[diesel(sql_type = Text)]
            v: String,
        }
        let mut conn = propdesk::db::establish(&self.url).expect("database reachable");
        let sql = match self.postgres {
            Some(_) => "SELECT version() AS v",
            None => "SELECT 'SQLite ' || sqlite_version() AS v",
        };
        let version = diesel::sql_query(sql)
            .get_result::<Version>(&mut conn)
            .map_or("unknown version".into(), |v| v.v);
        let pool = pool_settings().size;
        let pool = match self.postgres {
            Some(_) => format!("pool of {pool}"),
            None => format!("one writer and {pool} readers"),
        };
        format!("{version}; {pool}")
    }
}

impl Drop for BenchDb {
    fn drop(&mut self) {
        if self.keep {
            let dir = std::mem::replace(&mut self.dir, tempfile::tempdir().expect("temp dir"));
            println!("kept: {} (data in {})", self.url, dir.keep().display());
            return;
        }
        if let Some((admin, name)) = &self.postgres {
            use diesel::{Connection, RunQueryDsl};
            if let Ok(mut conn) = diesel::PgConnection::establish(admin) {
                let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn);
            }
        }
    }
}

/// The environment `propdesk` runs with: this run's database and data folder, a fixed
/// secret, and access tokens that outlive a long run (the default is 15 minutes).
fn env(db: &BenchDb) -> Vec<(&'static str, String)> {
    vec![
        ("DATABASE_URL", db.url.clone()),
        ("DATA_DIR", db.dir.path().display().to_string()),
        (
            "JWT_SECRET",
            "load-benchmark-secret-0123456789abcdef-0123456789".into(),
        ),
        ("ACCESS_TOKEN_TTL_SECS", "86400".into()),
        ("RUST_LOG", "warn".into()),
    ]
}

/// Runs `propdesk seed-load`; the accounts it names, by key.
fn seed(db: &BenchDb, o: &Options) -> BTreeMap<String, String> {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_propdesk"))
        .arg("seed-load")
        .args(["--tickets", &o.tickets.to_string()])
        .args(["--complaints", &o.complaints.to_string()])
        .args(["--sites", &o.sites.to_string()])
        .args(["--password", PASSWORD])
        .envs(env(db))
        .output()
        .expect("propdesk seed-load runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        panic!(
            "seed-load failed: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for line in stdout.lines() {
        println!("  | {line}");
    }
    println!(
        "seeding took {:.1} s (process wall time)",
        started.elapsed().as_secs_f64()
    );
    let keys = ["butler", "site_manager", "engineer", "resident", "manager"];
    stdout
        .lines()
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            let key = words.next()?;
            let username = words.next()?;
            keys.contains(&key)
                .then(|| (key.to_owned(), username.to_owned()))
        })
        .collect()
}

struct Server {
    child: Child,
    base: String,
    log: PathBuf,
}

impl Server {
    fn start(db: &BenchDb) -> Server {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let log = db.dir.path().join("server.log");
        let file = std::fs::File::create(&log).expect("server log");
        let child = Command::new(env!("CARGO_BIN_EXE_propdesk"))
            .arg("serve")
            .envs(env(db))
            .env("BIND", format!("127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(file)
            .spawn()
            .expect("propdesk serve starts");
        let server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
        };
        let agent = agent();
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if agent
                .get(format!("{}/healthz", server.base))
                .call()
                .is_ok_and(|r| r.status() == 200)
            {
                return server;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("the server did not come up; see {}", server.log.display());
    }

    /// The server's peak and current resident set, from /proc.
    fn memory(&self) -> String {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .map_or("?".to_owned(), |v| v.trim().to_owned())
        };
        format!(
            "peak RSS (VmHWM) {}, RSS now {}",
            field("VmHWM:"),
            field("VmRSS:")
        )
    }

    /// Error lines the server logged (each 5xx is logged with its cause).
    fn errors(&self) -> Vec<String> {
        let file = std::fs::File::open(&self.log).expect("server log");
        BufReader::new(file)
            .lines()
            .map_while(Result::ok)
            .filter(|l| l.contains("ERROR"))
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_idle_connections_per_host(1)
        .timeout_global(Some(Duration::from_secs(600)))
        .build()
        .into()
}

/// One request: method, path, bearer token, JSON body.
#[derive(Clone)]
struct Req {
    post: bool,
    path: String,
    token: Option<Arc<str>>,
    body: Option<String>,
}

impl Req {
    fn get(path: impl Into<String>, token: &Arc<str>) -> Req {
        Req {
            post: false,
            path: path.into(),
            token: Some(token.clone()),
            body: None,
        }
    }

    fn post(path: impl Into<String>, token: Option<&Arc<str>>, body: Value) -> Req {
        Req {
            post: true,
            path: path.into(),
            token: token.cloned(),
            body: Some(body.to_string()),
        }
    }
}

/// Sends one request and reads the whole answer: (status, body); status 0 for a transport
/// error.
fn send(agent: &ureq::Agent, base: &str, req: &Req) -> (u16, Vec<u8>) {
    let url = format!("{base}{}", req.path);
    let result = if req.post {
        let mut r = agent.post(&url).content_type("application/json");
        if let Some(t) = &req.token {
            r = r.header("Authorization", format!("Bearer {t}"));
        }
        r.send(req.body.as_deref().unwrap_or("{}"))
    } else {
        let mut r = agent.get(&url);
        if let Some(t) = &req.token {
            r = r.header("Authorization", format!("Bearer {t}"));
        }
        r.call()
    };
    match result {
        Ok(mut res) => {
            let status = res.status().as_u16();
            let body = res
                .body_mut()
                .with_config()
                .limit(512 * 1024 * 1024)
                .read_to_vec()
                .unwrap_or_default();
            (status, body)
        }
        Err(_) => (0, Vec::new()),
    }
}

fn json_of(agent: &ureq::Agent, base: &str, req: &Req) -> Value {
    let (status, body) = send(agent, base, req);
    assert!(
        (200..300).contains(&status),
        "{} answered {status}: {}",
        req.path,
        String::from_utf8_lossy(&body)
    );
    serde_json::from_slice(&body).expect("a JSON answer")
}

/// What one endpoint did at one concurrency.
struct Figures {
    requests: usize,
    seconds: f64,
    /// Microseconds, sorted.
    latencies: Vec<u32>,
    /// Answers outside 2xx by status (0: the request failed).
    failures: BTreeMap<u16, usize>,
}

impl Figures {
    fn rate(&self) -> f64 {
        self.requests as f64 / self.seconds
    }

    fn percentile(&self, p: f64) -> f64 {
        if self.latencies.is_empty() {
            return f64::NAN;
        }
        let i = ((self.latencies.len() as f64 * p) as usize).min(self.latencies.len() - 1);
        f64::from(self.latencies[i]) / 1000.0
    }

    fn failures(&self) -> String {
        if self.failures.is_empty() {
            return "0".into();
        }
        self.failures
            .iter()
            .map(|(status, n)| format!("{n}×{status}"))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

type Make = Arc<dyn Fn(usize, u64) -> Req + Send + Sync>;

/// Runs `conns` client threads for the warm-up and then `seconds`, each sending what
/// `make(thread, n)` says on its own keep-alive connection; counts what started after the
/// warm-up. `stop` ends it early (for a background load).
fn run(
    base: &str,
    conns: usize,
    seconds: f64,
    make: &Make,
    stop: Option<Arc<AtomicBool>>,
) -> Figures {
    let warmup = Duration::from_secs_f64((seconds / 5.0).min(1.0));
    let measured = Duration::from_secs_f64(seconds);
    let barrier = Arc::new(Barrier::new(conns + 1));
    let handles: Vec<_> = (0..conns)
        .map(|thread| {
            let (base, make, barrier, stop) =
                (base.to_owned(), make.clone(), barrier.clone(), stop.clone());
            std::thread::spawn(move || {
                let agent = agent();
                let mut latencies = Vec::new();
                let mut failures: BTreeMap<u16, usize> = BTreeMap::new();
                barrier.wait();
                let start = Instant::now();
                let (from, until) = (start + warmup, start + warmup + measured);
                let mut n = 0u64;
                loop {
                    let t = Instant::now();
                    if t >= until || stop.as_ref().is_some_and(|s| s.load(Ordering::Relaxed)) {
                        break;
                    }
                    let req = make(thread, n);
                    n += 1;
                    let (status, _) = send(&agent, &base, &req);
                    if t >= from {
                        latencies.push(t.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
                        if !(200..300).contains(&status) {
                            *failures.entry(status).or_default() += 1;
                        }
                    }
                }
                (latencies, failures)
            })
        })
        .collect();
    barrier.wait();
    let started = Instant::now();
    let mut figures = Figures {
        requests: 0,
        seconds: 0.0,
        latencies: Vec::new(),
        failures: BTreeMap::new(),
    };
    for h in handles {
        let (latencies, failures) = h.join().expect("client thread");
        figures.latencies.extend(latencies);
        for (status, n) in failures {
            *figures.failures.entry(status).or_default() += n;
        }
    }
    figures.requests = figures.latencies.len();
    figures.seconds = (started.elapsed().saturating_sub(warmup))
        .as_secs_f64()
        .max(1e-3);
    figures.latencies.sort_unstable();
    figures
}

/// The pool settings the server reads from the environment (`DB_POOL_SIZE`, ...).
fn pool_settings() -> propdesk::db::PoolSettings {
    propdesk::config::Config::from_env()
        .expect("valid settings in the environment")
        .db_pool
}

/// A plain one-row INSERT through the same kind of pool as the server's (the library's
/// `db::build_pool` and `db::transaction`, with the server's pool settings), into a
/// scratch table, `conns` at a time.
fn insert_ceiling(url: &str, conns: usize, seconds: f64) -> Figures {
    use diesel::connection::SimpleConnection;
    let pool = propdesk::db::build_pool(url, &pool_settings()).expect("pool");
    let create = match propdesk::db::Backend::of(url) {
        propdesk::db::Backend::Sqlite => {
            "CREATE TABLE IF NOT EXISTS bench_inserts (id INTEGER PRIMARY KEY, n BIGINT NOT NULL, at TIMESTAMP NOT NULL)"
        }
        propdesk::db::Backend::Postgres => {
            "CREATE TABLE IF NOT EXISTS bench_inserts (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, n BIGINT NOT NULL, at TIMESTAMP NOT NULL)"
        }
    };
    pool.get()
        .expect("a connection")
        .batch_execute(create)
        .expect("scratch table");
    let warmup = Duration::from_secs_f64((seconds / 5.0).min(1.0));
    let measured = Duration::from_secs_f64(seconds);
    let figures = actix_web::rt::System::new().block_on(async move {
        let start = Instant::now();
        let (from, until) = (start + warmup, start + warmup + measured);
        let tasks: Vec<_> = (0..conns)
            .map(|task| {
                let pool = pool.clone();
                actix_web::rt::spawn(async move {
                    let mut latencies = Vec::new();
                    let mut failures = 0usize;
                    let mut n = 0i64;
                    while Instant::now() < until {
                        let t = Instant::now();
                        let sql = format!(
                            "INSERT INTO bench_inserts (n, at) VALUES ({}, CURRENT_TIMESTAMP)",
                            task as i64 * 1_000_000_000 + n
                        );
                        n += 1;
                        let ok = propdesk::db::transaction(&pool, move |conn| {
                            conn.batch_execute(&sql)?;
                            Ok(())
                        })
                        .await
                        .is_ok();
                        if t >= from {
                            latencies
                                .push(t.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
                            failures += usize::from(!ok);
                        }
                    }
                    (latencies, failures)
                })
            })
            .collect();
        let mut figures = Figures {
            requests: 0,
            seconds: 0.0,
            latencies: Vec::new(),
            failures: BTreeMap::new(),
        };
        for task in tasks {
            let (latencies, failures) = task.await.expect("insert task");
            figures.latencies.extend(latencies);
            if failures > 0 {
                *figures.failures.entry(500).or_default() += failures;
            }
        }
        figures.requests = figures.latencies.len();
        figures.seconds = (start.elapsed().saturating_sub(warmup))
            .as_secs_f64()
            .max(1e-3);
        figures.latencies.sort_unstable();
        figures
    });
    let mut conn = propdesk::db::establish(url).expect("a connection");
    conn.batch_execute("DROP TABLE bench_inserts")
        .expect("drop the scratch table");
    figures
}

/// The ceilings measured at each connection count.
#[derive(Default)]
struct Ceilings {
    healthz: BTreeMap<usize, f64>,
    readyz: BTreeMap<usize, f64>,
    insert: BTreeMap<usize, f64>,
}

fn header() {
    println!(
        "{:<46} {:>5} {:>9} {:>9} {:>9} {:>8} {:>8} {:>8}  non-2xx",
        "endpoint", "conns", "req/s", "p50 ms", "p99 ms", "/healthz", "/readyz", "INSERT"
    );
}

fn row(name: &str, conns: usize, f: &Figures, c: &Ceilings, write: bool) {
    let ratio =
        |ceiling: Option<&f64>| ceiling.map_or("".to_owned(), |c| format!("{:.2}", f.rate() / c));
    println!(
        "{:<46} {:>5} {:>9.0} {:>9.2} {:>9.2} {:>8} {:>8} {:>8}  {}",
        name,
        conns,
        f.rate(),
        f.percentile(0.50),
        f.percentile(0.99),
        ratio(c.healthz.get(&conns)),
        ratio(c.readyz.get(&conns)),
        if write {
            ratio(c.insert.get(&conns))
        } else {
            String::new()
        },
        f.failures()
    );
}

/// Ids to act on: the items of each list page, but those in status `skip`.
fn ids(
    agent: &ureq::Agent,
    base: &str,
    token: &Arc<str>,
    paths: &[String],
    skip: &str,
) -> Vec<i64> {
    let mut out = Vec::new();
    for path in paths {
        let page = json_of(agent, base, &Req::get(path.clone(), token));
        out.extend(
            page["items"]
                .as_array()
                .expect("items")
                .iter()
                .filter(|i| i["status"] != skip)
                .filter_map(|i| i["id"].as_i64()),
        );
    }
    out
}

struct Endpoint {
    name: String,
    make: Make,
    write: bool,
    /// A list, candidate for the "slowest list" interference scenario.
    list: bool,
}

fn endpoint(
    name: &str,
    write: bool,
    list: bool,
    make: impl Fn(usize, u64) -> Req + Send + Sync + 'static,
) -> Endpoint {
    Endpoint {
        name: name.to_owned(),
        make: Arc::new(make),
        write,
        list,
    }
}

fn main() {
    let o = options();
    let db = BenchDb::create(o.database_url.as_deref(), o.keep);
    println!("propdesk load benchmark");
    println!("machine:  {}", machine());
    println!("database: {}", db.describe());
    println!(
        "volume:   {} tickets, {} complaints, {} sites; {} s per endpoint and connection count (after a warm-up), connections {:?}",
        o.tickets, o.complaints, o.sites, o.seconds, o.conns
    );
    let accounts = seed(&db, &o);
    let server = Server::start(&db);
    let base = server.base.clone();
    let agent = agent();
    let login = |key: &str| -> Arc<str> {
        let username = accounts
            .get(key)
            .unwrap_or_else(|| panic!("seed-load named no {key}"));
        let body = json!({"username": username, "password": PASSWORD});
        let pair = json_of(&agent, &base, &Req::post("/api/v1/auth/login", None, body));
        pair["access_token"].as_str().expect("a token").into()
    };
    let (butler, engineer, resident, manager) = (
        login("butler"),
        login("engineer"),
        login("resident"),
        login("manager"),
    );
    let me = json_of(&agent, &base, &Req::get("/api/v1/me", &butler));
    let site = me["sites"][0]["id"].as_i64().expect("the butler's site");

    // What the endpoints need: units to report for, the second page's cursor, open tickets
    // and complaints to act on, the last full month, an hour ago.
    let units = ids(
        &agent,
        &base,
        &butler,
        &[format!("/api/v1/units?site_id={site}&limit=100")],
        "",
    );
    let first = json_of(
        &agent,
        &base,
        &Req::get("/api/v1/tickets?limit=20", &butler),
    );
    let cursor = first["next_cursor"].as_str().unwrap_or("").to_owned();
    let open: Vec<String> = [
        "dispatched",
        "on_site",
        "reported",
        "completed",
        "accepted",
        "rework",
    ]
    .iter()
    .map(|s| format!("/api/v1/tickets?site_id={site}&status={s}&limit=100"))
    .collect();
    let tickets = Arc::new(ids(&agent, &base, &butler, &open, ""));
    let mut complaint_pages = Vec::new();
    for status in ["in_progress", "received", "with_developer", "resolved"] {
        complaint_pages.push(format!(
            "/api/v1/complaints?site_id={site}&status={status}&limit=100"
        ));
    }
    let complaints = Arc::new(ids(&agent, &base, &butler, &complaint_pages, "merged"));
    let now = chrono::Utc::now();
    let month = (now.date_naive().with_day(1).expect("day 1") - chrono::Days::new(1))
        .format("%Y-%m")
        .to_string();
    let since = (now - chrono::Duration::hours(1))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let units = Arc::new(units);
    println!(
        "accounts: {}; site #{site}; {} units, {} open tickets, {} complaints to act on",
        accounts
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", "),
        units.len(),
        tickets.len(),
        complaints.len()
    );
    println!();

    let mut c = Ceilings::default();
    header();
    for (path, name) in [
        ("/healthz", "GET /healthz (ceiling: the framework)"),
        ("/readyz", "GET /readyz (ceiling: one DB round trip)"),
    ] {
        let probe: Make = Arc::new(move |_, _| Req {
            post: false,
            path: path.into(),
            token: None,
            body: None,
        });
        for &n in &o.conns {
            let f = run(&base, n, o.seconds, &probe, None);
            row(name, n, &f, &c, false);
            let ceiling = if path == "/healthz" {
                &mut c.healthz
            } else {
                &mut c.readyz
            };
            ceiling.insert(n, f.rate());
        }
    }

    let reads = {
        let (b, e, r, m) = (
            butler.clone(),
            engineer.clone(),
            resident.clone(),
            manager.clone(),
        );
        let (b2, b3, b4, b5, b6, b7, e2) = (
            b.clone(),
            b.clone(),
            b.clone(),
            b.clone(),
            b.clone(),
            b.clone(),
            e.clone(),
        );
        let cursor = cursor.clone();
        let since = since.clone();
        let month = month.clone();
        vec![
            endpoint(
                "GET /tickets?limit=20 (butler)",
                false,
                true,
                move |_, _| Req::get("/api/v1/tickets?limit=20", &b),
            ),
            endpoint(
                "GET /tickets?limit=20&cursor= (page 2)",
                false,
                true,
                move |_, _| Req::get(format!("/api/v1/tickets?limit=20&cursor={cursor}"), &b2),
            ),
            endpoint(
                "GET /complaints?limit=20 (butler)",
                false,
                true,
                move |_, _| Req::get("/api/v1/complaints?limit=20", &b3),
            ),
            endpoint(
                "GET /tickets?limit=20 (resident)",
                false,
                true,
                move |_, _| Req::get("/api/v1/tickets?limit=20", &r),
            ),
            endpoint(
                "GET /tickets/work-orders (engineer)",
                false,
                true,
                move |_, _| Req::get("/api/v1/tickets/work-orders", &e),
            ),
            endpoint(
                "GET /tickets?overdue=true&limit=20 (butler)",
                false,
                true,
                move |_, _| Req::get("/api/v1/tickets?overdue=true&limit=20", &b4),
            ),
            endpoint(
                "GET /tickets?updated_since=-1h&limit=100 (eng.)",
                false,
                true,
                move |_, _| {
                    Req::get(
                        format!("/api/v1/tickets?updated_since={since}&limit=100"),
                        &e2,
                    )
                },
            ),
            endpoint("GET /me (manager)", false, false, move |_, _| {
                Req::get("/api/v1/me", &m)
            }),
            endpoint(
                "GET /complaints/monthly-report (butler)",
                false,
                false,
                move |_, _| {
                    Req::get(
                        format!("/api/v1/complaints/monthly-report?site_id={site}&month={month}"),
                        &b5,
                    )
                },
            ),
            endpoint(
                "GET /tickets/daily-board (butler)",
                false,
                false,
                move |_, _| Req::get(format!("/api/v1/tickets/daily-board?site_id={site}"), &b6),
            ),
            endpoint(
                "GET /complaints/daily-board (butler)",
                false,
                false,
                move |_, _| {
                    Req::get(
                        format!("/api/v1/complaints/daily-board?site_id={site}"),
                        &b7,
                    )
                },
            ),
        ]
    };
    let mut slowest: Option<(f64, usize)> = None;
    for (i, e) in reads.iter().enumerate() {
        for &n in &o.conns {
            let f = run(&base, n, o.seconds, &e.make, None);
            row(&e.name, n, &f, &c, e.write);
            if e.list && n == o.conns[0] && slowest.is_none_or(|(p50, _)| f.percentile(0.5) > p50) {
                slowest = Some((f.percentile(0.5), i));
            }
        }
    }

    for &n in &o.conns {
        let f = insert_ceiling(&db.url, n, o.seconds);
        row(
            "plain one-row INSERT, same pool (ceiling)",
            n,
            &f,
            &c,
            false,
        );
        c.insert.insert(n, f.rate());
    }
    let writes = {
        let (b, b2, b3, b4) = (
            butler.clone(),
            butler.clone(),
            butler.clone(),
            butler.clone(),
        );
        let (u, u2) = (units.clone(), units.clone());
        let (t, cs) = (tickets.clone(), complaints.clone());
        let conns = *o.conns.iter().max().unwrap_or(&1);
        vec![
            endpoint("POST /tickets (butler)", true, false, move |thread, n| {
                let unit = u[(thread + n as usize * 7) % u.len()];
                Req::post(
                    "/api/v1/tickets",
                    Some(&b),
                    json!({"unit_id": unit, "category": "other", "priority": "general",
                    "contact_phone": "13800138000", "description": format!("load {thread}-{n}")}),
                )
            }),
            endpoint(
                "POST /complaints (butler)",
                true,
                false,
                move |thread, n| {
                    let unit = u2[(thread + n as usize * 7) % u2.len()];
                    Req::post(
                        "/api/v1/complaints",
                        Some(&b2),
                        json!({"unit_id": unit, "channel": "phone",
                    "subject": "service_quality", "complainant": {"kind": "anonymous"}, "description": format!("load {thread}-{n}")}),
                    )
                },
            ),
            // Each client chases its own tickets in turn, so no two race for one.
            endpoint(
                "POST /tickets/{id}/chase (butler)",
                true,
                false,
                move |thread, n| {
                    let mine = (t.len() / conns).max(1);
                    let id = t[(thread + conns * (n as usize % mine)) % t.len()];
                    Req::post(
                        format!("/api/v1/tickets/{id}/chase"),
                        Some(&b3),
                        json!({"reason": "waiting for parts", "told_resident": "tomorrow morning"}),
                    )
                },
            ),
            endpoint(
                "POST /complaints/{id}/note (butler)",
                true,
                false,
                move |thread, n| {
                    let mine = (cs.len() / conns).max(1);
                    let id = cs[(thread + conns * (n as usize % mine)) % cs.len()];
                    Req::post(
                        format!("/api/v1/complaints/{id}/note"),
                        Some(&b4),
                        json!({"note": "called back, no answer"}),
                    )
                },
            ),
        ]
    };
    for e in &writes {
        for &n in &o.conns {
            let f = run(&base, n, o.seconds, &e.make, None);
            row(&e.name, n, &f, &c, e.write);
        }
    }

    // Interference: /me at 16 connections alone, during a login storm of 16 connections,
    // and while one client pages through the slowest list.
    println!();
    println!("interference: GET /me at 16 connections");
    let me_make: Make = {
        let m = manager.clone();
        Arc::new(move |_, _| Req::get("/api/v1/me", &m))
    };
    let alone = run(&base, 16, o.seconds, &me_make, None);
    let username = accounts["butler"].clone();
    let storm_make: Make = Arc::new(move |_, _| {
        Req::post(
            "/api/v1/auth/login",
            None,
            json!({"username": username, "password": PASSWORD}),
        )
    });
    let storm = {
        let (base, seconds) = (base.clone(), o.seconds);
        move |stop| run(&base, 16, seconds + 5.0, &storm_make, Some(stop))
    };
    let (storm, during) = beside(&base, o.seconds, storm, &me_make);
    let slow = &reads[slowest.map_or(0, |(_, i)| i)];
    let slow_name = slow.name.clone();
    let list = {
        let (base, first) = (base.clone(), (slow.make)(0, 0));
        move |stop| pager(base, first, stop)
    };
    let (paged, beside_list) = beside(&base, o.seconds, list, &me_make);
    println!(
        "  alone:                       p50 {:>7.2} ms  p99 {:>7.2} ms  {:>7.0} req/s  non-2xx {}",
        alone.percentile(0.5),
        alone.percentile(0.99),
        alone.rate(),
        alone.failures()
    );
    println!(
        "  during a login storm (16):   p50 {:>7.2} ms  p99 {:>7.2} ms  {:>7.0} req/s  non-2xx {}  (logins: {:.0}/s, p99 {:.0} ms, non-2xx {})",
        during.percentile(0.5), during.percentile(0.99), during.rate(), during.failures(),
        storm.rate(), storm.percentile(0.99), storm.failures()
    );
    println!(
        "  while one client pages {slow_name}:\n                               p50 {:>7.2} ms  p99 {:>7.2} ms  {:>7.0} req/s  non-2xx {}  (pages: {:.0}/s, p99 {:.0} ms)",
        beside_list.percentile(0.5), beside_list.percentile(0.99), beside_list.rate(), beside_list.failures(),
        paged.rate(), paged.percentile(0.99)
    );
    println!();
    println!("server: {}", server.memory());
    let errors = server.errors();
    println!("server log: {} error lines", errors.len());
    for line in errors.iter().take(10) {
        println!("  {line}");
    }
}

/// One client paging through a list: the first page, then each next page by the cursor it
/// answered, from the top again at the end (a list without pages is asked again).
fn pager(base: String, first: Req, stop: Arc<AtomicBool>) -> Figures {
    let agent = agent();
    let top = first
        .path
        .split("&cursor=")
        .next()
        .unwrap_or(&first.path)
        .to_owned();
    let mut latencies = Vec::new();
    let mut failures: BTreeMap<u16, usize> = BTreeMap::new();
    let mut next: Option<String> = None;
    let started = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        let path = match &next {
            Some(cursor) => format!("{top}&cursor={cursor}"),
            None => top.clone(),
        };
        let req = Req {
            path,
            ..first.clone()
        };
        let t = Instant::now();
        let (status, body) = send(&agent, &base, &req);
        latencies.push(t.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
        if !(200..300).contains(&status) {
            *failures.entry(status).or_default() += 1;
        }
        next = serde_json::from_slice::<Value>(&body)
            .ok()
            .and_then(|page| page["next_cursor"].as_str().map(str::to_owned));
    }
    latencies.sort_unstable();
    Figures {
        requests: latencies.len(),
        seconds: started.elapsed().as_secs_f64(),
        latencies,
        failures,
    }
}

/// Runs `background` in a thread of its own and `measured` with 16 clients beside it;
/// both figures.
fn beside(
    base: &str,
    seconds: f64,
    background: impl FnOnce(Arc<AtomicBool>) -> Figures + Send + 'static,
    measured: &Make,
) -> (Figures, Figures) {
    let stop = Arc::new(AtomicBool::new(false));
    let bg = {
        let stop = stop.clone();
        std::thread::spawn(move || background(stop))
    };
    std::thread::sleep(Duration::from_millis(300));
    let figures = run(base, 16, seconds, measured, None);
    stop.store(true, Ordering::Relaxed);
    (bg.join().expect("background load"), figures)
}
