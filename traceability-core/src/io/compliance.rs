//! Batch records and device history records as human-readable Markdown: the process
//! parameters (out-of-limit values marked), steps, materials, the quality of the lots
//! made, and the signatures with their validity — what a reviewer reads before
//! signing, and what an auditor is shown.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use crate::kernel::Quantity;
use crate::model::{MaterialLine, Stamp};
use crate::query::compliance::{BatchRecord, DeviceHistoryRecord, SignatureCheck};

impl BatchRecord {
    /// The batch record as Markdown (headings from level `#`).
    ///
    /// ```
    /// use traceability_core::*;
    /// # fn main() -> Result<(), TraceError> {
    /// let mut t = Tracker::in_memory();
    /// t.execute("ana", None, &Command::RecordBatchParameter(RecordBatchParameter {
    ///     work_order: WorkOrderId::new("WO-1")?, name: "oven_temperature".into(),
    ///     value: "190".parse().unwrap(), unit: "°C".into(),
    ///     min: Some("175".parse().unwrap()), max: Some("185".parse().unwrap()) }))?;
    /// let record = query::compliance::batch_record(t.state(), &WorkOrderId::new("WO-1")?)?;
    /// let text = record.to_markdown();
    /// assert!(text.starts_with("# Batch record WO-1"));
    /// assert!(text.contains("| oven_temperature | 190 | °C | 175 to 185 | **out of limits** |"));
    /// # Ok(()) }
    /// ```
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        self.write_markdown(&mut out, "#");
        out
    }

    fn write_markdown(&self, out: &mut String, level: &str) {
        let _ = writeln!(
            out,
            "{level} Batch record {}\n",
            cell(self.work_order.as_str())
        );
        let _ = writeln!(out, "Content SHA-256: `{}`\n", self.sha256);
        if !self.out_of_limits.is_empty() {
            let _ = writeln!(
                out,
                "**Out of limits:** {}\n",
                cell(&self.out_of_limits.join(", "))
            );
        }
        self.write_parameters(out, level);
        self.write_steps(out, level);
        write_materials(out, level, "Consumed", &self.consumed);
        write_materials(out, level, "Produced", &self.produced);
        self.write_quality(out, level);
        if !self.nonconformances.is_empty() {
            let ids: Vec<&str> = self.nonconformances.iter().map(|n| n.as_str()).collect();
            let _ = writeln!(
                out,
                "{level}# Non-conformances\n\n{}\n",
                cell(&ids.join(", "))
            );
        }
        write_signatures(out, level, &self.signatures);
    }

    fn write_parameters(&self, out: &mut String, level: &str) {
        let _ = writeln!(out, "{level}# Process parameters\n");
        if self.parameters.is_empty() {
            out.push_str("None recorded.\n\n");
            return;
        }
        out.push_str("| parameter | value | unit | limits | result | recorded |\n");
        out.push_str("|---|---|---|---|---|---|\n");
        for p in &self.parameters {
            let result = if p.within_limits {
                "within limits"
            } else {
                "**out of limits**"
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {result} | {} |",
                cell(&p.name),
                p.value,
                cell(&p.unit),
                limits(p.min, p.max),
                stamp(&p.recorded)
            );
        }
        out.push('\n');
    }

    fn write_steps(&self, out: &mut String, level: &str) {
        let _ = writeln!(out, "{level}# Steps\n");
        if self.steps.is_empty() {
            out.push_str("None recorded.\n\n");
            return;
        }
        out.push_str("| step | equipment | operator | performed | started | finished | notes |\n");
        out.push_str("|---|---|---|---|---|---|---|\n");
        for s in &self.steps {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                cell(&s.step),
                cell(s.equipment.as_deref().unwrap_or("")),
                cell(&s.operator),
                s.performed_on,
                s.started_at.map(instant).unwrap_or_default(),
                s.finished_at.map(instant).unwrap_or_default(),
                cell(&s.notes)
            );
        }
        out.push('\n');
    }

    fn write_quality(&self, out: &mut String, level: &str) {
        if self.quality.is_empty() {
            return;
        }
        let _ = writeln!(out, "{level}# Quality of the lots made\n");
        for q in &self.quality {
            let verdict = if q.all_tests_passed {
                "all tests passed"
            } else if q.tests.is_empty() {
                "no tests"
            } else {
                "**a test failed**"
            };
            let _ = writeln!(
                out,
                "{level}## {} / lot {} ({verdict})\n",
                cell(q.product.as_str()),
                cell(q.lot.as_str())
            );
            if !q.tests.is_empty() {
                out.push_str("| test | value | unit | specification | result | tested |\n");
                out.push_str("|---|---|---|---|---|---|\n");
                for t in &q.tests {
                    let _ = writeln!(
                        out,
                        "| {} | {} | {} | {} | {} | {} |",
                        cell(&t.test),
                        t.value,
                        cell(&t.unit),
                        limits(t.spec_min, t.spec_max),
                        if t.passed { "pass" } else { "**fail**" },
                        t.tested_on
                    );
                }
                out.push('\n');
            }
            for c in &q.certificates {
                let _ = writeln!(
                    out,
                    "- Certificate {} (SHA-256 `{}`)",
                    cell(&c.document),
                    c.sha256
                );
            }
            if !q.certificates.is_empty() {
                out.push('\n');
            }
        }
    }
}

impl DeviceHistoryRecord {
    /// The device history record as Markdown: a heading for the item, then each batch
    /// record one level down.
    ///
    /// ```
    /// use traceability_core::{query::compliance::DeviceHistoryRecord, ItemRef};
    /// let dhr = DeviceHistoryRecord { item: ItemRef::serial("PUMP", "SN1").unwrap(), batch_records: vec![] };
    /// assert!(dhr.to_markdown().starts_with("# Device history record: serial PUMP/SN1"));
    /// ```
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# Device history record: {}\n",
            cell(&self.item.to_string())
        );
        if self.batch_records.is_empty() {
            out.push_str("No work order made it (received from a supplier).\n");
        }
        for record in &self.batch_records {
            record.write_markdown(&mut out, "##");
        }
        out
    }
}

fn write_materials(out: &mut String, level: &str, title: &str, lines: &[MaterialLine]) {
    let _ = writeln!(out, "{level}# {title}\n");
    if lines.is_empty() {
        out.push_str("Nothing.\n\n");
        return;
    }
    out.push_str("| item | location | quantity | |\n|---|---|---|---|\n");
    for l in lines {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            cell(&l.item.to_string()),
            cell(l.location.as_str()),
            l.quantity,
            if l.reversed { "reversed" } else { "" }
        );
    }
    out.push('\n');
}

fn write_signatures(out: &mut String, level: &str, signatures: &[SignatureCheck]) {
    let _ = writeln!(out, "{level}# Signatures\n");
    if signatures.is_empty() {
        out.push_str("Not signed.\n");
        return;
    }
    out.push_str("| meaning | signer | signed | reason | valid |\n|---|---|---|---|---|\n");
    for s in signatures {
        let sig = &s.signature;
        let valid = match s.note {
            None => "valid".to_owned(),
            Some(note) => format!("**invalid**: {note}"),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {valid} |",
            sig.meaning,
            cell(&sig.signer),
            stamp(&sig.signed),
            cell(&sig.reason)
        );
    }
}

/// Text safe inside a table cell: pipes escaped, line breaks as `<br>`.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
        .replace("\r\n", "<br>")
        .replace(['\n', '\r'], "<br>")
}

fn limits(min: Option<Quantity>, max: Option<Quantity>) -> String {
    match (min, max) {
        (Some(lo), Some(hi)) => format!("{lo} to {hi}"),
        (Some(lo), None) => format!("≥ {lo}"),
        (None, Some(hi)) => format!("≤ {hi}"),
        (None, None) => String::new(),
    }
}

fn instant(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn stamp(stamp: &Stamp) -> String {
    format!(
        "{} by {} (event {})",
        instant(stamp.at),
        cell(&stamp.by),
        stamp.seq
    )
}
