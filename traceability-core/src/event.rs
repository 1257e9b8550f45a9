//! Events: the immutable facts a valid command becomes, and the hash-chained records
//! that store them. The event log is the audit trail.
//!
//! Each [`StoredEvent`] holds the canonical JSON of an [`EventBody`] and
//! `hash = SHA-256(prev_hash ‖ seq (8 bytes, big-endian) ‖ body)`, so changing, removing,
//! inserting or reordering any event breaks the chain at that event.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::command::Line;
use crate::error::{Damage, TraceError};
use crate::model::{
    ItemRef, Location, LocationId, Lot, LotNumber, OrderId, Party, PartyId, Product, ProductId,
    Quantity, ReturnId, SerialNumber, ShipmentId, WorkOrderId,
};

/// A SHA-256 digest.
pub type Hash = [u8; 32];

/// The hash that precedes the first event.
pub const GENESIS_HASH: Hash = [0; 32];

/// What a work order produced, as recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Produced {
    /// A new lot (its full initial record).
    NewLot(Lot),
    /// More of an existing lot.
    IntoLot(Line),
    /// A new serial at a location.
    NewSerial {
        /// Product.
        product: ProductId,
        /// Serial number.
        serial: SerialNumber,
        /// Location.
        location: LocationId,
    },
}

impl Produced {
    /// The lot or serial produced.
    pub fn item(&self) -> ItemRef {
        match self {
            Self::NewLot(lot) => ItemRef::Lot {
                product: lot.product.clone(),
                lot: lot.number.clone(),
            },
            Self::IntoLot(line) => line.item.clone(),
            Self::NewSerial {
                product, serial, ..
            } => ItemRef::Serial {
                product: product.clone(),
                serial: serial.clone(),
            },
        }
    }
}

/// The facts recorded in the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventPayload {
    /// A product was registered.
    ProductRegistered(Product),
    /// A location was registered.
    LocationRegistered(Location),
    /// A party was registered.
    PartyRegistered(Party),
    /// Serials were announced (EXPECTED).
    SerialsExpected {
        /// Product.
        product: ProductId,
        /// Serials.
        serials: Vec<SerialNumber>,
        /// Supplier.
        supplier: Option<PartyId>,
        /// ASN reference.
        reference: Option<String>,
    },
    /// A lot was received (its full initial record, stock at one location).
    LotReceived {
        /// The new lot.
        lot: Lot,
        /// Receipt reference.
        reference: Option<String>,
    },
    /// Serials were received (RECEIVED).
    SerialsReceived {
        /// Product.
        product: ProductId,
        /// Serials.
        serials: Vec<SerialNumber>,
        /// Location.
        location: LocationId,
        /// Supplier.
        supplier: Option<PartyId>,
        /// Receipt reference.
        reference: Option<String>,
    },
    /// Stock moved (a serial's putaway when it was RECEIVED).
    Moved {
        /// Lot or serial.
        item: ItemRef,
        /// From.
        from: LocationId,
        /// To.
        to: LocationId,
        /// Quantity.
        quantity: Quantity,
        /// An expired lot moved by override.
        override_expiry: bool,
    },
    /// Stock reserved for an order at a location.
    Allocated {
        /// Order.
        order: OrderId,
        /// What and where.
        line: Line,
    },
    /// A reservation was released (picked or not).
    AllocationCancelled {
        /// Order.
        order: OrderId,
        /// What and where (the reserved quantity released).
        line: Line,
    },
    /// Reserved stock was picked.
    Picked {
        /// Order.
        order: OrderId,
        /// What and where.
        line: Line,
    },
    /// Picked stock left on a shipment.
    Shipped {
        /// Shipment.
        shipment: ShipmentId,
        /// Order.
        order: OrderId,
        /// Customer.
        customer: PartyId,
        /// Date.
        shipped_on: NaiveDate,
        /// What left, from where.
        lines: Vec<Line>,
        /// Expired stock shipped by override.
        override_expiry: bool,
    },
    /// A work order consumed and produced.
    Produced {
        /// Work order.
        work_order: WorkOrderId,
        /// Date.
        produced_on: NaiveDate,
        /// Consumed.
        consumed: Vec<Line>,
        /// Produced.
        outputs: Vec<Produced>,
        /// Expired stock consumed by override.
        override_expiry: bool,
    },
    /// A lot quantity was corrected.
    Adjusted {
        /// Where, and the signed change as `quantity`.
        line: Line,
    },
    /// Stock was scrapped.
    Scrapped {
        /// What and where.
        line: Line,
    },
    /// A lot was set active or inactive.
    LotActiveSet {
        /// Product.
        product: ProductId,
        /// Lot.
        lot: LotNumber,
        /// New status.
        active: bool,
    },
    /// A customer returned stock.
    Returned {
        /// RMA.
        rma: ReturnId,
        /// Customer.
        customer: PartyId,
        /// What came back, and where to.
        line: Line,
    },
    /// An allocation request and its rules (recorded before its `Allocated` events).
    AllocationRequested(crate::allocation::AllocationRequest),
    /// A lot's dates were changed (the full new dates).
    LotDatesUpdated {
        /// Product.
        product: ProductId,
        /// Lot.
        lot: LotNumber,
        /// New dates.
        dates: crate::model::LotDates,
    },
    /// A test result was recorded on a lot.
    TestResultRecorded {
        /// Product.
        product: ProductId,
        /// Lot.
        lot: LotNumber,
        /// The result.
        result: crate::quality::TestResult,
    },
    /// A certificate of analysis was linked to a lot.
    CertificateLinked {
        /// Product.
        product: ProductId,
        /// Lot.
        lot: LotNumber,
        /// The document.
        certificate: crate::quality::Certificate,
    },
    /// A lot's quality status was set.
    QualityStatusSet {
        /// Product.
        product: ProductId,
        /// Lot.
        lot: LotNumber,
        /// New status.
        status: crate::model::QualityStatus,
        /// Why.
        reason: String,
    },
    /// Lots and serials were put on recall hold.
    HoldPlaced {
        /// The items.
        items: Vec<ItemRef>,
    },
    /// Recall holds were released.
    HoldReleased {
        /// The items.
        items: Vec<ItemRef>,
    },
}

/// Who, when, why and what: the hashed content of one event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventBody {
    /// When it was recorded (from the tracker's clock).
    pub recorded_at: DateTime<Utc>,
    /// Who issued the command.
    pub actor: String,
    /// Why, if given.
    pub reason: Option<String>,
    /// What happened.
    pub payload: EventPayload,
}

/// A decoded event with its position in the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Sequence number, from 0, without gaps.
    pub seq: u64,
    /// Who, when, why, what.
    #[serde(flatten)]
    pub body: EventBody,
}

/// One event as a store keeps it: sequence number, canonical JSON body and the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEvent {
    /// Sequence number.
    pub seq: u64,
    /// Canonical JSON of the [`EventBody`].
    pub body: String,
    /// Hash of the previous event ([`GENESIS_HASH`] for the first).
    pub prev_hash: Hash,
    /// Hash of this event.
    pub hash: Hash,
}

/// The chain hash of an event body at `seq` following `prev_hash`.
///
/// ```
/// use traceability_core::event::{chain_hash, GENESIS_HASH};
/// assert_ne!(chain_hash(&GENESIS_HASH, 0, "{}"), chain_hash(&GENESIS_HASH, 1, "{}"));
/// ```
pub fn chain_hash(prev_hash: &Hash, seq: u64, body: &str) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update(prev_hash);
    hasher.update(seq.to_be_bytes());
    hasher.update(body.as_bytes());
    hasher.finalize().into()
}

impl StoredEvent {
    /// Seals a body as the event `seq` following `prev_hash`.
    pub fn seal(seq: u64, body: &EventBody, prev_hash: Hash) -> Self {
        let body = serde_json::to_string(body).expect("event bodies always serialise");
        let hash = chain_hash(&prev_hash, seq, &body);
        Self {
            seq,
            body,
            prev_hash,
            hash,
        }
    }

    /// Decodes the body.
    pub fn decode(&self) -> Result<Event, TraceError> {
        let body = serde_json::from_str(&self.body).map_err(|e| {
            TraceError::tampered(
                self.seq,
                Damage::Undecodable,
                format!("undecodable event body: {e}"),
            )
        })?;
        Ok(Event {
            seq: self.seq,
            body,
        })
    }
}
