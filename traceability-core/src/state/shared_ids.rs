//! Shared id text: every id an event decodes is a new allocation, and a record that
//! kept it would hold its own copy of a product's, location's or party's id. Records
//! take the state's copy instead (the key of the registered product, location or
//! party), so a million lots at three locations hold three location texts, not a
//! million. (A state read from a snapshot or replayed from the log shares all its ids
//! through [`crate::kernel::id::interning`].)

use std::hash::Hash;

use foldhash::HashMap;

use super::State;
use crate::kernel::id::{LocationId, PartyId, ProductId};

/// The map's own copy of `id` when it holds it, else `id` itself.
pub(super) fn shared<K: Eq + Hash + Clone, V>(map: &HashMap<K, V>, id: &K) -> K {
    map.get_key_value(id)
        .map_or_else(|| id.clone(), |(key, _)| key.clone())
}

impl State {
    pub(super) fn shared_location(&self, id: &LocationId) -> LocationId {
        shared(&self.locations, id)
    }

    pub(super) fn shared_product(&self, id: &ProductId) -> ProductId {
        shared(&self.products, id)
    }

    pub(super) fn shared_party(&self, id: &PartyId) -> PartyId {
        shared(&self.party_index, id)
    }
}
