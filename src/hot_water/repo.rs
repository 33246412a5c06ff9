//! The `hot_water_accounts` and `hot_water_entries` rows (entries are only ever inserted),
//! and the meters and their readings.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Timestamp};

use super::pricing::Tier;
use super::{DunningStep, EntryKind, PaymentMethod, SupplyStatus};
use crate::db::schema::{
    hot_water_accounts as a, hot_water_dunning as d, hot_water_dunning_steps as ds,
    hot_water_entries as e, hot_water_meters as m, hot_water_reading_notices as rn,
    hot_water_readings as r, hot_water_refused_reports as rr, hot_water_settings as hs,
    hot_water_supply as su, hot_water_tariff_tiers as tt, hot_water_tariffs as t, units,
};
use crate::db::AnyConnection;
use crate::ids::{
    ComplaintId, HotWaterAccountId, HotWaterDunningId, HotWaterDunningStepId, HotWaterEntryId,
    HotWaterMeterId, HotWaterReadingId, HotWaterTariffId, SiteId, UnitId, UserId,
};
use crate::money::Fen;
use crate::pagination::PageRequest;
use crate::text_enum::NullableText;

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = a)]
pub struct AccountRow {
    pub id: HotWaterAccountId,
    pub unit_id: UnitId,
    pub site_id: SiteId,
    pub opened_at: NaiveDateTime,
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = e)]
pub struct EntryRow {
    pub id: HotWaterEntryId,
    pub account_id: HotWaterAccountId,
    pub site_id: SiteId,
    #[diesel(deserialize_as = String)]
    pub kind: EntryKind,
    pub amount_fen: i64,
    #[diesel(deserialize_as = NullableText)]
    pub method: Option<PaymentMethod>,
    pub receipt_number: Option<String>,
    pub reason: Option<String>,
    pub recorded_by: UserId,
    pub created_at: NaiveDateTime,
    pub reading_id: Option<HotWaterReadingId>,
    pub period_from: Option<NaiveDate>,
    pub period_to: Option<NaiveDate>,
    pub usage_litres: Option<i64>,
    pub provider_reference: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = e)]
pub struct NewEntryRow {
    pub account_id: HotWaterAccountId,
    pub site_id: SiteId,
    #[diesel(serialize_as = String)]
    pub kind: EntryKind,
    pub amount_fen: i64,
    #[diesel(serialize_as = NullableText)]
    pub method: Option<PaymentMethod>,
    pub receipt_number: Option<String>,
    pub reason: Option<String>,
    pub recorded_by: UserId,
    pub created_at: NaiveDateTime,
    pub reading_id: Option<HotWaterReadingId>,
    pub period_from: Option<NaiveDate>,
    pub period_to: Option<NaiveDate>,
    pub usage_litres: Option<i64>,
    pub provider_reference: Option<String>,
}

pub fn account_of_unit(
    conn: &mut AnyConnection,
    unit_id: UnitId,
) -> QueryResult<Option<AccountRow>> {
    a::table
        .filter(a::unit_id.eq(unit_id))
        .select(AccountRow::as_select())
        .first(conn)
        .optional()
}

/// The unit's account, opened now if it has none. The insert yields to one made
/// meanwhile (`ON CONFLICT DO NOTHING`), so the first payments of a unit, arriving
/// together, share one account. Only integers and a formatted time are spliced in.
pub fn open_account(
    conn: &mut AnyConnection,
    unit_id: UnitId,
    site_id: SiteId,
    now: NaiveDateTime,
) -> QueryResult<AccountRow> {
    diesel::sql_query(format!(
        "INSERT INTO hot_water_accounts (unit_id, site_id, opened_at) \
         VALUES ({unit_id}, {site_id}, '{}') ON CONFLICT (unit_id) DO NOTHING",
        sql_time(now)
    ))
    .execute(conn)?;
    a::table
        .filter(a::unit_id.eq(unit_id))
        .select(AccountRow::as_select())
        .first(conn)
}

/// Holds the account's row until the transaction ends: a decision on its balance (a
/// refund) then cannot be raced by another made on the same balance. SQLite's writing
/// transaction holds the database's write lock already.
pub fn lock(conn: &mut AnyConnection, account: HotWaterAccountId) -> QueryResult<()> {
    let row = a::table.find(account).select(a::id);
    match conn {
        AnyConnection::Postgresql(pg) => row.for_update().first::<HotWaterAccountId>(pg)?,
        AnyConnection::Sqlite(sqlite) => row.first::<HotWaterAccountId>(sqlite)?,
    };
    Ok(())
}

pub fn insert_entry(conn: &mut AnyConnection, row: NewEntryRow) -> QueryResult<EntryRow> {
    diesel::insert_into(e::table).values(row).get_result(conn)
}

#[derive(QueryableByName)]
pub struct Totals {
    #[diesel(sql_type = BigInt)]
    pub balance_fen: i64,
    #[diesel(sql_type = BigInt)]
    pub entries: i64,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub last_entry_at: Option<NaiveDateTime>,
}

/// The account's balance, the sum of its entries, read with their count in one pass.
/// (diesel types `SUM` of a `BIGINT` as `NUMERIC`; the cast keeps it an integer.)
pub fn totals(conn: &mut AnyConnection, account: HotWaterAccountId) -> QueryResult<Totals> {
    diesel::sql_query(format!(
        "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) AS balance_fen, \
         COUNT(*) AS entries, MAX(created_at) AS last_entry_at \
         FROM hot_water_entries WHERE account_id = {account}"
    ))
    .get_result(conn)
}

/// A page of the account's entries recorded `since` (all when `None`), newest first.
pub fn page_of(
    conn: &mut AnyConnection,
    account: HotWaterAccountId,
    since: Option<NaiveDateTime>,
    page: PageRequest,
) -> QueryResult<Vec<EntryRow>> {
    let mut query = e::table
        .filter(e::account_id.eq(account))
        .select(EntryRow::as_select())
        .order(e::id.desc())
        .limit(page.fetch())
        .into_boxed();
    if let Some(after) = page.after_id {
        query = query.filter(e::id.lt(after));
    }
    if let Some(since) = since {
        query = query.filter(e::created_at.ge(since));
    }
    query.load(conn)
}

impl From<EntryRow> for super::Entry {
    fn from(row: EntryRow) -> Self {
        super::Entry {
            id: row.id,
            kind: row.kind,
            amount_fen: Fen::new(row.amount_fen),
            method: row.method,
            receipt_number: row.receipt_number,
            reason: row.reason,
            recorded_by: row.recorded_by,
            created_at: row.created_at.and_utc(),
            reading_id: row.reading_id,
            period_from: row.period_from,
            period_to: row.period_to,
            usage_litres: row.usage_litres,
            provider_reference: row.provider_reference,
        }
    }
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = m)]
pub struct MeterRow {
    pub id: HotWaterMeterId,
    pub unit_id: UnitId,
    pub site_id: SiteId,
    pub serial_number: String,
    pub installed_on: NaiveDate,
    pub initial_litres: i64,
    pub removed_on: Option<NaiveDate>,
    pub final_litres: Option<i64>,
    pub registered_by: UserId,
    pub created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = m)]
pub struct NewMeterRow {
    pub unit_id: UnitId,
    pub site_id: SiteId,
    pub serial_number: String,
    pub installed_on: NaiveDate,
    pub initial_litres: i64,
    pub registered_by: UserId,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = r)]
pub struct ReadingRow {
    pub id: HotWaterReadingId,
    pub meter_id: HotWaterMeterId,
    pub unit_id: UnitId,
    pub site_id: SiteId,
    pub litres: i64,
    pub usage_litres: i64,
    pub read_on: NaiveDate,
    pub quarter: String,
    pub in_window: bool,
    pub reason: Option<String>,
    pub flagged: bool,
    pub read_by: UserId,
    pub created_at: NaiveDateTime,
    pub confirmed_by: Option<UserId>,
    pub confirmed_at: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = r)]
pub struct NewReadingRow {
    pub meter_id: HotWaterMeterId,
    pub unit_id: UnitId,
    pub site_id: SiteId,
    pub litres: i64,
    pub usage_litres: i64,
    pub read_on: NaiveDate,
    pub quarter: String,
    pub in_window: bool,
    pub reason: Option<String>,
    pub flagged: bool,
    pub read_by: UserId,
    pub created_at: NaiveDateTime,
}

/// The unit's meter in service, held until the transaction ends (`FOR UPDATE` on
/// PostgreSQL; SQLite's writing transaction holds the write lock), so two readings or a
/// reading and a replacement are decided one after the other.
pub fn meter_in_service(conn: &mut AnyConnection, unit: UnitId) -> QueryResult<Option<MeterRow>> {
    let in_service = m::table
        .filter(m::unit_id.eq(unit))
        .filter(m::removed_on.is_null());
    match conn {
        AnyConnection::Postgresql(pg) => in_service
            .select(MeterRow::as_select())
            .for_update()
            .first(pg)
            .optional(),
        AnyConnection::Sqlite(sqlite) => in_service
            .select(MeterRow::as_select())
            .first(sqlite)
            .optional(),
    }
}

/// The unit's meters, the one in service first, then the replaced ones, newest first.
pub fn meters_of_unit(conn: &mut AnyConnection, unit: UnitId) -> QueryResult<Vec<MeterRow>> {
    m::table
        .filter(m::unit_id.eq(unit))
        .select(MeterRow::as_select())
        .order(m::id.desc())
        .load(conn)
}

pub fn insert_meter(conn: &mut AnyConnection, row: NewMeterRow) -> QueryResult<MeterRow> {
    diesel::insert_into(m::table).values(row).get_result(conn)
}

pub fn retire_meter(
    conn: &mut AnyConnection,
    meter: HotWaterMeterId,
    removed_on: NaiveDate,
    final_litres: i64,
) -> QueryResult<()> {
    diesel::update(m::table.find(meter))
        .set((
            m::removed_on.eq(removed_on),
            m::final_litres.eq(final_litres),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The meter's latest reading, or its latest before the reading `before`.
pub fn last_reading(
    conn: &mut AnyConnection,
    meter: HotWaterMeterId,
    before: Option<HotWaterReadingId>,
) -> QueryResult<Option<ReadingRow>> {
    let mut query = r::table
        .filter(r::meter_id.eq(meter))
        .select(ReadingRow::as_select())
        .order(r::id.desc())
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(r::id.lt(before));
    }
    query.first(conn).optional()
}

pub fn meter(conn: &mut AnyConnection, id: HotWaterMeterId) -> QueryResult<MeterRow> {
    m::table.find(id).select(MeterRow::as_select()).first(conn)
}

/// Claims the unit's flagged reading for its confirmation: `None` when it is not the
/// unit's, not flagged or confirmed already (by a request that came first).
pub fn confirm_reading(
    conn: &mut AnyConnection,
    unit: UnitId,
    reading: HotWaterReadingId,
    by: UserId,
    at: NaiveDateTime,
) -> QueryResult<Option<ReadingRow>> {
    let claimed = diesel::update(
        r::table
            .filter(r::id.eq(reading))
            .filter(r::unit_id.eq(unit))
            .filter(r::flagged.eq(true))
            .filter(r::confirmed_at.is_null()),
    )
    .set((r::confirmed_by.eq(by), r::confirmed_at.eq(at)))
    .execute(conn)?;
    if claimed == 0 {
        return Ok(None);
    }
    r::table
        .find(reading)
        .select(ReadingRow::as_select())
        .first(conn)
        .map(Some)
}

pub fn reading_of_unit(
    conn: &mut AnyConnection,
    unit: UnitId,
    reading: HotWaterReadingId,
) -> QueryResult<Option<ReadingRow>> {
    r::table
        .filter(r::id.eq(reading))
        .filter(r::unit_id.eq(unit))
        .select(ReadingRow::as_select())
        .first(conn)
        .optional()
}

/// The unit's latest `n` usages, whichever meter they were read on.
pub fn recent_usages(conn: &mut AnyConnection, unit: UnitId, n: i64) -> QueryResult<Vec<i64>> {
    r::table
        .filter(r::unit_id.eq(unit))
        .select(r::usage_litres)
        .order(r::id.desc())
        .limit(n)
        .load(conn)
}

pub fn insert_reading(conn: &mut AnyConnection, row: NewReadingRow) -> QueryResult<ReadingRow> {
    diesel::insert_into(r::table).values(row).get_result(conn)
}

/// A page of the unit's readings taken `since` (all when `None`), newest first.
pub fn page_of_readings(
    conn: &mut AnyConnection,
    unit: UnitId,
    since: Option<NaiveDateTime>,
    page: PageRequest,
) -> QueryResult<Vec<ReadingRow>> {
    let mut query = r::table
        .filter(r::unit_id.eq(unit))
        .select(ReadingRow::as_select())
        .order(r::id.desc())
        .limit(page.fetch())
        .into_boxed();
    if let Some(after) = page.after_id {
        query = query.filter(r::id.lt(after));
    }
    if let Some(since) = since {
        query = query.filter(r::created_at.ge(since));
    }
    query.load(conn)
}

/// The units of the site with a meter in service at some time in `[from, to]`, with their
/// building.
pub fn metered_units(
    conn: &mut AnyConnection,
    site: SiteId,
    from: NaiveDate,
    to: NaiveDate,
) -> QueryResult<Vec<(UnitId, String)>> {
    m::table
        .inner_join(units::table.on(units::id.eq(m::unit_id)))
        .filter(m::site_id.eq(site))
        .filter(m::installed_on.le(to))
        .filter(m::removed_on.is_null().or(m::removed_on.ge(from)))
        .select((m::unit_id, units::building))
        .distinct()
        .load(conn)
}

/// The units read in the quarter's window, and whether their reading is flagged and not
/// yet confirmed.
pub fn read_in_window(
    conn: &mut AnyConnection,
    site: SiteId,
    quarter: &str,
) -> QueryResult<Vec<(UnitId, bool)>> {
    r::table
        .filter(r::site_id.eq(site))
        .filter(r::quarter.eq(quarter))
        .filter(r::in_window.eq(true))
        .select((r::unit_id, r::flagged.and(r::confirmed_at.is_null())))
        .load(conn)
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = t)]
pub struct TariffRow {
    pub id: HotWaterTariffId,
    pub site_id: SiteId,
    pub effective_from: NaiveDate,
    pub created_by: UserId,
    pub created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = t)]
pub struct NewTariffRow {
    pub site_id: SiteId,
    pub effective_from: NaiveDate,
    pub created_by: UserId,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = tt)]
pub struct TierRow {
    pub id: i64,
    pub tariff_id: HotWaterTariffId,
    pub up_to_litres: Option<i64>,
    pub fen_per_cubic_metre: i64,
}

#[derive(Insertable)]
#[diesel(table_name = tt)]
pub struct NewTierRow {
    pub tariff_id: HotWaterTariffId,
    pub up_to_litres: Option<i64>,
    pub fen_per_cubic_metre: i64,
}

/// The site's tariffs, by the day they take effect, each with its tiers in order.
pub fn tariffs_of_site(
    conn: &mut AnyConnection,
    site: SiteId,
) -> QueryResult<Vec<(TariffRow, Vec<TierRow>)>> {
    let tariffs: Vec<TariffRow> = t::table
        .filter(t::site_id.eq(site))
        .select(TariffRow::as_select())
        .order(t::effective_from)
        .load(conn)?;
    let mut tiers: Vec<TierRow> = tt::table
        .inner_join(t::table)
        .filter(t::site_id.eq(site))
        .select(TierRow::as_select())
        .order(tt::id)
        .load(conn)?;
    Ok(tariffs
        .into_iter()
        .map(|tariff| {
            let own = tiers
                .extract_if(.., |tier| tier.tariff_id == tariff.id)
                .collect();
            (tariff, own)
        })
        .collect())
}

pub fn tariff_on(
    conn: &mut AnyConnection,
    site: SiteId,
    effective_from: NaiveDate,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        t::table
            .filter(t::site_id.eq(site))
            .filter(t::effective_from.eq(effective_from)),
    ))
    .get_result(conn)
}

pub fn insert_tariff(
    conn: &mut AnyConnection,
    row: NewTariffRow,
    tiers: &[Tier],
) -> QueryResult<(TariffRow, Vec<TierRow>)> {
    let tariff: TariffRow = diesel::insert_into(t::table).values(row).get_result(conn)?;
    let mut inserted = Vec::with_capacity(tiers.len());
    for tier in tiers {
        let row = NewTierRow {
            tariff_id: tariff.id,
            up_to_litres: tier.up_to_litres,
            fen_per_cubic_metre: tier.fen_per_cubic_metre,
        };
        inserted.push(
            diesel::insert_into(tt::table)
                .values(row)
                .get_result(conn)?,
        );
    }
    Ok((tariff, inserted))
}

#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = hs)]
pub struct SettingsRow {
    pub site_id: SiteId,
    pub renewal_threshold_fen: i64,
    pub limit_after_days: i32,
    pub stop_after_days: i32,
    pub updated_by: UserId,
    pub updated_at: NaiveDateTime,
}

pub fn settings_of(conn: &mut AnyConnection, site: SiteId) -> QueryResult<Option<SettingsRow>> {
    hs::table
        .find(site)
        .select(SettingsRow::as_select())
        .first(conn)
        .optional()
}

/// Writes the site's settings, replacing those it had.
pub fn save_settings(conn: &mut AnyConnection, row: SettingsRow) -> QueryResult<SettingsRow> {
    let updated = diesel::update(hs::table.find(row.site_id))
        .set((
            hs::renewal_threshold_fen.eq(row.renewal_threshold_fen),
            hs::limit_after_days.eq(row.limit_after_days),
            hs::stop_after_days.eq(row.stop_after_days),
            hs::updated_by.eq(row.updated_by),
            hs::updated_at.eq(row.updated_at),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(hs::table).values(&row).execute(conn)?;
    }
    Ok(row)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = su)]
pub struct SupplyRow {
    pub account_id: HotWaterAccountId,
    pub site_id: SiteId,
    pub unit_id: UnitId,
    #[diesel(deserialize_as = String)]
    pub status: SupplyStatus,
    pub status_since: NaiveDate,
    pub arrears_since: Option<NaiveDate>,
    pub renewal_noticed: bool,
}

pub fn supply_of(
    conn: &mut AnyConnection,
    account: HotWaterAccountId,
) -> QueryResult<Option<SupplyRow>> {
    su::table
        .find(account)
        .select(SupplyRow::as_select())
        .first(conn)
        .optional()
}

/// The account's supply, opened (normal) now if it has none; see [`open_account`].
pub fn open_supply(
    conn: &mut AnyConnection,
    account: &AccountRow,
    today: NaiveDate,
) -> QueryResult<SupplyRow> {
    diesel::sql_query(format!(
        "INSERT INTO hot_water_supply \
         (account_id, site_id, unit_id, status, status_since, renewal_noticed) \
         VALUES ({}, {}, {}, 'normal', '{today}', FALSE) ON CONFLICT (account_id) DO NOTHING",
        account.id, account.site_id, account.unit_id
    ))
    .execute(conn)?;
    su::table
        .find(account.id)
        .select(SupplyRow::as_select())
        .first(conn)
}

/// Writes the account's arrears and renewal notice as a payment or a charge left them.
pub fn set_balance_marks(
    conn: &mut AnyConnection,
    account: HotWaterAccountId,
    arrears_since: Option<NaiveDate>,
    renewal_noticed: bool,
) -> QueryResult<()> {
    diesel::update(su::table.find(account))
        .set((
            su::arrears_since.eq(arrears_since),
            su::renewal_noticed.eq(renewal_noticed),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Moves the account's supply from `from` to `to` if it still is `from`: the claim that
/// makes each step happen once, whoever (an instance's sweep, a manager) gets there first.
pub fn move_supply(
    conn: &mut AnyConnection,
    account: HotWaterAccountId,
    from: SupplyStatus,
    to: SupplyStatus,
    today: NaiveDate,
) -> QueryResult<bool> {
    diesel::update(su::table.find(account).filter(su::status.eq(from.as_str())))
        .set((su::status.eq(to.as_str()), su::status_since.eq(today)))
        .execute(conn)
        .map(|n| n == 1)
}

/// The site's accounts in `status` whose `arrears_since` (for `normal`) or
/// `status_since` (otherwise) is on or before `cutoff`: those the sweep moves along.
pub fn supply_due(
    conn: &mut AnyConnection,
    site: SiteId,
    status: SupplyStatus,
    cutoff: NaiveDate,
) -> QueryResult<Vec<SupplyRow>> {
    let query = su::table
        .filter(su::site_id.eq(site))
        .filter(su::status.eq(status.as_str()))
        .select(SupplyRow::as_select())
        .order(su::account_id)
        .into_boxed();
    let query = match status {
        SupplyStatus::Normal => query.filter(su::arrears_since.le(cutoff)),
        _ => query.filter(su::status_since.le(cutoff)),
    };
    query.load(conn)
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = d)]
pub struct DunningRow {
    pub id: HotWaterDunningId,
    pub account_id: HotWaterAccountId,
    pub site_id: SiteId,
    pub unit_id: UnitId,
    pub complaint_id: Option<ComplaintId>,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub started_by: UserId,
    pub created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = d)]
pub struct NewDunningRow {
    pub account_id: HotWaterAccountId,
    pub site_id: SiteId,
    pub unit_id: UnitId,
    pub complaint_id: Option<ComplaintId>,
    pub started_on: NaiveDate,
    pub started_by: UserId,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = ds)]
pub struct DunningStepRow {
    pub id: HotWaterDunningStepId,
    pub dunning_id: HotWaterDunningId,
    #[diesel(deserialize_as = String)]
    pub step: DunningStep,
    pub taken_on: NaiveDate,
    pub arrears_fen: i64,
    pub arrears_since: NaiveDate,
    pub late_fee_fen: i64,
    pub note: Option<String>,
    pub taken_by: UserId,
    pub created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = ds)]
pub struct NewDunningStepRow {
    pub dunning_id: HotWaterDunningId,
    #[diesel(serialize_as = String)]
    pub step: DunningStep,
    pub taken_on: NaiveDate,
    pub arrears_fen: i64,
    pub arrears_since: NaiveDate,
    pub late_fee_fen: i64,
    pub note: Option<String>,
    pub taken_by: UserId,
    pub created_at: NaiveDateTime,
}

/// The account's open ladder.
pub fn open_dunning(
    conn: &mut AnyConnection,
    account: HotWaterAccountId,
) -> QueryResult<Option<DunningRow>> {
    d::table
        .filter(d::account_id.eq(account))
        .filter(d::ended_on.is_null())
        .select(DunningRow::as_select())
        .first(conn)
        .optional()
}

/// The unit's latest ladder, open or ended.
pub fn latest_dunning(conn: &mut AnyConnection, unit: UnitId) -> QueryResult<Option<DunningRow>> {
    d::table
        .filter(d::unit_id.eq(unit))
        .select(DunningRow::as_select())
        .order(d::id.desc())
        .first(conn)
        .optional()
}

/// The site's open ladders, oldest first.
pub fn open_dunnings_of_site(
    conn: &mut AnyConnection,
    site: SiteId,
) -> QueryResult<Vec<DunningRow>> {
    d::table
        .filter(d::site_id.eq(site))
        .filter(d::ended_on.is_null())
        .select(DunningRow::as_select())
        .order(d::id)
        .load(conn)
}

/// The steps of the ladders, oldest first.
pub fn dunning_steps(
    conn: &mut AnyConnection,
    ladders: &[HotWaterDunningId],
) -> QueryResult<Vec<DunningStepRow>> {
    ds::table
        .filter(ds::dunning_id.eq_any(ladders))
        .select(DunningStepRow::as_select())
        .order(ds::id)
        .load(conn)
}

pub fn insert_dunning(conn: &mut AnyConnection, row: NewDunningRow) -> QueryResult<DunningRow> {
    diesel::insert_into(d::table).values(row).get_result(conn)
}

pub fn insert_dunning_step(
    conn: &mut AnyConnection,
    row: NewDunningStepRow,
) -> QueryResult<DunningStepRow> {
    diesel::insert_into(ds::table).values(row).get_result(conn)
}

/// Ends the account's open ladder, if it has one: the arrears are paid.
pub fn end_dunning(
    conn: &mut AnyConnection,
    account: HotWaterAccountId,
    today: NaiveDate,
) -> QueryResult<()> {
    diesel::update(
        d::table
            .filter(d::account_id.eq(account))
            .filter(d::ended_on.is_null()),
    )
    .set(d::ended_on.eq(today))
    .execute(conn)
    .map(|_| ())
}

/// A timestamp spliced into SQL: formatted here, never taken from a request, as
/// diesel writes timestamps to SQLite (whose text compares as text; PostgreSQL's are
/// typed), so an entry at a bound falls on the same side as in a diesel query.
fn sql_time(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%d %H:%M:%S%.f").to_string()
}

#[derive(QueryableByName)]
pub struct KindTotal {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub kind: String,
    #[diesel(sql_type = BigInt)]
    pub total_fen: i64,
}

/// The site's entries recorded in `[start, end)`, summed by kind.
pub fn totals_by_kind(
    conn: &mut AnyConnection,
    site: SiteId,
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> QueryResult<Vec<KindTotal>> {
    diesel::sql_query(format!(
        "SELECT kind, CAST(SUM(amount_fen) AS BIGINT) AS total_fen FROM hot_water_entries \
         WHERE site_id = {site} AND created_at >= '{}' AND created_at < '{}' GROUP BY kind",
        sql_time(start),
        sql_time(end)
    ))
    .load(conn)
}

#[derive(QueryableByName)]
pub struct SupplyBalance {
    #[diesel(sql_type = BigInt)]
    pub unit_id: UnitId,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub status: String,
    #[diesel(sql_type = diesel::sql_types::Date)]
    pub status_since: NaiveDate,
    #[diesel(sql_type = Nullable<diesel::sql_types::Date>)]
    pub arrears_since: Option<NaiveDate>,
    #[diesel(sql_type = BigInt)]
    pub balance_fen: i64,
}

/// The site's accounts in arrears or with their supply not normal, each with its balance.
pub fn supply_balances(conn: &mut AnyConnection, site: SiteId) -> QueryResult<Vec<SupplyBalance>> {
    diesel::sql_query(format!(
        "SELECT s.unit_id, s.status, s.status_since, s.arrears_since, \
         CAST(COALESCE(SUM(e.amount_fen), 0) AS BIGINT) AS balance_fen \
         FROM hot_water_supply s LEFT JOIN hot_water_entries e ON e.account_id = s.account_id \
         WHERE s.site_id = {site} AND (s.arrears_since IS NOT NULL OR s.status <> 'normal') \
         GROUP BY s.unit_id, s.status, s.status_since, s.arrears_since ORDER BY s.unit_id"
    ))
    .load(conn)
}

/// The site's entries recorded in `[start, end)`, oldest first, with their unit.
pub fn entries_of_site(
    conn: &mut AnyConnection,
    site: SiteId,
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> QueryResult<Vec<(EntryRow, crate::units::repo::UnitRow)>> {
    e::table
        .inner_join(a::table)
        .inner_join(units::table.on(units::id.eq(a::unit_id)))
        .filter(e::site_id.eq(site))
        .filter(e::created_at.ge(start))
        .filter(e::created_at.lt(end))
        .select((
            EntryRow::as_select(),
            crate::units::repo::UnitRow::as_select(),
        ))
        .order(e::id)
        .load(conn)
}

/// The site's units told of the quarter's reading.
pub fn noticed_units(
    conn: &mut AnyConnection,
    site: SiteId,
    quarter: &str,
) -> QueryResult<Vec<UnitId>> {
    rn::table
        .filter(rn::site_id.eq(site))
        .filter(rn::quarter.eq(quarter))
        .select(rn::unit_id)
        .load(conn)
}

/// Records that the unit was told of the quarter's reading.
pub fn insert_reading_notice(
    conn: &mut AnyConnection,
    site: SiteId,
    quarter: &str,
    unit: UnitId,
    by: UserId,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(rn::table)
        .values((
            rn::site_id.eq(site),
            rn::quarter.eq(quarter),
            rn::unit_id.eq(unit),
            rn::noticed_by.eq(by),
            rn::noticed_at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Every entry of the account, oldest first: (when, fen).
pub fn movements(
    conn: &mut AnyConnection,
    account: HotWaterAccountId,
) -> QueryResult<Vec<(NaiveDateTime, i64)>> {
    e::table
        .filter(e::account_id.eq(account))
        .select((e::created_at, e::amount_fen))
        .order(e::id)
        .load(conn)
}

/// The payments credited under these payment system references: each reference and its
/// entry.
pub fn credited_references(
    conn: &mut AnyConnection,
    references: Vec<String>,
) -> QueryResult<Vec<(String, HotWaterEntryId)>> {
    e::table
        .filter(e::provider_reference.eq_any(references))
        .select((e::provider_reference.assume_not_null(), e::id))
        .load(conn)
}

/// Whether a payment under this payment system's reference was credited, to any unit.
pub fn reported_payment(conn: &mut AnyConnection, reference: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        e::table.filter(e::provider_reference.eq(reference)),
    ))
    .get_result(conn)
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = rr)]
pub struct RefusedReportRow {
    pub id: i64,
    pub api_key_id: i64,
    pub idempotency_key: String,
    pub unit_id: UnitId,
    pub site_id: SiteId,
    pub provider_reference: String,
    pub amount_fen: i64,
    pub currency: String,
    pub problem: String,
    pub detail: String,
    pub received_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = rr)]
pub struct NewRefusedReportRow {
    pub api_key_id: i64,
    pub idempotency_key: String,
    pub unit_id: UnitId,
    pub site_id: SiteId,
    pub provider_reference: String,
    pub amount_fen: i64,
    pub currency: String,
    pub problem: String,
    pub detail: String,
    pub received_at: NaiveDateTime,
}

/// Keeps a refused report once: a retry of it (its key, reference, unit and amount) is
/// not kept again.
pub fn insert_refused_report(
    conn: &mut AnyConnection,
    row: NewRefusedReportRow,
) -> QueryResult<()> {
    let kept = diesel::select(diesel::dsl::exists(
        rr::table
            .filter(rr::api_key_id.eq(row.api_key_id))
            .filter(rr::idempotency_key.eq(&row.idempotency_key))
            .filter(rr::provider_reference.eq(&row.provider_reference))
            .filter(rr::unit_id.eq(row.unit_id))
            .filter(rr::amount_fen.eq(row.amount_fen)),
    ))
    .get_result::<bool>(conn)?;
    if !kept {
        diesel::insert_into(rr::table).values(row).execute(conn)?;
    }
    Ok(())
}

/// The site's refused payment reports, newest first.
pub fn refused_reports(
    conn: &mut AnyConnection,
    site: SiteId,
    page: PageRequest,
) -> QueryResult<Vec<RefusedReportRow>> {
    let mut query = rr::table
        .filter(rr::site_id.eq(site))
        .select(RefusedReportRow::as_select())
        .order(rr::id.desc())
        .limit(page.fetch())
        .into_boxed();
    if let Some(before) = page.after_id {
        query = query.filter(rr::id.lt(before));
    }
    query.load(conn)
}
