//! Quality records of a lot: test results, certificates of analysis and quarantine /
//! release / reject decisions.
//!
//! ```
//! use traceability_core::TestResult;
//! let r = TestResult::evaluate("moisture", "12.5".parse().unwrap(), "%", None,
//!     Some("14".parse().unwrap()), "2026-01-02".parse().unwrap()).unwrap();
//! assert!(r.passed);
//! ```

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::kernel::error::TraceError;
use crate::kernel::Quantity;
use crate::model::lot::QualityStatus;

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
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
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
    /// assert!(traceability_core::LotQuality::default().failing_tests().is_empty());
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
