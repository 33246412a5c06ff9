//! The attachment use cases: an upload onto a record, a record's list, finding one to
//! download, and the sweep of objects that no row refers to.

use std::collections::HashSet;
use std::io::Cursor;

use actix_multipart::Multipart;
use chrono::{DateTime, Duration, NaiveDateTime, Utc};

use super::receive::{self, Allowance, Received};
use super::repo::{self, AttachmentRow, NewAttachmentRow};
use super::{Attachment, AttachmentList, Holder, Intent, Stage, Uploaded};
use crate::access::tokens::random_token;
use crate::access::Actor;
use crate::db::{self, utc};
use crate::error::AppError;
use crate::i18n::Msg;
use crate::ids::AttachmentId;
use crate::state::AppState;

/// Every object's key starts here, then the day and time it was written: `attachments/
/// 2026-12-02/101500-<random>.jpg`. The sweep reads the time back from the key.
const ROOT: &str = "attachments";
/// An object younger than this may belong to an upload whose row is still being written.
const GRACE_MINUTES: i64 = 60;
/// How many days back the sweep looks: an orphan appears only when an upload fails, so
/// only recent folders need listing, however many files the store holds.
const SWEEP_DAYS: i64 = 7;
/// The longest side of a thumbnail, in pixels.
const THUMBNAIL_PX: u32 = 320;

/// A received file with the keys it is stored under.
struct Stored {
    received: Received,
    object_key: String,
    thumbnail_key: Option<String>,
}

fn key_at(now: DateTime<Utc>, suffix: &str) -> String {
    format!(
        "{ROOT}/{}/{}-{}{suffix}",
        now.format("%Y-%m-%d"),
        now.format("%H%M%S"),
        random_token(12)
    )
}

/// When the object under `key` was written, as its key tells.
fn written_at(key: &str) -> Option<NaiveDateTime> {
    let mut parts = key.strip_prefix(ROOT)?.strip_prefix('/')?.splitn(2, '/');
    let (day, name) = (parts.next()?, parts.next()?);
    let stamp = format!("{day} {}", name.get(..6)?);
    NaiveDateTime::parse_from_str(&stamp, "%Y-%m-%d %H%M%S").ok()
}

/// A small JPEG of the image for lists; 415 when the bytes are not the image they begin as.
fn thumbnail(path: &std::path::Path, media_type: super::MediaType) -> Result<Vec<u8>, AppError> {
    let unreadable = |_| {
        AppError::UnsupportedMediaType(
            Msg::new("the file begins as %{media_type} but is not a readable one")
                .arg("media_type", media_type.as_str()),
        )
    };
    let mut reader = image::ImageReader::open(path)
        .map_err(|e| AppError::internal_from("opening an upload's temporary file", e))?
        .with_guessed_format()
        .map_err(|e| AppError::internal_from("reading an upload's temporary file", e))?;
    // A small file can claim a vast image (a decompression bomb): bound what decoding takes.
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(20_000);
    limits.max_image_height = Some(20_000);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let image = reader.decode().map_err(unreadable)?;
    // Shrunk to fit, never enlarged: a small photo is its own thumbnail.
    let small = if image.width().max(image.height()) > THUMBNAIL_PX {
        image.thumbnail(THUMBNAIL_PX, THUMBNAIL_PX)
    } else {
        image
    };
    let small = small.to_rgb8();
    let mut jpeg = Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 80)
        .encode_image(&small)
        .map_err(|e| AppError::internal_from("encoding a thumbnail", e))?;
    Ok(jpeg.into_inner())
}

/// Makes the thumbnails, then writes every file to the store. On a failure, what it wrote
/// is deleted again before the error returns.
async fn store_all(
    state: &AppState,
    received: Vec<Received>,
    now: DateTime<Utc>,
) -> Result<Vec<Stored>, AppError> {
    let mut thumbnails = Vec::with_capacity(received.len());
    for file in &received {
        let (path, media_type) = (file.file.path().to_owned(), file.media_type);
        thumbnails.push(if media_type.has_thumbnail() {
            Some(
                actix_web::web::block(move || thumbnail(&path, media_type))
                    .await
                    .map_err(AppError::internal)??,
            )
        } else {
            None
        });
    }
    let mut stored = Vec::with_capacity(received.len());
    for (file, small) in received.into_iter().zip(thumbnails) {
        let object_key = key_at(now, &format!(".{}", file.media_type.extension()));
        let thumbnail_key = small.as_ref().map(|_| format!("{object_key}.thumb.jpg"));
        let written = write_one(state, &file, &object_key, thumbnail_key.as_deref(), small).await;
        stored.push(Stored {
            received: file,
            object_key,
            thumbnail_key,
        });
        if let Err(err) = written {
            remove(state, &stored).await;
            return Err(err);
        }
    }
    Ok(stored)
}

async fn write_one(
    state: &AppState,
    file: &Received,
    object_key: &str,
    thumbnail_key: Option<&str>,
    small: Option<Vec<u8>>,
) -> Result<(), AppError> {
    let handle = file
        .file
        .reopen()
        .map_err(|e| AppError::internal_from("reopening an upload's temporary file", e))?;
    state
        .files
        .put_file(object_key, handle, file.size_bytes)
        .await?;
    if let (Some(key), Some(small)) = (thumbnail_key, small) {
        state.files.put_bytes(key, small).await?;
    }
    Ok(())
}

/// Deletes stored objects no row will refer to. A failure here is left to the sweep.
async fn remove(state: &AppState, stored: &[Stored]) {
    for one in stored {
        for key in std::iter::once(&one.object_key).chain(&one.thumbnail_key) {
            if let Err(err) = state.files.delete(key).await {
                log::warn!("left {key} for the orphan sweep: {}", err.chain());
            }
        }
    }
}

/// Files an upload onto the record: `(created, attachments)`, `created` false when the
/// record held every file already (a retried upload).
pub async fn upload<H: Holder>(
    state: &AppState,
    actor: &Actor,
    id: H::Id,
    stage: Stage,
    multipart: Multipart,
) -> Result<(bool, Uploaded), AppError> {
    let now = state.now();
    let subject_id: i64 = id.into();
    let per_record = state.config.attachments_per_record;
    let (site_id, held) = {
        let actor = actor.clone();
        db::read(&state.pool, move |conn| {
            let site_id = H::check(conn, &actor, id, Intent::Attach(stage), now)?;
            Ok((site_id, repo::of_record(conn, H::SUBJECT, subject_id)?))
        })
        .await?
    };
    let tmp_dir = state.config.data_dir.join("tmp");
    std::fs::create_dir_all(&tmp_dir)
        .map_err(|e| AppError::internal_from("creating the uploads' temporary folder", e))?;
    let allowance = Allowance {
        max_bytes: state.config.attachment_max_bytes,
        room: per_record.saturating_sub(held.len()),
        known: held.iter().map(|row| row.sha256.clone()).collect(),
        tmp_dir,
    };
    let received = receive::receive(multipart, &allowance).await?;
    // In the order sent; those the record holds are answered with what it holds.
    let order: Vec<String> = received.iter().map(|file| file.sha256.clone()).collect();
    let new: Vec<Received> = received
        .into_iter()
        .filter(|file| !allowance.known.contains(&file.sha256))
        .collect();
    let stored = store_all(state, new, now).await?;

    let rows: Vec<NewAttachmentRow> = stored
        .iter()
        .map(|one| NewAttachmentRow {
            subject: H::SUBJECT,
            subject_id,
            site_id,
            stage,
            file_name: one.received.file_name.clone(),
            content_type: one.received.media_type,
            size_bytes: i64::try_from(one.received.size_bytes).unwrap_or(i64::MAX),
            sha256: one.received.sha256.clone(),
            object_key: one.object_key.clone(),
            thumbnail_key: one.thumbnail_key.clone(),
            uploaded_by: actor.user_id,
            uploaded_at: utc(now),
        })
        .collect();
    let actor = actor.clone();
    let filed = db::transaction(&state.pool, move |conn| {
        // Again inside the transaction: the record or its files may have changed meanwhile.
        H::check(conn, &actor, id, Intent::Attach(stage), now)?;
        let mut held = repo::of_record(conn, H::SUBJECT, subject_id)?;
        let mut unused = HashSet::new();
        let mut created = 0;
        for row in rows {
            if held.iter().any(|there| there.sha256 == row.sha256) {
                // Filed by a concurrent upload of the same file since the first look.
                unused.insert(row.object_key);
                continue;
            }
            if held.len() >= per_record {
                return Err(receive::too_many(0));
            }
            held.push(repo::insert(conn, row)?);
            created += 1;
        }
        if created > 0 {
            H::filed(conn, &actor, id, now)?;
        }
        let attachments = order
            .iter()
            .filter_map(|sha| held.iter().find(|row| &row.sha256 == sha))
            .map(|row| Attachment::from(row.clone()))
            .collect();
        Ok((created > 0, attachments, unused))
    })
    .await;
    match filed {
        Ok((created, attachments, unused)) => {
            let (unused, _): (Vec<Stored>, Vec<Stored>) = stored
                .into_iter()
                .partition(|one| unused.contains(&one.object_key));
            remove(state, &unused).await;
            Ok((created, Uploaded { attachments }))
        }
        Err(err) => {
            remove(state, &stored).await;
            Err(err)
        }
    }
}

/// Runs a read of a record's files: in a reading transaction, or in a writing one when the
/// holder logs its reads.
async fn reading<H: Holder, T: Send + 'static>(
    state: &AppState,
    read: impl FnOnce(&mut db::AnyConnection) -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    if H::LOGS_READS {
        db::transaction(&state.pool, read).await
    } else {
        db::read(&state.pool, read).await
    }
}

/// The record's attachments, if the caller may see the record.
pub async fn list<H: Holder>(
    state: &AppState,
    actor: &Actor,
    id: H::Id,
) -> Result<AttachmentList, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    reading::<H, _>(state, move |conn| {
        H::check(conn, &actor, id, Intent::Read, now)?;
        H::log_read(conn, &actor, id, None, now)?;
        let rows = repo::of_record(conn, H::SUBJECT, id.into())?;
        Ok(AttachmentList {
            attachments: rows.into_iter().map(Attachment::from).collect(),
        })
    })
    .await
}

/// Attachment `attachment_id` of the record, if the caller may see the record: 404 for
/// another record's, as for one that does not exist.
pub async fn find<H: Holder>(
    state: &AppState,
    actor: &Actor,
    id: H::Id,
    attachment_id: AttachmentId,
) -> Result<AttachmentRow, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    reading::<H, _>(state, move |conn| {
        H::check(conn, &actor, id, Intent::Read, now)?;
        let row = repo::find_on_record(conn, H::SUBJECT, id.into(), attachment_id)?
            .ok_or(AppError::NotFound("attachment"))?;
        H::log_read(conn, &actor, id, Some(attachment_id), now)?;
        Ok(row)
    })
    .await
}

/// Deletes the objects of the last [`SWEEP_DAYS`] that no attachment refers to and that
/// are older than [`GRACE_MINUTES`]: those an upload wrote before it failed in a way that
/// left no chance to delete them (a crash between the store and the database).
pub async fn sweep_orphans(state: &AppState) -> Result<usize, AppError> {
    let now = state.now();
    let before = utc(now - Duration::minutes(GRACE_MINUTES));
    let mut swept = 0;
    for back in (0..SWEEP_DAYS).rev() {
        let day = (now - Duration::days(back)).format("%Y-%m-%d");
        let settled: Vec<String> = state
            .files
            .keys_under(&format!("{ROOT}/{day}"))
            .await?
            .into_iter()
            .filter(|key| written_at(key).is_some_and(|at| at < before))
            .collect();
        if settled.is_empty() {
            continue;
        }
        let keys = settled.clone();
        let kept = db::read(&state.pool, move |conn| Ok(repo::referenced(conn, &keys)?)).await?;
        for key in settled.iter().filter(|key| !kept.contains(*key)) {
            state.files.delete(key).await?;
            swept += 1;
        }
    }
    Ok(swept)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn a_key_tells_when_it_was_written() {
        let at = Utc.with_ymd_and_hms(2026, 12, 2, 9, 5, 7).unwrap();
        let key = key_at(at, ".jpg");
        assert!(key.starts_with("attachments/2026-12-02/090507-"), "{key}");
        assert_eq!(written_at(&key), Some(at.naive_utc()));
        assert_eq!(
            written_at(&format!("{key}.thumb.jpg")),
            Some(at.naive_utc())
        );
        assert_eq!(written_at("attachments/2026-12-02/x.jpg"), None);
        assert_eq!(written_at("elsewhere/2026-12-02/090507-a.jpg"), None);
    }
}
