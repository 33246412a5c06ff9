//! Database errors as the client should see them: a unique value taken, a reference or a
//! data rule broken, or (anything else) an internal error that keeps its cause.

use super::{AppError, Precondition};
use crate::i18n::Msg;

/// Unique values by table and leading column, with what the client is told when one is
/// taken. PostgreSQL names the constraint `<table>_<columns>_key`; SQLite says
/// `UNIQUE constraint failed: <table>.<column>, ...`; both lead with table and column.
const UNIQUE_VALUES: &[(&str, &str, Msg)] = &[
    (
        "sites",
        "name",
        Msg::new("a site with this name already exists"),
    ),
    (
        "units",
        "site_id",
        Msg::new("this site already has a unit with that building, entrance and room"),
    ),
    (
        "users",
        "username",
        Msg::new("the username is already in use"),
    ),
    ("users", "phone", Msg::new("the phone is already in use")),
    (
        "fee_items",
        "site_id",
        Msg::new("the site's schedule already has an item of that name"),
    ),
    (
        "archives",
        "occupancy_id",
        Msg::new("this owner occupancy already has an archive"),
    ),
    (
        "archive_signatures",
        "document_id",
        Msg::new("the document already has that party's signature"),
    ),
    (
        "archive_flags",
        "archive_id",
        Msg::new("the archive already carries this flag"),
    ),
    (
        "hot_water_meters",
        "unit_id",
        Msg::new("the unit has a meter in service: replace it (POST .../meters/replace)"),
    ),
    (
        "hot_water_entries",
        "provider_reference",
        Msg::new("the payment was credited already"),
    ),
    (
        "standard_replies",
        "site_id",
        Msg::new("the site already has a standard reply with this title"),
    ),
];

/// What the client is told about a unique violation, found from the constraint it broke.
fn duplicate_message(info: &dyn diesel::result::DatabaseErrorInformation) -> Msg {
    let names = info.constraint_name().unwrap_or("");
    let message = info.message();
    UNIQUE_VALUES
        .iter()
        .find(|(table, column, _)| {
            names.starts_with(&format!("{table}_{column}"))
                || message.contains(&format!("{table}.{column}"))
        })
        .map_or(
            Msg::new("a record with the same unique value already exists"),
            |m| m.2.clone(),
        )
}

impl From<diesel::result::Error> for AppError {
    fn from(err: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match err {
            Error::NotFound => AppError::NotFound("record"),
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                log::info!("unique violation: {}", info.message());
                AppError::Duplicate(duplicate_message(info.as_ref()))
            }
            // SQLite's triggers that refuse a replacing insert raise it in these words.
            Error::DatabaseError(DatabaseErrorKind::Unknown, info)
                if info.message().starts_with("UNIQUE constraint failed") =>
            {
                log::info!("unique violation: {}", info.message());
                AppError::Duplicate(duplicate_message(info.as_ref()))
            }
            Error::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info) => {
                log::info!("foreign key violation: {}", info.message());
                AppError::precondition(
                    Precondition::Referenced,
                    "the record refers to, or is referred to by, another",
                )
            }
            Error::DatabaseError(DatabaseErrorKind::CheckViolation, info) => {
                // Services validate first; a CHECK that still fires is a missed rule, but
                // the client's data is what broke it, so it is told so, not given a 500.
                log::warn!("check violation: {}", info.message());
                AppError::precondition(Precondition::DataRule, "the change would break a data rule")
            }
            // PostgreSQL's statement_timeout (SQLSTATE 57014, which diesel does not expose):
            // the database is overloaded, not the request wrong.
            Error::DatabaseError(_, info) if info.message().contains("statement timeout") => {
                log::warn!("statement timeout: {}", info.message());
                AppError::Unavailable("the database took too long".into())
            }
            other => AppError::internal_from("database", other),
        }
    }
}
