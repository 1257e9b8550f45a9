//! One export per core command, with plain C arguments, plus the generic JSON entry
//! points. Each is `submit(tracker, actor, reason, || Ok(Command::...))`.
//!
//! Shared by every function here: `tracker` is required; `actor` (who) is required;
//! `reason` (why) may be NULL, but the core requires one for adjustments, scraps,
//! status changes and overrides. Every pointer argument is borrowed for the duration
//! of the call only. On any error nothing changes.

use std::ffi::c_char;

use traceability_core::{
    Adjust, Allocate, AllocationRequest, CancelAllocation, Command, ExpectSerials, LinkCertificate,
    Location, LocationKind, LotDates, LotDatesChange, LotSpec, Move, Party, PartyRole, Pick,
    Produce, Product, QualityStatus, ReceiveLot, ReceiveSerials, RecordTestResult, Return, Scrap,
    SetLotActive, SetLotsActive, SetQualityStatus, Ship, Tracking, UpdateLotDates,
};

use crate::args::{
    id_arg, id_vec_arg, item_from_c, json_arg, line_from_c, lot_key_arg, lot_key_from_c, name_arg,
    opt_date_arg, opt_id_arg, opt_quantity_arg, opt_text_arg, opt_value_arg, output_from_c,
    quantity_arg, str_arg, strategy_from_c, struct_arg, tr_item, tr_line, tr_output, tr_strategy,
    vec_arg,
};
use crate::handle::{submit, submit_json, submit_with, tr_tracker};
use crate::status::tr_status;

/// Registers a product. `tracking` is "lot", "serial" or "none"; `unit` (NULL: "ea"),
/// `description` (NULL: "") and `shelf_life_days` (NULL: none; days from manufacture to
/// expiry) are optional. Other product fields: use `tr_execute_json`, which also
/// changes a registered product with `{"update_product":{...the whole record...}}`
/// (its tracking cannot change: TR_ERR_WRONG_TRACKING).
#[no_mangle]
pub unsafe extern "C" fn tr_register_product(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    product: *const c_char,
    tracking: *const c_char,
    unit: *const c_char,
    description: *const c_char,
    shelf_life_days: *const u32,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            let tracking: Tracking = name_arg(tracking, "tracking", "lot, serial, none")?;
            let mut spec = Product::new(id_arg(product, "product")?, tracking);
            if let Some(unit) = opt_text_arg(unit, "unit")? {
                spec.unit = unit;
            }
            spec.description = opt_text_arg(description, "description")?.unwrap_or_default();
            spec.shelf_life_days = opt_value_arg(shelf_life_days);
            Ok(Command::RegisterProduct(spec))
        })
    })
}

/// Registers a location. `kind` is one of "internal", "receiving", "staging",
/// "production", "quarantine", "supplier", "customer"; `description` may be NULL.
/// A customer location that takes deliveries names its customer: register it with
/// `tr_execute_json` and `"party"`; stock moved into it is then shipped to that
/// customer (a shipment without an order, `"order":null`).
#[no_mangle]
pub unsafe extern "C" fn tr_register_location(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    location: *const c_char,
    kind: *const c_char,
    description: *const c_char,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            Ok(Command::RegisterLocation(Location {
                id: id_arg(location, "location")?,
                kind: name_arg::<LocationKind>(
                    kind,
                    "kind",
                    "internal, receiving, staging, production, quarantine, supplier, customer",
                )?,
                description: opt_text_arg(description, "description")?.unwrap_or_default(),
                gln: None,
                party: None,
            }))
        })
    })
}

/// Registers a party. `role` is "supplier", "customer" or "both"; `name` may be NULL.
#[no_mangle]
pub unsafe extern "C" fn tr_register_party(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    party: *const c_char,
    role: *const c_char,
    name: *const c_char,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            Ok(Command::RegisterParty(Party {
                id: id_arg(party, "party")?,
                role: name_arg::<PartyRole>(role, "role", "supplier, customer, both")?,
                name: opt_text_arg(name, "name")?.unwrap_or_default(),
                gln: None,
            }))
        })
    })
}

/// Advance shipping notice: `serial_count` serial numbers of `product` become EXPECTED.
/// `serials` may be NULL only when `serial_count` is 0; `supplier` and `reference` may
/// be NULL.
#[no_mangle]
pub unsafe extern "C" fn tr_expect_serials(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    product: *const c_char,
    serials: *const *const c_char,
    serial_count: usize,
    supplier: *const c_char,
    reference: *const c_char,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            Ok(Command::ExpectSerials(ExpectSerials {
                product: id_arg(product, "product")?,
                serials: id_vec_arg(serials, serial_count, "serials")?,
                supplier: opt_id_arg(supplier, "supplier")?,
                reference: opt_text_arg(reference, "reference")?,
            }))
        })
    })
}

/// Receives a new lot: `quantity` (decimal string) of `product` lot `lot` into
/// `location`; `lot` NULL numbers it from the product's scheme (read the number with
/// `tr_last_numbers_json`). Optional (NULL): `supplier`, `received_on` (default: today),
/// `manufactured_on`, `expiry` (default: derived from the product's shelf life),
/// `reference`. Other lot fields: use `tr_execute_json`.
#[no_mangle]
pub unsafe extern "C" fn tr_receive_lot(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    product: *const c_char,
    lot: *const c_char,
    quantity: *const c_char,
    location: *const c_char,
    supplier: *const c_char,
    received_on: *const c_char,
    manufactured_on: *const c_char,
    expiry: *const c_char,
    reference: *const c_char,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            let mut spec = LotSpec::unnumbered(id_arg(product, "product")?);
            spec.lot = opt_id_arg(lot, "lot")?;
            spec.manufactured_on = opt_date_arg(manufactured_on, "manufactured_on")?;
            spec.dates = LotDates {
                expiry: opt_date_arg(expiry, "expiry")?,
                ..LotDates::default()
            };
            Ok(Command::ReceiveLot(ReceiveLot {
                spec,
                quantity: quantity_arg(quantity, "quantity")?,
                location: id_arg(location, "location")?,
                supplier: opt_id_arg(supplier, "supplier")?,
                received_on: opt_date_arg(received_on, "received_on")?,
                reference: opt_text_arg(reference, "reference")?,
            }))
        })
    })
}

/// Receives serials (new or EXPECTED) into `location`: they become RECEIVED, received
/// today (`receive_serials` with a `received_on` through `tr_execute_json` gives another
/// day). `serials` may be NULL only when `serial_count` is 0; `supplier` and `reference`
/// may be NULL.
#[no_mangle]
pub unsafe extern "C" fn tr_receive_serials(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    product: *const c_char,
    serials: *const *const c_char,
    serial_count: usize,
    location: *const c_char,
    supplier: *const c_char,
    reference: *const c_char,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            Ok(Command::ReceiveSerials(ReceiveSerials {
                product: id_arg(product, "product")?,
                serials: id_vec_arg(serials, serial_count, "serials")?,
                location: id_arg(location, "location")?,
                supplier: opt_id_arg(supplier, "supplier")?,
                reference: opt_text_arg(reference, "reference")?,
                generate: 0,
                put_away: false,
                received_on: None,
            }))
        })
    })
}

/// Moves `quantity` of `item` from `from` to `to`. Moving a RECEIVED serial is its
/// putaway (it becomes IN_INVENTORY). `override_expiry` lets an expired lot go to a
/// customer or production location (needs a reason).
#[no_mangle]
pub unsafe extern "C" fn tr_move(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    item: *const tr_item,
    from: *const c_char,
    to: *const c_char,
    quantity: *const c_char,
    override_expiry: bool,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            Ok(Command::Move(Move {
                item: struct_arg(item, "item", |i, n| item_from_c(i, n))?,
                from: id_arg(from, "from")?,
                to: id_arg(to, "to")?,
                quantity: quantity_arg(quantity, "quantity")?,
                override_expiry,
            }))
        })
    })
}

/// Reserves `quantity` of one given `item` for `order`, at `location` (NULL: any
/// location, in stock order). To let the engine choose lots by FEFO/FIFO/LIFO:
/// `tr_allocate_stock`.
#[no_mangle]
pub unsafe extern "C" fn tr_allocate(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    order: *const c_char,
    item: *const tr_item,
    location: *const c_char,
    quantity: *const c_char,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            Ok(Command::Allocate(Allocate {
                order: id_arg(order, "order")?,
                item: struct_arg(item, "item", |i, n| item_from_c(i, n))?,
                location: opt_id_arg(location, "location")?,
                quantity: quantity_arg(quantity, "quantity")?,
                ship_date: None,
            }))
        })
    })
}

/// Releases `order`'s reservations: only `item`'s, or all of them when `item` is NULL.
#[no_mangle]
pub unsafe extern "C" fn tr_cancel_allocation(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    order: *const c_char,
    item: *const tr_item,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            Ok(Command::CancelAllocation(CancelAllocation {
                order: id_arg(order, "order")?,
                item: item.as_ref().map(|i| item_from_c(i, "item")).transpose()?,
            }))
        })
    })
}

/// Picks (scans) `quantity` of `item` allocated to `order`.
#[no_mangle]
pub unsafe extern "C" fn tr_pick(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    order: *const c_char,
    item: *const tr_item,
    quantity: *const c_char,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            Ok(Command::Pick(Pick {
                order: id_arg(order, "order")?,
                item: struct_arg(item, "item", |i, n| item_from_c(i, n))?,
                quantity: quantity_arg(quantity, "quantity")?,
            }))
        })
    })
}

/// Dispatches everything picked for `order` as `shipment` to `customer`, on
/// `shipped_on` (NULL: today). `override_expiry` ships expired lots (needs a reason).
#[no_mangle]
pub unsafe extern "C" fn tr_ship(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    shipment: *const c_char,
    order: *const c_char,
    customer: *const c_char,
    shipped_on: *const c_char,
    override_expiry: bool,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            Ok(Command::Ship(Ship {
                shipment: id_arg(shipment, "shipment")?,
                order: id_arg(order, "order")?,
                customer: id_arg(customer, "customer")?,
                shipped_on: opt_date_arg(shipped_on, "shipped_on")?,
                override_expiry,
            }))
        })
    })
}

/// Work order `work_order` consumes `consumed_count` lines and produces `output_count`
/// outputs, on `produced_on` (NULL: today). Each array may be NULL only when its count
/// is 0. `override_expiry` consumes expired lots (needs a reason).
#[no_mangle]
pub unsafe extern "C" fn tr_produce(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    work_order: *const c_char,
    consumed: *const tr_line,
    consumed_count: usize,
    outputs: *const tr_output,
    output_count: usize,
    produced_on: *const c_char,
    override_expiry: bool,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            Ok(Command::Produce(Produce {
                work_order: id_arg(work_order, "work_order")?,
                consumed: vec_arg(consumed, consumed_count, "consumed", |l, n| {
                    line_from_c(l, n)
                })?,
                outputs: vec_arg(outputs, output_count, "outputs", |o, n| output_from_c(o, n))?,
                produced_on: opt_date_arg(produced_on, "produced_on")?,
                override_expiry,
            }))
        })
    })
}

/// Corrects a lot's quantity at `location` by the signed decimal `delta` after a count
/// (needs a reason).
#[no_mangle]
pub unsafe extern "C" fn tr_adjust(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    product: *const c_char,
    lot: *const c_char,
    location: *const c_char,
    delta: *const c_char,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            Ok(Command::Adjust(Adjust {
                product: id_arg(product, "product")?,
                lot: id_arg(lot, "lot")?,
                location: id_arg(location, "location")?,
                delta: quantity_arg(delta, "delta")?,
            }))
        })
    })
}

/// Scraps `quantity` of `item` at `location` (needs a reason).
#[no_mangle]
pub unsafe extern "C" fn tr_scrap(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    item: *const tr_item,
    location: *const c_char,
    quantity: *const c_char,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            Ok(Command::Scrap(Scrap {
                item: struct_arg(item, "item", |i, n| item_from_c(i, n))?,
                location: id_arg(location, "location")?,
                quantity: quantity_arg(quantity, "quantity")?,
            }))
        })
    })
}

/// Sets a lot active or inactive (needs a reason).
#[no_mangle]
pub unsafe extern "C" fn tr_set_lot_active(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    product: *const c_char,
    lot: *const c_char,
    active: bool,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            Ok(Command::SetLotActive(SetLotActive {
                product: id_arg(product, "product")?,
                lot: id_arg(lot, "lot")?,
                active,
            }))
        })
    })
}

/// `customer` returns `quantity` of shipped `item` under RMA `rma`, into `location`.
/// A returned lot quantity is held there (not allocatable, `held` in the lot's stock)
/// until the return is disposed of, unless `release` puts it straight back into stock.
#[no_mangle]
pub unsafe extern "C" fn tr_return(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    rma: *const c_char,
    customer: *const c_char,
    item: *const tr_item,
    location: *const c_char,
    quantity: *const c_char,
    release: bool,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            Ok(Command::Return(Return {
                rma: id_arg(rma, "rma")?,
                customer: id_arg(customer, "customer")?,
                item: struct_arg(item, "item", |i, n| item_from_c(i, n))?,
                location: id_arg(location, "location")?,
                quantity: quantity_arg(quantity, "quantity")?,
                release,
            }))
        })
    })
}

/// Allocates `quantity` of `product` (lot- or serial-tracked) to `order` by `strategy`
/// (`TR_STRATEGY_FEFO`, `_FIFO` or `_LIFO`), splitting across lots and locations.
/// Candidates are released, active, not held, not expired on `ship_date` (NULL: today)
/// and, when given, have at least `min_remaining_shelf_life_pct` (decimal string,
/// NULL: no minimum) of their shelf life left then. `locations` (`location_count`
/// codes) restricts where stock is taken from; `location_count` 0 means any location
/// (`locations` may then be NULL). Not enough eligible stock is
/// TR_ERR_INSUFFICIENT_STOCK stating what is available and nothing is reserved, unless
/// `partial` is true: then what is eligible is reserved and the shortfall reported.
///
/// On TR_OK `*out` is the allocation as JSON (`order`, `product`, `strategy`,
/// `ship_date`, `requested`, `allocated`, `shortfall`, `lines`: item, location,
/// quantity, expiry, removal), owned by the caller and freed with `tr_string_free`;
/// on failure `*out` is NULL. `out` is required.
///
/// (`tr_allocate` reserves one given lot or serial instead.)
#[no_mangle]
pub unsafe extern "C" fn tr_allocate_stock(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    product: *const c_char,
    quantity: *const c_char,
    order: *const c_char,
    strategy: tr_strategy,
    ship_date: *const c_char,
    min_remaining_shelf_life_pct: *const c_char,
    locations: *const *const c_char,
    location_count: usize,
    partial: bool,
    out: *mut *mut c_char,
) -> tr_status {
    ffi_guard!({
        submit_json(
            tracker,
            actor,
            reason,
            out,
            || {
                let mut request = AllocationRequest::new(
                    id_arg(product, "product")?,
                    quantity_arg(quantity, "quantity")?,
                    id_arg(order, "order")?,
                    strategy_from_c(strategy, "strategy")?,
                );
                request.ship_date = opt_date_arg(ship_date, "ship_date")?;
                request.min_remaining_shelf_life_pct =
                    opt_quantity_arg(min_remaining_shelf_life_pct, "min_remaining_shelf_life_pct")?;
                let locations = id_vec_arg(locations, location_count, "locations")?;
                request.locations = (!locations.is_empty()).then_some(locations);
                request.partial = partial;
                Ok(request)
            },
            |tracker, actor, reason, request| tracker.allocate(actor, reason, &request),
        )
    })
}

/// Changes the dates of one lot (needs a reason): each of `expiry`, `best_before`,
/// `removal` (the date FEFO sorts on) and `alert` given replaces the lot's, NULL keeps
/// it. Many lots atomically: `tr_execute_json` with `{"update_lot_dates":{"changes":[...]}}`.
#[no_mangle]
pub unsafe extern "C" fn tr_update_lot_dates(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    product: *const c_char,
    lot: *const c_char,
    expiry: *const c_char,
    best_before: *const c_char,
    removal: *const c_char,
    alert: *const c_char,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            Ok(Command::UpdateLotDates(UpdateLotDates {
                changes: vec![LotDatesChange {
                    lot: lot_key_arg(product, lot)?,
                    dates: LotDates {
                        expiry: opt_date_arg(expiry, "expiry")?,
                        best_before: opt_date_arg(best_before, "best_before")?,
                        removal: opt_date_arg(removal, "removal")?,
                        alert: opt_date_arg(alert, "alert")?,
                    },
                }],
            }))
        })
    })
}

/// Sets `lot_count` lots active or inactive atomically (needs a reason). Each element
/// of `lots` must be a `TR_ITEM_LOT`; `lots` may be NULL only when `lot_count` is 0.
#[no_mangle]
pub unsafe extern "C" fn tr_set_lots_active(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    lots: *const tr_item,
    lot_count: usize,
    active: bool,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            Ok(Command::SetLotsActive(SetLotsActive {
                lots: vec_arg(lots, lot_count, "lots", |l, n| lot_key_from_c(l, n))?,
                active,
            }))
        })
    })
}

/// Records a quality test result on a lot: `value` (decimal string) of `test`, in `unit`
/// (NULL: ""), passing when within the inclusive limits `spec_min` / `spec_max`
/// (decimal strings, NULL: no limit), tested on `tested_on` (NULL: today).
#[no_mangle]
pub unsafe extern "C" fn tr_record_test_result(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    product: *const c_char,
    lot: *const c_char,
    test: *const c_char,
    value: *const c_char,
    unit: *const c_char,
    spec_min: *const c_char,
    spec_max: *const c_char,
    tested_on: *const c_char,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            Ok(Command::RecordTestResult(RecordTestResult {
                lot: lot_key_arg(product, lot)?,
                test: str_arg(test, "test")?.to_owned(),
                value: quantity_arg(value, "value")?,
                unit: opt_text_arg(unit, "unit")?.unwrap_or_default(),
                spec_min: opt_quantity_arg(spec_min, "spec_min")?,
                spec_max: opt_quantity_arg(spec_max, "spec_max")?,
                tested_on: opt_date_arg(tested_on, "tested_on")?,
            }))
        })
    })
}

/// Links a certificate of analysis to a lot: `document` (a reference such as a file
/// name or URL) and its `sha256` (64 hexadecimal digits). Linking the same document
/// twice is TR_ERR_DUPLICATE_NUMBER.
#[no_mangle]
pub unsafe extern "C" fn tr_link_certificate(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    product: *const c_char,
    lot: *const c_char,
    document: *const c_char,
    sha256: *const c_char,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            Ok(Command::LinkCertificate(LinkCertificate {
                lot: lot_key_arg(product, lot)?,
                document: str_arg(document, "document")?.to_owned(),
                sha256: str_arg(sha256, "sha256")?.to_owned(),
            }))
        })
    })
}

/// Quarantines, releases or rejects a lot (needs a reason): `status` is "quarantine",
/// "released" or "rejected". Releasing while the latest result of a test failed is
/// TR_ERR_NOT_USABLE.
#[no_mangle]
pub unsafe extern "C" fn tr_set_quality_status(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    product: *const c_char,
    lot: *const c_char,
    status: *const c_char,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            Ok(Command::SetQualityStatus(SetQualityStatus {
                lot: lot_key_arg(product, lot)?,
                status: name_arg::<QualityStatus>(
                    status,
                    "status",
                    "quarantine, released, rejected",
                )?,
            }))
        })
    })
}

/// Executes any command given as JSON in the core's serde form, e.g.
/// `{"pick":{"order":"SO1","item":{"serial":{"product":"PUMP","serial":"SN1"}},"quantity":"1"}}`.
/// Malformed JSON is TR_ERR_INVALID_INPUT.
#[no_mangle]
pub unsafe extern "C" fn tr_execute_json(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    command_json: *const c_char,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            json_arg(command_json, "command_json")
        })
    })
}

/// Executes a JSON array of commands atomically: either all are valid (each seeing the
/// effects of those before it) and all are stored, or nothing changes.
#[no_mangle]
pub unsafe extern "C" fn tr_execute_batch_json(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    commands_json: *const c_char,
) -> tr_status {
    ffi_guard!({
        submit_with(
            tracker,
            actor,
            reason,
            || json_arg::<Vec<Command>>(commands_json, "commands_json"),
            |tracker, actor, reason, commands| {
                tracker.execute_batch(actor, reason, &commands).map(Some)
            },
        )
    })
}
