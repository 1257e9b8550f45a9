//! The SQLite store: the embedded, durable default. One file, WAL journal, one
//! transaction per append (a command or a batch), `synchronous=FULL` so a committed
//! command survives a power cut. Several processes may share the file; the
//! `expected_next_seq` check inside an immediate transaction keeps their logs linear.

use std::path::Path;

use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior, MAIN_DB};

use super::{check_numbering, EventStore};
use crate::event::{Hash, RecordSource, StoredEvent};
use crate::kernel::error::{Damage, StorageError, TraceError};

impl From<rusqlite::Error> for TraceError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Storage(StorageError::caused_by("SQLite", e))
    }
}

/// An event log in a SQLite file (table `events`: `seq`, `body` (the encoded event, a
/// BLOB; logs written before the compact encoding hold JSON TEXT), `prev_hash`, `hash`).
///
/// ```
/// use traceability_core::store::{EventStore, SqliteStore};
/// let store = SqliteStore::open_in_memory().unwrap();
/// assert_eq!(store.next_seq().unwrap(), 0);
/// ```
pub struct SqliteStore {
    conn: Connection,
    /// `seq` is the table's rowid (the schema this store creates), so it can only hold
    /// integers and tail reads can use the rowid range. A table created otherwise (an
    /// older or foreign schema) may hold any value in `seq`; reads then look at every row.
    seq_is_rowid: bool,
}

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS events (
        seq       INTEGER PRIMARY KEY,
        body      BLOB    NOT NULL,
        prev_hash BLOB    NOT NULL,
        hash      BLOB    NOT NULL
    );
    CREATE TABLE IF NOT EXISTS snapshots (
        seq       INTEGER PRIMARY KEY,
        body      BLOB    NOT NULL
    );";

impl SqliteStore {
    /// Opens (creating if needed) the store in the file at `path`. A file that is not a
    /// SQLite database (or is damaged beyond reading) is a [`TraceError::Storage`] error.
    ///
    /// ```
    /// use traceability_core::{store::SqliteStore, ErrorKind};
    /// let path = std::env::temp_dir().join(format!("sqlite-store-doc-{}.bin", std::process::id()));
    /// std::fs::write(&path, b"this is not a database, just some text long enough").unwrap();
    /// let err = SqliteStore::open(&path).err().unwrap();
    /// assert_eq!(err.kind(), ErrorKind::Storage);
    /// # std::fs::remove_file(&path).ok();
    /// ```
    pub fn open(path: impl AsRef<Path>) -> Result<Self, TraceError> {
        let path = path.as_ref();
        Self::open_file(path).map_err(|e| match e {
            TraceError::Storage(inner) => TraceError::Storage(StorageError::caused_by(
                format_args!("cannot open {}", path.display()),
                inner,
            )),
            other => other,
        })
    }

    fn open_file(path: &Path) -> Result<Self, TraceError> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        Self::init(conn)
    }

    /// A store in a private in-memory database.
    ///
    /// ```
    /// let store = traceability_core::store::SqliteStore::open_in_memory().unwrap();
    /// ```
    pub fn open_in_memory() -> Result<Self, TraceError> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<Self, TraceError> {
        conn.execute_batch(SCHEMA)?;
        let seq_is_rowid = seq_is_rowid(&conn)?;
        Ok(Self { conn, seq_is_rowid })
    }

    /// The query for the records from `?1` on, in order (only integer `seq`s).
    fn range_sql(&self) -> &'static str {
        if self.seq_is_rowid {
            "SELECT seq, body, prev_hash, hash FROM events WHERE seq >= ?1 ORDER BY seq"
        } else {
            "SELECT seq, body, prev_hash, hash FROM events \
             WHERE typeof(seq) = 'integer' AND seq >= ?1 ORDER BY seq"
        }
    }

    /// The `seq` of some row whose `seq` is not a non-negative integer, if there is one
    /// (negative rowids; NULL, text, real or blob in a foreign schema).
    fn unreadable_seq(&self) -> Result<Option<String>, TraceError> {
        let sql = if self.seq_is_rowid {
            "SELECT seq FROM events WHERE seq < 0 LIMIT 1"
        } else {
            "SELECT seq FROM events WHERE NOT (typeof(seq) = 'integer' AND seq >= 0) LIMIT 1"
        };
        let mut stmt = self.conn.prepare_cached(sql)?;
        let mut rows = stmt.query([])?;
        Ok(match rows.next()? {
            Some(row) => Some(describe(row.get_ref(0)?)),
            None => None,
        })
    }
}

/// Whether `events.seq` is an alias of the rowid (an `INTEGER PRIMARY KEY` of a rowid
/// table): then it holds only integers.
fn seq_is_rowid(conn: &Connection) -> Result<bool, TraceError> {
    let mut columns = conn.prepare("SELECT name, type, pk FROM pragma_table_info('events')")?;
    let columns = columns
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let keys: Vec<_> = columns.iter().filter(|c| c.2 > 0).collect();
    let integer_key = matches!(keys.as_slice(), [(name, ty, _)]
        if name.eq_ignore_ascii_case("seq") && ty.eq_ignore_ascii_case("INTEGER"));
    let without_rowid: bool = conn.query_row(
        "SELECT COALESCE(MAX(wr), 0) FROM pragma_table_list WHERE name = 'events'",
        [],
        |r| r.get(0),
    )?;
    Ok(integer_key && !without_rowid)
}

/// A short description of a stored value, for messages.
fn describe(value: ValueRef<'_>) -> String {
    match value {
        ValueRef::Null => "NULL".into(),
        ValueRef::Integer(i) => format!("the INTEGER {i}"),
        ValueRef::Real(f) => format!("the REAL {f}"),
        ValueRef::Text(t) => format!("TEXT of {} bytes", t.len()),
        ValueRef::Blob(b) => format!("a BLOB of {} bytes", b.len()),
    }
}

/// Reads one row into a record. `position` is the sequence number the row stands at
/// (named in the error when the row's own `seq` is unreadable).
fn read_row(row: &rusqlite::Row<'_>, position: u64) -> Result<StoredEvent, TraceError> {
    let seq = match row.get_ref(0)? {
        ValueRef::Integer(i) if i >= 0 => i as u64,
        other => {
            return Err(TraceError::tampered(
                position,
                Damage::Undecodable,
                format!(
                    "the row at position {position} has {} as its seq, not a sequence number",
                    describe(other)
                ),
            ))
        }
    };
    let body = match row.get_ref(1)? {
        ValueRef::Blob(bytes) | ValueRef::Text(bytes) => bytes.to_vec(),
        other => {
            return Err(TraceError::tampered(
                seq,
                Damage::Undecodable,
                format!("stored body is {}, not bytes", describe(other)),
            ))
        }
    };
    let hash_at = |column: usize, name: &str| -> Result<Hash, TraceError> {
        let value = row.get_ref(column)?;
        if let ValueRef::Blob(bytes) = value {
            if let Ok(hash) = Hash::try_from(bytes) {
                return Ok(hash);
            }
        }
        Err(TraceError::tampered(
            seq,
            Damage::Undecodable,
            format!("stored {name} is {}, not a 32-byte BLOB", describe(value)),
        ))
    };
    Ok(StoredEvent {
        seq,
        body,
        prev_hash: hash_at(2, "prev_hash")?,
        hash: hash_at(3, "hash")?,
    })
}

/// `COALESCE(MAX(seq) + 1, 0)` over the integer sequence numbers.
fn next_seq_in(conn: &Connection) -> Result<u64, TraceError> {
    let next: i64 = conn.query_row(
        "SELECT COALESCE(MAX(seq) + 1, 0) FROM events WHERE typeof(seq) = 'integer'",
        [],
        |r| r.get(0),
    )?;
    Ok(u64::try_from(next).unwrap_or(0))
}

impl EventStore for SqliteStore {
    fn next_seq(&self) -> Result<u64, TraceError> {
        next_seq_in(&self.conn)
    }

    fn append(&mut self, expected_next_seq: u64, events: &[StoredEvent]) -> Result<(), TraceError> {
        check_numbering(expected_next_seq, events)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let actual = next_seq_in(&tx)?;
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

    /// One row in `snapshots`, replaced in one transaction.
    fn save_snapshot(&mut self, seq: u64, snapshot: Vec<u8>) -> Result<(), TraceError> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM snapshots", [])?;
        tx.execute(
            "INSERT INTO snapshots (seq, body) VALUES (?1, ?2)",
            params![seq, snapshot],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The row with the highest `seq`; a row whose body is not a BLOB counts as none.
    /// Read with the incremental blob API straight into one buffer (reading it as a
    /// column value copies it twice: 0.2 s more for the 443 MB snapshot of a million lots
    /// in format 10).
    fn latest_snapshot(&self) -> Result<Option<Vec<u8>>, TraceError> {
        let latest = self
            .conn
            .prepare_cached(
                "SELECT seq, typeof(body) = 'blob' FROM snapshots ORDER BY seq DESC LIMIT 1",
            )?
            .query_row([], |row| {
                Ok((row.get::<_, i64>(0)?, row.get::<_, bool>(1)?))
            })
            .optional()?;
        let Some((seq, true)) = latest else {
            return Ok(None);
        };
        let blob = self
            .conn
            .blob_open(MAIN_DB, c"snapshots", c"body", seq, true)?;
        let mut bytes = vec![0; blob.len()];
        blob.read_at_exact(&mut bytes, 0)?;
        Ok(Some(bytes))
    }
}

impl RecordSource for SqliteStore {
    /// Every row from `from_seq` on, in order. A row that cannot be read as a record
    /// (body neither BLOB nor TEXT, a hash that is not a 32-byte BLOB) stops the read
    /// with [`TraceError::Tampered`] ([`Damage::Undecodable`]) naming its sequence
    /// number. A row whose `seq` itself is not a non-negative integer is reported the
    /// same way at the first position where an event is missing (where it stands in for
    /// the missing event), or after the last event when none is.
    fn read_from(
        &self,
        from_seq: u64,
        visit: &mut dyn FnMut(StoredEvent) -> Result<(), TraceError>,
    ) -> Result<(), TraceError> {
        let unreadable = self.unreadable_seq()?;
        let mut stmt = self.conn.prepare_cached(self.range_sql())?;
        let mut rows = stmt.query([from_seq])?;
        let mut position = from_seq;
        while let Some(row) = rows.next()? {
            let event = read_row(row, position)?;
            if unreadable.is_some() && event.seq > position {
                break;
            }
            position = event.seq.saturating_add(1);
            visit(event)?;
        }
        match unreadable {
            Some(value) => Err(TraceError::tampered(
                position,
                Damage::Undecodable,
                format!(
                    "a row has {value} as its seq, not a sequence number (event {position} \
                     cannot be read)"
                ),
            )),
            None => Ok(()),
        }
    }

    fn read_one(&self, seq: u64) -> Result<Option<StoredEvent>, TraceError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT seq, body, prev_hash, hash FROM events WHERE seq = ?1")?;
        let mut rows = stmt.query([seq])?;
        rows.next()?.map(|row| read_row(row, seq)).transpose()
    }
}
