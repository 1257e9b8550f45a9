//! Quality: test results and certificates of analysis linked to lots, quarantine /
//! release / reject decisions with a reason.
//!
//! A test result passes when its value is within the (inclusive) specification limits
//! given. Releasing a lot is refused while the latest result of any of its tests failed
//! (reject it, or record a passing re-test first). Every decision needs a reason and is
//! an event in the audit trail.

use crate::capability::context::{sha256_hex, Context};
use crate::command::{LinkCertificate, RecordTestResult, SetQualityStatus};
use crate::event::EventPayload;
use crate::kernel::date::bounded;
use crate::kernel::error::TraceError;
use crate::kernel::text::{free_text, identifier};
use crate::model::{Certificate, QualityStatus, TestResult};

/// Validates [`crate::Command::RecordTestResult`].
pub(crate) fn record_test_result(
    ctx: &Context<'_>,
    command: &RecordTestResult,
) -> Result<Vec<EventPayload>, TraceError> {
    let RecordTestResult {
        lot,
        test,
        value,
        unit,
        spec_min,
        spec_max,
        tested_on,
    } = command;
    ctx.state.require_lot(&lot.product, &lot.lot)?;
    identifier("test", test)?;
    free_text("unit", unit)?;
    let tested_on = bounded("tested_on", tested_on.unwrap_or(ctx.today))?;
    let result = TestResult::evaluate(test, *value, unit, *spec_min, *spec_max, tested_on)?;
    Ok(vec![EventPayload::TestResultRecorded {
        product: lot.product.clone(),
        lot: lot.lot.clone(),
        result,
    }])
}

/// Validates [`crate::Command::LinkCertificate`].
pub(crate) fn link_certificate(
    ctx: &Context<'_>,
    command: &LinkCertificate,
) -> Result<Vec<EventPayload>, TraceError> {
    let LinkCertificate {
        lot,
        document,
        sha256,
    } = command;
    let i = ctx.state.require_lot(&lot.product, &lot.lot)?;
    let document = document.trim();
    if document.is_empty() {
        return Err(TraceError::invalid("document", "must not be empty"));
    }
    free_text("document", document)?;
    let sha = sha256_hex("sha256", sha256)?;
    if ctx
        .state
        .quality_of(i)
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
pub(crate) fn set_quality_status(
    ctx: &Context<'_>,
    SetQualityStatus { lot, status }: &SetQualityStatus,
) -> Result<Vec<EventPayload>, TraceError> {
    let status = *status;
    ctx.require_reason("a quality decision")?;
    let i = ctx.state.require_lot(&lot.product, &lot.lot)?;
    let current = ctx.state.lot_at(i).quality;
    if current == status {
        return Err(TraceError::invalid(
            "status",
            format!("lot {}/{} is already {status}", lot.product, lot.lot),
        ));
    }
    if status == QualityStatus::Released {
        if let Some(q) = ctx.state.quality_of(i) {
            let failing = q.failing_tests();
            if !failing.is_empty() {
                return Err(TraceError::NotUsable {
                    item: lot.item(),
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
