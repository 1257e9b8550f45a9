//! The C ABI's string entry points with arbitrary NUL-terminated byte strings
//! (invalid UTF-8, control characters, huge numbers, NULLs), called through the rlib of
//! `traceability-ffi` exactly as a C program would call them.
//!
//! Input layout: up to 8 calls separated by the byte 0xFF (which never occurs in UTF-8,
//! while other invalid UTF-8 sequences stay reachable). A call is `op`, `flags`, then
//! its string arguments separated by NUL bytes; a missing argument, or one that is
//! exactly the byte 0x01, is passed as NULL. `op` picks the function (modulo the number
//! of functions); `flags` supplies the non-string arguments (item kinds, formats,
//! strategies, booleans) and, in its top bits, a NULL `tracker` or `out`.
//!
//! Each input starts from a fresh in-memory tracker with a fixed clock, seeded with the
//! fixture plant through `tr_execute_batch_json`. Invariants after every call:
//! * never a panic (libFuzzer aborts on one even when the guard catches it), and never
//!   `TR_ERR_PANIC` (102);
//! * the status is one of the header's codes; `tr_last_error_message()` is empty after
//!   success and explains every failure;
//! * `*out` is NULL on failure; on success it is UTF-8 (JSON where JSON is promised),
//!   and it is freed with `tr_string_free`;
//! * a failed call (a refused command above all) leaves the log head (`tr_head_json`)
//!   unchanged.
#![no_main]

use std::ffi::{c_char, CStr, CString};
use std::ptr::{null, null_mut};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use traceability::bulk::*;
use traceability::commands::*;
use traceability::lifecycle::*;
use traceability::queries::*;
use traceability::trace::*;
use traceability::*;
use traceability_fuzz::{fixture_commands, scratch_dir, NOW};

const MAX_CALLS: usize = 8;
/// The number of functions `op` picks from.
const OPS: u8 = 58;
/// `flags` bit: pass a NULL tracker.
const NULL_TRACKER: u8 = 0x80;
/// `flags` bit: pass a NULL `out`.
const NULL_OUT: u8 = 0x40;

struct Call {
    op: u8,
    flags: u8,
    args: Vec<Option<CString>>,
}

impl Call {
    fn parse(bytes: &[u8]) -> Option<Self> {
        let (&op, rest) = bytes.split_first()?;
        let (flags, rest) = rest.split_first().map_or((0, &[][..]), |(f, r)| (*f, r));
        let args = if rest.is_empty() {
            Vec::new()
        } else {
            rest.split(|&b| b == 0)
                .map(|a| (a != [1]).then(|| CString::new(a).expect("split on NUL")))
                .collect()
        };
        Some(Self { op, flags, args })
    }

    /// String argument `i` (NULL when missing).
    fn s(&self, i: usize) -> *const c_char {
        self.args
            .get(i)
            .and_then(Option::as_ref)
            .map_or(null(), |s| s.as_ptr())
    }

    /// Arguments from `i` on (NULLs included), as a C array of strings.
    fn rest(&self, i: usize) -> Vec<*const c_char> {
        (i..self.args.len().max(i)).map(|j| self.s(j)).collect()
    }

    /// An item from the kind in `flags` bits 0-1 (lot, serial, or an invalid kind) and
    /// the product and number arguments `p` and `n`.
    fn item(&self, p: usize, n: usize) -> tr_item {
        self.item_kind(self.flags & 3, p, n)
    }

    fn item_kind(&self, bits: u8, p: usize, n: usize) -> tr_item {
        tr_item {
            kind: match bits & 3 {
                0 => TR_ITEM_LOT,
                1 => TR_ITEM_SERIAL,
                2 => 7,
                _ => -1,
            },
            product: self.s(p),
            number: self.s(n),
        }
    }

    /// Items from argument pairs starting at `i`.
    fn items(&self, i: usize) -> Vec<tr_item> {
        (i..self.args.len())
            .step_by(2)
            .enumerate()
            .map(|(k, j)| self.item_kind(self.flags.rotate_right(k as u32 * 2), j, j + 1))
            .collect()
    }

    /// A number from the first 4 bytes of argument `i` (NULL when missing).
    fn number(&self, i: usize) -> Option<u32> {
        let bytes = self.args.get(i)?.as_ref()?.as_bytes();
        let mut four = [0u8; 4];
        for (d, s) in four.iter_mut().zip(bytes) {
            *d = *s;
        }
        Some(u32::from_le_bytes(four))
    }

    fn flag(&self, bit: u8) -> bool {
        self.flags & bit != 0
    }
}

fn ptr_of(value: &Option<u32>) -> *const u32 {
    value.as_ref().map_or(null(), |v| v as *const u32)
}

fn slice_ptr<T>(v: &[T]) -> *const T {
    if v.is_empty() {
        null()
    } else {
        v.as_ptr()
    }
}

fn fixture_json() -> &'static CString {
    static JSON: OnceLock<CString> = OnceLock::new();
    JSON.get_or_init(|| CString::new(serde_json::to_string(&fixture_commands()).unwrap()).unwrap())
}

fn last_error() -> String {
    let ptr = tr_last_error_message();
    assert!(!ptr.is_null(), "tr_last_error_message returned NULL");
    unsafe { CStr::from_ptr(ptr) }
        .to_string_lossy()
        .into_owned()
}

/// The head as JSON (the event count and hash), to compare around a command.
unsafe fn head(t: *mut tr_tracker) -> Option<String> {
    if t.is_null() {
        return None;
    }
    let mut out = null_mut();
    assert_eq!(
        tr_head_json(t, &mut out),
        TR_OK,
        "tr_head_json: {}",
        last_error()
    );
    let text = CStr::from_ptr(out).to_str().unwrap().to_owned();
    tr_string_free(out);
    Some(text)
}

/// What a function hands back in `*out`.
#[derive(Clone, Copy, PartialEq)]
enum Out {
    /// Nothing (a command).
    None,
    /// JSON text.
    Json,
    /// JSON text, or NULL for "no figure".
    MaybeText,
    /// A diagram (DOT or Mermaid).
    Text,
}

/// Checks one call's status, error message and output, and frees the output.
unsafe fn check(name: &str, status: tr_status, out_kind: Out, out: *mut c_char) {
    assert_ne!(
        status,
        TR_ERR_PANIC,
        "{name} returned TR_ERR_PANIC: {}",
        last_error()
    );
    let status_name = CStr::from_ptr(tr_status_name(status)).to_str().unwrap();
    assert_ne!(
        status_name, "TR_UNKNOWN_STATUS",
        "{name} returned unknown status {status}"
    );
    let message = last_error();
    if status == TR_OK {
        assert!(
            message.is_empty(),
            "{name} succeeded but left the error {message:?}"
        );
        match out_kind {
            Out::None | Out::MaybeText => {}
            Out::Json | Out::Text => assert!(!out.is_null(), "{name} succeeded with a NULL *out"),
        }
        if !out.is_null() {
            let text = CStr::from_ptr(out)
                .to_str()
                .unwrap_or_else(|e| panic!("{name} returned invalid UTF-8: {e}"));
            if out_kind == Out::Json {
                if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
                    panic!("{name} returned invalid JSON ({e}): {text:?}");
                }
            }
        }
    } else {
        assert!(
            !message.is_empty(),
            "{name} failed with {status_name} but no message"
        );
        assert!(
            out.is_null(),
            "{name} failed with {status_name} but set *out"
        );
    }
    tr_string_free(out);
}

/// Opens a store at `path` only when it cannot leave the scratch directory (the current
/// directory, see `fuzz_target!`): no `/`, `\`, or `%` (SQLite decodes `%2F` in
/// `file:` URIs).
unsafe fn open_contained(call: &Call) {
    let path = call.s(0);
    if !path.is_null() {
        let bytes = CStr::from_ptr(path).to_bytes();
        if bytes.iter().any(|b| matches!(b, b'/' | b'\\' | b'%')) {
            return;
        }
    }
    let mut opened: *mut tr_tracker = null_mut();
    let out = if call.flag(NULL_OUT) {
        null_mut()
    } else {
        &mut opened as *mut _
    };
    let status = tr_tracker_open(path, out);
    assert_ne!(status, TR_ERR_PANIC, "tr_tracker_open: {}", last_error());
    assert_eq!(
        status == TR_OK,
        !opened.is_null(),
        "tr_tracker_open: handle iff TR_OK"
    );
    if status == TR_OK {
        let mut json = null_mut();
        check(
            "tr_head_json",
            tr_head_json(opened, &mut json),
            Out::Json,
            json,
        );
    }
    tr_tracker_free(opened);
    // Leave the scratch directory empty for the next call.
    if let Ok(entries) = std::fs::read_dir(".") {
        for entry in entries.flatten() {
            let _ = std::fs::remove_file(entry.path());
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Runs one call; returns its name, status, output kind and output.
unsafe fn run(t: *mut tr_tracker, c: &Call) -> Option<(&'static str, tr_status, Out, *mut c_char)> {
    let t = if c.flag(NULL_TRACKER) { null_mut() } else { t };
    let mut out: *mut c_char = null_mut();
    let o: *mut *mut c_char = if c.flag(NULL_OUT) {
        null_mut()
    } else {
        &mut out
    };
    let (a0, a1) = (c.s(0), c.s(1));
    let b = |bit: u8| c.flag(bit);
    let (name, status, kind): (&'static str, tr_status, Out) = match c.op % OPS {
        0 => ("tr_tracker_set_time", tr_tracker_set_time(t, a0), Out::None),
        1 => {
            let shelf = c.number(6);
            let s = tr_register_product(t, a0, a1, c.s(2), c.s(3), c.s(4), c.s(5), ptr_of(&shelf));
            ("tr_register_product", s, Out::None)
        }
        2 => (
            "tr_register_location",
            tr_register_location(t, a0, a1, c.s(2), c.s(3), c.s(4)),
            Out::None,
        ),
        3 => (
            "tr_register_party",
            tr_register_party(t, a0, a1, c.s(2), c.s(3), c.s(4)),
            Out::None,
        ),
        4 => {
            let serials = c.rest(5);
            let s = tr_expect_serials(
                t,
                a0,
                a1,
                c.s(2),
                slice_ptr(&serials),
                serials.len(),
                c.s(3),
                c.s(4),
            );
            ("tr_expect_serials", s, Out::None)
        }
        5 => {
            let s = tr_receive_lot(
                t,
                a0,
                a1,
                c.s(2),
                c.s(3),
                c.s(4),
                c.s(5),
                c.s(6),
                c.s(7),
                c.s(8),
                c.s(9),
                c.s(10),
            );
            ("tr_receive_lot", s, Out::None)
        }
        6 => {
            let serials = c.rest(6);
            let s = tr_receive_serials(
                t,
                a0,
                a1,
                c.s(2),
                slice_ptr(&serials),
                serials.len(),
                c.s(3),
                c.s(4),
                c.s(5),
            );
            ("tr_receive_serials", s, Out::None)
        }
        7 => {
            let item = c.item(2, 3);
            (
                "tr_move",
                tr_move(t, a0, a1, &item, c.s(4), c.s(5), c.s(6), b(4)),
                Out::None,
            )
        }
        8 => {
            let item = c.item(3, 4);
            (
                "tr_allocate",
                tr_allocate(t, a0, a1, c.s(2), &item, c.s(5), c.s(6)),
                Out::None,
            )
        }
        9 => {
            let item = c.item(3, 4);
            let item_ptr = if b(4) { null() } else { &item as *const _ };
            (
                "tr_cancel_allocation",
                tr_cancel_allocation(t, a0, a1, c.s(2), item_ptr),
                Out::None,
            )
        }
        10 => {
            let item = c.item(3, 4);
            (
                "tr_pick",
                tr_pick(t, a0, a1, c.s(2), &item, c.s(5)),
                Out::None,
            )
        }
        11 => (
            "tr_ship",
            tr_ship(t, a0, a1, c.s(2), c.s(3), c.s(4), c.s(5), b(4)),
            Out::None,
        ),
        12 => {
            let lines = vec![
                tr_line {
                    item: c.item(3, 4),
                    location: c.s(5),
                    quantity: c.s(6)
                };
                usize::from(b(4))
            ];
            let outputs = vec![
                tr_output {
                    kind: i32::from((c.flags >> 2) & 3),
                    product: c.s(7),
                    number: c.s(8),
                    quantity: c.s(9),
                    location: c.s(10),
                };
                usize::from(b(0x20))
            ];
            let s = tr_produce(
                t,
                a0,
                a1,
                c.s(2),
                slice_ptr(&lines),
                lines.len(),
                slice_ptr(&outputs),
                outputs.len(),
                c.s(11),
                b(0x10),
            );
            ("tr_produce", s, Out::None)
        }
        13 => (
            "tr_adjust",
            tr_adjust(t, a0, a1, c.s(2), c.s(3), c.s(4), c.s(5)),
            Out::None,
        ),
        14 => {
            let item = c.item(2, 3);
            (
                "tr_scrap",
                tr_scrap(t, a0, a1, &item, c.s(4), c.s(5)),
                Out::None,
            )
        }
        15 => (
            "tr_set_lot_active",
            tr_set_lot_active(t, a0, a1, c.s(2), c.s(3), b(4)),
            Out::None,
        ),
        16 => {
            let item = c.item(4, 5);
            (
                "tr_return",
                tr_return(t, a0, a1, c.s(2), c.s(3), &item, c.s(6), c.s(7), c.flag(1)),
                Out::None,
            )
        }
        17 => {
            let locations = c.rest(7);
            let strategy = match (c.flags >> 2) & 3 {
                3 => 99,
                k => i32::from(k),
            };
            let s = tr_allocate_stock(
                t,
                a0,
                a1,
                c.s(2),
                c.s(3),
                c.s(4),
                strategy,
                c.s(5),
                c.s(6),
                slice_ptr(&locations),
                locations.len(),
                b(0x10),
                o,
            );
            ("tr_allocate_stock", s, Out::Json)
        }
        18 => {
            let s = tr_update_lot_dates(t, a0, a1, c.s(2), c.s(3), c.s(4), c.s(5), c.s(6), c.s(7));
            ("tr_update_lot_dates", s, Out::None)
        }
        19 => {
            let lots = c.items(2);
            (
                "tr_set_lots_active",
                tr_set_lots_active(t, a0, a1, slice_ptr(&lots), lots.len(), b(0x20)),
                Out::None,
            )
        }
        20 => {
            let s = tr_record_test_result(
                t,
                a0,
                a1,
                c.s(2),
                c.s(3),
                c.s(4),
                c.s(5),
                c.s(6),
                c.s(7),
                c.s(8),
                c.s(9),
            );
            ("tr_record_test_result", s, Out::None)
        }
        21 => (
            "tr_link_certificate",
            tr_link_certificate(t, a0, a1, c.s(2), c.s(3), c.s(4), c.s(5)),
            Out::None,
        ),
        22 => (
            "tr_set_quality_status",
            tr_set_quality_status(t, a0, a1, c.s(2), c.s(3), c.s(4)),
            Out::None,
        ),
        23 => (
            "tr_execute_json",
            tr_execute_json(t, a0, a1, c.s(2)),
            Out::None,
        ),
        24 => (
            "tr_execute_batch_json",
            tr_execute_batch_json(t, a0, a1, c.s(2)),
            Out::None,
        ),
        25 => ("tr_lot_json", tr_lot_json(t, a0, a1, o), Out::Json),
        26 => ("tr_serial_json", tr_serial_json(t, a0, a1, o), Out::Json),
        27 => {
            let item = c.item(0, 1);
            ("tr_history_json", tr_history_json(t, &item, o), Out::Json)
        }
        28 => (
            "tr_location_history_json",
            tr_location_history_json(t, a0, o),
            Out::Json,
        ),
        29 => {
            let from = match c.flags & 0x3f {
                0x3f => u64::MAX,
                k => u64::from(k),
            };
            ("tr_events_json", tr_events_json(t, from, o), Out::Json)
        }
        30 if b(1) => ("tr_verify_json", tr_verify_json(t, o), Out::Json),
        30 => ("tr_head_json", tr_head_json(t, o), Out::Json),
        31 => {
            let within = c.number(2);
            (
                "tr_expiring_lots_json",
                tr_expiring_lots_json(t, a0, ptr_of(&within), a1, o),
                Out::Json,
            )
        }
        32 => (
            "tr_expiry_report_json",
            tr_expiry_report_json(t, a0, a1, o),
            Out::Json,
        ),
        33 => (
            "tr_lot_inventory_by_expiry_json",
            tr_lot_inventory_by_expiry_json(t, a0, a1, o),
            Out::Json,
        ),
        34 => (
            "tr_shelf_life_remaining_pct",
            tr_shelf_life_remaining_pct(t, a0, a1, c.s(2), o),
            Out::MaybeText,
        ),
        35 => (
            "tr_certificate_of_analysis_json",
            tr_certificate_of_analysis_json(t, a0, a1, o),
            Out::Json,
        ),
        36 => (
            "tr_lot_quality_json",
            tr_lot_quality_json(t, a0, a1, o),
            Out::Json,
        ),
        37 => (
            "tr_find_serials_json",
            tr_find_serials_json(t, a0, a1, c.s(2), o),
            Out::Json,
        ),
        38 => (
            "tr_serial_history_json",
            tr_serial_history_json(t, a0, a1, o),
            Out::Json,
        ),
        39 => (
            "tr_lot_movements_json",
            tr_lot_movements_json(t, a0, a1, o),
            Out::Json,
        ),
        40 => (
            "tr_lot_inventory_by_location_json",
            tr_lot_inventory_by_location_json(t, a0, a1, o),
            Out::Json,
        ),
        41 => (
            "tr_serial_inventory_by_location_json",
            tr_serial_inventory_by_location_json(t, a0, a1, o),
            Out::Json,
        ),
        42 => {
            let item = c.item(0, 1);
            (
                "tr_trace_forward_json",
                tr_trace_forward_json(t, &item, o),
                Out::Json,
            )
        }
        43 => {
            let item = c.item(0, 1);
            (
                "tr_trace_backward_json",
                tr_trace_backward_json(t, &item, o),
                Out::Json,
            )
        }
        44 => {
            let items = c.items(0);
            (
                "tr_recall_report_json",
                tr_recall_report_json(t, slice_ptr(&items), items.len(), o),
                Out::Json,
            )
        }
        45 | 46 => {
            let item = c.item(0, 1);
            let format = i32::from((c.flags >> 2) & 3);
            if c.op % OPS == 45 {
                (
                    "tr_trace_forward_render",
                    tr_trace_forward_render(t, &item, format, o),
                    Out::Text,
                )
            } else {
                (
                    "tr_trace_backward_render",
                    tr_trace_backward_render(t, &item, format, o),
                    Out::Text,
                )
            }
        }
        47 => {
            let items = c.items(0);
            let format = i32::from((c.flags >> 4) & 3);
            let s = tr_recall_report_render(t, slice_ptr(&items), items.len(), format, o);
            ("tr_recall_report_render", s, Out::Text)
        }
        48 => {
            let items = c.items(2);
            let s = tr_recall(t, a0, a1, slice_ptr(&items), items.len(), b(0x20), o);
            ("tr_recall", s, Out::Json)
        }
        49 => {
            let items = c.items(2);
            (
                "tr_place_hold",
                tr_place_hold(t, a0, a1, slice_ptr(&items), items.len()),
                Out::None,
            )
        }
        50 => {
            let items = c.items(2);
            (
                "tr_release_hold",
                tr_release_hold(t, a0, a1, slice_ptr(&items), items.len()),
                Out::None,
            )
        }
        51 => {
            open_contained(c);
            return None;
        }
        52 => {
            let name = CStr::from_ptr(tr_status_name(i32::from(c.flags as i8)));
            assert!(name.to_str().is_ok());
            assert!(CStr::from_ptr(tr_version()).to_str().is_ok());
            return None;
        }
        53 => ("tr_tracker_refresh", tr_tracker_refresh(t), Out::None),
        54 => ("tr_query_json", tr_query_json(t, a0, a1, o), Out::Json),
        // One batch, so that a refused load stores nothing (the head invariant).
        55 => {
            let s = tr_bulk_load_json(t, a0, a1, c.s(2), usize::MAX, None, null_mut(), null_mut());
            ("tr_bulk_load_json", s, Out::None)
        }
        56 => {
            let item = c.item(0, 1);
            let s = tr_trace_forward_ids_json(t, &item, o);
            ("tr_trace_forward_ids_json", s, Out::Json)
        }
        _ => {
            let item = c.item(0, 1);
            let s = tr_trace_backward_ids_json(t, &item, o);
            ("tr_trace_backward_ids_json", s, Out::Json)
        }
    };
    if c.flag(NULL_TRACKER) || (c.flag(NULL_OUT) && kind != Out::None) {
        assert_ne!(status, TR_OK, "{name} accepted a NULL tracker or out");
    }
    Some((name, status, kind, out))
}

fuzz_target!(|data: &[u8]| {
    static CWD: OnceLock<()> = OnceLock::new();
    // tr_tracker_open's relative paths land in a private scratch directory.
    CWD.get_or_init(|| std::env::set_current_dir(scratch_dir("c_abi")).expect("scratch dir"));

    unsafe {
        let mut t = null_mut();
        assert_eq!(tr_tracker_new_memory(&mut t), TR_OK);
        let now = CString::new(NOW).unwrap();
        assert_eq!(tr_tracker_set_time(t, now.as_ptr()), TR_OK);
        let (actor, reason) = (c"fixture", c"seeding");
        assert_eq!(
            tr_execute_batch_json(t, actor.as_ptr(), reason.as_ptr(), fixture_json().as_ptr()),
            TR_OK,
            "fixture: {}",
            last_error()
        );
        for call in data
            .split(|&b| b == 0xFF)
            .take(MAX_CALLS)
            .filter_map(Call::parse)
        {
            let before = head(t);
            let Some((name, status, kind, out)) = run(t, &call) else {
                continue;
            };
            check(name, status, kind, out);
            if status != TR_OK {
                assert_eq!(head(t), before, "failed {name} changed the log head");
            }
        }
        tr_tracker_free(t);
    }
});
