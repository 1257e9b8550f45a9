//! After the sale: warranty terms, installations, service records by serial, warranty
//! claims and field service campaigns.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::kernel::id::{CampaignId, ClaimId, ItemRef, LocationId, PartyId, ProductId, RecallId};
use crate::kernel::Quantity;

/// When a warranty starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarrantyStart {
    /// On the day the serial is shipped to the customer.
    Shipment,
    /// On the recorded installation date (the shipment date until one is recorded).
    Installation,
}

/// A product's warranty.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WarrantyTerms {
    /// The serial-tracked product.
    pub product: ProductId,
    /// Duration in months (1..=600).
    pub months: u32,
    /// When it starts.
    pub starts: WarrantyStart,
    /// A usage limit (hours, cycles, km) read from service records, if any.
    #[serde(default)]
    pub usage_limit: Option<Quantity>,
}

/// What a service visit was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceKind {
    /// Inspection.
    Inspection,
    /// Repair.
    Repair,
    /// Calibration.
    Calibration,
    /// A component replaced.
    Replacement,
}

/// A document attached to a record by its SHA-256 (the document itself stays in the
/// embedding system).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// File or document name.
    pub name: String,
    /// Lower-case hex SHA-256 of its content (64 characters).
    pub sha256: String,
}

/// A component fitted during service: taken from stock at a location.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fitted {
    /// The component (a lot quantity or a serial).
    pub item: ItemRef,
    /// Where it was taken from.
    pub location: LocationId,
    /// How much (1 for a serial).
    pub quantity: Quantity,
}

/// One service event on a serial.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceRecord {
    /// What was done.
    pub kind: ServiceKind,
    /// When.
    pub performed_on: NaiveDate,
    /// Who.
    pub technician: String,
    /// Findings.
    pub findings: String,
    /// The usage meter read (hours, cycles), if any.
    #[serde(default)]
    pub usage: Option<Quantity>,
    /// The component taken out, if any.
    #[serde(default)]
    pub removed: Option<ItemRef>,
    /// The component fitted, taken from stock (the genealogy links it to the serial).
    #[serde(default)]
    pub fitted: Option<Fitted>,
    /// Attached documents.
    #[serde(default)]
    pub attachments: Vec<Attachment>,
}

/// Where a warranty claim stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    /// Opened, awaiting a decision.
    Open,
    /// Approved.
    Approved,
    /// Rejected.
    Rejected,
    /// Closed after its decision.
    Closed,
}

/// A warranty claim on a serial.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    /// Claim number.
    pub claim: ClaimId,
    /// Product.
    pub product: ProductId,
    /// Serial.
    pub serial: crate::kernel::id::SerialNumber,
    /// Who claims (the serial's end customer, when known).
    pub customer: Option<PartyId>,
    /// When it was opened.
    pub opened_on: NaiveDate,
    /// What is wrong.
    pub description: String,
    /// Amount claimed, if any.
    pub amount: Option<Quantity>,
    /// Whether the serial was in warranty on the opening date.
    pub in_warranty: bool,
    /// Where it stands.
    pub status: ClaimStatus,
    /// Amount approved.
    pub approved_amount: Option<Quantity>,
    /// Why it was approved or rejected (the deciding command's reason).
    pub decision: Option<String>,
}

/// A serial's progress in a field service campaign.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CampaignStatus {
    /// Not yet contacted.
    Pending,
    /// Customer notified.
    Notified,
    /// Serviced in the field.
    Serviced,
    /// Returned.
    Returned,
    /// The customer could not be reached.
    Unreachable,
}

/// One serial in the field that a campaign must reach.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignSerial {
    /// The serial.
    pub item: ItemRef,
    /// Its customer.
    pub customer: PartyId,
    /// When it was shipped to them.
    pub shipped_on: NaiveDate,
    /// Where it stands.
    pub status: CampaignStatus,
}

/// A field service campaign: every affected serial in the field, with its status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Campaign {
    /// Campaign number.
    pub campaign: CampaignId,
    /// What it is about.
    pub description: String,
    /// The recall it follows, if any.
    pub recall: Option<RecallId>,
    /// The serials to reach.
    pub serials: Vec<CampaignSerial>,
}

/// Whether a serial is in warranty on a date, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WarrantyStatus {
    /// Product.
    pub product: ProductId,
    /// Serial.
    pub serial: crate::kernel::id::SerialNumber,
    /// The date asked about.
    pub on: NaiveDate,
    /// In warranty on that date.
    pub in_warranty: bool,
    /// When the warranty started (shipment or installation).
    pub starts_on: Option<NaiveDate>,
    /// Its last day.
    pub ends_on: Option<NaiveDate>,
    /// The end customer it is registered to.
    pub customer: Option<PartyId>,
    /// The latest usage reading from service records.
    pub usage: Option<Quantity>,
    /// Why, in words: "in warranty until 2027-03-03", "ended on …", "not shipped or
    /// installed yet", "no warranty terms for …", "usage 1200 over the limit 1000".
    pub reason: String,
}
