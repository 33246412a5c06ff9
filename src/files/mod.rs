//! Attachments: the photos and documents filed on a record. Residents and staff add photos
//! to a ticket or a complaint at intake and later, engineers their before and after photos
//! of a work order; archives, key handoffs and billing letters will file theirs the same way.
//!
//! One mechanism for every capability. An upload streams to a temporary file (never held
//! whole in memory) while its size is counted and its SHA-256 taken; its type is read from
//! its content, not from what the client claims. Only a file that passes is copied into the
//! store ([`crate::storage::Store`]: the local filesystem under `DATA_DIR/files`, or S3), and only then
//! is its row written; when that transaction fails the object is deleted again, and a job
//! sweeps any object left without a row by a crash between the two ([`service::sweep_orphans`]).
//!
//! A capability plugs in with [`Holder`]: whether the caller may see its record, and may file
//! at a stage now. Downloads go through the record's routes, so a record's object-level
//! checks cover its files: who may not see the ticket gets 404 for its photos too.

pub mod receive;
pub mod repo;
pub mod service;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::access::Actor;
use crate::db::AnyConnection;
use crate::error::{AppError, Validator};
use crate::i18n::Msg;
use crate::ids::{AttachmentId, SiteId, UserId};
use crate::text_enum;
use crate::timeline::Subject;

text_enum! {
    /// When in the record's life a file was added.
    pub enum Stage {
        /// With the report or the complaint, or later by whoever may see the record.
        Report = "report",
        /// A work order's photo before the repair: the assigned engineers and the desk.
        BeforeWork = "before_work",
        /// A work order's photo after the repair: the assigned engineers and the desk.
        AfterWork = "after_work",
        /// Anything else on the record: a receipt, a letter.
        Other = "other",
    }
}

text_enum! {
    /// The file types accepted, as read from the file's first bytes.
    pub enum MediaType {
        Jpeg = "image/jpeg",
        Png = "image/png",
        Webp = "image/webp",
        Heic = "image/heic",
        Pdf = "application/pdf",
    }
}

impl MediaType {
    /// The type of a file from its first bytes, if it is one accepted.
    pub fn sniff(head: &[u8]) -> Option<MediaType> {
        match infer::get(head)?.mime_type() {
            "image/jpeg" => Some(MediaType::Jpeg),
            "image/png" => Some(MediaType::Png),
            "image/webp" => Some(MediaType::Webp),
            // HEIC is HEIF with HEVC images: what iPhones take.
            "image/heif" | "image/heic" => Some(MediaType::Heic),
            "application/pdf" => Some(MediaType::Pdf),
            _ => None,
        }
    }

    /// Whether a client's `Content-Type` names this type (or says nothing useful).
    pub fn agrees_with(self, claimed: &str) -> bool {
        let claimed = claimed.trim().to_ascii_lowercase();
        claimed.is_empty()
            || claimed == "application/octet-stream"
            || claimed == self.as_str()
            || matches!(
                (self, claimed.as_str()),
                (MediaType::Jpeg, "image/jpg" | "image/pjpeg") | (MediaType::Heic, "image/heif")
            )
    }

    /// Whether lists get a thumbnail of it: the `image` crate decodes JPEG, PNG and WebP in
    /// pure Rust; HEIC needs libheif (a C library with patent-encumbered codecs) and a PDF a
    /// renderer, so those show an icon instead.
    pub fn has_thumbnail(self) -> bool {
        matches!(self, MediaType::Jpeg | MediaType::Png | MediaType::Webp)
    }

    pub fn extension(self) -> &'static str {
        match self {
            MediaType::Jpeg => "jpg",
            MediaType::Png => "png",
            MediaType::Webp => "webp",
            MediaType::Heic => "heic",
            MediaType::Pdf => "pdf",
        }
    }
}

/// A file filed on a record. Its bytes are at the record's `.../attachments/{id}` route,
/// a small JPEG of it at `.../thumbnail` when `has_thumbnail`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Attachment {
    #[schema(value_type = i64, example = 7)]
    pub id: AttachmentId,
    pub subject: Subject,
    #[schema(example = 42)]
    pub subject_id: i64,
    pub stage: Stage,
    /// The name the file was sent with, without any folder.
    #[schema(example = "leak-under-sink.jpg")]
    pub file_name: String,
    pub content_type: MediaType,
    #[schema(example = 482133)]
    pub size_bytes: i64,
    /// Hex SHA-256 of the bytes; the download's `ETag`.
    #[schema(example = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    pub sha256: String,
    pub has_thumbnail: bool,
    #[schema(value_type = i64, example = 5)]
    pub uploaded_by: UserId,
    pub uploaded_at: DateTime<Utc>,
}

/// The answer to an upload: the record's attachments the files became. A file the record
/// already holds (the same bytes, say a retried upload) is not stored twice: its existing
/// attachment is in the list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Uploaded {
    pub attachments: Vec<Attachment>,
}

/// A record's attachments, in the order they came.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentList {
    pub attachments: Vec<Attachment>,
}

/// `?stage=`: when in the record's life the files are filed (default `report`).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UploadParams {
    pub stage: Option<Stage>,
}

/// The `multipart/form-data` body of an upload: one or more parts named `file`.
#[derive(ToSchema)]
#[allow(dead_code)] // documents the body for the spec; the parts are read as a stream
pub struct UploadForm {
    /// A photo or a document: JPEG, PNG, WebP, HEIC or PDF, told by its content.
    #[schema(value_type = Vec<String>, format = Binary, min_items = 1)]
    file: Vec<Vec<u8>>,
}

/// What the caller wants with a record's files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    Read,
    Attach(Stage),
}

/// A capability whose records hold attachments.
pub trait Holder: Send + 'static {
    const SUBJECT: Subject;
    type Id: Copy + Into<i64> + Send + 'static;

    /// The record's site, when the actor may see it and may do what they intend now:
    /// 404 for a record they may not see (as for one that does not exist), 403 or 409 for
    /// a filing they may not make.
    fn check(
        conn: &mut AnyConnection,
        actor: &Actor,
        id: Self::Id,
        intent: Intent,
        now: DateTime<Utc>,
    ) -> Result<SiteId, AppError>;

    /// Whether every read of the record's files is logged (archives, R-ARC-5): its lists
    /// and downloads then take a writing transaction and call [`Holder::log_read`].
    const LOGS_READS: bool = false;

    /// Logs a read of the record's files: the list (`None`) or one attachment.
    fn log_read(
        _conn: &mut AnyConnection,
        _actor: &Actor,
        _id: Self::Id,
        _attachment_id: Option<AttachmentId>,
        _now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        Ok(())
    }

    /// What the record does once new files are filed on it, in the same transaction (an
    /// archive's document counts its scan).
    fn filed(
        _conn: &mut AnyConnection,
        _actor: &Actor,
        _id: Self::Id,
        _now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        Ok(())
    }
}

/// 422 unless the stage is one anybody who sees the record may file: before and after
/// photos are a work order's.
pub fn no_work_photos(stage: Stage, what: &'static str) -> Result<(), AppError> {
    Validator::new()
        .check(
            matches!(stage, Stage::Report | Stage::Other),
            "stage",
            Msg::new("before and after photos belong to a work order, not to a %{record}")
                .term("record", what),
        )
        .finish()
}

/// 409 when the record is closed: its file is complete.
pub fn still_open(open: bool, number: &str) -> Result<(), AppError> {
    if open {
        Ok(())
    } else {
        Err(AppError::InvalidTransition(
            Msg::new("%{number} is closed: it takes no more files").arg("number", number),
        ))
    }
}
