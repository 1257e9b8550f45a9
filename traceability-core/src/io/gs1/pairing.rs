//! The rules for combining AIs in one barcode (GS1 General Specifications 4.14):
//! mandatory associations (a batch number (10) needs the GTIN (01) or another
//! identification it qualifies; the count (37) needs an SSCC (00) and the content GTIN
//! (02) or (8026); ...) and invalid pairs (a GTIN (01) with the content GTIN (02), two
//! net weights in different units of decimals (3102, 3103), (420) with (421), ...).
//!
//! The rules are data: each row of the AI table carries the Barcode Syntax
//! Dictionary's `req=` and `ex=` attributes ([`AiSpec::pairing`]), read here without
//! allocating. An AI never excludes itself (it is kept once; a repeat with another value
//! is refused before the pairing is checked).

use crate::io::gs1::ai::{same_ai, AiSpec};
use crate::io::gs1::error::Gs1ErrorReason;

/// Whether the AIs an AI requires (`req=`) must be in the same data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Requisites {
    /// They must (one complete message).
    Checked,
    /// They may be elsewhere (one symbol of a label with several).
    Elsewhere,
}

/// The first element of `items` (in order) that breaks a pairing rule, and why; `ai`
/// gives an item's AI and table row.
pub(crate) fn violation<T>(
    items: &[T],
    requisites: Requisites,
    ai: impl Fn(&T) -> (&str, &'static AiSpec),
) -> Option<(usize, Gs1ErrorReason)> {
    let ais = || items.iter().map(|item| ai(item).0);
    items.iter().enumerate().find_map(|(i, item)| {
        let (own, spec) = ai(item);
        broken_rule(own, spec.pairing, requisites, ais).map(|reason| (i, reason))
    })
}

/// The first of `rules` (an AI's `req=`/`ex=` attributes) that the AIs present break.
fn broken_rule<'a, I>(
    own: &str,
    rules: &str,
    requisites: Requisites,
    ais: impl Fn() -> I,
) -> Option<Gs1ErrorReason>
where
    I: Iterator<Item = &'a str>,
{
    for rule in rules.split_ascii_whitespace() {
        if let Some(excluded) = rule.strip_prefix("ex=") {
            let clash = excluded.split(',').find_map(|pattern| {
                ais().find(|&other| !same_ai(other, own) && matches(pattern, other))
            });
            if let Some(with) = clash {
                return Some(Gs1ErrorReason::InvalidPair {
                    with: with.to_owned(),
                });
            }
        } else if let (Some(required), Requisites::Checked) =
            (rule.strip_prefix("req="), requisites)
        {
            let present = |pattern: &str| ais().any(|other| matches(pattern, other));
            if !required
                .split(',')
                .any(|group| group.split('+').all(present))
            {
                return Some(Gs1ErrorReason::MissingAssociation {
                    requires: required.split(',').map(str::to_owned).collect(),
                });
            }
        }
    }
    None
}

/// Whether `ai` fits `pattern`: the same length, the same digits where the pattern
/// has digits, any digit where it has `n` (`310n`, `31nn`).
fn matches(pattern: &str, ai: &str) -> bool {
    pattern.len() == ai.len()
        && pattern
            .bytes()
            .zip(ai.bytes())
            .all(|(p, a)| p == a || (p == b'n' && a.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::gs1::ai::{lookup, AI_TABLE};

    fn check(ais: &[&'static str]) -> Option<(usize, Gs1ErrorReason)> {
        violation(ais, Requisites::Checked, |ai| {
            (*ai, lookup(ai).expect("a known AI"))
        })
    }

    fn pair(with: &str) -> Gs1ErrorReason {
        Gs1ErrorReason::InvalidPair { with: with.into() }
    }

    fn missing(requires: &[&str]) -> Gs1ErrorReason {
        let requires = requires.iter().map(|r| r.to_string()).collect();
        Gs1ErrorReason::MissingAssociation { requires }
    }

    #[test]
    fn gs1_patterns_match_digits_and_n() {
        assert!(matches("310n", "3103") && matches("31nn", "3152") && matches("01", "01"));
        assert!(!matches("310n", "3113") && !matches("310n", "310") && !matches("01", "02"));
        assert!(!matches("31nn", "31A2"));
    }

    #[test]
    fn gs1_every_rule_of_the_table_is_well_formed() {
        let every_ai: Vec<String> = AI_TABLE
            .iter()
            .flat_map(|row| {
                let (first, last): (u32, u32) =
                    (row.first.parse().unwrap(), row.last.parse().unwrap());
                let width = row.first.len();
                (first..=last).map(move |n| format!("{n:0width$}"))
            })
            .collect();
        for row in AI_TABLE {
            for rule in row.pairing.split_ascii_whitespace() {
                let (kind, list) = rule.split_once('=').expect("key=value");
                assert!(kind == "req" || kind == "ex", "{}: {rule}", row.first);
                for pattern in list.split([',', '+']) {
                    let known = every_ai.iter().any(|ai| matches(pattern, ai));
                    assert!(known, "{}: {pattern} names no AI of the table", row.first);
                }
            }
        }
        assert_eq!(lookup("3103").unwrap().pairing, "req=01,02 ex=310n");
        assert_eq!(lookup("37").unwrap().pairing, "req=00 req=02,8026");
    }

    #[test]
    fn gs1_mandatory_associations() {
        assert_eq!(
            check(&["10"]),
            Some((0, missing(&["01", "02", "03", "8006", "8026"])))
        );
        assert_eq!(check(&["01", "10", "17", "21"]), None);
        assert_eq!(check(&["8006", "10", "21"]), None);
        assert_eq!(check(&["02", "10"]), Some((0, missing(&["37"]))));
        // 37: an SSCC, and 02 or 8026.
        assert_eq!(check(&["00", "02", "37"]), None);
        assert_eq!(check(&["00", "8026", "37"]), None);
        assert_eq!(check(&["02", "37"]), Some((1, missing(&["00"]))));
        assert_eq!(check(&["00", "37"]), Some((1, missing(&["02", "8026"]))));
        assert_eq!(check(&["21"]), Some((0, missing(&["01", "03", "8006"]))));
        assert_eq!(
            check(&["02", "37", "00", "21"]),
            Some((3, missing(&["01", "03", "8006"])))
        );
        // 250: (01 or 8006) and 21; 251: 01 or 8006; 254: 414.
        assert_eq!(check(&["01", "250"]), Some((1, missing(&["21"]))));
        assert_eq!(check(&["01", "21", "250"]), None);
        assert_eq!(check(&["251"]), Some((0, missing(&["01", "8006"]))));
        assert_eq!(check(&["254"]), Some((0, missing(&["414"]))));
        assert_eq!(check(&["414", "254"]), None);
        // Measures: trade measures need 01 or 02, logistic ones 00 or 01.
        assert_eq!(check(&["3103"]), Some((0, missing(&["01", "02"]))));
        assert_eq!(check(&["00", "3301"]), None);
        assert_eq!(check(&["00", "3103"]), Some((1, missing(&["01", "02"]))));
        assert_eq!(check(&["7003"]), Some((0, missing(&["01", "02"]))));
        // 392n: 01, and a variable quantity (30 or a measure); `+` groups: 8030.
        assert_eq!(
            check(&["01", "3922"]),
            Some((1, missing(&["30", "31nn", "32nn", "35nn", "36nn"])))
        );
        assert_eq!(check(&["01", "3102", "3922"]), None);
        assert_eq!(check(&["01", "30", "3922"]), None);
        assert_eq!(
            check(&["01", "8030"]),
            Some((
                1,
                missing(&[
                    "00",
                    "01+21",
                    "253",
                    "255",
                    "8003",
                    "8004",
                    "8006+21",
                    "8010+8011",
                    "8017",
                    "8018"
                ])
            ))
        );
        assert_eq!(check(&["01", "21", "8030"]), None);
    }

    #[test]
    fn gs1_invalid_pairs() {
        assert_eq!(check(&["00", "02", "37", "01"]), Some((1, pair("01"))));
        assert_eq!(check(&["01", "37", "00"]), Some((0, pair("37"))));
        assert_eq!(check(&["01", "255"]), Some((0, pair("255"))));
        assert_eq!(check(&["01", "8006"]), Some((1, pair("01"))));
        assert_eq!(check(&["420", "421"]), Some((0, pair("421"))));
        assert_eq!(check(&["01", "422", "426"]), Some((1, pair("426"))));
        assert_eq!(check(&["01", "424", "423", "425"]), None);
        // Two of the same measure in different decimals; other measures combine.
        assert_eq!(check(&["01", "3102", "3103"]), Some((1, pair("3103"))));
        assert_eq!(check(&["01", "3102", "3202", "3302"]), None);
        assert_eq!(
            check(&["415", "8020", "3901", "3912"]),
            Some((2, pair("3912")))
        );
        assert_eq!(check(&["255", "3902", "3903"]), Some((1, pair("3903"))));
        assert_eq!(
            check(&["01", "30", "3922", "3932"]),
            Some((2, pair("3932")))
        );
        assert_eq!(check(&["255", "3941", "8111"]), Some((1, pair("8111"))));
        assert_eq!(check(&["01", "21", "235"]), Some((1, pair("235"))));
        assert_eq!(check(&["8018", "8017"]), Some((0, pair("8017"))));
    }
}
