//! JSON request bodies. Unlike `actix_web::web::Json`, a rejected body names the offending
//! field (`site_ids[2]`) so a mobile developer sees at once what to fix: malformed JSON is a
//! 400, well-formed JSON of the wrong shape a 422 with `errors[].field`.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::{header, StatusCode};
use actix_web::{web, FromRequest, HttpRequest};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

use crate::error::{AppError, FieldError};
use crate::i18n::Msg;
pub use strict::{checked, integer_value};
use strict::{reading, Strict};

mod strict;

pub struct Json<T>(pub T);

fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|mime| {
            let mime = mime.trim().to_ascii_lowercase();
            mime == "application/json"
                || (mime.starts_with("application/") && mime.ends_with("+json"))
        })
        .unwrap_or(false)
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = is_json(req);
        // The limit itself is enforced by the `PayloadConfig` that `build_app` registers.
        let limit = req
            .app_data::<web::Data<crate::state::AppState>>()
            .map_or(0, |s| s.config.body_limit_bytes);
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !json {
                return Err(AppError::UnsupportedMediaType(
                    "send the body as Content-Type: application/json".into(),
                ));
            }
            let bytes = body.await.map_err(|e| {
                if e.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE {
                    AppError::PayloadTooLarge(limit)
                } else {
                    AppError::BadRequest("the request body could not be read".into())
                }
            })?;
            parse(&bytes).map(Json)
        })
    }
}

/// serde_json messages end in " at line 1 column 20"; the field name says more.
fn without_position(message: &str) -> &str {
    message
        .rfind(" at line ")
        .map_or(message, |i| &message[..i])
}

/// The field a message names in backticks (`missing field `name``).
fn named_field(message: &str) -> Option<&str> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(&message[start..start + len])
}

pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        AppError::BadRequest(Msg::new("the body is not valid JSON: %{error}").arg("error", e))
    })?;
    let (read, mut problems) = reading(|| serde_path_to_error::deserialize(Strict(&value)));
    match read {
        Ok(value) if problems.is_empty() => Ok(value),
        Ok(_) => Err(AppError::Validation(problems)),
        // Reading stopped here; what was deferred before it is listed first.
        Err(err) => {
            problems.push(field_error(err));
            Err(AppError::Validation(problems))
        }
    }
}

fn field_error(err: serde_path_to_error::Error<serde_json::Error>) -> FieldError {
    let path = err.path().to_string();
    let message = without_position(&err.into_inner().to_string()).to_owned();
    // A missing field is reported at the object that lacks it; name the field too.
    let missing = message
        .starts_with("missing field")
        .then(|| named_field(&message))
        .flatten();
    let field = match (path.as_str(), missing) {
        (".", Some(name)) => name.to_owned(),
        (".", None) => String::new(),
        (_, Some(name)) => format!("{path}.{name}"),
        (_, None) => path,
    };
    FieldError {
        field,
        message: translatable(&message),
    }
}

/// serde's messages, and ours that travel through serde as text, as templates of the
/// catalog: their English text is kept, their values are not translated.
pub const SERDE_MESSAGES: &[&str] = &[
    "missing field `%{name}`",
    "duplicate field `%{name}`",
    "unknown field `%{name}`, expected one of %{expected}",
    "unknown field `%{name}`, expected %{expected}",
    "unknown field `%{name}`, there are no fields",
    "unknown variant `%{name}`, expected one of %{expected}",
    "unknown variant `%{name}`, expected %{expected}",
    "unknown variant `%{name}`, there are no variants",
    "invalid type: %{found}, expected %{expected}",
    "invalid value: %{found}, expected %{expected}",
    "invalid length %{found}, expected %{expected}",
    "expected %{expected} items, not %{count}",
];

/// A message read as text: one of [`SERDE_MESSAGES`] with its values, or else the text,
/// which the catalog knows if it is one of ours.
pub fn translatable(text: &str) -> Msg {
    SERDE_MESSAGES
        .iter()
        .find_map(|template| filled(template, text))
        .unwrap_or_else(|| Msg::from_text(text.to_owned()))
}

/// `text` as `template` filled in, if it is. A value runs to the last occurrence of the
/// text that follows it, so a quoted value may hold that text itself.
fn filled(template: &'static str, text: &str) -> Option<Msg> {
    let mut pieces = template.split("%{");
    let mut rest = text.strip_prefix(pieces.next()?)?;
    let mut msg = Msg::new(template);
    for piece in pieces {
        let (name, literal) = piece.split_once('}')?;
        let end = if literal.is_empty() {
            rest.len()
        } else {
            rest.rfind(literal)?
        };
        let name = SERDE_NAMES.iter().find(|n| **n == name)?;
        msg = msg.arg(name, &rest[..end]);
        rest = &rest[end + literal.len()..];
    }
    rest.is_empty().then_some(msg)
}

/// The placeholders of [`SERDE_MESSAGES`]: `Msg::arg` takes `'static` names.
const SERDE_NAMES: &[&str] = &["name", "expected", "found", "count"];

/// For PATCH bodies: tells an absent field (`None`) from an explicit `null` (`Some(None)`).
/// Use with `#[serde(default, deserialize_with = "crate::json::nullable")]`.
pub fn nullable<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AppError;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        ids: Vec<i64>,
        #[serde(default, deserialize_with = "nullable")]
        note: Option<Option<String>>,
    }

    fn field_of(err: AppError) -> String {
        match err {
            AppError::Validation(errors) => errors[0].field.clone(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn wrong_shapes_name_their_field() {
        let err = parse::<Body>(br#"{"name": "a", "ids": [1, "x"]}"#).unwrap_err();
        assert_eq!(field_of(err), "ids[1]");
        let err = parse::<Body>(br#"{"ids": []}"#).unwrap_err();
        assert_eq!(field_of(err), "name");
        let err = parse::<Body>(br#"{"name": "a", "ids": [], "nmae": 1}"#).unwrap_err();
        assert_eq!(field_of(err), "nmae");
    }

    #[test]
    fn malformed_json_is_a_bad_request() {
        assert!(matches!(
            parse::<Body>(b"{\"name\": "),
            Err(AppError::BadRequest(_))
        ));
        assert!(matches!(
            parse::<Body>(br#"{"name":"a","ids":[]} x"#),
            Err(AppError::BadRequest(_))
        ));
    }

    #[test]
    fn null_and_absent_differ() {
        let absent: Body = parse(br#"{"name": "a", "ids": []}"#).unwrap();
        let null: Body = parse(br#"{"name": "a", "ids": [], "note": null}"#).unwrap();
        assert_eq!(absent.note, None);
        assert_eq!(null.note, Some(None));
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Span {
        starts: i64,
        ends: i64,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Week {
        spans: Vec<Span>,
    }

    #[test]
    fn arrays_are_not_objects() {
        let err = parse::<Body>(br#"["a", [1], null]"#).unwrap_err();
        assert!(matches!(err, AppError::Validation(_)), "{err:?}");
        let err = parse::<Week>(br#"{"spans": [[1, 2]]}"#).unwrap_err();
        assert_eq!(field_of(err), "spans[0]");
    }

    #[test]
    fn nested_missing_and_unknown_fields_name_the_field() {
        let err = parse::<Week>(br#"{"spans": [{"starts": 1}]}"#).unwrap_err();
        assert_eq!(field_of(err), "spans[0].ends");
        let err = parse::<Week>(br#"{"spans": [{"starts": 1, "ends": 2, "end": 3}]}"#).unwrap_err();
        assert_eq!(field_of(err), "spans[0].end");
    }

    #[test]
    fn nul_characters_are_refused_where_they_stand() {
        let err = parse::<Body>(br#"{"name": "a\u0000b", "ids": []}"#).unwrap_err();
        assert_eq!(field_of(err), "name");
    }

    #[test]
    fn integer_valued_numbers_are_integers() {
        let body: Body = parse(br#"{"name": "a", "ids": [28153498.0, -3.0]}"#).unwrap();
        assert_eq!(body.ids, [28153498, -3]);
        let err = parse::<Body>(br#"{"name": "a", "ids": [1.5]}"#).unwrap_err();
        assert_eq!(field_of(err), "ids[0]");
        let err = parse::<Body>(br#"{"name": "a", "ids": [1e300]}"#).unwrap_err();
        assert_eq!(field_of(err), "ids[0]");
    }

    #[test]
    fn null_for_a_required_text_is_a_field_error() {
        let err = parse::<Body>(br#"{"name": null, "ids": []}"#).unwrap_err();
        assert_eq!(field_of(err), "name");
    }
}
