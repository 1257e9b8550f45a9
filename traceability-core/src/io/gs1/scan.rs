//! Scanning into the domain: a GS1 barcode (element string, bracketed form or Digital
//! Link URI) resolved against the master data — the product by its GTIN, the lot (AI
//! 10) or serial (AI 21) it names, its dates and quantity — and turned into the command
//! a scan stands for at the dock (a receipt) or at the pick face (a pick). A GTIN no
//! product carries, a lot or serial the product is not tracked by, or a date that
//! contradicts the lot's record is an [`TraceError::InvalidInput`] on `barcode`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{parse_symbol, Element, ElementString};
use crate::command::{Command, LotSpec, Pick, ReceiveLot, ReceiveSerials};
use crate::kernel::check_digit::gtin14;
use crate::kernel::error::TraceError;
use crate::kernel::id::{
    ItemRef, LocationId, LotNumber, OrderId, PartyId, ProductId, SerialNumber,
};
use crate::kernel::vocab::Tracking;
use crate::kernel::Quantity;
use crate::model::LotDates;
use crate::state::State;

/// What a barcode says, resolved against the master data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Scan {
    /// The GTIN (AI 01), 14 digits.
    pub gtin: Option<String>,
    /// The product carrying that GTIN.
    pub product: Option<ProductId>,
    /// The lot (AI 10) or serial (AI 21) of that product the barcode names.
    pub item: Option<ItemRef>,
    /// Whether that lot or serial is already known here.
    pub known: bool,
    /// Expiration date (AI 17).
    pub expiry: Option<NaiveDate>,
    /// Best-before date (AI 15).
    pub best_before: Option<NaiveDate>,
    /// Production date (AI 11).
    pub manufactured_on: Option<NaiveDate>,
    /// The count (AI 30 or 37) or, for a product kept in kg, the net weight (AI 310n).
    pub quantity: Option<Quantity>,
    /// The logistic unit (AI 00).
    pub sscc: Option<String>,
    /// Every element, in barcode order.
    pub elements: Vec<Element>,
}

/// A receipt by scan: the scanned lot or serial into `location`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanReceipt {
    /// Receiving location.
    pub location: LocationId,
    /// Quantity (default: the barcode's count or net weight; a serial is one).
    #[serde(default)]
    pub quantity: Option<Quantity>,
    /// Supplier.
    #[serde(default)]
    pub supplier: Option<PartyId>,
    /// Receipt date (default: today).
    #[serde(default)]
    pub received_on: Option<NaiveDate>,
    /// Receipt document reference.
    #[serde(default)]
    pub reference: Option<String>,
}

/// What to do with a scanned barcode.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "action")]
pub enum ScanAction {
    /// Receive the lot or serial (a lot without AI 10 is numbered from the product's
    /// scheme).
    Receive(ScanReceipt),
    /// Pick the scanned lot or serial for `order`.
    Pick {
        /// The order.
        order: OrderId,
        /// Quantity (default: the barcode's, else one).
        #[serde(default)]
        quantity: Option<Quantity>,
    },
}

fn mismatch(reason: impl Into<String>) -> TraceError {
    TraceError::invalid("barcode", reason)
}

/// Reads `text` (dates with two-digit years resolved around `today`) and resolves it
/// against `state`.
///
/// ```
/// use traceability_core::{io::gs1::scan::scan, Command, Product, ProductId, Tracker, Tracking};
/// let mut t = Tracker::in_memory();
/// let mut milk = Product::new(ProductId::new("MILK").unwrap(), Tracking::Lot);
/// milk.gtins = vec!["09506000134352".into()];
/// t.execute("ana", None, &Command::RegisterProduct(milk)).unwrap();
/// let today = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
/// let found = scan(t.state(), "(01)09506000134352(17)260901(10)L42", today).unwrap();
/// assert_eq!(found.item.unwrap().to_string(), "lot MILK/L42");
/// assert!(!found.known);
/// ```
pub fn scan(state: &State, text: &str, today: NaiveDate) -> Result<Scan, TraceError> {
    let data = parse_symbol(text, today)?;
    // A pallet's content label names its trade items by (02), their count by (37).
    let gtin = (data.gtin().or_else(|| data.content_gtin()))
        .map(|g| gtin14("barcode", g))
        .transpose()?;
    let product =
        match &gtin {
            Some(gtin) => Some(state.product_by_gtin(gtin).cloned().ok_or_else(|| {
                mismatch(format!("GTIN {gtin} belongs to no registered product"))
            })?),
            None => None,
        };
    let item = match &product {
        Some(product) => named_item(state, product, &data)?,
        None => None,
    };
    let known = item.as_ref().is_some_and(|i| state.resolve(i).is_some());
    if let (Some(ItemRef::Lot { product, lot }), true) = (&item, known) {
        check_dates(state, product, lot, &data)?;
    }
    let quantity = count(&data).or_else(|| {
        let in_kg = product
            .as_ref()
            .and_then(|p| state.product(p))
            .is_some_and(|p| p.unit.eq_ignore_ascii_case("kg"));
        in_kg.then(|| data.net_weight_kg()).flatten()
    });
    Ok(Scan {
        gtin,
        product,
        item,
        known,
        expiry: data.expiry(),
        best_before: data.best_before(),
        manufactured_on: data.production_date(),
        quantity,
        sscc: data.sscc().map(str::to_owned),
        elements: data.into_elements(),
    })
}

/// The lot or serial the barcode names, as the product is tracked.
fn named_item(
    state: &State,
    product: &ProductId,
    data: &ElementString,
) -> Result<Option<ItemRef>, TraceError> {
    let tracking = state.product(product).map(|p| p.tracking);
    Ok(match (tracking, data.batch(), data.serial()) {
        (Some(Tracking::Serial), _, Some(serial)) => Some(ItemRef::Serial {
            product: product.clone(),
            serial: SerialNumber::new(serial)?,
        }),
        (Some(Tracking::Lot), Some(lot), _) => Some(ItemRef::Lot {
            product: product.clone(),
            lot: LotNumber::new(lot)?,
        }),
        (Some(Tracking::Lot), None, Some(_)) => {
            return Err(mismatch(format!(
                "product {product} is lot-tracked; the barcode has a serial (21) but no lot (10)"
            )))
        }
        _ => None,
    })
}

/// Refuses a barcode whose expiry or best-before date contradicts the lot's record.
fn check_dates(
    state: &State,
    product: &ProductId,
    lot: &LotNumber,
    data: &ElementString,
) -> Result<(), TraceError> {
    let Some(record) = state.lot(product, lot) else {
        return Ok(());
    };
    for (what, scanned, recorded) in [
        ("expiry", data.expiry(), record.dates.expiry),
        ("best-before", data.best_before(), record.dates.best_before),
    ] {
        if let (Some(scanned), Some(recorded)) = (scanned, recorded) {
            if scanned != recorded {
                return Err(mismatch(format!(
                    "the barcode's {what} date {scanned} differs from lot {product}/{lot}'s {recorded}"
                )));
            }
        }
    }
    Ok(())
}

/// The count of trade items (AI 37) or the variable count (AI 30).
fn count(data: &ElementString) -> Option<Quantity> {
    ["37", "30"]
        .iter()
        .find_map(|ai| data.get(ai)?.value().parse().ok())
}

/// The command a scan stands for: a receipt of the scanned lot or serial, or a pick.
///
/// ```
/// use traceability_core::io::gs1::scan::{scan_command, ScanAction, ScanReceipt};
/// use traceability_core::{Command, LocationId, Product, ProductId, Tracker, Tracking};
/// let mut t = Tracker::in_memory();
/// let mut milk = Product::new(ProductId::new("MILK").unwrap(), Tracking::Lot);
/// milk.gtins = vec!["09506000134352".into()];
/// t.execute("ana", None, &Command::RegisterProduct(milk)).unwrap();
/// let today = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
/// let receive = ScanAction::Receive(ScanReceipt { location: LocationId::new("DOCK").unwrap(),
///     quantity: None, supplier: None, received_on: None, reference: None });
/// let Command::ReceiveLot(r) = scan_command(t.state(), "(01)09506000134352(17)260901(10)L42(30)12", today, &receive).unwrap()
/// else { unreachable!() };
/// assert_eq!((r.quantity.to_string(), r.spec.dates.expiry.unwrap().to_string()), ("12".into(), "2026-09-01".into()));
/// ```
pub fn scan_command(
    state: &State,
    text: &str,
    today: NaiveDate,
    action: &ScanAction,
) -> Result<Command, TraceError> {
    let scanned = scan(state, text, today)?;
    let product = scanned
        .product
        .clone()
        .ok_or_else(|| mismatch("the barcode carries no GTIN (01)"))?;
    match action {
        ScanAction::Receive(how) => receipt(state, scanned, product, how),
        ScanAction::Pick { order, quantity } => {
            let item = scanned
                .item
                .ok_or_else(|| mismatch("the barcode names no lot (10) or serial (21)"))?;
            Ok(Command::Pick(Pick {
                order: order.clone(),
                item,
                quantity: quantity.or(scanned.quantity).unwrap_or(Quantity::ONE),
            }))
        }
    }
}

/// The receipt of a scanned lot (its number, dates and count from the barcode) or
/// serial.
fn receipt(
    state: &State,
    scanned: Scan,
    product: ProductId,
    how: &ScanReceipt,
) -> Result<Command, TraceError> {
    let ScanReceipt {
        location,
        quantity,
        supplier,
        received_on,
        reference,
    } = how;
    let tracking = state.product(&product).map(|p| p.tracking);
    if tracking == Some(Tracking::Serial) {
        let Some(ItemRef::Serial { serial, .. }) = scanned.item else {
            return Err(mismatch(format!(
                "product {product} is serial-tracked; the barcode has no serial (21)"
            )));
        };
        return Ok(Command::ReceiveSerials(ReceiveSerials {
            product,
            serials: vec![serial],
            location: location.clone(),
            supplier: supplier.clone(),
            reference: reference.clone(),
            generate: 0,
            put_away: false,
            received_on: None,
        }));
    }
    let lot = match scanned.item {
        Some(ItemRef::Lot { lot, .. }) => Some(lot),
        _ => None,
    };
    let quantity = quantity.or(scanned.quantity).ok_or_else(|| {
        TraceError::invalid(
            "quantity",
            "the barcode carries no count (30/37): give the quantity",
        )
    })?;
    let mut spec = LotSpec::unnumbered(product);
    spec.lot = lot;
    spec.manufactured_on = scanned.manufactured_on;
    spec.dates = LotDates {
        expiry: scanned.expiry,
        best_before: scanned.best_before,
        ..LotDates::default()
    };
    Ok(Command::ReceiveLot(ReceiveLot {
        spec,
        quantity,
        location: location.clone(),
        supplier: supplier.clone(),
        received_on: *received_on,
        reference: reference.clone(),
    }))
}
