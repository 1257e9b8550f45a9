//! The one error type of the core. Every rejected command returns one of these and
//! leaves the state and the log exactly as they were.

use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;

use crate::kernel::id::{
    ItemRef, LocationId, LotNumber, OrderId, PartyId, ProductId, SerialNumber,
};
use crate::kernel::vocab::{PartyRole, SerialStatus, Tracking};
use crate::kernel::Quantity;

/// Everything that can go wrong, one variant per kind of bad input or failure. Fields
/// are typed (ids, quantities, statuses), and messages use the domain's words.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
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
    #[error("product {product} is tracked by {actual}, but {expected} tracking is needed")]
    WrongTracking {
        /// Product.
        product: ProductId,
        /// How it is tracked.
        actual: Tracking,
        /// What the command needs.
        expected: Tracking,
    },
    /// The party exists but does not have the role the command needs.
    #[error("party {party} is not a {expected}")]
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
    #[error("{}", Shortage { item, product, locations, customer, requested, available })]
    InsufficientStock {
        /// The lot or serial; `None` when a product's eligible stock as a whole is short
        /// (an allocation by strategy).
        item: Option<ItemRef>,
        /// The product.
        product: ProductId,
        /// Where the stock was looked for; empty: every location.
        locations: Vec<LocationId>,
        /// For a return: the customer, whose shipped and not yet returned quantity is
        /// `available`.
        customer: Option<PartyId>,
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
        /// Current status.
        from: SerialStatus,
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
    /// The store failed (I/O, database error); the store's own error is its source.
    #[error("storage error: {0}")]
    Storage(#[source] StorageError),
}

/// A store's failure: what the library was doing, and the store's own error (SQLite,
/// I/O, ...) as [`std::error::Error::source`].
#[derive(Debug, Clone)]
pub struct StorageError {
    message: String,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl StorageError {
    /// A failure described by `message`, with no underlying error.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            source: None,
        }
    }

    /// A failure caused by `source`, described by `context` and the source's message.
    pub fn caused_by(
        context: impl fmt::Display,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self {
            message: format!("{context}: {source}"),
            source: Some(Arc::new(source)),
        }
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl PartialEq for StorageError {
    /// Two storage errors are equal when their messages are.
    fn eq(&self, other: &Self) -> bool {
        self.message == other.message
    }
}

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StorageError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// The message of [`TraceError::InsufficientStock`], in domain words.
struct Shortage<'a> {
    item: &'a Option<ItemRef>,
    product: &'a ProductId,
    locations: &'a [LocationId],
    customer: &'a Option<PartyId>,
    requested: &'a Quantity,
    available: &'a Quantity,
}

impl fmt::Display for Shortage<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (requested, available) = (self.requested, self.available);
        match (self.item, self.customer) {
            (Some(item), Some(customer)) => {
                return write!(
                    f,
                    "customer {customer} has {available} of {item} shipped and not yet \
                     returned: {requested} cannot come back"
                )
            }
            (Some(item), None) => write!(f, "insufficient stock of {item}")?,
            (None, _) => write!(f, "insufficient eligible stock of product {}", self.product)?,
        }
        match self.locations {
            [] => f.write_str(" at any location")?,
            [one] => write!(f, " at {one}")?,
            many => {
                let names: Vec<&str> = many.iter().map(LocationId::as_str).collect();
                write!(f, " at {}", names.join(", "))?
            }
        }
        write!(f, ": requested {requested}, available {available}")
    }
}

/// The kind of a [`TraceError`], as a stable code for the bindings (Python exception
/// classes, C status codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[allow(missing_docs)]
#[non_exhaustive]
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
#[non_exhaustive]
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

impl ErrorKind {
    /// Every kind, so the bindings can check that each has its exception class or
    /// status code.
    ///
    /// ```
    /// assert!(traceability_core::ErrorKind::ALL.contains(&traceability_core::ErrorKind::Storage));
    /// ```
    pub const ALL: [ErrorKind; 20] = [
        Self::InvalidInput,
        Self::UnknownProduct,
        Self::UnknownLot,
        Self::UnknownSerial,
        Self::UnknownLocation,
        Self::UnknownParty,
        Self::UnknownOrder,
        Self::DuplicateNumber,
        Self::WrongTracking,
        Self::WrongRole,
        Self::InvalidQuantity,
        Self::InsufficientStock,
        Self::InvalidTransition,
        Self::ExpiredLot,
        Self::NotUsable,
        Self::StaleWriter,
        Self::Tampered,
        Self::Unreplayable,
        Self::ReadOnly,
        Self::Storage,
    ];
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

impl From<crate::kernel::invalid::InvalidInput> for TraceError {
    fn from(e: crate::kernel::invalid::InvalidInput) -> Self {
        Self::InvalidInput {
            field: e.field,
            reason: e.reason,
        }
    }
}

impl TraceError {
    /// Shorthand for a [`TraceError::Storage`] without an underlying error.
    pub fn storage(message: impl Into<String>) -> Self {
        Self::Storage(StorageError::new(message))
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorKind;

    /// Adding a kind breaks this exhaustive match until the kind is placed in
    /// [`ErrorKind::ALL`] too.
    fn position(kind: ErrorKind) -> usize {
        use ErrorKind::*;
        match kind {
            InvalidInput => 0,
            UnknownProduct => 1,
            UnknownLot => 2,
            UnknownSerial => 3,
            UnknownLocation => 4,
            UnknownParty => 5,
            UnknownOrder => 6,
            DuplicateNumber => 7,
            WrongTracking => 8,
            WrongRole => 9,
            InvalidQuantity => 10,
            InsufficientStock => 11,
            InvalidTransition => 12,
            ExpiredLot => 13,
            NotUsable => 14,
            StaleWriter => 15,
            Tampered => 16,
            Unreplayable => 17,
            ReadOnly => 18,
            Storage => 19,
        }
    }

    #[test]
    fn all_lists_every_kind_once() {
        for (i, kind) in ErrorKind::ALL.into_iter().enumerate() {
            assert_eq!(position(kind), i, "{kind:?}");
        }
    }
}
