//! The archive use cases: register at move-in, read (logged), list, close, people, flags,
//! visits, the ID-number reveal and the read log. Filing documents and signatures is in
//! `filing.rs`, borrowing in `loans.rs`.

use chrono::{DateTime, NaiveDateTime, Utc};

use super::dto::*;
use super::model::{self, Filed, Gap};
use super::repo::{self, ArchiveFilter, ArchiveRow, NewArchiveRow, NewPersonRow, Read};
use super::{checklist, loans, ArchiveStatus, PersonRelation, ReadWhat, ResponsibleParty};
use super::{COMPLAINT_FORM, REPAIR_ORDER};
use crate::access::{self, Actor, Role};
use crate::db::{self, utc, AnyConnection};
use crate::deadlines;
use crate::error::{AppError, Lookup};
use crate::idempotency::{self, Answer};
use crate::ids::{ArchiveId, ArchiveLoanId, ArchivePersonId, SiteId};
use crate::pagination::{Page, PageParams};
use crate::pii::{self, Vault};
use crate::state::AppState;
use crate::timeline::{self, Step, Subject};
use crate::visits::{self, NewVisit, Visit};
use crate::{calendar, periods, sites, units};

/// How the caller reads an archive.
#[derive(Debug, Clone)]
pub enum Access {
    /// A butler or manager of the site: reads and keeps it.
    Keeper,
    /// Anyone else on the site's staff, under an open loan.
    Borrower {
        loan_id: ArchiveLoanId,
        purpose: String,
    },
    /// A person of the archive who lives in the unit today: the summary.
    Resident,
}

impl Access {
    /// Why the read is logged.
    fn reason(&self) -> String {
        match self {
            Access::Keeper => "keeper: site desk".into(),
            Access::Borrower { purpose, .. } => format!("loan: {purpose}"),
            Access::Resident => "the resident's own archive".into(),
        }
    }

    fn loan_id(&self) -> Option<ArchiveLoanId> {
        match self {
            Access::Borrower { loan_id, .. } => Some(*loan_id),
            _ => None,
        }
    }
}

/// The archive and how the actor may read it: 404 for one outside their reach (another
/// site's, another unit's, a closed one to a resident); 403 for staff of the site who hold
/// no open loan of it.
pub fn visible(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: ArchiveId,
    now: DateTime<Utc>,
) -> Result<(ArchiveRow, Access), AppError> {
    let row = repo::find(conn, id)?.ok_or(AppError::NotFound("archive"))?;
    let access = access_to(conn, actor, &row, now)?;
    Ok((row, access))
}

fn access_to(
    conn: &mut AnyConnection,
    actor: &Actor,
    row: &ArchiveRow,
    now: DateTime<Utc>,
) -> Result<Access, AppError> {
    match actor.role {
        _ if actor.role.is_staff() && !actor.covers_site(row.site_id) => {
            Err(AppError::NotFound("archive"))
        }
        Role::Butler | Role::Manager => Ok(Access::Keeper),
        Role::Engineer => match loans::open_loan(conn, actor.user_id, row.id)? {
            Some(loan) => Ok(Access::Borrower {
                loan_id: loan.id,
                purpose: loan.purpose,
            }),
            None => Err(AppError::Forbidden(
                "archives are read by the site's butlers and managers; borrow this one through \
                 the register (POST /archives/{id}/loans) and read it once a manager approves"
                    .into(),
            )),
        },
        Role::Resident => {
            let today = now.date_naive();
            let lives_there =
                access::repo::current_unit_ids(conn, actor.user_id, today)?.contains(&row.unit_id);
            let in_it = repo::people_of(conn, row.id)?
                .iter()
                .any(|p| p.user_id == Some(actor.user_id));
            if row.status.is_open() && lives_there && in_it {
                Ok(Access::Resident)
            } else {
                Err(AppError::NotFound("archive"))
            }
        }
    }
}

/// The archive, if the actor keeps it (the site's butlers and managers) and it is open.
pub fn kept(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: ArchiveId,
    now: DateTime<Utc>,
    open: bool,
) -> Result<ArchiveRow, AppError> {
    let (row, access) = visible(conn, actor, id, now)?;
    if !matches!(access, Access::Keeper) {
        return Err(AppError::Forbidden("the site's desk keeps archives".into()));
    }
    if open && !row.status.is_open() {
        return Err(AppError::InvalidTransition(format!(
            "archive {} is closed: it is kept as it was",
            row.id
        )));
    }
    Ok(row)
}

/// Logs one read (R-ARC-5).
pub fn log(
    conn: &mut AnyConnection,
    actor: &Actor,
    row: &ArchiveRow,
    access: &Access,
    what: ReadWhat,
    detail: impl FnOnce(&mut Read),
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut read = Read {
        archive_id: row.id,
        site_id: row.site_id,
        reader_id: actor.user_id,
        what,
        document_id: None,
        person_id: None,
        attachment_id: None,
        loan_id: access.loan_id(),
        reason: access.reason(),
    };
    detail(&mut read);
    repo::log_read(conn, read, utc(now))?;
    Ok(())
}

/// What the archive lacks against its checklist, from its catalogue (R-ARC-3).
pub fn gaps_of(conn: &mut AnyConnection, row: &ArchiveRow) -> Result<(Vec<Gap>, bool), AppError> {
    let requirements = checklist::requirements(conn, row.checklist_id)?;
    let documents = repo::documents_of(conn, row.id)?;
    let counts = repo::file_counts(conn, row.id)?;
    let signatures = repo::signatures_of(conn, row.id)?;
    let filed: Vec<Filed> = documents
        .iter()
        .filter(|d| d.doc_type != REPAIR_ORDER && d.doc_type != COMPLAINT_FORM)
        .map(|d| Filed {
            doc_type: d.doc_type.clone(),
            has_file: counts.iter().any(|(id, n)| *id == d.id.get() && *n > 0),
            signed: signatures
                .iter()
                .filter(|s| s.document_id == d.id)
                .map(|s| s.party)
                .collect(),
        })
        .collect();
    Ok((model::gaps(&requirements, &filed), !filed.is_empty()))
}

/// Brings the archive's status up to its catalogue after a filing: opened with its first
/// document, established when nothing lacks, incomplete again when a new document lacks
/// something. A versioned update with a timeline entry when the status moves.
pub fn settle(
    conn: &mut AnyConnection,
    actor: &Actor,
    row: &ArchiveRow,
    now: DateTime<Utc>,
) -> Result<ArchiveRow, AppError> {
    let (gaps, any_filed) = gaps_of(conn, row)?;
    let status = model::status(any_filed, &gaps);
    let at = utc(now);
    let opened_at = row.opened_at.or(any_filed.then_some(at));
    let established_at =
        (status == ArchiveStatus::Established).then(|| row.established_at.unwrap_or(at));
    if status == row.status && opened_at == row.opened_at && established_at == row.established_at {
        return Ok(row.clone());
    }
    let change = repo::StatusChange {
        status,
        opened_at,
        established_at,
        closed_at: None,
        close_reason: None,
    };
    let updated =
        repo::update_status(conn, row, change, at)?.ok_or(AppError::StaleVersion("archive"))?;
    if status != row.status {
        record(
            conn,
            actor,
            row.id,
            status.as_str(),
            Some(row.status),
            Some(status),
            None,
            now,
        )?;
    }
    Ok(updated)
}

/// A timeline entry on the archive.
#[allow(clippy::too_many_arguments)]
pub fn record(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: ArchiveId,
    action: &str,
    from: Option<ArchiveStatus>,
    to: Option<ArchiveStatus>,
    note: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    timeline::repo::record(
        conn,
        Subject::Archive,
        id,
        Step {
            actor_id: Some(actor.user_id),
            action,
            from_status: from.map(ArchiveStatus::as_str),
            to_status: to.map(ArchiveStatus::as_str),
            note,
        },
        utc(now),
    )?;
    Ok(())
}

/// The archive as `access` may read it.
pub fn view(
    conn: &mut AnyConnection,
    actor: &Actor,
    row: ArchiveRow,
    access: &Access,
    now: DateTime<Utc>,
) -> Result<Archive, AppError> {
    let resident = matches!(access, Access::Resident);
    let checklist_version = checklist::version(conn, row.checklist_id)?.version;
    let (gaps, _) = gaps_of(conn, &row)?;
    let missing = gaps
        .into_iter()
        .map(|gap| Missing {
            responsible_user_id: match gap.responsible {
                ResponsibleParty::Desk => Some(row.created_by),
                ResponsibleParty::Owner => Some(row.owner_id),
                ResponsibleParty::Finance => None,
            },
            doc_type: gap.doc_type,
            title: gap.title,
            lack: gap.lack,
            responsible: gap.responsible,
        })
        .collect();
    let people = repo::people_of(conn, row.id)?
        .into_iter()
        .filter(|p| !resident || p.user_id == Some(actor.user_id))
        .map(|p| {
            let own = p.user_id == Some(actor.user_id);
            Person {
                phone: p.phone.map(|phone| match access {
                    Access::Keeper => phone,
                    _ if own => phone,
                    _ => pii::mask_phone(&phone),
                }),
                id_number: p.id_number_masked,
                id: p.id,
                user_id: p.user_id,
                name: p.name,
                relation: p.relation,
            }
        })
        .collect();
    let counts = repo::file_counts(conn, row.id)?;
    let signatures = repo::signatures_of(conn, row.id)?;
    let catalogue = repo::documents_of(conn, row.id)?
        .into_iter()
        .filter(|d| !resident || d.for_user_id.is_none_or(|u| u == actor.user_id))
        .map(|d| super::filing::document_view(d, &counts, &signatures, resident))
        .collect();
    let flags = if resident {
        Vec::new()
    } else {
        repo::flags_of(conn, &[row.id])?
            .into_iter()
            .map(|f| FlagView {
                flag: f.flag,
                reason: f.reason,
                set_by: f.set_by,
                set_at: f.set_at.and_utc(),
            })
            .collect()
    };
    let tz = sites::service::time_zone(conn, row.site_id)?;
    Ok(Archive {
        id: row.id,
        site_id: row.site_id,
        unit_id: row.unit_id,
        room: repo::room_of(conn, row.unit_id)?,
        status: row.status,
        owner_id: row.owner_id,
        keeper_id: row.created_by,
        moved_in_at: row.moved_in_at.and_utc(),
        opening: opening(&row, utc(now)),
        established_at: row.established_at.map(|t| t.and_utc()),
        closed_at: row.closed_at.map(|t| t.and_utc()),
        close_reason: row.close_reason,
        residence_stage: stage_of(&row, tz, now),
        checklist_version,
        people,
        catalogue,
        missing,
        flags,
        staff_note: if resident { None } else { row.staff_note },
    })
}

fn opening(row: &ArchiveRow, now: NaiveDateTime) -> deadlines::Deadline {
    deadlines::Deadline {
        due_at: row.open_by.and_utc(),
        done_at: row.opened_at.map(|t| t.and_utc()),
        state: deadlines::state(row.open_by, row.opened_at, now),
    }
}

fn stage_of(row: &ArchiveRow, tz: chrono_tz::Tz, now: DateTime<Utc>) -> super::ResidenceStage {
    let moved_in = row.moved_in_at.and_utc().with_timezone(&tz).date_naive();
    model::residence_stage(moved_in, now.with_timezone(&tz).date_naive())
}

/// Registers the archive of a new owner at move-in (R-ARC-1): due to be opened by the close
/// of the next working day on the site's calendar, judged against the site's checklist as it
/// stands now (R-ARC-2).
pub async fn open(state: &AppState, actor: &Actor, input: NewArchive) -> Result<Archive, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    let vault = state.pii.clone();
    let moved_in_at = input.moved_in_at.unwrap_or(now);
    if moved_in_at > now {
        return Err(AppError::field(
            "moved_in_at",
            "a move-in is recorded once it has happened",
        ));
    }
    idempotency::transaction(state, Answer::Created, move |conn| {
        let today = now.date_naive();
        let unit = units::service::visible_unit(conn, &actor, input.unit_id, today)
            .missing_as(|| AppError::field("unit_id", "no unit with this id among yours"))?;
        let occupancy = repo::owner_occupancy(conn, unit.id, input.owner_id, today)?
            .ok_or_else(|| AppError::field("owner_id", "is not an owner of this unit today"))?;
        if let Some(live) = repo::live_of_unit(conn, unit.id)? {
            return Err(AppError::Duplicate(format!(
                "the unit's archive {} is still open: close it when its owner leaves, then open \
                 the next owner's",
                live.id
            )));
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
            &vault,
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
            &actor,
            row.id,
            "open",
            None,
            Some(row.status),
            None,
            now,
        )?;
        view(conn, &actor, row, &Access::Keeper, now)
    })
    .await
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

/// The archive, as the caller may read it; the read is logged (R-ARC-5).
pub async fn get(state: &AppState, actor: &Actor, id: ArchiveId) -> Result<Archive, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    db::transaction(&state.pool, move |conn| {
        let (row, access) = visible(conn, &actor, id, now)?;
        log(conn, &actor, &row, &access, ReadWhat::Archive, |_| {}, now)?;
        view(conn, &actor, row, &access, now)
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

/// A page of archives: the site's for staff (engineers included: items carry no personal
/// data), the resident's own for residents.
pub async fn list(
    state: &AppState,
    actor: &Actor,
    query: ArchiveQuery,
) -> Result<ArchivePage, AppError> {
    let page = PageParams {
        limit: query.limit,
        cursor: query.cursor.clone(),
    }
    .request()?;
    let id_number_hash = match &query.id_number {
        Some(text) => Some(
            pii::id_number(text)
                .map(|id| state.pii.lookup_hash(&id))
                .map_err(|why| AppError::field("id_number", why))?,
        ),
        None => None,
    };
    let (actor, now) = (actor.clone(), state.now());
    db::read(&state.pool, move |conn| {
        let site_id = match (query.site_id, actor.role) {
            (_, Role::Resident) => return own_archives(conn, &actor, now),
            (Some(site), _) => site,
            (None, _) if actor.sites.len() == 1 => actor.sites[0],
            (None, _) => {
                return Err(AppError::field(
                    "site_id",
                    "name the site whose archives to list",
                ))
            }
        };
        sites::service::visible_site(conn, &actor, site_id)?;
        let tz = sites::service::time_zone(conn, site_id)?;
        let today = now.with_timezone(&tz).date_naive();
        let local_start = |date: chrono::NaiveDate| periods::local_midnight(tz, date);
        let (after, until) = match query.stage {
            Some(stage) => model::moved_in_between(stage, today),
            None => (None, None),
        };
        // A stage is a range of local move-in dates: after the day `after`, up to `until`.
        let day_after = |date: Option<chrono::NaiveDate>| {
            date.and_then(|d| d.succ_opt()).map(local_start).transpose()
        };
        let (moved_in_from, moved_in_before) = (day_after(after)?, day_after(until)?);
        let unvisited_since = query.unvisited_since.map(local_start).transpose()?;
        let statuses = match (query.status, query.incomplete) {
            (Some(status), _) => vec![status],
            (None, true) => vec![ArchiveStatus::Opening, ArchiveStatus::Incomplete],
            (None, false) => Vec::new(),
        };
        let filter = ArchiveFilter {
            unit_id: query.unit_id,
            building: query.building.clone(),
            statuses,
            moved_in_from,
            moved_in_before,
            flag: query.flag,
            unvisited_since,
            id_number_hash,
            opening_overdue_at: query.opening_overdue.then(|| utc(now)),
        };
        let oldest_first = query.incomplete || query.opening_overdue;
        let rows = repo::page_of_site(conn, site_id, &filter, oldest_first, page)?;
        let page = Page::from_rows(rows, page, |(row, _)| row.id, |pair| pair);
        items(conn, page.items, page.next_cursor, tz, now)
    })
    .await
}

fn own_archives(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<ArchivePage, AppError> {
    let mut rows = Vec::new();
    for unit in access::repo::current_unit_ids(conn, actor.user_id, now.date_naive())? {
        if let Some(row) = repo::live_of_unit(conn, unit)? {
            if matches!(access_to(conn, actor, &row, now), Ok(Access::Resident)) {
                let room = repo::room_of(conn, row.unit_id)?;
                rows.push((row, room));
            }
        }
    }
    let tz = match rows.first() {
        Some((row, _)) => sites::service::time_zone(conn, row.site_id)?,
        None => chrono_tz::UTC,
    };
    items(conn, rows, None, tz, now)
}

fn items(
    conn: &mut AnyConnection,
    rows: Vec<(ArchiveRow, String)>,
    next_cursor: Option<String>,
    tz: chrono_tz::Tz,
    now: DateTime<Utc>,
) -> Result<ArchivePage, AppError> {
    let ids: Vec<ArchiveId> = rows.iter().map(|(row, _)| row.id).collect();
    let flags = repo::flags_of(conn, &ids)?;
    let items = rows
        .into_iter()
        .map(|(row, room)| ArchiveItem {
            id: row.id,
            site_id: row.site_id,
            unit_id: row.unit_id,
            room,
            status: row.status,
            owner_id: row.owner_id,
            keeper_id: row.created_by,
            moved_in_at: row.moved_in_at.and_utc(),
            opening: opening(&row, utc(now)),
            established_at: row.established_at.map(|t| t.and_utc()),
            closed_at: row.closed_at.map(|t| t.and_utc()),
            residence_stage: stage_of(&row, tz, now),
            flags: flags
                .iter()
                .filter(|f| f.archive_id == row.id)
                .map(|f| f.flag)
                .collect(),
        })
        .collect();
    Ok(ArchivePage { items, next_cursor })
}

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
    flag: super::Flag,
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

/// The read log of one archive (managers of its site).
pub async fn reads_of_archive(
    state: &AppState,
    actor: &Actor,
    id: ArchiveId,
    page: PageParams,
) -> Result<ReadPage, AppError> {
    let page = page.request()?;
    let (actor, now) = (actor.clone(), state.now());
    db::read(&state.pool, move |conn| {
        kept(conn, &actor, id, now, false)?;
        let rows = repo::reads(conn, Some(id), None, None, page)?;
        Ok(read_page(rows, page))
    })
    .await
}

/// One person's reads across the manager's sites.
pub async fn reads_of_reader(
    state: &AppState,
    actor: &Actor,
    query: ReadQuery,
) -> Result<ReadPage, AppError> {
    let page = PageParams {
        limit: query.limit,
        cursor: query.cursor,
    }
    .request()?;
    let actor = actor.clone();
    db::read(&state.pool, move |conn| {
        let sites: Option<Vec<SiteId>> = (!actor.is_company_wide()).then(|| actor.sites.clone());
        let rows = repo::reads(conn, None, Some(query.reader_id), sites.as_deref(), page)?;
        Ok(read_page(rows, page))
    })
    .await
}

fn read_page(rows: Vec<repo::ReadRow>, page: crate::pagination::PageRequest) -> ReadPage {
    let page = Page::from_rows(
        rows,
        page,
        |r| r.id,
        |r| ReadEntry {
            id: r.id,
            archive_id: r.archive_id,
            reader_id: r.reader_id,
            what: r.what,
            document_id: r.document_id,
            person_id: r.person_id,
            attachment_id: r.attachment_id,
            loan_id: r.loan_id,
            reason: r.reason,
            read_at: r.read_at.and_utc(),
        },
    );
    ReadPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }
}

/// Re-seals every ID number under the current `PII_KEY` (`propdesk reseal-pii`), the old
/// key given as hex: how a key is rotated. Values already under the current key are left;
/// the lookup hashes are recomputed, since they derive from the key. One transaction, so a
/// failure changes nothing. Returns how many were re-sealed.
pub async fn reseal(state: &AppState, old_key_hex: &str) -> Result<usize, AppError> {
    let old = Vault::from_hex(old_key_hex)
        .map_err(|e| AppError::BadRequest(format!("the old key: {e}")))?;
    let new = state.pii.clone();
    db::transaction(&state.pool, move |conn| {
        let mut count = 0;
        for (person, sealed) in repo::sealed_id_numbers(conn)? {
            if new.open(&sealed).is_ok() {
                continue;
            }
            let plain = old
                .open(&sealed)
                .map_err(|e| AppError::internal(format!("person {person}: {e}")))?;
            repo::reseal(conn, person, &new.seal(&plain), &new.lookup_hash(&plain))?;
            count += 1;
        }
        Ok(count)
    })
    .await
}
