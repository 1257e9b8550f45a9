//! After the sale: a warranty claim from sale to closure, service records that follow
//! a repair in the genealogy, a field campaign after a recall, and returns under an
//! authorisation with each disposition.

mod common;

use common::*;
use traceability_core::query::service::{campaign_report, returns_by_reason, service_history};
use traceability_core::*;

fn id<T: std::str::FromStr>(s: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    s.parse().unwrap()
}

fn ship(plant: &mut Plant, order_id: &str, shipment: &str, items: &[(ItemRef, &str)]) {
    for (item, quantity) in items {
        plant.allocate(order_id, item.clone(), quantity).unwrap();
        plant.pick(order_id, item.clone(), quantity).unwrap();
    }
    plant.ship(shipment, order_id).unwrap();
}

fn customer_return(rma: &str, item: ItemRef, quantity: &str, release: bool) -> Command {
    Command::Return(Return {
        rma: id(rma),
        customer: id("SHOP"),
        item,
        location: loc("STOCK"),
        quantity: qty(quantity),
        release,
    })
}

fn pump_warranty(plant: &mut Plant, starts: WarrantyStart) {
    plant
        .run(Command::DefineWarranty(WarrantyTerms {
            product: pid("PUMP"),
            months: 12,
            starts,
            usage_limit: Some(qty("1000")),
        }))
        .unwrap();
}

#[test]
fn a_warranty_claim_from_sale_to_closure() {
    let mut plant = Plant::new();
    pump_warranty(&mut plant, WarrantyStart::Shipment);
    plant.receive_stored("PUMP", &["P1"], "STOCK");
    plant.receive_stored("MOTOR", &["M9"], "STOCK");
    let status = plant
        .tracker
        .state()
        .warranty_status(&pid("PUMP"), &id("P1"), date(TODAY))
        .unwrap();
    assert!(!status.in_warranty && status.reason.contains("not shipped"));
    ship(&mut plant, "SO1", "SH1", &[(serial("PUMP", "P1"), "1")]);

    let status = plant
        .tracker
        .state()
        .warranty_status(&pid("PUMP"), &id("P1"), date("2026-09-01"))
        .unwrap();
    assert!(status.in_warranty, "{status:?}");
    assert_eq!(status.ends_on, Some(date("2027-02-28")));
    assert_eq!(status.customer, Some(id("SHOP")));

    // A repair in the field: the new motor comes from stock and is linked to the pump.
    plant
        .run(Command::RecordService(RecordService {
            product: pid("PUMP"),
            serial: id("P1"),
            kind: ServiceKind::Replacement,
            performed_on: Some(date("2026-05-02")),
            technician: "Lea".into(),
            findings: "seized motor".into(),
            usage: Some(qty("340")),
            removed: Some(serial("MOTOR", "M1-OLD")),
            fitted: Some(Fitted {
                item: serial("MOTOR", "M9"),
                location: loc("STOCK"),
                quantity: qty("1"),
            }),
            attachments: vec![Attachment {
                name: "report.pdf".into(),
                sha256: "AB".repeat(32),
            }],
        }))
        .unwrap();
    let state = plant.tracker.state();
    let history = service_history(state, &serial("PUMP", "P1")).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].record.attachments[0].sha256, "ab".repeat(32));
    assert_eq!(
        plant.serial_status("MOTOR", "M9"),
        Some(SerialStatus::Consumed)
    );
    let back = trace_backward(state, &serial("PUMP", "P1")).unwrap();
    assert!(back.items.iter().any(|i| i.item == serial("MOTOR", "M9")));

    let claim = |id_: &str, on: &str| {
        Command::OpenClaim(OpenClaim {
            claim: id(id_),
            product: pid("PUMP"),
            serial: id("P1"),
            description: "leaks".into(),
            amount: Some(qty("120")),
            opened_on: Some(date(on)),
        })
    };
    plant.run(claim("CL-1", "2026-06-01")).unwrap();
    let err = plant.reject(claim("CL-1", "2026-06-01"));
    assert_eq!(err.kind(), ErrorKind::DuplicateNumber);
    let decide = Command::DecideClaim(DecideClaim {
        claim: id("CL-1"),
        approve: true,
        amount: None,
    });
    let err = plant.tracker.execute("ana", None, &decide).unwrap_err();
    assert!(err.to_string().contains("needs a reason"), "{err}");
    let close = Command::CloseClaim(CloseClaim { claim: id("CL-1") });
    let err = plant.reject(close.clone());
    assert!(err.to_string().contains("cannot be closed"), "{err}");
    plant
        .tracker
        .execute("ana", Some("covered: motor defect"), &decide)
        .unwrap();
    plant.run(close).unwrap();
    let state = plant.tracker.state();
    let cl1 = state.claim(&id("CL-1")).unwrap();
    assert!(cl1.in_warranty);
    assert_eq!(
        (cl1.status, cl1.approved_amount, cl1.decision.as_deref()),
        (
            ClaimStatus::Closed,
            Some(qty("120")),
            Some("covered: motor defect")
        )
    );
    assert_eq!(cl1.customer, Some(id("SHOP")));

    plant.run(claim("CL-2", "2027-03-01")).unwrap();
    assert!(
        !plant
            .tracker
            .state()
            .claim(&id("CL-2"))
            .unwrap()
            .in_warranty
    );
}

#[test]
fn installation_and_usage_bound_the_warranty() {
    let mut plant = Plant::new();
    pump_warranty(&mut plant, WarrantyStart::Installation);
    plant.receive_stored("PUMP", &["P1"], "STOCK");
    ship(&mut plant, "SO1", "SH1", &[(serial("PUMP", "P1"), "1")]);
    let install = |on: &str| {
        Command::RecordInstallation(RecordInstallation {
            product: pid("PUMP"),
            serial: id("P1"),
            installed_on: date(on),
            customer: None,
        })
    };
    let err = plant.reject(install("2026-02-01"));
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "before the shipment");
    plant.run(install("2026-04-15")).unwrap();
    let state = plant.tracker.state();
    let status = state
        .warranty_status(&pid("PUMP"), &id("P1"), date("2027-04-01"))
        .unwrap();
    assert!(status.in_warranty, "{status:?}");
    assert_eq!(status.ends_on, Some(date("2027-04-14")));
    plant
        .run(Command::RecordService(RecordService {
            product: pid("PUMP"),
            serial: id("P1"),
            kind: ServiceKind::Inspection,
            performed_on: None,
            technician: "Lea".into(),
            findings: String::new(),
            usage: Some(qty("1200")),
            removed: None,
            fitted: None,
            attachments: vec![],
        }))
        .unwrap();
    let status = plant
        .tracker
        .state()
        .warranty_status(&pid("PUMP"), &id("P1"), date("2026-06-01"))
        .unwrap();
    assert!(!status.in_warranty);
    assert!(
        status.reason.contains("over the limit"),
        "{}",
        status.reason
    );
}

#[test]
fn a_field_campaign_reaches_every_serial_a_recall_finds_in_the_field() {
    let mut plant = Plant::new();
    plant.receive_lot("FLOUR", "F1", "10", "LINE").unwrap();
    plant
        .run(Command::Produce(Produce {
            work_order: WorkOrderId::new("WO1").unwrap(),
            consumed: vec![Line {
                item: lot("FLOUR", "F1"),
                location: loc("LINE"),
                quantity: qty("2"),
            }],
            outputs: ["P1", "P2", "P3"]
                .iter()
                .map(|n| Output::NewSerial {
                    product: pid("PUMP"),
                    serial: Some(id(n)),
                    location: loc("LINE"),
                })
                .collect(),
            produced_on: None,
            override_expiry: false,
        }))
        .unwrap();
    for n in ["P1", "P2", "P3"] {
        plant
            .move_item(serial("PUMP", n), "LINE", "STOCK", "1")
            .unwrap();
    }
    ship(
        &mut plant,
        "SO1",
        "SH1",
        &[(serial("PUMP", "P1"), "1"), (serial("PUMP", "P3"), "1")],
    );
    let report = plant
        .tracker
        .recall("qa", "bad flour", &[lot("FLOUR", "F1")], false)
        .unwrap();
    plant
        .run(Command::StartCampaign(StartCampaign {
            campaign: id("FC-1"),
            description: "replace seals".into(),
            recall: report.recall.clone(),
            suspects: vec![],
        }))
        .unwrap();
    let state = plant.tracker.state();
    let campaign = campaign_report(state, &id("FC-1")).unwrap();
    let items: Vec<_> = campaign
        .campaign
        .serials
        .iter()
        .map(|s| s.item.clone())
        .collect();
    assert_eq!(
        items,
        vec![serial("PUMP", "P1"), serial("PUMP", "P3")],
        "P2 never left"
    );
    assert_eq!(campaign.progress.pending, 2);

    let update = |n: &str, status| {
        Command::UpdateCampaign(UpdateCampaign {
            campaign: id("FC-1"),
            product: pid("PUMP"),
            serial: id(n),
            status,
        })
    };
    plant.run(update("P1", CampaignStatus::Serviced)).unwrap();
    plant
        .run(update("P3", CampaignStatus::Unreachable))
        .unwrap();
    let err = plant.reject(update("P2", CampaignStatus::Notified));
    assert!(err.to_string().contains("not in campaign"), "{err}");
    let progress = campaign_report(plant.tracker.state(), &id("FC-1"))
        .unwrap()
        .progress;
    assert_eq!(
        (progress.serviced, progress.unreachable, progress.done_pct),
        (1, 1, qty("50"))
    );

    // The unreachable customer sends P3 back: the campaign counts it returned.
    plant
        .run(customer_return("RMA-9", serial("PUMP", "P3"), "1", false))
        .unwrap();
    let campaign = campaign_report(plant.tracker.state(), &id("FC-1")).unwrap();
    assert_eq!(
        campaign.campaign.serials[1].status,
        CampaignStatus::Returned
    );
    assert_eq!(
        (campaign.progress.returned, campaign.progress.unreachable),
        (1, 0)
    );
}

#[test]
fn an_rma_with_each_disposition() {
    let mut plant = Plant::new();
    plant.receive_lot("FLOUR", "F1", "10", "STOCK").unwrap();
    plant.receive_stored("PUMP", &["P1", "P2"], "STOCK");
    ship(
        &mut plant,
        "SO1",
        "SH1",
        &[
            (lot("FLOUR", "F1"), "8"),
            (serial("PUMP", "P1"), "1"),
            (serial("PUMP", "P2"), "1"),
        ],
    );
    plant
        .run(Command::DefineReturnReason(DefineReturnReason {
            code: id("DAMAGED"),
            description: "damaged in transit".into(),
        }))
        .unwrap();
    let authorize = |items: Vec<(ItemRef, Quantity)>, reason: &str| {
        Command::AuthorizeReturn(AuthorizeReturn {
            rma: id("RMA-1"),
            customer: id("SHOP"),
            reason: id(reason),
            items,
            expected_on: None,
        })
    };
    let err = plant.reject(authorize(vec![(lot("FLOUR", "F1"), qty("9"))], "DAMAGED"));
    assert_eq!(err.kind(), ErrorKind::InsufficientStock);
    let err = plant.reject(authorize(vec![(lot("FLOUR", "F1"), qty("1"))], "LATE"));
    assert!(err.to_string().contains("unknown return reason"), "{err}");
    plant
        .run(authorize(
            vec![
                (lot("FLOUR", "F1"), qty("6")),
                (serial("PUMP", "P1"), qty("1")),
                (serial("PUMP", "P2"), qty("1")),
            ],
            "DAMAGED",
        ))
        .unwrap();
    let receive = |item: ItemRef, quantity: &str| {
        Command::Return(Return {
            rma: id("RMA-1"),
            customer: id("SHOP"),
            item,
            location: loc("QA"),
            quantity: qty(quantity),
            release: false,
        })
    };
    plant.run(receive(lot("FLOUR", "F1"), "4")).unwrap();
    let err = plant
        .move_item(lot("FLOUR", "F1"), "QA", "STOCK", "1")
        .unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::InsufficientStock,
        "held until disposed"
    );
    let err = plant.reject(receive(lot("FLOUR", "F1"), "3"));
    assert!(err.to_string().contains("return authorisation"), "{err}");
    plant.run(receive(serial("PUMP", "P1"), "1")).unwrap();
    plant.run(receive(serial("PUMP", "P2"), "1")).unwrap();
    plant
        .run(Command::InspectReturn(InspectReturn {
            rma: id("RMA-1"),
            item: lot("FLOUR", "F1"),
            passed: false,
            findings: "two bags torn".into(),
        }))
        .unwrap();

    let dispose = |item: ItemRef, quantity: &str, disposition, to: Option<&str>| {
        Command::DisposeReturn(DisposeReturn {
            rma: id("RMA-1"),
            item,
            location: loc("QA"),
            quantity: qty(quantity),
            disposition,
            to: to.map(loc),
        })
    };
    plant
        .run(dispose(
            lot("FLOUR", "F1"),
            "2",
            Disposition::Restock,
            Some("STOCK"),
        ))
        .unwrap();
    plant
        .run(dispose(
            lot("FLOUR", "F1"),
            "1",
            Disposition::Rework,
            Some("LINE"),
        ))
        .unwrap();
    plant
        .run(dispose(lot("FLOUR", "F1"), "1", Disposition::Scrap, None))
        .unwrap();
    let err = plant.reject(dispose(lot("FLOUR", "F1"), "1", Disposition::Scrap, None));
    assert_eq!(err.kind(), ErrorKind::InvalidQuantity);
    plant
        .run(dispose(
            serial("PUMP", "P1"),
            "1",
            Disposition::ReturnToSupplier,
            None,
        ))
        .unwrap();
    plant
        .run(dispose(
            serial("PUMP", "P2"),
            "1",
            Disposition::Restock,
            Some("STOCK"),
        ))
        .unwrap();

    let state = plant.tracker.state();
    let f1 = state.lot(&pid("FLOUR"), &id("F1")).unwrap();
    let at = |l: &str| f1.stock_at(&loc(l)).map(|s| s.on_hand);
    assert_eq!(
        (at("STOCK"), at("LINE"), at("QA")),
        (Some(qty("4")), Some(qty("1")), None)
    );
    assert_eq!(
        plant.serial_status("PUMP", "P1"),
        Some(SerialStatus::Shipped)
    );
    assert_eq!(
        plant.serial_status("PUMP", "P2"),
        Some(SerialStatus::InInventory)
    );
    let rma = state.return_authorization(&id("RMA-1")).unwrap();
    assert!(
        !rma.is_complete(),
        "2 of the lot were authorised but never came back"
    );
    assert_eq!(
        rma.lines[0].inspection.as_ref().map(|i| i.passed),
        Some(false)
    );
    let by_reason = returns_by_reason(state);
    assert_eq!(
        (
            by_reason[0].authorizations,
            by_reason[0].authorized,
            by_reason[0].received
        ),
        (1, qty("8"), qty("6"))
    );
    let reopened = Tracker::with_store(
        Box::new(store::MemoryStore::from_records(
            plant.tracker.stored_events(0).unwrap(),
        )),
        std::sync::Arc::new(SystemClock),
    )
    .unwrap();
    assert_eq!(reopened.state(), plant.tracker.state());
}

#[test]
fn returned_lots_are_held_until_disposed_unless_released() {
    let mut plant = Plant::new();
    plant.receive_lot("FLOUR", "F1", "10", "STOCK").unwrap();
    plant.receive_stored("PUMP", &["P1"], "STOCK");
    ship(
        &mut plant,
        "SO1",
        "SH1",
        &[(lot("FLOUR", "F1"), "10"), (serial("PUMP", "P1"), "1")],
    );
    plant
        .run(customer_return("RMA-1", lot("FLOUR", "F1"), "3", false))
        .unwrap();
    let held = |plant: &Plant| {
        let f1 = plant.tracker.state().lot(&pid("FLOUR"), &id("F1")).unwrap();
        let line = f1.stock_at(&loc("STOCK")).unwrap();
        (line.on_hand, line.held, line.available())
    };
    assert_eq!(held(&plant), (qty("3"), qty("3"), qty("0")));
    let err = plant.allocate("SO2", lot("FLOUR", "F1"), "1").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InsufficientStock);

    // A return that needs no inspection goes straight back into stock.
    plant
        .run(customer_return("RMA-2", lot("FLOUR", "F1"), "2", true))
        .unwrap();
    assert_eq!(held(&plant), (qty("5"), qty("3"), qty("2")));

    // No authorisation: held stock can still be disposed of, but no more than is held,
    // and a serial needs the authorisation.
    let dispose = |item: ItemRef, quantity: &str, disposition| {
        Command::DisposeReturn(DisposeReturn {
            rma: id("RMA-1"),
            item,
            location: loc("STOCK"),
            quantity: qty(quantity),
            disposition,
            to: None,
        })
    };
    let err = plant.reject(dispose(lot("FLOUR", "F1"), "4", Disposition::Restock));
    assert_eq!(err.kind(), ErrorKind::InsufficientStock);
    plant
        .run(dispose(lot("FLOUR", "F1"), "2", Disposition::Restock))
        .unwrap();
    assert_eq!(held(&plant), (qty("5"), qty("1"), qty("4")));
    plant
        .run(customer_return("RMA-1", serial("PUMP", "P1"), "1", false))
        .unwrap();
    let err = plant.reject(dispose(serial("PUMP", "P1"), "1", Disposition::Restock));
    assert!(
        err.to_string().contains("unknown return authorisation"),
        "{err}"
    );
    plant.allocate("SO2", lot("FLOUR", "F1"), "4").unwrap();
    assert!(plant.allocate("SO3", lot("FLOUR", "F1"), "1").is_err());
}
