//! Rendering trace and recall results as graphs: from the core's report a record
//! keeps ([`Graph`]), or from the JSON its query returned (a record built in Python).
//! Queries (and the JSON helpers) are the core's catalog
//! ([`traceability_core::io::catalog`]); adding a query there needs only a thin typed
//! wrapper in the Python package.

use pyo3::prelude::*;
use traceability_core::io::catalog::parse;
use traceability_core::{BackwardTrace, ForwardTrace, RecallReport, TraceError};

use crate::guard::guard;

/// A result that renders as a graph.
pub enum Renderable {
    Forward(ForwardTrace),
    Backward(BackwardTrace),
    Recall(RecallReport),
}

impl Renderable {
    /// Parses a result (`kind` = "forward", "backward" or "recall") from the JSON its
    /// query returned.
    fn parse(kind: &str, result: &str) -> Result<Self, TraceError> {
        Ok(match kind {
            "forward" => Self::Forward(parse("trace", result)?),
            "backward" => Self::Backward(parse("trace", result)?),
            "recall" => Self::Recall(parse("recall report", result)?),
            other => {
                return Err(TraceError::invalid(
                    "kind",
                    format!("no trace kind named {other:?}"),
                ))
            }
        })
    }

    /// As Graphviz DOT (`format` = "dot") or Mermaid ("mermaid").
    fn render(&self, format: &str) -> Result<String, TraceError> {
        Ok(match (format, self) {
            ("dot", Self::Forward(t)) => t.to_dot(),
            ("dot", Self::Backward(t)) => t.to_dot(),
            ("dot", Self::Recall(r)) => r.to_dot(),
            ("mermaid", Self::Forward(t)) => t.to_mermaid(),
            ("mermaid", Self::Backward(t)) => t.to_mermaid(),
            ("mermaid", Self::Recall(r)) => r.to_mermaid(),
            (other, _) => {
                return Err(TraceError::invalid(
                    "format",
                    format!("{other:?} is not \"dot\" or \"mermaid\""),
                ))
            }
        })
    }
}

/// Renders a trace or recall result, given as the JSON its query returned, as Graphviz
/// DOT or Mermaid.
pub fn render(kind: &str, format: &str, result: &str) -> Result<String, TraceError> {
    Renderable::parse(kind, result)?.render(format)
}

/// The core's report behind a trace or recall record built natively, kept so the record
/// renders without converting its records back to JSON (`Rendered.to_dot()`). Not
/// pickled: a record read back from a pickle renders through JSON.
#[pyclass(frozen, module = "traceability._traceability")]
pub struct Graph(Renderable);

impl Graph {
    pub fn new(report: Renderable) -> Self {
        Self(report)
    }
}

#[pymethods]
impl Graph {
    /// The graph as Graphviz DOT (`format` "dot") or Mermaid ("mermaid"); releases the
    /// GIL.
    fn render(&self, py: Python<'_>, format: &str) -> PyResult<String> {
        py.detach(|| guard(|| self.0.render(format)))
            .map_err(|e| crate::errors::to_py(py, e))
    }
}
