//! Money: integer fen (分, 1/100 yuan), never floats, and arithmetic that cannot wrap.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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
}
