//! Reading barcode data: scanner output and the bracketed form (Digital Link URIs are
//! handed to [`crate::io::gs1::digital_link`]).

use chrono::NaiveDate;

use crate::io::gs1::ai::{lookup, match_prefix, AiSpec};
use crate::io::gs1::digital_link::{looks_like_uri, parse_uri};
use crate::io::gs1::element::{validate, ElementString, Located, Reading, FNC1};
use crate::io::gs1::error::{Gs1Error, Gs1ErrorReason};

/// Parses GS1 barcode data in any of its usual forms into checked elements:
///
/// - scanner output: element strings with FNC1 as ASCII 29 (GS) after variable-length
///   values, optionally preceded by an AIM symbology identifier (`]C1` GS1-128, `]d2`
///   GS1 DataMatrix, `]Q3` GS1 QR Code, `]e0` GS1 DataBar, `]J1` GS1 DotCode, ...)
///   and a leading FNC1;
/// - the bracketed form, `(01)09506000134352(17)201225(10)ABC123`, `\(` for a `(` in a
///   value;
/// - a GS1 Digital Link URI (also after `]Q1`), as [`crate::io::gs1::parse_digital_link`].
///
/// Every value is checked: known AI, length, character set, check digit, date (two-digit
/// years resolved by the GS1 century rule around `today`'s year), and no AI repeated
/// with a different value (a repeat with the same value is kept once). A single FNC1
/// at the end is tolerated.
///
/// ```
/// use chrono::NaiveDate;
/// use traceability_core::io::gs1::{parse, Gs1ErrorReason};
/// use traceability_core::Quantity;
///
/// let today = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
/// let scan = "]d2010950600013435217261200\u{1d}10ABC123\u{1d}3103000750";
/// let data = parse(scan, today)?;
/// assert_eq!(data.gtin(), Some("09506000134352"));
/// assert_eq!(data.batch(), Some("ABC123"));
/// assert_eq!(data.expiry(), NaiveDate::from_ymd_opt(2026, 12, 31)); // day 00: month's end
/// assert_eq!(data.net_weight_kg(), Some(Quantity::from_scaled(750, 3)?));
/// assert_eq!(data.to_bracketed(), "(01)09506000134352(17)261200(10)ABC123(3103)000750");
///
/// let err = parse("(01)09506000134352(17)261332", today).unwrap_err();
/// assert_eq!(err.to_string(), "at character 22, AI (17): invalid date 261332");
/// assert_eq!(err.reason, Gs1ErrorReason::InvalidDate("261332".into()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn parse(input: &str, today: NaiveDate) -> Result<ElementString, Gs1Error> {
    read(input, today)?.finish()
}

/// [`parse`] for one symbol of a label that may carry several (a pallet label: the
/// SSCC (00) in one barcode, the content (02), count (37) and batch (10) in another):
/// invalid pairs are refused, but an AI whose required partner is not in this symbol is
/// accepted, since the partner may be in another (GS1 judges those associations over
/// all the symbols on the item). Scanning reads barcodes this way.
///
/// ```
/// use chrono::NaiveDate;
/// use traceability_core::io::gs1::{parse, parse_symbol};
/// let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
/// let content = "(02)09506000134352(37)12(10)L42";
/// assert!(parse(content, today).is_err(), "(37) needs the SSCC (00)");
/// assert_eq!(parse_symbol(content, today).unwrap().into_elements().len(), 3);
/// assert!(parse_symbol("(01)09506000134352(02)09506000134352", today).is_err());
/// ```
pub fn parse_symbol(input: &str, today: NaiveDate) -> Result<ElementString, Gs1Error> {
    read(input, today)?.finish_symbol()
}

/// The elements of `input`, read in whichever form it has, pairing not yet checked.
fn read(input: &str, today: NaiveDate) -> Result<Reading, Gs1Error> {
    let chars: Vec<char> = input.chars().collect();
    let mut at = symbology_identifier_len(&chars);
    if chars.get(at) == Some(&FNC1) {
        at += 1;
    }
    match chars.get(at) {
        None => Err(Gs1Error::new(at, None, Gs1ErrorReason::EmptyInput)),
        Some('(') => bracketed(&chars, at, today),
        Some(_) if looks_like_uri(&chars[at..]) => parse_uri(&chars, at, today),
        Some(_) => raw(&chars, input.is_ascii().then_some(input), at, today),
    }
}

/// The length of a leading AIM symbology identifier (ISO/IEC 15424: `]`, a code
/// character, a modifier), or 0.
fn symbology_identifier_len(chars: &[char]) -> usize {
    match chars {
        [']', code, modifier, ..]
            if code.is_ascii_alphabetic() && modifier.is_ascii_alphanumeric() =>
        {
            3
        }
        _ => 0,
    }
}

/// Element strings from `at`: predefined-length values by their length, others up to
/// the next FNC1 or the end. `ascii` is the input when it is ASCII (its characters
/// are then its bytes).
fn raw(
    chars: &[char],
    ascii: Option<&str>,
    mut at: usize,
    today: NaiveDate,
) -> Result<Reading, Gs1Error> {
    let mut out = Reading::default();
    while at < chars.len() {
        let mut digits = [0; 4];
        let (ai, spec) = read_ai(chars, at, &mut digits)?;
        let start = at + ai.len();
        let end = value_end(chars, start, spec);
        if spec.needs_fnc1() && end - start > spec.max_len() {
            let reason = Gs1ErrorReason::MissingSeparator;
            return Err(Gs1Error::new(start + spec.max_len(), Some(ai), reason));
        }
        let value = match ascii {
            Some(text) => Located::slice_ascii(text, start..end),
            None => Located::slice(chars, start..end),
        };
        out.push(validate(ai, spec, value, today)?, at)?;
        at = end + usize::from(chars.get(end) == Some(&FNC1));
    }
    Ok(out)
}

/// The AI at `at` (its digits copied into `digits`), by the table's prefix of up to 4
/// digits.
fn read_ai<'d>(
    chars: &[char],
    at: usize,
    digits: &'d mut [u8; 4],
) -> Result<(&'d str, &'static AiSpec), Gs1Error> {
    let mut len = 0;
    for &c in chars[at..]
        .iter()
        .take(4)
        .take_while(|c| c.is_ascii_digit())
    {
        digits[len] = c as u8; // an ASCII digit
        len += 1;
    }
    let digits = std::str::from_utf8(&digits[..len]).expect("ASCII digits");
    match match_prefix(digits) {
        Some((ai, spec)) => Ok((ai, spec)),
        None => {
            let ai = (!digits.is_empty()).then_some(digits);
            Err(Gs1Error::new(at, ai, Gs1ErrorReason::UnknownAi))
        }
    }
}

/// Where the value starting at `start` ends: at an FNC1, at the end, or for a
/// predefined length after that length.
fn value_end(chars: &[char], start: usize, spec: &AiSpec) -> usize {
    let limit = if spec.needs_fnc1() {
        chars.len()
    } else {
        (start + spec.max_len()).min(chars.len())
    };
    chars[start..limit]
        .iter()
        .position(|&c| c == FNC1)
        .map_or(limit, |i| start + i)
}

/// The bracketed form from `at` (a `(`).
fn bracketed(chars: &[char], mut at: usize, today: NaiveDate) -> Result<Reading, Gs1Error> {
    let mut out = Reading::default();
    while at < chars.len() {
        let close = chars[at..]
            .iter()
            .position(|&c| c == ')')
            .map(|i| at + i)
            .ok_or_else(|| {
                Gs1Error::new(at, None, Gs1ErrorReason::Malformed("unclosed parenthesis"))
            })?;
        let mut digits = [0; 4];
        let (ai, spec) = match known_ai(&chars[at + 1..close], &mut digits) {
            Some(found) => found,
            None => {
                let ai: String = chars[at + 1..close].iter().collect();
                return Err(Gs1Error::new(at + 1, Some(&ai), Gs1ErrorReason::UnknownAi));
            }
        };
        let value = bracketed_value(chars, close + 1);
        let end = value.end;
        out.push(validate(ai, spec, value, today)?, at + 1)?;
        at = end;
    }
    Ok(out)
}

/// The AI written `chars` (copied into `digits`) and its row, if it is one of the
/// table's.
fn known_ai<'d>(chars: &[char], digits: &'d mut [u8; 4]) -> Option<(&'d str, &'static AiSpec)> {
    if chars.len() > digits.len() || !chars.iter().all(char::is_ascii_digit) {
        return None;
    }
    for (d, &c) in digits.iter_mut().zip(chars) {
        *d = c as u8; // an ASCII digit
    }
    let ai = std::str::from_utf8(&digits[..chars.len()]).ok()?;
    lookup(ai).map(|spec| (ai, spec))
}

/// The value from `start` to the next `(` that is not written `\(`, unescaped.
fn bracketed_value(chars: &[char], start: usize) -> Located {
    let next = chars[start..].iter().position(|&c| c == '(' || c == '\\');
    match next.map(|i| start + i) {
        None => return Located::slice(chars, start..chars.len()),
        Some(end) if chars[end] == '(' => return Located::slice(chars, start..end),
        Some(_) => {}
    }
    let mut value = Located::default();
    let mut i = start;
    while i < chars.len() && chars[i] != '(' {
        let escaped = chars[i] == '\\' && chars.get(i + 1) == Some(&'(');
        value.push(if escaped { '(' } else { chars[i] }, i);
        i += 1 + usize::from(escaped);
    }
    value.end = i;
    value
}
