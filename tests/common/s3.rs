//! A real S3-compatible server on loopback, for the S3 file store's tests: the one
//! `TEST_S3_ENDPOINT` names, or moto's server (from PyPI, pinned), installed on first use
//! into a virtualenv under cargo's target folder and started for the test.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Pinned: a new release must not change what the tests meet.
const MOTO: &str = "moto[server]==5.2.5";

/// The server; a server this helper started stops when it drops.
pub struct S3Server {
    pub endpoint: String,
    child: Option<Child>,
}

impl Drop for S3Server {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn run(command: &mut Command) {
    let status = command.status().expect("run a command");
    assert!(status.success(), "{command:?} failed: {status}");
}

/// moto's virtualenv, made once: built under a temporary name and renamed when whole, so
/// an interrupted install is not taken for a finished one.
fn moto_python() -> PathBuf {
    let target = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let venv = target.join("moto-venv");
    let python = venv.join("bin").join("python");
    if python.exists() {
        return python;
    }
    let partial = target.join(format!("moto-venv.partial-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&partial);
    run(Command::new("python3").args(["-m", "venv"]).arg(&partial));
    run(Command::new(partial.join("bin").join("python")).args([
        "-m",
        "pip",
        "install",
        "-q",
        "--disable-pip-version-check",
        MOTO,
    ]));
    if std::fs::rename(&partial, &venv).is_err() {
        // Another test process finished first: use its install.
        let _ = std::fs::remove_dir_all(&partial);
    }
    python
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().unwrap().port()
}

fn answers(endpoint: &str) -> bool {
    ureq::get(endpoint).call().is_ok()
}

pub fn start() -> S3Server {
    if let Ok(endpoint) = std::env::var("TEST_S3_ENDPOINT") {
        return S3Server {
            endpoint,
            child: None,
        };
    }
    let port = free_port();
    let child = Command::new(moto_python())
        .args([
            "-m",
            "moto.server",
            "-H",
            "127.0.0.1",
            "-p",
            &port.to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start moto's server");
    let server = S3Server {
        endpoint: format!("http://127.0.0.1:{port}"),
        child: Some(child),
    };
    let started = Instant::now();
    while !answers(&server.endpoint) {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "moto's server did not answer on {}",
            server.endpoint
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    server
}

impl S3Server {
    /// Creates a bucket of this name (S3's `PUT /bucket`).
    pub fn create_bucket(&self, name: &str) {
        ureq::put(&format!("{}/{name}", self.endpoint))
            .send_empty()
            .expect("create the bucket");
    }
}
