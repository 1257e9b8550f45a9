//! [`Gs1Error`]: what is wrong with barcode data, where, and in which AI.

use std::fmt;

use crate::io::gs1::ai::Charset;
use crate::kernel::error::TraceError;

/// Barcode data that is not valid GS1 data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gs1Error {
    /// 0-based character (not byte) offset into the input as given, AIM symbology
    /// identifier included. For [`crate::io::gs1::Element::new`], the offset into the
    /// value; for [`crate::io::gs1::to_digital_link`], the index of the element.
    pub position: usize,
    /// The AI concerned, when known.
    pub ai: Option<String>,
    /// What is wrong.
    pub reason: Gs1ErrorReason,
}

/// Why barcode data was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Gs1ErrorReason {
    /// No AI of the table starts here.
    #[error("unknown application identifier")]
    UnknownAi,
    /// The value is shorter than the AI allows.
    #[error("value too short (at least {min} characters)")]
    TooShort {
        /// The fewest characters needed here.
        min: usize,
    },
    /// The value is longer than the AI allows.
    #[error("value too long (at most {max} characters)")]
    TooLong {
        /// The most characters allowed.
        max: usize,
    },
    /// A character outside the component's character set.
    #[error("character {found:?} is not allowed ({charset})")]
    BadCharacter {
        /// The character.
        found: char,
        /// The set it should belong to.
        charset: Charset,
    },
    /// The GS1 check digit does not match.
    #[error("check digit {found} is wrong, expected {expected}")]
    BadCheckDigit {
        /// The digit given.
        found: char,
        /// The digit the others call for.
        expected: char,
    },
    /// A date component that is no date (these digits).
    #[error("invalid date {0}")]
    InvalidDate(String),
    /// A variable-length value runs past its maximum: its FNC1 separator is missing.
    #[error("missing FNC1 separator (the value runs past its maximum length)")]
    MissingSeparator,
    /// The AI came before with a different value.
    #[error("repeated with a different value (first {first:?})")]
    RepeatedAi {
        /// The value it had first.
        first: String,
    },
    /// The AI may not appear in one barcode with the AI `with` (GS1 General
    /// Specifications 4.14.1, invalid pairs: (01) with (02), (3102) with (3103), ...).
    #[error("not allowed together with AI ({with})")]
    InvalidPair {
        /// The AI it clashes with.
        with: String,
    },
    /// The AI needs another AI in the same barcode (GS1 General Specifications 4.14.2,
    /// mandatory associations): one of `requires`, none of which is present. Each is an
    /// AI, a pattern with `n` for any digit (`31nn`), or AIs needed together joined by
    /// `+` (`01+21`), as the GS1 Barcode Syntax Dictionary writes them.
    #[error("requires AI {}", alternatives(requires))]
    MissingAssociation {
        /// The alternatives, one of which is needed.
        requires: Vec<String>,
    },
    /// Nothing to parse.
    #[error("empty input")]
    EmptyInput,
    /// The bracketed form is broken, e.g. an AI's parenthesis is not closed.
    #[error("malformed bracketed data: {0}")]
    Malformed(&'static str),
    /// The Digital Link URI is broken or breaks the Digital Link rules.
    #[error("bad Digital Link URI: {0}")]
    BadDigitalLink(&'static str),
}

/// `(01), (02) or (8006)`; `(01)+(21)` for AIs needed together.
fn alternatives(requires: &[String]) -> String {
    let written: Vec<String> = requires
        .iter()
        .map(|group| format!("({})", group.replace('+', ")+(")))
        .collect();
    match written.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

impl Gs1Error {
    pub(crate) fn new(position: usize, ai: Option<&str>, reason: Gs1ErrorReason) -> Self {
        Self {
            position,
            ai: ai.map(str::to_owned),
            reason,
        }
    }
}

impl fmt::Display for Gs1Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at character {}", self.position)?;
        if let Some(ai) = &self.ai {
            write!(f, ", AI ({ai})")?;
        }
        write!(f, ": {}", self.reason)
    }
}

impl std::error::Error for Gs1Error {}

impl From<Gs1Error> for TraceError {
    fn from(e: Gs1Error) -> Self {
        TraceError::InvalidInput {
            field: "barcode",
            reason: e.to_string(),
        }
    }
}
