//! [`Texts`]: many ids of which most are distinct (shipment and order ids) in one
//! buffer, addressed by position. An id costs its own bytes, a separator and a 4-byte
//! offset, where a [`crate::ShipmentId`] costs 24 bytes (inline up to 23 bytes, an
//! `Arc<str>` beyond): for a 10-byte id, 15 bytes instead of 24, at a million shipments
//! ~30 MB instead of ~48 MB for the ids and their orders' ids.
//!
//! Ids never hold control characters ([`crate::kernel::text::identifier`]), so each is
//! followed by a line feed: the serde form is the buffer itself, one string, and reading
//! it back finds the offsets by scanning for the line feeds, so no offset stored in a
//! snapshot can point outside the buffer or inside a character.

use serde::de::{Deserialize, Deserializer, Error as _};
use serde::ser::{Serialize, Serializer};

/// What follows each id in the buffer.
const END: char = '\n';

/// See the [module docs](self).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Texts {
    /// Each id followed by [`END`].
    text: String,
    /// Per id: where it ends in `text` (its [`END`]).
    ends: Vec<u32>,
}

impl Texts {
    /// Number of ids.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether `id` can be added: the buffer is addressed by `u32` offsets (4 GiB).
    pub(crate) fn has_room_for(&self, id: &str) -> bool {
        u32::try_from(self.text.len() + id.len() + END.len_utf8()).is_ok()
    }

    /// Adds `id` (an identifier: no control characters) as the last one; callers check
    /// [`Self::has_room_for`] first.
    pub(crate) fn push(&mut self, id: &str) {
        debug_assert!(!id.contains(END), "ids hold no control characters");
        self.text.push_str(id);
        self.ends
            .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
        self.text.push(END);
    }

    /// The id at position `n` (`None` past the end).
    #[inline]
    pub(crate) fn get(&self, n: u32) -> Option<&str> {
        let n = n as usize;
        let end = *self.ends.get(n)? as usize;
        let start = match n {
            0 => 0,
            _ => self.ends[n - 1] as usize + END.len_utf8(),
        };
        self.text.get(start..end)
    }
}

impl Serialize for Texts {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Texts {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        if !text.is_empty() && !text.ends_with(END) {
            return Err(D::Error::custom("ids without their last separator"));
        }
        let ends = text
            .match_indices(END)
            .map(|(at, _)| u32::try_from(at))
            .collect::<Result<_, _>>()
            .map_err(|_| D::Error::custom("more than 4 GiB of ids"))?;
        Ok(Self { text, ends })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Each id reads back as pushed, multi-byte characters included, and the serde
        /// form round-trips.
        #[test]
        fn ids_read_back_as_pushed(ids in proptest::collection::vec("[^\\p{Cc}]{0,12}", 0..40)) {
            let mut all = Texts::default();
            for id in &ids {
                prop_assert!(all.has_room_for(id));
                all.push(id);
            }
            prop_assert_eq!(all.len(), ids.len());
            for (n, id) in ids.iter().enumerate() {
                prop_assert_eq!(all.get(n as u32), Some(id.as_str()));
            }
            prop_assert_eq!(all.get(ids.len() as u32), None);
            let bytes = rmp_serde::to_vec(&all).unwrap();
            prop_assert_eq!(rmp_serde::from_slice::<Texts>(&bytes).unwrap(), all);
        }
    }

    #[test]
    fn a_buffer_without_its_last_separator_is_refused() {
        let read = |text: &str| rmp_serde::from_slice::<Texts>(&rmp_serde::to_vec(text).unwrap());
        assert_eq!(read("").unwrap().len(), 0);
        assert_eq!(read("a\n\nb\n").unwrap().get(2), Some("b"));
        assert!(read("a\nb").is_err());
    }
}
