//! What the run asks: the accounts signed in, the records to act on, and each endpoint as
//! a request per client and iteration.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use chrono::Datelike;
use serde_json::json;

use crate::client::{agent, json_of, Make, Req};
use crate::setup::PASSWORD;

/// Tokens, the butler's site and the records the endpoints need.
pub struct Ctx {
    pub site: i64,
    pub butler: Arc<str>,
    pub engineer: Arc<str>,
    pub resident: Arc<str>,
    pub manager: Arc<str>,
    pub butler_name: String,
    /// Units of the site to report for, open tickets and complaints to act on.
    pub units: Arc<Vec<i64>>,
    pub tickets: Arc<Vec<i64>>,
    pub complaints: Arc<Vec<i64>>,
    /// The second page of the butler's tickets.
    pub cursor: String,
    /// The last full month, and an hour ago.
    pub month: String,
    pub since: String,
}

/// Signs in the accounts `seed-load` named and reads what the endpoints need.
pub fn prepare(base: &str, accounts: &BTreeMap<String, String>) -> Ctx {
    let agent = agent();
    let login = |key: &str| -> Arc<str> {
        let username = accounts
            .get(key)
            .unwrap_or_else(|| panic!("seed-load named no {key}"));
        let body = json!({"username": username, "password": PASSWORD});
        let pair = json_of(&agent, base, &Req::post("/api/v1/auth/login", None, body));
        pair["access_token"].as_str().expect("a token").into()
    };
    let butler = login("butler");
    let me = json_of(&agent, base, &Req::get("/api/v1/me", &butler));
    let site = me["sites"][0]["id"].as_i64().expect("the butler's site");
    let units = ids(
        &agent,
        base,
        &butler,
        &[format!("/api/v1/units?site_id={site}&limit=100")],
        "",
    );
    let first = json_of(&agent, base, &Req::get("/api/v1/tickets?limit=20", &butler));
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
    let complaint_pages: Vec<String> = ["in_progress", "received", "with_developer", "resolved"]
        .iter()
        .map(|s| format!("/api/v1/complaints?site_id={site}&status={s}&limit=100"))
        .collect();
    let now = chrono::Utc::now();
    Ctx {
        site,
        engineer: login("engineer"),
        resident: login("resident"),
        manager: login("manager"),
        butler_name: accounts["butler"].clone(),
        units: Arc::new(units),
        tickets: Arc::new(ids(&agent, base, &butler, &open, "")),
        complaints: Arc::new(ids(&agent, base, &butler, &complaint_pages, "merged")),
        cursor: first["next_cursor"].as_str().unwrap_or("").to_owned(),
        month: (now.date_naive().with_day(1).expect("day 1") - chrono::Days::new(1))
            .format("%Y-%m")
            .to_string(),
        since: (now - chrono::Duration::hours(1))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string(),
        butler,
    }
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

pub struct Endpoint {
    pub name: String,
    pub make: Make,
    pub write: bool,
    /// A list, candidate for the "slowest list" interference scenario.
    pub list: bool,
}

pub fn endpoint(
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

/// The reads: lists as each role sees them, `/me`, the monthly report, the daily boards.
pub fn reads(c: &Ctx) -> Vec<Endpoint> {
    let get = |token: &Arc<str>, path: String| {
        let token = token.clone();
        move |_: usize, _: u64| Req::get(path.clone(), &token)
    };
    let site = c.site;
    vec![
        endpoint(
            "GET /tickets?limit=20 (butler)",
            false,
            true,
            get(&c.butler, "/api/v1/tickets?limit=20".into()),
        ),
        endpoint(
            "GET /tickets?limit=20&cursor= (page 2)",
            false,
            true,
            get(
                &c.butler,
                format!("/api/v1/tickets?limit=20&cursor={}", c.cursor),
            ),
        ),
        endpoint(
            "GET /complaints?limit=20 (butler)",
            false,
            true,
            get(&c.butler, "/api/v1/complaints?limit=20".into()),
        ),
        endpoint(
            "GET /tickets?limit=20 (resident)",
            false,
            true,
            get(&c.resident, "/api/v1/tickets?limit=20".into()),
        ),
        endpoint(
            "GET /tickets/work-orders (engineer)",
            false,
            true,
            get(&c.engineer, "/api/v1/tickets/work-orders".into()),
        ),
        endpoint(
            "GET /tickets?overdue=true&limit=20 (butler)",
            false,
            true,
            get(&c.butler, "/api/v1/tickets?overdue=true&limit=20".into()),
        ),
        endpoint(
            "GET /tickets?updated_since=-1h&limit=100 (eng.)",
            false,
            true,
            get(
                &c.engineer,
                format!("/api/v1/tickets?updated_since={}&limit=100", c.since),
            ),
        ),
        endpoint(
            "GET /me (manager)",
            false,
            false,
            get(&c.manager, "/api/v1/me".into()),
        ),
        endpoint(
            "GET /complaints/monthly-report (butler)",
            false,
            false,
            get(
                &c.butler,
                format!(
                    "/api/v1/complaints/monthly-report?site_id={site}&month={}",
                    c.month
                ),
            ),
        ),
        endpoint(
            "GET /tickets/daily-board (butler)",
            false,
            false,
            get(
                &c.butler,
                format!("/api/v1/tickets/daily-board?site_id={site}"),
            ),
        ),
        endpoint(
            "GET /complaints/daily-board (butler)",
            false,
            false,
            get(
                &c.butler,
                format!("/api/v1/complaints/daily-board?site_id={site}"),
            ),
        ),
    ]
}

/// Each keyed request's `Idempotency-Key`: unique across the run's repeats.
static KEYS: AtomicU64 = AtomicU64::new(0);

/// The writes: two intakes (one also with an `Idempotency-Key`), one action of each kind on records of its own per client (so
/// no two clients race for a record), `conns` being the most clients of any run.
pub fn writes(c: &Ctx, conns: usize) -> Vec<Endpoint> {
    let (b, b2, b3, b4) = (
        c.butler.clone(),
        c.butler.clone(),
        c.butler.clone(),
        c.butler.clone(),
    );
    let (u, u2, u3) = (c.units.clone(), c.units.clone(), c.units.clone());
    let b5 = c.butler.clone();
    let (t, cs) = (c.tickets.clone(), c.complaints.clone());
    vec![
        endpoint("POST /tickets (butler)", true, false, move |thread, n| {
            let unit = u[(thread + n as usize * 7) % u.len()];
            let body = json!({"unit_id": unit, "category": "other", "priority": "general",
                "contact_phone": "13800138000", "description": format!("load {thread}-{n}")});
            Req::post("/api/v1/tickets", Some(&b), body)
        }),
        // The same report with a new key each time: what claiming the key and recording the
        // response in the report's transaction add (a phone's first try, not its retries).
        endpoint(
            "POST /tickets keyed (butler)",
            true,
            false,
            move |thread, n| {
                let unit = u3[(thread + n as usize * 7) % u3.len()];
                let body = json!({"unit_id": unit, "category": "other", "priority": "general",
                "contact_phone": "13800138000", "description": format!("keyed {thread}-{n}")});
                let key = format!("load-{}", KEYS.fetch_add(1, Ordering::Relaxed));
                Req::post("/api/v1/tickets", Some(&b5), body).keyed(key)
            },
        ),
        endpoint(
            "POST /complaints (butler)",
            true,
            false,
            move |thread, n| {
                let unit = u2[(thread + n as usize * 7) % u2.len()];
                let body = json!({"unit_id": unit, "channel": "phone", "subject": "service_quality",
                "complainant": {"kind": "anonymous"}, "description": format!("load {thread}-{n}")});
                Req::post("/api/v1/complaints", Some(&b2), body)
            },
        ),
        endpoint(
            "POST /tickets/{id}/chase (butler)",
            true,
            false,
            move |thread, n| {
                let mine = (t.len() / conns).max(1);
                let id = t[(thread + conns * (n as usize % mine)) % t.len()];
                let body =
                    json!({"reason": "waiting for parts", "told_resident": "tomorrow morning"});
                Req::post(format!("/api/v1/tickets/{id}/chase"), Some(&b3), body)
            },
        ),
        endpoint(
            "POST /complaints/{id}/note (butler)",
            true,
            false,
            move |thread, n| {
                let mine = (cs.len() / conns).max(1);
                let id = cs[(thread + conns * (n as usize % mine)) % cs.len()];
                let body = json!({"note": "called back, no answer"});
                Req::post(format!("/api/v1/complaints/{id}/note"), Some(&b4), body)
            },
        ),
    ]
}

/// `/me` at 16 connections while a login storm of 16 runs beside it.
pub fn login_storm(
    base: &str,
    seconds: f64,
    c: &Ctx,
) -> impl FnOnce(Arc<std::sync::atomic::AtomicBool>) -> crate::client::Figures + Send + 'static {
    let username = c.butler_name.clone();
    let storm: Make = Arc::new(move |_, _| {
        Req::post(
            "/api/v1/auth/login",
            None,
            json!({"username": username, "password": PASSWORD}),
        )
    });
    let base = base.to_owned();
    move |stop| crate::client::run(&[base], 16, seconds + 5.0, &storm, Some(stop))
}
