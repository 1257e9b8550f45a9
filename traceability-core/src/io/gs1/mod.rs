//! GS1 barcode data: the Application Identifier table ([`ai`]), element strings as
//! scanners transmit them or people write them (`(01)09506000134352(10)ABC123`), and
//! GS1 Digital Link URIs ([`digital_link`]) — parsed into checked [`Element`]s and
//! written back in each form — and scanning into the domain ([`scan`]): a barcode
//! resolved to product, lot or serial and dates, and the receipt or pick it stands for.
//!
//! Not checked: the pairing rules between AIs (which AIs require or exclude others),
//! and the dictionary's checks beyond length, character set, GS1 check digit and dates
//! (see [`ai`]). Compressed Digital Link URIs and the deprecated convenience
//! alphas (`/gtin/…`) are not read.

pub mod ai;
mod date;
pub mod digital_link;
pub mod element;
pub mod error;
mod reader;
pub mod scan;

#[cfg(test)]
mod tests;

pub use ai::{lookup, match_prefix, AiSpec, Charset, DateFormat, Part, AI_TABLE};
pub use digital_link::{parse_digital_link, to_digital_link, DEFAULT_BASE};
pub use element::{to_bracketed, to_element_string, Element, ElementString, FNC1};
pub use error::{Gs1Error, Gs1ErrorReason};
pub use reader::parse;
