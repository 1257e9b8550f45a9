//! `NativeTracker.bulk_load`: [`Tracker::bulk_load`] over batches pulled from a Python
//! iterator (each a JSON array of commands), with progress reported to a Python
//! callable. The GIL is taken back only to pull a batch and to report progress; the
//! batch is parsed and loaded without it, the next one pulled and parsed meanwhile.

use std::cell::RefCell;
use std::sync::mpsc::{sync_channel, SyncSender};

use pyo3::prelude::*;
use pyo3::types::PyIterator;
use traceability_core::{BulkError, BulkProgress, Command, TraceError, Tracker};

use crate::errors;
use crate::guard::Failure;

/// Why the batches ended before the iterator did.
pub enum Stop {
    /// The iterator or the progress callable raised.
    Python(PyErr),
    /// A batch did not parse: the command at `index` in it is the first that does not.
    Parse { index: usize, error: TraceError },
}

/// What a bulk load did, to be turned into a Python answer with the GIL.
pub struct Outcome {
    result: Result<BulkProgress, BulkError>,
    stop: Option<Stop>,
}

/// Runs the load (called without the GIL, inside the engine lock). A second thread
/// pulls and parses the batches while this one loads: taking a batch from the iterator
/// (with the GIL: the caller's rows and their JSON text) overlaps the load of the one
/// before it, so the iterator is read at most one batch ahead of what is stored.
pub fn load(
    tracker: &mut Tracker,
    actor: &str,
    reason: Option<&str>,
    batches: Py<PyIterator>,
    progress: Option<Py<PyAny>>,
) -> Outcome {
    let stop = RefCell::new(None);
    std::thread::scope(|scope| {
        let (sender, received) = sync_channel(1);
        scope.spawn(move || prefetch(batches, sender));
        let pull = std::iter::from_fn(|| {
            if stop.borrow().is_some() {
                return None;
            }
            received
                .recv()
                .ok()?
                .map_err(|why| *stop.borrow_mut() = Some(why))
                .ok()
        });
        let report = |loaded: &BulkProgress| {
            let Some(callback) = &progress else { return };
            let args = (loaded.batches, loaded.commands, loaded.events);
            if let Err(e) = Python::attach(|py| callback.call1(py, args).map(drop)) {
                *stop.borrow_mut() = Some(Stop::Python(e));
            }
        };
        // `pull`, and with it the receiving end, is dropped when the load returns: the
        // prefetching thread's next send fails and it stops.
        let result = tracker.bulk_load(actor, reason, pull, report);
        Outcome {
            result,
            stop: stop.into_inner(),
        }
    })
}

/// Pulls batches from the iterator and parses them, in order, until the iterator ends,
/// raises or a batch does not parse (that reason is sent last), or nobody receives.
fn prefetch(batches: Py<PyIterator>, sender: SyncSender<Result<Vec<Command>, Stop>>) {
    loop {
        let pulled = Python::attach(|py| {
            let next = batches.bind(py).clone().next();
            next.map(|batch| batch.and_then(|b| b.extract::<String>()))
        });
        let Some(json) = pulled else { break };
        let batch = match json {
            Ok(json) => parse_batch(&json).map_err(|(index, error)| Stop::Parse { index, error }),
            Err(e) => Err(Stop::Python(e)),
        };
        let last = batch.is_err();
        if sender.send(batch).is_err() || last {
            break;
        }
    }
    Python::attach(|_| drop(batches));
}

/// `(batches, commands, events)` stored, or the exception that stopped the load: the
/// typed core error with `index` (of the command refused, in the whole load), `batch`
/// and `loaded` (`(batches, commands, events)` stored before it) attributes, or what the
/// iterator or the progress callable raised.
pub fn finish(py: Python<'_>, outcome: Outcome) -> PyResult<(u64, u64, u64)> {
    let (index, batch, loaded, error) = match (outcome.result, outcome.stop) {
        (Err(e), _) => (e.index, e.batch, e.loaded, *e.error),
        (Ok(_), Some(Stop::Python(e))) => return Err(e),
        (Ok(loaded), Some(Stop::Parse { index, error })) => (
            loaded.commands + index as u64,
            loaded.batches,
            loaded,
            error,
        ),
        (Ok(loaded), None) => return Ok(triple(&loaded)),
    };
    let err = errors::to_py(py, Failure::Core(error));
    let value = err.value(py);
    value.setattr("index", index)?;
    value.setattr("batch", batch)?;
    value.setattr("loaded", triple(&loaded))?;
    Err(err)
}

fn triple(p: &BulkProgress) -> (u64, u64, u64) {
    (p.batches, p.commands, p.events)
}

/// Parses one batch; when it does not parse, finds its first command that does not.
fn parse_batch(json: &str) -> Result<Vec<Command>, (usize, TraceError)> {
    serde_json::from_str(json).map_err(|whole| {
        let rows: Vec<serde_json::Value> = serde_json::from_str(json).unwrap_or_default();
        rows.into_iter()
            .enumerate()
            .find_map(|(i, row)| {
                let error = serde_json::from_value::<Command>(row).err()?;
                Some((i, TraceError::invalid("command", error.to_string())))
            })
            .unwrap_or_else(|| (0, TraceError::invalid("commands", whole.to_string())))
    })
}
