//! Reading a partner's EPCIS 2.0 JSON(-LD) document into [`CapturedEvent`]s.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Map, Value};

use crate::io::epcis::capture::{
    CaptureKind, CapturedEvent, CapturedItem, CapturedParty, CapturedTransaction,
};
use crate::io::epcis::keys;
use crate::io::epcis::options::EpcisOptions;
use crate::kernel::error::TraceError;
use crate::kernel::Quantity;

/// The object and transformation events of an EPCIS 2.0 JSON document (an
/// `EPCISDocument`, or an `EPCISQueryDocument`'s results), in document order, with this
/// library's private URIs read under the default [`EpcisOptions::private_base`].
/// Aggregation, association, transaction and extension events are skipped. A malformed
/// document is an [`TraceError::InvalidInput`] whose reason names the event's index and
/// the field.
///
/// ```
/// use traceability_core::io::epcis::{read_document, CaptureKind};
/// let doc = r#"{"@context": "https://ref.gs1.org/standards/epcis/epcis-context.jsonld",
///   "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-03-01T08:00:00Z",
///   "epcisBody": {"eventList": [{"type": "ObjectEvent", "action": "OBSERVE",
///     "bizStep": "shipping", "eventTime": "2026-03-01T07:00:00Z", "eventTimeZoneOffset": "+01:00",
///     "quantityList": [{"epcClass": "urn:epc:class:lgtin:4012345.012345.998877",
///                       "quantity": 200, "uom": "KGM"}]}]}}"#;
/// let events = read_document(doc).unwrap();
/// assert_eq!(events[0].kind, CaptureKind::Shipping);
/// assert_eq!(events[0].items[0].gtin.as_deref(), Some("04012345123456"));
/// assert_eq!(events[0].items[0].lot.as_deref(), Some("998877"));
/// assert!(read_document(r#"{"type": "EPCISDocument"}"#).is_err());
/// ```
pub fn read_document(json: &str) -> Result<Vec<CapturedEvent>, TraceError> {
    read_document_with(json, &EpcisOptions::default())
}

/// [`read_document`], reading private URIs under `options.private_base`.
pub fn read_document_with(
    json: &str,
    options: &EpcisOptions,
) -> Result<Vec<CapturedEvent>, TraceError> {
    let doc: Value = serde_json::from_str(json)
        .map_err(|e| TraceError::invalid("epcis document", e.to_string()))?;
    let mut out = Vec::new();
    for (index, event) in event_list(&doc)?.iter().enumerate() {
        let captured = read_event(index, event, &options.private_base)
            .map_err(|e| TraceError::invalid("epcis event", format!("event {index}: {e}")))?;
        out.extend(captured);
    }
    Ok(out)
}

/// The event list of an `EPCISDocument` or `EPCISQueryDocument`.
fn event_list(doc: &Value) -> Result<&Vec<Value>, TraceError> {
    let bad = |what: &str| TraceError::invalid("epcis document", what.to_owned());
    let body = match doc.get("type").and_then(Value::as_str) {
        Some("EPCISDocument") => doc.pointer("/epcisBody"),
        Some("EPCISQueryDocument") => doc.pointer("/epcisBody/queryResults/resultsBody"),
        Some(other) => return Err(bad(&format!("type {other:?} is not an EPCIS document"))),
        None => return Err(bad("type: missing (EPCISDocument expected)")),
    };
    body.and_then(|b| b.get("eventList"))
        .ok_or_else(|| bad("epcisBody.eventList: missing"))?
        .as_array()
        .ok_or_else(|| bad("epcisBody.eventList: not an array"))
}

/// One event; `None` for the types this reader skips. Errors name the field.
fn read_event(index: usize, value: &Value, base: &str) -> Result<Option<CapturedEvent>, String> {
    let obj = value.as_object().ok_or("not an object")?;
    let event_type = text(obj, "type")?.ok_or("type: missing")?;
    if !matches!(event_type, "ObjectEvent" | "TransformationEvent") {
        return Ok(None);
    }
    let time = text(obj, "eventTime")?.ok_or("eventTime: missing")?;
    let event_time = DateTime::parse_from_rfc3339(time)
        .map_err(|e| format!("eventTime: {time:?} is not a date-time ({e})"))?
        .with_timezone(&Utc);
    let action = text(obj, "action")?;
    if event_type == "ObjectEvent" && !matches!(action, Some("ADD" | "OBSERVE" | "DELETE")) {
        return Err(format!("action: {action:?} is not ADD, OBSERVE or DELETE"));
    }
    let biz_step = text(obj, "bizStep")?.map(|s| cbv(s, BIZ_STEP));
    let kind = match (event_type, biz_step.as_deref()) {
        ("TransformationEvent", _) => CaptureKind::Transformation,
        (_, Some("receiving" | "arriving" | "accepting")) => CaptureKind::Receiving,
        (_, Some("shipping" | "departing")) => CaptureKind::Shipping,
        _ => CaptureKind::Other,
    };
    let (expiry, best_before) = ilmd(obj)?;
    Ok(Some(CapturedEvent {
        index,
        event_type: event_type.to_owned(),
        kind,
        event_id: text(obj, "eventID")?.map(str::to_owned),
        event_time,
        time_zone_offset: text(obj, "eventTimeZoneOffset")?
            .ok_or("eventTimeZoneOffset: missing")?
            .to_owned(),
        action: action.map(str::to_owned),
        biz_step,
        disposition: text(obj, "disposition")?.map(|s| cbv(s, DISPOSITION)),
        read_point: place(obj, "readPoint", base)?,
        biz_location: place(obj, "bizLocation", base)?,
        items: items(obj, "epcList", "quantityList", base)?,
        inputs: items(obj, "inputEPCList", "inputQuantityList", base)?,
        outputs: items(obj, "outputEPCList", "outputQuantityList", base)?,
        sources: parties(obj, "sourceList", "source", base)?,
        destinations: parties(obj, "destinationList", "destination", base)?,
        transactions: transactions(obj)?,
        transformation_id: text(obj, "transformationID")?.map(str::to_owned),
        expiry,
        best_before,
    }))
}

/// The prefixes CBV values are written with: EPCIS 1.x URNs, 2.0 Web URIs.
const BIZ_STEP: &[&str] = &[
    "urn:epcglobal:cbv:bizstep:",
    "https://ref.gs1.org/cbv/BizStep-",
    "https://gs1.org/voc/Bizstep-",
    "cbv:BizStep-",
];
const DISPOSITION: &[&str] = &[
    "urn:epcglobal:cbv:disp:",
    "https://ref.gs1.org/cbv/Disp-",
    "https://gs1.org/voc/Disposition-",
    "cbv:Disp-",
];
const SOURCE_DESTINATION: &[&str] = &[
    "urn:epcglobal:cbv:sdt:",
    "https://ref.gs1.org/cbv/SDT-",
    "https://gs1.org/voc/SourceDestType-",
    "cbv:SDT-",
];
const TRANSACTION: &[&str] = &[
    "urn:epcglobal:cbv:btt:",
    "https://ref.gs1.org/cbv/BTT-",
    "https://gs1.org/voc/BizTransactionType-",
    "cbv:BTT-",
];

/// A CBV value as its bare word; other values as written.
fn cbv(value: &str, prefixes: &[&str]) -> String {
    prefixes
        .iter()
        .find_map(|p| value.strip_prefix(p))
        .unwrap_or(value)
        .to_owned()
}

fn text<'a>(obj: &'a Map<String, Value>, field: &str) -> Result<Option<&'a str>, String> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(format!("{field}: not a string")),
    }
}

fn list<'a>(obj: &'a Map<String, Value>, field: &str) -> Result<&'a [Value], String> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(format!("{field}: not an array")),
    }
}

fn entry<'a>(value: &'a Value, field: &str, i: usize) -> Result<&'a Map<String, Value>, String> {
    value
        .as_object()
        .ok_or_else(|| format!("{field}[{i}]: not an object"))
}

/// The EPCs of `epc_field` (one instance each), then the classes of `quantity_field`.
fn items(
    obj: &Map<String, Value>,
    epc_field: &str,
    quantity_field: &str,
    base: &str,
) -> Result<Vec<CapturedItem>, String> {
    let mut out = Vec::new();
    for (i, epc) in list(obj, epc_field)?.iter().enumerate() {
        let uri = epc
            .as_str()
            .ok_or_else(|| format!("{epc_field}[{i}]: not a string"))?;
        let mut item = keys::item(uri, base).map_err(|e| format!("{epc_field}[{i}]: {e}"))?;
        item.quantity = Some(Quantity::ONE);
        out.push(item);
    }
    for (i, element) in list(obj, quantity_field)?.iter().enumerate() {
        let element = entry(element, quantity_field, i)?;
        let at = |e: String| format!("{quantity_field}[{i}].{e}");
        let class = text(element, "epcClass")
            .map_err(at)?
            .ok_or_else(|| at("epcClass: missing".to_owned()))?;
        let mut item = keys::item(class, base).map_err(|e| at(format!("epcClass: {e}")))?;
        item.quantity = match element.get("quantity") {
            None | Some(Value::Null) => None,
            Some(q) => Some(quantity(q).map_err(|e| at(format!("quantity: {e}")))?),
        };
        item.uom = text(element, "uom").map_err(at)?.map(str::to_owned);
        out.push(item);
    }
    Ok(out)
}

/// A JSON number as an exact quantity (at most 9 decimal places, below 10^15, not
/// negative); never rounded.
fn quantity(value: &Value) -> Result<Quantity, String> {
    let number = value.as_number().ok_or("not a number")?;
    let text = match (number.as_i64(), number.as_f64()) {
        (Some(i), _) => i.to_string(),
        (None, Some(f)) => format!("{f}"),
        (None, None) => return Err(format!("{number} is out of range")),
    };
    let quantity: Quantity = text.parse().map_err(|e| format!("{text}: {e}"))?;
    if quantity.is_negative() {
        return Err(format!("{text} is negative"));
    }
    Ok(quantity)
}

fn place(
    obj: &Map<String, Value>,
    field: &str,
    base: &str,
) -> Result<Option<CapturedParty>, String> {
    let Some(value) = obj.get(field) else {
        return Ok(None);
    };
    let id = value
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{field}.id: missing or not a string"))?;
    keys::party("", id, base)
        .map(Some)
        .map_err(|e| format!("{field}.id: {e}"))
}

/// A source or destination list (`key` is `source` or `destination`).
fn parties(
    obj: &Map<String, Value>,
    field: &str,
    key: &str,
    base: &str,
) -> Result<Vec<CapturedParty>, String> {
    let mut out = Vec::new();
    for (i, value) in list(obj, field)?.iter().enumerate() {
        let value = entry(value, field, i)?;
        let at = |e: String| format!("{field}[{i}].{e}");
        let role = text(value, "type")
            .map_err(at)?
            .ok_or_else(|| at("type: missing".to_owned()))?;
        let uri = text(value, key)
            .map_err(at)?
            .ok_or_else(|| at(format!("{key}: missing")))?;
        let role = cbv(role, SOURCE_DESTINATION);
        out.push(keys::party(&role, uri, base).map_err(|e| at(format!("{key}: {e}")))?);
    }
    Ok(out)
}

fn transactions(obj: &Map<String, Value>) -> Result<Vec<CapturedTransaction>, String> {
    let field = "bizTransactionList";
    let mut out = Vec::new();
    for (i, value) in list(obj, field)?.iter().enumerate() {
        let value = entry(value, field, i)?;
        let at = |e: String| format!("{field}[{i}].{e}");
        let id = text(value, "bizTransaction")
            .map_err(at)?
            .ok_or_else(|| at("bizTransaction: missing".to_owned()))?;
        out.push(CapturedTransaction {
            kind: text(value, "type")
                .map_err(at)?
                .map(|t| cbv(t, TRANSACTION)),
            id: id.to_owned(),
        });
    }
    Ok(out)
}

/// The expiry and best-before dates of the instance/lot master data.
fn ilmd(obj: &Map<String, Value>) -> Result<(Option<NaiveDate>, Option<NaiveDate>), String> {
    let Some(ilmd) = obj.get("ilmd") else {
        return Ok((None, None));
    };
    let ilmd = ilmd.as_object().ok_or("ilmd: not an object")?;
    let date = |name: &str| -> Result<Option<NaiveDate>, String> {
        let value = ["cbvmda:", "urn:epcglobal:cbv:mda:"]
            .iter()
            .find_map(|prefix| ilmd.get(&format!("{prefix}{name}")));
        let Some(value) = value else {
            return Ok(None);
        };
        let text = value
            .as_str()
            .ok_or_else(|| format!("ilmd.{name}: not a string"))?;
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(Some)
            .map_err(|e| format!("ilmd.{name}: {text:?} is not a date ({e})"))
    };
    Ok((date("itemExpirationDate")?, date("bestBeforeDate")?))
}
