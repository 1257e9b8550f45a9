//! The bulk load path for C: `tr_bulk_load_json`.

use std::ffi::{c_char, c_int, c_void};
use std::ops::ControlFlow;

use traceability_core::{BulkProgress, Command};

use crate::args::{json_arg, opt_str_arg, str_arg};
use crate::handle::{tr_tracker, tracker_arg};
use crate::status::{tr_status, Failure};

/// How far a bulk load got: what is stored.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct tr_bulk_progress {
    /// Batches committed.
    pub batches: u64,
    /// Commands committed.
    pub commands: u64,
    /// Events those commands were stored as.
    pub events: u64,
}

impl From<BulkProgress> for tr_bulk_progress {
    fn from(p: BulkProgress) -> Self {
        Self {
            batches: p.batches,
            commands: p.commands,
            events: p.events,
        }
    }
}

/// Called by `tr_bulk_load_json` after each stored batch with what is stored so far and
/// the caller's `user_data`; returns 0 to go on, anything else to stop the load there.
/// It must not call functions on the same tracker (the tracker is busy loading).
#[allow(non_camel_case_types)]
pub type tr_bulk_progress_fn = Option<
    unsafe extern "C" fn(progress: *const tr_bulk_progress, user_data: *mut c_void) -> c_int,
>;

/// Loads history an ERP already has (receipts, production, shipments): a JSON array of
/// commands, as for `tr_execute_batch_json`, stored in atomic batches of `batch_size`
/// commands (at least 1) each validated like any command. `progress` (optional) is
/// called after each batch. `*loaded` (optional) receives what was stored, on success
/// and on failure. Automatic snapshots wait until the end.
///
/// A refused command stops the load: the batches before its batch stay stored, the
/// status is the command's error, and `tr_last_error_json()` adds `"index"` (its
/// position in the array) and `"batch"` to the error's fields. JSON that does not parse
/// is refused before anything is stored. When `progress` asks to stop, the call returns
/// TR_OK with `*loaded` saying how far it got.
#[no_mangle]
pub unsafe extern "C" fn tr_bulk_load_json(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    commands_json: *const c_char,
    batch_size: usize,
    progress: tr_bulk_progress_fn,
    user_data: *mut c_void,
    loaded: *mut tr_bulk_progress,
) -> tr_status {
    ffi_guard!({
        if let Some(loaded) = loaded.as_mut() {
            *loaded = tr_bulk_progress::default();
        }
        if batch_size == 0 {
            return Err(Failure::invalid("batch_size", "must be at least 1"));
        }
        let tracker = tracker_arg(tracker)?;
        let actor = str_arg(actor, "actor")?;
        let reason = opt_str_arg(reason, "reason")?;
        let commands: Vec<Command> = json_arg(commands_json, "commands_json")?;
        let outcome = tracker.with(|engine| {
            let report = |p: &BulkProgress| match progress {
                Some(callback) if callback(&tr_bulk_progress::from(*p), user_data) != 0 => {
                    ControlFlow::Break(())
                }
                _ => ControlFlow::Continue(()),
            };
            let batches = commands.chunks(batch_size);
            Ok(engine.tracker.bulk_load(actor, reason, batches, report))
        })?;
        let stored = match &outcome {
            Ok(p) => *p,
            Err(e) => e.loaded,
        };
        if let Some(loaded) = loaded.as_mut() {
            *loaded = stored.into();
        }
        outcome.map(drop).map_err(|e| {
            let message = e.to_string();
            Failure::from(*e.error)
                .with_message(message)
                .with_field("index", e.index)
                .with_field("batch", e.batch)
        })
    })
}
