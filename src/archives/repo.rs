//! The archives' rows and SQL: archives, their people, catalogue, signatures, flags and the
//! read log. The checklist's are in `checklist.rs`, the loans' in `loans.rs`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{ArchiveStatus, CloseReason, Flag, Party, PersonRelation, ReadWhat};
use crate::db::schema::{
    archive_documents, archive_flags, archive_people, archive_reads, archive_signatures, archives,
    attachments, follow_up_visits, units,
};
use crate::db::AnyConnection;
use crate::ids::{
    ArchiveDocumentId, ArchiveId, ArchiveLoanId, ArchivePersonId, AttachmentId, SiteId, UnitId,
    UserId,
};
use crate::pagination::PageRequest;
use crate::text_enum::{texts, NullableText};
use crate::timeline::Subject;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = archives)]
pub struct ArchiveRow {
    pub id: ArchiveId,
    pub site_id: SiteId,
    pub unit_id: UnitId,
    pub occupancy_id: i64,
    pub owner_id: UserId,
    pub checklist_id: i64,
    #[diesel(deserialize_as = String)]
    pub status: ArchiveStatus,
    pub moved_in_at: NaiveDateTime,
    pub open_by: NaiveDateTime,
    pub opened_at: Option<NaiveDateTime>,
    pub established_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    #[diesel(deserialize_as = NullableText)]
    pub close_reason: Option<CloseReason>,
    pub staff_note: Option<String>,
    pub created_by: UserId,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

#[derive(Insertable)]
#[diesel(table_name = archives)]
pub struct NewArchiveRow {
    pub site_id: SiteId,
    pub unit_id: UnitId,
    pub occupancy_id: i64,
    pub owner_id: UserId,
    pub checklist_id: i64,
    #[diesel(serialize_as = String)]
    pub status: ArchiveStatus,
    pub moved_in_at: NaiveDateTime,
    pub open_by: NaiveDateTime,
    pub staff_note: Option<String>,
    pub created_by: UserId,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut AnyConnection, row: NewArchiveRow) -> QueryResult<ArchiveRow> {
    diesel::insert_into(archives::table)
        .values(row)
        .get_result::<ArchiveRow>(conn)
}

pub fn find(conn: &mut AnyConnection, id: ArchiveId) -> QueryResult<Option<ArchiveRow>> {
    archives::table
        .find(id)
        .select(ArchiveRow::as_select())
        .first(conn)
        .optional()
}

/// The unit's archive that is not closed, if any.
pub fn live_of_unit(conn: &mut AnyConnection, unit_id: UnitId) -> QueryResult<Option<ArchiveRow>> {
    archives::table
        .filter(archives::unit_id.eq(unit_id))
        .filter(archives::status.ne(ArchiveStatus::Closed.as_str()))
        .select(ArchiveRow::as_select())
        .first(conn)
        .optional()
}

/// The columns a change of status writes.
pub struct StatusChange {
    pub status: ArchiveStatus,
    pub opened_at: Option<NaiveDateTime>,
    pub established_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub close_reason: Option<CloseReason>,
}

/// Writes the change if the archive is still at `version`; `None` when it changed meanwhile.
pub fn update_status(
    conn: &mut AnyConnection,
    row: &ArchiveRow,
    change: StatusChange,
    now: NaiveDateTime,
) -> QueryResult<Option<ArchiveRow>> {
    diesel::update(
        archives::table
            .filter(archives::id.eq(row.id))
            .filter(archives::version.eq(row.version)),
    )
    .set((
        archives::status.eq(change.status.as_str()),
        archives::opened_at.eq(change.opened_at),
        archives::established_at.eq(change.established_at),
        archives::closed_at.eq(change.closed_at),
        archives::close_reason.eq(change.close_reason.map(CloseReason::as_str)),
        archives::updated_at.eq(now),
        archives::version.eq(row.version + 1),
    ))
    .get_result::<ArchiveRow>(conn)
    .optional()
}

/// What a list of archives filters on.
#[derive(Debug, Default)]
pub struct ArchiveFilter {
    pub unit_id: Option<UnitId>,
    pub building: Option<String>,
    pub statuses: Vec<ArchiveStatus>,
    /// Moved in at or after this instant ...
    pub moved_in_from: Option<NaiveDateTime>,
    /// ... and before this one.
    pub moved_in_before: Option<NaiveDateTime>,
    pub flag: Option<Flag>,
    /// Only archives with no butler visit recorded since then.
    pub unvisited_since: Option<NaiveDateTime>,
    /// Only archives holding a person with this ID number's lookup hash.
    pub id_number_hash: Option<String>,
    /// Only those whose opening is overdue: no document filed, `open_by` before this.
    pub opening_overdue_at: Option<NaiveDateTime>,
}

/// A page of the site's archives: newest first, or oldest first (`oldest_first`) for the
/// chase of incomplete ones (R-ARC-3).
pub fn page_of_site(
    conn: &mut AnyConnection,
    site_id: SiteId,
    filter: &ArchiveFilter,
    oldest_first: bool,
    page: PageRequest,
) -> QueryResult<Vec<(ArchiveRow, String)>> {
    let mut query = archives::table
        .inner_join(units::table)
        .filter(archives::site_id.eq(site_id))
        .select((
            ArchiveRow::as_select(),
            (units::building, units::entrance, units::room),
        ))
        .into_boxed();
    if let Some(unit_id) = filter.unit_id {
        query = query.filter(archives::unit_id.eq(unit_id));
    }
    if let Some(building) = &filter.building {
        query = query.filter(units::building.eq(building.clone()));
    }
    if !filter.statuses.is_empty() {
        query = query.filter(archives::status.eq_any(texts(&filter.statuses)));
    }
    if let Some(from) = filter.moved_in_from {
        query = query.filter(archives::moved_in_at.ge(from));
    }
    if let Some(before) = filter.moved_in_before {
        query = query.filter(archives::moved_in_at.lt(before));
    }
    if let Some(flag) = filter.flag {
        query = query.filter(diesel::dsl::exists(
            archive_flags::table
                .filter(archive_flags::archive_id.eq(archives::id))
                .filter(archive_flags::flag.eq(flag.as_str())),
        ));
    }
    if let Some(since) = filter.unvisited_since {
        query = query.filter(diesel::dsl::not(diesel::dsl::exists(
            follow_up_visits::table
                .filter(follow_up_visits::subject.eq(Subject::Archive.as_str()))
                .filter(follow_up_visits::subject_id.eq(archives::id))
                .filter(follow_up_visits::visited_at.ge(since)),
        )));
    }
    if let Some(hash) = &filter.id_number_hash {
        query = query.filter(diesel::dsl::exists(
            archive_people::table
                .filter(archive_people::archive_id.eq(archives::id))
                .filter(archive_people::id_number_hash.eq(hash.clone())),
        ));
    }
    if let Some(at) = filter.opening_overdue_at {
        query = query
            .filter(archives::opened_at.is_null())
            .filter(archives::open_by.lt(at));
    }
    if oldest_first {
        if let Some(after) = page.after_id {
            query = query.filter(archives::id.gt(ArchiveId::new(after)));
        }
        query = query.order(archives::id.asc());
    } else {
        if let Some(after) = page.after_id {
            query = query.filter(archives::id.lt(ArchiveId::new(after)));
        }
        query = query.order(archives::id.desc());
    }
    let rows: Vec<(ArchiveRow, (String, String, String))> = query.limit(page.fetch()).load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(row, (building, entrance, room))| (row, format!("{building}-{entrance}-{room}")))
        .collect())
}

/// The room label of a unit, as archives are filed.
pub fn room_of(conn: &mut AnyConnection, unit_id: UnitId) -> QueryResult<String> {
    let (building, entrance, room): (String, String, String) = units::table
        .find(unit_id)
        .select((units::building, units::entrance, units::room))
        .first(conn)?;
    Ok(format!("{building}-{entrance}-{room}"))
}

// ---- people ----

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = archive_people)]
pub struct PersonRow {
    pub id: ArchivePersonId,
    pub archive_id: ArchiveId,
    pub user_id: Option<UserId>,
    pub name: String,
    #[diesel(deserialize_as = String)]
    pub relation: PersonRelation,
    pub phone: Option<String>,
    pub id_number_sealed: Option<String>,
    pub id_number_hash: Option<String>,
    pub id_number_masked: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = archive_people)]
pub struct NewPersonRow {
    pub archive_id: ArchiveId,
    pub user_id: Option<UserId>,
    pub name: String,
    #[diesel(serialize_as = String)]
    pub relation: PersonRelation,
    pub phone: Option<String>,
    pub id_number_sealed: Option<String>,
    pub id_number_hash: Option<String>,
    pub id_number_masked: Option<String>,
    pub created_at: NaiveDateTime,
}

pub fn insert_person(conn: &mut AnyConnection, row: NewPersonRow) -> QueryResult<PersonRow> {
    diesel::insert_into(archive_people::table)
        .values(row)
        .get_result::<PersonRow>(conn)
}

pub fn people_of(conn: &mut AnyConnection, archive_id: ArchiveId) -> QueryResult<Vec<PersonRow>> {
    archive_people::table
        .filter(archive_people::archive_id.eq(archive_id))
        .order(archive_people::id.asc())
        .select(PersonRow::as_select())
        .load(conn)
}

/// Every sealed ID number, for re-sealing under a new key: `(person, sealed)`.
pub fn sealed_id_numbers(conn: &mut AnyConnection) -> QueryResult<Vec<(ArchivePersonId, String)>> {
    archive_people::table
        .filter(archive_people::id_number_sealed.is_not_null())
        .select((
            archive_people::id,
            archive_people::id_number_sealed.assume_not_null(),
        ))
        .load(conn)
}

pub fn reseal(
    conn: &mut AnyConnection,
    id: ArchivePersonId,
    sealed: &str,
    hash: &str,
) -> QueryResult<usize> {
    diesel::update(archive_people::table.find(id))
        .set((
            archive_people::id_number_sealed.eq(sealed),
            archive_people::id_number_hash.eq(hash),
        ))
        .execute(conn)
}

// ---- the catalogue ----

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = archive_documents)]
pub struct DocumentRow {
    pub id: ArchiveDocumentId,
    pub archive_id: ArchiveId,
    pub site_id: SiteId,
    pub doc_type: String,
    pub title: String,
    pub doc_date: chrono::NaiveDate,
    pub filed_by: Option<UserId>,
    pub filed_at: NaiveDateTime,
    pub ticket_id: Option<i64>,
    pub complaint_id: Option<i64>,
    pub summary: Option<String>,
    pub staff_note: Option<String>,
    pub for_user_id: Option<UserId>,
}

#[derive(Insertable)]
#[diesel(table_name = archive_documents)]
pub struct NewDocumentRow {
    pub archive_id: ArchiveId,
    pub site_id: SiteId,
    pub doc_type: String,
    pub title: String,
    pub doc_date: chrono::NaiveDate,
    pub filed_by: Option<UserId>,
    pub filed_at: NaiveDateTime,
    pub ticket_id: Option<i64>,
    pub complaint_id: Option<i64>,
    pub summary: Option<String>,
    pub staff_note: Option<String>,
    pub for_user_id: Option<UserId>,
}

pub fn insert_document(conn: &mut AnyConnection, row: NewDocumentRow) -> QueryResult<DocumentRow> {
    diesel::insert_into(archive_documents::table)
        .values(row)
        .get_result::<DocumentRow>(conn)
}

pub fn find_document(
    conn: &mut AnyConnection,
    id: ArchiveDocumentId,
) -> QueryResult<Option<DocumentRow>> {
    archive_documents::table
        .find(id)
        .select(DocumentRow::as_select())
        .first(conn)
        .optional()
}

pub fn documents_of(
    conn: &mut AnyConnection,
    archive_id: ArchiveId,
) -> QueryResult<Vec<DocumentRow>> {
    archive_documents::table
        .filter(archive_documents::archive_id.eq(archive_id))
        .order(archive_documents::id.asc())
        .select(DocumentRow::as_select())
        .load(conn)
}

/// The entry a closed ticket or complaint was filed as, if it was.
pub fn entry_of_record(
    conn: &mut AnyConnection,
    ticket_id: Option<i64>,
    complaint_id: Option<i64>,
) -> QueryResult<Option<DocumentRow>> {
    let mut query = archive_documents::table
        .select(DocumentRow::as_select())
        .into_boxed();
    query = match (ticket_id, complaint_id) {
        (Some(ticket), _) => query.filter(archive_documents::ticket_id.eq(ticket)),
        (None, Some(complaint)) => query.filter(archive_documents::complaint_id.eq(complaint)),
        (None, None) => return Ok(None),
    };
    query.first(conn).optional()
}

/// Refiles a record's entry with what it says now (a complaint reopened and closed again).
pub fn refile(
    conn: &mut AnyConnection,
    id: ArchiveDocumentId,
    summary: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(archive_documents::table.find(id))
        .set((
            archive_documents::summary.eq(summary),
            archive_documents::filed_at.eq(at),
            archive_documents::doc_date.eq(at.date()),
        ))
        .execute(conn)
}

/// How many files each document of the archive has: `(document, count)`.
pub fn file_counts(
    conn: &mut AnyConnection,
    archive_id: ArchiveId,
) -> QueryResult<Vec<(i64, i64)>> {
    attachments::table
        .inner_join(
            archive_documents::table.on(attachments::subject_id
                .eq(archive_documents::id)
                .and(attachments::subject.eq(Subject::ArchiveDocument.as_str()))),
        )
        .filter(archive_documents::archive_id.eq(archive_id))
        .group_by(attachments::subject_id)
        .select((attachments::subject_id, diesel::dsl::count_star()))
        .load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = archive_signatures)]
pub struct SignatureRow {
    pub document_id: ArchiveDocumentId,
    #[diesel(deserialize_as = String)]
    pub party: Party,
    pub recorded_by: UserId,
    pub signed_by_name: String,
    pub signed_at: NaiveDateTime,
}

pub fn signatures_of(
    conn: &mut AnyConnection,
    archive_id: ArchiveId,
) -> QueryResult<Vec<SignatureRow>> {
    archive_signatures::table
        .inner_join(archive_documents::table)
        .filter(archive_documents::archive_id.eq(archive_id))
        .order(archive_signatures::id.asc())
        .select(SignatureRow::as_select())
        .load(conn)
}

pub fn insert_signature(
    conn: &mut AnyConnection,
    document_id: ArchiveDocumentId,
    party: Party,
    recorded_by: UserId,
    signed_by_name: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(archive_signatures::table)
        .values((
            archive_signatures::document_id.eq(document_id),
            archive_signatures::party.eq(party.as_str()),
            archive_signatures::recorded_by.eq(recorded_by),
            archive_signatures::signed_by_name.eq(signed_by_name),
            archive_signatures::signed_at.eq(at),
        ))
        .execute(conn)
}

// ---- flags ----

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = archive_flags)]
pub struct FlagRow {
    pub archive_id: ArchiveId,
    #[diesel(deserialize_as = String)]
    pub flag: Flag,
    pub reason: String,
    pub set_by: UserId,
    pub set_at: NaiveDateTime,
}

pub fn flags_of(conn: &mut AnyConnection, ids: &[ArchiveId]) -> QueryResult<Vec<FlagRow>> {
    archive_flags::table
        .filter(archive_flags::archive_id.eq_any(ids))
        .order(archive_flags::id.asc())
        .select(FlagRow::as_select())
        .load(conn)
}

pub fn insert_flag(
    conn: &mut AnyConnection,
    archive_id: ArchiveId,
    flag: Flag,
    reason: &str,
    set_by: UserId,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(archive_flags::table)
        .values((
            archive_flags::archive_id.eq(archive_id),
            archive_flags::flag.eq(flag.as_str()),
            archive_flags::reason.eq(reason),
            archive_flags::set_by.eq(set_by),
            archive_flags::set_at.eq(at),
        ))
        .execute(conn)
}

pub fn delete_flag(
    conn: &mut AnyConnection,
    archive_id: ArchiveId,
    flag: Flag,
) -> QueryResult<usize> {
    diesel::delete(
        archive_flags::table
            .filter(archive_flags::archive_id.eq(archive_id))
            .filter(archive_flags::flag.eq(flag.as_str())),
    )
    .execute(conn)
}

// ---- the read log ----

/// One read to log.
pub struct Read {
    pub archive_id: ArchiveId,
    pub site_id: SiteId,
    pub reader_id: UserId,
    pub what: ReadWhat,
    pub document_id: Option<ArchiveDocumentId>,
    pub person_id: Option<ArchivePersonId>,
    pub attachment_id: Option<AttachmentId>,
    pub loan_id: Option<ArchiveLoanId>,
    pub reason: String,
}

pub fn log_read(conn: &mut AnyConnection, read: Read, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::insert_into(archive_reads::table)
        .values((
            archive_reads::archive_id.eq(read.archive_id),
            archive_reads::site_id.eq(read.site_id),
            archive_reads::reader_id.eq(read.reader_id),
            archive_reads::what.eq(read.what.as_str()),
            archive_reads::document_id.eq(read.document_id),
            archive_reads::person_id.eq(read.person_id),
            archive_reads::attachment_id.eq(read.attachment_id),
            archive_reads::loan_id.eq(read.loan_id),
            archive_reads::reason.eq(read.reason),
            archive_reads::read_at.eq(at),
        ))
        .execute(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = archive_reads)]
pub struct ReadRow {
    pub id: i64,
    pub archive_id: ArchiveId,
    pub site_id: SiteId,
    pub reader_id: UserId,
    #[diesel(deserialize_as = String)]
    pub what: ReadWhat,
    pub document_id: Option<ArchiveDocumentId>,
    pub person_id: Option<ArchivePersonId>,
    pub attachment_id: Option<AttachmentId>,
    pub loan_id: Option<ArchiveLoanId>,
    pub reason: String,
    pub read_at: NaiveDateTime,
}

/// A page of the read log, newest first: of one archive, or of one reader within `sites`.
pub fn reads(
    conn: &mut AnyConnection,
    archive_id: Option<ArchiveId>,
    reader_id: Option<UserId>,
    sites: Option<&[SiteId]>,
    page: PageRequest,
) -> QueryResult<Vec<ReadRow>> {
    let mut query = archive_reads::table
        .select(ReadRow::as_select())
        .order(archive_reads::id.desc())
        .into_boxed();
    if let Some(archive_id) = archive_id {
        query = query.filter(archive_reads::archive_id.eq(archive_id));
    }
    if let Some(reader_id) = reader_id {
        query = query.filter(archive_reads::reader_id.eq(reader_id));
    }
    if let Some(sites) = sites {
        query = query.filter(archive_reads::site_id.eq_any(sites.to_vec()));
    }
    if let Some(after) = page.after_id {
        query = query.filter(archive_reads::id.lt(after));
    }
    query.limit(page.fetch()).load(conn)
}

// ---- the occupancy an archive is of ----

/// The open owner membership of `user_id` in the unit on `today`: the occupancy.
pub fn owner_occupancy(
    conn: &mut AnyConnection,
    unit_id: UnitId,
    user_id: UserId,
    today: chrono::NaiveDate,
) -> QueryResult<Option<i64>> {
    use crate::db::schema::unit_memberships as m;
    m::table
        .filter(m::unit_id.eq(unit_id))
        .filter(m::user_id.eq(user_id))
        .filter(m::relation.eq(crate::users::model::Relation::Owner.as_str()))
        .filter(m::start_date.le(today))
        .filter(m::end_date.is_null().or(m::end_date.gt(today)))
        .select(m::id)
        .first(conn)
        .optional()
}

/// A person's name and phone as their account holds them.
pub fn contact_of(
    conn: &mut AnyConnection,
    user_id: UserId,
) -> QueryResult<Option<(String, Option<String>)>> {
    use crate::db::schema::users;
    users::table
        .find(user_id)
        .select((users::display_name, users::phone))
        .first(conn)
        .optional()
}
