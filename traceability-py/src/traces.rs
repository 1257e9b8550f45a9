//! Traces handed to Python as the package's records, not JSON: the core's walk runs
//! with the GIL released, then [`Records`] builds the answer. The ids-only answer stays
//! in Rust ([`TraceIds`]) until the caller reads a column; the full report is a
//! `ForwardTrace` / `BackwardTrace` with every item, edge, shipment line, receipt and
//! stock line.

use pyo3::prelude::*;
use pyo3::types::PyTuple;
use traceability_core::{
    trace_backward, trace_backward_ids, trace_forward, trace_forward_ids, ItemRef, PartyId,
    TraceError, Tracker,
};

use crate::queries::Renderable;
use crate::records::Records;

/// What an ids-only trace reached, kept in Rust until a column is read: the items
/// (start first), then the shipments and customers (forward) or no documents and the
/// suppliers (backward). Each read builds its column's Python objects; reading only
/// `lot_ids()` costs one `str` per lot and no record.
#[pyclass(frozen, module = "traceability._traceability")]
pub struct TraceIds {
    items: Vec<ItemRef>,
    documents: TextColumn,
    parties: Vec<PartyId>,
}

/// Texts one after the other in one buffer, and where each ends: a column of ids the
/// state lends as `&str` (shipment ids), copied without an allocation per id.
#[derive(Default)]
struct TextColumn {
    text: String,
    ends: Vec<usize>,
}

impl<'a> FromIterator<&'a str> for TextColumn {
    fn from_iter<I: IntoIterator<Item = &'a str>>(texts: I) -> Self {
        let mut column = Self::default();
        for text in texts {
            column.text.push_str(text);
            column.ends.push(column.text.len());
        }
        column
    }
}

impl TextColumn {
    fn iter(&self) -> impl ExactSizeIterator<Item = &str> {
        (0..self.ends.len()).map(|n| {
            let start = n.checked_sub(1).map_or(0, |before| self.ends[before]);
            &self.text[start..self.ends[n]]
        })
    }
}

impl TraceIds {
    /// The ids of the forward (or backward) trace of `item`.
    pub fn collect(tracker: &Tracker, item: &ItemRef, forward: bool) -> Result<Self, TraceError> {
        let state = tracker.state();
        Ok(if forward {
            let ids = trace_forward_ids(state, item)?;
            Self {
                items: ids.items().collect(),
                documents: ids.shipments().collect(),
                parties: ids.customers().cloned().collect(),
            }
        } else {
            let ids = trace_backward_ids(state, item)?;
            Self {
                items: ids.items().collect(),
                documents: TextColumn::default(),
                parties: ids.suppliers().cloned().collect(),
            }
        })
    }

    fn numbers<'py>(
        &self,
        py: Python<'py>,
        number: impl Fn(&ItemRef) -> Option<&str>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let numbers: Vec<&str> = self.items.iter().filter_map(number).collect();
        PyTuple::new(py, numbers)
    }
}

#[pymethods]
impl TraceIds {
    /// The items as `LotRef` / `SerialRef` records, start first.
    fn items<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Records::new(py)?.tuple(&self.items, Records::distinct_item)
    }

    /// The lot numbers among the items, in trace order.
    fn lot_ids<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        self.numbers(py, |item| match item {
            ItemRef::Lot { lot, .. } => Some(lot.as_str()),
            ItemRef::Serial { .. } => None,
        })
    }

    /// The serial numbers among the items, in trace order.
    fn serial_ids<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        self.numbers(py, |item| match item {
            ItemRef::Serial { serial, .. } => Some(serial.as_str()),
            ItemRef::Lot { .. } => None,
        })
    }

    /// The shipment ids (forward; empty backward).
    fn documents<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.documents.iter())
    }

    /// The customers (forward) or suppliers (backward).
    fn parties<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.parties.iter().map(|p| p.as_str()))
    }

    fn __len__(&self) -> usize {
        self.items.len()
    }
}

/// The full report of a forward (or backward) trace of `item`.
pub fn collect(tracker: &Tracker, item: &ItemRef, forward: bool) -> Result<Renderable, TraceError> {
    let state = tracker.state();
    Ok(if forward {
        Renderable::Forward(trace_forward(state, item)?)
    } else {
        Renderable::Backward(trace_backward(state, item)?)
    })
}
