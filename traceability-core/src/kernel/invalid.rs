//! [`InvalidInput`]: a value outside the limits, named by its field. The bounded value
//! types of the kernel (identifiers, text, quantities, dates) report it; it becomes
//! [`crate::TraceError::InvalidInput`] wherever a command or query fails.

use std::fmt;

/// A field's value is malformed or outside the limits.
///
/// ```
/// use traceability_core::{kernel::invalid::InvalidInput, ErrorKind, ProductId, TraceError};
/// let err: InvalidInput = ProductId::new("  ").unwrap_err();
/// assert_eq!(err.field, "product");
/// assert_eq!(TraceError::from(err).kind(), ErrorKind::InvalidInput);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidInput {
    /// The offending field.
    pub field: &'static str,
    /// What is wrong with it.
    pub reason: String,
}

impl InvalidInput {
    /// The error for `field`, saying what is wrong with it.
    pub fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self {
            field,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {}: {}", self.field, self.reason)
    }
}

impl std::error::Error for InvalidInput {}
