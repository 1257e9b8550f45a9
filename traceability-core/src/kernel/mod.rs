//! The kernel: bounded domain values every other layer builds on (identifiers, exact
//! quantities, dates, the clock, the closed vocabularies and the error type), and the
//! input limits. The kernel depends on no other module of the crate.
//!
//! | value | limit | refused with |
//! |---|---|---|
//! | identifiers (product, lot, serial, location, party, order, shipment, work order, RMA, actor) | trimmed; 1–128 characters; no control characters | [`crate::TraceError::InvalidInput`] |
//! | free text (reasons, references, descriptions, units, attributes) | at most 4,096 characters; no NUL | `InvalidInput` |
//! | quantities | exact, at most 9 decimal places, magnitude below 10^15 | `InvalidInput` (never rounded) |
//! | dates | years 1..=9999; day offsets at most 3,652,059 days; all date arithmetic checked | `InvalidInput` |
//!
//! Nothing is truncated or rounded to fit: a value outside the limits is an error naming
//! the field.

pub mod check_digit;
pub mod clock;
pub mod date;
pub mod error;
pub mod id;
pub mod invalid;
pub mod numbering;
pub mod quantity;
pub mod text;
pub mod vocab;

pub use quantity::Quantity;
