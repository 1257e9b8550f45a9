//! The genealogy graph: which lot or serial went into which, maintained incrementally
//! by [`crate::State::apply`] as production and shipment events are applied.
//!
//! Nodes are lots and serials (a [`petgraph`] directed graph whose node weight is the
//! [`ItemIdx`]); an edge `a → b` says a work order consumed `a` (with a quantity) and
//! produced `b`. Every consumed item × every output of one work order is an edge, so
//! serial assemblies, blending into an existing lot (rework) and self-loops are all
//! plain edges — cycles are allowed, and every walk marks nodes visited so it
//! terminates and lists each node once.
//!
//! Nodes are created lazily, the first time an item takes part in production or is
//! shipped; `lot_nodes` / `serial_nodes` map an item index to its node in O(1)
//! (`u32::MAX`: no node). Each node also heads an intrusive list of the shipment lines
//! that contain it, so a forward trace never scans all shipments.
//!
//! Walks ([`Genealogy::walk`]) are breadth-first, O(V + E) in the nodes and edges
//! reached, and allocate nothing per node: they reuse a [`TraceScratch`] whose
//! visited marks are generation-stamped (clearing is O(1) between walks).

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
/// Walk direction: `Outgoing` (descendants) or `Incoming` (ancestors).
pub(crate) use petgraph::Direction;
use serde::Serialize;

use super::ItemIdx;
use crate::kernel::id::WorkOrderId;
use crate::kernel::Quantity;

const NONE: u32 = u32::MAX;

/// The weight of a genealogy edge: how much of the source a work order consumed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Consumption {
    /// Quantity of the consumed item (1 for a serial).
    pub(crate) quantity: Quantity,
    /// Index of the work order in [`Genealogy::work_order`].
    pub(crate) work_order: u32,
}

/// One shipment line containing an item: an entry of a node's intrusive list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct ShipEntry {
    shipment: u32,
    line: u32,
    next: u32,
}

/// The genealogy graph with per-item shipment lists. See the [module docs](self).
#[derive(Clone, Debug, Default)]
pub(crate) struct Genealogy {
    graph: DiGraph<ItemIdx, Consumption, u32>,
    lot_nodes: Vec<u32>,
    serial_nodes: Vec<u32>,
    /// One entry per recorded production (work order ids may repeat).
    work_orders: Vec<WorkOrderId>,
    /// Per node: head of its shipment-line list.
    ship_head: Vec<u32>,
    ships: Vec<ShipEntry>,
}

impl PartialEq for Genealogy {
    fn eq(&self, other: &Self) -> bool {
        self.lot_nodes == other.lot_nodes
            && self.serial_nodes == other.serial_nodes
            && self.work_orders == other.work_orders
            && self.ship_head == other.ship_head
            && self.ships == other.ships
            && self.graph.node_weights().eq(other.graph.node_weights())
            && self
                .graph
                .raw_edges()
                .iter()
                .map(|e| (e.source(), e.target(), e.weight))
                .eq(other
                    .graph
                    .raw_edges()
                    .iter()
                    .map(|e| (e.source(), e.target(), e.weight)))
    }
}

/// Reusable working memory for walks: generation-stamped visited marks, the BFS queue
/// (which is also the result) and each visited node's position in it.
#[derive(Clone, Debug, Default)]
pub(crate) struct TraceScratch {
    stamp: Vec<u32>,
    position: Vec<u32>,
    generation: u32,
    queue: Vec<(ItemIdx, u32)>,
}

impl TraceScratch {
    fn begin(&mut self, nodes: usize) {
        if self.stamp.len() < nodes {
            self.stamp.resize(nodes, 0);
            self.position.resize(nodes, 0);
        }
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.stamp.fill(0);
            self.generation = 1;
        }
        self.queue.clear();
    }

    /// Marks `node` visited; `false` if it already was in this walk.
    #[inline]
    fn visit(&mut self, node: u32, position: usize) -> bool {
        let s = &mut self.stamp[node as usize];
        if *s == self.generation {
            return false;
        }
        *s = self.generation;
        self.position[node as usize] = position as u32;
        true
    }

    #[inline]
    fn seen(&self, node: u32) -> Option<u32> {
        (self.stamp.get(node as usize) == Some(&self.generation))
            .then(|| self.position[node as usize])
    }
}

impl Genealogy {
    /// Number of nodes (items that took part in production or shipment).
    pub(crate) fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    /// Number of consumption edges.
    pub(crate) fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// The work order of an edge's [`Consumption::work_order`] index.
    pub(crate) fn work_order(&self, index: u32) -> Option<&WorkOrderId> {
        self.work_orders.get(index as usize)
    }

    /// The node of an item, if it has one.
    #[inline]
    pub(crate) fn node(&self, item: ItemIdx) -> Option<NodeIndex<u32>> {
        let n = match item {
            ItemIdx::Lot(i) => self.lot_nodes.get(i as usize),
            ItemIdx::Serial(i) => self.serial_nodes.get(i as usize),
        };
        n.copied()
            .filter(|&n| n != NONE)
            .map(|n| NodeIndex::new(n as usize))
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
            map[i] = self.graph.add_node(item).index() as u32;
            self.ship_head.push(NONE);
        }
        map[i]
    }

    /// Records a work order: one edge from every consumed item to every output.
    pub(crate) fn record_production(
        &mut self,
        work_order: &WorkOrderId,
        consumed: &[(ItemIdx, Quantity)],
        outputs: &[ItemIdx],
    ) {
        let wo = self.work_orders.len() as u32;
        self.work_orders.push(work_order.clone());
        for &out in outputs {
            let to = self.ensure_node(out);
            for &(from, quantity) in consumed {
                let from = self.ensure_node(from);
                self.graph.add_edge(
                    NodeIndex::new(from as usize),
                    NodeIndex::new(to as usize),
                    Consumption {
                        quantity,
                        work_order: wo,
                    },
                );
            }
        }
    }

    /// Records that line `line` of shipment `shipment` contains `item`.
    pub(crate) fn record_shipment(&mut self, shipment: u32, items: &[ItemIdx]) {
        for (line, &item) in items.iter().enumerate() {
            let node = self.ensure_node(item) as usize;
            let entry = self.ships.len() as u32;
            self.ships.push(ShipEntry {
                shipment,
                line: line as u32,
                next: self.ship_head[node],
            });
            self.ship_head[node] = entry;
        }
    }

    /// The (shipment index, line index) pairs of the shipments containing `item`,
    /// newest first.
    pub(crate) fn shipment_lines(&self, item: ItemIdx) -> impl Iterator<Item = (u32, u32)> + '_ {
        let mut at = self.node(item).map_or(NONE, |n| self.ship_head[n.index()]);
        std::iter::from_fn(move || {
            let e = self.ships.get(at as usize)?;
            at = e.next;
            Some((e.shipment, e.line))
        })
    }

    /// Breadth-first walk from `starts` (duplicates ignored) along `direction`
    /// (`Outgoing`: descendants, `Incoming`: ancestors). Returns every item reached
    /// once, with its distance from the nearest start (starts at depth 0), in BFS
    /// order. O(V + E) of the reached part; no allocation once the scratch is warm.
    pub(crate) fn walk<'s>(
        &self,
        starts: &[ItemIdx],
        direction: Direction,
        scratch: &'s mut TraceScratch,
    ) -> &'s [(ItemIdx, u32)] {
        scratch.begin(self.graph.node_count());
        for &s in starts {
            match self.node(s) {
                Some(n) => {
                    let pos = scratch.queue.len();
                    if scratch.visit(n.index() as u32, pos) {
                        scratch.queue.push((s, 0));
                    }
                }
                None => {
                    if !scratch.queue.iter().any(|&(q, _)| q == s) {
                        scratch.queue.push((s, 0));
                    }
                }
            }
        }
        let mut head = 0;
        while head < scratch.queue.len() {
            let (item, depth) = scratch.queue[head];
            head += 1;
            let Some(node) = self.node(item) else {
                continue;
            };
            for next in self.graph.neighbors_directed(node, direction) {
                let pos = scratch.queue.len();
                if scratch.visit(next.index() as u32, pos) {
                    scratch.queue.push((self.graph[next], depth + 1));
                }
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
            .queue
            .iter()
            .enumerate()
            .filter_map(move |(pos, &(item, _))| self.node(item).map(|n| (pos as u32, n)))
            .flat_map(move |(pos, n)| {
                self.graph.edges_directed(n, direction).filter_map(
                    move |e: petgraph::graph::EdgeReference<'a, Consumption>| {
                        let other = match direction {
                            Direction::Outgoing => e.target(),
                            Direction::Incoming => e.source(),
                        };
                        let other = scratch.seen(other.index() as u32)?;
                        Some(match direction {
                            Direction::Outgoing => (pos, other, e.weight()),
                            Direction::Incoming => (other, pos, e.weight()),
                        })
                    },
                )
            })
    }

    /// Every edge as (consumed, produced, consumption), in recording order.
    pub(crate) fn edges(&self) -> impl Iterator<Item = (ItemIdx, ItemIdx, &Consumption)> + '_ {
        self.graph
            .raw_edges()
            .iter()
            .map(|e| (self.graph[e.source()], self.graph[e.target()], &e.weight))
    }

    /// An estimate of the heap memory held: graph nodes and edges (by capacity), the
    /// item → node maps, shipment lists and work order ids.
    pub(crate) fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        let (nodes, edges) = self.graph.capacity();
        nodes * size_of::<petgraph::graph::Node<ItemIdx, u32>>()
            + edges * size_of::<petgraph::graph::Edge<Consumption, u32>>()
            + (self.lot_nodes.capacity() + self.serial_nodes.capacity()) * 4
            + self.ship_head.capacity() * 4
            + self.ships.capacity() * size_of::<ShipEntry>()
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
