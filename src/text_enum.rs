//! Enums stored as snake_case `Text` (with a CHECK constraint) and sent as snake_case JSON.

/// What the shared mechanisms (the action driver, reports) need of such an enum.
pub trait TextEnum: Copy + PartialEq + 'static {
    fn as_str(self) -> &'static str;
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

            /// The value read back from a database column.
            pub fn from_db(text: &str) -> Result<Self, $crate::error::AppError> {
                match text {
                    $($text => Ok($name::$variant),)+
                    other => Err($crate::error::AppError::internal(format!(
                        concat!("unknown ", stringify!($name), " in the database: {}"),
                        other
                    ))),
                }
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
