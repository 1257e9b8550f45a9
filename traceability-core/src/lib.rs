//! # traceability-core
//!
//! The domain core of the lot and serial traceability engine: commands are validated
//! against the state ([`decide`]), become hash-chained events appended atomically to an
//! [`store::EventStore`] (the audit trail), and are applied to the in-memory [`State`]
//! that queries read. Reopening a store verifies the hash chain and replays it to the
//! same state ([`OpenOptions`] to skip verification or salvage a damaged log read-only;
//! [`event::checkpoint`] for signed heads that detect truncation).
//!
//! ## Layers
//!
//! One folder per concept; each layer uses only the layers listed before it, and the
//! capabilities never use each other (`tests/architecture.rs` fails on any other
//! dependency or a module cycle):
//!
//! | layer | holds |
//! |---|---|
//! | [`kernel`] | ids, bounded exact [`Quantity`], dates, clock, vocabularies, [`TraceError`] |
//! | [`model`] | master data, [`Lot`], [`Serial`], quality and recall records |
//! | [`command`] | one struct per command, and [`Command`] |
//! | [`event`] | payloads, versioned bodies, hash-chained records, verify, checkpoints |
//! | [`store`] | the [`store::EventStore`] trait; memory and SQLite stores |
//! | [`state`] | [`State`]: private fields, changed only by [`State::apply`] |
//! | [`capability`] | each concept's decisions: inventory, orders, production, quality, expiry, holds, numbering |
//! | [`decide`] | the command dispatch and the automatic events commands imply |
//! | [`query`] | trace, recall, reports: the catalog of public result types |
//! | [`engine`] | [`Tracker`]: open, refresh, execute, batch |
//! | [`io`] | the query catalog, renderings (DOT, Mermaid), CSV import/export, GS1 barcodes, EPCIS 2.0, FSMA 204 |
//!
//! Every change of state is an event with who, when and why — including a lot running
//! out ([`EventPayload::LotDepleted`]) and every recall, held or not
//! ([`EventPayload::Recalled`]).
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
//!     id: LocationId::new("DOCK")?, kind: LocationKind::Receiving, description: "goods in".into(), gln: None, party: None }))?;
//! tracker.execute("ana", None, &Command::ReceiveSerials(ReceiveSerials {
//!     product: pump.clone(), serials: vec![SerialNumber::new("SN1")?],
//!     location: LocationId::new("DOCK")?, supplier: None, reference: None, generate: 0, put_away: false,
//!     received_on: None }))?;
//! let sn1 = tracker.state().serial(&pump, &SerialNumber::new("SN1")?).unwrap();
//! assert_eq!(sn1.status, SerialStatus::Received);
//! // Shipping a serial that was never picked is an illegal transition, and changes nothing.
//! let err = tracker.execute("ana", None, &Command::Pick(Pick {
//!     order: OrderId::new("SO1")?, item: ItemRef::serial("PUMP", "SN1")?, quantity: Quantity::ONE })).unwrap_err();
//! assert_eq!(err.kind(), ErrorKind::InvalidTransition);
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

pub mod capability;
pub mod command;
pub mod decide;
pub mod engine;
pub mod event;
pub mod io;
pub mod kernel;
pub mod model;
pub mod query;
pub mod state;
pub mod store;

pub use command::*;
pub use engine::{
    BulkError, BulkProgress, Committed, ImportMode, OpenOptions, RowsImported, Tracker,
    STALE_RETRIES,
};
pub use event::{Event, EventBody, EventPayload};
pub use kernel::clock::{Clock, FixedClock, SystemClock};
pub use kernel::error::{Damage, ErrorKind, StorageError, TraceError};
pub use kernel::invalid::InvalidInput;
pub use model::*;
pub use query::trace::{trace_backward, trace_forward, BackwardTrace, ForwardTrace, RecallReport};
pub use query::trace_ids::{trace_backward_ids, trace_forward_ids, BackwardIds, ForwardIds};
pub use state::{SnapshotPosition, State, SNAPSHOT_FORMAT};

/// The README's Rust example, compiled and run as a doctest so it stays true.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
