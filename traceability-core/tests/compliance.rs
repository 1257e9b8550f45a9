//! Compliance (issue 15): electronic batch records and device history records,
//! electronic signatures bound to the record's content, non-conformances with
//! containment holds, CAPAs resolving recalls — each an event in the log, each refusal
//! changing nothing, everything surviving a reopen.

mod common;

use common::*;
use traceability_core::io::catalog;
use traceability_core::query::compliance::{
    batch_record, device_history_record, nonconformance, open_capas, open_nonconformances,
    recall_history, signatures, RECORD_CHANGED,
};
use traceability_core::*;

fn wo(id: &str) -> WorkOrderId {
    WorkOrderId::new(id).unwrap()
}

fn nc_id(id: &str) -> NonConformanceId {
    NonConformanceId::new(id).unwrap()
}

fn capa_id(id: &str) -> CapaId {
    CapaId::new(id).unwrap()
}

fn parameter(work_order: &str, name: &str, value: &str, min: &str, max: &str) -> Command {
    Command::RecordBatchParameter(RecordBatchParameter {
        work_order: wo(work_order),
        name: name.into(),
        value: qty(value),
        unit: "°C".into(),
        min: Some(qty(min)),
        max: Some(qty(max)),
    })
}

fn step(work_order: &str, name: &str, equipment: Option<&str>, operator: &str) -> Command {
    Command::RecordBatchStep(RecordBatchStep {
        work_order: wo(work_order),
        step: name.into(),
        equipment: equipment.map(str::to_owned),
        operator: operator.into(),
        performed_on: None,
        started_at: Some("2026-03-01T06:00:00Z".parse().unwrap()),
        finished_at: Some("2026-03-01T06:40:00Z".parse().unwrap()),
        notes: "dough | rested 20 min".into(),
    })
}

fn sign(record: SignedRecord, meaning: SignatureMeaning, signer: &str) -> Command {
    Command::SignRecord(SignRecord {
        record,
        meaning,
        signer: signer.into(),
    })
}

fn batch(work_order: &str) -> SignedRecord {
    SignedRecord::BatchRecord(wo(work_order))
}

/// Flour F1 received; WO-1 records its oven at 190 °C (limits 175–185), mixing and
/// baking steps, then bakes 8 of it into bread B1, which passes its moisture test.
fn baked() -> Plant {
    let mut plant = Plant::new();
    plant.receive_lot("FLOUR", "F1", "10", "DOCK").unwrap();
    plant
        .run(parameter("WO-1", "oven_temperature", "190", "175", "185"))
        .unwrap();
    plant
        .run(parameter("WO-1", "proof_time", "45", "30", "60"))
        .unwrap();
    plant
        .run(step("WO-1", "mixing", Some("MIXER-2"), "op.ana"))
        .unwrap();
    plant
        .run(step("WO-1", "baking", Some("OVEN-1"), "op.ben"))
        .unwrap();
    plant
        .run(Command::Produce(Produce {
            work_order: wo("WO-1"),
            consumed: vec![Line {
                item: lot("FLOUR", "F1"),
                location: loc("DOCK"),
                quantity: qty("8"),
            }],
            outputs: vec![Output::NewLot {
                spec: LotSpec::new(pid("BREAD"), LotNumber::new("B1").unwrap()),
                quantity: qty("40"),
                location: loc("STOCK"),
            }],
            produced_on: None,
            override_expiry: false,
        }))
        .unwrap();
    plant
        .run(Command::RecordTestResult(RecordTestResult {
            lot: LotKey::new("BREAD", "B1").unwrap(),
            test: "moisture".into(),
            value: qty("36.5"),
            unit: "%".into(),
            spec_min: None,
            spec_max: Some(qty("38")),
            tested_on: None,
        }))
        .unwrap();
    plant
}

fn signed_by(plant: &mut Plant, signer: &str, meaning: SignatureMeaning, reason: &str) {
    plant
        .tracker
        .execute(signer, Some(reason), &sign(batch("WO-1"), meaning, signer))
        .unwrap();
}

#[test]
fn a_batch_record_gathers_parameters_steps_materials_quality_and_signatures() {
    let mut plant = baked();
    signed_by(
        &mut plant,
        "op.ben",
        SignatureMeaning::Performed,
        "baked as recorded",
    );
    plant.clock.set("2026-03-01T11:30:00Z".parse().unwrap());
    signed_by(
        &mut plant,
        "qa.lee",
        SignatureMeaning::Approved,
        "reviewed, deviation accepted",
    );

    let record = batch_record(plant.tracker.state(), &wo("WO-1")).unwrap();
    assert_eq!(record.parameters.len(), 2);
    assert!(!record.parameters[0].within_limits && record.parameters[1].within_limits);
    assert_eq!(record.out_of_limits, ["oven_temperature"]);
    assert_eq!(record.equipment, ["MIXER-2", "OVEN-1"]);
    assert_eq!(record.operators, ["op.ana", "op.ben"]);
    assert_eq!(record.steps[0].recorded.by, "tester");
    assert_eq!(record.consumed[0].item, lot("FLOUR", "F1"));
    assert_eq!(record.consumed[0].quantity, qty("8"));
    assert_eq!(record.produced[0].item, lot("BREAD", "B1"));
    assert_eq!(record.quality[0].tests[0].test, "moisture");
    assert!(record.quality[0].all_tests_passed);
    assert_eq!(record.signatures.len(), 2);
    assert!(record
        .signatures
        .iter()
        .all(|s| s.valid && s.note.is_none()));
    let approval = &record.signatures[1].signature;
    assert_eq!(
        (
            approval.signer.as_str(),
            approval.meaning,
            approval.reason.as_str()
        ),
        (
            "qa.lee",
            SignatureMeaning::Approved,
            "reviewed, deviation accepted"
        )
    );
    assert_eq!(
        approval.signed.at,
        "2026-03-01T11:30:00Z"
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap()
    );
    assert_eq!(approval.sha256, record.sha256);

    let markdown = record.to_markdown();
    assert!(markdown.contains("| oven_temperature | 190 | °C | 175 to 185 | **out of limits** |"));
    assert!(markdown.contains("dough \\| rested 20 min"), "{markdown}");
    assert!(markdown.contains("| approved | qa.lee | 2026-03-01 11:30 UTC by qa.lee"));
    assert!(markdown.contains("### BREAD / lot B1 (all tests passed)"));
}

#[test]
fn a_later_change_invalidates_older_signatures_and_a_new_one_binds_the_new_content() {
    let mut plant = baked();
    signed_by(&mut plant, "op.ben", SignatureMeaning::Performed, "done");
    signed_by(&mut plant, "qa.lee", SignatureMeaning::Approved, "ok");
    let before = batch_record(plant.tracker.state(), &wo("WO-1"))
        .unwrap()
        .sha256;
    plant
        .run(parameter("WO-1", "oven_temperature", "182", "175", "185"))
        .unwrap();

    let checks = signatures(plant.tracker.state(), &batch("WO-1"));
    assert!(checks
        .iter()
        .all(|c| !c.valid && c.note == Some(RECORD_CHANGED)));
    let record = batch_record(plant.tracker.state(), &wo("WO-1")).unwrap();
    assert_ne!(record.sha256, before);
    assert!(record
        .to_markdown()
        .contains("**invalid**: record changed since signing"));

    // The same signer may approve the changed content again; that signature is valid.
    signed_by(
        &mut plant,
        "qa.lee",
        SignatureMeaning::Approved,
        "re-approved",
    );
    let checks = signatures(plant.tracker.state(), &batch("WO-1"));
    assert_eq!(
        checks.iter().map(|c| c.valid).collect::<Vec<_>>(),
        [false, false, true]
    );
    // A test result on the bread made is part of the record too.
    plant
        .run(Command::LinkCertificate(LinkCertificate {
            lot: LotKey::new("BREAD", "B1").unwrap(),
            document: "coa-b1.pdf".into(),
            sha256: "ab".repeat(32),
        }))
        .unwrap();
    assert!(signatures(plant.tracker.state(), &batch("WO-1"))
        .iter()
        .all(|c| !c.valid));
}

#[test]
fn the_same_signer_cannot_sign_the_same_content_twice_with_the_same_meaning() {
    let mut plant = baked();
    plant
        .run(sign(batch("WO-1"), SignatureMeaning::Reviewed, "qa.lee"))
        .unwrap();
    let err = plant.reject(sign(batch("WO-1"), SignatureMeaning::Reviewed, "qa.lee"));
    assert_eq!(err.kind(), ErrorKind::DuplicateNumber);
    // Another meaning or another signer is a signature of its own.
    plant
        .run(sign(batch("WO-1"), SignatureMeaning::Approved, "qa.lee"))
        .unwrap();
    plant
        .run(sign(batch("WO-1"), SignatureMeaning::Reviewed, "qa.kim"))
        .unwrap();
}

#[test]
fn a_signature_binds_its_record_not_just_the_content() {
    let mut plant = Plant::new();
    for work_order in ["WO-A", "WO-B"] {
        plant
            .run(parameter(work_order, "ph", "7", "6", "8"))
            .unwrap();
    }
    // Same entries in both batch records, but the digest covers which record it is.
    plant
        .run(sign(batch("WO-A"), SignatureMeaning::Approved, "qa.lee"))
        .unwrap();
    let a = &signatures(plant.tracker.state(), &batch("WO-A"))[0];
    let b = batch_record(plant.tracker.state(), &wo("WO-B")).unwrap();
    assert_ne!(a.signature.sha256, b.sha256);
    assert!(signatures(plant.tracker.state(), &batch("WO-B")).is_empty());
}

#[test]
fn device_history_records_follow_the_work_orders_that_made_an_item() {
    let mut plant = baked();
    plant.receive_serials("MOTOR", &["M1"], "DOCK").unwrap();
    plant
        .move_item(serial("MOTOR", "M1"), "DOCK", "STOCK", "1")
        .unwrap();
    plant.run(step("WO-2", "assembly", None, "op.cy")).unwrap();
    plant
        .run(Command::Produce(Produce {
            work_order: wo("WO-2"),
            consumed: vec![Line {
                item: serial("MOTOR", "M1"),
                location: loc("STOCK"),
                quantity: Quantity::ONE,
            }],
            outputs: vec![Output::NewSerial {
                product: pid("PUMP"),
                serial: Some(SerialNumber::new("P1").unwrap()),
                location: loc("STOCK"),
            }],
            produced_on: None,
            override_expiry: false,
        }))
        .unwrap();
    let state = plant.tracker.state();
    let pump = device_history_record(state, &serial("PUMP", "P1")).unwrap();
    assert_eq!(pump.batch_records.len(), 1);
    assert_eq!(pump.batch_records[0].work_order, wo("WO-2"));
    assert_eq!(
        pump.batch_records[0].consumed[0].item,
        serial("MOTOR", "M1")
    );
    assert!(pump.to_markdown().contains("## Batch record WO-2"));

    let bread = device_history_record(state, &lot("BREAD", "B1")).unwrap();
    assert_eq!(bread.batch_records[0].work_order, wo("WO-1"));
    let flour = device_history_record(state, &lot("FLOUR", "F1")).unwrap();
    assert!(flour.batch_records.is_empty());
    assert!(flour.to_markdown().contains("No work order made it"));
    let err = device_history_record(state, &lot("BREAD", "NOPE")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnknownLot);

    // Part of the bread split off keeps the batch record of the work order that made it.
    plant
        .run(Command::SplitLot(SplitLot {
            product: pid("BREAD"),
            lot: LotNumber::new("B1").unwrap(),
            location: loc("STOCK"),
            quantity: qty("5"),
            new_lot: Some(LotNumber::new("B1-S").unwrap()),
        }))
        .unwrap();
    let split = device_history_record(plant.tracker.state(), &lot("BREAD", "B1-S")).unwrap();
    assert_eq!(split.batch_records[0].work_order, wo("WO-1"));
}

fn open_nc(id: &str, items: Vec<ItemRef>, recall: Option<&str>, hold: bool) -> Command {
    Command::OpenNonConformance(OpenNonConformance {
        id: nc_id(id),
        description: "foreign body found at packing".into(),
        severity: Severity::Major,
        items,
        work_order: None,
        recall: recall.map(|r| RecallId::new(r).unwrap()),
        containment_hold: hold,
    })
}

fn add_capa(id: &str, nc: Option<&str>, recall: Option<&str>, due: &str) -> Command {
    Command::AddCorrectiveAction(AddCorrectiveAction {
        id: capa_id(id),
        nc: nc.map(nc_id),
        recall: recall.map(|r| RecallId::new(r).unwrap()),
        kind: CapaKind::Corrective,
        description: "replace the sieve; check the sieve each shift".into(),
        owner: "maint.dan".into(),
        due: date(due),
    })
}

#[test]
fn a_non_conformance_with_containment_holds_its_items_in_the_same_command() {
    let mut plant = baked();
    plant.receive_serials("PUMP", &["P9"], "DOCK").unwrap();
    let committed = plant
        .run(open_nc(
            "NC-1",
            vec![lot("BREAD", "B1"), serial("PUMP", "P9")],
            None,
            true,
        ))
        .unwrap();
    assert_eq!(committed.count, 2);
    let events = plant.tracker.events(committed.first_seq).unwrap();
    assert_eq!(events[0].body.payload.action(), "nonconformance_opened");
    let json = serde_json::to_value(&events[0].body.payload).unwrap();
    assert!(json.get("nonconformance_opened").is_some(), "{json}");
    assert_eq!(
        events[1].body.payload,
        EventPayload::HoldPlaced {
            items: vec![lot("BREAD", "B1"), serial("PUMP", "P9")]
        }
    );
    let state = plant.tracker.state();
    assert!(
        state
            .lot(&pid("BREAD"), &LotNumber::new("B1").unwrap())
            .unwrap()
            .on_hold
    );
    let report = nonconformance(state, &nc_id("NC-1")).unwrap();
    assert_eq!(report.nonconformance.contained.len(), 2);
    assert_eq!(report.nonconformance.opened.seq, committed.first_seq);
    let actions: Vec<_> = plant
        .tracker
        .movements(&lot("BREAD", "B1"))
        .unwrap()
        .into_iter()
        .map(|m| m.action)
        .collect();
    assert!(actions.ends_with(&["nonconformance_opened", "hold_placed"]));
    // Held bread cannot be allocated.
    let err = plant.reject(Command::Allocate(Allocate {
        order: order("SO-1"),
        item: lot("BREAD", "B1"),
        location: None,
        quantity: qty("1"),
        ship_date: None,
    }));
    assert_eq!(err.kind(), ErrorKind::NotUsable);
    // A second non-conformance on held items holds nothing more.
    let committed = plant
        .run(open_nc("NC-2", vec![lot("BREAD", "B1")], None, true))
        .unwrap();
    assert_eq!(committed.count, 1);
}

#[test]
fn a_capa_resolves_a_recall_and_a_non_conformance_closes_once_its_capas_are_done() {
    let mut plant = baked();
    plant
        .tracker
        .recall_as(
            "qa",
            "metal in flour",
            Some(RecallId::new("RC-1").unwrap()),
            &[lot("FLOUR", "F1")],
            false,
        )
        .unwrap();
    plant
        .run(open_nc(
            "NC-1",
            vec![lot("FLOUR", "F1")],
            Some("RC-1"),
            false,
        ))
        .unwrap();
    plant
        .run(add_capa("CAPA-1", Some("NC-1"), Some("RC-1"), "2026-03-10"))
        .unwrap();
    plant
        .run(add_capa("CAPA-2", None, None, "2026-04-01"))
        .unwrap();

    let history = recall_history(plant.tracker.state());
    assert_eq!(history[0].capas[0].id, capa_id("CAPA-1"));
    assert_eq!(history[0].nonconformances, [nc_id("NC-1")]);
    assert!(!history[0].resolved);
    let open = open_capas(plant.tracker.state(), date("2026-03-15"));
    assert_eq!(
        open.iter()
            .map(|c| (c.capa.id.as_str(), c.overdue))
            .collect::<Vec<_>>(),
        [("CAPA-1", true), ("CAPA-2", false)]
    );
    let err = plant.reject(Command::CloseNonConformance(CloseNonConformance {
        id: nc_id("NC-1"),
        resolution: "sieve replaced".into(),
    }));
    assert!(err.to_string().contains("open CAPAs: CAPA-1"), "{err}");

    plant
        .run(Command::CompleteCorrectiveAction(
            CompleteCorrectiveAction {
                id: capa_id("CAPA-1"),
                outcome: "sieve replaced; no metal in 3 batches since".into(),
            },
        ))
        .unwrap();
    assert!(recall_history(plant.tracker.state())[0].resolved);
    plant
        .run(Command::CloseNonConformance(CloseNonConformance {
            id: nc_id("NC-1"),
            resolution: "flour lot F1 returned to the mill".into(),
        }))
        .unwrap();
    let state = plant.tracker.state();
    assert!(open_nonconformances(state).is_empty());
    let closed = state.nonconformance(&nc_id("NC-1")).unwrap();
    assert_eq!(
        closed.closed.as_ref().unwrap().text,
        "flour lot F1 returned to the mill"
    );
    assert_eq!(open_capas(state, date("2026-03-15")).len(), 1);
    // A closed non-conformance takes no new CAPA.
    let err = plant.reject(add_capa("CAPA-3", Some("NC-1"), None, "2026-05-01"));
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}

#[test]
fn signatures_on_non_conformances_and_capas_show_later_changes() {
    let mut plant = baked();
    plant
        .run(open_nc("NC-1", vec![lot("BREAD", "B1")], None, false))
        .unwrap();
    plant
        .run(add_capa("CAPA-1", Some("NC-1"), None, "2026-03-10"))
        .unwrap();
    let nc = SignedRecord::NonConformance(nc_id("NC-1"));
    let capa = SignedRecord::Capa(capa_id("CAPA-1"));
    plant
        .run(sign(nc.clone(), SignatureMeaning::Reviewed, "qa.lee"))
        .unwrap();
    plant
        .run(sign(capa.clone(), SignatureMeaning::Approved, "qa.lee"))
        .unwrap();
    plant
        .run(Command::CompleteCorrectiveAction(
            CompleteCorrectiveAction {
                id: capa_id("CAPA-1"),
                outcome: "done".into(),
            },
        ))
        .unwrap();
    let state = plant.tracker.state();
    assert!(
        signatures(state, &nc)[0].valid,
        "adding a CAPA does not change the NC"
    );
    assert!(!signatures(state, &capa)[0].valid);
    assert_eq!(
        nonconformance(state, &nc_id("NC-1"))
            .unwrap()
            .signatures
            .len(),
        1
    );
}

#[test]
fn refused_compliance_commands_change_nothing() {
    let mut plant = baked();
    plant
        .run(open_nc("NC-1", vec![lot("BREAD", "B1")], None, false))
        .unwrap();
    plant
        .run(add_capa("CAPA-1", Some("NC-1"), None, "2026-03-10"))
        .unwrap();
    plant
        .run(Command::CompleteCorrectiveAction(
            CompleteCorrectiveAction {
                id: capa_id("CAPA-1"),
                outcome: "done".into(),
            },
        ))
        .unwrap();
    let mut no_reason = open_nc("NC-9", vec![lot("BREAD", "B1")], None, true);
    let refused: Vec<(Command, ErrorKind)> = vec![
        (
            parameter("WO-1", "t", "1", "5", "2"),
            ErrorKind::InvalidInput,
        ),
        (
            parameter("WO-1", " ", "1", "0", "2"),
            ErrorKind::InvalidInput,
        ),
        (
            step("WO-1", "mixing", Some("MIXER\n2"), "op.ana"),
            ErrorKind::InvalidInput,
        ),
        (step("WO-1", "mixing", None, ""), ErrorKind::InvalidInput),
        (
            Command::RecordBatchStep(RecordBatchStep {
                work_order: wo("WO-1"),
                step: "baking".into(),
                equipment: None,
                operator: "op.ben".into(),
                performed_on: None,
                started_at: Some("2026-03-01T07:00:00Z".parse().unwrap()),
                finished_at: Some("2026-03-01T06:00:00Z".parse().unwrap()),
                notes: String::new(),
            }),
            ErrorKind::InvalidInput,
        ),
        (
            sign(batch("WO-404"), SignatureMeaning::Approved, "qa.lee"),
            ErrorKind::InvalidInput,
        ),
        (
            sign(
                SignedRecord::NonConformance(nc_id("NC-404")),
                SignatureMeaning::Reviewed,
                "qa.lee",
            ),
            ErrorKind::InvalidInput,
        ),
        (
            sign(
                SignedRecord::Capa(capa_id("CAPA-404")),
                SignatureMeaning::Reviewed,
                "qa.lee",
            ),
            ErrorKind::InvalidInput,
        ),
        (
            sign(batch("WO-1"), SignatureMeaning::Approved, ""),
            ErrorKind::InvalidInput,
        ),
        (
            open_nc("NC-1", vec![lot("BREAD", "B1")], None, false),
            ErrorKind::DuplicateNumber,
        ),
        (
            open_nc("NC-2", vec![lot("BREAD", "NOPE")], None, false),
            ErrorKind::UnknownLot,
        ),
        (
            open_nc(
                "NC-2",
                vec![lot("BREAD", "B1"), lot("BREAD", "B1")],
                None,
                false,
            ),
            ErrorKind::DuplicateNumber,
        ),
        (
            open_nc("NC-2", vec![], None, false),
            ErrorKind::InvalidInput,
        ),
        (
            open_nc("NC-2", vec![], Some("RC-404"), false),
            ErrorKind::InvalidInput,
        ),
        (
            open_nc("NC-2", vec![], Some("RC-404"), true),
            ErrorKind::InvalidInput,
        ),
        (
            Command::OpenNonConformance(OpenNonConformance {
                id: nc_id("NC-2"),
                description: "  ".into(),
                severity: Severity::Minor,
                items: vec![],
                work_order: Some(wo("WO-1")),
                recall: None,
                containment_hold: false,
            }),
            ErrorKind::InvalidInput,
        ),
        (
            Command::OpenNonConformance(OpenNonConformance {
                id: nc_id("NC-2"),
                description: "underweight".into(),
                severity: Severity::Minor,
                items: vec![],
                work_order: Some(wo("WO-404")),
                recall: None,
                containment_hold: false,
            }),
            ErrorKind::InvalidInput,
        ),
        (
            add_capa("CAPA-1", None, None, "2026-04-01"),
            ErrorKind::DuplicateNumber,
        ),
        (
            add_capa("CAPA-2", Some("NC-404"), None, "2026-04-01"),
            ErrorKind::InvalidInput,
        ),
        (
            add_capa("CAPA-2", None, Some("RC-404"), "2026-04-01"),
            ErrorKind::InvalidInput,
        ),
        (
            Command::CompleteCorrectiveAction(CompleteCorrectiveAction {
                id: capa_id("CAPA-1"),
                outcome: "again".into(),
            }),
            ErrorKind::InvalidInput,
        ),
        (
            Command::CompleteCorrectiveAction(CompleteCorrectiveAction {
                id: capa_id("CAPA-404"),
                outcome: "done".into(),
            }),
            ErrorKind::InvalidInput,
        ),
        (
            Command::CloseNonConformance(CloseNonConformance {
                id: nc_id("NC-404"),
                resolution: "done".into(),
            }),
            ErrorKind::InvalidInput,
        ),
        (
            Command::CloseNonConformance(CloseNonConformance {
                id: nc_id("NC-1"),
                resolution: "".into(),
            }),
            ErrorKind::InvalidInput,
        ),
    ];
    for (command, kind) in refused {
        let err = plant.reject(command.clone());
        assert_eq!(err.kind(), kind, "{command:?}: {err}");
    }
    // A containment hold needs a reason, like every hold.
    if let Command::OpenNonConformance(c) = &mut no_reason {
        c.id = nc_id("NC-3");
    }
    let before = plant.tracker.head();
    let err = plant.tracker.execute("qa", None, &no_reason).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(plant.tracker.head(), before);
    // Closing, then closing again.
    let close = Command::CloseNonConformance(CloseNonConformance {
        id: nc_id("NC-1"),
        resolution: "reworked".into(),
    });
    plant.run(close.clone()).unwrap();
    assert_eq!(plant.reject(close).kind(), ErrorKind::InvalidInput);
}

#[test]
fn compliance_records_survive_a_reopen_and_signatures_stay_valid() {
    let path = temp_db("compliance_reopen");
    {
        let mut plant = Plant::on(Tracker::open(&path).unwrap());
        plant.receive_lot("FLOUR", "F1", "10", "DOCK").unwrap();
        plant
            .run(parameter("WO-1", "oven_temperature", "190", "175", "185"))
            .unwrap();
        plant
            .run(step("WO-1", "baking", Some("OVEN-1"), "op.ben"))
            .unwrap();
        plant
            .run(sign(batch("WO-1"), SignatureMeaning::Performed, "op.ben"))
            .unwrap();
        plant
            .run(open_nc("NC-1", vec![lot("FLOUR", "F1")], None, true))
            .unwrap();
        plant
            .run(add_capa("CAPA-1", Some("NC-1"), None, "2026-03-10"))
            .unwrap();
        plant
            .run(sign(
                SignedRecord::Capa(capa_id("CAPA-1")),
                SignatureMeaning::Approved,
                "qa.lee",
            ))
            .unwrap();
        plant.tracker.snapshot().unwrap();
        plant
            .run(sign(batch("WO-1"), SignatureMeaning::Approved, "qa.lee"))
            .unwrap();
    }
    let live = {
        let plant = Plant::on(Tracker::open_with(&path, options(0)).unwrap());
        plant.tracker.state().clone()
    };
    let reopened = Tracker::open(&path).unwrap();
    assert_eq!(
        reopened.state(),
        &live,
        "snapshot + tail equals a full replay"
    );
    assert_eq!(reopened.verify().unwrap(), reopened.head().0);
    let checks = signatures(reopened.state(), &batch("WO-1"));
    assert_eq!(checks.len(), 2);
    assert!(checks.iter().all(|c| c.valid));
    assert!(signatures(reopened.state(), &SignedRecord::Capa(capa_id("CAPA-1")))[0].valid);
    assert!(
        reopened
            .state()
            .lot(&pid("FLOUR"), &LotNumber::new("F1").unwrap())
            .unwrap()
            .on_hold
    );
}

#[test]
fn the_catalog_answers_every_compliance_query() {
    let mut plant = baked();
    plant
        .run(sign(batch("WO-1"), SignatureMeaning::Approved, "qa.lee"))
        .unwrap();
    plant
        .run(open_nc("NC-1", vec![lot("BREAD", "B1")], None, false))
        .unwrap();
    plant
        .run(add_capa("CAPA-1", Some("NC-1"), None, "2026-02-01"))
        .unwrap();
    let t = &plant.tracker;
    let json = |name: &str, args: &str| -> serde_json::Value {
        serde_json::from_str(&catalog::run(t, name, args).unwrap()).unwrap()
    };
    let record = json("batch_record", r#"{"work_order":"WO-1"}"#);
    assert_eq!(record["out_of_limits"][0], "oven_temperature");
    assert_eq!(record["signatures"][0]["valid"], true);
    assert_eq!(record["signatures"][0]["record"]["kind"], "batch_record");
    let markdown = json("batch_record_markdown", r#"{"work_order":"WO-1"}"#);
    assert!(markdown
        .as_str()
        .unwrap()
        .starts_with("# Batch record WO-1"));
    let dhr = json(
        "device_history_record",
        r#"{"item":{"lot":{"product":"BREAD","lot":"B1"}}}"#,
    );
    assert_eq!(dhr["batch_records"][0]["work_order"], "WO-1");
    let text = json(
        "device_history_record_markdown",
        r#"{"item":{"lot":{"product":"BREAD","lot":"B1"}}}"#,
    );
    assert!(text.as_str().unwrap().contains("## Batch record WO-1"));
    let sigs = json(
        "signatures",
        r#"{"record":{"kind":"batch_record","id":"WO-1"}}"#,
    );
    assert_eq!(sigs[0]["meaning"], "approved");
    assert_eq!(
        json("nonconformance", r#"{"id":"NC-1"}"#)["capas"][0]["id"],
        "CAPA-1"
    );
    assert_eq!(
        json("nonconformance", r#"{"id":"NC-9"}"#),
        serde_json::Value::Null
    );
    assert_eq!(json("open_nonconformances", "{}")[0]["severity"], "major");
    assert_eq!(
        json("open_capas", "{}")[0]["overdue"],
        true,
        "due before today"
    );
    assert_eq!(
        json("open_capas", r#"{"as_of":"2026-01-01"}"#)[0]["overdue"],
        false
    );
    assert_eq!(json("capa", r#"{"id":"CAPA-1"}"#)["owner"], "maint.dan");
    assert_eq!(json("recall_history", "{}"), serde_json::json!([]));
    let err = catalog::run(t, "batch_record", r#"{"work_order":"WO-404"}"#).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}

#[test]
fn compliance_commands_round_trip_as_json() {
    let commands = [
        parameter("WO-1", "t", "1.5", "1", "2"),
        step("WO-1", "mixing", Some("MIXER-2"), "op.ana"),
        sign(
            SignedRecord::Capa(capa_id("C-1")),
            SignatureMeaning::Verified,
            "qa",
        ),
        open_nc("NC-1", vec![lot("BREAD", "B1")], Some("RC-1"), true),
        add_capa("CAPA-1", Some("NC-1"), Some("RC-1"), "2026-03-10"),
    ];
    for command in commands {
        let json = serde_json::to_string(&command).unwrap();
        assert_eq!(
            serde_json::from_str::<Command>(&json).unwrap(),
            command,
            "{json}"
        );
    }
    let minimal: Command = serde_json::from_str(
        r#"{"open_nonconformance":{"id":"NC-1","description":"d","severity":"critical","work_order":"WO-1"}}"#,
    )
    .unwrap();
    assert!(matches!(
        minimal,
        Command::OpenNonConformance(OpenNonConformance {
            containment_hold: false,
            ..
        })
    ));
}
