//! Commands: what a user asks the engine to do, one struct per command. Each is
//! validated against the current state by [`crate::decide`]; a valid one becomes one or
//! more events.
//!
//! The JSON form is `{"<command in snake_case>": {<fields>}}`, e.g.
//! `{"move": {"item": {"lot": {"product": "FLOUR", "lot": "L1"}}, "from": "DOCK", "to": "A1",
//! "quantity": "5", "override_expiry": false}}`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

mod allocation;
mod corrections;
mod lot_dates;
mod packing;
mod service;

pub use allocation::{AllocationRequest, Strategy};
pub use corrections::{
    MergeLots, ReverseProduction, ReverseReceipt, ReverseShipment, SplitLot, Unbuild,
};
pub use lot_dates::LotDatesChange;
pub use packing::{Pack, Unpack};
pub use service::{
    AuthorizeReturn, CloseClaim, DecideClaim, DefineReturnReason, DisposeReturn, InspectReturn,
    OpenClaim, RecordInstallation, RecordService, StartCampaign, UpdateCampaign,
};

use crate::kernel::id::{
    ItemRef, LocationId, LotKey, LotNumber, OrderId, PartyId, ProductId, RecallId, ReturnId,
    SerialNumber, ShipmentId, WorkOrderId,
};
use crate::kernel::Quantity;
use crate::model::{
    Location, LotDates, LotDetails, NumberingScheme, Party, Product, QualityStatus,
};

/// The description of a new lot, as given on receipt or production.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotSpec {
    /// Product (must be lot-tracked).
    pub product: ProductId,
    /// Lot number (must be new for the product); `None` issues the next number from
    /// the product's numbering scheme.
    #[serde(default)]
    pub lot: Option<LotNumber>,
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
            lot: Some(lot),
            ..Self::unnumbered(product)
        }
    }

    /// The descriptive fields of the record it makes.
    pub fn details(&self) -> LotDetails {
        LotDetails {
            manufactured_on: self.manufactured_on,
            weight: self.weight,
            description: self.description.clone(),
            supplier_lot: self.supplier_lot.clone(),
            attributes: self.attributes.clone(),
        }
    }

    /// A spec without a lot number: the receipt or production numbers the lot from the
    /// product's numbering scheme.
    pub fn unnumbered(product: ProductId) -> Self {
        Self {
            product,
            lot: None,
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
        /// New serial number; `None` issues the next one from the product's scheme.
        #[serde(default)]
        serial: Option<SerialNumber>,
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
    /// Replace a registered product's master data (description, unit, date rules,
    /// inspection, numbering, GTINs). Its tracking cannot change; lots and serials
    /// already recorded keep their dates (the rules apply to later receipts).
    UpdateProduct(Product),
    /// Register a location.
    RegisterLocation(Location),
    /// Register a supplier or customer.
    RegisterParty(Party),
    /// Advance shipping notice: serials become EXPECTED.
    ExpectSerials(ExpectSerials),
    /// Receive a new lot into a location.
    ReceiveLot(ReceiveLot),
    /// Receive serials (new or EXPECTED) into a location: they become RECEIVED.
    ReceiveSerials(ReceiveSerials),
    /// Create a lot record (the manual's "New Lot / Serial Number"), with or without
    /// initial stock, active or not.
    CreateLot(CreateLot),
    /// Move stock between locations (a RECEIVED serial's putaway).
    Move(Move),
    /// Reserve a named lot quantity or a named serial for an order.
    Allocate(Allocate),
    /// Release an order's reservations (all, or one item's), picked or not.
    CancelAllocation(CancelAllocation),
    /// Pick (scan) allocated stock of an order.
    Pick(Pick),
    /// Dispatch everything picked for an order on a shipment to a customer.
    Ship(Ship),
    /// A work order consumes lots/serials and produces lots/serials.
    Produce(Produce),
    /// Correct a lot's quantity at a location after a count (needs a reason).
    Adjust(Adjust),
    /// Scrap a lot quantity or a serial (needs a reason).
    Scrap(Scrap),
    /// Set a lot active or inactive (needs a reason).
    SetLotActive(SetLotActive),
    /// A customer returns shipped serials or lot quantities (RMA).
    Return(Return),
    /// Allocate stock of a product to an order by FEFO, FIFO or LIFO
    /// (see [`crate::capability::orders`]).
    AllocateStock(AllocationRequest),
    /// Change the dates of many lots at once, atomically (needs a reason).
    UpdateLotDates(UpdateLotDates),
    /// Change a lot record's details: description, weight, supplier lot, manufacturing
    /// date, attributes.
    UpdateLot(UpdateLot),
    /// Set many lots active or inactive at once, atomically (needs a reason).
    SetLotsActive(SetLotsActive),
    /// Record a quality test result on a lot (pass/fail from the specification limits).
    RecordTestResult(RecordTestResult),
    /// Link a certificate of analysis (document reference and SHA-256) to a lot.
    LinkCertificate(LinkCertificate),
    /// Quarantine, release or reject a lot (needs a reason).
    SetQualityStatus(SetQualityStatus),
    /// Put lots and serials on recall hold, all or none (needs a reason).
    PlaceHold(PlaceHold),
    /// Pack goods into a container (pallet, case).
    Pack(Pack),
    /// Unpack a container.
    Unpack(Unpack),
    /// Release a recall hold, all or none (needs a reason).
    ReleaseHold(ReleaseHold),
    /// Record a recall of suspect lots and serials, holding them or not (needs a reason).
    Recall(Recall),
    /// Define (or redefine) a named numbering scheme.
    DefineNumberingScheme(NumberingScheme),
    /// Issue numbers from a product's scheme ahead of use (e.g. to print labels).
    IssueNumbers(IssueNumbers),
    /// Reverse a shipment posted by mistake (needs a reason).
    ReverseShipment(ReverseShipment),
    /// Reverse the receipt of lots or serials (needs a reason).
    ReverseReceipt(ReverseReceipt),
    /// Reverse a work order's latest production (needs a reason).
    ReverseProduction(ReverseProduction),
    /// Split part of a lot into a new lot (needs a reason).
    SplitLot(SplitLot),
    /// Merge lots into one (needs a reason).
    MergeLots(MergeLots),
    /// Disassemble a serialized assembly (needs a reason).
    Unbuild(Unbuild),
    /// Define (or redefine) a product's warranty terms.
    DefineWarranty(crate::model::WarrantyTerms),
    /// Record a serial's installation at the customer.
    RecordInstallation(RecordInstallation),
    /// Record a service event on a serial.
    RecordService(RecordService),
    /// Open a warranty claim.
    OpenClaim(OpenClaim),
    /// Approve or reject a claim (needs a reason).
    DecideClaim(DecideClaim),
    /// Close a decided claim.
    CloseClaim(CloseClaim),
    /// Start a field service campaign.
    StartCampaign(StartCampaign),
    /// Record a serial's progress in a campaign.
    UpdateCampaign(UpdateCampaign),
    /// Add a return reason code.
    DefineReturnReason(DefineReturnReason),
    /// Authorise a customer return (RMA).
    AuthorizeReturn(AuthorizeReturn),
    /// Record the inspection of returned stock.
    InspectReturn(InspectReturn),
    /// Restock, rework, scrap or return returned stock to the supplier.
    DisposeReturn(DisposeReturn),
    /// Record a partner's transformation in the genealogy (no stock moves).
    LinkUpstream(LinkUpstream),
    /// Record a process parameter in a work order's batch record (flagged when out of
    /// its limits).
    RecordBatchParameter(RecordBatchParameter),
    /// Record a step (equipment, operator, times) in a work order's batch record.
    RecordBatchStep(RecordBatchStep),
    /// Sign a batch record, non-conformance or CAPA electronically.
    SignRecord(SignRecord),
    /// Open a non-conformance, with or without a containment hold.
    #[serde(rename = "open_nonconformance")]
    OpenNonConformance(OpenNonConformance),
    /// Add a corrective or preventive action (to a non-conformance or recall).
    AddCorrectiveAction(AddCorrectiveAction),
    /// Complete a corrective or preventive action.
    CompleteCorrectiveAction(CompleteCorrectiveAction),
    /// Close a non-conformance whose CAPAs are all completed.
    #[serde(rename = "close_nonconformance")]
    CloseNonConformance(CloseNonConformance),
}

impl Command {
    /// Whether deciding this command reads nothing but master data, the lots, serials
    /// and numbering sequences its own events change and, for an allocation by
    /// strategy, the stock of its product. Such a command, decided against a state that
    /// missed other writers' events, still holds after them when none of those events is
    /// master data or changes what it read (see [`crate::event::conflict`]), so a shared
    /// store may append it after them as decided. Receiving, creating, moving, adjusting
    /// and scrapping stock, setting a lot active and allocating qualify; picking,
    /// shipping, production and everything document-wide do not.
    pub fn commutes(&self) -> bool {
        matches!(
            self,
            Self::ReceiveLot(_)
                | Self::CreateLot(_)
                | Self::Move(_)
                | Self::Adjust(_)
                | Self::Scrap(_)
                | Self::SetLotActive(_)
                | Self::Allocate(_)
                | Self::AllocateStock(_)
        )
    }
}

/// A transformation at a partner (from an EPCIS document): its inputs went into its
/// outputs. Only the genealogy records it; no stock moves here. The lots and serials
/// must exist (as records without stock, when they are the partner's).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkUpstream {
    /// The partner's transformation or production order id.
    pub operation: WorkOrderId,
    /// What went in, and how much.
    pub inputs: Vec<(ItemRef, Quantity)>,
    /// What came out.
    pub outputs: Vec<ItemRef>,
}

/// Issue numbers from a product's numbering scheme ahead of use; they stay reserved
/// (never issued again) until a receipt or production uses them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueNumbers {
    /// The product whose scheme numbers them.
    pub product: ProductId,
    /// How many (1..=[`crate::state::MAX_ISSUE`]).
    pub count: u32,
    /// The date the pattern's date parts and reset period use (default: today).
    #[serde(default)]
    pub date: Option<NaiveDate>,
    /// The location for `{LOCATION}` in the pattern.
    #[serde(default)]
    pub location: Option<LocationId>,
}

/// Advance shipping notice: serials become EXPECTED.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpectSerials {
    /// Serial-tracked product.
    pub product: ProductId,
    /// New serial numbers.
    pub serials: Vec<SerialNumber>,
    /// Supplier who will send them.
    pub supplier: Option<PartyId>,
    /// ASN reference.
    pub reference: Option<String>,
}

/// Receive a new lot into a location.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiveLot {
    /// The lot.
    pub spec: LotSpec,
    /// Quantity received (> 0).
    pub quantity: Quantity,
    /// Receiving location.
    pub location: LocationId,
    /// Supplier.
    pub supplier: Option<PartyId>,
    /// Receipt date (default: today).
    pub received_on: Option<NaiveDate>,
    /// Receipt document reference.
    pub reference: Option<String>,
}

/// Create a lot record: its number (or the next from the product's scheme), dates,
/// weight, description, supplier and status, with initial stock at a location or none
/// (stock then comes by adjustment or production into the lot).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateLot {
    /// The lot.
    pub spec: LotSpec,
    /// Supplier.
    #[serde(default)]
    pub supplier: Option<PartyId>,
    /// Receipt date (default: today).
    #[serde(default)]
    pub received_on: Option<NaiveDate>,
    /// Initial stock (with `location`; both or neither).
    #[serde(default)]
    pub quantity: Option<Quantity>,
    /// Where the initial stock is.
    #[serde(default)]
    pub location: Option<LocationId>,
    /// Active (the default) or inactive.
    #[serde(default = "active_by_default")]
    pub active: bool,
    /// Document reference.
    #[serde(default)]
    pub reference: Option<String>,
}

fn active_by_default() -> bool {
    true
}

/// Receive serials (new or EXPECTED) into a location: they become RECEIVED.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiveSerials {
    /// Serial-tracked product.
    pub product: ProductId,
    /// Serial numbers.
    pub serials: Vec<SerialNumber>,
    /// Receiving location.
    pub location: LocationId,
    /// Supplier.
    pub supplier: Option<PartyId>,
    /// Receipt document reference.
    pub reference: Option<String>,
    /// How many more new serials to receive, numbered from the product's scheme (at
    /// most [`crate::state::MAX_ISSUE`]).
    #[serde(default)]
    pub generate: u32,
    /// Put them away where they are received: they become IN_INVENTORY at once (one
    /// putaway move each).
    #[serde(default)]
    pub put_away: bool,
    /// The receipt date (default: today).
    #[serde(default)]
    pub received_on: Option<NaiveDate>,
}

/// Move stock between locations. For a RECEIVED serial this is the putaway
/// (it becomes IN_INVENTORY); an IN_INVENTORY serial just changes location.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Move {
    /// Lot or serial.
    pub item: ItemRef,
    /// From.
    pub from: LocationId,
    /// To.
    pub to: LocationId,
    /// Quantity (1 for a serial).
    pub quantity: Quantity,
    /// Allow an expired lot into a customer or production location (needs a reason).
    pub override_expiry: bool,
}

/// Reserve a named lot quantity (at a location, or across its locations) or a named
/// serial for an order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocate {
    /// Order.
    pub order: OrderId,
    /// Lot or serial.
    pub item: ItemRef,
    /// Location to take it from (lots; `None`: any, in stock order).
    pub location: Option<LocationId>,
    /// Quantity (1 for a serial).
    pub quantity: Quantity,
    /// The day the order ships: a lot expired by then is refused (default: today).
    #[serde(default)]
    pub ship_date: Option<NaiveDate>,
}

/// Change a lot record's details; the fields given replace the record's, the others
/// stay (attributes given are set, the others stay).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateLot {
    /// The lot.
    pub lot: LotKey,
    /// New description.
    #[serde(default)]
    pub description: Option<String>,
    /// New weight.
    #[serde(default)]
    pub weight: Option<Quantity>,
    /// New supplier lot number.
    #[serde(default)]
    pub supplier_lot: Option<String>,
    /// Corrected manufacturing date.
    #[serde(default)]
    pub manufactured_on: Option<NaiveDate>,
    /// Attributes to set.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
}

/// Release an order's reservations (all, or one item's), picked or not.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelAllocation {
    /// Order.
    pub order: OrderId,
    /// Only this item; `None`: everything of the order.
    pub item: Option<ItemRef>,
}

/// Pick (scan) allocated stock of an order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pick {
    /// Order.
    pub order: OrderId,
    /// Lot or serial picked.
    pub item: ItemRef,
    /// Quantity (1 for a serial).
    pub quantity: Quantity,
}

/// Dispatch everything picked for an order on a shipment to a customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ship {
    /// New shipment id.
    pub shipment: ShipmentId,
    /// Order.
    pub order: OrderId,
    /// Customer.
    pub customer: PartyId,
    /// Ship date (default: today).
    pub shipped_on: Option<NaiveDate>,
    /// Ship an expired lot (return to supplier, destruction; needs a reason).
    pub override_expiry: bool,
}

/// A work order consumes lots/serials and produces lots/serials.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Produce {
    /// Work order.
    pub work_order: WorkOrderId,
    /// What is consumed.
    pub consumed: Vec<Line>,
    /// What is produced.
    pub outputs: Vec<Output>,
    /// Production date (default: today).
    pub produced_on: Option<NaiveDate>,
    /// Consume expired lots (needs a reason).
    pub override_expiry: bool,
}

/// Correct a lot's quantity at a location after a count (needs a reason).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adjust {
    /// Product.
    pub product: ProductId,
    /// Lot.
    pub lot: LotNumber,
    /// Location.
    pub location: LocationId,
    /// Signed change (non-zero).
    pub delta: Quantity,
}

/// Scrap a lot quantity or a serial (needs a reason).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scrap {
    /// Lot or serial.
    pub item: ItemRef,
    /// Location.
    pub location: LocationId,
    /// Quantity (1 for a serial).
    pub quantity: Quantity,
}

/// Set a lot active or inactive (needs a reason).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetLotActive {
    /// Product.
    pub product: ProductId,
    /// Lot.
    pub lot: LotNumber,
    /// New status.
    pub active: bool,
}

/// A customer returns shipped serials or lot quantities (RMA).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Return {
    /// RMA number.
    pub rma: ReturnId,
    /// Customer returning.
    pub customer: PartyId,
    /// Lot or serial.
    pub item: ItemRef,
    /// Where it is received back.
    pub location: LocationId,
    /// Quantity (1 for a serial).
    pub quantity: Quantity,
    /// Put a returned lot quantity straight back into available stock. By default it
    /// is held at `location` (not allocatable) until `DisposeReturn` decides.
    #[serde(default)]
    pub release: bool,
}

/// Change the dates (expiry, best-before, removal, alert) of many lots at once,
/// atomically (needs a reason).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateLotDates {
    /// One change per lot.
    pub changes: Vec<LotDatesChange>,
}

/// Set many lots active or inactive at once, atomically (needs a reason).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetLotsActive {
    /// The lots.
    pub lots: Vec<LotKey>,
    /// New status.
    pub active: bool,
}

/// Record a quality test result on a lot (pass/fail from the specification limits).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordTestResult {
    /// The lot.
    pub lot: LotKey,
    /// Test name.
    pub test: String,
    /// Measured value.
    pub value: Quantity,
    /// Unit of the value.
    pub unit: String,
    /// Lower specification limit (inclusive).
    pub spec_min: Option<Quantity>,
    /// Upper specification limit (inclusive).
    pub spec_max: Option<Quantity>,
    /// Test date (default: today).
    pub tested_on: Option<NaiveDate>,
}

/// Link a certificate of analysis (document reference and SHA-256) to a lot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkCertificate {
    /// The lot.
    pub lot: LotKey,
    /// Document reference.
    pub document: String,
    /// SHA-256 of the document (64 hex digits).
    pub sha256: String,
}

/// Quarantine, release or reject a lot (needs a reason).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetQualityStatus {
    /// The lot.
    pub lot: LotKey,
    /// New quality status.
    pub status: QualityStatus,
}

/// Put lots and serials on recall hold, all or none (needs a reason). Held stock
/// cannot be allocated, picked, shipped, consumed or moved to a customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaceHold {
    /// The lots and serials to hold (none may already be held).
    pub items: Vec<ItemRef>,
}

/// Release a recall hold, all or none (needs a reason).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseHold {
    /// The held lots and serials to release.
    pub items: Vec<ItemRef>,
}

/// Record a recall of suspect lots and serials (needs a reason): the affected set
/// is traced forward and recorded, and, with `hold`, every affected lot and serial
/// still in our custody is put on hold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recall {
    /// The recall number (`None`: the next free `RC-000001`, `RC-000002`, ...).
    pub recall: Option<RecallId>,
    /// The suspect lots and serials.
    pub suspects: Vec<ItemRef>,
    /// Put the affected lots and serials in our custody on hold.
    pub hold: bool,
}

mod compliance;
pub use compliance::{
    AddCorrectiveAction, CloseNonConformance, CompleteCorrectiveAction, OpenNonConformance,
    RecordBatchParameter, RecordBatchStep, SignRecord,
};
