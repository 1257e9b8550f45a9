//! The `tr_tracker` handle: a core [`Tracker`] behind a mutex, plus the helpers every
//! command and query export uses ([`submit`], [`query_json`]).

use std::ffi::{c_char, CString};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use serde::Serialize;
use traceability_core::{Command, FixedClock, Tracker};

use crate::args::{opt_str_arg, str_arg};
use crate::status::{Failure, FfiResult, TR_ERR_PANIC};

/// A traceability engine over one event store (in memory or a SQLite file).
///
/// Thread safety: a `tr_tracker` may be shared between threads; every call locks it,
/// so calls on one handle run one at a time. Free it exactly once, after every other
/// thread is done with it.
#[allow(non_camel_case_types)]
pub struct tr_tracker {
    engine: Mutex<Engine>,
}

/// What the mutex guards.
pub struct Engine {
    /// The core tracker.
    pub tracker: Tracker,
    /// The fixed clock installed by `tr_tracker_set_time`, if any.
    fixed_clock: Option<Arc<FixedClock>>,
}

impl Engine {
    /// Stops the clock at `at` (installing a fixed clock the first time).
    pub fn set_time(&mut self, at: DateTime<Utc>) {
        match &self.fixed_clock {
            Some(clock) => clock.set(at),
            None => {
                let clock = Arc::new(FixedClock::new(at));
                self.tracker.set_clock(clock.clone());
                self.fixed_clock = Some(clock);
            }
        }
    }
}

impl tr_tracker {
    /// Wraps a core tracker into a handle owned by C.
    pub fn into_raw(tracker: Tracker) -> *mut tr_tracker {
        Box::into_raw(Box::new(tr_tracker {
            engine: Mutex::new(Engine {
                tracker,
                fixed_clock: None,
            }),
        }))
    }

    /// Locks the engine. A handle poisoned by a caught panic refuses further use: its
    /// state may be half-updated.
    pub fn lock(&self) -> Result<MutexGuard<'_, Engine>, Failure> {
        self.engine.lock().map_err(|_| {
            Failure::new(
                TR_ERR_PANIC,
                "this tracker panicked during an earlier call; free it and open it again",
            )
        })
    }
}

/// A required tracker handle argument.
///
/// # Safety
/// `ptr` is NULL or a live handle from `tr_tracker_new_memory` / `tr_tracker_open`.
pub unsafe fn tracker_arg<'a>(ptr: *const tr_tracker) -> Result<&'a tr_tracker, Failure> {
    ptr.as_ref().ok_or_else(|| Failure::null("tracker"))
}

/// A required out-pointer: checks it and sets `*out` to NULL so that it is never left
/// dangling on failure.
///
/// # Safety
/// `out` is NULL or writable.
pub unsafe fn out_arg<'a, T>(out: *mut *mut T, name: &str) -> Result<&'a mut *mut T, Failure> {
    let out = out.as_mut().ok_or_else(|| Failure::null(name))?;
    *out = std::ptr::null_mut();
    Ok(out)
}

/// The body of every command export: checks the handle, actor and reason, builds the
/// command (after the handle, so a NULL handle is always reported first) and executes it.
///
/// # Safety
/// Pointers as documented in the header.
pub unsafe fn submit(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    build: impl FnOnce() -> Result<Command, Failure>,
) -> FfiResult {
    submit_with(
        tracker,
        actor,
        reason,
        build,
        |tracker, actor, reason, command| tracker.execute(actor, reason, &command).map(drop),
    )
}

/// Like [`submit`], with a custom way to run what was built (e.g. a batch).
///
/// # Safety
/// Pointers as documented in the header.
pub unsafe fn submit_with<C>(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    build: impl FnOnce() -> Result<C, Failure>,
    run: impl FnOnce(&mut Tracker, &str, Option<&str>, C) -> Result<(), traceability_core::TraceError>,
) -> FfiResult {
    let tracker = tracker_arg(tracker)?;
    let actor = str_arg(actor, "actor")?;
    let reason = opt_str_arg(reason, "reason")?;
    let command = build()?;
    run(&mut tracker.lock()?.tracker, actor, reason, command)?;
    Ok(())
}

/// Serialises a query result to JSON text.
pub fn to_json(value: &impl Serialize) -> Result<String, Failure> {
    serde_json::to_string(value)
        .map_err(|e| Failure::new(TR_ERR_PANIC, format!("cannot serialise the result: {e}")))
}

/// Sets `*out` to NULL when `out` is not NULL, so it is never left dangling on failure.
///
/// # Safety
/// `out` is NULL or writable.
unsafe fn clear_out(out: *mut *mut c_char) {
    if let Some(out) = out.as_mut() {
        *out = std::ptr::null_mut();
    }
}

/// Hands text (or NULL for `None`) to C in `*out`, owned by the caller and freed with
/// `tr_string_free`.
fn put_out(out: &mut *mut c_char, text: Option<String>) -> Result<(), Failure> {
    if let Some(text) = text {
        // JSON escapes control characters, so the text has no interior NUL.
        *out = CString::new(text)
            .map_err(|e| Failure::new(TR_ERR_PANIC, e.to_string()))?
            .into_raw();
    }
    Ok(())
}

/// Like [`submit_with`] for commands that return a result (e.g. an allocation): `out`
/// is checked before anything runs, and the result is handed to C as JSON in `*out`.
///
/// # Safety
/// Pointers as documented in the header.
pub unsafe fn submit_json<C, R: Serialize>(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    out: *mut *mut c_char,
    build: impl FnOnce() -> Result<C, Failure>,
    run: impl FnOnce(&mut Tracker, &str, Option<&str>, C) -> Result<R, traceability_core::TraceError>,
) -> FfiResult {
    clear_out(out);
    let mut result = None;
    submit_with(
        tracker,
        actor,
        reason,
        || {
            out_arg(out, "out")?;
            build()
        },
        |tracker, actor, reason, command| {
            result = Some(run(tracker, actor, reason, command)?);
            Ok(())
        },
    )?;
    put_out(&mut *out, result.map(|r| to_json(&r)).transpose()?)
}

/// The body of every query export: checks the handle and `out`, runs `read` on the
/// locked tracker, and hands its text to C in `*out` (freed with `tr_string_free`).
/// `read` returns a `String`, or an `Option<String>` where `None` leaves `*out` NULL.
///
/// # Safety
/// Pointers as documented in the header.
pub unsafe fn query_json<R: Into<Option<String>>>(
    tracker: *const tr_tracker,
    out: *mut *mut c_char,
    read: impl FnOnce(&Tracker) -> Result<R, Failure>,
) -> FfiResult {
    // `*out` is NULL on every failure, a NULL handle included.
    clear_out(out);
    let tracker = tracker_arg(tracker)?;
    let out = out_arg(out, "out")?;
    let text = read(&tracker.lock()?.tracker)?;
    put_out(out, text.into())
}
