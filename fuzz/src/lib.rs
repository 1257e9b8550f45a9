//! Shared pieces of the fuzz targets (see `fuzz_targets/`): the small plant every
//! target starts from, a fixed clock, and the helpers that check the engine's
//! invariants. Also used by `examples/make_corpus.rs`, which writes the seed corpus.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use traceability_core::event::{chain_hash, StoredEvent, GENESIS_HASH};
use traceability_core::store::MemoryStore;
use traceability_core::*;
use traceability_core::{AllocationRequest, Strategy};

/// The instant the fixed clock shows: "today" is 2026-03-01.
pub const NOW: &str = "2026-03-01T08:00:00Z";
/// Who issues the fuzzed commands.
pub const ACTOR: &str = "fuzzer";
/// The reason given with every fuzzed command (adjustments, scraps, overrides and
/// status changes need one).
pub const REASON: &str = "fuzzing";
/// At most this many commands of one input are executed (keeps each run short).
pub const MAX_COMMANDS: usize = 16;

/// The fixed clock every target uses.
pub fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(NOW.parse().expect("valid instant")))
}

fn id<T: std::str::FromStr<Err = InvalidInput>>(s: &str) -> T {
    s.parse().expect("fixture ids are valid")
}

fn q(s: &str) -> Quantity {
    s.parse().expect("fixture quantities are valid")
}

fn d(s: &str) -> chrono::NaiveDate {
    s.parse().expect("fixture dates are valid")
}

/// The small plant: lot products FLOUR (365 days shelf life, 30 days warning), SUGAR and
/// CHOC, serial products PUMP and MOTOR, untracked BOX; locations DOCK, STOCK, LINE
/// (production), STAGE, QA (quarantine), CUST (customer); supplier ACME, customer SHOP,
/// party BOTH; lots FLOUR/L1 (100 kg), FLOUR/L2 (expiring soon), SUGAR/S1, CHOC/K1
/// produced from FLOUR/L1 and SUGAR/S1; serials PUMP/SN1..SN3 (SN1 put away, SN2 on
/// hold), MOTOR/M1 consumed into PUMP/SN4, PUMP/SN9 expected; order SO1 shipped to SHOP
/// as SH1 (5 kg of FLOUR/L1), order SO2 allocated (PUMP/SN1).
pub fn fixture_commands() -> Vec<Command> {
    let mut c = Vec::new();
    for (pid, tracking) in [
        ("FLOUR", Tracking::Lot),
        ("SUGAR", Tracking::Lot),
        ("CHOC", Tracking::Lot),
        ("PUMP", Tracking::Serial),
        ("MOTOR", Tracking::Serial),
        ("BOX", Tracking::None),
    ] {
        let mut p = Product::new(id(pid), tracking);
        if pid == "FLOUR" {
            p.shelf_life_days = Some(365);
            p.expiry_warning_days = Some(30);
            p.unit = "kg".into();
        }
        if pid == "CHOC" {
            p.shelf_life_days = Some(180);
            p.best_before_days = Some(150);
            p.removal_days = Some(120);
            p.alert_days = Some(90);
        }
        c.push(Command::RegisterProduct(p));
    }
    for (lid, kind) in [
        ("DOCK", LocationKind::Receiving),
        ("STOCK", LocationKind::Internal),
        ("LINE", LocationKind::Production),
        ("STAGE", LocationKind::Staging),
        ("QA", LocationKind::Quarantine),
        ("CUST", LocationKind::Customer),
    ] {
        c.push(Command::RegisterLocation(Location::new(id(lid), kind)));
    }
    for (party, role) in [
        ("ACME", PartyRole::Supplier),
        ("SHOP", PartyRole::Customer),
        ("BOTH", PartyRole::Both),
    ] {
        c.push(Command::RegisterParty(Party {
            id: id(party),
            role,
            name: party.to_lowercase(),
            gln: None,
        }));
    }
    let mut l1 = LotSpec::new(id("FLOUR"), id("L1"));
    l1.manufactured_on = Some(d("2026-01-15"));
    l1.supplier_lot = Some("ACME-77".into());
    c.push(Command::ReceiveLot(ReceiveLot {
        spec: l1,
        quantity: q("100"),
        location: id("DOCK"),
        supplier: Some(id("ACME")),
        received_on: Some(d("2026-02-01")),
        reference: Some("PO-1".into()),
    }));
    let mut l2 = LotSpec::new(id("FLOUR"), id("L2"));
    l2.dates.expiry = Some(d("2026-03-10"));
    c.push(Command::ReceiveLot(ReceiveLot {
        spec: l2,
        quantity: q("12.5"),
        location: id("STOCK"),
        supplier: None,
        received_on: None,
        reference: None,
    }));
    c.push(Command::ReceiveLot(ReceiveLot {
        spec: LotSpec::new(id("SUGAR"), id("S1")),
        quantity: q("40"),
        location: id("LINE"),
        supplier: Some(id("BOTH")),
        received_on: Some(d("2026-02-10")),
        reference: None,
    }));
    c.push(Command::Move(Move {
        item: ItemRef::lot("FLOUR", "L1").unwrap(),
        from: id("DOCK"),
        to: id("LINE"),
        quantity: q("30"),
        override_expiry: false,
    }));
    c.push(Command::Produce(Produce {
        work_order: id("WO1"),
        consumed: vec![
            Line {
                item: ItemRef::lot("FLOUR", "L1").unwrap(),
                location: id("LINE"),
                quantity: q("20"),
            },
            Line {
                item: ItemRef::lot("SUGAR", "S1").unwrap(),
                location: id("LINE"),
                quantity: q("10"),
            },
        ],
        outputs: vec![Output::NewLot {
            spec: LotSpec::new(id("CHOC"), id("K1")),
            quantity: q("25"),
            location: id("STOCK"),
        }],
        produced_on: Some(d("2026-02-20")),
        override_expiry: false,
    }));
    c.push(Command::ReceiveSerials(ReceiveSerials {
        product: id("PUMP"),
        serials: vec![id("SN1"), id("SN2"), id("SN3")],
        location: id("DOCK"),
        supplier: Some(id("ACME")),
        reference: Some("ASN-1".into()),
        generate: 0,
        put_away: false,
        received_on: None,
    }));
    c.push(Command::ReceiveSerials(ReceiveSerials {
        product: id("MOTOR"),
        serials: vec![id("M1")],
        location: id("DOCK"),
        supplier: None,
        reference: None,
        generate: 0,
        put_away: false,
        received_on: None,
    }));
    for (product, serial) in [("PUMP", "SN1"), ("MOTOR", "M1")] {
        c.push(Command::Move(Move {
            item: ItemRef::serial(product, serial).unwrap(),
            from: id("DOCK"),
            to: id("LINE"),
            quantity: Quantity::ONE,
            override_expiry: false,
        }));
    }
    c.push(Command::Produce(Produce {
        work_order: id("WO2"),
        consumed: vec![Line {
            item: ItemRef::serial("MOTOR", "M1").unwrap(),
            location: id("LINE"),
            quantity: Quantity::ONE,
        }],
        outputs: vec![Output::NewSerial {
            product: id("PUMP"),
            serial: Some(id("SN4")),
            location: id("STOCK"),
        }],
        produced_on: None,
        override_expiry: false,
    }));
    c.push(Command::ExpectSerials(ExpectSerials {
        product: id("PUMP"),
        serials: vec![id("SN9")],
        supplier: Some(id("ACME")),
        reference: None,
    }));
    c.push(Command::AllocateStock(AllocationRequest::new(
        id("FLOUR"),
        q("5"),
        id("SO1"),
        Strategy::Fefo,
    )));
    c.push(Command::Pick(Pick {
        order: id("SO1"),
        item: ItemRef::lot("FLOUR", "L2").unwrap(),
        quantity: q("5"),
    }));
    c.push(Command::Ship(Ship {
        shipment: id("SH1"),
        order: id("SO1"),
        customer: id("SHOP"),
        shipped_on: None,
        override_expiry: false,
    }));
    c.push(Command::Allocate(Allocate {
        order: id("SO2"),
        item: ItemRef::serial("PUMP", "SN1").unwrap(),
        location: None,
        quantity: Quantity::ONE,
        ship_date: None,
    }));
    c.push(Command::RecordTestResult(RecordTestResult {
        lot: LotKey {
            product: id("CHOC"),
            lot: id("K1"),
        },
        test: "moisture".into(),
        value: q("3.2"),
        unit: "%".into(),
        spec_min: Some(q("1")),
        spec_max: Some(q("5")),
        tested_on: None,
    }));
    c.push(Command::PlaceHold(PlaceHold {
        items: vec![ItemRef::serial("PUMP", "SN2").unwrap()],
    }));
    c
}

/// A tracker on a fresh in-memory store with the fixed clock, holding the fixture.
pub fn fixture_tracker() -> Tracker {
    let mut t = Tracker::with_store(Box::new(MemoryStore::default()), clock())
        .expect("an empty store opens");
    for command in fixture_commands() {
        if let Err(e) = t.execute(ACTOR, Some(REASON), &command) {
            panic!("fixture command refused: {e}\n{command:?}");
        }
    }
    t
}

/// The fixture's event records, computed once per process.
pub fn fixture_records() -> &'static [StoredEvent] {
    static RECORDS: OnceLock<Vec<StoredEvent>> = OnceLock::new();
    RECORDS.get_or_init(|| {
        fixture_tracker()
            .stored_events(0)
            .expect("memory store reads")
    })
}

/// A tracker replayed from the fixture's records (cheaper than executing the fixture's
/// commands, and exercises the replay).
pub fn fixture_replayed() -> Tracker {
    Tracker::with_store(
        Box::new(MemoryStore::from_records(fixture_records().to_vec())),
        clock(),
    )
    .expect("the fixture replays")
}

/// Replays `tracker`'s whole log into a fresh tracker and asserts it reaches the same
/// state and head.
pub fn assert_replays_equal(tracker: &Tracker, context: &dyn std::fmt::Debug) {
    let records = tracker.stored_events(0).expect("memory store reads");
    let replayed = match Tracker::with_store(Box::new(MemoryStore::from_records(records)), clock())
    {
        Ok(t) => t,
        Err(e) => panic!("the log of accepted commands does not replay: {e}\nafter: {context:?}"),
    };
    assert_eq!(
        replayed.head(),
        tracker.head(),
        "replayed head differs after {context:?}"
    );
    assert!(
        replayed.state() == tracker.state(),
        "replayed state differs from the live state after {context:?}"
    );
}

/// Seals `body` as event `seq` following `prev_hash`, with a correct hash, so a tracker
/// reading it gets past the chain check to decoding and applying it.
pub fn sealed_raw(seq: u64, body: &[u8], prev_hash: [u8; 32]) -> StoredEvent {
    StoredEvent {
        seq,
        body: body.to_vec(),
        prev_hash,
        hash: chain_hash(&prev_hash, seq, body),
    }
}

/// The genesis hash, re-exported for the targets.
pub const GENESIS: [u8; 32] = GENESIS_HASH;

/// The bytes of a valid small SQLite log holding the fixture (built once per process in
/// `dir`, deterministic apart from SQLite's own header counters).
pub fn template_db(dir: &Path) -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let path = dir.join("template.db");
        remove_db(&path);
        {
            let mut t = Tracker::open(&path).expect("a new SQLite store opens");
            t.set_clock(clock());
            for record in fixture_commands() {
                t.execute(ACTOR, Some(REASON), &record)
                    .expect("fixture accepted");
            }
        } // closing checkpoints the WAL into the main file
        let bytes = std::fs::read(&path).expect("template readable");
        remove_db(&path);
        bytes
    })
}

/// Removes a database file and its WAL / shared-memory companions.
pub fn remove_db(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

/// A private scratch directory for this process: under `$TRACEABILITY_FUZZ_SCRATCH`
/// when set (`scripts/fuzz.sh` sets it and removes it afterwards), else on tmpfs when
/// there is one.
pub fn scratch_dir(name: &str) -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = if let Some(dir) = std::env::var_os("TRACEABILITY_FUZZ_SCRATCH") {
            PathBuf::from(dir)
        } else if Path::new("/dev/shm").is_dir() {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        let dir = base.join(format!("traceability-fuzz-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch dir");
        dir
    })
}
