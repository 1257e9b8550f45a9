//! The package's records (lots, serials, trace and recall reports) built in Rust
//! without JSON: the core's answer is made under the tracker's lock (GIL released),
//! then each Python record is made the way `copy` and `pickle` make instances
//! (`object.__new__` and the generic attribute setter, skipping the frozen dataclass's
//! `__init__`). The values are those the package's `from_json` converters give: `str`
//! ids, `datetime.date`, `Decimal` from the quantity's canonical text, enum members,
//! attributes as a read-only mapping, tuples for lists. A point read so costs a few
//! microseconds instead of JSON text, `json.loads` and a Python converter.
//! Dates, decimals and product ids are immutable in Python, so the ones made are kept
//! and shared (a few thousand distinct values cover most stores: calendar days, round
//! quantities, products).
//!
//! Each record is taken off the cycle collector's list once made (as msgspec does for
//! its `gc=False` structs): a record is frozen and holds only immutable values and other
//! records, so it can never be part of a reference cycle, and tracking it would only make
//! every later collection walk it (building a hub's report paid about a fifth of its
//! time to collections, and an application holding a million lots pays on every
//! full collection).

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;
use std::sync::Mutex;

use chrono::{Datelike, NaiveDate};
use pyo3::exceptions::PyAttributeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyString, PyTuple, PyType};
use traceability_core::query::trace::{
    CustomerExposure, ItemStock, LocationExposure, Receipt, ShipmentLine, StockAt, TraceEdge,
    TracedItem,
};
use traceability_core::{
    BackwardTrace, ForwardTrace, ItemRef, Lot, LotDates, Origin, ProductId, Quantity, RecallReport,
    Serial, StockLine,
};

use crate::queries::{Graph, Renderable};

/// The package's record classes and the Python types their fields are made of, looked
/// up once (the package is imported before any tracker exists).
struct Classes {
    lot_ref: Py<PyType>,
    serial_ref: Py<PyType>,
    lot: Py<PyType>,
    lot_dates: Py<PyType>,
    stock_line: Py<PyType>,
    serial: Py<PyType>,
    traced_item: Py<PyType>,
    trace_edge: Py<PyType>,
    traced_shipment: Py<PyType>,
    item_stock: Py<PyType>,
    receipt: Py<PyType>,
    forward_trace: Py<PyType>,
    backward_trace: Py<PyType>,
    recall_report: Py<PyType>,
    customer_exposure: Py<PyType>,
    location_exposure: Py<PyType>,
    stock_at: Py<PyType>,
    /// Wire value → member (`Enum._value2member_map_`).
    quality: Py<PyDict>,
    serial_status: Py<PyDict>,
    decimal: Py<PyAny>,
    date: Py<PyAny>,
    decimals: Shared<Quantity>,
    dates: Shared<NaiveDate>,
    products: Shared<ProductId>,
    mapping_proxy: Py<PyAny>,
    no_attributes: Py<PyAny>,
    object_new: Py<PyAny>,
}

static CLASSES: PyOnceLock<Classes> = PyOnceLock::new();

fn classes(py: Python<'_>) -> PyResult<&Classes> {
    CLASSES.get_or_try_init(py, || {
        let types = py.import("traceability._types")?;
        let class = |name: &str| -> PyResult<Py<PyType>> {
            Ok(types.getattr(name)?.cast_into::<PyType>()?.unbind())
        };
        let members = |name: &str| -> PyResult<Py<PyDict>> {
            Ok(types
                .getattr(name)?
                .getattr("_value2member_map_")?
                .cast_into::<PyDict>()?
                .unbind())
        };
        let mapping_proxy = py.import("types")?.getattr("MappingProxyType")?;
        Ok(Classes {
            lot_ref: class("LotRef")?,
            serial_ref: class("SerialRef")?,
            lot: class("Lot")?,
            lot_dates: class("LotDates")?,
            stock_line: class("StockLine")?,
            serial: class("Serial")?,
            traced_item: class("TracedItem")?,
            trace_edge: class("TraceEdge")?,
            traced_shipment: class("TracedShipment")?,
            item_stock: class("ItemStock")?,
            receipt: class("Receipt")?,
            forward_trace: class("ForwardTrace")?,
            backward_trace: class("BackwardTrace")?,
            recall_report: class("RecallReport")?,
            customer_exposure: class("CustomerExposure")?,
            location_exposure: class("LocationExposure")?,
            stock_at: class("StockAt")?,
            quality: members("QualityStatus")?,
            serial_status: members("SerialStatus")?,
            decimal: py.import("decimal")?.getattr("Decimal")?.unbind(),
            date: py.import("datetime")?.getattr("date")?.unbind(),
            decimals: Shared::default(),
            dates: Shared::default(),
            products: Shared::default(),
            mapping_proxy: mapping_proxy.clone().unbind(),
            no_attributes: mapping_proxy.call1((PyDict::new(py),))?.unbind(),
            object_new: py.get_type::<PyAny>().getattr("__new__")?.unbind(),
        })
    })
}

/// Builds records of the package; one per call that converts. An item met twice (in a
/// trace's items, shipments and stock) is one shared `LotRef` / `SerialRef`.
pub struct Records<'py> {
    py: Python<'py>,
    classes: &'py Classes,
    items: RefCell<HashMap<ItemRef, Bound<'py, PyAny>>>,
}

impl<'py> Records<'py> {
    pub fn new(py: Python<'py>) -> PyResult<Self> {
        Ok(Self {
            py,
            classes: classes(py)?,
            items: RefCell::default(),
        })
    }

    /// A `traceability.Lot`.
    pub fn lot(&self, lot: &Lot) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        let c = self.classes;
        let (origin, work_order) = origin(&lot.origin);
        let fields = [
            (intern!(py, "product"), self.product(&lot.product)?),
            (intern!(py, "number"), self.text(lot.number.as_str())),
            (intern!(py, "received_on"), self.date(lot.received_on)?),
            (
                intern!(py, "manufactured_on"),
                self.optional_date(lot.manufactured_on)?,
            ),
            (intern!(py, "dates"), self.lot_dates(&lot.dates)?),
            (intern!(py, "weight"), self.optional_decimal(lot.weight())?),
            (intern!(py, "description"), self.text(lot.description())),
            (
                intern!(py, "supplier"),
                self.optional_text(lot.supplier.as_ref().map(|s| s.as_str())),
            ),
            (
                intern!(py, "supplier_lot"),
                self.optional_text(lot.supplier_lot()),
            ),
            (
                intern!(py, "attributes"),
                self.attributes(lot.attributes())?,
            ),
            (intern!(py, "active"), self.flag(lot.active)),
            (
                intern!(py, "quality"),
                self.member(&c.quality, &lot.quality)?,
            ),
            (intern!(py, "on_hold"), self.flag(lot.on_hold)),
            (intern!(py, "origin"), self.text(origin)),
            (intern!(py, "work_order"), self.optional_text(work_order)),
            (
                intern!(py, "stock"),
                self.tuple(&lot.stock, Self::stock_line)?,
            ),
        ];
        self.make(&c.lot, fields)
    }

    /// A `traceability.Serial`.
    pub fn serial(&self, serial: &Serial) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        let (origin, work_order) = origin(&serial.origin);
        let fields = [
            (intern!(py, "product"), self.product(&serial.product)?),
            (intern!(py, "number"), self.text(serial.number.as_str())),
            (
                intern!(py, "status"),
                self.member(&self.classes.serial_status, &serial.status)?,
            ),
            (
                intern!(py, "location"),
                self.optional_text(serial.location.as_ref().map(|l| l.as_str())),
            ),
            (
                intern!(py, "supplier"),
                self.optional_text(serial.supplier.as_ref().map(|s| s.as_str())),
            ),
            (
                intern!(py, "order"),
                self.optional_text(serial.order.as_ref().map(|o| o.as_str())),
            ),
            (intern!(py, "on_hold"), self.flag(serial.on_hold)),
            (intern!(py, "origin"), self.text(origin)),
            (intern!(py, "work_order"), self.optional_text(work_order)),
            (
                intern!(py, "received_on"),
                self.optional_date(serial.received_on)?,
            ),
        ];
        self.make(&self.classes.serial, fields)
    }

    /// A `traceability.LotRef` or `SerialRef`.
    pub fn item(&self, item: &ItemRef) -> PyResult<Bound<'py, PyAny>> {
        if let Some(made) = self.items.borrow().get(item) {
            return Ok(made.clone());
        }
        let made = self.distinct_item(item)?;
        self.items.borrow_mut().insert(item.clone(), made.clone());
        Ok(made)
    }

    /// A new `LotRef` or `SerialRef`, for items met once (an ids-only trace's).
    pub fn distinct_item(&self, item: &ItemRef) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        let (class, key, product, number) = match item {
            ItemRef::Lot { product, lot } => (
                &self.classes.lot_ref,
                intern!(py, "lot"),
                product,
                lot.as_str(),
            ),
            ItemRef::Serial { product, serial } => (
                &self.classes.serial_ref,
                intern!(py, "serial"),
                product,
                serial.as_str(),
            ),
        };
        self.make(
            class,
            [
                (intern!(py, "product"), self.product(product)?),
                (key, self.text(number)),
            ],
        )
    }

    /// The record of a trace or recall report, keeping the report to render it
    /// ([`Graph`], attribute `_graph`).
    pub fn rendered(&self, report: Renderable) -> PyResult<Bound<'py, PyAny>> {
        let record = match &report {
            Renderable::Forward(trace) => self.forward_trace(trace),
            Renderable::Backward(trace) => self.backward_trace(trace),
            Renderable::Recall(report) => self.recall_report(report),
        }?;
        let graph = Bound::new(self.py, Graph::new(report))?;
        set(&record, intern!(self.py, "_graph"), graph.as_any())?;
        Ok(record)
    }

    /// A `traceability.ForwardTrace`.
    fn forward_trace(&self, trace: &ForwardTrace) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        self.make(
            &self.classes.forward_trace,
            [
                (intern!(py, "start"), self.item(&trace.start)?),
                (
                    intern!(py, "items"),
                    self.tuple(&trace.items, Self::traced_item)?,
                ),
                (
                    intern!(py, "edges"),
                    self.tuple(&trace.edges, Self::trace_edge)?,
                ),
                (
                    intern!(py, "shipments"),
                    self.tuple(&trace.shipments, Self::traced_shipment)?,
                ),
                (
                    intern!(py, "customers"),
                    self.tuple(&trace.customers, |r, c| Ok(r.text(c.as_str())))?,
                ),
                (
                    intern!(py, "stock"),
                    self.tuple(&trace.stock, Self::item_stock)?,
                ),
            ],
        )
    }

    /// A `traceability.BackwardTrace`.
    fn backward_trace(&self, trace: &BackwardTrace) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        self.make(
            &self.classes.backward_trace,
            [
                (intern!(py, "start"), self.item(&trace.start)?),
                (
                    intern!(py, "items"),
                    self.tuple(&trace.items, Self::traced_item)?,
                ),
                (
                    intern!(py, "edges"),
                    self.tuple(&trace.edges, Self::trace_edge)?,
                ),
                (
                    intern!(py, "receipts"),
                    self.tuple(&trace.receipts, Self::receipt)?,
                ),
                (
                    intern!(py, "suppliers"),
                    self.tuple(&trace.suppliers, |r, s| Ok(r.text(s.as_str())))?,
                ),
            ],
        )
    }

    /// A `traceability.RecallReport`.
    fn recall_report(&self, report: &RecallReport) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        self.make(
            &self.classes.recall_report,
            [
                (
                    intern!(py, "recall"),
                    self.optional_text(report.recall.as_ref().map(|r| r.as_str())),
                ),
                (intern!(py, "seq"), self.optional_int(report.seq)),
                (
                    intern!(py, "reason"),
                    self.optional_text(report.reason.as_deref()),
                ),
                (
                    intern!(py, "suspects"),
                    self.tuple(&report.suspects, Self::item)?,
                ),
                (
                    intern!(py, "items"),
                    self.tuple(&report.items, Self::traced_item)?,
                ),
                (
                    intern!(py, "edges"),
                    self.tuple(&report.edges, Self::trace_edge)?,
                ),
                (
                    intern!(py, "customers"),
                    self.tuple(&report.customers, Self::customer_exposure)?,
                ),
                (
                    intern!(py, "locations"),
                    self.tuple(&report.locations, Self::location_exposure)?,
                ),
                (intern!(py, "held"), self.tuple(&report.held, Self::item)?),
                (intern!(py, "hold_seq"), self.optional_int(report.hold_seq)),
            ],
        )
    }

    fn customer_exposure(&self, exposure: &CustomerExposure) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        self.make(
            &self.classes.customer_exposure,
            [
                (
                    intern!(py, "customer"),
                    self.text(exposure.customer.as_str()),
                ),
                (
                    intern!(py, "shipments"),
                    self.tuple(&exposure.shipments, Self::traced_shipment)?,
                ),
            ],
        )
    }

    fn location_exposure(&self, exposure: &LocationExposure) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        self.make(
            &self.classes.location_exposure,
            [
                (
                    intern!(py, "location"),
                    self.text(exposure.location.as_str()),
                ),
                (
                    intern!(py, "stock"),
                    self.tuple(&exposure.stock, Self::stock_at)?,
                ),
            ],
        )
    }

    fn stock_at(&self, stock: &StockAt) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        self.make(
            &self.classes.stock_at,
            [
                (intern!(py, "item"), self.item(&stock.item)?),
                (intern!(py, "on_hand"), self.decimal(stock.on_hand)?),
                (intern!(py, "reserved"), self.decimal(stock.reserved)?),
            ],
        )
    }

    fn traced_item(&self, traced: &TracedItem) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        self.make(
            &self.classes.traced_item,
            [
                (intern!(py, "item"), self.item(&traced.item)?),
                (intern!(py, "depth"), self.int(traced.depth)),
            ],
        )
    }

    fn trace_edge(&self, edge: &TraceEdge) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        self.make(
            &self.classes.trace_edge,
            [
                (intern!(py, "source"), self.int(edge.from)),
                (intern!(py, "target"), self.int(edge.to)),
                (intern!(py, "quantity"), self.decimal(edge.quantity)?),
                (
                    intern!(py, "work_order"),
                    self.text(edge.work_order.as_str()),
                ),
            ],
        )
    }

    fn traced_shipment(&self, line: &ShipmentLine) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        self.make(
            &self.classes.traced_shipment,
            [
                (intern!(py, "shipment"), self.text(line.shipment.as_str())),
                (
                    intern!(py, "order"),
                    self.optional_text(line.order.as_ref().map(|o| o.as_str())),
                ),
                (intern!(py, "customer"), self.text(line.customer.as_str())),
                (intern!(py, "shipped_on"), self.date(line.shipped_on)?),
                (intern!(py, "item"), self.item(&line.item)?),
                (intern!(py, "quantity"), self.decimal(line.quantity)?),
                (intern!(py, "reversed"), self.flag(line.reversed)),
            ],
        )
    }

    fn item_stock(&self, stock: &ItemStock) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        self.make(
            &self.classes.item_stock,
            [
                (intern!(py, "item"), self.item(&stock.item)?),
                (
                    intern!(py, "locations"),
                    self.tuple(&stock.locations, Self::stock_line)?,
                ),
                (intern!(py, "on_hand"), self.decimal(stock.on_hand)?),
            ],
        )
    }

    fn receipt(&self, receipt: &Receipt) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        self.make(
            &self.classes.receipt,
            [
                (intern!(py, "item"), self.item(&receipt.item)?),
                (
                    intern!(py, "received_on"),
                    self.optional_date(receipt.received_on)?,
                ),
                (
                    intern!(py, "supplier"),
                    self.optional_text(receipt.supplier.as_ref().map(|s| s.as_str())),
                ),
                (
                    intern!(py, "supplier_lot"),
                    self.optional_text(receipt.supplier_lot.as_deref()),
                ),
            ],
        )
    }

    /// A tuple of one record (or value) per element.
    pub fn tuple<T>(
        &self,
        elements: &[T],
        make: impl Fn(&Self, &T) -> PyResult<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let made = elements
            .iter()
            .map(|element| make(self, element))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(PyTuple::new(self.py, made)?.into_any())
    }

    fn lot_dates(&self, dates: &LotDates) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        self.make(
            &self.classes.lot_dates,
            [
                (intern!(py, "expiry"), self.optional_date(dates.expiry)?),
                (
                    intern!(py, "best_before"),
                    self.optional_date(dates.best_before)?,
                ),
                (intern!(py, "removal"), self.optional_date(dates.removal)?),
                (intern!(py, "alert"), self.optional_date(dates.alert)?),
            ],
        )
    }

    /// A read-only mapping; lots without attributes share one empty mapping.
    fn attributes(&self, attributes: &BTreeMap<String, String>) -> PyResult<Bound<'py, PyAny>> {
        if attributes.is_empty() {
            return Ok(self.classes.no_attributes.bind(self.py).clone());
        }
        let mapping = PyDict::new(self.py);
        for (key, value) in attributes {
            mapping.set_item(key, value)?;
        }
        self.classes.mapping_proxy.bind(self.py).call1((mapping,))
    }

    fn stock_line(&self, line: &StockLine) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        self.make(
            &self.classes.stock_line,
            [
                (intern!(py, "location"), self.text(line.location.as_str())),
                (intern!(py, "on_hand"), self.decimal(line.on_hand)?),
                (intern!(py, "reserved"), self.decimal(line.reserved)?),
                (intern!(py, "held"), self.decimal(line.held)?),
            ],
        )
    }

    /// A fresh instance of `class` with `fields` set.
    fn make<const N: usize>(
        &self,
        class: &Py<PyType>,
        fields: [(&Bound<'py, PyString>, Bound<'py, PyAny>); N],
    ) -> PyResult<Bound<'py, PyAny>> {
        let record = self
            .classes
            .object_new
            .bind(self.py)
            .call1((class.bind(self.py),))?;
        for (name, value) in fields {
            set(&record, name, &value)?;
        }
        // SAFETY: `record` is a live object; untracking one the collector does not track
        // is a no-op. The module docs say why a record needs no cycle collection.
        unsafe { pyo3::ffi::PyObject_GC_UnTrack(record.as_ptr().cast()) };
        Ok(record)
    }

    /// A product id; the strings are shared between records.
    fn product(&self, product: &ProductId) -> PyResult<Bound<'py, PyAny>> {
        self.classes
            .products
            .get_or_make(self.py, product.clone(), || Ok(self.text(product.as_str())))
    }

    fn int(&self, value: impl Into<u64>) -> Bound<'py, PyAny> {
        pyo3::types::PyInt::new(self.py, value.into()).into_any()
    }

    fn optional_int(&self, value: Option<u64>) -> Bound<'py, PyAny> {
        value.map_or_else(|| self.py.None().into_bound(self.py), |v| self.int(v))
    }

    fn text(&self, text: &str) -> Bound<'py, PyAny> {
        PyString::new(self.py, text).into_any()
    }

    fn optional_text(&self, text: Option<&str>) -> Bound<'py, PyAny> {
        text.map_or_else(|| self.py.None().into_bound(self.py), |t| self.text(t))
    }

    fn flag(&self, value: bool) -> Bound<'py, PyAny> {
        pyo3::types::PyBool::new(self.py, value)
            .to_owned()
            .into_any()
    }

    fn date(&self, date: NaiveDate) -> PyResult<Bound<'py, PyAny>> {
        let class = self.classes.date.bind(self.py);
        self.classes.dates.get_or_make(self.py, date, || {
            class.call1((date.year(), date.month(), date.day()))
        })
    }

    fn optional_date(&self, date: Option<NaiveDate>) -> PyResult<Bound<'py, PyAny>> {
        date.map_or_else(|| Ok(self.py.None().into_bound(self.py)), |d| self.date(d))
    }

    /// `Decimal` of the quantity's canonical text, as `Decimal(json_text)` gives it.
    fn decimal(&self, quantity: Quantity) -> PyResult<Bound<'py, PyAny>> {
        let class = self.classes.decimal.bind(self.py);
        self.classes
            .decimals
            .get_or_make(self.py, quantity, || class.call1((quantity.to_string(),)))
    }

    fn optional_decimal(&self, quantity: Option<Quantity>) -> PyResult<Bound<'py, PyAny>> {
        quantity.map_or_else(
            || Ok(self.py.None().into_bound(self.py)),
            |q| self.decimal(q),
        )
    }

    /// The enum member of a core value whose wire form is a string.
    fn member<T: serde::Serialize>(
        &self,
        members: &Py<PyDict>,
        value: &T,
    ) -> PyResult<Bound<'py, PyAny>> {
        let wire = match serde_json::to_value(value) {
            Ok(serde_json::Value::String(wire)) => wire,
            _ => return Err(PyAttributeError::new_err("an enum without a text form")),
        };
        members
            .bind(self.py)
            .get_item(&wire)?
            .ok_or_else(|| PyAttributeError::new_err(format!("no member {wire:?}")))
    }
}

/// Immutable Python values made once per key and shared, up to a bound (past it, new
/// keys are made each time; nothing is evicted).
struct Shared<K> {
    made: Mutex<HashMap<K, Py<PyAny>>>,
}

impl<K> Default for Shared<K> {
    fn default() -> Self {
        Self {
            made: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Hash + Eq> Shared<K> {
    const BOUND: usize = 16_384;

    fn get_or_make<'py>(
        &self,
        py: Python<'py>,
        key: K,
        make: impl FnOnce() -> PyResult<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        if let Some(value) = self.lock().get(&key) {
            return Ok(value.bind(py).clone());
        }
        // Made without the lock held: running Python code may switch threads.
        let value = make()?;
        let mut made = self.lock();
        if made.len() < Self::BOUND {
            made.insert(key, value.clone().unbind());
        }
        Ok(value)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, Py<PyAny>>> {
        self.made
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// ("received", None) or ("produced", work order), as the package splits an origin.
fn origin(origin: &Origin) -> (&'static str, Option<&str>) {
    match origin {
        Origin::Received => ("received", None),
        Origin::Produced { work_order } => ("produced", Some(work_order.as_str())),
    }
}

/// `object.__setattr__(object, name, value)`: the generic setter, which a frozen
/// dataclass's own `__setattr__` refuses to be.
fn set(
    object: &Bound<'_, PyAny>,
    name: &Bound<'_, PyString>,
    value: &Bound<'_, PyAny>,
) -> PyResult<()> {
    // SAFETY: three live, GIL-bound object pointers; the call borrows them.
    let status = unsafe {
        pyo3::ffi::PyObject_GenericSetAttr(object.as_ptr(), name.as_ptr(), value.as_ptr())
    };
    if status == 0 {
        Ok(())
    } else {
        Err(PyErr::take(object.py())
            .unwrap_or_else(|| PyAttributeError::new_err("cannot set a record attribute")))
    }
}
