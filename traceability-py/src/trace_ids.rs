//! Ids-only traces handed to Python as objects, not JSON: the core's walk runs with
//! the GIL released and collects ids; then each reached lot or serial becomes an
//! instance of the package's `LotRef` / `SerialRef` record, made the way `copy` and
//! `pickle` make them (`object.__new__` and the generic attribute setter, skipping the
//! frozen dataclass's checking `__init__`: the core's ids are valid already). A hub
//! trace of thousands of items so costs a few hundred nanoseconds per item instead of
//! JSON text, `json.loads` and a keyword call per item.

use std::collections::HashMap;

use crate::records::set;
use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple, PyType};
use traceability_core::{trace_backward_ids, trace_forward_ids, ItemRef, TraceError, Tracker};

/// What a trace reached: items (start first), then shipments and customers (forward)
/// or suppliers (backward).
pub struct Ids {
    items: Vec<ItemRef>,
    documents: Vec<String>,
    parties: Vec<String>,
}

/// The ids of the forward (or backward) trace of `item`.
pub fn collect(tracker: &Tracker, item: &ItemRef, forward: bool) -> Result<Ids, TraceError> {
    let state = tracker.state();
    Ok(if forward {
        let ids = trace_forward_ids(state, item)?;
        Ids {
            items: ids.items().collect(),
            documents: ids.shipments().map(|s| s.to_string()).collect(),
            parties: ids.customers().map(|p| p.to_string()).collect(),
        }
    } else {
        let ids = trace_backward_ids(state, item)?;
        Ids {
            items: ids.items().collect(),
            documents: Vec::new(),
            parties: ids.suppliers().map(|p| p.to_string()).collect(),
        }
    })
}

/// `(items, shipments, parties)` as tuples; items are instances of `lot_class` or
/// `serial_class` with the attributes `product` and `lot` / `serial`.
pub fn to_python<'py>(
    py: Python<'py>,
    ids: Ids,
    lot_class: &Bound<'py, PyType>,
    serial_class: &Bound<'py, PyType>,
) -> PyResult<(
    Bound<'py, PyTuple>,
    Bound<'py, PyTuple>,
    Bound<'py, PyTuple>,
)> {
    let new = py.get_type::<pyo3::types::PyAny>().getattr("__new__")?;
    let names = [
        PyString::intern(py, "product"),
        PyString::intern(py, "lot"),
        PyString::intern(py, "serial"),
    ];
    let mut products: HashMap<&str, Bound<'py, PyString>> = HashMap::new();
    let mut items = Vec::with_capacity(ids.items.len());
    for item in &ids.items {
        let (class, key, product, number) = match item {
            ItemRef::Lot { product, lot } => (lot_class, &names[1], product, lot.as_str()),
            ItemRef::Serial { product, serial } => {
                (serial_class, &names[2], product, serial.as_str())
            }
        };
        let product = products
            .entry(product.as_str())
            .or_insert_with(|| PyString::new(py, product.as_str()));
        let object = new.call1((class,))?;
        set(&object, &names[0], product.as_any())?;
        set(&object, key, PyString::new(py, number).as_any())?;
        items.push(object);
    }
    Ok((
        PyTuple::new(py, items)?,
        PyTuple::new(py, &ids.documents)?,
        PyTuple::new(py, &ids.parties)?,
    ))
}
