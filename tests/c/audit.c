/* The audit trail through C (issue 9): signed checkpoints and tr_verify_against
 * (appending after a checkpoint is fine; a truncated or rewritten log, a wrong key or an
 * altered checkpoint is TR_ERR_TAMPERED with its damage in tr_last_error_json), the open
 * flags (TR_OPEN_NO_VERIFY, TR_OPEN_SALVAGE, unknown bits refused), a log whose event
 * body was altered on disk (refused on open, salvaged read-only up to the event before
 * it, opened on the trusted fast path), and the typed fields of tr_last_error_json (the
 * boundary's own failures and core errors: shortages, transitions, storage), and the
 * bulk load path (progress, the refused command named, a callback that stops the load),
 * and the PostgreSQL store (TRACEABILITY_TEST_PG_URL; open by URL, a follower woken).
 *
 * The stores are SQLite files written through the library. A "copy taken earlier" is a
 * byte copy of the file made after every handle on it was freed (SQLite then folds its
 * WAL into the file). The altered body is made by rewriting, in the file, the bytes of a
 * receipt's reference ("PO-12345" -> "PO-99999"): the same length, so SQLite still reads
 * the row, but the event no longer matches its hash.
 *
 * Usage: audit <path prefix for scratch SQLite files> */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "check.h"

#define ACTOR "ana"
#define NOW "2026-03-01T08:00:00Z"

static char path_main[1024], path_early[1024], path_forged[1024], path_patched[1024];

static int copy_file(const char *from, const char *to) {
    char buffer[4096];
    size_t n;
    int ok = 1;
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    if (in == NULL || out == NULL) ok = 0;
    while (ok && (n = fread(buffer, 1, sizeof buffer, in)) > 0) ok = fwrite(buffer, 1, n, out) == n;
    if (in != NULL) fclose(in);
    if (out != NULL && fclose(out) != 0) ok = 0;
    return ok;
}

/* Replaces the only occurrence of `needle` in the file by `replacement` (same length).
 * Returns how many occurrences there were (it patches only when there is exactly one). */
static int patch_file(const char *path, const char *needle, const char *replacement) {
    FILE *f = fopen(path, "rb");
    long size;
    char *bytes;
    size_t len = strlen(needle), i;
    int found = 0;
    long at = -1;
    if (f == NULL) return -1;
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, 0, SEEK_SET);
    bytes = (char *)malloc((size_t)size);
    if (bytes == NULL || fread(bytes, 1, (size_t)size, f) != (size_t)size) {
        free(bytes);
        fclose(f);
        return -1;
    }
    fclose(f);
    for (i = 0; i + len <= (size_t)size; i++) {
        if (memcmp(bytes + i, needle, len) == 0) {
            found++;
            at = (long)i;
        }
    }
    if (found == 1) {
        memcpy(bytes + at, replacement, len);
        f = fopen(path, "wb");
        if (f == NULL || fwrite(bytes, 1, (size_t)size, f) != (size_t)size) found = -1;
        if (f != NULL) fclose(f);
    }
    free(bytes);
    return found;
}

static tr_tracker *open_store(const char *path) {
    tr_tracker *t = NULL;
    CHECK_OK(tr_tracker_open(path, &t));
    if (t != NULL) CHECK_OK(tr_tracker_set_time(t, NOW));
    return t;
}

static tr_status receive(tr_tracker *t, const char *lot, const char *reference) {
    return tr_receive_lot(t, ACTOR, NULL, "FLOUR", lot, "100", "DOCK", NULL, "2026-03-01", NULL, NULL,
                          reference);
}

/* The last error's JSON holds `"key":"value"`. */
static int error_has(const char *key, const char *value) {
    char pattern[256];
    snprintf(pattern, sizeof pattern, "\"%s\":\"%s\"", key, value);
    return strstr(tr_last_error_json(), pattern) != NULL;
}

static void checkpoints(void) {
    uint8_t secret[32], public_key[32], stranger_secret[32], stranger[32], zero[32];
    tr_tracker *t, *early, *forged;
    char *checkpoint = NULL, *again = NULL, *altered = NULL;
    uint64_t count = 99;
    long long at_checkpoint, early_count;
    char *where;

    memset(secret, 7, sizeof secret);
    memset(stranger_secret, 8, sizeof stranger_secret);
    memset(zero, 0, sizeof zero);
    CHECK_OK(tr_public_key(secret, public_key));
    CHECK_OK(tr_public_key(stranger_secret, stranger));
    CHECK(memcmp(public_key, stranger, 32) != 0);
    CHECK(memcmp(public_key, secret, 32) != 0);

    /* A store with a few events; a copy of it is kept ("taken earlier"). */
    t = open_store(path_main);
    if (t == NULL) return;
    CHECK_OK(tr_register_product(t, ACTOR, NULL, "FLOUR", "lot", "kg", NULL, NULL));
    CHECK_OK(tr_register_location(t, ACTOR, NULL, "DOCK", "receiving", NULL));
    CHECK_OK(receive(t, "L1", "PO-1"));
    early_count = event_count(t);
    CHECK(early_count >= 3);
    tr_tracker_free(t);
    CHECK(copy_file(path_main, path_early));

    /* More events, then a checkpoint of the head. */
    t = open_store(path_main);
    if (t == NULL) return;
    CHECK_OK(receive(t, "L2", "PO-2"));
    CHECK_OK(receive(t, "L3", "PO-3"));
    at_checkpoint = event_count(t);
    CHECK(at_checkpoint > early_count);
    CHECK_OK(tr_checkpoint_json(t, secret, &checkpoint));
    CHECK(json_number(checkpoint, "count") == at_checkpoint);
    CHECK_CONTAINS(checkpoint, "\"head\":\"");
    CHECK_CONTAINS(checkpoint, "\"recorded_at\":\"2026-03-01T08:00:00");
    CHECK_CONTAINS(checkpoint, "\"signature\":\"");
    /* Signing is deterministic (Ed25519, same head and time). */
    CHECK_OK(tr_checkpoint_json(t, secret, &again));
    CHECK(checkpoint != NULL && again != NULL && strcmp(checkpoint, again) == 0);
    tr_string_free(again);
    if (checkpoint == NULL) {
        tr_tracker_free(t);
        return;
    }

    /* The log extends the checkpoint: now, and after more events. */
    CHECK_OK(tr_verify_against(t, checkpoint, public_key, &count));
    CHECK((long long)count == at_checkpoint);
    CHECK(strcmp(tr_last_error_json(), "{}") == 0);
    CHECK_OK(receive(t, "L4", "PO-4"));
    CHECK_OK(tr_verify_against(t, checkpoint, public_key, &count));
    CHECK((long long)count == at_checkpoint + (event_count(t) - at_checkpoint));
    CHECK((long long)count > at_checkpoint);

    /* The wrong key, or an altered checkpoint: bad_signature, seq = the count signed. */
    CHECK_STATUS(TR_ERR_TAMPERED, tr_verify_against(t, checkpoint, stranger, &count));
    CHECK(count == 0);
    CHECK(error_has("kind", "Tampered"));
    CHECK(error_has("damage", "bad_signature"));
    CHECK(json_number(tr_last_error_json(), "seq") == at_checkpoint);
    CHECK(json_number(tr_last_error_json(), "status") == TR_ERR_TAMPERED);
    CHECK_MESSAGE("signature");
    altered = (char *)malloc(strlen(checkpoint) + 1);
    if (altered != NULL) {
        strcpy(altered, checkpoint);
        where = strstr(altered, "\"count\":");
        if (where != NULL) where[8] = where[8] == '1' ? '2' : '1';
        CHECK_STATUS(TR_ERR_TAMPERED, tr_verify_against(t, altered, public_key, &count));
        CHECK(error_has("damage", "bad_signature"));
        free(altered);
    }

    /* Bad arguments: malformed JSON, a public key that is no key. */
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_verify_against(t, "{\"count\":1}", public_key, &count));
    CHECK(error_has("kind", "InvalidInput"));
    CHECK(error_has("field", "checkpoint"));
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_verify_against(t, "not json", public_key, &count));
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_verify_against(t, checkpoint, zero, &count));
    CHECK(error_has("kind", "InvalidInput"));
    CHECK(count == 0);
    tr_tracker_free(t);

    /* The copy taken earlier is the log cut short: truncated, at the count it holds. */
    early = open_store(path_early);
    if (early != NULL) {
        CHECK(event_count(early) == early_count);
        CHECK_STATUS(TR_ERR_TAMPERED, tr_verify_against(early, checkpoint, public_key, &count));
        CHECK(error_has("damage", "truncated"));
        CHECK(json_number(tr_last_error_json(), "seq") == early_count);
        CHECK_MESSAGE("truncated");
        tr_tracker_free(early);
    }

    /* The copy, continued with other events up to (and past) the checkpointed count: a
     * correctly hashed chain, but the checkpointed head is gone -- rewritten. */
    CHECK(copy_file(path_early, path_forged));
    forged = open_store(path_forged);
    if (forged != NULL) {
        CHECK_OK(receive(forged, "X2", "PO-X2"));
        CHECK_OK(receive(forged, "X3", "PO-X3"));
        CHECK_OK(receive(forged, "X4", "PO-X4"));
        CHECK(event_count(forged) > at_checkpoint);
        CHECK_OK(tr_verify_json(forged, &again));
        tr_string_free(again);
        again = NULL;
        CHECK_STATUS(TR_ERR_TAMPERED, tr_verify_against(forged, checkpoint, public_key, &count));
        CHECK(error_has("damage", "rewritten"));
        CHECK(json_number(tr_last_error_json(), "seq") == at_checkpoint - 1);
        tr_tracker_free(forged);
    }
    tr_string_free(checkpoint);
}

static void open_flags(void) {
    tr_tracker *t = NULL;
    char *damage = NULL;
    uint32_t flags[4];
    int i;
    flags[0] = 0;
    flags[1] = TR_OPEN_NO_VERIFY;
    flags[2] = TR_OPEN_SALVAGE;
    flags[3] = TR_OPEN_NO_VERIFY | TR_OPEN_SALVAGE;
    /* A healthy log opens with every combination, undamaged and writable. */
    for (i = 0; i < 4; i++) {
        t = NULL;
        CHECK_OK(tr_tracker_open_with(path_main, flags[i], &t));
        CHECK(t != NULL);
        CHECK_OK(tr_tracker_damage_json(t, &damage));
        CHECK(damage != NULL && strcmp(damage, "null") == 0);
        tr_string_free(damage);
        damage = NULL;
        CHECK_OK(tr_tracker_refresh(t));
        CHECK(event_count(t) > 0);
        tr_tracker_free(t);
    }
    /* Unknown bits are refused, naming the flags; *out stays NULL. */
    t = (tr_tracker *)&t;
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_tracker_open_with(path_main, 8u, &t));
    CHECK(t == NULL);
    CHECK(error_has("field", "flags"));
    CHECK_MESSAGE("unknown bits 0x8");
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_tracker_open_with(path_main, 0x80000000u | TR_OPEN_SALVAGE, &t));
    CHECK(t == NULL);
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_tracker_open_with("  ", 0, &t));
    CHECK(error_has("field", "path"));
    CHECK_OK(tr_tracker_open_with(":memory:", TR_OPEN_SALVAGE, &t));
    tr_tracker_free(t);
}

/* A snapshot lets the store open from it; without snapshots the log is replayed. */
static void snapshots(void) {
    tr_tracker *t = open_store(path_main);
    uint64_t covered = 0;
    long long count;
    char *out = NULL;
    CHECK_OK(tr_snapshot(t, &covered));
    count = event_count(t);
    CHECK(count > 0 && (long long)covered == count);
    CHECK_OK(tr_snapshot(t, NULL)); /* replaces it; the count is optional */
    CHECK_OK(receive(t, "SNAP-1", "PO-SNAP"));
    tr_tracker_free(t);
    /* reopened: the snapshot, then the one event after it; nothing to warn about */
    t = open_store(path_main);
    CHECK(event_count(t) == count + 1);
    CHECK_OK(tr_warnings_json(t, &out));
    CHECK(out != NULL && strcmp(out, "[]") == 0);
    tr_string_free(out);
    out = NULL;
    CHECK_OK(tr_lot_json(t, "FLOUR", "SNAP-1", &out));
    CHECK_CONTAINS(out, "\"on_hand\":\"100\"");
    tr_string_free(out);
    tr_tracker_free(t);
    t = NULL;
    CHECK_OK(tr_tracker_open_with(path_main, TR_OPEN_NO_SNAPSHOTS | TR_OPEN_NO_VERIFY, &t));
    CHECK(event_count(t) == count + 1);
    tr_tracker_free(t);
    CHECK_STATUS(TR_ERR_NULL_POINTER, tr_snapshot(NULL, &covered));
    CHECK_STATUS(TR_ERR_NULL_POINTER, tr_warnings_json(NULL, &out));
    CHECK(out == NULL);
}

/* Bulk loading: progress after each batch, a refused command named in the error JSON
 * (the batches before it stored), a callback that stops the load, bad arguments. */
#define BULK_RECEIPT(lot)                                                                   \
    "{\"receive_lot\":{\"spec\":{\"product\":\"FLOUR\",\"lot\":\"" lot "\",\"dates\":{},"        \
    "\"description\":\"\",\"attributes\":{}},\"quantity\":\"5\",\"location\":\"DOCK\"}}"

static int seen_batches = 0;

static int count_batches(const tr_bulk_progress *progress, void *user_data) {
    seen_batches++;
    CHECK(progress->batches == (uint64_t)seen_batches);
    return *(const int *)user_data;
}

static void bulk_load(void) {
    const char *six = "[" BULK_RECEIPT("B0") "," BULK_RECEIPT("B1") "," BULK_RECEIPT("B2") ","
        BULK_RECEIPT("B3") "," BULK_RECEIPT("B4") "," BULK_RECEIPT("B5") "]";
    const char *dup = "[" BULK_RECEIPT("D0") "," BULK_RECEIPT("D1") "," BULK_RECEIPT("D2") ","
        BULK_RECEIPT("D3") "," BULK_RECEIPT("D4") "," BULK_RECEIPT("D1") "]";
    const char *two = "[" BULK_RECEIPT("S0") "," BULK_RECEIPT("S1") "]";
    int go_on = 0, stop = 1;
    tr_bulk_progress loaded;
    tr_tracker *t = open_store(path_main);
    long long before = event_count(t);

    CHECK_OK(tr_bulk_load_json(t, ACTOR, "history", six, 4, count_batches, &go_on, &loaded));
    CHECK(seen_batches == 2);
    CHECK(loaded.batches == 2 && loaded.commands == 6 && loaded.events == 6);
    CHECK(event_count(t) == before + 6);

    CHECK_STATUS(TR_ERR_DUPLICATE_NUMBER, tr_bulk_load_json(t, ACTOR, NULL, dup, 4, NULL, NULL, &loaded));
    CHECK(json_number(tr_last_error_json(), "index") == 5);
    CHECK(json_number(tr_last_error_json(), "batch") == 1);
    CHECK(error_has("kind", "DuplicateNumber"));
    CHECK(loaded.batches == 1 && loaded.commands == 4);
    CHECK(event_count(t) == before + 10); /* D0..D3 stored, D4 and the second D1 not */

    seen_batches = 0;
    CHECK_OK(tr_bulk_load_json(t, ACTOR, NULL, two, 1, count_batches, &stop, &loaded));
    CHECK(seen_batches == 1 && loaded.commands == 1);
    CHECK(event_count(t) == before + 11);

    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_bulk_load_json(t, ACTOR, NULL, two, 0, NULL, NULL, &loaded));
    CHECK(error_has("field", "batch_size"));
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_bulk_load_json(t, ACTOR, NULL, "[{", 10, NULL, NULL, NULL));
    CHECK_STATUS(TR_ERR_NULL_POINTER, tr_bulk_load_json(NULL, ACTOR, NULL, two, 1, NULL, NULL, &loaded));
    CHECK_STATUS(TR_ERR_NULL_POINTER, tr_bulk_load_json(t, ACTOR, NULL, NULL, 1, NULL, NULL, &loaded));
    CHECK(loaded.batches == 0 && loaded.commands == 0 && loaded.events == 0);
    CHECK(event_count(t) == before + 11);
    tr_tracker_free(t);
}

/* A receipt's body altered in the file: refused on open, salvaged read-only up to the
 * event before it, opened on the trusted fast path (where tr_verify_json finds it). */
static void altered_body(void) {
    tr_tracker *t;
    char *json = NULL;
    long long good, bad_seq;
    int found;

    t = open_store(path_patched);
    if (t == NULL) return;
    CHECK_OK(tr_register_product(t, ACTOR, NULL, "FLOUR", "lot", "kg", NULL, NULL));
    CHECK_OK(tr_register_location(t, ACTOR, NULL, "DOCK", "receiving", NULL));
    CHECK_OK(receive(t, "L1", "PO-1"));
    good = event_count(t);
    CHECK_OK(receive(t, "L2", "PO-12345"));
    CHECK_OK(receive(t, "L3", "PO-3"));
    tr_tracker_free(t);

    found = patch_file(path_patched, "PO-12345", "PO-99999");
    CHECK(found == 1);
    if (found != 1) return;

    /* Opening verifies by default: the first bad event, body_altered. */
    t = (tr_tracker *)&t;
    CHECK_STATUS(TR_ERR_TAMPERED, tr_tracker_open(path_patched, &t));
    CHECK(t == NULL);
    CHECK(error_has("damage", "body_altered"));
    bad_seq = json_number(tr_last_error_json(), "seq");
    CHECK(bad_seq == good);
    CHECK_MESSAGE("tampered");
    CHECK_STATUS(TR_ERR_TAMPERED, tr_tracker_open_with(path_patched, 0, &t));
    CHECK(t == NULL);

    /* Salvage: read-only, up to the event before the bad one. */
    CHECK_OK(tr_tracker_open_with(path_patched, TR_OPEN_SALVAGE, &t));
    CHECK(t != NULL);
    if (t != NULL) {
        CHECK(strcmp(tr_last_error_json(), "{}") == 0);
        CHECK_OK(tr_tracker_damage_json(t, &json));
        CHECK_CONTAINS(json, "\"kind\":\"Tampered\"");
        CHECK_CONTAINS(json, "\"damage\":\"body_altered\"");
        CHECK(json_number(json, "seq") == bad_seq);
        CHECK(json_number(json, "status") == TR_ERR_TAMPERED);
        CHECK_CONTAINS(json, "\"message\":\"audit log tampered at event");
        tr_string_free(json);
        json = NULL;
        CHECK(event_count(t) == bad_seq);
        /* Queries answer about the history before it. */
        CHECK_OK(tr_lot_json(t, "FLOUR", "L1", &json));
        CHECK_CONTAINS(json, "\"L1\"");
        tr_string_free(json);
        json = NULL;
        CHECK_STATUS(TR_ERR_UNKNOWN_LOT, tr_lot_json(t, "FLOUR", "L3", &json));
        CHECK(json == NULL);
        CHECK(error_has("kind", "UnknownLot"));
        CHECK(error_has("product", "FLOUR"));
        CHECK(error_has("lot", "L3"));
        /* Commands and refresh are refused. */
        CHECK_OK(tr_tracker_set_time(t, NOW));
        CHECK_STATUS(TR_ERR_READ_ONLY, receive(t, "L9", "PO-9"));
        CHECK(error_has("kind", "ReadOnly"));
        CHECK_MESSAGE("read-only");
        CHECK_STATUS(TR_ERR_READ_ONLY, tr_tracker_refresh(t));
        CHECK(event_count(t) == bad_seq);
        tr_tracker_free(t);
    }

    /* The trusted fast path opens it (contents unchecked); verify finds the damage. */
    t = NULL;
    CHECK_OK(tr_tracker_open_with(path_patched, TR_OPEN_NO_VERIFY, &t));
    if (t != NULL) {
        CHECK_OK(tr_tracker_damage_json(t, &json));
        CHECK(json != NULL && strcmp(json, "null") == 0);
        tr_string_free(json);
        json = NULL;
        CHECK(event_count(t) > bad_seq);
        CHECK_STATUS(TR_ERR_TAMPERED, tr_verify_json(t, &json));
        CHECK(json == NULL);
        CHECK(error_has("damage", "body_altered"));
        CHECK(json_number(tr_last_error_json(), "seq") == bad_seq);
        tr_tracker_free(t);
    }
}

/* The typed fields of tr_last_error_json for the boundary's own failures. */
static void last_error_json(void) {
    tr_tracker *t = NULL;
    const char *first, *second;
    char *out = NULL;
    CHECK_OK(tr_tracker_new_memory(&t));
    CHECK(strcmp(tr_last_error_json(), "{}") == 0);
    CHECK_STATUS(TR_ERR_NULL_POINTER, tr_lot_json(t, NULL, "L1", &out));
    CHECK(error_has("kind", "NullPointer"));
    CHECK(error_has("argument", "product"));
    CHECK(json_number(tr_last_error_json(), "status") == TR_ERR_NULL_POINTER);
    /* The same pointer until the next status-returning call. */
    first = tr_last_error_json();
    second = tr_last_error_json();
    CHECK(first == second);
    CHECK_STATUS(TR_ERR_INVALID_UTF8, tr_lot_json(t, "FL\xff", "L1", &out));
    CHECK(error_has("kind", "InvalidUtf8"));
    CHECK(error_has("argument", "product"));
    CHECK_STATUS(TR_ERR_INVALID_INPUT, tr_receive_lot(t, ACTOR, NULL, "FLOUR", "L1", "1.0000000001", "DOCK",
                                                     NULL, NULL, NULL, NULL, NULL));
    CHECK(error_has("kind", "InvalidInput"));
    CHECK(strstr(tr_last_error_json(), "\"field\":\"") != NULL);
    CHECK(strstr(tr_last_error_json(), "\"reason\":\"") != NULL);
    CHECK_STATUS(TR_ERR_UNKNOWN_PRODUCT,
                 tr_receive_lot(t, ACTOR, NULL, "NOPE", "L1", "1", "DOCK", NULL, NULL, NULL, NULL, NULL));
    CHECK(error_has("kind", "UnknownProduct"));
    CHECK(error_has("product", "NOPE"));
    /* A message quoting a NUL (through JSON) is escaped in the JSON, never truncated. */
    CHECK_STATUS(TR_ERR_INVALID_INPUT,
                 tr_execute_json(t, ACTOR, NULL, "{\"register_location\":{\"id\":\"A\\u0000B\"}}"));
    CHECK(strlen(tr_last_error_json()) > 20);
    CHECK_OK(tr_tracker_refresh(t));
    CHECK(strcmp(tr_last_error_json(), "{}") == 0);
    CHECK(strcmp(tr_last_error_message(), "") == 0);
    tr_tracker_free(t);
}

/* The last error's JSON holds `"key":<raw JSON value>`. */
static int error_has_raw(const char *key, const char *value) {
    char pattern[256];
    snprintf(pattern, sizeof pattern, "\"%s\":%s", key, value);
    return strstr(tr_last_error_json(), pattern) != NULL;
}

/* The typed fields of tr_last_error_json for core errors: a shortage of one lot (where it
 * was looked for, what is available), of a product's eligible stock as a whole (no item),
 * of what a customer may return; a serial transition; a store that cannot be opened. */
static void core_error_json(void) {
    tr_tracker *t = NULL, *none = NULL;
    const tr_item lot = {TR_ITEM_LOT, "FLOUR", "L1"};
    const tr_item pump = {TR_ITEM_SERIAL, "PUMP", "SN1"};
    const char *serials[1] = {"SN1"};
    const char *locations[2] = {"DOCK", "STOCK"};
    char *out = NULL;
    CHECK_OK(tr_tracker_new_memory(&t));
    CHECK_OK(tr_tracker_set_time(t, NOW));
    CHECK_OK(tr_register_product(t, ACTOR, NULL, "FLOUR", "lot", "kg", NULL, NULL));
    CHECK_OK(tr_register_product(t, ACTOR, NULL, "PUMP", "serial", NULL, NULL, NULL));
    CHECK_OK(tr_register_location(t, ACTOR, NULL, "DOCK", "receiving", NULL));
    CHECK_OK(tr_register_location(t, ACTOR, NULL, "STOCK", "internal", NULL));
    CHECK_OK(tr_register_party(t, ACTOR, NULL, "ACME", "customer", NULL));
    CHECK_OK(receive(t, "L1", NULL));
    CHECK_OK(tr_receive_serials(t, ACTOR, NULL, "PUMP", serials, 1, "DOCK", NULL, NULL));

    CHECK_STATUS(TR_ERR_INSUFFICIENT_STOCK, tr_move(t, ACTOR, NULL, &lot, "DOCK", "STOCK", "150", false));
    CHECK(error_has("kind", "InsufficientStock"));
    CHECK(error_has_raw("item", "{\"lot\":{"));
    CHECK(error_has("product", "FLOUR"));
    CHECK(error_has_raw("locations", "[\"DOCK\"]"));
    CHECK(error_has_raw("customer", "null"));
    CHECK(error_has("requested", "150"));
    CHECK(error_has("available", "100"));
    CHECK_MESSAGE("insufficient stock of lot FLOUR/L1 at DOCK: requested 150, available 100");

    CHECK_STATUS(TR_ERR_INSUFFICIENT_STOCK,
                 tr_allocate_stock(t, ACTOR, NULL, "FLOUR", "500", "SO-1", TR_STRATEGY_FEFO, NULL, NULL,
                                   locations, 2, false, &out));
    CHECK(out == NULL);
    CHECK(error_has_raw("item", "null"));
    CHECK(error_has_raw("locations", "[\"DOCK\",\"STOCK\"]"));
    CHECK(error_has("available", "100"));
    CHECK_STATUS(TR_ERR_INSUFFICIENT_STOCK, tr_allocate(t, ACTOR, NULL, "SO-1", &lot, NULL, "500"));
    CHECK(error_has_raw("locations", "[]"));

    CHECK_STATUS(TR_ERR_INSUFFICIENT_STOCK, tr_return(t, ACTOR, NULL, "RMA-1", "ACME", &lot, "DOCK", "1", false));
    CHECK(error_has("customer", "ACME"));
    CHECK(error_has("available", "0"));

    CHECK_STATUS(TR_ERR_INVALID_TRANSITION, tr_pick(t, ACTOR, NULL, "SO-1", &pump, "1"));
    CHECK(error_has("serial", "SN1"));
    CHECK(error_has("from", "RECEIVED"));
    CHECK(error_has("to", "PICKED"));
    tr_tracker_free(t);

    CHECK_STATUS(TR_ERR_STORAGE, tr_tracker_open("/nonexistent-dir/x/y.db", &none));
    CHECK(none == NULL);
    CHECK(error_has("kind", "Storage"));
    CHECK(strstr(tr_last_error_json(), "\"detail\":\"") != NULL);
    CHECK(strstr(tr_last_error_json(), "/nonexistent-dir/x/y.db") != NULL);
}

/* The PostgreSQL store (TRACEABILITY_TEST_PG_URL, set by scripts/test.sh; without it
 * this fails, it never skips): open by URL, write, reopen, a follower woken by a write,
 * a stale server's receipt stored after another's. */
static void postgres_store(const char *prefix) {
    const char *server = getenv("TRACEABILITY_TEST_PG_URL");
    char url[2048];
    tr_tracker *t = NULL, *follower = NULL;
    uint64_t came = 99;
    long long before;
    char *out = NULL;
    CHECK(server != NULL);
    if (server == NULL) return;
    snprintf(url, sizeof url, "%s%cschema=c_%s_%ld", server, strchr(server, '?') ? '&' : '?',
             strrchr(prefix, '_') != NULL ? "asan" : "plain", (long)time(NULL));
    CHECK_OK(tr_tracker_open(url, &t));
    if (t == NULL) return;
    CHECK_OK(tr_tracker_set_time(t, NOW));
    CHECK_OK(tr_tracker_open(url, &follower));
    tr_register_product(t, ACTOR, NULL, "FLOUR", "lot", "kg", NULL, NULL);
    tr_register_location(t, ACTOR, NULL, "DOCK", "receiving", NULL);
    before = event_count(t);
    CHECK_OK(receive(t, "PG-1", "PO-PG"));
    CHECK(event_count(t) == before + 1);
    CHECK_OK(tr_wait_for_events(follower, 10000, &came));
    CHECK(came >= 1);
    CHECK(event_count(follower) == event_count(t));
    CHECK_OK(tr_wait_for_events(follower, 50, &came));
    CHECK(came == 0);
    /* A server behind another's receipt stores its own receipt of another lot after it
     * (reading the other's on the way); a lot number taken meanwhile is refused. */
    CHECK_OK(receive(t, "PG-2", "PO-PG"));
    CHECK_OK(receive(follower, "PG-3", "PO-PG"));
    CHECK(event_count(follower) == event_count(t) + 1);
    CHECK_OK(tr_lot_json(follower, "FLOUR", "PG-2", &out));
    CHECK_CONTAINS(out, "\"on_hand\":\"100\"");
    tr_string_free(out);
    out = NULL;
    CHECK_STATUS(TR_ERR_DUPLICATE_NUMBER, receive(t, "PG-3", "PO-PG"));
    CHECK(event_count(t) == event_count(follower));
    tr_tracker_free(t);
    tr_tracker_free(follower);
    t = NULL;
    CHECK_OK(tr_tracker_open(url, &t));
    CHECK_OK(tr_lot_json(t, "FLOUR", "PG-1", &out));
    CHECK_CONTAINS(out, "\"on_hand\":\"100\"");
    tr_string_free(out);
    tr_tracker_free(t);
    t = (tr_tracker *)&t;
    CHECK_STATUS(TR_ERR_STORAGE, tr_tracker_open("postgresql://postgres@127.0.0.1:1/test", &t));
    CHECK(t == NULL);
    CHECK_STATUS(TR_ERR_NULL_POINTER, tr_wait_for_events(NULL, 0, &came));
}

int main(int argc, char **argv) {
    const char *prefix = argc > 1 ? argv[1] : "audit";
    snprintf(path_main, sizeof path_main, "%s.main.db", prefix);
    snprintf(path_early, sizeof path_early, "%s.early.db", prefix);
    snprintf(path_forged, sizeof path_forged, "%s.forged.db", prefix);
    snprintf(path_patched, sizeof path_patched, "%s.patched.db", prefix);
    remove(path_main);
    remove(path_early);
    remove(path_forged);
    remove(path_patched);
    checkpoints();
    open_flags();
    snapshots();
    bulk_load();
    altered_body();
    last_error_json();
    core_error_json();
    postgres_store(prefix);
    return CHECKS_REPORT();
}
