//! Numbering schemes: numbers issued from patterns as events, unique, surviving
//! reopening, previewed without issuing, skipping numbers already taken.

mod common;

use common::*;
use traceability_core::*;

/// Registers a lot product with its own pattern, or naming a shared scheme.
fn product(
    plant: &mut Plant,
    id: &str,
    tracking: Tracking,
    pattern: Option<&str>,
    scheme: Option<&str>,
) {
    let mut product = Product::new(pid(id), tracking);
    product.numbering_pattern = pattern.map(str::to_owned);
    product.numbering_scheme = scheme.map(|s| SchemeId::new(s).unwrap());
    plant.run(Command::RegisterProduct(product)).unwrap();
}

/// A receipt of `product` with no lot number, on `on`.
fn unnumbered_receipt(product: &str, on: &str) -> Command {
    Command::ReceiveLot(ReceiveLot {
        spec: LotSpec::unnumbered(pid(product)),
        quantity: qty("10"),
        location: loc("DOCK"),
        supplier: None,
        received_on: Some(date(on)),
        reference: None,
    })
}

fn issued(plant: &Plant, committed: Committed) -> Vec<String> {
    plant
        .tracker
        .issued_numbers(committed)
        .unwrap()
        .into_iter()
        .map(|n| n.number)
        .collect()
}

fn issue(product: &str, count: u32, on: &str) -> Command {
    Command::IssueNumbers(IssueNumbers {
        product: pid(product),
        count,
        date: Some(date(on)),
        location: None,
    })
}

fn scheme(id: &str, pattern: &str) -> Command {
    Command::DefineNumberingScheme(NumberingScheme {
        id: SchemeId::new(id).unwrap(),
        pattern: pattern.into(),
        description: String::new(),
    })
}

#[test]
fn receipts_without_a_number_draw_from_the_products_pattern_and_reset_monthly() {
    let mut plant = Plant::new();
    product(
        &mut plant,
        "API",
        Tracking::Lot,
        Some("{YY}{MM}{SEQ:4:MONTHLY}"),
        None,
    );
    let first = plant.run(unnumbered_receipt("API", "2026-11-30")).unwrap();
    let second = plant.run(unnumbered_receipt("API", "2026-11-30")).unwrap();
    let december = plant.run(unnumbered_receipt("API", "2026-12-01")).unwrap();
    assert_eq!(issued(&plant, first), ["26110001"]);
    assert_eq!(issued(&plant, second), ["26110002"]);
    assert_eq!(issued(&plant, december), ["26120001"]);
    let lot = plant
        .tracker
        .state()
        .lot(&pid("API"), &LotNumber::new("26120001").unwrap())
        .unwrap();
    assert_eq!(lot.on_hand(), qty("10"));
    // The receipt's own history starts with the receipt, not the numbering.
    let history = plant.tracker.history(&lot.item()).unwrap();
    assert_eq!(history[0].body.payload.action(), "received");
}

#[test]
fn a_number_already_taken_is_skipped_and_issued_numbers_are_never_reissued() {
    let mut plant = Plant::new();
    product(&mut plant, "JAM", Tracking::Lot, Some("J{SEQ:3}"), None);
    plant
        .run(receipt("JAM", "J001", "5", "DOCK", None))
        .unwrap();
    let reserved = plant.run(issue("JAM", 2, "2026-03-01")).unwrap();
    assert_eq!(issued(&plant, reserved), ["J002", "J003"]);
    let next = plant.run(unnumbered_receipt("JAM", "2026-03-02")).unwrap();
    assert_eq!(issued(&plant, next), ["J004"]);
    // A number issued ahead of use can be received explicitly, once.
    plant
        .run(receipt("JAM", "J002", "5", "DOCK", None))
        .unwrap();
    let err = plant.reject(receipt("JAM", "J002", "5", "DOCK", None));
    assert_eq!(err.kind(), ErrorKind::DuplicateNumber);
}

#[test]
fn preview_shows_the_next_number_without_issuing_it() {
    let mut plant = Plant::new();
    product(
        &mut plant,
        "MILK",
        Tracking::Lot,
        Some("{Y}{DDD}-{SEQ:3:DAILY}"),
        None,
    );
    let state = plant.tracker.state();
    let preview =
        query::numbering::preview_number(state, &pid("MILK"), date("2026-12-05"), None).unwrap();
    assert_eq!(preview, "6339-001");
    let again =
        query::numbering::preview_number(state, &pid("MILK"), date("2026-12-05"), None).unwrap();
    assert_eq!(again, preview);
    let received = plant.run(unnumbered_receipt("MILK", "2026-12-05")).unwrap();
    assert_eq!(issued(&plant, received), [preview]);
}

#[test]
fn a_shared_scheme_gives_every_product_numbers_from_one_sequence() {
    let mut plant = Plant::new();
    plant
        .run(scheme("PLANT", "{PRODUCT}-{LOCATION}-{SEQ:5}"))
        .unwrap();
    product(&mut plant, "CAKE", Tracking::Lot, None, Some("PLANT"));
    product(&mut plant, "PIE", Tracking::Lot, None, Some("PLANT"));
    let cake = plant.run(unnumbered_receipt("CAKE", "2026-01-01")).unwrap();
    let pie = plant.run(unnumbered_receipt("PIE", "2026-01-01")).unwrap();
    assert_eq!(issued(&plant, cake), ["CAKE-DOCK-00001"]);
    assert_eq!(issued(&plant, pie), ["PIE-DOCK-00002"]);
    let schemes = plant.tracker.state().numbering_schemes();
    assert_eq!(schemes.len(), 1);
    assert_eq!(schemes[0].pattern, "{PRODUCT}-{LOCATION}-{SEQ:5}");
}

#[test]
fn production_and_serial_receipts_number_their_new_items() {
    let mut plant = Plant::new();
    product(&mut plant, "DOUGH", Tracking::Lot, Some("D{SEQ:4}"), None);
    product(
        &mut plant,
        "OVEN",
        Tracking::Serial,
        Some("{YY}{WW}{SEQ:5:YEARLY}{CHECK:GS1}"),
        None,
    );
    plant
        .run(receipt("FLOUR", "F1", "100", "LINE", None))
        .unwrap();
    let made = plant
        .run(Command::Produce(Produce {
            work_order: WorkOrderId::new("WO1").unwrap(),
            consumed: vec![Line {
                item: lot("FLOUR", "F1"),
                location: loc("LINE"),
                quantity: qty("10"),
            }],
            outputs: vec![
                Output::NewLot {
                    spec: LotSpec::unnumbered(pid("DOUGH")),
                    quantity: qty("10"),
                    location: loc("LINE"),
                },
                Output::NewSerial {
                    product: pid("OVEN"),
                    serial: None,
                    location: loc("LINE"),
                },
            ],
            produced_on: Some(date("2026-12-05")),
            override_expiry: false,
        }))
        .unwrap();
    let numbers = issued(&plant, made);
    assert_eq!(numbers.len(), 2);
    assert_eq!(numbers[0], "D0001");
    assert_eq!(&numbers[1][..9], "264900001");
    assert!(kernel::check_digit::gs1_mod10_valid(&numbers[1]));
    let trace = trace_forward(plant.tracker.state(), &lot("FLOUR", "F1")).unwrap();
    assert_eq!(trace.items.len(), 3, "the flour, the dough and the oven");

    let received = plant
        .run(Command::ReceiveSerials(ReceiveSerials {
            product: pid("OVEN"),
            serials: vec![],
            location: loc("DOCK"),
            supplier: None,
            reference: None,
            generate: 3,
            put_away: true,
            received_on: None,
        }))
        .unwrap();
    let serials = issued(&plant, received);
    assert_eq!(serials.len(), 3);
    for number in &serials {
        let serial = plant
            .tracker
            .state()
            .serial(&pid("OVEN"), &SerialNumber::new(number).unwrap())
            .unwrap();
        assert_eq!(serial.status, SerialStatus::InInventory);
    }
}

#[test]
fn bad_schemes_and_requests_are_refused_and_change_nothing() {
    let mut plant = Plant::new();
    let err = plant.reject(scheme("BAD", "LOT-{SEQ:4}-{XYZ}"));
    assert!(
        matches!(&err, TraceError::InvalidInput { field: "pattern", reason } if reason.contains("XYZ")),
        "{err}"
    );
    let mut both = Product::new(pid("BOTH"), Tracking::Lot);
    both.numbering_pattern = Some("{SEQ:2}".into());
    both.numbering_scheme = Some(SchemeId::new("S").unwrap());
    assert_eq!(
        plant.reject(Command::RegisterProduct(both)).kind(),
        ErrorKind::InvalidInput
    );
    let mut unknown = Product::new(pid("UNK"), Tracking::Lot);
    unknown.numbering_scheme = Some(SchemeId::new("NOPE").unwrap());
    assert_eq!(
        plant.reject(Command::RegisterProduct(unknown)).kind(),
        ErrorKind::InvalidInput
    );
    // FLOUR has no scheme: a receipt must name its lot.
    let err = plant.reject(unnumbered_receipt("FLOUR", "2026-01-01"));
    assert!(
        matches!(
            err,
            TraceError::InvalidInput {
                field: "number",
                ..
            }
        ),
        "{err}"
    );
    // A one-digit sequence runs out after 9 numbers, and says so.
    product(&mut plant, "TINY", Tracking::Lot, Some("T{SEQ:1}"), None);
    plant.run(issue("TINY", 9, "2026-01-01")).unwrap();
    let err = plant.reject(issue("TINY", 1, "2026-01-01"));
    assert!(err.to_string().contains("no numbers left"), "{err}");
    assert_eq!(
        plant.reject(issue("TINY", 0, "2026-01-01")).kind(),
        ErrorKind::InvalidInput
    );
}

#[test]
fn sequences_survive_reopening_and_two_writers_never_issue_the_same_number() {
    let path = temp_db("numbering");
    let mut first = Plant::on(Tracker::open(&path).unwrap());
    product(&mut first, "VAC", Tracking::Lot, Some("V{SEQ:4}"), None);
    let a = first.run(unnumbered_receipt("VAC", "2026-02-01")).unwrap();
    let mut second = Plant::on(Tracker::open(&path).unwrap());
    // The second writer is told nothing: its stale append is retried on the new state.
    let b = first.run(unnumbered_receipt("VAC", "2026-02-01")).unwrap();
    let c = second.run(unnumbered_receipt("VAC", "2026-02-01")).unwrap();
    assert_eq!(issued(&first, a), ["V0001"]);
    assert_eq!(issued(&first, b), ["V0002"]);
    assert_eq!(issued(&second, c), ["V0003"]);
    drop((first, second));
    let mut reopened = Plant::on(Tracker::open(&path).unwrap());
    let d = reopened
        .run(unnumbered_receipt("VAC", "2026-02-01"))
        .unwrap();
    assert_eq!(issued(&reopened, d), ["V0004"]);
    let mut replayed = State::default();
    for event in reopened.tracker.events(0).unwrap() {
        replayed.apply(event.seq, &event.body).unwrap();
    }
    assert_eq!(&replayed, reopened.tracker.state());
}

#[test]
fn the_readme_examples_render_as_documented() {
    use traceability_core::kernel::numbering::{NumberFields, Pattern};
    let fields = NumberFields {
        date: date("2026-12-05"),
        product: "CHOC-70",
        location: Some("PLANT2"),
    };
    for (pattern, sequence, number) in [
        ("{Y}{DDD}-{SEQ:3:DAILY}", 1, "6339-001"),
        ("{YY}{MM}{SEQ:4:MONTHLY}", 42, "26120042"),
        ("{YY}{WW}{SEQ:6:YEARLY}{CHECK:GS1}", 123, "26490001235"),
        (
            "SN{YY}{WW}{SEQ:5:YEARLY}{CHECK:MOD97}",
            123,
            "SN26490012318",
        ),
        (
            "{PRODUCT}-{SITE}-{GGGG}{WW}-{SEQ:4}",
            42,
            "CHOC-70-PLANT2-202649-0042",
        ),
    ] {
        let rendered = Pattern::parse(pattern)
            .unwrap()
            .render(&fields, sequence)
            .unwrap();
        assert_eq!(rendered, number, "{pattern}");
    }
}
