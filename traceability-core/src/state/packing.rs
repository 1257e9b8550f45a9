//! Containers: what was packed into each, and per item the containers still packed
//! that hold it (so packing never promises more of a lot than is there, and a serial is
//! in one packed container at most).

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{corrupt, ItemIdx, State};
use crate::event::{EventBody, EventPayload};
use crate::kernel::error::TraceError;
use crate::kernel::id::{ContainerId, LocationId};
use crate::kernel::Quantity;
use crate::model::{Container, PackedItem};

/// Every container, and the packed ones per item.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Packing {
    #[serde(with = "super::snapshot::exact_map")]
    containers: HashMap<ContainerId, Container>,
    /// Per item: the containers still packed that hold some of it.
    #[serde(with = "super::snapshot::exact_map")]
    packed_in: HashMap<ItemIdx, Vec<ContainerId>>,
}

impl State {
    /// A container by id, packed or unpacked.
    pub fn container(&self, id: &ContainerId) -> Option<&Container> {
        self.packing.containers.get(id)
    }

    /// The containers still packed that hold some of `item`.
    pub(crate) fn packed_containers(&self, item: ItemIdx) -> impl Iterator<Item = &Container> {
        self.packing
            .packed_in
            .get(&item)
            .into_iter()
            .flatten()
            .filter_map(|id| self.packing.containers.get(id))
    }

    /// How much of `item` the packed containers at `location` hold.
    pub(crate) fn packed_at(&self, item: ItemIdx, location: &LocationId) -> Quantity {
        let item_ref = self.item_ref(item);
        self.packed_containers(item)
            .filter(|c| &c.location == location)
            .flat_map(|c| &c.contents)
            .filter(|p| p.item == item_ref)
            .map(|p| p.quantity)
            .sum()
    }

    /// Applies [`EventPayload::Packed`] or [`EventPayload::Unpacked`] (dated by `body`).
    pub(super) fn apply_packing(
        &mut self,
        seq: u64,
        payload: &EventPayload,
        body: &EventBody,
    ) -> Result<(), TraceError> {
        let day = body.recorded_at.date_naive();
        match payload {
            EventPayload::Packed {
                container,
                location,
                contents,
            } => self.pack(seq, container, location, contents, day),
            EventPayload::Unpacked { container } => self.unpack(seq, container, day),
            other => Err(corrupt(other.action())),
        }
    }

    fn pack(
        &mut self,
        seq: u64,
        container: &ContainerId,
        location: &LocationId,
        contents: &[PackedItem],
        packed_on: NaiveDate,
    ) -> Result<(), TraceError> {
        for packed in contents {
            let idx = self.resolve_or_corrupt(&packed.item)?;
            self.packing
                .packed_in
                .entry(idx)
                .or_default()
                .push(container.clone());
            self.touch(seq, idx);
        }
        self.touch_location(seq, location);
        self.packing.containers.insert(
            container.clone(),
            Container {
                id: container.clone(),
                location: self.shared_location(location),
                packed_on,
                contents: contents.to_vec(),
                unpacked_on: None,
            },
        );
        Ok(())
    }

    fn unpack(
        &mut self,
        seq: u64,
        container: &ContainerId,
        unpacked_on: NaiveDate,
    ) -> Result<(), TraceError> {
        let record = self
            .packing
            .containers
            .get_mut(container)
            .ok_or_else(|| corrupt(container))?;
        record.unpacked_on = Some(unpacked_on);
        let (location, items) = (record.location.clone(), record.contents.clone());
        for packed in &items {
            let idx = self.resolve_or_corrupt(&packed.item)?;
            if let Some(open) = self.packing.packed_in.get_mut(&idx) {
                open.retain(|c| c != container);
                if open.is_empty() {
                    self.packing.packed_in.remove(&idx);
                }
            }
            self.touch(seq, idx);
        }
        self.touch_location(seq, &location);
        Ok(())
    }
}
