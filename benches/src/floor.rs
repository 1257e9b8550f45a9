//! The floor: the plainest fast answer to a trace query, to measure the library against.
//!
//! Built directly from the generated [`Command`]s (not through the core's `State`):
//! lot keys become dense `u32` ids in creation order, the genealogy becomes two CSR
//! arrays (`u32` offsets and targets, outgoing and incoming), each lot has a CSR list of
//! its shipment-line indexes, each line its shipment and customer (`u32`), and each lot
//! its supplier (`u32`, [`NONE`] when it has none). A trace is a breadth-first walk with
//! a reusable, generation-stamped visited array; customers and suppliers are made
//! distinct with the same stamps. Nothing else: no depths, edges, quantities, dates or
//! stock — only the ids the library's trace must agree with.
//!
//! The generator makes lots only; serials and the other commands are ignored.
//!
//! ```
//! use traceability_bench::{floor::Floor, generate};
//! let data = traceability_bench::generate(2_000, 7);
//! let floor = Floor::build(&data.commands);
//! assert_eq!(floor.lots(), 2_000);
//! let hub = floor.lot(&data.hubs[0]).unwrap();
//! let down = floor.forward(hub);
//! assert_eq!(down.lots[0], hub); // the start comes first
//! assert!(down.lots.len() > 1);
//! let up = floor.backward(*down.lots.last().unwrap());
//! assert!(up.lots.contains(&hub));
//! ```

use std::cell::RefCell;
use std::hash::Hash;
use std::mem::size_of;

use foldhash::HashMap;

use traceability_core::{Command, ItemRef, LotSpec, OrderId, Output, PartyId, ShipmentId};

/// "No supplier" in [`Floor`]'s per-lot supplier array.
pub const NONE: u32 = u32::MAX;

/// What a forward walk reached.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Forward {
    /// The start and every descendant lot, in breadth-first order.
    pub lots: Vec<u32>,
    /// The shipment of every shipment line of those lots.
    pub shipments: Vec<u32>,
    /// The distinct customers of those lines.
    pub customers: Vec<u32>,
}

/// What a backward walk reached.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Backward {
    /// The start and every ancestor lot, in breadth-first order.
    pub lots: Vec<u32>,
    /// The distinct suppliers of those lots.
    pub suppliers: Vec<u32>,
}

/// Reusable walk state: one stamp per lot, customer and supplier.
#[derive(Debug, Default)]
struct Scratch {
    generation: u32,
    lot_seen: Vec<u32>,
    customer_seen: Vec<u32>,
    supplier_seen: Vec<u32>,
}

impl Scratch {
    /// A fresh generation; the arrays are cleared only when the counter wraps.
    fn next(&mut self) -> u32 {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.lot_seen.fill(0);
            self.customer_seen.fill(0);
            self.supplier_seen.fill(0);
            self.generation = 1;
        }
        self.generation
    }
}

/// Compressed sparse rows: the targets of row `r` are `targets[offsets[r]..offsets[r + 1]]`.
#[derive(Clone, Debug, Default)]
struct Csr {
    offsets: Vec<u32>,
    targets: Vec<u32>,
}

impl Csr {
    /// Rows `0..rows` from `(row, target)` pairs (a counting sort; targets keep their
    /// order of appearance within a row).
    fn build(rows: usize, pairs: &[(u32, u32)]) -> Self {
        let mut offsets = vec![0u32; rows + 1];
        for &(r, _) in pairs {
            offsets[r as usize + 1] += 1;
        }
        for r in 0..rows {
            offsets[r + 1] += offsets[r];
        }
        let mut next = offsets.clone();
        let mut targets = vec![0u32; pairs.len()];
        for &(r, t) in pairs {
            let slot = &mut next[r as usize];
            targets[*slot as usize] = t;
            *slot += 1;
        }
        Self { offsets, targets }
    }

    #[inline]
    fn row(&self, r: u32) -> &[u32] {
        let r = r as usize;
        &self.targets[self.offsets[r] as usize..self.offsets[r + 1] as usize]
    }

    fn heap_bytes(&self) -> usize {
        (self.offsets.capacity() + self.targets.capacity()) * size_of::<u32>()
    }
}

/// Dense `u32` ids for keys, in order of first appearance.
#[derive(Clone, Debug)]
struct Interner<K> {
    ids: HashMap<K, u32>,
    keys: Vec<K>,
}

impl<K: Clone + Eq + Hash> Interner<K> {
    fn with_capacity(capacity: usize) -> Self {
        let mut ids = HashMap::default();
        ids.reserve(capacity);
        Self {
            ids,
            keys: Vec::with_capacity(capacity),
        }
    }

    fn intern(&mut self, key: &K) -> u32 {
        if let Some(&id) = self.ids.get(key) {
            return id;
        }
        let id = u32::try_from(self.keys.len()).expect("fewer than 2^32 keys");
        self.ids.insert(key.clone(), id);
        self.keys.push(key.clone());
        id
    }

    fn get(&self, key: &K) -> Option<u32> {
        self.ids.get(key).copied()
    }

    /// The map's and list's own bytes (hashbrown: one control byte per bucket, buckets
    /// a power of two ≥ 8/7 of the capacity); the text the keys share is not counted.
    fn heap_bytes(&self) -> usize {
        let buckets = (self.ids.capacity() * 8 / 7).next_power_of_two();
        buckets * (size_of::<(K, u32)>() + 1) + self.keys.capacity() * size_of::<K>()
    }
}

/// The floor's data, built once from the commands. See the [module](self) docs.
#[derive(Debug)]
pub struct Floor {
    lots: Interner<ItemRef>,
    shipments: Interner<ShipmentId>,
    customers: Interner<PartyId>,
    suppliers: Interner<PartyId>,
    /// Genealogy, consumed lot → produced lot.
    outgoing: Csr,
    /// Genealogy, produced lot → consumed lot.
    incoming: Csr,
    /// Per lot, its shipment-line indexes.
    lot_lines: Csr,
    /// Per shipment line, its shipment.
    line_shipment: Vec<u32>,
    /// Per shipment line, its customer.
    line_customer: Vec<u32>,
    /// Per lot, its supplier or [`NONE`].
    supplier: Vec<u32>,
    scratch: RefCell<Scratch>,
}

/// The sizes of a [`Floor`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FloorSize {
    /// Lots.
    pub lots: usize,
    /// Genealogy edges.
    pub edges: usize,
    /// Shipment lines.
    pub shipment_lines: usize,
    /// Lots received from a supplier.
    pub receipts: usize,
    /// Heap bytes of the walk arrays (CSR, line and supplier arrays, stamps).
    pub walk_bytes: usize,
    /// Heap bytes of the key maps and id lists (the shared id text not counted).
    pub index_bytes: usize,
}

impl Floor {
    /// Builds the floor from commands (receipts, production, picks and shipments of lots).
    pub fn build(commands: &[Command]) -> Self {
        let (mut receipts, mut outputs, mut ships) = (0, 0, 0);
        for command in commands {
            match command {
                Command::ReceiveLot(_) => receipts += 1,
                Command::Produce(p) => outputs += p.outputs.len(),
                Command::Ship(_) => ships += 1,
                _ => {}
            }
        }
        let mut lots = Interner::with_capacity(receipts + outputs);
        let mut shipments = Interner::with_capacity(ships);
        let mut customers = Interner::with_capacity(0);
        let mut suppliers = Interner::with_capacity(0);
        let mut supplier: Vec<u32> = Vec::with_capacity(receipts + outputs);
        let mut edges: Vec<(u32, u32)> = Vec::new();
        let mut picked: HashMap<&OrderId, Vec<u32>> = HashMap::default();
        let mut lines: Vec<(u32, u32)> = Vec::new(); // (lot, line)
        let mut line_shipment = Vec::new();
        let mut line_customer = Vec::new();
        let lot_id = |lots: &mut Interner<ItemRef>, supplier: &mut Vec<u32>, item: &ItemRef| {
            let id = lots.intern(item);
            if id as usize == supplier.len() {
                supplier.push(NONE);
            }
            id
        };
        let mut inputs: Vec<u32> = Vec::new();
        for command in commands {
            match command {
                // The generator numbers every lot itself.
                Command::ReceiveLot(r) => {
                    let Some(lot) = &r.spec.lot else { continue };
                    let item = ItemRef::Lot {
                        product: r.spec.product.clone(),
                        lot: lot.clone(),
                    };
                    let id = lot_id(&mut lots, &mut supplier, &item);
                    if let Some(s) = &r.supplier {
                        supplier[id as usize] = suppliers.intern(s);
                    }
                }
                Command::Produce(p) => {
                    inputs.clear();
                    for line in &p.consumed {
                        if matches!(line.item, ItemRef::Lot { .. }) {
                            inputs.push(lot_id(&mut lots, &mut supplier, &line.item));
                        }
                    }
                    for output in &p.outputs {
                        let item = match output {
                            Output::NewLot {
                                spec:
                                    LotSpec {
                                        product,
                                        lot: Some(lot),
                                        ..
                                    },
                                ..
                            } => ItemRef::Lot {
                                product: product.clone(),
                                lot: lot.clone(),
                            },
                            Output::IntoLot { product, lot, .. } => ItemRef::Lot {
                                product: product.clone(),
                                lot: lot.clone(),
                            },
                            _ => continue,
                        };
                        let to = lot_id(&mut lots, &mut supplier, &item);
                        edges.extend(inputs.iter().map(|&from| (from, to)));
                    }
                }
                Command::Pick(p) => {
                    if let Some(lot) = lots.get(&p.item) {
                        picked.entry(&p.order).or_default().push(lot);
                    }
                }
                Command::Ship(s) => {
                    let shipment = shipments.intern(&s.shipment);
                    let customer = customers.intern(&s.customer);
                    for lot in picked.remove(&s.order).unwrap_or_default() {
                        lines.push((lot, line_shipment.len() as u32));
                        line_shipment.push(shipment);
                        line_customer.push(customer);
                    }
                }
                _ => {}
            }
        }
        let n = lots.keys.len();
        let outgoing = Csr::build(n, &edges);
        for e in &mut edges {
            *e = (e.1, e.0);
        }
        let incoming = Csr::build(n, &edges);
        drop(edges);
        let lot_lines = Csr::build(n, &lines);
        let scratch = Scratch {
            generation: 0,
            lot_seen: vec![0; n],
            customer_seen: vec![0; customers.keys.len()],
            supplier_seen: vec![0; suppliers.keys.len()],
        };
        Self {
            lots,
            shipments,
            customers,
            suppliers,
            outgoing,
            incoming,
            lot_lines,
            line_shipment,
            line_customer,
            supplier,
            scratch: RefCell::new(scratch),
        }
    }

    /// Number of lots.
    pub fn lots(&self) -> usize {
        self.lots.keys.len()
    }

    /// The id of a lot.
    pub fn lot(&self, item: &ItemRef) -> Option<u32> {
        self.lots.get(item)
    }

    /// The lot of an id.
    pub fn lot_ref(&self, lot: u32) -> &ItemRef {
        &self.lots.keys[lot as usize]
    }

    /// The shipment of an id.
    pub fn shipment_ref(&self, shipment: u32) -> &ShipmentId {
        &self.shipments.keys[shipment as usize]
    }

    /// The customer of an id.
    pub fn customer_ref(&self, customer: u32) -> &PartyId {
        &self.customers.keys[customer as usize]
    }

    /// The supplier of an id.
    pub fn supplier_ref(&self, supplier: u32) -> &PartyId {
        &self.suppliers.keys[supplier as usize]
    }

    /// How many work orders consumed `lot` (its outgoing edges).
    pub fn consumers(&self, lot: u32) -> usize {
        self.outgoing.row(lot).len()
    }

    /// Sizes and heap bytes.
    pub fn size(&self) -> FloorSize {
        let scratch = self.scratch.borrow();
        let stamps = scratch.lot_seen.capacity()
            + scratch.customer_seen.capacity()
            + scratch.supplier_seen.capacity();
        let walk_bytes = self.outgoing.heap_bytes()
            + self.incoming.heap_bytes()
            + self.lot_lines.heap_bytes()
            + (self.line_shipment.capacity()
                + self.line_customer.capacity()
                + self.supplier.capacity()
                + stamps)
                * size_of::<u32>();
        FloorSize {
            lots: self.lots(),
            edges: self.outgoing.targets.len(),
            shipment_lines: self.line_shipment.len(),
            receipts: self.supplier.iter().filter(|&&s| s != NONE).count(),
            walk_bytes,
            index_bytes: self.lots.heap_bytes()
                + self.shipments.heap_bytes()
                + self.customers.heap_bytes()
                + self.suppliers.heap_bytes(),
        }
    }

    /// The lots reached from `start` along `edges`, `start` first (breadth-first).
    fn walk(edges: &Csr, seen: &mut [u32], generation: u32, start: u32) -> Vec<u32> {
        let mut reached = vec![start];
        seen[start as usize] = generation;
        let mut head = 0;
        while let Some(&lot) = reached.get(head) {
            head += 1;
            for &next in edges.row(lot) {
                let mark = &mut seen[next as usize];
                if *mark != generation {
                    *mark = generation;
                    reached.push(next);
                }
            }
        }
        reached
    }

    /// Downstream of `lot`: it and every descendant, the shipment of each of their
    /// shipment lines, and the distinct customers.
    pub fn forward(&self, lot: u32) -> Forward {
        let mut scratch = self.scratch.borrow_mut();
        let generation = scratch.next();
        let lots = Self::walk(&self.outgoing, &mut scratch.lot_seen, generation, lot);
        let mut shipments = Vec::new();
        let mut customers = Vec::new();
        for &l in &lots {
            for &line in self.lot_lines.row(l) {
                shipments.push(self.line_shipment[line as usize]);
                let customer = self.line_customer[line as usize];
                let mark = &mut scratch.customer_seen[customer as usize];
                if *mark != generation {
                    *mark = generation;
                    customers.push(customer);
                }
            }
        }
        Forward {
            lots,
            shipments,
            customers,
        }
    }

    /// Upstream of `lot`: it and every ancestor, and their distinct suppliers.
    pub fn backward(&self, lot: u32) -> Backward {
        let mut scratch = self.scratch.borrow_mut();
        let generation = scratch.next();
        let lots = Self::walk(&self.incoming, &mut scratch.lot_seen, generation, lot);
        let mut suppliers = Vec::new();
        for &l in &lots {
            let supplier = self.supplier[l as usize];
            if supplier != NONE {
                let mark = &mut scratch.supplier_seen[supplier as usize];
                if *mark != generation {
                    *mark = generation;
                    suppliers.push(supplier);
                }
            }
        }
        Backward { lots, suppliers }
    }
}
