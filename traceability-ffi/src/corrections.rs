//! Corrections: reversing a shipment, a receipt or a production posted by mistake,
//! splitting and merging lots, unbuilding an assembly. Each needs a `reason` (NULL or
//! blank: TR_ERR_INVALID_INPUT) and is refused, changing nothing, once what it undoes
//! was touched. `tracker` and `actor` are required (NULL: TR_ERR_NULL_POINTER).
//! Thread-safe.

use std::ffi::c_char;

use traceability_core::{
    Command, MergeLots, ReverseProduction, ReverseReceipt, ReverseShipment, SplitLot, Unbuild,
};

use crate::args::{id_arg, id_vec_arg, item_from_c, opt_id_arg, quantity_arg, tr_item, vec_arg};
use crate::handle::{submit, tr_tracker};
use crate::status::tr_status;

/// Reverses shipment `shipment`: its lots and serials come back to the locations they
/// left and traces mark it `"reversed": true` (its customer leaves the trace's
/// customers and recalls). Refused once anything of it was returned.
#[no_mangle]
pub unsafe extern "C" fn tr_reverse_shipment(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    shipment: *const c_char,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            Ok(Command::ReverseShipment(ReverseShipment {
                shipment: id_arg(shipment, "shipment")?,
            }))
        })
    })
}

/// Reverses the receipt of `item_count` lots and serials: a lot's stock leaves (the
/// record stays, inactive); serials go back to EXPECTED with no location. Refused once
/// anything of them was reserved, consumed, shipped or scrapped. `items` may be NULL
/// only with a count of 0 (TR_ERR_INVALID_INPUT).
#[no_mangle]
pub unsafe extern "C" fn tr_reverse_receipt(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    items: *const tr_item,
    item_count: usize,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            Ok(Command::ReverseReceipt(ReverseReceipt {
                items: vec_arg(items, item_count, "items", |i, n| item_from_c(i, n))?,
            }))
        })
    })
}

/// Reverses the latest production of `work_order`: its inputs go back where they came
/// from, its outputs leave stock (new serials become SCRAPPED). Refused unless every
/// output is still where it was made, unreserved and unused.
#[no_mangle]
pub unsafe extern "C" fn tr_reverse_production(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    work_order: *const c_char,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            Ok(Command::ReverseProduction(ReverseProduction {
                work_order: id_arg(work_order, "work_order")?,
            }))
        })
    })
}

/// Splits `quantity` (decimal text) of lot `product`/`lot` at `location` into the new
/// lot `new_lot` (NULL: the next number of the product's scheme, then read with
/// `tr_last_numbers_json`), which keeps the dates, details, supplier and quality
/// status; the genealogy links the two.
#[no_mangle]
pub unsafe extern "C" fn tr_split_lot(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    product: *const c_char,
    lot: *const c_char,
    location: *const c_char,
    quantity: *const c_char,
    new_lot: *const c_char,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            Ok(Command::SplitLot(SplitLot {
                product: id_arg(product, "product")?,
                lot: id_arg(lot, "lot")?,
                location: id_arg(location, "location")?,
                quantity: quantity_arg(quantity, "quantity")?,
                new_lot: opt_id_arg(new_lot, "new_lot")?,
            }))
        })
    })
}

/// Merges the available stock at `location` of `lot_count` lots of `product` into lot
/// `into`, whose dates become the earliest of all. Lots on hold or of another quality
/// status are refused; `lots` may be NULL only with a count of 0 (TR_ERR_INVALID_INPUT).
#[no_mangle]
pub unsafe extern "C" fn tr_merge_lots(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    product: *const c_char,
    lots: *const *const c_char,
    lot_count: usize,
    into: *const c_char,
    location: *const c_char,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            Ok(Command::MergeLots(MergeLots {
                product: id_arg(product, "product")?,
                lots: id_vec_arg(lots, lot_count, "lots")?,
                into: id_arg(into, "into")?,
                location: id_arg(location, "location")?,
            }))
        })
    })
}

/// Disassembles the serialized assembly `product`/`serial` (the single output of its
/// work order): its components come back into stock at `location` (NULL: where the
/// assembly is) and its serial becomes CONSUMED for good.
#[no_mangle]
pub unsafe extern "C" fn tr_unbuild(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    product: *const c_char,
    serial: *const c_char,
    location: *const c_char,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            Ok(Command::Unbuild(Unbuild {
                product: id_arg(product, "product")?,
                serial: id_arg(serial, "serial")?,
                location: opt_id_arg(location, "location")?,
            }))
        })
    })
}
