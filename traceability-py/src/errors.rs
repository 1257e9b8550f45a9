//! The exception hierarchy: `TraceabilityError` and one subclass per core
//! [`ErrorKind`], created here so every binding error is raised with the right class
//! and the core's message. Where natural a class also subclasses a built-in
//! (`KeyError` for unknown things, `ValueError` for malformed input, `OSError` for the
//! store), as pydantic-core does, so generic `except KeyError:` code keeps working.
//!
//! Every exception also carries the core error's typed fields as attributes, set in
//! one place ([`fields`]): e.g. `Tampered.seq`/`.damage`/`.detail`,
//! `InsufficientStock.requested`/`.available` (`Decimal`), `.item` (the package's
//! `LotRef`/`SerialRef`, or `None`), `.locations` (a list), `InvalidInput.field`/`.reason`.
//! Ids are `str`, enum values their serde names (`"IN_INVENTORY"`), dates `datetime.date`.

use pyo3::exceptions::{PyException, PyKeyError, PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};
use pyo3::{IntoPyObjectExt, PyTypeInfo};
use serde::Serialize;
use traceability_core::{ErrorKind, ItemRef, Quantity, TraceError};

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

/// Any value Python can hold (text, numbers, lists and options of them).
fn value<'py>(py: Python<'py>, held: impl IntoPyObject<'py>) -> PyResult<Bound<'py, PyAny>> {
    held.into_bound_py_any(py)
}

fn text<'py>(py: Python<'py>, shown: impl ToString) -> PyResult<Bound<'py, PyAny>> {
    value(py, shown.to_string())
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

/// A lot or serial as the package's `LotRef` or `SerialRef`.
fn item<'py>(py: Python<'py>, item: &ItemRef) -> PyResult<Bound<'py, PyAny>> {
    let types = py.import("traceability._types")?;
    match item {
        ItemRef::Lot { product, lot } => types
            .getattr("LotRef")?
            .call1((product.as_str(), lot.as_str())),
        ItemRef::Serial { product, serial } => types
            .getattr("SerialRef")?
            .call1((product.as_str(), serial.as_str())),
    }
}

/// The typed fields of a core error, by attribute name: the one place that says which
/// attributes each exception class carries (the stubs list the same).
fn fields<'py>(
    py: Python<'py>,
    error: &TraceError,
) -> PyResult<Vec<(&'static str, Bound<'py, PyAny>)>> {
    Ok(match error {
        TraceError::InvalidInput { field, reason } => {
            vec![("field", text(py, field)?), ("reason", text(py, reason)?)]
        }
        TraceError::UnknownProduct(product) => vec![("product", text(py, product)?)],
        TraceError::UnknownLot { product, lot } => {
            vec![("product", text(py, product)?), ("lot", text(py, lot)?)]
        }
        TraceError::UnknownSerial { product, serial } => {
            vec![
                ("product", text(py, product)?),
                ("serial", text(py, serial)?),
            ]
        }
        TraceError::UnknownLocation(location) => vec![("location", text(py, location)?)],
        TraceError::UnknownParty(party) => vec![("party", text(py, party)?)],
        TraceError::UnknownOrder(order) => vec![("order", text(py, order)?)],
        TraceError::DuplicateNumber { kind, key } => {
            vec![("kind", text(py, kind)?), ("key", text(py, key)?)]
        }
        TraceError::WrongTracking {
            product,
            actual,
            expected,
        } => vec![
            ("product", text(py, product)?),
            ("actual", text(py, serde_name(actual))?),
            ("expected", text(py, serde_name(expected))?),
        ],
        TraceError::WrongRole { party, expected } => vec![
            ("party", text(py, party)?),
            ("expected", text(py, serde_name(expected))?),
        ],
        TraceError::InvalidQuantity { quantity, rule } => {
            vec![
                ("quantity", decimal(py, quantity)?),
                ("rule", text(py, rule)?),
            ]
        }
        TraceError::InsufficientStock {
            item: short,
            product,
            locations,
            customer,
            requested,
            available,
        } => vec![
            (
                "item",
                value(py, short.as_ref().map(|i| item(py, i)).transpose()?)?,
            ),
            ("product", text(py, product)?),
            (
                "locations",
                value(py, locations.iter().map(|l| l.as_str()).collect::<Vec<_>>())?,
            ),
            (
                "customer",
                value(py, customer.as_ref().map(|c| c.as_str()))?,
            ),
            ("requested", decimal(py, requested)?),
            ("available", decimal(py, available)?),
        ],
        TraceError::InvalidTransition {
            product,
            serial,
            from,
            to,
        } => vec![
            ("product", text(py, product)?),
            ("serial", text(py, serial)?),
            ("from_status", text(py, serde_name(from))?),
            ("to_status", text(py, serde_name(to))?),
        ],
        TraceError::ExpiredLot {
            product,
            lot,
            expiry,
            date: on,
        } => vec![
            ("product", text(py, product)?),
            ("lot", text(py, lot)?),
            ("expiry", date(py, expiry)?),
            ("date", date(py, on)?),
        ],
        TraceError::NotUsable {
            item: unusable,
            why,
        } => {
            vec![("item", item(py, unusable)?), ("why", text(py, why)?)]
        }
        TraceError::StaleWriter { expected, actual } => {
            vec![
                ("expected", value(py, expected)?),
                ("actual", value(py, actual)?),
            ]
        }
        TraceError::Tampered {
            seq,
            damage,
            detail,
        } => vec![
            ("seq", value(py, seq)?),
            ("damage", text(py, damage)?),
            ("detail", text(py, detail)?),
        ],
        TraceError::Unreplayable { seq, detail } => {
            vec![("seq", value(py, seq)?), ("detail", text(py, detail)?)]
        }
        TraceError::ReadOnly(detail) => vec![("detail", text(py, detail)?)],
        TraceError::Storage(failure) => vec![("detail", text(py, failure.message())?)],
        // A kind added to the core later: its class and message, no fields yet.
        _ => Vec::new(),
    })
}
