//! Filing into an archive's catalogue: documents of the checklist with their signatures and
//! scans (R-ARC-2, R-ARC-3), each settling the archive's status in the same transaction;
//! and what the system files by itself, counting for no checklist: the tickets and
//! complaints that close (R-ARC-4) and the hot-water dunning letters (R-HW-6).

use chrono::{DateTime, Utc};

use super::dto::{Archive, Document, NewDocument, NewSignature, Signature};
use super::repo::{self, DocumentRow, NewDocumentRow, SignatureRow};
use super::service::{self, Access};
use super::{checklist, ReadWhat, COMPLAINT_FORM, DUNNING_LETTER, REPAIR_ORDER};
use crate::access::Actor;
use crate::db::{self, utc, AnyConnection};
use crate::error::AppError;
use crate::files::{self, Holder, Intent};
use crate::i18n::Msg;
use crate::idempotency::{self, Answer};
use crate::ids::{ArchiveDocumentId, ArchiveId, AttachmentId, SiteId, UnitId, UserId};
use crate::sites;
use crate::state::AppState;
use crate::timeline::Subject;

pub fn document_view(
    row: DocumentRow,
    counts: &[(i64, i64)],
    signatures: &[SignatureRow],
    resident: bool,
) -> Document {
    Document {
        files: counts
            .iter()
            .find(|(id, _)| *id == row.id.get())
            .map_or(0, |(_, n)| *n),
        signatures: signatures
            .iter()
            .filter(|s| s.document_id == row.id)
            .map(|s| Signature {
                party: s.party,
                signed_by_name: s.signed_by_name.clone(),
                recorded_by: s.recorded_by,
                signed_at: s.signed_at.and_utc(),
            })
            .collect(),
        id: row.id,
        archive_id: row.archive_id,
        doc_type: row.doc_type,
        title: row.title,
        doc_date: row.doc_date,
        filed_by: row.filed_by,
        filed_at: row.filed_at.and_utc(),
        ticket_id: row.ticket_id,
        complaint_id: row.complaint_id,
        summary: row.summary,
        staff_note: if resident { None } else { row.staff_note },
    }
}

/// Files a document of the checklist into an open archive (the desk).
pub async fn file(
    state: &AppState,
    actor: &Actor,
    id: ArchiveId,
    input: NewDocument,
) -> Result<Archive, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    idempotency::transaction(state, Answer::Created, move |conn| {
        let row = service::kept(conn, &actor, id, now, true)?;
        let requirements = checklist::requirements(conn, row.checklist_id)?;
        let requirement = requirements
            .iter()
            .find(|r| r.doc_type == input.doc_type)
            .ok_or_else(|| {
                AppError::field(
                    "doc_type",
                    Msg::new("not a document type of this archive's checklist: one of %{types}")
                        .arg(
                            "types",
                            requirements
                                .iter()
                                .map(|r| r.doc_type.as_str())
                                .collect::<Vec<_>>()
                                .join(", "),
                        ),
                )
            })?;
        let doc_date = match input.doc_date {
            Some(day) => day,
            None => sites::service::site_today(conn, row.site_id, now)?.1,
        };
        let document = repo::insert_document(
            conn,
            NewDocumentRow {
                archive_id: row.id,
                site_id: row.site_id,
                doc_type: requirement.doc_type.clone(),
                title: input
                    .title
                    .map_or_else(|| requirement.title.clone(), |t| t.to_string()),
                doc_date,
                filed_by: Some(actor.user_id),
                filed_at: utc(now),
                ticket_id: None,
                complaint_id: None,
                summary: None,
                staff_note: input.staff_note.map(|n| n.to_string()),
                for_user_id: None,
            },
        )?;
        let note = format!("{} (#{})", document.title, document.id);
        service::record(conn, &actor, row.id, "file", None, None, Some(note), now)?;
        let row = service::settle(conn, &actor, &row, now)?;
        service::view(conn, &actor, row, &Access::Keeper, now)
    })
    .await
}

/// The document and its archive, as the actor may read them: residents only their own
/// papers (not another occupant's repair or complaint).
fn visible_document(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: ArchiveDocumentId,
    now: DateTime<Utc>,
) -> Result<(DocumentRow, repo::ArchiveRow, Access), AppError> {
    let document = repo::find_document(conn, id)?.ok_or(AppError::NotFound("document"))?;
    let (archive, access) =
        service::visible(conn, actor, document.archive_id, now).map_err(|err| match err {
            AppError::NotFound(_) => AppError::NotFound("document"),
            other => other,
        })?;
    if matches!(access, Access::Resident)
        && document.for_user_id.is_some_and(|u| u != actor.user_id)
    {
        return Err(AppError::NotFound("document"));
    }
    Ok((document, archive, access))
}

/// One catalogue entry; the read is logged.
pub async fn get(
    state: &AppState,
    actor: &Actor,
    id: ArchiveDocumentId,
) -> Result<Document, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    db::transaction(&state.pool, move |conn| {
        let (document, archive, access) = visible_document(conn, &actor, id, now)?;
        service::log(
            conn,
            &actor,
            &archive,
            &access,
            ReadWhat::Document,
            |read| read.document_id = Some(id),
            now,
        )?;
        let catalogue = service::Catalogue::load(conn, archive.id)?;
        Ok(document_view(
            document,
            &catalogue.counts,
            &catalogue.signatures,
            matches!(access, Access::Resident),
        ))
    })
    .await
}

/// Records a signature seen on the paper (R-ARC-3).
pub async fn sign(
    state: &AppState,
    actor: &Actor,
    id: ArchiveDocumentId,
    input: NewSignature,
) -> Result<Archive, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    idempotency::transaction(state, Answer::Created, move |conn| {
        let document = repo::find_document(conn, id)?.ok_or(AppError::NotFound("document"))?;
        let row = service::kept(conn, &actor, document.archive_id, now, true)?;
        let requirement = checklist::requirements(conn, row.checklist_id)?
            .into_iter()
            .find(|r| r.doc_type == document.doc_type);
        if !requirement.is_some_and(|r| r.parties().contains(&input.party)) {
            return Err(AppError::field(
                "party",
                Msg::new("a %{document} takes no %{party} signature by the archive's checklist")
                    .arg("document", &document.title)
                    .arg("party", input.party),
            ));
        }
        if repo::signatures_of(conn, row.id)?
            .iter()
            .any(|s| s.document_id == id && s.party == input.party)
        {
            return Err(AppError::Duplicate(
                Msg::new("document %{id} already has the %{party} signature")
                    .arg("id", id)
                    .arg("party", input.party),
            ));
        }
        repo::insert_signature(
            conn,
            id,
            input.party,
            actor.user_id,
            input.signed_by_name.as_str(),
            utc(now),
        )?;
        let note = format!("{} signed #{id}", input.party.as_str());
        service::record(conn, &actor, row.id, "sign", None, None, Some(note), now)?;
        let row = service::settle(conn, &actor, &row, now)?;
        service::view(conn, &actor, row, &Access::Keeper, now)
    })
    .await
}

/// A closed ticket or complaint, as its unit's archive files it (R-ARC-4).
pub struct ClosedRecord {
    pub unit_id: Option<UnitId>,
    pub ticket_id: Option<i64>,
    pub complaint_id: Option<i64>,
    /// `BX-...: water supply`, `TS-...: service quality`.
    pub title: String,
    /// The result; for a complaint handling form (投诉处理书) also the resident's opinion and
    /// the manager's review.
    pub summary: String,
    /// Who raised it: a resident reads their own repairs and complaints in the summary.
    pub raised_by: Option<UserId>,
}

/// Files a record that just closed into its unit's open archive, if the unit has one; a
/// record closed again (reopened meanwhile) updates its entry. In the closing transaction.
pub fn file_closed(
    conn: &mut AnyConnection,
    record: ClosedRecord,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let Some(unit_id) = record.unit_id else {
        return Ok(());
    };
    let Some(archive) = repo::live_of_unit(conn, unit_id)? else {
        return Ok(());
    };
    if let Some(entry) = repo::entry_of_record(conn, record.ticket_id, record.complaint_id)? {
        repo::refile(conn, entry.id, &record.summary, utc(now))?;
        return Ok(());
    }
    let doc_type = if record.ticket_id.is_some() {
        REPAIR_ORDER
    } else {
        COMPLAINT_FORM
    };
    let written = system_document(conn, &archive, now)?;
    repo::insert_document(
        conn,
        NewDocumentRow {
            doc_type: doc_type.into(),
            title: record.title,
            ticket_id: record.ticket_id,
            complaint_id: record.complaint_id,
            summary: Some(record.summary),
            for_user_id: record.raised_by,
            ..written
        },
    )?;
    Ok(())
}

/// Files a dunning letter (R-HW-6) into its unit's open archive, if the unit has one: its
/// title and its text, as handed to the owner. In the step's transaction.
pub fn file_letter(
    conn: &mut AnyConnection,
    unit_id: UnitId,
    title: String,
    text: String,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let Some(archive) = repo::live_of_unit(conn, unit_id)? else {
        return Ok(());
    };
    let written = system_document(conn, &archive, now)?;
    repo::insert_document(
        conn,
        NewDocumentRow {
            doc_type: DUNNING_LETTER.into(),
            title,
            summary: Some(text),
            ..written
        },
    )?;
    Ok(())
}

/// A document the system writes, filed now by no one, dated the site's day.
fn system_document(
    conn: &mut AnyConnection,
    archive: &repo::ArchiveRow,
    now: DateTime<Utc>,
) -> Result<NewDocumentRow, AppError> {
    Ok(NewDocumentRow {
        archive_id: archive.id,
        site_id: archive.site_id,
        doc_type: String::new(),
        title: String::new(),
        doc_date: sites::service::site_today(conn, archive.site_id, now)?.1,
        filed_by: None,
        filed_at: utc(now),
        ticket_id: None,
        complaint_id: None,
        summary: None,
        staff_note: None,
        for_user_id: None,
    })
}

/// A catalogue entry's scans and photos: the desk files them on an open archive; whoever
/// may read the document reads them, each read logged.
pub struct DocumentFiles;

impl Holder for DocumentFiles {
    const SUBJECT: Subject = Subject::ArchiveDocument;
    const LOGS_READS: bool = true;
    type Id = ArchiveDocumentId;

    fn check(
        conn: &mut AnyConnection,
        actor: &Actor,
        id: ArchiveDocumentId,
        intent: Intent,
        now: DateTime<Utc>,
    ) -> Result<SiteId, AppError> {
        let Intent::Attach(stage) = intent else {
            return Ok(visible_document(conn, actor, id, now)?.0.site_id);
        };
        files::no_work_photos(stage, "document")?;
        let document = repo::find_document(conn, id)?.ok_or(AppError::NotFound("document"))?;
        service::kept(conn, actor, document.archive_id, now, true)?;
        if document.ticket_id.is_some() || document.complaint_id.is_some() {
            return Err(AppError::InvalidTransition(
                "a filed ticket or complaint keeps its files on its own record".into(),
            ));
        }
        Ok(document.site_id)
    }

    fn log_read(
        conn: &mut AnyConnection,
        actor: &Actor,
        id: ArchiveDocumentId,
        attachment_id: Option<AttachmentId>,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let (_, archive, access) = visible_document(conn, actor, id, now)?;
        service::log(
            conn,
            actor,
            &archive,
            &access,
            ReadWhat::File,
            |read| {
                read.document_id = Some(id);
                read.attachment_id = attachment_id;
            },
            now,
        )
    }

    fn filed(
        conn: &mut AnyConnection,
        actor: &Actor,
        id: ArchiveDocumentId,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let document = repo::find_document(conn, id)?.ok_or(AppError::NotFound("document"))?;
        let row = service::kept(conn, actor, document.archive_id, now, true)?;
        service::settle(conn, actor, &row, now).map(|_| ())
    }
}
