//! Opening damaged stores: SQLite files from arbitrary bytes, a valid small SQLite log
//! with a fuzzer-chosen byte range overwritten, and arbitrary event bodies (correctly
//! hash-chained, so they reach decoding and `apply`) in an in-memory log.
//!
//! Input layout — the first byte selects the mode (modulo 4), the rest is its data:
//! * 0: the rest is the whole file; `Tracker::open` it.
//! * 1: `offset: u32 LE` then the patch bytes: the template log (the fixture plant in
//!   SQLite) with the bytes from `offset % len` on replaced (up to 512 bytes), then
//!   `Tracker::open` it.
//! * 2: the rest (if UTF-8) is the body of event 0 of an in-memory log.
//! * 3: the rest (if UTF-8) is the body of an event appended after the fixture's log
//!   (an event that may contradict the state it is applied to).
//!
//! Invariants: never a panic; whatever opens must verify, list its events, and accept
//! a command or refuse it cleanly.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use traceability_core::store::MemoryStore;
use traceability_core::{Command, Location, LocationKind, Tracker};
use traceability_fuzz::{
    clock, fixture_records, remove_db, scratch_dir, sealed_raw, template_db, ACTOR, GENESIS, REASON,
};

/// Exercises an opened tracker a little: none of this may panic.
fn use_tracker(mut tracker: Tracker) {
    let _ = tracker.verify();
    let _ = tracker.events(0);
    let (count, _) = tracker.head();
    let _ = tracker.refresh();
    let register = Command::RegisterLocation(Location::new(
        "FUZZ-LOC".parse().unwrap(),
        LocationKind::Internal,
    ));
    tracker.set_clock(clock());
    if tracker.execute(ACTOR, Some(REASON), &register).is_ok() {
        assert_eq!(tracker.head().0, count + 1);
    }
}

fn open_file(path: &Path, bytes: &[u8]) {
    remove_db(path);
    std::fs::write(path, bytes).expect("scratch file writable");
    if let Ok(tracker) = Tracker::open(path) {
        use_tracker(tracker);
    }
    remove_db(path);
}

fn open_memory(records: Vec<traceability_core::event::StoredEvent>) {
    if let Ok(tracker) = Tracker::with_store(Box::new(MemoryStore::from_records(records)), clock())
    {
        use_tracker(tracker);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let dir = scratch_dir("store_open");
    let path = dir.join("fuzzed.db");
    match mode % 4 {
        0 => open_file(&path, rest),
        1 => {
            if rest.len() < 4 {
                return;
            }
            let (offset, patch) = rest.split_at(4);
            let mut file = template_db(dir).to_vec();
            let start = u32::from_le_bytes(offset.try_into().unwrap()) as usize % file.len();
            let patch = &patch[..patch.len().min(512)];
            let end = (start + patch.len()).min(file.len());
            file[start..end].copy_from_slice(&patch[..end - start]);
            open_file(&path, &file);
        }
        2 => open_memory(vec![sealed_raw(0, rest, GENESIS)]),
        _ => {
            let body = rest;
            let mut records = fixture_records().to_vec();
            let last = records.last().expect("the fixture has events");
            let next = sealed_raw(last.seq + 1, body, last.hash);
            records.push(next);
            open_memory(records);
        }
    }
});
