//! Events: the immutable facts a valid command becomes, with who, when and why
//! ([`EventBody`]), and the hash-chained records that store them ([`record`]). The
//! event log is the audit trail: [`audit`] verifies it, [`checkpoint`] signs its head.
//!
//! Every change of state is an event, including the automatic ones (a lot that runs
//! out becomes inactive: [`EventPayload::LotDepleted`]) and every recall, held or not
//! ([`EventPayload::Recalled`]).
//!
//! **Schema versions.** A body records the [`SCHEMA_VERSION`] it was written under
//! (bodies without one are version 1). Version 1 logs did not record the automatic
//! deactivation of depleted lots; reading them upcasts each event to the events it
//! stands for today (see [`crate::State::apply`]).

pub mod audit;
pub mod checkpoint;
pub mod conflict;
pub mod record;

pub use record::{
    chain_hash, encode_body, Hash, RecordSource, Sealed, StoredEvent, COMPACT_V1, GENESIS_HASH,
};

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::command::{AllocationRequest, Line};
use crate::kernel::id::{
    CampaignId, ClaimId, ContainerId, ItemRef, LocationId, LotNumber, OrderId, PartyId, ProductId,
    RecallId, ReturnId, SerialNumber, ShipmentId, WorkOrderId,
};
use crate::kernel::Quantity;
use crate::model::{
    Campaign, CampaignStatus, Certificate, Claim, Disposition, Inspection, Location, Lot, LotDates,
    LotDetails, NumberingScheme, PackedItem, Party, Product, QualityStatus, ReturnAuthorization,
    ReturnReason, SequenceOwner, ServiceRecord, TestResult, WarrantyTerms,
};

/// The schema version new events are written under.
pub const SCHEMA_VERSION: u32 = 2;

fn schema_v1() -> u32 {
    1
}

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
    /// A product's master data was replaced (same id and tracking).
    ProductUpdated(Product),
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
    /// A lot record was created without stock (its full initial record).
    LotCreated {
        /// The new lot.
        lot: Lot,
        /// Document reference.
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
        /// The receipt date (`None` in logs written before it was recorded: the day the
        /// event was recorded).
        #[serde(default, with = "crate::kernel::date::iso::option")]
        received_on: Option<NaiveDate>,
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
    /// Picked stock left on a shipment, or stock was moved into a customer's location
    /// (a delivery without an order).
    Shipped {
        /// Shipment.
        shipment: ShipmentId,
        /// Order (none for a delivery by a move).
        order: Option<OrderId>,
        /// Customer.
        customer: PartyId,
        /// Date.
        #[serde(with = "crate::kernel::date::iso")]
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
        #[serde(with = "crate::kernel::date::iso")]
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
        /// A returned lot quantity is held at the location until disposed of
        /// (false in logs written before holds existed: released on return).
        #[serde(default)]
        held: bool,
    },
    /// An allocation request and its rules (recorded before its `Allocated` events).
    AllocationRequested(AllocationRequest),
    /// A lot's dates were changed (the full new dates).
    LotDatesUpdated {
        /// Product.
        product: ProductId,
        /// Lot.
        lot: LotNumber,
        /// New dates.
        dates: LotDates,
    },
    /// A lot record's details were changed (the full new details).
    LotDetailsUpdated {
        /// Product.
        product: ProductId,
        /// Lot.
        lot: LotNumber,
        /// New details.
        details: LotDetails,
    },
    /// A test result was recorded on a lot.
    TestResultRecorded {
        /// Product.
        product: ProductId,
        /// Lot.
        lot: LotNumber,
        /// The result.
        result: TestResult,
    },
    /// A certificate of analysis was linked to a lot.
    CertificateLinked {
        /// Product.
        product: ProductId,
        /// Lot.
        lot: LotNumber,
        /// The document.
        certificate: Certificate,
    },
    /// A lot's quality status was set.
    QualityStatusSet {
        /// Product.
        product: ProductId,
        /// Lot.
        lot: LotNumber,
        /// New status.
        status: QualityStatus,
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
    /// Goods were packed into a new container (on the day the event was recorded).
    Packed {
        /// The container.
        container: ContainerId,
        /// Where.
        location: LocationId,
        /// What.
        contents: Vec<PackedItem>,
    },
    /// A container was unpacked.
    Unpacked {
        /// The container.
        container: ContainerId,
    },
    /// A lot ran out (nothing on hand or reserved) and became inactive automatically.
    LotDepleted {
        /// Product.
        product: ProductId,
        /// Lot.
        lot: LotNumber,
    },
    /// Stock came back into a lot that had become inactive by running out (a return, a
    /// positive adjustment, production into it): it is active again.
    LotRestocked {
        /// Product.
        product: ProductId,
        /// Lot.
        lot: LotNumber,
    },
    /// A recall was recorded (the reason is the event's reason).
    Recalled {
        /// The recall number.
        recall: RecallId,
        /// The suspects.
        suspects: Vec<ItemRef>,
        /// The suspects and everything made from them.
        affected: Vec<ItemRef>,
        /// The affected items put on hold (empty without a hold).
        held: Vec<ItemRef>,
    },
    /// A numbering scheme was defined or redefined.
    NumberingSchemeDefined(NumberingScheme),
    /// Numbers were drawn from a sequence (by a receipt or production that was given no
    /// number, or ahead of use); the sequence continues after `last_sequence`.
    NumbersIssued {
        /// The product they are for.
        product: ProductId,
        /// The sequence drawn from.
        owner: SequenceOwner,
        /// The sequence's reset period (e.g. `2026` for a yearly reset, empty for none).
        period: String,
        /// The last sequence value used (numbers already taken were skipped).
        last_sequence: u64,
        /// The numbers, in order.
        numbers: Vec<String>,
    },
    /// A shipment was reversed: its lines came back to the locations they left.
    ShipmentReversed {
        /// Shipment.
        shipment: ShipmentId,
        /// Its customer.
        customer: PartyId,
        /// What came back, and where to.
        lines: Vec<Line>,
    },
    /// A receipt was reversed: the lines' stock left (serials went back to EXPECTED).
    ReceiptReversed {
        /// What left, from where.
        lines: Vec<Line>,
    },
    /// A work order's latest production was reversed.
    ProductionReversed {
        /// Work order.
        work_order: WorkOrderId,
        /// What it had consumed, back where it came from.
        returned: Vec<Line>,
        /// What it had produced, out of stock.
        removed: Vec<Line>,
    },
    /// Part of a lot became a new lot; the genealogy links them (operation
    /// `SPLIT-<seq>`).
    LotSplit {
        /// Product.
        product: ProductId,
        /// The lot split.
        lot: LotNumber,
        /// Where.
        location: LocationId,
        /// The new lot (its full initial record, with the quantity split off).
        new_lot: Lot,
    },
    /// Lots were merged into one at a location; the genealogy links each source to the
    /// target (operation `MERGE-<seq>`).
    LotsMerged {
        /// Product.
        product: ProductId,
        /// Target lot.
        into: LotNumber,
        /// Where.
        location: LocationId,
        /// Each source lot and the quantity it gave.
        sources: Vec<(LotNumber, Quantity)>,
        /// The target's dates after the merge (the earliest of each).
        dates: LotDates,
    },
    /// A serialized assembly was disassembled: the serial is CONSUMED and its
    /// components came back into stock (operation `UNBUILD-<seq>` in the genealogy).
    Unbuilt {
        /// Product of the assembly.
        product: ProductId,
        /// Its serial.
        serial: SerialNumber,
        /// The components, where they went.
        components: Vec<Line>,
    },
    /// A product's warranty terms were defined.
    WarrantyDefined(WarrantyTerms),
    /// A serial was installed at the customer.
    Installed {
        /// Product.
        product: ProductId,
        /// Serial.
        serial: SerialNumber,
        /// Installation date.
        installed_on: NaiveDate,
        /// The end customer the warranty is registered to.
        customer: Option<PartyId>,
    },
    /// A serial was serviced (a fitted component left stock into it).
    Serviced {
        /// Product.
        product: ProductId,
        /// Serial.
        serial: SerialNumber,
        /// What was done.
        record: ServiceRecord,
    },
    /// A warranty claim was opened.
    ClaimOpened(Claim),
    /// A claim was approved or rejected (the reason is the event's).
    ClaimDecided {
        /// Claim.
        claim: ClaimId,
        /// Approved or rejected.
        approved: bool,
        /// Amount approved.
        amount: Option<Quantity>,
    },
    /// A claim was closed.
    ClaimClosed {
        /// Claim.
        claim: ClaimId,
    },
    /// A field service campaign started, with the serials it must reach.
    CampaignStarted(Campaign),
    /// A serial's campaign status changed.
    CampaignUpdated {
        /// Campaign.
        campaign: CampaignId,
        /// The serial.
        item: ItemRef,
        /// New status.
        status: CampaignStatus,
    },
    /// A return reason code was defined.
    ReturnReasonDefined(ReturnReason),
    /// A customer return was authorised.
    ReturnAuthorized(ReturnAuthorization),
    /// Returned stock was inspected.
    ReturnInspected {
        /// RMA.
        rma: ReturnId,
        /// The lot or serial.
        item: ItemRef,
        /// The result.
        inspection: Inspection,
    },
    /// Returned stock was disposed of.
    ReturnDisposed {
        /// RMA.
        rma: ReturnId,
        /// What, where, how much.
        line: Line,
        /// What became of it.
        disposition: Disposition,
        /// Where it went (restock, rework).
        to: Option<LocationId>,
    },
    /// A partner's transformation was recorded in the genealogy.
    UpstreamLinked {
        /// The partner's transformation id.
        operation: WorkOrderId,
        /// What went in, and how much.
        inputs: Vec<(ItemRef, Quantity)>,
        /// What came out.
        outputs: Vec<ItemRef>,
    },
    /// A process parameter was recorded in a work order's batch record.
    BatchParameterRecorded {
        /// Work order.
        work_order: WorkOrderId,
        /// Parameter name.
        name: String,
        /// Value.
        value: Quantity,
        /// Unit.
        unit: String,
        /// Lower limit (inclusive).
        min: Option<Quantity>,
        /// Upper limit (inclusive).
        max: Option<Quantity>,
        /// Within the limits.
        within_limits: bool,
    },
    /// A step was recorded in a work order's batch record.
    BatchStepRecorded {
        /// Work order.
        work_order: WorkOrderId,
        /// Step name.
        step: String,
        /// Equipment used.
        equipment: Option<String>,
        /// Operator.
        operator: String,
        /// The day it was performed.
        performed_on: NaiveDate,
        /// When it started.
        started_at: Option<DateTime<Utc>>,
        /// When it finished.
        finished_at: Option<DateTime<Utc>>,
        /// Notes.
        notes: String,
    },
    /// A record was signed electronically (the reason is the event's reason, the time
    /// its `recorded_at`).
    RecordSigned {
        /// The record signed.
        record: SignedRecord,
        /// What the signature means.
        meaning: SignatureMeaning,
        /// Who signed.
        signer: String,
        /// SHA-256 of the record's canonical content at signing.
        sha256: String,
    },
    /// A non-conformance was opened (its containment hold, if any, is the
    /// [`EventPayload::HoldPlaced`] that follows it).
    #[serde(rename = "nonconformance_opened")]
    NonConformanceOpened {
        /// Its number.
        id: NonConformanceId,
        /// What is wrong.
        description: String,
        /// How serious.
        severity: Severity,
        /// The lots and serials concerned.
        items: Vec<ItemRef>,
        /// The work order concerned.
        work_order: Option<WorkOrderId>,
        /// The recall it belongs to.
        recall: Option<RecallId>,
        /// The items its containment holds.
        contained: Vec<ItemRef>,
    },
    /// A corrective or preventive action was added.
    CorrectiveActionAdded {
        /// Its number.
        id: CapaId,
        /// The non-conformance it addresses.
        nc: Option<NonConformanceId>,
        /// The recall it resolves.
        recall: Option<RecallId>,
        /// Corrective or preventive.
        kind: CapaKind,
        /// What is to be done.
        description: String,
        /// Who owns it.
        owner: String,
        /// When it is due.
        due: NaiveDate,
    },
    /// A corrective or preventive action was completed.
    CorrectiveActionCompleted {
        /// Its number.
        id: CapaId,
        /// Its outcome.
        outcome: String,
    },
    /// A non-conformance was closed.
    #[serde(rename = "nonconformance_closed")]
    NonConformanceClosed {
        /// Its number.
        id: NonConformanceId,
        /// How it was resolved.
        resolution: String,
    },
}

impl EventPayload {
    /// The short name of what happened, as movement histories show it: `expected`,
    /// `received`, `created`, `moved`, `allocated`, `allocation_cancelled`, `picked`, `shipped`,
    /// `produced`, `adjusted`, `scrapped`, `active_set`, `returned`, `dates_updated`, `details_updated`,
    /// `test_recorded`, `certificate_linked`, `quality_set`, `hold_placed`,
    /// `hold_released`, `depleted`, `restocked`, `recalled`, `numbers_issued`,
    /// `shipment_reversed`, `receipt_reversed`, `production_reversed`, `split`, `merged`,
    /// `unbuilt`, `installed`, `serviced`, `claim_opened`, `claim_decided`, `claim_closed`,
    /// `campaign_started`, `campaign_updated`, `return_authorized`, `return_inspected`,
    /// `return_disposed`, `upstream_linked`, `batch_parameter_recorded`,
    /// `batch_step_recorded`, `record_signed`, `nonconformance_opened`, `capa_added`,
    /// `capa_completed`, `nonconformance_closed`, and for
    /// master data and allocation rules `product_registered`, `location_registered`,
    /// `party_registered`, `scheme_defined`, `allocation_requested`, `warranty_defined`,
    /// `return_reason_defined`.
    ///
    /// ```
    /// use traceability_core::{EventPayload, ItemRef};
    /// let hold = EventPayload::HoldPlaced { items: vec![ItemRef::lot("MILK", "L1").unwrap()] };
    /// assert_eq!(hold.action(), "hold_placed");
    /// ```
    pub fn action(&self) -> &'static str {
        match self {
            Self::ProductRegistered(_) => "product_registered",
            Self::ProductUpdated(_) => "product_updated",
            Self::LocationRegistered(_) => "location_registered",
            Self::PartyRegistered(_) => "party_registered",
            Self::SerialsExpected { .. } => "expected",
            Self::LotReceived { .. } | Self::SerialsReceived { .. } => "received",
            Self::LotCreated { .. } => "created",
            Self::Moved { .. } => "moved",
            Self::Allocated { .. } => "allocated",
            Self::AllocationCancelled { .. } => "allocation_cancelled",
            Self::Picked { .. } => "picked",
            Self::Shipped { .. } => "shipped",
            Self::Produced { .. } => "produced",
            Self::Adjusted { .. } => "adjusted",
            Self::Scrapped { .. } => "scrapped",
            Self::LotActiveSet { .. } => "active_set",
            Self::Returned { .. } => "returned",
            Self::AllocationRequested(_) => "allocation_requested",
            Self::LotDatesUpdated { .. } => "dates_updated",
            Self::LotDetailsUpdated { .. } => "details_updated",
            Self::TestResultRecorded { .. } => "test_recorded",
            Self::CertificateLinked { .. } => "certificate_linked",
            Self::QualityStatusSet { .. } => "quality_set",
            Self::HoldPlaced { .. } => "hold_placed",
            Self::HoldReleased { .. } => "hold_released",
            Self::Packed { .. } => "packed",
            Self::Unpacked { .. } => "unpacked",
            Self::LotDepleted { .. } => "depleted",
            Self::LotRestocked { .. } => "restocked",
            Self::Recalled { .. } => "recalled",
            Self::NumberingSchemeDefined(_) => "scheme_defined",
            Self::NumbersIssued { .. } => "numbers_issued",
            Self::ShipmentReversed { .. } => "shipment_reversed",
            Self::ReceiptReversed { .. } => "receipt_reversed",
            Self::ProductionReversed { .. } => "production_reversed",
            Self::LotSplit { .. } => "split",
            Self::LotsMerged { .. } => "merged",
            Self::Unbuilt { .. } => "unbuilt",
            Self::WarrantyDefined(_) => "warranty_defined",
            Self::Installed { .. } => "installed",
            Self::Serviced { .. } => "serviced",
            Self::ClaimOpened(_) => "claim_opened",
            Self::ClaimDecided { .. } => "claim_decided",
            Self::ClaimClosed { .. } => "claim_closed",
            Self::CampaignStarted(_) => "campaign_started",
            Self::CampaignUpdated { .. } => "campaign_updated",
            Self::ReturnReasonDefined(_) => "return_reason_defined",
            Self::ReturnAuthorized(_) => "return_authorized",
            Self::ReturnInspected { .. } => "return_inspected",
            Self::ReturnDisposed { .. } => "return_disposed",
            Self::UpstreamLinked { .. } => "upstream_linked",
            Self::BatchParameterRecorded { .. } => "batch_parameter_recorded",
            Self::BatchStepRecorded { .. } => "batch_step_recorded",
            Self::RecordSigned { .. } => "record_signed",
            Self::NonConformanceOpened { .. } => "nonconformance_opened",
            Self::CorrectiveActionAdded { .. } => "capa_added",
            Self::CorrectiveActionCompleted { .. } => "capa_completed",
            Self::NonConformanceClosed { .. } => "nonconformance_closed",
        }
    }
}

/// Who, when, why and what: the hashed content of one event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventBody {
    /// The schema version the event was written under (1 when absent).
    #[serde(default = "schema_v1")]
    pub schema: u32,
    /// When it was recorded (from the tracker's clock).
    pub recorded_at: DateTime<Utc>,
    /// Who issued the command (shared by the events of one command or batch).
    pub actor: Arc<str>,
    /// Why, if given.
    pub reason: Option<Arc<str>>,
    /// What happened.
    pub payload: EventPayload,
}

impl EventBody {
    /// A body of the current schema, recorded at the Unix epoch (for building and
    /// replaying events outside a tracker; the tracker stamps its clock's time).
    pub fn new(actor: &str, reason: Option<&str>, payload: EventPayload) -> Self {
        Self {
            schema: SCHEMA_VERSION,
            recorded_at: DateTime::<Utc>::UNIX_EPOCH,
            actor: actor.into(),
            reason: reason.map(Arc::from),
            payload,
        }
    }
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

use crate::kernel::id::{CapaId, NonConformanceId};
use crate::model::{CapaKind, Severity, SignatureMeaning, SignedRecord};
