//! The bulk load path: history an ERP already has (lots with their dates and suppliers,
//! production with consumed quantities, shipments) loaded as commands, validated like
//! any command, in atomic batches, with progress after each batch.
//!
//! Automatic state snapshots are held back during the load and one is written at the
//! end when due: a snapshot costs O(state), so writing the usual ones while the state
//! grows would cost several times the final one.

use serde::Serialize;

use super::tracker::Tracker;
use crate::command::Command;
use crate::kernel::error::TraceError;

/// How far a bulk load got: what is stored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BulkProgress {
    /// Batches committed.
    pub batches: u64,
    /// Commands committed.
    pub commands: u64,
    /// Events those commands were stored as.
    pub events: u64,
}

/// A bulk load that stopped: every batch before the one holding the refused command is
/// stored ([`Self::loaded`]); that batch and the ones after it are not.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("bulk load stopped at command {index} (batch {batch}): {error}")]
pub struct BulkError {
    /// Position in the whole load (from 0) of the command refused; for a batch refused
    /// as a whole (a stale or failing store), its first command.
    pub index: u64,
    /// The batch (from 0) that was refused.
    pub batch: u64,
    /// What was stored before it.
    pub loaded: BulkProgress,
    /// Why (boxed: a [`TraceError`] is large).
    #[source]
    pub error: Box<TraceError>,
}

impl Tracker {
    /// Loads `batches` of commands, each decided against the state the commands before
    /// it left and appended atomically, calling `progress` after each batch; returns
    /// what was stored. Stops at the first refused command with a [`BulkError`] naming
    /// it; the batches before its batch stay stored. A good batch costs O(its events);
    /// a refused one puts the state back by a replay from the latest snapshot (see
    /// [`Self::execute_batch`]). Batches of 1,000–10,000 commands suit most loads.
    ///
    /// ```
    /// use traceability_core::*;
    /// let mut t = Tracker::in_memory();
    /// let location = |id: &str| Command::RegisterLocation(Location {
    ///     id: LocationId::new(id).unwrap(), kind: LocationKind::Internal, description: String::new(), gln: None, party: None });
    /// let commands: Vec<Command> = ["A1", "A2", "A3", "A1"].into_iter().map(location).collect();
    /// let mut seen = Vec::new();
    /// let err = t.bulk_load("import", None, commands.chunks(2), |p| seen.push(p.commands)).unwrap_err();
    /// assert_eq!((err.index, err.batch, err.loaded.commands), (3, 1, 2));
    /// assert_eq!(err.error.kind(), ErrorKind::DuplicateNumber);
    /// assert_eq!(seen, [2]);
    /// assert_eq!(t.head().0, 2); // the first batch is stored, the second is not
    /// ```
    pub fn bulk_load<B>(
        &mut self,
        actor: &str,
        reason: Option<&str>,
        batches: B,
        mut progress: impl FnMut(&BulkProgress),
    ) -> Result<BulkProgress, BulkError>
    where
        B: IntoIterator,
        B::Item: AsRef<[Command]>,
    {
        let snapshot_every = std::mem::replace(&mut self.snapshot_every, 0);
        let mut loaded = BulkProgress::default();
        let mut outcome = Ok(());
        for batch in batches {
            let batch = batch.as_ref();
            match self.execute_batch_at(actor, reason, batch) {
                Ok(committed) => {
                    loaded.batches += 1;
                    loaded.commands += batch.len() as u64;
                    loaded.events += committed.count;
                    progress(&loaded);
                }
                Err(refused) => {
                    outcome = Err(BulkError {
                        index: loaded.commands + refused.command.unwrap_or(0) as u64,
                        batch: loaded.batches,
                        loaded,
                        error: Box::new(refused.error),
                    });
                    break;
                }
            }
        }
        self.snapshot_every = snapshot_every;
        self.snapshot_if_due();
        outcome.map(|()| loaded)
    }
}
