//! Hostile but plausible input (issue 9): every case gets a typed error, changes
//! nothing, never panics, and never leaves a log that cannot be reopened. A property
//! test drives random commands built from absurd JSON values through decoding and
//! execution and checks that refusals change nothing and the log replays to the same
//! state.

mod common;

use std::sync::Arc;

use common::*;
use proptest::prelude::*;
use proptest::strategy::Strategy;
use traceability_core::store::{EventStore, MemoryStore, SqliteStore};
use traceability_core::*;

fn kind_of(result: Result<Committed, TraceError>) -> ErrorKind {
    result.expect_err("must be refused").kind()
}

/// Asserts `err` is an `InvalidInput` naming `field`.
fn assert_invalid(err: &TraceError, field: &str) {
    assert!(
        matches!(err, TraceError::InvalidInput { field: f, .. } if *f == field),
        "expected invalid {field}, got {err}"
    );
}

fn command(json: &str) -> Result<Command, serde_json::Error> {
    serde_json::from_str(json)
}

fn receive(
    plant: &mut Plant,
    product: &str,
    number: &str,
    quantity: &str,
) -> Result<Committed, TraceError> {
    plant.receive_lot(product, number, quantity, "DOCK")
}

#[test]
fn the_largest_decimal_is_refused_and_an_overflowing_adjust_stores_nothing() {
    assert!("79228162514264337593543950335".parse::<Quantity>().is_err());
    let json = r#"{"receive_lot":{"spec":{"product":"FLOUR","lot":"HUGE","manufactured_on":null,
        "dates":{"expiry":null,"best_before":null,"removal":null,"alert":null},"weight":null,
        "description":"","supplier_lot":null,"attributes":{}},
        "quantity":"79228162514264337593543950335","location":"DOCK","supplier":null,
        "received_on":null,"reference":null}}"#;
    assert!(command(json).unwrap_err().to_string().contains("10^15"));

    let path = std::env::temp_dir().join(format!("tr-hostile-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let mut plant = Plant::on(Tracker::open(&path).unwrap());
    receive(&mut plant, "FLOUR", "BIG", "999999999999999").unwrap();
    receive(&mut plant, "FLOUR", "BIG2", "999999999999999.999999999").unwrap();
    let err = plant.reject(Command::Adjust(Adjust {
        product: pid("FLOUR"),
        lot: LotNumber::new("BIG").unwrap(),
        location: loc("DOCK"),
        delta: Quantity::ONE,
    }));
    assert_eq!(err.kind(), ErrorKind::InvalidQuantity);
    // Reports over the largest lots add up without overflow.
    let report = query::expiry::expiry_report(plant.tracker.state(), date(TODAY), None);
    let total: Quantity = report.buckets.iter().map(|b| b.on_hand).sum();
    assert_eq!(total.to_string(), "1999999999999998.999999999");
    let state = plant.tracker.state().clone();
    drop(plant);
    let reopened = Tracker::open(&path).unwrap();
    assert_eq!(reopened.state(), &state);
    let _ = std::fs::remove_file(&path);
}

#[test]
fn huge_shelf_lives_are_refused_before_anything_is_stored() {
    let mut plant = Plant::new();
    let mut product = Product::new(pid("CHEESE"), Tracking::Lot);
    product.shelf_life_days = Some(u32::MAX);
    assert_eq!(
        plant
            .reject(Command::RegisterProduct(product.clone()))
            .kind(),
        ErrorKind::InvalidInput
    );
    // Within the offset limit, but the expiry would land after year 9999.
    product.shelf_life_days = Some(3_000_000);
    plant.run(Command::RegisterProduct(product)).unwrap();
    let mut spec = LotSpec::new(pid("CHEESE"), LotNumber::new("C1").unwrap());
    spec.manufactured_on = Some(date("2026-01-01"));
    let err = plant.reject(Command::ReceiveLot(ReceiveLot {
        spec,
        quantity: qty("1"),
        location: loc("DOCK"),
        supplier: None,
        received_on: None,
        reference: None,
    }));
    assert_invalid(&err, "expiry");
}

#[test]
fn identifiers_with_control_characters_or_over_128_characters_are_refused() {
    let megabyte = "x".repeat(1 << 20);
    for bad in [
        "A\0B",
        "A\nB",
        "A\tB",
        "\u{7f}",
        "",
        "   ",
        &megabyte,
        &"y".repeat(129),
    ] {
        assert_eq!(LotNumber::new(bad).unwrap_err().field, "lot", "{bad:?}");
        let json = serde_json::to_string(bad).unwrap();
        assert!(serde_json::from_str::<ProductId>(&json).is_err(), "{bad:?}");
    }
    assert!(LotNumber::new(" L-1 ").is_ok());
    assert_eq!(LotNumber::new("z".repeat(128)).unwrap().as_str().len(), 128);
    let mut plant = Plant::new();
    let before = plant.tracker.head();
    let err = plant
        .tracker
        .execute(
            "ana\0",
            None,
            &Command::RegisterParty(Party {
                id: PartyId::new("P9").unwrap(),
                role: PartyRole::Customer,
                name: String::new(),
                gln: None,
            }),
        )
        .unwrap_err();
    assert_invalid(&err, "actor");
    assert_eq!(plant.tracker.head(), before);
}

#[test]
fn quantities_are_refused_not_rounded() {
    for bad in [
        "1.0000000000000000000000000001",
        "0.00000000000000000000000000001",
        "0.0000000001",
    ] {
        let err = bad.parse::<Quantity>().unwrap_err();
        assert_invalid(&err.into(), "quantity");
    }
    let mut plant = Plant::new();
    receive(&mut plant, "SUGAR", "S1", "0.1").unwrap();
    plant
        .run(Command::Adjust(Adjust {
            product: pid("SUGAR"),
            lot: LotNumber::new("S1").unwrap(),
            location: loc("DOCK"),
            delta: qty("0.000000002"),
        }))
        .unwrap();
    assert_eq!(plant.on_hand("SUGAR", "S1").to_string(), "0.100000002");
}

fn receipt(spec: LotSpec, received_on: &str) -> Command {
    Command::ReceiveLot(ReceiveLot {
        spec,
        quantity: qty("10"),
        location: loc("DOCK"),
        supplier: None,
        received_on: Some(date(received_on)),
        reference: None,
    })
}

#[test]
fn dates_out_of_order_and_negative_weights_are_refused() {
    let mut plant = Plant::new();
    let spec = |n: &str| LotSpec::new(pid("SUGAR"), LotNumber::new(n).unwrap());

    let mut made_later = spec("D1");
    made_later.manufactured_on = Some(date("2026-02-10"));
    let err = plant.reject(receipt(made_later, "2026-02-01"));
    assert_invalid(&err, "received_on");

    for field in ["alert", "removal", "best_before"] {
        let mut late = spec("D2");
        late.dates.expiry = Some(date("2026-06-01"));
        let after = Some(date("2026-06-02"));
        match field {
            "alert" => late.dates.alert = after,
            "removal" => late.dates.removal = after,
            _ => late.dates.best_before = after,
        }
        let err = plant.reject(receipt(late, "2026-02-01"));
        assert_invalid(&err, field);
    }

    let mut heavy = spec("D3");
    heavy.weight = Some(qty("-1"));
    let err = plant.reject(receipt(heavy, "2026-02-01"));
    assert_invalid(&err, "weight");

    plant.run(receipt(spec("D4"), "2026-02-20")).unwrap();
    plant.allocate("SO1", lot("SUGAR", "D4"), "4").unwrap();
    plant.pick("SO1", lot("SUGAR", "D4"), "4").unwrap();
    let err = plant.reject(Command::Ship(Ship {
        shipment: ShipmentId::new("SH1").unwrap(),
        order: order("SO1"),
        customer: PartyId::new("SHOP").unwrap(),
        shipped_on: Some(date("2026-02-19")),
        override_expiry: false,
    }));
    assert_invalid(&err, "shipped_on");

    let err = plant.reject(Command::Produce(Produce {
        work_order: WorkOrderId::new("WO1").unwrap(),
        consumed: vec![Line {
            item: lot("SUGAR", "D4"),
            location: loc("DOCK"),
            quantity: qty("1"),
        }],
        outputs: vec![Output::NewLot {
            spec: LotSpec::new(pid("BREAD"), LotNumber::new("B1").unwrap()),
            quantity: qty("1"),
            location: loc("STOCK"),
        }],
        produced_on: Some(date("2026-02-01")),
        override_expiry: false,
    }));
    assert_invalid(&err, "produced_on");

    let err = plant.reject(receipt(spec("D5"), "+10000-01-01"));
    assert_invalid(&err, "received_on");
}

/// A log whose chain is intact but whose event refers to a lot that never existed:
/// opening names the event; salvage opens the history before it, read-only.
#[test]
fn an_unreplayable_log_is_reported_and_can_be_salvaged_read_only() {
    let mut plant = Plant::new();
    receive(&mut plant, "SUGAR", "S1", "5").unwrap();
    let mut records = plant.tracker.stored_events(0).unwrap();
    let good = records.len() as u64;
    let (_, head) = plant.tracker.head();
    let forged = event::EventBody {
        recorded_at: plant.tracker.now(),
        ..EventBody::new(
            "mallory",
            None,
            EventPayload::Adjusted {
                line: Line {
                    item: lot("SUGAR", "NOPE"),
                    location: loc("DOCK"),
                    quantity: qty("1"),
                },
            },
        )
    };
    records.push(event::StoredEvent::seal(good, &forged, head));
    let clock = plant.clock.clone();

    let store = || Box::new(MemoryStore::from_records(records.clone()));
    let err = Tracker::with_store(store(), clock.clone())
        .err()
        .expect("refused");
    assert!(
        matches!(err, TraceError::Unreplayable { seq, .. } if seq == good),
        "{err}"
    );

    let options = OpenOptions {
        verify: true,
        salvage: true,
        ..OpenOptions::default()
    };
    let mut salvaged = Tracker::with_store_options(store(), clock, options).unwrap();
    assert_eq!(salvaged.state(), plant.tracker.state());
    assert_eq!(
        salvaged.damage().and_then(TraceError::bad_event),
        Some(good)
    );
    let refused = salvaged.execute(
        "ana",
        Some("count"),
        &Command::Adjust(Adjust {
            product: pid("SUGAR"),
            lot: LotNumber::new("S1").unwrap(),
            location: loc("DOCK"),
            delta: qty("1"),
        }),
    );
    assert_eq!(kind_of(refused), ErrorKind::ReadOnly);
    assert_eq!(salvaged.history(&lot("SUGAR", "S1")).unwrap().len(), 1);
}

/// A stored body changed in place: opening fails naming it; salvage stops before it;
/// opting out of verification is the trusted path, and `verify` still finds it.
#[test]
fn a_tampered_sqlite_log_is_refused_salvaged_or_trusted_on_request() {
    let path = std::env::temp_dir().join(format!("tr-salvage-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let mut plant = Plant::on(Tracker::open(&path).unwrap());
    receive(&mut plant, "SUGAR", "S1", "100").unwrap();
    receive(&mut plant, "SUGAR", "S2", "7").unwrap();
    let forged_seq = plant.tracker.head().0 - 2;
    let before_forgery = {
        let mut prefix = Tracker::with_store(
            Box::new(MemoryStore::from_records(
                plant.tracker.stored_events(0).unwrap()[..forged_seq as usize].to_vec(),
            )),
            plant.clock.clone(),
        )
        .unwrap();
        prefix.refresh().unwrap();
        prefix.state().clone()
    };
    drop(plant);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        &format!(
            "UPDATE events SET body = {} WHERE seq = ?1",
            sql_edit_string("100", "900")
        ),
        [forged_seq],
    )
    .unwrap();
    drop(conn);

    let err = Tracker::open(&path).err().expect("refused");
    assert!(
        matches!(err, TraceError::Tampered { seq, damage: Damage::BodyAltered, .. } if seq == forged_seq),
        "{err}"
    );
    let salvaged = Tracker::open_with(
        &path,
        OpenOptions {
            verify: true,
            salvage: true,
            ..OpenOptions::default()
        },
    )
    .unwrap();
    assert_eq!(salvaged.state(), &before_forgery);
    let trusted = Tracker::open_with(
        &path,
        OpenOptions {
            verify: false,
            salvage: false,
            ..OpenOptions::default()
        },
    )
    .unwrap();
    assert_eq!(trusted.verify().unwrap_err().bad_event(), Some(forged_seq));
    let _ = std::fs::remove_file(&path);
}

const IDS: &[&str] = &[
    "\"FLOUR\"",
    "\"PUMP\"",
    "\"L1\"",
    "\"DOCK\"",
    "\"SHOP\"",
    "\"\"",
    "\"A\\u0000B\"",
    "\"A\\nB\"",
    "\"A\\tB\"",
    "7",
];
const QUANTITIES: &[&str] = &[
    "\"1\"",
    "\"0\"",
    "\"-1\"",
    "\"0.000000001\"",
    "\"999999999999999.999999999\"",
    "\"1000000000000000\"",
    "\"79228162514264337593543950335\"",
    "\"1.0000000000000000000000000001\"",
    "\"1e-30\"",
    "\"abc\"",
    "3",
    "1.5",
];
const DATES: &[&str] = &[
    "\"2026-03-01\"",
    "\"0001-01-01\"",
    "\"9999-12-31\"",
    "\"+10000-01-01\"",
    "\"0000-06-01\"",
    "\"2026-02-30\"",
    "null",
];
const DAYS: &[&str] = &["0", "365", "3652059", "3652060", "4294967295", "-1"];

/// The state keeps event numbers in its histories as `u32`: an event numbered beyond
/// that is refused before anything changes, not truncated into the wrong history.
#[test]
fn an_event_numbered_beyond_32_bits_is_refused_by_the_state_and_changes_nothing() {
    let mut state = State::default();
    let milk = Product::new(ProductId::new("MILK").unwrap(), Tracking::Lot);
    let body = |payload| event::EventBody::new("ana", None, payload);
    let registered = body(EventPayload::ProductRegistered(milk.clone()));
    state.apply(u64::from(u32::MAX), &registered).unwrap();
    let before = state.clone();
    let updated = body(EventPayload::ProductUpdated(milk));
    let error = state.apply(u64::from(u32::MAX) + 1, &updated).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Storage, "{error}");
    assert!(error.to_string().contains("32-bit"), "{error}");
    assert_eq!(state, before);
}

fn pick(values: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
    prop::sample::select(values)
}

/// One command as JSON, with fields drawn from valid and absurd values.
fn hostile_command() -> impl Strategy<Value = String> {
    let spec = (pick(IDS), pick(IDS), pick(DATES), pick(DATES), pick(DATES), pick(QUANTITIES)).prop_map(
        |(product, lot, made, expiry, alert, weight)| format!(
            r#"{{"product":{product},"lot":{lot},"manufactured_on":{made},"dates":{{"expiry":{expiry},"best_before":null,"removal":null,"alert":{alert}}},"weight":{weight},"description":"","supplier_lot":null,"attributes":{{}}}}"#
        ),
    );
    prop_oneof![
        (pick(IDS), pick(DAYS), pick(DAYS)).prop_map(|(id, shelf, alert)| format!(
            r#"{{"register_product":{{"id":{id},"description":"","tracking":"lot","unit":"kg","shelf_life_days":{shelf},"best_before_days":null,"removal_days":null,"alert_days":{alert},"expiry_warning_days":null,"requires_inspection":false,"numbering_pattern":null}}}}"#
        )),
        (spec, pick(QUANTITIES), pick(IDS), pick(DATES)).prop_map(|(spec, q, at, on)| format!(
            r#"{{"receive_lot":{{"spec":{spec},"quantity":{q},"location":{at},"supplier":null,"received_on":{on},"reference":null}}}}"#
        )),
        (pick(IDS), pick(QUANTITIES)).prop_map(|(lot, delta)| format!(
            r#"{{"adjust":{{"product":"FLOUR","lot":{lot},"location":"DOCK","delta":{delta}}}}}"#
        )),
        (pick(IDS), pick(QUANTITIES), pick(IDS)).prop_map(|(lot, q, to)| format!(
            r#"{{"move":{{"item":{{"lot":{{"product":"FLOUR","lot":{lot}}}}},"from":"DOCK","to":{to},"quantity":{q},"override_expiry":false}}}}"#
        )),
        (pick(QUANTITIES), pick(IDS)).prop_map(|(q, order)| format!(
            r#"{{"allocate":{{"order":{order},"item":{{"lot":{{"product":"FLOUR","lot":"L1"}}}},"location":null,"quantity":{q}}}}}"#
        )),
        (pick(QUANTITIES), pick(IDS)).prop_map(|(q, order)| format!(
            r#"{{"pick":{{"order":{order},"item":{{"lot":{{"product":"FLOUR","lot":"L1"}}}},"quantity":{q}}}}}"#
        )),
        (pick(IDS), pick(DATES)).prop_map(|(order, on)| format!(
            r#"{{"ship":{{"shipment":"SH1","order":{order},"customer":"SHOP","shipped_on":{on},"override_expiry":false}}}}"#
        )),
        (pick(QUANTITIES), pick(QUANTITIES), pick(DATES)).prop_map(|(used, made, on)| format!(
            r#"{{"produce":{{"work_order":"WO","consumed":[{{"item":{{"lot":{{"product":"FLOUR","lot":"L1"}}}},"location":"DOCK","quantity":{used}}}],"outputs":[{{"into_lot":{{"product":"FLOUR","lot":"L1","quantity":{made},"location":"DOCK"}}}}],"produced_on":{on},"override_expiry":false}}}}"#
        )),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn absurd_commands_never_panic_refusals_change_nothing_and_the_log_replays(
        commands in proptest::collection::vec(hostile_command(), 1..24),
    ) {
        let mut plant = Plant::new();
        receive(&mut plant, "FLOUR", "L1", "50").unwrap();
        for json in &commands {
            let Ok(command) = serde_json::from_str::<Command>(json) else { continue };
            let (before, head) = (plant.tracker.state().clone(), plant.tracker.head());
            if plant.run(command).is_err() {
                prop_assert_eq!(plant.tracker.state(), &before);
                prop_assert_eq!(plant.tracker.head(), head);
            }
        }
        let records = plant.tracker.stored_events(0).unwrap();
        let mut sqlite = SqliteStore::open_in_memory().unwrap();
        sqlite.append(0, &records).unwrap();
        let replayed = Tracker::with_store(Box::new(sqlite), Arc::new(SystemClock)).unwrap();
        prop_assert_eq!(replayed.state(), plant.tracker.state());
    }
}
