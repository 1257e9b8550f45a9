//! CSV import for C: `tr_import_csv`. Export is the catalog query `export_csv`
//! (`tr_query_json`).

use std::ffi::{c_char, c_int, c_void};

use traceability_core::io::{catalog, csv};

use crate::args::{json_arg, opt_str_arg, str_arg};
use crate::handle::out_arg;
use crate::handle::{put_out, tr_tracker, tracker_arg};
use crate::status::tr_status;

/// Called by `tr_import_csv` as rows are validated, with the number validated so far
/// and the caller's `user_data`; returns 0 to go on, anything else to stop the import
/// (nothing is stored then). It must not call functions on the same tracker.
#[allow(non_camel_case_types)]
pub type tr_import_progress_fn =
    Option<unsafe extern "C" fn(rows: u64, user_data: *mut c_void) -> c_int>;

/// Imports `csv_text` (lots, serials or test results) with the JSON `options_json`:
/// `{"kind": "lots"|"serials"|"test_results", "mode"?: "all_or_nothing"|"valid_rows",
/// "dry_run"?: bool, "date_format"?: "%d/%m/%Y", "delimiter"?: ";",
/// "ignore_unknown_columns"?: bool}`. Headers are matched by name with the usual
/// aliases; every row is validated. `*report_json` (freed with `tr_string_free`)
/// receives `{"rows", "valid", "errors": [{"line", "column", "value", "kind",
/// "message"}], "committed": {"first_seq", "count"} | null, "stopped"}`: bad rows are
/// in the report, not in the status. The status is an error only when the file as a
/// whole cannot be imported (unreadable CSV, an unknown or missing column, bad options,
/// a failing store); nothing is stored then.
#[no_mangle]
pub unsafe extern "C" fn tr_import_csv(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    csv_text: *const c_char,
    options_json: *const c_char,
    progress: tr_import_progress_fn,
    user_data: *mut c_void,
    report_json: *mut *mut c_char,
) -> tr_status {
    ffi_guard!({
        let out = out_arg(report_json, "report_json")?;
        let tracker = tracker_arg(tracker)?;
        let actor = str_arg(actor, "actor")?;
        let reason = opt_str_arg(reason, "reason")?;
        let text = str_arg(csv_text, "csv_text")?;
        let options: csv::CsvOptions = json_arg(options_json, "options_json")?;
        let report = tracker.with(|engine| {
            let mut report = |rows: usize| match progress {
                Some(callback) => callback(rows as u64, user_data) == 0,
                None => true,
            };
            let tracker = &mut engine.tracker;
            let imported = csv::import_csv(
                tracker,
                actor,
                reason,
                text.as_bytes(),
                &options,
                &mut report,
            )?;
            Ok(catalog::encode(&imported)?)
        })?;
        put_out(out, Some(report))
    })
}
