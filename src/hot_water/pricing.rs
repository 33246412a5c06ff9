//! What hot water costs (R-HW-3: charge = usage × tariff), pure.
//!
//! A tariff prices a period's usage in tiers: the first litres at one price, the litres
//! above a threshold at another. Thresholds are litres a month, pro-rated to the period's
//! days (a 30-day month), so a period read early, late or twice gets no more of a cheap
//! tier than its days earn. Prices are fen per cubic metre (1 000 litres), so a charge is
//! exact in thirtieths of thousandths of a fen before it is rounded.
//!
//! **The rounding rule**: a period's charge is rounded once, half up, to the fen. A period
//! that spans a tariff change is split by days: each part is charged its days' share of the
//! usage, and the parts share the rounded whole by largest remainder, so they add up to it
//! and no fen is created or lost by the split.

use chrono::NaiveDate;

/// One tier of a tariff: the price of a period's litres up to `up_to_litres` a month (those
/// above the tier before it), or of all the rest when `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tier {
    pub up_to_litres: Option<i64>,
    pub fen_per_cubic_metre: i64,
}

/// A tariff, from the day it takes effect until the next one does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tariff {
    pub effective_from: NaiveDate,
    /// Thresholds rising, the last one unbounded.
    pub tiers: Vec<Tier>,
}

/// The part of a period billed under one tariff, or under none (`tariff` is `None` for the
/// days before the site's first tariff, which cost nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Index into the tariffs given.
    pub tariff: Option<usize>,
    pub usage_litres: i64,
    pub amount_fen: i64,
}

/// Days in the month that tier thresholds are set for.
const MONTH_DAYS: i128 = 30;

/// The cost of `litres` used over `days` under `tiers`, exact, in units of 1 / 30 000 fen:
/// each threshold scaled by `days / 30`, all of it times 30 so that it stays an integer.
pub fn cost(tiers: &[Tier], litres: i64, days: i64) -> i128 {
    let used = i128::from(litres) * MONTH_DAYS;
    let mut cost = 0_i128;
    let mut below = 0_i128;
    for tier in tiers {
        let top = tier.up_to_litres.map_or(used, |up_to| {
            (i128::from(up_to) * i128::from(days)).min(used)
        });
        if top > below {
            cost += (top - below) * i128::from(tier.fen_per_cubic_metre);
            below = top;
        }
    }
    cost
}

/// [`cost`]'s unit per fen.
const COST_PER_FEN: i128 = 1000 * MONTH_DAYS;

/// The charges for `litres` used from the reading of `from` to that of `to`, under the
/// `tariffs` (sorted by `effective_from`): a part per tariff in effect on those days, each
/// day counted under the tariff in effect on it. Usage read the day of the previous
/// reading (`from == to`) is billed under that day's tariff.
pub fn charge(from: NaiveDate, to: NaiveDate, litres: i64, tariffs: &[Tariff]) -> Vec<Part> {
    let in_effect = |day: NaiveDate| tariffs.iter().rposition(|t| t.effective_from <= day);
    if to <= from {
        let tariff = in_effect(to);
        let cost = tariff.map_or(0, |t| cost(&tariffs[t].tiers, litres, 1));
        let amount_fen = share(&[cost], COST_PER_FEN, round_half_up(cost, COST_PER_FEN))[0];
        return vec![Part {
            from: to,
            to,
            tariff,
            usage_litres: litres,
            amount_fen,
        }];
    }
    // The days [from, to), cut where a tariff takes effect.
    let mut cuts = vec![from];
    cuts.extend(
        tariffs
            .iter()
            .map(|t| t.effective_from)
            .filter(|day| from < *day && *day < to),
    );
    cuts.push(to);
    cuts.dedup();
    let spans: Vec<(NaiveDate, NaiveDate, Option<usize>)> = cuts
        .windows(2)
        .map(|w| (w[0], w[1], in_effect(w[0])))
        .collect();
    let days: Vec<i128> = spans
        .iter()
        .map(|(a, b, _)| i128::from((*b - *a).num_days()))
        .collect();
    let all_days: i128 = days.iter().sum();
    let period_days = (to - from).num_days();
    // Each part's exact share, in units of 1 / (COST_PER_FEN × all_days) fen.
    let exact: Vec<i128> = spans
        .iter()
        .zip(&days)
        .map(|((_, _, tariff), d)| {
            tariff.map_or(0, |t| d * cost(&tariffs[t].tiers, litres, period_days))
        })
        .collect();
    let unit = COST_PER_FEN * all_days;
    let amounts = share(&exact, unit, round_half_up(exact.iter().sum(), unit));
    let usage_shares: Vec<i128> = days.iter().map(|d| d * i128::from(litres)).collect();
    let usages = share(&usage_shares, all_days, i128::from(litres));
    spans
        .into_iter()
        .zip(amounts.into_iter().zip(usages))
        .map(|((from, to, tariff), (amount_fen, usage_litres))| Part {
            from,
            to,
            tariff,
            usage_litres,
            amount_fen,
        })
        .collect()
}

/// `value / unit`, rounded half up (`value` is never negative).
fn round_half_up(value: i128, unit: i128) -> i128 {
    (2 * value + unit) / (2 * unit)
}

/// Shares `whole` among parts in proportion to `exact` (each in units of `1 / unit`) by
/// largest remainder: each part gets its share rounded down, and the units left over go
/// to the largest remainders, the earlier part first on a tie. `whole` must lie between
/// the sum of the rounded-down shares and that of the rounded-up ones.
fn share(exact: &[i128], unit: i128, whole: i128) -> Vec<i64> {
    let mut parts: Vec<i128> = exact.iter().map(|e| e / unit).collect();
    let mut left = whole - parts.iter().sum::<i128>();
    let mut by_remainder: Vec<usize> = (0..exact.len()).collect();
    by_remainder.sort_by_key(|&i| std::cmp::Reverse(exact[i] % unit));
    for i in by_remainder {
        if left == 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    parts
        .into_iter()
        .map(|p| i64::try_from(p).expect("a charge within i64"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(n: i64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new(n as u64)
    }

    fn flat(from: i64, fen_per_cubic_metre: i64) -> Tariff {
        Tariff {
            effective_from: day(from),
            tiers: vec![Tier {
                up_to_litres: None,
                fen_per_cubic_metre,
            }],
        }
    }

    fn total(parts: &[Part]) -> i64 {
        parts.iter().map(|p| p.amount_fen).sum()
    }

    #[test]
    fn a_flat_tariff_rounds_the_period_once_half_up() {
        // 1 234 litres at 25.00 yuan per cubic metre: 3 085 fen exactly.
        assert_eq!(
            total(&charge(day(0), day(90), 1234, &[flat(0, 2500)])),
            3085
        );
        // 1 L at 2 550 fen/m³ is 2.55 fen: 3; at 2 450 it is 2.45: 2.
        assert_eq!(total(&charge(day(0), day(90), 1, &[flat(0, 2550)])), 3);
        assert_eq!(total(&charge(day(0), day(90), 1, &[flat(0, 2450)])), 2);
        // Exactly half a fen goes up.
        assert_eq!(total(&charge(day(0), day(90), 1, &[flat(0, 500)])), 1);
    }

    #[test]
    fn tiers_price_the_litres_above_each_threshold_pro_rated_to_the_days() {
        let tiers = vec![
            Tier {
                up_to_litres: Some(10_000),
                fen_per_cubic_metre: 2000,
            },
            Tier {
                up_to_litres: None,
                fen_per_cubic_metre: 3000,
            },
        ];
        let fen = |litres, days| cost(&tiers, litres, days) as f64 / COST_PER_FEN as f64;
        // A month: 10 000 litres a month at the first price.
        assert_eq!(fen(4_000, 30), 8_000.0);
        assert_eq!(fen(12_000, 30), 20_000.0 + 6_000.0);
        // A quarter (90 days) earns three months of the first tier.
        assert_eq!(fen(30_000, 90), 60_000.0);
        assert_eq!(fen(31_000, 90), 60_000.0 + 3_000.0);
        // 3 days earn 1 000 litres of it.
        assert_eq!(fen(1_500, 3), 2_000.0 + 1_500.0);
        let flat = |period_days| {
            let parts = charge(
                day(0),
                day(period_days),
                12_000,
                &[Tariff {
                    effective_from: day(0),
                    tiers: tiers.clone(),
                }],
            );
            total(&parts)
        };
        assert_eq!(flat(30), 26_000);
    }

    #[test]
    fn a_period_across_a_tariff_change_is_split_by_days() {
        // 90 days, the new price from day 30: a third of the usage at the old price.
        let parts = charge(day(0), day(90), 9_000, &[flat(0, 3000), flat(30, 6000)]);
        assert_eq!(parts.len(), 2);
        assert_eq!((parts[0].from, parts[0].to), (day(0), day(30)));
        assert_eq!((parts[1].from, parts[1].to), (day(30), day(90)));
        assert_eq!(
            (parts[0].usage_litres, parts[1].usage_litres),
            (3_000, 6_000)
        );
        assert_eq!((parts[0].amount_fen, parts[1].amount_fen), (9_000, 36_000));
    }

    #[test]
    fn days_before_the_first_tariff_cost_nothing() {
        let parts = charge(day(0), day(10), 1_000, &[flat(5, 1000)]);
        assert_eq!(parts[0].tariff, None);
        assert_eq!(parts[0].amount_fen, 0);
        assert_eq!(parts[1].amount_fen, 500);
    }

    #[test]
    fn a_reading_the_day_of_the_previous_one_is_billed_under_that_days_tariff() {
        // One day: a thirtieth of the month's tiers.
        let parts = charge(day(40), day(40), 2_000, &[flat(0, 1000), flat(40, 3000)]);
        assert_eq!(parts.len(), 1);
        assert_eq!((parts[0].tariff, parts[0].amount_fen), (Some(1), 6_000));
    }

    fn tiers() -> impl Strategy<Value = Vec<Tier>> {
        (
            prop::collection::vec((1_i64..50_000, 0_i64..20_000), 0..3),
            0_i64..20_000,
        )
            .prop_map(|(bounded, last)| {
                let mut up_to = 0;
                let mut tiers: Vec<Tier> = bounded
                    .into_iter()
                    .map(|(step, price)| {
                        up_to += step;
                        Tier {
                            up_to_litres: Some(up_to),
                            fen_per_cubic_metre: price,
                        }
                    })
                    .collect();
                tiers.push(Tier {
                    up_to_litres: None,
                    fen_per_cubic_metre: last,
                });
                tiers
            })
    }

    fn tariffs() -> impl Strategy<Value = Vec<Tariff>> {
        prop::collection::vec((0_i64..200, tiers()), 1..5).prop_map(|mut drafts| {
            drafts.sort_by_key(|(from, _)| *from);
            drafts.dedup_by_key(|(from, _)| *from);
            drafts
                .into_iter()
                .map(|(from, tiers)| Tariff {
                    effective_from: day(from),
                    tiers,
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn the_parts_add_up_to_the_whole_and_no_fen_is_lost(
            tariffs in tariffs(),
            start in 0_i64..200,
            length in 0_i64..200,
            litres in 0_i64..5_000_000,
        ) {
            let (from, to) = (day(start), day(start + length));
            let parts = charge(from, to, litres, &tariffs);
            // Usage: every litre in exactly one part.
            prop_assert_eq!(parts.iter().map(|p| p.usage_litres).sum::<i64>(), litres);
            // The parts follow each other and cover the period.
            prop_assert_eq!(parts[0].from, from.min(to));
            prop_assert_eq!(parts.last().unwrap().to, to);
            for pair in parts.windows(2) {
                prop_assert_eq!(pair[0].to, pair[1].from);
                prop_assert!(pair[0].tariff != pair[1].tariff);
            }
            // Money: the whole is the exact charge rounded once, half up, and each part
            // is within a fen of its exact share.
            let all_days = (to - from).num_days().max(1);
            let unit = COST_PER_FEN * i128::from(all_days);
            let mut exact_total = 0_i128;
            for part in &parts {
                let days = if to > from { i128::from((part.to - part.from).num_days()) } else { 1 };
                let exact = part
                    .tariff
                    .map_or(0, |t| days * cost(&tariffs[t].tiers, litres, all_days));
                exact_total += exact;
                let off = i128::from(part.amount_fen) * unit - exact;
                prop_assert!(off.abs() < unit, "part {:?} off by {}", part, off);
            }
            let sum = i128::from(total(&parts)) * unit;
            // Half up: a whole just below half a fen down, exactly half a fen up.
            prop_assert!(sum * 2 > exact_total * 2 - unit);
            prop_assert!(sum * 2 <= exact_total * 2 + unit);
        }

        #[test]
        fn a_change_to_the_same_price_changes_no_charge(
            tiers in tiers(),
            change in 1_i64..90,
            litres in 0_i64..5_000_000,
        ) {
            let once = vec![Tariff { effective_from: day(0), tiers: tiers.clone() }];
            let twice = vec![once[0].clone(), Tariff { effective_from: day(change), tiers }];
            let whole = charge(day(0), day(90), litres, &once);
            let split = charge(day(0), day(90), litres, &twice);
            prop_assert_eq!(split.len(), 2);
            prop_assert_eq!(total(&split), total(&whole));
        }

        #[test]
        fn more_water_never_costs_less(
            tariffs in tariffs(),
            litres in 0_i64..5_000_000,
            more in 0_i64..100_000,
        ) {
            let cost = |l| total(&charge(day(0), day(90), l, &tariffs));
            prop_assert!(cost(litres + more) >= cost(litres));
        }
    }
}
