//! The domain model: master data (products, locations, parties), the tracked things
//! themselves (lots, serials) with their stock, quality records and recall records,
//! and after the sale: warranties, service, claims, campaigns and return authorisations.
//! The identifiers, quantities and vocabularies they are built from live in
//! [`crate::kernel`] and are re-exported here.
//!
//! Quantities are [`Quantity`] (an exact decimal, never a binary float); dates are
//! [`chrono::NaiveDate`]; instants are UTC.

mod lot;
mod master;
mod numbering;
mod packing;
mod quality;
mod recall;
mod returns;
mod serial;
mod service;

pub use crate::kernel::id::{
    CampaignId, ClaimId, ContainerId, ItemRef, LocationId, LotKey, LotNumber, OrderId, PartyId,
    ProductId, ReasonCode, RecallId, ReturnId, SchemeId, SerialNumber, ShipmentId, WorkOrderId,
};
pub use crate::kernel::vocab::{PartyRole, SerialStatus, Tracking};
pub use crate::kernel::Quantity;
pub use lot::{Lot, LotDates, LotDetails, Origin, QualityStatus, StockLine};
pub use master::{Location, LocationKind, Party, Product};
pub use numbering::{IssuedNumber, NumberingScheme, SequenceOwner};
pub use packing::{Container, PackedItem};
pub use quality::{Certificate, LotQuality, QualityDecision, TestResult};
pub use recall::RecallRecord;
pub use returns::{Disposition, Inspection, ReturnAuthorization, ReturnLine, ReturnReason};
pub use serial::Serial;
pub use service::{
    Attachment, Campaign, CampaignSerial, CampaignStatus, Claim, ClaimStatus, Fitted, ServiceKind,
    ServiceRecord, WarrantyStart, WarrantyStatus, WarrantyTerms,
};

mod compliance;
pub use compliance::{
    BatchParameter, BatchStep, CapaId, CapaKind, CorrectiveAction, MaterialLine, NonConformance,
    NonConformanceId, Resolution, Severity, Signature, SignatureMeaning, SignedRecord, Stamp,
};
