//! Check characters: GS1's mod-10 check digit (GTIN, GLN, SSCC and numbering schemes)
//! and ISO/IEC 7064 MOD 97-10 (two check digits over letters and digits, as in IBAN),
//! and the GS1 keys master data carries (GTIN, GLN).

use crate::kernel::invalid::InvalidInput;

/// The GS1 mod-10 check digit of `digits` (weights 3 and 1 from the right), or `None`
/// when `digits` is empty or holds anything but ASCII digits.
///
/// ```
/// use traceability_core::kernel::check_digit::gs1_mod10;
/// assert_eq!(gs1_mod10("0950600013435"), Some('2')); // GTIN 09506000134352
/// assert_eq!(gs1_mod10("12A"), None);
/// ```
pub fn gs1_mod10(digits: &str) -> Option<char> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    char::from_digit((10 - sum % 10) % 10, 10)
}

/// Whether the last digit of `number` is its GS1 mod-10 check digit.
///
/// ```
/// use traceability_core::kernel::check_digit::gs1_mod10_valid;
/// assert!(gs1_mod10_valid("09506000134352"));
/// assert!(!gs1_mod10_valid("09506000134353"));
/// ```
pub fn gs1_mod10_valid(number: &str) -> bool {
    match number.char_indices().last() {
        Some((last, digit)) if last > 0 => gs1_mod10(&number[..last]) == Some(digit),
        _ => false,
    }
}

/// A GTIN (GTIN-8, -12, -13 or -14, check digit verified) as the 14 digits GS1
/// element strings carry, left-padded with zeros; anything else is an [`InvalidInput`]
/// for `field`.
///
/// ```
/// use traceability_core::kernel::check_digit::gtin14;
/// assert_eq!(gtin14("gtin", "4006381333931").unwrap(), "04006381333931");
/// assert!(gtin14("gtin", "4006381333932").is_err());
/// ```
pub fn gtin14(field: &'static str, text: &str) -> Result<String, InvalidInput> {
    let text = text.trim();
    if ![8, 12, 13, 14].contains(&text.len()) {
        return Err(InvalidInput::new(
            field,
            format!("{text:?} is not a GTIN of 8, 12, 13 or 14 digits"),
        ));
    }
    gs1_key(field, text)?;
    Ok(format!("{text:0>14}"))
}

/// A GLN (13 digits, check digit verified), or an [`InvalidInput`] for `field`.
///
/// ```
/// use traceability_core::kernel::check_digit::gln;
/// assert_eq!(gln("gln", " 9521141123454 ").unwrap(), "9521141123454");
/// assert!(gln("gln", "952114112345").is_err());
/// ```
pub fn gln(field: &'static str, text: &str) -> Result<String, InvalidInput> {
    let text = text.trim();
    if text.len() != 13 {
        return Err(InvalidInput::new(
            field,
            format!("{text:?} is not a GLN of 13 digits"),
        ));
    }
    gs1_key(field, text)?;
    Ok(text.to_owned())
}

/// Checks that `text` is digits ending in their GS1 check digit.
fn gs1_key(field: &'static str, text: &str) -> Result<(), InvalidInput> {
    if !gs1_mod10_valid(text) {
        return Err(InvalidInput::new(
            field,
            format!("{text:?} is not digits with a valid GS1 check digit"),
        ));
    }
    Ok(())
}

/// The two ISO/IEC 7064 MOD 97-10 check digits of `text` (digits, and letters counted
/// A=10 … Z=35 regardless of case), or `None` when `text` is empty or holds anything
/// else.
///
/// ```
/// use traceability_core::kernel::check_digit::{iso7064_mod97_10, iso7064_mod97_10_valid};
/// assert_eq!(iso7064_mod97_10("794").as_deref(), Some("44"));
/// assert!(iso7064_mod97_10_valid("79444"));
/// assert_eq!(iso7064_mod97_10("LOT-1"), None);
/// ```
pub fn iso7064_mod97_10(text: &str) -> Option<String> {
    let remainder = mod97(text)?;
    let check = 98 - (remainder * 100) % 97;
    Some(format!("{check:02}"))
}

/// Whether `text` ends in its two ISO/IEC 7064 MOD 97-10 check digits.
pub fn iso7064_mod97_10_valid(text: &str) -> bool {
    text.len() > 2 && text.is_char_boundary(text.len() - 2) && mod97(text) == Some(1)
}

/// `text` read as a number (letters as two digits 10..=35) modulo 97.
fn mod97(text: &str) -> Option<u32> {
    if text.is_empty() {
        return None;
    }
    text.chars().try_fold(0u32, |remainder, c| {
        let value = c.to_digit(36)?;
        let shift = if value < 10 { 10 } else { 100 };
        Some((remainder * shift + value) % 97)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gs1_check_digits_of_published_keys() {
        // GTIN-13, GLN and SSCC examples from the GS1 General Specifications.
        assert!(gs1_mod10_valid("4006381333931"));
        assert!(gs1_mod10_valid("9521141123454"));
        assert!(gs1_mod10_valid("106141411234567897"));
        assert_eq!(gs1_mod10("0"), Some('0'));
        assert!(!gs1_mod10_valid("7"));
        assert_eq!(gs1_mod10(""), None);
    }

    #[test]
    fn mod97_10_matches_iban_arithmetic() {
        // GB82 WEST 1234 5698 7654 32: the IBAN check moves the country and check digits
        // to the end; MOD 97-10 over the rest with "GB" appended gives 82.
        assert_eq!(
            iso7064_mod97_10("WEST12345698765432GB").as_deref(),
            Some("82")
        );
        assert!(iso7064_mod97_10_valid("WEST12345698765432GB82"));
        assert!(!iso7064_mod97_10_valid("WEST12345698765432GB83"));
        assert_eq!(iso7064_mod97_10("a1"), iso7064_mod97_10("A1"));
        assert_eq!(iso7064_mod97_10(""), None);
    }
}
