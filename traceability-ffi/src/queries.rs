//! Query exports: each returns JSON text through `char **out`.
//!
//! Shared by every function here: `tracker` and `out` are required; other pointer
//! arguments are borrowed for the call. On TR_OK, `*out` is a NUL-terminated UTF-8
//! JSON string owned by the caller, freed with `tr_string_free`; on failure `*out` is
//! NULL.

use std::ffi::c_char;

use serde::Serialize;
use traceability_core::{LotNumber, ProductId, SerialNumber, TraceError};

use crate::args::{id_arg, item_from_c, struct_arg, tr_item};
use crate::handle::{query_json, to_json, tr_tracker};
use crate::status::tr_status;

/// A lot as JSON: dates, supplier, quality status, hold, stock per location, ...
/// Unknown lot: TR_ERR_UNKNOWN_LOT.
#[no_mangle]
pub unsafe extern "C" fn tr_lot_json(
    tracker: *const tr_tracker,
    product: *const c_char,
    lot: *const c_char,
    out: *mut *mut c_char,
) -> tr_status {
    ffi_guard!({
        query_json(tracker, out, |t| {
            let (product, lot): (ProductId, LotNumber) =
                (id_arg(product, "product")?, id_arg(lot, "lot")?);
            match t.state().lot(&product, &lot) {
                Some(found) => to_json(found),
                None => Err(TraceError::UnknownLot { product, lot }.into()),
            }
        })
    })
}

/// A serial as JSON: status, location, order, hold, origin.
/// Unknown serial: TR_ERR_UNKNOWN_SERIAL.
#[no_mangle]
pub unsafe extern "C" fn tr_serial_json(
    tracker: *const tr_tracker,
    product: *const c_char,
    serial: *const c_char,
    out: *mut *mut c_char,
) -> tr_status {
    ffi_guard!({
        query_json(tracker, out, |t| {
            let (product, serial): (ProductId, SerialNumber) =
                (id_arg(product, "product")?, id_arg(serial, "serial")?);
            match t.state().serial(&product, &serial) {
                Some(found) => to_json(found),
                None => Err(TraceError::UnknownSerial { product, serial }.into()),
            }
        })
    })
}

/// The audit history of a lot or serial: a JSON array of events, oldest first.
#[no_mangle]
pub unsafe extern "C" fn tr_history_json(
    tracker: *const tr_tracker,
    item: *const tr_item,
    out: *mut *mut c_char,
) -> tr_status {
    ffi_guard!({
        query_json(tracker, out, |t| {
            let item = struct_arg(item, "item", |i, n| item_from_c(i, n))?;
            to_json(&t.history(&item)?)
        })
    })
}

/// Every event that put stock into or took it out of `location`: a JSON array.
#[no_mangle]
pub unsafe extern "C" fn tr_location_history_json(
    tracker: *const tr_tracker,
    location: *const c_char,
    out: *mut *mut c_char,
) -> tr_status {
    ffi_guard!({
        query_json(tracker, out, |t| {
            to_json(&t.location_history(&id_arg(location, "location")?)?)
        })
    })
}

/// Every event from sequence number `from_seq` on: a JSON array.
#[no_mangle]
pub unsafe extern "C" fn tr_events_json(
    tracker: *const tr_tracker,
    from_seq: u64,
    out: *mut *mut c_char,
) -> tr_status {
    ffi_guard!({ query_json(tracker, out, |t| to_json(&t.events(from_seq)?)) })
}

#[derive(Serialize)]
struct Verified {
    verified_events: u64,
}

/// Recomputes the whole audit hash chain: `{"verified_events":N}`, or
/// TR_ERR_TAMPERED naming the first bad event.
#[no_mangle]
pub unsafe extern "C" fn tr_verify_json(
    tracker: *const tr_tracker,
    out: *mut *mut c_char,
) -> tr_status {
    ffi_guard!({
        query_json(tracker, out, |t| {
            to_json(&Verified {
                verified_events: t.verify()?,
            })
        })
    })
}

#[derive(Serialize)]
struct Head {
    event_count: u64,
    hash: String,
}

/// The log's head: `{"event_count":N,"hash":"<hex sha-256 of the last event>"}`.
/// Record it elsewhere to detect a truncated log later.
#[no_mangle]
pub unsafe extern "C" fn tr_head_json(
    tracker: *const tr_tracker,
    out: *mut *mut c_char,
) -> tr_status {
    ffi_guard!({
        query_json(tracker, out, |t| {
            let (event_count, hash) = t.head();
            to_json(&Head {
                event_count,
                hash: hex::encode(hash),
            })
        })
    })
}
