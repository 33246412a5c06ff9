//! Registering an archive at move-in, its people, closing it when the owner leaves, the
//! ID-number reveal, and re-sealing after a key change.

use chrono::{DateTime, Utc};

use super::{kept, log, record, view, Access};
use crate::access::Actor;
use crate::archives::dto::*;
use crate::archives::repo::{self, NewArchiveRow, NewPersonRow};
use crate::archives::{checklist, ArchiveStatus, PersonRelation, ReadWhat};
use crate::db::{self, utc, AnyConnection};
use crate::error::{AppError, Lookup};
use crate::i18n::Msg;
use crate::idempotency::{self, Answer};
use crate::ids::{ArchiveId, ArchivePersonId};
use crate::pii::{self, Vault};
use crate::state::AppState;
use crate::{calendar, sites, units};

/// Registers the archive of a new owner at move-in (R-ARC-1): due to be opened by the close
/// of the next working day on the site's calendar, judged against the site's checklist as it
/// stands now (R-ARC-2).
pub async fn open(state: &AppState, actor: &Actor, input: NewArchive) -> Result<Archive, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    let vault = state.pii.clone();
    idempotency::transaction(state, Answer::Created, move |conn| {
        register(conn, &actor, &vault, input, now)
    })
    .await
}

/// Registers the archive inside the caller's transaction: on its own, or as a step of a
/// move-in (`keys::move_in`).
pub fn register(
    conn: &mut AnyConnection,
    actor: &Actor,
    vault: &Vault,
    input: NewArchive,
    now: DateTime<Utc>,
) -> Result<Archive, AppError> {
    let moved_in_at = input.moved_in_at.unwrap_or(now);
    if moved_in_at > now {
        return Err(AppError::field(
            "moved_in_at",
            "a move-in is recorded once it has happened",
        ));
    }
    let today = now.date_naive();
    let unit = units::service::visible_unit(conn, actor, input.unit_id, today)
        .missing_as(|| AppError::field("unit_id", "no unit with this id among yours"))?;
    let occupancy = repo::owner_occupancy(conn, unit.id, input.owner_id, today)?
        .ok_or_else(|| AppError::field("owner_id", "is not an owner of this unit today"))?;
    if let Some(live) = repo::live_of_unit(conn, unit.id)? {
        return Err(AppError::Duplicate(
            Msg::new(
                "the unit's archive %{archive} is still open: close it when its owner leaves, \
                 then open the next owner's",
            )
            .arg("archive", live.id),
        ));
    }
    let tz = sites::service::time_zone(conn, unit.site_id)?;
    let calendar = calendar::service::load(
        conn,
        unit.site_id,
        moved_in_at.with_timezone(&tz).date_naive(),
    )?;
    let open_by = calendar.close_of_next_working_day(tz, moved_in_at);
    let checklist_id = checklist::current_id(conn, unit.site_id, now)?;
    let row = repo::insert(
        conn,
        NewArchiveRow {
            site_id: unit.site_id,
            unit_id: unit.id,
            occupancy_id: occupancy,
            owner_id: input.owner_id,
            checklist_id,
            status: ArchiveStatus::Opening,
            moved_in_at: utc(moved_in_at),
            open_by: utc(open_by),
            staff_note: input.staff_note.map(|n| n.to_string()),
            created_by: actor.user_id,
            created_at: utc(now),
            updated_at: utc(now),
        },
    )?;
    let (name, phone) = repo::contact_of(conn, input.owner_id)?
        .ok_or_else(|| AppError::field("owner_id", "no such person"))?;
    add_person(
        conn,
        vault,
        row.id,
        Some(input.owner_id),
        name,
        PersonRelation::Owner,
        phone,
        input.id_number.as_ref(),
        now,
    )?;
    record(
        conn,
        actor,
        row.id,
        "open",
        None,
        Some(row.status),
        None,
        now,
    )?;
    view(conn, actor, row, &Access::Keeper, now)
}

#[allow(clippy::too_many_arguments)]
fn add_person(
    conn: &mut AnyConnection,
    vault: &Vault,
    archive_id: ArchiveId,
    user_id: Option<crate::ids::UserId>,
    name: String,
    relation: PersonRelation,
    phone: Option<String>,
    id_number: Option<&crate::contact::IdNumber>,
    now: DateTime<Utc>,
) -> Result<repo::PersonRow, AppError> {
    Ok(repo::insert_person(
        conn,
        NewPersonRow {
            archive_id,
            user_id,
            name,
            relation,
            phone,
            id_number_sealed: id_number.map(|id| vault.seal(id.as_str())),
            id_number_hash: id_number.map(|id| vault.lookup_hash(id.as_str())),
            id_number_masked: id_number.map(|id| pii::mask_id_number(id.as_str())),
            created_at: utc(now),
        },
    )?)
}

/// Adds a co-owner, family member or tenant to an open archive.
pub async fn add_people(
    state: &AppState,
    actor: &Actor,
    id: ArchiveId,
    input: NewPerson,
) -> Result<Archive, AppError> {
    let (actor, now, vault) = (actor.clone(), state.now(), state.pii.clone());
    idempotency::transaction(state, Answer::Created, move |conn| {
        let row = kept(conn, &actor, id, now, true)?;
        if let Some(user) = input.user_id {
            repo::contact_of(conn, user)?
                .ok_or_else(|| AppError::field("user_id", "no such person"))?;
        }
        let person = add_person(
            conn,
            &vault,
            row.id,
            input.user_id,
            input.name.to_string(),
            input.relation,
            input.phone.map(String::from),
            input.id_number.as_ref(),
            now,
        )?;
        record(
            conn,
            &actor,
            row.id,
            "add_person",
            None,
            None,
            Some(person.name),
            now,
        )?;
        view(conn, &actor, row, &Access::Keeper, now)
    })
    .await
}

/// The owner moves out or sells (R-ARC-4): the archive closes and is kept; the unit is free
/// for the next owner's.
pub async fn close(
    state: &AppState,
    actor: &Actor,
    id: ArchiveId,
    input: CloseArchive,
) -> Result<Archive, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    idempotency::transaction(state, Answer::Done, move |conn| {
        let row = kept(conn, &actor, id, now, true)?;
        let change = repo::StatusChange {
            status: ArchiveStatus::Closed,
            opened_at: row.opened_at,
            established_at: row.established_at,
            closed_at: Some(utc(now)),
            close_reason: Some(input.reason),
        };
        let updated = repo::update_status(conn, &row, change, utc(now))?
            .ok_or(AppError::StaleVersion("archive"))?;
        let note = Some(match input.note {
            Some(note) => format!("{}: {}", input.reason.as_str(), note.as_str()),
            None => input.reason.as_str().to_owned(),
        });
        record(
            conn,
            &actor,
            id,
            "close",
            Some(row.status),
            Some(ArchiveStatus::Closed),
            note,
            now,
        )?;
        view(conn, &actor, updated, &Access::Keeper, now)
    })
    .await
}

/// One ID number in full, with the reason logged (R-ARC-5). Never recorded for an
/// `Idempotency-Key` replay: the answer exists only on the wire.
pub async fn reveal(
    state: &AppState,
    actor: &Actor,
    id: ArchiveId,
    person_id: ArchivePersonId,
    input: RevealRequest,
) -> Result<Revealed, AppError> {
    let (actor, now, vault) = (actor.clone(), state.now(), state.pii.clone());
    db::transaction(&state.pool, move |conn| {
        let row = kept(conn, &actor, id, now, false)?;
        let person = repo::people_of(conn, row.id)?
            .into_iter()
            .find(|p| p.id == person_id)
            .ok_or(AppError::NotFound("person"))?;
        let sealed = person
            .id_number_sealed
            .ok_or(AppError::NotFound("ID number"))?;
        let id_number = vault
            .open(&sealed)
            .map_err(|e| AppError::internal(format!("opening a sealed ID number: {e}")))?;
        log(
            conn,
            &actor,
            &row,
            &Access::Keeper,
            ReadWhat::IdNumber,
            |read| {
                read.person_id = Some(person_id);
                read.reason = input.reason.to_string();
            },
            now,
        )?;
        Ok(Revealed {
            person_id,
            id_number,
        })
    })
    .await
}

/// Re-seals every ID number under the current `PII_KEY` (`propdesk reseal-pii`), the old
/// key given as hex: how a key is rotated. Values already under the current key are left;
/// the lookup hashes are recomputed, since they derive from the key. One transaction, so a
/// failure changes nothing. Returns how many were re-sealed.
pub async fn reseal(state: &AppState, old_key_hex: &str) -> Result<usize, AppError> {
    let old = crate::pii::Vault::retired(old_key_hex)?;
    let new = state.pii.clone();
    db::transaction(&state.pool, move |conn| {
        let mut count = 0;
        for (person, sealed) in repo::sealed_id_numbers(conn)? {
            let resealed = new
                .reseal(&old, &sealed)
                .map_err(|e| AppError::internal(format!("person {person}: {e}")))?;
            if let Some((sealed, plain)) = resealed {
                repo::reseal(conn, person, &sealed, &new.lookup_hash(&plain))?;
                count += 1;
            }
        }
        Ok(count)
    })
    .await
}
