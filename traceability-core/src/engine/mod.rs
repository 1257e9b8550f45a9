//! The engine: [`Tracker`] ties a store, the state replayed from it and a clock
//! together. Commands go in, are decided, appended atomically and applied; queries read
//! the state; history queries read the log.

mod queries;
mod snapshots;
mod tracker;

pub use tracker::{Committed, OpenOptions, Tracker};
