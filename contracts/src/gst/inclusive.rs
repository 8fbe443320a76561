//! Tax-inclusive prices back-calculated to a taxable value, so that an invoice's line totals
//! the shelf price to the paisa.
//!
//! # The rule
//!
//! A line's gross is the shelf price × the quantity. Its taxable value is the **largest**
//! amount `T` such that `T` plus its taxes under [`super::line_tax`]'s rounding (each of CGST
//! and SGST at half the rate, or IGST at the whole rate, rounded half up) is at most the gross.
//! What that leaves, gross − `T` − taxes, is the line's round-off.
//!
//! - `T` + taxes(`T`) grows strictly with `T`, so at most one `T` hits the gross exactly, and
//!   when one does the rule finds it: the round-off is zero.
//! - When none does (the rounded taxes jump past the gross), the round-off is what is left, and
//!   small: a paisa more of taxable value adds at most one paisa to each tax (no rate exceeds
//!   100%), so the round-off is at most 1 paisa inter-state and 2 intra-state. The invoice
//!   prints it on its own line; it is never folded silently into a tax.
//! - The taxes are always exactly what the exclusive rule computes on `T`, so anyone checking
//!   the invoice from its taxable value and rate finds the same amounts.

use super::{GstError, LineTax, Rate, Supply, line_tax as before_tax};
use crate::money::Paise;

/// The tax of `quantity` units at the tax-inclusive `shelf_price`, at `rate` and `supply`.
pub fn line_tax(
    shelf_price: Paise,
    quantity: u32,
    rate: Rate,
    supply: Supply,
) -> Result<LineTax, GstError> {
    if shelf_price.0 < 0 {
        return Err(GstError::NegativePrice);
    }
    if quantity == 0 {
        return Err(GstError::ZeroQuantity);
    }
    let gross = shelf_price
        .checked_mul(i64::from(quantity))
        .ok_or(GstError::Overflow)?;
    // The exact solution of T × (1 + rate) = gross, rounded down. Rounding moves the taxes by
    // less than one paisa each (two at most), so the answer is within two paise above it.
    let estimate = i128::from(gross.0) * 10_000 / (10_000 + i128::from(rate.0));
    let estimate = i64::try_from(estimate).map_err(|_| GstError::Overflow)?;
    let mut taxable = estimate.saturating_add(2).min(gross.0);
    loop {
        let line = before_tax(Paise(taxable), 1, rate, supply)?;
        if line.total <= gross {
            let round_off = Paise(gross.0 - line.total.0);
            return Ok(LineTax {
                round_off,
                total: gross,
                ..line
            });
        }
        // T = 0 costs nothing, so the loop ends there at the latest.
        taxable -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gst::SLABS;

    const SUPPLIES: [Supply; 2] = [Supply::IntraState, Supply::InterState];

    /// Every distinct rate of every slab there has been.
    fn rates() -> Vec<Rate> {
        let mut rates: Vec<Rate> = SLABS.iter().map(|slab| slab.rate).collect();
        rates.sort();
        rates.dedup();
        rates
    }

    /// What a taxable value `t` costs under the exclusive rule.
    fn cost(t: i64, rate: Rate, supply: Supply) -> i64 {
        before_tax(Paise(t), 1, rate, supply).unwrap().total.0
    }

    /// The line's parts add up to its gross, its taxes are the exclusive rule's on its taxable
    /// value, and one paisa more of taxable value would overshoot.
    fn check(gross: i64, line: &LineTax, supply: Supply) {
        let context = format!("gross {gross} at {} {supply:?}", line.rate);
        assert_eq!(line.total.0, gross, "{context}");
        assert_eq!(
            line.taxable.0 + line.tax().0 + line.round_off.0,
            gross,
            "{context}"
        );
        let recomputed = before_tax(line.taxable, 1, line.rate, supply).unwrap();
        assert_eq!(
            (recomputed.cgst, recomputed.sgst, recomputed.igst),
            (line.cgst, line.sgst, line.igst),
            "{context}"
        );
        assert!(
            cost(line.taxable.0 + 1, line.rate, supply) > gross,
            "{context}: not the largest taxable value"
        );
        let most = match supply {
            Supply::IntraState => 2,
            Supply::InterState => 1,
        };
        assert!((0..=most).contains(&line.round_off.0), "{context}");
    }

    #[test]
    fn every_shelf_price_to_500_rupees_totals_itself_at_every_slab_both_ways() {
        for rate in rates() {
            for supply in SUPPLIES {
                for gross in 0..=50_000 {
                    let line = line_tax(Paise(gross), 1, rate, supply).unwrap();
                    check(gross, &line, supply);
                }
            }
        }
    }

    #[test]
    fn the_round_off_is_zero_exactly_when_some_taxable_value_hits_the_price() {
        // Every amount some taxable value up to ₹200 costs, against every price it covers.
        for rate in rates() {
            for supply in SUPPLIES {
                let reached: std::collections::HashSet<i64> =
                    (0..=20_000).map(|t| cost(t, rate, supply)).collect();
                let covered = cost(20_000, rate, supply);
                let mut rounded = 0;
                for gross in 0..=covered {
                    let line = line_tax(Paise(gross), 1, rate, supply).unwrap();
                    assert_eq!(
                        line.round_off.0 == 0,
                        reached.contains(&gross),
                        "gross {gross} at {rate} {supply:?}"
                    );
                    rounded += usize::from(line.round_off.0 != 0);
                }
                if rate.0 >= 1_800 {
                    assert!(
                        rounded > 0,
                        "{rate} {supply:?}: some prices need a round-off"
                    );
                }
            }
        }
    }

    #[test]
    fn quantities_price_the_line_not_the_unit() {
        for rate in rates() {
            for supply in SUPPLIES {
                for price in 0..=2_000 {
                    for quantity in [1, 2, 3, 7, 12, 100] {
                        let line = line_tax(Paise(price), quantity, rate, supply).unwrap();
                        check(price * i64::from(quantity), &line, supply);
                    }
                }
            }
        }
    }

    #[test]
    fn worked_examples() {
        // ₹1180 at 18%: exactly ₹1000 + ₹180, split or not.
        let intra = line_tax(Paise(118_000), 1, Rate(1_800), Supply::IntraState).unwrap();
        assert_eq!(
            (intra.taxable, intra.cgst, intra.sgst, intra.round_off),
            (Paise(100_000), Paise(9_000), Paise(9_000), Paise(0))
        );
        let inter = line_tax(Paise(118_000), 1, Rate(1_800), Supply::InterState).unwrap();
        assert_eq!((inter.taxable, inter.igst), (Paise(100_000), Paise(18_000)));
        // ₹999 at 18% inter-state: ₹846.61 + ₹152.39 IGST = ₹999.00.
        let line = line_tax(Paise(99_900), 1, Rate(1_800), Supply::InterState).unwrap();
        assert_eq!(
            (line.taxable, line.igst, line.round_off),
            (Paise(84_661), Paise(15_239), Paise(0))
        );
        // ₹0.03 at 18% within a state: 3 paise taxable would add 0.27 paise of each half (0
        // each), so the taxable value is the whole price.
        let line = line_tax(Paise(3), 1, Rate(1_800), Supply::IntraState).unwrap();
        assert_eq!((line.taxable, line.tax()), (Paise(3), Paise(0)));
        // ₹0.07 at 40% inter-state: 5 paise + 2 IGST = 7. ₹0.09: 6 + 2 = 8 and 7 + 3 = 10,
        // so 6 + 2 and a paisa of round-off.
        let line = line_tax(Paise(7), 1, Rate(4_000), Supply::InterState).unwrap();
        assert_eq!(
            (line.taxable, line.igst, line.round_off),
            (Paise(5), Paise(2), Paise(0))
        );
        let line = line_tax(Paise(9), 1, Rate(4_000), Supply::InterState).unwrap();
        assert_eq!(
            (line.taxable, line.igst, line.round_off),
            (Paise(6), Paise(2), Paise(1))
        );
        // A zero rate taxes nothing: the taxable value is the price.
        let line = line_tax(Paise(12_345), 3, Rate(0), Supply::IntraState).unwrap();
        assert_eq!((line.taxable, line.round_off), (Paise(37_035), Paise(0)));
    }

    #[test]
    fn large_lines_are_exact_and_overflow_is_refused() {
        let line = line_tax(Paise(4_999_900), 1_000_000, Rate(4_000), Supply::IntraState).unwrap();
        check(4_999_900_000_000, &line, Supply::IntraState);
        assert_eq!(
            line_tax(Paise(i64::MAX / 2), 3, Rate(0), Supply::InterState),
            Err(GstError::Overflow)
        );
        let line = line_tax(Paise(i64::MAX / 4), 1, Rate(1_800), Supply::InterState).unwrap();
        assert_eq!(line.total, Paise(i64::MAX / 4));
    }

    #[test]
    fn nonsense_lines_are_refused() {
        assert_eq!(
            line_tax(Paise(-1), 1, Rate(500), Supply::InterState),
            Err(GstError::NegativePrice)
        );
        assert_eq!(
            line_tax(Paise(100), 0, Rate(500), Supply::InterState),
            Err(GstError::ZeroQuantity)
        );
    }
}
