//! Adapters at the edge: the query catalog the bindings serve (JSON in, JSON out),
//! renderings of results for people and other tools (DOT, Mermaid), GS1 barcode data
//! (element strings and Digital Link URIs), CSV import and export of lots, serials and
//! test results, GS1 EPCIS 2.0 JSON-LD export and import ([`epcis`]), and the FDA FSMA 204
//! traceability records as a sortable spreadsheet ([`fsma`]).

pub mod catalog;
pub mod csv;
pub mod epcis;
pub mod fsma;
pub mod gs1;
pub mod render;

pub mod compliance;
