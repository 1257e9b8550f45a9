//! FDA FSMA 204 (21 CFR Part 1 Subpart S) traceability records as the "electronic
//! sortable spreadsheet" FDA may ask for within 24 hours: one row per Critical Tracking
//! Event and lot, with the Key Data Elements of §§ 1.1325–1.1350, sorted by date, then
//! traceability lot code.
//!
//! **Which events are CTEs.**
//!
//! | log event | CTE row(s) | date |
//! |---|---|---|
//! | lot received from a supplier (§ 1.1345) | Receiving | the lot's receipt date |
//! | lot received from no supplier | Initial Packing (§ 1.1330): the food enters the supply chain here, under a TLC assigned here (our lot number, source: the receiving location) | the lot's receipt date |
//! | customer return of a lot (a receipt from a non-consumer) | Receiving | the day it was recorded |
//! | shipment (§ 1.1340) | Shipping, one row per lot line | the ship date |
//! | production (§ 1.1350) | Transformation (input), one per lot consumed; Transformation (output), one per lot produced | the production date |
//!
//! Not emitted: harvesting and cooling (§§ 1.1325, 1.1330: farm data the log does not
//! hold), first land-based receiving (§ 1.1335: nothing in the log says a lot came off
//! a fishing vessel), moves between locations (one site's bins, not shipments between
//! sites), serials (FSMA records are per traceability lot). (A work order always
//! consumes something, so production is never an initial packing.)
//!
//! **Key Data Elements.** The traceability lot code (TLC) of a received lot is the
//! supplier's lot number when recorded (the receiver keeps the TLC the shipper
//! assigned), else our lot number; a produced lot's TLC is its lot number. The TLC
//! source is where the TLC was assigned: for a received lot, the supplier (name and
//! GLN: the log does not hold the supplier's own TLC source record) or, for a lot from
//! no supplier, the receiving location; for a produced lot, the production location. A location
//! description is the location's (or party's) description or name and its GLN; phone
//! numbers and street addresses are not in the master data. The reference document is
//! the receipt's reference (else the log position), the shipment, the work order or the
//! return authorization.
//!
//! **Columns** (CSV, [`COLUMNS`]): the CTE, its date, the TLC, product description,
//! quantity and unit of measure, TLC source location description and reference (GLN),
//! immediate previous source, receiving location, ship-from location, ship-to location
//! (immediate subsequent recipient), transformation or packing location, reference document type and
//! number, then our product code, lot number and the event's log position (which ties
//! the rows of one transformation together). A column that does not apply to a CTE is
//! blank. FDA's template lays out each CTE on its own sheet with its KDEs; these
//! columns carry the same elements on one sortable sheet.

use std::collections::HashMap;
use std::io::Write;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::command::Line;
use crate::engine::Tracker;
use crate::event::{Event, EventPayload, Produced};
use crate::kernel::error::TraceError;
use crate::kernel::id::{ItemRef, LocationId, LotKey, LotNumber, PartyId, ProductId};
use crate::kernel::Quantity;
use crate::model::Lot;
use crate::state::State;

/// Which records to produce; every field narrows (none: all records).
///
/// ```
/// use traceability_core::io::fsma::FsmaSelection;
/// use traceability_core::{LotNumber, ProductId};
/// let one_lot = FsmaSelection {
///     product: Some(ProductId::new("BREAD").unwrap()),
///     lot: Some(LotNumber::new("B1").unwrap()),
///     ..FsmaSelection::default()
/// };
/// assert!(one_lot.from.is_none());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FsmaSelection {
    /// Only this product's lots.
    #[serde(default)]
    pub product: Option<ProductId>,
    /// Only this lot of [`FsmaSelection::product`] (a transformation that made or used it
    /// keeps all its rows: its inputs and outputs are one record).
    #[serde(default)]
    pub lot: Option<LotNumber>,
    /// Only CTEs on or after this date.
    #[serde(default)]
    pub from: Option<NaiveDate>,
    /// Only CTEs on or before this date.
    #[serde(default)]
    pub to: Option<NaiveDate>,
}

/// A Critical Tracking Event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cte {
    /// Initial packing: a lot received from no supplier, under a TLC assigned here.
    InitialPacking,
    /// Receiving.
    Receiving,
    /// A lot used in a transformation.
    TransformationInput,
    /// A lot made by a transformation.
    TransformationOutput,
    /// Shipping.
    Shipping,
}

impl Cte {
    /// The name in the spreadsheet.
    pub fn label(self) -> &'static str {
        match self {
            Self::InitialPacking => "Initial Packing",
            Self::Receiving => "Receiving",
            Self::TransformationInput => "Transformation (input)",
            Self::TransformationOutput => "Transformation (output)",
            Self::Shipping => "Shipping",
        }
    }
}

/// One row: a CTE of one lot with its Key Data Elements (`None`: not applicable).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CteRecord {
    /// The CTE.
    pub cte: Cte,
    /// Receive, ship, transformation or packing date.
    pub date: NaiveDate,
    /// The traceability lot code.
    pub traceability_lot_code: String,
    /// The product's description (its code when it has none).
    pub product_description: String,
    /// Quantity.
    pub quantity: Quantity,
    /// Unit of measure.
    pub unit: String,
    /// Location description of the TLC source.
    pub tlc_source: String,
    /// The TLC source's GLN, when known.
    pub tlc_source_reference: Option<String>,
    /// Receiving: the immediate previous source.
    pub previous_source: Option<String>,
    /// Receiving: where the food was received.
    pub receiving_location: Option<String>,
    /// Shipping: where it was shipped from.
    pub ship_from: Option<String>,
    /// Shipping: the immediate subsequent recipient.
    pub ship_to: Option<String>,
    /// Transformation and initial packing: where it happened.
    pub transformation_location: Option<String>,
    /// The reference document's type.
    pub reference_document_type: String,
    /// The reference document's number.
    pub reference_document_number: String,
    /// Our product code.
    pub product: ProductId,
    /// Our lot number.
    pub lot: LotNumber,
    /// The log position of the event (shared by the rows of one transformation).
    pub event_seq: u64,
}

/// The spreadsheet's column headers, in order.
pub const COLUMNS: &[&str] = &[
    "Critical Tracking Event",
    "Event Date",
    "Traceability Lot Code",
    "Product Description",
    "Quantity",
    "Unit of Measure",
    "Traceability Lot Code Source Location Description",
    "Traceability Lot Code Source Reference",
    "Immediate Previous Source Location Description",
    "Receiving Location Description",
    "Ship-From Location Description",
    "Ship-To Location Description (Immediate Subsequent Recipient)",
    "Transformation or Packing Location Description",
    "Reference Document Type",
    "Reference Document Number",
    "Product Code",
    "Internal Lot Number",
    "Event Sequence Number",
];

/// The CTE records of `selection`, sorted by date, then TLC (then log position). An
/// unknown product or lot is an error, as is a lot without its product or `from` after
/// `to`. The log is read once, in order.
///
/// ```
/// use traceability_core::io::fsma::{records, FsmaSelection};
/// use traceability_core::Tracker;
/// assert!(records(&Tracker::in_memory(), &FsmaSelection::default()).unwrap().is_empty());
/// ```
pub fn records(tracker: &Tracker, selection: &FsmaSelection) -> Result<Vec<CteRecord>, TraceError> {
    check(tracker.state(), selection)?;
    let mut builder = Builder {
        state: tracker.state(),
        tlcs: HashMap::new(),
        rows: Vec::new(),
    };
    tracker.for_each_event(0, |event| {
        let rows = builder.rows_of(&event);
        if rows.iter().any(|r| selection.lot_matches(r)) {
            // A transformation is one record: all its rows or none.
            let whole = rows
                .iter()
                .any(|r| matches!(r.cte, Cte::TransformationInput | Cte::TransformationOutput));
            builder.rows.extend(
                rows.into_iter()
                    .filter(|r| selection.date_matches(r) && (whole || selection.lot_matches(r))),
            );
        }
        Ok(())
    })?;
    let mut rows = builder.rows;
    rows.sort_by(|a, b| {
        (a.date, &a.traceability_lot_code, a.event_seq, a.cte).cmp(&(
            b.date,
            &b.traceability_lot_code,
            b.event_seq,
            b.cte,
        ))
    });
    Ok(rows)
}

fn check(state: &State, selection: &FsmaSelection) -> Result<(), TraceError> {
    match (&selection.product, &selection.lot) {
        (None, Some(_)) => {
            return Err(TraceError::invalid("lot", "a lot needs its product"));
        }
        (Some(product), None) if state.product(product).is_none() => {
            return Err(TraceError::UnknownProduct(product.clone()));
        }
        (Some(product), Some(lot)) => {
            state.find_lot(&LotKey {
                product: product.clone(),
                lot: lot.clone(),
            })?;
        }
        _ => {}
    }
    match (selection.from, selection.to) {
        (Some(from), Some(to)) if from > to => Err(TraceError::invalid(
            "from",
            format!("{from} is after the end date {to}"),
        )),
        _ => Ok(()),
    }
}

impl FsmaSelection {
    fn lot_matches(&self, row: &CteRecord) -> bool {
        self.product.as_ref().is_none_or(|p| p == &row.product)
            && self.lot.as_ref().is_none_or(|l| l == &row.lot)
    }

    fn date_matches(&self, row: &CteRecord) -> bool {
        self.from.is_none_or(|from| row.date >= from) && self.to.is_none_or(|to| row.date <= to)
    }
}

/// A lot's traceability lot code and where it was assigned.
#[derive(Clone, Debug)]
struct Tlc {
    code: String,
    source: String,
    reference: Option<String>,
}

/// The rows of each event, with the TLCs of the lots created so far.
struct Builder<'a> {
    state: &'a State,
    tlcs: HashMap<LotKey, Tlc>,
    rows: Vec<CteRecord>,
}

impl Builder<'_> {
    fn rows_of(&mut self, event: &Event) -> Vec<CteRecord> {
        let seq = event.seq;
        match &event.body.payload {
            EventPayload::LotReceived { lot, reference } => {
                self.received_tlc(lot);
                let Some(stock) = lot.stock.first() else {
                    return Vec::new();
                };
                let place = Some(self.place(&stock.location));
                let mut row = match &lot.supplier {
                    Some(supplier) => {
                        let mut row = self.new_lot_row(Cte::Receiving, lot.received_on, lot, seq);
                        row.previous_source = Some(self.party(supplier));
                        row.receiving_location = place;
                        row
                    }
                    None => {
                        let mut row =
                            self.new_lot_row(Cte::InitialPacking, lot.received_on, lot, seq);
                        row.transformation_location = place;
                        row
                    }
                };
                (row.reference_document_type, row.reference_document_number) = match reference {
                    Some(r) => ("Receipt".to_owned(), r.clone()),
                    None => ("Traceability log event".to_owned(), seq.to_string()),
                };
                vec![row]
            }
            EventPayload::LotCreated { lot, .. } => {
                self.received_tlc(lot);
                Vec::new()
            }
            EventPayload::Returned {
                rma,
                customer,
                line,
                ..
            } => self
                .lot_row(
                    Cte::Receiving,
                    event.body.recorded_at.date_naive(),
                    line,
                    seq,
                )
                .map(|mut row| {
                    row.previous_source = Some(self.party(customer));
                    row.receiving_location = Some(self.place(&line.location));
                    row.reference_document_type = "Return authorization".to_owned();
                    row.reference_document_number = rma.to_string();
                    row
                })
                .into_iter()
                .collect(),
            EventPayload::Shipped {
                shipment,
                customer,
                shipped_on,
                lines,
                ..
            } => lines
                .iter()
                .filter_map(|line| {
                    let mut row = self.lot_row(Cte::Shipping, *shipped_on, line, seq)?;
                    row.ship_from = Some(self.place(&line.location));
                    row.ship_to = Some(self.party(customer));
                    row.reference_document_type = "Shipment".to_owned();
                    row.reference_document_number = shipment.to_string();
                    Some(row)
                })
                .collect(),
            EventPayload::Produced {
                work_order,
                produced_on,
                consumed,
                outputs,
                ..
            } => self.transformation(
                seq,
                ("Work order", work_order.as_str()),
                *produced_on,
                consumed,
                outputs,
            ),
            EventPayload::LotSplit { .. } | EventPayload::LotsMerged { .. } => {
                self.relotting(event)
            }
            _ => Vec::new(),
        }
    }

    /// The rows of a lot split or merge: a transformation that gives new traceability
    /// lot codes.
    fn relotting(&mut self, event: &Event) -> Vec<CteRecord> {
        let seq = event.seq;
        match &event.body.payload {
            EventPayload::LotSplit {
                product,
                lot,
                location,
                new_lot,
            } => {
                let consumed = [Line {
                    item: ItemRef::lot_of(product, lot),
                    location: location.clone(),
                    quantity: new_lot.on_hand(),
                }];
                let made = [Produced::NewLot(new_lot.clone())];
                let day = event.body.recorded_at.date_naive();
                self.transformation(
                    seq,
                    ("Lot split", &format!("SPLIT-{seq}")),
                    day,
                    &consumed,
                    &made,
                )
            }
            EventPayload::LotsMerged {
                product,
                into,
                location,
                sources,
                ..
            } => {
                let line = |lot: &crate::kernel::id::LotNumber, quantity| Line {
                    item: ItemRef::lot_of(product, lot),
                    location: location.clone(),
                    quantity,
                };
                let consumed: Vec<Line> = sources.iter().map(|(lot, q)| line(lot, *q)).collect();
                let total = sources.iter().map(|(_, q)| *q).sum();
                let made = [Produced::IntoLot(line(into, total))];
                let day = event.body.recorded_at.date_naive();
                self.transformation(
                    seq,
                    ("Lot merge", &format!("MERGE-{seq}")),
                    day,
                    &consumed,
                    &made,
                )
            }
            _ => Vec::new(),
        }
    }

    /// The rows of a transformation (a work order, a lot split or merge): its lot
    /// inputs and outputs, under its document.
    fn transformation(
        &mut self,
        seq: u64,
        (document_type, document): (&str, &str),
        date: NaiveDate,
        consumed: &[Line],
        outputs: &[Produced],
    ) -> Vec<CteRecord> {
        let place = outputs
            .iter()
            .find_map(|o| match o {
                Produced::NewLot(lot) => lot.stock.first().map(|s| s.location.clone()),
                Produced::IntoLot(line) => Some(line.location.clone()),
                Produced::NewSerial { location, .. } => Some(location.clone()),
            })
            .or_else(|| consumed.first().map(|l| l.location.clone()));
        let place_text = place.as_ref().map(|p| self.place(p));
        for output in outputs {
            if let Produced::NewLot(lot) = output {
                let (source, reference) = self.place_and_gln(place.as_ref());
                let tlc = Tlc {
                    code: lot.number.to_string(),
                    source,
                    reference,
                };
                self.tlcs.insert(lot.key(), tlc);
            }
        }
        let inputs = consumed
            .iter()
            .filter_map(|line| self.lot_row(Cte::TransformationInput, date, line, seq));
        let made = outputs.iter().filter_map(|output| match output {
            Produced::NewLot(lot) => {
                Some(self.new_lot_row(Cte::TransformationOutput, date, lot, seq))
            }
            Produced::IntoLot(line) => self.lot_row(Cte::TransformationOutput, date, line, seq),
            Produced::NewSerial { .. } => None,
        });
        let mut rows: Vec<CteRecord> = inputs.chain(made).collect();
        for row in &mut rows {
            row.transformation_location.clone_from(&place_text);
            row.reference_document_type = document_type.to_owned();
            row.reference_document_number = document.to_owned();
        }
        rows
    }

    /// The TLC of a received lot (or a lot record): the supplier's lot number and the
    /// supplier, else ours and the receiving location.
    fn received_tlc(&mut self, lot: &Lot) {
        let (source, reference) = match &lot.supplier {
            Some(supplier) => (self.party(supplier), self.party_gln(supplier)),
            None => self.place_and_gln(lot.stock.first().map(|s| &s.location)),
        };
        let code = lot
            .supplier_lot()
            .map_or_else(|| lot.number.to_string(), str::to_owned);
        self.tlcs.insert(
            lot.key(),
            Tlc {
                code,
                source,
                reference,
            },
        );
    }

    /// A row for a lot line (`None` for a serial).
    fn lot_row(&self, cte: Cte, date: NaiveDate, line: &Line, seq: u64) -> Option<CteRecord> {
        match &line.item {
            ItemRef::Lot { product, lot } => {
                Some(self.row(cte, date, product, lot, line.quantity, seq))
            }
            ItemRef::Serial { .. } => None,
        }
    }

    fn new_lot_row(&self, cte: Cte, date: NaiveDate, lot: &Lot, seq: u64) -> CteRecord {
        self.row(cte, date, &lot.product, &lot.number, lot.on_hand(), seq)
    }

    fn row(
        &self,
        cte: Cte,
        date: NaiveDate,
        product: &ProductId,
        lot: &LotNumber,
        quantity: Quantity,
        seq: u64,
    ) -> CteRecord {
        let tlc = self.tlcs.get(&LotKey {
            product: product.clone(),
            lot: lot.clone(),
        });
        let master = self.state.product(product);
        CteRecord {
            cte,
            date,
            traceability_lot_code: tlc.map_or_else(|| lot.to_string(), |t| t.code.clone()),
            product_description: master
                .map(|p| p.description.clone())
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| product.to_string()),
            quantity,
            unit: master.map(|p| p.unit.clone()).unwrap_or_default(),
            tlc_source: tlc.map(|t| t.source.clone()).unwrap_or_default(),
            tlc_source_reference: tlc.and_then(|t| t.reference.clone()),
            previous_source: None,
            receiving_location: None,
            ship_from: None,
            ship_to: None,
            transformation_location: None,
            reference_document_type: String::new(),
            reference_document_number: String::new(),
            product: product.clone(),
            lot: lot.clone(),
            event_seq: seq,
        }
    }

    /// A location's description (its code without one) and GLN.
    fn place(&self, id: &LocationId) -> String {
        self.place_and_gln(Some(id)).0
    }

    fn place_and_gln(&self, id: Option<&LocationId>) -> (String, Option<String>) {
        let Some(id) = id else {
            return (String::new(), None);
        };
        let location = self.state.location(id);
        let name = location
            .map(|l| l.description.as_str())
            .filter(|d| !d.is_empty())
            .unwrap_or(id.as_str());
        let gln = location.and_then(|l| l.gln.clone());
        (described(name, gln.as_deref()), gln)
    }

    /// A party's name (its code without one) and GLN.
    fn party(&self, id: &PartyId) -> String {
        let party = self.state.party(id);
        let name = party
            .map(|p| p.name.as_str())
            .filter(|n| !n.is_empty())
            .unwrap_or(id.as_str());
        described(name, self.party_gln(id).as_deref())
    }

    fn party_gln(&self, id: &PartyId) -> Option<String> {
        self.state.party(id)?.gln.clone()
    }
}

fn described(name: &str, gln: Option<&str>) -> String {
    match gln {
        Some(gln) => format!("{name} (GLN {gln})"),
        None => name.to_owned(),
    }
}

/// Writes `records` as CSV with the [`COLUMNS`] header (dates `YYYY-MM-DD`, exact
/// quantities).
///
/// ```
/// use traceability_core::io::fsma::{write_csv, COLUMNS};
/// let mut out = Vec::new();
/// write_csv(&[], &mut out).unwrap();
/// assert_eq!(String::from_utf8(out).unwrap().trim_end(), COLUMNS.join(","));
/// ```
pub fn write_csv(records: &[CteRecord], out: impl Write) -> Result<(), TraceError> {
    let failed = |e: csv::Error| TraceError::storage(format!("cannot write the CSV: {e}"));
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(COLUMNS).map_err(failed)?;
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    for r in records {
        writer
            .write_record([
                r.cte.label().to_owned(),
                r.date.to_string(),
                r.traceability_lot_code.clone(),
                r.product_description.clone(),
                r.quantity.to_string(),
                r.unit.clone(),
                r.tlc_source.clone(),
                text(&r.tlc_source_reference),
                text(&r.previous_source),
                text(&r.receiving_location),
                text(&r.ship_from),
                text(&r.ship_to),
                text(&r.transformation_location),
                r.reference_document_type.clone(),
                r.reference_document_number.clone(),
                r.product.to_string(),
                r.lot.to_string(),
                r.event_seq.to_string(),
            ])
            .map_err(failed)?;
    }
    writer
        .flush()
        .map_err(|e| TraceError::storage(format!("cannot write the CSV: {e}")))
}
