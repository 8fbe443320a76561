//! Credit notes' arithmetic (CGST Act section 34): how a refund, tax included, is credited
//! against an invoiced order's lines, to the paisa, so that an order's credit notes never add
//! up to more than its invoices, line by line and tax by tax.
//!
//! # The rule
//!
//! - **Across lines** (and so across sellers): the gross refunded is spread over the lines in
//!   proportion to what each has left to credit (its total less what earlier credit notes
//!   credited it), by largest remainder: each line gets the floor of its exact share, and the
//!   paise still missing go one each to the lines with the largest fractions (ties: the earlier
//!   line). No line gets more than it has left, and the shares add up to the refund exactly.
//! - **Within a line**: what a line has been credited *in all* is split into taxable value and
//!   tax in the line's own proportion (its taxable value to its total, the rate as the invoice
//!   rounded it), rounded half up; that tax, the same way, into CGST + SGST against IGST, and
//!   those into CGST against SGST. A credit note credits the difference between that split
//!   after it and what the earlier notes credited.
//! - **Why it holds**: each part of the split grows by at most one paisa for each paisa more
//!   credited, never shrinks, and equals the invoice's at the line's total. So every note's
//!   parts are ≥ 0 and add up to its gross, no part ever exceeds the invoice's, and the refund
//!   of everything left lands on the invoice exactly.

use crate::gst::LineTax;
use crate::money::Paise;
use std::fmt;

/// Why a refund cannot be credited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreditError {
    /// A refund below zero.
    NegativeAmount,
    /// More than the lines have left to credit (`left`, in all).
    ExceedsInvoice { left: Paise },
    /// Line `n` (from 0) is not a taxed line (a negative part, or parts that do not add up to
    /// its total), or what was credited on it is not what this rule would have credited.
    Inconsistent(usize),
    /// Not one credited amount per invoice line.
    LinesMismatch,
}

impl fmt::Display for CreditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CreditError::NegativeAmount => f.write_str("a refund cannot be negative"),
            CreditError::ExceedsInvoice { left } => {
                write!(f, "only {} paise are left to credit", left.0)
            }
            CreditError::Inconsistent(n) => write!(f, "line {n} and its credits disagree"),
            CreditError::LinesMismatch => f.write_str("one credited amount per line is needed"),
        }
    }
}

impl std::error::Error for CreditError {}

/// What crediting `amount` (gross, tax included) credits each of the invoice `lines`, given
/// what earlier credit notes `credited` each (their sums; zero for none), in the lines' order.
/// A line that gets nothing comes back as zero.
pub fn credit(
    lines: &[LineTax],
    credited: &[LineTax],
    amount: Paise,
) -> Result<Vec<LineTax>, CreditError> {
    if lines.len() != credited.len() {
        return Err(CreditError::LinesMismatch);
    }
    if amount.0 < 0 {
        return Err(CreditError::NegativeAmount);
    }
    for (n, (line, done)) in lines.iter().zip(credited).enumerate() {
        let bounded = (0..=line.total.0).contains(&done.total.0);
        if !is_taxed(line) || !bounded || cumulative(line, done.total.0) != parts(done) {
            return Err(CreditError::Inconsistent(n));
        }
    }
    let left: Vec<i64> = lines
        .iter()
        .zip(credited)
        .map(|(line, done)| line.total.0 - done.total.0)
        .collect();
    let all_left: i128 = left.iter().copied().map(i128::from).sum();
    if i128::from(amount.0) > all_left {
        let left = Paise(i64::try_from(all_left).unwrap_or(i64::MAX));
        return Err(CreditError::ExceedsInvoice { left });
    }
    let shares = apportion(amount.0, &left, all_left);
    Ok(lines
        .iter()
        .zip(credited)
        .zip(shares)
        .map(|((line, done), share)| {
            let after = cumulative(line, done.total.0 + share);
            LineTax {
                taxable: Paise(after.0 - done.taxable.0),
                rate: line.rate,
                cgst: Paise(after.1 - done.cgst.0),
                sgst: Paise(after.2 - done.sgst.0),
                igst: Paise(after.3 - done.igst.0),
                total: Paise(share),
            }
        })
        .collect())
}

/// Whether `line`'s parts are ≥ 0 and add up to its total.
fn is_taxed(line: &LineTax) -> bool {
    let parts = [line.taxable, line.cgst, line.sgst, line.igst];
    parts.iter().all(|part| part.0 >= 0)
        && Paise::checked_sum(parts).is_some_and(|sum| sum == line.total)
}

/// A line's taxable value, CGST, SGST and IGST.
fn parts(line: &LineTax) -> (i64, i64, i64, i64) {
    (line.taxable.0, line.cgst.0, line.sgst.0, line.igst.0)
}

/// The taxable value, CGST, SGST and IGST credited in all once `gross` (0 ≤ gross ≤ total) of
/// taxed `line` is: the rule's split, nested so each step divides one amount in two.
fn cumulative(line: &LineTax, gross: i64) -> (i64, i64, i64, i64) {
    let taxable = share(line.taxable.0, line.total.0, gross);
    let tax = gross - taxable;
    let state_taxes = line.cgst.0 + line.sgst.0;
    let shared = share(state_taxes, state_taxes + line.igst.0, tax);
    let cgst = share(line.cgst.0, state_taxes, shared);
    (taxable, cgst, shared - cgst, tax - shared)
}

/// `part / whole` of `of`, rounded half up (0 of nothing). For 0 ≤ part ≤ whole and
/// 0 ≤ of ≤ whole the result is at most `part` and `of - result` at most `whole - part`, it
/// grows by 0 or 1 as `of` grows by 1, and it is `part` when `of` is `whole`.
fn share(part: i64, whole: i64, of: i64) -> i64 {
    if whole == 0 {
        return 0;
    }
    // 2 × part × of ≤ 2 × (2⁶³ - 1)², which still fits in an i128.
    let (part, whole, of) = (i128::from(part), i128::from(whole), i128::from(of));
    let rounded = (2 * part * of + whole) / (2 * whole);
    i64::try_from(rounded).expect("a share is at most its part")
}

/// `amount` (at most `whole`, the sum of `weights`) in parts proportional to `weights`, by
/// largest remainder.
fn apportion(amount: i64, weights: &[i64], whole: i128) -> Vec<i64> {
    if whole == 0 {
        return vec![0; weights.len()];
    }
    let exact: Vec<(i64, i128)> = weights
        .iter()
        .map(|&weight| {
            let scaled = i128::from(amount) * i128::from(weight);
            let floor = i64::try_from(scaled / whole).expect("a part is at most its weight");
            (floor, scaled % whole)
        })
        .collect();
    let floors: i64 = exact.iter().map(|(floor, _)| floor).sum();
    // Fewer than one paisa per line is missing, so every one goes to a line with a fraction.
    let missing = usize::try_from(amount - floors).expect("floors never exceed the amount");
    let mut by_fraction: Vec<usize> = (0..weights.len()).collect();
    by_fraction.sort_by(|&a, &b| exact[b].1.cmp(&exact[a].1).then(a.cmp(&b)));
    let mut parts: Vec<i64> = exact.iter().map(|(floor, _)| *floor).collect();
    for &line in &by_fraction[..missing] {
        parts[line] += 1;
    }
    parts
}

#[cfg(test)]
mod tests;
