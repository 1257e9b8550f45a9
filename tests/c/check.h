/* A tiny check harness shared by the C tests. Every CHECK is counted; the program ends
 * with CHECKS_REPORT(), printing "CHECKS passed=P failed=F", which run.sh parses and
 * compares with the minimum it expects, so a suite that silently stops running fails. */
#ifndef TR_TEST_CHECK_H
#define TR_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "traceability.h"

static int checks_passed = 0;
static int checks_failed = 0;

static void check_record(int ok, const char *what, const char *file, int line) {
    if (ok) {
        checks_passed++;
    } else {
        checks_failed++;
        fprintf(stderr, "FAIL %s:%d: %s (last error: \"%s\")\n", file, line, what,
                tr_last_error_message());
    }
}

#define CHECK(cond) check_record((cond) != 0, #cond, __FILE__, __LINE__)

/* The call returns `expected`. */
#define CHECK_STATUS(expected, call)                                                    \
    do {                                                                                \
        tr_status check_status_ = (call);                                               \
        if (check_status_ != (expected))                                                \
            fprintf(stderr, "  got %s, expected %s\n", tr_status_name(check_status_),   \
                    tr_status_name(expected));                                          \
        check_record(check_status_ == (expected), #call " == " #expected, __FILE__,     \
                     __LINE__);                                                         \
    } while (0)

#define CHECK_OK(call) CHECK_STATUS(TR_OK, call)

/* The last error message on this thread contains `needle`. */
#define CHECK_MESSAGE(needle) CHECK(strstr(tr_last_error_message(), (needle)) != NULL)

/* `text` (possibly NULL) contains `needle`. */
#define CHECK_CONTAINS(text, needle) CHECK((text) != NULL && strstr((text), (needle)) != NULL)

/* The number after `"key":` in `json` (the first occurrence), or -1. */
static inline long long json_number(const char *json, const char *key) {
    char pattern[64];
    const char *at;
    if (json == NULL) return -1;
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    at = strstr(json, pattern);
    return at == NULL ? -1 : strtoll(at + strlen(pattern), NULL, 10);
}

/* The tracker's event count (tr_head_json), or -1. */
static inline long long event_count(const tr_tracker *t) {
    char *head = NULL;
    long long count = -1;
    if (tr_head_json(t, &head) == TR_OK) count = json_number(head, "event_count");
    tr_string_free(head);
    return count;
}

#define CHECKS_REPORT()                                                                 \
    (printf("CHECKS passed=%d failed=%d\n", checks_passed, checks_failed),              \
     checks_failed == 0 ? 0 : 1)

#endif
