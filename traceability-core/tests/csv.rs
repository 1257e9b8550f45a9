//! CSV import and export: the manual's columns and their aliases, every bad row
//! reported with line, column and value, all-or-nothing or valid rows, dry runs, and an
//! export that re-imports to the same lot records.

mod common;

use common::*;
use traceability_core::io::csv::{export_csv, import_csv, CsvKind, CsvOptions, ImportReport};
use traceability_core::*;

fn import(plant: &mut Plant, text: &str, options: &CsvOptions) -> Result<ImportReport, TraceError> {
    import_csv(
        &mut plant.tracker,
        "ana",
        None,
        text.as_bytes(),
        options,
        &mut |_| true,
    )
}

fn lots() -> CsvOptions {
    CsvOptions::new(CsvKind::Lots)
}

const MANUAL_HEADERS: &str =
    "Number,Product,Received Date,Manufacturing Date,Expiry Date,Weight,Description,Status,Qty,Location,Vendor,Supplier Lot\n";

#[test]
fn lots_import_under_the_manuals_headers() {
    let mut plant = Plant::new();
    let text = format!(
        "{MANUAL_HEADERS}\
         F-1,FLOUR,2026-01-10,2026-01-05,2026-07-01,25.5,stone ground,Active,100,DOCK,ACME,AC-77\n\
         F-2,FLOUR,2026-01-11,,,,,Inactive,,,,\n"
    );
    let report = import(&mut plant, &text, &lots()).unwrap();
    assert_eq!((report.rows, report.valid, report.errors.len()), (2, 2, 0));
    assert!(report.committed.is_some());
    let state = plant.tracker.state();
    let f1 = state
        .lot(&pid("FLOUR"), &LotNumber::new("F-1").unwrap())
        .unwrap();
    assert_eq!(f1.on_hand(), qty("100"));
    assert_eq!(f1.dates.expiry, Some(date("2026-07-01")));
    assert_eq!(f1.manufactured_on, Some(date("2026-01-05")));
    assert_eq!(f1.weight(), Some(qty("25.5")));
    assert_eq!(f1.supplier_lot(), Some("AC-77"));
    assert_eq!(f1.supplier, Some(PartyId::new("ACME").unwrap()));
    let f2 = state
        .lot(&pid("FLOUR"), &LotNumber::new("F-2").unwrap())
        .unwrap();
    assert!(f2.stock.is_empty() && !f2.active);
    // FLOUR has a 365-day shelf life: a record without an expiry gets one derived.
    assert_eq!(f2.dates.expiry, Some(date("2027-01-11")));
}

#[test]
fn every_bad_row_is_reported_and_all_or_nothing_stores_none() {
    let mut plant = Plant::new();
    let text = "lot,product,expiry_date,quantity,location\n\
                A1,FLOUR,2026-13-01,5,DOCK\n\
                A2,NOPE,,5,DOCK\n\
                A3,FLOUR,,5,DOCK\n\
                A3,FLOUR,,5,DOCK\n\
                A4,FLOUR,,-5,DOCK\n";
    let head = plant.tracker.head();
    let report = import(&mut plant, text, &lots()).unwrap();
    assert_eq!((report.rows, report.valid), (5, 1));
    let found: Vec<_> = report
        .errors
        .iter()
        .map(|e| (e.line, e.column.as_deref(), e.error.kind()))
        .collect();
    assert_eq!(
        found,
        [
            (2, Some("expiry_date"), ErrorKind::InvalidInput),
            (3, Some("product"), ErrorKind::UnknownProduct),
            (5, Some("number"), ErrorKind::DuplicateNumber),
            (6, Some("quantity"), ErrorKind::InvalidQuantity),
        ]
    );
    assert_eq!(report.errors[0].value.as_deref(), Some("2026-13-01"));
    assert_eq!(report.errors[1].value.as_deref(), Some("NOPE"));
    assert_eq!(report.errors[2].value.as_deref(), Some("A3"));
    assert_eq!(report.errors[3].value.as_deref(), Some("-5"));
    assert!(report.committed.is_none());
    assert_eq!(plant.tracker.head(), head, "all or nothing: nothing stored");

    let mut keep_valid = lots();
    keep_valid.mode = ImportMode::ValidRows;
    let report = import(&mut plant, text, &keep_valid).unwrap();
    assert_eq!(report.valid, 1);
    assert!(report.committed.is_some());
    assert!(plant
        .tracker
        .state()
        .lot(&pid("FLOUR"), &LotNumber::new("A3").unwrap())
        .is_some());
}

#[test]
fn a_dry_run_validates_and_stores_nothing_and_dates_follow_the_format() {
    let mut plant = Plant::new();
    let mut options = lots();
    options.dry_run = true;
    options.date_format = Some("%d/%m/%Y".into());
    options.delimiter = ';';
    let text = "number;product;expiry date;qty;location\nD1;FLOUR;31/12/2026;4;DOCK\n";
    let head = plant.tracker.head();
    let report = import(&mut plant, text, &options).unwrap();
    assert_eq!(
        (report.valid, report.errors.len(), report.committed),
        (1, 0, None)
    );
    assert_eq!(plant.tracker.head(), head);
    options.dry_run = false;
    import(&mut plant, text, &options).unwrap();
    let d1 = plant
        .tracker
        .state()
        .lot(&pid("FLOUR"), &LotNumber::new("D1").unwrap())
        .unwrap();
    assert_eq!(d1.dates.expiry, Some(date("2026-12-31")));
}

#[test]
fn unknown_missing_and_repeated_columns_refuse_the_file() {
    let mut plant = Plant::new();
    for (text, needle) in [
        ("number,product,colour\n", "unknown column \"colour\""),
        ("number,qty\n", "missing column \"product\""),
        ("number,product,lot\n", "appears twice"),
    ] {
        let err = import(&mut plant, text, &lots()).unwrap_err();
        assert!(err.to_string().contains(needle), "{err}");
    }
    let mut lenient = lots();
    lenient.ignore_unknown_columns = true;
    let report = import(
        &mut plant,
        "number,product,colour\nC1,FLOUR,red\n",
        &lenient,
    )
    .unwrap();
    assert_eq!(report.valid, 1);
}

#[test]
fn an_export_reimports_to_the_same_lot_records() {
    let mut plant = Plant::new();
    plant
        .run(receipt("FLOUR", "L1", "30", "DOCK", Some("ACME")))
        .unwrap();
    plant
        .move_item(lot("FLOUR", "L1"), "DOCK", "STOCK", "10")
        .unwrap();
    plant
        .run(receipt("SUGAR", "S1", "5", "DOCK", None))
        .unwrap();
    plant
        .run(Command::SetLotActive(SetLotActive {
            product: pid("SUGAR"),
            lot: LotNumber::new("S1").unwrap(),
            active: false,
        }))
        .unwrap();
    let mut exported = Vec::new();
    export_csv(
        plant.tracker.state(),
        CsvKind::Lots,
        date("2026-03-01"),
        &mut exported,
    )
    .unwrap();
    let text = String::from_utf8(exported).unwrap();
    assert!(text.starts_with("number,product,received_date,manufacturing_date,expiry_date"));
    assert_eq!(
        text.lines().count(),
        4,
        "header, L1 at two locations, S1:\n{text}"
    );

    let mut copy = Plant::new();
    let report = import(&mut copy, &text, &lots()).unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    for original in plant.tracker.state().lots() {
        let imported = copy
            .tracker
            .state()
            .lot(&original.product, &original.number)
            .unwrap();
        let mut stock = imported.stock.clone();
        stock.sort_by(|a, b| a.location.cmp(&b.location));
        let mut expected = original.stock.clone();
        expected.sort_by(|a, b| a.location.cmp(&b.location));
        assert_eq!(stock, expected);
        assert_eq!(
            (
                &imported.received_on,
                &imported.dates,
                &imported.active,
                &imported.supplier
            ),
            (
                &original.received_on,
                &original.dates,
                &original.active,
                &original.supplier
            )
        );
    }
}

#[test]
fn serials_and_test_results_import() {
    let mut plant = Plant::new();
    let serials = "Serial Number,Product,Status,Location,Vendor,Date Received\n\
                   P1,PUMP,IN_INVENTORY,STOCK,ACME,2026-02-14\n\
                   P2,PUMP,received,DOCK,,\n\
                   P3,PUMP,,,,\n\
                   P4,PUMP,SHIPPED,DOCK,,\n";
    let report = import(&mut plant, serials, &CsvOptions::new(CsvKind::Serials)).unwrap();
    assert_eq!(report.errors.len(), 1);
    assert_eq!(
        (report.errors[0].line, report.errors[0].column.as_deref()),
        (5, Some("status"))
    );
    let mut keep = CsvOptions::new(CsvKind::Serials);
    keep.mode = ImportMode::ValidRows;
    import(&mut plant, serials, &keep).unwrap();
    assert_eq!(
        plant.serial_status("PUMP", "P1"),
        Some(SerialStatus::InInventory)
    );
    assert_eq!(
        plant.serial_status("PUMP", "P2"),
        Some(SerialStatus::Received)
    );
    assert_eq!(
        plant.serial_status("PUMP", "P3"),
        Some(SerialStatus::Expected)
    );

    plant
        .run(receipt("FLOUR", "L1", "30", "DOCK", None))
        .unwrap();
    let results = "product,lot,test,value,unit,min,max,test date\n\
                   FLOUR,L1,moisture,12.5,%,,14,2026-03-01\n\
                   FLOUR,L9,moisture,12.5,%,,14,2026-03-01\n";
    let report = import(&mut plant, results, &CsvOptions::new(CsvKind::TestResults)).unwrap();
    assert_eq!(report.errors.len(), 1);
    assert_eq!(
        (report.errors[0].line, report.errors[0].error.kind()),
        (3, ErrorKind::UnknownLot)
    );
    assert_eq!(report.errors[0].column.as_deref(), Some("lot"));
    let mut exported = Vec::new();
    export_csv(
        plant.tracker.state(),
        CsvKind::Serials,
        date("2026-03-01"),
        &mut exported,
    )
    .unwrap();
    let exported = String::from_utf8(exported).unwrap();
    // The receipt date round-trips; without one it is the day of the import.
    assert!(
        exported.contains("PUMP,P1,IN_INVENTORY,STOCK,ACME,2026-02-14\n"),
        "{exported}"
    );
    assert!(
        exported.contains(&format!("PUMP,P2,RECEIVED,DOCK,,{TODAY}\n")),
        "{exported}"
    );
    assert!(exported.contains("PUMP,P3,EXPECTED,,,\n"), "{exported}");
}

#[test]
fn lot_status_is_inactive_when_expired_on_the_date_run_out_or_retired() {
    use traceability_core::query::expiry::{lots_by_status, InactiveReason, LotStatus};
    let mut plant = Plant::new();
    let text = "number,product,expiry_date,quantity,location,status\n\
                OLD,FLOUR,2026-03-10,5,DOCK,Active\n\
                GONE,FLOUR,,5,DOCK,Active\n\
                SHUT,FLOUR,,,,Inactive\n";
    assert!(import(&mut plant, text, &lots()).unwrap().errors.is_empty());
    plant
        .run(Command::Scrap(Scrap {
            item: lot("FLOUR", "GONE"),
            location: loc("DOCK"),
            quantity: qty("5"),
        }))
        .unwrap();
    let state = plant.tracker.state();
    let reasons = |status, on| {
        lots_by_status(state, status, date(on), Some(&pid("FLOUR")))
            .into_iter()
            .map(|row| (row.lot.lot.to_string(), row.reason))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        reasons(Some(LotStatus::Active), "2026-03-10"),
        [("OLD".to_owned(), None)]
    );
    assert_eq!(
        reasons(Some(LotStatus::Inactive), "2026-03-11"),
        [
            ("OLD".to_owned(), Some(InactiveReason::Expired)),
            ("GONE".to_owned(), Some(InactiveReason::Depleted)),
            ("SHUT".to_owned(), Some(InactiveReason::Retired)),
        ]
    );
    assert_eq!(reasons(None, "2026-03-11").len(), 3);
}

#[test]
fn a_lot_record_is_updated_field_by_field() {
    let mut plant = Plant::new();
    plant
        .run(receipt("FLOUR", "L1", "10", "DOCK", None))
        .unwrap();
    let update = |description: Option<&str>, made: Option<&str>| {
        Command::UpdateLot(UpdateLot {
            lot: LotKey {
                product: pid("FLOUR"),
                lot: LotNumber::new("L1").unwrap(),
            },
            description: description.map(str::to_owned),
            weight: Some(qty("25")),
            supplier_lot: None,
            manufactured_on: made.map(date),
            attributes: [("origin".to_owned(), "Beauce".to_owned())].into(),
        })
    };
    plant
        .run(update(Some("stone ground"), Some("2026-02-20")))
        .unwrap();
    let l1 = plant
        .tracker
        .state()
        .lot(&pid("FLOUR"), &LotNumber::new("L1").unwrap())
        .unwrap();
    assert_eq!(l1.description(), "stone ground");
    assert_eq!(
        (l1.weight(), l1.manufactured_on),
        (Some(qty("25")), Some(date("2026-02-20")))
    );
    assert_eq!(l1.attributes()["origin"], "Beauce");
    // A manufacturing date after the receipt is refused; nothing changes.
    let err = plant.reject(update(None, Some("2026-03-02")));
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let history = plant.tracker.history(&lot("FLOUR", "L1")).unwrap();
    assert_eq!(
        history.last().unwrap().body.payload.action(),
        "details_updated"
    );
}
