//! `seed-load`: fills an empty, migrated database with a company's year of work for the
//! load benchmark (issue 11): sites of uneven size with calendars, fee schedules and
//! standard replies; buildings of units; staff and residents; about 1 000 000 repair
//! tickets and 220 000 complaints over the last twelve months, with everything the API
//! shows of them. Rows are written directly in bulk (multi-row INSERTs in transactions of
//! a few thousand records), not through the services, so a million tickets take minutes,
//! not hours; every row keeps the schema's constraints and the rules the services keep
//! (numbers per site and day, deadlines from intake, statuses replayed through the state
//! machines). The same seed draws the same records, their instants relative to "now".

mod bulk;
mod complaints;
mod estate;
mod history;
mod tickets;

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use rand::rngs::SmallRng;
use rand::SeedableRng;

use self::bulk::{insert_all, BulkRow};
use crate::access::Role;
use crate::auth::password;
use crate::db::schema::number_sequences;
use crate::db::AnyConnection;
use crate::error::{AppError, Precondition};
use crate::i18n::Msg;
use crate::users;

/// How much to generate.
#[derive(Debug, Clone)]
pub struct LoadParams {
    pub tickets: usize,
    pub complaints: usize,
    pub sites: usize,
    /// The password of every generated account.
    pub password: String,
    pub seed: u64,
}

impl LoadParams {
    /// One unit per five tickets a year (about a thousand units per estate for a company of
    /// 200 estates filing a million tickets), at least 24 per site.
    pub fn units(&self) -> usize {
        (self.tickets / 5).max(24 * self.sites)
    }
}

/// An account the benchmark signs in as.
#[derive(Debug, Clone)]
pub struct LoadAccount {
    /// What the benchmark uses it for: `butler`, `engineer`, `resident`, `manager`,
    /// `site_manager`.
    pub key: &'static str,
    pub username: String,
    pub role: Role,
    pub note: String,
}

/// What was written.
#[derive(Debug)]
pub struct LoadReport {
    pub sites: usize,
    pub units: usize,
    pub users: usize,
    pub memberships: usize,
    pub tickets: usize,
    pub open_tickets: usize,
    pub overdue_tickets: usize,
    pub ticket_timeline: usize,
    pub materials: usize,
    pub visits: usize,
    pub complaints: usize,
    pub open_complaints: usize,
    pub merged_complaints: usize,
    pub messages: usize,
    pub complaint_timeline: usize,
    pub accounts: Vec<LoadAccount>,
    pub seconds: f64,
}

#[derive(Insertable)]
#[diesel(table_name = number_sequences, treat_none_as_default_value = false)]
struct SequenceRow {
    site_id: i64,
    prefix: &'static str,
    day: String,
    last_value: i64,
}

impl BulkRow for SequenceRow {
    const COLUMNS: usize = 4;
}

/// Fills the database; refuses one that already has users.
pub fn seed_load(
    conn: &mut AnyConnection,
    params: &LoadParams,
    now: DateTime<Utc>,
) -> Result<LoadReport, AppError> {
    let started = Instant::now();
    let existing = users::repo::count(conn)?;
    if existing > 0 {
        return Err(AppError::precondition(
            Precondition::DatabaseNotEmpty,
            Msg::new(
                "the database already holds %{count} users; seed-load only fills an empty one",
            )
            .arg("count", existing),
        ));
    }
    if params.sites == 0 {
        return Err(AppError::field("sites", "at least one site"));
    }
    bulk::tune(conn)?;
    let mut rng = SmallRng::seed_from_u64(params.seed);
    let hash = password::hash(&params.password, &mut password::Workspace::default())?;
    let shape = estate::Shape {
        sites: params.sites,
        units: params.units(),
        opened: now - Duration::days(400),
    };
    let estate = estate::create(conn, &mut rng, &shape, &hash, now)?;
    let ticket_stats = tickets::write(conn, &estate, params.tickets, params.seed, now)?;
    let complaint_stats = complaints::write(conn, &estate, params.complaints, &mut rng, now)?;

    let mut sequences = Vec::new();
    for (prefix, numbers) in [
        (
            crate::tickets::service::NUMBER_PREFIX,
            &ticket_stats.numbers,
        ),
        (
            crate::complaints::service::NUMBER_PREFIX,
            &complaint_stats.numbers,
        ),
    ] {
        for ((site, day), last) in numbers {
            sequences.push(SequenceRow {
                site_id: estate.sites[*site].id.get(),
                prefix,
                day: day.format("%Y%m%d").to_string(),
                last_value: *last,
            });
        }
    }
    sequences.sort_by(|a, b| (a.site_id, a.prefix, &a.day).cmp(&(b.site_id, b.prefix, &b.day)));
    conn.transaction::<_, AppError, _>(|conn| {
        insert_all!(conn, number_sequences::table, sequences);
        Ok(())
    })?;
    bulk::finish(
        conn,
        &[
            "sites",
            "units",
            "users",
            "tickets",
            "complaints",
            "standard_replies",
        ],
    )?;

    let accounts = accounts(&estate, &ticket_stats);
    Ok(LoadReport {
        sites: estate.sites.len(),
        units: estate.units.len(),
        users: estate.users,
        memberships: estate.memberships,
        tickets: ticket_stats.tickets,
        open_tickets: ticket_stats.open,
        overdue_tickets: ticket_stats.overdue,
        ticket_timeline: ticket_stats.timeline,
        materials: ticket_stats.materials,
        visits: ticket_stats.visits,
        complaints: complaint_stats.complaints,
        open_complaints: complaint_stats.open,
        merged_complaints: complaint_stats.merged,
        messages: complaint_stats.messages,
        complaint_timeline: complaint_stats.timeline,
        accounts,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// The accounts the benchmark needs: a butler and the manager of the busiest site, the
/// engineer with the most open work orders, the resident whose home has the most tickets,
/// and the company-wide manager.
fn accounts(estate: &estate::Estate, stats: &tickets::TicketStats) -> Vec<LoadAccount> {
    let busiest = &estate.sites[0];
    let mut out = vec![
        LoadAccount {
            key: "butler",
            username: busiest.butlers[0].username.clone(),
            role: Role::Butler,
            note: format!(
                "butler of {} (site #{}, the busiest)",
                busiest.name, busiest.id
            ),
        },
        LoadAccount {
            key: "site_manager",
            username: busiest.manager.username.clone(),
            role: Role::Manager,
            note: format!("manager of {} only", busiest.name),
        },
    ];
    let engineer = estate
        .sites
        .iter()
        .flat_map(|s| s.engineers.iter())
        .max_by_key(|e| {
            (
                stats.work_orders.get(&e.id).copied().unwrap_or(0),
                std::cmp::Reverse(e.id),
            )
        });
    if let Some(e) = engineer {
        out.push(LoadAccount {
            key: "engineer",
            username: e.username.clone(),
            role: Role::Engineer,
            note: format!(
                "engineer with the most open work orders ({})",
                stats.work_orders.get(&e.id).copied().unwrap_or(0)
            ),
        });
    }
    let home = stats
        .per_unit
        .iter()
        .filter(|(u, _)| !estate.units[**u].residents.is_empty())
        .max_by_key(|(u, n)| (**n, std::cmp::Reverse(**u)));
    if let Some((unit, n)) = home {
        let resident = &estate.residents[estate.units[*unit].residents[0]];
        out.push(LoadAccount {
            key: "resident",
            username: resident.username.clone(),
            role: Role::Resident,
            note: format!("resident of the unit with the most tickets ({n})"),
        });
    }
    out.push(LoadAccount {
        key: "manager",
        username: estate.company_manager.username.clone(),
        role: Role::Manager,
        note: "company-wide manager".into(),
    });
    out
}
