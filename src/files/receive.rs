//! Reading an upload: each `file` part streams into a temporary file under `DATA_DIR/tmp`
//! while its size is counted and its SHA-256 taken, and its type is read from its first
//! bytes. A part that is too large, of a type not taken or claiming another type fails the
//! whole upload; its temporary files are deleted as they drop, so nothing is left behind.

use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;

use actix_multipart::{Field, Multipart, MultipartError};
use futures_util::TryStreamExt;
use sha2::{Digest, Sha256};
use tempfile::NamedTempFile;

use super::MediaType;
use crate::error::{AppError, Validator};
use crate::i18n::Msg;

/// Bytes gathered before each write to the temporary file.
const WRITE_BYTES: usize = 256 * 1024;
/// Enough of a file's start to tell every accepted type.
const HEAD_BYTES: usize = 512;
/// The longest file name kept, in characters.
pub const MAX_FILE_NAME: usize = 120;

/// One file of an upload, whole and checked, in its temporary file.
pub struct Received {
    pub file: NamedTempFile,
    pub file_name: String,
    pub media_type: MediaType,
    pub size_bytes: u64,
    pub sha256: String,
}

/// What an upload may bring.
pub struct Allowance {
    pub max_bytes: u64,
    /// How many new files the record has room for.
    pub room: usize,
    /// The SHA-256 of the files the record holds already: sending one again is no new file.
    pub known: HashSet<String>,
    pub tmp_dir: PathBuf,
}

fn one_field(field: &str, message: impl Into<Msg>) -> AppError {
    Validator::new()
        .check(false, field, message)
        .finish()
        .expect_err("a failed check")
}

fn unreadable(err: MultipartError) -> AppError {
    match err {
        MultipartError::ContentTypeMissing
        | MultipartError::ContentTypeParse
        | MultipartError::ContentTypeIncompatible => {
            AppError::UnsupportedMediaType("send the files as multipart/form-data".into())
        }
        other => AppError::BadRequest(
            Msg::new("the multipart body could not be read: %{error}").arg("error", other),
        ),
    }
}

fn io_failed(err: std::io::Error) -> AppError {
    AppError::internal_from("writing an upload's temporary file", err)
}

/// Reads every part; the files new to the record, in the order sent, and those it holds.
pub async fn receive(
    mut multipart: Multipart,
    allowance: &Allowance,
) -> Result<Vec<Received>, AppError> {
    let mut received: Vec<Received> = Vec::new();
    // Files the record holds may come again (a retry), but no upload is longer than every
    // file the record could hold: the stream is bounded even when each part is a repeat.
    let most_parts = allowance.room + allowance.known.len();
    let mut parts = 0;
    while let Some(field) = multipart.try_next().await.map_err(unreadable)? {
        parts += 1;
        if parts > most_parts {
            return Err(too_many(allowance.room));
        }
        let name = field.name().unwrap_or_default().to_owned();
        if name != "file" {
            return Err(one_field(
                &name,
                "not a part this upload takes: send each file as a part named `file`",
            ));
        }
        let one = receive_one(field, allowance).await?;
        if received.iter().any(|r| r.sha256 == one.sha256) {
            continue;
        }
        let new = received
            .iter()
            .filter(|r| !allowance.known.contains(&r.sha256))
            .count();
        if !allowance.known.contains(&one.sha256) && new == allowance.room {
            return Err(too_many(allowance.room));
        }
        received.push(one);
    }
    if received.is_empty() {
        return Err(one_field(
            "file",
            "send at least one file, as a part named `file`",
        ));
    }
    Ok(received)
}

/// 422: more new files than the record has room for.
pub fn too_many(room: usize) -> AppError {
    one_field(
        "file",
        Msg::new("the record has room for %{room} more file(s) only").arg("room", room),
    )
}

/// The name a file was sent with, without folders or control characters.
fn file_name(field: &Field, media_type: MediaType) -> String {
    let sent = field
        .content_disposition()
        .and_then(|d| d.get_filename())
        .unwrap_or_default();
    let base = sent.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(MAX_FILE_NAME)
        .collect();
    let clean = clean.trim();
    if clean.is_empty() || clean == "." || clean == ".." {
        format!("file.{}", media_type.extension())
    } else {
        clean.to_owned()
    }
}

/// Writes the gathered bytes to the temporary file on the blocking pool.
async fn flush(file: NamedTempFile, bytes: Vec<u8>) -> Result<NamedTempFile, AppError> {
    actix_web::web::block(move || {
        let mut file = file;
        file.write_all(&bytes).map(|()| file)
    })
    .await
    .map_err(AppError::internal)?
    .map_err(io_failed)
}

async fn receive_one(mut field: Field, allowance: &Allowance) -> Result<Received, AppError> {
    let claimed = field.content_type().map(|m| m.essence_str().to_owned());
    let mut file = NamedTempFile::new_in(&allowance.tmp_dir).map_err(io_failed)?;
    let (mut hash, mut size, mut head) = (Sha256::new(), 0u64, Vec::with_capacity(HEAD_BYTES));
    let mut pending = Vec::with_capacity(WRITE_BYTES);
    let mut media_type = None;
    while let Some(chunk) = field.try_next().await.map_err(unreadable)? {
        size += chunk.len() as u64;
        if size > allowance.max_bytes {
            return Err(AppError::PayloadTooLarge(
                usize::try_from(allowance.max_bytes).unwrap_or(usize::MAX),
            ));
        }
        hash.update(&chunk);
        if head.len() < HEAD_BYTES {
            let take = chunk.len().min(HEAD_BYTES - head.len());
            head.extend_from_slice(&chunk[..take]);
            // Refuse a file of the wrong type as soon as its start tells, not after it all.
            if head.len() == HEAD_BYTES {
                media_type = Some(media_type_of(&head, claimed.as_deref())?);
            }
        }
        pending.extend_from_slice(&chunk);
        if pending.len() >= WRITE_BYTES {
            file = flush(file, std::mem::take(&mut pending)).await?;
        }
    }
    if size == 0 {
        return Err(one_field("file", "the file is empty"));
    }
    let media_type = match media_type {
        Some(known) => known,
        None => media_type_of(&head, claimed.as_deref())?,
    };
    let file = flush(file, pending).await?;
    Ok(Received {
        file_name: file_name(&field, media_type),
        file,
        media_type,
        size_bytes: size,
        sha256: format!("{:x}", hash.finalize()),
    })
}

/// The file's type from its first bytes: 415 for a type not taken, or one other than the
/// part's `Content-Type` claims.
fn media_type_of(head: &[u8], claimed: Option<&str>) -> Result<MediaType, AppError> {
    let found = MediaType::sniff(head).ok_or_else(|| {
        AppError::UnsupportedMediaType(
            "the file is not a JPEG, PNG, WebP or HEIC photo, nor a PDF".into(),
        )
    })?;
    match claimed {
        Some(claimed) if !found.agrees_with(claimed) => Err(AppError::UnsupportedMediaType(
            Msg::new("the part says it is %{claimed}, but its content is %{found}")
                .arg("claimed", claimed)
                .arg("found", found.as_str()),
        )),
        _ => Ok(found),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    #[test]
    fn the_type_is_read_from_the_content_and_a_false_claim_is_refused() {
        assert_eq!(media_type_of(PNG, None).unwrap(), MediaType::Png);
        assert_eq!(
            media_type_of(PNG, Some("image/png")).unwrap(),
            MediaType::Png
        );
        assert_eq!(
            media_type_of(PNG, Some("application/octet-stream")).unwrap(),
            MediaType::Png
        );
        assert!(matches!(
            media_type_of(PNG, Some("image/jpeg")),
            Err(AppError::UnsupportedMediaType(_))
        ));
        assert!(matches!(
            media_type_of(b"MZ\x90\0 an executable", Some("image/png")),
            Err(AppError::UnsupportedMediaType(_))
        ));
        assert_eq!(
            media_type_of(b"%PDF-1.7\n", Some("application/pdf")).unwrap(),
            MediaType::Pdf
        );
        let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
        assert_eq!(
            media_type_of(heic, Some("image/heif")).unwrap(),
            MediaType::Heic
        );
    }
}
