//! Element strings, bracketed data and Digital Link URIs: the General Specifications'
//! examples, every error with its position, and round trips between the three forms.

use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;
use crate::kernel::check_digit::gs1_mod10;
use crate::kernel::Quantity;
use crate::{ErrorKind, TraceError};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 15).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn ok(input: &str) -> ElementString {
    parse(input, today()).unwrap_or_else(|e| panic!("{input:?}: {e}"))
}

const GS: &str = "\u{1d}";

#[test]
fn gs1_general_specifications_examples() {
    let data = ok("(01)09506000134352(17)201225(10)ABC123");
    assert_eq!(data.gtin(), Some("09506000134352"));
    assert_eq!(data.expiry(), date(2020, 12, 25));
    assert_eq!(data.batch(), Some("ABC123"));
    let titles: Vec<&str> = data.elements().iter().map(Element::title).collect();
    assert_eq!(titles, ["GTIN", "USE BY or EXPIRY", "BATCH/LOT"]);

    assert_eq!(
        ok("(00)106141411234567897").sscc(),
        Some("106141411234567897")
    );
    let gln = ok("(414)9521141123454(254)32a");
    assert_eq!(gln.gln(), Some("9521141123454"));
    assert_eq!(gln.get("254").unwrap().value(), "32a");

    let data = ok("(01)09506000134352(21)12345(15)250200(11)240229(13)250615");
    assert_eq!(data.serial(), Some("12345"));
    assert_eq!(data.best_before(), date(2025, 2, 28));
    assert_eq!(data.production_date(), date(2024, 2, 29));
    assert_eq!(data.get("13").unwrap().date(), date(2025, 6, 15));
}

#[test]
fn gs1_decimal_ais_are_exact() {
    let data = ok("(01)09506000134352(3103)000750");
    assert_eq!(
        data.net_weight_kg(),
        Some(Quantity::from_scaled(750, 3).unwrap())
    );
    assert_eq!(data.net_weight_kg().unwrap().to_string(), "0.75");
    let amount = ok("(8020)INV1(415)9521141123454(3912)978012345");
    assert_eq!(
        amount.get("3912").unwrap().decimal().unwrap().to_string(),
        "123.45"
    );
    assert_eq!(
        ok("(01)09506000134352(30)1(3922)1999")
            .get("3922")
            .unwrap()
            .decimal()
            .unwrap()
            .to_string(),
        "19.99"
    );
    assert_eq!(
        ok("(01)09506000134352(3100)000042")
            .get("3100")
            .unwrap()
            .decimal(),
        Some(Quantity::from(42))
    );
    let lot = ok("(01)09506000134352(10)123");
    assert_eq!(lot.get("10").unwrap().decimal(), None);
}

#[test]
fn gs1_scanner_data_with_aim_prefixes_and_fnc1() {
    let raw = format!("01095060001343521720122510ABC123{GS}21S1");
    let expected = ok("(01)09506000134352(17)201225(10)ABC123(21)S1");
    for prefix in ["", "]C1", "]d2", "]Q3", "]e0", "]J1"] {
        assert_eq!(ok(&format!("{prefix}{raw}")), expected, "{prefix}");
        assert_eq!(
            ok(&format!("{prefix}{GS}{raw}")),
            expected,
            "{prefix} + FNC1"
        );
    }
    // A trailing FNC1 and one after a predefined-length value are tolerated.
    assert_eq!(ok(&format!("{raw}{GS}")), expected);
    assert_eq!(
        ok(&format!("0109506000134352{GS}17201225{GS}10ABC123{GS}21S1")),
        expected
    );
    // The Digital Link of a plain QR Code.
    assert_eq!(
        ok("]Q1https://id.gs1.org/01/09506000134352").gtin(),
        Some("09506000134352")
    );
}

#[test]
fn gs1_element_strings_have_separators_only_where_needed() {
    let elements = vec![
        Element::new("01", "09506000134352", today()).unwrap(),
        Element::new("10", "ABC123", today()).unwrap(),
        Element::new("3103", "000750", today()).unwrap(),
        Element::new("21", "S/1", today()).unwrap(),
        Element::new("17", "201225", today()).unwrap(),
    ];
    assert_eq!(
        to_element_string(&elements),
        format!("010950600013435210ABC123{GS}310300075021S/1{GS}17201225")
    );
    assert_eq!(
        to_bracketed(&elements),
        "(01)09506000134352(10)ABC123(3103)000750(21)S/1(17)201225"
    );
    let last_variable = [Element::new("10", "X", today()).unwrap()];
    assert_eq!(to_element_string(&last_variable), "10X");
    // A "(" in a value is escaped in the bracketed form, and read back.
    let paren = Element::new("10", "A(B)", today()).unwrap();
    assert_eq!(to_bracketed(std::slice::from_ref(&paren)), "(10)A\\(B)");
    let read = ok("(01)09506000134352(10)A\\(B)");
    assert_eq!(read.get("10"), Some(&paren));
}

/// Asserts that parsing `input` fails at `position`, in AI `ai`, for `reason`.
fn fails(input: &str, position: usize, ai: Option<&str>, reason: Gs1ErrorReason) {
    let e = parse(input, today()).unwrap_err();
    let found = (e.position, e.ai.as_deref(), e.reason);
    assert_eq!(found, (position, ai, reason), "{input:?}");
}

#[test]
fn gs1_value_errors_with_position_and_ai() {
    use Gs1ErrorReason::*;
    fails("(01)0950600013435", 17, Some("01"), TooShort { min: 14 });
    fails("0109506000134", 13, Some("01"), TooShort { min: 14 });
    fails(
        &format!("010950600013{GS}4352"),
        12,
        Some("01"),
        TooShort { min: 14 },
    );
    fails("(10)", 4, Some("10"), TooShort { min: 1 });
    fails("(7007)25010125", 14, Some("7007"), TooShort { min: 12 });
    fails(
        "(10)ABCDEFGHIJKLMNOPQRSTU",
        24,
        Some("10"),
        TooLong { max: 20 },
    );
    let space = BadCharacter {
        found: ' ',
        charset: Charset::Cset82,
    };
    fails("(10)AB CD", 6, Some("10"), space);
    let letter_o = BadCharacter {
        found: 'O',
        charset: Charset::Numeric,
    };
    fails("]C1010950600O134352", 12, Some("01"), letter_o);
    let check = BadCheckDigit {
        found: '3',
        expected: '2',
    };
    fails("(01)09506000134353", 17, Some("01"), check);
    let check = BadCheckDigit {
        found: '0',
        expected: '4',
    };
    fails("(253)95211411234501X", 17, Some("253"), check);
    let date = |digits: &str| InvalidDate(digits.into());
    fails(
        "(01)09506000134352(17)261332",
        22,
        Some("17"),
        date("261332"),
    );
    fails("17250229", 2, Some("17"), date("250229"));
    fails("(7006)250100", 6, Some("7006"), date("250100"));
}

#[test]
fn gs1_structure_errors_with_position_and_ai() {
    use Gs1ErrorReason::*;
    fails("(01)09506000134352(23)1", 19, Some("23"), UnknownAi);
    fails("010950600013435223991", 16, Some("2399"), UnknownAi);
    fails("ABC", 0, None, UnknownAi);
    fails(
        "10ABCDEFGHIJKLMNOPQRST17201225",
        22,
        Some("10"),
        MissingSeparator,
    );
    let repeated = RepeatedAi { first: "A".into() };
    fails(
        "(01)09506000134352(10)A(21)1(10)B",
        29,
        Some("10"),
        repeated,
    );
    assert_eq!(ok("(01)09506000134352(10)A(10)A").elements().len(), 2);
    fails("", 0, None, EmptyInput);
    fails("]C1", 3, None, EmptyInput);
    fails(&format!("]C1{GS}"), 4, None, EmptyInput);
    fails("(01", 0, None, Malformed("unclosed parenthesis"));
    let no_key = BadDigitalLink("no GS1 primary key in the path");
    fails("https://id.gs1.org/10/ABC", 19, None, no_key);
    let ftp = parse_digital_link("ftp://id.gs1.org/01/09506000134352", today()).unwrap_err();
    let not_http = BadDigitalLink("not an http or https URI");
    assert_eq!((ftp.position, ftp.reason), (0, not_http));
}

#[test]
fn gs1_pairing_rules_with_position_and_ai() {
    use Gs1ErrorReason::*;
    let lot_needs = MissingAssociation {
        requires: ["01", "02", "03", "8006", "8026"]
            .map(String::from)
            .to_vec(),
    };
    // Scanner data: the position is where the offending AI was read.
    fails("]C110ABC", 3, Some("10"), lot_needs.clone());
    fails(
        "(17)261231(10)A",
        1,
        Some("17"),
        MissingAssociation {
            requires: ["01", "02", "03", "255", "8006", "8026"]
                .map(String::from)
                .to_vec(),
        },
    );
    fails(
        "(21)S1",
        1,
        Some("21"),
        MissingAssociation {
            requires: ["01", "03", "8006"].map(String::from).to_vec(),
        },
    );
    fails(
        "(254)A1",
        1,
        Some("254"),
        MissingAssociation {
            requires: vec!["414".into()],
        },
    );
    let with_gtin = InvalidPair { with: "01".into() };
    fails(
        "01095060001343520209506000134352",
        16,
        Some("02"),
        with_gtin.clone(),
    );
    let pallet_and_gtin = "(00)106141411234567897(02)09506000134352(37)12(01)09506000134352";
    fails(pallet_and_gtin, 23, Some("02"), with_gtin);
    fails(
        "(01)09506000134352(3102)000750(3103)000075",
        19,
        Some("3102"),
        InvalidPair {
            with: "3103".into(),
        },
    );
    fails(
        "(420)12345(421)276123",
        1,
        Some("420"),
        InvalidPair { with: "421".into() },
    );
    fails(
        "(01)09506000134352(30)1(3922)199(3932)978199",
        24,
        Some("3922"),
        InvalidPair {
            with: "3932".into(),
        },
    );
    // A repeat with the same value is kept once, so it pairs with itself.
    assert_eq!(
        ok("(01)09506000134352(3103)000750(3103)000750")
            .elements()
            .len(),
        2
    );
    // Digital Link: the position of the offending AI in the URI.
    let uri = "https://id.gs1.org/01/09506000134352?3102=000750&3103=000075";
    fails(
        uri,
        37,
        Some("3102"),
        InvalidPair {
            with: "3103".into(),
        },
    );
    let e = parse_digital_link("https://id.gs1.org/00/106141411234567897?37=5", today());
    assert_eq!(
        e.unwrap_err().reason,
        MissingAssociation {
            requires: vec!["02".into(), "8026".into()]
        }
    );
    // Real labels pass: pharma, meat, a pallet's SSCC, a logistic unit's content.
    for label in [
        "]d2010950600013435217261231\u{1d}10ABC123\u{1d}21SN001",
        "]C10109506000134369310300123415261015\u{1d}10BATCH7",
        "]C100106141411234567897",
        "(00)106141411234567897(02)09506000134352(37)12(10)L42(3301)000500",
    ] {
        ok(label);
    }
    let e = parse("(10)ABC", today()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "at character 1, AI (10): requires AI (01), (02), (03), (8006) or (8026)"
    );
    let e = parse("(01)09506000134352(8030)aB", today()).unwrap_err();
    assert!(e.to_string().ends_with("requires AI (00), (01)+(21), (253), (255), (8003), (8004), (8006)+(21), (8010)+(8011), (8017) or (8018)"), "{e}");
    let e = parse("(420)12345(421)276123", today()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "at character 1, AI (420): not allowed together with AI (421)"
    );
}

#[test]
fn gs1_builders_check_the_pairing_rules() {
    let gtin = Element::new("01", "09506000134352", today()).unwrap();
    let content = Element::new("02", "09506000134352", today()).unwrap();
    let count = Element::new("37", "12", today()).unwrap();
    let sscc = Element::new("00", "106141411234567897", today()).unwrap();
    let e = ElementString::from_elements(vec![sscc.clone(), count.clone()]).unwrap_err();
    assert_eq!((e.position, e.ai.as_deref()), (1, Some("37")));
    let e = ElementString::from_elements(vec![gtin.clone(), content.clone(), count.clone()])
        .unwrap_err();
    assert_eq!((e.position, e.ai.as_deref()), (0, Some("01")));
    assert_eq!(e.reason, Gs1ErrorReason::InvalidPair { with: "37".into() });
    let pallet = vec![sscc.clone(), content.clone(), count.clone()];
    assert!(ElementString::from_elements(pallet.clone()).is_ok());
    let e = to_digital_link(&[gtin, count], DEFAULT_BASE).unwrap_err();
    assert_eq!((e.position, e.ai.as_deref()), (0, Some("01")));
    assert!(to_digital_link(&pallet, DEFAULT_BASE).is_ok());
}

#[test]
fn gs1_errors_display_and_become_trace_errors() {
    let e = parse("(01)09506000134352(17)261332", today()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "at character 22, AI (17): invalid date 261332"
    );
    assert_eq!(
        parse("", today()).unwrap_err().to_string(),
        "at character 0: empty input"
    );
    let e = parse("(01)09506000134353", today()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "at character 17, AI (01): check digit 3 is wrong, expected 2"
    );
    let trace: TraceError = e.into();
    assert_eq!(trace.kind(), ErrorKind::InvalidInput);
    assert_eq!(
        trace,
        TraceError::InvalidInput {
            field: "barcode",
            reason: "at character 17, AI (01): check digit 3 is wrong, expected 2".into()
        }
    );
    let e: Box<dyn std::error::Error> = Box::new(parse("ABC", today()).unwrap_err());
    assert_eq!(
        e.to_string(),
        "at character 0: unknown application identifier"
    );
}

#[test]
fn gs1_element_new_checks_like_parsing() {
    assert_eq!(
        Element::new("01", "09506000134352", today())
            .unwrap()
            .spec()
            .first,
        "01"
    );
    let e = Element::new("17", "251301", today()).unwrap_err();
    assert_eq!(
        (e.position, e.reason),
        (0, Gs1ErrorReason::InvalidDate("251301".into()))
    );
    assert_eq!(
        Element::new("23", "1", today()).unwrap_err().reason,
        Gs1ErrorReason::UnknownAi
    );
    let repeated = vec![
        Element::new("10", "A", today()).unwrap(),
        Element::new("10", "B", today()).unwrap(),
    ];
    let e = ElementString::from_elements(repeated).unwrap_err();
    assert_eq!((e.position, e.ai.as_deref()), (1, Some("10")));
}

#[test]
fn gs1_digital_link_example_and_custom_domains() {
    let uri = "https://id.gs1.org/01/09506000134352/10/ABC123/21/12345?17=261231&3103=000750";
    let data = parse_digital_link(uri, today()).unwrap();
    let ais: Vec<&str> = data.elements().iter().map(Element::ai).collect();
    assert_eq!(ais, ["01", "10", "21", "17", "3103"]);
    assert_eq!(data.expiry(), date(2026, 12, 31));
    assert_eq!(data.net_weight_kg().unwrap().to_string(), "0.75");
    assert_eq!(to_digital_link(data.elements(), DEFAULT_BASE).unwrap(), uri);
    assert_eq!(parse(uri, today()).unwrap(), data);

    let custom = "https://example.com/foo/01/09506000134352/10/ABC123?linkType=all&17=261231#top";
    let data = parse_digital_link(custom, today()).unwrap();
    assert_eq!(
        (data.gtin(), data.batch()),
        (Some("09506000134352"), Some("ABC123"))
    );
    assert_eq!(data.elements().len(), 3);
    assert_eq!(
        to_digital_link(data.elements(), "https://example.com/foo/").unwrap(),
        "https://example.com/foo/01/09506000134352/10/ABC123?17=261231"
    );
    // A fake key in the path prefix: the key is the rightmost one.
    let stem = parse_digital_link("HTTP://a:8080/00/faux/00/106141411234567897", today()).unwrap();
    assert_eq!(stem.sscc(), Some("106141411234567897"));
}

#[test]
fn gs1_digital_link_pads_short_gtins_and_other_keys() {
    for (short, gtin14) in [
        ("9506000134352", "09506000134352"),
        ("614141000036", "00614141000036"),
        ("96385074", "00000096385074"),
    ] {
        let data = parse_digital_link(&format!("https://id.gs1.org/01/{short}"), today()).unwrap();
        assert_eq!(data.gtin(), Some(gtin14));
    }
    let e = parse_digital_link("https://id.gs1.org/01/9506000134353", today()).unwrap_err();
    assert_eq!(
        (e.position, e.reason),
        (
            34,
            Gs1ErrorReason::BadCheckDigit {
                found: '3',
                expected: '2'
            }
        )
    );

    let gln =
        parse_digital_link("https://id.gs1.org/414/9521141123454/254/32a%2Fb", today()).unwrap();
    assert_eq!(gln.get("254").unwrap().value(), "32a/b");
    let grai = parse_digital_link("https://id.gs1.org/8003/09521141123454SER1", today()).unwrap();
    assert_eq!(grai.get("8003").unwrap().value(), "09521141123454SER1");
    let giai = parse_digital_link("https://id.gs1.org/8004/9521141ABC", today()).unwrap();
    assert_eq!(giai.get("8004").unwrap().value(), "9521141ABC");
}

#[test]
fn gs1_digital_link_percent_encodes_values() {
    let elements = vec![
        Element::new("01", "09506000134352", today()).unwrap(),
        Element::new("10", "A/B%C", today()).unwrap(),
        Element::new("21", "x+y_z", today()).unwrap(),
        Element::new("240", "a&b=c?", today()).unwrap(),
    ];
    let uri = to_digital_link(&elements, DEFAULT_BASE).unwrap();
    assert_eq!(
        uri,
        "https://id.gs1.org/01/09506000134352/10/A%2FB%25C/21/x%2By_z?240=a%26b%3Dc%3F"
    );
    assert_eq!(
        parse_digital_link(&uri, today()).unwrap().elements(),
        elements
    );
    // A bad percent-escape, and `+` in the query meaning a space (not in CSET 82).
    let e = parse_digital_link("https://id.gs1.org/01/09506000134352/10/A%2", today()).unwrap_err();
    assert_eq!(
        (e.position, e.reason),
        (
            41,
            Gs1ErrorReason::BadDigitalLink("malformed percent-encoding")
        )
    );
    let e =
        parse_digital_link("https://id.gs1.org/01/09506000134352?240=a+b", today()).unwrap_err();
    assert_eq!(
        e.reason,
        Gs1ErrorReason::BadCharacter {
            found: ' ',
            charset: Charset::Cset82
        }
    );
    assert_eq!(e.position, 42);
}

/// Asserts that the Digital Link `https://id.gs1.org{path}` fails at `position`, in
/// AI `ai`, for `reason`.
fn dl_fails(path: &str, position: usize, ai: Option<&str>, reason: Gs1ErrorReason) {
    let e = parse_digital_link(&format!("{DEFAULT_BASE}{path}"), today()).unwrap_err();
    let found = (e.position, e.ai.as_deref(), e.reason);
    assert_eq!(found, (position, ai, reason), "{path:?}");
}

#[test]
fn gs1_digital_link_rules() {
    use Gs1ErrorReason::{BadDigitalLink, RepeatedAi, UnknownAi};
    let dl = |path: &str| parse_digital_link(&format!("{DEFAULT_BASE}{path}"), today());
    // Qualifiers in the defined order only: 01 → 22 → 10 → 21.
    assert!(dl("/01/09506000134352/22/V/10/L/21/S").is_ok());
    let order = BadDigitalLink("qualifier not allowed after this key, or out of order");
    dl_fails(
        "/01/09506000134352/21/S/10/L",
        42,
        Some("10"),
        order.clone(),
    );
    dl_fails("/00/106141411234567897/10/L", 41, Some("10"), order);
    // Query attributes: AIs flagged for it, not qualifiers that belong in the path.
    let in_path = BadDigitalLink("a qualifier of the key belongs in the path");
    dl_fails("/01/09506000134352?10=L", 37, Some("10"), in_path);
    let not_attribute = BadDigitalLink("not a Digital Link data attribute");
    dl_fails("/01/09506000134352?254=x", 37, Some("254"), not_attribute);
    dl_fails("/01/09506000134352?99999=1", 37, Some("99999"), UnknownAi);
    assert_eq!(
        dl("/01/09506000134352?lot=1&x&=2")
            .unwrap()
            .elements()
            .len(),
        1
    );
    let repeated = RepeatedAi {
        first: "261231".into(),
    };
    dl_fails(
        "/01/09506000134352?17=261231&17=261230",
        47,
        Some("17"),
        repeated,
    );
    let not_uri = BadDigitalLink("character not allowed in a URI");
    dl_fails("/01/09506000134352/10/A B", 41, None, not_uri);
    dl_fails(
        "/",
        19,
        None,
        BadDigitalLink("no GS1 primary key in the path"),
    );
    let e = parse_digital_link("https:///01/09506000134352", today()).unwrap_err();
    let no_domain = BadDigitalLink("no domain or no path");
    assert_eq!((e.position, e.reason), (8, no_domain));
}

#[test]
fn gs1_to_digital_link_needs_a_key_and_attributes() {
    let lot = Element::new("10", "L", today()).unwrap();
    let e = to_digital_link(std::slice::from_ref(&lot), DEFAULT_BASE).unwrap_err();
    assert_eq!(
        e.reason,
        Gs1ErrorReason::BadDigitalLink("no primary key among the elements")
    );
    let gtin = Element::new("01", "09506000134352", today()).unwrap();
    let uic = Element::new("7040", "1ABC", today()).unwrap();
    let e = to_digital_link(&[gtin.clone(), uic], DEFAULT_BASE).unwrap_err();
    assert_eq!((e.position, e.ai.as_deref()), (1, Some("7040")));
    let e = to_digital_link(std::slice::from_ref(&gtin), "id.gs1.org").unwrap_err();
    assert_eq!(
        e.reason,
        Gs1ErrorReason::BadDigitalLink("the base is not an http or https URI")
    );
    // The key comes first whatever the order; 235 takes the other qualifier sequence.
    let tpx = Element::new("235", "T1", today()).unwrap();
    assert_eq!(
        to_digital_link(&[tpx, gtin], DEFAULT_BASE).unwrap(),
        "https://id.gs1.org/01/09506000134352/235/T1"
    );
    let sscc = ok("(00)106141411234567897(02)09506000134352(37)12");
    assert_eq!(
        to_digital_link(sscc.elements(), "http://example.com").unwrap(),
        "http://example.com/00/106141411234567897?02=09506000134352&37=12"
    );
}

/// Sorted by AI, for comparing with a Digital Link's key-first order.
fn by_ai(data: &ElementString) -> Vec<Element> {
    let mut elements = data.elements().to_vec();
    elements.sort_by(|a, b| a.ai().cmp(b.ai()));
    elements
}

fn assert_round_trips(data: &ElementString) {
    assert_eq!(&parse(&data.to_element_string(), today()).unwrap(), data);
    assert_eq!(&parse(&data.to_bracketed(), today()).unwrap(), data);
    let uri = to_digital_link(data.elements(), DEFAULT_BASE).unwrap();
    assert_eq!(
        by_ai(&parse_digital_link(&uri, today()).unwrap()),
        by_ai(data),
        "{uri}"
    );
}

#[test]
fn gs1_round_trips_between_the_three_forms() {
    for input in [
        "(01)09506000134352(17)201225(10)ABC123",
        "(00)106141411234567897(02)09506000134352(37)12",
        "(414)9521141123454(254)A1",
        "(01)09506000134352(22)V1(10)L%2/3(21)S\\(+)",
        "(01)09506000134352(3103)000750(15)250200(11)240229",
        "(8006)095060001343520102(10)X(21)Y",
        "(415)9521141123454(8020)R(3912)978012345",
        "(253)9521141123454ABC(400)PO-1",
        "(8004)9521141ABC(7040)1ABC",
        "(01)09506000134352(21)S1(8030)aB-_9=",
    ] {
        assert_round_trips(&ok(input));
    }
}

/// A GTIN-14 with its check digit.
fn gtin() -> impl Strategy<Value = String> {
    "[0-9]{13}".prop_map(|body| format!("{body}{}", gs1_mod10(&body).unwrap()))
}

/// A lot number from CSET 82.
fn lot() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop::sample::select(
            "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
                .chars()
                .collect::<Vec<_>>(),
        ),
        1..=20,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

/// A valid YYMMDD in the century window around today (day 00 included).
fn yymmdd() -> impl Strategy<Value = String> {
    (0u32..100, 1u32..=12, 0u32..=31).prop_filter_map("no such day", |(yy, m, d)| {
        let text = format!("{yy:02}{m:02}{d:02}");
        Element::new("17", &text, today()).ok().map(|_| text)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn gs1_random_valid_elements_round_trip(
        gtin in gtin(), lot in lot(), expiry in yymmdd(), order in 0usize..6,
    ) {
        let mut pairs = [("01", gtin), ("10", lot), ("17", expiry)];
        pairs.rotate_left(order % 3);
        if order >= 3 {
            pairs.swap(0, 1);
        }
        let elements = pairs
            .iter()
            .map(|(ai, value)| Element::new(ai, value, today()).unwrap())
            .collect();
        let data = ElementString::from_elements(elements).unwrap();
        assert_round_trips(&data);
    }
}

/// Every AI of the table.
fn every_ai() -> Vec<String> {
    AI_TABLE
        .iter()
        .flat_map(|row| {
            let (first, last): (u32, u32) = (row.first.parse().unwrap(), row.last.parse().unwrap());
            let width = row.first.len();
            (first..=last).map(move |n| format!("{n:0width$}"))
        })
        .collect()
}

/// A valid value for `spec`, its choices drawn from `seed`: each component in its
/// character set and length range, check digits computed, dates real.
fn value_for(spec: &AiSpec, seed: &mut impl Iterator<Item = u32>) -> String {
    let mut next = move |n: u32| seed.next().unwrap_or(0) % n.max(1);
    let mut value = String::new();
    for part in spec.parts() {
        if part.optional && next(2) == 0 {
            break;
        }
        let len = part.min + next((part.max - part.min + 1) as u32) as usize;
        let text = match part.date {
            Some(DateFormat::Yyyymmdd) => {
                format!("{}{:02}{:02}", 1950 + next(100), 1 + next(12), 1 + next(28))
            }
            Some(format) => {
                let day = if format == DateFormat::Yymmd0 {
                    next(29)
                } else {
                    1 + next(28)
                };
                format!("{:02}{:02}{day:02}", next(100), 1 + next(12))
            }
            None if part.check_digit => {
                let body: String = (1..len)
                    .map(|_| char::from(b'0' + next(10) as u8))
                    .collect();
                format!("{body}{}", gs1_mod10(&body).unwrap())
            }
            None => (0..len).map(|_| any_of(part.charset, next(128))).collect(),
        };
        value.push_str(&text);
    }
    value
}

/// The `n`-th character (cyclically) of `charset`.
fn any_of(charset: Charset, n: u32) -> char {
    let all: Vec<char> = (0..128u8)
        .map(char::from)
        .filter(|&c| charset.allows(c))
        .collect();
    all[n as usize % all.len()]
}

/// Identifications that other AIs qualify, each valid on its own.
const ROOTS: [&[&str]; 12] = [
    &["01"],
    &["00"],
    &["00", "02", "37"],
    &["8006"],
    &["414"],
    &["253"],
    &["255"],
    &["8004"],
    &["8018"],
    &["415", "8020"],
    &["8010", "8011"],
    &["01", "21"],
];

/// Valid barcode data: a root, then candidate AIs kept when they respect the pairing
/// rules with what is there.
fn valid_data(root: usize, candidates: &[usize], seed: &[u32]) -> ElementString {
    let all = every_ai();
    let mut seed = seed.iter().copied().cycle();
    let mut elements: Vec<Element> = Vec::new();
    let mut add = |ai: &str, elements: &mut Vec<Element>, must: bool| {
        let spec = lookup(ai).unwrap();
        let value = value_for(spec, &mut seed);
        let element = Element::new(ai, &value, today())
            .unwrap_or_else(|e| panic!("generated ({ai}){value:?} is invalid: {e}"));
        if elements.iter().any(|e| e.ai() == ai) {
            return;
        }
        elements.push(element);
        if !must && ElementString::from_elements(elements.clone()).is_err() {
            elements.pop();
        }
    };
    for ai in ROOTS[root % ROOTS.len()] {
        add(ai, &mut elements, true);
    }
    for &c in candidates {
        add(&all[c % all.len()], &mut elements, false);
    }
    ElementString::from_elements(elements).expect("valid by construction")
}

/// Text that looks like GS1 data often enough to reach deep into the parsers.
fn gs1ish() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "01",
        "10",
        "17",
        "21",
        "3103",
        "00",
        "02",
        "37",
        "8030",
        "(",
        ")",
        "\\(",
        "\u{1d}",
        "]d2",
        "]C1",
        "]Q1",
        "https://id.gs1.org/",
        "/",
        "?",
        "&",
        "=",
        "%",
        "%4",
        "%C3%A9",
        "+",
        "0",
        "9",
        "12345678901234",
        "A",
        "é",
        "\u{0}",
        "#",
        " ",
    ]);
    proptest::collection::vec(pieces, 0..24).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn gs1_parse_never_panics_on_any_text(text in any::<String>(), gs1 in gs1ish()) {
        for input in [&text, &gs1] {
            let _ = parse(input, today());
            let _ = parse_digital_link(input, today());
            if let Ok(data) = parse(input, today()) {
                // What parses is checked data: it reads back the same from each form.
                prop_assert_eq!(&parse(&data.to_element_string(), today()).unwrap(), &data);
                prop_assert_eq!(&parse(&data.to_bracketed(), today()).unwrap(), &data);
            }
        }
    }

    #[test]
    fn gs1_parse_never_panics_on_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..96)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = parse(&text, today());
        let _ = parse(&format!("]d2{text}"), today());
        let _ = parse(&format!("({text}"), today());
        let _ = parse_digital_link(&format!("https://id.gs1.org/01/{text}"), today());
    }

    #[test]
    fn gs1_valid_data_round_trips_through_every_form(
        root in 0usize..64,
        candidates in proptest::collection::vec(0usize..1_000, 0..12),
        seed in proptest::collection::vec(any::<u32>(), 1..64),
    ) {
        let data = valid_data(root, &candidates, &seed);
        prop_assert_eq!(&parse(&data.to_element_string(), today()).unwrap(), &data);
        prop_assert_eq!(&parse(&format!("]d2{}", data.to_element_string()), today()).unwrap(), &data);
        prop_assert_eq!(&parse(&data.to_bracketed(), today()).unwrap(), &data);
        // Digital Link when the AIs allow one (a primary key, the others qualifiers or
        // data attributes); the path puts the key first.
        if let Ok(uri) = to_digital_link(data.elements(), DEFAULT_BASE) {
            let back = parse_digital_link(&uri, today());
            prop_assert_eq!(by_ai(&back.unwrap()), by_ai(&data), "{}", uri);
        }
    }
}
