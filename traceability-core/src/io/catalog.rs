//! The query catalog: every query the bindings expose, defined once (name, arguments,
//! answer) and run from JSON arguments to a JSON answer, so Python, C and any other
//! binding answer the same questions the same way and cannot drift apart. The bindings'
//! tests check that each of [`QUERIES`] is reachable from them.
//!
//! Lots and serials cross as the core's public [`ItemRef`]s; dates as `YYYY-MM-DD`.

use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::engine::Tracker;
use crate::io::{csv, epcis, fsma, gs1};
use crate::kernel::error::TraceError;
use crate::kernel::id::{
    CampaignId, ContainerId, ItemRef, LocationId, LotKey, LotNumber, OrderId, PartyId, ProductId,
    RecallId, SerialNumber,
};
use crate::model::SerialStatus;
use crate::query::expiry::{self, ExpiryWindow};
use crate::query::reports::{self, SerialQuery};
use crate::query::trace::{recall_report, trace_backward, trace_forward};
use crate::query::trace_ids::{trace_backward_ids, trace_forward_ids};
use crate::query::{numbering, orders, quality, service};

use crate::kernel::id::{CapaId, NonConformanceId, WorkOrderId};
use crate::model::SignedRecord;
use crate::query::compliance;

/// One query of the catalog.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct QuerySpec {
    /// Its name, as given to [`run`].
    pub name: &'static str,
    /// Its arguments: a JSON object of this shape (`?` marks an optional field).
    pub args: &'static str,
    /// What it answers.
    pub answer: &'static str,
}

const fn spec(name: &'static str, args: &'static str, answer: &'static str) -> QuerySpec {
    QuerySpec { name, args, answer }
}

/// Every query, in the order of the API documentation.
pub const QUERIES: &[QuerySpec] = &[
    spec("product", r#"{"id": product}"#, "Product or null"),
    spec("products", "{}", "[Product] by id"),
    spec("location", r#"{"id": location}"#, "Location or null"),
    spec("party", r#"{"id": party}"#, "Party or null"),
    spec("lot", r#"{"product", "lot"}"#, "Lot or null"),
    spec("serial", r#"{"product", "serial"}"#, "Serial or null"),
    spec(
        "lots",
        r#"{"offset", "limit"}"#,
        "[Lot], a page in creation order",
    ),
    spec(
        "serials",
        r#"{"offset", "limit"}"#,
        "[Serial], a page in creation order",
    ),
    spec("reservations", r#"{"order"}"#, "[Reservation] of an order"),
    spec("shipments", "{}", "[Shipment] in dispatch order"),
    spec("links", "{}", "[Link]: genealogy edges in recording order"),
    spec("recalls", "{}", "[RecallRecord]"),
    spec("recall", r#"{"id": recall}"#, "RecallRecord or null"),
    spec(
        "container",
        r#"{"id": container}"#,
        "Container (what was packed, where, when; unpacked_on) or null",
    ),
    spec("numbering_schemes", "{}", "[NumberingScheme] by id"),
    spec(
        "preview_number",
        r#"{"product", "date"?, "location"?}"#,
        "the number the product's scheme would issue next (not issued)",
    ),
    spec(
        "issued_numbers",
        r#"{"first_seq", "count"}"#,
        "[IssuedNumber] drawn by a committed command or batch",
    ),
    spec(
        "history",
        r#"{"item": ItemRef}"#,
        "[Event] of a lot or serial",
    ),
    spec(
        "location_history",
        r#"{"location"}"#,
        "[Event] that moved stock in or out",
    ),
    spec(
        "events",
        r#"{"from_seq"}"#,
        "[Event] from a sequence number",
    ),
    spec("verify", "{}", "number of events whose chain verifies"),
    spec("head", "{}", r#"{"count", "hash"}: the log's head"#),
    spec(
        "movements",
        r#"{"item": ItemRef}"#,
        "[Movement] of a lot or serial",
    ),
    spec(
        "expiring_lots",
        r#"{"as_of"?, "within_days"?, "product"?}"#,
        "[LotExpiry]",
    ),
    spec(
        "expiry_report",
        r#"{"as_of"?, "product"?}"#,
        "ExpiryReport (buckets)",
    ),
    spec(
        "lots_by_status",
        r#"{"status"?: "active"|"inactive", "as_of"?, "product"?}"#,
        "[LotStatusRow]: Inactive = expired on as_of, run out or set inactive",
    ),
    spec(
        "lot_inventory_by_expiry",
        r#"{"as_of"?, "product"?}"#,
        "[LotStockRow]",
    ),
    spec(
        "lot_inventory_by_location",
        r#"{"location"?, "product"?}"#,
        "[LotStockRow]",
    ),
    spec(
        "serial_inventory_by_location",
        r#"{"location"?, "product"?}"#,
        "[SerialStockRow]",
    ),
    spec(
        "find_serials",
        r#"{"number"?, "product"?, "status"?}"#,
        "[SerialInfo]",
    ),
    spec(
        "shelf_life_remaining_pct",
        r#"{"product", "lot", "as_of"?}"#,
        "percent or null",
    ),
    spec("lot_quality", r#"{"product", "lot"}"#, "LotQuality"),
    spec(
        "certificate_of_analysis",
        r#"{"product", "lot"}"#,
        "CertificateOfAnalysis",
    ),
    spec(
        "trace_forward",
        r#"{"item": ItemRef}"#,
        "ForwardTrace (full report)",
    ),
    spec(
        "trace_backward",
        r#"{"item": ItemRef}"#,
        "BackwardTrace (full report)",
    ),
    spec(
        "trace_forward_ids",
        r#"{"item": ItemRef}"#,
        "ForwardIds (items, shipments, customers)",
    ),
    spec(
        "trace_backward_ids",
        r#"{"item": ItemRef}"#,
        "BackwardIds (items, suppliers)",
    ),
    spec(
        "recall_report",
        r#"{"suspects": [ItemRef]}"#,
        "RecallReport",
    ),
    spec(
        "parse_barcode",
        r#"{"text", "today"?}"#,
        "[Gs1Element] of a GS1 element string, bracketed form or Digital Link URI",
    ),
    spec(
        "digital_link",
        r#"{"text", "base"?}"#,
        "the GS1 Digital Link URI of a barcode's data",
    ),
    spec(
        "warranty",
        r#"{"id": product}"#,
        "WarrantyTerms of a product, or null",
    ),
    spec(
        "warranty_status",
        r#"{"product", "serial", "on"?}"#,
        "WarrantyStatus: in warranty on the date (default today), start, end, customer, why",
    ),
    spec(
        "service_history",
        r#"{"product", "serial"}"#,
        "[ServiceEntry] of a serial, oldest first",
    ),
    spec("claims", "{}", "[Claim] in opening order"),
    spec(
        "campaign",
        r#"{"id": campaign}"#,
        "CampaignReport (serials with status, progress) or null",
    ),
    spec("campaigns", "{}", "[CampaignReport] in starting order"),
    spec("return_reasons", "{}", "[ReturnReason] as defined"),
    spec(
        "return_authorizations",
        r#"{"open_only"?}"#,
        "[ReturnAuthorization]: authorised, received, inspected and disposed per item",
    ),
    spec(
        "returns_by_reason",
        "{}",
        "[ReturnsByReason]: authorisations and quantities per reason code",
    ),
    spec(
        "scan",
        r#"{"text", "today"?}"#,
        "Scan: a barcode resolved to product (by GTIN), lot or serial, dates and quantity",
    ),
    spec(
        "scan_command",
        r#"{"text", "today"?, "action": "receive", "location", "quantity"?, "supplier"?, "received_on"?, "reference"?} or {"text", "today"?, "action": "pick", "order", "quantity"?}"#,
        "the Command a scan stands for (run it with execute)",
    ),
    spec(
        "export_csv",
        r#"{"kind": "lots"|"serials"|"test_results", "as_of"?}"#,
        "CSV text (the columns the CSV import reads)",
    ),
    spec(
        "epcis_export",
        r#"{"product"?, "lot"?, "serial"?, "from_seq"?, "to_seq"?, "options"?: EpcisOptions}"#,
        "the EPCISDocument (EPCIS 2.0 JSON-LD) of the log, a range, a product or a lot/serial",
    ),
    spec(
        "epcis_import_commands",
        r#"{"document": EPCIS 2.0 JSON text, "location", "supplier"?}"#,
        "[Command] capturing a partner's EPCIS document (records, genealogy links, receipts): run them with execute_batch",
    ),
    spec(
        "fsma204",
        r#"{"product"?, "lot"?, "from"?, "to"?}"#,
        "[CteRecord]: FSMA 204 Critical Tracking Events, by date then traceability lot code",
    ),
    spec(
        "batch_record",
        r#"{"work_order"}"#,
        "BatchRecord: parameters (out-of-limit flagged), steps, equipment, operators, materials, quality of the lots made, signatures",
    ),
    spec(
        "batch_record_markdown",
        r#"{"work_order"}"#,
        "the BatchRecord as Markdown text",
    ),
    spec(
        "device_history_record",
        r#"{"item": ItemRef}"#,
        "DeviceHistoryRecord: the batch records of the work orders that made a lot or serial",
    ),
    spec(
        "device_history_record_markdown",
        r#"{"item": ItemRef}"#,
        "the DeviceHistoryRecord as Markdown text",
    ),
    spec(
        "signatures",
        r#"{"record": {"kind": "batch_record"|"nonconformance"|"capa", "id"}}"#,
        "[SignatureCheck]: the record's signatures, valid while its content is unchanged",
    ),
    spec(
        "nonconformance",
        r#"{"id"}"#,
        "NonConformanceReport (with CAPAs and signatures) or null",
    ),
    spec(
        "open_nonconformances",
        "{}",
        "[NonConformanceReport] not closed, in opening order",
    ),
    spec(
        "capa",
        r#"{"id", "as_of"?}"#,
        "CapaStatus (overdue flagged) or null",
    ),
    spec(
        "open_capas",
        r#"{"as_of"?}"#,
        "[CapaStatus] not completed, earliest due first, overdue flagged",
    ),
    spec(
        "recall_history",
        "{}",
        "[RecallResolution]: each recall with its CAPAs, non-conformances and whether resolved",
    ),
];

/// Parses JSON given by a binding (query arguments, commands); a malformed document is
/// [`TraceError::InvalidInput`] naming `what`.
pub fn parse<T: DeserializeOwned>(what: &'static str, json: &str) -> Result<T, TraceError> {
    serde_json::from_str(json).map_err(|e| TraceError::invalid(what, e.to_string()))
}

/// An answer as JSON text.
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

#[derive(Deserialize)]
struct StatusFilter {
    #[serde(default)]
    status: Option<expiry::LotStatus>,
    #[serde(default)]
    as_of: Option<NaiveDate>,
    #[serde(default)]
    product: Option<ProductId>,
}

#[derive(Deserialize)]
struct Barcode {
    text: String,
    #[serde(default)]
    today: Option<NaiveDate>,
    #[serde(default)]
    base: Option<String>,
}

#[derive(Deserialize)]
struct ScanArgs {
    text: String,
    #[serde(default)]
    today: Option<NaiveDate>,
    #[serde(flatten)]
    action: gs1::scan::ScanAction,
}

#[derive(Deserialize)]
struct Export {
    kind: csv::CsvKind,
    #[serde(default)]
    as_of: Option<NaiveDate>,
}

/// What an EPCIS export covers: a lot or serial (with its product), a product, or a
/// range of sequence numbers (default: the whole log).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EpcisArgs {
    #[serde(default)]
    product: Option<ProductId>,
    #[serde(default)]
    lot: Option<LotNumber>,
    #[serde(default)]
    serial: Option<SerialNumber>,
    #[serde(default)]
    from_seq: Option<u64>,
    #[serde(default)]
    to_seq: Option<u64>,
    #[serde(default)]
    options: epcis::EpcisOptions,
}

impl EpcisArgs {
    fn selection(&self) -> Result<epcis::Selection, TraceError> {
        use epcis::Selection;
        let range = self.from_seq.is_some() || self.to_seq.is_some();
        let selection = match (&self.product, &self.lot, &self.serial) {
            (Some(product), Some(lot), None) => Selection::Item(ItemRef::Lot {
                product: product.clone(),
                lot: lot.clone(),
            }),
            (Some(product), None, Some(serial)) => Selection::Item(ItemRef::Serial {
                product: product.clone(),
                serial: serial.clone(),
            }),
            (Some(product), None, None) => Selection::Product(product.clone()),
            (None, None, None) => Selection::Range {
                from_seq: self.from_seq.unwrap_or(0),
                to_seq: self.to_seq,
            },
            _ => {
                return Err(TraceError::invalid(
                    ARGS,
                    "give a product with one lot or serial, a product, or a range",
                ))
            }
        };
        if range && !matches!(selection, Selection::Range { .. }) {
            return Err(TraceError::invalid(
                ARGS,
                "a range (from_seq, to_seq) cannot be combined with a product, lot or serial",
            ));
        }
        Ok(selection)
    }
}

#[derive(Deserialize)]
struct Preview {
    product: ProductId,
    #[serde(default)]
    date: Option<NaiveDate>,
    #[serde(default)]
    location: Option<LocationId>,
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

/// `items[offset..offset + limit]`, clamped to the items: one page of the paged
/// queries ("lots", "serials").
///
/// ```
/// assert_eq!(traceability_core::io::catalog::page(&[1, 2, 3], 1, 5), &[2, 3]);
/// ```
pub fn page<T>(items: &[T], offset: usize, limit: usize) -> &[T] {
    let start = offset.min(items.len());
    &items[start..start.saturating_add(limit).min(items.len())]
}

/// The field named in errors about malformed query arguments.
const ARGS: &str = "query arguments";

/// Runs the query `name` of [`QUERIES`] with its JSON `args` (an object) and returns its
/// JSON answer. An unknown name or malformed arguments are [`TraceError::InvalidInput`].
///
/// ```
/// use traceability_core::{io::catalog, Tracker};
/// let t = Tracker::in_memory();
/// assert_eq!(catalog::run(&t, "products", "{}").unwrap(), "[]");
/// assert_eq!(catalog::run(&t, "lot", r#"{"product":"P","lot":"L1"}"#).unwrap(), "null");
/// assert!(catalog::run(&t, "nonsense", "{}").is_err());
/// ```
pub fn run(tracker: &Tracker, name: &str, args: &str) -> Result<String, TraceError> {
    for group in [
        records,
        log_and_reports,
        traces,
        after_sale,
        adapters,
        compliance_records,
    ] {
        if let Some(answer) = group(tracker, name, args)? {
            return Ok(answer);
        }
    }
    Err(TraceError::invalid(
        "query",
        format!("no query named {name:?}"),
    ))
}

/// Master data, lots, serials, orders, shipments, links and recalls (`None`: another
/// group's query).
fn records(tracker: &Tracker, name: &str, args: &str) -> Result<Option<String>, TraceError> {
    let state = tracker.state();
    let answer = match name {
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
        "lots" => {
            let Page { offset, limit } = parse(ARGS, args)?;
            encode(&page(state.lots(), offset, limit))
        }
        "serials" => {
            let Page { offset, limit } = parse(ARGS, args)?;
            encode(&page(state.serials(), offset, limit))
        }
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
        "container" => encode(&state.container(&parse::<Id<ContainerId>>(ARGS, args)?.id)),
        "numbering_schemes" => {
            parse::<NoArgs>(ARGS, args)?;
            encode(&state.numbering_schemes())
        }
        "preview_number" => {
            let p: Preview = parse(ARGS, args)?;
            let date = p.date.unwrap_or_else(|| tracker.now().date_naive());
            encode(&numbering::preview_number(
                state,
                &p.product,
                date,
                p.location.as_ref(),
            )?)
        }
        _ => return Ok(None),
    };
    answer.map(Some)
}

/// The event log and the reports.
fn log_and_reports(
    tracker: &Tracker,
    name: &str,
    args: &str,
) -> Result<Option<String>, TraceError> {
    let state = tracker.state();
    let answer = match name {
        "history" => encode(&tracker.history(&parse::<ItemKey>(ARGS, args)?.item)?),
        "location_history" => {
            encode(&tracker.location_history(&parse::<LocationKey>(ARGS, args)?.location)?)
        }
        "events" => encode(&tracker.events(parse::<FromSeq>(ARGS, args)?.from_seq)?),
        "issued_numbers" => encode(&tracker.issued_numbers(parse(ARGS, args)?)?),
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
        "lots_by_status" => {
            let f: StatusFilter = parse(ARGS, args)?;
            let as_of = f.as_of.unwrap_or_else(|| tracker.now().date_naive());
            encode(&expiry::lots_by_status(
                state,
                f.status,
                as_of,
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
        _ => return Ok(None),
    };
    answer.map(Some)
}

/// Traces and recall reports.
fn traces(tracker: &Tracker, name: &str, args: &str) -> Result<Option<String>, TraceError> {
    let state = tracker.state();
    let answer = match name {
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
        _ => return Ok(None),
    };
    answer.map(Some)
}

/// Barcodes and CSV export.
#[derive(Deserialize)]
struct SerialOn {
    product: ProductId,
    serial: SerialNumber,
    #[serde(default)]
    on: Option<NaiveDate>,
}

#[derive(Deserialize)]
struct OpenOnly {
    #[serde(default)]
    open_only: bool,
}

/// Warranty, service, claims, campaigns and returns (`None`: another group's query).
fn after_sale(tracker: &Tracker, name: &str, args: &str) -> Result<Option<String>, TraceError> {
    let state = tracker.state();
    let answer = match name {
        "warranty" => encode(&state.warranty(&parse::<Id<ProductId>>(ARGS, args)?.id)),
        "warranty_status" => {
            let SerialOn {
                product,
                serial,
                on,
            } = parse(ARGS, args)?;
            let on = on.unwrap_or_else(|| tracker.now().date_naive());
            encode(&state.warranty_status(&product, &serial, on)?)
        }
        "service_history" => {
            let SerialKey { product, serial } = parse(ARGS, args)?;
            encode(&service::service_history(
                state,
                &ItemRef::Serial { product, serial },
            )?)
        }
        "claims" => {
            parse::<NoArgs>(ARGS, args)?;
            encode(state.claims())
        }
        "campaign" => encode(&service::campaign_report(
            state,
            &parse::<Id<CampaignId>>(ARGS, args)?.id,
        )),
        "campaigns" => {
            parse::<NoArgs>(ARGS, args)?;
            let reports: Vec<_> = state
                .campaigns()
                .iter()
                .filter_map(|c| service::campaign_report(state, &c.campaign))
                .collect();
            encode(&reports)
        }
        "return_reasons" => {
            parse::<NoArgs>(ARGS, args)?;
            encode(state.return_reasons())
        }
        "return_authorizations" => {
            let OpenOnly { open_only } = parse(ARGS, args)?;
            encode(&service::return_authorizations(state, open_only))
        }
        "returns_by_reason" => {
            parse::<NoArgs>(ARGS, args)?;
            encode(&service::returns_by_reason(state))
        }
        _ => return Ok(None),
    };
    answer.map(Some)
}

/// Barcodes, CSV export, EPCIS and FSMA 204.
fn adapters(tracker: &Tracker, name: &str, args: &str) -> Result<Option<String>, TraceError> {
    let answer = match name {
        "parse_barcode" => {
            let Barcode { text, today, .. } = parse(ARGS, args)?;
            let today = today.unwrap_or_else(|| tracker.now().date_naive());
            encode(gs1::parse(&text, today)?.elements())
        }
        "digital_link" => {
            let Barcode { text, base, .. } = parse(ARGS, args)?;
            let scanned = gs1::parse(&text, tracker.now().date_naive())?;
            let base = base.as_deref().unwrap_or(gs1::DEFAULT_BASE);
            encode(&gs1::to_digital_link(scanned.elements(), base)?)
        }
        "scan" => {
            let Barcode { text, today, .. } = parse(ARGS, args)?;
            let today = today.unwrap_or_else(|| tracker.now().date_naive());
            encode(&gs1::scan::scan(tracker.state(), &text, today)?)
        }
        "scan_command" => {
            let ScanArgs {
                text,
                today,
                action,
            } = parse(ARGS, args)?;
            let today = today.unwrap_or_else(|| tracker.now().date_naive());
            encode(&gs1::scan::scan_command(
                tracker.state(),
                &text,
                today,
                &action,
            )?)
        }
        "export_csv" => {
            let Export { kind, as_of } = parse(ARGS, args)?;
            let as_of = as_of.unwrap_or_else(|| tracker.now().date_naive());
            let mut text = Vec::new();
            csv::export_csv(tracker.state(), kind, as_of, &mut text)?;
            encode(&String::from_utf8_lossy(&text))
        }
        "epcis_export" => {
            let args: EpcisArgs = parse(ARGS, args)?;
            let mut document = Vec::new();
            epcis::export(tracker, &args.selection()?, &args.options, &mut document)?;
            String::from_utf8(document)
                .map_err(|e| TraceError::storage(format!("the EPCIS document is not UTF-8: {e}")))
        }
        "epcis_import_commands" => {
            #[derive(Deserialize)]
            struct Import {
                document: String,
                #[serde(flatten)]
                how: epcis::EpcisImport,
            }
            let Import { document, how } = parse(ARGS, args)?;
            encode(&epcis::import_commands(tracker.state(), &document, &how)?)
        }
        "fsma204" => {
            let selection: fsma::FsmaSelection = parse(ARGS, args)?;
            encode(&fsma::records(tracker, &selection)?)
        }
        _ => return Ok(None),
    };
    answer.map(Some)
}

#[derive(Deserialize)]
struct WorkOrderKey {
    work_order: WorkOrderId,
}

#[derive(Deserialize)]
struct RecordKey {
    record: SignedRecord,
}

#[derive(Deserialize)]
struct CapaKey {
    id: CapaId,
    #[serde(default)]
    as_of: Option<NaiveDate>,
}

#[derive(Deserialize)]
struct AsOf {
    #[serde(default)]
    as_of: Option<NaiveDate>,
}

/// Batch and device history records, signatures, non-conformances, CAPAs and the
/// recall history.
fn compliance_records(
    tracker: &Tracker,
    name: &str,
    args: &str,
) -> Result<Option<String>, TraceError> {
    let state = tracker.state();
    let today = || tracker.now().date_naive();
    let answer = match name {
        "batch_record" => encode(&compliance::batch_record(
            state,
            &parse::<WorkOrderKey>(ARGS, args)?.work_order,
        )?),
        "batch_record_markdown" => encode(
            &compliance::batch_record(state, &parse::<WorkOrderKey>(ARGS, args)?.work_order)?
                .to_markdown(),
        ),
        "device_history_record" => encode(&compliance::device_history_record(
            state,
            &parse::<ItemKey>(ARGS, args)?.item,
        )?),
        "device_history_record_markdown" => encode(
            &compliance::device_history_record(state, &parse::<ItemKey>(ARGS, args)?.item)?
                .to_markdown(),
        ),
        "signatures" => encode(&compliance::signatures(
            state,
            &parse::<RecordKey>(ARGS, args)?.record,
        )),
        "nonconformance" => encode(&compliance::nonconformance(
            state,
            &parse::<Id<NonConformanceId>>(ARGS, args)?.id,
        )),
        "open_nonconformances" => {
            parse::<NoArgs>(ARGS, args)?;
            encode(&compliance::open_nonconformances(state))
        }
        "capa" => {
            let CapaKey { id, as_of } = parse(ARGS, args)?;
            encode(&compliance::capa(state, &id, as_of.unwrap_or_else(today)))
        }
        "open_capas" => {
            let AsOf { as_of } = parse(ARGS, args)?;
            encode(&compliance::open_capas(state, as_of.unwrap_or_else(today)))
        }
        "recall_history" => {
            parse::<NoArgs>(ARGS, args)?;
            encode(&compliance::recall_history(state))
        }
        _ => return Ok(None),
    };
    answer.map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_query_of_the_catalog_is_run_and_no_name_twice() {
        let tracker = Tracker::in_memory();
        for query in QUERIES {
            if let Err(TraceError::InvalidInput { field, .. }) = run(&tracker, query.name, "{}") {
                assert_ne!(
                    field, "query",
                    "{} is in the catalog but not run",
                    query.name
                );
            }
        }
        let mut names: Vec<_> = QUERIES.iter().map(|q| q.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), QUERIES.len());
        assert!(run(&tracker, "no_such_query", "{}").is_err());
    }

    #[test]
    fn epcis_and_fsma_answer_json_and_refuse_mixed_selections() {
        let tracker = Tracker::in_memory();
        let doc: serde_json::Value =
            serde_json::from_str(&run(&tracker, "epcis_export", "{}").unwrap()).unwrap();
        assert_eq!(doc["type"], "EPCISDocument");
        let ranged = run(&tracker, "epcis_export", r#"{"from_seq": 3, "to_seq": 5}"#).unwrap();
        assert!(ranged.contains(r#""eventList":[]"#));
        for bad in [
            r#"{"lot": "L1"}"#,
            r#"{"product": "P", "lot": "L1", "serial": "S1"}"#,
            r#"{"product": "P", "from_seq": 1}"#,
            r#"{"options": {"owner_gln": "1"}}"#,
            r#"{"lots": "L1"}"#,
        ] {
            assert!(
                matches!(
                    run(&tracker, "epcis_export", bad),
                    Err(TraceError::InvalidInput { .. })
                ),
                "{bad}"
            );
        }
        assert!(matches!(
            run(&tracker, "epcis_export", r#"{"product": "P", "lot": "L1"}"#),
            Err(TraceError::UnknownLot { .. })
        ));
        assert_eq!(run(&tracker, "fsma204", "{}").unwrap(), "[]");
        assert!(run(&tracker, "fsma204", r#"{"from": "2026-02-30"}"#).is_err());
    }
}
