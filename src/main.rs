use std::sync::Arc;

use actix_web::HttpServer;
use clap::{Args, Parser, Subcommand};

use propdesk::access::Role;
use propdesk::clock::SystemClock;
use propdesk::config::Config;
use propdesk::ids::{SiteId, UnitId};
use propdesk::users::model::NewUser;
use propdesk::users::model::Relation;
use propdesk::{build_app, db, seed, AppState};

#[derive(Parser)]
#[command(
    version,
    about = "propdesk: the customer-service desk of a property-management company"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (the default): migrates the database first.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create an account, e.g. the first company-wide manager of a deployment.
    CreateUser(CreateUserArgs),
    /// Print the OpenAPI document.
    Openapi,
    /// Fill an empty database with a demo estate and the accounts manager, butler, engineer,
    /// resident and resident2.
    SeedDemo {
        /// Password for every demo account; default: a random one each, printed once.
        #[arg(long)]
        password: Option<String>,
    },
    /// Fill an empty database with a company's year of work for the load benchmark: sites,
    /// units, staff, residents, repair tickets and complaints over the last 12 months.
    SeedLoad(SeedLoadArgs),
    /// Re-seal every stored ID number and webhook secret under the current PII_KEY after a
    /// key change (see the README, "Key rotation").
    ResealPii {
        /// The previous key, 64 hex characters.
        #[arg(long)]
        old_key: String,
    },
}

#[derive(Args)]
struct SeedLoadArgs {
    /// Repair tickets to generate.
    #[arg(long, default_value_t = 1_000_000)]
    tickets: usize,
    /// Complaints to generate.
    #[arg(long, default_value_t = 220_000)]
    complaints: usize,
    /// Sites (estates); the first is the largest.
    #[arg(long, default_value_t = 20)]
    sites: usize,
    /// Password of every generated account.
    #[arg(long)]
    password: String,
    /// Random seed: the same seed draws the same records (their times relative to now).
    #[arg(long, default_value_t = 11)]
    seed: u64,
}

#[derive(Args)]
struct CreateUserArgs {
    #[arg(long)]
    username: Option<String>,
    #[arg(long)]
    phone: Option<propdesk::contact::Phone>,
    #[arg(long)]
    display_name: propdesk::text::NameText,
    /// resident, butler, engineer or manager.
    #[arg(long, default_value = "manager", value_parser = parse_role)]
    role: Role,
    /// Default: a random password, printed once.
    #[arg(long)]
    password: Option<String>,
    /// A site the staff member works for (repeatable). A manager with none is company-wide.
    #[arg(long = "site-id")]
    site_ids: Vec<i64>,
    /// Residents: the unit they live in.
    #[arg(long)]
    unit_id: Option<i64>,
    /// Residents: owner, family or tenant.
    #[arg(long, value_parser = parse_relation)]
    relation: Option<Relation>,
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::ALL
        .iter()
        .copied()
        .find(|r| r.as_str() == text)
        .ok_or_else(|| "one of resident, butler, engineer, manager".into())
}

fn parse_relation(text: &str) -> Result<Relation, String> {
    Relation::ALL
        .iter()
        .copied()
        .find(|r| r.as_str() == text)
        .ok_or_else(|| "one of owner, family, tenant".into())
}

fn fail(message: impl std::fmt::Display) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1)
}

/// Reads the configuration, opens and migrates the database.
fn open() -> (Config, db::Pool) {
    let mut config = Config::from_env().unwrap_or_else(|e| fail(e));
    config.ensure_secrets().unwrap_or_else(|e| fail(e));
    let pool = db::build_pool(&config.database_url, &config.db_pool).unwrap_or_else(|e| fail(e));
    let mut conn = pool.get().unwrap_or_else(|e| fail(e));
    let applied = db::run_migrations(&mut conn).unwrap_or_else(|e| fail(e));
    for version in applied {
        log::info!("applied migration {version}");
    }
    db::optimize(&mut conn).unwrap_or_else(|e| fail(e));
    (config, pool)
}

/// glibc gives threads that allocate at once arenas of their own, up to eight per core, and
/// keeps what each arena once held: with the blocking pool's many threads that was most of
/// the server's memory. One arena per core keeps allocation fast and memory bounded.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let arenas = i32::try_from(cores).unwrap_or(i32::MAX);
        // SAFETY: mallopt only sets a parameter of the allocator, which locks for it.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, arenas);
        }
    }
}

fn state(config: Config, pool: db::Pool) -> AppState {
    AppState::new(pool, config, Arc::new(SystemClock)).unwrap_or_else(|e| fail(e))
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    dotenvy::dotenv().ok();
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    match Cli::parse().command.unwrap_or(Command::Serve) {
        Command::Serve => {
            limit_malloc_arenas();
            let (config, pool) = open();
            let bind = config.bind.clone();
            let workers = config.workers;
            log::info!(
                "propdesk on http://{bind} ({:?} database); API docs at http://{bind}/docs/",
                db::Backend::of(&config.database_url)
            );
            let state = state(config, pool);
            propdesk::jobs::start(&state);
            let mut server = HttpServer::new(move || build_app(state.clone()));
            if let Some(workers) = workers {
                server = server.workers(workers);
            }
            server.bind(&bind)?.run().await
        }
        Command::Migrate => {
            open();
            println!("database is up to date");
            Ok(())
        }
        Command::Openapi => {
            let doc = propdesk::openapi()
                .to_pretty_json()
                .unwrap_or_else(|e| fail(e));
            println!("{doc}");
            Ok(())
        }
        Command::CreateUser(args) => {
            let (config, pool) = open();
            let generated = args.password.is_none();
            let password = args.password.unwrap_or_else(seed::generated_password);
            let input = NewUser {
                language: None,
                username: args.username,
                phone: args.phone,
                display_name: args.display_name,
                role: args.role,
                password: password.clone(),
                site_ids: args.site_ids.into_iter().map(SiteId::new).collect(),
                unit_id: args.unit_id.map(UnitId::new),
                relation: args.relation,
                start_date: None,
            };
            let user = seed::create_user(&state(config, pool), input)
                .await
                .unwrap_or_else(|e| fail(describe(&e)));
            println!("created {} #{} ({})", user.role, user.id, user.display_name);
            if generated {
                println!("password (shown once): {password}");
            }
            Ok(())
        }
        Command::ResealPii { old_key } => {
            let (config, pool) = open();
            let state = state(config, pool);
            let count = propdesk::archives::service::reseal(&state, &old_key)
                .await
                .unwrap_or_else(|e| fail(describe(&e)));
            println!("re-sealed {count} ID numbers under the current key");
            let count = propdesk::webhooks::service::reseal(&state, &old_key)
                .await
                .unwrap_or_else(|e| fail(describe(&e)));
            println!("re-sealed {count} webhook secrets under the current key");
            let count = propdesk::api_keys::service::reseal(&state, &old_key)
                .await
                .unwrap_or_else(|e| fail(describe(&e)));
            println!("re-sealed {count} API keys' signing secrets under the current key");
            Ok(())
        }
        Command::SeedDemo { password } => {
            let (config, pool) = open();
            let accounts = seed::seed_demo(&state(config, pool), password)
                .await
                .unwrap_or_else(|e| fail(describe(&e)));
            println!("demo estate created: Sunny Gardens 阳光花园, 24 units. Accounts:");
            for account in accounts {
                println!(
                    "  {:<10} {:<9} password: {:<18} {}",
                    account.username,
                    account.role.as_str(),
                    account.password,
                    account.note
                );
            }
            Ok(())
        }
        Command::SeedLoad(args) => {
            let (_, pool) = open();
            let params = seed::load::LoadParams {
                tickets: args.tickets,
                complaints: args.complaints,
                sites: args.sites,
                password: args.password,
                seed: args.seed,
            };
            let mut conn = pool.get().unwrap_or_else(|e| fail(e));
            let report = seed::load::seed_load(&mut conn, &params, chrono::Utc::now())
                .unwrap_or_else(|e| fail(describe(&e)));
            print_load_report(&report);
            Ok(())
        }
    }
}

fn print_load_report(r: &seed::load::LoadReport) {
    println!(
        "seeded in {:.1} s: {} sites, {} units, {} users ({} memberships)",
        r.seconds, r.sites, r.units, r.users, r.memberships
    );
    println!(
        "  tickets    {:>9} ({} open, {} overdue); {} timeline entries, {} material lines, {} visits",
        r.tickets, r.open_tickets, r.overdue_tickets, r.ticket_timeline, r.materials, r.visits
    );
    println!(
        "  complaints {:>9} ({} open, {} merged); {} messages, {} timeline entries",
        r.complaints, r.open_complaints, r.merged_complaints, r.messages, r.complaint_timeline
    );
    println!("accounts (all with the --password given):");
    for a in &r.accounts {
        println!(
            "  {:<13} {:<22} {:<9} {}",
            a.key,
            a.username,
            a.role.as_str(),
            a.note
        );
    }
}

/// A CLI user sees the same field messages an API client would.
fn describe(err: &propdesk::error::AppError) -> String {
    let problem = err.problem();
    let mut text = problem.detail.to_string();
    for field in problem.errors {
        text.push_str(&format!("\n  {}: {}", field.field, field.message));
    }
    text
}
