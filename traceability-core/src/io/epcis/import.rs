//! Capturing a partner's EPCIS document into this tracker, so a trace crosses company
//! borders: the partner's lots and serials become records (without stock), its
//! transformations genealogy links ([`crate::Command::LinkUpstream`]), and the goods it
//! shipped or we received a receipt at our location. [`import_commands`] gives the
//! commands; run them with [`crate::Tracker::execute_batch`] (all or none).
//!
//! Products are matched by GTIN (or a private product code), the supplier by the GLN or
//! code of the event's source party, else the one given. Events of other kinds are not
//! imported.

use chrono::NaiveDate;
use foldhash::HashSet;
use serde::Deserialize;

use super::{read_document, CaptureKind, CapturedEvent, CapturedItem};
use crate::command::{
    Command, CreateLot, ExpectSerials, LinkUpstream, LotSpec, ReceiveLot, ReceiveSerials,
};
use crate::kernel::error::TraceError;
use crate::kernel::id::{
    ItemRef, LocationId, LotNumber, PartyId, ProductId, SerialNumber, WorkOrderId,
};
use crate::kernel::Quantity;
use crate::model::LotDates;
use crate::state::State;

/// Where a partner's goods arrive and who they come from.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct EpcisImport {
    /// Our receiving location for shipped or received goods.
    pub location: LocationId,
    /// The supplier, when the document's source party is not a registered one.
    #[serde(default)]
    pub supplier: Option<PartyId>,
}

/// The commands that capture `json` (an EPCIS 2.0 document) into `state`'s tracker:
/// lot and serial records first, then genealogy links and receipts, in document order.
pub fn import_commands(
    state: &State,
    json: &str,
    how: &EpcisImport,
) -> Result<Vec<Command>, TraceError> {
    let mut importer = Importer {
        state,
        how,
        created: HashSet::default(),
        records: Vec::new(),
        moves: Vec::new(),
    };
    for event in read_document(json)? {
        importer.event(&event)?;
    }
    let mut commands = importer.records;
    commands.extend(importer.moves);
    Ok(commands)
}

struct Importer<'a> {
    state: &'a State,
    how: &'a EpcisImport,
    created: HashSet<ItemRef>,
    /// Records of the partner's lots and serials.
    records: Vec<Command>,
    /// Links and receipts.
    moves: Vec<Command>,
}

fn at(event: &CapturedEvent, reason: impl std::fmt::Display) -> TraceError {
    TraceError::invalid("document", format!("event {}: {reason}", event.index))
}

impl Importer<'_> {
    fn event(&mut self, event: &CapturedEvent) -> Result<(), TraceError> {
        let supplier = self.supplier(event);
        let day = event.event_time.date_naive();
        match event.kind {
            CaptureKind::Transformation => {
                let mut inputs = Vec::with_capacity(event.inputs.len());
                for captured in &event.inputs {
                    let item = self.record(event, captured, supplier.as_ref(), day)?;
                    inputs.push((item, captured.quantity.unwrap_or(Quantity::ONE)));
                }
                let mut outputs = Vec::with_capacity(event.outputs.len());
                for captured in &event.outputs {
                    outputs.push(self.record(event, captured, supplier.as_ref(), day)?);
                }
                let id = event
                    .transformation_id
                    .clone()
                    .unwrap_or_else(|| format!("EPCIS-{}", event.index));
                let operation = WorkOrderId::new(id).map_err(|e| at(event, e))?;
                self.moves.push(Command::LinkUpstream(LinkUpstream {
                    operation,
                    inputs,
                    outputs,
                }));
            }
            CaptureKind::Receiving | CaptureKind::Shipping => {
                for captured in &event.items {
                    self.receipt(event, captured, supplier.as_ref(), day)?;
                }
            }
            CaptureKind::Other => {}
        }
        Ok(())
    }

    /// The registered supplier of an event: its source party by GLN or code.
    fn supplier(&self, event: &CapturedEvent) -> Option<PartyId> {
        let parties: Vec<_> = self.state.parties().collect();
        event
            .sources
            .iter()
            .find_map(|source| {
                parties.iter().find(|p| {
                    (source.gln.is_some() && p.gln == source.gln)
                        || source.id.as_deref() == Some(p.id.as_str())
                })
            })
            .map(|p| p.id.clone())
            .or_else(|| self.how.supplier.clone())
    }

    fn product(&self, event: &CapturedEvent, item: &CapturedItem) -> Result<ProductId, TraceError> {
        let by_gtin = item
            .gtin
            .as_deref()
            .and_then(|g| self.state.product_by_gtin(g));
        if let Some(product) = by_gtin {
            return Ok(product.clone());
        }
        match &item.product {
            Some(code) if self.state.product(&ProductId::new(code)?).is_some() => {
                Ok(ProductId::new(code)?)
            }
            _ => Err(at(
                event,
                format!("{} is no registered product's (by GTIN)", item.uri),
            )),
        }
    }

    fn item(&self, event: &CapturedEvent, item: &CapturedItem) -> Result<ItemRef, TraceError> {
        let product = self.product(event, item)?;
        match (&item.serial, &item.lot) {
            (Some(serial), _) => Ok(ItemRef::Serial {
                product,
                serial: SerialNumber::new(serial)?,
            }),
            (None, Some(lot)) => Ok(ItemRef::Lot {
                product,
                lot: LotNumber::new(lot)?,
            }),
            (None, None) => Err(at(event, format!("{} names no lot or serial", item.uri))),
        }
    }

    /// The item, with a record created for it when this tracker does not know it.
    fn record(
        &mut self,
        event: &CapturedEvent,
        captured: &CapturedItem,
        supplier: Option<&PartyId>,
        day: NaiveDate,
    ) -> Result<ItemRef, TraceError> {
        let item = self.item(event, captured)?;
        if self.state.resolve(&item).is_some() || !self.created.insert(item.clone()) {
            return Ok(item);
        }
        self.records.push(match &item {
            ItemRef::Lot { product, lot } => {
                let mut spec = LotSpec::new(product.clone(), lot.clone());
                spec.dates = LotDates {
                    expiry: event.expiry,
                    best_before: event.best_before,
                    ..LotDates::default()
                };
                Command::CreateLot(CreateLot {
                    spec,
                    supplier: supplier.cloned(),
                    received_on: Some(day),
                    quantity: None,
                    location: None,
                    active: true,
                    reference: event.event_id.clone(),
                })
            }
            ItemRef::Serial { product, serial } => Command::ExpectSerials(ExpectSerials {
                product: product.clone(),
                serials: vec![serial.clone()],
                supplier: supplier.cloned(),
                reference: event.event_id.clone(),
            }),
        });
        Ok(item)
    }

    /// The receipt of shipped or received goods at our location.
    fn receipt(
        &mut self,
        event: &CapturedEvent,
        captured: &CapturedItem,
        supplier: Option<&PartyId>,
        day: NaiveDate,
    ) -> Result<(), TraceError> {
        let item = self.record(event, captured, supplier, day)?;
        let reference = event.transactions.first().map(|t| t.id.clone());
        self.moves.push(match item {
            ItemRef::Lot { product, lot } => {
                let quantity = captured
                    .quantity
                    .ok_or_else(|| at(event, format!("{} has no quantity", captured.uri)))?;
                let mut spec = LotSpec::new(product, lot);
                spec.dates.expiry = event.expiry;
                spec.dates.best_before = event.best_before;
                Command::ReceiveLot(ReceiveLot {
                    spec,
                    quantity,
                    location: self.how.location.clone(),
                    supplier: supplier.cloned(),
                    received_on: Some(day),
                    reference,
                })
            }
            ItemRef::Serial { product, serial } => Command::ReceiveSerials(ReceiveSerials {
                product,
                serials: vec![serial],
                location: self.how.location.clone(),
                supplier: supplier.cloned(),
                reference,
                generate: 0,
                put_away: false,
                received_on: Some(day),
            }),
        });
        Ok(())
    }
}
