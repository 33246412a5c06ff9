//! The archive use cases: register at move-in, read (logged), list, close, people, flags,
//! visits, the ID-number reveal and the read log. Filing documents and signatures is in
//! `filing.rs`, borrowing in `loans.rs`.

mod lists;
mod profile;
mod register;

pub use lists::*;
pub use profile::*;
pub use register::*;

use chrono::{DateTime, NaiveDateTime, Utc};

use super::dto::*;
use super::model::{self, Filed, Gap, Requirement};
use super::repo::{self, ArchiveRow, DocumentRow, Read, SignatureRow};
use super::SYSTEM_FILED;
use super::{checklist, loans, ArchiveStatus, ReadWhat, ResponsibleParty};
use crate::access::{self, Actor, Role};
use crate::db::{self, utc, AnyConnection};
use crate::deadlines;
use crate::error::AppError;
use crate::i18n::Msg;
use crate::ids::{ArchiveId, ArchiveLoanId};
use crate::pii;
use crate::sites;
use crate::state::AppState;
use crate::timeline::{self, Step, Subject};

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

pub(super) fn access_to(
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
        return Err(AppError::InvalidTransition(
            Msg::new("archive %{archive} is closed: it is kept as it was").arg("archive", row.id),
        ));
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

/// An archive's catalogue with its files and signatures, read once for both what it lacks
/// and how it is shown.
pub struct Catalogue {
    pub documents: Vec<DocumentRow>,
    /// `(document, number of files)`.
    pub counts: Vec<(i64, i64)>,
    pub signatures: Vec<SignatureRow>,
}

impl Catalogue {
    pub fn load(conn: &mut AnyConnection, archive_id: ArchiveId) -> Result<Self, AppError> {
        Ok(Catalogue {
            documents: repo::documents_of(conn, archive_id)?,
            counts: repo::file_counts(conn, archive_id)?,
            signatures: repo::signatures_of(conn, archive_id)?,
        })
    }

    /// What the archive lacks against `requirements` (R-ARC-3), and whether any document of
    /// the checklist is filed: a filed ticket or complaint counts for neither.
    pub fn gaps(&self, requirements: &[Requirement]) -> (Vec<Gap>, bool) {
        let filed: Vec<Filed> = self
            .documents
            .iter()
            .filter(|d| !SYSTEM_FILED.contains(&d.doc_type.as_str()))
            .map(|d| Filed {
                doc_type: d.doc_type.clone(),
                has_file: self
                    .counts
                    .iter()
                    .any(|(id, n)| *id == d.id.get() && *n > 0),
                signed: self
                    .signatures
                    .iter()
                    .filter(|s| s.document_id == d.id)
                    .map(|s| s.party)
                    .collect(),
            })
            .collect();
        (model::gaps(requirements, &filed), !filed.is_empty())
    }
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
    let requirements = checklist::requirements(conn, row.checklist_id)?;
    let (gaps, any_filed) = Catalogue::load(conn, row.id)?.gaps(&requirements);
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
    let checklist = checklist::version(conn, row.checklist_id)?;
    let requirements: Vec<Requirement> = checklist.items.iter().map(Requirement::from).collect();
    let catalogue = Catalogue::load(conn, row.id)?;
    let (gaps, _) = catalogue.gaps(&requirements);
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
    let Catalogue {
        documents,
        counts,
        signatures,
    } = catalogue;
    let catalogue = documents
        .into_iter()
        .filter(|d| !resident || d.for_user_id.is_none_or(|u| u == actor.user_id))
        .map(|d| crate::archives::filing::document_view(d, &counts, &signatures, resident))
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
        checklist_version: checklist.version,
        checklist: checklist.items,
        people,
        catalogue,
        missing,
        flags,
        staff_note: if resident { None } else { row.staff_note },
        timeline: if resident {
            Vec::new()
        } else {
            timeline::repo::history(conn, Subject::Archive, row.id)?
        },
    })
}

pub(super) fn opening(row: &ArchiveRow, now: NaiveDateTime) -> deadlines::Deadline {
    deadlines::Deadline {
        due_at: row.open_by.and_utc(),
        done_at: row.opened_at.map(|t| t.and_utc()),
        state: deadlines::state(row.open_by, row.opened_at, now),
    }
}

pub(super) fn stage_of(
    row: &ArchiveRow,
    tz: chrono_tz::Tz,
    now: DateTime<Utc>,
) -> crate::archives::ResidenceStage {
    let moved_in = row.moved_in_at.and_utc().with_timezone(&tz).date_naive();
    model::residence_stage(moved_in, now.with_timezone(&tz).date_naive())
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
