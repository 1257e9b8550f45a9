//! Measures the EPCIS export and the FSMA 204 records on a generated log kept in a
//! SQLite file, so the export's memory can be told apart from the state's: run
//! `open` and `export` under `/usr/bin/time -v` and compare their peak RSS.
//!
//! ```text
//! cargo run --release -p traceability-bench --example epcis_export build /tmp/log.sqlite [LOTS=20000]
//! cargo run --release -p traceability-bench --example epcis_export open   /tmp/log.sqlite
//! cargo run --release -p traceability-bench --example epcis_export export /tmp/log.sqlite [OUT.jsonld]
//! cargo run --release -p traceability-bench --example epcis_export fsma   /tmp/log.sqlite
//! ```

use std::time::Instant;

use traceability_core::io::{epcis, fsma};
use traceability_core::Tracker;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mode, path) = match args.as_slice() {
        [mode, path, ..] => (mode.as_str(), path.as_str()),
        _ => return Err("usage: epcis_export build|open|export|fsma PATH [LOTS]".into()),
    };
    if mode == "build" {
        let lots = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(20_000);
        let _ = std::fs::remove_file(path);
        let mut tracker = Tracker::open(path)?;
        let data = traceability_bench::generate(lots, 42);
        traceability_bench::load_into(&mut tracker, &data.commands, 1_000)?;
        println!("{} events in {path}", tracker.head().0);
        return Ok(());
    }
    let t0 = Instant::now();
    let tracker = Tracker::open(path)?;
    let events = tracker.head().0;
    println!("opened {events} events in {:.2?}", t0.elapsed());
    let t1 = Instant::now();
    match mode {
        "export" => {
            let options = epcis::EpcisOptions::default();
            let out: Box<dyn std::io::Write> = match args.get(2) {
                Some(file) => Box::new(std::fs::File::create(file)?),
                None => Box::new(std::io::sink()),
            };
            let summary = epcis::export(&tracker, &epcis::Selection::All, &options, out)?;
            let secs = t1.elapsed().as_secs_f64();
            println!(
                "exported {} EPCIS events from {} log events in {secs:.2} s: {:.0} log events/s",
                summary.events_written,
                summary.events_read,
                summary.events_read as f64 / secs
            );
        }
        "fsma" => {
            let rows = fsma::records(&tracker, &fsma::FsmaSelection::default())?;
            let mut out = Vec::new();
            fsma::write_csv(&rows, &mut out)?;
            println!(
                "{} FSMA rows ({} bytes of CSV) in {:.2?}",
                rows.len(),
                out.len(),
                t1.elapsed()
            );
        }
        _ => {}
    }
    Ok(())
}
