// A small RAII wrapper over the C API, for C++ hosts: handles free themselves, every
// failed status becomes a tr::Error carrying its code, message and typed fields (the
// JSON of tr_last_error_json), and JSON results come back as std::string.
#ifndef TRACEABILITY_HPP
#define TRACEABILITY_HPP

#include <array>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "traceability.h"

namespace tr {

// A failed call: its status code (TR_ERR_*), "TR_ERR_NAME: message" as what(), and its
// typed fields as JSON (tr_last_error_json: {"status":N,"kind":"...","message":"...",...},
// e.g. "seq" and "damage" for TR_ERR_TAMPERED).
class Error : public std::runtime_error {
public:
    Error(tr_status status, const char *message, const char *json = "{}")
        : std::runtime_error(std::string(tr_status_name(status)) + ": " + message), status_(status), json_(json) {}
    tr_status status() const { return status_; }
    const std::string &json() const { return json_; }
    // The audit chain is broken, or no longer extends a checkpoint (see json()["damage"]).
    bool tampered() const { return status_ == TR_ERR_TAMPERED; }
    // Another writer appended first: refresh (or simply retry the command).
    bool stale_writer() const { return status_ == TR_ERR_STALE_WRITER; }
    // An intact event in the log cannot be applied; the store can be opened read-only up to it.
    bool unreplayable() const { return status_ == TR_ERR_UNREPLAYABLE; }
    // The tracker was opened read-only (salvaged) and refuses commands.
    bool read_only() const { return status_ == TR_ERR_READ_ONLY; }
    // A caught internal panic: a bug in the library, never caused by input. The tracker
    // reloaded its store and is usable, unless later calls keep failing with this code.
    bool panic() const { return status_ == TR_ERR_PANIC; }

private:
    tr_status status_;
    std::string json_;
};

inline void check(tr_status status) {
    if (status != TR_OK) throw Error(status, tr_last_error_message(), tr_last_error_json());
}

// A 32-byte Ed25519 key (a signing key's secret seed, or a public key).
using Key = std::array<std::uint8_t, 32>;

// The public key of a signing key, for whoever verifies checkpoints.
inline Key public_key(const Key &signing_key) {
    Key out{};
    check(tr_public_key(signing_key.data(), out.data()));
    return out;
}

// Calls a query `f(char **out)` and returns its JSON text, freed by the library.
template <typename F>
std::string json(F &&query) {
    char *out = nullptr;
    check(std::forward<F>(query)(&out));
    std::unique_ptr<char, decltype(&tr_string_free)> owned(out, &tr_string_free);
    return std::string(owned.get());
}

class Tracker {
public:
    static Tracker in_memory() {
        tr_tracker *raw = nullptr;
        check(tr_tracker_new_memory(&raw));
        return Tracker(raw);
    }
    static Tracker open(const std::string &path) {
        tr_tracker *raw = nullptr;
        check(tr_tracker_open(path.c_str(), &raw));
        return Tracker(raw);
    }
    // Opens with flags: TR_OPEN_NO_VERIFY (trusted fast path), TR_OPEN_SALVAGE (a damaged
    // log opens read-only up to its first bad event; see damage()).
    static Tracker open(const std::string &path, std::uint32_t flags) {
        tr_tracker *raw = nullptr;
        check(tr_tracker_open_with(path.c_str(), flags, &raw));
        return Tracker(raw);
    }
    // The raw handle, for calling any tr_ function; still owned by this object.
    tr_tracker *get() const { return handle_.get(); }
    void set_time(const char *instant) { check(tr_tracker_set_time(get(), instant)); }
    // Reads what other writers appended to a shared store since this tracker last read it.
    void refresh() { check(tr_tracker_refresh(get())); }
    // How far this tracker has read: the number of events (does not refresh).
    unsigned long long event_count() const {
        const std::string text = head();
        const std::string key = "\"event_count\":";
        std::string::size_type at = text.find(key);
        return at == std::string::npos ? 0 : std::stoull(text.substr(at + key.size()));
    }
    std::string lot(const char *product, const char *lot) const {
        return json([&](char **out) { return tr_lot_json(get(), product, lot, out); });
    }
    std::string serial(const char *product, const char *serial) const {
        return json([&](char **out) { return tr_serial_json(get(), product, serial, out); });
    }
    std::string history(const tr_item &item) const {
        return json([&](char **out) { return tr_history_json(get(), &item, out); });
    }
    // Lets the engine choose lots (or serials) of `product` for `order` by `strategy`
    // (TR_STRATEGY_FEFO/FIFO/LIFO); returns the allocation as JSON. Optional arguments:
    // nullptr / empty for "not given".
    std::string allocate_stock(const char *actor, const char *product, const char *quantity, const char *order,
                               tr_strategy strategy, const char *ship_date = nullptr,
                               const char *min_remaining_shelf_life_pct = nullptr,
                               const std::vector<const char *> &locations = {}, bool partial = false) {
        return json([&](char **out) {
            return tr_allocate_stock(get(), actor, nullptr, product, quantity, order, strategy, ship_date,
                                     min_remaining_shelf_life_pct, locations.data(), locations.size(), partial,
                                     out);
        });
    }
    std::string expiry_report(const char *as_of = nullptr, const char *product = nullptr) const {
        return json([&](char **out) { return tr_expiry_report_json(get(), as_of, product, out); });
    }
    std::string certificate_of_analysis(const char *product, const char *lot) const {
        return json([&](char **out) { return tr_certificate_of_analysis_json(get(), product, lot, out); });
    }
    std::string head() const { return json([&](char **out) { return tr_head_json(get(), out); }); }
    // Why a salvaged tracker stopped replaying (JSON), or "null" for a healthy log.
    std::string damage() const { return json([&](char **out) { return tr_tracker_damage_json(get(), out); }); }
    // The head signed with `signing_key` (checkpoint JSON); keep it outside the store.
    std::string checkpoint(const Key &signing_key) const {
        return json([&](char **out) { return tr_checkpoint_json(get(), signing_key.data(), out); });
    }
    // Proves the log still extends `checkpoint`; returns how many events it holds. Throws
    // tr::Error (tampered(), damage "truncated", "rewritten", "bad_signature", ...).
    std::uint64_t verify_against(const std::string &checkpoint, const Key &public_key) const {
        std::uint64_t count = 0;
        check(tr_verify_against(get(), checkpoint.c_str(), public_key.data(), &count));
        return count;
    }
    std::string verify() const { return json([&](char **out) { return tr_verify_json(get(), out); }); }

    // Trace and recall (issue 3): JSON text, or with *_render a diagram in `format`
    // (TR_FORMAT_DOT or TR_FORMAT_MERMAID).
    std::string trace_forward(const tr_item &item) const {
        return json([&](char **out) { return tr_trace_forward_json(get(), &item, out); });
    }
    std::string trace_backward(const tr_item &item) const {
        return json([&](char **out) { return tr_trace_backward_json(get(), &item, out); });
    }
    std::string trace_forward_render(const tr_item &item, tr_format format) const {
        return json([&](char **out) { return tr_trace_forward_render(get(), &item, format, out); });
    }
    std::string trace_backward_render(const tr_item &item, tr_format format) const {
        return json([&](char **out) { return tr_trace_backward_render(get(), &item, format, out); });
    }
    std::string recall_report(const std::vector<tr_item> &suspects) const {
        return json([&](char **out) { return tr_recall_report_json(get(), suspects.data(), suspects.size(), out); });
    }
    std::string recall_report_render(const std::vector<tr_item> &suspects, tr_format format) const {
        return json([&](char **out) {
            return tr_recall_report_render(get(), suspects.data(), suspects.size(), format, out);
        });
    }
    // A recall; with `hold`, every affected lot and in-custody serial is put on hold.
    std::string recall(const char *actor, const char *reason, const std::vector<tr_item> &suspects, bool hold) {
        return json([&](char **out) {
            return tr_recall(get(), actor, reason, suspects.data(), suspects.size(), hold, out);
        });
    }
    void place_hold(const char *actor, const char *reason, const std::vector<tr_item> &items) {
        check(tr_place_hold(get(), actor, reason, items.data(), items.size()));
    }
    void release_hold(const char *actor, const char *reason, const std::vector<tr_item> &items) {
        check(tr_release_hold(get(), actor, reason, items.data(), items.size()));
    }

private:
    explicit Tracker(tr_tracker *raw) : handle_(raw, &tr_tracker_free) {}
    std::unique_ptr<tr_tracker, decltype(&tr_tracker_free)> handle_;
};

}  // namespace tr

#endif
