//! Check characters: GS1's mod-10 check digit (GTIN, GLN, SSCC and numbering schemes)
//! and ISO/IEC 7064 MOD 97-10 (two check digits over letters and digits, as in IBAN).

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
