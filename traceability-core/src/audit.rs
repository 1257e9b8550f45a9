//! Verification of the hash chain: the tamper evidence of the audit trail.

use crate::error::{Damage, TraceError};
use crate::event::{chain_hash, Hash, GENESIS_HASH};
use crate::store::EventStore;

/// Walks the whole log and recomputes every hash. Returns the number of events checked,
/// or [`TraceError::Tampered`] naming the first event that was altered, removed,
/// inserted or moved.
///
/// Truncating the newest events leaves a valid shorter chain: record
/// [`crate::Tracker::head`] elsewhere (an ERP table, a signed report) to detect that too.
///
/// ```
/// use traceability_core::{audit::verify, store::MemoryStore};
/// assert_eq!(verify(&MemoryStore::default()).unwrap(), 0);
/// ```
pub fn verify(store: &dyn EventStore) -> Result<u64, TraceError> {
    let mut expected_seq = 0u64;
    let mut prev: Hash = GENESIS_HASH;
    store.read_from(0, &mut |event| {
        let tampered =
            |detail: &str| TraceError::tampered(expected_seq, Damage::BodyAltered, detail);
        if event.seq != expected_seq {
            return Err(tampered(&format!(
                "found event numbered {} where {expected_seq} belongs",
                event.seq
            )));
        }
        if event.prev_hash != prev {
            return Err(tampered(
                "previous-hash link does not match the preceding event",
            ));
        }
        if chain_hash(&prev, event.seq, &event.body) != event.hash {
            return Err(tampered("content does not match its hash"));
        }
        prev = event.hash;
        expected_seq += 1;
        Ok(())
    })?;
    Ok(expected_seq)
}
