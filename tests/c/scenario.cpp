// The scenario and the error paths through the C++ RAII wrapper, plus one handle
// shared by several threads.
#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "traceability.hpp"

extern "C" {
#include "check.h"
}

namespace {

const char *const ACTOR = "ana";
const tr_item FLOUR_L1 = {TR_ITEM_LOT, "FLOUR", "L1"};
const tr_item PUMP_SN1 = {TR_ITEM_SERIAL, "PUMP", "SN1"};

bool contains(const std::string &text, const char *needle) { return text.find(needle) != std::string::npos; }

// Runs `f`, expecting a tr::Error with `status` whose message contains `needle`.
template <typename F>
void expect_error(tr_status status, const char *needle, F &&f) {
    try {
        f();
        CHECK(!"no error was thrown");
    } catch (const tr::Error &e) {
        CHECK(e.status() == status);
        CHECK(contains(e.what(), needle));
    }
}

void scenario(tr::Tracker &t) {
    tr_tracker *h = t.get();
    const char *pumps[] = {"SN1"};
    tr::check(tr_register_product(h, ACTOR, nullptr, "FLOUR", "lot", "kg", nullptr, nullptr));
    tr::check(tr_register_product(h, ACTOR, nullptr, "BREAD", "lot", nullptr, nullptr, nullptr));
    tr::check(tr_register_product(h, ACTOR, nullptr, "PUMP", "serial", nullptr, nullptr, nullptr));
    tr::check(tr_register_location(h, ACTOR, nullptr, "DOCK", "receiving", nullptr));
    tr::check(tr_register_location(h, ACTOR, nullptr, "STOCK", "internal", nullptr));
    tr::check(tr_register_party(h, ACTOR, nullptr, "ACME", "customer", "Acme"));
    tr::check(tr_receive_lot(h, ACTOR, nullptr, "FLOUR", "L1", "0.1", "DOCK", nullptr, nullptr, nullptr,
                             nullptr, nullptr));
    tr::check(tr_adjust(h, ACTOR, "found more", "FLOUR", "L1", "DOCK", "0.2"));
    tr::check(tr_receive_serials(h, ACTOR, nullptr, "PUMP", pumps, 1, "DOCK", nullptr, nullptr));
    tr::check(tr_move(h, ACTOR, nullptr, &FLOUR_L1, "DOCK", "STOCK", "0.3", false));
    tr::check(tr_move(h, ACTOR, nullptr, &PUMP_SN1, "DOCK", "STOCK", "1", false));
    tr_line consumed[] = {{FLOUR_L1, "STOCK", "0.1"}};
    tr_output outputs[] = {{TR_OUTPUT_NEW_LOT, "BREAD", "B1", "2", "STOCK"}};
    tr::check(tr_produce(h, ACTOR, nullptr, "WO-1", consumed, 1, outputs, 1, nullptr, false));
    tr::check(tr_allocate(h, ACTOR, nullptr, "SO-1", &PUMP_SN1, nullptr, "1"));
    tr::check(tr_pick(h, ACTOR, nullptr, "SO-1", &PUMP_SN1, "1"));
    tr::check(tr_ship(h, ACTOR, nullptr, "SH-1", "SO-1", "ACME", "2026-03-01", false));
    CHECK(contains(t.serial("PUMP", "SN1"), "\"SHIPPED\""));
    CHECK(contains(t.lot("FLOUR", "L1"), "\"on_hand\":\"0.2\""));
    CHECK(contains(t.history(FLOUR_L1), "WO-1"));
    CHECK(contains(t.head(), "\"event_count\":15"));
    CHECK(contains(t.verify(), "\"verified_events\":15"));
}

void error_paths(tr::Tracker &t) {
    tr_tracker *h = t.get();
    expect_error(TR_ERR_NULL_POINTER, "`tracker`", [] { tr::check(tr_pick(nullptr, ACTOR, nullptr, "SO", &FLOUR_L1, "1")); });
    expect_error(TR_ERR_NULL_POINTER, "`order`", [&] { tr::check(tr_pick(h, ACTOR, nullptr, nullptr, &FLOUR_L1, "1")); });
    expect_error(TR_ERR_INVALID_UTF8, "`product`", [&] { t.lot("\xff", "L1"); });
    expect_error(TR_ERR_UNKNOWN_LOT, "unknown lot FLOUR/L9", [&] { t.lot("FLOUR", "L9"); });
    expect_error(TR_ERR_INVALID_TRANSITION, "is SHIPPED, cannot become PICKED", [&] {
        tr::check(tr_pick(h, ACTOR, nullptr, "SO-1", &PUMP_SN1, "1"));
    });
    expect_error(TR_ERR_DUPLICATE_NUMBER, "duplicate", [&] {
        tr::check(tr_register_location(h, ACTOR, nullptr, "DOCK", "receiving", nullptr));
    });
    expect_error(TR_ERR_INSUFFICIENT_STOCK, "available 0.2", [&] {
        tr::check(tr_allocate(h, ACTOR, nullptr, "SO-2", &FLOUR_L1, "STOCK", "5"));
    });
    expect_error(TR_ERR_NULL_POINTER, "`out`", [] { tr::check(tr_tracker_new_memory(nullptr)); });
}

// Several threads share one handle: every command lands, none is lost or torn.
void threads(tr::Tracker &t) {
    const int thread_count = 4, lots_per_thread = 25;
    std::atomic<int> failures{0};
    std::vector<std::thread> workers;
    for (int w = 0; w < thread_count; w++) {
        workers.emplace_back([&, w] {
            for (int i = 0; i < lots_per_thread; i++) {
                std::string lot = "T" + std::to_string(w) + "-" + std::to_string(i);
                if (tr_receive_lot(t.get(), "worker", nullptr, "FLOUR", lot.c_str(), "1", "DOCK", nullptr,
                                   nullptr, nullptr, nullptr, nullptr) != TR_OK)
                    failures++;
                // Each thread has its own last error message.
                if (tr_lot_json(t.get(), "FLOUR", "missing", nullptr) != TR_ERR_NULL_POINTER ||
                    std::string(tr_last_error_message()) != "argument `out` is NULL")
                    failures++;
            }
        });
    }
    for (auto &worker : workers) worker.join();
    CHECK(failures == 0);
    CHECK(contains(t.head(), "\"event_count\":115"));
    CHECK(contains(t.verify(), "\"verified_events\":115"));
}

// Issue 4 through the wrapper: allocation by strategy, and reports.
void allocation_and_reports(tr::Tracker &t) {
    std::string allocation = t.allocate_stock(ACTOR, "BREAD", "1.5", "SO-7", TR_STRATEGY_FEFO);
    CHECK(contains(allocation, "\"lot\":\"B1\""));
    CHECK(contains(allocation, "\"allocated\":\"1.5\""));
    expect_error(TR_ERR_INSUFFICIENT_STOCK, "available 0.5", [&] {
        t.allocate_stock(ACTOR, "BREAD", "5", "SO-8", TR_STRATEGY_LIFO, "2026-03-02", nullptr, {"STOCK"});
    });
    CHECK(contains(t.allocate_stock(ACTOR, "BREAD", "5", "SO-8", TR_STRATEGY_FIFO, nullptr, nullptr, {}, true),
                   "\"shortfall\":\"4.5\""));
    CHECK(contains(t.expiry_report("2026-03-01", "BREAD"), "\"bucket\":\"no_expiry\",\"lots\":1"));
    CHECK(contains(t.certificate_of_analysis("FLOUR", "L1"), "\"all_tests_passed\":false"));
    expect_error(TR_ERR_UNKNOWN_LOT, "unknown lot BREAD/B9", [&] { t.certificate_of_analysis("BREAD", "B9"); });
}

// Trace and recall through the wrapper, on a tracker of its own (issue 3).
void trace_and_recall() {
    tr::Tracker t = tr::Tracker::in_memory();
    t.set_time("2026-03-01T08:00:00Z");
    tr_tracker *h = t.get();
    const tr_item BREAD_B1 = {TR_ITEM_LOT, "BREAD", "B1"};
    tr::check(tr_register_product(h, ACTOR, nullptr, "FLOUR", "lot", "kg", nullptr, nullptr));
    tr::check(tr_register_product(h, ACTOR, nullptr, "BREAD", "lot", nullptr, nullptr, nullptr));
    tr::check(tr_register_location(h, ACTOR, nullptr, "STOCK", "internal", nullptr));
    tr::check(tr_register_party(h, ACTOR, nullptr, "MILL", "supplier", nullptr));
    tr::check(tr_register_party(h, ACTOR, nullptr, "ACME", "customer", nullptr));
    tr::check(tr_receive_lot(h, ACTOR, nullptr, "FLOUR", "L1", "10", "STOCK", "MILL", nullptr, nullptr,
                             nullptr, nullptr));
    tr_line consumed[] = {{FLOUR_L1, "STOCK", "1"}};
    tr_output outputs[] = {{TR_OUTPUT_NEW_LOT, "BREAD", "B1", "4", "STOCK"}};
    tr::check(tr_produce(h, ACTOR, nullptr, "WO-1", consumed, 1, outputs, 1, nullptr, false));
    tr::check(tr_allocate(h, ACTOR, nullptr, "SO-1", &BREAD_B1, nullptr, "1"));
    tr::check(tr_pick(h, ACTOR, nullptr, "SO-1", &BREAD_B1, "1"));
    tr::check(tr_ship(h, ACTOR, nullptr, "SH-1", "SO-1", "ACME", nullptr, false));
    CHECK(contains(t.trace_forward(FLOUR_L1), "\"customers\":[\"ACME\"]"));
    CHECK(contains(t.trace_backward(BREAD_B1), "\"suppliers\":[\"MILL\"]"));
    CHECK(t.trace_forward_render(FLOUR_L1, TR_FORMAT_DOT).rfind("digraph", 0) == 0);
    CHECK(t.trace_backward_render(BREAD_B1, TR_FORMAT_MERMAID).rfind("flowchart", 0) == 0);
    CHECK(contains(t.recall_report({FLOUR_L1}), "\"held\":[]"));
    CHECK(contains(t.recall_report_render({FLOUR_L1}, TR_FORMAT_MERMAID), "ACME"));
    CHECK(contains(t.recall(ACTOR, "mould", {FLOUR_L1}, true), "\"reason\":\"mould\""));
    expect_error(TR_ERR_NOT_USABLE, "on recall hold", [&] {
        tr::check(tr_allocate(h, ACTOR, nullptr, "SO-2", &BREAD_B1, nullptr, "1"));
    });
    expect_error(TR_ERR_INVALID_INPUT, "reason", [&] { t.release_hold(ACTOR, nullptr, {BREAD_B1}); });
    t.release_hold(ACTOR, "cleared", {BREAD_B1});
    tr::check(tr_allocate(h, ACTOR, nullptr, "SO-2", &BREAD_B1, nullptr, "1"));
    t.place_hold(ACTOR, "again", {BREAD_B1});
    expect_error(TR_ERR_UNKNOWN_LOT, "unknown lot", [&] { t.trace_forward({TR_ITEM_LOT, "FLOUR", "L9"}); });
    expect_error(TR_ERR_INVALID_INPUT, "suspect", [&] { t.recall_report({}); });
}

// Two trackers on one SQLite file: the second catches up on refresh (issue 9).
void refresh(const std::string &path) {
    std::remove(path.c_str());
    {
        tr::Tracker writer = tr::Tracker::open(path);
        tr::Tracker reader = tr::Tracker::open(path);
        tr::check(tr_register_product(writer.get(), ACTOR, nullptr, "FLOUR", "lot", "kg", nullptr, nullptr));
        tr::check(tr_register_location(writer.get(), ACTOR, nullptr, "DOCK", "receiving", nullptr));
        tr::check(tr_receive_lot(writer.get(), ACTOR, nullptr, "FLOUR", "L1", "3", "DOCK", nullptr, nullptr,
                                 nullptr, nullptr, nullptr));
        CHECK(reader.event_count() == 0);
        expect_error(TR_ERR_UNKNOWN_LOT, "FLOUR/L1", [&] { reader.lot("FLOUR", "L1"); });
        reader.refresh();
        CHECK(reader.event_count() == 3 && writer.event_count() == 3);
        CHECK(contains(reader.lot("FLOUR", "L1"), "\"on_hand\":\"3\""));
        CHECK(reader.head() == writer.head());
    }
    std::remove(path.c_str());
}

// The error codes of issue 9 have names and predicates in the wrapper.
void status_codes() {
    tr::Error unreplayable(TR_ERR_UNREPLAYABLE, "event 7 cannot be applied");
    CHECK(unreplayable.unreplayable() && !unreplayable.read_only());
    CHECK(std::string(unreplayable.what()) == "TR_ERR_UNREPLAYABLE: event 7 cannot be applied");
    tr::Error read_only(TR_ERR_READ_ONLY, "salvaged");
    CHECK(read_only.read_only() && std::string(read_only.what()).rfind("TR_ERR_READ_ONLY: ", 0) == 0);
    CHECK(tr::Error(TR_ERR_PANIC, "bug").panic() && tr::Error(TR_ERR_STALE_WRITER, "x").stale_writer());
    expect_error(TR_ERR_INVALID_INPUT, "path", [] { tr::Tracker::open(""); });
    expect_error(TR_ERR_INVALID_INPUT, "flags", [] { tr::Tracker::open(":memory:", 8u); });
    try {
        tr::Tracker::open("  ", TR_OPEN_SALVAGE);
        CHECK(!"no error was thrown");
    } catch (const tr::Error &e) {
        CHECK(contains(e.json(), "\"kind\":\"InvalidInput\"") && contains(e.json(), "\"field\":\"path\""));
    }
}

// Checkpoints and open flags through the wrapper (issue 9); tests/c/audit.c goes further.
void checkpoints(const std::string &path) {
    tr::Key secret{};
    secret.fill(3);
    tr::Key stranger{};
    stranger.fill(4);
    const tr::Key public_key = tr::public_key(secret);
    std::string checkpoint;
    std::remove(path.c_str());
    {
        tr::Tracker t = tr::Tracker::open(path, TR_OPEN_SALVAGE);
        CHECK(t.damage() == "null");
        t.set_time("2026-03-01T08:00:00Z");
        tr::check(tr_register_location(t.get(), ACTOR, nullptr, "DOCK", "receiving", nullptr));
        checkpoint = t.checkpoint(secret);
        CHECK(contains(checkpoint, "\"signature\":\""));
        CHECK(t.verify_against(checkpoint, public_key) == t.event_count());
        try {
            t.verify_against(checkpoint, tr::public_key(stranger));
            CHECK(!"no error was thrown");
        } catch (const tr::Error &e) {
            CHECK(e.tampered() && contains(e.json(), "\"damage\":\"bad_signature\""));
        }
    }
    {
        tr::Tracker again = tr::Tracker::open(path, TR_OPEN_NO_VERIFY);
        CHECK(again.verify_against(checkpoint, public_key) == again.event_count());
    }
    std::remove(path.c_str());
}

}  // namespace

int main(int argc, char **argv) {
    tr::Tracker t = tr::Tracker::in_memory();
    t.set_time("2026-03-01T08:00:00Z");
    scenario(t);
    error_paths(t);
    threads(t);
    allocation_and_reports(t);
    trace_and_recall();
    refresh(argc > 1 ? argv[1] : "scenario-cpp-test.db");
    status_codes();
    checkpoints(std::string(argc > 1 ? argv[1] : "scenario-cpp-test.db") + ".audit");
    return CHECKS_REPORT();
}
