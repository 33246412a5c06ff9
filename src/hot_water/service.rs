//! The hot-water ledger's use cases: reading an account, and the entries that move money.

use chrono::{DateTime, Datelike, NaiveDateTime, Utc};

use super::repo::{self, NewEntryRow};
use super::supply;
use super::{
    Account, Direction, Entry, EntryKind, NewAdjustment, NewPayment, NewRefund, PaymentMethod,
};
use crate::access::Actor;
use crate::db::{self, utc, AnyConnection};
use crate::error::{AppError, Precondition};
use crate::i18n::Msg;
use crate::idempotency::{self, Answer};
use crate::ids::{SiteId, UnitId};
use crate::money::Fen;
use crate::numbering;
use crate::pagination::{Page, PageRequest};
use crate::sites;
use crate::state::AppState;
use crate::units;
use crate::users::memberships;

/// Receipts of hot-water payments: `RS-<year>-<n>`.
const RECEIPT_PREFIX: &str = "RS";

/// The unit's account: its balance is the sum of its entries. A unit without entries has
/// an empty account (balance 0).
pub async fn account(
    state: &AppState,
    actor: &Actor,
    unit_id: UnitId,
) -> Result<Account, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    db::read(&state.pool, move |conn| {
        let unit = units::service::visible_unit(conn, &actor, unit_id, now.date_naive())?;
        let Some(account) = repo::account_of_unit(conn, unit_id)? else {
            return Ok(Account {
                unit_id,
                site_id: unit.site_id,
                balance_fen: Fen::ZERO,
                entries: 0,
                last_entry_at: None,
            });
        };
        let totals = repo::totals(conn, account.id)?;
        Ok(Account {
            unit_id,
            site_id: account.site_id,
            balance_fen: Fen::new(totals.balance_fen),
            entries: totals.entries,
            last_entry_at: totals.last_entry_at.map(|at| at.and_utc()),
        })
    })
    .await
}

/// The unit's entries, newest first; a resident's since their membership began, so a new
/// owner never reads the last owner's payments.
pub async fn entries(
    state: &AppState,
    actor: &Actor,
    unit_id: UnitId,
    page: PageRequest,
) -> Result<Page<Entry>, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    db::read(&state.pool, move |conn| {
        let since = history_since(conn, &actor, unit_id, now)?;
        let rows = match repo::account_of_unit(conn, unit_id)? {
            Some(account) => repo::page_of(conn, account.id, since, page)?,
            None => Vec::new(),
        };
        Ok(Page::from_rows(rows, page, |r| r.id, Entry::from))
    })
    .await
}

/// Since when the actor reads the unit's hot-water history (entries, readings): all of it
/// for its site's staff, since their membership began for a resident of it.
pub(super) fn history_since(
    conn: &mut AnyConnection,
    actor: &Actor,
    unit_id: UnitId,
    now: DateTime<Utc>,
) -> Result<Option<NaiveDateTime>, AppError> {
    let today = now.date_naive();
    units::service::visible_unit(conn, actor, unit_id, today)?;
    memberships::resident_since(conn, actor, unit_id, today)
}

/// R-HW-4, R-HW-7: money paid in at the desk, with its receipt number.
pub async fn pay(
    state: &AppState,
    actor: &Actor,
    unit_id: UnitId,
    input: NewPayment,
) -> Result<Entry, AppError> {
    let movement = Movement {
        kind: EntryKind::Payment,
        amount: input.amount_fen.fen(),
        method: Some(input.method),
        reason: None,
        provider_reference: None,
    };
    record(state, actor, unit_id, movement).await
}

/// Money paid back, at most what the account holds.
pub async fn refund(
    state: &AppState,
    actor: &Actor,
    unit_id: UnitId,
    input: NewRefund,
) -> Result<Entry, AppError> {
    let movement = Movement {
        kind: EntryKind::Refund,
        amount: Fen::ZERO
            .checked_sub(input.amount_fen.fen())
            .expect("a bounded amount"),
        method: Some(input.method),
        reason: Some(input.reason.as_str().to_owned()),
        provider_reference: None,
    };
    record(state, actor, unit_id, movement).await
}

/// A manager's correction, either way, with its reason.
pub async fn adjust(
    state: &AppState,
    actor: &Actor,
    unit_id: UnitId,
    input: NewAdjustment,
) -> Result<Entry, AppError> {
    let amount = input.amount_fen.fen();
    let movement = Movement {
        kind: EntryKind::Adjustment,
        amount: match input.direction {
            Direction::Credit => amount,
            Direction::Debit => Fen::ZERO.checked_sub(amount).expect("a bounded amount"),
        },
        method: None,
        reason: Some(input.reason.as_str().to_owned()),
        provider_reference: None,
    };
    record(state, actor, unit_id, movement).await
}

/// One entry to append: what it adds to the balance, and how and why.
pub(super) struct Movement {
    pub kind: EntryKind,
    pub amount: Fen,
    pub method: Option<PaymentMethod>,
    pub reason: Option<String>,
    /// A payment system's reference of the payment it reports: credited once, whichever
    /// unit it names, and only to an account already open.
    pub provider_reference: Option<String>,
}

/// Appends `movement` to the unit's account (opened by its first entry), in one
/// transaction with the receipt number it takes, and with the response recorded for the
/// request's `Idempotency-Key`: a retried payment is recorded once.
pub(super) async fn record(
    state: &AppState,
    actor: &Actor,
    unit_id: UnitId,
    movement: Movement,
) -> Result<Entry, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    idempotency::transaction(state, Answer::Created, move |conn| {
        let unit = units::service::visible_unit(conn, &actor, unit_id, now.date_naive())?;
        let account = match &movement.provider_reference {
            None => repo::open_account(conn, unit.id, unit.site_id, utc(now))?,
            Some(reference) => {
                if repo::reported_payment(conn, reference)? {
                    return Err(AppError::Duplicate(
                        Msg::new("the payment %{reference} was credited already")
                            .arg("reference", reference),
                    ));
                }
                repo::account_of_unit(conn, unit.id)?
                    .ok_or(AppError::NotFound("hot-water account"))?
            }
        };
        // Entries of one account are decided one after the other: a refund on the balance
        // it reads, the notices and supply on the balance the entry leaves.
        repo::lock(conn, account.id)?;
        if movement.kind == EntryKind::Refund {
            let balance = repo::totals(conn, account.id)?.balance_fen;
            if balance + movement.amount.get() < 0 {
                return Err(AppError::precondition(
                    Precondition::RefundOverBalance,
                    Msg::new("the account holds %{balance} fen; a refund cannot exceed it")
                        .arg("balance", balance),
                ));
            }
        }
        // After the checks, just before the insert: the site's counter stays locked until
        // the commit, and every payment of the site waits for it.
        let receipt_number = match movement.kind {
            EntryKind::Payment => Some(receipt_number(conn, unit.site_id, now)?),
            _ => None,
        };
        let row = repo::insert_entry(
            conn,
            NewEntryRow {
                account_id: account.id,
                site_id: unit.site_id,
                kind: movement.kind,
                amount_fen: movement.amount.get(),
                method: movement.method,
                receipt_number,
                reason: movement.reason,
                recorded_by: actor.user_id,
                created_at: utc(now),
                reading_id: None,
                period_from: None,
                period_to: None,
                usage_litres: None,
                provider_reference: movement.provider_reference,
            },
        )?;
        supply::after_entry(conn, &account, actor.user_id, now)?;
        Ok(Entry::from(row))
    })
    .await
}

/// The next receipt number of the site's year, in its own time zone (a payment at 00:30
/// on 1 January in Shanghai is the new year's).
fn receipt_number(
    conn: &mut AnyConnection,
    site_id: SiteId,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let year = now
        .with_timezone(&sites::service::time_zone(conn, site_id)?)
        .year();
    numbering::next_receipt(conn, site_id, RECEIPT_PREFIX, year)
}
