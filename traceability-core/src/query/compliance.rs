//! Compliance queries: a work order's electronic batch record, a lot's or serial's
//! device history record, the signatures of a record with their validity, open
//! non-conformances, open CAPAs (overdue flagged) and the recall history with each
//! recall's resolution actions. Markdown renderings are in [`crate::io`]
//! ([`BatchRecord::to_markdown`], [`DeviceHistoryRecord::to_markdown`]).
//!
//! A signature is valid while the record's content still has the SHA-256 it bound;
//! once the record changed (a parameter, step, production or test result added to a
//! batch record; a non-conformance closed; a CAPA completed) the older signatures show
//! `valid: false`.

use chrono::NaiveDate;
use serde::Serialize;

use crate::kernel::error::TraceError;
use crate::kernel::id::{CapaId, ItemRef, LotNumber, NonConformanceId, ProductId, WorkOrderId};
use crate::model::{
    BatchParameter, BatchStep, Certificate, CorrectiveAction, MaterialLine, NonConformance,
    RecallRecord, Signature, SignedRecord, TestResult,
};
use crate::state::State;

/// What [`SignatureCheck::note`] says of a signature whose record changed.
pub const RECORD_CHANGED: &str = "record changed since signing";

/// A signature and whether the record still has the content it signed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SignatureCheck {
    /// The signature.
    #[serde(flatten)]
    pub signature: Signature,
    /// The record's content is still the one signed.
    pub valid: bool,
    /// Why it is not valid ([`RECORD_CHANGED`]), `None` when valid.
    pub note: Option<&'static str>,
}

/// The test results and certificates of a lot a work order produced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProducedLotQuality {
    /// Product.
    pub product: ProductId,
    /// Lot.
    pub lot: LotNumber,
    /// Test results, in recording order.
    pub tests: Vec<TestResult>,
    /// Linked certificates.
    pub certificates: Vec<Certificate>,
    /// Every test's latest result passed (and there is at least one).
    pub all_tests_passed: bool,
}

/// A work order's electronic batch record (device history record).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BatchRecord {
    /// The work order.
    pub work_order: WorkOrderId,
    /// Process parameters, oldest first, each flagged within limits or not.
    pub parameters: Vec<BatchParameter>,
    /// The names of the parameters with a value out of its limits, each once.
    pub out_of_limits: Vec<String>,
    /// Steps, oldest first.
    pub steps: Vec<BatchStep>,
    /// The equipment the steps used, each once, in order of first use.
    pub equipment: Vec<String>,
    /// The operators of the steps, each once, in order of first step.
    pub operators: Vec<String>,
    /// What its productions consumed.
    pub consumed: Vec<MaterialLine>,
    /// What its productions made.
    pub produced: Vec<MaterialLine>,
    /// Test results and certificates of the lots it made.
    pub quality: Vec<ProducedLotQuality>,
    /// The non-conformances naming this work order.
    pub nonconformances: Vec<NonConformanceId>,
    /// SHA-256 of the record's canonical content now (what a signature now would bind).
    pub sha256: String,
    /// Its signatures, in signing order, each with its validity.
    pub signatures: Vec<SignatureCheck>,
}

/// The device history record of a lot or serial: the batch records of the work orders
/// that made it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DeviceHistoryRecord {
    /// The lot or serial.
    pub item: ItemRef,
    /// The batch records of the work order that made it (and of those that produced
    /// into it); empty for a received item.
    pub batch_records: Vec<BatchRecord>,
}

/// A non-conformance with its CAPAs and signatures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NonConformanceReport {
    /// The non-conformance.
    #[serde(flatten)]
    pub nonconformance: NonConformance,
    /// Its CAPAs, in order of addition.
    pub capas: Vec<CorrectiveAction>,
    /// Its signatures with their validity.
    pub signatures: Vec<SignatureCheck>,
}

/// A CAPA and whether it is overdue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CapaStatus {
    /// The CAPA.
    #[serde(flatten)]
    pub capa: CorrectiveAction,
    /// Open and due before the day asked about.
    pub overdue: bool,
}

/// A recall with its resolution actions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecallResolution {
    /// The recall as recorded.
    #[serde(flatten)]
    pub recall: RecallRecord,
    /// The CAPAs resolving it, in order of addition.
    pub capas: Vec<CorrectiveAction>,
    /// The non-conformances opened under it.
    pub nonconformances: Vec<NonConformanceId>,
    /// It has CAPAs, and all are completed.
    pub resolved: bool,
}

/// The signatures of a record, in signing order, each checked against the record's
/// content now (empty for an unknown record).
///
/// ```
/// use traceability_core::{query::compliance::signatures, SignedRecord, State, WorkOrderId};
/// let record = SignedRecord::BatchRecord(WorkOrderId::new("WO-1").unwrap());
/// assert!(signatures(&State::default(), &record).is_empty());
/// ```
pub fn signatures(state: &State, record: &SignedRecord) -> Vec<SignatureCheck> {
    let now = state.record_digest(record);
    state
        .signatures()
        .iter()
        .filter(|s| &s.record == record)
        .map(|s| {
            let valid = now.as_deref() == Some(s.sha256.as_str());
            SignatureCheck {
                signature: s.clone(),
                valid,
                note: (!valid).then_some(RECORD_CHANGED),
            }
        })
        .collect()
}

/// The batch record of a work order; one without production or entries is
/// [`TraceError::InvalidInput`] naming `work_order`.
///
/// ```
/// use traceability_core::{query::compliance::batch_record, ErrorKind, State, WorkOrderId};
/// let err = batch_record(&State::default(), &WorkOrderId::new("WO-1").unwrap()).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::InvalidInput);
/// ```
pub fn batch_record(state: &State, work_order: &WorkOrderId) -> Result<BatchRecord, TraceError> {
    let content = state.batch_content(work_order).ok_or_else(|| {
        TraceError::invalid(
            "work_order",
            format!("work order {work_order} has no production or batch record"),
        )
    })?;
    let record = SignedRecord::BatchRecord(work_order.clone());
    let mut out_of_limits: Vec<String> = Vec::new();
    for p in content.parameters.iter().filter(|p| !p.within_limits) {
        if !out_of_limits.contains(&p.name) {
            out_of_limits.push(p.name.clone());
        }
    }
    let mut equipment: Vec<String> = Vec::new();
    let mut operators: Vec<String> = Vec::new();
    for step in content.steps {
        if let Some(e) = &step.equipment {
            if !equipment.contains(e) {
                equipment.push(e.clone());
            }
        }
        if !operators.contains(&step.operator) {
            operators.push(step.operator.clone());
        }
    }
    let quality = content
        .quality
        .iter()
        .map(|q| ProducedLotQuality {
            product: q.lot.product.clone(),
            lot: q.lot.lot.clone(),
            tests: q.tests.to_vec(),
            certificates: q.certificates.to_vec(),
            all_tests_passed: !q.tests.is_empty() && all_latest_passed(q.tests),
        })
        .collect();
    Ok(BatchRecord {
        work_order: work_order.clone(),
        parameters: content.parameters.to_vec(),
        out_of_limits,
        steps: content.steps.to_vec(),
        equipment,
        operators,
        consumed: content.consumed,
        produced: content.produced,
        quality,
        nonconformances: state
            .nonconformances()
            .iter()
            .filter(|nc| nc.work_order.as_ref() == Some(work_order))
            .map(|nc| nc.id.clone())
            .collect(),
        sha256: state.record_digest(&record).unwrap_or_default(),
        signatures: signatures(state, &record),
    })
}

/// Whether the latest result of every test passed.
fn all_latest_passed(tests: &[TestResult]) -> bool {
    tests
        .iter()
        .enumerate()
        .all(|(i, t)| t.passed || tests[i + 1..].iter().any(|later| later.test == t.test))
}

/// The device history record of a lot or serial; an unknown one is
/// [`TraceError::UnknownLot`] / [`TraceError::UnknownSerial`].
///
/// ```
/// use traceability_core::{query::compliance::device_history_record, ErrorKind, ItemRef, State};
/// let err = device_history_record(&State::default(), &ItemRef::serial("PUMP", "SN1").unwrap());
/// assert_eq!(err.unwrap_err().kind(), ErrorKind::UnknownSerial);
/// ```
pub fn device_history_record(
    state: &State,
    item: &ItemRef,
) -> Result<DeviceHistoryRecord, TraceError> {
    let idx = state.require(item)?;
    let batch_records = state
        .work_orders_of(idx)
        .iter()
        .filter(|wo| state.knows_work_order(wo))
        .map(|wo| batch_record(state, wo))
        .collect::<Result<_, _>>()?;
    Ok(DeviceHistoryRecord {
        item: item.clone(),
        batch_records,
    })
}

/// A non-conformance with its CAPAs and signatures, or `None`.
///
/// ```
/// use traceability_core::{query::compliance::nonconformance, NonConformanceId, State};
/// assert!(nonconformance(&State::default(), &NonConformanceId::new("NC-1").unwrap()).is_none());
/// ```
pub fn nonconformance(state: &State, id: &NonConformanceId) -> Option<NonConformanceReport> {
    state.nonconformance(id).map(|nc| report(state, nc))
}

fn report(state: &State, nc: &NonConformance) -> NonConformanceReport {
    NonConformanceReport {
        nonconformance: nc.clone(),
        capas: state.capas_of_nonconformance(&nc.id).cloned().collect(),
        signatures: signatures(state, &SignedRecord::NonConformance(nc.id.clone())),
    }
}

/// The non-conformances not closed yet, in opening order.
///
/// ```
/// use traceability_core::{query::compliance::open_nonconformances, State};
/// assert!(open_nonconformances(&State::default()).is_empty());
/// ```
pub fn open_nonconformances(state: &State) -> Vec<NonConformanceReport> {
    state
        .nonconformances()
        .iter()
        .filter(|nc| nc.closed.is_none())
        .map(|nc| report(state, nc))
        .collect()
}

/// A CAPA as of a day (overdue when open and due before it), or `None`.
///
/// ```
/// use traceability_core::{query::compliance::capa, CapaId, State};
/// let today = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
/// assert!(capa(&State::default(), &CapaId::new("CAPA-1").unwrap(), today).is_none());
/// ```
pub fn capa(state: &State, id: &CapaId, as_of: NaiveDate) -> Option<CapaStatus> {
    state.capa(id).map(|c| status(c, as_of))
}

fn status(capa: &CorrectiveAction, as_of: NaiveDate) -> CapaStatus {
    CapaStatus {
        capa: capa.clone(),
        overdue: capa.completed.is_none() && capa.due < as_of,
    }
}

/// The CAPAs not completed yet as of a day, earliest due first (then by number),
/// overdue ones flagged.
///
/// ```
/// use traceability_core::{query::compliance::open_capas, State};
/// let today = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
/// assert!(open_capas(&State::default(), today).is_empty());
/// ```
pub fn open_capas(state: &State, as_of: NaiveDate) -> Vec<CapaStatus> {
    let mut open: Vec<CapaStatus> = state
        .capas()
        .iter()
        .filter(|c| c.completed.is_none())
        .map(|c| status(c, as_of))
        .collect();
    open.sort_by(|a, b| (a.capa.due, &a.capa.id).cmp(&(b.capa.due, &b.capa.id)));
    open
}

/// Every recall, oldest first, with its resolution actions (CAPAs), the
/// non-conformances opened under it, and whether it is resolved.
///
/// ```
/// use traceability_core::{query::compliance::recall_history, State};
/// assert!(recall_history(&State::default()).is_empty());
/// ```
pub fn recall_history(state: &State) -> Vec<RecallResolution> {
    state
        .recalls()
        .iter()
        .map(|recall| {
            let capas: Vec<CorrectiveAction> =
                state.capas_of_recall(&recall.recall).cloned().collect();
            RecallResolution {
                resolved: !capas.is_empty() && capas.iter().all(|c| c.completed.is_some()),
                nonconformances: state
                    .nonconformances()
                    .iter()
                    .filter(|nc| nc.recall.as_ref() == Some(&recall.recall))
                    .map(|nc| nc.id.clone())
                    .collect(),
                recall: recall.clone(),
                capas,
            }
        })
        .collect()
}
