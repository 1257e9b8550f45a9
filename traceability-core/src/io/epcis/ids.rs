//! The identifiers an export writes: GS1 Digital Link URIs for things with GS1 keys,
//! private URIs under [`EpcisOptions::private_base`] for the others, and stable event
//! IDs.

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::event::{encode_body, Event};
use crate::io::epcis::options::EpcisOptions;
use crate::io::gs1::{to_digital_link, Element};
use crate::kernel::id::{ContainerId, ItemRef, LocationId, PartyId};
use crate::state::State;

/// A date for building elements that carry no date (AIs 01, 10, 21, 414, 417 are not
/// checked against it).
const ANY_DAY: NaiveDate = NaiveDate::MIN;

/// Names the things of one tracker's state for one export.
pub(super) struct Ids<'a> {
    pub(super) state: &'a State,
    pub(super) options: &'a EpcisOptions,
}

impl Ids<'_> {
    /// A serial's EPC (`.../01/{gtin}/21/{serial}`) or a lot's class
    /// (`.../01/{gtin}/10/{lot}`); a private URI when the product has no GTIN or the
    /// number does not fit the AI (over 20 characters, or outside GS1's character set).
    pub(super) fn item(&self, item: &ItemRef) -> String {
        let (product, ai, number, kind) = match item {
            ItemRef::Lot { product, lot } => (product, "10", lot.as_str(), "lot"),
            ItemRef::Serial { product, serial } => (product, "21", serial.as_str(), "serial"),
        };
        let gtin = self
            .state
            .product(product)
            .and_then(|p| p.gtins.first())
            .and_then(|gtin| self.digital_link(&[("01", gtin), (ai, number)]));
        gtin.unwrap_or_else(|| self.private(kind, &[product.as_str(), number]))
    }

    /// A location's URI: `.../414/{gln}`, or private.
    pub(super) fn location(&self, id: &LocationId) -> String {
        self.state
            .location(id)
            .and_then(|l| l.gln.as_deref())
            .and_then(|gln| self.digital_link(&[("414", gln)]))
            .unwrap_or_else(|| self.private("location", &[id.as_str()]))
    }

    /// A container's URI: `.../00/{sscc}` for an SSCC, else private.
    pub(super) fn container(&self, id: &ContainerId) -> String {
        self.digital_link(&[("00", id.as_str())])
            .unwrap_or_else(|| self.private("container", &[id.as_str()]))
    }

    /// A party's URI: `.../417/{gln}`, or private.
    pub(super) fn party(&self, id: &PartyId) -> String {
        self.party_gln(id)
            .and_then(|gln| self.digital_link(&[("417", gln)]))
            .unwrap_or_else(|| self.private("party", &[id.as_str()]))
    }

    /// The physical location of a party with a GLN (`.../414/{gln}`).
    pub(super) fn party_location(&self, id: &PartyId) -> Option<String> {
        self.digital_link(&[("414", self.party_gln(id)?)])
    }

    /// Our own party, from [`EpcisOptions::owner_gln`].
    pub(super) fn owner(&self) -> Option<String> {
        self.digital_link(&[("417", self.options.owner_gln.as_deref()?)])
    }

    fn party_gln(&self, id: &PartyId) -> Option<&str> {
        self.state.party(id)?.gln.as_deref()
    }

    /// A document or process of ours (`shipment`, `order`, `work_order`, `rma`, ...).
    pub(super) fn record(&self, kind: &str, id: &str) -> String {
        self.private(kind, &[id])
    }

    fn digital_link(&self, elements: &[(&str, &str)]) -> Option<String> {
        let elements: Option<Vec<Element>> = elements
            .iter()
            .map(|(ai, value)| Element::new(ai, value, ANY_DAY).ok())
            .collect();
        to_digital_link(&elements?, &self.options.digital_link_base).ok()
    }

    fn private(&self, kind: &str, parts: &[&str]) -> String {
        private_uri(&self.options.private_base, kind, parts)
    }
}

/// `{base}{kind}:{part}:...` for a base ending in `:`, else `{base}/{kind}/{part}/...`;
/// each part percent-encoded, so it holds no separator.
pub(super) fn private_uri(base: &str, kind: &str, parts: &[&str]) -> String {
    let (mut uri, separator) = match base.strip_suffix(':') {
        Some(_) => (base.to_owned(), ':'),
        None => (format!("{}/", base.trim_end_matches('/')), '/'),
    };
    uri.push_str(kind);
    for part in parts {
        uri.push(separator);
        uri.push_str(&percent_encode(part));
    }
    uri
}

/// The kind and decoded parts of a private URI under `base`, if it is one.
pub(super) fn parse_private(base: &str, uri: &str) -> Option<(String, Vec<String>)> {
    let (rest, separator) = match base.strip_suffix(':') {
        Some(_) => (uri.strip_prefix(base)?, ':'),
        None => (
            uri.strip_prefix(base.trim_end_matches('/'))?
                .strip_prefix('/')?,
            '/',
        ),
    };
    let mut parts = rest.split(separator);
    let kind = parts.next()?.to_owned();
    let parts: Option<Vec<String>> = parts.map(percent_decode).collect();
    Some((kind, parts?))
}

/// Percent-encodes everything but URI unreserved characters.
pub(super) fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes; `None` for a broken escape or bytes that are not UTF-8.
pub(super) fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The stable ID of the `part`-th EPCIS event made from a log event: a name-based UUID
/// (RFC 9562 version 8, the SHA-256 variant of version 5) of the log position and the
/// event's canonical body, so the same log gives the same IDs in every export.
pub(super) fn event_id(event: &Event, part: usize) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"traceability/epcis-event-id/1\0");
    hasher.update(event.seq.to_be_bytes());
    hasher.update((part as u64).to_be_bytes());
    hasher.update(encode_body(&event.body));
    let digest: [u8; 32] = hasher.finalize().into();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = hex::encode(bytes);
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_uris_round_trip_in_both_styles() {
        let urn = private_uri("urn:x-t:", "lot", &["FLOUR", "L 1:a/b"]);
        assert_eq!(urn, "urn:x-t:lot:FLOUR:L%201%3Aa%2Fb");
        let parts = vec!["FLOUR".to_owned(), "L 1:a/b".to_owned()];
        assert_eq!(
            parse_private("urn:x-t:", &urn),
            Some(("lot".to_owned(), parts.clone()))
        );
        let path = private_uri("https://erp.example.com/id/", "lot", &["FLOUR", "L 1:a/b"]);
        assert_eq!(path, "https://erp.example.com/id/lot/FLOUR/L%201%3Aa%2Fb");
        assert_eq!(
            parse_private("https://erp.example.com/id", &path),
            Some(("lot".to_owned(), parts))
        );
        assert_eq!(parse_private("urn:x-t:", "urn:other:lot:A"), None);
        assert_eq!(percent_decode("%4"), None);
        assert_eq!(percent_decode("%FF"), None);
        assert_eq!(percent_decode("%C3%A9").as_deref(), Some("é"));
    }
}
