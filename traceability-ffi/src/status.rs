//! Status codes, the thread-local last error message, and the one panic guard every
//! export goes through.

use std::any::Any;
use std::cell::RefCell;
use std::ffi::{c_char, c_int, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

use traceability_core::{ErrorKind, InvalidInput, TraceError};

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
/// the store again. (Also the code of a core error of a kind this library has no code
/// for, equally a bug; its message says what went wrong.)
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
        // A kind this binding has no code for yet: the binding is out of step with its
        // core, a bug like a panic (the message still says what went wrong).
        _ => TR_ERR_PANIC,
    }
}

/// A failed call: the status returned to C, the message `tr_last_error_message` shows,
/// and the typed fields `tr_last_error_json` shows.
#[derive(Debug)]
pub struct Failure {
    /// The code returned.
    pub status: tr_status,
    /// The explanation.
    pub message: String,
    /// The typed fields beyond status, kind and message.
    detail: Detail,
    /// Fields the call adds to them (e.g. where in a bulk load the error happened).
    extra: Vec<(&'static str, u64)>,
}

/// The typed part of a [`Failure`]: a core error (converted to JSON only when asked for),
/// or the fields of a failure of the C boundary.
#[derive(Debug)]
enum Detail {
    None,
    Core(Box<TraceError>),
    Fields(Vec<(&'static str, String)>),
}

impl Failure {
    /// A failure with a code and a message (no typed fields).
    pub fn new(status: tr_status, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            detail: Detail::None,
            extra: Vec::new(),
        }
    }

    /// The failure with another message (the status and typed fields stay).
    pub fn with_message(self, message: String) -> Self {
        Self { message, ..self }
    }

    /// The failure with one more numeric field in `tr_last_error_json`.
    pub fn with_field(mut self, name: &'static str, value: u64) -> Self {
        self.extra.push((name, value));
        self
    }

    /// A NULL pointer where the argument `name` is required (`"argument"` in the JSON).
    pub fn null(name: &str) -> Self {
        Self {
            detail: Detail::Fields(vec![("argument", name.to_owned())]),
            ..Self::new(TR_ERR_NULL_POINTER, format!("argument `{name}` is NULL"))
        }
    }

    /// A string argument `name` that is not UTF-8 (`"argument"` in the JSON).
    pub fn invalid_utf8(name: &str, why: impl std::fmt::Display) -> Self {
        Self {
            detail: Detail::Fields(vec![("argument", name.to_owned())]),
            ..Self::new(
                TR_ERR_INVALID_UTF8,
                format!("argument `{name}` is not valid UTF-8: {why}"),
            )
        }
    }

    /// `TR_ERR_INVALID_INPUT` for the argument or field `field`, with the core's message
    /// shape ("invalid {field}: {reason}") and its typed fields `field` and `reason`.
    pub fn invalid(field: &str, reason: impl Into<String>) -> Self {
        let reason = reason.into();
        Self {
            status: TR_ERR_INVALID_INPUT,
            message: format!("invalid {field}: {reason}"),
            detail: Detail::Fields(vec![("field", field.to_owned()), ("reason", reason)]),
            extra: Vec::new(),
        }
    }

    /// The failure as the JSON object `tr_last_error_json` returns.
    pub fn to_json(&self) -> String {
        let mut object = serde_json::Map::new();
        object.insert("status".into(), self.status.into());
        object.insert("kind".into(), kind_name(self.status).into());
        object.insert("message".into(), self.message.clone().into());
        match &self.detail {
            Detail::None => {}
            Detail::Core(error) => core_fields(error, &mut object),
            Detail::Fields(fields) => {
                for (name, value) in fields {
                    object.insert((*name).into(), value.clone().into());
                }
            }
        }
        for (name, value) in &self.extra {
            object.insert((*name).into(), (*value).into());
        }
        serde_json::Value::Object(object).to_string()
    }
}

impl From<InvalidInput> for Failure {
    fn from(error: InvalidInput) -> Self {
        TraceError::from(error).into()
    }
}

impl From<TraceError> for Failure {
    fn from(error: TraceError) -> Self {
        Self {
            status: status_of(error.kind()),
            message: error.to_string(),
            detail: Detail::Core(Box::new(error)),
            extra: Vec::new(),
        }
    }
}

/// A core error as JSON: `{"status":N,"kind":"Tampered","message":"...", ...}` plus its
/// typed fields (for `Tampered`: `seq` and `damage`; see `tr_last_error_json`).
pub fn error_json(error: &TraceError) -> String {
    Failure::from(error.clone()).to_json()
}

/// The kind name of a status: the core's `ErrorKind` name for codes 1..=99
/// ("UnknownLot"), and "NullPointer", "InvalidUtf8", "Panic" for the boundary's codes:
/// the header name without `TR_ERR_`, in CamelCase.
pub fn kind_name(status: tr_status) -> String {
    let Some(name) = status_name(status) else {
        return "Unknown".to_owned();
    };
    let name = name.to_str().unwrap_or_default();
    let name = name.strip_prefix("TR_ERR_").unwrap_or("Ok");
    name.split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_string() + &chars.as_str().to_ascii_lowercase())
                .unwrap_or_default()
        })
        .collect()
}

/// Inserts the typed fields of a core error (ids as text, items as `{"lot":{"product",
/// "lot"}}` or `{"serial":{...}}`, quantities as decimal text, dates as "YYYY-MM-DD",
/// enums as their JSON names: serial statuses upper case, "IN_INVENTORY").
fn core_fields(error: &TraceError, object: &mut serde_json::Map<String, serde_json::Value>) {
    use serde_json::json;
    let fields = match error {
        TraceError::InvalidInput { field, reason } => json!({"field": field, "reason": reason}),
        TraceError::UnknownProduct(product) => json!({ "product": product }),
        TraceError::UnknownLot { product, lot } => json!({"product": product, "lot": lot}),
        TraceError::UnknownSerial { product, serial } => {
            json!({"product": product, "serial": serial})
        }
        TraceError::UnknownLocation(location) => json!({ "location": location }),
        TraceError::UnknownParty(party) => json!({ "party": party }),
        TraceError::UnknownOrder(order) => json!({ "order": order }),
        TraceError::DuplicateNumber { kind, key } => json!({"key_kind": kind, "key": key}),
        TraceError::WrongTracking {
            product,
            actual,
            expected,
        } => json!({"product": product, "actual": actual, "expected": expected}),
        TraceError::WrongRole { party, expected } => json!({"party": party, "expected": expected}),
        TraceError::InvalidQuantity { quantity, rule } => {
            json!({"quantity": quantity, "rule": rule})
        }
        TraceError::InsufficientStock {
            item,
            product,
            locations,
            customer,
            requested,
            available,
        } => json!({"item": item, "product": product, "locations": locations,
                    "customer": customer, "requested": requested, "available": available}),
        TraceError::InvalidTransition {
            product,
            serial,
            from,
            to,
        } => json!({"product": product, "serial": serial, "from": from, "to": to}),
        TraceError::ExpiredLot {
            product,
            lot,
            expiry,
            date,
        } => json!({"product": product, "lot": lot, "expiry": expiry, "date": date}),
        TraceError::NotUsable { item, why } => json!({"item": item, "why": why}),
        TraceError::StaleWriter { expected, actual } => {
            json!({"expected": expected, "actual": actual})
        }
        TraceError::Tampered {
            seq,
            damage,
            detail,
        } => json!({"seq": seq, "damage": damage.as_str(), "detail": detail}),
        TraceError::Unreplayable { seq, detail } => json!({"seq": seq, "detail": detail}),
        TraceError::ReadOnly(detail) => json!({ "detail": detail }),
        TraceError::Storage(error) => json!({ "detail": error.message() }),
        // A kind this binding does not know yet: status, kind and message only.
        _ => return,
    };
    if let serde_json::Value::Object(fields) = fields {
        object.extend(fields);
    }
}

/// What every status-returning export's body evaluates to.
pub type FfiResult = Result<(), Failure>;

/// The calling thread's last failure: its message (always), its JSON (built on the first
/// `tr_last_error_json` after it), and what that JSON is built from.
struct LastError {
    message: CString,
    json: Option<CString>,
    failure: Option<Failure>,
}

thread_local! {
    static LAST_ERROR: RefCell<LastError> = RefCell::new(LastError {
        message: CString::default(),
        json: None,
        failure: None,
    });
}

/// Forgets the last failure, allocating nothing when there is none (the common case).
fn clear_last_error() {
    LAST_ERROR.with(|slot| {
        let mut slot = slot.borrow_mut();
        if slot.failure.is_some() || slot.json.is_some() || !slot.message.as_bytes().is_empty() {
            *slot = LastError {
                message: CString::default(),
                json: None,
                failure: None,
            };
        }
    });
}

fn set_last_error(failure: Failure) {
    // Messages may quote user input; an interior NUL would truncate, never fail.
    let text = CString::new(failure.message.replace('\0', "\\0")).unwrap_or_default();
    LAST_ERROR.with(|slot| {
        *slot.borrow_mut() = LastError {
            message: text,
            json: None,
            failure: Some(failure),
        }
    });
}

/// The calling thread's last error message ("" after a successful call). The pointer
/// stays valid until the next status-returning call on this thread.
pub fn last_error_ptr() -> *const c_char {
    LAST_ERROR.with(|slot| slot.borrow().message.as_ptr())
}

/// The calling thread's last failure as JSON ("{}" after a successful call), built once
/// per failure. The pointer stays valid until the next status-returning call on this
/// thread.
pub fn last_error_json_ptr() -> *const c_char {
    LAST_ERROR.with(|slot| {
        let mut slot = slot.borrow_mut();
        let LastError { json, failure, .. } = &mut *slot;
        json.get_or_insert_with(|| {
            let text = failure
                .as_ref()
                .map_or_else(|| "{}".to_owned(), Failure::to_json);
            // serde_json escapes NUL as \u0000: the text never holds a NUL byte.
            CString::new(text).unwrap_or_default()
        })
        .as_ptr()
    })
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
    let status = failure.status;
    set_last_error(failure);
    status
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

    fn last_error_json() -> String {
        unsafe { CStr::from_ptr(last_error_json_ptr()) }
            .to_string_lossy()
            .into_owned()
    }

    #[test]
    fn the_last_error_json_has_the_typed_fields() {
        assert_eq!(ffi_guard!({ Ok(()) }), TR_OK);
        assert_eq!(last_error_json(), "{}");
        let tampered = TraceError::tampered(4, traceability_core::Damage::BodyAltered, "x\0y");
        let _ = ffi_guard!({ Err(tampered.into()) });
        let json: serde_json::Value = serde_json::from_str(&last_error_json()).unwrap();
        assert_eq!(json["status"], TR_ERR_TAMPERED);
        assert_eq!(json["kind"], "Tampered");
        assert_eq!(json["seq"], 4);
        assert_eq!(json["damage"], "body_altered");
        assert_eq!(json["detail"], "x\0y");
        assert_eq!(
            json["message"],
            "audit log tampered at event 4 (body_altered): x\0y"
        );
        assert_eq!(
            last_error(),
            "audit log tampered at event 4 (body_altered): x\\0y"
        );
        let _ = ffi_guard!({ Err(Failure::invalid("flags", "unknown bits 0x4")) });
        let json: serde_json::Value = serde_json::from_str(&last_error_json()).unwrap();
        assert_eq!(json["kind"], "InvalidInput");
        assert_eq!(
            (&json["field"], &json["reason"]),
            (&"flags".into(), &"unknown bits 0x4".into())
        );
        let unreplayable = TraceError::Unreplayable {
            seq: 9,
            detail: "no".into(),
        };
        let json: serde_json::Value = serde_json::from_str(&error_json(&unreplayable)).unwrap();
        assert_eq!((json["seq"].as_u64(), json.get("damage")), (Some(9), None));
        assert_eq!(kind_name(TR_ERR_INVALID_UTF8), "InvalidUtf8");
        assert_eq!(kind_name(TR_ERR_NULL_POINTER), "NullPointer");
        assert_eq!(kind_name(TR_ERR_PANIC), "Panic");
        for kind in [
            ErrorKind::UnknownLot,
            ErrorKind::StaleWriter,
            ErrorKind::ReadOnly,
        ] {
            assert_eq!(kind_name(status_of(kind)), format!("{kind:?}"));
        }
    }

    fn fields(error: TraceError) -> serde_json::Value {
        serde_json::from_str(&error_json(&error)).unwrap()
    }

    #[test]
    fn shortage_transition_and_storage_errors_have_typed_fields() {
        use serde_json::json;
        use traceability_core::{ItemRef, SerialStatus};
        let shortage = fields(TraceError::InsufficientStock {
            item: Some(ItemRef::lot("FLOUR", "L1").unwrap()),
            product: "FLOUR".parse().unwrap(),
            locations: vec!["STOCK".parse().unwrap()],
            customer: None,
            requested: "5".parse().unwrap(),
            available: "2.5".parse().unwrap(),
        });
        assert_eq!(shortage["kind"], "InsufficientStock");
        assert_eq!(
            shortage["item"],
            json!({"lot": {"product": "FLOUR", "lot": "L1"}})
        );
        assert_eq!(
            (
                &shortage["product"],
                &shortage["locations"],
                &shortage["customer"]
            ),
            (&json!("FLOUR"), &json!(["STOCK"]), &json!(null))
        );
        assert_eq!(
            (&shortage["requested"], &shortage["available"]),
            (&json!("5"), &json!("2.5"))
        );
        let transition = fields(TraceError::InvalidTransition {
            product: "PUMP".parse().unwrap(),
            serial: "SN1".parse().unwrap(),
            from: SerialStatus::InInventory,
            to: SerialStatus::Shipped,
        });
        assert_eq!(
            (
                &transition["serial"],
                &transition["from"],
                &transition["to"]
            ),
            (&json!("SN1"), &json!("IN_INVENTORY"), &json!("SHIPPED"))
        );
        let storage = fields(TraceError::storage("disk full"));
        assert_eq!(storage["status"], TR_ERR_STORAGE);
        assert_eq!(storage["detail"], "disk full");
        assert_eq!(storage["message"], "storage error: disk full");
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
