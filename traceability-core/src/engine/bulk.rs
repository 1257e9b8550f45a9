//! The bulk load path: history an ERP already has (lots with their dates and suppliers,
//! production with consumed quantities, shipments) loaded as commands, validated like
//! any command, in atomic batches, with progress after each batch.
//!
//! Automatic state snapshots are held back during the load and one is written at the
//! end when due: a snapshot costs O(state), so writing the usual ones while the state
//! grows would cost several times the final one.
//!
//! Batches are pipelined on two threads: while one batch is sealed (encoded and
//! hash-chained) and appended, the next is decided and applied to the state after it, so
//! the state may run one batch ahead of the log. The first batch, any batch after a
//! write that found other writers' events, and every batch when pipelining is off, goes
//! the ordinary way of
//! [`Tracker::execute_batch`] (catching up with the store first). When a pipelined
//! append fails (a stale append: another writer got there first; or a failing store),
//! the state is put back to the log and both batches go the ordinary way, which retries
//! a stale append and reports what stands; so a bulk load stores, and refuses, exactly
//! what batch after batch of `execute_batch` would. When `progress` stops the load, the
//! batch decided ahead is taken back out of the state (a replay of the log from the
//! latest snapshot).

use std::ops::ControlFlow;

use serde::Serialize;

use super::tracker::{seal_after, stage, Refused, Tracker};
use crate::command::Command;
use crate::event::{EventBody, Hash};
use crate::kernel::error::TraceError;
use crate::state::State;
use crate::store::EventStore;

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
    /// what was stored. `progress` may stop the load there (`ControlFlow::Break`): the
    /// batches stored stay, no other is. Stops at the first refused command with a
    /// [`BulkError`] naming it; the batches before its batch stay stored. A good batch
    /// costs O(its events), and is stored on a second thread while the next one is
    /// decided (see [`Self::set_bulk_pipelining`]); a refused one puts the state back by
    /// a replay from the latest snapshot (see [`Self::execute_batch`]). Batches of
    /// 1,000–10,000 commands suit most loads.
    ///
    /// ```
    /// use std::ops::ControlFlow;
    /// use traceability_core::*;
    /// let mut t = Tracker::in_memory();
    /// let location = |id: &str| Command::RegisterLocation(Location {
    ///     id: LocationId::new(id).unwrap(), kind: LocationKind::Internal, description: String::new(), gln: None, party: None });
    /// let commands: Vec<Command> = ["A1", "A2", "A3", "A1"].into_iter().map(location).collect();
    /// let mut seen = Vec::new();
    /// let err = t.bulk_load("import", None, commands.chunks(2), |p| {
    ///     seen.push(p.commands);
    ///     ControlFlow::Continue(())
    /// }).unwrap_err();
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
        mut progress: impl FnMut(&BulkProgress) -> ControlFlow<()>,
    ) -> Result<BulkProgress, BulkError>
    where
        B: IntoIterator,
        B::Item: AsRef<[Command]>,
    {
        let snapshot_every = std::mem::replace(&mut self.snapshot_every, 0);
        let mut load = Load {
            actor,
            reason,
            loaded: BulkProgress::default(),
            progress: &mut progress,
            stopped: false,
        };
        let outcome = self.load_batches(&mut load, batches);
        self.snapshot_every = snapshot_every;
        self.snapshot_if_due();
        outcome.map(|()| load.loaded)
    }

    /// The batches through the pipeline, the last one stored alone.
    fn load_batches<B>(&mut self, load: &mut Load<'_>, batches: B) -> Result<(), BulkError>
    where
        B: IntoIterator,
        B::Item: AsRef<[Command]>,
    {
        let mut staged = None;
        for batch in batches {
            if load.stopped {
                break;
            }
            let alone = load.loaded.batches == 0 || self.behind_writers || !self.bulk_pipelining;
            staged = match staged.take() {
                None if alone => {
                    self.load_alone(load, batch.as_ref())?;
                    None
                }
                previous => self.store_and_stage(load, previous, Some(batch))?,
            };
        }
        self.store_and_stage(load, staged, None).map(drop)
    }

    /// Stores one batch the ordinary way ([`Self::execute_batch`]).
    fn load_alone(&mut self, load: &mut Load<'_>, commands: &[Command]) -> Result<(), BulkError> {
        match self.execute_batch_at(load.actor, load.reason, commands) {
            Ok(committed) => {
                load.stored(commands.len(), committed.count);
                Ok(())
            }
            Err(refused) => Err(load.refused(refused)),
        }
    }

    /// One step of the pipeline: stores `previous` (staged) while `next` is staged after
    /// it; returns `next` staged, or `None` when it went the ordinary way.
    fn store_and_stage<C: AsRef<[Command]>>(
        &mut self,
        load: &mut Load<'_>,
        previous: Option<Staged<C>>,
        next: Option<C>,
    ) -> Result<Option<Staged<C>>, BulkError> {
        let stamp = self.stamp(load.actor, load.reason);
        let first_seq = self.next_seq + previous.as_ref().map_or(0, |p| p.bodies.len() as u64);
        let (stored, staged) =
            self.store_while(previous.as_ref().map(|p| &p.bodies[..]), |state| {
                match (&next, &stamp) {
                    (None, _) => None,
                    (Some(commands), Ok(stamp)) => {
                        Some(stage(state, stamp, first_seq, commands.as_ref()))
                    }
                    (Some(_), Err(e)) => Some(Err((Refused::batch(e.clone()), false))),
                }
            });
        if let (Some(previous), Some(stored)) = (previous, stored) {
            match stored {
                Ok((count, head)) => {
                    self.advance(count, head);
                    load.stored(previous.commands.as_ref().len(), count);
                }
                // Stale or failing: the ordinary way retries, or says what stands.
                Err(_) => {
                    self.put_back()
                        .map_err(|e| load.refused(Refused::batch(e)))?;
                    self.load_alone(load, previous.commands.as_ref())?;
                    return match next {
                        Some(next) if !load.stopped => {
                            self.load_alone(load, next.as_ref()).map(|()| None)
                        }
                        _ => Ok(None),
                    };
                }
            }
        }
        if load.stopped {
            if matches!(staged, Some(Ok(_)) | Some(Err((_, true)))) {
                self.put_back()
                    .map_err(|e| load.refused(Refused::batch(e)))?;
            }
            return Ok(None);
        }
        match (next, staged) {
            (Some(commands), Some(Ok(bodies))) => Ok(Some(Staged { commands, bodies })),
            (_, Some(Err((refused, touched)))) => {
                let refused = if touched { self.undo(refused) } else { refused };
                Err(load.refused(refused))
            }
            _ => Ok(None),
        }
    }

    /// Seals and appends `bodies` (when given) after the log on a thread of its own
    /// while `stage` runs on the state (one after the other if no thread can be
    /// started); returns what was stored (count and new head) and what `stage` gave.
    fn store_while<T>(
        &mut self,
        bodies: Option<&[EventBody]>,
        mut stage: impl FnMut(&mut State) -> T,
    ) -> (Option<Appended>, T) {
        let (next_seq, head) = (self.next_seq, self.head);
        let Some(bodies) = bodies else {
            return (None, stage(&mut self.state));
        };
        let (store, state) = (&mut self.store, &mut self.state);
        let stage = &mut stage;
        let pipelined = std::thread::scope(|scope| {
            let worker = std::thread::Builder::new()
                .name("traceability-bulk-append".into())
                .spawn_scoped(scope, || {
                    seal_and_append(store.as_mut(), next_seq, head, bodies)
                })
                .ok()?;
            let staged = stage(state);
            let stored = worker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            Some((Some(stored), staged))
        });
        pipelined.unwrap_or_else(|| {
            let stored = seal_and_append(self.store.as_mut(), next_seq, head, bodies);
            (Some(stored), stage(&mut self.state))
        })
    }
}

/// What appending a staged batch gave: how many records and the new head.
type Appended = Result<(u64, Hash), TraceError>;

/// A batch decided and applied to the state, not stored yet.
struct Staged<C> {
    commands: C,
    bodies: Vec<EventBody>,
}

/// A bulk load under way: who and why it records, what it stored so far, and whether
/// `progress` stopped it.
struct Load<'a> {
    actor: &'a str,
    reason: Option<&'a str>,
    loaded: BulkProgress,
    progress: &'a mut dyn FnMut(&BulkProgress) -> ControlFlow<()>,
    stopped: bool,
}

impl Load<'_> {
    /// Counts a stored batch of `commands` commands and `events` events; reports it.
    fn stored(&mut self, commands: usize, events: u64) {
        self.loaded.batches += 1;
        self.loaded.commands += commands as u64;
        self.loaded.events += events;
        self.stopped = (self.progress)(&self.loaded).is_break();
    }

    /// The error for the next batch, refused.
    fn refused(&self, refused: Refused) -> BulkError {
        BulkError {
            index: self.loaded.commands + refused.command.unwrap_or(0) as u64,
            batch: self.loaded.batches,
            loaded: self.loaded,
            error: refused.error,
        }
    }
}

/// Seals `bodies` as the records numbered from `next_seq` after `head` and appends them;
/// returns how many and the new head.
fn seal_and_append(
    store: &mut dyn EventStore,
    next_seq: u64,
    head: Hash,
    bodies: &[EventBody],
) -> Appended {
    let (records, head) = seal_after(next_seq, head, bodies);
    store.append_sealed(next_seq, &records)?;
    Ok((records.records().len() as u64, head))
}
