//! Status codes, the thread-local last error message, and the one panic guard every
//! export goes through.

use std::any::Any;
use std::cell::RefCell;
use std::ffi::{c_char, c_int, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

use traceability_core::{ErrorKind, TraceError};

/// The result of every fallible call: one of the `TR_*` codes below. `TR_OK` is 0; every
/// other value is an error whose explanation `tr_last_error_message()` returns on the
/// same thread.
///
/// Codes 1..=99 are the core's error kinds, 100 and up are failures of the C boundary.
/// Values are stable: new kinds get new numbers. (An `int` with `#define`d codes rather
/// than a C `enum`: a fixed width, and a header that stays valid C89.)
#[allow(non_camel_case_types)]
pub type tr_status = c_int;

/// Success.
pub const TR_OK: tr_status = 0;
/// A field is malformed: empty identifier, bad decimal, bad date, bad JSON, missing reason.
pub const TR_ERR_INVALID_INPUT: tr_status = 1;
/// The product is not registered.
pub const TR_ERR_UNKNOWN_PRODUCT: tr_status = 2;
/// The lot does not exist.
pub const TR_ERR_UNKNOWN_LOT: tr_status = 3;
/// The serial does not exist.
pub const TR_ERR_UNKNOWN_SERIAL: tr_status = 4;
/// The location is not registered.
pub const TR_ERR_UNKNOWN_LOCATION: tr_status = 5;
/// The party is not registered.
pub const TR_ERR_UNKNOWN_PARTY: tr_status = 6;
/// The order has no allocations (or none for that item).
pub const TR_ERR_UNKNOWN_ORDER: tr_status = 7;
/// A number or code that must be unique is already taken.
pub const TR_ERR_DUPLICATE_NUMBER: tr_status = 8;
/// The product is tracked differently from what the command needs.
pub const TR_ERR_WRONG_TRACKING: tr_status = 9;
/// The party does not have the role the command needs.
pub const TR_ERR_WRONG_ROLE: tr_status = 10;
/// A quantity is zero, negative, or not allowed here.
pub const TR_ERR_INVALID_QUANTITY: tr_status = 11;
/// More was asked than is available.
pub const TR_ERR_INSUFFICIENT_STOCK: tr_status = 12;
/// An illegal serial lifecycle transition.
pub const TR_ERR_INVALID_TRANSITION: tr_status = 13;
/// The lot is expired on the date it would be used.
pub const TR_ERR_EXPIRED_LOT: tr_status = 14;
/// The item is on hold, quarantined, rejected or inactive.
pub const TR_ERR_NOT_USABLE: tr_status = 15;
/// Another writer appended to the shared store first.
pub const TR_ERR_STALE_WRITER: tr_status = 16;
/// The audit chain is broken.
pub const TR_ERR_TAMPERED: tr_status = 17;
/// The store failed (I/O, database error).
pub const TR_ERR_STORAGE: tr_status = 18;
/// An intact event in the log cannot be applied to the state before it; the store can
/// be opened read-only up to it (salvage).
pub const TR_ERR_UNREPLAYABLE: tr_status = 19;
/// The tracker was opened read-only (salvaged) and refuses commands.
pub const TR_ERR_READ_ONLY: tr_status = 20;
/// A required pointer argument was NULL.
pub const TR_ERR_NULL_POINTER: tr_status = 100;
/// A string argument was not valid UTF-8.
pub const TR_ERR_INVALID_UTF8: tr_status = 101;
/// The library panicked (a bug: no input should cause it); the panic was caught and
/// nothing unwound into C. A tracker that panicked while in use rebuilds its state by
/// replaying its store before the call returns, and stays usable: it shows exactly what
/// the log holds (a command whose events were stored before the panic is kept; one whose
/// events were not stored left no trace). Only if that replay fails does the tracker
/// refuse every later call with this code; free it then (its store is untouched) and open
/// the store again.
pub const TR_ERR_PANIC: tr_status = 102;

/// Every code with its name as written in the header.
pub const STATUS_NAMES: [(tr_status, &CStr); 24] = [
    (TR_OK, c"TR_OK"),
    (TR_ERR_INVALID_INPUT, c"TR_ERR_INVALID_INPUT"),
    (TR_ERR_UNKNOWN_PRODUCT, c"TR_ERR_UNKNOWN_PRODUCT"),
    (TR_ERR_UNKNOWN_LOT, c"TR_ERR_UNKNOWN_LOT"),
    (TR_ERR_UNKNOWN_SERIAL, c"TR_ERR_UNKNOWN_SERIAL"),
    (TR_ERR_UNKNOWN_LOCATION, c"TR_ERR_UNKNOWN_LOCATION"),
    (TR_ERR_UNKNOWN_PARTY, c"TR_ERR_UNKNOWN_PARTY"),
    (TR_ERR_UNKNOWN_ORDER, c"TR_ERR_UNKNOWN_ORDER"),
    (TR_ERR_DUPLICATE_NUMBER, c"TR_ERR_DUPLICATE_NUMBER"),
    (TR_ERR_WRONG_TRACKING, c"TR_ERR_WRONG_TRACKING"),
    (TR_ERR_WRONG_ROLE, c"TR_ERR_WRONG_ROLE"),
    (TR_ERR_INVALID_QUANTITY, c"TR_ERR_INVALID_QUANTITY"),
    (TR_ERR_INSUFFICIENT_STOCK, c"TR_ERR_INSUFFICIENT_STOCK"),
    (TR_ERR_INVALID_TRANSITION, c"TR_ERR_INVALID_TRANSITION"),
    (TR_ERR_EXPIRED_LOT, c"TR_ERR_EXPIRED_LOT"),
    (TR_ERR_NOT_USABLE, c"TR_ERR_NOT_USABLE"),
    (TR_ERR_STALE_WRITER, c"TR_ERR_STALE_WRITER"),
    (TR_ERR_TAMPERED, c"TR_ERR_TAMPERED"),
    (TR_ERR_STORAGE, c"TR_ERR_STORAGE"),
    (TR_ERR_UNREPLAYABLE, c"TR_ERR_UNREPLAYABLE"),
    (TR_ERR_READ_ONLY, c"TR_ERR_READ_ONLY"),
    (TR_ERR_NULL_POINTER, c"TR_ERR_NULL_POINTER"),
    (TR_ERR_INVALID_UTF8, c"TR_ERR_INVALID_UTF8"),
    (TR_ERR_PANIC, c"TR_ERR_PANIC"),
];

/// The header name of a code (`c"TR_ERR_UNKNOWN_LOT"`), if it is one.
pub fn status_name(status: tr_status) -> Option<&'static CStr> {
    STATUS_NAMES
        .iter()
        .find(|(code, _)| *code == status)
        .map(|(_, name)| *name)
}

/// The code of a core error kind.
pub fn status_of(kind: ErrorKind) -> tr_status {
    match kind {
        ErrorKind::InvalidInput => TR_ERR_INVALID_INPUT,
        ErrorKind::UnknownProduct => TR_ERR_UNKNOWN_PRODUCT,
        ErrorKind::UnknownLot => TR_ERR_UNKNOWN_LOT,
        ErrorKind::UnknownSerial => TR_ERR_UNKNOWN_SERIAL,
        ErrorKind::UnknownLocation => TR_ERR_UNKNOWN_LOCATION,
        ErrorKind::UnknownParty => TR_ERR_UNKNOWN_PARTY,
        ErrorKind::UnknownOrder => TR_ERR_UNKNOWN_ORDER,
        ErrorKind::DuplicateNumber => TR_ERR_DUPLICATE_NUMBER,
        ErrorKind::WrongTracking => TR_ERR_WRONG_TRACKING,
        ErrorKind::WrongRole => TR_ERR_WRONG_ROLE,
        ErrorKind::InvalidQuantity => TR_ERR_INVALID_QUANTITY,
        ErrorKind::InsufficientStock => TR_ERR_INSUFFICIENT_STOCK,
        ErrorKind::InvalidTransition => TR_ERR_INVALID_TRANSITION,
        ErrorKind::ExpiredLot => TR_ERR_EXPIRED_LOT,
        ErrorKind::NotUsable => TR_ERR_NOT_USABLE,
        ErrorKind::StaleWriter => TR_ERR_STALE_WRITER,
        ErrorKind::Tampered => TR_ERR_TAMPERED,
        ErrorKind::Unreplayable => TR_ERR_UNREPLAYABLE,
        ErrorKind::ReadOnly => TR_ERR_READ_ONLY,
        ErrorKind::Storage => TR_ERR_STORAGE,
    }
}

/// A failed call: the status returned to C and the message `tr_last_error_message` shows.
#[derive(Debug)]
pub struct Failure {
    /// The code returned.
    pub status: tr_status,
    /// The explanation.
    pub message: String,
}

impl Failure {
    /// A failure with a code and a message.
    pub fn new(status: tr_status, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    /// A NULL pointer where the argument `name` is required.
    pub fn null(name: &str) -> Self {
        Self::new(TR_ERR_NULL_POINTER, format!("argument `{name}` is NULL"))
    }
}

impl From<TraceError> for Failure {
    fn from(error: TraceError) -> Self {
        Self::new(status_of(error.kind()), error.to_string())
    }
}

/// What every status-returning export's body evaluates to.
pub type FfiResult = Result<(), Failure>;

thread_local! {
    static LAST_ERROR: RefCell<CString> = RefCell::new(CString::default());
}

/// Empties the message, allocating nothing when it already is (the common case).
fn clear_last_error() {
    LAST_ERROR.with(|slot| {
        if !slot.borrow().as_bytes().is_empty() {
            *slot.borrow_mut() = CString::default();
        }
    });
}

fn set_last_error(message: &str) {
    // Messages may quote user input; an interior NUL would truncate, never fail.
    let text = CString::new(message.replace('\0', "\\0")).unwrap_or_default();
    LAST_ERROR.with(|slot| *slot.borrow_mut() = text);
}

/// The calling thread's last error message ("" after a successful call). The pointer
/// stays valid until the next status-returning call on this thread.
pub fn last_error_ptr() -> *const c_char {
    LAST_ERROR.with(|slot| slot.borrow().as_ptr())
}

/// The text of a caught panic, for the last error message.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    let detail = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic payload".to_owned());
    format!("internal panic (caught at the C boundary): {detail}")
}

/// Runs a status-returning body: clears the last error, catches any panic, and turns a
/// failure into its status code plus the thread's last error message. Use it through
/// [`ffi_guard!`].
pub fn run_status(body: impl FnOnce() -> FfiResult) -> tr_status {
    clear_last_error();
    let failure = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => return TR_OK,
        Ok(Err(failure)) => failure,
        Err(payload) => Failure::new(TR_ERR_PANIC, panic_message(payload.as_ref())),
    };
    set_last_error(&failure.message);
    failure.status
}

/// Runs a body that cannot fail but returns a value (`tr_version`, frees): catches any
/// panic and returns `fallback` instead. Leaves the last error untouched. Use it through
/// [`ffi_guard!`].
pub fn run_value<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

/// The one panic guard: the whole body of every `extern "C"` function is one
/// `ffi_guard!` (a test checks this), so nothing unwinds into C.
///
/// * `ffi_guard!({ ...; Ok(()) })` — the body returns [`FfiResult`]; the export returns
///   a [`tr_status`] and sets the thread's last error message.
/// * `ffi_guard!(fallback => { ... })` — the body returns a value; on panic the export
///   returns `fallback`.
macro_rules! ffi_guard {
    ($body:block) => {
        $crate::status::run_status(|| $body)
    };
    ($fallback:expr => $body:block) => {
        $crate::status::run_value($fallback, || $body)
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    fn last_error() -> String {
        unsafe { CStr::from_ptr(last_error_ptr()) }
            .to_string_lossy()
            .into_owned()
    }

    #[test]
    fn a_panic_becomes_tr_err_panic_with_its_message() {
        let status = ffi_guard!({
            panic!("boom");
        });
        assert_eq!(status, TR_ERR_PANIC);
        assert!(last_error().contains("boom"), "{}", last_error());
        assert_eq!(ffi_guard!(7 => { panic!("again") }), 7);
    }

    #[test]
    fn success_clears_the_last_error() {
        let _ = ffi_guard!({ Err(Failure::null("x")) });
        assert_eq!(last_error(), "argument `x` is NULL");
        assert_eq!(ffi_guard!({ Ok(()) }), TR_OK);
        assert_eq!(last_error(), "");
    }

    #[test]
    fn names_are_unique_and_match_the_codes() {
        let mut codes: Vec<_> = STATUS_NAMES.iter().map(|(code, _)| *code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), STATUS_NAMES.len());
        assert_eq!(status_name(TR_ERR_STORAGE), Some(c"TR_ERR_STORAGE"));
        assert_eq!(status_of(ErrorKind::Storage), TR_ERR_STORAGE);
    }
}
