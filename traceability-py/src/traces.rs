//! Traces handed to Python as the package's records, not JSON: the core's walk runs
//! with the GIL released, then [`Records`] builds the answer. The ids-only answer is
//! the reached items as `LotRef` / `SerialRef` and shipments and parties as `str`; the
//! full report is a `ForwardTrace` / `BackwardTrace` with every item, edge, shipment
//! line, receipt and stock line.

use pyo3::prelude::*;
use pyo3::types::PyTuple;
use traceability_core::{
    trace_backward, trace_backward_ids, trace_forward, trace_forward_ids, BackwardTrace,
    ForwardTrace, ItemRef, TraceError, Tracker,
};

use crate::records::Records;

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

/// `(items, shipments, parties)` as tuples of `LotRef` / `SerialRef` and `str`.
pub fn to_python(
    py: Python<'_>,
    ids: Ids,
) -> PyResult<(Bound<'_, PyAny>, Bound<'_, PyTuple>, Bound<'_, PyTuple>)> {
    let records = Records::new(py)?;
    Ok((
        records.tuple(&ids.items, Records::item)?,
        PyTuple::new(py, &ids.documents)?,
        PyTuple::new(py, &ids.parties)?,
    ))
}

/// The full report of a forward or backward trace.
pub enum Report {
    Forward(ForwardTrace),
    Backward(BackwardTrace),
}

impl Report {
    pub fn collect(tracker: &Tracker, item: &ItemRef, forward: bool) -> Result<Self, TraceError> {
        let state = tracker.state();
        Ok(if forward {
            Self::Forward(trace_forward(state, item)?)
        } else {
            Self::Backward(trace_backward(state, item)?)
        })
    }

    pub fn to_python<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let records = Records::new(py)?;
        match self {
            Self::Forward(trace) => records.forward_trace(trace),
            Self::Backward(trace) => records.backward_trace(trace),
        }
    }
}
