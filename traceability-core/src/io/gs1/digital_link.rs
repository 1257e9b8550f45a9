//! GS1 Digital Link URIs, uncompressed form:
//! `https://id.gs1.org/01/09506000134352/10/ABC123/21/12345?17=261231&3103=000750`.
//!
//! The path ends in a primary key (`/01/…`, `/00/…`, `/414/…`, …) followed by its
//! qualifiers in their defined order (01 → 22 → 10 → 21); any domain and path prefix
//! may come before. Other AIs are query-string data attributes; query parameters that
//! are not all digits (`linkType=all`) are ignored.

use std::ops::Range;

use chrono::NaiveDate;

use crate::io::gs1::ai::{lookup, AiSpec};
use crate::io::gs1::element::{validate, Element, ElementString, Located, Reading};
use crate::io::gs1::error::{Gs1Error, Gs1ErrorReason};
use crate::io::gs1::pairing::{self, Requisites};

/// GS1's resolver, the usual base of Digital Link URIs.
pub const DEFAULT_BASE: &str = "https://id.gs1.org";

/// The elements of a Digital Link URI, checked as [`crate::io::gs1::parse`] checks
/// element strings. A GTIN-8, -12 or -13 under AI 01 is zero-padded to 14 digits; in
/// the query, `+` stands for a space.
pub fn parse_digital_link(uri: &str, today: NaiveDate) -> Result<ElementString, Gs1Error> {
    let chars: Vec<char> = uri.chars().collect();
    parse_uri(&chars, 0, today)?.finish()
}

/// The elements as a Digital Link URI under `base` (e.g. [`DEFAULT_BASE`] or
/// `https://example.com/foo`): the first primary key and the qualifiers present in the
/// path (of the key's qualifier sequences, the one with the most present), the other
/// elements as query parameters in their order. Values are percent-encoded. Fails when
/// no element is a primary key, an element is not allowed as a data attribute or the
/// AIs break a pairing rule (the error's position is then the element's index).
pub fn to_digital_link(elements: &[Element], base: &str) -> Result<String, Gs1Error> {
    let base_chars: Vec<char> = base.chars().collect();
    if !looks_like_uri(&base_chars) {
        return Err(bad(0, "the base is not an http or https URI"));
    }
    let key_at = elements
        .iter()
        .position(|e| e.spec().dl_qualifiers.is_some())
        .ok_or_else(|| bad(0, "no primary key among the elements"))?;
    if let Some((i, reason)) =
        pairing::violation(elements, Requisites::Checked, |e| (e.ai(), e.spec()))
    {
        return Err(Gs1Error::new(i, Some(elements[i].ai()), reason));
    }
    let mut in_path = vec![key_at];
    for qualifier in best_sequence(elements[key_at].spec(), elements) {
        in_path.extend(elements.iter().position(|e| e.ai() == qualifier));
    }
    let mut uri = base.trim_end_matches('/').to_owned();
    for &i in &in_path {
        uri.push_str(&format!(
            "/{}/{}",
            elements[i].ai(),
            encode(elements[i].value())
        ));
    }
    let mut separator = '?';
    for (i, element) in elements.iter().enumerate() {
        if in_path.contains(&i) || elements[..i].iter().any(|e| e.ai() == element.ai()) {
            continue;
        }
        if !element.spec().dl_attribute {
            let reason = Gs1ErrorReason::BadDigitalLink("not a Digital Link data attribute");
            return Err(Gs1Error::new(i, Some(element.ai()), reason));
        }
        uri.push(separator);
        separator = '&';
        uri.push_str(&format!("{}={}", element.ai(), encode(element.value())));
    }
    Ok(uri)
}

/// Of `key`'s qualifier sequences, the first with the most AIs among `elements`.
fn best_sequence(key: &AiSpec, elements: &[Element]) -> Vec<&'static str> {
    let present = |seq: &[&str]| {
        seq.iter()
            .filter(|q| elements.iter().any(|e| e.ai() == **q))
            .count()
    };
    key.qualifier_sequences()
        .into_iter()
        .fold(Vec::new(), |best, seq| {
            if present(&seq) > present(&best) {
                seq
            } else {
                best
            }
        })
}

/// Percent-encodes everything but the URI's unreserved characters.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Whether `chars` start with `http://` or `https://` (any case).
pub(crate) fn looks_like_uri(chars: &[char]) -> bool {
    scheme_len(chars).is_some()
}

fn scheme_len(chars: &[char]) -> Option<usize> {
    ["https://", "http://"]
        .into_iter()
        .find(|scheme| {
            scheme.len() <= chars.len()
                && scheme
                    .chars()
                    .zip(chars)
                    .all(|(s, c)| c.eq_ignore_ascii_case(&s))
        })
        .map(str::len)
}

/// The URI that starts at `start` of `chars` (positions in errors count from 0).
pub(crate) fn parse_uri(
    chars: &[char],
    start: usize,
    today: NaiveDate,
) -> Result<Reading, Gs1Error> {
    if let Some(i) = chars[start..].iter().position(|&c| !is_uri_char(c)) {
        return Err(bad(start + i, "character not allowed in a URI"));
    }
    let host = start
        + scheme_len(&chars[start..]).ok_or_else(|| bad(start, "not an http or https URI"))?;
    let end = find(chars, host..chars.len(), '#').unwrap_or(chars.len());
    let path_end = find(chars, host..end, '?').unwrap_or(end);
    let path = match find(chars, host..path_end, '/') {
        Some(slash) if slash > host => slash + 1..path_end,
        _ => return Err(bad(host, "no domain or no path")),
    };
    let segments = split(chars, path.clone(), '/');
    let (key_at, key) = find_key(chars, &segments)
        .ok_or_else(|| bad(path.start, "no GS1 primary key in the path"))?;
    let mut out = Reading::default();
    let qualifiers = path_elements(chars, &segments[key_at..], key, today, &mut out)?;
    let query = (path_end + 1).min(end)..end;
    query_elements(chars, query, key, &qualifiers, today, &mut out)?;
    Ok(out)
}

fn bad(position: usize, what: &'static str) -> Gs1Error {
    Gs1Error::new(position, None, Gs1ErrorReason::BadDigitalLink(what))
}

fn is_uri_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c)
}

fn find(chars: &[char], range: Range<usize>, c: char) -> Option<usize> {
    chars[range.clone()]
        .iter()
        .position(|&x| x == c)
        .map(|i| range.start + i)
}

fn text(chars: &[char], range: &Range<usize>) -> String {
    chars[range.clone()].iter().collect()
}

fn split(chars: &[char], range: Range<usize>, separator: char) -> Vec<Range<usize>> {
    let mut parts = Vec::new();
    let mut from = range.start;
    for (i, &c) in chars.iter().enumerate().take(range.end).skip(range.start) {
        if c == separator {
            parts.push(from..i);
            from = i + 1;
        }
    }
    parts.push(from..range.end);
    parts
}

/// The primary key of the path: scanning `/AI/value` pairs back from the end over known
/// AIs, the first that is a key (its index in `segments`).
fn find_key(chars: &[char], segments: &[Range<usize>]) -> Option<(usize, &'static AiSpec)> {
    let mut i = segments.len();
    while i >= 2 {
        let spec = lookup(&text(chars, &segments[i - 2]))?;
        if spec.dl_qualifiers.is_some() {
            return Some((i - 2, spec));
        }
        i -= 2;
    }
    None
}

/// The key and qualifier elements of `pairs` (AI, value, AI, value, …); returns the
/// qualifiers' AIs.
fn path_elements(
    chars: &[char],
    pairs: &[Range<usize>],
    key: &AiSpec,
    today: NaiveDate,
    out: &mut Reading,
) -> Result<Vec<String>, Gs1Error> {
    let mut qualifiers: Vec<String> = Vec::new();
    for (i, pair) in pairs.chunks(2).enumerate() {
        let (ai, at) = (text(chars, &pair[0]), pair[0].start);
        let spec =
            lookup(&ai).ok_or_else(|| Gs1Error::new(at, Some(&ai), Gs1ErrorReason::UnknownAi))?;
        if i > 0 {
            qualifiers.push(ai.clone());
            let order: Vec<&str> = qualifiers.iter().map(String::as_str).collect();
            if !key.allows_qualifiers(&order) {
                let reason = Gs1ErrorReason::BadDigitalLink(
                    "qualifier not allowed after this key, or out of order",
                );
                return Err(Gs1Error::new(at, Some(&ai), reason));
            }
        }
        let value = gtin_padded(&ai, decode(chars, pair[1].clone(), false, &ai)?);
        out.push(validate(&ai, spec, value, today)?, at)?;
    }
    Ok(qualifiers)
}

/// The AI-named query parameters in `query` (others are skipped) as data attributes.
fn query_elements(
    chars: &[char],
    query: Range<usize>,
    key: &AiSpec,
    qualifiers: &[String],
    today: NaiveDate,
    out: &mut Reading,
) -> Result<(), Gs1Error> {
    for param in split(chars, query, '&') {
        let Some(eq) = find(chars, param.clone(), '=') else {
            continue;
        };
        let ai = text(chars, &(param.start..eq));
        if ai.is_empty() || !ai.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let fail = |reason| Gs1Error::new(param.start, Some(&ai), reason);
        let spec = lookup(&ai).ok_or_else(|| fail(Gs1ErrorReason::UnknownAi))?;
        if !spec.dl_attribute {
            return Err(fail(Gs1ErrorReason::BadDigitalLink(
                "not a Digital Link data attribute",
            )));
        }
        if belongs_in_path(key, qualifiers, &ai) {
            return Err(fail(Gs1ErrorReason::BadDigitalLink(
                "a qualifier of the key belongs in the path",
            )));
        }
        let value = gtin_padded(&ai, decode(chars, eq + 1..param.end, true, &ai)?);
        out.push(validate(&ai, spec, value, today)?, param.start)?;
    }
    Ok(())
}

/// Whether `ai` could join the path's `qualifiers` after `key`, where it then must be.
fn belongs_in_path(key: &AiSpec, qualifiers: &[String], ai: &str) -> bool {
    key.qualifier_sequences()
        .iter()
        .any(|seq| seq.contains(&ai) && qualifiers.iter().all(|q| seq.contains(&q.as_str())))
}

/// The percent-decoded characters of `range` (in a query, `+` is a space), each with
/// the position it was read at.
fn decode(chars: &[char], range: Range<usize>, query: bool, ai: &str) -> Result<Located, Gs1Error> {
    let fail = |at, what| Gs1Error::new(at, Some(ai), Gs1ErrorReason::BadDigitalLink(what));
    let mut bytes: Vec<(u8, usize)> = Vec::new();
    let mut i = range.start;
    while i < range.end {
        let (byte, width) = match chars[i] {
            '%' => (
                hex_byte(&chars[i..range.end])
                    .ok_or_else(|| fail(i, "malformed percent-encoding"))?,
                3,
            ),
            '+' if query => (b' ', 1),
            c => (
                u8::try_from(c).map_err(|_| fail(i, "character not allowed in a URI"))?,
                1,
            ),
        };
        bytes.push((byte, i));
        i += width;
    }
    let text = String::from_utf8(bytes.iter().map(|&(b, _)| b).collect())
        .map_err(|_| fail(range.start, "percent-encoded bytes are not UTF-8"))?;
    let mut value = Located {
        end: range.end,
        ..Located::default()
    };
    for (byte, c) in text.char_indices() {
        value.push(c, bytes[byte].1);
    }
    Ok(value)
}

/// The byte of `%XX` at the start of `chars`.
fn hex_byte(chars: &[char]) -> Option<u8> {
    let digits = chars.get(1..3)?;
    let high = digits[0].to_digit(16)?;
    let low = digits[1].to_digit(16)?;
    u8::try_from(high * 16 + low).ok()
}

/// A GTIN-8, -12 or -13 under AI 01, zero-padded to a GTIN-14 as Digital Link allows.
fn gtin_padded(ai: &str, value: Located) -> Located {
    let short =
        matches!(value.len(), 8 | 12 | 13) && value.text.bytes().all(|b| b.is_ascii_digit());
    if ai != "01" || !short {
        return value;
    }
    let first = value.at.first().copied().unwrap_or(value.end);
    let mut padded = Located {
        end: value.end,
        ..Located::default()
    };
    for _ in value.len()..14 {
        padded.push('0', first);
    }
    for (c, &at) in value.text.chars().zip(&value.at) {
        padded.push(c, at);
    }
    padded
}
