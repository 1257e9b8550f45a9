//! The end-to-end demo: a bakery receives flour and sugar lots from suppliers, bakes
//! bread in two work orders, allocates by FEFO and ships to two customers, takes a
//! return; then a supplier reports a contaminated flour lot: trace back and forward,
//! recall with a hold (held bread can no longer be allocated). On the way, salt lots are
//! numbered from a Julian-date scheme, yeast lots are imported from a supplier's CSV
//! file (a bad row reported, then the valid rows stored) and a pallet's GS1 barcode is
//! read. Finally the audit history, a reopen of the SQLite file and a check of the hash
//! chain.
//!
//! Run: `cargo run --release --example demo [-- path/to/file.sqlite]`

use std::error::Error;
use std::sync::Arc;

use traceability_core::*;

type Result<T = ()> = std::result::Result<T, Box<dyn Error>>;

fn main() -> Result {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "traceability-demo.sqlite".into());
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{path}{suffix}"));
    }
    let clock = Arc::new(FixedClock::new("2026-03-02T07:00:00Z".parse()?));
    let mut t = Tracker::open(&path)?;
    t.set_clock(clock.clone());
    println!("== Traceability demo on SQLite file {path}\n");

    master_data(&mut t)?;
    receive(&mut t)?;
    numbering_import_and_barcodes(&mut t)?;
    clock.set("2026-03-03T06:00:00Z".parse()?);
    bake(&mut t)?;
    clock.set("2026-03-04T10:00:00Z".parse()?);
    ship(&mut t)?;
    clock.set("2026-03-06T15:00:00Z".parse()?);
    customer_return(&mut t)?;
    corrections(&mut t)?;
    clock.set("2026-03-07T09:00:00Z".parse()?);
    recall(&mut t)?;
    rejected_commands(&mut t);
    history(&t)?;
    reopen_and_verify(&t, &path)?;
    Ok(())
}

fn id<T: std::str::FromStr<Err = traceability_core::kernel::invalid::InvalidInput>>(s: &str) -> T {
    s.parse()
        .unwrap_or_else(|e| panic!("demo identifier {s:?}: {e}"))
}

fn join<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn q(s: &str) -> Quantity {
    s.parse().expect("demo quantities are valid")
}

fn master_data(t: &mut Tracker) -> Result {
    let mut flour = Product::new(id("FLOUR-T55"), Tracking::Lot);
    flour.description = "Wheat flour T55".into();
    flour.unit = "kg".into();
    flour.shelf_life_days = Some(240);
    let mut sugar = Product::new(id("SUGAR"), Tracking::Lot);
    sugar.unit = "kg".into();
    sugar.shelf_life_days = Some(720);
    let mut bread = Product::new(id("BREAD-800"), Tracking::Lot);
    bread.description = "Sourdough loaf 800 g".into();
    bread.shelf_life_days = Some(5);
    bread.expiry_warning_days = Some(2);
    let oven = Product::new(id("OVEN-X2"), Tracking::Serial);
    let mut salt = Product::new(id("SALT"), Tracking::Lot);
    salt.unit = "kg".into();
    salt.numbering_pattern = Some("SALT-{Y}{DDD}-{SEQ:3:DAILY}".into());
    let mut yeast = Product::new(id("YEAST"), Tracking::Lot);
    yeast.unit = "kg".into();
    yeast.shelf_life_days = Some(45);
    yeast.gtins = vec!["09506000134352".into()];
    let mut commands: Vec<Command> = [flour, sugar, bread, oven, salt, yeast]
        .into_iter()
        .map(Command::RegisterProduct)
        .collect();
    for (loc, kind) in [
        ("DOCK", LocationKind::Receiving),
        ("WH-A1", LocationKind::Internal),
        ("LINE-1", LocationKind::Production),
        ("DISPATCH", LocationKind::Staging),
        ("QA-HOLD", LocationKind::Quarantine),
    ] {
        commands.push(Command::RegisterLocation(Location {
            id: id(loc),
            kind,
            description: String::new(),
            gln: None,
            party: None,
        }));
    }
    for (party, role, name) in [
        ("MILL-NORD", PartyRole::Supplier, "Moulins du Nord"),
        ("SUCRERIE", PartyRole::Supplier, "Sucrerie de l'Est"),
        ("SHOP-PARIS", PartyRole::Customer, "Epicerie Paris 11"),
        ("SHOP-LYON", PartyRole::Customer, "Halles de Lyon"),
    ] {
        commands.push(Command::RegisterParty(Party {
            id: id(party),
            role,
            name: name.into(),
            gln: None,
        }));
    }
    let done = t.execute_batch("setup", Some("initial master data"), &commands)?;
    println!(
        "master data: {} products, locations and parties registered in one batch",
        done.count
    );
    Ok(())
}

fn receive(t: &mut Tracker) -> Result {
    for (product, lot, supplier, supplier_lot, kg, made) in [
        (
            "FLOUR-T55",
            "F-2026-031",
            "MILL-NORD",
            "MN-88121",
            "500",
            "2026-02-20",
        ),
        (
            "FLOUR-T55",
            "F-2026-032",
            "MILL-NORD",
            "MN-88140",
            "500",
            "2026-02-25",
        ),
        (
            "SUGAR",
            "S-2026-007",
            "SUCRERIE",
            "SE-4410",
            "120.5",
            "2026-01-15",
        ),
    ] {
        let mut spec = LotSpec::new(id(product), id(lot));
        spec.supplier_lot = Some(supplier_lot.into());
        spec.manufactured_on = Some(made.parse()?);
        t.execute(
            "receiving",
            None,
            &Command::ReceiveLot(ReceiveLot {
                spec,
                quantity: q(kg),
                location: id("DOCK"),
                supplier: Some(id(supplier)),
                received_on: None,
                reference: Some("PO-7781".into()),
            }),
        )?;
        t.execute(
            "forklift-3",
            None,
            &Command::Move(Move {
                item: ItemRef::lot(product, lot)?,
                from: id("DOCK"),
                to: id("LINE-1"),
                quantity: q(kg),
                override_expiry: false,
            }),
        )?;
        let expiry = t
            .state()
            .lot(&id(product), &id(lot))
            .and_then(|l| l.dates.expiry);
        println!("received {kg} kg of {product} lot {lot} from {supplier} (their lot {supplier_lot}), expires {}", expiry.map_or("-".into(), |d| d.to_string()));
    }
    t.execute(
        "receiving",
        None,
        &Command::ReceiveSerials(ReceiveSerials {
            product: id("OVEN-X2"),
            serials: vec![id("OX2-0001"), id("OX2-0002")],
            location: id("DOCK"),
            supplier: None,
            reference: None,
            generate: 0,
            put_away: false,
            received_on: None,
        }),
    )?;
    t.execute(
        "forklift-3",
        None,
        &Command::Move(Move {
            item: ItemRef::serial("OVEN-X2", "OX2-0001")?,
            from: id("DOCK"),
            to: id("WH-A1"),
            quantity: Quantity::ONE,
            override_expiry: false,
        }),
    )?;
    println!("received ovens OX2-0001, OX2-0002; put OX2-0001 away to WH-A1");
    Ok(())
}

/// Salt lots numbered from the product's Julian-date pattern; yeast lots imported from
/// the supplier's CSV (dry run, then the valid rows); a pallet label scanned.
fn numbering_import_and_barcodes(t: &mut Tracker) -> Result {
    let today = t.now().date_naive();
    let next = query::numbering::preview_number(t.state(), &id("SALT"), today, None)?;
    println!("\n-- numbering: the next salt lot would be {next}");
    for kg in ["25", "25"] {
        let received = t.execute(
            "dock",
            None,
            &Command::ReceiveLot(ReceiveLot {
                spec: LotSpec::unnumbered(id("SALT")),
                quantity: q(kg),
                location: id("DOCK"),
                supplier: None,
                received_on: None,
                reference: None,
            }),
        )?;
        let issued = t.issued_numbers(received)?;
        println!("received {kg} kg of salt as lot {}", issued[0].number);
    }

    let csv = "Lot Number,Product,Manufacturing Date,Expiry Date,Qty,Location,Vendor\n\
               Y-7781,YEAST,2026-02-20,,20,DOCK,SUCRERIE\n\
               Y-7782,YEAST,2026-02-21,2026-04-01,20,DOCK,SUCRERIE\n\
               Y-7783,YEAST,21/02/2026,,20,DOCK,SUCRERIE\n";
    println!("\n-- importing the supplier's yeast file (3 rows)");
    let mut options = io::csv::CsvOptions::new(io::csv::CsvKind::Lots);
    options.dry_run = true;
    let report = io::csv::import_csv(t, "dock", None, csv.as_bytes(), &options, &mut |_| true)?;
    println!("dry run: {} of {} rows valid", report.valid, report.rows);
    for error in &report.errors {
        let column = error.column.as_deref().unwrap_or("-");
        println!("   line {}, column {column}: {}", error.line, error.error);
    }
    options.dry_run = false;
    options.mode = ImportMode::ValidRows;
    let report = io::csv::import_csv(
        t,
        "dock",
        Some("supplier file"),
        csv.as_bytes(),
        &options,
        &mut |_| true,
    )?;
    println!(
        "imported the {} valid rows; the bad one is left for the supplier to fix",
        report.valid
    );

    let label = "(01)09506000134352(10)Y-7781(17)260406(3103)020000";
    let found = io::gs1::scan::scan(t.state(), label, today)?;
    println!(
        "scanned the pallet label: product {} (by GTIN {}), {}, expiry {}, net {} kg, known here: {}",
        join(found.product.as_slice()),
        found.gtin.as_deref().unwrap_or("-"),
        join(found.item.as_slice()),
        found.expiry.map_or("-".into(), |d| d.to_string()),
        found.quantity.map_or("-".into(), |w| w.to_string()),
        found.known,
    );
    let link = io::gs1::to_digital_link(&found.elements, io::gs1::DEFAULT_BASE)?;
    println!("   as a GS1 Digital Link: {link}");
    let next_pallet = "(01)09506000134352(10)Y-7790(17)260415(3103)018500";
    let receive = io::gs1::scan::ScanAction::Receive(io::gs1::scan::ScanReceipt {
        location: id("DOCK"),
        quantity: None,
        supplier: Some(id("SUCRERIE")),
        received_on: None,
        reference: Some("ASN-5521".into()),
    });
    let receipt = io::gs1::scan::scan_command(t.state(), next_pallet, today, &receive)?;
    t.execute("dock", None, &receipt)?;
    println!(
        "received the next pallet by scanning its label: lot Y-7790, 18.5 kg, expiry 2026-04-15"
    );
    Ok(())
}

fn bake(t: &mut Tracker) -> Result {
    for (wo, bread_lot, inputs, loaves) in [
        (
            "WO-1001",
            "B-0303-A",
            [
                ("FLOUR-T55", "F-2026-031", "300"),
                ("SUGAR", "S-2026-007", "12.25"),
            ],
            "600",
        ),
        (
            "WO-1002",
            "B-0303-B",
            [
                ("FLOUR-T55", "F-2026-032", "250"),
                ("SUGAR", "S-2026-007", "10"),
            ],
            "500",
        ),
    ] {
        let consumed = inputs
            .iter()
            .map(|(p, l, kg)| {
                Ok(Line {
                    item: ItemRef::lot(p, l)?,
                    location: id("LINE-1"),
                    quantity: q(kg),
                })
            })
            .collect::<std::result::Result<Vec<_>, TraceError>>()?;
        let mut spec = LotSpec::new(id("BREAD-800"), id(bread_lot));
        spec.manufactured_on = Some(t.now().date_naive());
        t.execute(
            "line-1",
            None,
            &Command::Produce(Produce {
                work_order: id(wo),
                consumed,
                outputs: vec![Output::NewLot {
                    spec,
                    quantity: q(loaves),
                    location: id("WH-A1"),
                }],
                produced_on: None,
                override_expiry: false,
            }),
        )?;
        println!(
            "{wo}: baked {loaves} loaves as lot {bread_lot} from {}",
            inputs
                .map(|(_, l, kg)| format!("{kg} kg of {l}"))
                .join(" + ")
        );
    }
    Ok(())
}

fn ship(t: &mut Tracker) -> Result {
    // SO-501: the planner asks for 300 loaves by FEFO; the engine picks the lots.
    let request = AllocationRequest::new(id("BREAD-800"), q("300"), id("SO-501"), Strategy::Fefo);
    let allocation = t.allocate("planner", None, &request)?;
    for line in &allocation.lines {
        println!(
            "FEFO allocated {} of {} at {} to SO-501",
            line.quantity, line.item, line.location
        );
        t.execute(
            "picker-7",
            None,
            &Command::Pick(Pick {
                order: id("SO-501"),
                item: line.item.clone(),
                quantity: line.quantity,
            }),
        )?;
    }
    t.execute(
        "dispatch",
        None,
        &Command::Ship(Ship {
            shipment: id("SHP-9001"),
            order: id("SO-501"),
            customer: id("SHOP-PARIS"),
            shipped_on: None,
            override_expiry: false,
        }),
    )?;
    println!("shipped SHP-9001 to SHOP-PARIS for SO-501");
    // SO-502: a named lot, as a customer asked for it.
    let item = ItemRef::lot("BREAD-800", "B-0303-B")?;
    t.execute(
        "planner",
        None,
        &Command::Allocate(Allocate {
            order: id("SO-502"),
            item: item.clone(),
            location: None,
            quantity: q("300"),
            ship_date: None,
        }),
    )?;
    t.execute(
        "picker-7",
        None,
        &Command::Pick(Pick {
            order: id("SO-502"),
            item,
            quantity: q("300"),
        }),
    )?;
    t.execute(
        "dispatch",
        None,
        &Command::Ship(Ship {
            shipment: id("SHP-9002"),
            order: id("SO-502"),
            customer: id("SHOP-LYON"),
            shipped_on: None,
            override_expiry: false,
        }),
    )?;
    println!("shipped SHP-9002 to SHOP-LYON for SO-502: 300 of B-0303-B");
    Ok(())
}

fn recall(t: &mut Tracker) -> Result {
    println!("\n-- MILL-NORD reports Salmonella in their lot MN-88121");
    let up = trace_backward(t.state(), &ItemRef::lot("BREAD-800", "B-0303-A")?)?;
    let inputs: Vec<&ItemRef> = up.ancestors().iter().map(|a| &a.item).collect();
    println!(
        "   backward from bread B-0303-A: made from {}; suppliers {}",
        join(&inputs),
        join(&up.suppliers)
    );
    let suspect = ItemRef::lot("FLOUR-T55", "F-2026-031")?;
    let down = trace_forward(t.state(), &suspect)?;
    println!(
        "   forward from {suspect}: {} descendant(s), customers {}",
        down.descendants().len(),
        join(&down.customers)
    );
    println!(
        "   as Mermaid:\n{}",
        down.to_mermaid()
            .lines()
            .map(|l| format!("      {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    let report = t.recall(
        "qa-lead",
        "supplier notice MN-88121: Salmonella",
        &[suspect],
        true,
    )?;
    for exposure in &report.customers {
        for line in &exposure.shipments {
            println!(
                "   recall: {} received {} of {} on {} ({})",
                exposure.customer, line.quantity, line.item, line.shipped_on, line.shipment
            );
        }
    }
    for place in &report.locations {
        for stock in &place.stock {
            println!(
                "   contain: {} of {} at {}",
                stock.on_hand, stock.item, place.location
            );
        }
    }
    println!(
        "   recorded as recall {} (event #{}); on hold now: {}",
        report.recall.as_ref().map_or("-", |r| r.as_str()),
        report.seq.unwrap_or_default(),
        join(&report.held)
    );
    t.recall_as(
        "qa-lead",
        "precaution: same mill, earlier delivery",
        Some(id("RC-MN-88120")),
        &[ItemRef::lot("FLOUR-T55", "F-2026-031")?],
        false,
    )?;
    println!("   recall history:");
    for recall in t.state().recalls() {
        println!(
            "   {} by {} ({}): {} suspect(s), {} affected, {} held",
            recall.recall,
            recall.actor,
            recall.reason,
            recall.suspects.len(),
            recall.affected.len(),
            recall.held.len()
        );
    }
    Ok(())
}

fn customer_return(t: &mut Tracker) -> Result {
    t.execute(
        "returns-desk",
        Some("crushed packaging"),
        &Command::Return(Return {
            rma: id("RMA-33"),
            customer: id("SHOP-LYON"),
            item: ItemRef::lot("BREAD-800", "B-0303-B")?,
            location: id("QA-HOLD"),
            quantity: q("12"),
            release: false,
        }),
    )?;
    // Returned stock is held until a disposition decides what becomes of it.
    t.execute(
        "qa",
        Some("crushed packaging, not resaleable"),
        &Command::DisposeReturn(DisposeReturn {
            rma: id("RMA-33"),
            item: ItemRef::lot("BREAD-800", "B-0303-B")?,
            location: id("QA-HOLD"),
            quantity: q("12"),
            disposition: Disposition::Scrap,
            to: None,
        }),
    )?;
    println!(
        "SHOP-LYON returned 12 loaves of B-0303-B (RMA-33), held at QA-HOLD; QA scrapped them"
    );
    Ok(())
}

fn corrections(t: &mut Tracker) -> Result {
    println!("\n-- corrections: compensating events with a reason, never deletions");
    let request = AllocationRequest::new(id("BREAD-800"), q("20"), id("SO-503"), Strategy::Fefo);
    for line in t.allocate("planner", None, &request)?.lines {
        t.execute(
            "picker-7",
            None,
            &Command::Pick(Pick {
                order: id("SO-503"),
                item: line.item,
                quantity: line.quantity,
            }),
        )?;
    }
    t.execute(
        "dispatch",
        None,
        &Command::Ship(Ship {
            shipment: id("SHP-9003"),
            order: id("SO-503"),
            customer: id("SHOP-LYON"),
            shipped_on: None,
            override_expiry: false,
        }),
    )?;
    t.execute(
        "dispatch",
        Some("posted to the wrong customer: the van never left"),
        &Command::ReverseShipment(ReverseShipment {
            shipment: id("SHP-9003"),
        }),
    )?;
    let reversed = query::orders::shipments(t.state())
        .into_iter()
        .filter(|s| s.reversed)
        .map(|s| s.id)
        .collect::<Vec<_>>();
    println!(
        "shipped 20 loaves as SHP-9003, then reversed it: the loaves are back, reversed shipments {}",
        join(&reversed)
    );
    let split = t.execute(
        "qa",
        Some("retain sample for the lab"),
        &Command::SplitLot(SplitLot {
            product: id("YEAST"),
            lot: id("Y-7790"),
            location: id("DOCK"),
            quantity: q("0.5"),
            new_lot: Some(id("Y-7790-S")),
        }),
    )?;
    println!(
        "split 0.5 kg of yeast Y-7790 into retained sample Y-7790-S (event #{}); the genealogy links them",
        split.first_seq
    );
    Ok(())
}

fn rejected_commands(t: &mut Tracker) {
    println!("\n-- commands the engine refuses (nothing changes):");
    let attempts = [
        Command::Allocate(Allocate {
            order: id("SO-503"),
            item: ItemRef::lot("BREAD-800", "B-0303-A").unwrap(),
            location: None,
            quantity: q("10"),
            ship_date: None,
        }),
        Command::Move(Move {
            item: ItemRef::lot("BREAD-800", "B-0303-A").unwrap(),
            from: id("WH-A1"),
            to: id("DISPATCH"),
            quantity: q("5000"),
            override_expiry: false,
        }),
        Command::Pick(Pick {
            order: id("SO-503"),
            item: ItemRef::serial("OVEN-X2", "OX2-0002").unwrap(),
            quantity: Quantity::ONE,
        }),
        Command::Return(Return {
            rma: id("RMA-34"),
            customer: id("SHOP-LYON"),
            item: ItemRef::lot("BREAD-800", "B-0303-B").unwrap(),
            location: id("QA-HOLD"),
            quantity: q("289"),
            release: false,
        }),
    ];
    for command in &attempts {
        match t.execute("someone", None, command) {
            Err(e) => println!("   refused ({:?}): {e}", e.kind()),
            Ok(_) => println!("   unexpectedly accepted: {command:?}"),
        }
    }
    // Values outside the limits never become commands: refused, not rounded or cut.
    for (what, refused) in [
        (
            "quantity 1.0000000001",
            "1.0000000001".parse::<Quantity>().err(),
        ),
        (
            "lot number with a newline",
            LotNumber::new("B-0303\nC").err(),
        ),
    ] {
        if let Some(e) = refused {
            println!("   refused {what}: {e}");
        }
    }
}

fn history(t: &Tracker) -> Result {
    let state = t.state();
    println!("\n-- stock on hand:");
    for lot in state.lots() {
        for line in &lot.stock {
            println!(
                "   {:<10} {:<11} {:>8} at {:<8} (reserved {})",
                lot.product, lot.number, line.on_hand, line.location, line.reserved
            );
        }
    }
    println!("\n-- audit history of flour lot F-2026-031:");
    for event in t.history(&ItemRef::lot("FLOUR-T55", "F-2026-031")?)? {
        let kind = serde_json::to_value(&event.body.payload)?
            .as_object()
            .and_then(|o| o.keys().next().cloned())
            .unwrap_or_default();
        println!(
            "   #{:<3} {} {:<11} {}",
            event.seq,
            event.body.recorded_at.format("%Y-%m-%d %H:%M"),
            event.body.actor,
            kind
        );
    }
    println!("\n-- bread lots made from it (genealogy links):");
    let flour = ItemRef::lot("FLOUR-T55", "F-2026-031")?;
    for link in query::orders::links(state) {
        if link.from == flour {
            println!(
                "   {} -> {} ({} kg, {})",
                link.from, link.to, link.quantity, link.work_order
            );
        }
    }
    Ok(())
}

fn reopen_and_verify(t: &Tracker, path: &str) -> Result {
    let started = std::time::Instant::now();
    let reopened = Tracker::open(path)?;
    let same = reopened.state() == t.state();
    println!(
        "\n-- reopened {path}: {} events replayed in {:?}; state identical: {same}",
        reopened.head().0,
        started.elapsed()
    );
    println!(
        "-- audit chain verified: {} events, head hash {}",
        reopened.verify()?,
        hex::encode(reopened.head().1)
    );
    // The auditor keeps a signed checkpoint; later it proves the log was neither cut
    // short nor rewritten. (The key belongs to the embedding system, never the store.)
    let auditor_key = traceability_core::event::checkpoint::signing_key_from_bytes(&[7; 32]);
    let checkpoint = reopened.checkpoint(&auditor_key);
    let public = traceability_core::event::checkpoint::public_key(&auditor_key);
    println!(
        "-- signed checkpoint at {} events; the log still extends it: {} events",
        checkpoint.count,
        reopened.verify_against(&checkpoint, &public)?
    );
    if !same {
        return Err("replayed state differs".into());
    }
    Ok(())
}
