//! Enums stored as snake_case `Text` (with a CHECK constraint) and sent as snake_case JSON.
//!
//! Row structs hold the enum itself: `#[diesel(deserialize_as = String)]` on a `Queryable`
//! field and `#[diesel(serialize_as = String)]` on an `Insertable` or `AsChangeset` one go
//! through the `TryFrom<String>` and `From<_> for String` this macro writes, so a text the
//! enum does not know fails while loading instead of travelling on as a string.

//!
//! A nullable column goes through [`NullableText`] both ways instead:
//! `#[diesel(deserialize_as = NullableText)]` on an `Option<E>` field, and
//! `#[diesel(serialize_as = NullableText)]` on an `Option<E>` (insert) or `Option<Option<E>>`
//! (change set) field; `Option<String>` cannot be used there, as Rust allows no conversion
//! between two `Option`s to be written here.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, Queryable};
use diesel::expression::AsExpression;
use diesel::sql_types::{Nullable, Text};

/// What the shared mechanisms (the action driver, reports) need of such an enum.
pub trait TextEnum: Copy + PartialEq + 'static {
    fn as_str(self) -> &'static str;
}

/// The texts of `values`, for an SQL `IN (...)`.
pub fn texts<E: TextEnum>(values: &[E]) -> Vec<&'static str> {
    values.iter().map(|v| v.as_str()).collect()
}

/// The text of a nullable enum column, on its way in or out of a row.
#[derive(Debug)]
pub struct NullableText(Option<String>);

impl<DB> Queryable<Nullable<Text>, DB> for NullableText
where
    DB: Backend,
    Option<String>: FromSql<Nullable<Text>, DB>,
{
    type Row = Option<String>;

    fn build(text: Option<String>) -> deserialize::Result<Self> {
        Ok(NullableText(text))
    }
}

impl<E> TryFrom<NullableText> for Option<E>
where
    E: TextEnum + TryFrom<String, Error = String>,
{
    type Error = String;

    fn try_from(text: NullableText) -> Result<Self, String> {
        text.0.map(E::try_from).transpose()
    }
}

impl<E: TextEnum> From<Option<E>> for NullableText {
    fn from(value: Option<E>) -> Self {
        NullableText(value.map(|v| v.as_str().to_owned()))
    }
}

impl AsExpression<Nullable<Text>> for NullableText {
    type Expression = <Option<String> as AsExpression<Nullable<Text>>>::Expression;

    fn as_expression(self) -> Self::Expression {
        AsExpression::<Nullable<Text>>::as_expression(self.0)
    }
}

/// Declares an enum whose JSON form and database text are the given literals.
/// The texts are matched as `tt`, not `literal`: a `literal` fragment reaches utoipa wrapped in
/// an invisible group, and it then ignores the `serde(rename)` and documents the variant names.
#[macro_export]
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident = $text:tt ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema,
        )]
        pub enum $name {
            $( $(#[$variant_meta])* #[serde(rename = $text)] $variant ),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;

            fn try_from(text: String) -> Result<Self, String> {
                match text.as_str() {
                    $($text => Ok($name::$variant),)+
                    other => Err(format!(
                        concat!("unknown ", stringify!($name), " in the database: {}"),
                        other
                    )),
                }
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.as_str().to_owned()
            }
        }

        impl $crate::text_enum::TextEnum for $name {
            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::NullableText;

    crate::text_enum! {
        pub enum Priority {
            Urgent = "urgent",
            General = "general",
        }
    }

    #[test]
    fn nullable_text_carries_an_optional_enum_both_ways() {
        let stored = NullableText::from(Some(Priority::Urgent));
        assert_eq!(stored.0.as_deref(), Some("urgent"));
        assert_eq!(
            Option::<Priority>::try_from(stored),
            Ok(Some(Priority::Urgent))
        );
        let empty = NullableText::from(None::<Priority>);
        assert_eq!(Option::<Priority>::try_from(empty), Ok(None));
        let unknown = NullableText(Some("soon".into()));
        assert!(Option::<Priority>::try_from(unknown).is_err());
    }
}
