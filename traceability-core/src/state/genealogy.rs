//! The genealogy graph: which lot or serial went into which, maintained incrementally
//! by [`crate::State::apply`] as production and shipment events are applied.
//!
//! Nodes are lots and serials (`u32` node numbers, with the [`ItemIdx`] of each); an
//! edge `a → b` says a work order consumed `a` (with a quantity) and produced `b`.
//! Every consumed item × every output of one work order is an edge, so serial
//! assemblies, blending into an existing lot (rework) and self-loops are all plain
//! edges — cycles are allowed, and every walk marks nodes visited so it terminates and
//! lists each node once.
//!
//! Nodes are created lazily, the first time an item takes part in production or is
//! shipped; `lot_nodes` / `serial_nodes` map an item index to its node in O(1)
//! (`u32::MAX`: no node). The edges are kept once, in recording order, and indexed
//! both ways (children, parents) by [`Multimap`]s of `(neighbour node, edge)`: compact
//! `u32` arrays a walk reads contiguously. A third multimap lists each node's shipment
//! lines, so a forward trace never scans all shipments.
//!
//! Walks ([`Genealogy::walk`]) are breadth-first, O(V + E) in the nodes and edges
//! reached, and allocate nothing per node: they reuse a [`TraceScratch`] whose
//! visited marks are generation-stamped (clearing is O(1) between walks).

use serde::{Deserialize, Serialize};

use super::multimap::Multimap;
use super::ItemIdx;
use crate::kernel::id::WorkOrderId;
use crate::kernel::Quantity;

const NONE: u32 = u32::MAX;

/// Walk direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    /// Towards what an item went into (descendants).
    Outgoing,
    /// Towards what went into an item (ancestors).
    Incoming,
}

/// The weight of a genealogy edge: how much of the source a work order consumed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Consumption {
    /// Quantity of the consumed item (1 for a serial).
    pub(crate) quantity: Quantity,
    /// Index of the work order in [`Genealogy::work_order`].
    pub(crate) work_order: u32,
}

/// One recorded edge: `from` was consumed to produce `to` (node numbers).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Edge {
    from: u32,
    to: u32,
    consumption: Consumption,
}

// Three `u32`s and a 4-byte-aligned quantity: no padding (a million lots have ~3 M).
const _: () = assert!(size_of::<Edge>() == 28);

/// One shipment line containing an item: (shipment index, line index).
type ShipRef = (u32, u32);

/// The genealogy graph with per-item shipment lists. See the [module docs](self).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct Genealogy {
    /// Per node: the item.
    items: Vec<ItemIdx>,
    lot_nodes: Vec<u32>,
    serial_nodes: Vec<u32>,
    /// Every edge, in recording order.
    edges: Vec<Edge>,
    /// Per node: (produced node, edge) of the edges out of it. Derived from `edges`:
    /// snapshots leave it out ([`Self::index_edges`]).
    #[serde(skip)]
    children: Multimap<(u32, u32)>,
    /// Per node: (consumed node, edge) of the edges into it. Derived like `children`.
    #[serde(skip)]
    parents: Multimap<(u32, u32)>,
    /// One entry per recorded production (work order ids may repeat).
    work_orders: Vec<WorkOrderId>,
    /// Per node: its shipment lines.
    ships: Multimap<ShipRef>,
    /// Edge ranges (first edge, count) of reversed productions, in reversal order:
    /// their entries in `children`/`parents` are tombstoned (neighbour `NONE`), so no
    /// walk follows them; `edges` keeps them for the production's own record.
    #[serde(default)]
    unlinked: Vec<(u32, u32)>,
}

/// Equal when the same items, edges, work orders and shipment lines were recorded in
/// the same order and the edges are indexed alike, whatever the layout of the
/// multimaps.
impl PartialEq for Genealogy {
    fn eq(&self, other: &Self) -> bool {
        self.items == other.items
            && self.lot_nodes == other.lot_nodes
            && self.serial_nodes == other.serial_nodes
            && self.edges == other.edges
            && self.children == other.children
            && self.parents == other.parents
            && self.work_orders == other.work_orders
            && self.ships == other.ships
            && self.unlinked == other.unlinked
    }
}

/// Reusable working memory for walks: per node a generation-stamped visited mark with
/// its position in the result, the result (item, depth) in BFS order, and beside it the
/// node of each entry (`NONE` for a start outside the graph), so the walk never maps an
/// item back to its node.
#[derive(Clone, Debug, Default)]
pub(crate) struct TraceScratch {
    /// Per node: (generation when last visited, position in `queue`).
    marks: Vec<(u32, u32)>,
    generation: u32,
    queue: Vec<(ItemIdx, u32)>,
    nodes: Vec<u32>,
}

impl TraceScratch {
    fn begin(&mut self, nodes: usize) {
        if self.marks.len() < nodes {
            self.marks.resize(nodes, (0, 0));
        }
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.marks.fill((0, 0));
            self.generation = 1;
        }
        self.queue.clear();
        self.nodes.clear();
    }

    /// Appends `node` (holding `item`) at `depth` unless this walk already reached it.
    #[inline]
    fn reach(&mut self, node: u32, item: impl FnOnce() -> ItemIdx, depth: u32) {
        let mark = &mut self.marks[node as usize];
        if mark.0 != self.generation {
            *mark = (self.generation, self.queue.len() as u32);
            self.queue.push((item(), depth));
            self.nodes.push(node);
        }
    }

    #[inline]
    fn seen(&self, node: u32) -> Option<u32> {
        match self.marks.get(node as usize) {
            Some(&(generation, position)) if generation == self.generation => Some(position),
            _ => None,
        }
    }
}

impl Genealogy {
    /// Number of nodes (items that took part in production or shipment).
    pub(crate) fn node_count(&self) -> usize {
        self.items.len()
    }

    /// Number of consumption edges.
    pub(crate) fn edge_count(&self) -> usize {
        self.edges.len()
    }

    /// The work order of an edge's [`Consumption::work_order`] index.
    pub(crate) fn work_order(&self, index: u32) -> Option<&WorkOrderId> {
        self.work_orders.get(index as usize)
    }

    /// The node of an item, if it has one.
    #[inline]
    fn node(&self, item: ItemIdx) -> Option<u32> {
        let n = match item {
            ItemIdx::Lot(i) => self.lot_nodes.get(i as usize),
            ItemIdx::Serial(i) => self.serial_nodes.get(i as usize),
        };
        n.copied().filter(|&n| n != NONE)
    }

    fn ensure_node(&mut self, item: ItemIdx) -> u32 {
        let (map, i) = match item {
            ItemIdx::Lot(i) => (&mut self.lot_nodes, i as usize),
            ItemIdx::Serial(i) => (&mut self.serial_nodes, i as usize),
        };
        if map.len() <= i {
            map.resize(i + 1, NONE);
        }
        if map[i] == NONE {
            map[i] = self.items.len() as u32;
            self.items.push(item);
        }
        map[i]
    }

    /// Records a work order: one edge from every consumed item to every output. Returns
    /// the index of the production's entry (see [`Self::work_order`]).
    pub(crate) fn record_production(
        &mut self,
        work_order: &WorkOrderId,
        consumed: &[(ItemIdx, Quantity)],
        outputs: &[ItemIdx],
    ) -> u32 {
        let wo = self.work_orders.len() as u32;
        self.work_orders.push(work_order.clone());
        for &out in outputs {
            let to = self.ensure_node(out);
            for &(from, quantity) in consumed {
                let from = self.ensure_node(from);
                let edge = self.edges.len() as u32;
                self.edges.push(Edge {
                    from,
                    to,
                    consumption: Consumption {
                        quantity,
                        work_order: wo,
                    },
                });
                self.children.push(from, (to, edge));
                self.parents.push(to, (from, edge));
            }
        }
        wo
    }

    /// Takes the `count` edges from `first` on (a reversed production) out of every
    /// walk, trace and link list. O(count × degree).
    pub(crate) fn unlink(&mut self, first: u32, count: u32) {
        for edge in first..first + count {
            let Edge { from, to, .. } = self.edges[edge as usize];
            self.children.replace(from, (to, edge), (NONE, edge));
            self.parents.replace(to, (from, edge), (NONE, edge));
        }
        self.unlinked.push((first, count));
    }

    /// Indexes the edges both ways (`children`, `parents`) as recording and unlinking
    /// them did, e.g. after reading a snapshot, which leaves these lists out (two thirds
    /// of the genealogy's bytes). O(nodes + edges).
    pub(crate) fn index_edges(&mut self) {
        let mut tombstoned = vec![false; self.edges.len()];
        for &(first, count) in &self.unlinked {
            tombstoned[first as usize..(first + count) as usize].fill(true);
        }
        let linked = |edge: usize, neighbour: u32| match tombstoned[edge] {
            true => NONE,
            false => neighbour,
        };
        let edges = self.edges.iter().enumerate();
        let nodes = self.items.len();
        self.children = Multimap::from_pairs(
            nodes,
            edges
                .clone()
                .map(|(i, e)| (e.from, (linked(i, e.to), i as u32))),
        );
        self.parents = Multimap::from_pairs(
            nodes,
            edges.map(|(i, e)| (e.to, (linked(i, e.from), i as u32))),
        );
    }

    fn is_unlinked(&self, edge: u32) -> bool {
        self.unlinked
            .iter()
            .any(|&(first, count)| (first..first + count).contains(&edge))
    }

    /// `count` recorded edges from `first` on, as (consumed item, quantity).
    pub(crate) fn edges_from(
        &self,
        first: u32,
        count: usize,
    ) -> impl Iterator<Item = (ItemIdx, Quantity)> + '_ {
        self.edges
            .iter()
            .skip(first as usize)
            .take(count)
            .map(|e| (self.items[e.from as usize], e.consumption.quantity))
    }

    /// Whether anything was made from `item` or shipped with it.
    pub(crate) fn is_used(&self, item: ItemIdx) -> bool {
        self.node(item).is_some_and(|n| {
            self.neighbours(n, Direction::Outgoing).next().is_some()
                || self.ships.get(n).next().is_some()
        })
    }

    /// Records that line `i` of shipment `shipment` contains `items[i]`.
    pub(crate) fn record_shipment(&mut self, shipment: u32, items: &[ItemIdx]) {
        for (line, &item) in items.iter().enumerate() {
            let node = self.ensure_node(item);
            self.ships.push(node, (shipment, line as u32));
        }
    }

    /// The (shipment index, line index) pairs of the shipments containing `item`, in
    /// shipment order.
    pub(crate) fn shipment_lines(&self, item: ItemIdx) -> impl Iterator<Item = ShipRef> + '_ {
        self.ships.get(self.node(item).unwrap_or(NONE))
    }

    /// The (neighbour, edge) pairs of `node` in `direction`, unlinked edges left out.
    fn neighbours(&self, node: u32, direction: Direction) -> impl Iterator<Item = (u32, u32)> + '_ {
        match direction {
            Direction::Outgoing => self.children.get(node),
            Direction::Incoming => self.parents.get(node),
        }
        .filter(|&(next, _)| next != NONE)
    }

    /// Breadth-first walk from `starts` (duplicates ignored) along `direction`.
    /// Returns every item reached once, with its distance from the nearest start
    /// (starts at depth 0), in BFS order. O(V + E) of the reached part; no allocation
    /// once the scratch is warm.
    pub(crate) fn walk<'s>(
        &self,
        starts: &[ItemIdx],
        direction: Direction,
        scratch: &'s mut TraceScratch,
    ) -> &'s [(ItemIdx, u32)] {
        scratch.begin(self.items.len());
        for &s in starts {
            match self.node(s) {
                Some(n) => scratch.reach(n, || s, 0),
                None if !scratch.queue.contains(&(s, 0)) => {
                    scratch.queue.push((s, 0));
                    scratch.nodes.push(NONE);
                }
                None => {}
            }
        }
        let mut head = 0;
        while let Some(&node) = scratch.nodes.get(head) {
            let depth = scratch.queue[head].1 + 1;
            head += 1;
            if node == NONE {
                continue;
            }
            for (next, _) in self.neighbours(node, direction) {
                scratch.reach(next, || self.items[next as usize], depth);
            }
        }
        &scratch.queue
    }

    /// After a [`Self::walk`] in `direction` with the same scratch: every edge between
    /// reached items, as (position of consumed item, position of produced item, edge),
    /// positions indexing the walk's result.
    pub(crate) fn walked_edges<'a>(
        &'a self,
        scratch: &'a TraceScratch,
        direction: Direction,
    ) -> impl Iterator<Item = (u32, u32, &'a Consumption)> + 'a {
        scratch
            .nodes
            .iter()
            .enumerate()
            .filter(|&(_, &n)| n != NONE)
            .flat_map(move |(pos, &n)| {
                let pos = pos as u32;
                self.neighbours(n, direction)
                    .filter_map(move |(other, edge)| {
                        let other = scratch.seen(other)?;
                        let consumption = &self.edges[edge as usize].consumption;
                        Some(match direction {
                            Direction::Outgoing => (pos, other, consumption),
                            Direction::Incoming => (other, pos, consumption),
                        })
                    })
            })
    }

    /// After a [`Self::walk`] with the same scratch: the shipment (index) of every
    /// shipment line of every reached item (a shipment once per line).
    pub(crate) fn walked_shipments<'a>(
        &'a self,
        scratch: &'a TraceScratch,
    ) -> impl Iterator<Item = u32> + 'a {
        scratch
            .nodes
            .iter()
            .filter(|&&n| n != NONE)
            .flat_map(move |&n| self.ships.get(n).map(|(shipment, _)| shipment))
    }

    /// Every edge not unlinked as (consumed, produced, consumption), in recording
    /// order.
    pub(crate) fn edges(&self) -> impl Iterator<Item = (ItemIdx, ItemIdx, &Consumption)> + '_ {
        (0u32..)
            .zip(&self.edges)
            .filter(|&(edge, _)| !self.is_unlinked(edge))
            .map(|(_, e)| {
                (
                    self.items[e.from as usize],
                    self.items[e.to as usize],
                    &e.consumption,
                )
            })
    }

    /// An estimate of the heap memory held: nodes, edges and their indexes (by
    /// capacity), the item → node maps, shipment lists and work order ids.
    pub(crate) fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        self.items.capacity() * size_of::<ItemIdx>()
            + self.edges.capacity() * size_of::<Edge>()
            + self.children.heap_bytes()
            + self.parents.heap_bytes()
            + self.ships.heap_bytes()
            + (self.lot_nodes.capacity() + self.serial_nodes.capacity()) * 4
            + self.work_orders.capacity() * size_of::<WorkOrderId>()
            + self
                .work_orders
                .iter()
                .map(|w| w.as_str().len())
                .sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walk_reaches_each_descendant_once_with_its_depth() {
        let mut g = Genealogy::default();
        let wo = WorkOrderId::new("WO1").unwrap();
        // lot 0 and lot 1 are blended into lot 2
        g.record_production(
            &wo,
            &[
                (ItemIdx::Lot(0), Quantity::ONE),
                (ItemIdx::Lot(1), Quantity::ONE),
            ],
            &[ItemIdx::Lot(2)],
        );
        let mut scratch = TraceScratch::default();
        let down = g.walk(&[ItemIdx::Lot(0)], Direction::Outgoing, &mut scratch);
        assert_eq!(down, &[(ItemIdx::Lot(0), 0), (ItemIdx::Lot(2), 1)]);
        assert_eq!(g.edge_count(), 2);
    }

    #[test]
    fn production_links_every_input_to_every_output() {
        let mut g = Genealogy::default();
        g.record_production(
            &WorkOrderId::new("W").unwrap(),
            &[(ItemIdx::Lot(0), Quantity::TEN)],
            &[ItemIdx::Lot(1), ItemIdx::Serial(0)],
        );
        assert_eq!((g.node_count(), g.edge_count()), (3, 2));
    }

    #[test]
    fn shipments_are_listed_per_item() {
        let mut g = Genealogy::default();
        g.record_shipment(0, &[ItemIdx::Lot(7)]);
        assert_eq!(
            g.shipment_lines(ItemIdx::Lot(7)).collect::<Vec<_>>(),
            vec![(0, 0)]
        );
    }

    #[test]
    fn an_empty_graph_holds_no_heap() {
        assert_eq!(Genealogy::default().heap_bytes(), 0);
    }
}
