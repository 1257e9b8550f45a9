//! Compliance: a work order's electronic batch record (process parameters, steps),
//! electronic signatures bound to the content of the record they sign, non-conformances
//! (with a containment hold) and corrective and preventive actions (CAPA). `tracker`
//! and `actor` are required (NULL: TR_ERR_NULL_POINTER); `reason` may be NULL unless
//! stated. Thread-safe.
//!
//! The records are read through the catalog (`tr_query_json`): `batch_record`,
//! `batch_record_markdown`, `device_history_record`, `device_history_record_markdown`,
//! `signatures`, `nonconformance`, `open_nonconformances`, `capa`, `open_capas`,
//! `recall_history`.

use std::ffi::c_char;

use chrono::{DateTime, Utc};
use traceability_core::{
    AddCorrectiveAction, CapaKind, CloseNonConformance, Command, CompleteCorrectiveAction,
    OpenNonConformance, RecordBatchParameter, RecordBatchStep, Severity, SignRecord,
    SignatureMeaning, SignedRecord,
};

use crate::args::{
    id_arg, item_from_c, name_arg, opt_date_arg, opt_id_arg, opt_quantity_arg, opt_str_arg,
    opt_text_arg, quantity_arg, str_arg, tr_item, vec_arg,
};
use crate::handle::{submit, tr_tracker};
use crate::status::{tr_status, Failure};

/// An optional RFC 3339 instant such as `"2026-03-01T06:00:00Z"` (NULL: not given).
///
/// # Safety
/// As [`str_arg`].
unsafe fn opt_instant_arg(
    ptr: *const c_char,
    name: &str,
) -> Result<Option<DateTime<Utc>>, Failure> {
    opt_str_arg(ptr, name)?
        .map(|text| {
            DateTime::parse_from_rfc3339(text.trim())
                .map(|at| at.with_timezone(&Utc))
                .map_err(|e| {
                    Failure::invalid(name, format!("{text:?} is not an RFC 3339 instant ({e})"))
                })
        })
        .transpose()
}

/// Records a process parameter `name` = `value` (decimal text) in `work_order`'s batch
/// record; `unit`, `min` and `max` (inclusive limits, decimal text) may be NULL. A value
/// outside the limits is recorded and flagged (`"within_limits": false`), not refused.
#[no_mangle]
pub unsafe extern "C" fn tr_record_batch_parameter(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    work_order: *const c_char,
    name: *const c_char,
    value: *const c_char,
    unit: *const c_char,
    min: *const c_char,
    max: *const c_char,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            Ok(Command::RecordBatchParameter(RecordBatchParameter {
                work_order: id_arg(work_order, "work_order")?,
                name: str_arg(name, "name")?.to_owned(),
                value: quantity_arg(value, "value")?,
                unit: opt_text_arg(unit, "unit")?.unwrap_or_default(),
                min: opt_quantity_arg(min, "min")?,
                max: opt_quantity_arg(max, "max")?,
            }))
        })
    })
}

/// Records step `step` of `work_order`, performed by `operator` (required) on
/// `equipment`; `equipment`, `performed_on` ("YYYY-MM-DD", NULL: today), `started_at`
/// and `finished_at` (RFC 3339, e.g. "2026-03-01T06:00:00Z") and `notes` may be NULL.
#[no_mangle]
pub unsafe extern "C" fn tr_record_batch_step(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    work_order: *const c_char,
    step: *const c_char,
    equipment: *const c_char,
    operator: *const c_char,
    performed_on: *const c_char,
    started_at: *const c_char,
    finished_at: *const c_char,
    notes: *const c_char,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            Ok(Command::RecordBatchStep(RecordBatchStep {
                work_order: id_arg(work_order, "work_order")?,
                step: str_arg(step, "step")?.to_owned(),
                equipment: opt_text_arg(equipment, "equipment")?,
                operator: str_arg(operator, "operator")?.to_owned(),
                performed_on: opt_date_arg(performed_on, "performed_on")?,
                started_at: opt_instant_arg(started_at, "started_at")?,
                finished_at: opt_instant_arg(finished_at, "finished_at")?,
                notes: opt_text_arg(notes, "notes")?.unwrap_or_default(),
            }))
        })
    })
}

/// Signs a record electronically as `signer` (authenticated by the caller; the library
/// keeps no passwords) with `meaning` ("performed", "reviewed", "approved" or
/// "verified"): the signature binds signer, meaning, time and `reason` to the SHA-256 of
/// the record's content now. `record_kind` is "batch_record" (`record_id` a work
/// order), "nonconformance" or "capa". An unknown record is TR_ERR_INVALID_INPUT; the
/// same signer signing the same unchanged content with the same meaning again is
/// TR_ERR_DUPLICATE_NUMBER.
#[no_mangle]
pub unsafe extern "C" fn tr_sign_record(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    record_kind: *const c_char,
    record_id: *const c_char,
    meaning: *const c_char,
    signer: *const c_char,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            let kind = str_arg(record_kind, "record_kind")?;
            let id = str_arg(record_id, "record_id")?;
            let record = match kind.trim() {
                "batch_record" => SignedRecord::BatchRecord(id.parse()?),
                "nonconformance" => SignedRecord::NonConformance(id.parse()?),
                "capa" => SignedRecord::Capa(id.parse()?),
                other => {
                    return Err(Failure::invalid(
                        "record_kind",
                        format!("{other:?} is not one of batch_record, nonconformance, capa"),
                    ))
                }
            };
            Ok(Command::SignRecord(SignRecord {
                record,
                meaning: name_arg::<SignatureMeaning>(
                    meaning,
                    "meaning",
                    "performed, reviewed, approved, verified",
                )?,
                signer: str_arg(signer, "signer")?.to_owned(),
            }))
        })
    })
}

/// Opens non-conformance `id` ("minor", "major" or "critical" `severity`) on
/// `item_count` lots and serials (`items` may be NULL only with a count of 0), a
/// `work_order` and/or a `recall` (both may be NULL). With `containment_hold` the same
/// command puts the items not yet held (serials: those in our custody) on hold; that
/// needs a `reason`.
#[no_mangle]
pub unsafe extern "C" fn tr_open_nonconformance(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    id: *const c_char,
    description: *const c_char,
    severity: *const c_char,
    items: *const tr_item,
    item_count: usize,
    work_order: *const c_char,
    recall: *const c_char,
    containment_hold: bool,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            Ok(Command::OpenNonConformance(OpenNonConformance {
                id: id_arg(id, "id")?,
                description: str_arg(description, "description")?.to_owned(),
                severity: name_arg::<Severity>(severity, "severity", "minor, major, critical")?,
                items: vec_arg(items, item_count, "items", |i, n| item_from_c(i, n))?,
                work_order: opt_id_arg(work_order, "work_order")?,
                recall: opt_id_arg(recall, "recall")?,
                containment_hold,
            }))
        })
    })
}

/// Adds CAPA `id` of `kind` ("corrective" or "preventive"), owned by `owner` and due on
/// `due` ("YYYY-MM-DD"), for the open non-conformance `nc` and/or the recall `recall`
/// (one of its resolution actions); both may be NULL.
#[no_mangle]
pub unsafe extern "C" fn tr_add_corrective_action(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    id: *const c_char,
    kind: *const c_char,
    description: *const c_char,
    owner: *const c_char,
    due: *const c_char,
    nc: *const c_char,
    recall: *const c_char,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            Ok(Command::AddCorrectiveAction(AddCorrectiveAction {
                id: id_arg(id, "id")?,
                nc: opt_id_arg(nc, "nc")?,
                recall: opt_id_arg(recall, "recall")?,
                kind: name_arg::<CapaKind>(kind, "kind", "corrective, preventive")?,
                description: str_arg(description, "description")?.to_owned(),
                owner: str_arg(owner, "owner")?.to_owned(),
                due: opt_date_arg(due, "due")?.ok_or_else(|| Failure::null("due"))?,
            }))
        })
    })
}

/// Completes CAPA `id` with its `outcome`.
#[no_mangle]
pub unsafe extern "C" fn tr_complete_corrective_action(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    id: *const c_char,
    outcome: *const c_char,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            Ok(Command::CompleteCorrectiveAction(
                CompleteCorrectiveAction {
                    id: id_arg(id, "id")?,
                    outcome: str_arg(outcome, "outcome")?.to_owned(),
                },
            ))
        })
    })
}

/// Closes non-conformance `id` with its `resolution`; refused (TR_ERR_INVALID_INPUT)
/// while any of its CAPAs is open. Its containment holds stay until `tr_release_hold`.
#[no_mangle]
pub unsafe extern "C" fn tr_close_nonconformance(
    tracker: *mut tr_tracker,
    actor: *const c_char,
    reason: *const c_char,
    id: *const c_char,
    resolution: *const c_char,
) -> tr_status {
    ffi_guard!({
        submit(tracker, actor, reason, || {
            Ok(Command::CloseNonConformance(CloseNonConformance {
                id: id_arg(id, "id")?,
                resolution: str_arg(resolution, "resolution")?.to_owned(),
            }))
        })
    })
}
