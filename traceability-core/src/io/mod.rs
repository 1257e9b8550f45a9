//! Adapters at the edge: the query catalog the bindings serve (JSON in, JSON out),
//! renderings of results for people and other tools (DOT, Mermaid), GS1 barcode data
//! (element strings and Digital Link URIs), and CSV import and export of lots, serials
//! and test results. Later: EPCIS, FSMA 204.

pub mod catalog;
pub mod csv;
pub mod gs1;
pub mod render;

pub mod compliance;
