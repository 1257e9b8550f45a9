/* Hostile but plausible input through the C ABI (issue 9): identifiers with control
 * characters, NUL (through JSON) or a megabyte of text; quantities beyond the limits or
 * finer than they allow; absurd shelf lives and dates; invalid UTF-8; impossible array
 * lengths and enum values; deep JSON.
 *
 * Every refused call is checked four ways (CHECK_REFUSED): it never returns
 * TR_ERR_PANIC, it returns the expected typed status, it explains itself in
 * tr_last_error_message(), and the tracker's state is unchanged afterwards (its head --
 * event count and hash -- and the JSON of its lots and stock are byte-identical before
 * and after). Every case checks the same number of times whatever the outcome, so the
 * check count run.sh expects does not depend on which cases pass.
 *
 * Usage: hostile <path of a scratch SQLite file> */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"

#define ACTOR "ana"

static const tr_item FLOUR_L1 = {TR_ITEM_LOT, "FLOUR", "L1"};

/* Appends `part` (or "<status name>" when the query failed) to the malloc'ed `*text`. */
static void append(char **text, tr_status status, char *part) {
    const char *piece = status == TR_OK && part != NULL ? part : tr_status_name(status);
    size_t old = *text == NULL ? 0 : strlen(*text);
    char *grown = (char *)realloc(*text, old + strlen(piece) + 2);
    if (grown != NULL) {
        if (old == 0) grown[0] = '\0';
        strcat(grown, piece);
        strcat(grown, "\n");
        *text = grown;
    }
    tr_string_free(part);
}

/* Everything observable about the tracker that a refused call must leave alone: the
 * head (event count and hash), the witness lot FLOUR/L1, the stock of every lot and
 * serial per location, and the expiry report. Malloc'ed; the caller frees it. */
static char *snapshot(tr_tracker *t) {
    char *text = NULL, *part = NULL;
    tr_status s;
    s = tr_head_json(t, &part);
    append(&text, s, part);
    part = NULL;
    s = tr_lot_json(t, "FLOUR", "L1", &part);
    append(&text, s, part);
    part = NULL;
    s = tr_lot_inventory_by_location_json(t, NULL, NULL, &part);
    append(&text, s, part);
    part = NULL;
    s = tr_serial_inventory_by_location_json(t, NULL, NULL, &part);
    append(&text, s, part);
    part = NULL;
    s = tr_expiry_report_json(t, "2026-03-01", NULL, &part);
    append(&text, s, part);
    return text;
}

static void check_refused(tr_tracker *t, char *before, tr_status got, tr_status expected,
                          tr_status also, const char *call, const char *file, int line) {
    /* The message first: the snapshot's queries replace it. */
    char message[200];
    char what[512];
    char *after;
    int same;
    strncpy(message, tr_last_error_message(), sizeof message - 1);
    message[sizeof message - 1] = '\0';
    after = snapshot(t);
    same = before != NULL && after != NULL && strcmp(before, after) == 0;
    if (got != expected && got != also)
        fprintf(stderr, "  %s:%d: got %s (%s), expected %s\n", file, line, tr_status_name(got),
                message, tr_status_name(expected));
    sprintf(what, "never TR_ERR_PANIC: %.400s", call);
    check_record(got != TR_ERR_PANIC, what, file, line);
    sprintf(what, "typed status %s: %.400s", tr_status_name(expected), call);
    check_record(got == expected || got == also, what, file, line);
    sprintf(what, "explained: %.400s", call);
    check_record(got == TR_OK || message[0] != '\0', what, file, line);
    sprintf(what, "state unchanged: %.400s", call);
    check_record(same, what, file, line);
    free(before);
    free(after);
}

/* The call is refused with `expected` and changes nothing (4 checks). */
#define CHECK_REFUSED(t, expected, call)                                                         \
    do {                                                                                         \
        char *before_ = snapshot(t);                                                             \
        tr_status got_ = (call);                                                                 \
        check_refused((t), before_, got_, (expected), (expected), #call, __FILE__, __LINE__);    \
    } while (0)

/* Either of two typed statuses is acceptable (4 checks). */
#define CHECK_REFUSED_EITHER(t, expected, also, call)                                            \
    do {                                                                                         \
        char *before_ = snapshot(t);                                                             \
        tr_status got_ = (call);                                                                 \
        check_refused((t), before_, got_, (expected), (also), #call, __FILE__, __LINE__);        \
    } while (0)

/* A query that must answer (1 check, plus never TR_ERR_PANIC: 2). */
#define CHECK_ANSWERS(call, out)                                                                 \
    do {                                                                                         \
        tr_status got_ = (call);                                                                 \
        if (got_ != TR_OK) fprintf(stderr, "  got %s: %s\n", tr_status_name(got_), tr_last_error_message()); \
        CHECK(got_ != TR_ERR_PANIC);                                                             \
        CHECK(got_ == TR_OK);                                                                    \
        tr_string_free(out);                                                                     \
        (out) = NULL;                                                                            \
    } while (0)

/* Master data and one witness lot, FLOUR/L1 (10 kg at STOCK). */
static void set_up(tr_tracker *t) {
    CHECK_OK(tr_tracker_set_time(t, "2026-03-01T08:00:00Z"));
    CHECK_OK(tr_register_product(t, ACTOR, NULL, "FLOUR", "lot", "kg", NULL, NULL));
    CHECK_OK(tr_register_product(t, ACTOR, NULL, "PUMP", "serial", NULL, NULL, NULL));
    CHECK_OK(tr_register_location(t, ACTOR, NULL, "STOCK", "internal", NULL));
    CHECK_OK(tr_register_party(t, ACTOR, NULL, "ACME", "customer", NULL));
    CHECK_OK(tr_receive_lot(t, ACTOR, NULL, "FLOUR", "L1", "10", "STOCK", NULL, NULL, NULL, NULL, NULL));
}

static tr_tracker *fresh(void) {
    tr_tracker *t = NULL;
    CHECK_OK(tr_tracker_new_memory(&t));
    set_up(t);
    return t;
}

/* A malloc'ed string of `length` copies of `c`. */
static char *repeated(char c, size_t length) {
    char *text = (char *)malloc(length + 1);
    if (text == NULL) abort();
    memset(text, c, length);
    text[length] = '\0';
    return text;
}

/* Identifiers (lot, serial, product, location, party, order, shipment, work order, RMA,
 * actor): trimmed, 1..128 characters, no control characters. */
static void identifiers(void) {
    tr_tracker *t = fresh();
    const char *serials[2] = {"SN1", "SN\n2"};
    tr_line line = {{TR_ITEM_LOT, "FLOUR", "L1"}, "STOCK", "1"};
    tr_output output = {TR_OUTPUT_NEW_LOT, "FLOUR", "L9", "1", "STOCK"};
    char *megabyte = repeated('A', 1024 * 1024);
    char *long_129 = repeated('L', 129);
    char *long_128 = repeated('L', 128);

    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_register_location(t, ACTOR, NULL, "BIN\n1", "internal", NULL));
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_register_location(t, ACTOR, NULL, "BIN\t1", "internal", NULL));
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_register_location(t, ACTOR, NULL, "BIN\x7f", "internal", NULL));
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_register_product(t, ACTOR, NULL, "P\nX", "lot", NULL, NULL, NULL));
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_register_party(t, ACTOR, NULL, "ACME\t2", "customer", NULL));
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_receive_lot(t, ACTOR, NULL, "FLOUR", "L\n2", "1", "STOCK", NULL, NULL, NULL, NULL, NULL));
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_receive_lot(t, ACTOR, NULL, "FLOUR", "L\t2", "1", "STOCK", NULL, NULL, NULL, NULL, NULL));
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_receive_serials(t, ACTOR, NULL, "PUMP", serials, 2, "STOCK", NULL, NULL));
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_allocate(t, ACTOR, NULL, "SO\n1", &FLOUR_L1, "STOCK", "1"));
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_produce(t, ACTOR, NULL, "WO\t1", &line, 1, &output, 1, NULL, false));
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_ship(t, ACTOR, NULL, "SH\n1", "SO-1", "ACME", NULL, false));
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_return(t, ACTOR, NULL, "RMA\t1", "ACME", &FLOUR_L1, "STOCK", "1", false));
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_register_location(t, "a\nna", NULL, "BIN2", "internal", NULL));
    /* Length: 129 characters and a megabyte are refused, never truncated. */
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_receive_lot(t, ACTOR, NULL, "FLOUR", long_129, "1", "STOCK", NULL, NULL, NULL, NULL, NULL));
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_receive_lot(t, ACTOR, NULL, "FLOUR", megabyte, "1", "STOCK", NULL, NULL, NULL, NULL, NULL));
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_register_location(t, ACTOR, NULL, megabyte, "internal", NULL));
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_register_location(t, megabyte, NULL, "BIN3", "internal", NULL));
    {
        /* A query with a megabyte id: refused as input (or simply unknown), never a panic. */
        char *out = NULL;
        CHECK_REFUSED_EITHER(t, TR_ERR_INVALID_INPUT, TR_ERR_UNKNOWN_LOT, tr_lot_json(t, "FLOUR", megabyte, &out));
        CHECK(out == NULL);
        tr_string_free(out); /* (set only if the check above failed) */
    }
    /* The limit itself is accepted. */
    CHECK_OK(tr_receive_lot(t, ACTOR, NULL, "FLOUR", long_128, "1", "STOCK", NULL, NULL, NULL, NULL, NULL));
    free(megabyte);
    free(long_129);
    free(long_128);
    tr_tracker_free(t);
}

#define LOT_SPEC(lot)                                                                            \
    "{\"product\":\"FLOUR\",\"lot\":\"" lot "\",\"manufactured_on\":null,\"dates\":{\"expiry\":null," \
    "\"best_before\":null,\"removal\":null,\"alert\":null},\"weight\":null,\"description\":\"\","  \
    "\"supplier_lot\":null,\"attributes\":{}}"
#define RECEIVE_JSON(lot)                                                                        \
    "{\"receive_lot\":{\"spec\":" LOT_SPEC(lot) ",\"quantity\":\"1\",\"location\":\"STOCK\","     \
    "\"supplier\":null,\"received_on\":null,\"reference\":null}}"
#define PRODUCE_JSON(lot)                                                                        \
    "{\"produce\":{\"work_order\":\"WO-NUL\",\"consumed\":[{\"item\":{\"lot\":{\"product\":"      \
    "\"FLOUR\",\"lot\":\"L1\"}},\"location\":\"STOCK\",\"quantity\":\"1\"}],\"outputs\":"        \
    "[{\"new_lot\":{\"spec\":" LOT_SPEC(lot) ",\"quantity\":\"1\",\"location\":\"STOCK\"}}],"      \
    "\"produced_on\":null,\"override_expiry\":false}}"

/* "\u0000" in JSON reaches an id without a NUL byte in the C string. */
static void json_nul(void) {
    tr_tracker *t = fresh();
    char *out = NULL;
    char *deep = repeated('[', 100000);
    tr_status s;

    /* The JSON forms themselves are right: the same command without the NUL works. */
    CHECK_OK(tr_execute_json(t, ACTOR, NULL, RECEIVE_JSON("L-JSON")));
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_execute_json(t, ACTOR, NULL, RECEIVE_JSON("L\\u0000X")));
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_execute_json(t, ACTOR, NULL,
        "{\"register_location\":{\"id\":\"A\\u0000B\",\"kind\":\"internal\",\"description\":\"\"}}"));
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_execute_json(t, ACTOR, NULL,
        "{\"register_location\":{\"id\":\"A\\nB\",\"kind\":\"internal\",\"description\":\"\"}}"));
    /* In a batch: the valid first command is not stored either. */
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_execute_batch_json(t, ACTOR, NULL,
        "[" RECEIVE_JSON("L-OK") "," RECEIVE_JSON("L\\u0000Y") "]"));
    /* Deep nesting is a parse error, not a stack overflow. */
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_execute_json(t, ACTOR, NULL, deep));
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_execute_batch_json(t, ACTOR, NULL, deep));

    /* Drawing a trace that reaches a lot numbered with a NUL: refused when the lot is
     * (the final behaviour); where such a lot exists (older data), the DOT/Mermaid text
     * cannot be a C string: TR_ERR_INVALID_INPUT, never TR_ERR_PANIC. JSON escapes it. */
    s = tr_execute_json(t, ACTOR, NULL, PRODUCE_JSON("B\\u0000X"));
    CHECK(s != TR_ERR_PANIC);
    CHECK(s == TR_ERR_INVALID_INPUT);
    s = tr_trace_forward_render(t, &FLOUR_L1, TR_FORMAT_DOT, &out);
    CHECK(s != TR_ERR_PANIC);
    CHECK(s == TR_OK || s == TR_ERR_INVALID_INPUT);
    CHECK(s == TR_OK ? out != NULL : out == NULL);
    tr_string_free(out);
    out = NULL;
    s = tr_trace_forward_render(t, &FLOUR_L1, TR_FORMAT_MERMAID, &out);
    CHECK(s == TR_OK || s == TR_ERR_INVALID_INPUT);
    tr_string_free(out);
    out = NULL;
    s = tr_recall_report_render(t, &FLOUR_L1, 1, TR_FORMAT_DOT, &out);
    CHECK(s == TR_OK || s == TR_ERR_INVALID_INPUT);
    tr_string_free(out);
    out = NULL;
    CHECK_ANSWERS(tr_trace_forward_json(t, &FLOUR_L1, &out), out);
    /* The handle is still fine. */
    CHECK_ANSWERS(tr_lot_json(t, "FLOUR", "L1", &out), out);
    free(deep);
    tr_tracker_free(t);
}

/* Quantities: exact, at most 9 decimal places, magnitude below 10^15; refused, never
 * rounded. */
static void quantities(void) {
    tr_tracker *t = fresh();
    char *out = NULL;
    tr_status s;
    const char *too_big[] = {"79228162514264337593543950335", "1000000000000000", "1e15", "NaN", "inf", "", " ", "0x10", "1,5"};
    const char *too_fine[] = {"1.0000000000000000000000000001", "0.00000000000000000000000000001", "1.0000000001"};
    char lot[32];
    size_t i;

    /* (A lot number per case, so that one accepted by mistake does not make the next
     * case a duplicate.) */
    for (i = 0; i < sizeof too_big / sizeof too_big[0]; i++) {
        sprintf(lot, "Q1-%u", (unsigned)i);
        CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_receive_lot(t, ACTOR, NULL, "FLOUR", lot, too_big[i], "STOCK", NULL, NULL, NULL, NULL, NULL));
    }
    for (i = 0; i < sizeof too_fine / sizeof too_fine[0]; i++) {
        sprintf(lot, "Q2-%u", (unsigned)i);
        CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_receive_lot(t, ACTOR, NULL, "FLOUR", lot, too_fine[i], "STOCK", NULL, NULL, NULL, NULL, NULL));
    }
    CHECK_REFUSED(t, TR_ERR_INVALID_QUANTITY, tr_receive_lot(t, ACTOR, NULL, "FLOUR", "Q3", "0", "STOCK", NULL, NULL, NULL, NULL, NULL));
    CHECK_REFUSED(t, TR_ERR_INVALID_QUANTITY, tr_receive_lot(t, ACTOR, NULL, "FLOUR", "Q4", "-1", "STOCK", NULL, NULL, NULL, NULL, NULL));
    CHECK_REFUSED(t, TR_ERR_INVALID_QUANTITY, tr_receive_lot(t, ACTOR, NULL, "FLOUR", "Q5", "0.000000000", "STOCK", NULL, NULL, NULL, NULL, NULL));
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_adjust(t, ACTOR, "count", "FLOUR", "L1", "STOCK", "79228162514264337593543950335"));
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_adjust(t, ACTOR, "count", "FLOUR", "L1", "STOCK", "0.0000000001"));
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_move(t, ACTOR, NULL, &FLOUR_L1, "STOCK", "STOCK", "1.0000000000000000000000000001", false));
    /* The finest and the largest quantities allowed are accepted, exactly. */
    CHECK_OK(tr_receive_lot(t, ACTOR, NULL, "FLOUR", "FINE", "0.000000001", "STOCK", NULL, NULL, NULL, NULL, NULL));
    s = tr_lot_json(t, "FLOUR", "FINE", &out);
    CHECK(s == TR_OK);
    CHECK_CONTAINS(out, "\"on_hand\":\"0.000000001\"");
    tr_string_free(out);
    out = NULL;
    CHECK_OK(tr_receive_lot(t, ACTOR, NULL, "FLOUR", "BIG", "999999999999999.999999999", "STOCK", NULL, NULL, NULL, NULL, NULL));
    /* ... but nothing may grow past the limit: one more is refused. */
    CHECK_REFUSED_EITHER(t, TR_ERR_INVALID_INPUT, TR_ERR_INVALID_QUANTITY, tr_adjust(t, ACTOR, "count", "FLOUR", "BIG", "STOCK", "1"));
    CHECK_REFUSED_EITHER(t, TR_ERR_INVALID_INPUT, TR_ERR_INVALID_QUANTITY, tr_adjust(t, ACTOR, "count", "FLOUR", "BIG", "STOCK", "0.000000001"));
    /* Reports total the stock without overflowing. */
    CHECK_ANSWERS(tr_expiry_report_json(t, "2026-03-01", NULL, &out), out);
    CHECK_ANSWERS(tr_lot_inventory_by_location_json(t, NULL, NULL, &out), out);
    tr_tracker_free(t);
}

/* The data-loss case on a SQLite file: the largest decimal received, then
 * adjusted by one. Nothing bad may reach the log, and the file must open again. */
static void overflow_never_reaches_the_log(const char *path) {
    tr_tracker *t = NULL;
    char *out = NULL;
    tr_status s;
    char *before;
    remove(path);
    CHECK_OK(tr_tracker_open(path, &t));
    set_up(t);
    before = snapshot(t);
    s = tr_receive_lot(t, ACTOR, NULL, "FLOUR", "HUGE", "79228162514264337593543950335", "STOCK", NULL, NULL, NULL, NULL, NULL);
    CHECK(s != TR_ERR_PANIC);
    CHECK(s == TR_ERR_INVALID_INPUT);
    s = tr_adjust(t, ACTOR, "count", "FLOUR", "HUGE", "STOCK", "1");
    if (s != TR_ERR_UNKNOWN_LOT) fprintf(stderr, "  adjust HUGE by 1: %s (%s)\n", tr_status_name(s), tr_last_error_message());
    CHECK(s != TR_ERR_PANIC);
    CHECK(s == TR_ERR_UNKNOWN_LOT);
    /* Two lots whose total overflows a 96-bit decimal: the report must still answer. */
    s = tr_receive_lot(t, ACTOR, NULL, "FLOUR", "HALF1", "50000000000000000000000000000", "STOCK", NULL, NULL, NULL, NULL, NULL);
    CHECK(s == TR_ERR_INVALID_INPUT);
    s = tr_receive_lot(t, ACTOR, NULL, "FLOUR", "HALF2", "50000000000000000000000000000", "STOCK", NULL, NULL, NULL, NULL, NULL);
    CHECK(s == TR_ERR_INVALID_INPUT);
    CHECK_ANSWERS(tr_expiry_report_json(t, "2026-03-01", NULL, &out), out);
    tr_tracker_free(t);
    t = NULL;
    /* The file opens again, holding exactly what it held before the hostile calls. */
    s = tr_tracker_open(path, &t);
    if (s != TR_OK) fprintf(stderr, "  reopen: %s (%s)\n", tr_status_name(s), tr_last_error_message());
    CHECK(s != TR_ERR_PANIC);
    CHECK(s == TR_OK);
    if (t != NULL) {
        char *after;
        CHECK_OK(tr_tracker_set_time(t, "2026-03-01T08:00:00Z"));
        after = snapshot(t);
        CHECK(after != NULL && before != NULL && strcmp(before, after) == 0);
        free(after);
    } else {
        CHECK(!"the store could not be reopened");
        CHECK(!"the store could not be reopened");
    }
    free(before);
    tr_tracker_free(t);
    remove(path);
}

/* Dates within years 1..9999 and checked date arithmetic: a shelf life of 2^32-1 days, or
 * one landing past 9999, is refused rather than overflowing. */
static void dates_and_shelf_life(void) {
    tr_tracker *t = fresh();
    char *out = NULL;
    uint32_t forever = 4294967295u, three_million = 3000000u;
    tr_status s;

    s = tr_register_product(t, ACTOR, NULL, "ETERNAL", "lot", NULL, NULL, &forever);
    CHECK(s != TR_ERR_PANIC);
    CHECK(s == TR_OK || s == TR_ERR_INVALID_INPUT);
    /* Either the product was refused (then the lot's product is unknown) or its lot is. */
    CHECK_REFUSED(t, s == TR_OK ? TR_ERR_INVALID_INPUT : TR_ERR_UNKNOWN_PRODUCT,
                  tr_receive_lot(t, ACTOR, NULL, "ETERNAL", "E1", "1", "STOCK", NULL, "2026-03-01", "2026-02-01", NULL, NULL));
    s = tr_register_product(t, ACTOR, NULL, "AGES", "lot", NULL, NULL, &three_million);
    CHECK(s != TR_ERR_PANIC);
    CHECK(s == TR_OK || s == TR_ERR_INVALID_INPUT);
    CHECK_REFUSED(t, s == TR_OK ? TR_ERR_INVALID_INPUT : TR_ERR_UNKNOWN_PRODUCT,
                  tr_receive_lot(t, ACTOR, NULL, "AGES", "A1", "1", "STOCK", NULL, "2026-03-01", "2026-02-01", NULL, NULL));
    /* Dates outside years 1..9999. */
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_receive_lot(t, ACTOR, NULL, "FLOUR", "D1a", "1", "STOCK", NULL, "0000-06-01", NULL, NULL, NULL));
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_receive_lot(t, ACTOR, NULL, "FLOUR", "D1b", "1", "STOCK", NULL, "10000-01-01", NULL, NULL, NULL));
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_receive_lot(t, ACTOR, NULL, "FLOUR", "D1c", "1", "STOCK", NULL, NULL, NULL, "+10239-11-20", NULL));
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_receive_lot(t, ACTOR, NULL, "FLOUR", "D1d", "1", "STOCK", NULL, NULL, NULL, "-0001-01-01", NULL));
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_update_lot_dates(t, ACTOR, "fix", "FLOUR", "L1", "99999-01-01", NULL, NULL, NULL));
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_update_lot_dates(t, ACTOR, "fix", "FLOUR", "L1", "2027-02-30", NULL, NULL, NULL));
    /* Date order: manufactured after received is refused. */
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_receive_lot(t, ACTOR, NULL, "FLOUR", "D2", "1", "STOCK", NULL, "2026-02-01", "2026-02-02", NULL, NULL));
    /* The last day of year 9999 is a date like any other. */
    CHECK_OK(tr_receive_lot(t, ACTOR, NULL, "FLOUR", "D3", "1", "STOCK", NULL, NULL, NULL, "9999-12-31", NULL));
    /* Reports over all of it answer. */
    CHECK_ANSWERS(tr_expiry_report_json(t, NULL, NULL, &out), out);
    CHECK_ANSWERS(tr_lot_inventory_by_expiry_json(t, "9999-12-31", NULL, &out), out);
    CHECK_ANSWERS(tr_shelf_life_remaining_pct(t, "FLOUR", "D3", "0001-01-01", &out), out);
    tr_tracker_free(t);
}

/* Invalid UTF-8 anywhere a string goes in: TR_ERR_INVALID_UTF8, nothing changes. */
static void invalid_utf8(void) {
    tr_tracker *t = fresh();
    const tr_item bad_item = {TR_ITEM_LOT, "FLOUR", "L\x80"};
    const char *serials[2] = {"SN1", "SN\xe2\x82"};
    char *out = NULL;

    CHECK_REFUSED(t, TR_ERR_INVALID_UTF8, tr_register_location(t, ACTOR, NULL, "BIN\xff", "internal", NULL));
    CHECK_REFUSED(t, TR_ERR_INVALID_UTF8, tr_register_location(t, "\xc3\x28", NULL, "BIN1", "internal", NULL));
    CHECK_REFUSED(t, TR_ERR_INVALID_UTF8, tr_adjust(t, ACTOR, "\xfe", "FLOUR", "L1", "STOCK", "1"));
    CHECK_REFUSED(t, TR_ERR_INVALID_UTF8, tr_adjust(t, ACTOR, "count", "FLOUR", "L1", "STOCK", "1\xff"));
    CHECK_REFUSED(t, TR_ERR_INVALID_UTF8, tr_scrap(t, ACTOR, "x", &bad_item, "STOCK", "1"));
    CHECK_REFUSED(t, TR_ERR_INVALID_UTF8, tr_receive_serials(t, ACTOR, NULL, "PUMP", serials, 2, "STOCK", NULL, NULL));
    CHECK_REFUSED(t, TR_ERR_INVALID_UTF8, tr_execute_json(t, ACTOR, NULL,
        "{\"register_location\":{\"id\":\"\xed\xa0\x80\",\"kind\":\"internal\",\"description\":\"\"}}"));
    CHECK_REFUSED(t, TR_ERR_INVALID_UTF8, tr_lot_json(t, "FLOUR", "\xc0\xaf", &out));
    CHECK(out == NULL);
    tr_string_free(out); /* (set only if the check above failed) */
    out = NULL;
    CHECK_REFUSED(t, TR_ERR_INVALID_UTF8, tr_trace_forward_render(t, &bad_item, TR_FORMAT_DOT, &out));
    CHECK(out == NULL);
    tr_string_free(out); /* (set only if the check above failed) */
    out = NULL;
    tr_tracker_free(t);
}

/* Impossible lengths and enum values, absurd sequence numbers, an empty path. */
static void arrays_enums_and_paths(void) {
    tr_tracker *t = fresh();
    tr_tracker *other = NULL;
    const char *serials[1] = {"SN1"};
    tr_item bad_kind = {42, "FLOUR", "L1"};
    char *out = NULL;

    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_receive_serials(t, ACTOR, NULL, "PUMP", serials, (size_t)-1, "STOCK", NULL, NULL));
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_place_hold(t, ACTOR, "x", &FLOUR_L1, (size_t)-1 / 2));
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_recall_report_json(t, &FLOUR_L1, (size_t)-1, &out));
    CHECK(out == NULL);
    tr_string_free(out); /* (set only if the check above failed) */
    out = NULL;
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_allocate_stock(t, ACTOR, NULL, "FLOUR", "1", "SO", INT_MIN, NULL, NULL, NULL, 0, false, &out));
    CHECK(out == NULL);
    tr_string_free(out); /* (set only if the check above failed) */
    out = NULL;
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_scrap(t, ACTOR, "x", &bad_kind, "STOCK", "1"));
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_trace_forward_render(t, &FLOUR_L1, INT_MAX, &out));
    CHECK_ANSWERS(tr_events_json(t, UINT64_MAX, &out), out);
    CHECK_ANSWERS(tr_events_json(t, (uint64_t)INT64_MAX + 1, &out), out);
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_tracker_open("", &other));
    CHECK(other == NULL);
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_tracker_open("  ", &other));
    CHECK(other == NULL);
    CHECK_REFUSED(t, TR_ERR_INVALID_INPUT, tr_tracker_set_time(t, "10000-01-01T00:00:00Z"));
    /* Refreshing an in-memory tracker: nothing new, nothing changes. */
    CHECK_REFUSED(t, TR_OK, tr_tracker_refresh(t));
    tr_tracker_free(t);
}

int main(int argc, char **argv) {
    identifiers();
    json_nul();
    quantities();
    overflow_never_reaches_the_log(argc > 1 ? argv[1] : "hostile-test.db");
    dates_and_shelf_life();
    invalid_utf8();
    arrays_enums_and_paths();
    return CHECKS_REPORT();
}
