//! CSV import at scale (100,000 lot rows by default; `TRACE_BENCH_ROWS` sets another):
//! a generated lots file in the manual's columns (number, product, dates, weight,
//! description, status, quantity, location, supplier, supplier lot), validated and
//! committed to a fresh SQLite store in one all-or-nothing import (the automatic state
//! snapshot that would follow is timed on its own), then a dry run of the
//! same file against a store that already holds it (every row refused as a duplicate),
//! and the export of the imported lots. One-shot measurements, printed.

use std::fmt::Write as _;
use std::time::Instant;

use chrono::{Days, NaiveDate};
use traceability_core::io::csv::{export_csv, import_csv, CsvKind, CsvOptions};
use traceability_core::*;

fn main() {
    let rows: usize = std::env::var("TRACE_BENCH_ROWS")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(100_000);
    let text = lots_csv(rows);
    println!(
        "generated {rows} lot rows, {:.1} MB of CSV",
        text.len() as f64 / 1e6
    );

    let dir = std::env::temp_dir().join(format!("tr-bench-csv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    // Snapshots off during the import, then one written and timed on its own.
    let open = OpenOptions {
        snapshot_every: 0,
        ..OpenOptions::default()
    };
    let mut tracker = Tracker::open_with(dir.join("csv.db"), open).expect("a new store opens");
    register(&mut tracker);
    let options = CsvOptions::new(CsvKind::Lots);

    let t0 = Instant::now();
    let report = import_csv(
        &mut tracker,
        "bench",
        None,
        text.as_bytes(),
        &options,
        &mut |_| true,
    )
    .expect("the file imports");
    let took = t0.elapsed();
    assert!(report.errors.is_empty() && report.committed.is_some());
    println!(
        "import into SQLite, validated and committed: {rows} rows in {took:.2?} ({:.0} rows/s)",
        rows as f64 / took.as_secs_f64()
    );

    let t0 = Instant::now();
    tracker.snapshot().expect("snapshot");
    println!(
        "then a state snapshot of the {rows} lots: {:.2?}",
        t0.elapsed()
    );

    let mut dry = options.clone();
    dry.dry_run = true;
    let t0 = Instant::now();
    let report = import_csv(
        &mut tracker,
        "bench",
        None,
        text.as_bytes(),
        &dry,
        &mut |_| true,
    )
    .expect("the file is read");
    let took = t0.elapsed();
    println!(
        "dry run of the same file (every row a duplicate, {} errors reported): {took:.2?} ({:.0} rows/s)",
        report.errors.len(),
        rows as f64 / took.as_secs_f64()
    );

    let t0 = Instant::now();
    let mut exported = Vec::with_capacity(text.len() * 2);
    let today = NaiveDate::from_ymd_opt(2026, 6, 1).expect("a date");
    export_csv(tracker.state(), CsvKind::Lots, today, &mut exported).expect("export");
    let took = t0.elapsed();
    println!(
        "export: {rows} lots, {:.1} MB in {took:.2?} ({:.0} rows/s)",
        exported.len() as f64 / 1e6,
        rows as f64 / took.as_secs_f64()
    );
    drop(tracker);
    std::fs::remove_dir_all(&dir).ok();
}

/// Ten lot products, two locations, one supplier.
fn register(tracker: &mut Tracker) {
    let mut commands = Vec::new();
    for p in 0..10 {
        let mut product = Product::new(ProductId::new(format!("P{p}")).expect("id"), Tracking::Lot);
        product.shelf_life_days = Some(365);
        commands.push(Command::RegisterProduct(product));
    }
    for (id, kind) in [
        ("DOCK", LocationKind::Receiving),
        ("WH", LocationKind::Internal),
    ] {
        commands.push(Command::RegisterLocation(Location {
            id: LocationId::new(id).expect("id"),
            kind,
            description: String::new(),
            gln: None,
            party: None,
        }));
    }
    commands.push(Command::RegisterParty(Party {
        id: PartyId::new("MILL").expect("id"),
        role: PartyRole::Supplier,
        name: "The Mill".into(),
        gln: None,
    }));
    tracker
        .execute_batch("bench", None, &commands)
        .expect("master data");
}

/// `rows` lots over ten products, received through 2025–2026.
fn lots_csv(rows: usize) -> String {
    let start = NaiveDate::from_ymd_opt(2025, 1, 1).expect("a date");
    let mut text = String::from(
        "Number,Product,Received Date,Manufacturing Date,Expiry Date,Weight,Description,Status,Qty,Location,Vendor,Supplier Lot\n",
    );
    for i in 0..rows {
        let received = start + Days::new((i % 500) as u64);
        let made = received - Days::new(3);
        let expiry = made + Days::new(365);
        let location = if i % 2 == 0 { "DOCK" } else { "WH" };
        writeln!(
            text,
            "L{i:07},P{},{received},{made},{expiry},{}.5,batch {i},Active,{},{location},MILL,S-{i}",
            i % 10,
            i % 40 + 1,
            i % 900 + 10
        )
        .expect("writing to a String");
    }
    text
}
