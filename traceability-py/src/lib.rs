//! The native module `traceability._traceability`: a thin layer that converts
//! arguments, calls the core and converts results and errors. Commands and query
//! answers cross as JSON in the serde shape of the core types, except ids-only traces,
//! built as the package's records directly ([`trace_ids`]); the typed Python API
//! lives in the pure-Python package around this module. Signed checkpoints are the one
//! native record ([`audit::Checkpoint`]): it keeps the core's value, so its JSON and
//! signature round-trip exactly.
//!
//! Threading: the tracker sits in a `Mutex` inside a frozen pyclass. Every call first
//! releases the GIL, then takes the lock, so a long call (open, batch, verify, history,
//! trace, recall, rendering) never blocks other Python threads and no thread waits on
//! the lock while holding the GIL. No Rust borrow outlives a call.
//!
//! Panics: every call runs through the one guard in [`guard`], inside the lock, so a
//! panic (a bug: the core refuses bad input with typed errors) is raised as
//! `TraceabilityError`, never `PanicException`, the mutex is not poisoned, and the
//! tracker is reloaded from its store (or closed when that fails).

mod audit;
mod bulk;
mod errors;
mod guard;
mod queries;
mod records;
mod traces;
mod values;

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use guard::{guard, guard_engine};
use pyo3::prelude::*;
use traceability_core::io::catalog::{self, page};
use traceability_core::io::csv;
use traceability_core::query::trace::recall_report;
use traceability_core::{
    AllocationRequest, Command, FixedClock, ItemRef, LotKey, OpenOptions, ProductId, Recall,
    SerialNumber, State, SystemClock, TraceError, Tracker,
};

use audit::Checkpoint;

/// A tracker and, when the caller fixed the time, the clock it reads.
struct Engine {
    tracker: Tracker,
    fixed_clock: Option<Arc<FixedClock>>,
}

impl Engine {
    fn set_time(&mut self, at: Option<DateTime<Utc>>) {
        match (at, &self.fixed_clock) {
            (Some(at), Some(clock)) => clock.set(at),
            (Some(at), None) => {
                let clock = Arc::new(FixedClock::new(at));
                self.tracker.set_clock(clock.clone());
                self.fixed_clock = Some(clock);
            }
            (None, _) => {
                self.tracker.set_clock(Arc::new(SystemClock));
                self.fixed_clock = None;
            }
        }
    }
}

/// The core tracker behind the Python `traceability.Tracker`.
#[pyclass(frozen, module = "traceability._traceability")]
struct NativeTracker {
    /// `None` once closed.
    engine: Mutex<Option<Engine>>,
}

impl NativeTracker {
    fn wrap(tracker: Tracker) -> Self {
        Self {
            engine: Mutex::new(Some(Engine {
                tracker,
                fixed_clock: None,
            })),
        }
    }

    fn lock(&self) -> Result<MutexGuard<'_, Option<Engine>>, TraceError> {
        self.engine
            .lock()
            .map_err(|_| TraceError::storage("tracker unusable after an internal failure"))
    }

    /// Runs `work` on the engine with the GIL released, inside the lock and the panic
    /// guard, then converts its error.
    fn with_engine<T: Send>(
        &self,
        py: Python<'_>,
        work: impl FnOnce(&mut Engine) -> Result<T, TraceError> + Send,
    ) -> PyResult<T> {
        py.detach(|| guard_engine(&mut *self.lock()?, work))
            .map_err(|e| errors::to_py(py, e))
    }

    /// The record `find` finds in the state (its ids checked and the record copied
    /// under the lock, GIL released), built after; `None` when there is none.
    fn one<'py, T: Send>(
        &self,
        py: Python<'py>,
        find: impl FnOnce(&State) -> Result<Option<T>, TraceError> + Send,
        build: fn(&records::Records<'py>, &T) -> PyResult<Bound<'py, PyAny>>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let found = self.with_engine(py, |engine| find(engine.tracker.state()))?;
        found
            .map(|row| build(&records::Records::new(py)?, &row))
            .transpose()
    }

    /// Records `offset..offset + limit` of one of the state's lists, copied under the
    /// lock (GIL released) and built after.
    fn page<'py, T: Clone + Send>(
        &self,
        py: Python<'py>,
        offset: usize,
        limit: usize,
        list: fn(&State) -> &[T],
        build: fn(&records::Records<'py>, &T) -> PyResult<Bound<'py, PyAny>>,
    ) -> PyResult<Vec<Bound<'py, PyAny>>> {
        let rows = self.with_engine(py, |engine| {
            Ok(page(list(engine.tracker.state()), offset, limit).to_vec())
        })?;
        let records = records::Records::new(py)?;
        rows.iter().map(|row| build(&records, row)).collect()
    }
}

/// The path of a store to open: an empty or blank path is refused (SQLite would open a
/// temporary database and lose everything written to it).
fn store_path(path: PathBuf) -> Result<PathBuf, TraceError> {
    if path.as_os_str().to_string_lossy().trim().is_empty() {
        return Err(TraceError::invalid(
            "path",
            "the store path is empty; give the file of the SQLite store",
        ));
    }
    Ok(path)
}

/// A command, a list of commands or an allocation request from Python: the wire-shaped
/// value a `traceability.cmd` command value built (`{name: body}` of `str`, `int`,
/// `bool`, `None`, lists and dicts), read straight into the core's type without JSON
/// text; or JSON text (raw dicts, which `json` converts with their Decimal, date and
/// enum values), parsed with the GIL released as before. Either way a malformed value
/// is [`TraceError::InvalidInput`] naming `what`, raised as the matching exception.
fn from_python<T: serde::de::DeserializeOwned + Send>(
    py: Python<'_>,
    what: &'static str,
    value: &Bound<'_, PyAny>,
) -> PyResult<T> {
    let parsed = match value.cast::<pyo3::types::PyString>() {
        Ok(text) => {
            let text = text.to_cow()?;
            py.detach(|| catalog::parse(what, &text))
        }
        Err(_) => values::read(value).map_err(|e| TraceError::invalid(what, e.to_string())),
    };
    parsed.map_err(|e| errors::to_py(py, e.into()))
}

fn parse_instant(text: &str) -> Result<DateTime<Utc>, TraceError> {
    DateTime::parse_from_rfc3339(text)
        .map(|at| at.with_timezone(&Utc))
        .map_err(|e| TraceError::invalid("now", format!("{text:?}: {e}")))
}

#[pymethods]
impl NativeTracker {
    /// A tracker on a fresh in-memory store.
    #[new]
    fn new(py: Python<'_>) -> PyResult<Self> {
        guard(|| Ok(Tracker::in_memory()))
            .map(Self::wrap)
            .map_err(|e| errors::to_py(py, e))
    }

    /// Opens (or creates) the SQLite store at `path`, verifies its hash chain (unless
    /// `verify` is false) and replays it; with `salvage`, a damaged log opens read-only
    /// up to its first bad event (see `damage`).
    #[staticmethod]
    #[pyo3(signature = (path, verify = true, salvage = false, snapshot_every = 100_000))]
    fn open(
        py: Python<'_>,
        path: PathBuf,
        verify: bool,
        salvage: bool,
        snapshot_every: u64,
    ) -> PyResult<Self> {
        let options = OpenOptions {
            verify,
            salvage,
            snapshot_every,
        };
        py.detach(|| guard(|| Tracker::open_with(store_path(path)?, options)))
            .map(Self::wrap)
            .map_err(|e| errors::to_py(py, e))
    }

    /// Why a salvaged tracker stopped replaying, as the (unraised) exception instance of
    /// its kind (`Tampered`, `Unreplayable`, ...), or `None` for a healthy log.
    fn damage(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        let damage = self.with_engine(py, |engine| Ok(engine.tracker.damage().cloned()))?;
        Ok(damage.map(|error| errors::instance(py, error)))
    }

    /// Signs the head this tracker has read with the 32-byte Ed25519 secret seed
    /// `signing_key` (not kept).
    fn checkpoint(&self, py: Python<'_>, signing_key: &[u8]) -> PyResult<Checkpoint> {
        let key = audit::signing_key(signing_key).map_err(|e| errors::to_py(py, e.into()))?;
        self.with_engine(py, move |engine| Ok(engine.tracker.checkpoint(&key)))
            .map(Checkpoint::from)
    }

    /// Proves the store's log still extends the checkpointed head (signature checked
    /// with the 32-byte Ed25519 `public_key`); returns the number of events it holds.
    fn verify_against(
        &self,
        py: Python<'_>,
        checkpoint: &Checkpoint,
        public_key: &[u8],
    ) -> PyResult<u64> {
        let key = audit::verifying_key(public_key).map_err(|e| errors::to_py(py, e.into()))?;
        let checkpoint = checkpoint.core().clone();
        self.with_engine(py, move |engine| {
            engine.tracker.verify_against(&checkpoint, &key)
        })
    }

    /// Applies what other writers appended to the store since this tracker last read
    /// it; returns the head `(count, hex hash)` it has then applied.
    fn refresh(&self, py: Python<'_>) -> PyResult<(u64, String)> {
        self.with_engine(py, |engine| {
            engine.tracker.refresh()?;
            let (count, hash) = engine.tracker.head();
            Ok((count, hex::encode(hash)))
        })
    }

    /// Waits up to `timeout` seconds for other writers' events and applies them;
    /// returns how many came.
    fn wait_for_events(&self, py: Python<'_>, timeout: f64) -> PyResult<u64> {
        let timeout = std::time::Duration::try_from_secs_f64(timeout).map_err(|_| {
            errors::to_py(
                py,
                TraceError::invalid("timeout", "must be a finite number of seconds, at least 0")
                    .into(),
            )
        })?;
        self.with_engine(py, |engine| engine.tracker.wait_for_events(timeout))
    }

    /// Writes a snapshot of the state to the store; returns the number of events it
    /// covers.
    fn snapshot(&self, py: Python<'_>) -> PyResult<u64> {
        self.with_engine(py, |engine| engine.tracker.snapshot())
    }

    /// What opening or snapshotting noticed without failing, oldest first.
    fn warnings(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        self.with_engine(py, |engine| Ok(engine.tracker.warnings().to_vec()))
    }

    /// Fixes the clock at an RFC 3339 instant; `None` returns to the system clock.
    #[pyo3(signature = (at))]
    fn set_time(&self, py: Python<'_>, at: Option<&str>) -> PyResult<()> {
        let at = at
            .map(parse_instant)
            .transpose()
            .map_err(|e| errors::to_py(py, e.into()))?;
        self.with_engine(py, |engine| {
            engine.set_time(at);
            Ok(())
        })
    }

    /// Executes one command (see [`from_python`]); returns `(first_seq, count)`.
    #[pyo3(signature = (actor, reason, command))]
    fn execute(
        &self,
        py: Python<'_>,
        actor: &str,
        reason: Option<&str>,
        command: &Bound<'_, PyAny>,
    ) -> PyResult<(u64, u64)> {
        let command: Command = from_python(py, "command", command)?;
        self.with_engine(py, |engine| {
            let done = engine.tracker.execute(actor, reason, &command)?;
            Ok((done.first_seq, done.count))
        })
    }

    /// Executes a list of commands (see [`from_python`]) atomically; returns
    /// `(first_seq, count)`.
    #[pyo3(signature = (actor, reason, commands))]
    fn execute_batch(
        &self,
        py: Python<'_>,
        actor: &str,
        reason: Option<&str>,
        commands: &Bound<'_, PyAny>,
    ) -> PyResult<(u64, u64)> {
        let commands: Vec<Command> = from_python(py, "commands", commands)?;
        self.with_engine(py, |engine| {
            let done = engine.tracker.execute_batch(actor, reason, &commands)?;
            Ok((done.first_seq, done.count))
        })
    }

    /// Loads `batches` (an iterable of lists of commands as dicts), each atomically,
    /// calling `progress(batches, commands, events)` after each; `encode(batch)` is the
    /// JSON text of a batch that does not read as plain values. Returns what was stored
    /// as `(batches, commands, events)`. See [`bulk::finish`] for the errors.
    #[pyo3(signature = (actor, reason, batches, encode, progress))]
    fn bulk_load(
        &self,
        py: Python<'_>,
        actor: &str,
        reason: Option<&str>,
        batches: &Bound<'_, PyAny>,
        encode: Py<PyAny>,
        progress: Option<Py<PyAny>>,
    ) -> PyResult<(u64, u64, u64)> {
        let batches = batches.try_iter()?.unbind();
        let outcome = self.with_engine(py, |engine| {
            Ok(bulk::load(
                &mut engine.tracker,
                actor,
                reason,
                batches,
                encode,
                progress,
            ))
        })?;
        bulk::finish(py, outcome)
    }

    /// Imports CSV `data` with the JSON `CsvOptions`, calling `progress(rows)` as rows
    /// are validated; returns the `ImportReport` as JSON. An exception raised by
    /// `progress` stops the import (nothing is stored) and is raised from here.
    #[pyo3(signature = (actor, reason, data, options, progress))]
    fn import_csv(
        &self,
        py: Python<'_>,
        actor: &str,
        reason: Option<&str>,
        data: Vec<u8>,
        options: &str,
        progress: Option<Py<PyAny>>,
    ) -> PyResult<String> {
        let raised = Mutex::new(None);
        let report = self.with_engine(py, |engine| {
            let options: csv::CsvOptions = catalog::parse("options", options)?;
            let mut report = |rows: usize| {
                let Some(callback) = &progress else {
                    return true;
                };
                let called = Python::attach(|py| callback.call1(py, (rows,)).map(drop));
                called
                    .map_err(|e| raised.lock().map(|mut r| *r = Some(e)))
                    .is_ok()
            };
            let tracker = &mut engine.tracker;
            let imported =
                csv::import_csv(tracker, actor, reason, &data[..], &options, &mut report)?;
            catalog::encode(&imported)
        })?;
        match raised.into_inner().ok().flatten() {
            Some(e) => Err(e),
            None => Ok(report),
        }
    }

    /// Allocates stock of a product by FEFO/FIFO/LIFO from a JSON `AllocationRequest`;
    /// returns the `Allocation` as JSON.
    #[pyo3(signature = (actor, reason, request))]
    fn allocate(
        &self,
        py: Python<'_>,
        actor: &str,
        reason: Option<&str>,
        request: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        let request: AllocationRequest = from_python(py, "allocation request", request)?;
        self.with_engine(py, |engine| {
            catalog::encode(&engine.tracker.allocate(actor, reason, &request)?)
        })
    }

    /// Records a recall given as the JSON of the core's `Recall` command
    /// (`{"recall": id or null, "suspects": [item, ...], "hold": bool}`); with `hold`,
    /// every affected lot and in-custody serial is put on hold by the same event.
    /// Returns the `RecallReport` record (built without JSON).
    #[pyo3(signature = (actor, reason, recall))]
    fn recall<'py>(
        &self,
        py: Python<'py>,
        actor: &str,
        reason: &str,
        recall: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let report = self.with_engine(py, |engine| {
            let Recall {
                recall,
                suspects,
                hold,
            } = catalog::parse("recall request", recall)?;
            engine
                .tracker
                .recall_as(actor, reason, recall, &suspects, hold)
        })?;
        records::Records::new(py)?.rendered(queries::Renderable::Recall(report))
    }

    /// What a recall of `suspects` (a JSON list of items) would affect, as a
    /// `RecallReport` record built without JSON; writes nothing.
    fn recall_report<'py>(&self, py: Python<'py>, suspects: &str) -> PyResult<Bound<'py, PyAny>> {
        let report = self.with_engine(py, |engine| {
            let suspects: Vec<ItemRef> = catalog::parse("suspects", suspects)?;
            recall_report(engine.tracker.state(), &suspects)
        })?;
        records::Records::new(py)?.rendered(queries::Renderable::Recall(report))
    }

    /// Drops the tracker and closes its store; later calls raise `StorageError`.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| {
            let mut engine = self.lock()?;
            guard(|| {
                drop(engine.take());
                Ok(())
            })
        })
        .map_err(|e| errors::to_py(py, e))
    }

    /// Runs a query of the core's catalog by name with JSON arguments; returns JSON.
    fn query(&self, py: Python<'_>, name: &str, args: &str) -> PyResult<String> {
        self.with_engine(py, |engine| catalog::run(&engine.tracker, name, args))
    }

    /// A lot as a `traceability.Lot` record (built without JSON), or `None`.
    fn lot<'py>(
        &self,
        py: Python<'py>,
        product: &str,
        lot: &str,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let find = |state: &State| {
            let key = LotKey::new(product, lot)?;
            Ok(state.lot(&key.product, &key.lot).cloned())
        };
        self.one(py, find, records::Records::lot)
    }

    /// A serial as a `traceability.Serial` record (built without JSON), or `None`.
    fn serial<'py>(
        &self,
        py: Python<'py>,
        product: &str,
        serial: &str,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let find = |state: &State| {
            let (product, serial) = (ProductId::new(product)?, SerialNumber::new(serial)?);
            Ok(state.serial(&product, &serial).cloned())
        };
        self.one(py, find, records::Records::serial)
    }

    /// Lots `offset..offset + limit` in creation order, as `traceability.Lot` records.
    fn lots_page<'py>(
        &self,
        py: Python<'py>,
        offset: usize,
        limit: usize,
    ) -> PyResult<Vec<Bound<'py, PyAny>>> {
        self.page(py, offset, limit, State::lots, records::Records::lot)
    }

    /// Serials `offset..offset + limit` in creation order, as `traceability.Serial`
    /// records.
    fn serials_page<'py>(
        &self,
        py: Python<'py>,
        offset: usize,
        limit: usize,
    ) -> PyResult<Vec<Bound<'py, PyAny>>> {
        self.page(py, offset, limit, State::serials, records::Records::serial)
    }

    /// The ids-only forward (or backward) trace of a lot or serial, kept in Rust until
    /// read.
    fn trace_ids(
        &self,
        py: Python<'_>,
        forward: bool,
        product: &str,
        number: &str,
        serial: bool,
    ) -> PyResult<traces::TraceIds> {
        self.with_engine(py, |engine| {
            let item = item_ref(product, number, serial)?;
            traces::TraceIds::collect(&engine.tracker, &item, forward)
        })
    }

    /// The full forward (or backward) trace of a lot or serial as a `ForwardTrace`
    /// (`BackwardTrace`) record, built without JSON.
    fn trace_report<'py>(
        &self,
        py: Python<'py>,
        forward: bool,
        product: &str,
        number: &str,
        serial: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let report = self.with_engine(py, |engine| {
            let item = item_ref(product, number, serial)?;
            traces::collect(&engine.tracker, &item, forward)
        })?;
        records::Records::new(py)?.rendered(report)
    }
}

/// A lot (or, `serial`, a serial) reference from its checked parts.
fn item_ref(product: &str, number: &str, serial: bool) -> Result<ItemRef, TraceError> {
    Ok(if serial {
        ItemRef::serial(product, number)
    } else {
        ItemRef::lot(product, number)
    }?)
}

/// Renders a trace (`kind` "forward" or "backward") or recall ("recall") result, as
/// returned by its query in JSON, as Graphviz DOT (`format` "dot") or Mermaid
/// ("mermaid"). Releases the GIL.
#[pyfunction]
fn render(py: Python<'_>, kind: &str, format: &str, result: &str) -> PyResult<String> {
    py.detach(|| guard(|| queries::render(kind, format, result)))
        .map_err(|e| errors::to_py(py, e))
}

/// The core's query catalog: `(name, arguments, answer)` of every query.
#[pyfunction]
fn query_catalog() -> Vec<(&'static str, &'static str, &'static str)> {
    catalog::QUERIES
        .iter()
        .map(|q| (q.name, q.args, q.answer))
        .collect()
}

#[pymodule]
fn _traceability(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<NativeTracker>()?;
    module.add_class::<Checkpoint>()?;
    module.add_class::<traces::TraceIds>()?;
    module.add_class::<queries::Graph>()?;
    module.add_function(wrap_pyfunction!(render, module)?)?;
    module.add_function(wrap_pyfunction!(query_catalog, module)?)?;
    module.add_function(wrap_pyfunction!(audit::public_key, module)?)?;
    errors::register(module)?;
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
