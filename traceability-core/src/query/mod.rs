//! Queries: read-only answers over the state, and the one catalog of public result
//! types the bindings return. Results carry public ids ([`crate::ItemRef`],
//! [`crate::LotKey`], ...), never internal indexes (the lean traces keep indexes
//! privately and resolve them when read).
//!
//! | module | answers |
//! |---|---|
//! | [`trace`] | forward and backward traces, recall reports |
//! | [`trace_ids`] | lean traces: the reached ids only, resolved on demand |
//! | [`reports`] | serial lookup, movement histories, lot and serial inventory by location |
//! | [`expiry`] | shelf life, expiring lots, expiry buckets, inventory by expiry |
//! | [`quality`] | a lot's quality records, certificate of analysis |
//! | [`orders`] | reservations, shipments, genealogy links |
//! | [`numbering`] | the next number of a product's scheme |
//! | [`compliance`] | batch and device history records, signatures, non-conformances, CAPAs, recall history |

pub mod expiry;
pub mod numbering;
pub mod orders;
pub mod quality;
pub mod reports;
pub mod service;
pub mod trace;
pub mod trace_ids;

pub mod compliance;
