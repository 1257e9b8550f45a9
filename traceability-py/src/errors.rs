//! The exception hierarchy: `TraceabilityError` and one subclass per core
//! [`ErrorKind`], created here so every binding error is raised with the right class
//! and the core's message. Where natural a class also subclasses a built-in
//! (`KeyError` for unknown things, `ValueError` for malformed input, `OSError` for the
//! store), as pydantic-core does, so generic `except KeyError:` code keeps working.
//!
//! Every exception also carries the core error's typed fields as attributes, set in
//! one place ([`fields`]): e.g. `Tampered.seq`/`.damage`/`.detail`,
//! `InsufficientStock.requested`/`.available` (`Decimal`), `InvalidInput.field`/`.reason`.

use pyo3::exceptions::{PyException, PyKeyError, PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};
use pyo3::PyTypeInfo;
use serde::Serialize;
use traceability_core::{ErrorKind, Quantity, TraceError};

use crate::guard::Failure;

pyo3::create_exception!(
    traceability,
    TraceabilityError,
    PyException,
    "Base class of every error raised by traceability; `str(e)` is the core's message."
);

/// Which built-in an error class also derives from.
#[derive(Clone, Copy)]
enum Builtin {
    None,
    Key,
    Value,
    OS,
}

/// One row per core error kind: its Python class name and extra built-in base.
const CLASSES: [(ErrorKind, &str, Builtin); 20] = [
    (ErrorKind::InvalidInput, "InvalidInput", Builtin::Value),
    (ErrorKind::UnknownProduct, "UnknownProduct", Builtin::Key),
    (ErrorKind::UnknownLot, "UnknownLot", Builtin::Key),
    (ErrorKind::UnknownSerial, "UnknownSerial", Builtin::Key),
    (ErrorKind::UnknownLocation, "UnknownLocation", Builtin::Key),
    (ErrorKind::UnknownParty, "UnknownParty", Builtin::Key),
    (ErrorKind::UnknownOrder, "UnknownOrder", Builtin::Key),
    (
        ErrorKind::DuplicateNumber,
        "DuplicateNumber",
        Builtin::Value,
    ),
    (ErrorKind::WrongTracking, "WrongTracking", Builtin::Value),
    (ErrorKind::WrongRole, "WrongRole", Builtin::Value),
    (
        ErrorKind::InvalidQuantity,
        "InvalidQuantity",
        Builtin::Value,
    ),
    (
        ErrorKind::InsufficientStock,
        "InsufficientStock",
        Builtin::None,
    ),
    (
        ErrorKind::InvalidTransition,
        "InvalidTransition",
        Builtin::None,
    ),
    (ErrorKind::ExpiredLot, "ExpiredLot", Builtin::None),
    (ErrorKind::NotUsable, "NotUsable", Builtin::None),
    (ErrorKind::StaleWriter, "StaleWriter", Builtin::None),
    (ErrorKind::Tampered, "Tampered", Builtin::None),
    (ErrorKind::Unreplayable, "Unreplayable", Builtin::None),
    (ErrorKind::ReadOnly, "ReadOnlyTracker", Builtin::None),
    (ErrorKind::Storage, "StorageError", Builtin::OS),
];

static SUBCLASSES: PyOnceLock<Vec<(ErrorKind, Py<PyType>)>> = PyOnceLock::new();

fn subclasses(py: Python<'_>) -> PyResult<&Vec<(ErrorKind, Py<PyType>)>> {
    SUBCLASSES.get_or_try_init(py, || {
        let base = TraceabilityError::type_object(py);
        // `KeyError.__str__` quotes its argument; keep the plain message instead.
        let plain_str = PyException::type_object(py).getattr("__str__")?;
        let metatype = PyType::type_object(py);
        CLASSES
            .iter()
            .map(|&(kind, name, builtin)| {
                let bases = match builtin {
                    Builtin::None => PyTuple::new(py, [&base])?,
                    Builtin::Key => PyTuple::new(py, [&base, &PyKeyError::type_object(py)])?,
                    Builtin::Value => PyTuple::new(py, [&base, &PyValueError::type_object(py)])?,
                    Builtin::OS => PyTuple::new(py, [&base, &PyOSError::type_object(py)])?,
                };
                let namespace = PyDict::new(py);
                namespace.set_item("__module__", "traceability")?;
                namespace.set_item("__str__", &plain_str)?;
                namespace.set_item("__doc__", format!("The core's `{kind:?}` error."))?;
                let class = metatype
                    .call1((name, bases, namespace))?
                    .cast_into::<PyType>()?;
                Ok((kind, class.unbind()))
            })
            .collect()
    })
}

/// Adds `TraceabilityError` and every subclass to the module.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = module.py();
    module.add("TraceabilityError", TraceabilityError::type_object(py))?;
    for (kind, class) in subclasses(py)? {
        let name = CLASSES
            .iter()
            .find(|(k, _, _)| k == kind)
            .map_or("TraceabilityError", |(_, name, _)| *name);
        module.add(name, class.bind(py))?;
    }
    Ok(())
}

/// The Python exception for a failure: a core error gets its kind's class and the
/// core's message; a caught panic is a plain `TraceabilityError` saying so.
pub fn to_py(py: Python<'_>, failure: Failure) -> PyErr {
    let error = match failure {
        Failure::Core(error) => error,
        Failure::Panic { message, recovered } => {
            return TraceabilityError::new_err(Failure::panic_text(&message, recovered))
        }
    };
    let message = error.to_string();
    let class = subclasses(py)
        .ok()
        .and_then(|all| all.iter().find(|(kind, _)| *kind == error.kind()))
        .map(|(_, class)| class.bind(py).clone());
    let err = match class {
        Some(class) => PyErr::from_type(class, message),
        None => TraceabilityError::new_err(message),
    };
    // The typed fields ride along as attributes; if building one fails (it should not),
    // the exception still carries the class and the message.
    if let Ok(fields) = fields(py, &error) {
        let value = err.value(py);
        for (name, field) in fields {
            let _ = value.setattr(name, field);
        }
    }
    err
}

/// The exception instance of a core error (e.g. for `Tracker.damage`), not raised.
pub fn instance(py: Python<'_>, error: TraceError) -> Py<PyAny> {
    to_py(py, Failure::Core(error)).into_value(py).into_any()
}

/// The serde name of an enum value (`"lot"`, `"IN_INVENTORY"`), as the Python enums use.
fn serde_name<T: Serialize + std::fmt::Debug>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => format!("{value:?}"),
    }
}

fn decimal<'py>(py: Python<'py>, quantity: &Quantity) -> PyResult<Bound<'py, PyAny>> {
    py.import("decimal")?
        .getattr("Decimal")?
        .call1((quantity.to_string(),))
}

fn date<'py>(py: Python<'py>, day: &chrono::NaiveDate) -> PyResult<Bound<'py, PyAny>> {
    use chrono::Datelike;
    py.import("datetime")?
        .getattr("date")?
        .call1((day.year(), day.month(), day.day()))
}

/// The typed fields of a core error, by attribute name: the one place that says which
/// attributes each exception class carries (the stubs list the same).
fn fields<'py>(
    py: Python<'py>,
    error: &TraceError,
) -> PyResult<Vec<(&'static str, Bound<'py, PyAny>)>> {
    fn s<'py>(py: Python<'py>, value: impl ToString) -> Bound<'py, PyAny> {
        value
            .to_string()
            .into_pyobject(py)
            .map_or_else(|e| match e {}, |v| v.into_any())
    }
    fn n<'py>(py: Python<'py>, value: u64) -> Bound<'py, PyAny> {
        value
            .into_pyobject(py)
            .map_or_else(|e| match e {}, |v| v.into_any())
    }
    Ok(match error {
        TraceError::InvalidInput { field, reason } => {
            vec![("field", s(py, field)), ("reason", s(py, reason))]
        }
        TraceError::UnknownProduct(product) => vec![("product", s(py, product))],
        TraceError::UnknownLot { product, lot } => {
            vec![("product", s(py, product)), ("lot", s(py, lot))]
        }
        TraceError::UnknownSerial { product, serial } => {
            vec![("product", s(py, product)), ("serial", s(py, serial))]
        }
        TraceError::UnknownLocation(location) => vec![("location", s(py, location))],
        TraceError::UnknownParty(party) => vec![("party", s(py, party))],
        TraceError::UnknownOrder(order) => vec![("order", s(py, order))],
        TraceError::DuplicateNumber { kind, key } => {
            vec![("kind", s(py, kind)), ("key", s(py, key))]
        }
        TraceError::WrongTracking {
            product,
            actual,
            expected,
        } => vec![
            ("product", s(py, product)),
            ("actual", s(py, serde_name(actual))),
            ("expected", s(py, serde_name(expected))),
        ],
        TraceError::WrongRole { party, expected } => vec![
            ("party", s(py, party)),
            ("expected", s(py, serde_name(expected))),
        ],
        TraceError::InvalidQuantity { quantity, rule } => {
            vec![("quantity", decimal(py, quantity)?), ("rule", s(py, rule))]
        }
        TraceError::InsufficientStock {
            item,
            location,
            requested,
            available,
        } => vec![
            ("item", s(py, item)),
            ("location", s(py, location)),
            ("requested", decimal(py, requested)?),
            ("available", decimal(py, available)?),
        ],
        TraceError::InvalidTransition {
            product,
            serial,
            from,
            to,
        } => vec![
            ("product", s(py, product)),
            ("serial", s(py, serial)),
            ("from_status", s(py, from)),
            ("to_status", s(py, serde_name(to))),
        ],
        TraceError::ExpiredLot {
            product,
            lot,
            expiry,
            date: on,
        } => vec![
            ("product", s(py, product)),
            ("lot", s(py, lot)),
            ("expiry", date(py, expiry)?),
            ("date", date(py, on)?),
        ],
        TraceError::NotUsable { item, why } => vec![("item", s(py, item)), ("why", s(py, why))],
        TraceError::StaleWriter { expected, actual } => {
            vec![("expected", n(py, *expected)), ("actual", n(py, *actual))]
        }
        TraceError::Tampered {
            seq,
            damage,
            detail,
        } => vec![
            ("seq", n(py, *seq)),
            ("damage", s(py, damage.as_str())),
            ("detail", s(py, detail)),
        ],
        TraceError::Unreplayable { seq, detail } => {
            vec![("seq", n(py, *seq)), ("detail", s(py, detail))]
        }
        TraceError::ReadOnly(detail) | TraceError::Storage(detail) => {
            vec![("detail", s(py, detail))]
        }
    })
}
