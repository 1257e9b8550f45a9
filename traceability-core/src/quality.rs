//! Quality: test results and certificates of analysis linked to lots, quarantine /
//! release / reject decisions with a reason, and the certificate-of-analysis export.
//!
//! A test result passes when its value is within the (inclusive) specification limits
//! given. Releasing a lot is refused while the latest result of any of its tests failed
//! (reject it, or record a passing re-test first). Every decision needs a reason and is
//! an event in the audit trail.
//!
//! ```
//! use traceability_core::quality::TestResult;
//! use traceability_core::Quantity;
//! let r = TestResult::evaluate("moisture", "12.5".parse().unwrap(), "%", None,
//!     Some("14".parse().unwrap()), "2026-01-02".parse().unwrap()).unwrap();
//! assert!(r.passed);
//! ```

use crate::kernel::date::bounded;
use crate::kernel::text::{free_text, identifier};
use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::decide::Context;
use crate::error::TraceError;
use crate::event::EventPayload;
use crate::expiry::{require_reason, LotKey};
use crate::model::{ItemRef, LotNumber, PartyId, ProductId, QualityStatus, Quantity, Tracking};
use crate::state::State;

/// One test result on a lot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestResult {
    /// Test (characteristic) name.
    pub test: String,
    /// Measured value.
    pub value: Quantity,
    /// Unit of the value.
    pub unit: String,
    /// Lower specification limit (inclusive).
    pub spec_min: Option<Quantity>,
    /// Upper specification limit (inclusive).
    pub spec_max: Option<Quantity>,
    /// Within specification.
    pub passed: bool,
    /// Date tested.
    pub tested_on: NaiveDate,
}

impl TestResult {
    /// Builds a result and decides pass/fail; an empty test name or `min > max` is an
    /// [`TraceError::InvalidInput`].
    pub fn evaluate(
        test: &str,
        value: Quantity,
        unit: &str,
        spec_min: Option<Quantity>,
        spec_max: Option<Quantity>,
        tested_on: NaiveDate,
    ) -> Result<Self, TraceError> {
        let test = test.trim();
        if test.is_empty() {
            return Err(TraceError::invalid("test", "must not be empty"));
        }
        if let (Some(lo), Some(hi)) = (spec_min, spec_max) {
            if lo > hi {
                return Err(TraceError::invalid(
                    "spec_min",
                    format!("{lo} is above spec_max {hi}"),
                ));
            }
        }
        let passed = spec_min.is_none_or(|lo| value >= lo) && spec_max.is_none_or(|hi| value <= hi);
        Ok(Self {
            test: test.to_owned(),
            value,
            unit: unit.trim().to_owned(),
            spec_min,
            spec_max,
            passed,
            tested_on,
        })
    }
}

/// A certificate of analysis (or other quality document) linked to a lot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    /// Document reference (file name, DMS id, URL).
    pub document: String,
    /// SHA-256 of the document, 64 lower-case hex digits.
    pub sha256: String,
}

/// A quality decision on a lot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QualityDecision {
    /// The status set.
    pub status: QualityStatus,
    /// Why.
    pub reason: String,
    /// Event sequence number.
    pub seq: u64,
}

/// Quality records of one lot.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LotQuality {
    /// Test results, in recording order.
    pub tests: Vec<TestResult>,
    /// Linked certificates.
    pub certificates: Vec<Certificate>,
    /// Quarantine / release / reject decisions, oldest first.
    pub decisions: Vec<QualityDecision>,
}

impl LotQuality {
    /// Tests whose latest result failed.
    ///
    /// ```
    /// assert!(traceability_core::quality::LotQuality::default().failing_tests().is_empty());
    /// ```
    pub fn failing_tests(&self) -> Vec<&str> {
        let mut latest: Vec<(&str, bool)> = Vec::new();
        for t in &self.tests {
            match latest.iter_mut().find(|(n, _)| *n == t.test) {
                Some(entry) => entry.1 = t.passed,
                None => latest.push((&t.test, t.passed)),
            }
        }
        latest
            .into_iter()
            .filter(|(_, ok)| !ok)
            .map(|(n, _)| n)
            .collect()
    }
}

/// Quality records of all lots, by lot index (kept in [`State`]).
pub type QualityBook = HashMap<u32, LotQuality>;

fn lot_idx(state: &State, product: &ProductId, lot: &LotNumber) -> Result<u32, TraceError> {
    let p = state
        .product(product)
        .ok_or_else(|| TraceError::UnknownProduct(product.clone()))?;
    if p.tracking != Tracking::Lot {
        return Err(TraceError::WrongTracking {
            product: product.clone(),
            actual: p.tracking,
            expected: Tracking::Lot,
        });
    }
    state
        .lot_idx(product, lot)
        .ok_or_else(|| TraceError::UnknownLot {
            product: product.clone(),
            lot: lot.clone(),
        })
}

/// Validates [`crate::Command::RecordTestResult`].
#[allow(clippy::too_many_arguments)]
pub(crate) fn decide_test(
    ctx: &Context<'_>,
    lot: &LotKey,
    test: &str,
    value: Quantity,
    unit: &str,
    spec_min: Option<Quantity>,
    spec_max: Option<Quantity>,
    tested_on: Option<NaiveDate>,
) -> Result<Vec<EventPayload>, TraceError> {
    lot_idx(ctx.state, &lot.product, &lot.lot)?;
    identifier("test", test)?;
    free_text("unit", unit)?;
    let tested_on = bounded("tested_on", tested_on.unwrap_or(ctx.today))?;
    let result = TestResult::evaluate(test, value, unit, spec_min, spec_max, tested_on)?;
    Ok(vec![EventPayload::TestResultRecorded {
        product: lot.product.clone(),
        lot: lot.lot.clone(),
        result,
    }])
}

/// Validates [`crate::Command::LinkCertificate`].
pub(crate) fn decide_certificate(
    ctx: &Context<'_>,
    lot: &LotKey,
    document: &str,
    sha256: &str,
) -> Result<Vec<EventPayload>, TraceError> {
    let i = lot_idx(ctx.state, &lot.product, &lot.lot)?;
    let document = document.trim();
    if document.is_empty() {
        return Err(TraceError::invalid("document", "must not be empty"));
    }
    free_text("document", document)?;
    let sha = sha256.trim().to_ascii_lowercase();
    if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(TraceError::invalid(
            "sha256",
            "must be 64 hexadecimal digits",
        ));
    }
    if ctx
        .state
        .quality
        .get(&i)
        .is_some_and(|q| q.certificates.iter().any(|c| c.sha256 == sha))
    {
        return Err(TraceError::DuplicateNumber {
            kind: "certificate",
            key: sha,
        });
    }
    Ok(vec![EventPayload::CertificateLinked {
        product: lot.product.clone(),
        lot: lot.lot.clone(),
        certificate: Certificate {
            document: document.to_owned(),
            sha256: sha,
        },
    }])
}

/// Validates [`crate::Command::SetQualityStatus`].
pub(crate) fn decide_status(
    ctx: &Context<'_>,
    lot: &LotKey,
    status: QualityStatus,
) -> Result<Vec<EventPayload>, TraceError> {
    require_reason(ctx, "a quality decision")?;
    let i = lot_idx(ctx.state, &lot.product, &lot.lot)?;
    let current = ctx.state.lots()[i as usize].quality;
    if current == status {
        return Err(TraceError::invalid(
            "status",
            format!("lot {}/{} is already {status:?}", lot.product, lot.lot),
        ));
    }
    if status == QualityStatus::Released {
        if let Some(q) = ctx.state.quality.get(&i) {
            let failing = q.failing_tests();
            if !failing.is_empty() {
                return Err(TraceError::NotUsable {
                    item: ItemRef::Lot {
                        product: lot.product.clone(),
                        lot: lot.lot.clone(),
                    },
                    why: "cannot be released: the latest result of a test failed",
                });
            }
        }
    }
    Ok(vec![EventPayload::QualityStatusSet {
        product: lot.product.clone(),
        lot: lot.lot.clone(),
        status,
        reason: ctx.reason.unwrap_or_default().trim().to_owned(),
    }])
}

/// Applies the quality events.
pub(crate) fn apply(state: &mut State, seq: u64, payload: &EventPayload) -> Result<(), TraceError> {
    let idx = |state: &State, product: &ProductId, lot: &LotNumber| {
        state
            .lot_idx(product, lot)
            .ok_or_else(|| TraceError::Storage(format!("event log inconsistent: lot {lot}")))
    };
    match payload {
        EventPayload::TestResultRecorded {
            product,
            lot,
            result,
        } => {
            let i = idx(state, product, lot)?;
            state
                .quality
                .entry(i)
                .or_default()
                .tests
                .push(result.clone());
            state.lot_history[i as usize].push(seq);
        }
        EventPayload::CertificateLinked {
            product,
            lot,
            certificate,
        } => {
            let i = idx(state, product, lot)?;
            state
                .quality
                .entry(i)
                .or_default()
                .certificates
                .push(certificate.clone());
            state.lot_history[i as usize].push(seq);
        }
        EventPayload::QualityStatusSet {
            product,
            lot,
            status,
            reason,
        } => {
            let i = idx(state, product, lot)?;
            state.lots[i as usize].quality = *status;
            state
                .quality
                .entry(i)
                .or_default()
                .decisions
                .push(QualityDecision {
                    status: *status,
                    reason: reason.clone(),
                    seq,
                });
            state.lot_history[i as usize].push(seq);
        }
        _ => {}
    }
    Ok(())
}

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
/// let e = quality::lot_quality(&State::default(), &ProductId::new("P").unwrap(),
///     &LotNumber::new("L").unwrap()).unwrap_err();
/// assert_eq!(e.kind(), ErrorKind::UnknownProduct);
/// ```
pub fn lot_quality(
    state: &State,
    product: &ProductId,
    lot: &LotNumber,
) -> Result<LotQuality, TraceError> {
    let i = lot_idx(state, product, lot)?;
    Ok(state.quality.get(&i).cloned().unwrap_or_default())
}

/// The certificate of analysis of a lot.
///
/// ```
/// use traceability_core::*;
/// let e = quality::certificate_of_analysis(&State::default(), &ProductId::new("P").unwrap(),
///     &LotNumber::new("L").unwrap()).unwrap_err();
/// assert_eq!(e.kind(), ErrorKind::UnknownProduct);
/// ```
pub fn certificate_of_analysis(
    state: &State,
    product: &ProductId,
    lot: &LotNumber,
) -> Result<CertificateOfAnalysis, TraceError> {
    let i = lot_idx(state, product, lot)?;
    let l = &state.lots()[i as usize];
    let p = state
        .product(product)
        .ok_or_else(|| TraceError::UnknownProduct(product.clone()))?;
    let q = state.quality.get(&i).cloned().unwrap_or_default();
    Ok(CertificateOfAnalysis {
        product: product.clone(),
        product_description: p.description.clone(),
        unit: p.unit.clone(),
        lot: lot.clone(),
        supplier: l.supplier.clone(),
        supplier_lot: l.supplier_lot.clone(),
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
