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
    /// A field is malformed (empty identifier, bad date, bad barcode, missing reason, ...).
    #[error("invalid {field}: {message}")]
    InvalidInput {
        /// The offending field.
        field: &'static str,
        /// What is wrong with it.
        message: String,
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
    /// The audit chain is broken at this event.
    #[error("audit log tampered at event {seq}: {detail}")]
    Tampered {
        /// Sequence number of the first bad event.
        seq: u64,
        /// What does not match.
        detail: String,
    },
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
    Storage,
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
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::InvalidInput {
            field,
            message: message.into(),
        }
    }
}

impl From<rusqlite::Error> for TraceError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Storage(e.to_string())
    }
}
