//! Writes the checked-in seed corpus, `fuzz/corpus/<target>/`: meaningful starting
//! points (valid command JSON in the core's serde form, the hostile inputs of issue 9,
//! a valid small SQLite log and damaged variants of it, real event bodies, C ABI call
//! sequences). Regenerate with
//! `cargo run --manifest-path fuzz/Cargo.toml --example make_corpus` (it replaces the
//! seed files it owns and leaves others alone).

use std::path::{Path, PathBuf};

use traceability_core::Command;
use traceability_fuzz::{
    fixture_records, fixture_replayed, scratch_dir, template_db, ACTOR, REASON,
};

fn corpus(target: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus")
        .join(target);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).unwrap();
}

/// Command arrays, valid and hostile (`command_json`).
const COMMANDS: &[(&str, &str)] = &[
    ("empty", "[]"),
    (
        "lot_flow",
        r#"[{"receive_lot":{"spec":{"product":"FLOUR","lot":"L9","manufactured_on":"2026-02-01","dates":{"expiry":null,"best_before":null,"removal":null,"alert":null},"weight":"50","description":"flour","supplier_lot":"X-9","attributes":{"origin":"FR"}},"quantity":"50","location":"DOCK","supplier":"ACME","received_on":"2026-02-20","reference":"PO-9"}},
{"move":{"item":{"lot":{"product":"FLOUR","lot":"L9"}},"from":"DOCK","to":"STOCK","quantity":"20","override_expiry":false}},
{"allocate":{"order":"SO9","item":{"lot":{"product":"FLOUR","lot":"L9"}},"location":"STOCK","quantity":"5"}},
{"pick":{"order":"SO9","item":{"lot":{"product":"FLOUR","lot":"L9"}},"quantity":"5"}},
{"ship":{"shipment":"SH9","order":"SO9","customer":"SHOP","shipped_on":"2026-03-01","override_expiry":false}},
{"return":{"rma":"RMA9","customer":"SHOP","item":{"lot":{"product":"FLOUR","lot":"L9"}},"location":"QA","quantity":"2"}},
{"adjust":{"product":"FLOUR","lot":"L9","location":"DOCK","delta":"-1.5"}},
{"scrap":{"item":{"lot":{"product":"FLOUR","lot":"L9"}},"location":"DOCK","quantity":"1"}},
{"set_lot_active":{"product":"FLOUR","lot":"L9","active":false}},
{"set_lots_active":{"lots":[{"product":"FLOUR","lot":"L9"},{"product":"FLOUR","lot":"L1"}],"active":true}}]"#,
    ),
    (
        "serial_flow",
        r#"[{"move":{"item":{"serial":{"product":"PUMP","serial":"SN3"}},"from":"DOCK","to":"STOCK","quantity":"1","override_expiry":false}},
{"allocate":{"order":"SO8","item":{"serial":{"product":"PUMP","serial":"SN3"}},"location":null,"quantity":"1"}},
{"pick":{"order":"SO8","item":{"serial":{"product":"PUMP","serial":"SN3"}},"quantity":"1"}},
{"ship":{"shipment":"SH8","order":"SO8","customer":"SHOP","shipped_on":null,"override_expiry":false}},
{"return":{"rma":"RMA8","customer":"SHOP","item":{"serial":{"product":"PUMP","serial":"SN3"}},"location":"DOCK","quantity":"1"}},
{"scrap":{"item":{"serial":{"product":"PUMP","serial":"SN3"}},"location":"DOCK","quantity":"1"}},
{"receive_serials":{"product":"PUMP","serials":["SN9","SN10"],"location":"DOCK","supplier":"ACME","reference":"ASN-2"}},
{"cancel_allocation":{"order":"SO2","item":null}}]"#,
    ),
    (
        "produce",
        r#"[{"move":{"item":{"serial":{"product":"PUMP","serial":"SN4"}},"from":"STOCK","to":"LINE","quantity":"1","override_expiry":false}},
{"produce":{"work_order":"WO9","consumed":[{"item":{"lot":{"product":"CHOC","lot":"K1"}},"location":"STOCK","quantity":"5"},{"item":{"serial":{"product":"PUMP","serial":"SN4"}},"location":"LINE","quantity":"1"}],"outputs":[{"new_lot":{"spec":{"product":"CHOC","lot":"K2","manufactured_on":null,"dates":{"expiry":null,"best_before":null,"removal":null,"alert":null},"weight":null,"description":"","supplier_lot":null,"attributes":{}},"quantity":"4","location":"STOCK"}},{"into_lot":{"product":"CHOC","lot":"K1","quantity":"1","location":"STOCK"}},{"new_serial":{"product":"PUMP","serial":"SN20","location":"STOCK"}}],"produced_on":null,"override_expiry":false}},
{"produce":{"work_order":"WO10","consumed":[{"item":{"lot":{"product":"CHOC","lot":"K2"}},"location":"STOCK","quantity":"1"}],"outputs":[{"into_lot":{"product":"FLOUR","lot":"L1","quantity":"1","location":"LINE"}}],"produced_on":"2026-03-01","override_expiry":true}}]"#,
    ),
    (
        "quality_holds",
        r#"[{"record_test_result":{"lot":{"product":"FLOUR","lot":"L1"},"test":"moisture","value":"9","unit":"%","spec_min":"1","spec_max":"5","tested_on":"2026-02-25"}},
{"set_quality_status":{"lot":{"product":"FLOUR","lot":"L1"},"status":"quarantine"}},
{"set_quality_status":{"lot":{"product":"FLOUR","lot":"L1"},"status":"released"}},
{"link_certificate":{"lot":{"product":"CHOC","lot":"K1"},"document":"coa-k1.pdf","sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}},
{"update_lot_dates":{"changes":[{"lot":{"product":"FLOUR","lot":"L2"},"dates":{"expiry":"2026-04-01","best_before":"2026-03-20","removal":"2026-03-15","alert":"2026-03-10"}}]}},
{"release_hold":{"items":[{"serial":{"product":"PUMP","serial":"SN2"}}]}},
{"place_hold":{"items":[{"lot":{"product":"FLOUR","lot":"L1"}},{"lot":{"product":"CHOC","lot":"K1"}}]}},
{"set_quality_status":{"lot":{"product":"CHOC","lot":"K1"},"status":"rejected"}}]"#,
    ),
    (
        "allocation",
        r#"[{"move":{"item":{"serial":{"product":"PUMP","serial":"SN3"}},"from":"DOCK","to":"STOCK","quantity":"1","override_expiry":false}},
{"allocate_stock":{"product":"FLOUR","quantity":"200","order":"SO7","strategy":"fifo","ship_date":"2026-03-05","min_remaining_shelf_life_pct":"10","locations":["STOCK","LINE"],"partial":true}},
{"allocate_stock":{"product":"PUMP","quantity":"1","order":"SO6","strategy":"lifo","ship_date":null,"min_remaining_shelf_life_pct":null,"locations":null,"partial":false}},
{"allocate_stock":{"product":"CHOC","quantity":"3","order":"SO6","strategy":"fefo","ship_date":"2026-12-31","min_remaining_shelf_life_pct":"100","locations":null,"partial":false}},
{"cancel_allocation":{"order":"SO7","item":{"lot":{"product":"FLOUR","lot":"L1"}}}},
{"pick":{"order":"SO6","item":{"serial":{"product":"PUMP","serial":"SN3"}},"quantity":"1"}}]"#,
    ),
    (
        "master_data",
        r#"[{"register_product":{"id":"YEAST","description":"fresh yeast","tracking":"lot","unit":"g","shelf_life_days":30,"best_before_days":20,"removal_days":10,"alert_days":5,"expiry_warning_days":7,"requires_inspection":true,"numbering_pattern":"Y-{yyyy}-{seq:4}"}},
{"register_location":{"id":"COLD","kind":"internal","description":"cold room"}},
{"register_party":{"id":"MILL","role":"supplier","name":"the mill"}},
{"receive_lot":{"spec":{"product":"YEAST","lot":"Y1","manufactured_on":"2026-02-28","dates":{"expiry":null,"best_before":null,"removal":null,"alert":null},"weight":null,"description":"","supplier_lot":null,"attributes":{}},"quantity":"1000","location":"COLD","supplier":"MILL","received_on":null,"reference":null}},
{"register_product":{"id":"FLOUR","description":"","tracking":"serial","unit":"ea","shelf_life_days":null,"best_before_days":null,"removal_days":null,"alert_days":null,"expiry_warning_days":null,"requires_inspection":false,"numbering_pattern":null}},
{"expect_serials":{"product":"MOTOR","serials":["M2","M3"],"supplier":"BOTH","reference":"ASN-3"}}]"#,
    ),
    (
        "hostile_quantities",
        r#"[{"receive_lot":{"spec":{"product":"SUGAR","lot":"BIG","manufactured_on":null,"dates":{"expiry":null,"best_before":null,"removal":null,"alert":null},"weight":null,"description":"","supplier_lot":null,"attributes":{}},"quantity":"999999999999999.999999999","location":"DOCK","supplier":null,"received_on":null,"reference":null}},
{"adjust":{"product":"SUGAR","lot":"BIG","location":"DOCK","delta":"1"}},
{"adjust":{"product":"SUGAR","lot":"BIG","location":"DOCK","delta":"0.000000001"}},
{"receive_lot":{"spec":{"product":"SUGAR","lot":"BIG2","manufactured_on":null,"dates":{"expiry":null,"best_before":null,"removal":null,"alert":null},"weight":"-1","description":"","supplier_lot":null,"attributes":{}},"quantity":"999999999999999","location":"DOCK","supplier":null,"received_on":null,"reference":null}},
{"move":{"item":{"lot":{"product":"SUGAR","lot":"BIG"}},"from":"DOCK","to":"LINE","quantity":"999999999999999.999999999","override_expiry":false}},
{"scrap":{"item":{"lot":{"product":"FLOUR","lot":"L1"}},"location":"DOCK","quantity":"-5"}},
{"move":{"item":{"lot":{"product":"FLOUR","lot":"L1"}},"from":"DOCK","to":"STOCK","quantity":0,"override_expiry":false}},
{"record_test_result":{"lot":{"product":"FLOUR","lot":"L1"},"test":"t","value":"-999999999999999.999999999","unit":"","spec_min":"999999999999999","spec_max":"-999999999999999","tested_on":null}}]"#,
    ),
    (
        "decode_quantity_too_big",
        r#"[{"adjust":{"product":"FLOUR","lot":"L1","location":"DOCK","delta":"79228162514264337593543950335"}}]"#,
    ),
    (
        "decode_quantity_too_precise",
        r#"[{"adjust":{"product":"FLOUR","lot":"L1","location":"DOCK","delta":"1.0000000000000000000000000001"}}]"#,
    ),
    (
        "decode_quantity_tiny",
        r#"[{"adjust":{"product":"FLOUR","lot":"L1","location":"DOCK","delta":"0.00000000000000000000000000001"}}]"#,
    ),
    (
        "decode_quantity_exponent",
        r#"[{"adjust":{"product":"FLOUR","lot":"L1","location":"DOCK","delta":"1e3"}}]"#,
    ),
    (
        "hostile_dates",
        r#"[{"register_product":{"id":"ROCK","description":"","tracking":"lot","unit":"kg","shelf_life_days":4294967295,"best_before_days":3000000,"removal_days":0,"alert_days":2958465,"expiry_warning_days":4294967295,"requires_inspection":false,"numbering_pattern":null}},
{"register_product":{"id":"STONE","description":"","tracking":"lot","unit":"kg","shelf_life_days":3000000,"best_before_days":null,"removal_days":null,"alert_days":null,"expiry_warning_days":null,"requires_inspection":false,"numbering_pattern":null}},
{"receive_lot":{"spec":{"product":"STONE","lot":"S1","manufactured_on":"2026-01-01","dates":{"expiry":null,"best_before":null,"removal":null,"alert":null},"weight":null,"description":"","supplier_lot":null,"attributes":{}},"quantity":"1","location":"DOCK","supplier":null,"received_on":null,"reference":null}},
{"receive_lot":{"spec":{"product":"STONE","lot":"S2","manufactured_on":null,"dates":{"expiry":"9999-12-31","best_before":null,"removal":null,"alert":null},"weight":null,"description":"","supplier_lot":null,"attributes":{}},"quantity":"1","location":"DOCK","supplier":null,"received_on":null,"reference":null}},
{"receive_lot":{"spec":{"product":"FLOUR","lot":"R1","manufactured_on":"2026-01-01","dates":{"expiry":null,"best_before":null,"removal":null,"alert":null},"weight":null,"description":"","supplier_lot":null,"attributes":{}},"quantity":"1","location":"DOCK","supplier":null,"received_on":"2025-12-31","reference":null}},
{"receive_lot":{"spec":{"product":"FLOUR","lot":"OLD","manufactured_on":"0001-01-01","dates":{"expiry":"9999-12-31","best_before":"9999-12-31","removal":"0001-01-01","alert":"9999-12-31"},"weight":null,"description":"","supplier_lot":null,"attributes":{}},"quantity":"1","location":"DOCK","supplier":null,"received_on":"0001-01-01","reference":null}},
{"ship":{"shipment":"SH7","order":"SO2","customer":"SHOP","shipped_on":"2020-01-01","override_expiry":false}},
{"produce":{"work_order":"WO7","consumed":[{"item":{"lot":{"product":"FLOUR","lot":"L1"}},"location":"LINE","quantity":"1"}],"outputs":[],"produced_on":"2000-01-01","override_expiry":false}},
{"update_lot_dates":{"changes":[{"lot":{"product":"FLOUR","lot":"L1"},"dates":{"expiry":"2026-01-01","best_before":null,"removal":"2027-01-01","alert":"2027-01-01"}}]}}]"#,
    ),
    (
        "hostile_ids",
        r#"[{"register_location":{"id":" STOCK ","kind":"internal","description":"dup after trim"}},
{"receive_serials":{"product":"PUMP","serials":["SN1","SN1"],"location":"DOCK","supplier":null,"reference":null}},
{"receive_serials":{"product":"PUMP","serials":[],"location":"DOCK","supplier":null,"reference":null}},
{"receive_lot":{"spec":{"product":"FLOUR","lot":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","manufactured_on":null,"dates":{"expiry":null,"best_before":null,"removal":null,"alert":null},"weight":null,"description":"","supplier_lot":"\u0000","attributes":{"\n":"\t"}},"quantity":"1","location":"DOCK","supplier":null,"received_on":null,"reference":null}},
{"receive_lot":{"spec":{"product":"FLOUR","lot":" L1 ","manufactured_on":null,"dates":{"expiry":null,"best_before":null,"removal":null,"alert":null},"weight":null,"description":"","supplier_lot":null,"attributes":{}},"quantity":"1","location":"DOCK","supplier":null,"received_on":null,"reference":null}},
{"place_hold":{"items":[]}},
{"update_lot_dates":{"changes":[]}}]"#,
    ),
    (
        "decode_id_nul",
        r#"[{"register_location":{"id":"A\u0000B","kind":"internal","description":""}}]"#,
    ),
    (
        "decode_id_newline",
        r#"[{"register_party":{"id":"X\nY","role":"both","name":"tab\there"}}]"#,
    ),
];

/// C ABI calls (`c_abi_strings`): `op`, `flags`, NUL-separated arguments; byte 1 alone
/// is NULL; calls separated by 0xFF. Op numbers as in the target's `run`.
fn call(op: u8, flags: u8, args: &[&[u8]]) -> Vec<u8> {
    let mut bytes = vec![op, flags];
    bytes.extend(args.join(&0u8));
    bytes
}

fn calls(list: &[Vec<u8>]) -> Vec<u8> {
    list.join(&0xFFu8)
}

const NULL: &[u8] = &[1];

fn c_abi_seeds() -> Vec<(&'static str, Vec<u8>)> {
    let who: &[u8] = b"fuzzer";
    let why: &[u8] = b"because";
    vec![
        (
            "receive_move_query",
            calls(&[
                call(5, 0, &[who, NULL, b"FLOUR", b"L7", b"12.5", b"DOCK", b"ACME", b"2026-02-01", b"2026-01-01", b"2026-12-31", b"PO-7"]),
                call(7, 0, &[who, NULL, b"FLOUR", b"L7", b"DOCK", b"STOCK", b"2"]),
                call(25, 0, &[b"FLOUR", b"L7"]),
                call(39, 0, &[b"FLOUR", b"L7"]),
                call(34, 0, &[b"FLOUR", b"L7", b"2026-06-01"]),
            ]),
        ),
        (
            "serial_lifecycle",
            calls(&[
                call(7, 1, &[who, NULL, b"PUMP", b"SN3", b"DOCK", b"STOCK", b"1"]),
                call(8, 1, &[who, NULL, b"SO5", b"PUMP", b"SN3", NULL, b"1"]),
                call(10, 1, &[who, NULL, b"SO5", b"PUMP", b"SN3", b"1"]),
                call(11, 0, &[who, NULL, b"SH5", b"SO5", b"SHOP", b"2026-03-01"]),
                call(16, 1, &[who, NULL, b"RMA5", b"SHOP", b"PUMP", b"SN3", b"DOCK", b"1"]),
                call(38, 0, &[b"PUMP", b"SN3"]),
            ]),
        ),
        (
            "trace_render_recall",
            calls(&[
                call(42, 0, &[b"FLOUR", b"L1"]),
                call(43, 1, &[b"PUMP", b"SN4"]),
                call(45, 0, &[b"FLOUR", b"L1"]),
                call(46, 4, &[b"CHOC", b"K1"]),
                call(47, 0x10, &[b"SUGAR", b"S1", b"FLOUR", b"L2"]),
                call(48, 0x20, &[who, why, b"FLOUR", b"L1"]),
                call(50, 0, &[who, why, b"CHOC", b"K1"]),
            ]),
        ),
        (
            "execute_json",
            calls(&[
                call(23, 0, &[who, NULL, br#"{"pick":{"order":"SO2","item":{"serial":{"product":"PUMP","serial":"SN1"}},"quantity":"1"}}"#]),
                call(24, 0, &[who, why, br#"[{"adjust":{"product":"FLOUR","lot":"L1","location":"DOCK","delta":"-3"}},{"set_lot_active":{"product":"SUGAR","lot":"S1","active":false}}]"#]),
                call(29, 0, &[]),
                call(30, 1, &[]),
            ]),
        ),
        (
            "master_data_and_reports",
            calls(&[
                call(1, 0, &[who, NULL, b"BIG", b"lot", b"kg", b"big shelf life", b"\xfe\xfe\xfe\xfe"]),
                call(2, 0, &[who, NULL, b"COLD", b"internal", b"cold room"]),
                call(3, 0, &[who, NULL, b"MILL", b"supplier", b"the mill"]),
                call(5, 0, &[who, NULL, b"BIG", b"B1", b"1", b"COLD", b"MILL", NULL, b"2026-02-01", NULL, NULL]),
                call(31, 0, &[NULL, b"FLOUR", b"\x1e"]),
                call(32, 0, &[b"2026-03-01"]),
                call(33, 0, &[NULL, b"FLOUR"]),
                call(40, 0, &[b"STOCK"]),
                call(41, 0, &[NULL, b"PUMP"]),
                call(37, 0, &[b"sn", NULL, b"IN_INVENTORY"]),
            ]),
        ),
        (
            "quality",
            calls(&[
                call(20, 0, &[who, NULL, b"CHOC", b"K1", b"ph", b"7.5", b"pH", b"6", b"7", b"2026-03-01"]),
                call(21, 0, &[who, NULL, b"CHOC", b"K1", b"coa.pdf", b"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"]),
                call(22, 0, &[who, why, b"CHOC", b"K1", b"released"]),
                call(35, 0, &[b"CHOC", b"K1"]),
                call(36, 0, &[b"CHOC", b"K1"]),
                call(18, 0, &[who, why, b"FLOUR", b"L2", b"2026-04-01", NULL, b"2026-03-20", NULL]),
            ]),
        ),
        (
            "allocate_produce",
            calls(&[
                call(17, 0x10, &[who, NULL, b"FLOUR", b"50", b"SO4", b"2026-03-02", b"5", b"DOCK", b"LINE"]),
                call(9, 0x10, &[who, NULL, b"SO4"]),
                call(12, 0x30, &[who, NULL, b"WO4", b"FLOUR", b"L1", b"LINE", b"5", b"CHOC", b"K4", b"5", b"STOCK", b"2026-03-01"]),
                call(13, 0, &[who, why, b"SUGAR", b"S1", b"LINE", b"-1"]),
                call(14, 0, &[who, why, b"SUGAR", b"S1", b"LINE", b"1"]),
                call(19, 0x20, &[who, why, b"SUGAR", b"S1"]),
            ]),
        ),
        (
            "hostile_strings",
            calls(&[
                call(5, 0, &[who, NULL, b"FLOUR", b"L\xc3\x28", b"1", b"DOCK"]),
                call(5, 0, &[b" ", NULL, b"FLOUR", b"L\n1", b"1e3", b"DOCK"]),
                call(25, 0, &[b"FLOUR\xe2\x82", b"L1"]),
                call(0, 0, &[b"not a time"]),
                call(2, 0, &[who, NULL, b"A\x7fB", b"customer"]),
                call(45, 0, &[b"FLOUR", b"L1"]),
                call(13, 0, &[who, why, b"FLOUR", b"L1", b"DOCK", b"79228162514264337593543950335"]),
            ]),
        ),
        (
            "open_and_misc",
            calls(&[
                call(51, 0, &[b":memory:"]),
                call(51, 0, &[b""]),
                call(51, 0, &[b"file:x.db?mode=memory"]),
                call(51, 0, &[b"store.db"]),
                call(52, 0x66, &[]),
                call(53, 0, &[]),
                call(0, 0, &[b"2030-01-01T00:00:00+02:00"]),
                call(31, 0, &[]),
            ]),
        ),
    ]
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn main() {
    // command_json: every seed decodes; report how much of each the engine accepts.
    let dir = corpus("command_json");
    for (name, json) in COMMANDS {
        write(&dir, &format!("{name}.json"), json.as_bytes());
        match serde_json::from_str::<Vec<Command>>(json) {
            Ok(commands) => {
                let mut t = fixture_replayed();
                let accepted = commands
                    .iter()
                    .filter(|c| match t.execute(ACTOR, Some(REASON), c) {
                        Ok(_) => true,
                        Err(e) => {
                            if std::env::var_os("VERBOSE").is_some() {
                                eprintln!("  refused: {e}");
                            }
                            false
                        }
                    })
                    .count();
                eprintln!(
                    "command_json/{name}: {accepted}/{} accepted",
                    commands.len()
                );
            }
            Err(e) => eprintln!("command_json/{name}: does not decode ({e})"),
        }
    }

    // store_open: mode byte, then data (see the target).
    let dir = corpus("store_open");
    let template = template_db(scratch_dir("make_corpus"));
    let with_mode = |mode: u8, data: &[u8]| [&[mode][..], data].concat();
    let patch = |offset: usize, bytes: &[u8]| {
        [&[1u8][..], &(offset as u32).to_le_bytes()[..], bytes].concat()
    };
    write(&dir, "file_template", &with_mode(0, template));
    write(&dir, "file_empty", &with_mode(0, b""));
    write(
        &dir,
        "file_text",
        &with_mode(0, b"this is not a database, just some text"),
    );
    write(&dir, "file_header_only", &with_mode(0, &template[..100]));
    write(
        &dir,
        "file_first_page",
        &with_mode(0, &template[..4096.min(template.len())]),
    );
    write(&dir, "patch_page_size", &patch(16, &[0x02, 0x00]));
    write(
        &dir,
        "patch_last_bytes",
        &patch(template.len() - 40, &[0x7f; 8]),
    );
    // The quantity "20" of WO1 as a MessagePack string in its compact body.
    let quantity = find(template, b"\xa220").expect("the template holds WO1");
    write(&dir, "patch_tamper_quantity", &patch(quantity, b"\xa290"));
    let key = find(template, b"INTEGER PRIMARY KEY").expect("the schema is in the file");
    write(
        &dir,
        "patch_schema_seq_text",
        &patch(key, b"TEXT    PRIMARY KEY"),
    );
    let body = find(template, b"body      BLOB").expect("the schema is in the file");
    write(
        &dir,
        "patch_schema_body_text",
        &patch(body, b"body      TEXT"),
    );
    let records = fixture_records();
    write(&dir, "body_first_event", &with_mode(2, &records[0].body));
    write(&dir, "body_not_json", &with_mode(2, b"{\"recorded_at\":"));
    write(
        &dir,
        "body_compact_cut",
        &with_mode(2, &records[0].body[..20]),
    );
    let mut kinds = std::collections::BTreeSet::new();
    for record in records {
        let kind = record.decode().unwrap().body.payload.action().to_owned();
        if kinds.insert(kind.clone()) {
            // Applying the same event again after the fixture: a duplicate, a second
            // shipment, a hold on a held serial...
            write(
                &dir,
                &format!("body_again_{kind}"),
                &with_mode(3, &record.body),
            );
        }
    }
    eprintln!(
        "store_open: template {} bytes, {} event kinds",
        template.len(),
        kinds.len()
    );

    let dir = corpus("c_abi_strings");
    for (name, bytes) in c_abi_seeds() {
        assert!(!bytes.is_empty());
        write(&dir, name, &bytes);
    }
    let _ = std::fs::remove_dir_all(scratch_dir("make_corpus"));
}
