//! Customer returns under an authorisation (RMA): the configurable reason codes, the
//! authorisation and, per item, what was authorised, received, inspected and disposed.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::kernel::id::{ItemRef, PartyId, ReasonCode, ReturnId};
use crate::kernel::Quantity;

/// A return reason of the configurable list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnReason {
    /// Code, e.g. `DAMAGED`.
    pub code: ReasonCode,
    /// What it means.
    pub description: String,
}

/// What becomes of returned stock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Disposition {
    /// Back into sellable inventory (a serial becomes IN_INVENTORY).
    Restock,
    /// To a location for rework (a serial becomes IN_INVENTORY there).
    Rework,
    /// Scrapped.
    Scrap,
    /// Sent back to the supplier: it leaves our custody (a serial becomes SHIPPED).
    ReturnToSupplier,
}

/// An inspection of returned stock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inspection {
    /// Passed or not.
    pub passed: bool,
    /// What was found.
    pub findings: String,
}

/// One item of an authorisation and how far it got.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnLine {
    /// The lot or serial.
    pub item: ItemRef,
    /// Quantity the customer may return.
    pub authorized: Quantity,
    /// Received so far.
    pub received: Quantity,
    /// Disposed of so far.
    pub disposed: Quantity,
    /// The latest inspection.
    pub inspection: Option<Inspection>,
}

/// A return authorisation (RMA).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnAuthorization {
    /// RMA number.
    pub rma: ReturnId,
    /// The customer returning.
    pub customer: PartyId,
    /// Why.
    pub reason: ReasonCode,
    /// When it was authorised.
    pub authorized_on: NaiveDate,
    /// When the goods are expected, if known.
    pub expected_on: Option<NaiveDate>,
    /// The items.
    pub lines: Vec<ReturnLine>,
}

impl ReturnAuthorization {
    /// Whether everything authorised was received and disposed of.
    pub fn is_complete(&self) -> bool {
        self.lines
            .iter()
            .all(|l| l.received == l.authorized && l.disposed == l.received)
    }
}
