//! What a login name and a password must look like.

use crate::error::Validator;
use crate::i18n::Msg;

pub const PASSWORD_MIN: usize = 8;
pub const PASSWORD_MAX: usize = 128;

/// Usernames are stored lower-case so `Butler` and `butler` cannot both exist.
pub fn normalize_username(username: &str) -> String {
    username.trim().to_lowercase()
}

pub fn check_username(v: &mut Validator, field: &str, username: &str) {
    let ok = (3..=32).contains(&username.len())
        && username
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
        && username.starts_with(|c: char| c.is_ascii_lowercase());
    v.check(
        ok,
        field,
        "3-32 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter",
    );
}

pub fn check_password(v: &mut Validator, field: &str, password: &str) {
    let chars = password.chars().count();
    v.check(
        (PASSWORD_MIN..=PASSWORD_MAX).contains(&chars),
        field,
        Msg::new("must be between %{min} and %{max} characters")
            .arg("min", PASSWORD_MIN)
            .arg("max", PASSWORD_MAX),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_and_passwords_are_normalised_and_checked() {
        assert_eq!(normalize_username(" Butler.Li "), "butler.li");
        let mut v = Validator::new();
        check_username(&mut v, "username", "li");
        check_username(&mut v, "username", "1abc");
        check_password(&mut v, "password", "short");
        check_username(&mut v, "ok", "butler.li");
        check_password(&mut v, "ok", "long enough");
        match v.finish() {
            Err(crate::error::AppError::Validation(errors)) => {
                let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
                assert_eq!(fields, ["username", "username", "password"]);
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
