//! The `tr_tracker` handle: a core [`Tracker`] behind a mutex, plus the helpers every
//! command and query export uses ([`submit`], [`query_json`]).

use std::ffi::{c_char, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use serde::Serialize;
use traceability_core::{Command, Committed, FixedClock, Tracker};

use crate::args::{opt_str_arg, str_arg};
use crate::status::{panic_message, Failure, FfiResult, TR_ERR_INVALID_INPUT, TR_ERR_PANIC};

/// A traceability engine over one event store (in memory or a SQLite file).
///
/// Thread safety: a `tr_tracker` may be shared between threads; every call locks it,
/// so calls on one handle run one at a time. Free it exactly once, after every other
/// thread is done with it.
///
/// After a caught panic the handle replays its store into a fresh state before the
/// panicking call returns `TR_ERR_PANIC` (see [`tr_tracker::with`]), so it stays usable.
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
    /// Why the handle refuses every call: a panic was caught and replaying the store
    /// afterwards failed, so the state cannot be trusted.
    unusable: Option<String>,
    /// Where the last command or batch run through this handle was stored (`None`
    /// after a call that stores nothing this way, e.g. an allocation).
    pub last_committed: Option<Committed>,
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

    /// After a caught panic (described by `panic`): rebuilds the state by replaying the
    /// store ([`Tracker::reload`]), so it is consistent with the log again. If the replay
    /// fails (or panics too), the engine is marked unusable. Returns the failure the
    /// panicking call reports: `TR_ERR_PANIC` either way, saying which happened.
    fn recover(&mut self, panic: String) -> Failure {
        let reloaded = match catch_unwind(AssertUnwindSafe(|| self.tracker.reload())) {
            Ok(Ok(())) => {
                return Failure::new(
                    TR_ERR_PANIC,
                    format!("{panic}; the tracker was reloaded from its store and remains usable"),
                )
            }
            Ok(Err(error)) => error.to_string(),
            Err(payload) => panic_message(payload.as_ref()),
        };
        let why = format!(
            "{panic}; reloading the tracker from its store then failed ({reloaded}), so it \
             refuses every further call: free it and open the store again"
        );
        self.unusable = Some(why.clone());
        Failure::new(TR_ERR_PANIC, why)
    }
}

impl tr_tracker {
    /// Wraps a core tracker into a handle owned by C.
    pub fn into_raw(tracker: Tracker) -> *mut tr_tracker {
        Box::into_raw(Box::new(tr_tracker {
            engine: Mutex::new(Engine {
                tracker,
                fixed_clock: None,
                unusable: None,
                last_committed: None,
            }),
        }))
    }

    /// Runs `f` on the locked engine: the only way exports reach the core tracker.
    ///
    /// A panic inside `f` is caught here, while the lock is still held: the engine
    /// replays its store into a fresh state ([`Engine::recover`]) and the call fails
    /// with `TR_ERR_PANIC`; the handle stays usable (no other thread sees the state in
    /// between). If the replay fails, this call and every later one fail with
    /// `TR_ERR_PANIC`.
    pub fn with<R>(&self, f: impl FnOnce(&mut Engine) -> Result<R, Failure>) -> Result<R, Failure> {
        let mut engine = self.lock()?;
        match catch_unwind(AssertUnwindSafe(|| f(&mut engine))) {
            Ok(result) => result,
            Err(payload) => Err(engine.recover(panic_message(payload.as_ref()))),
        }
    }

    /// Locks the engine; refuses (`TR_ERR_PANIC`) when it was marked unusable. A mutex
    /// poisoned by a panic outside [`Self::with`] (none is expected) is recovered the
    /// same way: by replaying the store.
    fn lock(&self) -> Result<MutexGuard<'_, Engine>, Failure> {
        let engine = self.engine.lock().unwrap_or_else(|poisoned| {
            self.engine.clear_poison();
            let mut engine = poisoned.into_inner();
            engine.recover("an earlier call panicked while holding this tracker".to_owned());
            engine
        });
        if let Some(why) = &engine.unusable {
            return Err(Failure::new(TR_ERR_PANIC, why.clone()));
        }
        Ok(engine)
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
        |tracker, actor, reason, command| tracker.execute(actor, reason, &command).map(Some),
    )
}

/// Like [`submit`], with a custom way to run what was built (e.g. a batch), which
/// returns where it was stored (kept as [`Engine::last_committed`]) when it says.
///
/// # Safety
/// Pointers as documented in the header.
pub unsafe fn submit_with<C>(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    build: impl FnOnce() -> Result<C, Failure>,
    run: impl FnOnce(
        &mut Tracker,
        &str,
        Option<&str>,
        C,
    ) -> Result<Option<Committed>, traceability_core::TraceError>,
) -> FfiResult {
    let tracker = tracker_arg(tracker)?;
    let actor = str_arg(actor, "actor")?;
    let reason = opt_str_arg(reason, "reason")?;
    let command = build()?;
    tracker.with(|engine| {
        engine.last_committed = run(&mut engine.tracker, actor, reason, command)?;
        Ok(())
    })
}

/// Serialises a query result to JSON text. A value that JSON cannot represent is
/// `TR_ERR_INVALID_INPUT` (never a panic).
pub fn to_json(value: &impl Serialize) -> Result<String, Failure> {
    serde_json::to_string(value).map_err(|e| {
        Failure::new(
            TR_ERR_INVALID_INPUT,
            format!("the result cannot be written as JSON: {e}"),
        )
    })
}

/// Text handed to C: a NUL-terminated copy of `text`. Text containing a NUL byte (an id
/// such as "A\u0000B" drawn in a diagram) cannot be a C string: `TR_ERR_INVALID_INPUT`,
/// never a panic.
pub fn c_text(text: String) -> Result<CString, Failure> {
    CString::new(text).map_err(|e| {
        Failure::new(
            TR_ERR_INVALID_INPUT,
            format!(
                "the result contains a NUL byte at offset {} and cannot be returned as a C \
                 string (an identifier holds a NUL character; use the JSON form, which \
                 escapes it)",
                e.nul_position()
            ),
        )
    })
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
pub(crate) fn put_out(out: &mut *mut c_char, text: Option<String>) -> Result<(), Failure> {
    if let Some(text) = text {
        *out = c_text(text)?.into_raw();
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
            Ok(None)
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
    engine_query_json(tracker, out, |engine| read(&engine.tracker))
}

/// [`query_json`] for answers that need the handle's own records (e.g.
/// [`Engine::last_committed`]).
///
/// # Safety
/// Pointers as documented in the header.
pub unsafe fn engine_query_json<R: Into<Option<String>>>(
    tracker: *const tr_tracker,
    out: *mut *mut c_char,
    read: impl FnOnce(&Engine) -> Result<R, Failure>,
) -> FfiResult {
    // `*out` is NULL on every failure, a NULL handle included.
    clear_out(out);
    let tracker = tracker_arg(tracker)?;
    let out = out_arg(out, "out")?;
    let text = tracker.with(|engine| read(engine))?;
    put_out(out, text.into())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};

    use traceability_core::event::{RecordSource, StoredEvent};
    use traceability_core::store::{EventStore, MemoryStore};
    use traceability_core::{Location, LocationKind, SystemClock, TraceError};

    use super::*;
    use crate::status::{run_status, TR_OK};

    /// A memory store whose reads (all of them) fail once `broken` is set: a replay that
    /// cannot succeed.
    struct FlakyStore {
        inner: MemoryStore,
        broken: Arc<AtomicBool>,
    }

    impl EventStore for FlakyStore {
        fn next_seq(&self) -> Result<u64, TraceError> {
            self.inner.next_seq()
        }
        fn append(&mut self, next: u64, events: &[StoredEvent]) -> Result<(), TraceError> {
            self.inner.append(next, events)
        }
    }

    impl RecordSource for FlakyStore {
        fn read_from(
            &self,
            from_seq: u64,
            visit: &mut dyn FnMut(StoredEvent) -> Result<(), TraceError>,
        ) -> Result<(), TraceError> {
            if self.broken.load(Ordering::SeqCst) {
                return Err(TraceError::storage("disk unplugged"));
            }
            self.inner.read_from(from_seq, visit)
        }
        fn read_one(&self, seq: u64) -> Result<Option<StoredEvent>, TraceError> {
            // The replay after a panic reads event by event (`Tracker::reload`).
            if self.broken.load(Ordering::SeqCst) {
                return Err(TraceError::storage("disk unplugged"));
            }
            self.inner.read_one(seq)
        }
    }

    fn register(engine: &mut Engine, id: &str) -> Result<(), Failure> {
        let location = Location {
            id: id.parse()?,
            kind: LocationKind::Internal,
            description: String::new(),
            gln: None,
            party: None,
        };
        engine
            .tracker
            .execute("ana", None, &Command::RegisterLocation(location))?;
        Ok(())
    }

    fn count(handle: &tr_tracker) -> u64 {
        handle.with(|e| Ok(e.tracker.head().0)).unwrap()
    }

    fn free(handle: *mut tr_tracker) {
        drop(unsafe { Box::from_raw(handle) });
    }

    #[test]
    fn a_panic_reloads_the_tracker_which_stays_usable() {
        let raw = tr_tracker::into_raw(Tracker::in_memory());
        let handle = unsafe { &*raw };
        // A command is stored, then the call panics before returning.
        let status = run_status(|| {
            handle.with(|e| {
                register(e, "BIN1")?;
                panic!("boom after the append");
            })
        });
        assert_eq!(status, TR_ERR_PANIC);
        let message = unsafe { std::ffi::CStr::from_ptr(crate::status::last_error_ptr()) };
        let message = message.to_string_lossy();
        assert!(message.contains("boom after the append"), "{message}");
        assert!(message.contains("remains usable"), "{message}");
        // The state is the log's: the stored command is there, and the handle works.
        assert_eq!(count(handle), 1);
        assert_eq!(run_status(|| handle.with(|e| register(e, "BIN2"))), TR_OK);
        assert_eq!(count(handle), 2);
        free(raw);
    }

    #[test]
    fn text_with_a_nul_is_invalid_input_not_a_panic() {
        let failure = c_text("digraph { \"A\0B\" }".to_owned()).unwrap_err();
        assert_eq!(failure.status, TR_ERR_INVALID_INPUT);
        assert!(
            failure.message.contains("NUL byte at offset 12"),
            "{}",
            failure.message
        );
        let fine = [0u8; 4];
        let huge = unsafe { crate::args::slice_arg(fine.as_ptr(), usize::MAX, "items") };
        assert_eq!(huge.unwrap_err().status, TR_ERR_INVALID_INPUT);
    }

    #[test]
    fn a_poisoned_lock_is_recovered_by_a_reload() {
        let raw = tr_tracker::into_raw(Tracker::in_memory());
        let handle = unsafe { &*raw };
        handle.with(|e| register(e, "BIN1")).unwrap();
        let poisoned = catch_unwind(AssertUnwindSafe(|| {
            let _guard = handle.engine.lock().unwrap();
            panic!("outside `with`");
        }));
        assert!(poisoned.is_err() && handle.engine.is_poisoned());
        assert_eq!(count(handle), 1);
        assert!(!handle.engine.is_poisoned());
        free(raw);
    }

    #[test]
    fn a_failed_reload_makes_the_handle_refuse_every_call() {
        let broken = Arc::new(AtomicBool::new(false));
        let store = FlakyStore {
            inner: MemoryStore::default(),
            broken: broken.clone(),
        };
        let tracker = Tracker::with_store(Box::new(store), Arc::new(SystemClock)).unwrap();
        let raw = tr_tracker::into_raw(tracker);
        let handle = unsafe { &*raw };
        handle.with(|e| register(e, "BIN1")).unwrap();
        broken.store(true, Ordering::SeqCst);
        let failure = handle
            .with(|_| -> Result<(), Failure> { panic!("boom") })
            .unwrap_err();
        assert_eq!(failure.status, TR_ERR_PANIC);
        assert!(
            failure.message.contains("disk unplugged"),
            "{}",
            failure.message
        );
        // Even once the store works again, the handle refuses: its state is not trusted.
        broken.store(false, Ordering::SeqCst);
        let refused = handle.with(|e| register(e, "BIN2")).unwrap_err();
        assert_eq!(refused.status, TR_ERR_PANIC);
        assert!(refused.message.contains("free it and open the store again"));
        free(raw);
    }
}
