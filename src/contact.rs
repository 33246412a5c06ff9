//! Contact details as people type them: phones for accounts, tickets and complaints.

use crate::error::Validator;

/// Phones are stored without the spaces and dashes people type (`138 0013-8000`).
pub fn normalize_phone(phone: &str) -> String {
    phone
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect()
}

pub fn check_phone(v: &mut Validator, field: &str, phone: &str) {
    let digits = phone.strip_prefix('+').unwrap_or(phone);
    let ok = (5..=20).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit());
    v.check(ok, field, "5-20 digits, optionally starting with '+'");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_normalised_and_checked() {
        assert_eq!(normalize_phone("138 0013-8000"), "13800138000");
        let mut v = Validator::new();
        check_phone(&mut v, "bad", "+86x");
        check_phone(&mut v, "short", "1234");
        check_phone(&mut v, "ok", "+8613800138000");
        match v.finish() {
            Err(crate::error::AppError::Validation(errors)) => {
                let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
                assert_eq!(fields, ["bad", "short"]);
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
