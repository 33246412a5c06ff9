//! Renewal notices (R-HW-4) and limited or stopped supply (R-HW-5).
//!
//! Every entry re-reads its account's balance, with the account locked: falling below the
//! site's threshold sends the renewal notice (once, until the balance is back above it),
//! falling below zero starts the arrears, and getting back to zero or above ends them and
//! restores supply. The daily sweep ([`advance`]) moves accounts in arrears along: limited
//! after `limit_after_days`, a stop proposed `stop_after_days` later. A stop happens only
//! when a manager approves it ([`approve_stop`]). Each step is a conditional update of the
//! supply's status, so it happens once with several instances, and each is written on the
//! account's timeline and told to the unit's residents.

use chrono::{DateTime, Days, NaiveDate, Utc};

use super::repo::{self, AccountRow, SettingsRow, SupplyRow};
use super::{NewSettings, Settings, Supply, SupplyStatus};
use crate::access::{self, Actor};
use crate::db::{self, utc, AnyConnection};
use crate::error::{AppError, Precondition};
use crate::i18n::Msg;
use crate::idempotency::{self, Answer};
use crate::ids::{SiteId, UnitId, UserId};
use crate::money::Fen;
use crate::notifications::{self, Kind, Notice};
use crate::sites;
use crate::state::AppState;
use crate::timeline::{self, Step, Subject};
use crate::units;

/// A site's settings until a manager sets them (README, "Hot water").
const DEFAULT_RENEWAL_THRESHOLD_FEN: i64 = 5_000;
const DEFAULT_LIMIT_AFTER_DAYS: i32 = 30;
const DEFAULT_STOP_AFTER_DAYS: i32 = 15;

/// The site's settings, or the defaults.
pub async fn settings(
    state: &AppState,
    actor: &Actor,
    site_id: SiteId,
) -> Result<Settings, AppError> {
    let actor = actor.clone();
    db::read(&state.pool, move |conn| {
        sites::service::visible_site(conn, &actor, site_id)?;
        settings_of(conn, site_id)
    })
    .await
}

/// New settings for the site (managers).
pub async fn update_settings(
    state: &AppState,
    actor: &Actor,
    site_id: SiteId,
    input: NewSettings,
) -> Result<Settings, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    idempotency::transaction(state, Answer::Done, move |conn| {
        sites::service::visible_site(conn, &actor, site_id)?;
        let mut v = crate::error::Validator::new();
        for (field, days) in [
            ("limit_after_days", input.limit_after_days),
            ("stop_after_days", input.stop_after_days),
        ] {
            v.check(
                (1..=365).contains(&days),
                field,
                "must be between 1 and 365 days",
            );
        }
        v.finish()?;
        let row = repo::save_settings(
            conn,
            SettingsRow {
                site_id,
                renewal_threshold_fen: input.renewal_threshold_fen.fen().get(),
                limit_after_days: i32::from(input.limit_after_days),
                stop_after_days: i32::from(input.stop_after_days),
                updated_by: actor.user_id,
                updated_at: utc(now),
            },
        )?;
        Ok(Settings::from(row))
    })
    .await
}

fn settings_of(conn: &mut AnyConnection, site_id: SiteId) -> Result<Settings, AppError> {
    Ok(repo::settings_of(conn, site_id)?.map_or(
        Settings {
            site_id,
            renewal_threshold_fen: Fen::new(DEFAULT_RENEWAL_THRESHOLD_FEN),
            limit_after_days: DEFAULT_LIMIT_AFTER_DAYS,
            stop_after_days: DEFAULT_STOP_AFTER_DAYS,
        },
        Settings::from,
    ))
}

/// The unit's supply and its history (its residents and its site's staff).
pub async fn supply(state: &AppState, actor: &Actor, unit_id: UnitId) -> Result<Supply, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    db::read(&state.pool, move |conn| {
        units::service::visible_unit(conn, &actor, unit_id, now.date_naive())?;
        supply_of_unit(conn, unit_id)
    })
    .await
}

fn supply_of_unit(conn: &mut AnyConnection, unit_id: UnitId) -> Result<Supply, AppError> {
    let Some(account) = repo::account_of_unit(conn, unit_id)? else {
        return Ok(Supply {
            unit_id,
            status: SupplyStatus::Normal,
            status_since: None,
            arrears_since: None,
            balance_fen: Fen::ZERO,
            history: Vec::new(),
        });
    };
    let row = repo::supply_of(conn, account.id)?;
    Ok(Supply {
        unit_id,
        status: row.as_ref().map_or(SupplyStatus::Normal, |r| r.status),
        status_since: row.as_ref().map(|r| r.status_since),
        arrears_since: row.and_then(|r| r.arrears_since),
        balance_fen: Fen::new(repo::totals(conn, account.id)?.balance_fen),
        history: timeline::repo::history(conn, Subject::HotWaterAccount, account.id)?,
    })
}

/// R-HW-5: a manager approves the stop proposed for the unit; 409 `stop_not_proposed`
/// otherwise (a stop never happens without a proposal and an approval).
pub async fn approve_stop(
    state: &AppState,
    actor: &Actor,
    unit_id: UnitId,
) -> Result<Supply, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    idempotency::transaction(state, Answer::Done, move |conn| {
        let unit = units::service::visible_unit(conn, &actor, unit_id, now.date_naive())?;
        let (_, today) = sites::service::site_today(conn, unit.site_id, now)?;
        // The account's lock orders the approval with a payment that would restore supply.
        let supply = match repo::account_of_unit(conn, unit.id)? {
            Some(account) => {
                repo::lock(conn, account.id)?;
                repo::supply_of(conn, account.id)?
            }
            None => None,
        };
        let moved = match &supply {
            Some(supply) => repo::move_supply(
                conn,
                supply.account_id,
                SupplyStatus::StopProposed,
                SupplyStatus::Stopped,
                today,
            )?,
            None => false,
        };
        let Some(supply) = supply.filter(|_| moved) else {
            return Err(AppError::precondition(
                Precondition::StopNotProposed,
                "no stop of the unit's hot-water supply is proposed: a stop follows the \
                 limit, once the account is still unpaid",
            ));
        };
        let message = Msg::new(
            "The hot-water supply of unit %{unit} is stopped for arrears; a payment that \
             brings the balance back to zero restores it",
        )
        .arg("unit", units::service::label(conn, unit_id)?);
        step(
            conn,
            &supply,
            Some(actor.user_id),
            Transition::Stop,
            message,
            now,
        )?;
        supply_of_unit(conn, unit_id)
    })
    .await
}

/// R-HW-4, R-HW-5: after an entry on `account`, in its transaction: the renewal notice,
/// the start or end of arrears, and supply restored by a payment.
pub(super) fn after_entry(
    conn: &mut AnyConnection,
    account: &AccountRow,
    actor: UserId,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    repo::lock(conn, account.id)?;
    let (_, today) = sites::service::site_today(conn, account.site_id, now)?;
    let settings = settings_of(conn, account.site_id)?;
    let supply = repo::open_supply(conn, account, today)?;
    let balance = Fen::new(repo::totals(conn, account.id)?.balance_fen);
    let low = balance < settings.renewal_threshold_fen;
    let unit = units::service::label(conn, account.unit_id)?;
    if low && !supply.renewal_noticed {
        let message = Msg::new(
            "Hot-water renewal notice (热水续费通知书): the balance of unit %{unit} is \
             %{balance} yuan, below %{threshold} yuan. Please prepay at the service desk.",
        )
        .arg("unit", &unit)
        .arg("balance", balance.yuan())
        .arg("threshold", settings.renewal_threshold_fen.yuan());
        let residents = residents(conn, &supply, now)?;
        tell(
            conn,
            &supply,
            residents,
            Kind::HotWaterRenewal,
            &message,
            Some(actor),
            now,
        )?;
    }
    let in_arrears = balance < Fen::ZERO;
    let arrears_since = match (supply.arrears_since, in_arrears) {
        (None, true) => Some(today),
        (since, true) => since,
        (_, false) => None,
    };
    if !in_arrears {
        super::dunning::end_when_paid(conn, account.id, today)?;
    }
    if !in_arrears && supply.status != SupplyStatus::Normal {
        let message = Msg::new(
            "The hot-water supply of unit %{unit} is restored: its balance is %{balance} yuan",
        )
        .arg("unit", &unit)
        .arg("balance", balance.yuan());
        let restore = Transition::Restore(supply.status);
        if repo::move_supply(conn, account.id, supply.status, SupplyStatus::Normal, today)? {
            step(conn, &supply, Some(actor), restore, message, now)?;
        }
    }
    // After the restore: only a normal supply is without arrears.
    repo::set_balance_marks(conn, account.id, arrears_since, low)?;
    Ok(())
}

/// R-HW-5, the daily sweep (in `serve`): accounts below zero for the site's
/// `limit_after_days` are limited; those limited for `stop_after_days` more get a stop
/// proposed to the site's managers. Safe to repeat and to run on several instances.
pub async fn advance(state: &AppState) -> Result<usize, AppError> {
    let now = state.now();
    sites::service::each_site(state, move |conn, site_id| {
        let (_, today) = sites::service::site_today(conn, site_id, now)?;
        let settings = settings_of(conn, site_id)?;
        let days_before = |days: i32| {
            today
                .checked_sub_days(Days::new(u64::try_from(days).expect("1 to 365 days")))
                .unwrap_or(NaiveDate::MIN)
        };
        let mut moved = 0;
        let steps = [
            (SupplyStatus::Normal, days_before(settings.limit_after_days)),
            (SupplyStatus::Limited, days_before(settings.stop_after_days)),
        ];
        for (from, cutoff) in steps {
            for due in repo::supply_due(conn, site_id, from, cutoff)? {
                // Under the account's lock, read again: a payment may have cleared the
                // arrears since the list was read.
                repo::lock(conn, due.account_id)?;
                let Some(supply) = repo::supply_of(conn, due.account_id)?
                    .filter(|s| s.status == from && still_due(s, cutoff))
                else {
                    continue;
                };
                let transition = match from {
                    SupplyStatus::Normal => Transition::Limit,
                    _ => Transition::ProposeStop,
                };
                if !repo::move_supply(conn, supply.account_id, from, transition.to(), today)? {
                    continue;
                }
                let unit = units::service::label(conn, supply.unit_id)?;
                let message = match transition {
                    Transition::Limit => Msg::new(
                        "The hot-water supply of unit %{unit} is limited: the account has \
                         been in arrears since %{since}. A payment that brings the balance \
                         back to zero restores it",
                    ),
                    _ => Msg::new(
                        "A stop of the hot-water supply of unit %{unit} is proposed: the \
                         account has been in arrears since %{since}. A manager decides; a \
                         payment that brings the balance back to zero restores the supply",
                    ),
                }
                .arg("unit", unit)
                .arg("since", supply.arrears_since.map_or(today, |d| d));
                step(conn, &supply, None, transition, message, now)?;
                moved += 1;
            }
        }
        Ok(moved)
    })
    .await
}

/// Whether the sweep's step is still due: in arrears since the cutoff (to be limited), or
/// limited since then (to have a stop proposed).
fn still_due(supply: &SupplyRow, cutoff: NaiveDate) -> bool {
    match supply.status {
        SupplyStatus::Normal => supply.arrears_since.is_some_and(|since| since <= cutoff),
        _ => supply.status_since <= cutoff,
    }
}

/// A step of an account's supply.
#[derive(Clone, Copy)]
enum Transition {
    Limit,
    ProposeStop,
    Stop,
    /// From the status a payment ends.
    Restore(SupplyStatus),
}

impl Transition {
    fn action(self) -> &'static str {
        match self {
            Transition::Limit => "limit",
            Transition::ProposeStop => "propose_stop",
            Transition::Stop => "stop",
            Transition::Restore(_) => "restore",
        }
    }

    fn from(self) -> SupplyStatus {
        match self {
            Transition::Limit => SupplyStatus::Normal,
            Transition::ProposeStop => SupplyStatus::Limited,
            Transition::Stop => SupplyStatus::StopProposed,
            Transition::Restore(from) => from,
        }
    }

    fn to(self) -> SupplyStatus {
        match self {
            Transition::Limit => SupplyStatus::Limited,
            Transition::ProposeStop => SupplyStatus::StopProposed,
            Transition::Stop => SupplyStatus::Stopped,
            Transition::Restore(_) => SupplyStatus::Normal,
        }
    }
}

/// Writes the step on the account's timeline and tells the unit's residents (and, for a
/// stop proposed, the site's managers, who decide it).
fn step(
    conn: &mut AnyConnection,
    supply: &SupplyRow,
    actor: Option<UserId>,
    transition: Transition,
    message: Msg,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    timeline::repo::record(
        conn,
        Subject::HotWaterAccount,
        supply.account_id,
        Step {
            actor_id: actor,
            action: transition.action(),
            from_status: Some(transition.from().as_str()),
            to_status: Some(transition.to().as_str()),
            note: None,
        },
        utc(now),
    )?;
    let mut recipients = residents(conn, supply, now)?;
    if matches!(transition, Transition::ProposeStop) {
        recipients.extend(access::repo::managers_of_site(conn, supply.site_id)?);
    }
    tell(
        conn,
        supply,
        recipients,
        Kind::HotWaterSupply,
        &message,
        actor,
        now,
    )
}

/// Who lives in the unit today.
fn residents(
    conn: &mut AnyConnection,
    supply: &SupplyRow,
    now: DateTime<Utc>,
) -> Result<Vec<UserId>, AppError> {
    let (_, today) = sites::service::site_today(conn, supply.site_id, now)?;
    Ok(access::repo::residents_of_unit(
        conn,
        supply.unit_id,
        today,
    )?)
}

/// Notices about the account to `recipients`.
fn tell(
    conn: &mut AnyConnection,
    supply: &SupplyRow,
    recipients: Vec<UserId>,
    kind: Kind,
    message: &Msg,
    actor: Option<UserId>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let notices = Notice::to_each(
        recipients,
        kind,
        supply.site_id,
        Some(supply.unit_id),
        message,
    );
    notifications::notify(
        conn,
        Subject::HotWaterAccount,
        supply.account_id.into(),
        notices,
        actor,
        now,
    )
}

impl From<SettingsRow> for Settings {
    fn from(row: SettingsRow) -> Self {
        Settings {
            site_id: row.site_id,
            renewal_threshold_fen: Fen::new(row.renewal_threshold_fen),
            limit_after_days: row.limit_after_days,
            stop_after_days: row.stop_after_days,
        }
    }
}
