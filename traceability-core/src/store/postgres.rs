//! The PostgreSQL store: many application servers, one audit log. Everything lives in
//! one schema the caller may choose (default `traceability`), so it can sit inside an
//! ERP's own database: `events` (`seq`, `body`, `prev_hash`, `hash`), `snapshots` (the
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
//! with `append_or_take_turn`: one round trip, one transaction that takes the schema's
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
//! **Scaling plan.** One log is one hash chain with one sequence, so appends are
//! serialised and a single-command transaction pays a durable commit under the writer
//! lock (about 2,000 per second across servers on a small machine; batches reach tens
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

use std::cell::RefCell;
use std::str::FromStr;
use std::time::Duration;

use postgres::error::SqlState;
use postgres::fallible_iterator::FallibleIterator;
use postgres::{Client, Config, IsolationLevel, NoTls, Statement};

use super::{check_numbering, wait_until_beyond, EventStore, WriteStart};
use crate::event::{Hash, RecordSource, StoredEvent};
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
                "SELECT * FROM {schema}.append_or_take_turn($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
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

    /// One round trip: the schema's `append_or_take_turn` function locks, checks,
    /// inserts and notifies in its own transaction (and ends a write begun by
    /// `begin_write`); refused as stale, it has taken the writer lock for this session
    /// and read the tail, kept for the next [`Self::begin_write`].
    fn append(&mut self, expected_next_seq: u64, events: &[StoredEvent]) -> Result<(), TraceError> {
        check_numbering(expected_next_seq, events)?;
        self.stale_turn = None;
        let seqs: Vec<i64> = events.iter().map(|e| to_i64(e.seq)).collect();
        let bodies: Vec<&[u8]> = events.iter().map(|e| &e.body[..]).collect();
        let prev: Vec<&[u8]> = events.iter().map(|e| &e.prev_hash[..]).collect();
        let hashes: Vec<&[u8]> = events.iter().map(|e| &e.hash[..]).collect();
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
                return Ok(());
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

    fn save_snapshot(&mut self, seq: u64, snapshot: Vec<u8>) -> Result<(), TraceError> {
        self.client.get_mut().execute(
            &format!(
                "INSERT INTO {}.snapshots (id, seq, body) VALUES (1, $1, $2) \
                 ON CONFLICT (id) DO UPDATE SET seq = EXCLUDED.seq, body = EXCLUDED.body",
                self.quoted_schema
            ),
            &[&to_i64(seq), &snapshot],
        )?;
        Ok(())
    }

    /// Read in slices of [`SNAPSHOT_SLICE`] bytes (one read-only, repeatable-read
    /// transaction, so a snapshot replaced meanwhile is not torn) into one buffer of
    /// the right size: read whole, the row's buffer would be a second copy of it (345 MB
    /// at a million lots) to allocate and copy.
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
        Ok(Some(bytes))
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
