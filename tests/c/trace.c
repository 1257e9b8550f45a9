/* Trace, recall and hold through the C ABI (issue 3): a hand-built genealogy -- two raw
 * lots from two suppliers -> work order -> finished lot -> shipped to two customers --
 * traced forward and backward (JSON, DOT, Mermaid), recalled with a hold that blocks
 * allocation of the affected lots only, released; every recall recorded (with or
 * without a hold, under the next number or one given) and listed by tr_recalls_json;
 * every error path; and NULL for every pointer argument of every trace/recall/hold
 * function. */
#include "check.h"

#define ACTOR "qa"

static const tr_item SUGAR_S1 = {TR_ITEM_LOT, "SUGAR", "S1"};
static const tr_item SUGAR_S2 = {TR_ITEM_LOT, "SUGAR", "S2"};
static const tr_item COCOA_C1 = {TR_ITEM_LOT, "COCOA", "C1"};
static const tr_item CHOC_K1 = {TR_ITEM_LOT, "CHOC", "K1"};
static const tr_item SUGAR_NOPE = {TR_ITEM_LOT, "SUGAR", "NOPE"};
static const tr_item PUMP_NOPE = {TR_ITEM_SERIAL, "PUMP", "SN404"};

/* JSON spellings of the items. */
#define J_S1 "{\"lot\":{\"product\":\"SUGAR\",\"lot\":\"S1\"}}"
#define J_S2 "{\"lot\":{\"product\":\"SUGAR\",\"lot\":\"S2\"}}"
#define J_C1 "{\"lot\":{\"product\":\"COCOA\",\"lot\":\"C1\"}}"
#define J_K1 "{\"lot\":{\"product\":\"CHOC\",\"lot\":\"K1\"}}"

static int starts_with(const char *text, const char *prefix) {
    return text != NULL && strncmp(text, prefix, strlen(prefix)) == 0;
}

/* Prints `text` when `ok` is false (to see what a failed strstr looked at). */
static void show_if(int ok, const char *text) {
    if (!ok) fprintf(stderr, "  text: %s\n", text != NULL ? text : "(null)");
}

#define CHECK_HAS(text, needle)                                                         \
    do {                                                                                \
        CHECK_CONTAINS((text), (needle));                                               \
        show_if((text) != NULL && strstr((text), (needle)) != NULL, (text));            \
    } while (0)
#define CHECK_LACKS(text, needle) CHECK((text) != NULL && strstr((text), (needle)) == NULL)

static void build_genealogy(tr_tracker *t) {
    tr_line consumed[2];
    tr_output outputs[1];
    CHECK_OK(tr_register_product(t, ACTOR, NULL, "SUGAR", "lot", "kg", NULL, NULL));
    CHECK_OK(tr_register_product(t, ACTOR, NULL, "COCOA", "lot", "kg", NULL, NULL));
    CHECK_OK(tr_register_product(t, ACTOR, NULL, "CHOC", "lot", "ea", "dark chocolate", NULL));
    CHECK_OK(tr_register_location(t, ACTOR, NULL, "DOCK", "receiving", NULL));
    CHECK_OK(tr_register_location(t, ACTOR, NULL, "STOCK", "internal", NULL));
    CHECK_OK(tr_register_party(t, ACTOR, NULL, "SWEETCO", "supplier", "Sweet Co"));
    CHECK_OK(tr_register_party(t, ACTOR, NULL, "BEANCO", "supplier", "Bean Co"));
    CHECK_OK(tr_register_party(t, ACTOR, NULL, "ALPHA", "customer", "Alpha Stores"));
    CHECK_OK(tr_register_party(t, ACTOR, NULL, "BETA", "customer", "Beta Markets"));
    /* two raw lots (and an unrelated one), put away */
    CHECK_OK(tr_receive_lot(t, ACTOR, NULL, "SUGAR", "S1", "50", "DOCK", "SWEETCO", NULL, NULL, NULL, "PO-1"));
    CHECK_OK(tr_receive_lot(t, ACTOR, NULL, "COCOA", "C1", "20", "DOCK", "BEANCO", NULL, NULL, NULL, "PO-2"));
    CHECK_OK(tr_receive_lot(t, ACTOR, NULL, "SUGAR", "S2", "50", "DOCK", "SWEETCO", NULL, NULL, NULL, "PO-3"));
    CHECK_OK(tr_move(t, ACTOR, NULL, &SUGAR_S1, "DOCK", "STOCK", "50", false));
    CHECK_OK(tr_move(t, ACTOR, NULL, &COCOA_C1, "DOCK", "STOCK", "20", false));
    CHECK_OK(tr_move(t, ACTOR, NULL, &SUGAR_S2, "DOCK", "STOCK", "50", false));
    /* work order: S1 + C1 -> K1 */
    consumed[0].item = SUGAR_S1;
    consumed[0].location = "STOCK";
    consumed[0].quantity = "10";
    consumed[1].item = COCOA_C1;
    consumed[1].location = "STOCK";
    consumed[1].quantity = "5";
    outputs[0].kind = TR_OUTPUT_NEW_LOT;
    outputs[0].product = "CHOC";
    outputs[0].number = "K1";
    outputs[0].quantity = "100";
    outputs[0].location = "STOCK";
    CHECK_OK(tr_produce(t, ACTOR, NULL, "WO-1", consumed, 2, outputs, 1, NULL, false));
    /* shipped to two customers */
    CHECK_OK(tr_allocate(t, ACTOR, NULL, "SO-1", &CHOC_K1, "STOCK", "30"));
    CHECK_OK(tr_pick(t, ACTOR, NULL, "SO-1", &CHOC_K1, "30"));
    CHECK_OK(tr_ship(t, ACTOR, NULL, "SH-1", "SO-1", "ALPHA", "2026-03-02", false));
    CHECK_OK(tr_allocate(t, ACTOR, NULL, "SO-2", &CHOC_K1, "STOCK", "20"));
    CHECK_OK(tr_pick(t, ACTOR, NULL, "SO-2", &CHOC_K1, "20"));
    CHECK_OK(tr_ship(t, ACTOR, NULL, "SH-2", "SO-2", "BETA", "2026-03-03", false));
}

static void traces(tr_tracker *t) {
    char *out = NULL;
    tr_item suspects[2];

    /* forward from a raw lot: the finished lot, both shipments and customers, stock */
    CHECK_OK(tr_trace_forward_json(t, &SUGAR_S1, &out));
    CHECK_HAS(out, "\"start\":" J_S1);
    CHECK_HAS(out, "{\"item\":" J_K1 ",\"depth\":1}");
    CHECK_HAS(out, "\"work_order\":\"WO-1\"");
    CHECK_HAS(out, "\"shipment\":\"SH-1\"");
    CHECK_HAS(out, "\"shipment\":\"SH-2\"");
    CHECK_HAS(out, "\"customers\":[\"ALPHA\",\"BETA\"]");
    CHECK_HAS(out, "\"on_hand\":\"50\""); /* K1: 100 - 30 - 20 still here */
    CHECK_LACKS(out, J_C1);               /* a sibling input is not downstream */
    CHECK_LACKS(out, J_S2);
    tr_string_free(out);

    /* backward from the finished lot: both raw lots, receipts, both suppliers */
    CHECK_OK(tr_trace_backward_json(t, &CHOC_K1, &out));
    CHECK_HAS(out, "\"start\":" J_K1);
    CHECK_HAS(out, "{\"item\":" J_S1 ",\"depth\":1}");
    CHECK_HAS(out, "{\"item\":" J_C1 ",\"depth\":1}");
    CHECK_HAS(out, "\"suppliers\":[\"BEANCO\",\"SWEETCO\"]");
    CHECK_HAS(out, "\"receipts\":[");
    CHECK_LACKS(out, J_S2);
    tr_string_free(out);

    /* the same traces, ids only: the same sets, no depths, edges or quantities */
    CHECK_OK(tr_trace_forward_ids_json(t, &SUGAR_S1, &out));
    CHECK_HAS(out, "{\"items\":[" J_S1 "," J_K1 "],");
    CHECK_HAS(out, "\"shipments\":[\"SH-1\",\"SH-2\"]");
    CHECK_HAS(out, "\"customers\":[\"ALPHA\",\"BETA\"]}");
    CHECK_LACKS(out, "depth");
    tr_string_free(out);
    CHECK_OK(tr_trace_backward_ids_json(t, &CHOC_K1, &out));
    CHECK_HAS(out, "{\"items\":[" J_K1 ",");
    CHECK_HAS(out, J_S1);
    CHECK_HAS(out, J_C1);
    CHECK_LACKS(out, J_S2);
    CHECK_HAS(out, "\"suppliers\":[\"SWEETCO\",\"BEANCO\"]}"); /* registration order */
    tr_string_free(out);

    /* a raw lot has no ancestors, only its own receipt */
    CHECK_OK(tr_trace_backward_json(t, &SUGAR_S2, &out));
    CHECK_HAS(out, "\"suppliers\":[\"SWEETCO\"]");
    CHECK_HAS(out, "\"edges\":[]");
    tr_string_free(out);

    /* the recall report reads only: nothing is held, nothing written */
    suspects[0] = COCOA_C1;
    suspects[1] = COCOA_C1; /* duplicates are removed */
    {
        long long before = event_count(t);
        CHECK_OK(tr_recall_report_json(t, suspects, 2, &out));
        CHECK_HAS(out, "\"suspects\":[" J_C1 "]");
        CHECK_HAS(out, "\"customer\":\"ALPHA\"");
        CHECK_HAS(out, "\"customer\":\"BETA\"");
        CHECK_HAS(out, "\"location\":\"STOCK\"");
        CHECK_HAS(out, "\"held\":[]");
        CHECK_HAS(out, "\"hold_seq\":null");
        tr_string_free(out);
        CHECK(event_count(t) == before);
    }

    /* renderings */
    CHECK_OK(tr_trace_forward_render(t, &SUGAR_S1, TR_FORMAT_DOT, &out));
    CHECK(starts_with(out, "digraph"));
    CHECK_HAS(out, "->");
    CHECK_HAS(out, "ALPHA");
    tr_string_free(out);
    CHECK_OK(tr_trace_forward_render(t, &SUGAR_S1, TR_FORMAT_MERMAID, &out));
    CHECK(starts_with(out, "graph") || starts_with(out, "flowchart"));
    CHECK_HAS(out, "-->");
    tr_string_free(out);
    CHECK_OK(tr_trace_backward_render(t, &CHOC_K1, TR_FORMAT_DOT, &out));
    CHECK(starts_with(out, "digraph"));
    CHECK_HAS(out, "COCOA / lot C1");
    tr_string_free(out);
    CHECK_OK(tr_trace_backward_render(t, &CHOC_K1, TR_FORMAT_MERMAID, &out));
    CHECK(starts_with(out, "graph") || starts_with(out, "flowchart"));
    tr_string_free(out);
    CHECK_OK(tr_recall_report_render(t, suspects, 1, TR_FORMAT_DOT, &out));
    CHECK(starts_with(out, "digraph"));
    CHECK_HAS(out, "BETA");
    tr_string_free(out);
    CHECK_OK(tr_recall_report_render(t, suspects, 1, TR_FORMAT_MERMAID, &out));
    CHECK(starts_with(out, "graph") || starts_with(out, "flowchart"));
    tr_string_free(out);
    out = NULL;
}

static void recall_and_hold(tr_tracker *t) {
    char *out = (char *)"sentinel";
    tr_item held[1];
    long long before;

    /* a recall needs a reason; nothing is held without one */
    before = event_count(t);
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_recall(t, ACTOR, NULL, &SUGAR_S1, 1, true, &out));
    CHECK_MESSAGE("reason");
    CHECK(out == NULL);
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_recall(t, ACTOR, "  ", &SUGAR_S1, 1, true, &out));
    CHECK(event_count(t) == before);

    /* recall S1 with a hold: S1 and K1 held, one event that records the recall */
    CHECK_OK(tr_recall(t, ACTOR, "salmonella in sugar", &SUGAR_S1, 1, true, &out));
    CHECK_HAS(out, "\"recall\":\"RC-000001\"");
    CHECK(json_number(out, "seq") == before);
    CHECK(json_number(out, "hold_seq") == before);
    CHECK_HAS(out, "\"reason\":\"salmonella in sugar\"");
    CHECK_HAS(out, "\"held\":[" J_S1 "," J_K1 "]");
    CHECK_HAS(out, "\"customer\":\"ALPHA\"");
    tr_string_free(out);
    CHECK(event_count(t) == before + 1);
    CHECK_OK(tr_lot_json(t, "CHOC", "K1", &out));
    CHECK_HAS(out, "\"on_hold\":true");
    tr_string_free(out);

    /* allocating an affected lot is refused, unaffected lots still allocate */
    CHECK_STATUS(TR_ERR_NOT_USABLE, tr_allocate(t, ACTOR, NULL, "SO-3", &CHOC_K1, "STOCK", "1"));
    CHECK_MESSAGE("on recall hold");
    CHECK_STATUS(TR_ERR_NOT_USABLE, tr_allocate(t, ACTOR, NULL, "SO-3", &SUGAR_S1, "STOCK", "1"));
    CHECK_OK(tr_allocate(t, ACTOR, NULL, "SO-3", &SUGAR_S2, "STOCK", "5"));
    CHECK_OK(tr_allocate(t, ACTOR, NULL, "SO-3", &COCOA_C1, "STOCK", "1"));

    /* recalling again without a hold holds nothing; with one, skips the held. Both are
     * recorded, each as one event. */
    before = event_count(t);
    CHECK_OK(tr_recall(t, ACTOR, "follow-up", &SUGAR_S1, 1, false, &out));
    CHECK_HAS(out, "\"recall\":\"RC-000002\"");
    CHECK(json_number(out, "seq") == before);
    CHECK_HAS(out, "\"held\":[]");
    CHECK_HAS(out, "\"hold_seq\":null");
    tr_string_free(out);
    CHECK_OK(tr_recall(t, ACTOR, "follow-up", &SUGAR_S1, 1, true, &out));
    CHECK_HAS(out, "\"recall\":\"RC-000003\"");
    CHECK_HAS(out, "\"held\":[]");
    CHECK_HAS(out, "\"hold_seq\":null");
    tr_string_free(out);
    CHECK(event_count(t) == before + 2);

    /* explicit holds: an already held item is refused, all or none */
    held[0] = CHOC_K1;
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_place_hold(t, ACTOR, "again", held, 1));
    CHECK_MESSAGE("already on hold");
    held[0] = SUGAR_S2;
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_place_hold(t, ACTOR, NULL, held, 1));
    CHECK_OK(tr_place_hold(t, ACTOR, "supplier notice", held, 1));
    CHECK_STATUS(TR_ERR_NOT_USABLE, tr_allocate(t, ACTOR, NULL, "SO-4", &SUGAR_S2, "STOCK", "1"));

    /* release: needs a reason, then the lot allocates again */
    held[0] = CHOC_K1;
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_release_hold(t, ACTOR, NULL, held, 1));
    CHECK_MESSAGE("reason");
    CHECK_STATUS(TR_ERR_NOT_USABLE, tr_allocate(t, ACTOR, NULL, "SO-4", &CHOC_K1, "STOCK", "1"));
    CHECK_OK(tr_release_hold(t, ACTOR, "tested negative", held, 1));
    CHECK_OK(tr_allocate(t, ACTOR, NULL, "SO-4", &CHOC_K1, "STOCK", "1"));
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_release_hold(t, ACTOR, "twice", held, 1));
    CHECK_MESSAGE("not on hold");
    held[0] = SUGAR_S2;
    CHECK_OK(tr_release_hold(t, ACTOR, "cleared", held, 1));
    CHECK_OK(tr_allocate(t, ACTOR, NULL, "SO-4", &SUGAR_S2, "STOCK", "1"));

    /* the audit trail records each recall in its suspects' history (and in the history
     * of what it held), the release, and an explicit hold as its own event; and the log
     * still verifies */
    CHECK_OK(tr_history_json(t, &SUGAR_S1, &out));
    CHECK_HAS(out, "\"recalled\":{\"recall\":\"RC-000001\"");
    CHECK_HAS(out, "\"recalled\":{\"recall\":\"RC-000002\"");
    CHECK_HAS(out, "\"recalled\":{\"recall\":\"RC-000003\"");
    tr_string_free(out);
    CHECK_OK(tr_history_json(t, &CHOC_K1, &out));
    CHECK_HAS(out, "\"recalled\":{\"recall\":\"RC-000001\"");
    CHECK_HAS(out, "hold_released");
    CHECK_HAS(out, "\"reason\":\"tested negative\"");
    tr_string_free(out);
    CHECK_OK(tr_history_json(t, &SUGAR_S2, &out));
    CHECK_HAS(out, "hold_placed");
    CHECK_HAS(out, "\"reason\":\"supplier notice\"");
    tr_string_free(out);
    CHECK_OK(tr_verify_json(t, &out));
    tr_string_free(out);
}

/* The recall records: what tr_recall wrote above, a recall under a number of the
 * caller's, a duplicate number, and a fresh tracker with none. */
static void recall_records(tr_tracker *t) {
    char *out = (char *)"sentinel";
    char expected[512];
    tr_tracker *fresh = NULL;
    long long before;

    /* the recall without a hold (RC-000002) is listed, with nothing held */
    CHECK_OK(tr_recalls_json(t, &out));
    CHECK(starts_with(out, "[{\"recall\":\"RC-000001\""));
    snprintf(expected, sizeof expected,
             "{\"recall\":\"RC-000002\",\"seq\":%lld,\"recorded_at\":\"2026-03-01T08:00:00Z\","
             "\"actor\":\"qa\",\"reason\":\"follow-up\",\"suspects\":[" J_S1 "],"
             "\"affected\":[" J_S1 "," J_K1 "],\"held\":[]}",
             json_number(strstr(out, "\"RC-000002\""), "seq"));
    CHECK_HAS(out, expected);
    CHECK_HAS(out, "\"recall\":\"RC-000003\"");
    CHECK_HAS(out, "\"held\":[" J_S1 "," J_K1 "]}"); /* RC-000001's */
    tr_string_free(out);

    /* a number of the caller's (trimmed), without a hold: recorded under it */
    before = event_count(t);
    CHECK_OK(tr_recall_as(t, ACTOR, "customer complaint", " RC-2026-CHOC ", &CHOC_K1, 1, false, &out));
    CHECK_HAS(out, "\"recall\":\"RC-2026-CHOC\"");
    CHECK(json_number(out, "seq") == before);
    CHECK_HAS(out, "\"held\":[]");
    tr_string_free(out);
    CHECK(event_count(t) == before + 1);

    /* a number already recorded (given or automatic) is a duplicate; nothing is written */
    before = event_count(t);
    out = (char *)"sentinel";
    CHECK_STATUS(TR_ERR_DUPLICATE_NUMBER,
                 tr_recall_as(t, ACTOR, "again", "RC-2026-CHOC", &CHOC_K1, 1, true, &out));
    CHECK_MESSAGE("duplicate recall RC-2026-CHOC");
    CHECK(strstr(tr_last_error_json(), "\"key_kind\":\"recall\"") != NULL);
    CHECK(strstr(tr_last_error_json(), "\"key\":\"RC-2026-CHOC\"") != NULL);
    CHECK(out == NULL);
    CHECK_STATUS(TR_ERR_DUPLICATE_NUMBER,
                 tr_recall_as(t, ACTOR, "again", "RC-000001", &SUGAR_S1, 1, false, &out));
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_recall_as(t, ACTOR, "again", "  ", &SUGAR_S1, 1, false, &out));
    CHECK_MESSAGE("invalid recall");
    CHECK(event_count(t) == before);
    CHECK_OK(tr_lot_json(t, "CHOC", "K1", &out));
    CHECK_HAS(out, "\"on_hold\":false"); /* the refused recall held nothing */
    tr_string_free(out);

    /* NULL: the next free number, as tr_recall */
    CHECK_OK(tr_recall_as(t, ACTOR, "round two", NULL, &COCOA_C1, 1, false, &out));
    CHECK_HAS(out, "\"recall\":\"RC-000005\"");
    tr_string_free(out);
    CHECK_OK(tr_recalls_json(t, &out));
    CHECK(json_number(strstr(out, "\"RC-2026-CHOC\""), "seq") < json_number(strstr(out, "\"RC-000005\""), "seq"));
    CHECK_HAS(out, "\"reason\":\"customer complaint\",\"suspects\":[" J_K1 "]");
    tr_string_free(out);

    /* a tracker without recalls lists none */
    CHECK_OK(tr_tracker_new_memory(&fresh));
    CHECK_OK(tr_recalls_json(fresh, &out));
    CHECK(out != NULL && strcmp(out, "[]") == 0);
    tr_string_free(out);
    tr_tracker_free(fresh);
}

static void error_paths(tr_tracker *t) {
    char *out = (char *)"sentinel";
    tr_item mixed[2];
    long long before = event_count(t);

    /* unknown lot / serial */
    CHECK_STATUS(TR_ERR_UNKNOWN_LOT, tr_trace_forward_json(t, &SUGAR_NOPE, &out));
    CHECK_MESSAGE("unknown lot SUGAR/NOPE");
    CHECK(out == NULL);
    CHECK_STATUS(TR_ERR_UNKNOWN_LOT, tr_trace_backward_json(t, &SUGAR_NOPE, &out));
    CHECK_STATUS(TR_ERR_UNKNOWN_LOT, tr_recall_report_json(t, &SUGAR_NOPE, 1, &out));
    CHECK_STATUS(TR_ERR_UNKNOWN_LOT, tr_trace_forward_render(t, &SUGAR_NOPE, TR_FORMAT_DOT, &out));
    CHECK_STATUS(TR_ERR_UNKNOWN_LOT, tr_trace_backward_render(t, &SUGAR_NOPE, TR_FORMAT_MERMAID, &out));
    CHECK_STATUS(TR_ERR_UNKNOWN_LOT, tr_recall_report_render(t, &SUGAR_NOPE, 1, TR_FORMAT_DOT, &out));
    CHECK(out == NULL);
    CHECK_STATUS(TR_ERR_UNKNOWN_SERIAL, tr_trace_forward_json(t, &PUMP_NOPE, &out));
    CHECK_STATUS(TR_ERR_UNKNOWN_LOT, tr_trace_forward_ids_json(t, &SUGAR_NOPE, &out));
    CHECK(out == NULL);
    CHECK_STATUS(TR_ERR_UNKNOWN_SERIAL, tr_trace_backward_ids_json(t, &PUMP_NOPE, &out));
    CHECK(out == NULL);
    CHECK_STATUS(TR_ERR_NULL_POINTER, tr_trace_forward_ids_json(t, NULL, &out));
    CHECK_STATUS(TR_ERR_NULL_POINTER, tr_trace_backward_ids_json(t, &SUGAR_S1, NULL));
    /* one unknown suspect fails the whole recall: nothing is held */
    mixed[0] = COCOA_C1;
    mixed[1] = SUGAR_NOPE;
    CHECK_STATUS(TR_ERR_UNKNOWN_LOT, tr_recall(t, ACTOR, "why", mixed, 2, true, &out));
    CHECK(out == NULL);
    CHECK_STATUS(TR_ERR_UNKNOWN_LOT, tr_place_hold(t, ACTOR, "why", mixed, 2));
    CHECK_STATUS(TR_ERR_UNKNOWN_LOT, tr_release_hold(t, ACTOR, "why", &SUGAR_NOPE, 1));
    CHECK_OK(tr_allocate(t, ACTOR, NULL, "SO-5", &COCOA_C1, "STOCK", "1"));
    /* empty lists, duplicates, bad format, bad kind */
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_recall_report_json(t, NULL, 0, &out));
    CHECK_MESSAGE("at least one suspect");
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_recall(t, ACTOR, "why", NULL, 0, false, &out));
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_place_hold(t, ACTOR, "why", NULL, 0));
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_release_hold(t, ACTOR, "why", NULL, 0));
    mixed[1] = COCOA_C1;
    CHECK_STATUS(TR_ERR_DUPLICATE_NUMBER, tr_place_hold(t, ACTOR, "why", mixed, 2));
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_trace_forward_render(t, &SUGAR_S1, 7, &out));
    CHECK_MESSAGE("unknown format 7");
    CHECK(out == NULL);
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_recall_report_render(t, &SUGAR_S1, 1, -1, &out));
    mixed[0].kind = 9;
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_recall_report_json(t, mixed, 2, &out));
    CHECK_MESSAGE("suspects[0].kind");
    CHECK(event_count(t) == before + 1); /* only the SO-5 allocation */
}

/* ---- NULL for every pointer argument, one at a time (as nulls.c does) ---- */

#define ARG(i, value) (null_arg == (i) ? NULL : (value))
#define BIT(i) (1u << (i))

typedef tr_status (*caller)(tr_tracker *t, int null_arg);

struct case_ {
    const char *name;
    caller call;
    int pointer_args;  /* how many pointer arguments the function has */
    unsigned optional; /* bit i set: NULL is not TR_ERR_NULL_POINTER (a missing reason) */
    unsigned given;    /* bit i set: NULL means "not given" and is accepted */
};

/* A query: its `*out` must be NULL afterwards, whichever argument was NULL. */
#define QUERY_CALLER(fn, call)                                                          \
    static tr_status fn(tr_tracker *t, int null_arg) {                                  \
        char *out = (char *)"sentinel";                                                 \
        tr_status s = (call);                                                           \
        if (null_arg != last_arg_##fn) CHECK(out == NULL);                              \
        if (s == TR_OK) tr_string_free(out);                                            \
        return s;                                                                       \
    }

enum {
    last_arg_call_forward_json = 2,
    last_arg_call_backward_json = 2,
    last_arg_call_recall_report_json = 2,
    last_arg_call_forward_render = 2,
    last_arg_call_backward_render = 2,
    last_arg_call_recall_report_render = 2,
    last_arg_call_recall = 4,
    last_arg_call_recall_as = 5,
    last_arg_call_recalls_json = 1
};

QUERY_CALLER(call_forward_json, tr_trace_forward_json(ARG(0, t), ARG(1, &SUGAR_S1), ARG(2, &out)))
QUERY_CALLER(call_backward_json, tr_trace_backward_json(ARG(0, t), ARG(1, &CHOC_K1), ARG(2, &out)))
QUERY_CALLER(call_recall_report_json,
             tr_recall_report_json(ARG(0, t), ARG(1, &SUGAR_S1), 1, ARG(2, &out)))
QUERY_CALLER(call_forward_render,
             tr_trace_forward_render(ARG(0, t), ARG(1, &SUGAR_S1), TR_FORMAT_DOT, ARG(2, &out)))
QUERY_CALLER(call_backward_render,
             tr_trace_backward_render(ARG(0, t), ARG(1, &CHOC_K1), TR_FORMAT_MERMAID, ARG(2, &out)))
QUERY_CALLER(call_recall_report_render,
             tr_recall_report_render(ARG(0, t), ARG(1, &SUGAR_S1), 1, TR_FORMAT_DOT, ARG(2, &out)))
QUERY_CALLER(call_recall, tr_recall(ARG(0, t), ARG(1, "qa"), ARG(2, "why"), ARG(3, &SUGAR_S1), 1,
                                    true, ARG(4, &out)))
/* An unknown suspect: with a NULL recall id (accepted) the core then refuses the recall,
 * so that case writes nothing either. */
QUERY_CALLER(call_recall_as, tr_recall_as(ARG(0, t), ARG(1, "qa"), ARG(2, "why"), ARG(3, "RC-N"),
                                          ARG(4, &SUGAR_NOPE), 1, true, ARG(5, &out)))
QUERY_CALLER(call_recalls_json, tr_recalls_json(ARG(0, t), ARG(1, &out)))

static tr_status call_place_hold(tr_tracker *t, int null_arg) {
    return tr_place_hold(ARG(0, t), ARG(1, "qa"), ARG(2, "why"), ARG(3, &SUGAR_S2), 1);
}
static tr_status call_release_hold(tr_tracker *t, int null_arg) {
    return tr_release_hold(ARG(0, t), ARG(1, "qa"), ARG(2, "why"), ARG(3, &SUGAR_S2), 1);
}

static const struct case_ cases[] = {
    {"tr_trace_forward_json", call_forward_json, 3, 0, 0},
    {"tr_trace_backward_json", call_backward_json, 3, 0, 0},
    {"tr_recall_report_json", call_recall_report_json, 3, 0, 0},
    {"tr_trace_forward_render", call_forward_render, 3, 0, 0},
    {"tr_trace_backward_render", call_backward_render, 3, 0, 0},
    {"tr_recall_report_render", call_recall_report_render, 3, 0, 0},
    {"tr_recall", call_recall, 5, BIT(2), 0},
    {"tr_recall_as", call_recall_as, 6, BIT(2), BIT(3)},
    {"tr_recalls_json", call_recalls_json, 2, 0, 0},
    {"tr_place_hold", call_place_hold, 4, BIT(2), 0},
    {"tr_release_hold", call_release_hold, 4, BIT(2), 0},
};

static void null_arguments(tr_tracker *t) {
    size_t c;
    int i, calls = 0;
    long long before = event_count(t);
    tr_item no_product = {TR_ITEM_LOT, NULL, "S1"};
    tr_item suspects[2];
    char *out = NULL;
    for (c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        for (i = 0; i < cases[c].pointer_args; i++) {
            tr_status s = cases[c].call(t, i);
            calls++;
            if (cases[c].given & BIT(i)) {
                /* accepted: the call fails later, for its unknown suspect */
                if (s != TR_ERR_UNKNOWN_LOT) fprintf(stderr, "%s arg %d: %s\n", cases[c].name, i, tr_status_name(s));
                CHECK(s == TR_ERR_UNKNOWN_LOT);
            } else if (cases[c].optional & BIT(i)) {
                /* a NULL reason is "not given": the core refuses it as invalid input */
                if (s != TR_ERR_INVALID_INPUT) fprintf(stderr, "%s arg %d: %s\n", cases[c].name, i, tr_status_name(s));
                CHECK(s == TR_ERR_INVALID_INPUT);
                CHECK_MESSAGE("reason");
            } else {
                if (s != TR_ERR_NULL_POINTER) fprintf(stderr, "%s arg %d: %s\n", cases[c].name, i, tr_status_name(s));
                CHECK(s == TR_ERR_NULL_POINTER);
                CHECK_MESSAGE("is NULL");
            }
        }
    }
    CHECK(calls == 39);
    CHECK(event_count(t) == before); /* no half-made hold */
    /* NULL inside the items, and a NULL array with a count */
    CHECK_STATUS(TR_ERR_NULL_POINTER, tr_trace_forward_json(t, &no_product, &out));
    CHECK_MESSAGE("argument `item.product` is NULL");
    suspects[0] = SUGAR_S1;
    suspects[1] = SUGAR_S1;
    suspects[1].number = NULL;
    CHECK_STATUS(TR_ERR_NULL_POINTER, tr_recall(t, "qa", "why", suspects, 2, true, &out));
    CHECK_MESSAGE("argument `suspects[1].number` is NULL");
    CHECK_STATUS(TR_ERR_NULL_POINTER, tr_place_hold(t, "qa", "why", NULL, 1));
    CHECK_MESSAGE("argument `items` is NULL");
    CHECK_STATUS(TR_ERR_NULL_POINTER, tr_recall_report_render(t, NULL, 3, TR_FORMAT_DOT, &out));
    CHECK_MESSAGE("argument `suspects` is NULL");
    CHECK(out == NULL);
}

/* The query catalog: every query by name through tr_query_json, the same JSON answers
 * the Python package is built on. */
static void catalog(tr_tracker *t) {
    char *out = NULL;
    CHECK_OK(tr_query_catalog_json(&out));
    CHECK_CONTAINS(out, "{\"name\":\"trace_forward_ids\",\"args\":");
    CHECK_CONTAINS(out, "\"name\":\"products\"");
    tr_string_free(out);
    out = NULL;
    CHECK_OK(tr_query_json(t, "products", "{}", &out));
    CHECK(out != NULL && out[0] == '[');
    CHECK_CONTAINS(out, "\"id\":\"SUGAR\"");
    tr_string_free(out);
    out = NULL;
    CHECK_OK(tr_query_json(t, "trace_forward_ids", "{\"item\":{\"lot\":{\"product\":\"SUGAR\",\"lot\":\"S1\"}}}", &out));
    CHECK_CONTAINS(out, "K1");
    tr_string_free(out);
    out = NULL;
    CHECK_OK(tr_query_json(t, "lot", "{\"product\":\"SUGAR\",\"lot\":\"NOPE\"}", &out));
    CHECK(out != NULL && strcmp(out, "null") == 0);
    tr_string_free(out);
    out = NULL;
    CHECK_OK(tr_query_json(t, "shipments", "{}", &out));
    CHECK(out != NULL && out[0] == '[');
    tr_string_free(out);
    out = (char *)&out;
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_query_json(t, "no_such_query", "{}", &out));
    CHECK(out == NULL);
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_query_json(t, "lot", "{\"product\":1}", &out));
    CHECK_STATUS(TR_ERR_NULL_POINTER, tr_query_json(t, NULL, "{}", &out));
    CHECK_STATUS(TR_ERR_NULL_POINTER, tr_query_json(NULL, "products", "{}", &out));
    CHECK_STATUS(TR_ERR_NULL_POINTER, tr_query_catalog_json(NULL));
}

/* A partner's transformation recorded through the JSON command (`link_upstream`):
 * genealogy only, so a trace crosses it; an unknown input is refused. */
static void upstream_links(void) {
    tr_tracker *t = NULL;
    char *out = NULL;
    static const tr_item SUGAR_S9 = {TR_ITEM_LOT, "SUGAR", "S9"};
    CHECK_OK(tr_tracker_new_memory(&t));
    CHECK_OK(tr_register_product(t, ACTOR, NULL, "SUGAR", "lot", "kg", NULL, NULL));
    CHECK_OK(tr_register_product(t, ACTOR, NULL, "CHOC", "lot", "ea", NULL, NULL));
    CHECK_OK(tr_register_location(t, ACTOR, NULL, "DOCK", "receiving", NULL));
    CHECK_OK(tr_receive_lot(t, ACTOR, NULL, "SUGAR", "S9", "10", "DOCK", NULL, NULL, NULL, NULL, NULL));
    CHECK_OK(tr_receive_lot(t, ACTOR, NULL, "CHOC", "K9", "5", "DOCK", NULL, NULL, NULL, NULL, NULL));
    CHECK_OK(tr_execute_json(t, ACTOR, NULL,
                             "{\"link_upstream\":{\"operation\":\"PARTNER-7\","
                             "\"inputs\":[[{\"lot\":{\"product\":\"SUGAR\",\"lot\":\"S9\"}},\"3\"]],"
                             "\"outputs\":[{\"lot\":{\"product\":\"CHOC\",\"lot\":\"K9\"}}]}}"));
    CHECK_OK(tr_trace_forward_json(t, &SUGAR_S9, &out));
    CHECK_HAS(out, "{\"item\":{\"lot\":{\"product\":\"CHOC\",\"lot\":\"K9\"}},\"depth\":1}");
    CHECK_HAS(out, "\"work_order\":\"PARTNER-7\"");
    tr_string_free(out);
    CHECK_STATUS(TR_ERR_UNKNOWN_LOT,
                 tr_execute_json(t, ACTOR, NULL,
                                 "{\"link_upstream\":{\"operation\":\"PARTNER-8\","
                                 "\"inputs\":[[{\"lot\":{\"product\":\"SUGAR\",\"lot\":\"NOPE\"}},\"1\"]],"
                                 "\"outputs\":[{\"lot\":{\"product\":\"CHOC\",\"lot\":\"K9\"}}]}}"));
    tr_tracker_free(t);
}

int main(void) {
    tr_tracker *t = NULL;
    CHECK_OK(tr_tracker_new_memory(&t));
    CHECK_OK(tr_tracker_set_time(t, "2026-03-01T08:00:00Z"));
    build_genealogy(t);
    traces(t);
    recall_and_hold(t);
    recall_records(t);
    error_paths(t);
    null_arguments(t);
    catalog(t);
    tr_tracker_free(t);
    upstream_links();
    return CHECKS_REPORT();
}
