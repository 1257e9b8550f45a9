//! Quality queries: a lot's quality records and its certificate of analysis.

use chrono::NaiveDate;
use serde::Serialize;

use crate::kernel::error::TraceError;
use crate::kernel::id::{LotNumber, PartyId, ProductId};
use crate::kernel::Quantity;
use crate::model::{Certificate, LotQuality, QualityDecision, QualityStatus, TestResult};
use crate::state::State;

/// A certificate of analysis for one lot, ready to serialise (see [`Self::to_json`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CertificateOfAnalysis {
    /// Product.
    pub product: ProductId,
    /// Product description.
    pub product_description: String,
    /// Unit of measure.
    pub unit: String,
    /// Lot number.
    pub lot: LotNumber,
    /// Supplier.
    pub supplier: Option<PartyId>,
    /// Supplier's lot number.
    pub supplier_lot: Option<String>,
    /// Manufacturing date.
    pub manufactured_on: Option<NaiveDate>,
    /// Expiry date.
    pub expiry: Option<NaiveDate>,
    /// Quality status now.
    pub quality: QualityStatus,
    /// Quantity on hand.
    pub on_hand: Quantity,
    /// Every test result.
    pub tests: Vec<TestResult>,
    /// `true` when every test's latest result passed (and there is at least one).
    pub all_tests_passed: bool,
    /// Linked documents.
    pub certificates: Vec<Certificate>,
    /// Decisions, oldest first.
    pub decisions: Vec<QualityDecision>,
}

impl CertificateOfAnalysis {
    /// Pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// The quality records of a lot (empty when none were recorded).
///
/// ```
/// use traceability_core::*;
/// let e = query::quality::lot_quality(&State::default(), &ProductId::new("P").unwrap(),
///     &LotNumber::new("L").unwrap()).unwrap_err();
/// assert_eq!(e.kind(), ErrorKind::UnknownProduct);
/// ```
pub fn lot_quality(
    state: &State,
    product: &ProductId,
    lot: &LotNumber,
) -> Result<LotQuality, TraceError> {
    let i = state.require_lot(product, lot)?;
    Ok(state.quality_of(i).cloned().unwrap_or_default())
}

/// The certificate of analysis of a lot.
///
/// ```
/// use traceability_core::*;
/// let e = query::quality::certificate_of_analysis(&State::default(), &ProductId::new("P").unwrap(),
///     &LotNumber::new("L").unwrap()).unwrap_err();
/// assert_eq!(e.kind(), ErrorKind::UnknownProduct);
/// ```
pub fn certificate_of_analysis(
    state: &State,
    product: &ProductId,
    lot: &LotNumber,
) -> Result<CertificateOfAnalysis, TraceError> {
    let i = state.require_lot(product, lot)?;
    let l = state.lot_at(i);
    let p = state
        .product(product)
        .ok_or_else(|| TraceError::UnknownProduct(product.clone()))?;
    let q = state.quality_of(i).cloned().unwrap_or_default();
    Ok(CertificateOfAnalysis {
        product: product.clone(),
        product_description: p.description.clone(),
        unit: p.unit.clone(),
        lot: lot.clone(),
        supplier: l.supplier.clone(),
        supplier_lot: l.supplier_lot().map(str::to_owned),
        manufactured_on: l.manufactured_on,
        expiry: l.dates.expiry,
        quality: l.quality,
        on_hand: l.on_hand(),
        all_tests_passed: !q.tests.is_empty() && q.failing_tests().is_empty(),
        tests: q.tests,
        certificates: q.certificates,
        decisions: q.decisions,
    })
}
