//! Applying production: consumption, outputs and the genealogy edges between them,
//! and the record of each production that a reversal or an unbuild reads.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{corrupt, ItemIdx, State};
use crate::command::Line;
use crate::event::Produced;
use crate::kernel::error::TraceError;
use crate::kernel::id::{LocationId, WorkOrderId};
use crate::kernel::vocab::SerialStatus;
use crate::kernel::Quantity;
use crate::model::{Origin, Serial};

/// What a production consumed or produced: an item, where, how much.
pub(crate) type Posting = (ItemIdx, LocationId, Quantity);

/// One production as recorded, so it can be reversed or an assembly unbuilt. What it
/// consumed is read from the genealogy: the edges into its first output are its inputs,
/// one per consumed line in order, starting at `first_edge`; only where each input came
/// from is kept here (a few bytes per input, not a copy of the lines).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ProductionRecord {
    /// The genealogy edge of its first input into its first output.
    first_edge: u32,
    /// Where each input was consumed from, in consumed order.
    input_locations: InputLocations,
    /// What it produced: [`State::outputs_of`] (in one array for all productions, not an
    /// allocation each).
    first_output: u32,
    output_count: u32,
    /// Reversed since.
    pub(crate) reversed: bool,
    /// The work order's previous production (`u32::MAX`: none).
    previous: u32,
    /// Its entry in the genealogy's work orders ([`super::genealogy::Genealogy::work_order`]).
    work_order: u32,
}

/// The work order id of the production at each position, as the latest-production
/// [`super::PositionIndex`] reads it.
pub(super) fn work_order_at<'a>(
    productions: &'a [ProductionRecord],
    genealogy: &'a super::genealogy::Genealogy,
) -> impl Fn(u32) -> &'a str + Copy + 'a {
    move |at| {
        let entry = productions[at as usize].work_order;
        genealogy.work_order(entry).map_or("", WorkOrderId::as_str)
    }
}

/// Where each input of a production was consumed from: most productions take every
/// input from one place (the line's staging location), which is then kept once instead
/// of once per input (a heap list of 16 bytes per input).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
enum InputLocations {
    /// `inputs` inputs, all from `location`.
    All { location: LocationId, inputs: u32 },
    /// One location per input.
    Each(Box<[LocationId]>),
}

impl InputLocations {
    fn of(locations: Vec<LocationId>) -> Self {
        match locations.split_first() {
            Some((first, rest)) if rest.iter().all(|l| l == first) => Self::All {
                location: first.clone(),
                inputs: locations.len() as u32,
            },
            _ => Self::Each(locations.into_boxed_slice()),
        }
    }

    fn len(&self) -> usize {
        match self {
            Self::All { inputs, .. } => *inputs as usize,
            Self::Each(each) => each.len(),
        }
    }

    /// The location of each input, in consumed order.
    fn iter(&self) -> impl Iterator<Item = &LocationId> {
        let (all, each) = match self {
            Self::All { location, inputs } => (Some((location, *inputs as usize)), &[][..]),
            Self::Each(each) => (None, &each[..]),
        };
        let all = all.into_iter().flat_map(|(l, n)| std::iter::repeat_n(l, n));
        all.chain(each)
    }
}

impl State {
    /// The latest production of a work order that is not reversed.
    pub(crate) fn latest_unreversed_production(&self, work_order: &WorkOrderId) -> Option<u32> {
        let mut at = self.latest_production_of(work_order)?;
        while at != u32::MAX {
            let record = &self.productions[at as usize];
            if !record.reversed {
                return Some(at);
            }
            at = record.previous;
        }
        None
    }

    /// The latest production of a work order (earlier ones chain back from it).
    pub(crate) fn latest_production_of(&self, work_order: &WorkOrderId) -> Option<u32> {
        let key_at = work_order_at(&self.productions, &self.genealogy);
        self.latest_production.get(work_order.as_str(), key_at)
    }

    /// A production by the index [`Self::latest_unreversed_production`] or
    /// [`Self::production_of`] gives.
    pub(crate) fn production(&self, at: u32) -> &ProductionRecord {
        &self.productions[at as usize]
    }

    /// A production's genealogy edges: (first edge, count), every input × every output.
    pub(crate) fn edge_range(record: &ProductionRecord) -> (u32, u32) {
        let edges = record.input_locations.len() * record.output_count as usize;
        (record.first_edge, edges as u32)
    }

    /// What a production produced: item, location and quantity, in output order.
    pub(crate) fn outputs_of(&self, record: &ProductionRecord) -> &[Posting] {
        let first = record.first_output as usize;
        let end = first + record.output_count as usize;
        self.production_outputs.get(first..end).unwrap_or(&[])
    }

    /// What a production consumed: item, location and quantity, in consumed order.
    pub(crate) fn consumed_by(&self, record: &ProductionRecord) -> Vec<Posting> {
        let inputs = self
            .genealogy
            .edges_from(record.first_edge, record.input_locations.len());
        inputs
            .zip(record.input_locations.iter())
            .map(|((item, quantity), location)| (item, location.clone(), quantity))
            .collect()
    }

    /// The production of `work_order` that made `item`.
    pub(crate) fn production_of(&self, work_order: &WorkOrderId, item: ItemIdx) -> Option<u32> {
        let mut at = self.latest_production_of(work_order)?;
        while at != u32::MAX {
            let record = &self.productions[at as usize];
            if self.outputs_of(record).iter().any(|(out, ..)| *out == item) {
                return Some(at);
            }
            at = record.previous;
        }
        None
    }

    pub(super) fn produce(
        &mut self,
        seq: u64,
        (work_order, produced_on): (&WorkOrderId, NaiveDate),
        consumed: &[Line],
        outputs: &[Produced],
    ) -> Result<(), TraceError> {
        let count = u32::try_from(outputs.len()).ok();
        let first_output = u32::try_from(self.production_outputs.len())
            .ok()
            .filter(|&first| count.and_then(|count| first.checked_add(count)).is_some())
            .ok_or_else(|| corrupt("too many production outputs"))?;
        let mut inputs = Vec::with_capacity(consumed.len());
        for line in consumed {
            let idx = self.put_or_take(seq, line, false, SerialStatus::Consumed)?;
            inputs.push((idx, line.quantity));
        }
        let locations = InputLocations::of(
            consumed
                .iter()
                .map(|l| self.shared_location(&l.location))
                .collect(),
        );
        let mut produced = Vec::with_capacity(outputs.len());
        let mut made = Vec::with_capacity(outputs.len());
        for output in outputs {
            let out = match output {
                Produced::NewLot(lot) => ItemIdx::Lot(self.add_lot(seq, lot.clone())?),
                Produced::IntoLot(line) => {
                    self.put_or_take(seq, line, true, SerialStatus::Received)?
                }
                Produced::NewSerial {
                    product,
                    serial,
                    location,
                } => ItemIdx::Serial(self.add_serial(
                    seq,
                    Serial {
                        product: product.clone(),
                        number: serial.clone(),
                        status: SerialStatus::Received,
                        location: Some(location.clone()),
                        supplier: None,
                        order: None,
                        on_hold: false,
                        origin: Origin::Produced {
                            work_order: work_order.clone(),
                        },
                        received_on: Some(produced_on),
                    },
                )?),
            };
            produced.push(out);
            let (out, location, quantity) = output_posting(out, output)?;
            made.push((out, self.shared_location(&location), quantity));
        }
        let first_edge = self.genealogy.edge_count() as u32;
        let entry = (self.genealogy).record_production(work_order, &inputs, &produced);
        let outputs = (first_output, made.len() as u32);
        self.production_outputs.extend(made);
        self.record_production((work_order, entry), first_edge, locations, outputs);
        Ok(())
    }

    /// A partner's transformation: genealogy edges only.
    pub(super) fn link_upstream(
        &mut self,
        seq: u64,
        payload: &crate::event::EventPayload,
    ) -> Result<(), TraceError> {
        let crate::event::EventPayload::UpstreamLinked {
            operation,
            inputs,
            outputs,
        } = payload
        else {
            return Err(corrupt("an upstream link"));
        };
        let mut consumed = Vec::with_capacity(inputs.len());
        for (item, quantity) in inputs {
            let idx = self.resolve_or_corrupt(item)?;
            self.touch(seq, idx);
            consumed.push((idx, *quantity));
        }
        let mut made = Vec::with_capacity(outputs.len());
        for item in outputs {
            let idx = self.resolve_or_corrupt(item)?;
            self.touch(seq, idx);
            made.push(idx);
        }
        self.genealogy
            .record_production(operation, &consumed, &made);
        Ok(())
    }

    /// Keeps the record of a production whose genealogy entry is `entry` and whose
    /// outputs are the `output_count` production outputs from `first_output`.
    fn record_production(
        &mut self,
        (work_order, entry): (&WorkOrderId, u32),
        first_edge: u32,
        input_locations: InputLocations,
        (first_output, output_count): (u32, u32),
    ) {
        let at = self.productions.len() as u32;
        let key_at = work_order_at(&self.productions, &self.genealogy);
        let previous = (self.latest_production)
            .insert(work_order.as_str(), at, key_at)
            .unwrap_or(u32::MAX);
        self.productions.push(ProductionRecord {
            first_edge,
            input_locations,
            first_output,
            output_count,
            reversed: false,
            previous,
            work_order: entry,
        });
    }
}

/// Where an output was made and how much (a new lot: its one initial stock line).
fn output_posting(out: ItemIdx, output: &Produced) -> Result<Posting, TraceError> {
    Ok(match output {
        Produced::NewLot(lot) => {
            let line = lot.stock.first().ok_or_else(|| corrupt(&lot.number))?;
            (out, line.location.clone(), line.on_hand)
        }
        Produced::IntoLot(line) => (out, line.location.clone(), line.quantity),
        Produced::NewSerial { location, .. } => (out, location.clone(), Quantity::ONE),
    })
}

impl State {
    /// Every production of a work order, oldest first (reversed ones included).
    pub(crate) fn productions_of(&self, work_order: &WorkOrderId) -> Vec<&ProductionRecord> {
        let mut found = Vec::new();
        let mut at = self.latest_production_of(work_order).unwrap_or(u32::MAX);
        while let Some(record) = self.productions.get(at as usize) {
            found.push(record);
            at = record.previous;
        }
        found.reverse();
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_locations_are_kept_once_when_all_inputs_share_one() {
        let [a, b] = ["LINE", "STORE"].map(|l| LocationId::new(l).unwrap());
        let same = InputLocations::of(vec![a.clone(), a.clone(), a.clone()]);
        assert!(matches!(same, InputLocations::All { inputs: 3, .. }));
        assert_eq!(same.len(), 3);
        assert_eq!(same.iter().collect::<Vec<_>>(), [&a, &a, &a]);
        let mixed = InputLocations::of(vec![a.clone(), b.clone(), a.clone()]);
        assert!(matches!(mixed, InputLocations::Each(_)));
        assert_eq!(mixed.len(), 3);
        assert_eq!(mixed.iter().collect::<Vec<_>>(), [&a, &b, &a]);
        let none = InputLocations::of(Vec::new());
        assert_eq!((none.len(), none.iter().count()), (0, 0));
    }
}
