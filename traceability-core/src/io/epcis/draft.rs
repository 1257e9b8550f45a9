//! [`Draft`]: what one EPCIS event says, in the log's own terms (items, locations,
//! parties, documents), and its rendering as an EPCIS 2.0 JSON-LD event once every
//! thing is named ([`Ids`]).

use chrono::SecondsFormat;
use serde::Serialize;

use crate::event::Event;
use crate::io::epcis::ids::{event_id, Ids};
use crate::kernel::id::{ContainerId, ItemRef, LocationId, PartyId};
use crate::kernel::Quantity;
use crate::model::LotDates;

/// The EPCIS event types an export writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Shape {
    /// `ObjectEvent` with its action.
    Object(&'static str),
    /// `TransformationEvent`.
    Transformation,
    /// `TransactionEvent` with its action.
    Transaction(&'static str),
    /// `AggregationEvent` with its action: the draft's items are the children of
    /// [`Draft::parent`].
    Aggregation(&'static str),
}

/// A lot with a quantity (quantity lists), a lot without one (the `trace:epcClassList`
/// extension: EPCIS requires a quantity in a quantity list) or a serial (EPC lists).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Counted {
    pub(super) item: ItemRef,
    pub(super) quantity: Option<Quantity>,
}

impl Counted {
    pub(super) fn new(item: &ItemRef, quantity: Quantity) -> Self {
        Self {
            item: item.clone(),
            quantity: Some(quantity),
        }
    }

    pub(super) fn whole(item: &ItemRef) -> Self {
        Self {
            item: item.clone(),
            quantity: None,
        }
    }
}

/// A party or place in a source or destination list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Endpoint<'e> {
    /// A registered party (owning party).
    Party(&'e PartyId),
    /// The physical location of a party with a GLN.
    PartyLocation(&'e PartyId),
    /// Ourselves ([`crate::io::epcis::EpcisOptions::owner_gln`]).
    Owner,
}

/// What one EPCIS event says; see [`super::map`].
#[derive(Clone, Debug)]
pub(super) struct Draft<'e> {
    pub(super) shape: Shape,
    pub(super) biz_step: Option<&'static str>,
    pub(super) disposition: Option<&'static str>,
    pub(super) items: Vec<Counted>,
    pub(super) inputs: Vec<Counted>,
    pub(super) outputs: Vec<Counted>,
    pub(super) place: Option<&'e LocationId>,
    pub(super) sources: Vec<(&'static str, Endpoint<'e>)>,
    pub(super) destinations: Vec<(&'static str, Endpoint<'e>)>,
    /// (CBV business transaction type, kind of our record, its id).
    pub(super) documents: Vec<(Option<&'static str>, &'static str, String)>,
    pub(super) transformation: Option<String>,
    pub(super) ilmd: Option<LotDates>,
    pub(super) quantity_change: Option<Quantity>,
    pub(super) reason: Option<&'e str>,
    /// The container of an aggregation.
    pub(super) parent: Option<&'e ContainerId>,
}

impl<'e> Draft<'e> {
    pub(super) fn new(shape: Shape, biz_step: Option<&'static str>) -> Self {
        Self {
            shape,
            biz_step,
            disposition: None,
            items: Vec::new(),
            inputs: Vec::new(),
            outputs: Vec::new(),
            place: None,
            sources: Vec::new(),
            destinations: Vec::new(),
            documents: Vec::new(),
            transformation: None,
            ilmd: None,
            quantity_change: None,
            reason: None,
            parent: None,
        }
    }

    /// Every lot and serial the event is about.
    pub(super) fn all_items(&self) -> impl Iterator<Item = &ItemRef> {
        self.items
            .iter()
            .chain(&self.inputs)
            .chain(&self.outputs)
            .map(|c| &c.item)
    }
}

/// An EPCIS 2.0 event as JSON-LD, fields in the order of the standard's examples.
#[derive(Serialize)]
pub(super) struct EpcisEvent {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "eventID")]
    event_id: String,
    #[serde(rename = "eventTime")]
    event_time: String,
    #[serde(rename = "eventTimeZoneOffset")]
    offset: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    action: Option<&'static str>,
    #[serde(rename = "parentID", skip_serializing_if = "Option::is_none")]
    parent: Option<String>,
    #[serde(rename = "childEPCs", skip_serializing_if = "Option::is_none")]
    child_epcs: Option<Vec<String>>,
    #[serde(rename = "childQuantityList", skip_serializing_if = "Option::is_none")]
    child_quantities: Option<Vec<QuantityElement>>,
    #[serde(rename = "epcList", skip_serializing_if = "Option::is_none")]
    epc_list: Option<Vec<String>>,
    #[serde(rename = "quantityList", skip_serializing_if = "Option::is_none")]
    quantity_list: Option<Vec<QuantityElement>>,
    #[serde(rename = "inputEPCList", skip_serializing_if = "Option::is_none")]
    input_epcs: Option<Vec<String>>,
    #[serde(rename = "inputQuantityList", skip_serializing_if = "Option::is_none")]
    input_quantities: Option<Vec<QuantityElement>>,
    #[serde(rename = "outputEPCList", skip_serializing_if = "Option::is_none")]
    output_epcs: Option<Vec<String>>,
    #[serde(rename = "outputQuantityList", skip_serializing_if = "Option::is_none")]
    output_quantities: Option<Vec<QuantityElement>>,
    #[serde(rename = "transformationID", skip_serializing_if = "Option::is_none")]
    transformation_id: Option<String>,
    #[serde(rename = "bizStep", skip_serializing_if = "Option::is_none")]
    biz_step: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    disposition: Option<&'static str>,
    #[serde(rename = "readPoint", skip_serializing_if = "Option::is_none")]
    read_point: Option<IdObject>,
    #[serde(rename = "bizLocation", skip_serializing_if = "Option::is_none")]
    biz_location: Option<IdObject>,
    #[serde(rename = "bizTransactionList", skip_serializing_if = "Vec::is_empty")]
    biz_transactions: Vec<BizTransaction>,
    #[serde(rename = "sourceList", skip_serializing_if = "Vec::is_empty")]
    sources: Vec<Source>,
    #[serde(rename = "destinationList", skip_serializing_if = "Vec::is_empty")]
    destinations: Vec<Destination>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ilmd: Option<Ilmd>,
    #[serde(rename = "trace:seq")]
    seq: u64,
    #[serde(rename = "trace:actor")]
    actor: String,
    #[serde(rename = "trace:reason", skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(rename = "trace:epcClassList", skip_serializing_if = "Option::is_none")]
    classes: Option<Vec<String>>,
    #[serde(
        rename = "trace:quantityChange",
        skip_serializing_if = "Option::is_none"
    )]
    quantity_change: Option<String>,
}

impl EpcisEvent {
    /// The event's `type`.
    pub(super) fn kind(&self) -> &'static str {
        self.kind
    }
}

#[derive(Serialize)]
struct QuantityElement {
    #[serde(rename = "epcClass")]
    epc_class: String,
    quantity: Decimal,
    #[serde(skip_serializing_if = "Option::is_none")]
    uom: Option<&'static str>,
}

#[derive(Serialize)]
struct IdObject {
    id: String,
}

#[derive(Serialize)]
struct BizTransaction {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    #[serde(rename = "bizTransaction")]
    id: String,
}

#[derive(Serialize)]
struct Source {
    #[serde(rename = "type")]
    kind: &'static str,
    source: String,
}

#[derive(Serialize)]
struct Destination {
    #[serde(rename = "type")]
    kind: &'static str,
    destination: String,
}

#[derive(Serialize)]
struct Ilmd {
    #[serde(
        rename = "cbvmda:itemExpirationDate",
        skip_serializing_if = "Option::is_none"
    )]
    expiry: Option<String>,
    #[serde(
        rename = "cbvmda:bestBeforeDate",
        skip_serializing_if = "Option::is_none"
    )]
    best_before: Option<String>,
}

/// The serials (EPCs), the lots with quantities and the lots without of a list.
struct Lists {
    epcs: Vec<String>,
    quantities: Vec<QuantityElement>,
    classes: Vec<String>,
}

fn lists(ids: &Ids<'_>, counted: &[Counted]) -> Lists {
    let mut out = Lists {
        epcs: Vec::new(),
        quantities: Vec::new(),
        classes: Vec::new(),
    };
    for c in counted {
        let uri = ids.item(&c.item);
        match (&c.item, c.quantity) {
            (ItemRef::Serial { .. }, _) => out.epcs.push(uri),
            (ItemRef::Lot { product, .. }, Some(quantity)) => {
                let unit = ids.state.product(product).map_or("", |p| p.unit.as_str());
                out.quantities.push(QuantityElement {
                    epc_class: uri,
                    quantity: decimal(quantity),
                    uom: uom(unit),
                });
            }
            (ItemRef::Lot { .. }, None) => out.classes.push(uri),
        }
    }
    out
}

/// A quantity as a JSON number: a whole quantity as an integer, others exact for up to
/// 15 significant digits (what an IEEE double holds, and what JSON readers parse
/// numbers into).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Decimal {
    Whole(i64),
    Fraction(f64),
}

impl Serialize for Decimal {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match *self {
            Self::Whole(n) => serializer.serialize_i64(n),
            Self::Fraction(f) => serializer.serialize_f64(f),
        }
    }
}

fn decimal(quantity: Quantity) -> Decimal {
    let nanos = quantity.nanos();
    match i64::try_from(nanos / 1_000_000_000) {
        Ok(whole) if nanos % 1_000_000_000 == 0 => Decimal::Whole(whole),
        _ => Decimal::Fraction(quantity.to_string().parse().unwrap_or(f64::NAN)),
    }
}

/// The UN/ECE Recommendation 20 code of a unit, as EPCIS wants it; `None` for a count
/// of pieces (EPCIS: no uom means a count) and for units without a known code.
pub(super) fn uom(unit: &str) -> Option<&'static str> {
    const CODES: &[(&str, &str)] = &[
        ("kg", "KGM"),
        ("g", "GRM"),
        ("mg", "MGM"),
        ("t", "TNE"),
        ("lb", "LBR"),
        ("oz", "ONZ"),
        ("l", "LTR"),
        ("ml", "MLT"),
        ("m3", "MTQ"),
        ("gal", "GLL"),
        ("m", "MTR"),
        ("cm", "CMT"),
        ("mm", "MMT"),
        ("m2", "MTK"),
        ("kgm", "KGM"),
        ("grm", "GRM"),
        ("ltr", "LTR"),
        ("mlt", "MLT"),
    ];
    let lower = unit.trim().to_ascii_lowercase();
    CODES
        .iter()
        .find(|(u, _)| *u == lower)
        .map(|(_, code)| *code)
}

fn optional<T>(items: Vec<T>) -> Option<Vec<T>> {
    (!items.is_empty()).then_some(items)
}

/// Renders the `part`-th draft of `event`.
pub(super) fn render(draft: &Draft<'_>, event: &Event, part: usize, ids: &Ids<'_>) -> EpcisEvent {
    let mut items = lists(ids, &draft.items);
    let inputs = lists(ids, &draft.inputs);
    let outputs = lists(ids, &draft.outputs);
    let classes: Vec<String> = [&items.classes, &inputs.classes, &outputs.classes]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    let (kind, action) = match draft.shape {
        Shape::Object(action) => ("ObjectEvent", Some(action)),
        Shape::Transformation => ("TransformationEvent", None),
        Shape::Transaction(action) => ("TransactionEvent", Some(action)),
        Shape::Aggregation(action) => ("AggregationEvent", Some(action)),
    };
    let (child_epcs, child_quantities) = match draft.shape {
        Shape::Aggregation(_) => (
            optional(std::mem::take(&mut items.epcs)),
            optional(std::mem::take(&mut items.quantities)),
        ),
        _ => (None, None),
    };
    // An object or transaction event needs an EPC list (possibly empty) or a quantity list.
    let epc_list = match kind {
        "TransformationEvent" | "AggregationEvent" => None,
        _ if items.epcs.is_empty() && !items.quantities.is_empty() => None,
        _ => Some(items.epcs),
    };
    let place = draft.place.map(|l| IdObject {
        id: ids.location(l),
    });
    EpcisEvent {
        kind,
        event_id: event_id(event, part),
        event_time: event
            .body
            .recorded_at
            .to_rfc3339_opts(SecondsFormat::Millis, true),
        offset: "+00:00",
        action,
        parent: draft.parent.map(|c| ids.container(c)),
        child_epcs,
        child_quantities,
        epc_list,
        quantity_list: optional(items.quantities),
        input_epcs: optional(inputs.epcs),
        input_quantities: optional(inputs.quantities),
        output_epcs: optional(outputs.epcs),
        output_quantities: optional(outputs.quantities),
        transformation_id: draft
            .transformation
            .as_ref()
            .map(|id| ids.record("work_order", id)),
        biz_step: draft.biz_step,
        disposition: draft.disposition,
        read_point: place.as_ref().map(|p| IdObject { id: p.id.clone() }),
        biz_location: place,
        biz_transactions: draft
            .documents
            .iter()
            .map(|(kind, record, id)| BizTransaction {
                kind: *kind,
                id: ids.record(record, id),
            })
            .collect(),
        sources: endpoints(ids, &draft.sources)
            .map(|(kind, source)| Source { kind, source })
            .collect(),
        destinations: endpoints(ids, &draft.destinations)
            .map(|(kind, destination)| Destination { kind, destination })
            .collect(),
        ilmd: draft.ilmd.and_then(ilmd),
        seq: event.seq,
        actor: event.body.actor.to_string(),
        reason: event
            .body
            .reason
            .as_deref()
            .or(draft.reason)
            .map(str::to_owned),
        classes: optional(classes),
        quantity_change: draft.quantity_change.map(|q| q.to_string()),
    }
}

/// The named entries of a source or destination list (entries that cannot be named,
/// like ourselves without [`crate::io::epcis::EpcisOptions::owner_gln`], are left out).
fn endpoints<'a>(
    ids: &'a Ids<'_>,
    list: &'a [(&'static str, Endpoint<'_>)],
) -> impl Iterator<Item = (&'static str, String)> + 'a {
    list.iter().filter_map(|(kind, endpoint)| {
        let uri = match endpoint {
            Endpoint::Party(party) => Some(ids.party(party)),
            Endpoint::PartyLocation(party) => ids.party_location(party),
            Endpoint::Owner => ids.owner(),
        };
        uri.map(|uri| (*kind, uri))
    })
}

fn ilmd(dates: LotDates) -> Option<Ilmd> {
    let ilmd = Ilmd {
        expiry: dates.expiry.map(|d| d.to_string()),
        best_before: dates.best_before.map(|d| d.to_string()),
    };
    (ilmd.expiry.is_some() || ilmd.best_before.is_some()).then_some(ilmd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_map_to_rec20_codes_and_counts_have_none() {
        assert_eq!(uom("kg"), Some("KGM"));
        assert_eq!(uom(" L "), Some("LTR"));
        assert_eq!(uom("ea"), None);
        assert_eq!(uom("pallet"), None);
        assert_eq!(decimal("0.3".parse().unwrap()), Decimal::Fraction(0.3));
        assert_eq!(decimal("-12.5".parse().unwrap()), Decimal::Fraction(-12.5));
        assert_eq!(decimal("-12".parse().unwrap()), Decimal::Whole(-12));
        assert_eq!(decimal(Quantity::MAX), Decimal::Fraction(1e15));
    }
}
