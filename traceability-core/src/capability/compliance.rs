//! Compliance: electronic batch records (device history records), electronic
//! signatures, non-conformances and corrective and preventive actions (CAPA), each an
//! event in the log.
//!
//! * **Batch records.** Process parameters (exact values; one outside its inclusive
//!   limits is recorded and flagged, never refused) and steps (equipment, operator,
//!   times) per work order. Work orders are the embedding system's: entries may precede
//!   the production.
//! * **Signatures** (21 CFR Part 11 §11.50/§11.70). A signature records the signer,
//!   the meaning and the time, and binds the SHA-256 of the record's canonical content
//!   at that moment, computed here from the state (see [`crate::state`]'s compliance
//!   part), so it cannot be copied to another record and shows invalid once the record
//!   changes. The embedding system authenticates signers; no passwords are kept. The
//!   same signer signing the same unchanged content with the same meaning twice is
//!   refused.
//! * **Non-conformances** concern lots, serials, a work order and/or a recall; the
//!   containment hold puts the named lots and the named serials in our custody on hold
//!   in the same command (as [`crate::EventPayload::HoldPlaced`], needing a reason). A
//!   non-conformance closes only when all its CAPAs are completed; closing does not
//!   release holds (that is a disposition: [`crate::Command::ReleaseHold`]).
//! * **CAPAs** link to an open non-conformance, a recall (its resolution actions), both
//!   or neither, and complete once with their outcome.
//!
//! Unknown non-conformances, CAPAs, recalls and work orders are refused with
//! [`TraceError::InvalidInput`] naming the field.

use foldhash::{HashSet, HashSetExt};

use crate::capability::context::{duplicate, Context, Item};
use crate::command::{
    AddCorrectiveAction, CloseNonConformance, CompleteCorrectiveAction, OpenNonConformance,
    RecordBatchParameter, RecordBatchStep, SignRecord,
};
use crate::event::EventPayload;
use crate::kernel::date::bounded;
use crate::kernel::error::TraceError;
use crate::kernel::id::{ItemRef, NonConformanceId, RecallId};
use crate::kernel::text::{free_text, identifier};
use crate::model::{BatchParameter, NonConformance, SignedRecord};

/// Validates [`RecordBatchParameter`].
pub(crate) fn record_batch_parameter(
    _ctx: &Context<'_>,
    command: &RecordBatchParameter,
) -> Result<Vec<EventPayload>, TraceError> {
    let RecordBatchParameter {
        work_order,
        name,
        value,
        unit,
        min,
        max,
    } = command;
    let name = identifier("name", name)?;
    free_text("unit", unit)?;
    if let (Some(lo), Some(hi)) = (min, max) {
        if lo > hi {
            return Err(TraceError::invalid(
                "min",
                format!("{lo} is above max {hi}"),
            ));
        }
    }
    Ok(vec![EventPayload::BatchParameterRecorded {
        work_order: work_order.clone(),
        name: name.to_owned(),
        value: *value,
        unit: unit.trim().to_owned(),
        min: *min,
        max: *max,
        within_limits: BatchParameter::within(*value, *min, *max),
    }])
}

/// Validates [`RecordBatchStep`].
pub(crate) fn record_batch_step(
    ctx: &Context<'_>,
    command: &RecordBatchStep,
) -> Result<Vec<EventPayload>, TraceError> {
    let RecordBatchStep {
        work_order,
        step,
        equipment,
        operator,
        performed_on,
        started_at,
        finished_at,
        notes,
    } = command;
    let step = identifier("step", step)?;
    let equipment = equipment
        .as_deref()
        .map(|e| identifier("equipment", e))
        .transpose()?;
    let operator = identifier("operator", operator)?;
    let performed_on = bounded("performed_on", performed_on.unwrap_or(ctx.today))?;
    for (field, at) in [("started_at", started_at), ("finished_at", finished_at)] {
        if let Some(at) = at {
            bounded(field, at.date_naive())?;
        }
    }
    if let (Some(start), Some(finish)) = (started_at, finished_at) {
        if finish < start {
            return Err(TraceError::invalid(
                "finished_at",
                format!("{finish} is before started_at {start}"),
            ));
        }
    }
    free_text("notes", notes)?;
    Ok(vec![EventPayload::BatchStepRecorded {
        work_order: work_order.clone(),
        step: step.to_owned(),
        equipment: equipment.map(str::to_owned),
        operator: operator.to_owned(),
        performed_on,
        started_at: *started_at,
        finished_at: *finished_at,
        notes: notes.clone(),
    }])
}

/// Validates [`SignRecord`]: a known record, a signer, and no signature by the same
/// signer with the same meaning on the same content yet.
pub(crate) fn sign_record(
    ctx: &Context<'_>,
    SignRecord {
        record,
        meaning,
        signer,
    }: &SignRecord,
) -> Result<Vec<EventPayload>, TraceError> {
    let signer = identifier("signer", signer)?;
    let sha256 = ctx
        .state
        .record_digest(record)
        .ok_or_else(|| unknown_record(record))?;
    let twice = ctx.state.signatures().iter().any(|s| {
        &s.record == record && s.meaning == *meaning && s.signer == signer && s.sha256 == sha256
    });
    if twice {
        return Err(duplicate(
            "signature",
            format!("{meaning} by {signer} of {record} as it is"),
        ));
    }
    Ok(vec![EventPayload::RecordSigned {
        record: record.clone(),
        meaning: *meaning,
        signer: signer.to_owned(),
        sha256,
    }])
}

/// Validates [`OpenNonConformance`]: a new number, a description, something it
/// concerns (items, a known work order or recall); with a containment hold, a reason
/// and items.
pub(crate) fn open_nonconformance(
    ctx: &Context<'_>,
    command: &OpenNonConformance,
) -> Result<Vec<EventPayload>, TraceError> {
    let OpenNonConformance {
        id,
        description,
        severity,
        items,
        work_order,
        recall,
        containment_hold,
    } = command;
    if ctx.state.nonconformance(id).is_some() {
        return Err(duplicate("nonconformance", id));
    }
    let description = required_text("description", description)?;
    if items.is_empty() && work_order.is_none() && recall.is_none() {
        return Err(TraceError::invalid(
            "items",
            "a non-conformance concerns lots or serials, a work order or a recall",
        ));
    }
    if let Some(work_order) = work_order {
        if !ctx.state.knows_work_order(work_order) {
            return Err(TraceError::invalid(
                "work_order",
                format!("work order {work_order} has no production or batch record"),
            ));
        }
    }
    if let Some(recall) = recall {
        known_recall(ctx, recall)?;
    }
    let contained = contained_items(ctx, items, *containment_hold)?;
    let mut events = vec![EventPayload::NonConformanceOpened {
        id: id.clone(),
        description,
        severity: *severity,
        items: items.clone(),
        work_order: work_order.clone(),
        recall: recall.clone(),
        contained: contained.clone(),
    }];
    if !contained.is_empty() {
        events.push(EventPayload::HoldPlaced { items: contained });
    }
    Ok(events)
}

/// Checks the items of a non-conformance (known, each once) and returns those its
/// containment holds: with `hold`, every named lot and every named serial in our
/// custody not held yet.
fn contained_items(
    ctx: &Context<'_>,
    items: &[ItemRef],
    hold: bool,
) -> Result<Vec<ItemRef>, TraceError> {
    if hold {
        ctx.require_reason("a containment hold")?;
        if items.is_empty() {
            return Err(TraceError::invalid(
                "items",
                "a containment hold needs lots or serials",
            ));
        }
    }
    let mut seen = HashSet::with_capacity(items.len());
    let mut contained = Vec::new();
    for item in items {
        if !seen.insert(item) {
            return Err(duplicate("item", item));
        }
        let holdable = match ctx.item(item)? {
            Item::Lot(lot) => !lot.on_hold,
            Item::Serial(serial) => !serial.on_hold && serial.in_custody(),
        };
        if hold && holdable {
            contained.push(item.clone());
        }
    }
    Ok(contained)
}

/// Validates [`AddCorrectiveAction`]: a new number, an open non-conformance and a known
/// recall when given, a description, an owner and a due date.
pub(crate) fn add_corrective_action(
    ctx: &Context<'_>,
    command: &AddCorrectiveAction,
) -> Result<Vec<EventPayload>, TraceError> {
    let AddCorrectiveAction {
        id,
        nc,
        recall,
        kind,
        description,
        owner,
        due,
    } = command;
    if ctx.state.capa(id).is_some() {
        return Err(duplicate("capa", id));
    }
    if let Some(nc) = nc {
        if known_nonconformance(ctx, "nc", nc)?.closed.is_some() {
            return Err(TraceError::invalid(
                "nc",
                format!("non-conformance {nc} is closed"),
            ));
        }
    }
    if let Some(recall) = recall {
        known_recall(ctx, recall)?;
    }
    let description = required_text("description", description)?;
    let owner = identifier("owner", owner)?;
    let due = bounded("due", *due)?;
    Ok(vec![EventPayload::CorrectiveActionAdded {
        id: id.clone(),
        nc: nc.clone(),
        recall: recall.clone(),
        kind: *kind,
        description,
        owner: owner.to_owned(),
        due,
    }])
}

/// Validates [`CompleteCorrectiveAction`]: a known CAPA not completed yet, an outcome.
pub(crate) fn complete_corrective_action(
    ctx: &Context<'_>,
    CompleteCorrectiveAction { id, outcome }: &CompleteCorrectiveAction,
) -> Result<Vec<EventPayload>, TraceError> {
    let capa = ctx
        .state
        .capa(id)
        .ok_or_else(|| TraceError::invalid("id", format!("no CAPA {id}")))?;
    if capa.completed.is_some() {
        return Err(TraceError::invalid(
            "id",
            format!("CAPA {id} is already completed"),
        ));
    }
    Ok(vec![EventPayload::CorrectiveActionCompleted {
        id: id.clone(),
        outcome: required_text("outcome", outcome)?,
    }])
}

/// Validates [`CloseNonConformance`]: a known open non-conformance whose CAPAs are all
/// completed, a resolution.
pub(crate) fn close_nonconformance(
    ctx: &Context<'_>,
    CloseNonConformance { id, resolution }: &CloseNonConformance,
) -> Result<Vec<EventPayload>, TraceError> {
    if known_nonconformance(ctx, "id", id)?.closed.is_some() {
        return Err(TraceError::invalid(
            "id",
            format!("non-conformance {id} is already closed"),
        ));
    }
    let open: Vec<String> = ctx
        .state
        .capas_of_nonconformance(id)
        .filter(|c| c.completed.is_none())
        .map(|c| c.id.to_string())
        .collect();
    if !open.is_empty() {
        return Err(TraceError::invalid(
            "id",
            format!("non-conformance {id} has open CAPAs: {}", open.join(", ")),
        ));
    }
    Ok(vec![EventPayload::NonConformanceClosed {
        id: id.clone(),
        resolution: required_text("resolution", resolution)?,
    }])
}

/// Free text that must not be blank, trimmed.
fn required_text(field: &'static str, text: &str) -> Result<String, TraceError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(TraceError::invalid(field, "must not be empty"));
    }
    free_text(field, text)?;
    Ok(text.to_owned())
}

fn known_nonconformance<'a>(
    ctx: &Context<'a>,
    field: &'static str,
    id: &NonConformanceId,
) -> Result<&'a NonConformance, TraceError> {
    ctx.state
        .nonconformance(id)
        .ok_or_else(|| TraceError::invalid(field, format!("no non-conformance {id}")))
}

fn known_recall(ctx: &Context<'_>, recall: &RecallId) -> Result<(), TraceError> {
    match ctx.state.recall(recall) {
        Some(_) => Ok(()),
        None => Err(TraceError::invalid("recall", format!("no recall {recall}"))),
    }
}

fn unknown_record(record: &SignedRecord) -> TraceError {
    let what = match record {
        SignedRecord::BatchRecord(work_order) => {
            format!("work order {work_order} has no production or batch record")
        }
        SignedRecord::NonConformance(id) => format!("no non-conformance {id}"),
        SignedRecord::Capa(id) => format!("no CAPA {id}"),
    };
    TraceError::invalid("record", what)
}
