/* Passes NULL for every pointer argument of every function, one at a time: a required
 * argument must give TR_ERR_NULL_POINTER naming it, an optional one must be accepted,
 * and nothing may crash. */
#include "check.h"

/* Argument `i` of the call, or NULL when it is the one being tested. */
#define ARG(i, value) (null_arg == (i) ? NULL : (value))

typedef tr_status (*caller)(tr_tracker *t, int null_arg);

struct case_ {
    const char *name;
    caller call;
    int pointer_args;      /* how many pointer arguments the function has */
    unsigned optional;     /* bit i set: pointer argument i may be NULL */
};

static const char *serials[1] = {"SN9"};
static const tr_item lot = {TR_ITEM_LOT, "FLOUR", "L1"};
static const uint32_t days = 30;

static tr_status call_new_memory(tr_tracker *t, int null_arg) {
    tr_tracker *made = NULL;
    tr_status s = tr_tracker_new_memory(ARG(0, &made));
    (void)t;
    tr_tracker_free(made);
    return s;
}
static tr_status call_open(tr_tracker *t, int null_arg) {
    tr_tracker *made = NULL;
    tr_status s = tr_tracker_open(ARG(0, ":memory:"), ARG(1, &made));
    (void)t;
    tr_tracker_free(made);
    return s;
}
static tr_status call_open_with(tr_tracker *t, int null_arg) {
    tr_tracker *made = NULL;
    tr_status s = tr_tracker_open_with(ARG(0, ":memory:"), TR_OPEN_SALVAGE, ARG(1, &made));
    (void)t;
    tr_tracker_free(made);
    return s;
}
static const uint8_t key[32] = {7};
static tr_status call_verify_against(tr_tracker *t, int null_arg) {
    uint64_t count = 0;
    return tr_verify_against(ARG(0, t), ARG(1, "{}"), ARG(2, key), ARG(3, &count));
}
static tr_status call_public_key(tr_tracker *t, int null_arg) {
    uint8_t public_key[32];
    (void)t;
    return tr_public_key(ARG(0, key), ARG(1, public_key));
}
static tr_status call_set_time(tr_tracker *t, int null_arg) {
    return tr_tracker_set_time(ARG(0, t), ARG(1, "2026-03-01T08:00:00Z"));
}
static tr_status call_refresh(tr_tracker *t, int null_arg) {
    return tr_tracker_refresh(ARG(0, t));
}
static tr_status call_register_product(tr_tracker *t, int null_arg) {
    uint32_t days = 10;
    return tr_register_product(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, "P"), ARG(4, "lot"),
                               ARG(5, "kg"), ARG(6, "d"), ARG(7, &days));
}
static tr_status call_register_location(tr_tracker *t, int null_arg) {
    return tr_register_location(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, "L"),
                                ARG(4, "internal"), ARG(5, "d"));
}
static tr_status call_register_party(tr_tracker *t, int null_arg) {
    return tr_register_party(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, "P"),
                             ARG(4, "customer"), ARG(5, "n"));
}
static tr_status call_expect_serials(tr_tracker *t, int null_arg) {
    return tr_expect_serials(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, "PUMP"),
                             ARG(4, serials), 1, ARG(5, "MILL"), ARG(6, "ASN"));
}
static tr_status call_receive_lot(tr_tracker *t, int null_arg) {
    return tr_receive_lot(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, "FLOUR"), ARG(4, "L1"),
                          ARG(5, "1"), ARG(6, "DOCK"), ARG(7, "MILL"), ARG(8, "2026-03-01"),
                          ARG(9, "2026-02-01"), ARG(10, "2027-02-01"), ARG(11, "PO"));
}
static tr_status call_receive_serials(tr_tracker *t, int null_arg) {
    return tr_receive_serials(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, "PUMP"),
                              ARG(4, serials), 1, ARG(5, "DOCK"), ARG(6, "MILL"), ARG(7, "PO"));
}
static tr_status call_move(tr_tracker *t, int null_arg) {
    return tr_move(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, &lot), ARG(4, "DOCK"),
                   ARG(5, "STOCK"), ARG(6, "1"), false);
}
static tr_status call_allocate(tr_tracker *t, int null_arg) {
    return tr_allocate(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, "SO"), ARG(4, &lot),
                       ARG(5, "DOCK"), ARG(6, "1"));
}
static tr_status call_cancel_allocation(tr_tracker *t, int null_arg) {
    return tr_cancel_allocation(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, "SO"), ARG(4, &lot));
}
static tr_status call_pick(tr_tracker *t, int null_arg) {
    return tr_pick(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, "SO"), ARG(4, &lot), ARG(5, "1"));
}
static tr_status call_ship(tr_tracker *t, int null_arg) {
    return tr_ship(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, "SH"), ARG(4, "SO"),
                   ARG(5, "ACME"), ARG(6, "2026-03-01"), false);
}
static tr_status call_produce(tr_tracker *t, int null_arg) {
    tr_line consumed[1];
    tr_output outputs[1];
    consumed[0].item = lot;
    consumed[0].location = "DOCK";
    consumed[0].quantity = "1";
    outputs[0].kind = TR_OUTPUT_NEW_SERIAL;
    outputs[0].product = "PUMP";
    outputs[0].number = "SN7";
    outputs[0].quantity = NULL; /* ignored for serials */
    outputs[0].location = "DOCK";
    return tr_produce(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, "WO"), ARG(4, consumed), 1,
                      ARG(5, outputs), 1, ARG(6, "2026-03-01"), false);
}
static tr_status call_adjust(tr_tracker *t, int null_arg) {
    return tr_adjust(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, "FLOUR"), ARG(4, "L1"),
                     ARG(5, "DOCK"), ARG(6, "1"));
}
static tr_status call_scrap(tr_tracker *t, int null_arg) {
    return tr_scrap(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, &lot), ARG(4, "DOCK"), ARG(5, "1"));
}
static tr_status call_set_lot_active(tr_tracker *t, int null_arg) {
    return tr_set_lot_active(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, "FLOUR"), ARG(4, "L1"), true);
}
static tr_status call_return(tr_tracker *t, int null_arg) {
    return tr_return(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, "RMA"), ARG(4, "ACME"),
                     ARG(5, &lot), ARG(6, "DOCK"), ARG(7, "1"), false);
}
static tr_status call_define_numbering_scheme(tr_tracker *t, int null_arg) {
    return tr_define_numbering_scheme(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, "S"), ARG(4, "{SEQ:3}"),
                                      ARG(5, "d"));
}
static tr_status call_issue_numbers(tr_tracker *t, int null_arg) {
    return tr_issue_numbers(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, "FLOUR"), 1, ARG(4, "2026-03-01"),
                            ARG(5, "DOCK"));
}
static tr_status call_reverse_shipment(tr_tracker *t, int null_arg) {
    return tr_reverse_shipment(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, "SH1"));
}
static tr_status call_reverse_receipt(tr_tracker *t, int null_arg) {
    return tr_reverse_receipt(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, &lot), 1);
}
static tr_status call_reverse_production(tr_tracker *t, int null_arg) {
    return tr_reverse_production(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, "WO1"));
}
static tr_status call_split_lot(tr_tracker *t, int null_arg) {
    return tr_split_lot(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, "FLOUR"), ARG(4, "L1"), ARG(5, "DOCK"),
                        ARG(6, "1"), ARG(7, "L1-B"));
}
static tr_status call_merge_lots(tr_tracker *t, int null_arg) {
    static const char *lots[] = {"L2"};
    return tr_merge_lots(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, "FLOUR"), ARG(4, lots), 1, ARG(5, "L1"),
                         ARG(6, "DOCK"));
}
static tr_status call_unbuild(tr_tracker *t, int null_arg) {
    return tr_unbuild(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, "PUMP"), ARG(4, "SN1"), ARG(5, "DOCK"));
}
static tr_status call_execute_json(tr_tracker *t, int null_arg) {
    return tr_execute_json(ARG(0, t), ARG(1, "ana"), ARG(2, "why"),
                           ARG(3, "{\"register_party\":{\"id\":\"X\",\"role\":\"both\",\"name\":\"\"}}"));
}
static tr_status call_execute_batch_json(tr_tracker *t, int null_arg) {
    return tr_execute_batch_json(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, "[]"));
}
static tr_status call_update_lot_dates(tr_tracker *t, int null_arg) {
    return tr_update_lot_dates(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, "FLOUR"), ARG(4, "L1"),
                               ARG(5, "2027-01-01"), ARG(6, "2026-12-01"), ARG(7, "2026-11-01"),
                               ARG(8, "2026-10-01"));
}
static tr_status call_set_lots_active(tr_tracker *t, int null_arg) {
    return tr_set_lots_active(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, &lot), 1, false);
}
static tr_status call_record_test_result(tr_tracker *t, int null_arg) {
    return tr_record_test_result(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, "FLOUR"), ARG(4, "L1"),
                                 ARG(5, "ph"), ARG(6, "7"), ARG(7, "pH"), ARG(8, "6"), ARG(9, "8"),
                                 ARG(10, "2026-03-01"));
}
static tr_status call_link_certificate(tr_tracker *t, int null_arg) {
    return tr_link_certificate(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, "FLOUR"), ARG(4, "L1"),
                               ARG(5, "coa.pdf"), ARG(6, "00"));
}
static tr_status call_set_quality_status(tr_tracker *t, int null_arg) {
    return tr_set_quality_status(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, "FLOUR"), ARG(4, "L1"),
                                 ARG(5, "released"));
}
static tr_status call_record_batch_parameter(tr_tracker *t, int null_arg) {
    return tr_record_batch_parameter(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, "WO"), ARG(4, "ph"),
                                     ARG(5, "7"), ARG(6, "pH"), ARG(7, "6"), ARG(8, "8"));
}
static tr_status call_record_batch_step(tr_tracker *t, int null_arg) {
    return tr_record_batch_step(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, "WO"), ARG(4, "mixing"),
                                ARG(5, "MIXER"), ARG(6, "op"), ARG(7, "2026-03-01"), ARG(8, "2026-03-01T06:00:00Z"),
                                ARG(9, "2026-03-01T07:00:00Z"), ARG(10, "notes"));
}
static tr_status call_sign_record(tr_tracker *t, int null_arg) {
    return tr_sign_record(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, "batch_record"), ARG(4, "WO"),
                          ARG(5, "approved"), ARG(6, "qa"));
}
static tr_status call_open_nonconformance(tr_tracker *t, int null_arg) {
    return tr_open_nonconformance(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, "NC"), ARG(4, "d"),
                                  ARG(5, "minor"), ARG(6, &lot), 1, ARG(7, "WO"), ARG(8, "RC"), false);
}
static tr_status call_add_corrective_action(tr_tracker *t, int null_arg) {
    return tr_add_corrective_action(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, "CAPA"), ARG(4, "corrective"),
                                    ARG(5, "d"), ARG(6, "owner"), ARG(7, "2026-04-01"), ARG(8, "NC"), ARG(9, "RC"));
}
static tr_status call_complete_corrective_action(tr_tracker *t, int null_arg) {
    return tr_complete_corrective_action(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, "CAPA"), ARG(4, "done"));
}
static tr_status call_close_nonconformance(tr_tracker *t, int null_arg) {
    return tr_close_nonconformance(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, "NC"), ARG(4, "done"));
}

/* Query callers free whatever they get back. */
#define QUERY_CALLER(name, call)                                                       \
    static tr_status name(tr_tracker *t, int null_arg) {                               \
        char *out = NULL;                                                              \
        tr_status s = call;                                                            \
        tr_string_free(out);                                                           \
        return s;                                                                      \
    }
QUERY_CALLER(call_last_numbers_json, tr_last_numbers_json(ARG(0, t), ARG(1, &out)))
QUERY_CALLER(call_lot_json, tr_lot_json(ARG(0, t), ARG(1, "FLOUR"), ARG(2, "L1"), ARG(3, &out)))
QUERY_CALLER(call_serial_json, tr_serial_json(ARG(0, t), ARG(1, "PUMP"), ARG(2, "SN1"), ARG(3, &out)))
QUERY_CALLER(call_history_json, tr_history_json(ARG(0, t), ARG(1, &lot), ARG(2, &out)))
QUERY_CALLER(call_location_history_json, tr_location_history_json(ARG(0, t), ARG(1, "DOCK"), ARG(2, &out)))
QUERY_CALLER(call_events_json, tr_events_json(ARG(0, t), 0, ARG(1, &out)))
QUERY_CALLER(call_verify_json, tr_verify_json(ARG(0, t), ARG(1, &out)))
QUERY_CALLER(call_head_json, tr_head_json(ARG(0, t), ARG(1, &out)))
QUERY_CALLER(call_damage_json, tr_tracker_damage_json(ARG(0, t), ARG(1, &out)))
QUERY_CALLER(call_checkpoint_json, tr_checkpoint_json(ARG(0, t), ARG(1, key), ARG(2, &out)))
QUERY_CALLER(call_allocate_stock,
             tr_allocate_stock(ARG(0, t), ARG(1, "ana"), ARG(2, "why"), ARG(3, "FLOUR"), ARG(4, "1"),
                               ARG(5, "SO"), TR_STRATEGY_FEFO, ARG(6, "2026-03-01"), ARG(7, "10"),
                               ARG(8, serials), 1, false, ARG(9, &out)))
QUERY_CALLER(call_expiring_lots_json,
             tr_expiring_lots_json(ARG(0, t), ARG(1, "2026-03-01"), ARG(2, &days), ARG(3, "FLOUR"), ARG(4, &out)))
QUERY_CALLER(call_expiry_report_json,
             tr_expiry_report_json(ARG(0, t), ARG(1, "2026-03-01"), ARG(2, "FLOUR"), ARG(3, &out)))
QUERY_CALLER(call_lot_inventory_by_expiry_json,
             tr_lot_inventory_by_expiry_json(ARG(0, t), ARG(1, "2026-03-01"), ARG(2, "FLOUR"), ARG(3, &out)))
QUERY_CALLER(call_shelf_life_remaining_pct,
             tr_shelf_life_remaining_pct(ARG(0, t), ARG(1, "FLOUR"), ARG(2, "L1"), ARG(3, "2026-03-01"), ARG(4, &out)))
QUERY_CALLER(call_certificate_of_analysis_json,
             tr_certificate_of_analysis_json(ARG(0, t), ARG(1, "FLOUR"), ARG(2, "L1"), ARG(3, &out)))
QUERY_CALLER(call_lot_quality_json, tr_lot_quality_json(ARG(0, t), ARG(1, "FLOUR"), ARG(2, "L1"), ARG(3, &out)))
QUERY_CALLER(call_find_serials_json,
             tr_find_serials_json(ARG(0, t), ARG(1, "SN"), ARG(2, "PUMP"), ARG(3, "IN_INVENTORY"), ARG(4, &out)))
QUERY_CALLER(call_serial_history_json, tr_serial_history_json(ARG(0, t), ARG(1, "PUMP"), ARG(2, "SN1"), ARG(3, &out)))
QUERY_CALLER(call_lot_movements_json, tr_lot_movements_json(ARG(0, t), ARG(1, "FLOUR"), ARG(2, "L1"), ARG(3, &out)))
QUERY_CALLER(call_lot_inventory_by_location_json,
             tr_lot_inventory_by_location_json(ARG(0, t), ARG(1, "DOCK"), ARG(2, "FLOUR"), ARG(3, &out)))
QUERY_CALLER(call_serial_inventory_by_location_json,
             tr_serial_inventory_by_location_json(ARG(0, t), ARG(1, "DOCK"), ARG(2, "PUMP"), ARG(3, &out)))

#define BIT(i) (1u << (i))
#define ACTOR_REASON_OPTIONAL BIT(2)

static const struct case_ cases[] = {
    {"tr_tracker_new_memory", call_new_memory, 1, 0},
    {"tr_tracker_open", call_open, 2, 0},
    {"tr_tracker_open_with", call_open_with, 2, 0},
    {"tr_tracker_damage_json", call_damage_json, 2, 0},
    {"tr_checkpoint_json", call_checkpoint_json, 3, 0},
    {"tr_verify_against", call_verify_against, 4, 0},
    {"tr_public_key", call_public_key, 2, 0},
    {"tr_tracker_set_time", call_set_time, 2, 0},
    {"tr_tracker_refresh", call_refresh, 1, 0},
    {"tr_register_product", call_register_product, 8, BIT(2) | BIT(5) | BIT(6) | BIT(7)},
    {"tr_register_location", call_register_location, 6, BIT(2) | BIT(5)},
    {"tr_register_party", call_register_party, 6, BIT(2) | BIT(5)},
    {"tr_expect_serials", call_expect_serials, 7, BIT(2) | BIT(5) | BIT(6)},
    {"tr_receive_lot", call_receive_lot, 12, BIT(2) | BIT(4) | BIT(7) | BIT(8) | BIT(9) | BIT(10) | BIT(11)},
    {"tr_receive_serials", call_receive_serials, 8, BIT(2) | BIT(6) | BIT(7)},
    {"tr_move", call_move, 7, ACTOR_REASON_OPTIONAL},
    {"tr_allocate", call_allocate, 7, BIT(2) | BIT(5)},
    {"tr_cancel_allocation", call_cancel_allocation, 5, BIT(2) | BIT(4)},
    {"tr_pick", call_pick, 6, ACTOR_REASON_OPTIONAL},
    {"tr_ship", call_ship, 7, BIT(2) | BIT(6)},
    {"tr_produce", call_produce, 7, BIT(2) | BIT(6)},
    {"tr_adjust", call_adjust, 7, ACTOR_REASON_OPTIONAL},
    {"tr_scrap", call_scrap, 6, ACTOR_REASON_OPTIONAL},
    {"tr_set_lot_active", call_set_lot_active, 5, ACTOR_REASON_OPTIONAL},
    {"tr_return", call_return, 8, ACTOR_REASON_OPTIONAL},
    {"tr_define_numbering_scheme", call_define_numbering_scheme, 6, BIT(2) | BIT(5)},
    {"tr_issue_numbers", call_issue_numbers, 6, BIT(2) | BIT(4) | BIT(5)},
    {"tr_last_numbers_json", call_last_numbers_json, 2, 0},
    {"tr_reverse_shipment", call_reverse_shipment, 4, ACTOR_REASON_OPTIONAL},
    {"tr_reverse_receipt", call_reverse_receipt, 4, ACTOR_REASON_OPTIONAL},
    {"tr_reverse_production", call_reverse_production, 4, ACTOR_REASON_OPTIONAL},
    {"tr_split_lot", call_split_lot, 8, BIT(2) | BIT(7)},
    {"tr_merge_lots", call_merge_lots, 7, ACTOR_REASON_OPTIONAL},
    {"tr_unbuild", call_unbuild, 6, BIT(2) | BIT(5)},
    {"tr_execute_json", call_execute_json, 4, ACTOR_REASON_OPTIONAL},
    {"tr_execute_batch_json", call_execute_batch_json, 4, ACTOR_REASON_OPTIONAL},
    {"tr_lot_json", call_lot_json, 4, 0},
    {"tr_serial_json", call_serial_json, 4, 0},
    {"tr_history_json", call_history_json, 3, 0},
    {"tr_location_history_json", call_location_history_json, 3, 0},
    {"tr_events_json", call_events_json, 2, 0},
    {"tr_verify_json", call_verify_json, 2, 0},
    {"tr_head_json", call_head_json, 2, 0},
    {"tr_allocate_stock", call_allocate_stock, 10, BIT(2) | BIT(6) | BIT(7)},
    {"tr_update_lot_dates", call_update_lot_dates, 9, BIT(2) | BIT(5) | BIT(6) | BIT(7) | BIT(8)},
    {"tr_set_lots_active", call_set_lots_active, 4, ACTOR_REASON_OPTIONAL},
    {"tr_record_test_result", call_record_test_result, 11, BIT(2) | BIT(7) | BIT(8) | BIT(9) | BIT(10)},
    {"tr_link_certificate", call_link_certificate, 7, ACTOR_REASON_OPTIONAL},
    {"tr_set_quality_status", call_set_quality_status, 6, ACTOR_REASON_OPTIONAL},
    {"tr_expiring_lots_json", call_expiring_lots_json, 5, BIT(1) | BIT(2) | BIT(3)},
    {"tr_expiry_report_json", call_expiry_report_json, 4, BIT(1) | BIT(2)},
    {"tr_lot_inventory_by_expiry_json", call_lot_inventory_by_expiry_json, 4, BIT(1) | BIT(2)},
    {"tr_shelf_life_remaining_pct", call_shelf_life_remaining_pct, 5, BIT(3)},
    {"tr_certificate_of_analysis_json", call_certificate_of_analysis_json, 4, 0},
    {"tr_lot_quality_json", call_lot_quality_json, 4, 0},
    {"tr_find_serials_json", call_find_serials_json, 5, BIT(1) | BIT(2) | BIT(3)},
    {"tr_serial_history_json", call_serial_history_json, 4, 0},
    {"tr_lot_movements_json", call_lot_movements_json, 4, 0},
    {"tr_lot_inventory_by_location_json", call_lot_inventory_by_location_json, 4, BIT(1) | BIT(2)},
    {"tr_serial_inventory_by_location_json", call_serial_inventory_by_location_json, 4, BIT(1) | BIT(2)},
    {"tr_record_batch_parameter", call_record_batch_parameter, 9, BIT(2) | BIT(6) | BIT(7) | BIT(8)},
    {"tr_record_batch_step", call_record_batch_step, 11, BIT(2) | BIT(5) | BIT(7) | BIT(8) | BIT(9) | BIT(10)},
    {"tr_sign_record", call_sign_record, 7, ACTOR_REASON_OPTIONAL},
    {"tr_open_nonconformance", call_open_nonconformance, 9, BIT(2) | BIT(7) | BIT(8)},
    {"tr_add_corrective_action", call_add_corrective_action, 10, BIT(2) | BIT(8) | BIT(9)},
    {"tr_complete_corrective_action", call_complete_corrective_action, 5, ACTOR_REASON_OPTIONAL},
    {"tr_close_nonconformance", call_close_nonconformance, 5, ACTOR_REASON_OPTIONAL},
};

/* NULL inside the structs passed by pointer. */
static void check_null_struct_fields(tr_tracker *t) {
    tr_item no_product = {TR_ITEM_LOT, NULL, "L1"};
    tr_item no_number = {TR_ITEM_SERIAL, "PUMP", NULL};
    tr_line line;
    tr_output output;
    const char *no_location[2] = {"DOCK", NULL};
    char *out = NULL;
    CHECK_STATUS(TR_ERR_NULL_POINTER, tr_history_json(t, &no_product, &out));
    CHECK_MESSAGE("argument `item.product` is NULL");
    CHECK_STATUS(TR_ERR_NULL_POINTER, tr_pick(t, "ana", NULL, "SO", &no_number, "1"));
    CHECK_MESSAGE("argument `item.number` is NULL");
    line.item = lot;
    line.location = NULL;
    line.quantity = "1";
    CHECK_STATUS(TR_ERR_NULL_POINTER, tr_produce(t, "ana", NULL, "WO", &line, 1, NULL, 0, NULL, false));
    CHECK_MESSAGE("argument `consumed[0].location` is NULL");
    output.kind = TR_OUTPUT_NEW_LOT;
    output.product = "FLOUR";
    output.number = "L5";
    output.quantity = NULL;
    output.location = "DOCK";
    CHECK_STATUS(TR_ERR_NULL_POINTER, tr_produce(t, "ana", NULL, "WO", NULL, 0, &output, 1, NULL, false));
    CHECK_MESSAGE("argument `outputs[0].quantity` is NULL");
    CHECK_STATUS(TR_ERR_NULL_POINTER, tr_set_lots_active(t, "ana", "why", &no_product, 1, false));
    CHECK_MESSAGE("argument `lots[0].product` is NULL");
    CHECK_STATUS(TR_ERR_NULL_POINTER, tr_allocate_stock(t, "ana", NULL, "FLOUR", "1", "SO", TR_STRATEGY_FEFO,
                                                        NULL, NULL, no_location, 2, false, &out));
    CHECK_MESSAGE("argument `locations[1]` is NULL");
    CHECK(out == NULL);
    CHECK_STATUS(TR_ERR_NULL_POINTER, tr_receive_serials(t, "ana", NULL, "PUMP", NULL, 2, "DOCK", NULL, NULL));
    CHECK_MESSAGE("argument `serials` is NULL");
}

int main(void) {
    tr_tracker *t = NULL;
    size_t c;
    int i, calls = 0;
    CHECK_OK(tr_tracker_new_memory(&t));
    for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        for (i = 0; i < cases[c].pointer_args; i++) {
            tr_status s = cases[c].call(t, i);
            int optional = (cases[c].optional & BIT(i)) != 0;
            calls++;
            if (optional) {
                if (s == TR_ERR_NULL_POINTER) fprintf(stderr, "%s arg %d: optional, refused\n", cases[c].name, i);
                CHECK(s != TR_ERR_NULL_POINTER && s != TR_ERR_PANIC);
            } else {
                if (s != TR_ERR_NULL_POINTER) fprintf(stderr, "%s arg %d: %s\n", cases[c].name, i, tr_status_name(s));
                CHECK(s == TR_ERR_NULL_POINTER);
                CHECK_MESSAGE("is NULL");
                CHECK(strstr(tr_last_error_json(), "\"kind\":\"NullPointer\"") != NULL);
            }
        }
    }
    CHECK(calls == 356);
    check_null_struct_fields(t);
    /* The functions that accept NULL and return nothing. */
    tr_string_free(NULL);
    tr_tracker_free(NULL);
    CHECK(strcmp(tr_last_error_message(), "argument `serials` is NULL") == 0);
    CHECK(strstr(tr_last_error_json(), "\"argument\":\"serials\"") != NULL);
    tr_tracker_free(t);
    return CHECKS_REPORT();
}
