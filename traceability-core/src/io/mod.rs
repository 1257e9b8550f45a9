//! Adapters at the edge: renderings of results for people and other tools (DOT,
//! Mermaid). Later: CSV, GS1, EPCIS, FSMA 204.

pub mod render;
