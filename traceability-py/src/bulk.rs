//! `NativeTracker.bulk_load`: [`Tracker::bulk_load`] over batches pulled from a Python
//! iterator (each a list of wire-shaped commands), with progress reported to a Python
//! callable. The GIL is taken back only to pull and read a batch and to report
//! progress; the batch is loaded without it, the next one pulled and read meanwhile.

use std::ops::ControlFlow;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

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
/// loads while this one pulls the next batch from the iterator (with the GIL, on the
/// caller's thread, so row sources bound to it such as `sqlite3` cursors still work) and
/// parses it: the iterator is read at most one batch ahead of what is stored. `progress`
/// is called on the loading thread, after each batch and before the next one loads.
pub fn load(
    tracker: &mut Tracker,
    actor: &str,
    reason: Option<&str>,
    batches: Py<PyIterator>,
    encode: Py<PyAny>,
    progress: Option<Py<PyAny>>,
) -> Outcome {
    std::thread::scope(|scope| {
        let (sender, received) = sync_channel(1);
        let loading =
            scope.spawn(move || load_received(tracker, actor, reason, received, progress));
        let pulled = pull(&batches, &encode, &sender);
        drop(sender);
        Python::attach(|_| drop((batches, encode)));
        let (result, reported) = loading
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        Outcome {
            result,
            stop: reported.or(pulled),
        }
    })
}

/// The loading thread: loads the batches received until the puller stops sending or
/// `progress` raises (returned beside the outcome).
fn load_received(
    tracker: &mut Tracker,
    actor: &str,
    reason: Option<&str>,
    received: Receiver<Vec<Command>>,
    progress: Option<Py<PyAny>>,
) -> (Result<BulkProgress, BulkError>, Option<Stop>) {
    let mut raised = None;
    let batches = std::iter::from_fn(|| received.recv().ok());
    let report = |loaded: &BulkProgress| {
        let Some(callback) = &progress else {
            return ControlFlow::Continue(());
        };
        let args = (loaded.batches, loaded.commands, loaded.events);
        match Python::attach(|py| callback.call1(py, args).map(drop)) {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => {
                raised = Some(Stop::Python(e));
                ControlFlow::Break(())
            }
        }
    };
    // The caller's thread parses the next batch meanwhile: a third thread appending
    // would only compete with it for the two cores a load usually has (1,000,000 lots:
    // 28.4-29.7 s without it, 30.3-31.0 s with it).
    tracker.set_bulk_pipelining(false);
    let result = tracker.bulk_load(actor, reason, batches, report);
    (result, raised)
}

/// A batch as read with the GIL: its commands, or its JSON text to parse without it.
enum Pulled {
    Commands(Vec<Command>),
    Json(String),
}

/// Reads a batch (a list of commands as dicts): plain values (`str`, `int`, `bool`,
/// `None`, lists and dicts) straight into the core's commands, without JSON text
/// ([`crate::values`]); a batch holding anything else (`Decimal`, `date`, enums that are
/// not `str`) or a command that does not read goes through `encode` (the package's JSON
/// encoder), whose text is parsed as before and names the first bad command.
fn read_batch(batch: &Bound<'_, PyAny>, encode: &Bound<'_, PyAny>) -> PyResult<Pulled> {
    if let Ok(commands) = crate::values::read::<Vec<Command>>(batch) {
        return Ok(Pulled::Commands(commands));
    }
    encode.call1((batch,))?.extract().map(Pulled::Json)
}

/// Pulls batches from the iterator and reads them, sending each to the loading thread,
/// until the iterator ends (`None`), raises or a batch does not parse (the reason), or
/// the loading thread stopped receiving (`None`: it knows why).
fn pull(
    batches: &Py<PyIterator>,
    encode: &Py<PyAny>,
    sender: &SyncSender<Vec<Command>>,
) -> Option<Stop> {
    loop {
        let next = Python::attach(|py| {
            let next = batches.bind(py).clone().next();
            next.map(|batch| batch.and_then(|b| read_batch(&b, encode.bind(py))))
        })?;
        let batch = match next {
            Ok(Pulled::Commands(commands)) => Ok(commands),
            Ok(Pulled::Json(json)) => {
                parse_batch(&json).map_err(|(index, error)| Stop::Parse { index, error })
            }
            Err(e) => Err(Stop::Python(e)),
        };
        match batch.map(|batch| sender.send(batch)) {
            Ok(Ok(())) => {}
            Ok(Err(_)) => return None,
            Err(stop) => return Some(stop),
        }
    }
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
