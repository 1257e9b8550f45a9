/* The header must compile as strict C89 (old ERP toolchains): run.sh compiles this with
 * -std=c89 -pedantic-errors. It only declares, never links. */
#include "traceability.h"

int c89_uses_the_header(tr_tracker *t);

int c89_uses_the_header(tr_tracker *t) {
    tr_item item;
    char *json = 0;
    tr_status status;
    item.kind = TR_ITEM_LOT;
    item.product = "FLOUR";
    item.number = "L1";
    status = tr_history_json(t, &item, &json);
    tr_string_free(json);
    return status == TR_OK && TR_VERSION_MAJOR >= 0 ? 0 : 1;
}
