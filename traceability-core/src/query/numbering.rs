//! Numbering: the next number a product's scheme would issue.

use chrono::NaiveDate;

use crate::kernel::error::TraceError;
use crate::kernel::id::{LocationId, ProductId};
use crate::state::numbering::Issuer;
use crate::state::State;

/// The number the next receipt or production of `product` on `date` (at `location`)
/// would be given, without issuing it.
pub fn preview_number(
    state: &State,
    product: &ProductId,
    date: NaiveDate,
    location: Option<&LocationId>,
) -> Result<String, TraceError> {
    let product = state
        .product(product)
        .ok_or_else(|| TraceError::UnknownProduct(product.clone()))?;
    Issuer::new(state).issue(product, date, location)
}
