//! Allocation rules, each with a hand-checked case, plus invariants under proptest.

mod scenario;
mod stockroom;

use proptest::prelude::*;
use proptest::strategy::Strategy as _;
use stockroom::*;
use traceability_core::capability::orders::{ineligibility, plan, plan_naive, Allocation};
use traceability_core::Strategy;
use traceability_core::*;

fn req(n: i64, strategy: Strategy) -> AllocationRequest {
    AllocationRequest::new(pid("MILK"), q(n), order("SO1"), strategy)
}

fn taken(a: &Allocation) -> Vec<(String, String, i64)> {
    a.lines
        .iter()
        .map(|l| {
            let name = match &l.item {
                ItemRef::Lot { lot, .. } => lot.to_string(),
                ItemRef::Serial { serial, .. } => serial.to_string(),
            };
            (
                name,
                l.location.to_string(),
                l.quantity.to_string().parse().unwrap(),
            )
        })
        .collect()
}

/// E expired, Q quarantined, H held, then G1 (removal 01-28), G2 (expiry 01-30), G3 (no dates).
fn fefo_fixture() -> Tracker {
    let mut events = master_data();
    events.push(received(lot(
        "E",
        "2025-12-01",
        Some("2026-01-05"),
        &[("A1", 10)],
    )));
    let mut quarantined = lot("Q", "2025-12-01", Some("2026-01-20"), &[("A1", 10)]);
    quarantined.quality = QualityStatus::Quarantine;
    events.push(received(quarantined));
    let mut held = lot("H", "2025-12-01", Some("2026-01-25"), &[("A1", 10)]);
    held.on_hold = true;
    events.push(received(held));
    let mut g1 = lot("G1", "2025-12-02", Some("2026-02-01"), &[("A1", 5)]);
    g1.dates.removal = Some(d("2026-01-28"));
    events.push(received(g1));
    events.push(received(lot(
        "G2",
        "2025-12-03",
        Some("2026-01-30"),
        &[("A1", 5)],
    )));
    events.push(received(lot("G3", "2025-12-04", None, &[("A1", 100)])));
    tracker_from(events, TODAY)
}

#[test]
fn fefo_skips_expired_quarantined_and_held_lots() {
    let mut t = fefo_fixture();
    let a = t.allocate("ana", None, &req(12, Strategy::Fefo)).unwrap();
    assert_eq!(
        taken(&a),
        vec![
            ("G1".into(), "A1".into(), 5),
            ("G2".into(), "A1".into(), 5),
            ("G3".into(), "A1".into(), 2)
        ]
    );
    assert_eq!(a.shortfall, Quantity::ZERO);
    assert_eq!(available(&t, "G1"), q(0));
    assert_eq!(available(&t, "G3"), q(98));
    assert_eq!(
        query::orders::reservations(t.state(), &order("SO1")).len(),
        3
    );
    // Same result through the naive reference on the state before.
    let fresh = fefo_fixture();
    let naive = plan_naive(fresh.state(), d(TODAY), &req(12, Strategy::Fefo)).unwrap();
    assert_eq!(taken(&naive), taken(&a));
}

#[test]
fn ship_date_in_the_future_excludes_lots_expired_by_then() {
    let mut t = fefo_fixture();
    let mut r = req(6, Strategy::Fefo);
    r.ship_date = Some(d("2026-01-31"));
    // G2 expires 01-30: not eligible on 01-31. G1 (expiry 02-01) is.
    let a = t.allocate("ana", None, &r).unwrap();
    assert_eq!(
        taken(&a),
        vec![("G1".into(), "A1".into(), 5), ("G3".into(), "A1".into(), 1)]
    );
}

#[test]
fn fifo_and_lifo_break_ties_by_lot_number() {
    let mut events = master_data();
    events.push(received(lot("B", "2026-01-02", None, &[("A1", 1)])));
    events.push(received(lot("C", "2026-01-01", None, &[("A1", 1)])));
    events.push(received(lot("A", "2026-01-02", None, &[("A1", 1)])));
    events.push(received(lot("D", "2026-01-03", None, &[("A1", 1)])));
    let t = tracker_from(events, TODAY);
    let fifo = plan(t.state(), d(TODAY), &req(4, Strategy::Fifo)).unwrap();
    let names: Vec<_> = taken(&fifo).into_iter().map(|x| x.0).collect();
    assert_eq!(names, ["C", "A", "B", "D"]);
    let lifo = plan(t.state(), d(TODAY), &req(4, Strategy::Lifo)).unwrap();
    let names: Vec<_> = taken(&lifo).into_iter().map(|x| x.0).collect();
    assert_eq!(names, ["D", "A", "B", "C"]);
    // No dates at all: FEFO falls back to lot number order.
    let fefo = plan(t.state(), d(TODAY), &req(4, Strategy::Fefo)).unwrap();
    let names: Vec<_> = taken(&fefo).into_iter().map(|x| x.0).collect();
    assert_eq!(names, ["A", "B", "C", "D"]);
}

#[test]
fn minimum_remaining_shelf_life() {
    let mut events = master_data();
    let mut short = lot("SHORT", "2026-01-01", Some("2026-01-21"), &[("A1", 10)]);
    short.manufactured_on = Some(d("2026-01-01")); // 11/20 days left on 01-10 = 55 %
    let mut long = lot("LONG", "2026-01-01", Some("2026-02-10"), &[("A1", 10)]);
    long.manufactured_on = Some(d("2026-01-01")); // 31/40 = 77.5 %
    events.push(received(short));
    events.push(received(long));
    let t = tracker_from(events, TODAY);
    let mut r = req(5, Strategy::Fefo);
    r.min_remaining_shelf_life_pct = Some("60".parse().unwrap());
    let a = plan(t.state(), d(TODAY), &r).unwrap();
    assert_eq!(taken(&a), vec![("LONG".into(), "A1".into(), 5)]);
    r.min_remaining_shelf_life_pct = Some("55".parse().unwrap());
    let a = plan(t.state(), d(TODAY), &r).unwrap();
    assert_eq!(taken(&a), vec![("SHORT".into(), "A1".into(), 5)]);
    r.min_remaining_shelf_life_pct = Some("101".parse().unwrap());
    assert_eq!(
        plan(t.state(), d(TODAY), &r).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
}

#[test]
fn location_filter_and_split_across_locations() {
    let mut events = master_data();
    events.push(received(lot(
        "L1",
        "2026-01-01",
        Some("2026-03-01"),
        &[("A1", 3), ("A2", 4)],
    )));
    events.push(received(lot(
        "L2",
        "2026-01-01",
        Some("2026-04-01"),
        &[("A2", 10)],
    )));
    let mut t = tracker_from(events, TODAY);
    let mut r = req(5, Strategy::Fefo);
    r.locations = Some(vec![loc("A2")]);
    let a = plan(t.state(), d(TODAY), &r).unwrap();
    assert_eq!(
        taken(&a),
        vec![("L1".into(), "A2".into(), 4), ("L2".into(), "A2".into(), 1)]
    );
    let a = t.allocate("ana", None, &req(6, Strategy::Fefo)).unwrap();
    assert_eq!(
        taken(&a),
        vec![("L1".into(), "A1".into(), 3), ("L1".into(), "A2".into(), 3)]
    );
    r.locations = Some(vec![loc("NOWHERE")]);
    assert_eq!(
        plan(t.state(), d(TODAY), &r).unwrap_err().kind(),
        ErrorKind::UnknownLocation
    );
}

#[test]
fn insufficient_stock_says_what_is_available_and_changes_nothing() {
    let mut t = fefo_fixture();
    let before = t.head();
    let err = t
        .allocate("ana", None, &req(111, Strategy::Fefo))
        .unwrap_err();
    match &err {
        TraceError::InsufficientStock {
            requested,
            available,
            ..
        } => {
            assert_eq!(*requested, q(111));
            assert_eq!(*available, q(110)); // G1 5 + G2 5 + G3 100
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(err.to_string().contains("available 110"));
    assert_eq!(t.head(), before);
    assert_eq!(available(&t, "G3"), q(100));
}

#[test]
fn partial_allocation_reports_the_shortfall() {
    let mut t = fefo_fixture();
    let mut r = req(111, Strategy::Fefo);
    r.partial = true;
    let a = t.allocate("ana", None, &r).unwrap();
    assert_eq!(a.allocated, q(110));
    assert_eq!(a.shortfall, q(1));
    // Nothing eligible left: a partial request reserves nothing and reports all of it
    // as the shortfall (a full request fails).
    let none = t.allocate("ana", None, &r).unwrap();
    assert_eq!((none.allocated, none.shortfall), (q(0), q(111)));
    assert!(none.lines.is_empty());
    r.partial = false;
    let err = t.allocate("ana", None, &r).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InsufficientStock);
}

#[test]
fn bad_requests_are_typed_errors() {
    let mut t = fefo_fixture();
    let mut r = req(0, Strategy::Fefo);
    assert_eq!(
        t.allocate("ana", None, &r).unwrap_err().kind(),
        ErrorKind::InvalidQuantity
    );
    r.quantity = q(1);
    r.product = pid("NUT");
    assert_eq!(
        t.allocate("ana", None, &r).unwrap_err().kind(),
        ErrorKind::WrongTracking
    );
    r.product = pid("NOPE");
    assert_eq!(
        t.allocate("ana", None, &r).unwrap_err().kind(),
        ErrorKind::UnknownProduct
    );
    r.product = pid("PUMP");
    r.quantity = "1.5".parse().unwrap();
    assert_eq!(
        t.allocate("ana", None, &r).unwrap_err().kind(),
        ErrorKind::InvalidQuantity
    );
}

#[test]
fn pick_of_a_different_lot_moves_the_allocation_when_it_is_eligible() {
    let mut t = fefo_fixture();
    t.allocate("ana", None, &req(4, Strategy::Fefo)).unwrap(); // 4 of G1
    assert_eq!(available(&t, "G1"), q(1));
    let pick = |lot: &str, n: i64| {
        Command::Pick(Pick {
            order: order("SO1"),
            item: ItemRef::lot("MILK", lot).unwrap(),
            quantity: q(n),
        })
    };
    // Ineligible scans are refused with a clear error, and change nothing.
    assert_eq!(
        t.execute("ana", None, &pick("Q", 1)).unwrap_err().kind(),
        ErrorKind::NotUsable
    );
    assert_eq!(
        t.execute("ana", None, &pick("H", 1)).unwrap_err().kind(),
        ErrorKind::NotUsable
    );
    assert_eq!(
        t.execute("ana", None, &pick("E", 1)).unwrap_err().kind(),
        ErrorKind::ExpiredLot
    );
    assert_eq!(
        t.execute("ana", None, &pick("G2", 5)).unwrap_err().kind(),
        ErrorKind::InsufficientStock
    );
    // G2 instead of 3 of the 4 allocated G1.
    t.execute("ana", None, &pick("G2", 3)).unwrap();
    assert_eq!(available(&t, "G1"), q(4));
    assert_eq!(available(&t, "G2"), q(2));
    let rs = query::orders::reservations(t.state(), &order("SO1"));
    let lines: Vec<_> = rs
        .iter()
        .map(|r| (r.item.to_string(), r.reserved, r.picked))
        .collect();
    assert_eq!(
        lines,
        vec![
            ("lot MILK/G1".to_string(), q(1), q(0)),
            ("lot MILK/G2".to_string(), q(3), q(3)),
        ]
    );
    // Ship only what is picked.
    t.execute(
        "ana",
        None,
        &Command::Ship(Ship {
            shipment: ShipmentId::new("SH1").unwrap(),
            order: order("SO1"),
            customer: PartyId::new("C1").unwrap(),
            shipped_on: None,
            override_expiry: false,
        }),
    )
    .unwrap();
    let g2 = t.state().lot(&pid("MILK"), &lotn("G2")).unwrap();
    assert_eq!(g2.on_hand(), q(2));
    assert_eq!(
        query::orders::reservations(t.state(), &order("SO1")).len(),
        1
    );
}

#[test]
fn pick_substitution_respects_the_orders_rules() {
    let mut events = master_data();
    events.push(received(lot(
        "L1",
        "2026-01-01",
        Some("2026-03-01"),
        &[("A1", 5)],
    )));
    events.push(received(lot(
        "L2",
        "2026-01-01",
        Some("2026-01-20"),
        &[("A2", 5)],
    )));
    let mut t = tracker_from(events, TODAY);
    let mut r = req(2, Strategy::Fefo);
    r.ship_date = Some(d("2026-01-25"));
    let a = t.allocate("ana", None, &r).unwrap();
    assert_eq!(taken(&a), vec![("L1".into(), "A1".into(), 2)]);
    // L2 is not expired today but is at the order's ship date.
    let err = t
        .execute(
            "ana",
            None,
            &Command::Pick(Pick {
                order: order("SO1"),
                item: ItemRef::lot("MILK", "L2").unwrap(),
                quantity: q(2),
            }),
        )
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ExpiredLot);
}

#[test]
fn an_expired_lot_is_never_shipped_without_an_override() {
    let mut events = master_data();
    events.push(received(lot(
        "L1",
        "2026-01-01",
        Some("2026-01-12"),
        &[("A1", 5)],
    )));
    let mut t = tracker_from(events, TODAY);
    t.allocate("ana", None, &req(2, Strategy::Fefo)).unwrap();
    t.execute(
        "ana",
        None,
        &Command::Pick(Pick {
            order: order("SO1"),
            item: ItemRef::lot("MILK", "L1").unwrap(),
            quantity: q(2),
        }),
    )
    .unwrap();
    let ship = |over: bool| {
        Command::Ship(Ship {
            shipment: ShipmentId::new("SH1").unwrap(),
            order: order("SO1"),
            customer: PartyId::new("C1").unwrap(),
            shipped_on: Some(d("2026-01-13")),
            override_expiry: over,
        })
    };
    assert_eq!(
        t.execute("ana", None, &ship(false)).unwrap_err().kind(),
        ErrorKind::ExpiredLot
    );
    assert_eq!(
        t.execute("ana", None, &ship(true)).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    t.execute("ana", Some("return to supplier"), &ship(true))
        .unwrap();
}

#[test]
fn serial_products_allocate_serials_in_receipt_order_and_by_number_within_a_receipt() {
    let mut events = master_data();
    events.push(EventPayload::SerialsReceived {
        product: pid("PUMP"),
        serials: ["SN3", "SN1", "SN2"]
            .iter()
            .map(|s| SerialNumber::new(s).unwrap())
            .collect(),
        location: loc("A1"),
        supplier: None,
        reference: None,
        received_on: None,
    });
    let mut t = tracker_from(events, TODAY);
    let r = AllocationRequest::new(pid("PUMP"), q(1), order("SO1"), Strategy::Fifo);
    // RECEIVED serials are not yet in inventory.
    assert_eq!(
        t.allocate("ana", None, &r).unwrap_err().kind(),
        ErrorKind::InsufficientStock
    );
    for s in ["SN3", "SN1", "SN2"] {
        t.execute(
            "ana",
            None,
            &Command::Move(Move {
                item: ItemRef::serial("PUMP", s).unwrap(),
                from: loc("A1"),
                to: loc("A2"),
                quantity: q(1),
                override_expiry: false,
            }),
        )
        .unwrap();
    }
    let mut r2 = r.clone();
    r2.quantity = q(2);
    let a = t.allocate("ana", None, &r2).unwrap();
    assert_eq!(
        taken(&a),
        vec![
            ("SN1".into(), "A2".into(), 1),
            ("SN2".into(), "A2".into(), 1)
        ]
    );
    let sn1 = t
        .state()
        .serial(&pid("PUMP"), &SerialNumber::new("SN1").unwrap())
        .unwrap();
    assert_eq!(sn1.status, SerialStatus::Allocated);
    let mut lifo = r.clone();
    lifo.strategy = Strategy::Lifo;
    lifo.order = order("SO2");
    let a = t.allocate("ana", None, &lifo).unwrap();
    assert_eq!(taken(&a), vec![("SN3".into(), "A2".into(), 1)]);
    // Scanning SN3 for SO1 instead of SN1: SN3 is ALLOCATED to SO2 — refused.
    let err = t
        .execute(
            "ana",
            None,
            &Command::Pick(Pick {
                order: order("SO1"),
                item: ItemRef::serial("PUMP", "SN3").unwrap(),
                quantity: q(1),
            }),
        )
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidTransition);
}

#[test]
fn depleted_lots_become_inactive_and_come_back_on_return() {
    let mut events = master_data();
    events.push(received(lot("L1", "2026-01-01", None, &[("A1", 2)])));
    let mut t = tracker_from(events, TODAY);
    t.allocate("ana", None, &req(2, Strategy::Fifo)).unwrap();
    t.execute(
        "ana",
        None,
        &Command::Pick(Pick {
            order: order("SO1"),
            item: ItemRef::lot("MILK", "L1").unwrap(),
            quantity: q(2),
        }),
    )
    .unwrap();
    t.execute(
        "ana",
        None,
        &Command::Ship(Ship {
            shipment: ShipmentId::new("SH1").unwrap(),
            order: order("SO1"),
            customer: PartyId::new("C1").unwrap(),
            shipped_on: None,
            override_expiry: false,
        }),
    )
    .unwrap();
    let l1 = || t.state().lot(&pid("MILK"), &lotn("L1")).unwrap().clone();
    assert!(!l1().active);
    assert_eq!(t.state().allocation_index().indexed_lots(), 0);
    let mut t = t;
    t.execute(
        "ana",
        None,
        &Command::Return(Return {
            rma: ReturnId::new("RMA1").unwrap(),
            customer: PartyId::new("C1").unwrap(),
            item: ItemRef::lot("MILK", "L1").unwrap(),
            location: loc("A1"),
            quantity: q(1),
            release: false,
        }),
    )
    .unwrap();
    assert!(t.state().lot(&pid("MILK"), &lotn("L1")).unwrap().active);
    // An explicitly inactivated lot is not reactivated by stock coming back.
    t.execute(
        "ana",
        Some("blocked"),
        &Command::SetLotsActive(SetLotsActive {
            lots: vec![LotKey::new("MILK", "L1").unwrap()],
            active: false,
        }),
    )
    .unwrap();
    t.execute(
        "ana",
        Some("count"),
        &Command::Adjust(Adjust {
            product: pid("MILK"),
            lot: lotn("L1"),
            location: loc("A1"),
            delta: q(1),
        }),
    )
    .unwrap();
    assert!(!t.state().lot(&pid("MILK"), &lotn("L1")).unwrap().active);
    assert_eq!(
        t.allocate("ana", None, &req(1, Strategy::Fifo))
            .unwrap_err()
            .kind(),
        ErrorKind::InsufficientStock
    );
}

#[test]
fn replay_rebuilds_the_same_index() {
    let mut t = fefo_fixture();
    t.allocate("ana", None, &req(7, Strategy::Fefo)).unwrap();
    let events: Vec<EventPayload> = t
        .events(0)
        .unwrap()
        .into_iter()
        .map(|e| e.body.payload)
        .collect();
    let replayed = tracker_from(events, TODAY);
    assert_eq!(replayed.state(), t.state());
}

// ---------------------------------------------------------------- invariants

#[derive(Clone, Debug)]
struct GenLot {
    received: u32,
    expiry: Option<u32>,
    removal: Option<u32>,
    quality: u8,
    active: bool,
    hold: bool,
    a1: i64,
    a2: i64,
    reserved_a1: i64,
}

fn gen_lot() -> impl proptest::strategy::Strategy<Value = GenLot> {
    (
        0u32..20,
        proptest::option::of(0u32..40),
        proptest::option::of(0u32..40),
        0u8..6,
        proptest::bool::weighted(0.85),
        proptest::bool::weighted(0.15),
        0i64..6,
        0i64..6,
        0i64..3,
    )
        .prop_map(
            |(received, expiry, removal, quality, active, hold, a1, a2, reserved_a1)| GenLot {
                received,
                expiry,
                removal,
                quality,
                active,
                hold,
                a1,
                a2,
                reserved_a1,
            },
        )
}

fn day(n: u32) -> chrono::NaiveDate {
    d("2026-01-01") + chrono::Days::new(u64::from(n))
}

fn build(lots: &[GenLot]) -> Tracker {
    let mut events = master_data();
    for (i, g) in lots.iter().enumerate() {
        let stock: Vec<(&str, i64)> = [("A1", g.a1), ("A2", g.a2)]
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .collect();
        if stock.is_empty() {
            continue;
        }
        let mut l = lot(&format!("L{:02}", i % 7), "2026-01-01", None, &stock);
        l.number = lotn(&format!("L{i:02}-{}", i % 3));
        l.received_on = day(g.received);
        l.manufactured_on = Some(day(0));
        l.dates.expiry = g.expiry.map(|e| day(g.received + e));
        l.dates.removal = g.removal.map(|e| day(g.received + e));
        l.quality = match g.quality {
            0 => QualityStatus::Quarantine,
            1 => QualityStatus::Rejected,
            _ => QualityStatus::Released,
        };
        l.active = g.active;
        l.on_hold = g.hold;
        let number = l.number.clone();
        events.push(received(l));
        let reserve = g.reserved_a1.min(g.a1);
        if reserve > 0 {
            events.push(EventPayload::Allocated {
                order: order("OTHER"),
                line: Line {
                    item: ItemRef::Lot {
                        product: pid("MILK"),
                        lot: number,
                    },
                    location: loc("A1"),
                    quantity: q(reserve),
                },
            });
        }
    }
    tracker_from(events, "2026-01-15")
}

fn any_strategy() -> impl proptest::strategy::Strategy<Value = Strategy> {
    prop_oneof![
        Just(Strategy::Fefo),
        Just(Strategy::Fifo),
        Just(Strategy::Lifo)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn allocation_invariants(
        lots in proptest::collection::vec(gen_lot(), 0..14),
        wanted in 1i64..40,
        strategy in any_strategy(),
        ship in 10u32..40,
        min_pct in proptest::option::of(0i64..100),
        only_a2 in proptest::bool::weighted(0.3),
        partial in any::<bool>(),
    ) {
        let mut t = build(&lots);
        let ship_date = day(ship);
        let mut r = AllocationRequest::new(pid("MILK"), q(wanted), order("SO1"), strategy);
        r.ship_date = Some(ship_date);
        r.min_remaining_shelf_life_pct = min_pct.map(|p| Quantity::try_from(p).unwrap());
        r.partial = partial;
        if only_a2 { r.locations = Some(vec![loc("A2")]); }
        let before = t.state().clone();
        let naive = plan_naive(&before, d("2026-01-15"), &r);
        match t.allocate("ana", None, &r) {
            Ok(a) => {
                prop_assert_eq!(Ok(&a), naive.as_ref());
                prop_assert!(a.allocated <= q(wanted));
                prop_assert_eq!(a.allocated + a.shortfall, q(wanted));
                for l in &a.lines {
                    let ItemRef::Lot { lot, .. } = &l.item else { unreachable!() };
                    let old = before.lot(&pid("MILK"), lot).unwrap();
                    // never an ineligible lot or location
                    prop_assert_eq!(ineligibility(old, ship_date, r.min_remaining_shelf_life_pct), None);
                    if only_a2 { prop_assert_eq!(l.location.as_str(), "A2"); }
                    // never more than was available there
                    let avail = old.stock_at(&l.location).unwrap().available();
                    prop_assert!(l.quantity > Quantity::ZERO && l.quantity <= avail);
                    let now = t.state().lot(&pid("MILK"), lot).unwrap();
                    let s = now.stock_at(&l.location).unwrap();
                    prop_assert!(s.reserved <= s.on_hand);
                }
                // the lots taken are a prefix of the eligible lots in strategy order
                let mut eligible: Vec<&Lot> = before.lots().iter().filter(|l| {
                    ineligibility(l, ship_date, r.min_remaining_shelf_life_pct).is_none()
                        && l.stock.iter().any(|s| s.available() > Quantity::ZERO
                            && (!only_a2 || s.location.as_str() == "A2"))
                }).collect();
                let key = |l: &Lot| match strategy {
                    Strategy::Fefo => {
                        let k = l.dates.removal.or(l.dates.expiry);
                        (k.is_none(), k.unwrap_or(chrono::NaiveDate::MAX), l.number.clone())
                    }
                    Strategy::Fifo => (false, l.received_on, l.number.clone()),
                    Strategy::Lifo => (false, chrono::NaiveDate::MAX - chrono::Days::new(
                        (l.received_on - d("2000-01-01")).num_days() as u64), l.number.clone()),
                };
                eligible.sort_by_key(|l| key(l));
                let mut lots_taken: Vec<LotNumber> = Vec::new();
                for l in &a.lines {
                    let ItemRef::Lot { lot, .. } = &l.item else { unreachable!() };
                    if lots_taken.last() != Some(lot) { lots_taken.push(lot.clone()); }
                }
                let prefix: Vec<LotNumber> = eligible.iter().take(lots_taken.len())
                    .map(|l| l.number.clone()).collect();
                prop_assert_eq!(lots_taken, prefix);
                // when not everything was taken, the request was satisfied
                if a.shortfall > Quantity::ZERO {
                    prop_assert!(partial);
                }
            }
            Err(e) => {
                prop_assert_eq!(Err(e.clone()), naive);
                prop_assert_eq!(e.kind(), ErrorKind::InsufficientStock);
                prop_assert_eq!(t.state(), &before);
            }
        }
    }
}
