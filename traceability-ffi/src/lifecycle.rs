//! Version, errors, strings, and the tracker handle's life: create, open, set the
//! clock, free.

use std::ffi::{c_char, CString};

use traceability_core::{OpenOptions, Tracker};

use crate::args::str_arg;
use crate::handle::{out_arg, tr_tracker, tracker_arg};
use crate::status::{last_error_json_ptr, last_error_ptr, status_name, tr_status, Failure};

/// Major version of the library this header belongs to.
pub const TR_VERSION_MAJOR: u32 = 0;
/// Minor version of the library this header belongs to.
pub const TR_VERSION_MINOR: u32 = 1;
/// Patch version of the library this header belongs to.
pub const TR_VERSION_PATCH: u32 = 0;

const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");

/// The library's version, "MAJOR.MINOR.PATCH". Compare it with the `TR_VERSION_*`
/// macros to detect a header/library mismatch.
///
/// Ownership: a static string; never free it. Thread-safe.
#[no_mangle]
pub extern "C" fn tr_version() -> *const c_char {
    ffi_guard!(c"?".as_ptr() => { VERSION.as_ptr().cast() })
}

/// The message explaining the last failed call on the calling thread, or "" if the
/// last call succeeded. Never NULL.
///
/// Ownership: owned by the library; valid until the next `tr_` call that returns a
/// `tr_status` on this thread. Copy it to keep it. Thread-safe (one message per thread).
#[no_mangle]
pub extern "C" fn tr_last_error_message() -> *const c_char {
    ffi_guard!(c"".as_ptr() => { last_error_ptr() })
}

/// The last failed call on the calling thread as a JSON object with its typed fields,
/// or "{}" if the last call succeeded. Never NULL. Always present:
/// `{"status":17,"kind":"Tampered","message":"..."}` (`status` the code returned, `kind`
/// the core's error kind or "NullPointer" / "InvalidUtf8" / "Panic", `message` the text
/// of `tr_last_error_message()`). Then the fields of the kind:
///  - Tampered: `seq` (the first bad event, or for a checkpoint the count it signs),
///    `damage` ("body_altered", "undecodable", "hash_altered", "missing", "reordered",
///    "inserted", "truncated", "rewritten", "bad_signature"), `detail`;
///  - Unreplayable: `seq`, `detail`; ReadOnly, Storage: `detail`;
///  - InvalidInput: `field`, `reason` (when the core or the boundary names the field);
///  - NullPointer, InvalidUtf8: `argument`;
///  - UnknownProduct `product`; UnknownLot `product`, `lot`; UnknownSerial `product`,
///    `serial`; UnknownLocation `location`; UnknownParty `party`; UnknownOrder `order`;
///    DuplicateNumber `key_kind`, `key`; WrongTracking `product`, `actual`, `expected`;
///    WrongRole `party`, `expected`; InvalidQuantity `quantity`, `rule`;
///    InsufficientStock `item` (the lot or serial, or null when a product's eligible
///    stock as a whole is short), `product`, `locations` (where stock was looked for; []:
///    every location), `customer` (for a return: the customer whose shipped and not yet
///    returned quantity is `available`; else null), `requested`, `available`;
///    InvalidTransition `product`, `serial`, `from`, `to` (statuses as "IN_INVENTORY");
///    ExpiredLot `product`, `lot`, `expiry`, `date`; NotUsable `item`, `why`;
///    StaleWriter `expected`, `actual`.
///
/// Items are `{"lot":{"product":"FLOUR","lot":"L1"}}` or
/// `{"serial":{"product":"PUMP","serial":"SN1"}}`; quantities are decimal strings.
///
/// Ownership: owned by the library, like `tr_last_error_message()`: valid until the next
/// `tr_` call that returns a `tr_status` on this thread; never free it. Thread-safe (one
/// error per thread).
#[no_mangle]
pub extern "C" fn tr_last_error_json() -> *const c_char {
    ffi_guard!(c"{}".as_ptr() => { last_error_json_ptr() })
}

/// The name of a status code as written in this header ("TR_ERR_UNKNOWN_LOT"), or
/// "TR_UNKNOWN_STATUS" for a number that is not a code.
///
/// Ownership: a static string; never free it. Thread-safe.
#[no_mangle]
pub extern "C" fn tr_status_name(status: tr_status) -> *const c_char {
    ffi_guard!(c"TR_UNKNOWN_STATUS".as_ptr() => {
        status_name(status).unwrap_or(c"TR_UNKNOWN_STATUS").as_ptr()
    })
}

/// Frees a string returned by the library (JSON query results). NULL is ignored.
///
/// Ownership: takes back ownership of `string`, which must come from this library and
/// not be freed twice. Never pass `tr_last_error_message()` or `tr_version()` here.
#[no_mangle]
pub unsafe extern "C" fn tr_string_free(string: *mut c_char) {
    ffi_guard!(() => {
        if !string.is_null() {
            drop(CString::from_raw(string));
        }
    })
}

unsafe fn new_tracker(
    out: *mut *mut tr_tracker,
    open: impl FnOnce() -> Result<Tracker, Failure>,
) -> Result<(), Failure> {
    let out = out_arg(out, "out")?;
    *out = tr_tracker::into_raw(open()?);
    Ok(())
}

/// Creates a tracker on a fresh in-memory event store (tests, scratch work).
///
/// Ownership: on TR_OK, `*out` is a new handle owned by the caller, freed with
/// `tr_tracker_free`; on failure `*out` is NULL.
#[no_mangle]
pub unsafe extern "C" fn tr_tracker_new_memory(out: *mut *mut tr_tracker) -> tr_status {
    ffi_guard!({ new_tracker(out, || Ok(Tracker::in_memory())) })
}

/// Opens (or creates) the event store at `path` (UTF-8) and replays it: a SQLite file,
/// or a PostgreSQL database given by a URL (`postgresql://user@host:port/db`,
/// optionally `?schema=name`; the schema, default `traceability`, is created and
/// migrated by the library). An empty or blank `path` is TR_ERR_INVALID_INPUT (SQLite
/// would open a temporary database, losing everything written to it); ":memory:" is a
/// private in-memory database.
///
/// Several handles (in this process, others, or on other machines for PostgreSQL) may
/// open the same store. Queries show what this handle has read: the others' events
/// appear after `tr_tracker_refresh` or `tr_wait_for_events`. Commands read the others'
/// events first and decide on the current log; a command overtaken by another writer
/// is decided again (a bounded number of times) before TR_ERR_STALE_WRITER.
///
/// Ownership: `path` is borrowed for the call. On TR_OK, `*out` is a new handle owned
/// by the caller, freed with `tr_tracker_free`; on failure `*out` is NULL.
#[no_mangle]
pub unsafe extern "C" fn tr_tracker_open(
    path: *const c_char,
    out: *mut *mut tr_tracker,
) -> tr_status {
    ffi_guard!({
        new_tracker(out, || {
            let path = path_arg(path)?;
            Ok(Tracker::open(path)?)
        })
    })
}

/// A required store path: UTF-8, not blank.
unsafe fn path_arg<'a>(path: *const c_char) -> Result<&'a str, Failure> {
    let path = str_arg(path, "path")?;
    if path.trim().is_empty() {
        return Err(Failure::invalid(
            "path",
            "empty (give a file name, or \":memory:\" for a scratch store)",
        ));
    }
    Ok(path)
}

/// `tr_tracker_open_with` flag: skip recomputing each event's hash while replaying (the
/// trusted fast path for a store the caller vouches for). Numbering and links are still
/// checked; run `tr_verify_json` later to check the contents.
pub const TR_OPEN_NO_VERIFY: u32 = 1;
/// `tr_tracker_open_with` flag: when the log cannot be verified or replayed, open it
/// read-only up to the event before the first bad one instead of failing.
pub const TR_OPEN_SALVAGE: u32 = 2;
/// `tr_tracker_open_with` flag: neither open from the store's state snapshot (replay
/// the whole log) nor write snapshots automatically (`tr_snapshot` still writes one).
/// Without it a tracker opens from the latest snapshot that matches the log, verifying
/// and replaying only the events after it, and writes a new one after a commit once
/// 100,000 events (and at least a quarter of what the last one covered) were appended
/// since the last.
pub const TR_OPEN_NO_SNAPSHOTS: u32 = 4;

/// Every defined `tr_tracker_open_with` flag.
const OPEN_FLAGS: u32 = TR_OPEN_NO_VERIFY | TR_OPEN_SALVAGE | TR_OPEN_NO_SNAPSHOTS;

/// `tr_tracker_open` with flags: 0 (the default: verify every replayed event's hash,
/// fail on a damaged log, use and write state snapshots), or an OR of
/// `TR_OPEN_NO_VERIFY`, `TR_OPEN_SALVAGE` and `TR_OPEN_NO_SNAPSHOTS`. A bit that is not
/// one of these is TR_ERR_INVALID_INPUT.
///
/// Without TR_OPEN_SALVAGE, a damaged log fails: TR_ERR_TAMPERED (the chain is broken;
/// `tr_last_error_json()` gives `seq`, the first bad event, and `damage`) or
/// TR_ERR_UNREPLAYABLE (an intact event the state cannot take; `seq`). With it, such a
/// log opens read-only up to the event before the first bad one: queries answer about
/// that history, `tr_tracker_damage_json` says what stopped the replay, and every command
/// (and `tr_tracker_refresh`) is refused with TR_ERR_READ_ONLY. A healthy log opens as
/// usual (`tr_tracker_damage_json` gives "null"). Other failures (an unreadable file:
/// TR_ERR_STORAGE) fail either way.
///
/// Ownership: `path` is borrowed for the call. On TR_OK, `*out` is a new handle owned
/// by the caller, freed with `tr_tracker_free`; on failure `*out` is NULL. Thread-safe.
#[no_mangle]
pub unsafe extern "C" fn tr_tracker_open_with(
    path: *const c_char,
    flags: u32,
    out: *mut *mut tr_tracker,
) -> tr_status {
    ffi_guard!({
        new_tracker(out, || {
            let path = path_arg(path)?;
            if flags & !OPEN_FLAGS != 0 {
                return Err(Failure::invalid(
                    "flags",
                    format!(
                        "unknown bits {:#x} (TR_OPEN_NO_VERIFY, TR_OPEN_SALVAGE, \
                         TR_OPEN_NO_SNAPSHOTS)",
                        flags & !OPEN_FLAGS
                    ),
                ));
            }
            let options = OpenOptions {
                verify: flags & TR_OPEN_NO_VERIFY == 0,
                salvage: flags & TR_OPEN_SALVAGE != 0,
                snapshot_every: if flags & TR_OPEN_NO_SNAPSHOTS == 0 {
                    OpenOptions::default().snapshot_every
                } else {
                    0
                },
            };
            Ok(Tracker::open_with(path, options)?)
        })
    })
}

/// Reads what other writers (other handles, other processes) appended to the shared
/// store since this tracker last read it, and applies it: queries then show the current
/// log. Nothing to read is TR_OK. How far the tracker has read is `tr_head_json`
/// (`event_count`), which does not refresh.
///
/// An event that does not link to the one before it is TR_ERR_TAMPERED; one that cannot
/// be applied is TR_ERR_UNREPLAYABLE; a store failure is TR_ERR_STORAGE. On failure the
/// tracker keeps every event it applied before the bad one (its state and head stay
/// consistent with that prefix of the log).
///
/// Thread-safe (locks the handle like every call on it).
#[no_mangle]
pub unsafe extern "C" fn tr_tracker_refresh(tracker: *mut tr_tracker) -> tr_status {
    ffi_guard!({ tracker_arg(tracker)?.with(|engine| Ok(engine.tracker.refresh()?)) })
}

/// Waits up to `timeout_ms` milliseconds for other writers to append to the shared
/// store, then applies what they appended; `*new_events` (optional, may be NULL)
/// receives how many events came (0 on timeout). On PostgreSQL the wait is woken by
/// the appends' notifications (LISTEN/NOTIFY); other stores are polled. The handle is
/// busy while it waits.
#[no_mangle]
pub unsafe extern "C" fn tr_wait_for_events(
    tracker: *mut tr_tracker,
    timeout_ms: u64,
    new_events: *mut u64,
) -> tr_status {
    ffi_guard!({
        let timeout = std::time::Duration::from_millis(timeout_ms);
        let came =
            tracker_arg(tracker)?.with(|engine| Ok(engine.tracker.wait_for_events(timeout)?))?;
        if let Some(new_events) = new_events.as_mut() {
            *new_events = came;
        }
        Ok(())
    })
}

/// Writes a snapshot of the tracker's state to its store (replacing the previous one),
/// after reading what other writers appended; `*seq` (optional, may be NULL) receives
/// the number of events it covers. A snapshot is a cache that lets the store open
/// without replaying the whole log; deleting it loses nothing. A salvaged tracker is
/// TR_ERR_READ_ONLY. O(state).
#[no_mangle]
pub unsafe extern "C" fn tr_snapshot(tracker: *mut tr_tracker, seq: *mut u64) -> tr_status {
    ffi_guard!({
        let covered = tracker_arg(tracker)?.with(|engine| Ok(engine.tracker.snapshot()?))?;
        if let Some(seq) = seq.as_mut() {
            *seq = covered;
        }
        Ok(())
    })
}

/// Frees a tracker. NULL is ignored.
///
/// Ownership: takes back ownership of `tracker`; no other thread may be using it.
#[no_mangle]
pub unsafe extern "C" fn tr_tracker_free(tracker: *mut tr_tracker) {
    ffi_guard!(() => {
        if !tracker.is_null() {
            drop(Box::from_raw(tracker));
        }
    })
}

/// Stops the tracker's clock at an RFC 3339 instant such as "2026-03-01T08:00:00Z":
/// every later event is recorded at that time and "today" is its date, until set again.
/// For tests, demos and replays; a tracker uses the system clock until this is called.
///
/// Ownership: `instant` is borrowed for the call.
#[no_mangle]
pub unsafe extern "C" fn tr_tracker_set_time(
    tracker: *mut tr_tracker,
    instant: *const c_char,
) -> tr_status {
    ffi_guard!({
        let tracker = tracker_arg(tracker)?;
        let text = str_arg(instant, "instant")?;
        let at = chrono::DateTime::parse_from_rfc3339(text.trim())
            .map_err(|e| Failure::invalid("instant", format!("{text:?} is not RFC 3339 ({e})")))?;
        tracker.with(|engine| {
            engine.set_time(at.with_timezone(&chrono::Utc));
            Ok(())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_macros_match_the_crate_version() {
        let expected = format!("{TR_VERSION_MAJOR}.{TR_VERSION_MINOR}.{TR_VERSION_PATCH}");
        assert_eq!(expected, env!("CARGO_PKG_VERSION"));
        let version = unsafe { std::ffi::CStr::from_ptr(tr_version()) };
        assert_eq!(version.to_str().unwrap(), expected);
    }
}
