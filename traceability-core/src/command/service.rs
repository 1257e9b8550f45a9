//! After the sale: warranty terms, installations, service records, warranty claims and
//! field service campaigns; and customer returns under an authorisation (RMA).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::kernel::id::{
    CampaignId, ClaimId, ItemRef, LocationId, PartyId, ProductId, ReasonCode, RecallId, ReturnId,
    SerialNumber,
};
use crate::kernel::Quantity;
use crate::model::{Attachment, CampaignStatus, Disposition, Fitted, ServiceKind};

/// Record a serial's installation at the customer (starts an installation-based
/// warranty).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordInstallation {
    /// Product.
    pub product: ProductId,
    /// Serial (shipped).
    pub serial: SerialNumber,
    /// Installation date.
    pub installed_on: NaiveDate,
    /// The end customer the warranty is registered to (default: the one shipped to).
    #[serde(default)]
    pub customer: Option<PartyId>,
}

/// Record a service event on a serial (inspection, repair, calibration, component
/// replacement). A fitted component is taken from stock and linked to the serial in
/// the genealogy (operation `SERVICE-<seq>`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordService {
    /// Product.
    pub product: ProductId,
    /// Serial.
    pub serial: SerialNumber,
    /// What was done.
    pub kind: ServiceKind,
    /// When (default: today).
    #[serde(default)]
    pub performed_on: Option<NaiveDate>,
    /// Who.
    pub technician: String,
    /// Findings.
    #[serde(default)]
    pub findings: String,
    /// The usage meter read (hours, cycles), if any.
    #[serde(default)]
    pub usage: Option<Quantity>,
    /// The component taken out, if any.
    #[serde(default)]
    pub removed: Option<ItemRef>,
    /// The component fitted from stock, if any.
    #[serde(default)]
    pub fitted: Option<Fitted>,
    /// Attached documents (by SHA-256).
    #[serde(default)]
    pub attachments: Vec<Attachment>,
}

/// Open a warranty claim on a serial; whether it is in warranty on the opening date is
/// recorded with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenClaim {
    /// Claim number (new).
    pub claim: ClaimId,
    /// Product.
    pub product: ProductId,
    /// Serial.
    pub serial: SerialNumber,
    /// What is wrong.
    pub description: String,
    /// Amount claimed.
    #[serde(default)]
    pub amount: Option<Quantity>,
    /// Opening date (default: today).
    #[serde(default)]
    pub opened_on: Option<NaiveDate>,
}

/// Approve or reject an open claim (needs a reason).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecideClaim {
    /// Claim number.
    pub claim: ClaimId,
    /// Approve (true) or reject.
    pub approve: bool,
    /// Amount approved (default: the amount claimed).
    #[serde(default)]
    pub amount: Option<Quantity>,
}

/// Close a decided claim.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloseClaim {
    /// Claim number.
    pub claim: ClaimId,
}

/// Start a field service campaign: every serial of the recall's affected items (or the
/// suspects' descendants) that is in the field, with its customer and ship date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartCampaign {
    /// Campaign number (new).
    pub campaign: CampaignId,
    /// What it is about.
    pub description: String,
    /// The recall it follows (its affected items).
    #[serde(default)]
    pub recall: Option<RecallId>,
    /// Or the suspects whose descendants it covers.
    #[serde(default)]
    pub suspects: Vec<ItemRef>,
}

/// Record a serial's progress in a campaign.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateCampaign {
    /// Campaign number.
    pub campaign: CampaignId,
    /// Product.
    pub product: ProductId,
    /// Serial (one the campaign covers).
    pub serial: SerialNumber,
    /// New status.
    pub status: CampaignStatus,
}

/// Add a reason to the configurable list of return reasons.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefineReturnReason {
    /// Code, e.g. `DAMAGED`.
    pub code: ReasonCode,
    /// What it means.
    pub description: String,
}

/// Authorise a customer return (RMA) of shipped lots and serials.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizeReturn {
    /// RMA number (new).
    pub rma: ReturnId,
    /// The customer.
    pub customer: PartyId,
    /// Why (a defined reason code).
    pub reason: ReasonCode,
    /// The items and the quantity of each the customer may return.
    pub items: Vec<(ItemRef, Quantity)>,
    /// When the goods are expected.
    #[serde(default)]
    pub expected_on: Option<NaiveDate>,
}

/// Record the inspection of received returned stock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InspectReturn {
    /// RMA number.
    pub rma: ReturnId,
    /// The lot or serial.
    pub item: ItemRef,
    /// Passed or not.
    pub passed: bool,
    /// What was found.
    #[serde(default)]
    pub findings: String,
}

/// Dispose of received returned stock: restock, rework, scrap or return to supplier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisposeReturn {
    /// RMA number.
    pub rma: ReturnId,
    /// The lot or serial.
    pub item: ItemRef,
    /// Where the returned stock is.
    pub location: LocationId,
    /// How much (1 for a serial).
    pub quantity: Quantity,
    /// What becomes of it.
    pub disposition: Disposition,
    /// Where it goes for restock or rework (default: where it is).
    #[serde(default)]
    pub to: Option<LocationId>,
}
