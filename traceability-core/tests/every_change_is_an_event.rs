//! Every change of state is an event with who, when and why: lots that run out, stock
//! coming back, holds, releases and recalls — held or not — are in the log.

mod scenario;
mod stockroom;

use scenario::given;
use stockroom::*;
use traceability_core::*;

fn milk(number: &str) -> ItemRef {
    ItemRef::lot("MILK", number).unwrap()
}

fn line(number: &str, location: &str, n: i64) -> Line {
    Line {
        item: milk(number),
        location: loc(location),
        quantity: q(n),
    }
}

/// Master data and lot L1 (10 at A1), L2 (4 at A1) made into L3 by work order WO1.
fn stockroom() -> Vec<EventPayload> {
    let mut events = master_data();
    events.push(received(lot("L1", "2026-01-02", None, &[("A1", 10)])));
    events.push(received(lot("L2", "2026-01-02", None, &[("A1", 4)])));
    events
}

#[test]
fn scrapping_the_last_stock_of_a_lot_records_that_it_ran_out() {
    given(stockroom())
        .when(Command::Scrap(Scrap {
            item: milk("L2"),
            location: loc("A1"),
            quantity: q(4),
        }))
        .then_events(&[
            EventPayload::Scrapped {
                line: line("L2", "A1", 4),
            },
            EventPayload::LotDepleted {
                product: pid("MILK"),
                lot: lotn("L2"),
            },
        ]);
}

#[test]
fn stock_coming_back_to_a_lot_that_ran_out_records_it_is_active_again() {
    let mut events = stockroom();
    events.push(EventPayload::Scrapped {
        line: line("L2", "A1", 4),
    });
    events.push(EventPayload::LotDepleted {
        product: pid("MILK"),
        lot: lotn("L2"),
    });
    let t = given(events)
        .when(Command::Adjust(Adjust {
            product: pid("MILK"),
            lot: lotn("L2"),
            location: loc("A2"),
            delta: q(1),
        }))
        .then_events(&[
            EventPayload::Adjusted {
                line: line("L2", "A2", 1),
            },
            EventPayload::LotRestocked {
                product: pid("MILK"),
                lot: lotn("L2"),
            },
        ]);
    assert!(t.state().lot(&pid("MILK"), &lotn("L2")).unwrap().active);
}

#[test]
fn a_lot_set_inactive_by_hand_stays_inactive_when_stock_comes_back() {
    let mut events = stockroom();
    events.push(EventPayload::LotActiveSet {
        product: pid("MILK"),
        lot: lotn("L2"),
        active: false,
    });
    given(events)
        .when(Command::Adjust(Adjust {
            product: pid("MILK"),
            lot: lotn("L2"),
            location: loc("A1"),
            delta: q(1),
        }))
        .then_events(&[EventPayload::Adjusted {
            line: line("L2", "A1", 1),
        }]);
}

#[test]
fn a_recall_without_hold_is_recorded_with_what_it_affects() {
    let mut events = stockroom();
    events.push(EventPayload::Produced {
        work_order: WorkOrderId::new("WO1").unwrap(),
        produced_on: d("2026-01-05"),
        consumed: vec![line("L1", "A1", 2)],
        outputs: vec![event::Produced::NewLot(lot(
            "L3",
            "2026-01-05",
            None,
            &[("A2", 2)],
        ))],
        override_expiry: false,
    });
    let t = given(events)
        .when(Command::Recall(Recall {
            recall: None,
            suspects: vec![milk("L1")],
            hold: false,
        }))
        .then_events(&[EventPayload::Recalled {
            recall: RecallId::new("RC-000001").unwrap(),
            suspects: vec![milk("L1")],
            affected: vec![milk("L1"), milk("L3")],
            held: vec![],
        }]);
    let record = &t.state().recalls()[0];
    assert_eq!(
        (record.actor.as_str(), record.reason.as_str()),
        ("tester", "test")
    );
    assert!(!t.state().lot(&pid("MILK"), &lotn("L3")).unwrap().on_hold);
    // The recall is in the history of every lot it names, held or not.
    let history = t.movements(&milk("L3")).unwrap();
    assert_eq!(history.last().unwrap().action, "recalled");
}

#[test]
fn a_recall_with_hold_holds_what_is_not_held_yet() {
    let mut events = stockroom();
    events.push(EventPayload::HoldPlaced {
        items: vec![milk("L2")],
    });
    let t = given(events)
        .when(Command::Recall(Recall {
            recall: Some(RecallId::new("R-7").unwrap()),
            suspects: vec![milk("L1"), milk("L2"), milk("L1")],
            hold: true,
        }))
        .then_events(&[EventPayload::Recalled {
            recall: RecallId::new("R-7").unwrap(),
            suspects: vec![milk("L1"), milk("L2")],
            affected: vec![milk("L1"), milk("L2")],
            held: vec![milk("L1")],
        }]);
    assert!(t.state().lot(&pid("MILK"), &lotn("L1")).unwrap().on_hold);
}

#[test]
fn a_recall_needs_a_reason_a_known_suspect_and_a_new_number() {
    let recall = |id: &str, suspect: &str| {
        Command::Recall(Recall {
            recall: Some(RecallId::new(id).unwrap()),
            suspects: vec![milk(suspect)],
            hold: false,
        })
    };
    given(stockroom())
        .without_reason()
        .when(recall("R-1", "L1"))
        .then_error(ErrorKind::InvalidInput);
    given(stockroom())
        .when(recall("R-1", "NOPE"))
        .then_error(ErrorKind::UnknownLot);
    let mut events = stockroom();
    events.push(EventPayload::Recalled {
        recall: RecallId::new("R-1").unwrap(),
        suspects: vec![milk("L1")],
        affected: vec![milk("L1")],
        held: vec![],
    });
    given(events)
        .when(recall("R-1", "L2"))
        .then_error(ErrorKind::DuplicateNumber);
}

#[test]
fn holds_and_releases_are_events_and_refuse_what_changes_nothing() {
    let t = given(stockroom())
        .when(Command::PlaceHold(PlaceHold {
            items: vec![milk("L1")],
        }))
        .then_events(&[EventPayload::HoldPlaced {
            items: vec![milk("L1")],
        }]);
    let movements = t.movements(&milk("L1")).unwrap();
    assert_eq!(movements.last().unwrap().action, "hold_placed");
    let mut events = stockroom();
    events.push(EventPayload::HoldPlaced {
        items: vec![milk("L1")],
    });
    given(events)
        .when(Command::PlaceHold(PlaceHold {
            items: vec![milk("L1")],
        }))
        .then_error(ErrorKind::InvalidInput);
    given(stockroom())
        .when(Command::ReleaseHold(ReleaseHold {
            items: vec![milk("L1")],
        }))
        .then_error(ErrorKind::InvalidInput);
}
