//! The customer profile (R-ARC-6): key-customer flags and butler visits.

use super::{kept, record, view, Access};
use crate::access::Actor;
use crate::archives::dto::*;
use crate::archives::repo::{self};
use crate::db::{self, utc};
use crate::error::AppError;
use crate::idempotency::{self, Answer};
use crate::ids::ArchiveId;
use crate::state::AppState;
use crate::timeline::Subject;
use crate::visits::{self, NewVisit, Visit};

/// Sets a key-customer flag with its reason (R-ARC-6).
pub async fn flag(
    state: &AppState,
    actor: &Actor,
    id: ArchiveId,
    input: NewFlag,
) -> Result<Archive, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    idempotency::transaction(state, Answer::Done, move |conn| {
        let row = kept(conn, &actor, id, now, true)?;
        repo::insert_flag(
            conn,
            id,
            input.flag,
            input.reason.as_str(),
            actor.user_id,
            utc(now),
        )?;
        let note = format!("{}: {}", input.flag.as_str(), input.reason.as_str());
        record(conn, &actor, id, "flag", None, None, Some(note), now)?;
        view(conn, &actor, row, &Access::Keeper, now)
    })
    .await
}

/// Takes a key-customer flag off; 404 when the archive does not carry it.
pub async fn unflag(
    state: &AppState,
    actor: &Actor,
    id: ArchiveId,
    flag: crate::archives::Flag,
) -> Result<Archive, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    db::transaction(&state.pool, move |conn| {
        let row = kept(conn, &actor, id, now, true)?;
        if repo::delete_flag(conn, id, flag)? == 0 {
            return Err(AppError::NotFound("flag"));
        }
        record(
            conn,
            &actor,
            id,
            "unflag",
            None,
            None,
            Some(flag.as_str().into()),
            now,
        )?;
        view(conn, &actor, row, &Access::Keeper, now)
    })
    .await
}

/// A butler's visit to the owner (R-ARC-6: lists find the owners not visited lately).
pub async fn visit(
    state: &AppState,
    actor: &Actor,
    id: ArchiveId,
    input: NewVisit,
) -> Result<Vec<Visit>, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    idempotency::transaction(state, Answer::Created, move |conn| {
        let row = kept(conn, &actor, id, now, true)?;
        visits::repo::record(
            conn,
            Subject::Archive,
            row.id,
            actor.user_id,
            &input,
            utc(now),
        )?;
        Ok(visits::repo::of_subject(conn, Subject::Archive, row.id)?)
    })
    .await
}

/// The archive's butler visits, oldest first.
pub async fn visits_of(
    state: &AppState,
    actor: &Actor,
    id: ArchiveId,
) -> Result<Vec<Visit>, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    db::read(&state.pool, move |conn| {
        let row = kept(conn, &actor, id, now, false)?;
        Ok(visits::repo::of_subject(conn, Subject::Archive, row.id)?)
    })
    .await
}
