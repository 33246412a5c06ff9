//! Unit rules: the desk (butlers, managers) keeps the units of its sites; engineers read
//! them; a resident reaches only the units they currently live in.

use chrono::NaiveDate;

use super::model::{centi_to_area, code, FloorArea, NewUnit, Unit, UnitChanges, UnitFilter};
use super::repo::{self, NewUnitRow, UnitQuery, UnitRow, UnitUpdate};
use crate::access::{self, Actor};
use crate::db::{self, utc, AnyConnection};
use crate::error::{AppError, Lookup, Precondition};
use crate::idempotency::{self, Answer};
use crate::ids::UnitId;
use crate::pagination::{Page, PageRequest};
use crate::sites;
use crate::state::AppState;

impl From<UnitRow> for Unit {
    fn from(row: UnitRow) -> Self {
        Unit {
            code: code(&row.building, &row.entrance, &row.room),
            id: row.id,
            site_id: row.site_id,
            building: row.building,
            entrance: row.entrance,
            room: row.room,
            floor_area_m2: centi_to_area(row.floor_area_centi_m2),
            handover_date: row.handover_date,
            active: row.active,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        }
    }
}

/// The unit's label (`1-1-101`), as notices, letters and reports name it.
pub fn label(conn: &mut AnyConnection, id: UnitId) -> Result<String, AppError> {
    let unit = repo::find(conn, id)?.ok_or(AppError::NotFound("unit"))?;
    Ok(unit.label())
}

/// The unit if the actor may see it, else "not found" (never "forbidden", so ids of other
/// units reveal nothing).
pub fn visible_unit(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: UnitId,
    today: NaiveDate,
) -> Result<UnitRow, AppError> {
    let unit = repo::find(conn, id)?.ok_or(AppError::NotFound("unit"))?;
    access::may_see_record(conn, actor, unit.site_id, Some(unit.id), today)?
        .then_some(unit)
        .ok_or(AppError::NotFound("unit"))
}

pub async fn create(state: &AppState, actor: &Actor, input: NewUnit) -> Result<Unit, AppError> {
    let actor = actor.clone();
    let now = utc(state.now());
    idempotency::transaction(state, Answer::Created, move |conn| {
        let site = sites::service::visible_site(conn, &actor, input.site_id)
            .missing_as(|| AppError::field("site_id", "no site with this id among yours"))?;
        if !site.active {
            return Err(AppError::precondition(
                Precondition::SiteInactive,
                "the site is deactivated",
            ));
        }
        let row = repo::insert(
            conn,
            &NewUnitRow {
                site_id: site.id,
                building: &input.building,
                entrance: &input.entrance,
                room: &input.room,
                floor_area_centi_m2: input.floor_area_m2.map(FloorArea::centi_m2),
                handover_date: input.handover_date,
                active: true,
                created_at: now,
                updated_at: now,
            },
        )?;
        Ok(row.into())
    })
    .await
}

pub async fn get(state: &AppState, actor: &Actor, id: UnitId) -> Result<Unit, AppError> {
    let actor = actor.clone();
    let today = state.now().date_naive();
    db::read(&state.pool, move |conn| {
        Ok(visible_unit(conn, &actor, id, today)?.into())
    })
    .await
}

pub async fn list(
    state: &AppState,
    actor: &Actor,
    filter: UnitFilter,
    page: PageRequest,
) -> Result<Page<Unit>, AppError> {
    let actor = actor.clone();
    let today = state.now().date_naive();
    db::read(&state.pool, move |conn| {
        let reach = access::reach(conn, &actor, today)?;
        let query = UnitQuery {
            site_id: filter.site_id,
            building: filter.building,
            active: filter.active,
        };
        let rows = repo::list(conn, reach, query, page)?;
        Ok(Page::from_rows(rows, page, |r| r.id, Unit::from))
    })
    .await
}

pub async fn update(
    state: &AppState,
    actor: &Actor,
    id: UnitId,
    changes: UnitChanges,
) -> Result<Unit, AppError> {
    apply(state, actor, id, move |now| UnitUpdate {
        building: changes.building.map(String::from),
        entrance: changes.entrance.map(String::from),
        room: changes.room.map(String::from),
        floor_area_centi_m2: changes.floor_area_m2.map(|a| a.map(FloorArea::centi_m2)),
        handover_date: changes.handover_date,
        active: None,
        updated_at: Some(now),
    })
    .await
}

pub async fn set_active(
    state: &AppState,
    actor: &Actor,
    id: UnitId,
    active: bool,
) -> Result<Unit, AppError> {
    apply(state, actor, id, move |now| UnitUpdate {
        active: Some(active),
        updated_at: Some(now),
        ..UnitUpdate::default()
    })
    .await
}

/// Applies a change to a unit the actor's desk keeps.
async fn apply(
    state: &AppState,
    actor: &Actor,
    id: UnitId,
    changes: impl FnOnce(chrono::NaiveDateTime) -> UnitUpdate + Send + 'static,
) -> Result<Unit, AppError> {
    let actor = actor.clone();
    let now = state.now();
    idempotency::transaction(state, Answer::Done, move |conn| {
        visible_unit(conn, &actor, id, now.date_naive())?;
        let row = repo::update(conn, id, &changes(utc(now)))?;
        Ok(row.into())
    })
    .await
}
