//! The HTTP clients: one keep-alive connection per thread, requests timed from sending to
//! the last byte of the answer.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use serde_json::Value;

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_idle_connections_per_host(1)
        .timeout_global(Some(Duration::from_secs(600)))
        .build()
        .into()
}

/// One request: method, path, bearer token, JSON body, `Idempotency-Key`.
#[derive(Clone)]
pub struct Req {
    pub post: bool,
    pub path: String,
    pub token: Option<Arc<str>>,
    pub body: Option<String>,
    pub idempotency_key: Option<String>,
}

impl Req {
    pub fn get(path: impl Into<String>, token: &Arc<str>) -> Req {
        Req {
            post: false,
            path: path.into(),
            token: Some(token.clone()),
            body: None,
            idempotency_key: None,
        }
    }

    pub fn post(path: impl Into<String>, token: Option<&Arc<str>>, body: Value) -> Req {
        Req {
            post: true,
            path: path.into(),
            token: token.cloned(),
            body: Some(body.to_string()),
            idempotency_key: None,
        }
    }

    /// The same request with an `Idempotency-Key`.
    pub fn keyed(self, key: String) -> Req {
        Req {
            idempotency_key: Some(key),
            ..self
        }
    }
}

/// Sends one request and reads the whole answer: (status, body); status 0 for a transport
/// error.
pub fn send(agent: &ureq::Agent, base: &str, req: &Req) -> (u16, Vec<u8>) {
    let url = format!("{base}{}", req.path);
    let result = if req.post {
        let mut r = agent.post(&url).content_type("application/json");
        if let Some(t) = &req.token {
            r = r.header("Authorization", format!("Bearer {t}"));
        }
        if let Some(key) = &req.idempotency_key {
            r = r.header("Idempotency-Key", key);
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

pub fn json_of(agent: &ureq::Agent, base: &str, req: &Req) -> Value {
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
pub struct Figures {
    pub requests: usize,
    pub seconds: f64,
    /// Microseconds, sorted.
    pub latencies: Vec<u32>,
    /// Answers outside 2xx by status (0: the request failed).
    pub failures: BTreeMap<u16, usize>,
}

impl Figures {
    pub fn rate(&self) -> f64 {
        self.requests as f64 / self.seconds
    }

    pub fn percentile(&self, p: f64) -> f64 {
        if self.latencies.is_empty() {
            return f64::NAN;
        }
        let i = ((self.latencies.len() as f64 * p) as usize).min(self.latencies.len() - 1);
        f64::from(self.latencies[i]) / 1000.0
    }

    pub fn failures(&self) -> String {
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

pub type Make = Arc<dyn Fn(usize, u64) -> Req + Send + Sync>;

/// Runs `conns` client threads for the warm-up and then `seconds`, each sending what
/// `make(thread, n)` says on its own keep-alive connection to one of `bases` (thread `i` to
/// `bases[i % len]`); counts what started after the warm-up. `stop` ends it early (for a
/// background load).
pub fn run(
    bases: &[String],
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
            let base = bases[thread % bases.len()].clone();
            let (make, barrier, stop) = (make.clone(), barrier.clone(), stop.clone());
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
                    // Timed after the warm-up; errors counted throughout.
                    if t >= from {
                        latencies.push(t.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
                    }
                    if !(200..300).contains(&status) {
                        *failures.entry(status).or_default() += 1;
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

/// One client paging through a list: the first page, then each next page by the cursor it
/// answered, from the top again at the end (a list without pages is asked again).
pub fn pager(base: String, first: Req, stop: Arc<AtomicBool>) -> Figures {
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
pub fn beside(
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
    let figures = run(&[base.to_owned()], 16, seconds, measured, None);
    stop.store(true, Ordering::Relaxed);
    (bg.join().expect("background load"), figures)
}
