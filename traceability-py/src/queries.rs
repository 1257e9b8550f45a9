//! The rendering of trace results given back as JSON. Queries (and the JSON helpers)
//! are the core's catalog ([`traceability_core::io::catalog`]); adding a query there
//! needs only a thin typed wrapper in the Python package.

use serde::de::DeserializeOwned;
use traceability_core::io::catalog::parse;
use traceability_core::{BackwardTrace, ForwardTrace, RecallReport, TraceError};

/// Renders a trace or recall result (`kind` = "forward", "backward" or "recall"), given
/// as the JSON its query returned, as Graphviz DOT (`format` = "dot") or Mermaid
/// ("mermaid").
pub fn render(kind: &str, format: &str, result: &str) -> Result<String, TraceError> {
    fn pick<T: DeserializeOwned>(
        result: &str,
        format: &str,
        dot: fn(&T) -> String,
        mermaid: fn(&T) -> String,
    ) -> Result<String, TraceError> {
        let render = match format {
            "dot" => dot,
            "mermaid" => mermaid,
            other => {
                return Err(TraceError::invalid(
                    "format",
                    format!("{other:?} is not \"dot\" or \"mermaid\""),
                ))
            }
        };
        Ok(render(&parse::<T>("trace", result)?))
    }
    match kind {
        "forward" => pick(
            result,
            format,
            ForwardTrace::to_dot,
            ForwardTrace::to_mermaid,
        ),
        "backward" => pick(
            result,
            format,
            BackwardTrace::to_dot,
            BackwardTrace::to_mermaid,
        ),
        "recall" => pick(
            result,
            format,
            RecallReport::to_dot,
            RecallReport::to_mermaid,
        ),
        other => Err(TraceError::invalid(
            "kind",
            format!("no trace kind named {other:?}"),
        )),
    }
}
