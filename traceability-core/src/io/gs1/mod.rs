//! GS1 barcode data: the Application Identifier table ([`ai`]), element strings as
//! scanners transmit them or people write them (`(01)09506000134352(10)ABC123`), and
//! GS1 Digital Link URIs ([`digital_link`]) — parsed into checked [`Element`]s and
//! written back in each form — and scanning into the domain ([`scan`]): a barcode
//! resolved to product, lot or serial and dates, and the receipt or pick it stands for.
//!
//! Checked on every barcode read (and by [`ElementString::from_elements`] and
//! [`to_digital_link`]): the pairing rules between AIs of the GS1 General
//! Specifications (4.14, "Rules for combining AIs"), as the GS1 Barcode Syntax
//! Dictionary lists them per AI: mandatory associations (a batch (10) needs a GTIN (01)
//! or another identification it qualifies, (02) needs (37), (37) needs (00) and (02) or
//! (8026), (254) needs (414), ...) and invalid pairs ((01) with (02), (255) or (37),
//! (420) with (421), (3102) with (3103), (390n) with (391n), ...), failing with
//! [`Gs1ErrorReason::MissingAssociation`] or [`Gs1ErrorReason::InvalidPair`]. They are
//! checked per barcode: data that a label splits over several symbols (an SSCC label's
//! (00) in one barcode, its (02) and (37) in another) is refused symbol by symbol.
//!
//! Not checked: the dictionary's checks beyond length, character set, GS1 check digit,
//! dates and pairing (see [`ai`]), and the rules of the General Specifications that the
//! dictionary does not list as data (e.g. that (392n) price AIs go with a GTIN of a
//! variable measure trade item, indicator digit 9). Compressed Digital Link URIs and the deprecated convenience
//! alphas (`/gtin/…`) are not read.

pub mod ai;
mod date;
pub mod digital_link;
pub mod element;
pub mod error;
mod pairing;
mod reader;
pub mod scan;

#[cfg(test)]
mod tests;

pub use ai::{lookup, match_prefix, AiSpec, Charset, DateFormat, Part, AI_TABLE};
pub use digital_link::{parse_digital_link, to_digital_link, DEFAULT_BASE};
pub use element::{to_bracketed, to_element_string, Element, ElementString, FNC1};
pub use error::{Gs1Error, Gs1ErrorReason};
pub use reader::{parse, parse_symbol};
