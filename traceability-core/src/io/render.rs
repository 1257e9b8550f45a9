//! Renderings of trace and recall results as Graphviz DOT and Mermaid flowcharts:
//! items as nodes (starts bold), work-order edges labelled with the quantity consumed,
//! shipments as dashed edges to customer nodes.

use std::collections::BTreeMap;

use foldhash::HashMap;
use std::fmt::Write as _;

use crate::kernel::id::{ItemRef, PartyId};
use crate::query::trace::{
    BackwardTrace, ForwardTrace, RecallReport, ShipmentLine, TraceEdge, TracedItem,
};

impl ForwardTrace {
    /// The trace as a Graphviz DOT digraph (items, work-order edges, shipments to
    /// customers).
    pub fn to_dot(&self) -> String {
        render(&self.items, &self.edges, &self.shipments, Format::Dot)
    }

    /// The trace as a Mermaid flowchart.
    pub fn to_mermaid(&self) -> String {
        render(&self.items, &self.edges, &self.shipments, Format::Mermaid)
    }
}

impl BackwardTrace {
    /// The trace as a Graphviz DOT digraph.
    pub fn to_dot(&self) -> String {
        render(&self.items, &self.edges, &[], Format::Dot)
    }

    /// The trace as a Mermaid flowchart.
    pub fn to_mermaid(&self) -> String {
        render(&self.items, &self.edges, &[], Format::Mermaid)
    }
}

impl RecallReport {
    /// The recall as a Graphviz DOT digraph.
    pub fn to_dot(&self) -> String {
        let lines: Vec<ShipmentLine> = self.shipment_lines().cloned().collect();
        render(&self.items, &self.edges, &lines, Format::Dot)
    }

    /// The recall as a Mermaid flowchart.
    pub fn to_mermaid(&self) -> String {
        let lines: Vec<ShipmentLine> = self.shipment_lines().cloned().collect();
        render(&self.items, &self.edges, &lines, Format::Mermaid)
    }
}

/// The output language.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Dot,
    Mermaid,
}

fn escape(text: &str, format: Format) -> String {
    match format {
        Format::Dot => text.replace('\\', "\\\\").replace('"', "\\\""),
        Format::Mermaid => text.replace('"', "#quot;"),
    }
}

fn item_label(item: &ItemRef) -> String {
    match item {
        ItemRef::Lot { product, lot } => format!("{product} / lot {lot}"),
        ItemRef::Serial { product, serial } => format!("{product} / SN {serial}"),
    }
}

/// Items as nodes `n<pos>` (starts bold), work-order edges, shipments as dashed edges
/// to customer nodes `c<k>` (a reversed shipment's label says so).
fn render(
    items: &[TracedItem],
    edges: &[TraceEdge],
    shipments: &[ShipmentLine],
    format: Format,
) -> String {
    let mut out = String::new();
    let esc = |t: &str| escape(t, format);
    match format {
        Format::Dot => out.push_str("digraph trace {\n  rankdir=LR;\n  node [shape=box];\n"),
        Format::Mermaid => out.push_str("flowchart LR\n"),
    }
    for (pos, t) in items.iter().enumerate() {
        let label = esc(&item_label(&t.item));
        let _ = match (format, t.depth) {
            (Format::Dot, 0) => writeln!(out, "  n{pos} [label=\"{label}\", style=bold];"),
            (Format::Dot, _) => writeln!(out, "  n{pos} [label=\"{label}\"];"),
            (Format::Mermaid, 0) => writeln!(out, "  n{pos}[[\"{label}\"]]"),
            (Format::Mermaid, _) => writeln!(out, "  n{pos}[\"{label}\"]"),
        };
    }
    for e in edges {
        let label = esc(&format!("{}: {}", e.work_order, e.quantity));
        let _ = match format {
            Format::Dot => writeln!(out, "  n{} -> n{} [label=\"{label}\"];", e.from, e.to),
            Format::Mermaid => writeln!(out, "  n{} -->|\"{label}\"| n{}", e.from, e.to),
        };
    }
    if !shipments.is_empty() {
        let position: HashMap<&ItemRef, usize> = items
            .iter()
            .enumerate()
            .map(|(i, t)| (&t.item, i))
            .collect();
        let mut customers: BTreeMap<&PartyId, usize> = BTreeMap::new();
        for s in shipments {
            let next = customers.len();
            customers.entry(&s.customer).or_insert(next);
        }
        for (customer, k) in &customers {
            let label = esc(customer.as_str());
            let _ = match format {
                Format::Dot => writeln!(out, "  c{k} [label=\"{label}\", shape=house];"),
                Format::Mermaid => writeln!(out, "  c{k}([\"{label}\"])"),
            };
        }
        for s in shipments {
            let (Some(pos), Some(k)) = (position.get(&s.item), customers.get(&s.customer)) else {
                continue;
            };
            let reversed = if s.reversed { " (reversed)" } else { "" };
            let label = esc(&format!(
                "{} {}: {}{reversed}",
                s.shipment, s.shipped_on, s.quantity
            ));
            let _ = match format {
                Format::Dot => {
                    writeln!(out, "  n{pos} -> c{k} [label=\"{label}\", style=dashed];")
                }
                Format::Mermaid => writeln!(out, "  n{pos} -.->|\"{label}\"| c{k}"),
            };
        }
    }
    if format == Format::Dot {
        out.push_str("}\n");
    }
    out
}
