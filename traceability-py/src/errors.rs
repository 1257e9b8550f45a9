//! The exception hierarchy: `TraceabilityError` and one subclass per core
//! [`ErrorKind`], created here so every binding error is raised with the right class
//! and the core's message. Where natural a class also subclasses a built-in
//! (`KeyError` for unknown things, `ValueError` for malformed input, `OSError` for the
//! store), as pydantic-core does, so generic `except KeyError:` code keeps working.

use pyo3::exceptions::{PyException, PyKeyError, PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};
use pyo3::PyTypeInfo;
use traceability_core::ErrorKind;

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
    match class {
        Some(class) => PyErr::from_type(class, message),
        None => TraceabilityError::new_err(message),
    }
}
