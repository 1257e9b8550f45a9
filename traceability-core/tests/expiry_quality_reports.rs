//! Expiry and shelf life, bulk lot updates, quality records, lookups and reports.

mod scenario;
mod stockroom;

use stockroom::*;
use traceability_core::query::expiry::{
    expiring_lots, expiry_report, lot_inventory_by_expiry, shelf_life_remaining_pct, ExpiryBucket,
    ExpiryWindow,
};
use traceability_core::query::quality::certificate_of_analysis;
use traceability_core::query::reports::{
    find_serials, lot_inventory_by_location, serial_inventory_by_location, SerialQuery,
};
use traceability_core::*;

fn fixture() -> Tracker {
    let mut events = master_data();
    for (n, expiry, qty) in [
        ("X0", Some("2026-01-05"), 1),
        ("X1", Some("2026-01-20"), 2),
        ("X2", Some("2026-03-01"), 3),
        ("X3", Some("2026-05-01"), 4),
        ("X4", Some("2027-06-01"), 5),
        ("X5", None, 6),
    ] {
        events.push(received(lot(n, "2026-01-01", expiry, &[("A1", qty)])));
    }
    tracker_from(events, TODAY)
}

#[test]
fn shelf_life_percentage_is_clamped() {
    let mut l = lot("L", "2026-01-01", Some("2026-01-11"), &[]);
    assert_eq!(shelf_life_remaining_pct(&l, d("2026-01-01")), Some(q(100)));
    assert_eq!(shelf_life_remaining_pct(&l, d("2026-01-04")), Some(q(70)));
    assert_eq!(shelf_life_remaining_pct(&l, d("2025-12-01")), Some(q(100)));
    assert_eq!(shelf_life_remaining_pct(&l, d("2026-02-01")), Some(q(0)));
    l.manufactured_on = Some(d("2025-12-31")); // 11 days of shelf life, 7 left
    assert_eq!(
        shelf_life_remaining_pct(&l, d("2026-01-04")),
        Some("63.64".parse().unwrap())
    );
    l.dates.expiry = None;
    assert_eq!(shelf_life_remaining_pct(&l, d("2026-01-04")), None);
}

#[test]
fn expiring_lots_and_buckets() {
    let t = fixture();
    let within = expiring_lots(t.state(), d(TODAY), ExpiryWindow::Days(30), None);
    let names: Vec<_> = within.iter().map(|r| r.lot.to_string()).collect();
    assert_eq!(names, ["X0", "X1"]);
    assert_eq!(within[0].days_to_expiry, Some(-5));
    // MILK warns 15 days ahead: X1 (10 days) and the expired X0.
    let warned = expiring_lots(t.state(), d(TODAY), ExpiryWindow::ProductWarning, None);
    assert_eq!(warned.len(), 2);
    let warned = expiring_lots(
        t.state(),
        d("2025-12-01"),
        ExpiryWindow::ProductWarning,
        None,
    );
    assert!(warned.is_empty());

    let report = expiry_report(t.state(), d(TODAY), None);
    let counts: Vec<_> = report
        .buckets
        .iter()
        .map(|b| (b.bucket, b.lots, b.on_hand))
        .collect();
    assert_eq!(
        counts,
        vec![
            (ExpiryBucket::Expired, 1, q(1)),
            (ExpiryBucket::Within30, 1, q(2)),
            (ExpiryBucket::Within60, 1, q(3)),
            (ExpiryBucket::Within90, 0, q(0)),
            (ExpiryBucket::Within180, 1, q(4)),
            (ExpiryBucket::Within365, 0, q(0)),
            (ExpiryBucket::Later, 1, q(5)),
            (ExpiryBucket::NoExpiry, 1, q(6)),
        ]
    );
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["buckets"][0]["bucket"], "expired");
    let by_expiry = lot_inventory_by_expiry(t.state(), d(TODAY), None);
    assert_eq!(by_expiry.last().unwrap().lot.as_str(), "X5");
}

#[test]
fn bulk_expiry_update_is_atomic_and_reorders_fefo() {
    let mut t = fixture();
    let change =
        |lot: &str, date: &str| LotDatesChange::expiry(LotKey::new("MILK", lot).unwrap(), d(date));
    let cmd = |changes| Command::UpdateLotDates(UpdateLotDates { changes });
    let before = t.head();
    // No reason.
    let e = t
        .execute("ana", None, &cmd(vec![change("X4", "2026-01-15")]))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    // One unknown lot: nothing changes.
    let e = t
        .execute(
            "ana",
            Some("supplier extension"),
            &cmd(vec![
                change("X4", "2026-01-15"),
                change("NOPE", "2026-01-15"),
            ]),
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnknownLot);
    // Duplicate lot.
    let e = t
        .execute(
            "ana",
            Some("x"),
            &cmd(vec![change("X4", "2026-01-15"), change("X4", "2026-01-16")]),
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DuplicateNumber);
    assert_eq!(t.head(), before);

    t.execute(
        "ana",
        Some("retest"),
        &cmd(vec![change("X4", "2026-01-15"), change("X1", "2026-12-31")]),
    )
    .unwrap();
    let x4 = t.state().lot(&pid("MILK"), &lotn("X4")).unwrap();
    assert_eq!(x4.dates.expiry, Some(d("2026-01-15")));
    // FEFO now takes X4 (01-15) first; X0 is expired.
    let a = t
        .allocate(
            "ana",
            None,
            &AllocationRequest::new(pid("MILK"), q(1), order("SO1"), Strategy::Fefo),
        )
        .unwrap();
    assert_eq!(a.lines[0].item, ItemRef::lot("MILK", "X4").unwrap());
}

#[test]
fn bulk_status_change() {
    let mut t = fixture();
    let lots = vec![
        LotKey::new("MILK", "X2").unwrap(),
        LotKey::new("MILK", "X3").unwrap(),
    ];
    let cmd = Command::SetLotsActive(SetLotsActive {
        lots: lots.clone(),
        active: false,
    });
    assert_eq!(
        t.execute("ana", None, &cmd).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    let c = t.execute("ana", Some("damaged pallet"), &cmd).unwrap();
    assert_eq!(c.count, 2);
    assert!(!t.state().lot(&pid("MILK"), &lotn("X3")).unwrap().active);
    let e = t
        .execute(
            "ana",
            Some("x"),
            &Command::SetLotsActive(SetLotsActive {
                lots: vec![],
                active: true,
            }),
        )
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
}

#[test]
fn quality_tests_certificates_and_decisions() {
    let mut t = fixture();
    let key = LotKey::new("MILK", "X2").unwrap();
    let test = |value: &str| {
        Command::RecordTestResult(RecordTestResult {
            lot: key.clone(),
            test: "fat".into(),
            value: value.parse().unwrap(),
            unit: "%".into(),
            spec_min: Some("3.0".parse().unwrap()),
            spec_max: Some("3.8".parse().unwrap()),
            tested_on: None,
        })
    };
    let set = |status| {
        Command::SetQualityStatus(SetQualityStatus {
            lot: key.clone(),
            status,
        })
    };
    t.execute("qa", Some("sampling"), &set(QualityStatus::Quarantine))
        .unwrap();
    t.execute("qa", None, &test("4.1")).unwrap();
    let e = t
        .execute("qa", Some("ok"), &set(QualityStatus::Released))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotUsable);
    assert_eq!(
        t.execute("qa", None, &set(QualityStatus::Rejected))
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidInput
    );
    t.execute("qa", None, &test("3.5")).unwrap();
    let sha = "AB".repeat(32);
    t.execute(
        "qa",
        None,
        &Command::LinkCertificate(LinkCertificate {
            lot: key.clone(),
            document: "coa/X2.pdf".into(),
            sha256: sha.clone(),
        }),
    )
    .unwrap();
    assert_eq!(
        t.execute(
            "qa",
            None,
            &Command::LinkCertificate(LinkCertificate {
                lot: key.clone(),
                document: "x".into(),
                sha256: "xyz".into(),
            }),
        )
        .unwrap_err()
        .kind(),
        ErrorKind::InvalidInput
    );
    t.execute("qa", Some("retest passed"), &set(QualityStatus::Released))
        .unwrap();
    let coa = certificate_of_analysis(t.state(), &pid("MILK"), &lotn("X2")).unwrap();
    assert_eq!(coa.tests.len(), 2);
    assert!(!coa.tests[0].passed && coa.tests[1].passed);
    assert!(coa.all_tests_passed);
    assert_eq!(coa.quality, QualityStatus::Released);
    assert_eq!(coa.decisions.len(), 2);
    assert_eq!(coa.decisions[1].reason, "retest passed");
    let json: serde_json::Value = serde_json::from_str(&coa.to_json()).unwrap();
    assert_eq!(json["certificates"][0]["sha256"], sha.to_lowercase());
    assert_eq!(json["lot"], "X2");
    // The history shows the decisions.
    let actions: Vec<_> = t
        .lot_movements(&pid("MILK"), &lotn("X2"))
        .unwrap()
        .iter()
        .map(|m| m.action)
        .collect();
    assert_eq!(
        actions,
        [
            "received",
            "quality_set",
            "test_recorded",
            "test_recorded",
            "certificate_linked",
            "quality_set"
        ]
    );
}

#[test]
fn serial_lookup_history_and_inventory_by_location() {
    let mut events = master_data();
    events.push(EventPayload::SerialsReceived {
        product: pid("PUMP"),
        serials: ["PX-100", "PX-101", "QZ-7"]
            .iter()
            .map(|s| SerialNumber::new(s).unwrap())
            .collect(),
        location: loc("A1"),
        supplier: None,
        reference: Some("ASN-9".into()),
        received_on: None,
    });
    events.push(received(lot(
        "L1",
        "2026-01-01",
        None,
        &[("A2", 4), ("A1", 1)],
    )));
    let mut t = tracker_from(events, TODAY);
    t.execute(
        "ana",
        None,
        &Command::Move(Move {
            item: ItemRef::serial("PUMP", "PX-101").unwrap(),
            from: loc("A1"),
            to: loc("A2"),
            quantity: q(1),
            override_expiry: false,
        }),
    )
    .unwrap();
    t.allocate(
        "ana",
        None,
        &AllocationRequest::new(pid("PUMP"), q(1), order("SO1"), Strategy::Fifo),
    )
    .unwrap();
    t.execute(
        "ana",
        None,
        &Command::Pick(Pick {
            order: order("SO1"),
            item: ItemRef::serial("PUMP", "PX-101").unwrap(),
            quantity: q(1),
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

    let found = find_serials(t.state(), &SerialQuery::text("px-1"));
    let names: Vec<_> = found.iter().map(|s| s.serial.to_string()).collect();
    assert_eq!(names, ["PX-100", "PX-101"]);
    let found = find_serials(
        t.state(),
        &SerialQuery {
            number: Some("px".into()),
            product: Some(pid("PUMP")),
            status: Some(SerialStatus::Shipped),
        },
    );
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].serial.as_str(), "PX-101");
    let exact = find_serials(t.state(), &SerialQuery::text("QZ-7"));
    assert!(exact[0].exact);

    let history = t
        .serial_history(&pid("PUMP"), &SerialNumber::new("PX-101").unwrap())
        .unwrap();
    let steps: Vec<_> = history
        .iter()
        .map(|m| {
            (
                m.action,
                m.from.as_ref().map(|l| l.to_string()),
                m.to.as_ref().map(|l| l.to_string()),
            )
        })
        .collect();
    assert_eq!(
        steps,
        vec![
            ("received", None, Some("A1".into())),
            ("moved", Some("A1".into()), Some("A2".into())),
            ("allocated", Some("A2".into()), None),
            ("picked", Some("A2".into()), None),
            ("shipped", Some("A2".into()), None),
        ]
    );
    assert_eq!(history[4].party.as_ref().unwrap().as_str(), "C1");
    assert_eq!(history[0].reference.as_deref(), Some("ASN-9"));

    let lots = lot_inventory_by_location(t.state(), None, None);
    let rows: Vec<_> = lots
        .iter()
        .map(|r| (r.location.to_string(), r.lot.to_string(), r.on_hand))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("A1".into(), "L1".into(), q(1)),
            ("A2".into(), "L1".into(), q(4))
        ]
    );
    let serials = serial_inventory_by_location(t.state(), Some(&loc("A1")), None);
    assert_eq!(serials.len(), 2);
    assert!(serde_json::to_string(&serials).unwrap().contains("PX-100"));
}
