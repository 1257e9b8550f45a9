//! [`Element`]s (an AI and its checked value), [`ElementString`] (the elements of one
//! barcode, with typed lookups), and writing them as element strings.

use std::ops::Range;

use chrono::NaiveDate;

use crate::io::gs1::ai::{lookup, same_ai, AiSpec, Part};
use crate::io::gs1::date::resolve;
use crate::io::gs1::error::{Gs1Error, Gs1ErrorReason};
use crate::io::gs1::pairing::{self, Requisites};
use crate::kernel::check_digit::{gs1_mod10, gs1_mod10_valid};
use crate::kernel::Quantity;

/// FNC1 as scanners transmit it between elements: ASCII 29, the group separator.
pub const FNC1: char = '\u{1d}';

/// An AI and its value, checked against the AI table (length, characters, check digit,
/// date).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    ai: &'static str,
    spec: &'static AiSpec,
    value: String,
    date: Option<NaiveDate>,
}

impl Element {
    /// The element `(ai)value`, checked as parsed data is; two-digit years are resolved
    /// around `today`. Error positions count characters of `value`.
    pub fn new(ai: &str, value: &str, today: NaiveDate) -> Result<Element, Gs1Error> {
        let spec =
            lookup(ai).ok_or_else(|| Gs1Error::new(0, Some(ai), Gs1ErrorReason::UnknownAi))?;
        validate(ai, spec, Located::plain(value, 0), today)
    }

    /// The AI, e.g. `"3103"`.
    pub fn ai(&self) -> &str {
        self.ai
    }

    /// The value as encoded, e.g. `"000750"`.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The AI's row of the table.
    pub fn spec(&self) -> &'static AiSpec {
        self.spec
    }

    /// The data title, e.g. `"BATCH/LOT"`.
    pub fn title(&self) -> &'static str {
        self.spec.title
    }

    /// The date of the (first) date component, day `00` resolved to the month's end.
    pub fn date(&self) -> Option<NaiveDate> {
        self.date
    }

    /// The value of a decimal AI (310n–369n, 390n–395n) with its `n` decimal places,
    /// e.g. 0.75 for `(3103)000750`; for 391n and 393n, the amount after the currency.
    pub fn decimal(&self) -> Option<Quantity> {
        if !self.spec.decimal {
            return None;
        }
        let places = self.ai().chars().last()?.to_digit(10)?;
        let parts: Vec<Part> = self.spec.parts().collect();
        let skip: usize = parts[..parts.len() - 1].iter().map(|p| p.max).sum();
        let units: i64 = self.value.get(skip..)?.parse().ok()?;
        Quantity::from_scaled(units, places).ok()
    }
}

/// The elements of one barcode, in the order read, each AI once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ElementString {
    elements: Vec<Element>,
}

impl ElementString {
    /// The elements as one barcode's data, checked as [`crate::io::gs1::parse`] checks
    /// them: an AI repeated with a different value is refused, one with the same value
    /// kept once, and the AIs must respect the pairing rules (an error's position is
    /// the element's index).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use traceability_core::io::gs1::{Element, ElementString, Gs1ErrorReason};
    /// let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    /// let lot = Element::new("10", "L42", today)?;
    /// let err = ElementString::from_elements(vec![lot.clone()]).unwrap_err();
    /// assert_eq!((err.position, err.ai.as_deref()), (0, Some("10")));
    /// assert!(matches!(err.reason, Gs1ErrorReason::MissingAssociation { .. }));
    /// let gtin = Element::new("01", "09506000134352", today)?;
    /// assert_eq!(ElementString::from_elements(vec![gtin, lot])?.batch(), Some("L42"));
    /// # Ok::<(), traceability_core::io::gs1::Gs1Error>(())
    /// ```
    pub fn from_elements(elements: Vec<Element>) -> Result<Self, Gs1Error> {
        let mut out = Self::default();
        for (i, element) in elements.into_iter().enumerate() {
            out.push(element, i)?;
        }
        out.check_pairing(&[], Requisites::Checked)?;
        Ok(out)
    }

    /// Checks the pairing rules; the error's position is `positions[i]` for element
    /// `i`, or `i` when `positions` does not have it.
    pub(crate) fn check_pairing(
        &self,
        positions: &[usize],
        requisites: Requisites,
    ) -> Result<(), Gs1Error> {
        match pairing::violation(&self.elements, requisites, |e| (e.ai(), e.spec)) {
            None => Ok(()),
            Some((i, reason)) => {
                let position = positions.get(i).copied().unwrap_or(i);
                Err(Gs1Error::new(position, Some(self.elements[i].ai()), reason))
            }
        }
    }

    /// Adds `element`, read at `position`, unless its AI is already there.
    pub(crate) fn push(&mut self, element: Element, position: usize) -> Result<(), Gs1Error> {
        match self.get(element.ai()) {
            Some(first) if first.value != element.value => Err(Gs1Error::new(
                position,
                Some(element.ai()),
                Gs1ErrorReason::RepeatedAi {
                    first: first.value.clone(),
                },
            )),
            Some(_) => Ok(()),
            None => {
                self.elements.push(element);
                Ok(())
            }
        }
    }

    /// The elements.
    pub fn elements(&self) -> &[Element] {
        &self.elements
    }

    /// The elements, owned.
    pub fn into_elements(self) -> Vec<Element> {
        self.elements
    }

    /// The element of `ai`, if present.
    pub fn get(&self, ai: &str) -> Option<&Element> {
        self.elements.iter().find(|e| same_ai(e.ai, ai))
    }

    fn value(&self, ai: &str) -> Option<&str> {
        self.get(ai).map(Element::value)
    }

    /// The GTIN (AI 01), 14 digits.
    pub fn gtin(&self) -> Option<&str> {
        self.value("01")
    }

    /// The GTIN of the trade items a logistic unit contains (AI 02), 14 digits.
    pub fn content_gtin(&self) -> Option<&str> {
        self.value("02")
    }

    /// The SSCC (AI 00), 18 digits.
    pub fn sscc(&self) -> Option<&str> {
        self.value("00")
    }

    /// The GLN of a physical location (AI 414).
    pub fn gln(&self) -> Option<&str> {
        self.value("414")
    }

    /// The batch or lot number (AI 10).
    pub fn batch(&self) -> Option<&str> {
        self.value("10")
    }

    /// The serial number (AI 21).
    pub fn serial(&self) -> Option<&str> {
        self.value("21")
    }

    /// The expiration ("use by") date (AI 17).
    pub fn expiry(&self) -> Option<NaiveDate> {
        self.get("17")?.date()
    }

    /// The best before date (AI 15).
    pub fn best_before(&self) -> Option<NaiveDate> {
        self.get("15")?.date()
    }

    /// The production date (AI 11).
    pub fn production_date(&self) -> Option<NaiveDate> {
        self.get("11")?.date()
    }

    /// The net weight in kilograms (AI 310n), exact.
    pub fn net_weight_kg(&self) -> Option<Quantity> {
        self.elements
            .iter()
            .find(|e| e.ai().starts_with("310"))?
            .decimal()
    }

    /// The data as scanners transmit it; see [`to_element_string`].
    pub fn to_element_string(&self) -> String {
        to_element_string(&self.elements)
    }

    /// The data in the bracketed form; see [`to_bracketed`].
    pub fn to_bracketed(&self) -> String {
        to_bracketed(&self.elements)
    }
}

/// The elements of one input as they are read, with where each was read; checked for
/// pairing when complete.
#[derive(Debug, Default)]
pub(crate) struct Reading {
    data: ElementString,
    positions: Vec<usize>,
}

impl Reading {
    /// Adds `element`, read at `position` (see [`ElementString::push`]).
    pub(crate) fn push(&mut self, element: Element, position: usize) -> Result<(), Gs1Error> {
        let before = self.data.elements.len();
        self.data.push(element, position)?;
        if self.data.elements.len() > before {
            self.positions.push(position);
        }
        Ok(())
    }

    /// The elements, once the pairing rules are checked.
    pub(crate) fn finish(self) -> Result<ElementString, Gs1Error> {
        self.data
            .check_pairing(&self.positions, Requisites::Checked)?;
        Ok(self.data)
    }

    /// The elements of one symbol of several: invalid pairs checked, required partners
    /// not (see [`crate::io::gs1::parse_symbol`]).
    pub(crate) fn finish_symbol(self) -> Result<ElementString, Gs1Error> {
        self.data
            .check_pairing(&self.positions, Requisites::Elsewhere)?;
        Ok(self.data)
    }
}

impl<'a> IntoIterator for &'a ElementString {
    type Item = &'a Element;
    type IntoIter = std::slice::Iter<'a, Element>;
    fn into_iter(self) -> Self::IntoIter {
        self.elements.iter()
    }
}

/// The elements as an element string: AI and value after each other, an [`FNC1`] after
/// each value that is not of predefined length unless it is the last. No leading FNC1
/// (that is the symbology's "FNC1 in first position", not data).
pub fn to_element_string(elements: &[Element]) -> String {
    let mut out = String::new();
    for (i, element) in elements.iter().enumerate() {
        out.push_str(element.ai());
        out.push_str(&element.value);
        if element.spec.needs_fnc1() && i + 1 < elements.len() {
            out.push(FNC1);
        }
    }
    out
}

/// The elements in the bracketed human-readable form, `(01)09506000134352(10)ABC123`;
/// a `(` in a value is written `\(`.
pub fn to_bracketed(elements: &[Element]) -> String {
    elements
        .iter()
        .map(|e| format!("({}){}", e.ai(), e.value.replace('(', "\\(")))
        .collect()
}

/// A value as read from the input, with the input position of each of its characters
/// (escapes and percent-encoding make them differ from plain offsets).
#[derive(Debug, Default)]
pub(crate) struct Located {
    pub(crate) text: String,
    /// The position of each character, pushed one by one; empty for a value read
    /// unchanged from `start` on.
    pub(crate) at: Vec<usize>,
    /// Where a value read unchanged starts.
    pub(crate) start: usize,
    /// The position just after the value in the input.
    pub(crate) end: usize,
}

impl Located {
    /// `text` read unchanged from position `start`.
    pub(crate) fn plain(text: &str, start: usize) -> Self {
        Self {
            text: text.to_owned(),
            at: Vec::new(),
            start,
            end: start + text.chars().count(),
        }
    }

    /// The characters `range` of `chars`.
    pub(crate) fn slice(chars: &[char], range: Range<usize>) -> Self {
        Self {
            text: chars[range.clone()].iter().collect(),
            at: Vec::new(),
            start: range.start,
            end: range.end,
        }
    }

    /// The characters `range` of `text`, which is ASCII (so characters are bytes).
    pub(crate) fn slice_ascii(text: &str, range: Range<usize>) -> Self {
        Self {
            text: text[range.clone()].to_owned(),
            at: Vec::new(),
            start: range.start,
            end: range.end,
        }
    }

    pub(crate) fn push(&mut self, c: char, at: usize) {
        self.text.push(c);
        self.at.push(at);
    }

    /// The number of characters.
    pub(crate) fn len(&self) -> usize {
        if self.at.is_empty() && !self.text.is_empty() {
            self.end - self.start
        } else {
            self.at.len()
        }
    }

    /// The input position of character `i`, or the end for `i` past the value.
    fn pos(&self, i: usize) -> usize {
        match self.at.get(i) {
            Some(&at) => at,
            None if self.at.is_empty() && i < self.len() => self.start + i,
            None => self.end,
        }
    }
}

/// The element `ai` with `value`, checked against `spec` component by component.
pub(crate) fn validate(
    ai: &str,
    spec: &'static AiSpec,
    value: Located,
    today: NaiveDate,
) -> Result<Element, Gs1Error> {
    let fail = |i: usize, reason| Gs1Error::new(value.pos(i), Some(ai), reason);
    let (max, count) = (spec.max_len(), value.len());
    if count > max {
        return Err(fail(max, Gs1ErrorReason::TooLong { max }));
    }
    // Components are checked in order and hold only ASCII characters once checked, so
    // a component starts at the same character and byte offset.
    let (mut start, mut date) = (0, None);
    for part in spec.parts() {
        if start == count && part.optional {
            break;
        }
        let len = part.max.min(count - start);
        if len < part.min {
            let min = (start + part.min).max(spec.min_len());
            return Err(fail(count, Gs1ErrorReason::TooShort { min }));
        }
        let rest = &value.text[start..];
        let field = rest
            .char_indices()
            .nth(len)
            .map_or(rest, |(end, _)| &rest[..end]);
        let found =
            check_part(&part, field, today).map_err(|(i, reason)| fail(start + i, reason))?;
        date = date.or(found);
        start += len;
    }
    Ok(Element {
        ai: spec.name(ai),
        spec,
        value: value.text,
        date,
    })
}

/// Checks one component's characters, check digit and date; the error carries the
/// offending character's index in `field`.
fn check_part(
    part: &Part,
    field: &str,
    today: NaiveDate,
) -> Result<Option<NaiveDate>, (usize, Gs1ErrorReason)> {
    if let Some((i, found)) = field
        .chars()
        .enumerate()
        .find(|&(_, c)| !part.charset.allows(c))
    {
        let reason = Gs1ErrorReason::BadCharacter {
            found,
            charset: part.charset,
        };
        return Err((i, reason));
    }
    // Every character set is ASCII: from here on, bytes are characters.
    if part.check_digit && !gs1_mod10_valid(field) {
        let last = field.len() - 1;
        let expected = gs1_mod10(&field[..last]).unwrap_or('0');
        let found = char::from(field.as_bytes()[last]);
        return Err((last, Gs1ErrorReason::BadCheckDigit { found, expected }));
    }
    match part.date {
        Some(format) => resolve(field, format, today)
            .map(Some)
            .ok_or_else(|| (0, Gs1ErrorReason::InvalidDate(field.to_owned()))),
        None => Ok(None),
    }
}

/// The JSON form of an element: `{"ai", "title", "value", "date", "decimal"}` (the
/// resolved date of a date AI, the value of a decimal-point AI; `null` otherwise).
impl serde::Serialize for Element {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut wire = serializer.serialize_struct("Element", 5)?;
        wire.serialize_field("ai", self.ai())?;
        wire.serialize_field("title", self.title())?;
        wire.serialize_field("value", self.value())?;
        wire.serialize_field("date", &self.date())?;
        wire.serialize_field("decimal", &self.decimal())?;
        wire.end()
    }
}
