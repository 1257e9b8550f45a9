//! The allocation request: what to allocate by strategy, and under which rules.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::kernel::id::{LocationId, OrderId, ProductId};
use crate::kernel::Quantity;

/// The order in which candidate lots are taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Strategy {
    /// First expired, first out: earliest removal date, else expiry, first.
    Fefo,
    /// First in, first out: earliest receipt first.
    Fifo,
    /// Last in, first out: latest receipt first.
    Lifo,
}

/// What to allocate, and under which rules.
///
/// ```
/// use traceability_core::{OrderId, ProductId, Quantity};
/// use traceability_core::{AllocationRequest, Strategy};
/// let r = AllocationRequest::new(ProductId::new("MILK").unwrap(), Quantity::from(5),
///     OrderId::new("SO1").unwrap(), Strategy::Fefo);
/// assert!(!r.partial && r.locations.is_none());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllocationRequest {
    /// Product (lot- or serial-tracked).
    pub product: ProductId,
    /// Quantity wanted (> 0; a whole number for serials).
    pub quantity: Quantity,
    /// Order the stock is reserved for.
    pub order: OrderId,
    /// FEFO, FIFO or LIFO.
    pub strategy: Strategy,
    /// Planned ship date: lots must not be expired then (default: today).
    pub ship_date: Option<NaiveDate>,
    /// Minimum remaining shelf life at the ship date, in percent (0..=100).
    pub min_remaining_shelf_life_pct: Option<Quantity>,
    /// Only take stock from these locations.
    pub locations: Option<Vec<LocationId>>,
    /// Reserve what is eligible when it is not enough, instead of failing.
    pub partial: bool,
}

impl AllocationRequest {
    /// A request with no ship date (today), no shelf-life minimum, any location, not partial.
    pub fn new(product: ProductId, quantity: Quantity, order: OrderId, strategy: Strategy) -> Self {
        Self {
            product,
            quantity,
            order,
            strategy,
            ship_date: None,
            min_remaining_shelf_life_pct: None,
            locations: None,
            partial: false,
        }
    }
}
