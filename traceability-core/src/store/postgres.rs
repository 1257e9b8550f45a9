//! The PostgreSQL store: many application servers, one audit log. Everything lives in
//! one schema the caller may choose (default `traceability`), so it can sit inside an
//! ERP's own database: `events` (`seq`, `body`, `prev_hash`, `hash`, `keys`), `snapshots` (the
//! latest state snapshot), `migrations` (the schema versions applied, created and
//! migrated by the store under an advisory lock) and the functions that make a write
//! one round trip.
//!
//! Appends have SQLite's contract: all events of a command or batch in one transaction,
//! refused with [`TraceError::StaleWriter`] when another writer got there first (the
//! primary key on `seq` makes a lost update impossible under any interleaving). Each
//! append notifies the channel `traceability_events` with the schema name, so other
//! trackers can wait for new events ([`crate::Tracker::wait_for_events`]) instead of
//! polling the log.
//!
//! **Writing.** A tracker decides a command against its state as last read and appends
//! with `append_keyed`: one round trip, one transaction that takes the schema's
//! writer lock, checks that no other writer got there first, inserts and notifies.
//! When one did, nothing is stored and the same round trip hands the stale writer its
//! turn: the writer lock for its session, the next seq and the first page of the tail
//! it lacks ([`TraceError::StaleWriter`]; the next [`EventStore::begin_write`] returns
//! them). It decides again on the new state and appends, which gives the lock back:
//! others wait meanwhile, so the retry cannot be stale or overtaken. A write that must
//! see the current log before it decides (an import, or a command refused against a
//! state that turned out behind) begins with `begin_write`, which takes the lock and
//! reads the tail in one round trip. The statements are prepared once per connection.
//!
//! **Commuting appends.** Each event is stored with its conflict keys (the lots, serials,
//! orders, product stocks and numbering sequences it changes; NULL when it touches
//! shared state: see [`crate::event::conflict`]). A command that
//! [`crate::Command::commutes`] (a receipt, a move, an allocation, …) is appended with
//! its read keys: when other writers got there first with at most 1,000 events, none
//! unkeyed and none changing what it read, the server stores it after theirs as
//! decided, chaining it itself (`sha256()` of the previous hash, the seq and the body:
//! [`crate::event::chain_hash`]), and returns the tail, which the tracker reads like a
//! refresh. So writers receiving and moving
//! different lots never wait on each other's round trips: only the commit is taken in
//! turn. Anything else is stale as before.
//!
//! **Scaling plan.** One log is one hash chain with one sequence, so appends are
//! serialised and a single-command transaction pays a durable commit under the writer
//! lock (2,000–3,000 per second across servers on a 2-core machine; batches reach tens
//! of thousands of events per second). When that is no longer enough the log is to be
//! partitioned, not sharded at random: one chain per site or company (its own schema or
//! a partition key in `events`, its own sequence, head, snapshots and checkpoints), and
//! a cross-partition link event where goods cross (the shipping chain records the
//! shipment, the receiving chain a receipt naming the shipment and the sender's head),
//! so a trace follows links across chains and each chain can be verified alone. Each
//! tracker then serves one partition and reads the others' link events. Not built yet.
//!
//! URLs are libpq's (`postgresql://user@host:port/db`, `?host=/socket/dir` for a unix
//! socket) plus an optional `schema=name` parameter. Connections are plain TCP or unix
//! sockets, without TLS.

use std::borrow::Cow;
use std::cell::RefCell;
use std::str::FromStr;
use std::time::Duration;

use postgres::error::SqlState;
use postgres::fallible_iterator::FallibleIterator;
use postgres::{Client, Config, IsolationLevel, NoTls, Statement};

use super::{check_numbering, packed, wait_until_beyond, Appended, EventStore, WriteStart};
use crate::event::conflict::ConflictKeys;
use crate::event::{Hash, RecordSource, Sealed, StoredEvent};
use crate::kernel::error::{Damage, StorageError, TraceError};

impl From<postgres::Error> for TraceError {
    fn from(e: postgres::Error) -> Self {
        Self::Storage(StorageError::caused_by("PostgreSQL", e))
    }
}

/// The schema used when the URL names none.
pub const DEFAULT_SCHEMA: &str = "traceability";

/// The notification channel of appends; the payload is the schema name.
const CHANNEL: &str = "traceability_events";

/// The writer lock of a schema: a session advisory lock taken by `begin_write` and by a
/// stale append (given back by the next append or [`EventStore::end_write`]), and taken
/// by every append for its transaction.
const WRITER_UNLOCK: &str = "SELECT pg_advisory_unlock(hashtext($1))";

/// The writer lock's key text for a schema.
fn writer_lock_key(schema_name: &str) -> String {
    format!("traceability-writers:{schema_name}")
}

/// Bytes of a snapshot read per round trip: below glibc's largest mmap threshold, so
/// the buffer of each is reused, not mapped and faulted in again.
const SNAPSHOT_SLICE: i32 = 16 << 20;

/// Records read per round trip by [`RecordSource::read_from`].
const PAGE: i64 = 10_000;

/// The most events a commuting append may have missed: a writer further behind is
/// refused as stale and catches up first (the check reads each missed event's keys).
const COMMUTE_WINDOW: i64 = 1_000;

/// The schema versions, in order: version `i + 1` is `MIGRATIONS[i]` (`{schema}` is the
/// quoted schema name). Never edit one that shipped; append a new one.
const MIGRATIONS: &[&str] = &[
    "
    CREATE TABLE {schema}.events (
        seq       BIGINT PRIMARY KEY CHECK (seq >= 0),
        body      BYTEA  NOT NULL,
        prev_hash BYTEA  NOT NULL,
        hash      BYTEA  NOT NULL
    );
    CREATE TABLE {schema}.snapshots (
        id   SMALLINT PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        seq  BIGINT NOT NULL,
        body BYTEA  NOT NULL
    );",
    "
    -- A write begins by taking the writer lock for the session, then reading (fresh
    -- snapshots: the previous holder has committed) the next seq as a first row of
    -- NULLs, then a page of the events from from_seq on: the tail the writer lacks.
    CREATE FUNCTION {schema}.begin_write(writer_lock TEXT, from_seq BIGINT, page BIGINT)
    RETURNS TABLE (seq BIGINT, body BYTEA, prev_hash BYTEA, hash BYTEA)
    LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM pg_advisory_lock(hashtext(writer_lock));
        RETURN QUERY SELECT COALESCE(MAX(e.seq) + 1, 0), NULL::BYTEA, NULL::BYTEA, NULL::BYTEA
            FROM {schema}.events e;
        RETURN QUERY SELECT e.seq, e.body, e.prev_hash, e.hash FROM {schema}.events e
            WHERE e.seq >= from_seq ORDER BY e.seq LIMIT page;
    END
    $$;
    -- One append in one round trip (its own transaction): the writer lock for the
    -- transaction, the staleness check, the rows, the notification; `release` gives
    -- back the session's lock from begin_write (others still wait for the commit, as
    -- the transaction's lock has the same key). Returns -1 when stored, else the next
    -- seq another writer got to first (nothing stored).
    CREATE FUNCTION {schema}.append_events(
        expected BIGINT, seqs BIGINT[], bodies BYTEA[], prev BYTEA[], hashes BYTEA[],
        writer_lock TEXT, channel TEXT, payload TEXT, release BOOLEAN
    ) RETURNS BIGINT LANGUAGE plpgsql AS $$
    DECLARE
        actual BIGINT;
    BEGIN
        PERFORM pg_advisory_xact_lock(hashtext(writer_lock));
        IF release THEN
            PERFORM pg_advisory_unlock(hashtext(writer_lock));
        END IF;
        SELECT COALESCE(MAX(seq) + 1, 0) INTO actual FROM {schema}.events;
        IF actual <> expected THEN
            RETURN actual;
        END IF;
        INSERT INTO {schema}.events (seq, body, prev_hash, hash)
            SELECT * FROM UNNEST(seqs, bodies, prev, hashes);
        PERFORM pg_notify(channel, payload);
        RETURN -1;
    END
    $$;",
    "
    -- A snapshot is compact MessagePack that pglz shrinks little and slowly: kept
    -- uncompressed it is written and read back faster (a new application server's start
    -- waits on reading it; 136 MB at 300k lots: 0.87 s compressed, 0.63 s not).
    ALTER TABLE {schema}.snapshots ALTER COLUMN body SET STORAGE EXTERNAL;",
    "
    -- An append decided against the state as the writer last read it, in one round trip
    -- (its own transaction): the writer lock for the transaction, the staleness check,
    -- then either the rows and the notification (no rows returned; `holding` gives back
    -- the session's lock from begin_write), or, when another writer got there first,
    -- nothing stored and what begin_write returns: the session's writer lock taken (kept
    -- if held), the next seq as a first row of NULLs and a page of the events from
    -- `expected` on. The stale writer so decides again with its turn already taken.
    CREATE FUNCTION {schema}.append_or_take_turn(
        expected BIGINT, seqs BIGINT[], bodies BYTEA[], prev BYTEA[], hashes BYTEA[],
        writer_lock TEXT, channel TEXT, payload TEXT, holding BOOLEAN, page BIGINT
    ) RETURNS TABLE (seq BIGINT, body BYTEA, prev_hash BYTEA, hash BYTEA)
    LANGUAGE plpgsql AS $$
    DECLARE
        actual BIGINT;
    BEGIN
        PERFORM pg_advisory_xact_lock(hashtext(writer_lock));
        SELECT COALESCE(MAX(e.seq) + 1, 0) INTO actual FROM {schema}.events e;
        IF actual = expected THEN
            IF holding THEN
                PERFORM pg_advisory_unlock(hashtext(writer_lock));
            END IF;
            INSERT INTO {schema}.events (seq, body, prev_hash, hash)
                SELECT * FROM UNNEST(seqs, bodies, prev, hashes);
            PERFORM pg_notify(channel, payload);
            RETURN;
        END IF;
        IF NOT holding THEN
            PERFORM pg_advisory_lock(hashtext(writer_lock));
        END IF;
        RETURN QUERY SELECT actual, NULL::BYTEA, NULL::BYTEA, NULL::BYTEA;
        RETURN QUERY SELECT e.seq, e.body, e.prev_hash, e.hash FROM {schema}.events e
            WHERE e.seq >= expected ORDER BY e.seq LIMIT page;
    END
    $$;",
    "
    -- What each event changes, as the library's conflict keys (its event::conflict
    -- module); NULL for an event that conflicts with everything, and for events written
    -- before keys were kept.
    ALTER TABLE {schema}.events ADD COLUMN keys BIGINT[];
    -- append_or_take_turn, keeping each event's keys: `key_starts`/`key_counts` slice
    -- them out of `event_keys` (count -1: NULL). With `commute`, when other writers
    -- appended first (at most `commute_window` events) and none of their events is
    -- unkeyed or changes any of `read_keys`, the bodies are stored after theirs,
    -- chained here (sha256 of the previous hash, the seq as 8 big-endian bytes and the
    -- body, as the library chains them), and a first row of NULLs with the next seq is
    -- returned, then the records from `expected` on; `appended` says which outcome it
    -- is. Otherwise as append_or_take_turn. Seq ranges are bounded on both sides, so the
    -- generic plans use the primary key on any table.
    CREATE FUNCTION {schema}.append_keyed(
        expected BIGINT, seqs BIGINT[], bodies BYTEA[], prev BYTEA[], hashes BYTEA[],
        key_starts INT[], key_counts INT[], event_keys BIGINT[], read_keys BIGINT[],
        commute BOOLEAN, commute_window BIGINT, writer_lock TEXT, channel TEXT, payload TEXT,
        holding BOOLEAN, page BIGINT
    ) RETURNS TABLE (seq BIGINT, body BYTEA, prev_hash BYTEA, hash BYTEA, appended BOOLEAN)
    LANGUAGE plpgsql AS $$
    DECLARE
        actual BIGINT;
        head BYTEA;
        n INT := COALESCE(array_length(bodies, 1), 0);
    BEGIN
        PERFORM pg_advisory_xact_lock(hashtext(writer_lock));
        SELECT e.seq + 1, e.hash INTO actual, head FROM {schema}.events e
            ORDER BY e.seq DESC LIMIT 1;
        actual := COALESCE(actual, 0);
        IF actual = expected THEN
            IF holding THEN
                PERFORM pg_advisory_unlock(hashtext(writer_lock));
            END IF;
        ELSIF commute AND NOT holding AND actual > expected AND actual - expected <= commute_window
           AND NOT EXISTS (SELECT 1 FROM {schema}.events e
                           WHERE e.seq >= expected AND e.seq < actual
                           AND (e.keys IS NULL OR e.keys && read_keys)) THEN
            -- Numbered and chained after the head instead.
            FOR i IN 1 .. n LOOP
                seqs[i] := actual + i - 1;
                prev[i] := head;
                head := sha256(head || int8send(seqs[i]) || bodies[i]);
                hashes[i] := head;
            END LOOP;
        ELSE
            IF NOT holding THEN
                PERFORM pg_advisory_lock(hashtext(writer_lock));
            END IF;
            RETURN QUERY SELECT actual, NULL::BYTEA, NULL::BYTEA, NULL::BYTEA, FALSE;
            RETURN QUERY SELECT e.seq, e.body, e.prev_hash, e.hash, FALSE FROM {schema}.events e
                WHERE e.seq >= expected AND e.seq < actual ORDER BY e.seq LIMIT page;
            RETURN;
        END IF;
        INSERT INTO {schema}.events (seq, body, prev_hash, hash, keys)
            SELECT t.s, t.b, t.p, t.h,
                   CASE WHEN t.c >= 0 THEN event_keys[t.o : t.o + t.c - 1] END
            FROM UNNEST(seqs, bodies, prev, hashes, key_starts, key_counts)
                AS t(s, b, p, h, o, c);
        PERFORM pg_notify(channel, payload);
        IF actual <> expected THEN
            RETURN QUERY SELECT actual + n, NULL::BYTEA, NULL::BYTEA, NULL::BYTEA, TRUE;
            RETURN QUERY SELECT e.seq, e.body, e.prev_hash, e.hash, TRUE FROM {schema}.events e
                WHERE e.seq >= expected AND e.seq < actual + n ORDER BY e.seq;
        END IF;
    END
    $$;",
];

/// An event log in a PostgreSQL schema.
pub struct PostgresStore {
    /// A cell because reading ([`RecordSource`]) takes `&self` while the client needs
    /// `&mut`; no borrow outlives a method (pages are read, then visited).
    client: RefCell<Client>,
    /// The schema name (as notified).
    schema: String,
    /// The schema name quoted, ready for SQL.
    quoted_schema: String,
    /// The key text of the schema's writer lock.
    writer_lock: String,
    /// The session holds the writer lock (from `begin_write` or a stale append).
    write_held: bool,
    /// What the last append, refused as stale, read with the writer lock it took: where
    /// the next [`EventStore::begin_write`] starts, without a round trip.
    stale_turn: Option<WriteStart>,
    statements: Statements,
}

/// The store's statements, prepared once per connection (one round trip each call).
struct Statements {
    next_seq: Statement,
    begin_write: Statement,
    append: Statement,
    unlock: Statement,
    read_page: Statement,
    read_one: Statement,
}

impl Statements {
    fn prepare(client: &mut Client, schema: &str) -> Result<Self, TraceError> {
        let columns = format!("SELECT seq, body, prev_hash, hash FROM {schema}.events");
        Ok(Self {
            next_seq: client.prepare(&format!(
                "SELECT COALESCE(MAX(seq) + 1, 0) FROM {schema}.events"
            ))?,
            begin_write: client
                .prepare(&format!("SELECT * FROM {schema}.begin_write($1, $2, $3)"))?,
            append: client.prepare(&format!(
                "SELECT * FROM {schema}.append_keyed\
                 ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
            ))?,
            unlock: client.prepare(WRITER_UNLOCK)?,
            read_page: client
                .prepare(&format!("{columns} WHERE seq >= $1 ORDER BY seq LIMIT $2"))?,
            read_one: client.prepare(&format!("{columns} WHERE seq = $1"))?,
        })
    }
}

impl PostgresStore {
    /// Connects to `url`, creates or migrates the schema, and listens for appends.
    /// A bad URL is [`TraceError::InvalidInput`]; a server that cannot be reached or
    /// refuses is [`TraceError::Storage`].
    pub fn open(url: &str) -> Result<Self, TraceError> {
        let (url, schema_name) = split_schema(url)?;
        let config = Config::from_str(&url)
            .map_err(|e| TraceError::invalid("url", format!("not a PostgreSQL URL: {e}")))?;
        let mut client = config.connect(NoTls)?;
        let schema = quote_identifier(&schema_name);
        migrate(&mut client, &schema, &schema_name)?;
        client.batch_execute(&format!("LISTEN {CHANNEL}"))?;
        let statements = Statements::prepare(&mut client, &schema)?;
        Ok(Self {
            client: RefCell::new(client),
            writer_lock: writer_lock_key(&schema_name),
            write_held: false,
            stale_turn: None,
            schema: schema_name,
            quoted_schema: schema,
            statements,
        })
    }

    /// The schema holding the log.
    pub fn schema(&self) -> &str {
        &self.schema
    }

    fn read_page(&self, from_seq: u64) -> Result<Vec<StoredEvent>, TraceError> {
        let rows = self
            .client
            .borrow_mut()
            .query(&self.statements.read_page, &[&to_i64(from_seq), &PAGE])?;
        rows.iter().map(record).collect()
    }

    /// One round trip: the schema's `append_keyed` function locks, checks, inserts
    /// (with each event's `key_counts` keys, taken in order from `keys`) and notifies in
    /// its own transaction, and ends a write begun by `begin_write`. Given what the
    /// decision read (`commute_reads`), when other writers got there first with events
    /// that change none of it, it chains and stores the events after theirs and returns
    /// the tail from `expected_next_seq`.
    /// Refused as stale, it has taken the writer lock for this session and read the
    /// tail, kept for the next [`EventStore::begin_write`].
    fn write(
        &mut self,
        expected_next_seq: u64,
        events: &[StoredEvent],
        key_counts: &[i32],
        keys: &[i64],
        commute_reads: Option<&[i64]>,
    ) -> Result<Appended, TraceError> {
        check_numbering(expected_next_seq, events)?;
        self.stale_turn = None;
        let seqs: Vec<i64> = events.iter().map(|e| to_i64(e.seq)).collect();
        let bodies: Vec<&[u8]> = events.iter().map(|e| &e.body[..]).collect();
        let prev: Vec<&[u8]> = events.iter().map(|e| &e.prev_hash[..]).collect();
        let hashes: Vec<&[u8]> = events.iter().map(|e| &e.hash[..]).collect();
        // 1-based starts of each event's keys in `keys` (PostgreSQL array slices).
        let key_starts: Vec<i32> = key_counts
            .iter()
            .scan(1, |next, &count| {
                let start = *next;
                *next += count.max(0);
                Some(start)
            })
            .collect();
        // Marked first: a stale append takes the lock, and a failed statement may have.
        let holding = std::mem::replace(&mut self.write_held, true);
        let stored = self.client.get_mut().query(
            &self.statements.append,
            &[
                &to_i64(expected_next_seq),
                &seqs,
                &bodies,
                &prev,
                &hashes,
                &key_starts,
                &key_counts,
                &keys,
                &commute_reads.unwrap_or_default(),
                &commute_reads.is_some(),
                &COMMUTE_WINDOW,
                &self.writer_lock,
                &CHANNEL,
                &self.schema,
                &holding,
                &PAGE,
            ],
        );
        let turn = match stored {
            Ok(rows) if rows.is_empty() => {
                self.write_held = false;
                return Ok(Appended::AsExpected);
            }
            // Appended after other writers' events (never while holding the lock).
            Ok(rows) if rows[0].get::<_, bool>(4) => {
                self.write_held = holding;
                let tail = rows[1..].iter().map(record).collect::<Result<_, _>>()?;
                return Ok(Appended::AfterOthers(tail));
            }
            Ok(rows) => write_start(&rows)?,
            // A writer that does not take the lock committed the same sequence numbers.
            Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => {
                self.write_held = holding;
                WriteStart {
                    next_seq: self.next_seq()?,
                    tail: Vec::new(),
                }
            }
            Err(e) => return Err(e.into()),
        };
        let actual = turn.next_seq;
        self.stale_turn = Some(turn);
        Err(TraceError::StaleWriter {
            expected: expected_next_seq,
            actual,
        })
    }
}

/// Splits a `schema=name` parameter off the URL's query string.
fn split_schema(url: &str) -> Result<(String, String), TraceError> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_owned(), DEFAULT_SCHEMA.to_owned()));
    };
    let mut schema = DEFAULT_SCHEMA.to_owned();
    let mut rest = Vec::new();
    for pair in query.split('&') {
        match pair.strip_prefix("schema=") {
            Some(name) => schema = name.to_owned(),
            None => rest.push(pair),
        }
    }
    crate::kernel::text::identifier("schema", &schema)?;
    let url = match rest.is_empty() {
        true => base.to_owned(),
        false => format!("{base}?{}", rest.join("&")),
    };
    Ok((url, schema))
}

/// `name` as a quoted SQL identifier.
fn quote_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Creates the schema and applies the migrations it lacks, one transaction under an
/// advisory lock so that servers starting together do not race.
fn migrate(client: &mut Client, schema: &str, schema_name: &str) -> Result<(), TraceError> {
    let mut tx = client.transaction()?;
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtext('traceability:' || $1))",
        &[&schema_name],
    )?;
    tx.batch_execute(&format!(
        "CREATE SCHEMA IF NOT EXISTS {schema};
         CREATE TABLE IF NOT EXISTS {schema}.migrations (
             version    INTEGER PRIMARY KEY,
             applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
         );"
    ))?;
    let applied: i32 = tx
        .query_one(
            &format!("SELECT COALESCE(MAX(version), 0) FROM {schema}.migrations"),
            &[],
        )?
        .get(0);
    let known = MIGRATIONS.len() as i32;
    if applied > known {
        return Err(TraceError::storage(format!(
            "the schema {schema} is at version {applied}, newer than this library's {known}"
        )));
    }
    for (version, sql) in (1..).zip(MIGRATIONS).skip(applied as usize) {
        tx.batch_execute(&sql.replace("{schema}", schema))?;
        tx.execute(
            &format!("INSERT INTO {schema}.migrations (version) VALUES ($1)"),
            &[&version],
        )?;
    }
    tx.commit()?;
    Ok(())
}

fn to_i64(seq: u64) -> i64 {
    i64::try_from(seq).unwrap_or(i64::MAX)
}

/// The sequence number in a row's first column (a negative one, never written, as 0).
fn seq_of(row: &postgres::Row) -> u64 {
    u64::try_from(row.get::<_, i64>(0)).unwrap_or(0)
}

/// A row as a record; a hash that is not 32 bytes is undecodable at its seq.
fn record(row: &postgres::Row) -> Result<StoredEvent, TraceError> {
    let seq = seq_of(row);
    let hash_at = |column: usize, name: &str| -> Result<Hash, TraceError> {
        let bytes: &[u8] = row.get(column);
        Hash::try_from(bytes).map_err(|_| {
            TraceError::tampered(
                seq,
                Damage::Undecodable,
                format!("stored {name} has {} bytes, not 32", bytes.len()),
            )
        })
    };
    Ok(StoredEvent {
        seq,
        body: row.get(1),
        prev_hash: hash_at(2, "prev_hash")?,
        hash: hash_at(3, "hash")?,
    })
}

/// A write's start from the rows `begin_write` (or a stale append) returns: the next seq
/// as a first row of NULLs, then the first events of the tail.
fn write_start(rows: &[postgres::Row]) -> Result<WriteStart, TraceError> {
    let Some((head, tail)) = rows.split_first() else {
        return Err(TraceError::storage("begin_write returned no rows"));
    };
    Ok(WriteStart {
        next_seq: seq_of(head),
        tail: tail.iter().map(record).collect::<Result<_, _>>()?,
    })
}

impl EventStore for PostgresStore {
    fn next_seq(&self) -> Result<u64, TraceError> {
        let row = self
            .client
            .borrow_mut()
            .query_one(&self.statements.next_seq, &[])?;
        Ok(seq_of(&row))
    }

    /// Takes the writer lock for the session, reads the next seq and the first page of
    /// the tail from `from_seq`, in one round trip: other writers wait until this one's
    /// append commits (or [`Self::end_write`]), so the append cannot be stale. After a
    /// stale append this turn was already taken and read: no round trip.
    fn begin_write(&mut self, from_seq: u64) -> Result<WriteStart, TraceError> {
        if let Some(turn) = self.stale_turn.take() {
            if self.write_held && turn.tail.first().is_none_or(|e| e.seq == from_seq) {
                return Ok(turn);
            }
        }
        // A write that never ended (a panic between begin and end) must not leave its
        // lock stacked under this one.
        self.end_write()?;
        // Marked first: a lock taken by a statement that then failed is released too.
        self.write_held = true;
        let rows = self.client.get_mut().query(
            &self.statements.begin_write,
            &[&self.writer_lock, &to_i64(from_seq), &PAGE],
        )?;
        write_start(&rows)
    }

    fn end_write(&mut self) -> Result<(), TraceError> {
        self.stale_turn = None;
        if std::mem::take(&mut self.write_held) {
            self.client
                .get_mut()
                .execute(&self.statements.unlock, &[&self.writer_lock])?;
        }
        Ok(())
    }

    /// Appends records written elsewhere, without conflict keys (they conflict with
    /// every commuting append): see [`Self::write`].
    fn append(&mut self, expected_next_seq: u64, events: &[StoredEvent]) -> Result<(), TraceError> {
        let unkeyed = vec![-1; events.len()];
        self.write(expected_next_seq, events, &unkeyed, &[], None)
            .map(|_| ())
    }

    fn keeps_conflict_keys(&self) -> bool {
        true
    }

    fn append_keyed(
        &mut self,
        expected_next_seq: u64,
        events: &Sealed,
        keys: &ConflictKeys,
        commute: bool,
    ) -> Result<Appended, TraceError> {
        self.write(
            expected_next_seq,
            events.records(),
            keys.counts(),
            keys.keys(),
            commute.then(|| keys.reads()),
        )
    }

    fn save_snapshot(&mut self, seq: u64, snapshot: Vec<u8>) -> Result<(), TraceError> {
        self.client.get_mut().execute(
            &format!(
                "INSERT INTO {}.snapshots (id, seq, body) VALUES (1, $1, $2) \
                 ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, body = EXCLUDED.body",
                self.quoted_schema
            ),
            &[&to_i64(seq), &packed::pack(&snapshot)],
        )?;
        Ok(())
    }

    /// Read in slices of [`SNAPSHOT_SLICE`] bytes (one read-only, repeatable-read
    /// transaction, so a snapshot replaced meanwhile is not torn) into one buffer of
    /// the right size (read whole, the row's buffer would be a second copy of it to
    /// allocate and copy), then unpacked ([`packed`]: a third of the bytes to send).
    fn latest_snapshot(&self) -> Result<Option<Vec<u8>>, TraceError> {
        let mut client = self.client.borrow_mut();
        let mut tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?;
        let table = format!("{}.snapshots", self.quoted_schema);
        let length = tx.query_opt(
            &format!("SELECT octet_length(body)::BIGINT FROM {table} WHERE id = 1"),
            &[],
        )?;
        let Some(length) = length.map(|row| row.get::<_, i64>(0)) else {
            return Ok(None);
        };
        let slice = tx.prepare(&format!(
            "SELECT substring(body FROM $1::INT FOR $2::INT) FROM {table} WHERE id = 1"
        ))?;
        let mut bytes = Vec::with_capacity(usize::try_from(length).unwrap_or(0));
        while (bytes.len() as i64) < length {
            let from = i32::try_from(bytes.len() + 1).unwrap_or(i32::MAX);
            let row = tx.query_one(&slice, &[&from, &SNAPSHOT_SLICE])?;
            let part: &[u8] = row.get(0);
            if part.is_empty() {
                break;
            }
            bytes.extend_from_slice(part);
        }
        tx.commit()?;
        match packed::unpack(&bytes) {
            Ok(Cow::Borrowed(_)) => Ok(Some(bytes)),
            Ok(Cow::Owned(unpacked)) => Ok(Some(unpacked)),
            Err(why) => Err(TraceError::Storage(StorageError::new(why))),
        }
    }

    /// Waits on the notifications of appends to this schema (LISTEN/NOTIFY), not by
    /// polling the log.
    fn wait_for_append(&mut self, after: u64, timeout: Duration) -> Result<bool, TraceError> {
        // Notifications sent since LISTEN are queued, so none is missed between a check
        // and the wait; one for another schema just leads to another check.
        wait_until_beyond(self, after, timeout, |store, left| {
            let mut notifications = store.client.get_mut().notifications();
            notifications.timeout_iter(left).next()?;
            Ok(())
        })
    }
}

impl RecordSource for PostgresStore {
    /// Every record from `from_seq` on, in order, read a page at a time (so `visit`
    /// may read from the store, and memory stays bounded on a long log).
    fn read_from(
        &self,
        from_seq: u64,
        visit: &mut dyn FnMut(StoredEvent) -> Result<(), TraceError>,
    ) -> Result<(), TraceError> {
        let mut next = from_seq;
        loop {
            let page = self.read_page(next)?;
            let full = page.len() as i64 == PAGE;
            for record in page {
                next = record.seq + 1;
                visit(record)?;
            }
            if !full {
                return Ok(());
            }
        }
    }

    fn read_one(&self, seq: u64) -> Result<Option<StoredEvent>, TraceError> {
        let row = self
            .client
            .borrow_mut()
            .query_opt(&self.statements.read_one, &[&to_i64(seq)])?;
        row.as_ref().map(record).transpose()
    }
}

#[cfg(test)]
mod tests {
    //! The commuting append against a real server (`TRACEABILITY_TEST_PG_URL`, as in
    //! tests/postgres.rs: without it this fails, it never skips).

    use super::*;
    use crate::event::{chain_hash, EventBody, EventPayload, GENESIS_HASH};
    use crate::kernel::id::{ContainerId, ItemRef, LocationId, LotNumber, ProductId};
    use crate::kernel::Quantity;

    fn fresh_schema() -> String {
        let server = std::env::var("TRACEABILITY_TEST_PG_URL")
            .expect("TRACEABILITY_TEST_PG_URL names the test server");
        let schema = format!("tr_unit_commute_{}", std::process::id());
        let mut client = Client::connect(&server, NoTls).unwrap();
        client
            .batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
            .unwrap();
        let separator = if server.contains('?') { '&' } else { '?' };
        format!("{server}{separator}schema={schema}")
    }

    fn moved(lot: &str) -> EventBody {
        let location = |id| LocationId::new(id).unwrap();
        EventBody::new(
            "ana",
            None,
            EventPayload::Moved {
                item: ItemRef::Lot {
                    product: ProductId::new("P").unwrap(),
                    lot: LotNumber::new(lot).unwrap(),
                },
                from: location("A"),
                to: location("B"),
                quantity: Quantity::from(1),
                override_expiry: false,
            },
        )
    }

    /// Appends `body` as a writer that has read `next` events ending with `head`.
    fn append(
        store: &mut PostgresStore,
        next: u64,
        head: Hash,
        body: &EventBody,
        commute: bool,
    ) -> Result<Appended, TraceError> {
        let sealed = Sealed::chain(next, head, [crate::event::encode_body(body)]);
        let keys = ConflictKeys::of([&body.payload]);
        store.append_keyed(next, &sealed, &keys, commute)
    }

    fn stale(outcome: Result<Appended, TraceError>) -> bool {
        matches!(outcome, Err(TraceError::StaleWriter { .. }))
    }

    #[test]
    fn a_stale_append_commutes_only_past_keyed_events_on_other_things() {
        let url = fresh_schema();
        let (mut one, mut two) = (
            PostgresStore::open(&url).unwrap(),
            PostgresStore::open(&url).unwrap(),
        );
        let first = append(&mut one, 0, GENESIS_HASH, &moved("A"), false).unwrap();
        assert!(matches!(first, Appended::AsExpected));

        // Behind by one event on another lot: stored after it, chained by the server.
        let Appended::AfterOthers(tail) =
            append(&mut two, 0, GENESIS_HASH, &moved("B"), true).unwrap()
        else {
            panic!("a commuting append past an event on another lot is stored");
        };
        assert_eq!(tail.iter().map(|e| e.seq).collect::<Vec<_>>(), [0, 1]);
        assert_eq!(tail[1].prev_hash, tail[0].hash);
        assert_eq!(tail[1].hash, chain_hash(&tail[0].hash, 1, &tail[1].body));
        assert_eq!(tail[1].decode().unwrap().body, moved("B"));
        let head = tail[1].hash;

        // Behind an event on the same lot: stale, with the writer lock taken.
        let third = append(&mut one, 2, head, &moved("C"), false).unwrap();
        assert!(matches!(third, Appended::AsExpected));
        assert!(stale(append(&mut two, 2, head, &moved("C"), true)));
        two.end_write().unwrap();

        // Behind an unkeyed event, or not asked to commute: stale.
        let head = one.read_one(2).unwrap().unwrap().hash;
        let unkeyed = StoredEvent::seal(
            3,
            &EventBody::new(
                "ana",
                None,
                EventPayload::Unpacked {
                    container: ContainerId::new("C1").unwrap(),
                },
            ),
            head,
        );
        one.append(3, std::slice::from_ref(&unkeyed)).unwrap();
        assert!(stale(append(&mut two, 3, head, &moved("D"), true)));
        two.end_write().unwrap();
        let fourth = append(&mut one, 4, unkeyed.hash, &moved("E"), false).unwrap();
        assert!(matches!(fourth, Appended::AsExpected));
        assert!(stale(append(&mut two, 4, unkeyed.hash, &moved("F"), false)));
        two.end_write().unwrap();

        let stored: Vec<Option<Vec<i64>>> = one
            .client
            .get_mut()
            .query(
                &format!("SELECT keys FROM {}.events ORDER BY seq", one.quoted_schema),
                &[],
            )
            .unwrap()
            .iter()
            .map(|row| row.get(0))
            .collect();
        let key = |lot| Some(ConflictKeys::of([&moved(lot).payload]).keys().to_vec());
        assert_eq!(stored, [key("A"), key("B"), key("C"), None, key("E")]);
    }
}
