//! Compliance records: electronic batch records / device history records (process
//! parameters and steps of a work order), electronic signatures bound to the content of
//! the record they sign (21 CFR Part 11 §11.50/§11.70), non-conformances and corrective
//! and preventive actions (CAPA).
//!
//! Each record keeps a [`Stamp`]: the event that recorded it, when, and who issued the
//! command. Equipment, operators, signers and owners are identifiers the embedding
//! system owns (it also authenticates signers: the library records and binds).
//!
//! ```
//! use traceability_core::{SignedRecord, WorkOrderId};
//! let record = SignedRecord::BatchRecord(WorkOrderId::new("WO-1").unwrap());
//! assert_eq!(serde_json::to_string(&record).unwrap(), r#"{"kind":"batch_record","id":"WO-1"}"#);
//! assert_eq!(record.to_string(), "batch record WO-1");
//! ```

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub use crate::kernel::id::{CapaId, NonConformanceId};
use crate::kernel::id::{ItemRef, LocationId, RecallId, WorkOrderId};
use crate::kernel::Quantity;

/// Which event recorded something, when, and who issued the command.
///
/// ```
/// use traceability_core::Stamp;
/// let stamp = Stamp { seq: 4, at: chrono::DateTime::UNIX_EPOCH, by: "ana".into() };
/// assert_eq!(stamp.by, "ana");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// Sequence number of the event.
    pub seq: u64,
    /// When it was recorded.
    pub at: DateTime<Utc>,
    /// Who issued the command.
    pub by: String,
}

/// A process parameter of a work order's batch record, flagged (not refused) when
/// outside its limits.
///
/// ```
/// use traceability_core::BatchParameter;
/// let q = |s: &str| s.parse().unwrap();
/// assert!(BatchParameter::within(q("180"), Some(q("175")), Some(q("185"))));
/// assert!(!BatchParameter::within(q("190"), None, Some(q("185"))));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchParameter {
    /// Parameter name (e.g. `oven_temperature`).
    pub name: String,
    /// Measured or set value.
    pub value: Quantity,
    /// Unit of the value.
    pub unit: String,
    /// Lower limit (inclusive).
    pub min: Option<Quantity>,
    /// Upper limit (inclusive).
    pub max: Option<Quantity>,
    /// Within the limits given (`true` without limits).
    pub within_limits: bool,
    /// Who recorded it, when.
    pub recorded: Stamp,
}

impl BatchParameter {
    /// Whether `value` is within the inclusive limits given.
    pub fn within(value: Quantity, min: Option<Quantity>, max: Option<Quantity>) -> bool {
        min.is_none_or(|lo| value >= lo) && max.is_none_or(|hi| value <= hi)
    }
}

/// A step of a work order's batch record: what was done, on which equipment, by whom.
///
/// ```
/// use traceability_core::BatchStep;
/// let step: Option<BatchStep> = None;
/// assert!(step.is_none());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchStep {
    /// Step name (e.g. `mixing`).
    pub step: String,
    /// Equipment used (the embedding system's id), if any.
    pub equipment: Option<String>,
    /// Operator who performed it (the embedding system's id).
    pub operator: String,
    /// The day it was performed.
    pub performed_on: NaiveDate,
    /// When it started, if known.
    pub started_at: Option<DateTime<Utc>>,
    /// When it finished, if known.
    pub finished_at: Option<DateTime<Utc>>,
    /// Free notes.
    pub notes: String,
    /// Who recorded it, when.
    pub recorded: Stamp,
}

/// How serious a non-conformance is.
///
/// ```
/// assert_eq!(traceability_core::Severity::Critical.to_string(), "critical");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// No effect on safety or function.
    Minor,
    /// May affect function or compliance.
    Major,
    /// May affect safety.
    Critical,
}

/// Whether a CAPA corrects a problem that happened or prevents one that could.
///
/// ```
/// assert_eq!(traceability_core::CapaKind::Preventive.to_string(), "preventive");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CapaKind {
    /// Removes the cause of a non-conformance that happened.
    Corrective,
    /// Removes the cause of a potential non-conformance.
    Preventive,
}

/// What a signature means (21 CFR Part 11 §11.50(a)(3)).
///
/// ```
/// assert_eq!(traceability_core::SignatureMeaning::Approved.to_string(), "approved");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureMeaning {
    /// The signer performed the work recorded.
    Performed,
    /// The signer reviewed the record.
    Reviewed,
    /// The signer approved the record.
    Approved,
    /// The signer verified the record (e.g. a second person check).
    Verified,
}

macro_rules! display_as_serde_name {
    ($($ty:ty),*) => {$(
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let name = serde_json::to_value(self).ok();
                f.pad(name.as_ref().and_then(|v| v.as_str()).unwrap_or_default())
            }
        }
    )*};
}
display_as_serde_name!(Severity, CapaKind, SignatureMeaning);

/// A record that can be signed. JSON: `{"kind": "batch_record" | "nonconformance" |
/// "capa", "id": "..."}` (see the module example).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id")]
pub enum SignedRecord {
    /// The batch record (device history record) of a work order.
    #[serde(rename = "batch_record")]
    BatchRecord(WorkOrderId),
    /// A non-conformance.
    #[serde(rename = "nonconformance")]
    NonConformance(NonConformanceId),
    /// A corrective or preventive action.
    #[serde(rename = "capa")]
    Capa(CapaId),
}

impl fmt::Display for SignedRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BatchRecord(id) => write!(f, "batch record {id}"),
            Self::NonConformance(id) => write!(f, "non-conformance {id}"),
            Self::Capa(id) => write!(f, "CAPA {id}"),
        }
    }
}

/// An electronic signature: who signed what, meaning what, when, and the SHA-256 of
/// the record's content at that moment (so it cannot be moved to another record, and
/// shows when the record changed since).
///
/// ```
/// use traceability_core::{Signature, SignatureMeaning};
/// let signatures: Vec<Signature> = Vec::new();
/// assert!(!signatures.iter().any(|s| s.meaning == SignatureMeaning::Approved));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    /// The record signed.
    pub record: SignedRecord,
    /// What the signature means.
    pub meaning: SignatureMeaning,
    /// The signer (authenticated by the embedding system).
    pub signer: String,
    /// Why, as given with the command (empty when none was).
    pub reason: String,
    /// SHA-256 (64 lower-case hex digits) of the record's canonical content when signed.
    pub sha256: String,
    /// The signing event, when, and who issued it.
    pub signed: Stamp,
}

/// The text that resolved something (a non-conformance's resolution, a CAPA's outcome),
/// and when.
///
/// ```
/// use traceability_core::{Resolution, Stamp};
/// let r = Resolution { text: "oven recalibrated".into(),
///     recorded: Stamp { seq: 9, at: chrono::DateTime::UNIX_EPOCH, by: "qa".into() } };
/// assert_eq!(r.recorded.seq, 9);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolution {
    /// The resolution or outcome.
    pub text: String,
    /// Who recorded it, when.
    pub recorded: Stamp,
}

/// A non-conformance: what is wrong, how serious, which lots and serials, work order
/// and recall it concerns, what its containment put on hold, and its closure.
///
/// ```
/// use traceability_core::NonConformance;
/// let open: Vec<NonConformance> = Vec::new();
/// assert!(open.iter().all(|nc| nc.closed.is_none()));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NonConformance {
    /// Its number.
    pub id: NonConformanceId,
    /// What is wrong.
    pub description: String,
    /// How serious.
    pub severity: Severity,
    /// The lots and serials concerned.
    pub items: Vec<ItemRef>,
    /// The work order concerned.
    pub work_order: Option<WorkOrderId>,
    /// The recall it belongs to.
    pub recall: Option<RecallId>,
    /// The items its containment put on hold (those already held are not repeated).
    pub contained: Vec<ItemRef>,
    /// Who opened it, when (the reason given is the event's).
    pub opened: Stamp,
    /// Its closure, once closed.
    pub closed: Option<Resolution>,
}

/// A corrective or preventive action, linked to a non-conformance, a recall (its
/// resolution actions), both or neither.
///
/// ```
/// use traceability_core::CorrectiveAction;
/// let capas: Vec<CorrectiveAction> = Vec::new();
/// assert!(capas.iter().all(|c| c.completed.is_some()));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectiveAction {
    /// Its number.
    pub id: CapaId,
    /// The non-conformance it addresses.
    pub nc: Option<NonConformanceId>,
    /// The recall it resolves.
    pub recall: Option<RecallId>,
    /// Corrective or preventive.
    pub kind: CapaKind,
    /// What is to be done.
    pub description: String,
    /// Who owns it (the embedding system's id).
    pub owner: String,
    /// When it is due.
    pub due: NaiveDate,
    /// Who added it, when.
    pub opened: Stamp,
    /// Its outcome, once completed.
    pub completed: Option<Resolution>,
}

/// A lot or serial a work order consumed or produced, where and how much.
///
/// ```
/// use traceability_core::{ItemRef, LocationId, MaterialLine, Quantity};
/// let line = MaterialLine { item: ItemRef::lot("FLOUR", "F1").unwrap(),
///     location: LocationId::new("LINE").unwrap(), quantity: Quantity::TEN, reversed: false };
/// assert!(!line.reversed);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialLine {
    /// The lot or serial.
    pub item: ItemRef,
    /// Where it was taken from or put.
    pub location: LocationId,
    /// How much.
    pub quantity: Quantity,
    /// The production was reversed since.
    pub reversed: bool,
}
