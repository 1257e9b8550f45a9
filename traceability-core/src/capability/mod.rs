//! Capabilities: what the engine can be asked to do, one module per concept. Each
//! validates its commands against the state ([`context::Context`] and its shared
//! guards) and returns the events they become; the matching changes of state are
//! applied by [`crate::state`] (its fields are private to it, so `apply` is the only
//! writer). Capabilities never import each other; they share only the context.
//!
//! | capability | commands |
//! |---|---|
//! | [`master`] | register product, location, party |
//! | [`inventory`] | expect and receive serials, receive lots, move/putaway, adjust, scrap, set a lot active, customer return |
//! | [`orders`] | allocate a named lot or serial, allocate by FEFO/FIFO/LIFO, cancel, pick (with substitution), ship |
//! | [`production`] | produce (consume → output, genealogy) |
//! | [`quality`] | test results, certificates, quarantine/release/reject |
//! | [`expiry`] | change lot dates and status in bulk |
//! | [`holds`] | place and release holds, record a recall |
//! | [`numbering`] | define numbering schemes, issue numbers ahead of use |
//! | [`service`] | warranty terms, installations, service records, claims, field campaigns, return authorisations (reasons, inspection, disposition) |
//! | [`corrections`] | reverse a shipment, receipt or production; split and merge lots; unbuild |
//! | [`compliance`] | batch record parameters and steps, signatures, non-conformances, CAPAs |

pub mod compliance;
pub mod context;
pub mod corrections;
pub mod expiry;
pub mod holds;
pub mod inventory;
pub mod master;
pub mod numbering;
pub mod orders;
pub mod packing;
pub mod production;
pub mod quality;
pub mod service;
