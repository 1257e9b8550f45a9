//! A bakery with GS1 keys for the EPCIS and FSMA 204 tests: flour (GTIN) and sugar (no
//! GTIN) received from two mills, bread baked from them, shipped to a shop; pumps
//! (serials with a GTIN) received and shipped.
#![allow(dead_code)] // each test binary uses a different part of the fixture

use std::sync::Arc;

use chrono::NaiveDate;
use traceability_core::*;

pub const FLOUR_GTIN: &str = "09506000134352";
pub const BREAD_GTIN: &str = "09506000134369";
pub const PUMP_GTIN: &str = "04012345123456";
pub const DOCK_GLN: &str = "9506000134109";
pub const ACME_GLN: &str = "9521141123454";
pub const SHOP_GLN: &str = "0614141123452";

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

pub fn party(s: &str) -> PartyId {
    PartyId::new(s).unwrap()
}

pub fn lot(product: &str, lot: &str) -> ItemRef {
    ItemRef::lot(product, lot).unwrap()
}

pub fn line(item: ItemRef, at: &str, quantity: &str) -> Line {
    Line {
        item,
        location: loc(at),
        quantity: qty(quantity),
    }
}

fn product(id: &str, tracking: Tracking, unit: &str, gtin: Option<&str>, text: &str) -> Command {
    let mut p = Product::new(pid(id), tracking);
    p.unit = unit.into();
    p.description = text.into();
    p.gtins = gtin.map(|g| vec![g.to_owned()]).unwrap_or_default();
    Command::RegisterProduct(p)
}

fn location(id: &str, kind: LocationKind, text: &str, gln: Option<&str>) -> Command {
    Command::RegisterLocation(Location {
        id: loc(id),
        kind,
        description: text.into(),
        gln: gln.map(str::to_owned),
        party: None,
    })
}

fn partner(id: &str, role: PartyRole, name: &str, gln: Option<&str>) -> Command {
    Command::RegisterParty(Party {
        id: party(id),
        role,
        name: name.into(),
        gln: gln.map(str::to_owned),
    })
}

pub fn master_data() -> Vec<Command> {
    vec![
        product(
            "FLOUR",
            Tracking::Lot,
            "kg",
            Some(FLOUR_GTIN),
            "Wheat flour T55",
        ),
        product("SUGAR", Tracking::Lot, "kg", None, "Cane sugar"),
        product(
            "BREAD",
            Tracking::Lot,
            "ea",
            Some(BREAD_GTIN),
            "Sourdough loaf 500 g",
        ),
        product(
            "PUMP",
            Tracking::Serial,
            "ea",
            Some(PUMP_GTIN),
            "Dosing pump",
        ),
        location(
            "DOCK",
            LocationKind::Receiving,
            "Goods in, Main St 1",
            Some(DOCK_GLN),
        ),
        location("LINE", LocationKind::Production, "Bakery line 1", None),
        location("STOCK", LocationKind::Internal, "Finished goods", None),
        partner("ACME", PartyRole::Supplier, "Acme Mills", Some(ACME_GLN)),
        partner("MILL", PartyRole::Supplier, "Village Mill", None),
        partner("SHOP", PartyRole::Customer, "Corner Shop", Some(SHOP_GLN)),
    ]
}

pub struct Bakery {
    pub tracker: Tracker,
    pub clock: Arc<FixedClock>,
}

impl Bakery {
    /// Master data only; the clock at 2026-03-01 08:00 UTC.
    pub fn new() -> Self {
        let mut tracker = Tracker::in_memory();
        let clock = Arc::new(FixedClock::new("2026-03-01T08:00:00Z".parse().unwrap()));
        tracker.set_clock(clock.clone());
        tracker
            .execute_batch("setup", None, &master_data())
            .expect("master data is valid");
        Self { tracker, clock }
    }

    pub fn at(&self, time: &str) {
        self.clock.set(time.parse().unwrap());
    }

    pub fn run(&mut self, command: Command) -> Committed {
        self.tracker
            .execute("baker", Some("test"), &command)
            .unwrap_or_else(|e| panic!("{command:?}: {e}"))
    }

    pub fn receive(&mut self, product: &str, number: &str, quantity: &str, supplier: Option<&str>) {
        let mut spec = LotSpec::new(pid(product), LotNumber::new(number).unwrap());
        spec.supplier_lot = supplier.map(|s| format!("{s}-{number}"));
        self.run(Command::ReceiveLot(ReceiveLot {
            spec,
            quantity: qty(quantity),
            location: loc("DOCK"),
            supplier: supplier.map(party),
            received_on: None,
            reference: Some(format!("PO-{number}")),
        }));
    }

    pub fn move_to_line(&mut self, item: ItemRef, quantity: &str) {
        self.run(Command::Move(Move {
            item,
            from: loc("DOCK"),
            to: loc("LINE"),
            quantity: qty(quantity),
            override_expiry: false,
        }));
    }

    /// Bakes `loaves` of BREAD lot `number` from 60 kg F1 and 20 kg S1 on the line.
    pub fn bake(&mut self, work_order: &str, number: &str, loaves: &str) {
        let mut spec = LotSpec::new(pid("BREAD"), LotNumber::new(number).unwrap());
        spec.dates.expiry = Some(date("2026-03-08"));
        self.run(Command::Produce(Produce {
            work_order: WorkOrderId::new(work_order).unwrap(),
            consumed: vec![
                line(lot("FLOUR", "F1"), "LINE", "60"),
                line(lot("SUGAR", "S1"), "LINE", "20"),
            ],
            outputs: vec![Output::NewLot {
                spec,
                quantity: qty(loaves),
                location: loc("LINE"),
            }],
            produced_on: None,
            override_expiry: false,
        }));
    }

    pub fn ship(&mut self, order: &str, shipment: &str, items: &[(ItemRef, &str)]) {
        for (item, quantity) in items {
            let order_id = OrderId::new(order).unwrap();
            self.run(Command::Allocate(Allocate {
                order: order_id.clone(),
                item: item.clone(),
                location: None,
                quantity: qty(quantity),
                ship_date: None,
            }));
            self.run(Command::Pick(Pick {
                order: order_id,
                item: item.clone(),
                quantity: qty(quantity),
            }));
        }
        self.run(Command::Ship(Ship {
            shipment: ShipmentId::new(shipment).unwrap(),
            order: OrderId::new(order).unwrap(),
            customer: party("SHOP"),
            shipped_on: None,
            override_expiry: false,
        }));
    }

    /// Flour and sugar received on 03-01, bread baked on 03-02 and shipped on 03-03.
    pub fn supply_chain() -> Self {
        let mut b = Self::new();
        b.receive("FLOUR", "F1", "100", Some("ACME"));
        b.receive("SUGAR", "S1", "50", Some("MILL"));
        b.move_to_line(lot("FLOUR", "F1"), "60");
        b.move_to_line(lot("SUGAR", "S1"), "20");
        b.at("2026-03-02T06:00:00Z");
        b.bake("WO1", "B1", "80");
        b.at("2026-03-03T09:30:00Z");
        b.ship("SO1", "SH1", &[(lot("BREAD", "B1"), "30")]);
        b
    }
}
