//! Numbering: named schemes, numbers issued ahead of use, and the numbers the last
//! command drew. The next number of a product (`preview_number`) and the schemes
//! (`numbering_schemes`) are catalog queries (`tr_query_json`).

use std::ffi::c_char;

use traceability_core::{Command, IssueNumbers, NumberingScheme};

use crate::args::{id_arg, opt_date_arg, opt_id_arg, opt_text_arg, str_arg};
use crate::handle::{engine_query_json, submit, to_json, tr_tracker};
use crate::status::tr_status;

/// Defines (or redefines) the numbering scheme `id` with `pattern` (e.g.
/// "{Y}{DDD}-{SEQ:3:DAILY}"; syntax in the README); `description` may be NULL. A bad
/// pattern is TR_ERR_INVALID_INPUT naming the position.
#[no_mangle]
pub unsafe extern "C" fn tr_define_numbering_scheme(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    id: *const c_char,
    pattern: *const c_char,
    description: *const c_char,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            Ok(Command::DefineNumberingScheme(NumberingScheme {
                id: id_arg(id, "id")?,
                pattern: str_arg(pattern, "pattern")?.to_owned(),
                description: opt_text_arg(description, "description")?.unwrap_or_default(),
            }))
        })
    })
}

/// Issues `count` numbers from `product`'s scheme ahead of use (e.g. for labels); read
/// them with `tr_last_numbers_json`. `date` ("YYYY-MM-DD", NULL: today) dates them;
/// `location` (may be NULL) fills the pattern's `{LOCATION}`.
#[no_mangle]
pub unsafe extern "C" fn tr_issue_numbers(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    product: *const c_char,
    count: u32,
    date: *const c_char,
    location: *const c_char,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            Ok(Command::IssueNumbers(IssueNumbers {
                product: id_arg(product, "product")?,
                count,
                date: opt_date_arg(date, "date")?,
                location: opt_id_arg(location, "location")?,
            }))
        })
    })
}

/// The lot/serial numbers the last command or batch run through this handle drew from
/// numbering schemes (a receipt or production given no number, `tr_issue_numbers`), as
/// a JSON array of strings in `*out` (`[]` when it drew none), freed with
/// `tr_string_free`.
#[no_mangle]
pub unsafe extern "C" fn tr_last_numbers_json(
    tracker: *const tr_tracker,
    out: *mut *mut c_char,
) -> tr_status {
    ffi_guard!({
        engine_query_json(tracker, out, |engine| {
            let issued = match engine.last_committed {
                Some(committed) => engine.tracker.issued_numbers(committed)?,
                None => Vec::new(),
            };
            let numbers: Vec<String> = issued.into_iter().map(|n| n.number).collect();
            to_json(&numbers)
        })
    })
}
