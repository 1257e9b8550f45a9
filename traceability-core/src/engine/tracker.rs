//! The [`Tracker`]: a store, the state replayed from it, and a clock. Commands go in,
//! are validated, appended atomically, then applied; queries read the state.

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::retry::{is_stale, FirstAttempt};
use crate::command::Command;
use crate::decide::{decide, Context};
use crate::event::audit;
use crate::event::checkpoint::{self, Checkpoint, SigningKey, VerifyingKey};
use crate::event::conflict::ConflictKeys;
use crate::event::record::BodyEncoder;
use crate::event::{
    Event, EventBody, EventPayload, Hash, Sealed, StoredEvent, GENESIS_HASH, SCHEMA_VERSION,
};
use crate::kernel::clock::{Clock, SystemClock};
use crate::kernel::error::{Damage, TraceError};
use crate::kernel::id::{interning, ItemRef, LocationId};
use crate::state::State;
use crate::store::{Appended, EventStore, MemoryStore, SqliteStore};

/// The sequence numbers a command (or batch) was stored under: `first..first + count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Committed {
    /// Sequence number of the first event written.
    pub first_seq: u64,
    /// How many events were written.
    pub count: u64,
}

/// How [`Tracker::open_with`] and [`Tracker::with_store_options`] open a store.
///
/// ```
/// use traceability_core::OpenOptions;
/// let opts = OpenOptions::default();
/// assert!(opts.verify && !opts.salvage && opts.snapshot_every == 100_000);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpenOptions {
    /// Recompute every replayed event's hash (the default). `false` is the trusted fast
    /// path: numbering and links are still checked, contents are not (run
    /// [`Tracker::verify`] later).
    pub verify: bool,
    /// When the log cannot be verified or replayed, open it read-only up to the event
    /// before the first bad one instead of failing. [`Tracker::damage`] then says what
    /// stopped the replay, and commands are refused with [`TraceError::ReadOnly`].
    pub salvage: bool,
    /// Open from the store's latest state snapshot when it matches the log (then only
    /// the events after it are verified and replayed; [`Tracker::verify`] checks the
    /// whole chain), and write a new one after a commit once this many events (and at
    /// least a quarter of what the last snapshot covered) were appended since the last.
    /// 0: never read or write snapshots.
    pub snapshot_every: u64,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self {
            verify: true,
            salvage: false,
            snapshot_every: 100_000,
        }
    }
}

/// The traceability engine over one event store.
///
/// ```
/// use traceability_core::*;
/// let mut t = Tracker::in_memory();
/// let flour = ProductId::new("FLOUR").unwrap();
/// t.execute("alice", None, &Command::RegisterProduct(Product::new(flour.clone(), Tracking::Lot))).unwrap();
/// t.execute("alice", None, &Command::RegisterLocation(Location {
///     id: LocationId::new("DOCK").unwrap(), kind: LocationKind::Receiving, description: String::new(), gln: None, party: None })).unwrap();
/// t.execute("alice", None, &Command::ReceiveLot(ReceiveLot {
///     spec: LotSpec::new(flour.clone(), LotNumber::new("L1").unwrap()),
///     quantity: "12.5".parse().unwrap(), location: LocationId::new("DOCK").unwrap(),
///     supplier: None, received_on: None, reference: None })).unwrap();
/// let lot = t.state().lot(&flour, &LotNumber::new("L1").unwrap()).unwrap();
/// assert_eq!(lot.on_hand().to_string(), "12.5");
/// assert_eq!(t.verify().unwrap(), 3);
/// ```
pub struct Tracker {
    pub(super) store: Box<dyn EventStore>,
    pub(super) state: State,
    clock: Arc<dyn Clock>,
    pub(super) next_seq: u64,
    pub(super) head: Hash,
    /// Recompute hashes when reading events (see [`OpenOptions::verify`]).
    verify_on_read: bool,
    /// Why a salvaged tracker stopped replaying; such a tracker is read-only.
    damage: Option<TraceError>,
    /// See [`OpenOptions::snapshot_every`] (0: snapshots off).
    pub(super) snapshot_every: u64,
    /// The number of events the latest snapshot written or used covers (or the event
    /// count at the last failed attempt to write one).
    pub(super) snapshot_seq: u64,
    /// What opening or snapshotting noticed without failing (e.g. an ignored snapshot).
    pub(super) warnings: Vec<String>,
    /// The last write began behind the store: other writers are busy, so the next one
    /// catches up before it decides rather than risk a stale append (see `retry`).
    pub(super) behind_writers: bool,
    /// See [`Self::set_bulk_pipelining`].
    pub(super) bulk_pipelining: bool,
}

impl Tracker {
    /// A tracker on a fresh in-memory store with the system clock.
    pub fn in_memory() -> Self {
        Self::unopened(
            Box::new(MemoryStore::default()),
            Arc::new(SystemClock),
            true,
        )
    }

    fn unopened(store: Box<dyn EventStore>, clock: Arc<dyn Clock>, verify_on_read: bool) -> Self {
        Self {
            store,
            state: State::default(),
            clock,
            next_seq: 0,
            head: GENESIS_HASH,
            verify_on_read,
            damage: None,
            snapshot_every: 0,
            snapshot_seq: 0,
            warnings: Vec::new(),
            behind_writers: false,
            bulk_pipelining: true,
        }
    }

    /// Opens (or creates) the store at `path`, verifies its hash chain and replays it:
    /// a SQLite file, or a PostgreSQL database given by a `postgresql://` (or
    /// `postgres://`) URL (see [`crate::store`]; needs the `postgres` feature). An empty
    /// path is refused (SQLite would open a temporary database and lose everything
    /// written to it).
    pub fn open(path: impl AsRef<Path>) -> Result<Self, TraceError> {
        Self::open_with(path, OpenOptions::default())
    }

    /// [`Self::open`] with explicit [`OpenOptions`] (skip hash verification, or
    /// salvage a damaged log read-only).
    ///
    /// ```
    /// use traceability_core::{OpenOptions, Tracker};
    /// let dir = std::env::temp_dir().join(format!("tr-open-with-{}.db", std::process::id()));
    /// let options = OpenOptions { verify: false, salvage: true, ..OpenOptions::default() };
    /// let t = Tracker::open_with(&dir, options).unwrap();
    /// assert!(t.damage().is_none());
    /// # drop(t); let _ = std::fs::remove_file(&dir);
    /// assert!(Tracker::open("  ").is_err());
    /// ```
    pub fn open_with(path: impl AsRef<Path>, options: OpenOptions) -> Result<Self, TraceError> {
        let path = path.as_ref();
        let text = path.as_os_str().to_string_lossy();
        if text.trim().is_empty() {
            return Err(TraceError::invalid("path", "must not be empty"));
        }
        let store: Box<dyn EventStore> = match postgres_url(&text) {
            Some(url) => open_postgres(url)?,
            None => Box::new(SqliteStore::open(path)?),
        };
        Self::with_store_options(store, Arc::new(SystemClock), options)
    }

    /// A tracker over any store, verifying and replaying what it holds.
    pub fn with_store(
        store: Box<dyn EventStore>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, TraceError> {
        Self::with_store_options(store, clock, OpenOptions::default())
    }

    /// A tracker over any store, opened with `options`.
    pub fn with_store_options(
        store: Box<dyn EventStore>,
        clock: Arc<dyn Clock>,
        options: OpenOptions,
    ) -> Result<Self, TraceError> {
        let mut tracker = Self::unopened(store, clock, options.verify);
        tracker.snapshot_every = options.snapshot_every;
        if options.snapshot_every > 0 {
            tracker.restore_snapshot();
        }
        match tracker.refresh() {
            Ok(()) => Ok(tracker),
            Err(damage) if options.salvage && damage.bad_event().is_some() => {
                tracker.damage = Some(damage);
                Ok(tracker)
            }
            Err(e) => Err(e),
        }
    }

    /// Why a tracker opened with [`OpenOptions::salvage`] stopped replaying (the first
    /// bad event, typed), or `None` for a healthy log. A damaged tracker answers queries
    /// about the history up to the event before it and refuses commands.
    pub fn damage(&self) -> Option<&TraceError> {
        self.damage.as_ref()
    }

    /// Replaces the clock (e.g. with a [`crate::FixedClock`]).
    pub fn set_clock(&mut self, clock: Arc<dyn Clock>) {
        self.clock = clock;
    }

    /// Whether [`Self::bulk_load`] stores each batch on a second thread while the next
    /// is decided (the default). Off, each batch is decided and stored before the next,
    /// as [`Self::execute_batch`] does. Turn it off where no second core is free for it:
    /// on one core, or when the caller keeps one busy feeding the load (the Python
    /// package parses the next batch meanwhile).
    pub fn set_bulk_pipelining(&mut self, on: bool) {
        self.bulk_pipelining = on;
    }

    /// Now, by the tracker's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The current state, for queries.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The number of events and the hash of the last one: record it elsewhere to detect
    /// a truncated log later.
    pub fn head(&self) -> (u64, Hash) {
        (self.next_seq, self.head)
    }

    /// Applies events that other writers appended to a shared store since we last looked.
    /// Each is checked against the hash chain first ([`audit::Chain`]: numbering, link
    /// and, unless opened with `verify: false`, the recomputed hash), so an altered,
    /// removed or inserted event is refused with [`TraceError::Tampered`] naming it
    /// before anything of it reaches the state; a store that now holds fewer events than
    /// already read is [`Damage::Truncated`]; an intact event the state cannot take is
    /// [`TraceError::Unreplayable`]. On any of these the state is left at the last good
    /// event. A salvaged tracker refuses with [`TraceError::ReadOnly`].
    pub fn refresh(&mut self) -> Result<(), TraceError> {
        self.refuse_if_salvaged()?;
        let stored = self.store.next_seq()?;
        self.catch_up(stored, Vec::new())
    }

    /// Refused with [`TraceError::ReadOnly`] when opened by salvage.
    pub(super) fn refuse_if_salvaged(&self) -> Result<(), TraceError> {
        match &self.damage {
            Some(damage) => Err(TraceError::ReadOnly(format!(
                "opened up to event {}: {damage}",
                self.next_seq
            ))),
            None => Ok(()),
        }
    }

    /// Reads the events from `next_seq` up to `stored` (the store's next seq), the
    /// `first` of them already fetched.
    pub(super) fn catch_up(
        &mut self,
        stored: u64,
        first: Vec<StoredEvent>,
    ) -> Result<(), TraceError> {
        if stored == self.next_seq {
            return Ok(());
        }
        if stored < self.next_seq {
            return Err(TraceError::tampered(
                stored,
                Damage::Truncated,
                format!(
                    "the store holds {stored} events, but {} were already read from it",
                    self.next_seq
                ),
            ));
        }
        // Ids decoded from the tail share their text (see `interning`).
        let read = interning(|| self.read_tail(stored, first));
        if let Some(bad) = read.as_ref().err().and_then(TraceError::bad_event) {
            // A failed apply may have changed part of the state, and a damaged event
            // may be named before ones already applied: rebuild up to the good prefix.
            if bad < self.next_seq || matches!(read, Err(TraceError::Unreplayable { .. })) {
                self.rebuild_until(bad)?;
            }
        }
        read
    }

    /// Waits up to `timeout` for other writers to append to a shared store, then reads
    /// what they appended; returns the number of new events (0 when none came). On
    /// PostgreSQL it waits for the append notifications (LISTEN/NOTIFY); other stores
    /// are polled.
    pub fn wait_for_events(&mut self, timeout: std::time::Duration) -> Result<u64, TraceError> {
        let before = self.next_seq;
        if self.damage.is_none() && !self.store.wait_for_append(before, timeout)? {
            return Ok(0);
        }
        self.refresh()?;
        Ok(self.next_seq - before)
    }

    /// Checks, decodes and applies the events from `next_seq` up to `stored` (and any
    /// later ones the store has by then): the `first` ones given, then the rest read
    /// from the store.
    fn read_tail(&mut self, stored: u64, first: Vec<StoredEvent>) -> Result<(), TraceError> {
        // Where the store is read from once the first ones are applied (each is checked
        // to follow the one before).
        let rest = self.next_seq + first.len() as u64;
        let mut chain = audit::Chain::at(self.next_seq, self.head);
        let store = self.store.as_ref();
        let verify = self.verify_on_read;
        let (state, next_seq, head) = (&mut self.state, &mut self.next_seq, &mut self.head);
        let mut visit = |stored: StoredEvent| {
            follow(&mut chain, &stored, store, verify)?;
            replay(state, &stored)?;
            (*next_seq, *head) = (chain.next_seq(), chain.head());
            Ok(())
        };
        first.into_iter().try_for_each(&mut visit)?;
        match rest < stored {
            true => store.read_from(rest, &mut visit),
            false => Ok(()),
        }
    }

    /// Replaces the state with the replay of the events before `end` (already checked
    /// once: numbering and links are checked again, hashes trusted), starting from the
    /// latest matching snapshot at or before `end` when snapshots are on, else from the
    /// start. Whatever the store holds from `end` on, damaged or not, is not looked at
    /// once the prefix is complete.
    fn rebuild_until(&mut self, end: u64) -> Result<(), TraceError> {
        interning(|| self.rebuild_until_interning(end))
    }

    /// [`Self::rebuild_until`], with interning on.
    fn rebuild_until_interning(&mut self, end: u64) -> Result<(), TraceError> {
        let (mut state, mut chain) = match self.snapshot_before(end) {
            Some((position, state)) => (state, audit::Chain::at(position.seq, position.head)),
            None => (State::default(), audit::Chain::genesis()),
        };
        let store = self.store.as_ref();
        let read = store.read_from(chain.next_seq(), &mut |stored| {
            if chain.next_seq() < end {
                follow(&mut chain, &stored, store, false)?;
                replay(&mut state, &stored)?;
            }
            Ok(())
        });
        if chain.next_seq() < end {
            read?;
            let seq = chain.next_seq();
            return Err(TraceError::tampered(
                seq,
                Damage::Missing,
                "event missing from the store",
            ));
        }
        (self.state, self.next_seq, self.head) = (state, chain.next_seq(), chain.head());
        Ok(())
    }

    /// Rebuilds the state by replaying the store. The bindings call it after they
    /// caught a panic, so a handle whose in-memory state may be half-updated becomes
    /// consistent with its log again.
    pub fn reload(&mut self) -> Result<(), TraceError> {
        self.rebuild_until(self.next_seq)?;
        if self.damage.is_some() {
            return Ok(());
        }
        self.refresh()
    }

    /// Validates one command, appends its events atomically, applies them.
    /// On any error nothing changes. When another writer appended to a shared store
    /// first, the command is decided again against the new state (up to
    /// [`super::STALE_RETRIES`] times) before [`TraceError::StaleWriter`] is reported.
    pub fn execute(
        &mut self,
        actor: &str,
        reason: Option<&str>,
        command: &Command,
    ) -> Result<Committed, TraceError> {
        self.execute_planned(actor, reason, command, |ctx| {
            Ok((decide(ctx, command)?, ()))
        })
        .map(|(committed, ())| committed)
    }

    /// Like [`Self::execute`], with the events computed by `plan` from the current
    /// context, which may also return a result (e.g. what an allocation reserved);
    /// `plan` decides `command`.
    pub(super) fn execute_planned<T>(
        &mut self,
        actor: &str,
        reason: Option<&str>,
        command: &Command,
        plan: impl Fn(&Context<'_>) -> Result<(Vec<EventPayload>, T), TraceError>,
    ) -> Result<(Committed, T), TraceError> {
        // Only a store that checks conflict keys can take a stale command as decided.
        let first = match command.commutes() && self.store.keeps_conflict_keys() {
            true => FirstAttempt::Commuting,
            false => FirstAttempt::AsRead,
        };
        // Nothing is applied before the append succeeds: a stale one costs no undo.
        let (records, bodies, head, result, appended) = self.writing(
            first,
            |t| {
                let (payloads, result) = plan(&t.context(reason))?;
                let bodies = t.bodies(actor, reason, payloads)?;
                let (records, head) = t.seal(&bodies);
                let appended = t.append_own(&records, &bodies, Some(command))?;
                Ok((records, bodies, head, result, appended))
            },
            is_stale,
            |e| e,
        )?;
        let count = records.records().len() as u64;
        if let Appended::AfterOthers(tail) = appended {
            return Ok((self.read_own_append(tail, count)?, result));
        }
        for (record, body) in records.records().iter().zip(&bodies) {
            if let Err(e) = self.state.apply(record.seq, body) {
                // Unreachable for decided events (decide checks everything apply
                // needs); if it ever happens, resynchronise the state with the log.
                let _ = self.reload();
                return Err(TraceError::Unreplayable {
                    seq: record.seq,
                    detail: e.to_string(),
                });
            }
        }
        Ok((self.advance(count, head), result))
    }

    /// Appends this tracker's own records, with their conflict keys when the store
    /// keeps them; decided by one `command`, they may be appended after events it
    /// missed when it commutes ([`ConflictKeys::of_command`]).
    pub(super) fn append_own(
        &mut self,
        records: &Sealed,
        bodies: &[EventBody],
        command: Option<&Command>,
    ) -> Result<Appended, TraceError> {
        if !self.store.keeps_conflict_keys() {
            self.store.append_sealed(self.next_seq, records)?;
            return Ok(Appended::AsExpected);
        }
        let payloads = || bodies.iter().map(|b| &b.payload);
        let (keys, commute) = match command.and_then(|c| ConflictKeys::of_command(c, payloads())) {
            Some(keys) => (keys, true),
            None => (ConflictKeys::of(payloads()), false),
        };
        self.store
            .append_keyed(self.next_seq, records, &keys, commute)
    }

    /// After the store appended this tracker's `count` events after other writers'
    /// (the `tail` from this tracker's next seq on, ending with its own as the store
    /// chained them): reads the tail like a refresh, which checks and applies theirs
    /// and then its own.
    fn read_own_append(
        &mut self,
        tail: Vec<StoredEvent>,
        count: u64,
    ) -> Result<Committed, TraceError> {
        let end = tail.last().map_or(self.next_seq, |last| last.seq + 1);
        self.catch_up(end, tail)?;
        self.snapshot_if_due();
        Ok(Committed {
            first_seq: end - count,
            count,
        })
    }

    /// Validates and applies many commands as one atomic append: either every command
    /// is valid (each seeing the effects of those before it) and all are stored, or
    /// nothing changes.
    ///
    /// The commands are decided and applied to the live state one after the other, so a
    /// good batch costs O(its events) whatever the size of the state. A batch refused at
    /// its first command that yields events costs nothing more: nothing was applied. A
    /// batch refused later (or a failed append) puts the state back by replaying the log,
    /// which holds none of the batch, from the latest snapshot: that costs a snapshot read
    /// and a replay, so validate rows you doubt first (e.g. with small batches).
    pub fn execute_batch(
        &mut self,
        actor: &str,
        reason: Option<&str>,
        commands: &[Command],
    ) -> Result<Committed, TraceError> {
        self.execute_batch_at(actor, reason, commands)
            .map_err(|refused| *refused.error)
    }

    /// [`Self::execute_batch`], saying which command was refused.
    pub(super) fn execute_batch_at(
        &mut self,
        actor: &str,
        reason: Option<&str>,
        commands: &[Command],
    ) -> Result<Committed, Refused> {
        self.writing(
            FirstAttempt::Current,
            |t| t.try_batch(actor, reason, commands),
            |refused| refused.command.is_none() && is_stale(&refused.error),
            Refused::batch,
        )
    }

    /// One attempt of [`Self::execute_batch_at`].
    fn try_batch(
        &mut self,
        actor: &str,
        reason: Option<&str>,
        commands: &[Command],
    ) -> Result<Committed, Refused> {
        let bodies = match self.stage_batch(actor, reason, commands) {
            Ok(bodies) => bodies,
            Err((refused, false)) => return Err(refused),
            Err((refused, true)) => return Err(self.undo(refused)),
        };
        let (records, head) = self.seal(&bodies);
        match self.append_own(&records, &bodies, None) {
            Ok(_) => Ok(self.advance(records.records().len() as u64, head)),
            Err(e) => Err(self.undo(Refused::batch(e))),
        }
    }

    /// Puts the state back after a refused batch changed it, by replaying the log (which
    /// holds none of the batch) from the latest snapshot.
    pub(super) fn undo(&mut self, refused: Refused) -> Refused {
        match self.put_back() {
            Ok(()) => refused,
            Err(unreadable) => Refused::batch(unreadable),
        }
    }

    /// Puts the state back to the log after staging changed it, by replaying the log from
    /// the latest snapshot; when the log cannot be read, see [`Self::give_up`].
    pub(super) fn put_back(&mut self) -> Result<(), TraceError> {
        self.rebuild_until(self.next_seq)
            .map_err(|unreadable| self.give_up(unreadable))
    }

    /// After the log could not be read back to undo a refused batch, the state may hold
    /// part of it: empty it and refuse commands until the store is reopened.
    fn give_up(&mut self, unreadable: TraceError) -> TraceError {
        self.state = State::default();
        (self.next_seq, self.head) = (0, GENESIS_HASH);
        self.damage = Some(unreadable.clone());
        unreadable
    }

    /// Decides and applies `commands` after the events stored so far (see [`stage`]).
    fn stage_batch(
        &mut self,
        actor: &str,
        reason: Option<&str>,
        commands: &[Command],
    ) -> Result<Vec<EventBody>, (Refused, bool)> {
        let stamp = self
            .stamp(actor, reason)
            .map_err(|e| (Refused::batch(e), false))?;
        stage(&mut self.state, &stamp, self.next_seq, commands)
    }

    pub(super) fn context<'a>(&'a self, reason: Option<&'a str>) -> Context<'a> {
        Context {
            state: &self.state,
            today: self.clock.now().date_naive(),
            reason,
        }
    }

    /// The recorded form of decided events: who (a valid identifier), why (checked free
    /// text, blank meaning none), when (the clock, once for all of them).
    pub(super) fn bodies(
        &self,
        actor: &str,
        reason: Option<&str>,
        payloads: Vec<EventPayload>,
    ) -> Result<Vec<EventBody>, TraceError> {
        Ok(self.stamp(actor, reason)?.bodies(payloads))
    }

    /// Who and why, checked, and when by the clock: what the events of one command or
    /// one batch are recorded with.
    pub(super) fn stamp(&self, actor: &str, reason: Option<&str>) -> Result<Stamp, TraceError> {
        let actor = crate::kernel::text::identifier("actor", actor)?;
        if let Some(reason) = reason {
            crate::kernel::text::free_text("reason", reason)?;
        }
        Ok(Stamp {
            recorded_at: self.clock.now(),
            actor: actor.into(),
            reason: reason
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(Arc::from),
        })
    }

    /// Hash-chains `bodies` after the current head; returns the records and the new head.
    pub(super) fn seal(&self, bodies: &[EventBody]) -> (Sealed, Hash) {
        seal_after(self.next_seq, self.head, bodies)
    }

    pub(super) fn advance(&mut self, count: u64, head: Hash) -> Committed {
        let committed = Committed {
            first_seq: self.next_seq,
            count,
        };
        self.next_seq += count;
        self.head = head;
        self.snapshot_if_due();
        committed
    }

    /// Recomputes the whole hash chain; see [`audit::verify`].
    pub fn verify(&self) -> Result<u64, TraceError> {
        audit::verify(self.store.as_ref())
    }

    /// Signs the head this tracker has read and verified (count and hash of
    /// [`Self::head`], time from the tracker's clock) with `key`: keep the
    /// [`Checkpoint`] outside the store, and [`Self::verify_against`] it later to detect
    /// a truncated or rewritten log. The key is not kept.
    ///
    /// ```
    /// use traceability_core::{event::checkpoint::signing_key_from_bytes, Tracker};
    /// let t = Tracker::in_memory();
    /// let cp = t.checkpoint(&signing_key_from_bytes(&[9; 32]));
    /// assert_eq!((cp.count, cp.head), t.head());
    /// ```
    pub fn checkpoint(&self, key: &SigningKey) -> Checkpoint {
        let (count, head) = self.head();
        Checkpoint::sign(count, head, self.clock.now(), key)
    }

    /// Proves the store's log still extends the checkpointed head; returns the number
    /// of events it holds. See [`checkpoint::verify_against`] for the errors
    /// ([`Damage::BadSignature`], the chain's damage kinds, [`Damage::Truncated`],
    /// [`Damage::Rewritten`]).
    ///
    /// ```
    /// use traceability_core::event::checkpoint::{public_key, signing_key_from_bytes};
    /// use traceability_core::{Damage, TraceError, Tracker};
    /// let t = Tracker::in_memory();
    /// let key = signing_key_from_bytes(&[9; 32]);
    /// let cp = t.checkpoint(&key);
    /// assert_eq!(t.verify_against(&cp, &public_key(&key)).unwrap(), 0);
    /// let stranger = public_key(&signing_key_from_bytes(&[8; 32]));
    /// assert!(matches!(t.verify_against(&cp, &stranger),
    ///     Err(TraceError::Tampered { damage: Damage::BadSignature, .. })));
    /// ```
    pub fn verify_against(
        &self,
        checkpoint: &Checkpoint,
        key: &VerifyingKey,
    ) -> Result<u64, TraceError> {
        checkpoint::verify_against(self.store.as_ref(), checkpoint, key)
    }

    /// Every event from `from_seq` on, decoded.
    pub fn events(&self, from_seq: u64) -> Result<Vec<Event>, TraceError> {
        let mut events = Vec::new();
        self.for_each_event(from_seq, |event| {
            events.push(event);
            Ok(())
        })?;
        Ok(events)
    }

    /// Streams the events from `from_seq` on, decoded one at a time, to `visit` (which
    /// stops the walk by returning an error): exports of the whole log in bounded memory.
    pub fn for_each_event(
        &self,
        from_seq: u64,
        mut visit: impl FnMut(Event) -> Result<(), TraceError>,
    ) -> Result<(), TraceError> {
        self.store
            .read_from(from_seq, &mut |stored| visit(stored.decode()?))
    }

    /// The raw hash-chained records from `from_seq` on: to copy the log to another store
    /// (backup, migration) or to check a copy with [`audit::verify`].
    pub fn stored_events(&self, from_seq: u64) -> Result<Vec<StoredEvent>, TraceError> {
        let mut records = Vec::new();
        self.store.read_from(from_seq, &mut |stored| {
            records.push(stored);
            Ok(())
        })?;
        Ok(records)
    }

    /// The audit history of a lot or serial, oldest first.
    pub fn history(&self, item: &ItemRef) -> Result<Vec<Event>, TraceError> {
        let idx = self.state.require(item)?;
        self.read_seqs(self.state.history_seqs(idx))
    }

    /// The audit history of a location: every event that put stock in or took it out.
    pub fn location_history(&self, location: &LocationId) -> Result<Vec<Event>, TraceError> {
        if self.state.location(location).is_none() {
            return Err(TraceError::UnknownLocation(location.clone()));
        }
        self.read_seqs(self.state.location_history_seqs(location))
    }

    pub(super) fn read_seqs(
        &self,
        seqs: impl Iterator<Item = u64>,
    ) -> Result<Vec<Event>, TraceError> {
        seqs.map(|seq| {
            self.store
                .read_one(seq)?
                .ok_or_else(|| {
                    TraceError::tampered(seq, Damage::Missing, "event missing from the store")
                })?
                .decode()
        })
        .collect()
    }
}

/// Why a batch was refused: the error, and the position in the batch of the command
/// refused (`None` when the batch as a whole was, e.g. by a stale or failing store).
/// The error is boxed: it is only ever on the failure path.
pub(super) struct Refused {
    pub command: Option<usize>,
    pub error: Box<TraceError>,
}

impl Refused {
    pub(super) fn batch(error: TraceError) -> Self {
        Self {
            command: None,
            error: Box::new(error),
        }
    }
}

/// Who, when and why the events of one command or batch are recorded with (see
/// [`Tracker::stamp`]).
pub(super) struct Stamp {
    recorded_at: DateTime<Utc>,
    actor: Arc<str>,
    reason: Option<Arc<str>>,
}

impl Stamp {
    /// The bodies of `payloads`, stamped.
    pub(super) fn bodies(&self, payloads: Vec<EventPayload>) -> Vec<EventBody> {
        payloads
            .into_iter()
            .map(|payload| EventBody {
                schema: SCHEMA_VERSION,
                recorded_at: self.recorded_at,
                actor: self.actor.clone(),
                reason: self.reason.clone(),
                payload,
            })
            .collect()
    }
}

/// Decides each command against the state the ones before it left and applies its
/// events to `state`, numbered from `first_seq`; returns the bodies to store, all
/// recorded with `stamp` (the batch is one append). A refusal says whether the state was
/// changed (a command refused after others were applied): only then is there anything
/// to undo.
pub(super) fn stage(
    state: &mut State,
    stamp: &Stamp,
    first_seq: u64,
    commands: &[Command],
) -> Result<Vec<EventBody>, (Refused, bool)> {
    let today = stamp.recorded_at.date_naive();
    let reason = stamp.reason.as_deref();
    let mut bodies = Vec::with_capacity(commands.len());
    for (index, command) in commands.iter().enumerate() {
        let refused = |error, touched| {
            let command = Some(index);
            let error = Box::new(error);
            (Refused { command, error }, touched)
        };
        let context = Context {
            state,
            today,
            reason,
        };
        let decided = decide(&context, command).map_err(|e| refused(e, !bodies.is_empty()))?;
        for body in stamp.bodies(decided) {
            state
                .apply(first_seq + bodies.len() as u64, &body)
                .map_err(|e| refused(e, true))?;
            bodies.push(body);
        }
    }
    Ok(bodies)
}

/// Hash-chains `bodies` as the records numbered from `next_seq` after `head`; returns
/// the records and the new head.
pub(super) fn seal_after(next_seq: u64, head: Hash, bodies: &[EventBody]) -> (Sealed, Hash) {
    let mut encoder = BodyEncoder::default();
    let sealed = Sealed::chain(next_seq, head, bodies.iter().map(|b| encoder.encode(b)));
    let head = sealed.head().unwrap_or(head);
    (sealed, head)
}

/// Checks the next record against the chain: fully, or (the trusted fast path) only its
/// number and link.
fn follow(
    chain: &mut audit::Chain,
    stored: &StoredEvent,
    store: &dyn EventStore,
    verify: bool,
) -> Result<(), TraceError> {
    if verify {
        return chain.check(stored, store);
    }
    if stored.seq != chain.next_seq() || stored.prev_hash != chain.head() {
        return chain.check(stored, store);
    }
    *chain = audit::Chain::at(stored.seq + 1, stored.hash);
    Ok(())
}

/// Decodes a checked record and applies it; an event the state cannot take is
/// [`TraceError::Unreplayable`] naming it.
fn replay(state: &mut State, stored: &StoredEvent) -> Result<(), TraceError> {
    let event = stored.decode()?;
    state
        .apply(event.seq, &event.body)
        .map_err(|e| TraceError::Unreplayable {
            seq: event.seq,
            detail: e.to_string(),
        })
}

/// The URL when `path` names a PostgreSQL database.
fn postgres_url(path: &str) -> Option<&str> {
    let path = path.trim();
    ["postgresql://", "postgres://"]
        .iter()
        .any(|scheme| path.starts_with(scheme))
        .then_some(path)
}

#[cfg(feature = "postgres")]
fn open_postgres(url: &str) -> Result<Box<dyn EventStore>, TraceError> {
    Ok(Box::new(crate::store::PostgresStore::open(url)?))
}

#[cfg(not(feature = "postgres"))]
fn open_postgres(_url: &str) -> Result<Box<dyn EventStore>, TraceError> {
    Err(TraceError::invalid(
        "path",
        "a PostgreSQL URL, but this build has no PostgreSQL support (cargo feature `postgres`)",
    ))
}
