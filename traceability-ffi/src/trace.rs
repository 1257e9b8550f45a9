//! Trace, recall and hold exports (issue 3): forward and backward traces, recall
//! reports, recalls (each recorded, with or without a hold of every affected lot) and
//! their records, and explicit hold / release.
//!
//! Shared by every function here:
//! * `tracker` and `out` are required; `*out` is set to NULL first, so it is NULL on
//!   every failure. On TR_OK, `*out` is a NUL-terminated UTF-8 string (JSON text, or a
//!   Graphviz DOT / Mermaid diagram) owned by the caller, freed with `tr_string_free`.
//! * `item` / `suspects` / `items` are borrowed for the call only. An array may be NULL
//!   only when its count is 0 (and an empty list is TR_ERR_INVALID_INPUT).
//! * An unknown lot is TR_ERR_UNKNOWN_LOT, an unknown serial TR_ERR_UNKNOWN_SERIAL.
//! * Thread safety: the handle may be shared between threads. Arguments are converted
//!   before the handle's lock is taken, and the result is serialised or rendered after
//!   it is released, so the lock is held only for the graph walk (and, for `tr_recall`
//!   and `tr_recall_as`, the recall's write).

use std::ffi::{c_char, c_int};

use serde::Serialize;
use traceability_core::query::trace::recall_report;
use traceability_core::{
    trace_backward, trace_backward_ids, trace_forward, trace_forward_ids, BackwardTrace, Command,
    ForwardTrace, ItemRef, PlaceHold, RecallId, RecallReport, ReleaseHold, State, TraceError,
    Tracker,
};

use crate::args::{item_from_c, opt_id_arg, opt_str_arg, str_arg, struct_arg, tr_item, vec_arg};
use crate::handle::{c_text, out_arg, query_json, submit, to_json, tr_tracker, tracker_arg};
use crate::status::{tr_status, Failure, FfiResult};

/// How a trace or recall is drawn by the `*_render` functions: `TR_FORMAT_DOT` or
/// `TR_FORMAT_MERMAID` (another value is TR_ERR_INVALID_INPUT).
#[allow(non_camel_case_types)]
pub type tr_format = c_int;
/// A Graphviz DOT digraph (`digraph trace { ... }`), for `dot -Tsvg`.
pub const TR_FORMAT_DOT: tr_format = 0;
/// A Mermaid flowchart (`flowchart LR ...`), for Markdown viewers.
pub const TR_FORMAT_MERMAID: tr_format = 1;

/// What is written to `*out`.
#[derive(Clone, Copy)]
enum Shape {
    Json,
    Dot,
    Mermaid,
}

fn format_arg(format: tr_format) -> Result<Shape, Failure> {
    match format {
        TR_FORMAT_DOT => Ok(Shape::Dot),
        TR_FORMAT_MERMAID => Ok(Shape::Mermaid),
        other => Err(Failure::invalid(
            "format",
            format!("unknown format {other} (TR_FORMAT_DOT or TR_FORMAT_MERMAID)"),
        )),
    }
}

/// A trace result that can be written as JSON or drawn.
trait Drawn: Serialize {
    fn dot(&self) -> String;
    fn mermaid(&self) -> String;
}

macro_rules! drawn {
    ($($result:ty),*) => {$(
        impl Drawn for $result {
            fn dot(&self) -> String {
                self.to_dot()
            }
            fn mermaid(&self) -> String {
                self.to_mermaid()
            }
        }
    )*};
}
drawn!(ForwardTrace, BackwardTrace, RecallReport);

fn show(result: &impl Drawn, shape: Shape) -> Result<String, Failure> {
    match shape {
        Shape::Json => to_json(result),
        Shape::Dot => Ok(result.dot()),
        Shape::Mermaid => Ok(result.mermaid()),
    }
}

/// The body of every export here: checks `tracker` and `out` (clearing `*out`), converts
/// the arguments with `args`, runs `read` with the handle locked, then — unlocked —
/// writes the result in `shape` to `*out`.
///
/// # Safety
/// Pointers as documented in the header.
unsafe fn traced<A, R: Drawn>(
    tracker: *const tr_tracker,
    out: *mut *mut c_char,
    args: impl FnOnce() -> Result<(A, Shape), Failure>,
    read: impl FnOnce(&mut Tracker, A) -> Result<R, TraceError>,
) -> FfiResult {
    if let Some(out) = out.as_mut() {
        *out = std::ptr::null_mut();
    }
    let tracker = tracker_arg(tracker)?;
    let out = out_arg(out, "out")?;
    let (args, shape) = args()?;
    // The lock is held only inside `with`, for the walk.
    let result = tracker.with(|engine| Ok(read(&mut engine.tracker, args)?))?;
    let text = show(&result, shape)?;
    // JSON escapes control characters, but a diagram shows ids as they are: an id with a
    // NUL character makes the text unrepresentable as a C string (TR_ERR_INVALID_INPUT).
    *out = c_text(text)?.into_raw();
    Ok(())
}

unsafe fn item(item: *const tr_item) -> Result<ItemRef, Failure> {
    struct_arg(item, "item", |i, n| item_from_c(i, n))
}

unsafe fn items(items: *const tr_item, count: usize, name: &str) -> Result<Vec<ItemRef>, Failure> {
    vec_arg(items, count, name, |i, n| item_from_c(i, n))
}

/// Everything downstream of `item` as JSON: `{"start", "items": [{"item", "depth"}]
/// (the start first, depth 0), "edges": [{"from", "to", "quantity", "work_order"}]
/// (positions in items), "shipments": [{"shipment", "order" (null for a delivery by a
/// move into a customer location), "customer", "shipped_on",
/// "item", "quantity", "reversed"}], "customers": [...] (of the shipments not reversed), "stock": [{"item", "locations",
/// "on_hand"}]}`. Items are `{"lot":{"product","lot"}}` or
/// `{"serial":{"product","serial"}}`.
///
/// `tracker`, `item` and `out` are required (NULL: TR_ERR_NULL_POINTER). On TR_OK `*out` is
/// owned by the caller (free it with `tr_string_free`); on failure it is NULL. Thread-safe;
/// the handle is locked only for the walk, not while the text is written.
#[no_mangle]
pub unsafe extern "C" fn tr_trace_forward_json(
    tracker: *const tr_tracker,
    item: *const tr_item,
    out: *mut *mut c_char,
) -> tr_status {
    ffi_guard!({
        traced(
            tracker,
            out,
            || Ok((self::item(item)?, Shape::Json)),
            |t, item| trace_forward(t.state(), &item),
        )
    })
}

/// Everything upstream of `item` as JSON: `{"start", "items", "edges", "receipts":
/// [{"item", "received_on", "supplier", "supplier_lot"}], "suppliers": [...]}` (items
/// and edges as in `tr_trace_forward_json`).
///
/// `tracker`, `item` and `out` are required (NULL: TR_ERR_NULL_POINTER). On TR_OK `*out` is
/// owned by the caller (free it with `tr_string_free`); on failure it is NULL. Thread-safe;
/// the handle is locked only for the walk, not while the text is written.
#[no_mangle]
pub unsafe extern "C" fn tr_trace_backward_json(
    tracker: *const tr_tracker,
    item: *const tr_item,
    out: *mut *mut c_char,
) -> tr_status {
    ffi_guard!({
        traced(
            tracker,
            out,
            || Ok((self::item(item)?, Shape::Json)),
            |t, item| trace_backward(t.state(), &item),
        )
    })
}

/// The body of the `*_ids_json` exports: converts `item`, then reads the ids and writes
/// them (`write`) while the handle is locked, since they borrow the state.
///
/// # Safety
/// Pointers as documented in the header.
unsafe fn ids_json(
    tracker: *const tr_tracker,
    item: *const tr_item,
    out: *mut *mut c_char,
    write: impl FnOnce(&State, &ItemRef) -> Result<String, Failure>,
) -> FfiResult {
    let item = self::item(item);
    query_json(tracker, out, |t| write(t.state(), &item?))
}

/// The ids downstream of `item` as JSON, without depths, edges, quantities or stock:
/// `{"items": [...] (the start first, then every descendant once, breadth first),
/// "shipments": ["SH-1", ...] (distinct, in dispatch order), "customers": ["C1", ...]
/// (distinct, in registration order)}`. The same sets as `tr_trace_forward_json`, at a
/// fraction of its cost on large traces.
///
/// `tracker`, `item` and `out` are required (NULL: TR_ERR_NULL_POINTER). On TR_OK `*out` is
/// owned by the caller (free it with `tr_string_free`); on failure it is NULL. Thread-safe;
/// the ids are written while the handle is locked (they are read from the state).
#[no_mangle]
pub unsafe extern "C" fn tr_trace_forward_ids_json(
    tracker: *const tr_tracker,
    item: *const tr_item,
    out: *mut *mut c_char,
) -> tr_status {
    ffi_guard!({
        ids_json(tracker, item, out, |s, i| {
            to_json(&trace_forward_ids(s, i)?)
        })
    })
}

/// The ids upstream of `item` as JSON: `{"items": [...] (the start first, then every
/// ancestor once, breadth first), "suppliers": [...] (distinct, in registration order)}`.
/// The same sets as `tr_trace_backward_json`. Arguments and ownership as in
/// `tr_trace_forward_ids_json`.
#[no_mangle]
pub unsafe extern "C" fn tr_trace_backward_ids_json(
    tracker: *const tr_tracker,
    item: *const tr_item,
    out: *mut *mut c_char,
) -> tr_status {
    ffi_guard!({
        ids_json(tracker, item, out, |s, i| {
            to_json(&trace_backward_ids(s, i)?)
        })
    })
}

/// The recall report of `suspect_count` suspects, read only (nothing is held or
/// written, no recall is recorded): `{"recall": null, "seq": null, "reason": null,
/// "suspects", "items", "edges", "customers": [{"customer", "shipments"}], "locations":
/// [{"location", "stock": [{"item", "on_hand", "reserved"}]}], "held": [], "hold_seq":
/// null}`.
///
/// `tracker`, `suspects` and `out` are required (NULL: TR_ERR_NULL_POINTER; `suspects`
/// may be NULL only with a count of 0, which is TR_ERR_INVALID_INPUT). On TR_OK `*out` is
/// owned by the caller (free it with `tr_string_free`); on failure it is NULL. Thread-safe;
/// the handle is locked only for the walk, not while the text is written.
#[no_mangle]
pub unsafe extern "C" fn tr_recall_report_json(
    tracker: *const tr_tracker,
    suspects: *const tr_item,
    suspect_count: usize,
    out: *mut *mut c_char,
) -> tr_status {
    ffi_guard!({
        traced(
            tracker,
            out,
            || Ok((items(suspects, suspect_count, "suspects")?, Shape::Json)),
            |t, suspects| recall_report(t.state(), &suspects),
        )
    })
}

/// The forward trace of `item` drawn as `format` (`TR_FORMAT_DOT`: starts with
/// "digraph"; `TR_FORMAT_MERMAID`: starts with "flowchart"): items, work-order edges,
/// shipments to customers.
///
/// `tracker`, `item` and `out` are required (NULL: TR_ERR_NULL_POINTER). On TR_OK `*out` is
/// owned by the caller (free it with `tr_string_free`); on failure it is NULL. Thread-safe;
/// the handle is locked only for the walk, not while the text is written.
#[no_mangle]
pub unsafe extern "C" fn tr_trace_forward_render(
    tracker: *const tr_tracker,
    item: *const tr_item,
    format: tr_format,
    out: *mut *mut c_char,
) -> tr_status {
    ffi_guard!({
        traced(
            tracker,
            out,
            || Ok((self::item(item)?, format_arg(format)?)),
            |t, item| trace_forward(t.state(), &item),
        )
    })
}

/// The backward trace of `item` drawn as `format` (see `tr_trace_forward_render`).
///
/// `tracker`, `item` and `out` are required (NULL: TR_ERR_NULL_POINTER). On TR_OK `*out` is
/// owned by the caller (free it with `tr_string_free`); on failure it is NULL. Thread-safe;
/// the handle is locked only for the walk, not while the text is written.
#[no_mangle]
pub unsafe extern "C" fn tr_trace_backward_render(
    tracker: *const tr_tracker,
    item: *const tr_item,
    format: tr_format,
    out: *mut *mut c_char,
) -> tr_status {
    ffi_guard!({
        traced(
            tracker,
            out,
            || Ok((self::item(item)?, format_arg(format)?)),
            |t, item| trace_backward(t.state(), &item),
        )
    })
}

/// The recall report of the suspects drawn as `format` (see `tr_trace_forward_render`);
/// read only, like `tr_recall_report_json`.
///
/// `tracker`, `suspects` and `out` are required (NULL: TR_ERR_NULL_POINTER; `suspects`
/// may be NULL only with a count of 0, which is TR_ERR_INVALID_INPUT). On TR_OK `*out` is
/// owned by the caller (free it with `tr_string_free`); on failure it is NULL. Thread-safe;
/// the handle is locked only for the walk, not while the text is written.
#[no_mangle]
pub unsafe extern "C" fn tr_recall_report_render(
    tracker: *const tr_tracker,
    suspects: *const tr_item,
    suspect_count: usize,
    format: tr_format,
    out: *mut *mut c_char,
) -> tr_status {
    ffi_guard!({
        traced(
            tracker,
            out,
            || {
                Ok((
                    items(suspects, suspect_count, "suspects")?,
                    format_arg(format)?,
                ))
            },
            |t, suspects| recall_report(t.state(), &suspects),
        )
    })
}

/// The body of `tr_recall` and `tr_recall_as`: a recall under `recall_id` (NULL: the
/// next free number), its report written to `*out`.
///
/// # Safety
/// Pointers as documented in the header.
#[allow(clippy::too_many_arguments)]
unsafe fn recall(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    recall_id: *const c_char,
    suspects: *const tr_item,
    suspect_count: usize,
    hold: bool,
    out: *mut *mut c_char,
) -> FfiResult {
    traced(
        tracker,
        out,
        || {
            let actor = str_arg(actor, "actor")?;
            let reason = opt_str_arg(reason, "reason")?.unwrap_or("");
            let recall_id = opt_id_arg::<RecallId>(recall_id, "recall_id")?;
            let suspects = items(suspects, suspect_count, "suspects")?;
            Ok(((actor, reason, recall_id, suspects), Shape::Json))
        },
        |t, (actor, reason, recall_id, suspects)| {
            t.recall_as(actor, reason, recall_id, &suspects, hold)
        },
    )
}

/// A recall of `suspect_count` suspects by `actor` for `reason` (required by the core:
/// NULL or blank is TR_ERR_INVALID_INPUT), recorded under the next free recall number
/// ("RC-000001", "RC-000002", ...; to choose it: `tr_recall_as`). Every recall is
/// recorded as one event, with or without a hold, and listed by `tr_recalls_json`. The
/// report is written to `*out` as in `tr_recall_report_json`, with `"recall"` (its
/// number), `"seq"` (the recording event's sequence number) and `"reason"` set. With
/// `hold`, the same event puts every affected lot and every affected serial still in
/// custody on hold (those already held are skipped; `"held"` lists the others and
/// `"hold_seq"` is `"seq"` when it held something, else null): held stock can then not
/// be allocated, picked, shipped or consumed (TR_ERR_NOT_USABLE) until
/// `tr_release_hold`. On failure nothing is recorded or held.
///
/// `tracker`, `actor`, `suspects` and `out` are required (NULL: TR_ERR_NULL_POINTER);
/// `reason` NULL is TR_ERR_INVALID_INPUT. On TR_OK `*out` is owned by the caller (free it
/// with `tr_string_free`); on failure it is NULL. Thread-safe; the handle is locked for
/// the walk and the recall's write, not while the JSON is written.
#[no_mangle]
pub unsafe extern "C" fn tr_recall(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    suspects: *const tr_item,
    suspect_count: usize,
    hold: bool,
    out: *mut *mut c_char,
) -> tr_status {
    ffi_guard!({
        recall(
            tracker,
            actor,
            reason,
            std::ptr::null(),
            suspects,
            suspect_count,
            hold,
            out,
        )
    })
}

/// `tr_recall` under the recall number `recall_id` (an identifier such as
/// "RC-2026-014": trimmed, 1 to 128 characters; NULL: the next free number, as
/// `tr_recall`). A number already recorded is TR_ERR_DUPLICATE_NUMBER (`key_kind`
/// "recall" in `tr_last_error_json()`), and nothing is recorded.
///
/// `tracker`, `actor`, `suspects` and `out` are required (NULL: TR_ERR_NULL_POINTER);
/// `reason` NULL is TR_ERR_INVALID_INPUT; `recall_id` may be NULL. On TR_OK `*out` is
/// owned by the caller (free it with `tr_string_free`); on failure it is NULL.
/// Thread-safe, as `tr_recall`.
#[no_mangle]
pub unsafe extern "C" fn tr_recall_as(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    recall_id: *const c_char,
    suspects: *const tr_item,
    suspect_count: usize,
    hold: bool,
    out: *mut *mut c_char,
) -> tr_status {
    ffi_guard!({
        recall(
            tracker,
            actor,
            reason,
            recall_id,
            suspects,
            suspect_count,
            hold,
            out,
        )
    })
}

/// Every recorded recall, oldest first, as a JSON array of `{"recall", "seq",
/// "recorded_at" (RFC 3339), "actor", "reason", "suspects", "affected" (the suspects and
/// every lot and serial made from them, as traced when the recall was recorded), "held"
/// (what that recall put on hold; [] without a hold)}`; `[]` when there is none.
///
/// `tracker` and `out` are required (NULL: TR_ERR_NULL_POINTER). On TR_OK `*out` is owned
/// by the caller (free it with `tr_string_free`); on failure it is NULL. Thread-safe.
#[no_mangle]
pub unsafe extern "C" fn tr_recalls_json(
    tracker: *const tr_tracker,
    out: *mut *mut c_char,
) -> tr_status {
    ffi_guard!({ query_json(tracker, out, |t| to_json(&t.state().recalls())) })
}

/// Puts `item_count` lots and serials on recall hold, all or none (needs a `reason`:
/// NULL is TR_ERR_INVALID_INPUT; an item already on hold is TR_ERR_INVALID_INPUT).
/// Held stock cannot be allocated, picked, shipped, consumed or moved to a customer.
///
/// `tracker`, `actor` and `items` are required (NULL: TR_ERR_NULL_POINTER; `items` may be
/// NULL only with a count of 0, which is TR_ERR_INVALID_INPUT). Thread-safe.
#[no_mangle]
pub unsafe extern "C" fn tr_place_hold(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    items: *const tr_item,
    item_count: usize,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            Ok(Command::PlaceHold(PlaceHold {
                items: self::items(items, item_count, "items")?,
            }))
        })
    })
}

/// Releases the recall hold of `item_count` held lots and serials, all or none (needs a
/// `reason`: NULL is TR_ERR_INVALID_INPUT; an item not on hold is TR_ERR_INVALID_INPUT).
///
/// `tracker`, `actor` and `items` are required (NULL: TR_ERR_NULL_POINTER; `items` may be
/// NULL only with a count of 0, which is TR_ERR_INVALID_INPUT). Thread-safe.
#[no_mangle]
pub unsafe extern "C" fn tr_release_hold(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    items: *const tr_item,
    item_count: usize,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            Ok(Command::ReleaseHold(ReleaseHold {
                items: self::items(items, item_count, "items")?,
            }))
        })
    })
}
