//! GS1 barcode parsing speed: a realistic mix of scanner output and written data, each
//! string checked in full (AIs, lengths, character sets, check digits, dates, AI
//! pairing). First a timed run over the mix, printed as element strings per second on
//! one core (the target is at least 2 million), then criterion per kind of label.
//!
//! The mix:
//! - a pharma GS1 DataMatrix (`]d2`): GTIN, expiry, batch and serial with FNC1
//!   separators (the EU FMD pack code);
//! - a meat GS1-128 label (`]C1`): GTIN, net weight, best before, batch;
//! - an SSCC GS1-128 pallet label (`]C1` + 00);
//! - the bracketed form a person types: GTIN, expiry, batch, count.

use std::hint::black_box;
use std::time::Instant;

use chrono::NaiveDate;
use criterion::{criterion_group, Criterion};
use traceability_core::io::gs1::parse;

const PHARMA: &str = "]d2010950600013435217261231\u{1d}10ABC123\u{1d}21SN00123456789";
const MEAT: &str = "]C10109506000134369310300123415261015\u{1d}10BATCH7";
const SSCC: &str = "]C100106141411234567897";
const BRACKETED: &str = "(01)09506000134352(17)261231(10)L42(30)12";
const MIX: [(&str, &str); 4] = [
    ("pharma_datamatrix", PHARMA),
    ("meat_gs1_128", MEAT),
    ("sscc_gs1_128", SSCC),
    ("bracketed", BRACKETED),
];

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 1).expect("a date")
}

/// Parses the mix round after round for about `seconds`, and prints the rate.
fn report(seconds: f64) {
    for (_, text) in MIX {
        parse(text, today()).expect("every label of the mix is valid GS1 data");
    }
    let today = today();
    let (mut parsed, t0) = (0u64, Instant::now());
    while t0.elapsed().as_secs_f64() < seconds {
        for _ in 0..1_000 {
            for (_, text) in MIX {
                black_box(parse(black_box(text), today).is_ok());
            }
        }
        parsed += 1_000 * MIX.len() as u64;
    }
    let rate = parsed as f64 / t0.elapsed().as_secs_f64();
    println!(
        "gs1 parse, the 4-label mix: {rate:>12.0} element strings/s on one core ({parsed} parsed)"
    );
}

fn criterion_parse(c: &mut Criterion) {
    let today = today();
    let mut group = c.benchmark_group("gs1_parse");
    for (name, text) in MIX {
        group.bench_function(name, |b| {
            b.iter(|| black_box(parse(black_box(text), today)))
        });
    }
    group.finish();
}

criterion_group!(benches, criterion_parse);

fn main() {
    report(3.0);
    benches();
    Criterion::default().configure_from_args().final_summary();
}
