//! The engine: [`Tracker`] ties a store, the state replayed from it and a clock
//! together. Commands go in, are decided, appended atomically and applied; queries read
//! the state; history queries read the log.

mod bulk;
mod import;
mod queries;
mod retry;
mod snapshots;
mod tracker;

pub use bulk::{BulkError, BulkProgress};
pub use import::{ImportMode, RowsImported, PROGRESS_EVERY};
pub use retry::STALE_RETRIES;
pub use tracker::{Committed, OpenOptions, Tracker};
