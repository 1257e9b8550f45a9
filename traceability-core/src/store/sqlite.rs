//! The SQLite store: the embedded, durable default. One file, WAL journal, one
//! transaction per append (a command or a batch), `synchronous=FULL` so a committed
//! command survives a power cut. Several processes may share the file; the
//! `expected_next_seq` check inside an immediate transaction keeps their logs linear.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::{check_numbering, EventStore};
use crate::error::{Damage, TraceError};
use crate::event::{Hash, StoredEvent};

/// An event log in a SQLite file (table `events`: `seq`, `body` JSON, `prev_hash`, `hash`).
///
/// ```
/// use traceability_core::store::{EventStore, SqliteStore};
/// let store = SqliteStore::open_in_memory().unwrap();
/// assert_eq!(store.next_seq().unwrap(), 0);
/// ```
pub struct SqliteStore {
    conn: Connection,
}

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS events (
        seq       INTEGER PRIMARY KEY,
        body      TEXT    NOT NULL,
        prev_hash BLOB    NOT NULL,
        hash      BLOB    NOT NULL
    );";

impl SqliteStore {
    /// Opens (creating if needed) the store in the file at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, TraceError> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        Self::init(conn)
    }

    /// A store in a private in-memory database.
    pub fn open_in_memory() -> Result<Self, TraceError> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<Self, TraceError> {
        conn.execute_batch(SCHEMA)?;
        Ok(Self { conn })
    }
}

fn to_hash(bytes: Vec<u8>, seq: u64) -> Result<Hash, TraceError> {
    bytes
        .try_into()
        .map_err(|_| TraceError::tampered(seq, Damage::Undecodable, "stored hash is not 32 bytes"))
}

fn row_to_event(row: &rusqlite::Row<'_>) -> rusqlite::Result<(u64, String, Vec<u8>, Vec<u8>)> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
}

fn to_event(
    (seq, body, prev_hash, hash): (u64, String, Vec<u8>, Vec<u8>),
) -> Result<StoredEvent, TraceError> {
    Ok(StoredEvent {
        seq,
        body,
        prev_hash: to_hash(prev_hash, seq)?,
        hash: to_hash(hash, seq)?,
    })
}

impl EventStore for SqliteStore {
    fn next_seq(&self) -> Result<u64, TraceError> {
        Ok(self
            .conn
            .query_row("SELECT COALESCE(MAX(seq) + 1, 0) FROM events", [], |r| {
                r.get(0)
            })?)
    }

    fn append(&mut self, expected_next_seq: u64, events: &[StoredEvent]) -> Result<(), TraceError> {
        check_numbering(expected_next_seq, events)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let actual: u64 =
            tx.query_row("SELECT COALESCE(MAX(seq) + 1, 0) FROM events", [], |r| {
                r.get(0)
            })?;
        if actual != expected_next_seq {
            return Err(TraceError::StaleWriter {
                expected: expected_next_seq,
                actual,
            });
        }
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO events (seq, body, prev_hash, hash) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for e in events {
                insert.execute(params![e.seq, e.body, &e.prev_hash[..], &e.hash[..]])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn read_from(
        &self,
        from_seq: u64,
        visit: &mut dyn FnMut(StoredEvent) -> Result<(), TraceError>,
    ) -> Result<(), TraceError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, body, prev_hash, hash FROM events WHERE seq >= ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map([from_seq], row_to_event)?;
        for row in rows {
            visit(to_event(row?)?)?;
        }
        Ok(())
    }

    fn read_one(&self, seq: u64) -> Result<Option<StoredEvent>, TraceError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT seq, body, prev_hash, hash FROM events WHERE seq = ?1")?;
        stmt.query_row([seq], row_to_event)
            .optional()?
            .map(to_event)
            .transpose()
    }
}
