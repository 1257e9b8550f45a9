//! FSMA 204 records: the CTE rows and Key Data Elements of a small supply chain
//! (two ingredient lots received, bread baked from them, shipped), selections by lot,
//! product and dates, and the CSV.

mod bakery;

use bakery::*;
use traceability_core::io::fsma::{self, Cte, CteRecord, FsmaSelection, COLUMNS};
use traceability_core::*;

fn all(tracker: &Tracker) -> Vec<CteRecord> {
    fsma::records(tracker, &FsmaSelection::default()).unwrap()
}

/// (CTE, date, TLC, product, quantity) of each row.
fn summary(rows: &[CteRecord]) -> Vec<(Cte, String, &str, &str, String)> {
    rows.iter()
        .map(|r| {
            (
                r.cte,
                r.date.to_string(),
                r.traceability_lot_code.as_str(),
                r.product.as_str(),
                r.quantity.to_string(),
            )
        })
        .collect()
}

#[test]
fn receipts_a_transformation_and_a_shipment_give_their_rows_in_date_and_tlc_order() {
    let b = Bakery::supply_chain();
    let rows = all(&b.tracker);
    let day = |d: &str| d.to_owned();
    assert_eq!(
        summary(&rows),
        [
            (
                Cte::Receiving,
                day("2026-03-01"),
                "ACME-F1",
                "FLOUR",
                "100".into()
            ),
            (
                Cte::Receiving,
                day("2026-03-01"),
                "MILL-S1",
                "SUGAR",
                "50".into()
            ),
            (
                Cte::TransformationInput,
                day("2026-03-02"),
                "ACME-F1",
                "FLOUR",
                "60".into()
            ),
            (
                Cte::TransformationOutput,
                day("2026-03-02"),
                "B1",
                "BREAD",
                "80".into()
            ),
            (
                Cte::TransformationInput,
                day("2026-03-02"),
                "MILL-S1",
                "SUGAR",
                "20".into()
            ),
            (Cte::Shipping, day("2026-03-03"), "B1", "BREAD", "30".into()),
        ]
    );
}

#[test]
fn each_cte_carries_its_key_data_elements() {
    let b = Bakery::supply_chain();
    let rows = all(&b.tracker);
    let acme = format!("Acme Mills (GLN {ACME_GLN})");
    let dock = format!("Goods in, Main St 1 (GLN {DOCK_GLN})");

    let flour = &rows[0];
    assert_eq!(flour.product_description, "Wheat flour T55");
    assert_eq!(flour.unit, "kg");
    assert_eq!(flour.tlc_source, acme);
    assert_eq!(flour.tlc_source_reference.as_deref(), Some(ACME_GLN));
    assert_eq!(flour.previous_source.as_deref(), Some(acme.as_str()));
    assert_eq!(flour.receiving_location.as_deref(), Some(dock.as_str()));
    assert_eq!(
        (
            flour.reference_document_type.as_str(),
            flour.reference_document_number.as_str()
        ),
        ("Receipt", "PO-F1")
    );
    assert_eq!(
        (
            flour.ship_from.as_ref(),
            flour.transformation_location.as_ref()
        ),
        (None, None)
    );
    let sugar = &rows[1];
    assert_eq!(
        (
            sugar.tlc_source.as_str(),
            sugar.tlc_source_reference.as_ref()
        ),
        ("Village Mill", None)
    );

    let bread = &rows[3];
    assert_eq!(bread.tlc_source, "Bakery line 1");
    assert_eq!(bread.tlc_source_reference, None);
    for row in &rows[2..5] {
        assert_eq!(
            row.transformation_location.as_deref(),
            Some("Bakery line 1")
        );
        assert_eq!(
            (
                row.reference_document_type.as_str(),
                row.reference_document_number.as_str()
            ),
            ("Work order", "WO1")
        );
        assert_eq!(
            row.event_seq, bread.event_seq,
            "one transformation, one event"
        );
    }
    // An input keeps the TLC and source it was received with.
    assert_eq!(
        (rows[2].tlc_source.as_str(), rows[2].lot.as_str()),
        (acme.as_str(), "F1")
    );

    let ship = &rows[5];
    assert_eq!(ship.product_description, "Sourdough loaf 500 g");
    assert_eq!(ship.unit, "ea");
    assert_eq!(ship.tlc_source, "Bakery line 1");
    assert_eq!(ship.ship_from.as_deref(), Some("Bakery line 1"));
    assert_eq!(
        ship.ship_to.as_deref(),
        Some(format!("Corner Shop (GLN {SHOP_GLN})").as_str())
    );
    assert_eq!(
        (
            ship.reference_document_type.as_str(),
            ship.reference_document_number.as_str()
        ),
        ("Shipment", "SH1")
    );
}

#[test]
fn selections_by_lot_product_and_dates() {
    let b = Bakery::supply_chain();
    let select =
        |product: Option<&str>, lot: Option<&str>, from: Option<&str>, to: Option<&str>| {
            let selection = FsmaSelection {
                product: product.map(pid),
                lot: lot.map(|l| LotNumber::new(l).unwrap()),
                from: from.map(date),
                to: to.map(date),
            };
            fsma::records(&b.tracker, &selection)
        };
    let ctes = |rows: Vec<CteRecord>| {
        rows.iter()
            .map(|r| (r.cte, r.lot.to_string()))
            .collect::<Vec<_>>()
    };
    let transformation = [
        (Cte::TransformationInput, "F1".to_owned()),
        (Cte::TransformationOutput, "B1".to_owned()),
        (Cte::TransformationInput, "S1".to_owned()),
    ];
    assert_eq!(
        ctes(select(None, None, Some("2026-03-02"), Some("2026-03-02")).unwrap()),
        transformation
    );
    assert_eq!(
        ctes(select(Some("BREAD"), Some("B1"), None, None).unwrap()),
        [&transformation[..], &[(Cte::Shipping, "B1".to_owned())]].concat()
    );
    assert_eq!(
        ctes(select(Some("SUGAR"), None, None, Some("2026-03-01")).unwrap()),
        [(Cte::Receiving, "S1".to_owned())]
    );
    assert_eq!(select(None, None, Some("2026-03-04"), None).unwrap(), []);
    let field = |r: Result<Vec<CteRecord>, TraceError>| match r {
        Err(TraceError::InvalidInput { field, .. }) => field,
        other => panic!("{other:?}"),
    };
    assert_eq!(field(select(None, Some("B1"), None, None)), "lot");
    assert_eq!(
        field(select(None, None, Some("2026-03-03"), Some("2026-03-02"))),
        "from"
    );
    assert!(matches!(
        select(Some("BREAD"), Some("B9"), None, None),
        Err(TraceError::UnknownLot { .. })
    ));
    assert!(matches!(
        select(Some("NOPE"), None, None, None),
        Err(TraceError::UnknownProduct(_))
    ));
}

#[test]
fn a_lot_from_no_supplier_is_initially_packed_here_and_a_return_is_a_receiving() {
    let mut b = Bakery::supply_chain();
    b.at("2026-03-04T10:00:00Z");
    b.receive("FLOUR", "OWN1", "10", None);
    b.run(Command::Return(Return {
        rma: ReturnId::new("RMA1").unwrap(),
        customer: party("SHOP"),
        item: lot("BREAD", "B1"),
        location: loc("DOCK"),
        quantity: qty("4"),
        release: false,
    }));
    let rows = fsma::records(
        &b.tracker,
        &FsmaSelection {
            from: Some(date("2026-03-04")),
            ..FsmaSelection::default()
        },
    )
    .unwrap();
    assert_eq!(
        summary(&rows),
        [
            (
                Cte::Receiving,
                "2026-03-04".into(),
                "B1",
                "BREAD",
                "4".into()
            ),
            (
                Cte::InitialPacking,
                "2026-03-04".into(),
                "OWN1",
                "FLOUR",
                "10".into()
            ),
        ]
    );
    let dock = format!("Goods in, Main St 1 (GLN {DOCK_GLN})");
    assert_eq!(
        rows[0].previous_source.as_deref(),
        Some(format!("Corner Shop (GLN {SHOP_GLN})").as_str())
    );
    assert_eq!(rows[0].receiving_location.as_deref(), Some(dock.as_str()));
    assert_eq!(rows[0].reference_document_type, "Return authorization");
    assert_eq!(rows[1].tlc_source, dock);
    assert_eq!(rows[1].tlc_source_reference.as_deref(), Some(DOCK_GLN));
    assert_eq!(
        (
            rows[1].previous_source.as_ref(),
            rows[1].receiving_location.as_ref()
        ),
        (None, None)
    );
    assert_eq!(
        rows[1].transformation_location.as_deref(),
        Some(dock.as_str())
    );
    assert_eq!(rows[1].reference_document_number, "PO-OWN1");
}

#[test]
fn the_csv_has_the_header_and_one_line_per_row() {
    let b = Bakery::supply_chain();
    let rows = all(&b.tracker);
    let mut out = Vec::new();
    fsma::write_csv(&rows, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1 + rows.len());
    assert_eq!(lines[0], COLUMNS.join(","));
    assert_eq!(
        lines[1],
        format!(
            "Receiving,2026-03-01,ACME-F1,Wheat flour T55,100,kg,Acme Mills (GLN {ACME_GLN}),{ACME_GLN},\
             Acme Mills (GLN {ACME_GLN}),\"Goods in, Main St 1 (GLN {DOCK_GLN})\",,,,Receipt,PO-F1,FLOUR,F1,{}",
            rows[0].event_seq
        )
    );
    let ship = lines[6];
    assert!(
        ship.starts_with(
            "Shipping,2026-03-03,B1,Sourdough loaf 500 g,30,ea,Bakery line 1,,,,Bakery line 1,"
        ),
        "{ship}"
    );
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(reader.records().count(), rows.len());
}
