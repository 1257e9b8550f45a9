//! A small plant shared by the integration tests: products, locations, parties, a fixed
//! clock, and shorthands for the commands the tests issue.
#![allow(dead_code)] // each test binary uses a different part of the fixture

use std::sync::Arc;

use chrono::NaiveDate;
use traceability_core::*;

pub const TODAY: &str = "2026-03-01";

/// A fresh SQLite path (file and WAL removed) in a folder of this test process; `name`
/// must be unique within the test binary.
pub fn temp_db(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("traceability-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.sqlite"));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    path
}

pub fn date(s: &str) -> NaiveDate {
    s.parse().expect("test dates are valid")
}

pub fn qty(s: &str) -> Quantity {
    s.parse().expect("test quantities are valid")
}

pub fn loc(s: &str) -> LocationId {
    LocationId::new(s).unwrap()
}

pub fn pid(s: &str) -> ProductId {
    ProductId::new(s).unwrap()
}

pub fn lot(product: &str, lot: &str) -> ItemRef {
    ItemRef::lot(product, lot).unwrap()
}

pub fn serial(product: &str, serial: &str) -> ItemRef {
    ItemRef::serial(product, serial).unwrap()
}

pub fn order(s: &str) -> OrderId {
    OrderId::new(s).unwrap()
}

/// The receipt of a new lot, received today.
pub fn receipt(
    product: &str,
    number: &str,
    quantity: &str,
    at: &str,
    supplier: Option<&str>,
) -> Command {
    Command::ReceiveLot(ReceiveLot {
        spec: LotSpec::new(pid(product), LotNumber::new(number).unwrap()),
        quantity: qty(quantity),
        location: loc(at),
        supplier: supplier.map(|s| PartyId::new(s).unwrap()),
        received_on: None,
        reference: None,
    })
}

pub fn serials(numbers: &[&str]) -> Vec<SerialNumber> {
    numbers
        .iter()
        .map(|n| SerialNumber::new(n).unwrap())
        .collect()
}

/// Registers a location of no party, without description or GLN.
pub fn register_location(id: &str, kind: LocationKind) -> Command {
    Command::RegisterLocation(Location {
        id: loc(id),
        kind,
        description: String::new(),
        gln: None,
        party: None,
    })
}

/// Lot products FLOUR (365 days shelf life), SUGAR, BREAD; serial products PUMP, MOTOR;
/// locations DOCK, STOCK, LINE (production), STAGE, CUST (customer), QA; supplier ACME,
/// customer SHOP.
pub fn master_data() -> Vec<Command> {
    let mut commands = Vec::new();
    for (id, tracking) in [
        ("FLOUR", Tracking::Lot),
        ("SUGAR", Tracking::Lot),
        ("BREAD", Tracking::Lot),
        ("PUMP", Tracking::Serial),
        ("MOTOR", Tracking::Serial),
    ] {
        let mut product = Product::new(pid(id), tracking);
        if id == "FLOUR" {
            product.shelf_life_days = Some(365);
            product.unit = "kg".into();
        }
        commands.push(Command::RegisterProduct(product));
    }
    for (id, role) in [("ACME", PartyRole::Supplier), ("SHOP", PartyRole::Customer)] {
        commands.push(Command::RegisterParty(Party {
            id: PartyId::new(id).unwrap(),
            role,
            name: id.into(),
            gln: None,
        }));
    }
    for (id, kind) in [
        ("DOCK", LocationKind::Receiving),
        ("STOCK", LocationKind::Internal),
        ("LINE", LocationKind::Production),
        ("STAGE", LocationKind::Staging),
        ("CUST", LocationKind::Customer),
        ("QA", LocationKind::Quarantine),
    ] {
        // CUST is the premises of the customer SHOP: stock moved there is delivered.
        let party = (id == "CUST").then(|| PartyId::new("SHOP").unwrap());
        commands.push(Command::RegisterLocation(Location {
            id: loc(id),
            kind,
            description: String::new(),
            gln: None,
            party,
        }));
    }
    commands
}

pub struct Plant {
    pub tracker: Tracker,
    pub clock: Arc<FixedClock>,
}

impl Plant {
    /// An in-memory plant with master data registered, clock at [`TODAY`] 08:00 UTC.
    pub fn new() -> Self {
        Self::on(Tracker::in_memory())
    }

    /// The plant on a given tracker (e.g. one on SQLite).
    pub fn on(mut tracker: Tracker) -> Self {
        let clock = Arc::new(FixedClock::new(
            format!("{TODAY}T08:00:00Z").parse().unwrap(),
        ));
        tracker.set_clock(clock.clone());
        let mut plant = Self { tracker, clock };
        if plant.tracker.state().product(&pid("FLOUR")).is_none() {
            plant
                .tracker
                .execute_batch("setup", None, &master_data())
                .expect("master data is valid");
        }
        plant
    }

    pub fn run(&mut self, command: Command) -> Result<Committed, TraceError> {
        self.tracker.execute("tester", Some("test"), &command)
    }

    /// Runs a command that must be rejected, checks that nothing changed, returns the error.
    pub fn reject(&mut self, command: Command) -> TraceError {
        let before = self.tracker.state().clone();
        let head = self.tracker.head();
        let err = self.run(command).expect_err("command should be rejected");
        assert_eq!(
            self.tracker.state(),
            &before,
            "a rejected command changed the state"
        );
        assert_eq!(
            self.tracker.head(),
            head,
            "a rejected command changed the log"
        );
        err
    }

    pub fn receive_lot(
        &mut self,
        product: &str,
        number: &str,
        quantity: &str,
        at: &str,
    ) -> Result<Committed, TraceError> {
        self.run(receipt(product, number, quantity, at, Some("ACME")))
    }

    pub fn receive_serials(
        &mut self,
        product: &str,
        numbers: &[&str],
        at: &str,
    ) -> Result<Committed, TraceError> {
        self.run(Command::ReceiveSerials(ReceiveSerials {
            product: pid(product),
            serials: serials(numbers),
            location: loc(at),
            supplier: None,
            reference: None,
            generate: 0,
            put_away: false,
            received_on: None,
        }))
    }

    /// Serials received and put away where they arrive (IN_INVENTORY).
    pub fn receive_stored(&mut self, product: &str, numbers: &[&str], at: &str) {
        self.run(Command::ReceiveSerials(ReceiveSerials {
            product: pid(product),
            serials: serials(numbers),
            location: loc(at),
            supplier: None,
            reference: None,
            generate: 0,
            put_away: true,
            received_on: None,
        }))
        .expect("the serials are received");
    }

    pub fn move_item(
        &mut self,
        item: ItemRef,
        from: &str,
        to: &str,
        quantity: &str,
    ) -> Result<Committed, TraceError> {
        self.run(Command::Move(Move {
            item,
            from: loc(from),
            to: loc(to),
            quantity: qty(quantity),
            override_expiry: false,
        }))
    }

    pub fn allocate(
        &mut self,
        order_id: &str,
        item: ItemRef,
        quantity: &str,
    ) -> Result<Committed, TraceError> {
        self.run(Command::Allocate(Allocate {
            order: order(order_id),
            item,
            location: None,
            quantity: qty(quantity),
            ship_date: None,
        }))
    }

    pub fn pick(
        &mut self,
        order_id: &str,
        item: ItemRef,
        quantity: &str,
    ) -> Result<Committed, TraceError> {
        self.run(Command::Pick(Pick {
            order: order(order_id),
            item,
            quantity: qty(quantity),
        }))
    }

    pub fn ship(&mut self, shipment: &str, order_id: &str) -> Result<Committed, TraceError> {
        self.run(Command::Ship(Ship {
            shipment: ShipmentId::new(shipment).unwrap(),
            order: order(order_id),
            customer: PartyId::new("SHOP").unwrap(),
            shipped_on: None,
            override_expiry: false,
        }))
    }

    pub fn on_hand(&self, product: &str, number: &str) -> Quantity {
        self.tracker
            .state()
            .lot(&pid(product), &LotNumber::new(number).unwrap())
            .unwrap()
            .on_hand()
    }

    pub fn serial_status(&self, product: &str, number: &str) -> Option<SerialStatus> {
        self.tracker
            .state()
            .serial(&pid(product), &SerialNumber::new(number).unwrap())
            .map(|s| s.status)
    }
}

/// `len` bytes no compressor can shrink and no parser expects (xorshift64 from `seed`,
/// which must not be 0): random input, the same on every run.
pub fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed as u8
        })
        .collect()
}

/// An encoded event body with every string value `from` replaced by `to` (of the same
/// length), as someone editing the stored bytes would: e.g. a quantity "100" → "900".
pub fn edit_string(body: &[u8], from: &str, to: &str) -> Vec<u8> {
    assert_eq!(from.len(), to.len(), "an in-place edit keeps the length");
    let (from, to) = (
        rmp_serde::to_vec(from).unwrap(),
        rmp_serde::to_vec(to).unwrap(),
    );
    let mut edited = body.to_vec();
    let mut i = 0;
    while let Some(at) = edited[i..].windows(from.len()).position(|w| w == from) {
        edited[i + at..i + at + to.len()].copy_from_slice(&to);
        i += at + to.len();
    }
    edited
}

/// The SQL expression that makes the same edit as [`edit_string`] to the `body` column:
/// `UPDATE events SET body = {this} WHERE seq = ...`.
pub fn sql_edit_string(from: &str, to: &str) -> String {
    let hex = |s: &str| hex::encode_upper(rmp_serde::to_vec(s).unwrap());
    format!("replace(body, X'{}', X'{}')", hex(from), hex(to))
}

/// Open options with snapshots every `snapshot_every` events (0: none, full replay).
pub fn options(snapshot_every: u64) -> OpenOptions {
    OpenOptions {
        snapshot_every,
        ..OpenOptions::default()
    }
}

/// The PostgreSQL server of the tests (`TRACEABILITY_TEST_PG_URL`, which scripts/test.sh
/// sets); the tests that need it fail without it, they never skip.
pub fn pg_server_url() -> String {
    std::env::var("TRACEABILITY_TEST_PG_URL").expect(
        "TRACEABILITY_TEST_PG_URL is not set: these tests need a PostgreSQL server \
         (scripts/test.sh provides one), e.g. postgresql://postgres@127.0.0.1:5432/test",
    )
}

/// A fresh (dropped if it exists) schema for one test on the server: its URL.
pub fn pg_fresh_schema(test: &str) -> String {
    let server = pg_server_url();
    let schema = format!("tr_{test}_{}", std::process::id());
    pg_sql(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"));
    pg_with_schema(&server, &schema)
}

/// The server URL with a `schema=` parameter.
pub fn pg_with_schema(server: &str, schema: &str) -> String {
    let separator = if server.contains('?') { '&' } else { '?' };
    format!("{server}{separator}schema={schema}")
}

/// Runs SQL statements on the test server.
pub fn pg_sql(statements: &str) {
    let mut client = postgres::Client::connect(&pg_server_url(), postgres::NoTls).unwrap();
    client.batch_execute(statements).unwrap();
}

/// A memory store told to fail: the appends numbered (from 0) in `failing_appends`, and
/// every snapshot when `snapshot_attempts` counts them.
#[derive(Default)]
pub struct FaultyStore {
    pub events: store::MemoryStore,
    pub failing_appends: std::ops::Range<usize>,
    pub appends: usize,
    pub snapshot_attempts: Option<Arc<std::sync::atomic::AtomicUsize>>,
}

impl store::RecordSource for FaultyStore {
    fn read_from(
        &self,
        from_seq: u64,
        visit: &mut dyn FnMut(event::StoredEvent) -> Result<(), TraceError>,
    ) -> Result<(), TraceError> {
        self.events.read_from(from_seq, visit)
    }

    fn read_one(&self, seq: u64) -> Result<Option<event::StoredEvent>, TraceError> {
        self.events.read_one(seq)
    }
}

impl store::EventStore for FaultyStore {
    fn next_seq(&self) -> Result<u64, TraceError> {
        self.events.next_seq()
    }

    fn append(&mut self, next: u64, events: &[event::StoredEvent]) -> Result<(), TraceError> {
        self.appends += 1;
        if self.failing_appends.contains(&(self.appends - 1)) {
            return Err(TraceError::storage("the disk is full"));
        }
        self.events.append(next, events)
    }

    fn save_snapshot(&mut self, seq: u64, snapshot: Vec<u8>) -> Result<(), TraceError> {
        match &self.snapshot_attempts {
            Some(attempts) => {
                attempts.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                Err(TraceError::storage("the snapshot exceeds the value limit"))
            }
            None => self.events.save_snapshot(seq, snapshot),
        }
    }

    fn latest_snapshot(&self) -> Result<Option<Vec<u8>>, TraceError> {
        self.events.latest_snapshot()
    }
}
