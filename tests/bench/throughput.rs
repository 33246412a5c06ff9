//! Throughput figures on SQLite, printed, not asserted (timing belongs in benchmarks):
//!
//! - ticket creation (`POST /tickets`) next to a plain one-row insert through the same pool;
//! - the engineer's "my work orders" (`GET /tickets/work-orders`) with 100 000 tickets stored;
//! - complaint intake (`POST /complaints`), and the monthly complaint report
//!   (`GET /complaints/monthly-report`) over 100 000 complaints of that month;
//! - each for the pool sizes given in `BENCH_POOL_SIZES` (default `1 4`).
//!
//! Run: `cargo bench --bench throughput`. Requests go through the whole actix service stack
//! in-process (no socket), `BENCH_CONCURRENCY` (default 8) at a time.

use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::{test, web};
use diesel::RunQueryDsl;
use serde_json::json;

use propdesk::clock::SystemClock;
use propdesk::config::Config;
use propdesk::db::schema::{ticket_engineers, timeline_entries};
use propdesk::ids::{ComplaintId, SiteId, UnitId, UserId};
use propdesk::tickets::model::{Category, Channel, ChargeStatus, Priority, Route, TicketStatus};
use propdesk::tickets::repo::{self as tickets_repo, NewTicketRow};
use propdesk::{build_app, db, seed, AppState};

const PASSWORD: &str = "bench-pass-123";
const STORED_TICKETS: i64 = 100_000;
const STORED_COMPLAINTS: i64 = 100_000;

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

struct Figures {
    label: String,
    requests: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Figures {
    fn print(mut self) {
        self.latencies.sort();
        let pct = |p: f64| {
            self.latencies
                [((self.latencies.len() as f64 * p) as usize).min(self.latencies.len() - 1)]
        };
        println!(
            "{:<48} {:>9.0} req/s   p50 {:>7.2} ms   p99 {:>7.2} ms",
            self.label,
            self.requests as f64 / self.elapsed.as_secs_f64(),
            pct(0.50).as_secs_f64() * 1e3,
            pct(0.99).as_secs_f64() * 1e3,
        );
    }
}

/// Runs `total` calls of `one`, `concurrency` in flight, and measures each.
async fn measure<F, Fut>(label: String, total: usize, concurrency: usize, one: F) -> Figures
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = ()> + 'static,
{
    let started = Instant::now();
    let mut latencies = Vec::with_capacity(total);
    let mut next = 0;
    while next < total {
        let batch: Vec<_> = (next..(next + concurrency).min(total))
            .map(|i| {
                let fut = one(i);
                actix_web::rt::spawn(async move {
                    let t = Instant::now();
                    fut.await;
                    t.elapsed()
                })
            })
            .collect();
        next += batch.len();
        for handle in batch {
            latencies.push(handle.await.expect("task"));
        }
    }
    Figures {
        label,
        requests: total,
        elapsed: started.elapsed(),
        latencies,
    }
}

/// 100 000 tickets: most closed and assigned to another engineer, 100 open for `engineer`.
fn store_tickets(
    pool: &db::Pool,
    site_id: SiteId,
    unit_id: UnitId,
    reporter: UserId,
    engineer: UserId,
    other: UserId,
) {
    let mut conn = pool.get().unwrap();
    let now = chrono::Utc::now().naive_utc();
    diesel::Connection::transaction::<_, diesel::result::Error, _>(&mut **conn, |conn| {
        for i in 0..STORED_TICKETS {
            let mine = i % 1000 == 0;
            let row = NewTicketRow {
                site_id,
                number: format!("BX-BENCH-{i:06}"),
                unit_id: Some(unit_id),
                location: None,
                category: Category::Other,
                priority: Priority::General,
                suggested_priority: None,
                channel: Channel::Phone,
                contact_phone: "13800138000".into(),
                description: "stored for the benchmark".into(),
                reporter_id: reporter,
                received_by: Some(reporter),
                status: if mine {
                    TicketStatus::Dispatched
                } else {
                    TicketStatus::Closed
                },
                route: Route::Engineering,
                proposed_route: Route::Engineering,
                route_reason: "bench".into(),
                arrive_by: None,
                fix_by: now + chrono::Duration::minutes(i),
                charge_status: ChargeStatus::None,
                rework_count: 0,
                warranty_of: None,
                free_of_charge: false,
                created_at: now,
                updated_at: now,
            };
            let ticket = tickets_repo::insert(conn, row).unwrap();
            diesel::insert_into(ticket_engineers::table)
                .values((
                    ticket_engineers::ticket_id.eq(ticket.id),
                    ticket_engineers::engineer_id.eq(if mine { engineer } else { other }),
                    ticket_engineers::lead.eq(true),
                ))
                .execute(conn)?;
        }
        Ok(())
    })
    .unwrap();
}

/// 100 000 complaints received this month, spread over classes, subjects, channels and
/// root causes; one in ten a duplicate merged into the one before.
fn store_complaints(pool: &db::Pool, site_id: SiteId, unit_id: UnitId, butler: UserId) {
    use chrono::Datelike;
    use propdesk::complaints::model::{
        ComplainantKind, ComplaintChannel, ComplaintClass, ComplaintStatus, ComplaintSubject,
        Nature, RootCause,
    };
    use propdesk::complaints::repo::{self as complaints_repo, ComplaintChange, NewComplaintRow};
    let mut conn = pool.get().unwrap();
    let today = chrono::Utc::now().date_naive();
    let month_start = today.with_day(1).unwrap().and_hms_opt(12, 0, 0).unwrap();
    diesel::Connection::transaction::<_, diesel::result::Error, _>(&mut **conn, |conn| {
        let mut previous = ComplaintId::new(0);
        for i in 0..STORED_COMPLAINTS {
            let pick = |n: usize| i as usize % n;
            let at = month_start + chrono::Duration::seconds(i % 3600);
            let row = NewComplaintRow {
                site_id,
                number: format!("TS-BENCH-{i:06}"),
                complainant_kind: ComplainantKind::Anonymous,
                complainant_id: None,
                complainant_name: None,
                complainant_phone: None,
                unit_id: Some(unit_id),
                channel: ComplaintChannel::ALL[pick(ComplaintChannel::ALL.len())],
                class: ComplaintClass::ALL[pick(3)],
                nature: Nature::Valid,
                communication_kind: None,
                subject: ComplaintSubject::ALL[pick(ComplaintSubject::ALL.len())],
                major: i % 500 == 0,
                sensitive: false,
                description: "stored for the benchmark".into(),
                received_by: butler,
                owner_id: Some(butler),
                status: ComplaintStatus::Resolved,
                respond_by: at + chrono::Duration::hours(8),
                handoff_by: None,
                next_chase_at: None,
                created_at: at,
                updated_at: at,
            };
            let complaint = complaints_repo::insert(conn, row).unwrap();
            let change = ComplaintChange {
                responded_at: Some(Some(at + chrono::Duration::hours(i % 12))),
                root_cause: Some(Some(RootCause::ALL[pick(RootCause::ALL.len())])),
                merged_into: Some((i % 10 == 9).then_some(previous)),
                ..Default::default()
            };
            complaints_repo::apply(conn, complaint.id, 0, change)?;
            previous = complaint.id;
        }
        Ok(())
    })
    .unwrap();
}

use diesel::ExpressionMethods;

async fn run(pool_size: u32, concurrency: usize, requests: usize) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let config = Config::for_database(&url, dir.path());
    let settings = db::PoolSettings {
        size: pool_size,
        ..config.db_pool.clone()
    };
    let pool = db::build_pool(&url, &settings).unwrap();
    db::run_migrations(&mut pool.get().unwrap()).unwrap();
    let state = AppState::new(pool.clone(), config, Arc::new(SystemClock));
    seed::seed_demo(&state, Some(PASSWORD.into()))
        .await
        .unwrap();
    let app = Rc::new(test::init_service(build_app(state.clone())).await);

    let login = |username: &'static str| {
        let app = app.clone();
        async move {
            let req = test::TestRequest::post()
                .uri("/api/v1/auth/login")
                .set_json(json!({"username": username, "password": PASSWORD}))
                .to_request();
            let body: serde_json::Value = test::call_and_read_body_json(&*app, req).await;
            body["access_token"].as_str().unwrap().to_owned()
        }
    };
    let butler = login("butler").await;
    let engineer = login("engineer").await;
    let me = |token: String| {
        let app = app.clone();
        async move {
            let req = test::TestRequest::get()
                .uri("/api/v1/me")
                .insert_header(("authorization", format!("Bearer {token}")))
                .to_request();
            let body: serde_json::Value = test::call_and_read_body_json(&*app, req).await;
            body["user"]["id"].as_i64().unwrap()
        }
    };
    let (butler_id, engineer_id) = (me(butler.clone()).await, me(engineer.clone()).await);
    let unit_id = 1;

    let label = |what: &str| format!("{what} (pool {pool_size}, {concurrency} in flight)");
    let plain = measure(label("plain one-row insert"), requests, concurrency, |i| {
        let pool = pool.clone();
        async move {
            db::transaction(&pool, move |conn| {
                diesel::insert_into(timeline_entries::table)
                    .values((
                        timeline_entries::subject.eq("ticket"),
                        timeline_entries::subject_id.eq(i as i64),
                        timeline_entries::action.eq("bench"),
                        timeline_entries::created_at.eq(chrono::Utc::now().naive_utc()),
                    ))
                    .execute(conn)?;
                Ok(())
            })
            .await
            .unwrap();
        }
    })
    .await;
    plain.print();

    let create = measure(label("POST /tickets"), requests, concurrency, |i| {
        let (app, token) = (app.clone(), butler.clone());
        async move {
            let req = test::TestRequest::post()
                .uri("/api/v1/tickets")
                .insert_header(("authorization", format!("Bearer {token}")))
                .set_json(json!({"unit_id": unit_id, "category": "other", "priority": "general",
                                 "contact_phone": "13800138000", "description": format!("bench {i}")}))
                .to_request();
            let res = test::call_service(&*app, req).await;
            assert_eq!(res.status(), 201);
        }
    })
    .await;
    create.print();

    let other = seed::create_user(
        &state,
        propdesk::users::model::NewUser {
            username: Some("engineer.other".into()),
            phone: None,
            display_name: "Other".parse().expect("a valid name"),
            role: propdesk::access::Role::Engineer,
            password: PASSWORD.into(),
            site_ids: vec![SiteId::new(1)],
            unit_id: None,
            relation: None,
            start_date: None,
        },
    )
    .await
    .unwrap();
    let stored = Instant::now();
    let p = pool.clone();
    web::block(move || {
        store_tickets(
            &p,
            SiteId::new(1),
            unit_id.into(),
            butler_id.into(),
            engineer_id.into(),
            other.id,
        )
    })
    .await
    .unwrap();
    println!(
        "(stored {STORED_TICKETS} tickets in {:.1} s)",
        stored.elapsed().as_secs_f64()
    );

    let orders = measure(
        label("GET /tickets/work-orders, 100k stored"),
        requests,
        concurrency,
        |_| {
            let (app, token) = (app.clone(), engineer.clone());
            async move {
                let req = test::TestRequest::get()
                    .uri("/api/v1/tickets/work-orders")
                    .insert_header(("authorization", format!("Bearer {token}")))
                    .to_request();
                let body: serde_json::Value = test::call_and_read_body_json(&*app, req).await;
                assert_eq!(body.as_array().unwrap().len(), 100);
            }
        },
    )
    .await;
    orders.print();

    let complain = measure(label("POST /complaints"), requests, concurrency, |i| {
        let (app, token) = (app.clone(), butler.clone());
        async move {
            let req = test::TestRequest::post()
                .uri("/api/v1/complaints")
                .insert_header(("authorization", format!("Bearer {token}")))
                .set_json(json!({"unit_id": unit_id, "channel": "phone", "subject": "service_quality",
                                 "complainant": {"kind": "anonymous"}, "description": format!("bench {i}")}))
                .to_request();
            let res = test::call_service(&*app, req).await;
            assert_eq!(res.status(), 201);
        }
    })
    .await;
    complain.print();

    let stored = Instant::now();
    let p = pool.clone();
    web::block(move || store_complaints(&p, SiteId::new(1), unit_id.into(), butler_id.into()))
        .await
        .unwrap();
    println!(
        "(stored {STORED_COMPLAINTS} complaints in {:.1} s)",
        stored.elapsed().as_secs_f64()
    );
    let month = chrono::Utc::now().format("%Y-%m").to_string();
    let report = measure(
        label("GET /complaints/monthly-report, 100k that month"),
        20,
        1,
        |_| {
            let (app, token, month) = (app.clone(), butler.clone(), month.clone());
            async move {
                let req = test::TestRequest::get()
                    .uri(&format!(
                        "/api/v1/complaints/monthly-report?site_id=1&month={month}"
                    ))
                    .insert_header(("authorization", format!("Bearer {token}")))
                    .to_request();
                let body: serde_json::Value = test::call_and_read_body_json(&*app, req).await;
                assert!(body["complaints"].as_i64().unwrap() >= STORED_COMPLAINTS);
            }
        },
    )
    .await;
    report.print();
}

#[actix_web::main]
async fn main() {
    let concurrency: usize = env_or("BENCH_CONCURRENCY", "8").parse().unwrap();
    let requests: usize = env_or("BENCH_REQUESTS", "2000").parse().unwrap();
    for size in env_or("BENCH_POOL_SIZES", "1 4").split_whitespace() {
        run(size.parse().unwrap(), concurrency, requests).await;
    }
}
