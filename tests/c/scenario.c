/* The full scenario through the C ABI -- register, receive, putaway, produce, allocate,
 * pick, ship, history, verify, reopen -- and every error path, checking status codes
 * and messages. Usage: scenario <path of a scratch SQLite file> */
#include <stdlib.h>

#include "check.h"

#define ACTOR "ana"

static const tr_item FLOUR_L1 = {TR_ITEM_LOT, "FLOUR", "L1"};
static const tr_item BREAD_B1 = {TR_ITEM_LOT, "BREAD", "B1"};
static const tr_item PUMP_SN1 = {TR_ITEM_SERIAL, "PUMP", "SN1"};
static const tr_item PUMP_SN2 = {TR_ITEM_SERIAL, "PUMP", "SN2"};

/* Checks that a JSON query succeeded and that its text `*json` contains `needle`, then
 * frees it. (`json` is passed by address: the query writes it before this reads it.) */
static void check_json(tr_status status, char **json, const char *needle) {
    CHECK(status == TR_OK);
    CHECK_CONTAINS(*json, needle);
    if (*json != NULL && strstr(*json, needle) == NULL) fprintf(stderr, "  json: %s\n", *json);
    tr_string_free(*json);
    *json = NULL;
}

static void set_up_master_data(tr_tracker *t) {
    uint32_t shelf_life = 365;
    CHECK_OK(tr_register_product(t, ACTOR, NULL, "FLOUR", "lot", "kg", "wheat flour", &shelf_life));
    CHECK_OK(tr_register_product(t, ACTOR, NULL, "BREAD", "lot", "ea", NULL, NULL));
    CHECK_OK(tr_register_product(t, ACTOR, NULL, "PUMP", "serial", NULL, NULL, NULL));
    CHECK_OK(tr_register_location(t, ACTOR, NULL, "DOCK", "receiving", "goods in"));
    CHECK_OK(tr_register_location(t, ACTOR, NULL, "STOCK", "internal", NULL));
    CHECK_OK(tr_register_location(t, ACTOR, NULL, "LINE", "production", NULL));
    CHECK_OK(tr_register_party(t, ACTOR, NULL, "MILL", "supplier", "The Mill"));
    CHECK_OK(tr_register_party(t, ACTOR, NULL, "ACME", "customer", "Acme Stores"));
}

static void run_scenario(tr_tracker *t) {
    const char *pumps[2] = {"SN1", "SN2"};
    tr_line consumed[1];
    tr_output outputs[1];
    char *json = NULL;

    set_up_master_data(t);
    /* receive */
    CHECK_OK(tr_receive_lot(t, ACTOR, NULL, "FLOUR", "L1", "100.5", "DOCK", "MILL", "2026-03-01",
                            "2026-02-20", NULL, "PO-1"));
    CHECK_OK(tr_expect_serials(t, ACTOR, NULL, "PUMP", pumps, 2, "MILL", "ASN-1"));
    CHECK_OK(tr_receive_serials(t, ACTOR, NULL, "PUMP", pumps, 2, "DOCK", "MILL", "PO-2"));
    /* putaway */
    CHECK_OK(tr_move(t, ACTOR, NULL, &FLOUR_L1, "DOCK", "STOCK", "100.5", false));
    CHECK_OK(tr_move(t, ACTOR, NULL, &PUMP_SN1, "DOCK", "STOCK", "1", false));
    check_json(tr_serial_json(t, "PUMP", "SN1", &json), &json, "\"IN_INVENTORY\"");
    /* produce: 0.1 + 0.2 style exact decimals */
    consumed[0].item = FLOUR_L1;
    consumed[0].location = "STOCK";
    consumed[0].quantity = "40.25";
    outputs[0].kind = TR_OUTPUT_NEW_LOT;
    outputs[0].product = "BREAD";
    outputs[0].number = "B1";
    outputs[0].quantity = "80";
    outputs[0].location = "STOCK";
    CHECK_OK(tr_produce(t, ACTOR, NULL, "WO-1", consumed, 1, outputs, 1, NULL, false));
    check_json(tr_lot_json(t, "FLOUR", "L1", &json), &json, "\"on_hand\":\"60.25\"");
    /* allocate, pick, ship */
    CHECK_OK(tr_allocate(t, ACTOR, NULL, "SO-1", &BREAD_B1, "STOCK", "30"));
    CHECK_OK(tr_allocate(t, ACTOR, NULL, "SO-1", &PUMP_SN1, NULL, "1"));
    CHECK_OK(tr_pick(t, ACTOR, NULL, "SO-1", &BREAD_B1, "30"));
    CHECK_OK(tr_pick(t, ACTOR, NULL, "SO-1", &PUMP_SN1, "1"));
    CHECK_OK(tr_ship(t, ACTOR, NULL, "SH-1", "SO-1", "ACME", NULL, false));
    check_json(tr_serial_json(t, "PUMP", "SN1", &json), &json, "\"SHIPPED\"");
    check_json(tr_lot_json(t, "BREAD", "B1", &json), &json, "\"on_hand\":\"50\"");
    /* return, adjust, scrap, status, cancel */
    CHECK_OK(tr_return(t, ACTOR, NULL, "RMA-1", "ACME", &PUMP_SN1, "DOCK", "1", false));
    check_json(tr_serial_json(t, "PUMP", "SN1", &json), &json, "\"RECEIVED\"");
    CHECK_OK(tr_adjust(t, ACTOR, "cycle count", "FLOUR", "L1", "STOCK", "-0.25"));
    CHECK_OK(tr_scrap(t, ACTOR, "damaged", &PUMP_SN2, "DOCK", "1"));
    CHECK_OK(tr_set_lot_active(t, ACTOR, "superseded", "BREAD", "B1", false));
    CHECK_OK(tr_set_lot_active(t, ACTOR, "back in use", "BREAD", "B1", true));
    CHECK_OK(tr_allocate(t, ACTOR, NULL, "SO-2", &BREAD_B1, NULL, "5"));
    CHECK_OK(tr_cancel_allocation(t, ACTOR, NULL, "SO-2", NULL));
    /* generic JSON entry points */
    CHECK_OK(tr_execute_json(t, ACTOR, NULL,
                             "{\"register_location\":{\"id\":\"QA\",\"kind\":\"quarantine\","
                             "\"description\":\"\"}}"));
    CHECK_OK(tr_execute_batch_json(t, ACTOR, "recount",
                                   "[{\"adjust\":{\"product\":\"FLOUR\",\"lot\":\"L1\",\"location\":"
                                   "\"STOCK\",\"delta\":\"0.1\"}},{\"adjust\":{\"product\":\"FLOUR\","
                                   "\"lot\":\"L1\",\"location\":\"STOCK\",\"delta\":\"0.2\"}}]"));
    check_json(tr_lot_json(t, "FLOUR", "L1", &json), &json, "\"on_hand\":\"60.3\"");
    /* history and audit */
    check_json(tr_history_json(t, &FLOUR_L1, &json), &json, "\"work_order\":\"WO-1\"");
    check_json(tr_history_json(t, &PUMP_SN1, &json), &json, "\"actor\":\"ana\"");
    check_json(tr_location_history_json(t, "STOCK", &json), &json, "\"seq\":");
    check_json(tr_events_json(t, 0, &json), &json, "\"recorded_at\":\"2026-03-01T08:00:00Z\"");
    check_json(tr_events_json(t, 1000000, &json), &json, "[]");
    check_json(tr_head_json(t, &json), &json, "\"event_count\":");
    check_json(tr_verify_json(t, &json), &json, "\"verified_events\":");
}

static void run_error_paths(tr_tracker *t) {
    char *json = (char *)"sentinel";
    long long before = event_count(t);
    tr_item bad_utf8 = {TR_ITEM_LOT, "FLOUR", "L\xff\xfe"};

    /* null handle, null string, null out */
    CHECK_STATUS(TR_ERR_NULL_POINTER, tr_pick(NULL, ACTOR, NULL, "SO-1", &BREAD_B1, "1"));
    CHECK_MESSAGE("argument `tracker` is NULL");
    CHECK_STATUS(TR_ERR_NULL_POINTER, tr_lot_json(NULL, "FLOUR", "L1", &json));
    CHECK(json == NULL);
    CHECK_STATUS(TR_ERR_NULL_POINTER, tr_receive_lot(t, ACTOR, NULL, NULL, "L9", "1", "DOCK", NULL, NULL, NULL, NULL, NULL));
    CHECK_MESSAGE("argument `product` is NULL");
    CHECK_STATUS(TR_ERR_NULL_POINTER, tr_pick(t, NULL, NULL, "SO-1", &BREAD_B1, "1"));
    CHECK_MESSAGE("argument `actor` is NULL");
    CHECK_STATUS(TR_ERR_NULL_POINTER, tr_verify_json(t, NULL));
    CHECK_MESSAGE("argument `out` is NULL");
    /* invalid UTF-8, in a plain argument and inside a struct */
    CHECK_STATUS(TR_ERR_INVALID_UTF8, tr_register_location(t, ACTOR, NULL, "BIN\xc3\x28", "internal", NULL));
    CHECK_MESSAGE("argument `location` is not valid UTF-8");
    CHECK_STATUS(TR_ERR_INVALID_UTF8, tr_history_json(t, &bad_utf8, &json));
    CHECK_MESSAGE("item.number");
    /* a kind outside the TR_ITEM_* values is an input error, never undefined behaviour */
    bad_utf8.kind = 7;
    bad_utf8.number = "L1";
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_history_json(t, &bad_utf8, &json));
    CHECK_MESSAGE("invalid item.kind: unknown kind 7");
    /* unknown lot / product / serial / location / party */
    CHECK_STATUS(TR_ERR_UNKNOWN_LOT, tr_lot_json(t, "FLOUR", "NOPE", &json));
    CHECK_MESSAGE("unknown lot FLOUR/NOPE");
    CHECK(json == NULL);
    CHECK_STATUS(TR_ERR_UNKNOWN_SERIAL, tr_serial_json(t, "PUMP", "SN404", &json));
    CHECK_STATUS(TR_ERR_UNKNOWN_PRODUCT, tr_receive_lot(t, ACTOR, NULL, "SUGAR", "S1", "1", "DOCK", NULL, NULL, NULL, NULL, NULL));
    CHECK_MESSAGE("unknown product SUGAR");
    CHECK_STATUS(TR_ERR_UNKNOWN_LOCATION, tr_location_history_json(t, "MOON", &json));
    CHECK_STATUS(TR_ERR_UNKNOWN_PARTY, tr_ship(t, ACTOR, NULL, "SH-9", "SO-1", "NOBODY", NULL, false));
    /* illegal serial transition: SN1 is RECEIVED (returned), so it cannot be picked */
    CHECK_STATUS(TR_ERR_INVALID_TRANSITION, tr_pick(t, ACTOR, NULL, "SO-1", &PUMP_SN1, "1"));
    CHECK_MESSAGE("serial PUMP/SN1 is RECEIVED, cannot become PICKED");
    /* duplicate */
    CHECK_STATUS(TR_ERR_DUPLICATE_NUMBER, tr_receive_lot(t, ACTOR, NULL, "FLOUR", " L1 ", "1", "DOCK", NULL, NULL, NULL, NULL, NULL));
    CHECK_MESSAGE("duplicate lot");
    /* insufficient stock */
    CHECK_STATUS(TR_ERR_INSUFFICIENT_STOCK, tr_allocate(t, ACTOR, NULL, "SO-3", &FLOUR_L1, "STOCK", "1000"));
    CHECK_MESSAGE("requested 1000, available 60.3");
    /* wrong tracking, bad quantity, bad decimal, bad date, bad enum, bad JSON, bad time */
    CHECK_STATUS(TR_ERR_WRONG_TRACKING, tr_receive_serials(t, ACTOR, NULL, "FLOUR", NULL, 0, "DOCK", NULL, NULL));
    CHECK_STATUS(TR_ERR_INVALID_QUANTITY, tr_move(t, ACTOR, NULL, &FLOUR_L1, "STOCK", "DOCK", "-1", false));
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_move(t, ACTOR, NULL, &FLOUR_L1, "STOCK", "DOCK", "12,5", false));
    CHECK_MESSAGE("invalid quantity");
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_ship(t, ACTOR, NULL, "SH-9", "SO-1", "ACME", "2026-13-01", false));
    CHECK_MESSAGE("YYYY-MM-DD");
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_register_product(t, ACTOR, NULL, "X", "both", NULL, NULL, NULL));
    CHECK_MESSAGE("lot, serial, none");
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_execute_json(t, ACTOR, NULL, "{\"pick\":"));
    CHECK_MESSAGE("bad JSON");
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_tracker_set_time(t, "yesterday"));
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_register_location(t, "  ", NULL, "BIN1", "internal", NULL));
    CHECK_MESSAGE("actor");
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_adjust(t, ACTOR, NULL, "FLOUR", "L1", "STOCK", "1"));
    /* a batch with one bad command changes nothing */
    CHECK_STATUS(TR_ERR_UNKNOWN_LOT, tr_execute_batch_json(t, ACTOR, "recount",
        "[{\"adjust\":{\"product\":\"FLOUR\",\"lot\":\"L1\",\"location\":\"STOCK\",\"delta\":\"1\"}},"
        "{\"adjust\":{\"product\":\"FLOUR\",\"lot\":\"L2\",\"location\":\"STOCK\",\"delta\":\"1\"}}]"));
    CHECK(event_count(t) == before);
    /* a success clears the message; status names */
    CHECK_OK(tr_tracker_set_time(t, "2026-03-02T09:30:00+01:00"));
    CHECK(strcmp(tr_last_error_message(), "") == 0);
    CHECK(strcmp(tr_status_name(TR_ERR_UNKNOWN_LOT), "TR_ERR_UNKNOWN_LOT") == 0);
    CHECK(strcmp(tr_status_name(12345), "TR_UNKNOWN_STATUS") == 0);
}

/* `needle_a` occurs in `text` before `needle_b`. */
static int comes_before(const char *text, const char *needle_a, const char *needle_b) {
    const char *a = text != NULL ? strstr(text, needle_a) : NULL;
    const char *b = text != NULL ? strstr(text, needle_b) : NULL;
    return a != NULL && b != NULL && a < b;
}

/* Issue 4: FEFO/FIFO allocation, expiry, quality and reports, on a tracker of its own. */
static void run_allocation_and_quality(void) {
    tr_tracker *t = NULL;
    char *json = NULL, *before = NULL, *after = NULL;
    const char *a1_only[1] = {"A1"};
    const char *pumps[3] = {"SN-100", "SN-101", "XSN-1"};
    const tr_item inactive[2] = {{TR_ITEM_LOT, "MILK", "M1"}, {TR_ITEM_LOT, "MILK", "M2"}};
    const tr_item not_a_lot = {TR_ITEM_SERIAL, "PUMP", "SN-100"};
    const tr_item sn100 = {TR_ITEM_SERIAL, "PUMP", "SN-100"};
    const char *sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    long long events;

    CHECK_OK(tr_tracker_new_memory(&t));
    CHECK_OK(tr_tracker_set_time(t, "2026-03-01T08:00:00Z"));
    CHECK_OK(tr_register_product(t, ACTOR, NULL, "MILK", "lot", "l", NULL, NULL));
    CHECK_OK(tr_register_product(t, ACTOR, NULL, "PUMP", "serial", NULL, NULL, NULL));
    CHECK_OK(tr_register_location(t, ACTOR, NULL, "A1", "internal", NULL));
    CHECK_OK(tr_register_location(t, ACTOR, NULL, "A2", "internal", NULL));
    /* M1 expired, M5 earliest but quarantined, then M3, M2, M4; M6 has no expiry */
    CHECK_OK(tr_receive_lot(t, ACTOR, NULL, "MILK", "M1", "10", "A1", NULL, "2026-02-01", NULL, "2026-02-20", NULL));
    CHECK_OK(tr_receive_lot(t, ACTOR, NULL, "MILK", "M2", "5", "A1", NULL, "2026-02-01", "2026-01-01", "2026-04-01", NULL));
    CHECK_OK(tr_receive_lot(t, ACTOR, NULL, "MILK", "M3", "4", "A2", NULL, "2026-02-01", NULL, "2026-03-15", NULL));
    CHECK_OK(tr_receive_lot(t, ACTOR, NULL, "MILK", "M4", "20", "A1", NULL, "2026-02-01", "2026-01-01", "2027-01-01", NULL));
    CHECK_OK(tr_receive_lot(t, ACTOR, NULL, "MILK", "M5", "3", "A1", NULL, "2026-02-01", NULL, "2026-03-10", NULL));
    CHECK_OK(tr_receive_lot(t, ACTOR, NULL, "MILK", "M6", "1", "A2", NULL, NULL, NULL, NULL, NULL));
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_set_quality_status(t, ACTOR, NULL, "MILK", "M5", "quarantine"));
    CHECK_OK(tr_set_quality_status(t, ACTOR, "inspection", "MILK", "M5", "quarantine"));

    /* FEFO across lots: M3 then M2; the expired M1 and the quarantined M5 are skipped */
    CHECK_OK(tr_allocate_stock(t, ACTOR, NULL, "MILK", "7", "SO-1", TR_STRATEGY_FEFO, NULL, NULL, NULL, 0, false, &json));
    CHECK_CONTAINS(json, "\"allocated\":\"7\"");
    CHECK(comes_before(json, "\"lot\":\"M3\"", "\"lot\":\"M2\""));
    CHECK(json != NULL && strstr(json, "\"M1\"") == NULL && strstr(json, "\"M5\"") == NULL);
    if (!comes_before(json, "\"lot\":\"M3\"", "\"lot\":\"M2\"")) fprintf(stderr, "  json: %s\n", json ? json : "(null)");
    tr_string_free(json);
    json = NULL;

    /* insufficient stock: an error saying what is available, and nothing changes */
    events = event_count(t);
    CHECK_OK(tr_lot_inventory_by_location_json(t, NULL, "MILK", &before));
    json = (char *)"sentinel";
    CHECK_STATUS(TR_ERR_INSUFFICIENT_STOCK,
                 tr_allocate_stock(t, ACTOR, NULL, "MILK", "100", "SO-2", TR_STRATEGY_FEFO, NULL, NULL, NULL, 0, false, &json));
    CHECK_MESSAGE("available");
    CHECK(json == NULL);
    CHECK(event_count(t) == events);
    /* without somewhere to put the result, nothing is reserved either */
    CHECK_STATUS(TR_ERR_NULL_POINTER,
                 tr_allocate_stock(t, ACTOR, NULL, "MILK", "1", "SO-2", TR_STRATEGY_FEFO, NULL, NULL, NULL, 0, false, NULL));
    CHECK(event_count(t) == events);
    CHECK_OK(tr_lot_inventory_by_location_json(t, NULL, "MILK", &after));
    CHECK(before != NULL && after != NULL && strcmp(before, after) == 0);
    CHECK_CONTAINS(before, "\"reserved\":\"4\"");
    tr_string_free(before);
    tr_string_free(after);
    CHECK_STATUS(TR_ERR_INVALID_INPUT,
                 tr_allocate_stock(t, ACTOR, NULL, "MILK", "1", "SO-2", 9, NULL, NULL, NULL, 0, false, &json));
    CHECK_MESSAGE("strategy");
    CHECK_STATUS(TR_ERR_INVALID_INPUT,
                 tr_allocate_stock(t, ACTOR, NULL, "MILK", "1", "SO-2", TR_STRATEGY_FEFO, NULL, "half", NULL, 0, false, &json));
    CHECK_MESSAGE("min_remaining_shelf_life_pct");

    /* partial, with a shelf-life minimum and a location filter: only M4 qualifies */
    CHECK_OK(tr_allocate_stock(t, ACTOR, NULL, "MILK", "25", "SO-3", TR_STRATEGY_FIFO, "2026-03-02", "50",
                               a1_only, 1, true, &json));
    CHECK_CONTAINS(json, "\"shortfall\":\"5\"");
    check_json(TR_OK, &json, "\"lot\":\"M4\"");

    /* quality: a failed test blocks release until a passing re-test */
    CHECK_OK(tr_record_test_result(t, ACTOR, NULL, "MILK", "M5", "ph", "7.9", NULL, "6.5", "7.5", NULL));
    CHECK_STATUS(TR_ERR_NOT_USABLE, tr_set_quality_status(t, ACTOR, "checked", "MILK", "M5", "released"));
    CHECK_MESSAGE("cannot be released");
    CHECK_OK(tr_record_test_result(t, ACTOR, NULL, "MILK", "M5", "ph", "7.0", "pH", "6.5", "7.5", "2026-03-01"));
    CHECK_OK(tr_set_quality_status(t, ACTOR, "re-test passed", "MILK", "M5", "released"));
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_set_quality_status(t, ACTOR, "x", "MILK", "M5", "approved"));
    CHECK_MESSAGE("quarantine, released, rejected");
    CHECK_OK(tr_link_certificate(t, ACTOR, NULL, "MILK", "M5", "coa-M5.pdf", sha));
    CHECK_STATUS(TR_ERR_DUPLICATE_NUMBER, tr_link_certificate(t, ACTOR, NULL, "MILK", "M5", "again.pdf", sha));
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_link_certificate(t, ACTOR, NULL, "MILK", "M5", "x.pdf", "abc"));
    CHECK_OK(tr_certificate_of_analysis_json(t, "MILK", "M5", &json));
    CHECK_CONTAINS(json, "\"all_tests_passed\":true");
    check_json(TR_OK, &json, "coa-M5.pdf");
    check_json(tr_lot_quality_json(t, "MILK", "M5", &json), &json, "\"reason\":\"re-test passed\"");
    CHECK_STATUS(TR_ERR_UNKNOWN_LOT, tr_certificate_of_analysis_json(t, "MILK", "M9", &json));
    CHECK(json == NULL);
    /* released, M5 is now the first FEFO candidate */
    check_json(tr_allocate_stock(t, ACTOR, NULL, "MILK", "2", "SO-4", TR_STRATEGY_FEFO, NULL, NULL, NULL, 0, false, &json),
               &json, "\"lot\":\"M5\"");

    /* expiry: shelf life, expiring lots, buckets, inventory by expiry */
    CHECK_OK(tr_shelf_life_remaining_pct(t, "MILK", "M2", NULL, &json));
    CHECK(json != NULL && strcmp(json, "34.44") == 0); /* (2026-04-01 - today) / 90 days */
    tr_string_free(json);
    CHECK_OK(tr_shelf_life_remaining_pct(t, "MILK", "M1", "2026-03-01", &json));
    CHECK(json != NULL && strcmp(json, "0") == 0);
    tr_string_free(json);
    json = (char *)"sentinel";
    CHECK_OK(tr_shelf_life_remaining_pct(t, "MILK", "M6", NULL, &json));
    CHECK(json == NULL); /* no expiry date, no figure */
    {
        uint32_t fortnight = 14;
        CHECK_OK(tr_expiring_lots_json(t, NULL, &fortnight, "MILK", &json));
        CHECK(comes_before(json, "\"lot\":\"M1\"", "\"lot\":\"M5\"") && comes_before(json, "\"lot\":\"M5\"", "\"lot\":\"M3\""));
        CHECK(json != NULL && strstr(json, "\"M4\"") == NULL);
        check_json(TR_OK, &json, "\"days_to_expiry\":-9");
        check_json(tr_expiring_lots_json(t, NULL, NULL, NULL, &json), &json, "[]"); /* no warning windows */
    }
    check_json(tr_expiry_report_json(t, NULL, NULL, &json), &json, "{\"bucket\":\"expired\",\"lots\":1,\"on_hand\":\"10\"");
    check_json(tr_expiry_report_json(t, "2026-12-31", "MILK", &json), &json, "\"as_of\":\"2026-12-31\"");
    CHECK_OK(tr_lot_inventory_by_expiry_json(t, NULL, NULL, &json));
    CHECK(comes_before(json, "\"lot\":\"M1\"", "\"lot\":\"M4\"") && comes_before(json, "\"lot\":\"M4\"", "\"lot\":\"M6\""));
    check_json(TR_OK, &json, "\"bucket\":\"no_expiry\"");

    /* lot dates and active status, one lot and many */
    CHECK_OK(tr_update_lot_dates(t, ACTOR, "supplier correction", "MILK", "M4", "2026-12-01", NULL, "2026-11-01", NULL));
    check_json(tr_lot_json(t, "MILK", "M4", &json), &json, "\"removal\":\"2026-11-01\"");
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_update_lot_dates(t, ACTOR, "x", "MILK", "M4", "2026-02-30", NULL, NULL, NULL));
    CHECK_OK(tr_set_lots_active(t, ACTOR, "withdrawn", inactive, 2, false));
    check_json(tr_lot_json(t, "MILK", "M2", &json), &json, "\"active\":false");
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_set_lots_active(t, ACTOR, "x", &not_a_lot, 1, true));
    CHECK_MESSAGE("lots[0].kind");
    check_json(tr_lot_movements_json(t, "MILK", "M2", &json), &json, "\"order\":\"SO-1\"");
    check_json(tr_lot_inventory_by_location_json(t, "A2", NULL, &json), &json, "\"lot\":\"M6\"");

    /* serials: lookup by full or partial number, history, inventory, allocation */
    CHECK_OK(tr_receive_serials(t, ACTOR, NULL, "PUMP", pumps, 3, "A2", NULL, "PO-9"));
    CHECK_OK(tr_move(t, ACTOR, NULL, &sn100, "A2", "A1", "1", false));
    CHECK_OK(tr_find_serials_json(t, "sn-10", NULL, NULL, &json));
    CHECK(json != NULL && strstr(json, "XSN-1") == NULL);
    check_json(TR_OK, &json, "\"serial\":\"SN-101\"");
    CHECK_OK(tr_find_serials_json(t, "xsn-1", "PUMP", NULL, &json));
    check_json(TR_OK, &json, "\"exact\":true");
    CHECK_OK(tr_find_serials_json(t, NULL, NULL, "IN_INVENTORY", &json));
    CHECK(json != NULL && strstr(json, "SN-101") == NULL);
    check_json(TR_OK, &json, "\"serial\":\"SN-100\"");
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_find_serials_json(t, NULL, NULL, "LOST", &json));
    check_json(tr_allocate_stock(t, ACTOR, NULL, "PUMP", "1", "SO-5", TR_STRATEGY_FIFO, NULL, NULL, NULL, 0, false, &json),
               &json, "\"serial\":\"SN-100\"");
    check_json(tr_serial_history_json(t, "PUMP", "SN-100", &json), &json, "\"to\":\"A1\"");
    check_json(tr_serial_inventory_by_location_json(t, "A1", "PUMP", &json), &json, "\"status\":\"ALLOCATED\"");
    CHECK_STATUS(TR_ERR_UNKNOWN_SERIAL, tr_serial_history_json(t, "PUMP", "SN-404", &json));
    check_json(tr_verify_json(t, &json), &json, "\"verified_events\":");
    tr_tracker_free(t);
}

/* The same log survives a reopen of the SQLite file and verifies. */
static void run_durability(const char *path) {
    tr_tracker *t = NULL;
    long long written;
    remove(path);
    CHECK_OK(tr_tracker_open(path, &t));
    CHECK_OK(tr_tracker_set_time(t, "2026-03-01T08:00:00Z"));
    set_up_master_data(t);
    CHECK_OK(tr_receive_lot(t, ACTOR, NULL, "FLOUR", "L1", "0.1", "DOCK", NULL, NULL, NULL, "2027-01-31", NULL));
    written = event_count(t);
    tr_tracker_free(t);
    t = NULL;
    CHECK_OK(tr_tracker_open(path, &t));
    CHECK(written > 0 && event_count(t) == written);
    CHECK_STATUS(TR_ERR_DUPLICATE_NUMBER, tr_receive_lot(t, ACTOR, NULL, "FLOUR", "L1", "1", "DOCK", NULL, NULL, NULL, NULL, NULL));
    tr_tracker_free(t);
    CHECK_STATUS(TR_ERR_STORAGE, tr_tracker_open("/nonexistent-dir/x/y.db", &t));
    CHECK(t == NULL);
    remove(path);
}

/* The head's hash (64 hex digits) into `hash`, or "" on failure. */
static void head_hash(const tr_tracker *t, char hash[65]) {
    char *json = NULL;
    const char *at;
    hash[0] = '\0';
    if (tr_head_json(t, &json) == TR_OK && (at = strstr(json, "\"hash\":\"")) != NULL) {
        strncpy(hash, at + strlen("\"hash\":\""), 64);
        hash[64] = '\0';
    }
    tr_string_free(json);
}

/* Two trackers on one SQLite file (issue 9): the reader sees the writer's events only
 * after tr_tracker_refresh, and then has read exactly as far (same count, same hash). */
static void run_refresh(const char *path) {
    tr_tracker *writer = NULL, *reader = NULL;
    char *json = NULL;
    char writer_hash[65], reader_hash[65];
    long long seen;
    remove(path);
    CHECK_OK(tr_tracker_open(path, &writer));
    CHECK_OK(tr_tracker_open(path, &reader));
    CHECK_OK(tr_tracker_set_time(writer, "2026-03-01T08:00:00Z"));
    CHECK_OK(tr_tracker_set_time(reader, "2026-03-01T08:00:00Z"));
    set_up_master_data(writer);
    CHECK_OK(tr_receive_lot(writer, ACTOR, NULL, "FLOUR", "L1", "12.5", "DOCK", NULL, NULL, NULL, NULL, NULL));
    /* Stale until refreshed: the lot is unknown and nothing has been read. */
    CHECK(event_count(writer) == 9);
    CHECK(event_count(reader) == 0);
    CHECK_STATUS(TR_ERR_UNKNOWN_LOT, tr_lot_json(reader, "FLOUR", "L1", &json));
    CHECK(json == NULL);
    CHECK_OK(tr_tracker_refresh(reader));
    CHECK(event_count(reader) == event_count(writer));
    head_hash(writer, writer_hash);
    head_hash(reader, reader_hash);
    CHECK(strlen(writer_hash) == 64 && strcmp(writer_hash, reader_hash) == 0);
    check_json(tr_lot_json(reader, "FLOUR", "L1", &json), &json, "\"on_hand\":\"12.5\"");
    /* Nothing new: a refresh changes nothing. */
    seen = event_count(reader);
    CHECK_OK(tr_tracker_refresh(reader));
    CHECK(event_count(reader) == seen);
    /* The other way round: the reader writes (a command reads the log first, so it
     * decides on the current state), the first tracker catches up on refresh. */
    CHECK_OK(tr_adjust(reader, ACTOR, "recount", "FLOUR", "L1", "DOCK", "-2.5"));
    CHECK(event_count(writer) == seen);
    check_json(tr_lot_json(writer, "FLOUR", "L1", &json), &json, "\"on_hand\":\"12.5\"");
    CHECK_OK(tr_tracker_refresh(writer));
    CHECK(event_count(writer) == seen + 1 && event_count(reader) == seen + 1);
    check_json(tr_lot_json(writer, "FLOUR", "L1", &json), &json, "\"on_hand\":\"10"); /* 10 or 10.0 */
    /* The writer, now current, can write again; the reader refreshes inside its command. */
    CHECK_OK(tr_adjust(writer, ACTOR, "recount", "FLOUR", "L1", "DOCK", "1"));
    CHECK_STATUS(TR_ERR_DUPLICATE_NUMBER, tr_receive_lot(reader, ACTOR, NULL, "FLOUR", "L1", "1", "DOCK", NULL, NULL, NULL, NULL, NULL));
    CHECK(event_count(reader) == seen + 2);
    check_json(tr_verify_json(reader, &json), &json, "\"verified_events\":");
    CHECK_STATUS(TR_ERR_NULL_POINTER, tr_tracker_refresh(NULL));
    CHECK_MESSAGE("argument `tracker` is NULL");
    tr_tracker_free(writer);
    tr_tracker_free(reader);
    /* An empty path would be a temporary database that loses everything: refused. */
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_tracker_open("", &writer));
    CHECK(writer == NULL);
    remove(path);
}

/* Every code has its name; the codes of issue 9 included. */
static void run_status_names(void) {
    CHECK(strcmp(tr_status_name(TR_ERR_UNREPLAYABLE), "TR_ERR_UNREPLAYABLE") == 0);
    CHECK(strcmp(tr_status_name(TR_ERR_READ_ONLY), "TR_ERR_READ_ONLY") == 0);
    CHECK(strcmp(tr_status_name(TR_ERR_PANIC), "TR_ERR_PANIC") == 0);
    CHECK(TR_ERR_UNREPLAYABLE == 19 && TR_ERR_READ_ONLY == 20 && TR_ERR_PANIC == 102);
    CHECK(strcmp(tr_status_name(21), "TR_UNKNOWN_STATUS") == 0);
}

/* Workflow fixes: quarantine locations are never allocated (a partial request with
 * nothing eligible reports the whole shortfall), a negative adjustment reads as stock
 * taken out of its location, a product is updated in place, stock moved into a
 * customer's location is delivered to it. */
static void run_workflow_fixes(void) {
    tr_tracker *t = NULL;
    const tr_item q1 = {TR_ITEM_LOT, "FLOUR", "Q1"};
    const tr_item e1 = {TR_ITEM_LOT, "FLOUR", "E1"};
    char *out = NULL;
    CHECK_OK(tr_tracker_new_memory(&t));
    CHECK_OK(tr_tracker_set_time(t, "2026-03-01T08:00:00Z"));
    set_up_master_data(t);
    CHECK_OK(tr_register_location(t, ACTOR, NULL, "QA", "quarantine", NULL));
    CHECK_OK(tr_receive_lot(t, ACTOR, NULL, "FLOUR", "Q1", "10", "DOCK", NULL, NULL, NULL, NULL, NULL));
    CHECK_OK(tr_move(t, ACTOR, NULL, &q1, "DOCK", "QA", "10", false));
    CHECK_STATUS(TR_ERR_INSUFFICIENT_STOCK, tr_allocate_stock(t, ACTOR, NULL, "FLOUR", "1", "SO1",
                                                             TR_STRATEGY_FEFO, NULL, NULL, NULL, 0, false, &out));
    CHECK_OK(tr_allocate_stock(t, ACTOR, NULL, "FLOUR", "4", "SO1", TR_STRATEGY_FEFO, NULL, NULL, NULL, 0, true, &out));
    CHECK_CONTAINS(out, "\"shortfall\":\"4\"");
    CHECK_CONTAINS(out, "\"lines\":[]");
    tr_string_free(out);
    out = NULL;
    CHECK_STATUS(TR_ERR_NOT_USABLE, tr_allocate(t, ACTOR, NULL, "SO2", &q1, "QA", "1"));
    CHECK_OK(tr_adjust(t, ACTOR, "recount", "FLOUR", "Q1", "QA", "-2"));
    CHECK_OK(tr_lot_movements_json(t, "FLOUR", "Q1", &out));
    CHECK_CONTAINS(out, "\"action\":\"adjusted\",\"from\":\"QA\",\"to\":null,\"quantity\":\"2\"");
    tr_string_free(out);
    /* Serials received together are allocated by number, like lots. */
    CHECK_OK(tr_execute_json(t, ACTOR, NULL,
                             "{\"receive_serials\":{\"product\":\"PUMP\",\"serials\":[\"S3\",\"S1\",\"S2\"],"
                             "\"location\":\"STOCK\",\"supplier\":null,\"reference\":null,\"put_away\":true}}"));
    CHECK_OK(tr_allocate_stock(t, ACTOR, NULL, "PUMP", "2", "SO4", TR_STRATEGY_FIFO, NULL, NULL, NULL, 0, false, &out));
    CHECK_CONTAINS(out, "\"serial\":{\"product\":\"PUMP\",\"serial\":\"S1\"}");
    CHECK_CONTAINS(out, "\"serial\":{\"product\":\"PUMP\",\"serial\":\"S2\"}");
    CHECK(strstr(out, "\"S3\"") == NULL);
    tr_string_free(out);
    out = NULL;
    /* A named lot is checked against the order's ship date. */
    CHECK_OK(tr_receive_lot(t, ACTOR, NULL, "FLOUR", "E1", "5", "DOCK", NULL, NULL, NULL, "2026-03-10", NULL));
    CHECK_STATUS(TR_ERR_EXPIRED_LOT,
                 tr_execute_json(t, ACTOR, NULL,
                                 "{\"allocate\":{\"order\":\"SO3\",\"item\":{\"lot\":{\"product\":\"FLOUR\",\"lot\":\"E1\"}},"
                                 "\"location\":null,\"quantity\":\"1\",\"ship_date\":\"2026-03-11\"}}"));
    CHECK_OK(tr_execute_json(t, ACTOR, NULL,
                             "{\"allocate\":{\"order\":\"SO3\",\"item\":{\"lot\":{\"product\":\"FLOUR\",\"lot\":\"E1\"}},"
                             "\"location\":null,\"quantity\":\"1\",\"ship_date\":\"2026-03-10\"}}"));
    /* A product's master data is replaced; its tracking cannot change. */
#define FLOUR_RECORD(tracking)                                                                      \
    "{\"update_product\":{\"id\":\"FLOUR\",\"tracking\":\"" tracking "\",\"description\":\"T55\","         \
    "\"unit\":\"kg\",\"shelf_life_days\":180,\"best_before_days\":null,\"removal_days\":null,"         \
    "\"alert_days\":null,\"expiry_warning_days\":null,\"requires_inspection\":false,"                 \
    "\"numbering_pattern\":null}}"
    CHECK_OK(tr_execute_json(t, ACTOR, "new spec", FLOUR_RECORD("lot")));
    CHECK_OK(tr_query_json(t, "product", "{\"id\":\"FLOUR\"}", &out));
    CHECK_CONTAINS(out, "\"description\":\"T55\"");
    CHECK_CONTAINS(out, "\"shelf_life_days\":180");
    tr_string_free(out);
    out = NULL;
    CHECK_STATUS(TR_ERR_WRONG_TRACKING, tr_execute_json(t, ACTOR, NULL, FLOUR_RECORD("serial")));
#undef FLOUR_RECORD
    /* Stock moved into a customer's location is delivered to that customer. */
    CHECK_OK(tr_execute_json(t, ACTOR, NULL,
                             "{\"register_location\":{\"id\":\"SHOP-1\",\"kind\":\"customer\","
                             "\"description\":\"\",\"party\":\"ACME\"}}"));
    CHECK_OK(tr_move(t, ACTOR, NULL, &e1, "DOCK", "SHOP-1", "2", false));
    CHECK_OK(tr_query_json(t, "shipments", "{}", &out));
    CHECK_CONTAINS(out, "\"id\":\"SHOP-1-1\",\"order\":null,\"customer\":\"ACME\"");
    tr_string_free(out);
    out = NULL;
    CHECK_OK(tr_trace_forward_ids_json(t, &e1, &out));
    CHECK_CONTAINS(out, "\"customers\":[\"ACME\"]");
    tr_string_free(out);
    out = NULL;
    CHECK_OK(tr_register_location(t, ACTOR, NULL, "CUST", "customer", NULL));
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_move(t, ACTOR, NULL, &e1, "DOCK", "CUST", "1", false));
    CHECK_MESSAGE("names no customer");
    tr_tracker_free(t);
}

/* Numbering: a receipt and a production output given no number are numbered from the
 * product's pattern; numbers are previewed and issued ahead of use; a bad pattern is
 * refused with the position. */
static void run_numbering(void) {
    tr_tracker *t = NULL;
    char *out = NULL;
    const tr_item f1 = {TR_ITEM_LOT, "FLOUR", "F1"};
    tr_line consumed[1] = {{f1, "LINE", "5"}};
    tr_output outputs[1] = {{TR_OUTPUT_NEW_LOT, "DOUGH", NULL, "5", "LINE"}};
    CHECK_OK(tr_tracker_new_memory(&t));
    CHECK_OK(tr_tracker_set_time(t, "2026-12-05T08:00:00Z"));
    set_up_master_data(t);
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_define_numbering_scheme(t, ACTOR, NULL, "BAD", "LOT-{XYZ}", NULL));
    CHECK_CONTAINS(tr_last_error_message(), "character 5");
    CHECK_OK(tr_define_numbering_scheme(t, ACTOR, NULL, "JULIAN", "{Y}{DDD}-{SEQ:3:DAILY}", "food lots"));
    CHECK_OK(tr_execute_json(t, ACTOR, NULL,
                             "{\"register_product\":{\"id\":\"DOUGH\",\"description\":\"\",\"tracking\":\"lot\","
                             "\"unit\":\"kg\",\"shelf_life_days\":null,\"best_before_days\":null,\"removal_days\":null,"
                             "\"alert_days\":null,\"expiry_warning_days\":null,\"requires_inspection\":false,"
                             "\"numbering_pattern\":null,\"numbering_scheme\":\"JULIAN\"}}"));
    CHECK_OK(tr_query_json(t, "preview_number", "{\"product\":\"DOUGH\"}", &out));
    CHECK(out != NULL && strcmp(out, "\"6339-001\"") == 0);
    tr_string_free(out);
    CHECK_OK(tr_issue_numbers(t, ACTOR, NULL, "DOUGH", 2, NULL, NULL));
    CHECK_OK(tr_last_numbers_json(t, &out));
    CHECK(out != NULL && strcmp(out, "[\"6339-001\",\"6339-002\"]") == 0);
    tr_string_free(out);
    CHECK_OK(tr_receive_lot(t, ACTOR, NULL, "DOUGH", NULL, "3", "DOCK", NULL, NULL, NULL, NULL, NULL));
    CHECK_OK(tr_last_numbers_json(t, &out));
    CHECK(out != NULL && strcmp(out, "[\"6339-003\"]") == 0);
    tr_string_free(out);
    CHECK_OK(tr_receive_lot(t, ACTOR, NULL, "FLOUR", "F1", "50", "LINE", NULL, NULL, NULL, NULL, NULL));
    CHECK_OK(tr_last_numbers_json(t, &out));
    CHECK(out != NULL && strcmp(out, "[]") == 0);
    tr_string_free(out);
    CHECK_OK(tr_produce(t, ACTOR, NULL, "WO1", consumed, 1, outputs, 1, NULL, false));
    CHECK_OK(tr_last_numbers_json(t, &out));
    CHECK(out != NULL && strcmp(out, "[\"6339-004\"]") == 0);
    tr_string_free(out);
    CHECK_OK(tr_query_json(t, "lot", "{\"product\":\"DOUGH\",\"lot\":\"6339-004\"}", &out));
    CHECK_CONTAINS(out, "\"manufactured_on\":\"2026-12-05\"");
    tr_string_free(out);
    CHECK_OK(tr_query_json(t, "numbering_schemes", "{}", &out));
    CHECK_CONTAINS(out, "\"pattern\":\"{Y}{DDD}-{SEQ:3:DAILY}\"");
    tr_string_free(out);
    /* FLOUR has no scheme: a lot must be named. */
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_receive_lot(t, ACTOR, NULL, "FLOUR", NULL, "1", "DOCK", NULL, NULL, NULL,
                                                      NULL, NULL));
    CHECK_STATUS(TR_ERR_NULL_POINTER, tr_last_numbers_json(t, NULL));
    tr_tracker_free(t);
}

/* Stops an import once it reports progress. */
static int stop_import(uint64_t rows, void *user_data) {
    *(uint64_t *)user_data = rows;
    return 1;
}

/* Lot records and CSV: a record without stock, an import whose bad rows are all
 * reported, the valid rows stored, a stopped import, and an export. */
static void run_csv(void) {
    tr_tracker *t = NULL;
    char *out = NULL;
    uint64_t seen = 0;
    const char *rows = "Number,Product,Expiry Date,Qty,Location,Status\n"
                       "C1,FLOUR,2026-09-01,40,DOCK,Active\n"
                       "C2,NOPE,,1,DOCK,\n"
                       "C3,FLOUR,31/12/2026,1,DOCK,\n"
                       "C4,FLOUR,,,,Inactive\n";
    CHECK_OK(tr_tracker_new_memory(&t));
    CHECK_OK(tr_tracker_set_time(t, "2026-03-01T08:00:00Z"));
    set_up_master_data(t);
    CHECK_OK(tr_execute_json(t, ACTOR, NULL,
                             "{\"create_lot\":{\"spec\":{\"product\":\"FLOUR\",\"lot\":\"R1\",\"manufactured_on\":null,"
                             "\"dates\":{},\"weight\":\"12.5\",\"description\":\"record\",\"supplier_lot\":null,"
                             "\"attributes\":{}}}}"));
    CHECK_OK(tr_execute_json(t, ACTOR, NULL,
                             "{\"update_lot\":{\"lot\":{\"product\":\"FLOUR\",\"lot\":\"R1\"},"
                             "\"description\":\"updated record\",\"attributes\":{\"origin\":\"Beauce\"}}}"));
    CHECK_OK(tr_lot_json(t, "FLOUR", "R1", &out));
    CHECK_CONTAINS(out, "\"stock\":[]");
    CHECK_CONTAINS(out, "\"weight\":\"12.5\"");
    CHECK_CONTAINS(out, "\"description\":\"updated record\"");
    CHECK_CONTAINS(out, "\"attributes\":{\"origin\":\"Beauce\"}");
    tr_string_free(out);

    CHECK_OK(tr_import_csv(t, ACTOR, NULL, rows, "{\"kind\":\"lots\"}", NULL, NULL, &out));
    CHECK_CONTAINS(out, "\"rows\":4,\"valid\":2");
    CHECK_CONTAINS(out, "{\"line\":3,\"column\":\"product\",\"value\":\"NOPE\",\"kind\":\"UnknownProduct\"");
    CHECK_CONTAINS(out, "{\"line\":4,\"column\":\"expiry_date\",\"value\":\"31/12/2026\",\"kind\":\"InvalidInput\"");
    CHECK_CONTAINS(out, "\"committed\":null");
    tr_string_free(out);
    CHECK_STATUS(TR_ERR_UNKNOWN_LOT, tr_lot_json(t, "FLOUR", "C1", &out)); /* all or nothing */

    CHECK_OK(tr_import_csv(t, ACTOR, NULL, rows, "{\"kind\":\"lots\",\"mode\":\"valid_rows\"}", stop_import, &seen,
                           &out));
    CHECK(seen == 3); /* the rows that parse are validated */
    CHECK_CONTAINS(out, "\"stopped\":true");
    CHECK_CONTAINS(out, "\"committed\":null");
    tr_string_free(out);
    CHECK_OK(tr_import_csv(t, ACTOR, NULL, rows, "{\"kind\":\"lots\",\"mode\":\"valid_rows\"}", NULL, NULL, &out));
    CHECK_CONTAINS(out, "\"committed\":{\"first_seq\":");
    tr_string_free(out);
    CHECK_OK(tr_query_json(t, "export_csv", "{\"kind\":\"lots\",\"as_of\":\"2026-03-01\"}", &out));
    CHECK_CONTAINS(out, "C1,FLOUR,2026-03-01,,2026-09-01,,,,,,Active,40,DOCK,,,");
    CHECK_CONTAINS(out, "C4,FLOUR,2026-03-01,,2027-03-01,,,,,,Inactive,,,,,");
    tr_string_free(out);
    CHECK_OK(tr_query_json(t, "lots_by_status", "{\"status\":\"inactive\",\"as_of\":\"2026-03-01\"}", &out));
    CHECK_CONTAINS(out, "{\"product\":\"FLOUR\",\"lot\":\"C4\",\"status\":\"inactive\",\"reason\":\"retired\"");
    tr_string_free(out);
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_import_csv(t, ACTOR, NULL, "number,colour\n", "{\"kind\":\"lots\"}", NULL,
                                                     NULL, &out));
    CHECK(out == NULL);
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_import_csv(t, ACTOR, NULL, rows, "{\"kind\":\"pallets\"}", NULL, NULL, &out));
    tr_tracker_free(t);
}

/* GS1 barcode data through the catalog: a scan with an AIM prefix and FNC1, a Digital
 * Link, and a bad check digit named by position and AI. */
static void run_barcodes(void) {
    tr_tracker *t = NULL;
    char *out = NULL;
    CHECK_OK(tr_tracker_new_memory(&t));
    CHECK_OK(tr_tracker_set_time(t, "2026-03-01T08:00:00Z"));
    CHECK_OK(tr_query_json(t, "parse_barcode", "{\"text\":\"]C101095060001343521726123110ABC123\\u001d3103000750\"}",
                           &out));
    CHECK_CONTAINS(out, "{\"ai\":\"17\",\"title\":");
    CHECK_CONTAINS(out, "\"date\":\"2026-12-31\"");
    CHECK_CONTAINS(out, "\"decimal\":\"0.75\"");
    tr_string_free(out);
    CHECK_OK(tr_query_json(t, "digital_link", "{\"text\":\"(01)09506000134352(10)ABC123\"}", &out));
    CHECK(out != NULL && strcmp(out, "\"https://id.gs1.org/01/09506000134352/10/ABC123\"") == 0);
    tr_string_free(out);
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_query_json(t, "parse_barcode", "{\"text\":\"(01)09506000134353\"}", &out));
    CHECK_CONTAINS(tr_last_error_message(), "AI (01)");
    tr_tracker_free(t);
}

/* GS1 keys on master data, then corrections: a shipment, a receipt and a production
 * reversed; a lot split (numbered from the scheme) and merged back; an assembly
 * unbuilt. Each needs a reason and changes nothing when refused. */
static void run_corrections(void) {
    tr_tracker *t = NULL;
    char *out = NULL;
    const tr_item l1 = {TR_ITEM_LOT, "FLOUR", "L1"};
    const tr_item l2 = {TR_ITEM_LOT, "FLOUR", "L2"};
    const char *merged[] = {"S-001"};
    CHECK_OK(tr_tracker_new_memory(&t));
    CHECK_OK(tr_tracker_set_time(t, "2026-03-01T08:00:00Z"));
    set_up_master_data(t);
    CHECK_OK(tr_execute_json(t, ACTOR, NULL,
                             "{\"register_product\":{\"id\":\"SALT\",\"tracking\":\"lot\",\"description\":\"\","
                             "\"unit\":\"kg\",\"requires_inspection\":false,\"numbering_pattern\":\"S-{SEQ:3}\","
                             "\"gtins\":[\"4006381333931\"]}}"));
    check_json(tr_query_json(t, "product", "{\"id\":\"SALT\"}", &out), &out, "\"gtins\":[\"04006381333931\"]");
    CHECK_STATUS(TR_ERR_INVALID_INPUT,
                 tr_execute_json(t, ACTOR, NULL,
                                 "{\"register_location\":{\"id\":\"DC1\",\"kind\":\"internal\",\"description\":\"\","
                                 "\"gln\":\"9521141123455\"}}"));
    CHECK_OK(tr_execute_json(t, ACTOR, NULL,
                             "{\"register_location\":{\"id\":\"DC1\",\"kind\":\"internal\",\"description\":\"\","
                             "\"gln\":\"9521141123454\"}}"));

    /* Scanning: a label resolved by GTIN becomes the receipt it stands for. */
    CHECK_OK(tr_query_json(t, "scan_command",
                           "{\"text\":\"(01)04006381333931(17)261231(10)S-777(30)3\",\"action\":\"receive\","
                           "\"location\":\"DOCK\"}",
                           &out));
    CHECK_OK(tr_execute_json(t, ACTOR, NULL, out));
    tr_string_free(out);
    out = NULL;
    check_json(tr_lot_json(t, "SALT", "S-777", &out), &out, "\"expiry\":\"2026-12-31\"");
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_query_json(t, "scan", "{\"text\":\"(01)04012345000009(10)X\"}", &out));
    CHECK_MESSAGE("belongs to no registered product");
    /* A supplier's EPCIS document: its shipment of SALT lot S-EP1 becomes our receipt. */
    CHECK_OK(tr_query_json(
        t, "epcis_import_commands",
        "{\"location\":\"DOCK\",\"document\":\"{\\\"type\\\":\\\"EPCISDocument\\\",\\\"schemaVersion\\\":\\\"2.0\\\","
        "\\\"creationDate\\\":\\\"2026-02-27T15:00:00Z\\\",\\\"epcisBody\\\":{\\\"eventList\\\":[{\\\"type\\\":"
        "\\\"ObjectEvent\\\",\\\"eventTime\\\":\\\"2026-02-27T10:00:00Z\\\",\\\"eventTimeZoneOffset\\\":\\\"+00:00\\\","
        "\\\"action\\\":\\\"OBSERVE\\\",\\\"bizStep\\\":\\\"shipping\\\",\\\"quantityList\\\":[{\\\"epcClass\\\":"
        "\\\"https://id.gs1.org/01/04006381333931/10/S-EP1\\\",\\\"quantity\\\":7}]}]}}\"}",
        &out));
    CHECK_CONTAINS(out, "\"receive_lot\"");
    CHECK_OK(tr_execute_batch_json(t, ACTOR, "supplier EPCIS", out));
    tr_string_free(out);
    out = NULL;
    check_json(tr_lot_json(t, "SALT", "S-EP1", &out), &out, "\"on_hand\":\"7\"");

    CHECK_OK(tr_receive_lot(t, ACTOR, NULL, "FLOUR", "L1", "10", "DOCK", NULL, NULL, NULL, NULL, NULL));
    CHECK_OK(tr_allocate(t, ACTOR, NULL, "SO1", &l1, NULL, "4"));
    CHECK_OK(tr_pick(t, ACTOR, NULL, "SO1", &l1, "4"));
    CHECK_OK(tr_ship(t, ACTOR, NULL, "SH1", "SO1", "ACME", NULL, false));
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_reverse_shipment(t, ACTOR, NULL, "SH1"));
    CHECK_OK(tr_reverse_shipment(t, ACTOR, "posted by mistake", "SH1"));
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_reverse_shipment(t, ACTOR, "again", "SH1"));
    check_json(tr_trace_forward_json(t, &l1, &out), &out, "\"reversed\":true}],\"customers\":[]");
    check_json(tr_lot_json(t, "FLOUR", "L1", &out), &out, "\"on_hand\":\"10\"");

    CHECK_OK(tr_receive_lot(t, ACTOR, NULL, "FLOUR", "L2", "3", "DOCK", NULL, NULL, NULL, NULL, NULL));
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_reverse_receipt(t, ACTOR, "wrong lot", NULL, 0));
    CHECK_OK(tr_reverse_receipt(t, ACTOR, "wrong lot", &l2, 1));
    check_json(tr_lot_json(t, "FLOUR", "L2", &out), &out, "\"stock\":[]");

    CHECK_OK(tr_receive_lot(t, ACTOR, NULL, "SALT", "S-900", "5", "DOCK", NULL, NULL, NULL, NULL, NULL));
    CHECK_STATUS(TR_ERR_INSUFFICIENT_STOCK, tr_split_lot(t, ACTOR, "repack", "SALT", "S-900", "DOCK", "6", NULL));
    CHECK_OK(tr_split_lot(t, ACTOR, "repack", "SALT", "S-900", "DOCK", "2", NULL));
    check_json(tr_last_numbers_json(t, &out), &out, "S-001");
    CHECK_STATUS(TR_ERR_DUPLICATE_NUMBER, tr_merge_lots(t, ACTOR, "back", "SALT", merged, 1, "S-001", "DOCK"));
    CHECK_OK(tr_merge_lots(t, ACTOR, "back", "SALT", merged, 1, "S-900", "DOCK"));
    check_json(tr_lot_json(t, "SALT", "S-900", &out), &out, "\"on_hand\":\"5\"");

    CHECK_OK(tr_execute_json(t, ACTOR, NULL,
                             "{\"produce\":{\"work_order\":\"WO1\",\"consumed\":[{\"item\":{\"lot\":{\"product\":\"FLOUR\","
                             "\"lot\":\"L1\"}},\"location\":\"DOCK\",\"quantity\":\"2\"}],\"outputs\":[{\"new_serial\":{"
                             "\"product\":\"PUMP\",\"serial\":\"PX\",\"location\":\"LINE\"}}],\"produced_on\":null,"
                             "\"override_expiry\":false}}"));
    CHECK_OK(tr_unbuild(t, ACTOR, "teardown", "PUMP", "PX", "STOCK"));
    check_json(tr_serial_json(t, "PUMP", "PX", &out), &out, "\"status\":\"CONSUMED\"");
    check_json(tr_lot_json(t, "FLOUR", "L1", &out), &out, "\"location\":\"STOCK\",\"on_hand\":\"2\"");
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_reverse_production(t, ACTOR, "undo", "WO1"));
    CHECK_OK(tr_execute_json(t, ACTOR, NULL,
                             "{\"produce\":{\"work_order\":\"WO2\",\"consumed\":[{\"item\":{\"lot\":{\"product\":\"FLOUR\","
                             "\"lot\":\"L1\"}},\"location\":\"DOCK\",\"quantity\":\"3\"}],\"outputs\":[{\"new_lot\":{"
                             "\"spec\":{\"product\":\"BREAD\",\"lot\":\"B9\",\"manufactured_on\":null,\"dates\":{},"
                             "\"weight\":null,\"description\":\"\",\"supplier_lot\":null,\"attributes\":{}},"
                             "\"quantity\":\"6\",\"location\":\"LINE\"}}],\"produced_on\":null,\"override_expiry\":false}}"));
    CHECK_OK(tr_reverse_production(t, ACTOR, "undo", "WO2"));
    check_json(tr_lot_json(t, "BREAD", "B9", &out), &out, "\"active\":false");
    {
        /* the reversed production no longer links B9 to its flour */
        const tr_item b9 = {TR_ITEM_LOT, "BREAD", "B9"};
        check_json(tr_trace_backward_ids_json(t, &b9, &out), &out,
                   "\"items\":[{\"lot\":{\"product\":\"BREAD\",\"lot\":\"B9\"}}]");
    }
    tr_tracker_free(t);
}

/* After the sale, through the JSON entry points: a warranty, a shipped pump, a claim
 * decided and closed, an RMA received and restocked; then the EPCIS 2.0 export and the
 * FSMA 204 rows of the log. */
static void run_after_sale(void) {
    tr_tracker *t = NULL;
    char *out = NULL;
    const tr_item sn1 = {TR_ITEM_SERIAL, "PUMP", "SN1"};
    CHECK_OK(tr_tracker_new_memory(&t));
    CHECK_OK(tr_tracker_set_time(t, "2026-03-01T08:00:00Z"));
    set_up_master_data(t);
    CHECK_OK(tr_execute_json(t, ACTOR, NULL,
                             "{\"define_warranty\":{\"product\":\"PUMP\",\"months\":24,\"starts\":\"shipment\"}}"));
    CHECK_STATUS(TR_ERR_INVALID_INPUT,
                 tr_execute_json(t, ACTOR, NULL,
                                 "{\"define_warranty\":{\"product\":\"PUMP\",\"months\":0,\"starts\":\"shipment\"}}"));
    CHECK_OK(tr_execute_json(t, ACTOR, NULL,
                             "{\"receive_serials\":{\"product\":\"PUMP\",\"serials\":[\"SN1\"],\"location\":\"STOCK\","
                             "\"supplier\":null,\"reference\":null,\"put_away\":true}}"));
    CHECK_OK(tr_allocate(t, ACTOR, NULL, "SO1", &sn1, NULL, "1"));
    CHECK_OK(tr_pick(t, ACTOR, NULL, "SO1", &sn1, "1"));
    CHECK_OK(tr_ship(t, ACTOR, NULL, "SH1", "SO1", "ACME", NULL, false));
    check_json(tr_query_json(t, "warranty_status", "{\"product\":\"PUMP\",\"serial\":\"SN1\",\"on\":\"2027-01-01\"}", &out),
               &out, "\"in_warranty\":true");
    CHECK_OK(tr_execute_json(t, ACTOR, NULL,
                             "{\"open_claim\":{\"claim\":\"CL1\",\"product\":\"PUMP\",\"serial\":\"SN1\","
                             "\"description\":\"noisy\",\"amount\":\"80\"}}"));
    CHECK_STATUS(TR_ERR_INVALID_INPUT,
                 tr_execute_json(t, ACTOR, NULL, "{\"decide_claim\":{\"claim\":\"CL1\",\"approve\":true}}"));
    CHECK_OK(tr_execute_json(t, ACTOR, "bearing defect", "{\"decide_claim\":{\"claim\":\"CL1\",\"approve\":true}}"));
    CHECK_OK(tr_execute_json(t, ACTOR, NULL, "{\"close_claim\":{\"claim\":\"CL1\"}}"));
    check_json(tr_query_json(t, "claims", "{}", &out), &out, "\"status\":\"closed\"");
    CHECK_OK(tr_execute_json(t, ACTOR, NULL,
                             "{\"define_return_reason\":{\"code\":\"DOA\",\"description\":\"dead on arrival\"}}"));
    CHECK_OK(tr_execute_json(t, ACTOR, NULL,
                             "{\"authorize_return\":{\"rma\":\"RMA1\",\"customer\":\"ACME\",\"reason\":\"DOA\","
                             "\"items\":[[{\"serial\":{\"product\":\"PUMP\",\"serial\":\"SN1\"}},\"1\"]]}}"));
    CHECK_OK(tr_return(t, ACTOR, NULL, "RMA1", "ACME", &sn1, "DOCK", "1", false));
    CHECK_OK(tr_execute_json(t, ACTOR, NULL,
                             "{\"dispose_return\":{\"rma\":\"RMA1\",\"item\":{\"serial\":{\"product\":\"PUMP\","
                             "\"serial\":\"SN1\"}},\"location\":\"DOCK\",\"quantity\":\"1\",\"disposition\":\"restock\","
                             "\"to\":\"STOCK\"}}"));
    check_json(tr_serial_json(t, "PUMP", "SN1", &out), &out, "\"status\":\"IN_INVENTORY\"");
    check_json(tr_query_json(t, "returns_by_reason", "{}", &out), &out, "\"received\":\"1\"");
    check_json(tr_query_json(t, "epcis_export", "{}", &out), &out, "\"type\":\"EPCISDocument\"");
    /* Packing into a pallet (SSCC) is an EPCIS AggregationEvent; the query shows it. */
    CHECK_OK(tr_execute_json(t, ACTOR, NULL,
                             "{\"pack\":{\"container\":\"106141411234567897\",\"location\":\"STOCK\","
                             "\"contents\":[{\"item\":{\"serial\":{\"product\":\"PUMP\",\"serial\":\"SN1\"}},"
                             "\"quantity\":\"1\"}]}}"));
    check_json(tr_query_json(t, "container", "{\"id\":\"106141411234567897\"}", &out), &out,
               "\"unpacked_on\":null");
    CHECK_STATUS(TR_ERR_INVALID_INPUT,
                 tr_execute_json(t, ACTOR, NULL,
                                 "{\"pack\":{\"container\":\"LPN-2\",\"location\":\"STOCK\",\"contents\":[{"
                                 "\"item\":{\"serial\":{\"product\":\"PUMP\",\"serial\":\"SN1\"}},\"quantity\":\"1\"}]}}"));
    CHECK_MESSAGE("already packed");
    check_json(tr_query_json(t, "epcis_export", "{}", &out), &out,
               "\"type\":\"AggregationEvent\"");
    /* FSMA 204 records lots (traceability lot codes); this log moved serials only. */
    check_json(tr_query_json(t, "fsma204", "{}", &out), &out, "[]");
    CHECK_OK(tr_receive_lot(t, ACTOR, NULL, "FLOUR", "L7", "5", "DOCK", "MILL", NULL, NULL, NULL, "PO-7"));
    check_json(tr_query_json(t, "fsma204", "{}", &out), &out, "\"cte\":\"receiving\",\"date\":\"2026-03-01\",\"traceability_lot_code\":\"L7\"");
    /* A returned lot quantity is held until disposed of; `release` skips the hold. */
    const tr_item l7 = {TR_ITEM_LOT, "FLOUR", "L7"};
    CHECK_OK(tr_allocate(t, ACTOR, NULL, "SO2", &l7, "DOCK", "5"));
    CHECK_OK(tr_pick(t, ACTOR, NULL, "SO2", &l7, "5"));
    CHECK_OK(tr_ship(t, ACTOR, NULL, "SH2", "SO2", "ACME", NULL, false));
    CHECK_OK(tr_return(t, ACTOR, NULL, "RMA2", "ACME", &l7, "DOCK", "2", false));
    CHECK_OK(tr_return(t, ACTOR, NULL, "RMA3", "ACME", &l7, "DOCK", "1", true));
    check_json(tr_lot_json(t, "FLOUR", "L7", &out), &out, "\"on_hand\":\"3\",\"reserved\":\"0\",\"held\":\"2\"");
    CHECK_STATUS(TR_ERR_INSUFFICIENT_STOCK, tr_allocate(t, ACTOR, NULL, "SO3", &l7, "DOCK", "2"));
    CHECK_OK(tr_execute_json(t, ACTOR, "torn bags",
                             "{\"dispose_return\":{\"rma\":\"RMA2\",\"item\":{\"lot\":{\"product\":\"FLOUR\","
                             "\"lot\":\"L7\"}},\"location\":\"DOCK\",\"quantity\":\"2\",\"disposition\":\"scrap\"}}"));
    check_json(tr_lot_json(t, "FLOUR", "L7", &out), &out, "\"on_hand\":\"1\",\"reserved\":\"0\",\"held\":\"0\"");
    tr_tracker_free(t);
}

/* Compliance: a batch record with an out-of-limit parameter, signed as performed and
 * approved; a later parameter invalidating both signatures; the device history record
 * of the bread; a non-conformance with a containment hold and a CAPA resolving a
 * recall. Refusals change nothing. */
static void run_compliance(void) {
    tr_tracker *t = NULL;
    char *out = NULL;
    long long before;
    const tr_item l1 = {TR_ITEM_LOT, "FLOUR", "L1"};
    const tr_item contained[2] = {{TR_ITEM_LOT, "FLOUR", "L1"}, {TR_ITEM_LOT, "BREAD", "B1"}};
    const char *batch = "{\"work_order\":\"WO-1\"}";
    const char *sigs = "{\"record\":{\"kind\":\"batch_record\",\"id\":\"WO-1\"}}";
    const char *bread = "{\"item\":{\"lot\":{\"product\":\"BREAD\",\"lot\":\"B1\"}}}";
    tr_line consumed[1];
    tr_output outputs[1];
    CHECK_OK(tr_tracker_new_memory(&t));
    CHECK_OK(tr_tracker_set_time(t, "2026-03-01T08:00:00Z"));
    set_up_master_data(t);
    CHECK_OK(tr_receive_lot(t, ACTOR, NULL, "FLOUR", "L1", "10", "DOCK", "MILL", NULL, NULL, NULL, NULL));
    CHECK_OK(tr_record_batch_parameter(t, "op.ben", NULL, "WO-1", "oven_temperature", "190", "C", "175", "185"));
    CHECK_OK(tr_record_batch_step(t, "op.ben", NULL, "WO-1", "baking", "OVEN-1", "op.ben", NULL,
                                  "2026-03-01T06:00:00Z", "2026-03-01T06:40:00Z", "rack 3"));
    before = event_count(t);
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_record_batch_step(t, "op.ben", NULL, "WO-1", "baking", NULL, "op.ben",
                                                            NULL, "yesterday", NULL, NULL));
    CHECK_MESSAGE("started_at");
    CHECK_STATUS(TR_ERR_INVALID_INPUT,
                 tr_record_batch_parameter(t, "op.ben", NULL, "WO-1", "ph", "7", NULL, "8", "6"));
    CHECK(event_count(t) == before);
    consumed[0].item = l1;
    consumed[0].location = "DOCK";
    consumed[0].quantity = "8";
    outputs[0].kind = TR_OUTPUT_NEW_LOT;
    outputs[0].product = "BREAD";
    outputs[0].number = "B1";
    outputs[0].quantity = "40";
    outputs[0].location = "STOCK";
    CHECK_OK(tr_produce(t, "op.ben", NULL, "WO-1", consumed, 1, outputs, 1, NULL, false));

    CHECK_OK(tr_sign_record(t, "op.ben", "baked as recorded", "batch_record", "WO-1", "performed", "op.ben"));
    CHECK_OK(tr_sign_record(t, "qa.lee", "deviation accepted", "batch_record", "WO-1", "approved", "qa.lee"));
    CHECK_STATUS(TR_ERR_DUPLICATE_NUMBER,
                 tr_sign_record(t, "qa.lee", NULL, "batch_record", "WO-1", "approved", "qa.lee"));
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_sign_record(t, "qa.lee", NULL, "recipe", "WO-1", "approved", "qa.lee"));
    CHECK_MESSAGE("record_kind");
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_sign_record(t, "qa.lee", NULL, "capa", "CAPA-9", "approved", "qa.lee"));
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_sign_record(t, "qa.lee", NULL, "batch_record", "WO-1", "blessed", "qa.lee"));
    check_json(tr_query_json(t, "batch_record", batch, &out), &out, "\"out_of_limits\":[\"oven_temperature\"]");
    check_json(tr_query_json(t, "batch_record", batch, &out), &out, "\"equipment\":[\"OVEN-1\"]");
    check_json(tr_query_json(t, "signatures", sigs, &out), &out, "\"signer\":\"qa.lee\"");
    check_json(tr_query_json(t, "signatures", sigs, &out), &out, "\"valid\":true,\"note\":null}]");
    check_json(tr_query_json(t, "batch_record_markdown", batch, &out), &out, "**out of limits**");
    CHECK_OK(tr_record_batch_parameter(t, "op.ben", NULL, "WO-1", "oven_temperature", "182", "C", "175", "185"));
    check_json(tr_query_json(t, "signatures", sigs, &out), &out,
               "\"valid\":false,\"note\":\"record changed since signing\"}]");
    check_json(tr_query_json(t, "device_history_record", bread, &out), &out, "\"work_order\":\"WO-1\"");
    check_json(tr_query_json(t, "device_history_record_markdown", bread, &out), &out,
               "# Device history record: lot BREAD/B1");

    CHECK_OK(tr_recall_as(t, "qa", "metal in flour", "RC-1", &l1, 1, false, &out));
    tr_string_free(out);
    out = NULL;
    before = event_count(t);
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_open_nonconformance(t, "qa", NULL, "NC-1", "metal in flour", "critical",
                                                              contained, 2, NULL, "RC-1", true));
    CHECK_MESSAGE("needs a reason");
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_open_nonconformance(t, "qa", "x", "NC-1", "metal in flour", "fatal",
                                                              contained, 2, NULL, "RC-1", true));
    CHECK(event_count(t) == before);
    CHECK_OK(tr_open_nonconformance(t, "qa", "contain it", "NC-1", "metal in flour", "critical", contained, 2,
                                    "WO-1", "RC-1", true));
    CHECK(event_count(t) == before + 2);
    check_json(tr_lot_json(t, "BREAD", "B1", &out), &out, "\"on_hold\":true");
    CHECK_OK(tr_add_corrective_action(t, "qa", NULL, "CAPA-1", "corrective", "replace the sieve", "maint.dan",
                                      "2026-03-10", "NC-1", "RC-1"));
    CHECK_STATUS(TR_ERR_DUPLICATE_NUMBER, tr_add_corrective_action(t, "qa", NULL, "CAPA-1", "corrective", "again",
                                                                   "maint.dan", "2026-03-10", NULL, NULL));
    check_json(tr_query_json(t, "open_capas", "{\"as_of\":\"2026-03-15\"}", &out), &out, "\"overdue\":true");
    check_json(tr_query_json(t, "recall_history", "{}", &out), &out, "\"resolved\":false");
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_close_nonconformance(t, "qa", NULL, "NC-1", "sieve replaced"));
    CHECK_MESSAGE("open CAPAs: CAPA-1");
    CHECK_OK(tr_complete_corrective_action(t, "maint.dan", NULL, "CAPA-1", "sieve replaced, three clean batches"));
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_complete_corrective_action(t, "maint.dan", NULL, "CAPA-1", "again"));
    check_json(tr_query_json(t, "recall_history", "{}", &out), &out, "\"resolved\":true");
    check_json(tr_query_json(t, "capa", "{\"id\":\"CAPA-1\"}", &out), &out, "\"overdue\":false");
    CHECK_OK(tr_close_nonconformance(t, "qa", NULL, "NC-1", "flour returned to the mill"));
    check_json(tr_query_json(t, "open_nonconformances", "{}", &out), &out, "[]");
    check_json(tr_query_json(t, "nonconformance", "{\"id\":\"NC-1\"}", &out), &out,
               "\"closed\":{\"text\":\"flour returned to the mill\"");
    CHECK_OK(tr_sign_record(t, "qa.lee", NULL, "nonconformance", "NC-1", "approved", "qa.lee"));
    check_json(tr_query_json(t, "nonconformance", "{\"id\":\"NC-1\"}", &out), &out, "\"valid\":true");
    tr_tracker_free(t);
}

int main(int argc, char **argv) {
    tr_tracker *t = NULL;
    char version[32];
    sprintf(version, "%d.%d.%d", TR_VERSION_MAJOR, TR_VERSION_MINOR, TR_VERSION_PATCH);
    CHECK(strcmp(tr_version(), version) == 0);

    CHECK_OK(tr_tracker_new_memory(&t));
    CHECK(t != NULL);
    CHECK_OK(tr_tracker_set_time(t, "2026-03-01T08:00:00Z"));
    run_scenario(t);
    CHECK(event_count(t) == 29);
    run_error_paths(t);
    tr_tracker_free(t);
    tr_tracker_free(NULL);
    run_allocation_and_quality();
    run_durability(argc > 1 ? argv[1] : "scenario-test.db");
    run_refresh(argc > 1 ? argv[1] : "scenario-test.db");
    run_status_names();
    run_workflow_fixes();
    run_numbering();
    run_csv();
    run_barcodes();
    run_corrections();
    run_after_sale();
    run_compliance();
    return CHECKS_REPORT();
}
