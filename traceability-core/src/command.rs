//! Commands: what a user asks the engine to do. Each is validated against the current
//! state by [`crate::decide`]; a valid one becomes one or more events.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::model::{
    ItemRef, Location, LocationId, LotDates, LotNumber, OrderId, Party, PartyId, Product,
    ProductId, Quantity, ReturnId, SerialNumber, ShipmentId, WorkOrderId,
};

/// The description of a new lot, as given on receipt or production.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotSpec {
    /// Product (must be lot-tracked).
    pub product: ProductId,
    /// Lot number (must be new for the product).
    pub lot: LotNumber,
    /// Manufacturing date.
    pub manufactured_on: Option<NaiveDate>,
    /// Dates given explicitly; missing ones are derived from the product's offsets.
    pub dates: LotDates,
    /// Weight.
    pub weight: Option<Quantity>,
    /// Free description.
    pub description: String,
    /// The supplier's own lot number.
    pub supplier_lot: Option<String>,
    /// Free attributes.
    pub attributes: BTreeMap<String, String>,
}

impl LotSpec {
    /// A spec with just product and lot number.
    ///
    /// ```
    /// use traceability_core::{LotSpec, ProductId, LotNumber};
    /// let spec = LotSpec::new(ProductId::new("FLOUR").unwrap(), LotNumber::new("L1").unwrap());
    /// assert!(spec.dates.expiry.is_none());
    /// ```
    pub fn new(product: ProductId, lot: LotNumber) -> Self {
        Self {
            product,
            lot,
            manufactured_on: None,
            dates: LotDates::default(),
            weight: None,
            description: String::new(),
            supplier_lot: None,
            attributes: BTreeMap::new(),
        }
    }
}

/// A quantity of a lot (or one serial) at a location.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    /// The lot or serial.
    pub item: ItemRef,
    /// Where it is taken from (or put).
    pub location: LocationId,
    /// How much (1 for a serial).
    pub quantity: Quantity,
}

/// What a work order produces.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Output {
    /// A new lot.
    NewLot {
        /// Its description.
        spec: LotSpec,
        /// Quantity produced.
        quantity: Quantity,
        /// Where it is put.
        location: LocationId,
    },
    /// More of an existing lot (rework, blending back into a lot).
    IntoLot {
        /// Product.
        product: ProductId,
        /// Existing lot number.
        lot: LotNumber,
        /// Quantity added.
        quantity: Quantity,
        /// Where it is put.
        location: LocationId,
    },
    /// A new serial (an assembly).
    NewSerial {
        /// Product (must be serial-tracked).
        product: ProductId,
        /// New serial number.
        serial: SerialNumber,
        /// Where it is put.
        location: LocationId,
    },
}

/// Everything the engine can be asked to do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    /// Register a product.
    RegisterProduct(Product),
    /// Register a location.
    RegisterLocation(Location),
    /// Register a supplier or customer.
    RegisterParty(Party),
    /// Advance shipping notice: serials become EXPECTED.
    ExpectSerials {
        /// Serial-tracked product.
        product: ProductId,
        /// New serial numbers.
        serials: Vec<SerialNumber>,
        /// Supplier who will send them.
        supplier: Option<PartyId>,
        /// ASN reference.
        reference: Option<String>,
    },
    /// Receive a new lot into a location.
    ReceiveLot {
        /// The lot.
        spec: LotSpec,
        /// Quantity received (> 0).
        quantity: Quantity,
        /// Receiving location.
        location: LocationId,
        /// Supplier.
        supplier: Option<PartyId>,
        /// Receipt date (default: today).
        received_on: Option<NaiveDate>,
        /// Receipt document reference.
        reference: Option<String>,
    },
    /// Receive serials (new or EXPECTED) into a location: they become RECEIVED.
    ReceiveSerials {
        /// Serial-tracked product.
        product: ProductId,
        /// Serial numbers.
        serials: Vec<SerialNumber>,
        /// Receiving location.
        location: LocationId,
        /// Supplier.
        supplier: Option<PartyId>,
        /// Receipt document reference.
        reference: Option<String>,
    },
    /// Move stock between locations. For a RECEIVED serial this is the putaway
    /// (it becomes IN_INVENTORY); an IN_INVENTORY serial just changes location.
    Move {
        /// Lot or serial.
        item: ItemRef,
        /// From.
        from: LocationId,
        /// To.
        to: LocationId,
        /// Quantity (1 for a serial).
        quantity: Quantity,
        /// Allow an expired lot into a customer or production location (needs a reason).
        override_expiry: bool,
    },
    /// Reserve a named lot quantity (at a location, or across its locations) or a named
    /// serial for an order.
    Allocate {
        /// Order.
        order: OrderId,
        /// Lot or serial.
        item: ItemRef,
        /// Location to take it from (lots; `None`: any, in stock order).
        location: Option<LocationId>,
        /// Quantity (1 for a serial).
        quantity: Quantity,
    },
    /// Release an order's reservations (all, or one item's), picked or not.
    CancelAllocation {
        /// Order.
        order: OrderId,
        /// Only this item; `None`: everything of the order.
        item: Option<ItemRef>,
    },
    /// Pick (scan) allocated stock of an order.
    Pick {
        /// Order.
        order: OrderId,
        /// Lot or serial picked.
        item: ItemRef,
        /// Quantity (1 for a serial).
        quantity: Quantity,
    },
    /// Dispatch everything picked for an order on a shipment to a customer.
    Ship {
        /// New shipment id.
        shipment: ShipmentId,
        /// Order.
        order: OrderId,
        /// Customer.
        customer: PartyId,
        /// Ship date (default: today).
        shipped_on: Option<NaiveDate>,
        /// Ship an expired lot (return to supplier, destruction; needs a reason).
        override_expiry: bool,
    },
    /// A work order consumes lots/serials and produces lots/serials.
    Produce {
        /// Work order.
        work_order: WorkOrderId,
        /// What is consumed.
        consumed: Vec<Line>,
        /// What is produced.
        outputs: Vec<Output>,
        /// Production date (default: today).
        produced_on: Option<NaiveDate>,
        /// Consume expired lots (needs a reason).
        override_expiry: bool,
    },
    /// Correct a lot's quantity at a location after a count (needs a reason).
    Adjust {
        /// Product.
        product: ProductId,
        /// Lot.
        lot: LotNumber,
        /// Location.
        location: LocationId,
        /// Signed change (non-zero).
        delta: Quantity,
    },
    /// Scrap a lot quantity or a serial (needs a reason).
    Scrap {
        /// Lot or serial.
        item: ItemRef,
        /// Location.
        location: LocationId,
        /// Quantity (1 for a serial).
        quantity: Quantity,
    },
    /// Set a lot active or inactive (needs a reason).
    SetLotActive {
        /// Product.
        product: ProductId,
        /// Lot.
        lot: LotNumber,
        /// New status.
        active: bool,
    },
    /// A customer returns shipped serials or lot quantities (RMA).
    Return {
        /// RMA number.
        rma: ReturnId,
        /// Customer returning.
        customer: PartyId,
        /// Lot or serial.
        item: ItemRef,
        /// Where it is received back.
        location: LocationId,
        /// Quantity (1 for a serial).
        quantity: Quantity,
    },
    /// Allocate stock of a product to an order by FEFO, FIFO or LIFO
    /// (see [`crate::allocation`]).
    AllocateStock(crate::allocation::AllocationRequest),
    /// Change the dates (expiry, best-before, removal, alert) of many lots at once,
    /// atomically (needs a reason).
    UpdateLotDates {
        /// One change per lot.
        changes: Vec<crate::expiry::LotDatesChange>,
    },
    /// Set many lots active or inactive at once, atomically (needs a reason).
    SetLotsActive {
        /// The lots.
        lots: Vec<crate::expiry::LotKey>,
        /// New status.
        active: bool,
    },
    /// Record a quality test result on a lot (pass/fail from the specification limits).
    RecordTestResult {
        /// The lot.
        lot: crate::expiry::LotKey,
        /// Test name.
        test: String,
        /// Measured value.
        value: Quantity,
        /// Unit of the value.
        unit: String,
        /// Lower specification limit (inclusive).
        spec_min: Option<Quantity>,
        /// Upper specification limit (inclusive).
        spec_max: Option<Quantity>,
        /// Test date (default: today).
        tested_on: Option<NaiveDate>,
    },
    /// Link a certificate of analysis (document reference and SHA-256) to a lot.
    LinkCertificate {
        /// The lot.
        lot: crate::expiry::LotKey,
        /// Document reference.
        document: String,
        /// SHA-256 of the document (64 hex digits).
        sha256: String,
    },
    /// Quarantine, release or reject a lot (needs a reason).
    SetQualityStatus {
        /// The lot.
        lot: crate::expiry::LotKey,
        /// New quality status.
        status: crate::model::QualityStatus,
    },
    /// Put lots and serials on recall hold, all or none (needs a reason). Held stock
    /// cannot be allocated, picked, shipped, consumed or moved to a customer.
    PlaceHold {
        /// The lots and serials to hold (none may already be held).
        items: Vec<ItemRef>,
    },
    /// Release a recall hold, all or none (needs a reason).
    ReleaseHold {
        /// The held lots and serials to release.
        items: Vec<ItemRef>,
    },
}
