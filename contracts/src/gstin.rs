//! Indian GST registration numbers (GSTIN) and the state codes they start with.
//!
//! The supplier's state, which decides CGST + SGST against IGST, is read from the first two
//! digits of its GSTIN; the place of supply is a state code from the same table.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The GST state and union-territory codes (the first two digits of a GSTIN), with the names
/// invoices print. 25 and 28 are kept for registrations issued before Daman and Diu merged into
/// 26 (2020) and before Andhra Pradesh took 37 (2014).
const STATES: &[(u8, &str)] = &[
    (1, "Jammu and Kashmir"),
    (2, "Himachal Pradesh"),
    (3, "Punjab"),
    (4, "Chandigarh"),
    (5, "Uttarakhand"),
    (6, "Haryana"),
    (7, "Delhi"),
    (8, "Rajasthan"),
    (9, "Uttar Pradesh"),
    (10, "Bihar"),
    (11, "Sikkim"),
    (12, "Arunachal Pradesh"),
    (13, "Nagaland"),
    (14, "Manipur"),
    (15, "Mizoram"),
    (16, "Tripura"),
    (17, "Meghalaya"),
    (18, "Assam"),
    (19, "West Bengal"),
    (20, "Jharkhand"),
    (21, "Odisha"),
    (22, "Chhattisgarh"),
    (23, "Madhya Pradesh"),
    (24, "Gujarat"),
    (25, "Daman and Diu"),
    (26, "Dadra and Nagar Haveli and Daman and Diu"),
    (27, "Maharashtra"),
    (28, "Andhra Pradesh (before 2014)"),
    (29, "Karnataka"),
    (30, "Goa"),
    (31, "Lakshadweep"),
    (32, "Kerala"),
    (33, "Tamil Nadu"),
    (34, "Puducherry"),
    (35, "Andaman and Nicobar Islands"),
    (36, "Telangana"),
    (37, "Andhra Pradesh"),
    (38, "Ladakh"),
    (97, "Other Territory"),
];

/// A GST state code (`27` is Maharashtra). On the wire: the two-digit string, `"27"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StateCode(u8);

impl StateCode {
    /// The code, if it names a state or union territory.
    pub fn new(code: u8) -> Option<StateCode> {
        STATES
            .iter()
            .any(|&(known, _)| known == code)
            .then_some(StateCode(code))
    }

    /// Parses the two-digit form (`"07"`).
    pub fn parse(text: &str) -> Option<StateCode> {
        if text.len() != 2 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        StateCode::new(text.parse().ok()?)
    }

    pub fn code(self) -> u8 {
        self.0
    }

    /// The state's name as invoices print it.
    pub fn name(self) -> &'static str {
        STATES
            .iter()
            .find(|&&(code, _)| code == self.0)
            .map(|&(_, name)| name)
            .expect("a StateCode is only made from the table")
    }

    /// Whether this is a union territory without a legislature, where an intra-state supply
    /// pays UTGST instead of SGST (`gst::StateTax`): Chandigarh, Daman and Diu (25, before
    /// its merger), Dadra and Nagar Haveli and Daman and Diu, Lakshadweep, Andaman and Nicobar
    /// Islands, Ladakh.
    pub fn is_union_territory_without_legislature(self) -> bool {
        matches!(self.0, 4 | 25 | 26 | 31 | 35 | 38)
    }

    /// Every code, in order (for address forms).
    pub fn all() -> impl Iterator<Item = StateCode> {
        STATES.iter().map(|&(code, _)| StateCode(code))
    }
}

impl fmt::Display for StateCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}", self.0)
    }
}

impl Serialize for StateCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for StateCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<StateCode, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        StateCode::parse(&text)
            .ok_or_else(|| serde::de::Error::custom("expected a two-digit GST state code"))
    }
}

/// Why a string is not a GSTIN. Each variant is a field-error code the API sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GstinError {
    /// Not 15 characters of `0-9A-Z` laid out as state code, PAN, entity number, `Z`, check.
    Format,
    /// The first two digits are not a state code.
    UnknownState,
    /// The last character does not match the other fourteen: a typo.
    CheckCharacter,
    /// The PAN inside (characters 3 to 12) has a 4th character that is no holder type:
    /// P(erson), C(ompany), H(indu undivided family), F(irm), A(ssociation of persons),
    /// T(rust), B(ody of individuals), L(ocal authority), J (artificial juridical person) or
    /// G(overnment). The check character cannot catch this: a made-up number may have a right
    /// one (`27AAAXA5055K1ZH`).
    PanHolderType,
    /// The PAN's serial (its 6th to 9th characters) is 0000, which the Income Tax Department
    /// never issues.
    PanSerial,
}

impl GstinError {
    /// The stable code of this failure, for problem+json field errors.
    pub fn code(self) -> &'static str {
        match self {
            GstinError::Format => "gstin_format",
            GstinError::UnknownState => "gstin_state",
            GstinError::CheckCharacter => "gstin_check_character",
            GstinError::PanHolderType => "gstin_pan_holder_type",
            GstinError::PanSerial => "gstin_pan_serial",
        }
    }
}

impl fmt::Display for GstinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            GstinError::Format => {
                "must be 15 characters: a state code, a PAN, an entity number, Z, a check character"
            }
            GstinError::UnknownState => "does not start with a GST state code",
            GstinError::CheckCharacter => "has a wrong check character (a typo?)",
            GstinError::PanHolderType => {
                "holds a PAN whose 4th character is not a holder type (P, C, H, F, A, T, B, L, J or G)"
            }
            GstinError::PanSerial => "holds a PAN whose serial number is 0000",
        })
    }
}

impl std::error::Error for GstinError {}

/// A GSTIN whose layout, state and check character are right. Stored and sent in upper case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Gstin(String);

const ALPHABET: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

impl Gstin {
    /// Validates `text` (surrounding spaces and lower case are forgiven, as people type them).
    pub fn parse(text: &str) -> Result<Gstin, GstinError> {
        let gstin = text.trim().to_ascii_uppercase();
        let b = gstin.as_bytes();
        let layout = b.len() == 15
            && b[0..2].iter().all(u8::is_ascii_digit)
            && b[2..7].iter().all(u8::is_ascii_uppercase)
            && b[7..11].iter().all(u8::is_ascii_digit)
            && b[11].is_ascii_uppercase()
            && (b[12].is_ascii_uppercase() || (b'1'..=b'9').contains(&b[12]))
            && b[13] == b'Z'
            && (b[14].is_ascii_uppercase() || b[14].is_ascii_digit());
        if !layout {
            return Err(GstinError::Format);
        }
        if StateCode::parse(&gstin[0..2]).is_none() {
            return Err(GstinError::UnknownState);
        }
        if check_character(&b[..14]) != b[14] {
            return Err(GstinError::CheckCharacter);
        }
        check_pan(&b[2..12])?;
        Ok(Gstin(gstin))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The registration's state: where the supplier is, for the CGST/SGST-or-IGST decision.
    pub fn state(&self) -> StateCode {
        StateCode::parse(&self.0[0..2]).expect("checked by parse")
    }
}

/// The PAN's holder types, its 4th character (see [`GstinError::PanHolderType`]).
const PAN_HOLDER_TYPES: &[u8] = b"PCHFATBLJG";

/// Checks the PAN inside a GSTIN whose layout is right: letters 1-5, digits 6-9, a letter.
/// Checked after the check character, so a typo is still reported as one.
fn check_pan(pan: &[u8]) -> Result<(), GstinError> {
    if !PAN_HOLDER_TYPES.contains(&pan[3]) {
        return Err(GstinError::PanHolderType);
    }
    if &pan[5..9] == b"0000" {
        return Err(GstinError::PanSerial);
    }
    Ok(())
}

/// The GSTN check character: a Luhn mod 36 over the first fourteen characters, weights 1 and 2
/// alternating from the left, each product counted as quotient plus remainder by 36.
fn check_character(first_fourteen: &[u8]) -> u8 {
    let sum: u32 = first_fourteen
        .iter()
        .enumerate()
        .map(|(index, &byte)| {
            let value = ALPHABET.iter().position(|&a| a == byte).unwrap_or(0) as u32;
            let product = value * if index % 2 == 0 { 1 } else { 2 };
            product / 36 + product % 36
        })
        .sum();
    ALPHABET[((36 - sum % 36) % 36) as usize]
}

impl fmt::Display for Gstin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Gstin {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Gstin {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Gstin, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Gstin::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_registrations_pass_and_name_their_state() {
        for (text, state) in [
            ("27AAPFU0939F1ZV", "Maharashtra"),
            ("29AAGCB7383J1Z4", "Karnataka"),
        ] {
            let gstin = Gstin::parse(text).unwrap();
            assert_eq!(gstin.state().name(), state);
            assert_eq!(gstin.as_str(), text);
        }
    }

    #[test]
    fn spaces_and_lower_case_are_forgiven_and_normalised() {
        assert_eq!(
            Gstin::parse(" 27aapfu0939f1zv ").unwrap().as_str(),
            "27AAPFU0939F1ZV"
        );
    }

    #[test]
    fn one_wrong_character_is_caught_by_the_check_character() {
        assert_eq!(
            Gstin::parse("27AAPFU0939F1ZW"),
            Err(GstinError::CheckCharacter)
        );
        // A swapped pair of PAN digits.
        assert_eq!(
            Gstin::parse("27AAPFU9039F1ZV"),
            Err(GstinError::CheckCharacter)
        );
        // Seed 000's masking example is a made-up number: its check character is wrong.
        assert_eq!(
            Gstin::parse("27AAAPA5055K1Z0"),
            Err(GstinError::CheckCharacter)
        );
    }

    #[test]
    fn the_layout_and_the_state_are_checked_first() {
        for bad in [
            "",
            "27AAPFU0939F1Z",
            "27AAPFU0939F1ZVV",
            "2AAAPFU0939F1ZV",
            "27AAPF00939F1ZV",
            "27AAPFU0939F0ZV",
            "27AAPFU0939F1YV",
            "27AAPFU0939F1Z-",
            "２7AAPFU0939F1ZV",
        ] {
            assert_eq!(Gstin::parse(bad), Err(GstinError::Format), "{bad}");
        }
        assert_eq!(
            Gstin::parse("40AAPFU0939F1ZV"),
            Err(GstinError::UnknownState)
        );
        assert_eq!(
            Gstin::parse("00AAPFU0939F1ZV"),
            Err(GstinError::UnknownState)
        );
    }

    /// `first_fourteen` completed with its right check character.
    fn with_check(first_fourteen: &str) -> String {
        let check = check_character(first_fourteen.as_bytes()) as char;
        format!("{first_fourteen}{check}")
    }

    #[test]
    fn a_pan_whose_4th_character_is_no_holder_type_is_refused() {
        // The issue's example: its check character is right, its PAN's holder type X is not one.
        assert_eq!(
            Gstin::parse("27AAAXA5055K1ZH"),
            Err(GstinError::PanHolderType)
        );
        for holder in 'A'..='Z' {
            let gstin = with_check(&format!("27AAA{holder}A5055K1Z"));
            let expected = if "PCHFATBLJG".contains(holder) {
                Ok(())
            } else {
                Err(GstinError::PanHolderType)
            };
            assert_eq!(Gstin::parse(&gstin).map(drop), expected, "{gstin}");
        }
    }

    #[test]
    fn a_pan_with_serial_0000_is_refused_and_any_other_serial_passes() {
        assert_eq!(
            Gstin::parse(&with_check("27AAPFU0000F1Z")),
            Err(GstinError::PanSerial)
        );
        for serial in ["0001", "1000", "0100", "9999"] {
            let gstin = with_check(&format!("27AAPFU{serial}F1Z"));
            assert!(Gstin::parse(&gstin).is_ok(), "{gstin}");
        }
    }

    #[test]
    fn a_typo_in_a_bad_pan_is_still_reported_as_a_typo() {
        assert_eq!(
            Gstin::parse("27AAAXA5055K1ZJ"),
            Err(GstinError::CheckCharacter)
        );
        assert_eq!(GstinError::PanHolderType.code(), "gstin_pan_holder_type");
        assert_eq!(GstinError::PanSerial.code(), "gstin_pan_serial");
        assert!(
            GstinError::PanHolderType
                .to_string()
                .contains("holder type")
        );
    }

    #[test]
    fn state_codes_are_two_digits_from_the_table() {
        assert_eq!(StateCode::parse("07").unwrap().name(), "Delhi");
        assert_eq!(StateCode::parse("38").unwrap().name(), "Ladakh");
        assert!(StateCode::parse("7").is_none());
        assert!(StateCode::parse("39").is_none());
        assert!(StateCode::parse("+7").is_none());
        assert_eq!(StateCode::new(9).unwrap().to_string(), "09");
        assert_eq!(StateCode::all().count(), STATES.len());
        assert_eq!(
            serde_json::to_string(&StateCode::new(27).unwrap()).unwrap(),
            r#""27""#
        );
    }

    #[test]
    fn a_gstin_deserialises_only_when_valid() {
        assert!(serde_json::from_str::<Gstin>(r#""27AAPFU0939F1ZV""#).is_ok());
        assert!(serde_json::from_str::<Gstin>(r#""27AAPFU0939F1ZW""#).is_err());
    }
}
