//! Meters and readings (R-HW-2): registering a unit's meter, replacing it, reading it, and
//! a quarter's reading campaign.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Days, NaiveDate, Utc};

use super::model::{self, Quarter};
use super::repo::{self, MeterRow, NewMeterRow, NewReadingRow, ReadingRow};
use super::tariffs::{self, Usage};
use super::{
    BuildingProgress, CampaignNotices, CampaignProgress, Meter, MeterReplacement, NewMeter,
    NewReading, Reading, Tally, MAX_READING_DELAY_DAYS,
};
use crate::access::{self, Actor};
use crate::db::{self, utc, AnyConnection};
use crate::error::{AppError, Precondition, Validator};
use crate::i18n::Msg;
use crate::idempotency::{self, Answer};
use crate::ids::{HotWaterMeterId, HotWaterReadingId, SiteId, UnitId};
use crate::notifications::{self, Kind, Notice};
use crate::pagination::{Page, PageRequest};
use crate::sites;
use crate::state::AppState;
use crate::timeline::Subject;
use crate::units::{self, repo::UnitRow};

/// The unit's meters, the one in service first.
pub async fn meters(
    state: &AppState,
    actor: &Actor,
    unit_id: UnitId,
) -> Result<Vec<Meter>, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    db::read(&state.pool, move |conn| {
        units::service::visible_unit(conn, &actor, unit_id, now.date_naive())?;
        Ok(repo::meters_of_unit(conn, unit_id)?
            .into_iter()
            .map(Meter::from)
            .collect())
    })
    .await
}

/// The unit's first meter; a unit with a meter in service has it replaced instead.
pub async fn register(
    state: &AppState,
    actor: &Actor,
    unit_id: UnitId,
    input: NewMeter,
) -> Result<Meter, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    idempotency::transaction(state, Answer::Created, move |conn| {
        register_in(conn, &actor, unit_id, input, now)
    })
    .await
}

/// R-HW-2: the old meter's final reading and the new meter's initial one, so readings go
/// on from the new meter's figure.
pub async fn replace(
    state: &AppState,
    actor: &Actor,
    unit_id: UnitId,
    input: MeterReplacement,
) -> Result<Meter, AppError> {
    let meter = Installation {
        serial_number: input.serial_number.as_str().to_owned(),
        installed_on: input.installed_on,
        initial_litres: input.initial_litres,
    };
    let retiring = Retiring {
        meter_id: input.meter_id,
        final_litres: input.final_litres,
    };
    let (actor, now) = (actor.clone(), state.now());
    idempotency::transaction(state, Answer::Created, move |conn| {
        install_in(conn, &actor, unit_id, meter, Some(retiring), now)
    })
    .await
}

/// The meter in service to retire, and its final figure.
struct Retiring {
    meter_id: HotWaterMeterId,
    final_litres: u32,
}

/// A meter to put in service.
struct Installation {
    serial_number: String,
    installed_on: NaiveDate,
    initial_litres: u32,
}

/// The unit's first meter, registered in the caller's transaction: at a move-in.
pub fn register_in(
    conn: &mut AnyConnection,
    actor: &Actor,
    unit_id: UnitId,
    input: NewMeter,
    now: DateTime<Utc>,
) -> Result<Meter, AppError> {
    let meter = Installation {
        serial_number: input.serial_number.as_str().to_owned(),
        installed_on: input.installed_on,
        initial_litres: input.initial_litres,
    };
    install_in(conn, actor, unit_id, meter, None, now)
}

/// Puts `meter` in service: the unit's first (`retiring` none), or in place of the meter
/// in service, retired with its final figure (`retiring`, which names it).
fn install_in(
    conn: &mut AnyConnection,
    actor: &Actor,
    unit_id: UnitId,
    meter: Installation,
    retiring: Option<Retiring>,
    now: DateTime<Utc>,
) -> Result<Meter, AppError> {
    let (unit, today) = local_unit(conn, actor, unit_id, now)?;
    let mut v = Validator::new();
    let old = match (repo::meter_in_service(conn, unit.id)?, retiring) {
        (Some(_), None) => {
            return Err(AppError::Duplicate(Msg::new(
                "the unit has a meter in service: replace it (POST .../meters/replace)",
            )))
        }
        (None, Some(_)) => return Err(no_meter()),
        (None, None) => {
            v.check(
                meter.installed_on <= today,
                "installed_on",
                "must not be in the future",
            );
            None
        }
        (Some(old), Some(retiring)) => {
            if old.id != retiring.meter_id {
                return Err(replaced_already(retiring.meter_id, old.id));
            }
            let (last, last_on) = last_figure(conn, &old)?;
            let final_litres = i64::from(retiring.final_litres);
            v.check(
                final_litres >= last,
                "final_litres",
                Msg::new("must not be below the meter's latest reading, %{litres} litres")
                    .arg("litres", last),
            )
            .check(
                last_on <= meter.installed_on && meter.installed_on <= today,
                "installed_on",
                "must lie between the old meter's latest reading (or installation) and today",
            );
            let tail = Usage {
                reading_id: None,
                from: last_on,
                to: meter.installed_on,
                litres: final_litres - last,
            };
            Some((old.id, final_litres, tail))
        }
    };
    v.finish()?;
    if let Some((old, final_litres, tail)) = old {
        repo::retire_meter(conn, old, meter.installed_on, final_litres)?;
        // The litres the old meter counted since its last reading are billed now.
        tariffs::charge(conn, &unit, tail, actor.user_id, now)?;
    }
    let row = repo::insert_meter(
        conn,
        NewMeterRow {
            unit_id: unit.id,
            site_id: unit.site_id,
            serial_number: meter.serial_number,
            installed_on: meter.installed_on,
            initial_litres: i64::from(meter.initial_litres),
            registered_by: actor.user_id,
            created_at: utc(now),
        },
    )?;
    Ok(Meter::from(row))
}

/// R-HW-2: a reading of the unit's meter in service. It never goes below the meter's
/// previous one; outside the quarter's window it needs a reason and is marked so; a usage
/// far above the unit's usual is taken but flagged. R-HW-3: the usage is charged at once,
/// a flagged one when a butler confirms it.
pub async fn read(
    state: &AppState,
    actor: &Actor,
    unit_id: UnitId,
    input: NewReading,
) -> Result<Reading, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    idempotency::transaction(state, Answer::Created, move |conn| {
        let (unit, today) = local_unit(conn, &actor, unit_id, now)?;
        let meter = in_service(conn, unit.id)?;
        // A handheld names the meter it read: one replaced since is not read on the new one.
        if let Some(read) = input.meter_id.filter(|read| *read != meter.id) {
            let unit_meters = repo::meters_of_unit(conn, unit.id)?;
            if !unit_meters.iter().any(|m| m.id == read) {
                return Err(AppError::field("meter_id", "not a meter of this unit"));
            }
            return Err(replaced_already(read, meter.id));
        }
        let (previous, previous_on) = last_figure(conn, &meter)?;
        let litres = i64::from(input.litres);
        let read_on = input.read_on.unwrap_or(today);
        let in_window = model::in_window(read_on);
        let recent = (today - Days::new(MAX_READING_DELAY_DAYS as u64)..=today).contains(&read_on);
        Validator::new()
            .check(
                recent,
                "read_on",
                Msg::new("must be today or within the last %{days} days")
                    .arg("days", MAX_READING_DELAY_DAYS),
            )
            // One answer per field: a day long past is not also before the last reading.
            .check(
                !recent || read_on >= previous_on,
                "read_on",
                Msg::new("must not be before the meter's previous reading, on %{day}")
                    .arg("day", previous_on),
            )
            .check(
                litres >= previous,
                "litres",
                Msg::new(
                    "must not be below the meter's previous reading, %{litres} litres; a \
                     new meter is recorded as a replacement",
                )
                .arg("litres", previous),
            )
            .check(
                in_window || input.reason.is_some(),
                "reason",
                "outside the reading window (the 25th to the 30th of a quarter's last month) \
                 a reading needs a reason",
            )
            .finish()?;
        let usage = litres - previous;
        let usual = repo::recent_usages(conn, unit.id, 4)?;
        let row = repo::insert_reading(
            conn,
            NewReadingRow {
                meter_id: meter.id,
                unit_id: unit.id,
                site_id: unit.site_id,
                litres,
                usage_litres: usage,
                read_on,
                quarter: Quarter::of(read_on).to_string(),
                in_window,
                reason: input.reason.map(|r| r.as_str().to_owned()),
                flagged: model::unusual(usage, &usual),
                read_by: actor.user_id,
                created_at: utc(now),
            },
        )?;
        if !row.flagged {
            let usage = Usage {
                reading_id: Some(row.id),
                from: previous_on,
                to: read_on,
                litres: usage,
            };
            tariffs::charge(conn, &unit, usage, actor.user_id, now)?;
        }
        Ok(Reading::from(row))
    })
    .await
}

/// A flagged reading confirmed by a butler, who has checked it with the resident: its
/// usage is charged now (R-HW-3).
pub async fn confirm(
    state: &AppState,
    actor: &Actor,
    unit_id: UnitId,
    reading_id: HotWaterReadingId,
) -> Result<Reading, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    idempotency::transaction(state, Answer::Done, move |conn| {
        let unit = units::service::visible_unit(conn, &actor, unit_id, now.date_naive())?;
        let Some(reading) =
            repo::confirm_reading(conn, unit.id, reading_id, actor.user_id, utc(now))?
        else {
            return Err(match repo::reading_of_unit(conn, unit.id, reading_id)? {
                None => AppError::NotFound("reading"),
                Some(_) => AppError::precondition(
                    Precondition::NothingToConfirm,
                    "only a flagged reading is confirmed, and once",
                ),
            });
        };
        let meter = repo::meter(conn, reading.meter_id)?;
        let from = repo::last_reading(conn, meter.id, Some(reading.id))?
            .map_or(meter.installed_on, |before| before.read_on);
        let usage = Usage {
            reading_id: Some(reading.id),
            from,
            to: reading.read_on,
            litres: reading.usage_litres,
        };
        tariffs::charge(conn, &unit, usage, actor.user_id, now)?;
        Ok(Reading::from(reading))
    })
    .await
}

/// The unit's readings, newest first; a resident's since their membership began.
pub async fn readings(
    state: &AppState,
    actor: &Actor,
    unit_id: UnitId,
    page: PageRequest,
) -> Result<Page<Reading>, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    db::read(&state.pool, move |conn| {
        let since = super::service::history_since(conn, &actor, unit_id, now)?;
        let rows = repo::page_of_readings(conn, unit_id, since, page)?;
        Ok(Page::from_rows(rows, page, |r| r.id, Reading::from))
    })
    .await
}

/// R-HW-2: a site's reading campaign of a quarter, per building.
pub async fn campaign(
    state: &AppState,
    actor: &Actor,
    site_id: SiteId,
    quarter: Quarter,
) -> Result<CampaignProgress, AppError> {
    let actor = actor.clone();
    db::read(&state.pool, move |conn| {
        sites::service::visible_site(conn, &actor, site_id)?;
        let (from, to) = quarter.window();
        let metered = repo::metered_units(conn, site_id, from, to)?;
        let read: HashMap<UnitId, bool> =
            repo::read_in_window(conn, site_id, &quarter.to_string())?
                .into_iter()
                .fold(HashMap::new(), |mut read, (unit, flagged)| {
                    *read.entry(unit).or_default() |= flagged;
                    read
                });
        let noticed: HashSet<UnitId> = repo::noticed_units(conn, site_id, &quarter.to_string())?
            .into_iter()
            .collect();
        let mut buildings: BTreeMap<String, Tally> = BTreeMap::new();
        for (unit, building) in metered {
            let tally = buildings.entry(building).or_default();
            tally.metered += 1;
            tally.noticed += i64::from(noticed.contains(&unit));
            match read.get(&unit) {
                Some(flagged) => {
                    tally.read += 1;
                    tally.flagged += i64::from(*flagged);
                }
                None => tally.missing += 1,
            }
        }
        let mut totals = Tally::default();
        for tally in buildings.values() {
            totals.metered += tally.metered;
            totals.noticed += tally.noticed;
            totals.read += tally.read;
            totals.missing += tally.missing;
            totals.flagged += tally.flagged;
        }
        Ok(CampaignProgress {
            quarter: quarter.to_string(),
            window_from: from,
            window_to: to,
            totals,
            buildings: buildings
                .into_iter()
                .map(|(building, tally)| BuildingProgress { building, tally })
                .collect(),
        })
    })
    .await
}

/// R-HW-2: tells the residents of every metered unit of the site that its meter is read in
/// the quarter's window (the desk), before the window ends; a unit once per quarter.
pub async fn notify_campaign(
    state: &AppState,
    actor: &Actor,
    site_id: SiteId,
    quarter: Quarter,
) -> Result<CampaignNotices, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    idempotency::transaction(state, Answer::Done, move |conn| {
        sites::service::visible_site(conn, &actor, site_id)?;
        let (_, today) = sites::service::site_today(conn, site_id, now)?;
        let (from, to) = quarter.window();
        if quarter > Quarter::of(today) {
            return Err(AppError::precondition(
                Precondition::ReadingNoticeTooEarly,
                Msg::new("notices go out in the quarter they announce, %{quarter} now")
                    .arg("quarter", Quarter::of(today)),
            ));
        }
        if today > to {
            return Err(AppError::precondition(
                Precondition::ReadingWindowOver,
                Msg::new("the reading window of %{quarter} ended on %{date}")
                    .arg("quarter", quarter)
                    .arg("date", to),
            ));
        }
        let name = quarter.to_string();
        let before: HashSet<UnitId> = repo::noticed_units(conn, site_id, &name)?
            .into_iter()
            .collect();
        let mut notices = CampaignNotices {
            quarter: name.clone(),
            window_from: from,
            window_to: to,
            noticed: 0,
            noticed_before: 0,
            without_residents: Vec::new(),
        };
        for (unit_id, _) in repo::metered_units(conn, site_id, from, to)? {
            if before.contains(&unit_id) {
                notices.noticed_before += 1;
                continue;
            }
            let label = units::service::label(conn, unit_id)?;
            let residents = access::repo::residents_of_unit(conn, unit_id, today)?;
            if residents.is_empty() {
                notices.without_residents.push(label);
                continue;
            }
            let message = Msg::new(
                "The hot-water meter of unit %{unit} is read between %{from} and %{to}: \
                 please let the engineer reach it, or tell the service desk when suits you.",
            )
            .arg("unit", &label)
            .arg("from", from)
            .arg("to", to);
            let account = repo::open_account(conn, unit_id, site_id, utc(now))?;
            let sent = Notice::to_each(
                residents,
                Kind::HotWaterReading,
                site_id,
                Some(unit_id),
                &message,
            );
            let account_id: i64 = account.id.into();
            notifications::notify(
                conn,
                Subject::HotWaterAccount,
                account_id,
                sent,
                Some(actor.user_id),
                now,
            )?;
            repo::insert_reading_notice(conn, site_id, &name, unit_id, actor.user_id, utc(now))?;
            notices.noticed += 1;
        }
        Ok(notices)
    })
    .await
}

/// The unit as the actor sees it, and today's date in its site's time zone.
fn local_unit(
    conn: &mut AnyConnection,
    actor: &Actor,
    unit_id: UnitId,
    now: DateTime<Utc>,
) -> Result<(UnitRow, NaiveDate), AppError> {
    let unit = units::service::visible_unit(conn, actor, unit_id, now.date_naive())?;
    let (_, today) = sites::service::site_today(conn, unit.site_id, now)?;
    Ok((unit, today))
}

fn in_service(conn: &mut AnyConnection, unit: UnitId) -> Result<MeterRow, AppError> {
    repo::meter_in_service(conn, unit)?.ok_or_else(no_meter)
}

fn replaced_already(meter: HotWaterMeterId, in_service: HotWaterMeterId) -> AppError {
    AppError::precondition(
        Precondition::MeterNotInService,
        Msg::new(
            "meter %{meter} is not the unit's meter in service (meter %{in_service}): it was \
             replaced already",
        )
        .arg("meter", meter)
        .arg("in_service", in_service),
    )
}

fn no_meter() -> AppError {
    AppError::precondition(
        Precondition::NoMeter,
        "the unit has no hot-water meter in service: register it first",
    )
}

/// The meter's latest figure and its day: its latest reading, or its initial reading.
fn last_figure(conn: &mut AnyConnection, meter: &MeterRow) -> Result<(i64, NaiveDate), AppError> {
    Ok(repo::last_reading(conn, meter.id, None)?
        .map_or((meter.initial_litres, meter.installed_on), |r| {
            (r.litres, r.read_on)
        }))
}

impl From<MeterRow> for Meter {
    fn from(row: MeterRow) -> Self {
        Meter {
            id: row.id,
            unit_id: row.unit_id,
            serial_number: row.serial_number,
            installed_on: row.installed_on,
            initial_litres: row.initial_litres,
            removed_on: row.removed_on,
            final_litres: row.final_litres,
        }
    }
}

impl From<ReadingRow> for Reading {
    fn from(row: ReadingRow) -> Self {
        Reading {
            id: row.id,
            meter_id: row.meter_id,
            litres: row.litres,
            usage_litres: row.usage_litres,
            read_on: row.read_on,
            quarter: row.quarter,
            in_window: row.in_window,
            reason: row.reason,
            flagged: row.flagged,
            read_by: row.read_by,
            created_at: row.created_at.and_utc(),
            confirmed_by: row.confirmed_by,
            confirmed_at: row.confirmed_at.map(|at| at.and_utc()),
        }
    }
}
