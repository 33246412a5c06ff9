//! Contact details as people type them: phones for accounts, tickets and complaints.

use serde::{Deserialize, Deserializer};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

/// Phones are stored without the spaces and dashes people type (`138 0013-8000`); other
/// characters, tabs and newlines among them, make the phone invalid.
pub fn normalize_phone(phone: &str) -> String {
    phone.chars().filter(|c| !matches!(c, ' ' | '-')).collect()
}

/// What a phone may look like as typed: the spec's `pattern`, and what [`Phone`] accepts.
const PHONE_PATTERN: &str = r"^[ -]*(\+[ -]*)?([0-9][ -]*){5,20}$";

fn checked_phone(typed: &str) -> Result<String, String> {
    let phone = normalize_phone(typed);
    let digits = phone.strip_prefix('+').unwrap_or(&phone);
    if (5..=20).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit()) {
        Ok(phone)
    } else {
        Err("5-20 digits, optionally after a '+'; spaces and dashes are dropped".into())
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
    type Err = String;

    fn from_str(typed: &str) -> Result<Self, String> {
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
