//! Compliance commands: a work order's batch record (process parameters and steps),
//! electronic signatures, non-conformances and corrective and preventive actions
//! (CAPA). See [`crate::capability::compliance`] for the rules.
//!
//! ```
//! use traceability_core::{Command, SignRecord};
//! let json = r#"{"sign_record": {"record": {"kind": "batch_record", "id": "WO-1"},
//!     "meaning": "approved", "signer": "qa.lead"}}"#;
//! let command: Command = serde_json::from_str(json).unwrap();
//! assert!(matches!(command, Command::SignRecord(SignRecord { .. })));
//! ```

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::kernel::id::{CapaId, ItemRef, NonConformanceId, RecallId, WorkOrderId};
use crate::kernel::Quantity;
use crate::model::{CapaKind, Severity, SignatureMeaning, SignedRecord};

/// Record a process parameter in a work order's batch record; a value outside the
/// limits is recorded and flagged, not refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordBatchParameter {
    /// The work order (the embedding system's; it need not have produced yet).
    pub work_order: WorkOrderId,
    /// Parameter name (an identifier, e.g. `oven_temperature`).
    pub name: String,
    /// The value, exact.
    pub value: Quantity,
    /// Its unit.
    #[serde(default)]
    pub unit: String,
    /// Lower limit (inclusive).
    #[serde(default)]
    pub min: Option<Quantity>,
    /// Upper limit (inclusive).
    #[serde(default)]
    pub max: Option<Quantity>,
}

/// Record a step performed for a work order: the step, the equipment, the operator,
/// when, and notes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordBatchStep {
    /// The work order.
    pub work_order: WorkOrderId,
    /// Step name (an identifier, e.g. `mixing`).
    pub step: String,
    /// Equipment used (an identifier), if any.
    #[serde(default)]
    pub equipment: Option<String>,
    /// Operator who performed it (an identifier).
    pub operator: String,
    /// The day it was performed (default: today).
    #[serde(default)]
    pub performed_on: Option<NaiveDate>,
    /// When it started.
    #[serde(default)]
    pub started_at: Option<DateTime<Utc>>,
    /// When it finished (not before `started_at`).
    #[serde(default)]
    pub finished_at: Option<DateTime<Utc>>,
    /// Free notes.
    #[serde(default)]
    pub notes: String,
}

/// Sign a record electronically: the signer and meaning are bound, with the time, to
/// the SHA-256 of the record's content as it is now. The reason is the command's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignRecord {
    /// The record signed.
    pub record: SignedRecord,
    /// What the signature means.
    pub meaning: SignatureMeaning,
    /// Who signs (an identifier; the embedding system authenticates them).
    pub signer: String,
}

/// Open a non-conformance on lots, serials, a work order or a recall; with
/// `containment_hold` the same command puts the items on hold (needs a reason).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenNonConformance {
    /// The new non-conformance number.
    pub id: NonConformanceId,
    /// What is wrong.
    pub description: String,
    /// How serious.
    pub severity: Severity,
    /// The lots and serials concerned.
    #[serde(default)]
    pub items: Vec<ItemRef>,
    /// The work order concerned.
    #[serde(default)]
    pub work_order: Option<WorkOrderId>,
    /// The recall it belongs to.
    #[serde(default)]
    pub recall: Option<RecallId>,
    /// Put the items not yet held on hold, in the same command.
    #[serde(default)]
    pub containment_hold: bool,
}

/// Add a corrective or preventive action, for a non-conformance, a recall (one of its
/// resolution actions), both or neither.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddCorrectiveAction {
    /// The new CAPA number.
    pub id: CapaId,
    /// The open non-conformance it addresses.
    #[serde(default)]
    pub nc: Option<NonConformanceId>,
    /// The recall it resolves.
    #[serde(default)]
    pub recall: Option<RecallId>,
    /// Corrective or preventive.
    pub kind: CapaKind,
    /// What is to be done.
    pub description: String,
    /// Who owns it (an identifier).
    pub owner: String,
    /// When it is due.
    pub due: NaiveDate,
}

/// Complete a CAPA with its outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompleteCorrectiveAction {
    /// The CAPA.
    pub id: CapaId,
    /// What was done and found.
    pub outcome: String,
}

/// Close a non-conformance with its resolution; refused while any of its CAPAs is open.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloseNonConformance {
    /// The non-conformance.
    pub id: NonConformanceId,
    /// How it was resolved (disposition of the items included).
    pub resolution: String,
}
