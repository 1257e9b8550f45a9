//! Writing an EPCIS document as the log is read: the head, each event as it is
//! mapped, the tail. Memory does not grow with the log.

use std::io::{BufWriter, Write};

use serde::Serialize;

use crate::engine::Tracker;
use crate::event::Event;
use crate::io::epcis::draft::{render, Draft};
use crate::io::epcis::ids::Ids;
use crate::io::epcis::map::drafts;
use crate::io::epcis::options::{EpcisOptions, ExportSummary, Selection};
use crate::kernel::error::TraceError;
use crate::kernel::id::ProductId;

/// The standard EPCIS 2.0 JSON-LD context.
pub const EPCIS_CONTEXT: &str = "https://ref.gs1.org/standards/epcis/epcis-context.jsonld";

/// Writes the events of `selection` as one EPCIS 2.0 JSON-LD `EPCISDocument` to `out`,
/// streaming: each log event is read, mapped and written before the next is read. See
/// the module documentation for the mapping and the identifiers.
///
/// ```
/// use traceability_core::io::epcis::{self, EpcisOptions, Selection};
/// use traceability_core::Tracker;
/// let tracker = Tracker::in_memory();
/// let mut out = Vec::new();
/// let summary = epcis::export(&tracker, &Selection::All, &EpcisOptions::default(), &mut out).unwrap();
/// assert_eq!(summary.events_written, 0);
/// let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
/// assert_eq!(doc["type"], "EPCISDocument");
/// assert_eq!(doc["epcisBody"]["eventList"], serde_json::json!([]));
/// ```
pub fn export(
    tracker: &Tracker,
    selection: &Selection,
    options: &EpcisOptions,
    out: impl Write,
) -> Result<ExportSummary, TraceError> {
    options.check()?;
    let mut writer = Writer {
        out: BufWriter::new(out),
        ids: Ids {
            state: tracker.state(),
            options,
        },
        product: None,
        summary: ExportSummary::default(),
    };
    writer.head(options, tracker)?;
    match selection {
        Selection::All => walk(tracker, 0, None, |event| writer.event(&event))?,
        Selection::Range { from_seq, to_seq } => {
            walk(tracker, *from_seq, *to_seq, |event| writer.event(&event))?
        }
        Selection::Item(item) => {
            for event in tracker.history(item)? {
                writer.event(&event)?;
            }
        }
        Selection::Product(product) => {
            if tracker.state().product(product).is_none() {
                return Err(TraceError::UnknownProduct(product.clone()));
            }
            writer.product = Some(product);
            walk(tracker, 0, None, |event| writer.event(&event))?
        }
    }
    writer.tail()
}

/// Streams the events `from..to` of the log to `visit`.
fn walk(
    tracker: &Tracker,
    from: u64,
    to: Option<u64>,
    mut visit: impl FnMut(Event) -> Result<(), TraceError>,
) -> Result<(), TraceError> {
    let mut past_end = false;
    let walked = tracker.for_each_event(from, |event| {
        if to.is_some_and(|to| event.seq >= to) {
            past_end = true;
            // Stops the walk; told apart from real errors by `past_end`.
            return Err(TraceError::invalid("to_seq", "end of the range"));
        }
        visit(event)
    });
    match walked {
        Err(_) if past_end => Ok(()),
        other => other,
    }
}

struct Writer<'a, W: Write> {
    out: BufWriter<W>,
    ids: Ids<'a>,
    product: Option<&'a ProductId>,
    summary: ExportSummary,
}

/// The document without its event list, as written before the events.
#[derive(Serialize)]
struct Head<'a> {
    #[serde(rename = "@context")]
    context: (&'static str, Namespace<'a>),
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "schemaVersion")]
    schema_version: &'static str,
    #[serde(rename = "creationDate")]
    creation_date: String,
}

#[derive(Serialize)]
struct Namespace<'a> {
    trace: &'a str,
}

fn failed(e: impl std::fmt::Display) -> TraceError {
    TraceError::storage(format!("cannot write the EPCIS document: {e}"))
}

impl<W: Write> Writer<'_, W> {
    fn head(&mut self, options: &EpcisOptions, tracker: &Tracker) -> Result<(), TraceError> {
        let created = options.creation_date.unwrap_or_else(|| tracker.now());
        let head = Head {
            context: (
                EPCIS_CONTEXT,
                Namespace {
                    trace: &options.extension_namespace,
                },
            ),
            kind: "EPCISDocument",
            schema_version: "2.0",
            creation_date: created.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        };
        let mut text = serde_json::to_string(&head).map_err(failed)?;
        // Reopen the object to append the body.
        text.pop();
        text.push_str(r#","epcisBody":{"eventList":["#);
        self.out.write_all(text.as_bytes()).map_err(failed)
    }

    fn event(&mut self, event: &Event) -> Result<(), TraceError> {
        self.summary.events_read += 1;
        let drafts: Vec<Draft<'_>> = drafts(event)
            .into_iter()
            .filter(|d| self.about_product(d))
            .collect();
        if drafts.is_empty() {
            self.summary.skipped += 1;
        }
        for (part, draft) in drafts.iter().enumerate() {
            let epcis = render(draft, event, part, &self.ids);
            if self.summary.events_written > 0 {
                self.out.write_all(b",").map_err(failed)?;
            }
            serde_json::to_writer(&mut self.out, &epcis).map_err(failed)?;
            self.summary.events_written += 1;
            match epcis.kind() {
                "TransformationEvent" => self.summary.transformation_events += 1,
                "TransactionEvent" => self.summary.transaction_events += 1,
                "AggregationEvent" => self.summary.aggregation_events += 1,
                _ => self.summary.object_events += 1,
            }
        }
        Ok(())
    }

    fn about_product(&self, draft: &Draft<'_>) -> bool {
        self.product
            .is_none_or(|p| draft.all_items().any(|item| item.product() == p))
    }

    fn tail(mut self) -> Result<ExportSummary, TraceError> {
        self.out.write_all(b"]}}").map_err(failed)?;
        self.out.flush().map_err(failed)?;
        Ok(self.summary)
    }
}
