//! [`CapturedEvent`]: a partner's EPCIS event in neutral terms (GS1 keys, lot and serial
//! numbers, quantities, parties), before anything is matched to this tracker's products,
//! locations and parties.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::kernel::Quantity;

/// What a captured event is, from its type and business step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaptureKind {
    /// An `ObjectEvent` with business step `receiving`, `arriving` or `accepting`.
    Receiving,
    /// An `ObjectEvent` with business step `shipping` or `departing`.
    Shipping,
    /// A `TransformationEvent`.
    Transformation,
    /// Any other `ObjectEvent` (see [`CapturedEvent::biz_step`]).
    Other,
}

/// A lot (class with a quantity), a serial (one instance), or an identifier this reader
/// does not know (only [`CapturedItem::uri`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapturedItem {
    /// The identifier as written.
    pub uri: String,
    /// The GTIN (14 digits), from a Digital Link URI or an SGTIN / LGTIN URN.
    pub gtin: Option<String>,
    /// The product code, from a private URI of this library's form.
    pub product: Option<String>,
    /// The lot (batch) number.
    pub lot: Option<String>,
    /// The serial number (set for an instance).
    pub serial: Option<String>,
    /// How much: 1 for an instance; the quantity list's value for a class (`None` when
    /// the document gives none).
    pub quantity: Option<Quantity>,
    /// The UN/ECE Rec. 20 unit code (`KGM`, ...); `None` for a count.
    pub uom: Option<String>,
}

/// A party or place: a source or destination, a read point or business location.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapturedParty {
    /// For sources and destinations, the CBV type (`owning_party`, `possessing_party`,
    /// `location`, or a URI); empty for read points and business locations.
    pub role: String,
    /// The identifier as written.
    pub uri: String,
    /// The GLN (13 digits), from a Digital Link URI (AI 414 or 417) or an SGLN / PGLN URN.
    pub gln: Option<String>,
    /// The party or location code, from a private URI of this library's form.
    pub id: Option<String>,
}

/// A business transaction (purchase order, despatch advice, production order, ...).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapturedTransaction {
    /// The CBV type (`po`, `desadv`, `prodorder`, ... or a URI), if given.
    pub kind: Option<String>,
    /// The transaction's identifier.
    pub id: String,
}

/// One event of a partner's EPCIS document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapturedEvent {
    /// Its index in the document's event list.
    pub index: usize,
    /// `ObjectEvent` or `TransformationEvent`.
    pub event_type: String,
    /// Receiving, shipping, transformation or other.
    pub kind: CaptureKind,
    /// The `eventID`, if any.
    pub event_id: Option<String>,
    /// When it happened.
    pub event_time: DateTime<Utc>,
    /// The local time zone offset as written (`+02:00`).
    pub time_zone_offset: String,
    /// `ADD`, `OBSERVE` or `DELETE` (object events).
    pub action: Option<String>,
    /// The CBV business step as a bare word (`receiving`), or the URI as written when it
    /// is not a CBV one.
    pub biz_step: Option<String>,
    /// The CBV disposition, likewise.
    pub disposition: Option<String>,
    /// Where it was seen.
    pub read_point: Option<CapturedParty>,
    /// Where the objects are afterwards.
    pub biz_location: Option<CapturedParty>,
    /// The objects of an object event (`epcList` then `quantityList`).
    pub items: Vec<CapturedItem>,
    /// A transformation's inputs.
    pub inputs: Vec<CapturedItem>,
    /// A transformation's outputs.
    pub outputs: Vec<CapturedItem>,
    /// Where the objects came from (parties, locations).
    pub sources: Vec<CapturedParty>,
    /// Where they went.
    pub destinations: Vec<CapturedParty>,
    /// The business transactions.
    pub transactions: Vec<CapturedTransaction>,
    /// A transformation's ID (links the events of one transformation).
    pub transformation_id: Option<String>,
    /// The expiry date from the instance/lot master data (`cbvmda:itemExpirationDate`).
    pub expiry: Option<NaiveDate>,
    /// The best-before date from the instance/lot master data (`cbvmda:bestBeforeDate`).
    pub best_before: Option<NaiveDate>,
}
