//! Recall records: every recall, with or without a hold, as the audit trail keeps it
//! ("maintain recall history", "document corrective actions").

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::kernel::id::{ItemRef, RecallId};

/// One recall as recorded: who asked, when and why, the suspects, every affected lot
/// and serial found by the forward trace at that moment, and which of them it put on
/// hold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecallRecord {
    /// The recall number.
    pub recall: RecallId,
    /// Sequence number of the event that recorded it.
    pub seq: u64,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// Who recorded it.
    pub actor: String,
    /// Why.
    pub reason: String,
    /// The suspect lots and serials.
    pub suspects: Vec<ItemRef>,
    /// The suspects and every lot and serial made from them, in trace order.
    pub affected: Vec<ItemRef>,
    /// The affected items this recall put on hold (empty when it did not hold).
    pub held: Vec<ItemRef>,
}
