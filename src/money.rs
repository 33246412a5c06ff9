//! Money: integer fen (分, 1/100 yuan), never floats, and arithmetic that cannot wrap.

use crate::i18n::Msg;
use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

/// An amount in fen (1/100 yuan), as an integer. Every operation is checked: a result that
/// does not fit is `None`, so a total can fail but never turn into a negative balance.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
)]
#[serde(transparent)]
#[schema(example = 3000)]
pub struct Fen(i64);

impl Fen {
    pub const ZERO: Fen = Fen(0);

    pub const fn new(fen: i64) -> Fen {
        Fen(fen)
    }

    pub const fn get(self) -> i64 {
        self.0
    }

    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn checked_add(self, other: Fen) -> Option<Fen> {
        self.0.checked_add(other.0).map(Fen)
    }

    pub fn checked_sub(self, other: Fen) -> Option<Fen> {
        self.0.checked_sub(other.0).map(Fen)
    }

    /// The price of `quantity` items at this unit price.
    pub fn checked_mul(self, quantity: i64) -> Option<Fen> {
        self.0.checked_mul(quantity).map(Fen)
    }

    /// The sum of the amounts, if it fits.
    pub fn checked_sum(amounts: impl IntoIterator<Item = Fen>) -> Option<Fen> {
        amounts
            .into_iter()
            .try_fold(Fen::ZERO, |sum, amount| sum.checked_add(amount))
    }
}

/// An amount someone enters (a price, a charge): 0 to [`Amount::MAX`]. The bound is a
/// domain decision: 100 000 000 yuan is far above any repair or fee, and a sum of a million
/// such amounts still fits an `i64`, so totals of real data cannot overflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amount(Fen);

/// An amount of money that changes hands (a payment, a refund): 1 fen to [`Amount::MAX`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaidAmount(Fen);

/// `fen` if it lies between `min` and [`Amount::MAX`].
fn bounded(fen: i64, min: i64) -> Result<Fen, Msg> {
    if (min..=Amount::MAX.0).contains(&fen) {
        Ok(Fen(fen))
    } else {
        Err(
            Msg::new("must be between %{min} and %{max} fen (100 000 000 yuan)")
                .arg("min", min)
                .arg("max", Amount::MAX),
        )
    }
}

/// The spec of an amount of `min` fen or more; the server checks the same bound.
fn bounded_schema(min: i64) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .minimum(Some(min))
        .maximum(Some(Amount::MAX.0))
        .description(Some(format!(
            "An amount in integer fen (1/100 yuan), {min} to 10 000 000 000 (100 000 000 yuan)"
        )))
        .examples([3000])
        .into()
}

macro_rules! bounded_amount {
    ($name:ident, $min:literal) => {
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let amount = $name::try_from(i64::deserialize(deserializer)?);
                crate::json::checked(amount, || $name(Fen::ZERO))
            }
        }

        impl $name {
            pub const fn fen(self) -> Fen {
                self.0
            }
        }

        impl TryFrom<i64> for $name {
            type Error = Msg;

            fn try_from(fen: i64) -> Result<Self, Msg> {
                bounded(fen, $min).map($name)
            }
        }

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                bounded_schema($min)
            }
        }

        impl ToSchema for $name {}
    };
}

bounded_amount!(Amount, 0);
bounded_amount!(PaidAmount, 1);

impl Amount {
    pub const MAX: Fen = Fen(10_000_000_000);
}

impl Fen {
    /// As yuan with two decimals, as a notice to a resident shows it: "-203.50".
    pub fn yuan(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let fen = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", fen / 100, fen % 100)
    }
}

/// The bare number of fen, as in "1500 fen".
impl std::fmt::Display for Fen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_show_two_decimals_and_the_sign() {
        assert_eq!(Fen::new(-20_350).yuan(), "-203.50");
        assert_eq!(Fen::new(5).yuan(), "0.05");
        assert_eq!(Fen::new(i64::MIN).yuan(), "-92233720368547758.08");
    }

    #[test]
    fn sums_and_products_that_do_not_fit_are_refused_not_wrapped() {
        let big = Fen::new(5_000_000_000_000_000_000);
        assert_eq!(big.checked_add(big), None);
        assert_eq!(Fen::checked_sum([big, big]), None);
        assert_eq!(Fen::new(i64::MAX).checked_mul(2), None);
        assert_eq!(Fen::new(i64::MIN).checked_sub(Fen::new(1)), None);
    }

    #[test]
    fn ordinary_amounts_add_up_exactly() {
        assert_eq!(Fen::new(1500).checked_mul(2), Some(Fen::new(3000)));
        assert_eq!(
            Fen::checked_sum([Fen::new(3000), Fen::new(800)]),
            Some(Fen::new(3800))
        );
        assert_eq!(Fen::checked_sum([]), Some(Fen::ZERO));
        assert_eq!(
            Fen::new(500).checked_sub(Fen::new(800)),
            Some(Fen::new(-300))
        );
        assert!(Fen::new(-300).is_negative());
        assert_eq!(serde_json::to_string(&Fen::new(42)).unwrap(), "42");
    }

    #[test]
    fn entered_amounts_are_bounded_and_the_spec_says_so() {
        assert!(serde_json::from_str::<Amount>("10000000000").is_ok());
        assert!(serde_json::from_str::<Amount>("0").is_ok());
        assert!(serde_json::from_str::<Amount>("10000000001").is_err());
        assert!(serde_json::from_str::<Amount>("-1").is_err());
        assert!(serde_json::from_str::<Amount>("9223372036854775807").is_err());
        let schema = serde_json::to_value(Amount::schema()).unwrap();
        assert_eq!(schema["maximum"], Amount::MAX.get());
        assert_eq!(schema["minimum"], 0);
    }
}
