//! Query exports: each returns JSON text through `char **out` (except
//! `tr_shelf_life_remaining_pct`: a decimal string, or NULL when there is no figure).
//!
//! Shared by every function here: `tracker` and `out` are required; other pointer
//! arguments are borrowed for the call. On TR_OK, `*out` is a NUL-terminated UTF-8
//! JSON string owned by the caller, freed with `tr_string_free`; on failure `*out` is
//! NULL.

use std::ffi::c_char;

use chrono::NaiveDate;
use serde::Serialize;
use traceability_core::io::catalog;
use traceability_core::query::expiry::{self, ExpiryWindow};
use traceability_core::query::quality;
use traceability_core::query::reports::{self, SerialQuery};
use traceability_core::{Lot, LotKey, SerialNumber, SerialStatus, TraceError, Tracker};

use crate::args::str_arg;
use crate::args::{
    id_arg, item_from_c, lot_key_arg, opt_date_arg, opt_id_arg, opt_name_arg, opt_text_arg,
    opt_value_arg, struct_arg, tr_item,
};
use crate::handle::{out_arg, put_out, query_json, to_json, tr_tracker};
use crate::status::{tr_status, Failure};

/// Runs any query of the core's catalog (`tr_query_catalog_json` lists them) by name,
/// with its arguments as a JSON object (`"{}"` for none): the same JSON answers the
/// Python package is built on, e.g. `tr_query_json(t, "products", "{}", &out)` or
/// `tr_query_json(t, "lot", "{\"product\":\"FLOUR\",\"lot\":\"L1\"}", &out)` (`null`
/// for an unknown lot). An unknown name or malformed arguments are TR_ERR_INVALID_INPUT.
#[no_mangle]
pub unsafe extern "C" fn tr_query_json(
    tracker: *const tr_tracker,
    name: *const c_char,
    args_json: *const c_char,
    out: *mut *mut c_char,
) -> tr_status {
    ffi_guard!({
        query_json(tracker, out, |t| {
            let name = str_arg(name, "name")?;
            let args = str_arg(args_json, "args_json")?;
            Ok(catalog::run(t, name, args)?)
        })
    })
}

/// The query catalog: a JSON array of `{"name", "args", "answer"}` objects, one per
/// query `tr_query_json` runs (`args` describes the JSON object it takes).
#[no_mangle]
pub unsafe extern "C" fn tr_query_catalog_json(out: *mut *mut c_char) -> tr_status {
    ffi_guard!({
        let out = out_arg(out, "out")?;
        put_out(out, Some(to_json(&catalog::QUERIES)?))
    })
}

/// The report date argument `as_of`: NULL is today by the tracker's clock.
unsafe fn as_of_arg(t: &Tracker, as_of: *const c_char) -> Result<NaiveDate, Failure> {
    Ok(opt_date_arg(as_of, "as_of")?.unwrap_or_else(|| t.now().date_naive()))
}

/// The lot named by the `product` and `lot` arguments, or TR_ERR_UNKNOWN_LOT.
unsafe fn lot_arg(
    t: &Tracker,
    product: *const c_char,
    lot: *const c_char,
) -> Result<&Lot, Failure> {
    let LotKey { product, lot } = lot_key_arg(product, lot)?;
    match t.state().lot(&product, &lot) {
        Some(found) => Ok(found),
        None => Err(TraceError::UnknownLot { product, lot }.into()),
    }
}

/// A lot as JSON: dates, supplier, quality status, hold, stock per location, ...
/// Unknown lot: TR_ERR_UNKNOWN_LOT.
#[no_mangle]
pub unsafe extern "C" fn tr_lot_json(
    tracker: *const tr_tracker,
    product: *const c_char,
    lot: *const c_char,
    out: *mut *mut c_char,
) -> tr_status {
    ffi_guard!({ query_json(tracker, out, |t| to_json(lot_arg(t, product, lot)?)) })
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
            let (product, serial) = (
                id_arg(product, "product")?,
                id_arg::<SerialNumber>(serial, "serial")?,
            );
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

/// What opening or snapshotting noticed without failing, oldest first, as a JSON array
/// of strings (e.g. `["state snapshot ignored, the log is replayed: ..."]`; usually
/// `[]`).
#[no_mangle]
pub unsafe extern "C" fn tr_warnings_json(
    tracker: *const tr_tracker,
    out: *mut *mut c_char,
) -> tr_status {
    ffi_guard!({ query_json(tracker, out, |t| to_json(&t.warnings())) })
}

/// How far this tracker has read the log: `{"event_count":N,"hash":"<hex sha-256 of the
/// last event read>"}` (a fresh store: 0 and 64 zeros). It does not refresh: another
/// writer's events count only after `tr_tracker_refresh`, so compare `event_count`
/// before and after a refresh to see whether the tracker was current. Record the head
/// elsewhere to detect a truncated log later.
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

/// Lots with stock on hand expiring within `within_days` days of `as_of` (NULL: today),
/// already expired ones included (negative `days_to_expiry`), earliest expiry first: a
/// JSON array of {product, lot, expiry, removal, days_to_expiry,
/// shelf_life_remaining_pct, bucket, on_hand, reserved, quality, active, on_hold,
/// stock}. `within_days` NULL: each product's own expiry warning window (products
/// without one are skipped). `product` NULL: all products.
#[no_mangle]
pub unsafe extern "C" fn tr_expiring_lots_json(
    tracker: *const tr_tracker,
    as_of: *const c_char,
    within_days: *const u32,
    product: *const c_char,
    out: *mut *mut c_char,
) -> tr_status {
    ffi_guard!({
        query_json(tracker, out, |t| {
            let window =
                opt_value_arg(within_days).map_or(ExpiryWindow::ProductWarning, ExpiryWindow::Days);
            let product = opt_id_arg(product, "product")?;
            to_json(&expiry::expiring_lots(
                t.state(),
                as_of_arg(t, as_of)?,
                window,
                product.as_ref(),
            ))
        })
    })
}

/// The expiry report as of `as_of` (NULL: today), for one `product` or all (NULL):
/// `{"as_of":..., "buckets":[{bucket, lots, on_hand, items}, ...]}` with all eight
/// buckets in order: expired, within_30, within_60, within_90, within_180, within_365,
/// later, no_expiry. Only lots with stock on hand are counted.
#[no_mangle]
pub unsafe extern "C" fn tr_expiry_report_json(
    tracker: *const tr_tracker,
    as_of: *const c_char,
    product: *const c_char,
    out: *mut *mut c_char,
) -> tr_status {
    ffi_guard!({
        query_json(tracker, out, |t| {
            let product = opt_id_arg(product, "product")?;
            to_json(&expiry::expiry_report(
                t.state(),
                as_of_arg(t, as_of)?,
                product.as_ref(),
            ))
        })
    })
}

/// Every lot with stock on hand (of one `product`, or all when NULL), earliest expiry
/// first, lots without an expiry last: a JSON array of rows as in
/// `tr_expiring_lots_json`, figures as of `as_of` (NULL: today).
#[no_mangle]
pub unsafe extern "C" fn tr_lot_inventory_by_expiry_json(
    tracker: *const tr_tracker,
    as_of: *const c_char,
    product: *const c_char,
    out: *mut *mut c_char,
) -> tr_status {
    ffi_guard!({
        query_json(tracker, out, |t| {
            let product = opt_id_arg(product, "product")?;
            to_json(&expiry::lot_inventory_by_expiry(
                t.state(),
                as_of_arg(t, as_of)?,
                product.as_ref(),
            ))
        })
    })
}

/// A lot's remaining shelf life on `as_of` (NULL: today), in percent, as a decimal
/// string such as `"70"` or `"33.33"` (0 to 100). On TR_OK `*out` is that string, or
/// NULL when the lot has no expiry date (no shelf life figure). Unknown lot:
/// TR_ERR_UNKNOWN_LOT.
#[no_mangle]
pub unsafe extern "C" fn tr_shelf_life_remaining_pct(
    tracker: *const tr_tracker,
    product: *const c_char,
    lot: *const c_char,
    as_of: *const c_char,
    out: *mut *mut c_char,
) -> tr_status {
    ffi_guard!({
        query_json(tracker, out, |t| {
            let lot = lot_arg(t, product, lot)?;
            Ok(expiry::shelf_life_remaining_pct(lot, as_of_arg(t, as_of)?)
                .map(|pct| pct.to_string()))
        })
    })
}

/// A lot's certificate of analysis as JSON: product, description, unit, lot, supplier
/// and supplier lot, manufacturing and expiry dates, quality status, on hand, the test
/// results, `all_tests_passed`, linked certificates and quality decisions.
/// Unknown lot: TR_ERR_UNKNOWN_LOT.
#[no_mangle]
pub unsafe extern "C" fn tr_certificate_of_analysis_json(
    tracker: *const tr_tracker,
    product: *const c_char,
    lot: *const c_char,
    out: *mut *mut c_char,
) -> tr_status {
    ffi_guard!({
        query_json(tracker, out, |t| {
            let LotKey { product, lot } = lot_key_arg(product, lot)?;
            to_json(&quality::certificate_of_analysis(
                t.state(),
                &product,
                &lot,
            )?)
        })
    })
}

/// A lot's quality record as JSON: `{"tests":[...], "certificates":[...],
/// "decisions":[...]}`, oldest first. Unknown lot: TR_ERR_UNKNOWN_LOT.
#[no_mangle]
pub unsafe extern "C" fn tr_lot_quality_json(
    tracker: *const tr_tracker,
    product: *const c_char,
    lot: *const c_char,
    out: *mut *mut c_char,
) -> tr_status {
    ffi_guard!({
        query_json(tracker, out, |t| {
            let LotKey { product, lot } = lot_key_arg(product, lot)?;
            to_json(&quality::lot_quality(t.state(), &product, &lot)?)
        })
    })
}

/// Finds serials whose number contains `number` (case-insensitive; NULL: any), of
/// `product` (NULL: any) in `status` (e.g. "IN_INVENTORY"; NULL: any): a JSON array of
/// {product, serial, status, location, order, supplier, on_hold, exact}, exact matches
/// first.
#[no_mangle]
pub unsafe extern "C" fn tr_find_serials_json(
    tracker: *const tr_tracker,
    number: *const c_char,
    product: *const c_char,
    status: *const c_char,
    out: *mut *mut c_char,
) -> tr_status {
    ffi_guard!({
        query_json(tracker, out, |t| {
            let query = SerialQuery {
                number: opt_text_arg(number, "number")?,
                product: opt_id_arg(product, "product")?,
                status: opt_name_arg::<SerialStatus>(
                    status,
                    "status",
                    "EXPECTED, RECEIVED, IN_INVENTORY, ALLOCATED, PICKED, SHIPPED, CONSUMED, SCRAPPED",
                )?,
            };
            to_json(&reports::find_serials(t.state(), &query))
        })
    })
}

/// A serial's history as movements (receipt, moves, allocation, pick, shipment, ...,
/// with locations), oldest first: a JSON array. Unknown serial: TR_ERR_UNKNOWN_SERIAL.
#[no_mangle]
pub unsafe extern "C" fn tr_serial_history_json(
    tracker: *const tr_tracker,
    product: *const c_char,
    serial: *const c_char,
    out: *mut *mut c_char,
) -> tr_status {
    ffi_guard!({
        query_json(tracker, out, |t| {
            to_json(&t.serial_history(&id_arg(product, "product")?, &id_arg(serial, "serial")?)?)
        })
    })
}

/// A lot's movement history (receipt, moves, allocations, picks, shipments,
/// consumption, ...), oldest first: a JSON array. Unknown lot: TR_ERR_UNKNOWN_LOT.
#[no_mangle]
pub unsafe extern "C" fn tr_lot_movements_json(
    tracker: *const tr_tracker,
    product: *const c_char,
    lot: *const c_char,
    out: *mut *mut c_char,
) -> tr_status {
    ffi_guard!({
        query_json(tracker, out, |t| {
            let LotKey { product, lot } = lot_key_arg(product, lot)?;
            to_json(&t.lot_movements(&product, &lot)?)
        })
    })
}

/// Lot stock per location (at `location`, of `product`; each NULL: all), ordered by
/// location, product, lot: a JSON array of {location, product, lot, on_hand, reserved,
/// available, expiry, quality, on_hold, active}.
#[no_mangle]
pub unsafe extern "C" fn tr_lot_inventory_by_location_json(
    tracker: *const tr_tracker,
    location: *const c_char,
    product: *const c_char,
    out: *mut *mut c_char,
) -> tr_status {
    ffi_guard!({
        query_json(tracker, out, |t| {
            let (location, product) = (
                opt_id_arg(location, "location")?,
                opt_id_arg(product, "product")?,
            );
            to_json(&reports::lot_inventory_by_location(
                t.state(),
                location.as_ref(),
                product.as_ref(),
            ))
        })
    })
}

/// Serials in our custody per location (at `location`, of `product`; each NULL: all),
/// ordered by location, product, serial: a JSON array of {location, product, serial,
/// status, on_hold}.
#[no_mangle]
pub unsafe extern "C" fn tr_serial_inventory_by_location_json(
    tracker: *const tr_tracker,
    location: *const c_char,
    product: *const c_char,
    out: *mut *mut c_char,
) -> tr_status {
    ffi_guard!({
        query_json(tracker, out, |t| {
            let (location, product) = (
                opt_id_arg(location, "location")?,
                opt_id_arg(product, "product")?,
            );
            to_json(&reports::serial_inventory_by_location(
                t.state(),
                location.as_ref(),
                product.as_ref(),
            ))
        })
    })
}
