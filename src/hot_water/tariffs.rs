//! A site's hot-water tariffs (R-HW-3), and the charges a period's usage makes under them.

use chrono::{DateTime, NaiveDate, Utc};

use super::pricing::{self, Tier};
use super::repo::{self, NewEntryRow, NewTariffRow, TariffRow, TierRow};
use super::{EntryKind, NewTariff, Tariff, TariffTier};
use crate::access::Actor;
use crate::db::{self, utc, AnyConnection};
use crate::error::{AppError, Validator};
use crate::i18n::Msg;
use crate::idempotency::{self, Answer};
use crate::ids::{HotWaterReadingId, SiteId, UserId};
use crate::sites;
use crate::state::AppState;
use crate::units::repo::UnitRow;

/// The most a cubic metre may cost: 10 000 yuan, far above any real tariff, so a slip of
/// the keyboard is refused rather than billed.
const MAX_FEN_PER_CUBIC_METRE: u32 = 1_000_000;
const MAX_TIERS: usize = 5;

/// The site's tariffs, by the day they take effect.
pub async fn list(
    state: &AppState,
    actor: &Actor,
    site_id: SiteId,
) -> Result<Vec<Tariff>, AppError> {
    let actor = actor.clone();
    db::read(&state.pool, move |conn| {
        sites::service::visible_site(conn, &actor, site_id)?;
        Ok(repo::tariffs_of_site(conn, site_id)?
            .into_iter()
            .map(Tariff::from)
            .collect())
    })
    .await
}

/// A new tariff (managers), from a day after today: usage already read is never re-priced.
pub async fn add(
    state: &AppState,
    actor: &Actor,
    site_id: SiteId,
    input: NewTariff,
) -> Result<Tariff, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    idempotency::transaction(state, Answer::Created, move |conn| {
        sites::service::visible_site(conn, &actor, site_id)?;
        let (_, today) = sites::service::site_today(conn, site_id, now)?;
        let mut v = Validator::new();
        v.check(
            input.effective_from > today,
            "effective_from",
            Msg::new("must be after today (%{today}): a tariff never re-prices the past")
                .arg("today", today),
        );
        check_tiers(&mut v, &input.tiers);
        v.finish()?;
        if repo::tariff_on(conn, site_id, input.effective_from)? {
            return Err(AppError::Duplicate(
                Msg::new("the site has a tariff taking effect on %{date} already")
                    .arg("date", input.effective_from),
            ));
        }
        let tiers: Vec<Tier> = input.tiers.iter().map(Tier::from).collect();
        let row = NewTariffRow {
            site_id,
            effective_from: input.effective_from,
            created_by: actor.user_id,
            created_at: utc(now),
        };
        Ok(Tariff::from(repo::insert_tariff(conn, row, &tiers)?))
    })
    .await
}

/// One to five tiers, thresholds rising, the last unbounded, prices within reason.
fn check_tiers(v: &mut Validator, tiers: &[TariffTier]) {
    let bounds: Vec<Option<u32>> = tiers.iter().map(|t| t.up_to_litres).collect();
    let Some((last, rest)) = bounds.split_last().filter(|_| bounds.len() <= MAX_TIERS) else {
        v.check(
            false,
            "tiers",
            Msg::new("must hold 1 to %{max} tiers").arg("max", MAX_TIERS),
        );
        return;
    };
    let rising =
        rest.iter().all(|b| b.is_some_and(|b| b > 0)) && rest.windows(2).all(|w| w[0] < w[1]);
    v.check(
        last.is_none() && rising,
        "tiers",
        "the tiers' up_to_litres must rise from 1 litre up, and only the last tier is \
         unbounded (null)",
    );
    v.check(
        tiers
            .iter()
            .all(|t| t.fen_per_cubic_metre <= MAX_FEN_PER_CUBIC_METRE),
        "tiers",
        Msg::new("a tier's fen_per_cubic_metre must not exceed %{max}")
            .arg("max", MAX_FEN_PER_CUBIC_METRE),
    );
}

/// Usage to bill: the litres a reading (or a replaced meter's final figure) adds, over the
/// days from the previous figure's to this one's.
pub(super) struct Usage {
    pub reading_id: Option<HotWaterReadingId>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub litres: i64,
}

/// R-HW-3: charges the unit's account for `usage` under the site's tariffs, one charge
/// per tariff in effect over the period (none for a part that costs nothing).
pub(super) fn charge(
    conn: &mut AnyConnection,
    unit: &UnitRow,
    usage: Usage,
    recorded_by: UserId,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let tariffs: Vec<pricing::Tariff> = repo::tariffs_of_site(conn, unit.site_id)?
        .into_iter()
        .map(|(tariff, tiers)| pricing::Tariff {
            effective_from: tariff.effective_from,
            tiers: tiers.iter().map(Tier::from).collect(),
        })
        .collect();
    let parts = pricing::charge(usage.from, usage.to, usage.litres, &tariffs);
    if parts.iter().all(|part| part.amount_fen == 0) {
        return Ok(());
    }
    let account = repo::open_account(conn, unit.id, unit.site_id, utc(now))?;
    for part in parts.into_iter().filter(|part| part.amount_fen > 0) {
        repo::insert_entry(
            conn,
            NewEntryRow {
                account_id: account.id,
                site_id: unit.site_id,
                kind: EntryKind::Charge,
                amount_fen: -part.amount_fen,
                method: None,
                receipt_number: None,
                reason: None,
                recorded_by,
                created_at: utc(now),
                reading_id: usage.reading_id,
                period_from: Some(part.from),
                period_to: Some(part.to),
                usage_litres: Some(part.usage_litres),
                provider_reference: None,
            },
        )?;
    }
    super::supply::after_entry(conn, &account, recorded_by, now)
}

impl From<&TariffTier> for Tier {
    fn from(tier: &TariffTier) -> Self {
        Tier {
            up_to_litres: tier.up_to_litres.map(i64::from),
            fen_per_cubic_metre: i64::from(tier.fen_per_cubic_metre),
        }
    }
}

impl From<&TierRow> for Tier {
    fn from(row: &TierRow) -> Self {
        Tier {
            up_to_litres: row.up_to_litres,
            fen_per_cubic_metre: row.fen_per_cubic_metre,
        }
    }
}

impl From<(TariffRow, Vec<TierRow>)> for Tariff {
    fn from((row, tiers): (TariffRow, Vec<TierRow>)) -> Self {
        Tariff {
            id: row.id,
            site_id: row.site_id,
            effective_from: row.effective_from,
            tiers: tiers
                .into_iter()
                .map(|tier| TariffTier {
                    up_to_litres: tier
                        .up_to_litres
                        .map(|l| u32::try_from(l).expect("stored from a u32")),
                    fen_per_cubic_metre: u32::try_from(tier.fen_per_cubic_metre)
                        .expect("stored from a u32"),
                })
                .collect(),
            created_by: row.created_by,
            created_at: row.created_at.and_utc(),
        }
    }
}
