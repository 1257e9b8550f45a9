//! Adapters at the edge: the query catalog the bindings serve (JSON in, JSON out),
//! renderings of results for people and other tools (DOT, Mermaid), and GS1 barcode
//! data (element strings and Digital Link URIs). Later: CSV, EPCIS, FSMA 204.

pub mod catalog;
pub mod gs1;
pub mod render;
