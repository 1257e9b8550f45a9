//! GS1 EPCIS 2.0 JSON-LD: the event log exported as an `EPCISDocument` ([`export`]),
//! and partners' documents read into neutral [`CapturedEvent`]s ([`read_document`]).
//!
//! **Export** streams: the document's head, then each log event mapped and written as
//! it is read, then the tail, so memory does not grow with the log. [`Selection`] picks
//! the whole log, a range of sequence numbers, one lot's or serial's history, or one
//! product's events. The document is valid against GS1's EPCIS 2.0 JSON Schema
//! (vendored in `tests/data/epcis/`).
//!
//! | log event | EPCIS event | action | bizStep | disposition |
//! |---|---|---|---|---|
//! | lot or serials received | ObjectEvent | ADD | `receiving` | `in_progress` (quarantine), `active`, `non_conformant` (rejected) |
//! | lot record created (no stock) | ObjectEvent | ADD | `creating_class_instance` | |
//! | serials expected (ASN) | TransactionEvent (`desadv`) | ADD | | |
//! | customer return | ObjectEvent | OBSERVE | `receiving` | `returned` |
//! | moved | ObjectEvent | OBSERVE | `storing` | |
//! | picked | ObjectEvent | OBSERVE | `picking` | |
//! | shipped (one event per location shipped from) | ObjectEvent | OBSERVE | `shipping` | `in_transit` |
//! | produced | TransformationEvent | | `commissioning` | `active` |
//! | adjusted | ObjectEvent | OBSERVE | `cycle_counting` | |
//! | scrapped | ObjectEvent | DELETE | `destroying` | `destroyed` |
//! | quality status set | ObjectEvent | OBSERVE | `inspecting` | `non_sellable_other`, `conformant`, `non_conformant` |
//! | hold placed / released | ObjectEvent | OBSERVE | `holding` | `non_sellable_other` / `active` |
//! | recalled (the affected items) | ObjectEvent | OBSERVE | `holding` | `recalled` |
//!
//! Other log events (master data, allocations, lot bookkeeping, test results,
//! numbering) have no EPCIS counterpart and are skipped; nothing in the log is a
//! packing into a container, so no `AggregationEvent` is written. CBV values are the
//! bare words the schema lists; the standard `@context` maps them to their URIs.
//!
//! **Identifiers.** A product with a GTIN (its first) gives GS1 Digital Link URIs under
//! [`EpcisOptions::digital_link_base`]: serials `…/01/{gtin}/21/{serial}` in EPC lists,
//! lots `…/01/{gtin}/10/{lot}` in quantity lists (with the product's unit as a UN/ECE
//! Rec. 20 code: `kg` → `KGM`, none for pieces). Without a GTIN, or for a number that
//! does not fit AI 10/21 (over 20 characters or outside GS1's character set), a private
//! URI under [`EpcisOptions::private_base`]: `urn:x-traceability:lot:{product}:{lot}`,
//! `…:serial:{product}:{serial}`, parts percent-encoded. Locations: `…/414/{gln}` or
//! `…:location:{id}`; parties `…/417/{gln}` or `…:party:{id}` (a customer with a GLN is
//! also the `location` destination `…/414/{gln}`); our own documents `…:shipment:{id}`,
//! `…:order:{id}`, `…:work_order:{id}` (also the `transformationID`), `…:rma:{id}`,
//! `…:reference:{text}`. `eventTime` is the event's `recorded_at` in UTC
//! (`eventTimeZoneOffset` `+00:00`). `eventID` is `urn:uuid:` of a name-based UUID
//! (version 8: SHA-256 of the sequence number and the event's canonical body): the same
//! log gives the same IDs in every export. (It is not the CBV event hash, which hashes
//! the EPCIS event's own canonical form.)
//!
//! **Extension fields** (prefix `trace:`, declared in the `@context` as
//! [`EpcisOptions::extension_namespace`]): `trace:seq` (the log position),
//! `trace:actor`, `trace:reason`, `trace:quantityChange` (an adjustment's signed
//! change), and `trace:epcClassList`: the lots of a hold, quality decision or recall,
//! which apply to the whole lot (EPCIS quantity lists need a quantity, which these
//! events do not have; their serials are in `epcList`).
//!
//! Quantities are JSON numbers: whole quantities as integers, others exact up to 15
//! significant digits (an IEEE double, which is what JSON readers parse them into).
//!
//! **Import** ([`read_document`]) reads object and transformation events: items with
//! their GTIN and lot or serial (from Digital Link URIs, EPC URNs — the company prefix
//! is the part before the first dot — or this library's private URIs), quantities and
//! units, times, read points, sources and destinations with their GLNs, business
//! transactions, and the expiry and best-before dates of the lot master data. Matching
//! them to products, locations and parties, and turning them into commands, is the
//! caller's.

mod capture;
mod draft;
mod export;
mod ids;
mod import;
mod keys;
mod map;
mod options;
mod read;

pub use capture::{CaptureKind, CapturedEvent, CapturedItem, CapturedParty, CapturedTransaction};
pub use export::{export, EPCIS_CONTEXT};
pub use import::{import_commands, EpcisImport};
pub use options::{EpcisOptions, ExportSummary, Selection};
pub use read::{read_document, read_document_with};
