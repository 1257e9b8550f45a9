//! Numbering: named schemes that generate lot and serial numbers from a pattern, and
//! the sequences they draw from.

use serde::{Deserialize, Serialize};

use crate::kernel::id::{ProductId, SchemeId};

/// A named numbering scheme, shared by the products that name it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberingScheme {
    /// Scheme name.
    pub id: SchemeId,
    /// The pattern (syntax: [`crate::kernel::numbering`]), e.g. `{Y}{DDD}-{SEQ:3:DAILY}`.
    pub pattern: String,
    /// Free description.
    #[serde(default)]
    pub description: String,
}

/// Whose sequence a generated number is drawn from: a named scheme, or a product's
/// own pattern.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SequenceOwner {
    /// A named scheme.
    Scheme(SchemeId),
    /// A product's own `numbering_pattern`.
    Product(ProductId),
}

/// A number issued from a scheme (see [`crate::Tracker::issued_numbers`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedNumber {
    /// The product it is for.
    pub product: ProductId,
    /// The lot or serial number.
    pub number: String,
    /// The sequence it was drawn from.
    pub owner: SequenceOwner,
}
