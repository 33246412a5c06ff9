//! Field-by-field validation: every invalid field of a request is named in one answer.

use serde::Serialize;
use utoipa::ToSchema;

use super::AppError;
use crate::i18n::Msg;

/// One invalid field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// JSON path of the field (`password`, `site_ids[2]`); empty for the body as a whole.
    #[schema(example = "display_name")]
    pub field: String,
    /// In the language of `Accept-Language`.
    #[schema(value_type = String, example = "must be between 1 and 100 characters")]
    pub message: Msg,
}

/// Collects every invalid field of a request, so one response lists them all.
#[derive(Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn check(&mut self, ok: bool, field: &str, message: impl Into<Msg>) -> &mut Self {
        if !ok {
            self.errors.push(FieldError {
                field: field.to_owned(),
                message: message.into(),
            });
        }
        self
    }

    /// A required text of `min..=max` characters (not bytes: names are often Chinese).
    pub fn text(&mut self, field: &str, value: &str, min: usize, max: usize) -> &mut Self {
        let chars = value.trim().chars().count();
        self.check(
            (min..=max).contains(&chars) && chars == value.chars().count(),
            field,
            if chars != value.chars().count() {
                Msg::new("must not start or end with white space")
            } else {
                Msg::new("must be between %{min} and %{max} characters")
                    .arg("min", min)
                    .arg("max", max)
            },
        )
    }

    pub fn finish(&mut self) -> Result<(), AppError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(std::mem::take(&mut self.errors)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validator_lists_every_invalid_field() {
        let err = Validator::new()
            .text("name", "", 1, 10)
            .text("code", " x", 1, 10)
            .text("ok", "fine", 1, 10)
            .finish()
            .unwrap_err();
        match err {
            AppError::Validation(errors) => {
                let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
                assert_eq!(fields, ["name", "code"]);
                assert!(errors[1].message.to_string().contains("white space"));
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn text_counts_characters_not_bytes() {
        // "三号楼" is 9 bytes but 3 characters.
        assert!(Validator::new().text("b", "三号楼", 1, 3).finish().is_ok());
    }
}
