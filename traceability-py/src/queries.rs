//! The one generic query path: a query name and JSON arguments in, JSON out. Adding a
//! query is one arm here plus a thin typed wrapper in the Python package.
//!
//! Lots and serials cross as the core's public [`ItemRef`]s.

use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use traceability_core::query::expiry::{self, ExpiryWindow};
use traceability_core::query::reports::{self, SerialQuery};
use traceability_core::query::trace::recall_report;
use traceability_core::query::{orders, quality};
use traceability_core::{
    trace_backward, trace_backward_ids, trace_forward, trace_forward_ids, BackwardTrace,
    ForwardTrace, ItemRef, LocationId, LotKey, OrderId, PartyId, ProductId, RecallId, RecallReport,
    SerialNumber, SerialStatus, TraceError, Tracker,
};

/// Parses JSON text given by Python; a malformed document is bad input.
pub fn parse<T: DeserializeOwned>(what: &'static str, json: &str) -> Result<T, TraceError> {
    serde_json::from_str(json).map_err(|e| TraceError::invalid(what, e.to_string()))
}

pub fn encode<T: Serialize + ?Sized>(value: &T) -> Result<String, TraceError> {
    serde_json::to_string(value)
        .map_err(|e| TraceError::storage(format!("cannot encode the result: {e}")))
}

#[derive(Deserialize)]
struct Id<T> {
    id: T,
}

#[derive(Deserialize)]
struct LotAsOf {
    #[serde(flatten)]
    key: LotKey,
    #[serde(default)]
    as_of: Option<NaiveDate>,
}

#[derive(Deserialize)]
struct SerialKey {
    product: ProductId,
    serial: SerialNumber,
}

#[derive(Deserialize)]
struct Page {
    offset: usize,
    limit: usize,
}

#[derive(Deserialize)]
struct OrderKey {
    order: OrderId,
}

#[derive(Deserialize)]
struct ItemKey {
    item: ItemRef,
}

/// The suspects of a recall report.
#[derive(Deserialize)]
struct Suspects {
    suspects: Vec<ItemRef>,
}

#[derive(Deserialize)]
struct LocationKey {
    location: LocationId,
}

#[derive(Deserialize)]
struct FromSeq {
    from_seq: u64,
}

#[derive(Deserialize)]
struct NoArgs {}

/// The optional filters of the expiry, inventory and serial reports; `as_of` defaults
/// to the tracker's today.
#[derive(Deserialize)]
struct Filter {
    #[serde(default)]
    as_of: Option<NaiveDate>,
    #[serde(default)]
    product: Option<ProductId>,
    #[serde(default)]
    location: Option<LocationId>,
    #[serde(default)]
    within_days: Option<u32>,
    #[serde(default)]
    number: Option<String>,
    #[serde(default)]
    status: Option<SerialStatus>,
}

impl Filter {
    fn as_of(&self, tracker: &Tracker) -> NaiveDate {
        self.as_of.unwrap_or_else(|| tracker.now().date_naive())
    }
}

#[derive(Serialize)]
struct HeadOut {
    count: u64,
    hash: String,
}

fn page<T>(items: &[T], page: Page) -> &[T] {
    let start = page.offset.min(items.len());
    let end = start.saturating_add(page.limit).min(items.len());
    &items[start..end]
}

/// The field named in errors about malformed query arguments.
const ARGS: &str = "query arguments";

/// Runs the query `name` with its JSON `args` and returns its JSON answer.
pub fn run(tracker: &Tracker, name: &str, args: &str) -> Result<String, TraceError> {
    let state = tracker.state();
    match name {
        "product" => encode(&state.product(&parse::<Id<ProductId>>(ARGS, args)?.id)),
        "products" => {
            parse::<NoArgs>(ARGS, args)?;
            let mut products: Vec<_> = state.products().collect();
            products.sort_by(|a, b| a.id.cmp(&b.id));
            encode(&products)
        }
        "location" => encode(&state.location(&parse::<Id<LocationId>>(ARGS, args)?.id)),
        "party" => encode(&state.party(&parse::<Id<PartyId>>(ARGS, args)?.id)),
        "lot" => {
            let key: LotKey = parse(ARGS, args)?;
            encode(&state.lot(&key.product, &key.lot))
        }
        "serial" => {
            let key: SerialKey = parse(ARGS, args)?;
            encode(&state.serial(&key.product, &key.serial))
        }
        "lots" => encode(&page(state.lots(), parse(ARGS, args)?)),
        "serials" => encode(&page(state.serials(), parse(ARGS, args)?)),
        "reservations" => encode(&orders::reservations(
            state,
            &parse::<OrderKey>(ARGS, args)?.order,
        )),
        "shipments" => {
            parse::<NoArgs>(ARGS, args)?;
            encode(&orders::shipments(state))
        }
        "links" => {
            parse::<NoArgs>(ARGS, args)?;
            encode(&orders::links(state))
        }
        "recalls" => {
            parse::<NoArgs>(ARGS, args)?;
            encode(state.recalls())
        }
        "recall" => encode(&state.recall(&parse::<Id<RecallId>>(ARGS, args)?.id)),
        "history" => encode(&tracker.history(&parse::<ItemKey>(ARGS, args)?.item)?),
        "location_history" => {
            encode(&tracker.location_history(&parse::<LocationKey>(ARGS, args)?.location)?)
        }
        "events" => encode(&tracker.events(parse::<FromSeq>(ARGS, args)?.from_seq)?),
        "verify" => {
            parse::<NoArgs>(ARGS, args)?;
            encode(&tracker.verify()?)
        }
        "head" => {
            parse::<NoArgs>(ARGS, args)?;
            let (count, hash) = tracker.head();
            encode(&HeadOut {
                count,
                hash: hex::encode(hash),
            })
        }
        "movements" => encode(&tracker.movements(&parse::<ItemKey>(ARGS, args)?.item)?),
        "expiring_lots" => {
            let f: Filter = parse(ARGS, args)?;
            let window = f
                .within_days
                .map_or(ExpiryWindow::ProductWarning, ExpiryWindow::Days);
            encode(&expiry::expiring_lots(
                state,
                f.as_of(tracker),
                window,
                f.product.as_ref(),
            ))
        }
        "expiry_report" => {
            let f: Filter = parse(ARGS, args)?;
            encode(&expiry::expiry_report(
                state,
                f.as_of(tracker),
                f.product.as_ref(),
            ))
        }
        "lot_inventory_by_expiry" => {
            let f: Filter = parse(ARGS, args)?;
            encode(&expiry::lot_inventory_by_expiry(
                state,
                f.as_of(tracker),
                f.product.as_ref(),
            ))
        }
        "lot_inventory_by_location" => {
            let f: Filter = parse(ARGS, args)?;
            encode(&reports::lot_inventory_by_location(
                state,
                f.location.as_ref(),
                f.product.as_ref(),
            ))
        }
        "serial_inventory_by_location" => {
            let f: Filter = parse(ARGS, args)?;
            encode(&reports::serial_inventory_by_location(
                state,
                f.location.as_ref(),
                f.product.as_ref(),
            ))
        }
        "find_serials" => {
            let f: Filter = parse(ARGS, args)?;
            let query = SerialQuery {
                number: f.number,
                product: f.product,
                status: f.status,
            };
            encode(&reports::find_serials(state, &query))
        }
        "shelf_life_remaining_pct" => {
            let LotAsOf { key, as_of } = parse(ARGS, args)?;
            let lot = state
                .lot(&key.product, &key.lot)
                .ok_or_else(|| TraceError::unknown_item(&key.item()))?;
            let as_of = as_of.unwrap_or_else(|| tracker.now().date_naive());
            encode(&expiry::shelf_life_remaining_pct(lot, as_of))
        }
        "lot_quality" => {
            let key: LotKey = parse(ARGS, args)?;
            encode(&quality::lot_quality(state, &key.product, &key.lot)?)
        }
        "certificate_of_analysis" => {
            let key: LotKey = parse(ARGS, args)?;
            encode(&quality::certificate_of_analysis(
                state,
                &key.product,
                &key.lot,
            )?)
        }
        "trace_forward" => encode(&trace_forward(state, &parse::<ItemKey>(ARGS, args)?.item)?),
        "trace_backward" => encode(&trace_backward(state, &parse::<ItemKey>(ARGS, args)?.item)?),
        "trace_forward_ids" => encode(&trace_forward_ids(
            state,
            &parse::<ItemKey>(ARGS, args)?.item,
        )?),
        "trace_backward_ids" => encode(&trace_backward_ids(
            state,
            &parse::<ItemKey>(ARGS, args)?.item,
        )?),
        "recall_report" => encode(&recall_report(
            state,
            &parse::<Suspects>(ARGS, args)?.suspects,
        )?),
        other => Err(TraceError::invalid(
            "query",
            format!("no query named {other:?}"),
        )),
    }
}

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
