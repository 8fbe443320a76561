//! The credit rule against hand-computed notes, exhaustively over small lines, and by property
//! over random invoices and random sequences of partial refunds.

use super::*;
use crate::gst::{Rate, SLABS, Supply, line_tax, totals};
use proptest::prelude::*;

fn line(paise: i64, quantity: u32, rate: u32, supply: Supply) -> LineTax {
    line_tax(Paise(paise), quantity, Rate(rate), supply).unwrap()
}

/// Nothing credited yet on each of `lines`.
fn nothing(lines: &[LineTax]) -> Vec<LineTax> {
    lines.iter().map(|line| zero(line.rate)).collect()
}

fn zero(rate: Rate) -> LineTax {
    credited(rate, 0, 0, 0, 0)
}

fn credited(rate: Rate, taxable: i64, cgst: i64, sgst: i64, igst: i64) -> LineTax {
    LineTax {
        taxable: Paise(taxable),
        rate,
        cgst: Paise(cgst),
        sgst: Paise(sgst),
        igst: Paise(igst),
        total: Paise(taxable + cgst + sgst + igst),
    }
}

/// `sums` with `note` added, line by line.
fn add(sums: &[LineTax], note: &[LineTax]) -> Vec<LineTax> {
    sums.iter()
        .zip(note)
        .map(|(a, b)| {
            let (t, c, s, i) = parts(a);
            credited(
                a.rate,
                t + b.taxable.0,
                c + b.cgst.0,
                s + b.sgst.0,
                i + b.igst.0,
            )
        })
        .collect()
}

#[test]
fn half_of_an_intra_state_line_credits_half_its_taxable_value_and_of_each_tax() {
    // ₹1000 at 18% within a state: ₹1000 + ₹90 CGST + ₹90 SGST = ₹1180.
    let lines = [line(100_000, 1, 1_800, Supply::IntraState)];

    let first = credit(&lines, &nothing(&lines), Paise(59_000)).unwrap();
    assert_eq!(first, [credited(Rate(1_800), 50_000, 4_500, 4_500, 0)]);
    let second = credit(&lines, &first, Paise(59_000)).unwrap();
    assert_eq!(second, first, "the other half, the same again");
    assert_eq!(add(&first, &second), lines);
}

#[test]
fn a_two_seller_refund_is_spread_by_what_each_line_has_left_and_ties_go_to_the_first() {
    // The integration tests' order: a ₹1000 shirt at 18% within Maharashtra (CGST + SGST) and
    // two ₹500 pots at 18% from Karnataka (IGST): ₹1180 each.
    let lines = [
        line(100_000, 1, 1_800, Supply::IntraState),
        line(50_000, 2, 1_800, Supply::InterState),
    ];

    // ₹180: ₹90 each; ₹90 × 1000/1180 = ₹76.271 → ₹76.27 taxable, ₹13.73 tax, whose halves
    // are 686.5 paise: CGST rounds half up to 687, SGST takes the 686 left.
    let first = credit(&lines, &nothing(&lines), Paise(18_000)).unwrap();
    assert_eq!(
        first,
        [
            credited(Rate(1_800), 7_627, 687, 686, 0),
            credited(Rate(1_800), 7_627, 0, 0, 1_373),
        ]
    );
    // One paisa: both lines have 1090 left, half a paisa each; the tie goes to the shirt,
    // whose taxable value in all becomes 9001 × 1000/1180 = 7627.97 → 7628: one more.
    let sums = first.clone();
    let second = credit(&lines, &sums, Paise(1)).unwrap();
    assert_eq!(
        second,
        [credited(Rate(1_800), 1, 0, 0, 0), zero(Rate(1_800))]
    );
    let sums = add(&sums, &second);
    // The rest (₹2179.99) lands on the invoice to the paisa.
    let rest = credit(&lines, &sums, Paise(217_999)).unwrap();
    assert_eq!(
        rest,
        [
            credited(Rate(1_800), 92_372, 8_313, 8_314, 0),
            credited(Rate(1_800), 92_373, 0, 0, 16_627),
        ]
    );
    assert_eq!(add(&sums, &rest), lines);
    assert_eq!(
        credit(&lines, &add(&sums, &rest), Paise(1)),
        Err(CreditError::ExceedsInvoice { left: Paise(0) })
    );
}

#[test]
fn halves_rounded_up_on_the_invoice_are_credited_back_exactly() {
    // ₹0.20 at 5% within a state: each 2.5% half is 0.5 paise, rounded up to 1: 20 + 1 + 1.
    let lines = [line(20, 1, 500, Supply::IntraState)];

    let first = credit(&lines, &nothing(&lines), Paise(11)).unwrap();
    assert_eq!(first, [credited(Rate(500), 10, 1, 0, 0)]);
    let rest = credit(&lines, &first, Paise(11)).unwrap();
    assert_eq!(rest, [credited(Rate(500), 10, 0, 1, 0)]);
    assert_eq!(add(&first, &rest), lines);
}

#[test]
fn zero_rated_and_free_lines_credit_no_tax() {
    let lines = [
        line(30_000, 1, 0, Supply::IntraState),
        line(0, 3, 1_800, Supply::InterState),
    ];

    let note = credit(&lines, &nothing(&lines), Paise(10_001)).unwrap();

    assert_eq!(
        note,
        [credited(Rate(0), 10_001, 0, 0, 0), zero(Rate(1_800))]
    );
}

#[test]
fn bad_requests_and_inconsistent_records_are_refused() {
    let lines = [line(100_000, 1, 1_800, Supply::InterState)];
    let none = nothing(&lines);
    assert_eq!(
        credit(&lines, &none, Paise(118_001)),
        Err(CreditError::ExceedsInvoice {
            left: Paise(118_000)
        })
    );
    assert_eq!(
        credit(&lines, &none, Paise(-1)),
        Err(CreditError::NegativeAmount)
    );
    assert_eq!(
        credit(&lines, &[], Paise(1)),
        Err(CreditError::LinesMismatch)
    );
    // Credits this rule would not have made: all tax, or beyond the line.
    for wrong in [
        credited(Rate(1_800), 0, 0, 0, 100),
        credited(Rate(1_800), 100_000, 0, 0, 18_001),
    ] {
        assert_eq!(
            credit(&lines, &[wrong], Paise(1)),
            Err(CreditError::Inconsistent(0))
        );
    }
    let mut broken = lines[0];
    broken.total = Paise(1);
    assert_eq!(
        credit(&[broken], &none, Paise(0)),
        Err(CreditError::Inconsistent(0))
    );
    assert_eq!(
        credit(&lines, &none, Paise(0)).unwrap(),
        none,
        "nothing credits nothing"
    );
}

#[test]
fn every_small_line_is_credited_paisa_by_paisa_within_its_invoice() {
    // Exhaustive over lines up to ₹5 at every slab, both ways: one more paisa credited adds
    // exactly one paisa to exactly one part, and the whole line credits the invoice's parts.
    let mut rates: Vec<u32> = SLABS.iter().map(|slab| slab.rate.0).collect();
    rates.dedup();
    for rate in rates {
        for supply in [Supply::IntraState, Supply::InterState] {
            for paise in 0..=500 {
                let line = line(paise, 1, rate, supply);
                assert_eq!(cumulative(&line, 0), (0, 0, 0, 0));
                assert_eq!(cumulative(&line, line.total.0), parts(&line), "{line:?}");
                for gross in 0..line.total.0 {
                    let (a, b) = (cumulative(&line, gross), cumulative(&line, gross + 1));
                    let steps = [b.0 - a.0, b.1 - a.1, b.2 - a.2, b.3 - a.3];
                    assert!(steps.iter().all(|step| *step >= 0), "{line:?} at {gross}");
                    assert_eq!(steps.iter().sum::<i64>(), 1, "{line:?} at {gross}");
                }
            }
        }
    }
}

#[test]
fn every_small_apportionment_adds_up_and_stays_within_each_weight() {
    for a in 0..=7 {
        for b in 0..=7 {
            for c in 0..=7 {
                let weights = [a, b, c];
                let whole = a + b + c;
                for amount in 0..=whole {
                    let parts = apportion(amount, &weights, i128::from(whole));
                    assert_eq!(parts.iter().sum::<i64>(), amount, "{weights:?} {amount}");
                    for (part, weight) in parts.iter().zip(weights) {
                        assert!(*part <= weight, "{weights:?} {amount}");
                        // Within one paisa of the exact share.
                        assert!((part * whole - amount * weight).abs() < whole.max(1));
                    }
                }
            }
        }
    }
}

/// A line as checkout taxes it: tiny or ordinary prices, a few units, any rate there has
/// been, either supply.
fn any_line() -> impl Strategy<Value = LineTax> {
    let rates: Vec<u32> = SLABS.iter().map(|slab| slab.rate.0).collect();
    (
        prop_oneof![0i64..100, 0i64..10_000_000],
        1u32..=20,
        prop::sample::select(rates),
        any::<bool>(),
    )
        .prop_map(|(price, quantity, rate, intra)| {
            let supply = if intra {
                Supply::IntraState
            } else {
                Supply::InterState
            };
            line(price, quantity, rate, supply)
        })
}

/// A refund: per mille of what is left, or a few paise.
fn any_refund() -> impl Strategy<Value = (bool, u16)> {
    (any::<bool>(), 0u16..=1_000)
}

/// Checks one note against its invoice lines and the sums before it; the sums after it.
fn check_note(
    lines: &[LineTax],
    before: &[LineTax],
    note: &[LineTax],
    amount: i64,
) -> Vec<LineTax> {
    assert_eq!(note.len(), lines.len());
    let gross: i64 = note.iter().map(|part| part.total.0).sum();
    assert_eq!(gross, amount, "the note adds up to its refund");
    for (line, part) in lines.iter().zip(note) {
        let (t, c, s, i) = parts(part);
        assert!(t >= 0 && c >= 0 && s >= 0 && i >= 0, "{part:?}");
        assert_eq!(t + c + s + i, part.total.0, "{part:?}");
        assert_eq!(part.rate, line.rate);
        // The invoice line's split: no IGST where it charged none, nor CGST/SGST.
        if line.igst.0 == 0 {
            assert_eq!(i, 0);
        }
        if line.cgst.0 + line.sgst.0 == 0 {
            assert_eq!(c + s, 0);
        }
        // At the line's rate: within a paisa of its proportion of taxable value to total.
        let (n, g) = (i128::from(line.total.0), i128::from(part.total.0));
        assert!((i128::from(t) * n - g * i128::from(line.taxable.0)).abs() <= n);
    }
    let after = add(before, note);
    for (line, sum) in lines.iter().zip(&after) {
        assert!(
            sum.taxable <= line.taxable && sum.cgst <= line.cgst,
            "{sum:?} {line:?}"
        );
        assert!(
            sum.sgst <= line.sgst && sum.igst <= line.igst,
            "{sum:?} {line:?}"
        );
    }
    after
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn partial_refunds_never_credit_beyond_the_invoice_and_the_rest_lands_on_it(
        lines in prop::collection::vec(any_line(), 1..8),
        refunds in prop::collection::vec(any_refund(), 0..6),
    ) {
        let mut sums = nothing(&lines);
        let total = totals(&lines).unwrap().total.0;
        for (few, per_mille) in refunds {
            let left = total - sums.iter().map(|sum| sum.total.0).sum::<i64>();
            let amount = if few {
                i64::from(per_mille % 5).min(left)
            } else {
                left * i64::from(per_mille) / 1_000
            };
            let note = credit(&lines, &sums, Paise(amount)).unwrap();
            sums = check_note(&lines, &sums, &note, amount);
        }
        let left = total - sums.iter().map(|sum| sum.total.0).sum::<i64>();
        let last = credit(&lines, &sums, Paise(left)).unwrap();
        sums = check_note(&lines, &sums, &last, left);
        prop_assert_eq!(&sums, &lines);
        prop_assert_eq!(
            credit(&lines, &sums, Paise(1)),
            Err(CreditError::ExceedsInvoice { left: Paise(0) })
        );
    }
}
