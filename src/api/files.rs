//! The HTTP side of attachments, one for every record's routes: the upload's answer, and a
//! file served with `ETag`, `Content-Type`, `Content-Disposition` and byte ranges.

use actix_multipart::Multipart;
use actix_web::http::header::{
    self, Charset, ContentDisposition, ContentRange, ContentRangeSpec, DispositionParam,
    DispositionType, EntityTag, ExtendedValue, IfNoneMatch, Range,
};
use actix_web::{HttpMessage, HttpRequest, HttpResponse};

use crate::access::Actor;
use crate::error::AppError;
use crate::files::{service, Holder, Stage, UploadParams};
use crate::ids::AttachmentId;
use crate::state::AppState;

/// 201 with the attachments, or 200 when the record held every file already.
pub async fn upload<H: Holder>(
    state: &AppState,
    actor: &Actor,
    id: H::Id,
    params: UploadParams,
    multipart: Multipart,
) -> Result<HttpResponse, AppError> {
    let stage = params.stage.unwrap_or(Stage::Report);
    let (created, uploaded) = service::upload::<H>(state, actor, id, stage, multipart).await?;
    let mut answer = if created {
        HttpResponse::Created()
    } else {
        HttpResponse::Ok()
    };
    Ok(answer.json(uploaded))
}

/// Which bytes of an attachment a route serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    File,
    Thumbnail,
}

/// One byte range asked for, if the request asks for one this file can give: a request for
/// several ranges gets the whole file, which RFC 9110 allows.
fn range_of(req: &HttpRequest, size: u64) -> Result<Option<(u64, u64)>, AppError> {
    let Some(Range::Bytes(specs)) = req.get_header::<Range>() else {
        return Ok(None);
    };
    match specs.as_slice() {
        [one] => one
            .to_satisfiable_range(size)
            .map(Some)
            .ok_or(AppError::RangeNotSatisfiable { size }),
        _ => Ok(None),
    }
}

/// Serves the attachment's file or thumbnail, if the caller may see its record.
pub async fn download<H: Holder>(
    req: &HttpRequest,
    state: &AppState,
    actor: &Actor,
    id: H::Id,
    attachment_id: AttachmentId,
    part: Part,
) -> Result<HttpResponse, AppError> {
    let row = service::find::<H>(state, actor, id, attachment_id).await?;
    let (key, tag, media_type, size, name) = match part {
        Part::File => (
            row.object_key,
            row.sha256,
            row.content_type.as_str(),
            Some(u64::try_from(row.size_bytes).unwrap_or_default()),
            row.file_name,
        ),
        Part::Thumbnail => (
            row.thumbnail_key.ok_or(AppError::NotFound("thumbnail"))?,
            format!("{}-thumbnail", row.sha256),
            "image/jpeg",
            None,
            format!("{}-thumbnail.jpg", row.file_name),
        ),
    };
    let etag = EntityTag::new_strong(tag);
    if let Some(IfNoneMatch::Items(tags)) = req.get_header::<IfNoneMatch>() {
        if tags.iter().any(|t| t.weak_eq(&etag)) {
            return Ok(HttpResponse::NotModified()
                .insert_header(header::ETag(etag))
                .finish());
        }
    }
    let range = match size {
        Some(size) => range_of(req, size)?,
        None => None,
    };
    let body = state
        .files
        .get(&key, range.map(|(first, last)| first..last + 1))
        .await?;
    let mut answer = match (range, size) {
        (Some((first, last)), Some(size)) => {
            let mut partial = HttpResponse::PartialContent();
            partial.insert_header(ContentRange(ContentRangeSpec::Bytes {
                range: Some((first, last)),
                instance_length: Some(size),
            }));
            partial
        }
        _ => HttpResponse::Ok(),
    };
    if size.is_some() {
        answer.insert_header((header::ACCEPT_RANGES, "bytes"));
    }
    Ok(answer
        .insert_header((header::CONTENT_TYPE, media_type))
        .insert_header(header::ETag(etag))
        // Behind a login: no shared cache may keep it.
        .insert_header((header::CACHE_CONTROL, "private, max-age=3600"))
        .insert_header(disposition(&name, media_type))
        .streaming(body))
}

/// `inline` with the file's name: as is when it is ASCII; otherwise (a Chinese name, say)
/// in RFC 8187's `filename*`, with a plain ASCII name beside it for old clients.
fn disposition(name: &str, media_type: &str) -> ContentDisposition {
    let parameters = if name.is_ascii() {
        vec![DispositionParam::Filename(name.to_owned())]
    } else {
        let extension = name.rsplit_once('.').map_or("", |(_, ext)| ext);
        let fallback = if extension.is_ascii() && !extension.is_empty() {
            format!("file.{extension}")
        } else {
            format!("file.{}", media_type.rsplit('/').next().unwrap_or("bin"))
        };
        vec![
            DispositionParam::Filename(fallback),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: Charset::Ext("UTF-8".into()),
                language_tag: None,
                value: name.as_bytes().to_vec(),
            }),
        ]
    };
    ContentDisposition {
        disposition: DispositionType::Inline,
        parameters,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chinese_file_name_goes_in_filename_star_beside_an_ascii_one() {
        let plain = disposition("sink.png", "image/png").to_string();
        assert_eq!(plain, "inline; filename=\"sink.png\"");
        let chinese = disposition("厨房漏水.jpg", "image/jpeg").to_string();
        assert_eq!(
            chinese,
            "inline; filename=\"file.jpg\"; filename*=UTF-8''%E5%8E%A8%E6%88%BF%E6%BC%8F%E6%B0%B4.jpg"
        );
    }
}
