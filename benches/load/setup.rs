//! The run's database, the seeding and the server under test.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::client::agent;
use crate::Options;

/// The password of every account `seed-load` makes here.
pub const PASSWORD: &str = "bench-pass-123";

/// The machine, as the top of the report states it.
pub fn machine() -> String {
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
pub struct BenchDb {
    pub url: String,
    pub dir: tempfile::TempDir,
    /// PostgreSQL: the server's URL with its own database, and the one made here.
    pub postgres: Option<(String, String)>,
    pub keep: bool,
}

impl BenchDb {
    pub fn create(given: Option<&str>, keep: bool) -> BenchDb {
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

    pub fn describe(&self) -> String {
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

/// The pool settings the server reads from the environment (`DB_POOL_SIZE`, ...).
pub fn pool_settings() -> propdesk::db::PoolSettings {
    propdesk::config::Config::from_env()
        .expect("valid settings in the environment")
        .db_pool
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
pub fn env(db: &BenchDb) -> Vec<(&'static str, String)> {
    vec![
        ("DATABASE_URL", db.url.clone()),
        ("DATA_DIR", db.dir.path().display().to_string()),
        (
            "JWT_SECRET",
            "load-benchmark-secret-0123456789abcdef-0123456789".into(),
        ),
        ("ACCESS_TOKEN_TTL_SECS", "86400".into()),
        // The jobs log what they changed, so a run can tell which process swept.
        ("RUST_LOG", "warn,propdesk::jobs=info".into()),
    ]
}

/// Runs `propdesk seed-load`; the accounts it names, by key.
pub fn seed(db: &BenchDb, o: &Options) -> BTreeMap<String, String> {
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

pub struct Server {
    pub child: Child,
    pub base: String,
    pub log: PathBuf,
}

/// A resident set in MB: its peak, now, and now split into the process's own (anonymous)
/// memory and file pages it maps (SQLite's memory-mapped database).
pub struct Memory {
    pub peak: f64,
    pub now: f64,
    pub anonymous: f64,
    pub file: f64,
}

impl std::fmt::Display for Memory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "peak RSS (VmHWM) {:.0} MB; RSS now {:.0} MB: {:.0} MB anonymous, {:.0} MB file pages mapped",
            self.peak, self.now, self.anonymous, self.file
        )
    }
}

impl Server {
    /// `n` processes over the database, started at once; each answers `/healthz` before
    /// this returns.
    pub fn start_all(db: &BenchDb, n: usize) -> Vec<Server> {
        let servers: Vec<Server> = (0..n).map(|i| Server::spawn(db, i)).collect();
        let agent = agent();
        let deadline = Instant::now() + Duration::from_secs(60);
        for server in &servers {
            loop {
                if agent
                    .get(format!("{}/healthz", server.base))
                    .call()
                    .is_ok_and(|r| r.status() == 200)
                {
                    break;
                }
                assert!(
                    Instant::now() < deadline,
                    "the server did not come up; see {}",
                    server.log.display()
                );
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        servers
    }

    fn spawn(db: &BenchDb, i: usize) -> Server {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let log = db.dir.path().join(format!("server-{i}.log"));
        let file = std::fs::File::create(&log).expect("server log");
        let child = Command::new(env!("CARGO_BIN_EXE_propdesk"))
            .arg("serve")
            .envs(env(db))
            .env("BIND", format!("127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(file)
            .spawn()
            .expect("propdesk serve starts");
        Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
        }
    }

    /// The server's resident set in MB, from /proc.
    pub fn memory(&self) -> Memory {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        let megabytes = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
                .map_or(f64::NAN, |kb| kb / 1024.0)
        };
        Memory {
            peak: megabytes("VmHWM:"),
            now: megabytes("VmRSS:"),
            anonymous: megabytes("RssAnon:"),
            file: megabytes("RssFile:"),
        }
    }

    /// Error lines the server logged (each 5xx is logged with its cause).
    pub fn errors(&self) -> Vec<String> {
        self.log_lines("ERROR")
    }

    /// The lines of the server's log that contain `needle`.
    pub fn log_lines(&self, needle: &str) -> Vec<String> {
        let file = std::fs::File::open(&self.log).expect("server log");
        BufReader::new(file)
            .lines()
            .map_while(Result::ok)
            .filter(|l| l.contains(needle))
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
