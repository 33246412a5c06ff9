//! Free texts people type: names, lines, notes, descriptions. Each kind is a type whose
//! bound the server checks while reading the body and the spec publishes (`minLength`,
//! `maxLength`, `pattern`) from the same constant, so the two cannot drift.
//!
//! A text is trimmed before it is kept (phone keyboards add trailing spaces) and must hold
//! at least one character that is not blank. "Blank" is one explicit list, not a regex
//! engine's `\s`, so the spec's pattern means the same in ECMA, Python and Rust.

use std::fmt;

use serde::{Deserialize, Deserializer};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{RefOr, Schema};

use crate::i18n::Msg;

/// The blank characters (Unicode White_Space and the byte-order mark), as ranges.
const BLANK: &[(char, char)] = &[
    ('\t', '\r'),
    (' ', ' '),
    ('\u{85}', '\u{85}'),
    ('\u{a0}', '\u{a0}'),
    ('\u{1680}', '\u{1680}'),
    ('\u{2000}', '\u{200a}'),
    ('\u{2028}', '\u{2029}'),
    ('\u{202f}', '\u{202f}'),
    ('\u{205f}', '\u{205f}'),
    ('\u{3000}', '\u{3000}'),
    ('\u{feff}', '\u{feff}'),
];

pub fn is_blank(c: char) -> bool {
    BLANK.iter().any(|&(from, to)| (from..=to).contains(&c))
}

/// The blank characters as the inside of a regex character class (`\u0009-\u000d...`).
pub fn blank_class() -> String {
    let escape = |c: char| format!("\\u{:04x}", c as u32);
    BLANK
        .iter()
        .map(|&(from, to)| {
            if from == to {
                escape(from)
            } else {
                format!("{}-{}", escape(from), escape(to))
            }
        })
        .collect()
}

/// "At least one character that is not blank", as a JSON Schema (ECMA-262) pattern.
fn not_blank_pattern() -> String {
    format!("[^{}]", blank_class())
}

/// Checks a typed text against its bound (in characters, not bytes: names are often
/// Chinese) and keeps it trimmed.
fn read(raw: String, max: usize) -> Result<String, Msg> {
    let chars = raw.chars().count();
    if chars > max {
        return Err(
            Msg::new("must be at most %{max} characters (this has %{count})")
                .arg("max", max)
                .arg("count", chars),
        );
    }
    let trimmed = raw.trim_matches(is_blank);
    if trimmed.is_empty() {
        return Err(Msg::new("must not be empty or blank"));
    }
    Ok(if trimmed.len() == raw.len() {
        raw
    } else {
        trimmed.to_owned()
    })
}

fn schema(max: usize, description: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(max))
        .pattern(Some(not_blank_pattern()))
        .description(Some(format!(
            "{description}: 1-{max} characters, not blank; kept without leading or trailing blanks"
        )))
        .into()
}

macro_rules! text_kind {
    ($(#[$doc:meta])* $name:ident, $max:literal, $description:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            pub const MAX: usize = $max;

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = read(String::deserialize(deserializer)?, $max);
                crate::json::checked(text, String::new).map($name)
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                schema($max, $description)
            }
        }

        impl utoipa::ToSchema for $name {}

        /// For texts the program itself supplies (the demo's); typed texts arrive by serde.
        impl std::str::FromStr for $name {
            type Err = $crate::i18n::Msg;

            fn from_str(text: &str) -> Result<Self, $crate::i18n::Msg> {
                read(text.to_owned(), $max).map($name)
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl From<$name> for String {
            fn from(text: $name) -> String {
                text.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

text_kind!(
    /// A name or a title: a person, a site, a fee item, a standard reply's title.
    NameText, 100, "A name or title"
);
text_kind!(
    /// One line: an address, a location, what a charge is for.
    LineText, 200, "One line"
);
text_kind!(
    /// A note, a reason, a reply, a message.
    NoteText, 1000, "A note"
);
text_kind!(
    /// A free account: a problem's description, a visit's result.
    DescriptionText, 2000, "A free account"
);
text_kind!(
    /// Another system's reference or code: a payment's transaction number, a currency.
    ReferenceText, 64, "A reference"
);
text_kind!(
    /// A web address: where a webhook endpoint receives events.
    UrlText, 2000, "A URL"
);

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use utoipa::PartialSchema;

    use super::*;

    #[test]
    fn texts_are_trimmed_bounded_in_characters_and_never_blank() {
        let note: NoteText = serde_json::from_str(r#"" Leak under the sink \n""#).unwrap();
        assert_eq!(note.as_str(), "Leak under the sink");
        assert!(serde_json::from_str::<NameText>(r#"" \u3000\t""#).is_err());
        assert!(serde_json::from_str::<NameText>(r#""""#).is_err());
        // 100 Chinese characters are 300 bytes but within a name's 100 characters.
        let name = "王".repeat(100);
        assert!(serde_json::from_str::<NameText>(&format!("\"{name}\"")).is_ok());
        assert!(serde_json::from_str::<NameText>(&format!("\"{name}王\"")).is_err());
    }

    #[test]
    fn the_spec_states_the_bound_and_the_blank_rule_the_server_checks() {
        let schema = serde_json::to_value(NoteText::schema()).unwrap();
        assert_eq!(schema["maxLength"], NoteText::MAX);
        assert_eq!(schema["minLength"], 1);
        let pattern = schema["pattern"].as_str().unwrap();
        assert!(pattern.starts_with("[^\\u0009-\\u000d\\u0020"), "{pattern}");
        assert!(
            pattern.contains("\\u3000") && pattern.ends_with("\\ufeff]"),
            "{pattern}"
        );
        assert!(!is_blank('王') && !is_blank('a') && is_blank('\u{2028}'));
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Fee {
        name: NameText,
        price_fen: crate::money::Amount,
        lines: Vec<NoteText>,
        visits: i64,
    }

    #[test]
    fn every_value_out_of_its_bounds_is_listed_with_its_path() {
        let long = "x".repeat(101);
        let body = format!(
            r#"{{"name": "{long}", "price_fen": -5, "lines": ["ok", " "], "visits": "three"}}"#
        );
        match crate::json::parse::<Fee>(body.as_bytes()).unwrap_err() {
            crate::error::AppError::Validation(errors) => {
                let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
                // Fields are read in key order; a wrong type stops the reading, so it is last.
                assert_eq!(fields, ["lines[1]", "name", "price_fen", "visits"]);
            }
            other => panic!("expected a validation error, got {other:?}"),
        }
        let fine: Fee =
            crate::json::parse(br#"{"name": " Tap ", "price_fen": 5, "lines": [], "visits": 1}"#)
                .unwrap();
        assert_eq!(fine.name.as_str(), "Tap");
    }
}
