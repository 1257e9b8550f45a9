//! Identifier and free-text rules.

use crate::kernel::invalid::InvalidInput;

/// The most characters an identifier may have.
pub const MAX_ID_CHARS: usize = 128;
/// The most characters a free-text field may have.
pub const MAX_TEXT_CHARS: usize = 4096;

/// `raw` trimmed, when it is a valid identifier: 1–128 characters, no control
/// characters (NUL, tab, newline, ...). Otherwise [`InvalidInput`] naming
/// `field`.
///
/// ```
/// use traceability_core::kernel::text::identifier;
/// assert_eq!(identifier("lot", "  L-1 ").unwrap(), "L-1");
/// assert!(identifier("lot", " ").is_err());
/// assert!(identifier("lot", "L\n1").is_err());
/// assert!(identifier("lot", &"x".repeat(129)).is_err());
/// ```
pub fn identifier<'a>(field: &'static str, raw: &'a str) -> Result<&'a str, InvalidInput> {
    // The common case, read once: printable ASCII (no spaces to trim, nothing to count).
    let plain = |b: &u8| b.is_ascii_graphic();
    if raw.len() <= MAX_ID_CHARS
        && raw.as_bytes().first().is_some_and(plain)
        && raw.as_bytes().last().is_some_and(plain)
        && raw.bytes().all(|b| b == b' ' || b.is_ascii_graphic())
    {
        return Ok(raw);
    }
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(InvalidInput::new(field, "must not be empty"));
    }
    // At most MAX_ID_CHARS bytes cannot be more characters: count only longer text.
    if trimmed.len() > MAX_ID_CHARS && trimmed.chars().nth(MAX_ID_CHARS).is_some() {
        return Err(InvalidInput::new(
            field,
            format!("longer than {MAX_ID_CHARS} characters"),
        ));
    }
    if let Some(c) = trimmed.chars().find(|c| c.is_control()) {
        return Err(InvalidInput::new(
            field,
            format!("contains the control character {c:?}"),
        ));
    }
    Ok(trimmed)
}

/// Checks free text: at most 4,096 characters and no NUL (which C cannot carry).
///
/// ```
/// use traceability_core::kernel::text::free_text;
/// assert!(free_text("reason", "damaged\nin transit").is_ok());
/// assert!(free_text("reason", "a\0b").is_err());
/// ```
pub fn free_text(field: &'static str, text: &str) -> Result<(), InvalidInput> {
    if text.chars().nth(MAX_TEXT_CHARS).is_some() {
        return Err(InvalidInput::new(
            field,
            format!("longer than {MAX_TEXT_CHARS} characters"),
        ));
    }
    if text.contains('\0') {
        return Err(InvalidInput::new(field, "contains a NUL character"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rule as written in [`identifier`]'s documentation.
    fn reference(raw: &str) -> Option<&str> {
        let trimmed = raw.trim();
        let valid = !trimmed.is_empty()
            && trimmed.chars().count() <= MAX_ID_CHARS
            && !trimmed.chars().any(char::is_control);
        valid.then_some(trimmed)
    }

    proptest::proptest! {
        #[test]
        fn identifiers_follow_the_rule(raw in "[ a-z\\t\\n\u{a0}é\u{7f}-]{0,140}|[a-z]{126,130}") {
            proptest::prop_assert_eq!(identifier("id", &raw).ok(), reference(&raw));
        }
    }
}
