//! Money as integer paise, with checked arithmetic and INR formatting.
//!
//! Amounts are `i64` paise everywhere (on the wire too: integer minor units, as payment gateways
//! use), so no rounding ever happens by accident. Every operation that can overflow is checked and
//! returns `None` rather than wrapping.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount of Indian rupees in paise (1 ₹ = 100 paise). Serialises as a bare integer.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Paise(pub i64);

impl Paise {
    pub const ZERO: Paise = Paise(0);

    /// Whole rupees; `None` if the amount does not fit in `i64` paise.
    pub fn from_rupees(rupees: i64) -> Option<Paise> {
        rupees.checked_mul(100).map(Paise)
    }

    /// Rupees as a person types them (`1,234.50`, `₹ 99`, `-5`, `0.5`) in paise: digits with
    /// optional commas anywhere in the rupees, at most two decimals, an optional `₹` and a
    /// leading `-` (kept, so the API can refuse a negative price with its own field error).
    /// `None` for anything else (`12.345`, `1e3`, `abc`, an empty box) or an amount beyond
    /// `i64` paise.
    pub fn parse_rupees(text: &str) -> Option<Paise> {
        let text = text.trim();
        let (negative, text) = match text.strip_prefix('-') {
            Some(rest) => (true, rest.trim_start()),
            None => (false, text),
        };
        let text = text.strip_prefix('₹').unwrap_or(text).trim_start();
        let (rupees, paise) = text.split_once('.').unwrap_or((text, ""));
        let rupees: String = rupees.chars().filter(|&c| c != ',').collect();
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (rupees.is_empty() && paise.is_empty())
            || !digits(&rupees)
            || !digits(paise)
            || paise.len() > 2
        {
            return None;
        }
        let whole: i64 = if rupees.is_empty() {
            0
        } else {
            rupees.parse().ok()?
        };
        let fraction: i64 = match paise.len() {
            0 => 0,
            1 => paise.parse::<i64>().ok()? * 10,
            _ => paise.parse().ok()?,
        };
        let amount = whole.checked_mul(100)?.checked_add(fraction)?;
        Some(Paise(if negative { -amount } else { amount }))
    }

    pub const fn as_i64(self) -> i64 {
        self.0
    }

    pub fn checked_add(self, other: Paise) -> Option<Paise> {
        self.0.checked_add(other.0).map(Paise)
    }

    pub fn checked_sub(self, other: Paise) -> Option<Paise> {
        self.0.checked_sub(other.0).map(Paise)
    }

    /// The amount times a quantity (a line total); `None` on overflow.
    pub fn checked_mul(self, quantity: i64) -> Option<Paise> {
        self.0.checked_mul(quantity).map(Paise)
    }

    /// Sums amounts, `None` if any partial sum overflows.
    pub fn checked_sum<I: IntoIterator<Item = Paise>>(amounts: I) -> Option<Paise> {
        amounts
            .into_iter()
            .try_fold(Paise::ZERO, Paise::checked_add)
    }

    /// `₹1,23,456.78`: rupee sign, Indian digit grouping (the last three digits, then pairs),
    /// always two decimals. Negative amounts are written `-₹12.50`.
    pub fn to_inr(self) -> String {
        // unsigned_abs: i64::MIN has no positive i64 counterpart but does fit in u64.
        let abs = self.0.unsigned_abs();
        let rupees = (abs / 100).to_string();
        let paise = abs % 100;
        let sign = if self.0 < 0 { "-" } else { "" };
        format!("{sign}₹{}.{paise:02}", group_indian(&rupees))
    }

    /// `₹1,23,456`: whole rupees (paise dropped), for a chart's axis, where ticks are round.
    pub fn to_inr_whole(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        format!("{sign}₹{}", group_count(self.0.unsigned_abs() / 100))
    }

    /// The amount in words, as Indian invoices print it (CGST Rule 46 asks for the total in
    /// words): Indian scale words (thousand, lakh, crore), e.g. `Rupees One Lakh Twenty-Three
    /// Thousand Four Hundred Fifty-Six and Seventy-Eight Paise Only`. Negative amounts start
    /// with `Minus`.
    pub fn in_words(self) -> String {
        let abs = self.0.unsigned_abs();
        let (rupees, paise) = (abs / 100, abs % 100);
        let mut out = String::new();
        if self.0 < 0 {
            out.push_str("Minus ");
        }
        out.push_str("Rupees ");
        out.push_str(&indian_words(rupees));
        if paise > 0 {
            out.push_str(" and ");
            out.push_str(&indian_words(paise));
            out.push_str(" Paise");
        }
        out.push_str(" Only");
        out
    }
}

const ONES: [&str; 20] = [
    "Zero",
    "One",
    "Two",
    "Three",
    "Four",
    "Five",
    "Six",
    "Seven",
    "Eight",
    "Nine",
    "Ten",
    "Eleven",
    "Twelve",
    "Thirteen",
    "Fourteen",
    "Fifteen",
    "Sixteen",
    "Seventeen",
    "Eighteen",
    "Nineteen",
];
const TENS: [&str; 10] = [
    "", "", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety",
];

/// 0 to 99 in words: `Forty-Two`.
fn below_hundred(n: u64) -> String {
    match n {
        0..20 => ONES[n as usize].to_owned(),
        _ if n.is_multiple_of(10) => TENS[(n / 10) as usize].to_owned(),
        _ => format!("{}-{}", TENS[(n / 10) as usize], ONES[(n % 10) as usize]),
    }
}

/// A whole number in words with the Indian scale: crore (10^7), lakh (10^5), thousand,
/// hundred. Past 99 crore the crores themselves are counted the same way (`One Lakh Crore`).
fn indian_words(n: u64) -> String {
    if n == 0 {
        return ONES[0].to_owned();
    }
    let mut parts = Vec::new();
    let crore = n / 10_000_000;
    if crore > 0 {
        parts.push(format!("{} Crore", indian_words(crore)));
    }
    let rest = n % 10_000_000;
    for (value, name) in [(100_000, "Lakh"), (1_000, "Thousand"), (100, "Hundred")] {
        let count = rest / value % if value == 100 { 10 } else { 100 };
        if count > 0 {
            parts.push(format!("{} {name}", below_hundred(count)));
        }
    }
    if !rest.is_multiple_of(100) {
        parts.push(below_hundred(rest % 100));
    }
    parts.join(" ")
}

/// A count with Indian digit grouping: `1234567` → `12,34,567`.
pub fn group_count(count: u64) -> String {
    group_indian(&count.to_string())
}

/// Inserts separators the Indian way: `1234567` → `12,34,567`.
fn group_indian(digits: &str) -> String {
    if digits.len() <= 3 {
        return digits.to_owned();
    }
    let (head, last3) = digits.split_at(digits.len() - 3);
    let mut out = String::with_capacity(digits.len() + digits.len() / 2);
    // The head is grouped in pairs counted from its right end.
    let first = head.len() % 2;
    if first == 1 {
        out.push_str(&head[..1]);
    }
    for (i, pair) in head.as_bytes()[first..].chunks(2).enumerate() {
        if i > 0 || first == 1 {
            out.push(',');
        }
        out.push_str(std::str::from_utf8(pair).expect("ASCII digits"));
    }
    out.push(',');
    out.push_str(last3);
    out
}

impl fmt::Display for Paise {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_inr())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_indian_digit_grouping() {
        assert_eq!(Paise(12_345_678).to_inr(), "₹1,23,456.78");
        assert_eq!(Paise(0).to_inr(), "₹0.00");
        assert_eq!(Paise(5).to_inr(), "₹0.05");
        assert_eq!(Paise(99_999).to_inr(), "₹999.99");
        assert_eq!(Paise(100_000).to_inr(), "₹1,000.00");
        assert_eq!(Paise(1_000_000).to_inr(), "₹10,000.00");
        assert_eq!(Paise(10_000_000_000).to_inr(), "₹10,00,00,000.00");
        assert_eq!(Paise(123_456_789_012).to_inr(), "₹1,23,45,67,890.12");
    }

    #[test]
    fn formats_negative_amounts_and_the_extremes() {
        assert_eq!(Paise(-1_250).to_inr(), "-₹12.50");
        assert_eq!(Paise(i64::MAX).to_inr(), "₹92,23,37,20,36,85,47,758.07");
        assert_eq!(Paise(i64::MIN).to_inr(), "-₹92,23,37,20,36,85,47,758.08");
    }

    #[test]
    fn whole_rupees_and_counts_group_the_indian_way() {
        assert_eq!(Paise(12_345_678).to_inr_whole(), "₹1,23,456");
        assert_eq!(Paise(99).to_inr_whole(), "₹0");
        assert_eq!(Paise(-500_000).to_inr_whole(), "-₹5,000");
        assert_eq!(group_count(0), "0");
        assert_eq!(group_count(999), "999");
        assert_eq!(group_count(1_000), "1,000");
        assert_eq!(group_count(1_234_567), "12,34,567");
    }

    #[test]
    // Literals grouped the Indian way (1_00_000 is one lakh) make the expectations readable.
    #[allow(clippy::inconsistent_digit_grouping)]
    fn amounts_read_in_words_with_the_indian_scale() {
        let words = |rupees: i64| Paise::from_rupees(rupees).unwrap().in_words();
        assert_eq!(
            words(3_420),
            "Rupees Three Thousand Four Hundred Twenty Only"
        );
        assert_eq!(words(0), "Rupees Zero Only");
        assert_eq!(words(1), "Rupees One Only");
        assert_eq!(words(19), "Rupees Nineteen Only");
        assert_eq!(words(40), "Rupees Forty Only");
        assert_eq!(words(99), "Rupees Ninety-Nine Only");
        assert_eq!(words(100), "Rupees One Hundred Only");
        assert_eq!(words(1_001), "Rupees One Thousand One Only");
        assert_eq!(words(1_00_000), "Rupees One Lakh Only");
        assert_eq!(
            words(12_34_567),
            "Rupees Twelve Lakh Thirty-Four Thousand Five Hundred Sixty-Seven Only"
        );
        assert_eq!(words(1_00_00_000), "Rupees One Crore Only");
        assert_eq!(
            words(99_99_99_999),
            "Rupees Ninety-Nine Crore Ninety-Nine Lakh Ninety-Nine Thousand Nine Hundred \
             Ninety-Nine Only"
        );
        assert_eq!(words(1_00_000_00_00_000), "Rupees One Lakh Crore Only");
        assert_eq!(
            Paise(12_345_678).in_words(),
            "Rupees One Lakh Twenty-Three Thousand Four Hundred Fifty-Six and Seventy-Eight \
             Paise Only"
        );
        assert_eq!(Paise(5).in_words(), "Rupees Zero and Five Paise Only");
        assert_eq!(
            Paise(-1_250).in_words(),
            "Minus Rupees Twelve and Fifty Paise Only"
        );
        assert!(
            Paise(i64::MIN)
                .in_words()
                .starts_with("Minus Rupees Nine Hundred")
        );
    }

    #[test]
    fn arithmetic_is_checked() {
        assert_eq!(Paise(100).checked_add(Paise(250)), Some(Paise(350)));
        assert_eq!(Paise(i64::MAX).checked_add(Paise(1)), None);
        assert_eq!(Paise(i64::MIN).checked_sub(Paise(1)), None);
        assert_eq!(Paise(1_000).checked_mul(3), Some(Paise(3_000)));
        assert_eq!(Paise(i64::MAX / 2 + 1).checked_mul(2), None);
        assert_eq!(Paise::from_rupees(1_000), Some(Paise(100_000)));
        assert_eq!(Paise::from_rupees(i64::MAX), None);
        assert_eq!(
            Paise::checked_sum([Paise(1), Paise(2), Paise(3)]),
            Some(Paise(6))
        );
        assert_eq!(
            Paise::checked_sum([Paise(i64::MAX), Paise(1), Paise(-5)]),
            None
        );
    }

    #[test]
    fn rupees_parse_as_people_type_them() {
        let parse = Paise::parse_rupees;
        assert_eq!(parse("1,234.50"), Some(Paise(123_450)));
        assert_eq!(parse("1,23,456.78"), Some(Paise(12_345_678)));
        assert_eq!(parse(" 999 "), Some(Paise(99_900)));
        assert_eq!(parse("₹ 12.5"), Some(Paise(1_250)));
        assert_eq!(parse("0.05"), Some(Paise(5)));
        assert_eq!(parse(".5"), Some(Paise(50)));
        assert_eq!(parse("7."), Some(Paise(700)));
        assert_eq!(parse("-5"), Some(Paise(-500)));
        assert_eq!(parse("0"), Some(Paise(0)));
    }

    #[test]
    fn rupees_that_are_not_an_amount_are_refused() {
        for text in [
            "",
            " ",
            ".",
            "-",
            "12.345",
            "1e3",
            "abc",
            "12.3.4",
            "1 000",
            "+5",
            "₹",
            "--5",
            "99999999999999999999",
            "12,a",
        ] {
            assert_eq!(Paise::parse_rupees(text), None, "{text:?}");
        }
        assert_eq!(
            Paise::parse_rupees("92233720368547758.07"),
            Some(Paise(i64::MAX))
        );
        assert_eq!(Paise::parse_rupees("92233720368547758.08"), None);
    }

    #[test]
    fn serialises_as_a_bare_integer_of_paise() {
        assert_eq!(serde_json::to_string(&Paise(342_000)).unwrap(), "342000");
        assert_eq!(serde_json::from_str::<Paise>("-7").unwrap(), Paise(-7));
        assert!(
            serde_json::from_str::<Paise>("12.5").is_err(),
            "fractional paise must be refused"
        );
    }
}
