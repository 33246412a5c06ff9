//! Hot-water reports (R-HW-7): a site's quarter, billed against collected, with its arrears
//! aged and the accounts whose supply is limited or stopped; and the ledger exported as CSV
//! for the finance department.

use chrono::NaiveDate;

use super::model::Quarter;
use super::repo::{self, SupplyBalance};
use super::{ArrearsAgeing, EntryKind, QuarterReport, SupplyLine, SupplyStatus};
use crate::access::Actor;
use crate::db::{self, AnyConnection};
use crate::error::AppError;
use crate::ids::SiteId;
use crate::money::Fen;
use crate::periods::{self, Period};
use crate::sites;
use crate::state::AppState;
use crate::units;

/// The site's report of `quarter`.
pub async fn quarter(
    state: &AppState,
    actor: &Actor,
    site_id: SiteId,
    quarter: Quarter,
) -> Result<QuarterReport, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    db::read(&state.pool, move |conn| {
        sites::service::visible_site(conn, &actor, site_id)?;
        let period = quarter_period(conn, site_id, quarter)?;
        let (_, today) = sites::service::site_today(conn, site_id, now)?;
        let (mut billed, mut collected, mut refunded, mut adjusted) = (0, 0, 0, 0);
        for total in repo::totals_by_kind(conn, site_id, period.start, period.end)? {
            let kind = EntryKind::try_from(total.kind).map_err(AppError::internal)?;
            match kind {
                EntryKind::Charge => billed = -total.total_fen,
                EntryKind::Payment => collected = total.total_fen,
                EntryKind::Refund => refunded = -total.total_fen,
                EntryKind::Adjustment => adjusted = total.total_fen,
            }
        }
        let balances = repo::supply_balances(conn, site_id)?;
        Ok(QuarterReport {
            site_id,
            quarter: quarter.to_string(),
            first_day: period.first,
            last_day: quarter.end().pred_opt().expect("a quarter's last day"),
            billed_fen: Fen::new(billed),
            collected_fen: Fen::new(collected),
            refunded_fen: Fen::new(refunded),
            adjusted_fen: Fen::new(adjusted),
            collection_rate_bp: rate_bp(collected, billed),
            arrears: ageing(&balances, today),
            supply: supply_lines(conn, balances)?,
        })
    })
    .await
}

/// The site's entries recorded in `quarter` (the site's dates), oldest first, as CSV:
/// one row each, amounts in yuan, times in the site's time zone.
pub async fn ledger_csv(
    state: &AppState,
    actor: &Actor,
    site_id: SiteId,
    quarter: Quarter,
) -> Result<String, AppError> {
    let actor = actor.clone();
    db::read(&state.pool, move |conn| {
        sites::service::visible_site(conn, &actor, site_id)?;
        let period = quarter_period(conn, site_id, quarter)?;
        let tz = sites::service::time_zone(conn, site_id)?;
        let rows = repo::entries_of_site(conn, site_id, period.start, period.end)?;
        let mut csv = csv::Writer::from_writer(Vec::new());
        let write = |csv: &mut csv::Writer<Vec<u8>>, record: &[String]| {
            csv.write_record(record)
                .map_err(|e| AppError::internal(format!("csv: {e}")))
        };
        let header = [
            "entry_id",
            "recorded_at",
            "unit",
            "kind",
            "amount_yuan",
            "method",
            "receipt_number",
            "period_from",
            "period_to",
            "usage_litres",
            "reason",
            "recorded_by",
        ];
        write(&mut csv, &header.map(String::from))?;
        let text = |value: Option<String>| value.unwrap_or_default();
        // Typed text a spreadsheet would run as a formula is kept as text.
        let guarded = |value: Option<String>| match value {
            Some(v) if v.starts_with(['=', '+', '-', '@']) => format!("'{v}"),
            other => text(other),
        };
        for (entry, unit) in rows {
            let recorded_at = entry.created_at.and_utc().with_timezone(&tz);
            write(
                &mut csv,
                &[
                    i64::from(entry.id).to_string(),
                    recorded_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                    unit.label(),
                    entry.kind.as_str().to_owned(),
                    Fen::new(entry.amount_fen).yuan(),
                    text(entry.method.map(|m| m.as_str().to_owned())),
                    text(entry.receipt_number),
                    text(entry.period_from.map(|d| d.to_string())),
                    text(entry.period_to.map(|d| d.to_string())),
                    text(entry.usage_litres.map(|l| l.to_string())),
                    guarded(entry.reason),
                    i64::from(entry.recorded_by).to_string(),
                ],
            )?;
        }
        let bytes = csv
            .into_inner()
            .map_err(|e| AppError::internal(format!("csv: {e}")))?;
        let csv = String::from_utf8(bytes).map_err(|e| AppError::internal(format!("csv: {e}")))?;
        // The byte-order mark tells spreadsheets the file is UTF-8 (names are Chinese).
        Ok(format!("\u{feff}{csv}"))
    })
    .await
}

/// The quarter's days in the site's time zone, as UTC bounds.
fn quarter_period(
    conn: &mut AnyConnection,
    site_id: SiteId,
    quarter: Quarter,
) -> Result<Period, AppError> {
    let days = (quarter.end() - quarter.first_day()).num_days();
    periods::site_days(conn, site_id, quarter.first_day(), days.unsigned_abs())
}

/// `collected / billed` in basis points, rounded half up; none when nothing was billed.
fn rate_bp(collected: i64, billed: i64) -> Option<i64> {
    (billed > 0).then(|| {
        let bp = (i128::from(collected) * 20_000 + i128::from(billed)) / (2 * i128::from(billed));
        i64::try_from(bp).unwrap_or(i64::MAX)
    })
}

/// The accounts below zero, by the days since their arrears began: 0-30, 31-90, 91-180,
/// over 180.
fn ageing(balances: &[SupplyBalance], today: NaiveDate) -> ArrearsAgeing {
    let mut ageing = ArrearsAgeing::default();
    for line in balances.iter().filter(|b| b.balance_fen < 0) {
        let days = line
            .arrears_since
            .map_or(0, |since| (today - since).num_days());
        let bucket = match days {
            ..=30 => &mut ageing.days_0_30,
            31..=90 => &mut ageing.days_31_90,
            91..=180 => &mut ageing.days_91_180,
            _ => &mut ageing.over_180,
        };
        for bucket in [bucket, &mut ageing.total] {
            bucket.accounts += 1;
            bucket.arrears_fen -= line.balance_fen;
        }
    }
    ageing
}

fn supply_lines(
    conn: &mut AnyConnection,
    balances: Vec<SupplyBalance>,
) -> Result<Vec<SupplyLine>, AppError> {
    let mut lines = Vec::new();
    for line in balances {
        let status = SupplyStatus::try_from(line.status).map_err(AppError::internal)?;
        if status == SupplyStatus::Normal {
            continue;
        }
        lines.push(SupplyLine {
            unit_id: line.unit_id,
            unit: units::service::label(conn, line.unit_id)?,
            status,
            status_since: line.status_since,
            balance_fen: Fen::new(line.balance_fen),
        });
    }
    Ok(lines)
}
