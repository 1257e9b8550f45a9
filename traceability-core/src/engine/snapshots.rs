//! State snapshots through the tracker: written on demand ([`Tracker::snapshot`]) and
//! after commits every [`crate::OpenOptions::snapshot_every`] events, used when opening
//! so that only the events after the snapshot are verified and replayed, and when a
//! refused batch is undone (the state is rebuilt from the snapshot, not from the start).
//!
//! A snapshot is a cache: it is used only when the log's event `seq - 1` still has the
//! hash the snapshot names (so a snapshot of another log, of a rewritten log or of a
//! longer log than the store now holds is never used), and a snapshot that cannot be
//! used is ignored with a warning ([`Tracker::warnings`]) and the log replayed. Deleting
//! snapshots never loses data.

use super::tracker::Tracker;
use crate::kernel::error::TraceError;
use crate::state::{SnapshotPosition, State};

impl Tracker {
    /// Writes a snapshot of the current state to the store (replacing the previous
    /// one) and returns the number of events it covers. O(state). A salvaged tracker
    /// refuses ([`TraceError::ReadOnly`]); a store that keeps no snapshots accepts and
    /// drops it.
    ///
    /// ```
    /// use traceability_core::*;
    /// let mut t = Tracker::in_memory();
    /// t.execute("ana", None, &Command::RegisterLocation(Location {
    ///     id: LocationId::new("A1").unwrap(), kind: LocationKind::Internal, description: String::new(), gln: None, party: None })).unwrap();
    /// assert_eq!(t.snapshot().unwrap(), 1);
    /// ```
    pub fn snapshot(&mut self) -> Result<u64, TraceError> {
        self.refresh()?;
        let position = SnapshotPosition {
            seq: self.next_seq,
            head: self.head,
        };
        let bytes = self.state.to_snapshot(position);
        self.store.save_snapshot(position.seq, bytes)?;
        self.snapshot_seq = position.seq;
        Ok(position.seq)
    }

    /// What opening or snapshotting noticed without failing, oldest first: a snapshot
    /// ignored (and why), a snapshot that could not be written after a commit.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// After a commit: writes a snapshot when [`crate::OpenOptions::snapshot_every`]
    /// events, and at least a quarter of what the last snapshot covered, were appended
    /// since it (so snapshot writing costs O(1) amortised per event). A failure is a
    /// warning: the commit stands and the log is complete without the cache.
    pub(super) fn snapshot_if_due(&mut self) {
        let since = self.next_seq - self.snapshot_seq.min(self.next_seq);
        if self.snapshot_every == 0 || since < self.snapshot_every.max(self.snapshot_seq / 4) {
            return;
        }
        if let Err(e) = self.snapshot() {
            self.warnings.push(format!(
                "no snapshot written at event {}: {e}",
                self.next_seq
            ));
            // Try again only after another interval: a snapshot the store cannot take
            // (e.g. beyond its 1 GB value limit) must not cost every following commit
            // a full serialisation of the state.
            self.snapshot_seq = self.next_seq;
        }
    }

    /// Before the first refresh of an opening tracker: adopts the store's latest
    /// snapshot when it matches the log, else notes why not.
    pub(super) fn restore_snapshot(&mut self) {
        match self.matching_snapshot() {
            Ok(Some((position, state))) => {
                self.state = state;
                (self.next_seq, self.head) = (position.seq, position.head);
                self.snapshot_seq = position.seq;
            }
            Ok(None) => {}
            Err(why) => self.warnings.push(format!(
                "state snapshot ignored, the log is replayed: {why}"
            )),
        }
    }

    /// The store's snapshot, when snapshots are on and it matches the log and covers
    /// no more than the first `end` events: where rebuilding the state can start.
    pub(super) fn snapshot_before(&self, end: u64) -> Option<(SnapshotPosition, State)> {
        if self.snapshot_every == 0 {
            return None;
        }
        self.matching_snapshot()
            .ok()
            .flatten()
            .filter(|(position, _)| position.seq <= end)
    }

    fn matching_snapshot(&self) -> Result<Option<(SnapshotPosition, State)>, String> {
        let read = |e: TraceError| format!("cannot read it: {e}");
        let Some(bytes) = self.store.latest_snapshot().map_err(read)? else {
            return Ok(None);
        };
        let (position, state) = State::from_snapshot(&bytes)?;
        if position.seq == 0 {
            return Ok(Some((position, state)));
        }
        let last = self.store.read_one(position.seq - 1).map_err(read)?;
        match last {
            Some(event) if event.hash == position.head => Ok(Some((position, state))),
            Some(_) => Err(format!(
                "event {} of the log is not the one the snapshot was taken after",
                position.seq - 1
            )),
            None => Err(format!(
                "it covers {} events, the log holds fewer",
                position.seq
            )),
        }
    }
}
