//! The patterns of the rules the validators apply to text, and the white space they trim.

use contracts::gstin::StateCode;

/// Text with something other than white space in it (the validators trim, then refuse blank).
pub const NOT_BLANK: &str = r"\S";

/// `domain::email`'s rule as a pattern: one `@`, something before it, a dotted domain that
/// neither starts nor ends with a dot after it, no white space or control characters inside;
/// white space around it is trimmed.
pub const EMAIL: &str = r"^\s*[^@\s\x00-\x1f\x7f-\x9f]+@[^@\s.\x00-\x1f\x7f-\x9f][^@\s\x00-\x1f\x7f-\x9f]*\.[^@\s\x00-\x1f\x7f-\x9f]*[^@\s.\x00-\x1f\x7f-\x9f]\s*$";

/// One character Rust's `str::trim` removes (Unicode `White_Space`), spelt out: `\s` means
/// more in some regex dialects (Python's also takes U+001C to U+001F).
pub(super) const SPACE: &str =
    r"[\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]";
/// A character that is neither white space nor a control character.
pub(super) const VISIBLE: &str =
    r"[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]";
/// A character that is not a control character (Unicode `Cc`, Rust's `char::is_control`).
pub(super) const NOT_CONTROL: &str = r"[^\x00-\x1f\x7f-\x9f]";

/// `rule` (a pattern without anchors), with the white space the validator trims around it.
pub fn trimmed(rule: &str) -> String {
    format!("^{SPACE}*(?:{rule}){SPACE}*$")
}

/// The GST state codes the validators know (`StateCode::parse`), as alternatives.
pub(super) fn state_codes() -> String {
    let codes: Vec<String> = StateCode::all().map(|code| code.to_string()).collect();
    format!("(?:{})", codes.join("|"))
}

/// A GSTIN's layout (`Gstin::parse`: trimmed, either case; the first two digits a state
/// code). Its check character and the PAN's holder type are a 422 the pattern cannot state.
pub(super) fn gstin_pattern() -> String {
    trimmed(&format!(
        "{}[A-Za-z]{{5}}[0-9]{{4}}[A-Za-z][1-9A-Za-z][Zz][0-9A-Za-z]",
        state_codes()
    ))
}

/// `IndianMobile`'s rule: the digits, whatever is typed between them, are ten starting 6 to 9,
/// perhaps after a 0 or the country code 91.
pub(super) const PHONE: &str =
    "^[^0-9]*(?:0[^0-9]*|9[^0-9]*1[^0-9]*)?[6-9](?:[^0-9]*[0-9]){9}[^0-9]*$";

/// `Pincode`: six ASCII digits, the first not 0.
pub(super) const PINCODE: &str = "[1-9][0-9]{5}";
pub(super) const PINCODE_EDGES: &[&str] = &[
    "411001",
    " 411001 ",
    "011001",
    "41100",
    "4110011",
    "41100a",
    "",
    "٤١١٠٠١",
];

pub(super) const GSTIN_EDGES: &[&str] = &[
    "27AAPFU0939F1ZV",
    " 27aapfu0939f1zv ",
    "27AAPFU0939F1ZW",
    "00AAPFU0939F1ZV",
    "27AAPFU0939F1YV",
    "27AAPFU0939F0ZV",
    "27AAPFU0939F1Z",
    "",
];
