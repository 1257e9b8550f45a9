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
    CHECK_OK(tr_return(t, ACTOR, NULL, "RMA-1", "ACME", &PUMP_SN1, "DOCK", "1"));
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
    check_json(tr_lot_json(t, "FLOUR", "L1", &json), &json, "\"on_hand\":\"60.30\"");
    /* history and audit */
    check_json(tr_history_json(t, &FLOUR_L1, &json), &json, "\"work_order\":\"WO-1\"");
    check_json(tr_history_json(t, &PUMP_SN1, &json), &json, "\"actor\":\"ana\"");
    check_json(tr_location_history_json(t, "STOCK", &json), &json, "\"seq\":");
    check_json(tr_events_json(t, 0, &json), &json, "\"recorded_at\":\"2026-03-01T08:00:00Z\"");
    check_json(tr_events_json(t, 1000000, &json), &json, "[]");
    check_json(tr_head_json(t, &json), &json, "\"event_count\":");
    check_json(tr_verify_json(t, &json), &json, "\"verified_events\":");
}

/* The head's event count, or -1. */
static long event_count(const tr_tracker *t) {
    char *json = NULL;
    long count = -1;
    if (tr_head_json(t, &json) == TR_OK) {
        const char *at = strstr(json, "\"event_count\":");
        if (at != NULL) count = strtol(at + strlen("\"event_count\":"), NULL, 10);
    }
    tr_string_free(json);
    return count;
}

static void run_error_paths(tr_tracker *t) {
    char *json = (char *)"sentinel";
    long before = event_count(t);
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
    CHECK_MESSAGE("requested 1000, available 60.30");
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

/* The same log survives a reopen of the SQLite file and verifies. */
static void run_durability(const char *path) {
    tr_tracker *t = NULL;
    long written;
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
    run_durability(argc > 1 ? argv[1] : "scenario-test.db");
    return CHECKS_REPORT();
}
