//! Reading identifiers: GS1 Digital Link URIs (through [`crate::io::gs1`]), the EPC
//! URNs of the GS1 Tag Data Standard (`urn:epc:id:sgtin:`, `urn:epc:class:lgtin:`,
//! `urn:epc:idpat:sgtin:`, `urn:epc:id:sgln:`, `urn:epc:id:pgln:`) and this library's
//! private URIs. A URN's company prefix is the part before its first dot.

use chrono::NaiveDate;

use crate::io::epcis::capture::{CapturedItem, CapturedParty};
use crate::io::epcis::ids::{parse_private, percent_decode};
use crate::io::gs1::parse_digital_link;
use crate::kernel::check_digit::gs1_mod10;

/// A date for reading keys that carry no date.
const ANY_DAY: NaiveDate = NaiveDate::MIN;

/// An object or class identifier; an error says what is wrong with one that claims a
/// known form.
pub(super) fn item(uri: &str, private_base: &str) -> Result<CapturedItem, String> {
    let mut out = CapturedItem {
        uri: uri.to_owned(),
        gtin: None,
        product: None,
        lot: None,
        serial: None,
        quantity: None,
        uom: None,
    };
    if let Some((kind, parts)) = parse_private(private_base, uri) {
        match (kind.as_str(), parts.as_slice()) {
            ("lot", [product, lot]) => {
                (out.product, out.lot) = (Some(product.clone()), Some(lot.clone()))
            }
            ("serial", [product, serial]) => {
                (out.product, out.serial) = (Some(product.clone()), Some(serial.clone()))
            }
            _ => return Err(format!("{uri:?} is not a private lot or serial URI")),
        }
    } else if let Some(rest) = uri.strip_prefix("urn:epc:id:sgtin:") {
        let (gtin, serial) = gtin_and_number(rest)?;
        (out.gtin, out.serial) = (Some(gtin), Some(serial));
    } else if let Some(rest) = uri.strip_prefix("urn:epc:class:lgtin:") {
        let (gtin, lot) = gtin_and_number(rest)?;
        (out.gtin, out.lot) = (Some(gtin), Some(lot));
    } else if let Some(rest) = uri.strip_prefix("urn:epc:idpat:sgtin:") {
        let class = rest
            .strip_suffix(".*")
            .ok_or_else(|| format!("{uri:?}: an SGTIN pattern ends in .*"))?;
        out.gtin = Some(gtin(class)?);
    } else if is_digital_link(uri) {
        let elements = parse_digital_link(uri, ANY_DAY).map_err(|e| format!("{uri:?}: {e}"))?;
        out.gtin = elements.gtin().map(str::to_owned);
        out.lot = elements.batch().map(str::to_owned);
        out.serial = elements.serial().map(str::to_owned);
    }
    Ok(out)
}

/// A party or location identifier with its role; an error as for [`item`].
pub(super) fn party(role: &str, uri: &str, private_base: &str) -> Result<CapturedParty, String> {
    let mut out = CapturedParty {
        role: role.to_owned(),
        uri: uri.to_owned(),
        gln: None,
        id: None,
    };
    if let Some((kind, parts)) = parse_private(private_base, uri) {
        match (kind.as_str(), parts.as_slice()) {
            ("party" | "location", [id]) => out.id = Some(id.clone()),
            _ => return Err(format!("{uri:?} is not a private party or location URI")),
        }
    } else if let Some(rest) = uri.strip_prefix("urn:epc:id:sgln:") {
        let (prefix, reference, _extension) = three_parts(rest)?;
        out.gln = Some(with_check_digit(&format!("{prefix}{reference}"), 12)?);
    } else if let Some(rest) = uri.strip_prefix("urn:epc:id:pgln:") {
        let (prefix, reference) = rest
            .split_once('.')
            .ok_or_else(|| format!("{rest:?}: company prefix and party reference expected"))?;
        out.gln = Some(with_check_digit(&format!("{prefix}{reference}"), 12)?);
    } else if is_digital_link(uri) {
        let elements = parse_digital_link(uri, ANY_DAY).map_err(|e| format!("{uri:?}: {e}"))?;
        out.gln = elements
            .gln()
            .or_else(|| elements.get("417").map(|e| e.value()))
            .map(str::to_owned);
    }
    Ok(out)
}

/// A Digital Link URI: http(s) with a path segment that is a GS1 primary key AI this
/// reader reads (a URI of another form is not an error, only unknown).
fn is_digital_link(uri: &str) -> bool {
    (uri.starts_with("https://") || uri.starts_with("http://"))
        && ["/01/", "/414/", "/417/"]
            .iter()
            .any(|key| uri.contains(key))
}

/// `CompanyPrefix.IndicatorItemReference.Number` → (GTIN-14, decoded number).
fn gtin_and_number(rest: &str) -> Result<(String, String), String> {
    let (prefix, reference, number) = three_parts(rest)?;
    let number = percent_decode(number)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| format!("{rest:?}: the lot or serial is empty or badly escaped"))?;
    Ok((gtin(&format!("{prefix}.{reference}"))?, number))
}

/// `CompanyPrefix.IndicatorItemReference` → GTIN-14 (indicator digit first).
fn gtin(class: &str) -> Result<String, String> {
    let (prefix, reference) = class
        .split_once('.')
        .ok_or_else(|| format!("{class:?}: company prefix and item reference expected"))?;
    let Some(indicator) = reference.get(..1) else {
        return Err(format!("{class:?}: the item reference is empty"));
    };
    let rest = reference.get(1..).unwrap_or_default();
    with_check_digit(&format!("{indicator}{prefix}{rest}"), 13)
}

fn three_parts(rest: &str) -> Result<(&str, &str, &str), String> {
    let mut parts = rest.splitn(3, '.');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(a), Some(b), Some(c)) => Ok((a, b, c)),
        _ => Err(format!("{rest:?}: three dot-separated parts expected")),
    }
}

/// `digits` (all digits, `len` of them) with their GS1 check digit appended.
fn with_check_digit(digits: &str, len: usize) -> Result<String, String> {
    match gs1_mod10(digits) {
        Some(check) if digits.len() == len => Ok(format!("{digits}{check}")),
        _ => Err(format!(
            "{digits:?}: company prefix and reference must be {len} digits together"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "urn:x-traceability:";

    #[test]
    fn urns_and_digital_links_give_gtins_lots_and_serials() {
        let sgtin = item("urn:epc:id:sgtin:0614141.812345.6789", BASE).unwrap();
        assert_eq!(sgtin.gtin.as_deref(), Some("80614141123458"));
        assert_eq!(sgtin.serial.as_deref(), Some("6789"));
        let lgtin = item("urn:epc:class:lgtin:4012345.012345.998877", BASE).unwrap();
        assert_eq!(lgtin.gtin.as_deref(), Some("04012345123456"));
        assert_eq!(lgtin.lot.as_deref(), Some("998877"));
        let dl = item("https://id.gs1.org/01/09506000134352/10/AB%2F1", BASE).unwrap();
        assert_eq!(
            (dl.gtin.as_deref(), dl.lot.as_deref()),
            (Some("09506000134352"), Some("AB/1"))
        );
        let private = item("urn:x-traceability:serial:PUMP:SN%201", BASE).unwrap();
        assert_eq!(
            (private.product.as_deref(), private.serial.as_deref()),
            (Some("PUMP"), Some("SN 1"))
        );
        let pattern = item("urn:epc:idpat:sgtin:4012345.012345.*", BASE).unwrap();
        assert_eq!(pattern.gtin.as_deref(), Some("04012345123456"));
        let unknown = item("urn:epc:id:sscc:0614141.1234567890", BASE).unwrap();
        assert_eq!(
            (unknown.gtin, unknown.lot, unknown.serial),
            (None, None, None)
        );
    }

    #[test]
    fn broken_identifiers_say_what_is_wrong() {
        for bad in [
            "urn:epc:id:sgtin:0614141.81234.6789",
            "urn:epc:id:sgtin:0614141812345",
            "urn:epc:class:lgtin:0614141.812345.",
            "urn:epc:id:sgtin:06141x1.812345.1",
            "https://id.gs1.org/01/09506000134353/10/A",
            "urn:x-traceability:lot:ONLYPRODUCT",
        ] {
            assert!(item(bad, BASE).is_err(), "{bad}");
        }
        assert!(party("location", "urn:epc:id:sgln:0614141.0000.0", BASE).is_err());
    }

    #[test]
    fn places_and_parties_give_glns() {
        let sgln = party("location", "urn:epc:id:sgln:0614141.00777.0", BASE).unwrap();
        assert_eq!(sgln.gln.as_deref(), Some("0614141007776"));
        let pgln = party("owning_party", "urn:epc:id:pgln:0614141.00777", BASE).unwrap();
        assert_eq!(pgln.gln, sgln.gln);
        let dl = party("", "https://id.gs1.org/417/9521141123454", BASE).unwrap();
        assert_eq!(dl.gln.as_deref(), Some("9521141123454"));
        let private = party("", "urn:x-traceability:location:DOCK", BASE).unwrap();
        assert_eq!(private.id.as_deref(), Some("DOCK"));
    }
}
