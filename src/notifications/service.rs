//! The notification use cases: a person's own list, unread count and marking read; staff
//! reading a unit's notices and recording a delivery by phone or on paper.

use chrono::{DateTime, Utc};

use super::repo::{self, Mine, NotificationRow};
use super::{MarkedRead, NewDelivery, Notification, NotificationFilter, UnreadCount};
use crate::access::{self, Actor, Role};
use crate::db::{self, utc, AnyConnection};
use crate::error::AppError;
use crate::idempotency::{self, Answer};
use crate::ids::UnitId;
use crate::pagination::{Page, PageRequest};
use crate::state::AppState;
use crate::units;

/// The caller's notifications, as a list shows them: for a resident, only those of the
/// units they live in today (and those of no unit).
fn mine(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    unread_only: bool,
) -> Result<Mine, AppError> {
    let units = match actor.role {
        Role::Resident => Some(access::repo::current_unit_ids(
            conn,
            actor.user_id,
            now.date_naive(),
        )?),
        _ => None,
    };
    Ok(Mine {
        recipient_id: actor.user_id,
        units,
        unread_only,
    })
}

/// The caller's notification `id`, or 404: another person's, or (for a resident) one of a
/// unit they no longer live in.
fn own(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
    now: DateTime<Utc>,
) -> Result<NotificationRow, AppError> {
    let mine = mine(conn, actor, now, false)?;
    repo::find_mine(conn, &mine, id)?.ok_or(AppError::NotFound("notification"))
}

pub async fn list(
    state: &AppState,
    actor: &Actor,
    filter: NotificationFilter,
    page: PageRequest,
) -> Result<Page<Notification>, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    db::read(&state.pool, move |conn| {
        let mine = mine(conn, &actor, now, filter.unread.unwrap_or(false))?;
        let rows = repo::page_of(conn, &mine, page)?;
        Ok(Page::from_rows(rows, page, |r| r.id, Notification::from))
    })
    .await
}

pub async fn unread_count(state: &AppState, actor: &Actor) -> Result<UnreadCount, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    db::read(&state.pool, move |conn| {
        let mine = mine(conn, &actor, now, true)?;
        Ok(UnreadCount {
            unread: repo::count(conn, &mine)?,
        })
    })
    .await
}

/// Marks one of the caller's notifications read (again: no change).
pub async fn mark_read(state: &AppState, actor: &Actor, id: i64) -> Result<Notification, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    idempotency::transaction(state, Answer::Done, move |conn| {
        own(conn, &actor, id, now)?;
        Ok(repo::mark_read(conn, id, utc(now))?.into())
    })
    .await
}

pub async fn mark_all_read(state: &AppState, actor: &Actor) -> Result<MarkedRead, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    idempotency::transaction(state, Answer::Done, move |conn| {
        let mine = mine(conn, &actor, now, false)?;
        let marked = repo::mark_all_read(conn, &mine, utc(now))?;
        Ok(MarkedRead {
            marked: marked as i64,
        })
    })
    .await
}

/// A unit's notifications, newest first, for the staff of its site.
pub async fn of_unit(
    state: &AppState,
    actor: &Actor,
    unit_id: UnitId,
    page: PageRequest,
) -> Result<Page<Notification>, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    db::read(&state.pool, move |conn| {
        units::service::visible_unit(conn, &actor, unit_id, now.date_naive())?;
        let rows = repo::page_of_unit(conn, unit_id, page)?;
        Ok(Page::from_rows(rows, page, |r| r.id, Notification::from))
    })
    .await
}

/// Records that the calling staff member delivered a notice of their site themselves.
pub async fn record_delivery(
    state: &AppState,
    actor: &Actor,
    id: i64,
    delivery: NewDelivery,
) -> Result<Notification, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    idempotency::transaction(state, Answer::Done, move |conn| {
        repo::find(conn, id)?
            .filter(|row| actor.covers_site(row.site_id))
            .ok_or(AppError::NotFound("notification"))?;
        let row = repo::record_delivery(conn, id, actor.user_id, delivery.via, utc(now))?;
        Ok(row.into())
    })
    .await
}
