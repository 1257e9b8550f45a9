//! What an EPCIS export covers ([`Selection`]), how it names things ([`EpcisOptions`])
//! and what it wrote ([`ExportSummary`]).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::io::gs1::DEFAULT_BASE;
use crate::kernel::check_digit;
use crate::kernel::error::TraceError;
use crate::kernel::id::{ItemRef, ProductId};

/// The events an export covers.
///
/// ```
/// use traceability_core::io::epcis::Selection;
/// use traceability_core::ItemRef;
/// let one_lot = Selection::Item(ItemRef::lot("FLOUR", "L1").unwrap());
/// let tail = Selection::Range { from_seq: 100, to_seq: None };
/// assert_ne!(one_lot, tail);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Selection {
    /// The whole log.
    #[default]
    All,
    /// The events with `from_seq <= seq < to_seq` (to the end of the log without
    /// `to_seq`), e.g. `first_seq..first_seq + count` of a [`crate::Committed`].
    Range {
        /// The first sequence number.
        from_seq: u64,
        /// The sequence number after the last (exclusive).
        to_seq: Option<u64>,
    },
    /// Every event that touched this lot or serial ([`crate::Tracker::history`]).
    Item(ItemRef),
    /// Every event with a lot or serial of this product.
    Product(ProductId),
}

/// How an export names things; see the module documentation for the identifiers.
///
/// ```
/// use traceability_core::io::epcis::EpcisOptions;
/// let options = EpcisOptions { owner_gln: Some("9521141123454".into()), ..EpcisOptions::default() };
/// assert_eq!(options.digital_link_base, "https://id.gs1.org");
/// assert!(options.check().is_ok());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EpcisOptions {
    /// The base of GS1 Digital Link URIs (default `https://id.gs1.org`).
    pub digital_link_base: String,
    /// The base of the identifiers of things without a GS1 key (default
    /// `urn:x-traceability:`). A base ending in `:` gives URNs (`urn:x-traceability:lot:FLOUR:L1`),
    /// any other gives paths (`https://erp.example.com/id/lot/FLOUR/L1`).
    pub private_base: String,
    /// The IRI the `trace:` prefix of the extension fields stands for (declared in the
    /// document's `@context`).
    pub extension_namespace: String,
    /// Our own GLN (13 digits): the owning party a receipt goes to and a shipment comes
    /// from. Without it those entries are left out.
    pub owner_gln: Option<String>,
    /// The document's `creationDate` (default: the tracker's clock).
    pub creation_date: Option<DateTime<Utc>>,
}

impl Default for EpcisOptions {
    fn default() -> Self {
        Self {
            digital_link_base: DEFAULT_BASE.to_owned(),
            private_base: "urn:x-traceability:".to_owned(),
            extension_namespace: "urn:x-traceability:epcis:".to_owned(),
            owner_gln: None,
            creation_date: None,
        }
    }
}

impl EpcisOptions {
    /// Checks the bases are URIs (the Digital Link base `http(s)://`, the others with a
    /// scheme) and the owner's GLN is 13 digits with a valid check digit.
    pub fn check(&self) -> Result<(), TraceError> {
        let base = &self.digital_link_base;
        if !(base.starts_with("https://") || base.starts_with("http://")) || base.contains(' ') {
            return Err(TraceError::invalid(
                "digital_link_base",
                format!("{base:?} is not an http or https URI"),
            ));
        }
        for (field, value) in [
            ("private_base", &self.private_base),
            ("extension_namespace", &self.extension_namespace),
        ] {
            if !has_scheme(value) {
                return Err(TraceError::invalid(
                    field,
                    format!("{value:?} is not a URI (scheme:...) without spaces"),
                ));
            }
        }
        if let Some(gln) = &self.owner_gln {
            check_digit::gln("owner_gln", gln)?;
        }
        Ok(())
    }
}

/// Whether `text` starts with a URI scheme (`letter (letter | digit | + - .)* :`) and
/// holds no white space or control characters.
fn has_scheme(text: &str) -> bool {
    let Some((scheme, _)) = text.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// What an export wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportSummary {
    /// Log events read (for an item: its history).
    pub events_read: u64,
    /// EPCIS events written.
    pub events_written: u64,
    /// Of which `ObjectEvent`s.
    pub object_events: u64,
    /// Of which `TransformationEvent`s.
    pub transformation_events: u64,
    /// Of which `TransactionEvent`s.
    pub transaction_events: u64,
    /// Of which `AggregationEvent`s (packing and unpacking).
    #[serde(default)]
    pub aggregation_events: u64,
    /// Log events with no EPCIS counterpart (master data, reservations, lot records'
    /// bookkeeping, numbering) or, for a product, not about it.
    pub skipped: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_options_are_refused_by_field() {
        let field = |options: EpcisOptions| match options.check() {
            Err(TraceError::InvalidInput { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        let base = |b: &str| EpcisOptions {
            digital_link_base: b.into(),
            ..EpcisOptions::default()
        };
        assert_eq!(field(base("id.gs1.org")), "digital_link_base");
        let private = |b: &str| EpcisOptions {
            private_base: b.into(),
            ..EpcisOptions::default()
        };
        assert_eq!(field(private("no scheme")), "private_base");
        assert_eq!(field(private("1urn:x")), "private_base");
        assert!(private("https://erp.example.com/id").check().is_ok());
        let owner = EpcisOptions {
            owner_gln: Some("9521141123455".into()),
            ..EpcisOptions::default()
        };
        assert_eq!(field(owner), "owner_gln");
    }
}
