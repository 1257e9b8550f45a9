//! The one error type of the core. Every rejected command returns one of these and
//! leaves the state and the log exactly as they were.

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::{
    ItemRef, LocationId, LotNumber, OrderId, PartyId, PartyRole, ProductId, Quantity, SerialNumber,
    SerialStatus, Tracking,
};

/// Everything that can go wrong, one variant per kind of bad input or failure.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TraceError {
    /// A field is malformed or out of the limits (empty or over-long identifier, control
    /// characters, too many decimal places, a date outside years 1..9999, dates out of
    /// order, bad barcode, missing reason, ...). See the crate docs for the limits.
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        /// The offending field.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The product is not registered.
    #[error("unknown product {0}")]
    UnknownProduct(ProductId),
    /// The lot does not exist.
    #[error("unknown lot {product}/{lot}")]
    UnknownLot {
        /// Product.
        product: ProductId,
        /// Lot number.
        lot: LotNumber,
    },
    /// The serial does not exist.
    #[error("unknown serial {product}/{serial}")]
    UnknownSerial {
        /// Product.
        product: ProductId,
        /// Serial number.
        serial: SerialNumber,
    },
    /// The location is not registered.
    #[error("unknown location {0}")]
    UnknownLocation(LocationId),
    /// The party is not registered.
    #[error("unknown party {0}")]
    UnknownParty(PartyId),
    /// The order has no allocations (or none for that item).
    #[error("unknown order {0} (or nothing of it matches)")]
    UnknownOrder(OrderId),
    /// A number or code that must be unique is already taken.
    #[error("duplicate {kind} {key}")]
    DuplicateNumber {
        /// What kind of key (product, lot, serial, location, party, shipment, ...).
        kind: &'static str,
        /// The key.
        key: String,
    },
    /// The product is tracked differently from what the command needs.
    #[error("product {product} is tracked by {actual:?}, not {expected:?}")]
    WrongTracking {
        /// Product.
        product: ProductId,
        /// How it is tracked.
        actual: Tracking,
        /// What the command needs.
        expected: Tracking,
    },
    /// The party exists but does not have the role the command needs.
    #[error("party {party} is not a {expected:?}")]
    WrongRole {
        /// Party.
        party: PartyId,
        /// The role needed.
        expected: PartyRole,
    },
    /// A quantity is zero, negative, or not allowed here.
    #[error("invalid quantity {quantity}: {rule}")]
    InvalidQuantity {
        /// The quantity given.
        quantity: Quantity,
        /// The rule it breaks.
        rule: &'static str,
    },
    /// More was asked than is available.
    #[error(
        "insufficient stock of {item} at {location}: requested {requested}, available {available}"
    )]
    InsufficientStock {
        /// The lot or serial (or product, rendered as text).
        item: String,
        /// Location (or `any` for all locations).
        location: String,
        /// Asked for.
        requested: Quantity,
        /// Available.
        available: Quantity,
    },
    /// An illegal serial lifecycle transition.
    #[error("serial {product}/{serial} is {from}, cannot become {to}")]
    InvalidTransition {
        /// Product.
        product: ProductId,
        /// Serial number.
        serial: SerialNumber,
        /// Current status (`NEW` when not yet known).
        from: String,
        /// Attempted status.
        to: SerialStatus,
    },
    /// The lot is expired on the date it would be used.
    #[error(
        "lot {product}/{lot} expired on {expiry}, cannot be used on {date} without an override"
    )]
    ExpiredLot {
        /// Product.
        product: ProductId,
        /// Lot number.
        lot: LotNumber,
        /// Its expiry date.
        expiry: NaiveDate,
        /// The date of use.
        date: NaiveDate,
    },
    /// The item is on hold, quarantined, rejected or inactive.
    #[error("{item} is not usable: {why}")]
    NotUsable {
        /// The lot or serial.
        item: ItemRef,
        /// Held, quarantined, rejected, inactive.
        why: &'static str,
    },
    /// A writer's view of a shared store is stale: another writer appended first.
    #[error("stale writer: expected next event {expected}, the store is at {actual}")]
    StaleWriter {
        /// The sequence number this writer expected to write.
        expected: u64,
        /// The store's actual next sequence number.
        actual: u64,
    },
    /// The audit chain is broken at this event (or no longer extends a checkpoint).
    #[error("audit log tampered at event {seq} ({damage}): {detail}")]
    Tampered {
        /// Sequence number of the first bad event.
        seq: u64,
        /// The kind of damage.
        damage: Damage,
        /// What does not match.
        detail: String,
    },
    /// The log's hash chain is intact but this event cannot be applied to the state
    /// built from the events before it (a log written by a buggy or foreign writer).
    /// [`crate::OpenOptions::salvage`] opens the history up to it, read-only.
    #[error("event {seq} cannot be replayed: {detail}")]
    Unreplayable {
        /// Sequence number of the first event that cannot be applied.
        seq: u64,
        /// Why.
        detail: String,
    },
    /// The tracker was opened read-only (a salvaged log, up to its first bad event) and
    /// refuses commands.
    #[error("read-only tracker: {0}")]
    ReadOnly(String),
    /// The store failed (I/O, database error).
    #[error("storage error: {0}")]
    Storage(String),
}

/// The kind of a [`TraceError`], as a stable code for the bindings (Python exception
/// classes, C status codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[allow(missing_docs)]
pub enum ErrorKind {
    InvalidInput,
    UnknownProduct,
    UnknownLot,
    UnknownSerial,
    UnknownLocation,
    UnknownParty,
    UnknownOrder,
    DuplicateNumber,
    WrongTracking,
    WrongRole,
    InvalidQuantity,
    InsufficientStock,
    InvalidTransition,
    ExpiredLot,
    NotUsable,
    StaleWriter,
    Tampered,
    Unreplayable,
    ReadOnly,
    Storage,
}

/// What is wrong with a tampered log, as [`TraceError::Tampered`] reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Damage {
    /// The event's content no longer matches its hash.
    BodyAltered,
    /// The stored record cannot be read as an event (not UTF-8, wrong column type,
    /// malformed hash, not an event body).
    Undecodable,
    /// The stored hash (or previous-hash link) was changed; the content is intact.
    HashAltered,
    /// Events are missing: the sequence jumps past this number.
    Missing,
    /// Events are out of order or numbered twice.
    Reordered,
    /// An event was inserted: the one after it links to the one before it.
    Inserted,
    /// The log is shorter than a checkpoint says it was.
    Truncated,
    /// The log no longer contains the checkpointed head: its tail was rewritten.
    Rewritten,
    /// A checkpoint's signature does not verify with the given public key.
    BadSignature,
}

impl Damage {
    /// The snake_case name used in messages and by the bindings.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BodyAltered => "body_altered",
            Self::Undecodable => "undecodable",
            Self::HashAltered => "hash_altered",
            Self::Missing => "missing",
            Self::Reordered => "reordered",
            Self::Inserted => "inserted",
            Self::Truncated => "truncated",
            Self::Rewritten => "rewritten",
            Self::BadSignature => "bad_signature",
        }
    }
}

impl std::fmt::Display for Damage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TraceError {
    /// The kind of this error.
    ///
    /// ```
    /// use traceability_core::{ErrorKind, ProductId, TraceError};
    /// let e = TraceError::UnknownProduct(ProductId::new("X").unwrap());
    /// assert_eq!(e.kind(), ErrorKind::UnknownProduct);
    /// ```
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::InvalidInput { .. } => ErrorKind::InvalidInput,
            Self::UnknownProduct(_) => ErrorKind::UnknownProduct,
            Self::UnknownLot { .. } => ErrorKind::UnknownLot,
            Self::UnknownSerial { .. } => ErrorKind::UnknownSerial,
            Self::UnknownLocation(_) => ErrorKind::UnknownLocation,
            Self::UnknownParty(_) => ErrorKind::UnknownParty,
            Self::UnknownOrder(_) => ErrorKind::UnknownOrder,
            Self::DuplicateNumber { .. } => ErrorKind::DuplicateNumber,
            Self::WrongTracking { .. } => ErrorKind::WrongTracking,
            Self::WrongRole { .. } => ErrorKind::WrongRole,
            Self::InvalidQuantity { .. } => ErrorKind::InvalidQuantity,
            Self::InsufficientStock { .. } => ErrorKind::InsufficientStock,
            Self::InvalidTransition { .. } => ErrorKind::InvalidTransition,
            Self::ExpiredLot { .. } => ErrorKind::ExpiredLot,
            Self::NotUsable { .. } => ErrorKind::NotUsable,
            Self::StaleWriter { .. } => ErrorKind::StaleWriter,
            Self::Tampered { .. } => ErrorKind::Tampered,
            Self::Unreplayable { .. } => ErrorKind::Unreplayable,
            Self::ReadOnly(_) => ErrorKind::ReadOnly,
            Self::Storage(_) => ErrorKind::Storage,
        }
    }

    /// [`TraceError::UnknownLot`] or [`TraceError::UnknownSerial`] for a reference that
    /// resolves to nothing.
    pub fn unknown_item(item: &ItemRef) -> Self {
        match item {
            ItemRef::Lot { product, lot } => Self::UnknownLot {
                product: product.clone(),
                lot: lot.clone(),
            },
            ItemRef::Serial { product, serial } => Self::UnknownSerial {
                product: product.clone(),
                serial: serial.clone(),
            },
        }
    }

    /// Shorthand for an [`TraceError::InvalidInput`].
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Self::InvalidInput {
            field,
            reason: reason.into(),
        }
    }

    /// The first bad event a damaged log reports ([`TraceError::Tampered`] or
    /// [`TraceError::Unreplayable`]), if this is such an error.
    pub fn bad_event(&self) -> Option<u64> {
        match self {
            Self::Tampered { seq, .. } | Self::Unreplayable { seq, .. } => Some(*seq),
            _ => None,
        }
    }

    /// Shorthand for a [`TraceError::Tampered`].
    pub fn tampered(seq: u64, damage: Damage, detail: impl Into<String>) -> Self {
        Self::Tampered {
            seq,
            damage,
            detail: detail.into(),
        }
    }
}

impl From<rusqlite::Error> for TraceError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Storage(e.to_string())
    }
}
