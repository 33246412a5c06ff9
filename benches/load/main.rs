//! The load benchmark (issue 11): propdesk at a company's scale, over HTTP.
//!
//! `cargo bench --bench load -- [--short] [--tickets N] [--complaints N] [--sites N]
//! [--seconds S] [--conns 32,64] [--database-url postgres://user@host:port/db] [--keep]
//! [--scale-out N]`
//!
//! It makes a fresh database (a SQLite file in a temp dir, or a new database next to the
//! PostgreSQL one given), fills it with `propdesk seed-load`, starts `propdesk serve` (the
//! bench profile's build) on a free loopback port, signs in the accounts the seeder names,
//! and runs each endpoint for a fixed time at each connection count, one keep-alive HTTP/1.1
//! connection per client thread, printing req/s, p50 and p99 and the ratio to the ceilings
//! measured in the same run: `/healthz` (the framework), `/readyz` (one database round trip)
//! and, for writes, a plain one-row INSERT through the same kind of pool. Non-2xx answers are
//! counted per endpoint, warm-up included; timings never fail the run. Then two interference
//! scenarios and the server's peak RSS.
//!
//! With `--scale-out N` it ends by stopping the server and starting N processes over the
//! database at once, with the complaints that wait for their quiet week made due and the
//! jobs' leases ended, and shows how many of them the sweeps closed and how often; then
//! runs a few endpoints against one process and spread over all N. (Last, so that its
//! writes do not change what the reads before it find.)
//!
//! `setup.rs`: the database, the seeding, the server; `endpoints.rs`: the sign-ins, the
//! records to act on and each endpoint's request; `client.rs`: the timed clients;
//! `ceiling.rs`: the INSERT ceiling; `report.rs`: the table; `scale.rs`: the scale-out.

mod ceiling;
mod client;
mod endpoints;
mod report;
mod scale;
mod setup;

use std::sync::Arc;

use client::{beside, pager, run, Make, Req};
use report::{header, row, Ceilings};
use setup::{machine, seed, BenchDb, Server};

/// What to seed and how long to measure (see the top of this file).
pub struct Options {
    pub tickets: usize,
    pub complaints: usize,
    pub sites: usize,
    pub seconds: f64,
    pub conns: Vec<usize>,
    pub database_url: Option<String>,
    pub keep: bool,
    pub scale_out: usize,
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
        scale_out: 1,
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
            "--scale-out" => o.scale_out = value("--scale-out").parse().expect("a process count"),
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
    let server = Server::start_all(&db, 1).remove(0);
    let base = server.base.clone();
    let one = [base.clone()];
    let ctx = endpoints::prepare(&base, &accounts);
    println!(
        "accounts: {}; site #{}; {} units, {} open tickets, {} complaints to act on",
        accounts
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", "),
        ctx.site,
        ctx.units.len(),
        ctx.tickets.len(),
        ctx.complaints.len()
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
            idempotency_key: None,
        });
        for &n in &o.conns {
            let f = run(&one, n, o.seconds, &probe, None);
            row(name, n, &f, &c, false, Some(server.memory().now));
            let ceiling = if path == "/healthz" {
                &mut c.healthz
            } else {
                &mut c.readyz
            };
            ceiling.insert(n, f.rate());
        }
    }
    let reads = endpoints::reads(&ctx);
    let mut slowest: Option<(f64, usize)> = None;
    for (i, e) in reads.iter().enumerate() {
        for &n in &o.conns {
            let f = run(&one, n, o.seconds, &e.make, None);
            row(&e.name, n, &f, &c, e.write, Some(server.memory().now));
            let p50 = f.percentile(0.5);
            if e.list && n == o.conns[0] && slowest.is_none_or(|(slow, _)| p50 > slow) {
                slowest = Some((p50, i));
            }
        }
    }
    for &n in &o.conns {
        let f = ceiling::insert_ceiling(&db.url, n, o.seconds);
        row(
            "plain one-row INSERT, same pool (ceiling)",
            n,
            &f,
            &c,
            false,
            None,
        );
        c.insert.insert(n, f.rate());
    }
    let most = o.conns.iter().copied().max().unwrap_or(1);
    for e in &endpoints::writes(&ctx, most) {
        for &n in &o.conns {
            let f = run(&one, n, o.seconds, &e.make, None);
            row(&e.name, n, &f, &c, e.write, Some(server.memory().now));
        }
    }

    // Interference: /me at 16 connections alone, during a login storm of 16 connections,
    // and while one client pages through the slowest list.
    println!();
    println!("interference: GET /me at 16 connections");
    let me: Make = {
        let m = ctx.manager.clone();
        Arc::new(move |_, _| Req::get("/api/v1/me", &m))
    };
    let alone = run(&one, 16, o.seconds, &me, None);
    let storm = endpoints::login_storm(&base, o.seconds, &ctx);
    let (storm, during) = beside(&base, o.seconds, storm, &me);
    let after_storm = server.memory();
    let slow = &reads[slowest.map_or(0, |(_, i)| i)];
    let list = {
        let (base, first) = (base.clone(), (slow.make)(0, 0));
        move |stop| pager(base, first, stop)
    };
    let (paged, beside_list) = beside(&base, o.seconds, list, &me);
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
    println!("                               after the storm: {after_storm}");
    println!(
        "  while one client pages {}:\n                               p50 {:>7.2} ms  p99 {:>7.2} ms  {:>7.0} req/s  non-2xx {}  (pages: {:.0}/s, p99 {:.0} ms, non-2xx {})",
        slow.name, beside_list.percentile(0.5), beside_list.percentile(0.99), beside_list.rate(), beside_list.failures(),
        paged.rate(), paged.percentile(0.99), paged.failures()
    );
    println!();
    println!("server: {}", server.memory());
    report_errors(&server);
    if o.scale_out > 1 {
        drop(server);
        println!();
        let due = scale::make_sweeps_due(&db.url);
        let servers = Server::start_all(&db, o.scale_out);
        scale_out(&db, &servers, &due, &ctx, &o);
        for server in &servers {
            report_errors(server);
        }
    }
}

fn report_errors(server: &Server) {
    let errors = server.errors();
    println!("server log: {} error lines", errors.len());
    for line in errors.iter().take(10) {
        println!("  {line}");
    }
}

/// The sweep of `servers` started together over `due` complaints, then a few endpoints at the
/// most connections against the first process alone and spread over all of them.
fn scale_out(
    db: &setup::BenchDb,
    servers: &[Server],
    due: &[i64],
    ctx: &endpoints::Ctx,
    o: &Options,
) {
    let n = servers.len();
    println!("scale-out: {n} processes over one database, started together");
    let logged = || {
        servers
            .iter()
            .any(|s| !s.log_lines("close_quiet_complaints:").is_empty())
    };
    let sweep = scale::sweep_of(&db.url, due, logged);
    let swept: Vec<String> = servers
        .iter()
        .enumerate()
        .flat_map(|(i, s)| {
            s.log_lines("close_quiet_complaints:")
                .into_iter()
                .map(move |line| format!("process {}: {}", i + 1, line.trim()))
        })
        .collect();
    println!(
        "  quiet-week sweep: {} complaints due; {} closed and {} left resolved; {} closed more than once; logged by {} of {n} processes",
        sweep.due, sweep.closed, sweep.due - sweep.closed, sweep.closed_twice, swept.len()
    );
    for line in &swept {
        println!("    {line}");
    }
    let all: Vec<String> = servers.iter().map(|s| s.base.clone()).collect();
    let conns = o.conns.iter().copied().max().unwrap_or(64);
    let reads = endpoints::reads(ctx);
    let writes = endpoints::writes(ctx, conns);
    let chosen = [
        "GET /tickets?limit=20 (butler)",
        "GET /me (manager)",
        "POST /tickets (butler)",
        "POST /complaints/{id}/note (butler)",
    ];
    println!(
        "  {:<44} {:>5} {:>14} {:>10} {:>16} {:>10} {:>7}",
        "endpoint",
        "conns",
        "1 process r/s",
        "p99 ms",
        format!("{n} processes r/s"),
        "p99 ms",
        "ratio"
    );
    for e in reads
        .iter()
        .chain(&writes)
        .filter(|e| chosen.contains(&e.name.as_str()))
    {
        let alone = run(&all[..1], conns, o.seconds, &e.make, None);
        let spread = run(&all, conns, o.seconds, &e.make, None);
        println!(
            "  {:<44} {:>5} {:>14.0} {:>10.2} {:>16.0} {:>10.2} {:>7.2}  non-2xx {} / {}",
            e.name,
            conns,
            alone.rate(),
            alone.percentile(0.99),
            spread.rate(),
            spread.percentile(0.99),
            spread.rate() / alone.rate(),
            alone.failures(),
            spread.failures()
        );
    }
}
