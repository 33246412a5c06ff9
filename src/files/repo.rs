//! The `attachments` rows.

use std::collections::HashSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{Attachment, MediaType, Stage};
use crate::db::schema::attachments as a;
use crate::db::AnyConnection;
use crate::ids::{AttachmentId, SiteId, UserId};
use crate::timeline::Subject;

#[derive(Clone, Queryable, Selectable)]
#[diesel(table_name = a)]
pub struct AttachmentRow {
    pub id: AttachmentId,
    #[diesel(deserialize_as = String)]
    pub subject: Subject,
    pub subject_id: i64,
    pub site_id: SiteId,
    #[diesel(deserialize_as = String)]
    pub stage: Stage,
    pub file_name: String,
    #[diesel(deserialize_as = String)]
    pub content_type: MediaType,
    pub size_bytes: i64,
    pub sha256: String,
    pub object_key: String,
    pub thumbnail_key: Option<String>,
    pub uploaded_by: UserId,
    pub uploaded_at: NaiveDateTime,
}

impl From<AttachmentRow> for Attachment {
    fn from(row: AttachmentRow) -> Self {
        Attachment {
            id: row.id,
            subject: row.subject,
            subject_id: row.subject_id,
            stage: row.stage,
            file_name: row.file_name,
            content_type: row.content_type,
            size_bytes: row.size_bytes,
            sha256: row.sha256,
            has_thumbnail: row.thumbnail_key.is_some(),
            uploaded_by: row.uploaded_by,
            uploaded_at: row.uploaded_at.and_utc(),
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = a)]
pub struct NewAttachmentRow {
    #[diesel(serialize_as = String)]
    pub subject: Subject,
    pub subject_id: i64,
    pub site_id: SiteId,
    #[diesel(serialize_as = String)]
    pub stage: Stage,
    pub file_name: String,
    #[diesel(serialize_as = String)]
    pub content_type: MediaType,
    pub size_bytes: i64,
    pub sha256: String,
    pub object_key: String,
    pub thumbnail_key: Option<String>,
    pub uploaded_by: UserId,
    pub uploaded_at: NaiveDateTime,
}

/// A record's attachments, in the order they came.
pub fn of_record(
    conn: &mut AnyConnection,
    subject: Subject,
    subject_id: i64,
) -> QueryResult<Vec<AttachmentRow>> {
    a::table
        .filter(a::subject.eq(subject.as_str()))
        .filter(a::subject_id.eq(subject_id))
        .select(AttachmentRow::as_select())
        .order(a::id)
        .load(conn)
}

/// Attachment `id` if it is the record's.
pub fn find_on_record(
    conn: &mut AnyConnection,
    subject: Subject,
    subject_id: i64,
    id: AttachmentId,
) -> QueryResult<Option<AttachmentRow>> {
    a::table
        .find(id)
        .filter(a::subject.eq(subject.as_str()))
        .filter(a::subject_id.eq(subject_id))
        .select(AttachmentRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut AnyConnection, row: NewAttachmentRow) -> QueryResult<AttachmentRow> {
    diesel::insert_into(a::table)
        .values(row)
        .get_result::<AttachmentRow>(conn)
}

/// Which of `keys` some attachment refers to, as its file or its thumbnail.
pub fn referenced(conn: &mut AnyConnection, keys: &[String]) -> QueryResult<HashSet<String>> {
    let mut found = HashSet::new();
    // In batches: an IN list stays well under each database's bound-parameter limit.
    for batch in keys.chunks(400) {
        let files: Vec<String> = a::table
            .filter(a::object_key.eq_any(batch))
            .select(a::object_key)
            .load(conn)?;
        let thumbnails: Vec<Option<String>> = a::table
            .filter(a::thumbnail_key.eq_any(batch))
            .select(a::thumbnail_key)
            .load(conn)?;
        found.extend(files);
        found.extend(thumbnails.into_iter().flatten());
    }
    Ok(found)
}
