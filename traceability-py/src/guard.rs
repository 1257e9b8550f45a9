//! The one panic guard of the native module. The core never panics on any input; if a
//! bug makes it panic anyway, the panic must not reach Python as
//! `pyo3_runtime.PanicException` (a `BaseException` that `except Exception` misses).
//! Every native entry point runs its core call through [`guard`] (or
//! [`guard_engine`], which also repairs the tracker), and a caught panic becomes a
//! plain `TraceabilityError` saying an internal error was caught.
//!
//! [`guard_engine`] runs *inside* the tracker's lock, so the `Mutex` is never poisoned.
//! After a caught panic the tracker's in-memory state may be half updated, so it is
//! rebuilt from its store ([`traceability_core::Tracker::reload`]): the handle stays
//! usable and agrees with its log. If the reload fails (or panics too) the handle is
//! closed, and later calls raise `StorageError`.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use traceability_core::TraceError;

use crate::Engine;

/// Why a native call failed: a core error, or a panic that was caught.
#[derive(Debug)]
pub enum Failure {
    /// The core refused, with a typed error.
    Core(TraceError),
    /// A bug: the core panicked. `recovered` tells whether the tracker was reloaded
    /// from its store (and stays usable) or had to be closed.
    Panic {
        message: String,
        recovered: Option<bool>,
    },
}

impl From<TraceError> for Failure {
    fn from(error: TraceError) -> Self {
        Failure::Core(error)
    }
}

impl Failure {
    /// The message raised to Python for a caught panic.
    pub fn panic_text(message: &str, recovered: Option<bool>) -> String {
        let after = match recovered {
            None => "",
            Some(true) => "; the tracker was reloaded from its store and is still usable",
            Some(false) => "; the tracker could not be reloaded from its store and is now closed",
        };
        format!("internal error caught (a bug in traceability, please report it): {message}{after}")
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "panic with a non-text payload".to_owned()
    }
}

/// Runs `work`, turning a panic into [`Failure::Panic`]. For calls that hold no
/// tracker (open, render).
pub fn guard<T>(work: impl FnOnce() -> Result<T, TraceError>) -> Result<T, Failure> {
    match catch_unwind(AssertUnwindSafe(work)) {
        Ok(result) => result.map_err(Failure::Core),
        Err(payload) => Err(Failure::Panic {
            message: panic_message(&*payload),
            recovered: None,
        }),
    }
}

/// Runs `work` on the engine in `slot` (the content of the tracker's locked mutex).
/// A closed slot is a `Storage` error. After a caught panic the tracker is reloaded
/// from its store; if that fails the slot is emptied (the handle is closed).
pub fn guard_engine<T>(
    slot: &mut Option<Engine>,
    work: impl FnOnce(&mut Engine) -> Result<T, TraceError>,
) -> Result<T, Failure> {
    let Some(engine) = slot.as_mut() else {
        return Err(TraceError::storage("the tracker is closed").into());
    };
    match guard(|| work(engine)) {
        Err(Failure::Panic { message, .. }) => {
            let recovered = guard(|| engine.tracker.reload()).is_ok();
            if !recovered {
                *slot = None;
            }
            Err(Failure::Panic {
                message,
                recovered: Some(recovered),
            })
        }
        done => done,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use traceability_core::{Command, Product, ProductId, Tracker, Tracking};

    fn engine() -> Option<Engine> {
        Some(Engine {
            tracker: Tracker::in_memory(),
            fixed_clock: None,
        })
    }

    fn register(engine: &mut Engine, id: &str) -> Result<u64, TraceError> {
        let product = Product::new(ProductId::new(id)?, Tracking::Lot);
        let done = engine
            .tracker
            .execute("test", None, &Command::RegisterProduct(product))?;
        Ok(done.count)
    }

    fn quiet<T>(run: impl FnOnce() -> T) -> T {
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let result = run();
        std::panic::set_hook(hook);
        result
    }

    #[test]
    fn a_panic_is_caught_and_the_tracker_reloaded() {
        let mut slot = engine();
        guard_engine(&mut slot, |e| register(e, "A")).unwrap();
        let caught = quiet(|| {
            guard_engine(&mut slot, |e| -> Result<(), TraceError> {
                register(e, "B")?; // stored and applied, then a bug strikes
                panic!("boom")
            })
        });
        match caught {
            Err(Failure::Panic { message, recovered }) => {
                assert_eq!(message, "boom");
                assert_eq!(recovered, Some(true));
            }
            other => panic!("expected a caught panic, got {other:?}"),
        }
        // Still usable, and consistent with its log (both products are in it).
        let engine = slot.as_mut().expect("the handle stays open");
        assert_eq!(engine.tracker.head().0, 2);
        assert!(engine.tracker.verify().is_ok());
        assert!(
            matches!(register(engine, "B"), Err(e) if e.kind() == traceability_core::ErrorKind::DuplicateNumber)
        );
        assert!(register(engine, "C").is_ok());
    }

    #[test]
    fn a_panic_without_a_tracker_is_caught() {
        let caught = quiet(|| guard(|| -> Result<(), TraceError> { panic!("{}", 42) }));
        assert!(
            matches!(caught, Err(Failure::Panic { message, recovered: None }) if message == "42")
        );
        assert!(Failure::panic_text("x", Some(false)).contains("now closed"));
    }

    #[test]
    fn a_closed_handle_is_a_storage_error() {
        let mut slot: Option<Engine> = None;
        let closed = guard_engine(&mut slot, |_| Ok(()));
        assert!(matches!(closed, Err(Failure::Core(TraceError::Storage(_)))));
    }
}
