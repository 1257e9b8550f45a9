/* Per-call cost through the C ABI, from C: the same loops as
 * traceability-ffi/examples/overhead.rs. Usage: bench [N] */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "traceability.h"

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void report(const char *label, double start, long n) {
    printf("%-44s %9.0f ns/call\n", label, (now_ns() - start) / (double)n);
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 100000, i;
    tr_tracker *t = NULL;
    tr_item lot = {TR_ITEM_LOT, "FLOUR", "L1"};
    double start;
    if (tr_tracker_new_memory(&t) != TR_OK) return 1;
    tr_register_product(t, "ana", NULL, "FLOUR", "lot", NULL, NULL, NULL);
    tr_register_location(t, "ana", NULL, "DOCK", "receiving", NULL);
    if (tr_receive_lot(t, "ana", NULL, "FLOUR", "L1", "100", "DOCK", NULL, NULL, NULL, NULL, NULL) != TR_OK) return 1;
    printf("N = %ld\n", n);

    start = now_ns();
    for (i = 0; i < n; i++)
        if (tr_adjust(t, "ana", "count", "FLOUR", "L1", "DOCK", "1") != TR_OK) return 1;
    report("c: tr_adjust", start, n);

    start = now_ns();
    for (i = 0; i < n; i++) {
        char *json = NULL;
        if (tr_lot_json(t, "FLOUR", "L1", &json) != TR_OK) return 1;
        tr_string_free(json);
    }
    report("c: tr_lot_json + tr_string_free", start, n);

    start = now_ns();
    for (i = 0; i < n; i++)
        if (tr_pick(NULL, "ana", NULL, "SO", &lot, "1") != TR_ERR_NULL_POINTER) return 1;
    report("c: tr_pick(NULL, ...) (guard + error only)", start, n);

    tr_tracker_free(t);
    return 0;
}
