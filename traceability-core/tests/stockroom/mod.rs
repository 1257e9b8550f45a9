//! Fixtures shared by the allocation, expiry, quality and report tests: a stockroom given
//! as events (see [`crate::scenario`]), with holds and dates set directly.
#![allow(dead_code)]

use std::sync::Arc;

use chrono::NaiveDate;
use traceability_core::*;

pub fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

pub fn q(n: i64) -> Quantity {
    Quantity::try_from(n).unwrap()
}

pub fn pid(s: &str) -> ProductId {
    ProductId::new(s).unwrap()
}

pub fn loc(s: &str) -> LocationId {
    LocationId::new(s).unwrap()
}

pub fn order(s: &str) -> OrderId {
    OrderId::new(s).unwrap()
}

pub fn lotn(s: &str) -> LotNumber {
    LotNumber::new(s).unwrap()
}

pub const TODAY: &str = "2026-01-10";

pub fn clock(date: &str) -> Arc<FixedClock> {
    Arc::new(FixedClock::new(
        format!("{date}T08:00:00Z").parse().unwrap(),
    ))
}

/// Master data as events: MILK (lot), PUMP (serial), NUT (untracked), locations A1, A2,
/// CUST (customer), customer C1.
pub fn master_data() -> Vec<EventPayload> {
    let mut milk = Product::new(pid("MILK"), Tracking::Lot);
    milk.expiry_warning_days = Some(15);
    let mut events = vec![
        EventPayload::ProductRegistered(milk),
        EventPayload::ProductRegistered(Product::new(pid("PUMP"), Tracking::Serial)),
        EventPayload::ProductRegistered(Product::new(pid("NUT"), Tracking::None)),
    ];
    for (id, kind) in [
        ("A1", LocationKind::Internal),
        ("A2", LocationKind::Internal),
        ("CUST", LocationKind::Customer),
    ] {
        events.push(EventPayload::LocationRegistered(Location {
            id: loc(id),
            kind,
            description: String::new(),
            gln: None,
            party: None,
        }));
    }
    events.push(EventPayload::PartyRegistered(Party {
        id: PartyId::new("C1").unwrap(),
        role: PartyRole::Customer,
        name: "Customer".into(),
        gln: None,
    }));
    events
}

/// A lot record as a `LotReceived` event would carry it (released, active, not held).
pub fn lot(number: &str, received: &str, expiry: Option<&str>, stock: &[(&str, i64)]) -> Lot {
    let mut lot = Lot::new(pid("MILK"), lotn(number), d(received));
    lot.dates.expiry = expiry.map(d);
    lot.stock = stock
        .iter()
        .map(|(l, n)| StockLine::new(loc(l), q(*n)))
        .collect();
    lot
}

pub fn received(lot: Lot) -> EventPayload {
    EventPayload::LotReceived {
        lot,
        reference: None,
    }
}

/// A tracker whose log holds exactly these events (replayed), with the clock at `today`.
/// This is how tests create states the public commands cannot reach directly.
pub fn tracker_from(payloads: Vec<EventPayload>, today: &str) -> Tracker {
    crate::scenario::given_on(payloads, today).tracker()
}

pub fn available(t: &Tracker, number: &str) -> Quantity {
    t.state()
        .lot(&pid("MILK"), &lotn(number))
        .unwrap()
        .stock
        .iter()
        .map(|s| s.available())
        .sum()
}
