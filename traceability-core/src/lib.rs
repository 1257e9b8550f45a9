//! # traceability-core
//!
//! The domain core of the lot and serial traceability engine: commands are validated
//! against the state ([`decide`]), become hash-chained events appended atomically to an
//! [`store::EventStore`] (the audit trail), and are applied to the in-memory [`State`]
//! that queries read. Reopening a store verifies the hash chain and replays it to the
//! same state ([`OpenOptions`] to skip verification or salvage a damaged log read-only;
//! [`checkpoint`] for signed heads that detect truncation).
//!
//! Input limits (identifiers, free text, quantities, dates) are stated in [`kernel`]:
//! a value outside them is refused with [`TraceError::InvalidInput`], never rounded,
//! and no input makes the library panic.
//!
//! ```
//! use traceability_core::*;
//! # fn main() -> Result<(), TraceError> {
//! let mut tracker = Tracker::in_memory();
//! let pump = ProductId::new("PUMP")?;
//! tracker.execute("ana", None, &Command::RegisterProduct(Product::new(pump.clone(), Tracking::Serial)))?;
//! tracker.execute("ana", None, &Command::RegisterLocation(Location {
//!     id: LocationId::new("DOCK")?, kind: LocationKind::Receiving, description: "goods in".into() }))?;
//! tracker.execute("ana", None, &Command::ReceiveSerials {
//!     product: pump.clone(), serials: vec![SerialNumber::new("SN1")?],
//!     location: LocationId::new("DOCK")?, supplier: None, reference: None })?;
//! let sn1 = tracker.state().serial(&pump, &SerialNumber::new("SN1")?).unwrap();
//! assert_eq!(sn1.status, SerialStatus::Received);
//! // Shipping a serial that was never picked is an illegal transition, and changes nothing.
//! let err = tracker.execute("ana", None, &Command::Pick {
//!     order: OrderId::new("SO1")?, item: ItemRef::serial("PUMP", "SN1")?, quantity: Quantity::ONE }).unwrap_err();
//! assert_eq!(err.kind(), ErrorKind::InvalidTransition);
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

pub mod allocation;
pub mod audit;
pub mod checkpoint;
pub mod clock;
pub mod command;
pub mod decide;
pub mod error;
pub mod event;
pub mod expiry;
pub mod genealogy;
pub mod kernel;
pub mod model;
pub mod quality;
pub mod reports;
pub mod state;
pub mod store;
pub mod trace;
pub mod tracker;

pub use checkpoint::Checkpoint;
pub use clock::{Clock, FixedClock, SystemClock};
pub use command::{Command, Line, LotSpec, Output};
pub use error::{Damage, ErrorKind, TraceError};
pub use event::{Event, EventBody, EventPayload};
pub use model::*;
pub use state::{ItemIdx, State};
pub use trace::{trace_backward, trace_forward, BackwardTrace, ForwardTrace, RecallReport};
pub use tracker::{Committed, OpenOptions, Tracker};

/// The README's Rust example, compiled and run as a doctest so it stays true.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
