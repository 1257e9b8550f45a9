//! Adapters at the edge: the query catalog the bindings serve (JSON in, JSON out) and
//! renderings of results for people and other tools (DOT, Mermaid). Later: CSV, GS1,
//! EPCIS, FSMA 204.

pub mod catalog;
pub mod render;
