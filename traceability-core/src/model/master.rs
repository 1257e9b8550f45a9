//! Master data: products, locations and parties.

use serde::{Deserialize, Serialize};

use crate::kernel::id::{LocationId, PartyId, ProductId, SchemeId};
use crate::kernel::vocab::{PartyRole, Tracking};

/// A product and the rules its lots and serials follow.
///
/// The day offsets derive a lot's dates from its manufacturing date (or, without one,
/// its receipt date) when the dates are not given on receipt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    /// Product code.
    pub id: ProductId,
    /// Free description.
    pub description: String,
    /// Lot, serial or none.
    pub tracking: Tracking,
    /// Unit of measure, e.g. `kg`, `ea`.
    pub unit: String,
    /// Days from manufacture to expiry.
    pub shelf_life_days: Option<u32>,
    /// Days from manufacture to best-before.
    pub best_before_days: Option<u32>,
    /// Days from manufacture to the removal date (the date FEFO sorts on).
    pub removal_days: Option<u32>,
    /// Days from manufacture to the alert date.
    pub alert_days: Option<u32>,
    /// Warn this many days before expiry.
    pub expiry_warning_days: Option<u32>,
    /// Lots of this product are received into quality quarantine.
    pub requires_inspection: bool,
    /// The product's own pattern for generated lot/serial numbers, e.g.
    /// `LOT-{YYYY}-{SEQ:5}` (syntax: [`crate::kernel::numbering`]), with a sequence of
    /// its own. At most one of this and `numbering_scheme`.
    pub numbering_pattern: Option<String>,
    /// A shared, named numbering scheme this product's numbers come from (its sequence
    /// is shared with the other products that use it).
    #[serde(default)]
    pub numbering_scheme: Option<SchemeId>,
    /// The product's GTINs (trade item numbers in barcodes), as 14 digits; a GTIN
    /// belongs to one product.
    #[serde(default)]
    pub gtins: Vec<String>,
}

impl Product {
    /// A product with the given code and tracking, unit `ea`, and no dates rules.
    ///
    /// ```
    /// use traceability_core::{Product, ProductId, Tracking};
    /// let p = Product::new(ProductId::new("MILK").unwrap(), Tracking::Lot);
    /// assert_eq!(p.unit, "ea");
    /// ```
    pub fn new(id: ProductId, tracking: Tracking) -> Self {
        Self {
            id,
            description: String::new(),
            tracking,
            unit: "ea".into(),
            shelf_life_days: None,
            best_before_days: None,
            removal_days: None,
            alert_days: None,
            expiry_warning_days: None,
            requires_inspection: false,
            numbering_pattern: None,
            numbering_scheme: None,
            gtins: Vec::new(),
        }
    }
}

/// What a location is for; customer and production locations are where expired stock
/// may not go without an override.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LocationKind {
    /// Ordinary storage.
    Internal,
    /// Goods-in dock.
    Receiving,
    /// Packing / dispatch staging.
    Staging,
    /// Production line or work centre.
    Production,
    /// Quarantine area.
    Quarantine,
    /// A supplier's premises (virtual).
    Supplier,
    /// A customer's premises (virtual).
    Customer,
}

/// A place where stock can be.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// Location code.
    pub id: LocationId,
    /// What it is for.
    pub kind: LocationKind,
    /// Free description.
    pub description: String,
    /// Its GS1 Global Location Number (13 digits), for EPCIS and FSMA 204 records.
    #[serde(default)]
    pub gln: Option<String>,
    /// For a customer- or supplier-kind location: whose premises it is. Stock moved
    /// into a customer location with a party is delivered to that customer (a
    /// shipment without an order); a customer location without one takes no stock.
    #[serde(default)]
    pub party: Option<PartyId>,
}

impl Location {
    /// A location with the given code and kind, no description, GLN or party.
    pub fn new(id: LocationId, kind: LocationKind) -> Self {
        Self {
            id,
            kind,
            description: String::new(),
            gln: None,
            party: None,
        }
    }
}

/// A supplier or customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    /// Party code.
    pub id: PartyId,
    /// Supplier, customer or both.
    pub role: PartyRole,
    /// Display name.
    pub name: String,
    /// Its GS1 Global Location Number (13 digits), for EPCIS and FSMA 204 records.
    #[serde(default)]
    pub gln: Option<String>,
}
