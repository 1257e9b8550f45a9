//! Log events → [`Draft`]s, one function per family of payloads. A payload no family
//! maps (master data, reservations, lot records' bookkeeping, numbering, and payloads
//! added later) gives no EPCIS event. The CBV 2.0 values are written as the bare words
//! the EPCIS JSON schema lists (`receiving`, `in_progress`, `owning_party`, ...), which
//! the standard `@context` maps to their `https://ref.gs1.org/cbv/` URIs.

use crate::command::Line;
use crate::event::{Event, EventPayload, Produced};
use crate::io::epcis::draft::{Counted, Draft, Endpoint, Shape};
use crate::kernel::id::{ItemRef, LocationId, PartyId, ProductId, SerialNumber};
use crate::kernel::Quantity;
use crate::model::{Lot, QualityStatus};

const ADD: &str = "ADD";
const OBSERVE: &str = "OBSERVE";
const DELETE: &str = "DELETE";
const OWNING: &str = "owning_party";
const LOCATION: &str = "location";

/// The EPCIS events of one log event (none, one, or one per source location of a
/// shipment).
pub(super) fn drafts(event: &Event) -> Vec<Draft<'_>> {
    let payload = &event.body.payload;
    receipts(payload)
        .or_else(|| movements(payload))
        .or_else(|| production(payload))
        .or_else(|| corrections(payload))
        .or_else(|| statuses(payload))
        .or_else(|| relotting(payload))
        .unwrap_or_default()
}

/// Receipts from suppliers and customers, new lot records and advance shipping notices.
fn receipts(payload: &EventPayload) -> Option<Vec<Draft<'_>>> {
    let draft = match payload {
        EventPayload::LotReceived { lot, reference } => {
            let mut d = received(lot.supplier.as_ref(), reference.as_deref());
            d.disposition = Some(received_disposition(lot.quality));
            d.items.push(Counted::new(&lot.item(), lot.on_hand()));
            d.place = lot.stock.first().map(|s| &s.location);
            d.ilmd = Some(lot.dates);
            d
        }
        EventPayload::LotCreated { lot, reference } => {
            let mut d = Draft::new(Shape::Object(ADD), Some("creating_class_instance"));
            d.items.push(Counted::whole(&lot.item()));
            d.documents.extend(reference_document(reference.as_deref()));
            d.ilmd = Some(lot.dates);
            d
        }
        EventPayload::SerialsReceived {
            product,
            serials,
            location,
            supplier,
            reference,
            ..
        } => {
            let mut d = received(supplier.as_ref(), reference.as_deref());
            d.disposition = Some("in_progress");
            d.items = serials
                .iter()
                .map(|s| Counted::whole(&serial(product, s)))
                .collect();
            d.place = Some(location);
            d
        }
        EventPayload::SerialsExpected {
            product,
            serials,
            supplier,
            reference,
        } => expected(product, serials, supplier.as_ref(), reference.as_deref()),
        EventPayload::Returned {
            rma,
            customer,
            line,
            ..
        } => {
            let mut d = Draft::new(Shape::Object(OBSERVE), Some("receiving"));
            d.disposition = Some("returned");
            d.items.push(counted(line));
            d.place = Some(&line.location);
            d.sources.push((OWNING, Endpoint::Party(customer)));
            d.destinations.push((OWNING, Endpoint::Owner));
            d.documents.push((Some("rma"), "rma", rma.to_string()));
            d
        }
        _ => return None,
    };
    Some(vec![draft])
}

/// A receipt from `supplier` (ADD: the lot or serials start their life here).
fn received<'e>(supplier: Option<&'e PartyId>, reference: Option<&str>) -> Draft<'e> {
    let mut d = Draft::new(Shape::Object(ADD), Some("receiving"));
    if let Some(supplier) = supplier {
        d.sources.push((OWNING, Endpoint::Party(supplier)));
        d.sources
            .push((LOCATION, Endpoint::PartyLocation(supplier)));
    }
    d.destinations.push((OWNING, Endpoint::Owner));
    d.documents.extend(reference_document(reference));
    d
}

/// Quarantined stock is still in the receiving process; released stock is usable.
fn received_disposition(quality: QualityStatus) -> &'static str {
    match quality {
        QualityStatus::Quarantine => "in_progress",
        QualityStatus::Released => "active",
        QualityStatus::Rejected => "non_conformant",
    }
}

/// An advance shipping notice: the serials bound to the despatch advice.
fn expected<'e>(
    product: &'e ProductId,
    serials: &'e [SerialNumber],
    supplier: Option<&'e PartyId>,
    reference: Option<&str>,
) -> Draft<'e> {
    let mut d = Draft::new(Shape::Transaction(ADD), None);
    d.items = serials
        .iter()
        .map(|s| Counted::whole(&serial(product, s)))
        .collect();
    if let Some(supplier) = supplier {
        d.sources.push((OWNING, Endpoint::Party(supplier)));
    }
    d.destinations.push((OWNING, Endpoint::Owner));
    let asn = reference.unwrap_or("unreferenced");
    d.documents.push((Some("desadv"), "asn", asn.to_owned()));
    d
}

/// A free-text reference as a business transaction of ours (type unknown).
fn reference_document(
    reference: Option<&str>,
) -> Option<(Option<&'static str>, &'static str, String)> {
    reference.map(|r| (None, "reference", r.to_owned()))
}

/// Moves, picks and shipments.
fn movements(payload: &EventPayload) -> Option<Vec<Draft<'_>>> {
    match payload {
        EventPayload::Moved {
            item, to, quantity, ..
        } => {
            let mut d = Draft::new(Shape::Object(OBSERVE), Some("storing"));
            d.items.push(Counted::new(item, *quantity));
            d.place = Some(to);
            Some(vec![d])
        }
        EventPayload::Picked { order, line } => {
            let mut d = Draft::new(Shape::Object(OBSERVE), Some("picking"));
            d.items.push(counted(line));
            d.place = Some(&line.location);
            d.documents.push((None, "order", order.to_string()));
            Some(vec![d])
        }
        EventPayload::Shipped {
            shipment,
            order,
            customer,
            lines,
            ..
        } => Some(
            by_location(lines)
                .into_iter()
                .map(|(location, lines)| {
                    let mut d = Draft::new(Shape::Object(OBSERVE), Some("shipping"));
                    d.disposition = Some("in_transit");
                    d.items = lines.into_iter().map(counted).collect();
                    d.place = Some(location);
                    d.sources.push((OWNING, Endpoint::Owner));
                    d.destinations.push((OWNING, Endpoint::Party(customer)));
                    d.destinations
                        .push((LOCATION, Endpoint::PartyLocation(customer)));
                    d.documents
                        .push((Some("desadv"), "shipment", shipment.to_string()));
                    if let Some(order) = order {
                        d.documents.push((None, "order", order.to_string()));
                    }
                    d
                })
                .collect(),
        ),
        _ => None,
    }
}

/// The lines grouped by the location they left from, in order of first appearance.
fn by_location(lines: &[Line]) -> Vec<(&LocationId, Vec<&Line>)> {
    let mut groups: Vec<(&LocationId, Vec<&Line>)> = Vec::new();
    for line in lines {
        match groups.iter_mut().find(|(l, _)| *l == &line.location) {
            Some((_, group)) => group.push(line),
            None => groups.push((&line.location, vec![line])),
        }
    }
    groups
}

/// A work order: consumed lines in, produced lots and serials out.
fn production(payload: &EventPayload) -> Option<Vec<Draft<'_>>> {
    let EventPayload::Produced {
        work_order,
        consumed,
        outputs,
        ..
    } = payload
    else {
        return None;
    };
    if consumed.is_empty() && outputs.is_empty() {
        return Some(Vec::new());
    }
    let mut d = Draft::new(Shape::Transformation, Some("commissioning"));
    d.disposition = Some("active");
    d.inputs = consumed.iter().map(counted).collect();
    d.outputs = outputs.iter().map(output).collect();
    d.place = outputs
        .iter()
        .find_map(output_location)
        .or_else(|| consumed.first().map(|l| &l.location));
    d.transformation = Some(work_order.to_string());
    d.documents
        .push((Some("prodorder"), "work_order", work_order.to_string()));
    let new_lots: Vec<&Lot> = outputs
        .iter()
        .filter_map(|o| match o {
            Produced::NewLot(lot) => Some(lot),
            _ => None,
        })
        .collect();
    // Instance/lot master data is per event: written when one new lot has it.
    if let [lot] = new_lots.as_slice() {
        d.ilmd = Some(lot.dates);
    }
    Some(vec![d])
}

fn output(produced: &Produced) -> Counted {
    match produced {
        Produced::NewLot(lot) => Counted::new(&lot.item(), lot.on_hand()),
        Produced::IntoLot(line) => counted(line),
        Produced::NewSerial { .. } => Counted::whole(&produced.item()),
    }
}

fn output_location(produced: &Produced) -> Option<&LocationId> {
    match produced {
        Produced::NewLot(lot) => lot.stock.first().map(|s| &s.location),
        Produced::IntoLot(line) => Some(&line.location),
        Produced::NewSerial { location, .. } => Some(location),
    }
}

/// Inventory corrections and scrap.
fn corrections(payload: &EventPayload) -> Option<Vec<Draft<'_>>> {
    let draft = match payload {
        EventPayload::Adjusted { line } => {
            // EPCIS has no signed quantity: the size of the change is in the quantity
            // list, the signed change in `trace:quantityChange`.
            let mut d = Draft::new(Shape::Object(OBSERVE), Some("cycle_counting"));
            let size = if line.quantity.is_negative() {
                -line.quantity
            } else {
                line.quantity
            };
            d.items.push(Counted::new(&line.item, size));
            d.place = Some(&line.location);
            d.quantity_change = Some(line.quantity);
            d
        }
        EventPayload::Scrapped { line } => {
            let mut d = Draft::new(Shape::Object(DELETE), Some("destroying"));
            d.disposition = Some("destroyed");
            d.items.push(counted(line));
            d.place = Some(&line.location);
            d
        }
        _ => return None,
    };
    Some(vec![draft])
}

/// Quality decisions, recall holds and recalls: whole lots (no quantity) and serials.
fn statuses(payload: &EventPayload) -> Option<Vec<Draft<'_>>> {
    let draft = match payload {
        EventPayload::QualityStatusSet {
            product,
            lot,
            status,
            reason,
        } => {
            let mut d = Draft::new(Shape::Object(OBSERVE), Some("inspecting"));
            d.disposition = Some(match status {
                QualityStatus::Quarantine => "non_sellable_other",
                QualityStatus::Released => "conformant",
                QualityStatus::Rejected => "non_conformant",
            });
            d.items.push(Counted::whole(&ItemRef::Lot {
                product: product.clone(),
                lot: lot.clone(),
            }));
            d.reason = Some(reason);
            d
        }
        EventPayload::HoldPlaced { items } => whole("holding", "non_sellable_other", items),
        EventPayload::HoldReleased { items } => whole("holding", "active", items),
        EventPayload::Packed {
            container,
            location,
            contents,
        } => {
            let mut d = Draft::new(Shape::Aggregation(ADD), Some("packing"));
            d.disposition = Some("in_progress");
            d.parent = Some(container);
            d.place = Some(location);
            d.items = contents
                .iter()
                .map(|p| counted_item(&p.item, p.quantity))
                .collect();
            d
        }
        EventPayload::Unpacked { container } => {
            let mut d = Draft::new(Shape::Aggregation(DELETE), Some("unpacking"));
            d.parent = Some(container);
            d
        }
        EventPayload::Recalled {
            recall, affected, ..
        } => {
            let mut d = whole("holding", "recalled", affected);
            d.documents.push((None, "recall", recall.to_string()));
            d
        }
        _ => return None,
    };
    Some(vec![draft])
}

fn whole<'e>(biz_step: &'static str, disposition: &'static str, items: &[ItemRef]) -> Draft<'e> {
    let mut d = Draft::new(Shape::Object(OBSERVE), Some(biz_step));
    d.disposition = Some(disposition);
    d.items = items.iter().map(Counted::whole).collect();
    d
}

/// A line: a lot with its quantity, or a serial.
fn counted(line: &Line) -> Counted {
    counted_item(&line.item, line.quantity)
}

/// A lot with its quantity, or a serial (counted as itself).
fn counted_item(item: &ItemRef, quantity: Quantity) -> Counted {
    match item {
        ItemRef::Lot { .. } => Counted::new(item, quantity),
        ItemRef::Serial { .. } => Counted::whole(item),
    }
}

fn serial(product: &ProductId, serial: &SerialNumber) -> ItemRef {
    ItemRef::Serial {
        product: product.clone(),
        serial: serial.clone(),
    }
}

/// Reversed shipments (`void_shipping`), lot splits and merges (`repackaging`) and
/// unbuilt assemblies (`disassembling`) as the CBV names them.
fn relotting(payload: &EventPayload) -> Option<Vec<Draft<'_>>> {
    let transformation = |biz_step, id: String| {
        let mut d = Draft::new(Shape::Transformation, Some(biz_step));
        d.disposition = Some("active");
        d.transformation = Some(id);
        d
    };
    match payload {
        EventPayload::ShipmentReversed {
            shipment,
            customer,
            lines,
        } => Some(
            by_location(lines)
                .into_iter()
                .map(|(location, lines)| {
                    let mut d = Draft::new(Shape::Object(OBSERVE), Some("void_shipping"));
                    d.disposition = Some("active");
                    d.items = lines.into_iter().map(counted).collect();
                    d.place = Some(location);
                    d.sources.push((OWNING, Endpoint::Party(customer)));
                    d.destinations.push((OWNING, Endpoint::Owner));
                    d.documents
                        .push((Some("desadv"), "shipment", shipment.to_string()));
                    d
                })
                .collect(),
        ),
        EventPayload::LotSplit {
            product,
            lot,
            location,
            new_lot,
        } => {
            let mut d = transformation("repackaging", format!("split {product}/{lot}"));
            d.inputs.push(Counted::new(
                &ItemRef::lot_of(product, lot),
                new_lot.on_hand(),
            ));
            d.outputs
                .push(Counted::new(&new_lot.item(), new_lot.on_hand()));
            d.place = Some(location);
            d.ilmd = Some(new_lot.dates);
            Some(vec![d])
        }
        EventPayload::LotsMerged {
            product,
            into,
            location,
            sources,
            ..
        } => {
            let mut d = transformation("repackaging", format!("merge into {product}/{into}"));
            let total = sources.iter().map(|(_, q)| *q).sum();
            d.inputs = sources
                .iter()
                .map(|(lot, q)| Counted::new(&ItemRef::lot_of(product, lot), *q))
                .collect();
            d.outputs
                .push(Counted::new(&ItemRef::lot_of(product, into), total));
            d.place = Some(location);
            Some(vec![d])
        }
        EventPayload::Unbuilt {
            product,
            serial,
            components,
        } => {
            let mut d = transformation("disassembling", format!("unbuild {product}/{serial}"));
            d.inputs.push(Counted::whole(&ItemRef::Serial {
                product: product.clone(),
                serial: serial.clone(),
            }));
            d.outputs = components.iter().map(counted).collect();
            d.place = components.first().map(|l| &l.location);
            Some(vec![d])
        }
        _ => None,
    }
}
