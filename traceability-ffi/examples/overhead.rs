//! Per-call cost of a simple command and a query: the core called from Rust versus the
//! same call through the C ABI (`tr_adjust`, `tr_lot_json`). The C side of the
//! comparison is `tests/c/bench.c`, which runs the same loops from C.
//!
//! `cargo run --release -p traceability-ffi --example overhead [N]`

use std::ffi::{c_char, CStr};
use std::time::Instant;

use traceability::*;
use traceability_core::{
    Adjust, Command, Location, LocationId, LocationKind, LotNumber, LotSpec, Product, ProductId,
    ReceiveLot, Tracker, Tracking,
};

fn set_up() -> Tracker {
    let mut t = Tracker::in_memory();
    let flour = ProductId::new("FLOUR").unwrap();
    let dock = LocationId::new("DOCK").unwrap();
    t.execute(
        "ana",
        None,
        &Command::RegisterProduct(Product::new(flour.clone(), Tracking::Lot)),
    )
    .unwrap();
    t.execute(
        "ana",
        None,
        &Command::RegisterLocation(Location {
            id: dock.clone(),
            kind: LocationKind::Receiving,
            description: String::new(),
            gln: None,
            party: None,
        }),
    )
    .unwrap();
    t.execute(
        "ana",
        None,
        &Command::ReceiveLot(ReceiveLot {
            spec: LotSpec::new(flour, LotNumber::new("L1").unwrap()),
            quantity: "100".parse().unwrap(),
            location: dock,
            supplier: None,
            received_on: None,
            reference: None,
        }),
    )
    .unwrap();
    t
}

fn time(label: &str, n: u32, mut f: impl FnMut()) {
    let start = Instant::now();
    for _ in 0..n {
        f();
    }
    let ns = start.elapsed().as_nanos() as f64 / f64::from(n);
    println!("{label:<44} {ns:>9.0} ns/call");
}

fn main() {
    let n: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    println!("N = {n}");

    let mut rust = set_up();
    let adjust = Command::Adjust(Adjust {
        product: ProductId::new("FLOUR").unwrap(),
        lot: LotNumber::new("L1").unwrap(),
        location: LocationId::new("DOCK").unwrap(),
        delta: "1".parse().unwrap(),
    });
    time("rust: Tracker::execute(Adjust)", n, || {
        rust.execute("ana", Some("count"), &adjust).unwrap();
    });
    let (flour, l1) = (
        ProductId::new("FLOUR").unwrap(),
        LotNumber::new("L1").unwrap(),
    );
    time("rust: state().lot() + serde_json", n, || {
        let json = serde_json::to_string(rust.state().lot(&flour, &l1).unwrap()).unwrap();
        std::hint::black_box(json);
    });

    let handle = tr_tracker::into_raw(set_up());
    let c = |s: &'static CStr| s.as_ptr();
    time("c abi: tr_adjust", n, || unsafe {
        let status = commands::tr_adjust(
            handle,
            c(c"ana"),
            c(c"count"),
            c(c"FLOUR"),
            c(c"L1"),
            c(c"DOCK"),
            c(c"1"),
        );
        assert_eq!(status, TR_OK);
    });
    time("c abi: tr_lot_json + tr_string_free", n, || unsafe {
        let mut out: *mut c_char = std::ptr::null_mut();
        assert_eq!(
            queries::tr_lot_json(handle, c(c"FLOUR"), c(c"L1"), &mut out),
            TR_OK
        );
        lifecycle::tr_string_free(out);
    });
    time(
        "c abi: tr_pick(NULL, ...) (guard + error only)",
        n,
        || unsafe {
            let item = tr_item {
                kind: TR_ITEM_LOT,
                product: c(c"FLOUR"),
                number: c(c"L1"),
            };
            let status = commands::tr_pick(
                std::ptr::null_mut(),
                c(c"ana"),
                std::ptr::null(),
                c(c"SO"),
                &item,
                c(c"1"),
            );
            assert_eq!(status, TR_ERR_NULL_POINTER);
        },
    );
    unsafe { lifecycle::tr_tracker_free(handle) };
}
