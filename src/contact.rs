//! Contact details as people type them: phones for accounts, tickets and complaints, and
//! the ID numbers archives keep.

use crate::i18n::Msg;
use serde::{Deserialize, Deserializer};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

/// Phones are stored without the spaces and dashes people type (`138 0013-8000`); other
/// characters, tabs and newlines among them, make the phone invalid.
pub fn normalize_phone(phone: &str) -> String {
    phone.chars().filter(|c| !matches!(c, ' ' | '-')).collect()
}

/// A person's name as compared: without white space, lower-case, so `" ms  LI "` and
/// `"Ms Li"` (and `"李 明"`, `"李明"`) are one name.
pub fn name_key(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// What a phone may look like as typed: the spec's `pattern`, and what [`Phone`] accepts.
const PHONE_PATTERN: &str = r"^[ -]*(\+[ -]*)?([0-9][ -]*){5,20}$";

fn checked_phone(typed: &str) -> Result<String, Msg> {
    let phone = normalize_phone(typed);
    let digits = phone.strip_prefix('+').unwrap_or(&phone);
    if (5..=20).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit()) {
        Ok(phone)
    } else {
        Err(Msg::new(
            "5-20 digits, optionally after a '+'; spaces and dashes are dropped",
        ))
    }
}

/// A phone number as someone typed it, kept normalised (`+8613800138000`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl<'de> Deserialize<'de> for Phone {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let phone = checked_phone(&String::deserialize(deserializer)?);
        crate::json::checked(phone, String::new).map(Phone)
    }
}

impl PartialSchema for Phone {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(PHONE_PATTERN))
            .description(Some(
                "A phone: 5-20 digits, optionally after a `+`; spaces and dashes are dropped",
            ))
            .examples(["138 0013-8000"])
            .into()
    }
}

impl ToSchema for Phone {}

/// For phones the program itself is given (the CLI's `--phone`).
impl std::str::FromStr for Phone {
    type Err = Msg;

    fn from_str(typed: &str) -> Result<Self, Msg> {
        checked_phone(typed).map(Phone)
    }
}

impl From<Phone> for String {
    fn from(phone: Phone) -> String {
        phone.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_normalised_and_checked() {
        assert_eq!(normalize_phone("138 0013-8000"), "13800138000");
        assert_eq!(
            checked_phone("+86 138-0013-8000").unwrap(),
            "+8613800138000"
        );
        for bad in ["+86x", "1234", "138\t0013", "1+38001380", &"1".repeat(21)] {
            assert!(checked_phone(bad).is_err(), "{bad}");
        }
    }
}

/// A resident ID number (居民身份证号) as someone typed it, checked by [`crate::pii::id_number`] while
/// the body is read and kept normalised (a final `x` upper-cased). It is never answered:
/// only sealed, hashed and masked.
#[derive(Clone, PartialEq, Eq)]
pub struct IdNumber(String);

impl IdNumber {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Never the number itself, so a logged body or error shows no ID number.
impl std::fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IdNumber({})", crate::pii::mask_id_number(&self.0))
    }
}

impl<'de> serde::Deserialize<'de> for IdNumber {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let checked = crate::pii::id_number(&text)
            .map_err(|why| Msg::new("not a valid ID number: %{why}").term("why", why));
        crate::json::checked(checked, String::new).map(IdNumber)
    }
}

impl utoipa::PartialSchema for IdNumber {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some("^[0-9]{17}[0-9Xx]$"))
            .description(Some(
                "A resident ID number (GB 11643): 17 digits and a check digit or X, with a \
                 valid birth date; answered only masked (`110***********1234`)",
            ))
            .examples(["11010519491231002X"])
            .into()
    }
}

impl utoipa::ToSchema for IdNumber {}
