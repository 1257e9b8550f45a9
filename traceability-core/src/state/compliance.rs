//! Applying compliance events (batch record entries, signatures, non-conformances,
//! CAPAs), reading them, and the content a signature binds: the SHA-256 of a record's
//! canonical JSON ([`State::record_digest`]).
//!
//! **Canonical JSON.** `{"content": <record>, "record": {"id": .., "kind": ..}}` with
//! the keys of every object sorted (by their UTF-8 bytes), no white space, strings
//! escaped as `serde_json` writes them; numbers are integers, quantities and dates
//! strings. The content of a batch record is its parameters and steps, what its
//! productions consumed and produced (with each production's reversal flag), and the
//! test results and certificates of the lots it produced; of a non-conformance or CAPA,
//! the record as [`State::nonconformance`] / [`State::capa`] return it (closure or
//! completion included). Signatures are not part of the content they sign.

use foldhash::HashMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::genealogy::{Direction, TraceScratch};
use super::{corrupt, ItemIdx, State};
use crate::event::{EventBody, EventPayload as E};
use crate::kernel::error::TraceError;
use crate::kernel::id::{CapaId, ItemRef, LotKey, NonConformanceId, RecallId, WorkOrderId};
use crate::model::{
    BatchParameter, BatchStep, Certificate, CorrectiveAction, MaterialLine, NonConformance, Origin,
    Resolution, Signature, SignedRecord, Stamp, TestResult,
};

/// The compliance records of the state.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Compliance {
    /// Per work order: its batch record entries.
    batches: HashMap<WorkOrderId, BatchEntries>,
    /// Every signature, in signing order.
    signatures: Vec<Signature>,
    /// Non-conformances in opening order, and their positions by number.
    nonconformances: Vec<NonConformance>,
    nc_index: HashMap<NonConformanceId, u32>,
    /// CAPAs in order of addition, and their positions by number.
    capas: Vec<CorrectiveAction>,
    capa_index: HashMap<CapaId, u32>,
}

/// The parameters and steps recorded for one work order, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
struct BatchEntries {
    parameters: Vec<BatchParameter>,
    steps: Vec<BatchStep>,
}

/// The test results and certificates of one lot a work order produced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct ProducedLotQuality<'a> {
    pub(crate) lot: LotKey,
    pub(crate) tests: &'a [TestResult],
    pub(crate) certificates: &'a [Certificate],
}

/// What a work order's batch record holds, as signatures bind it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct BatchContent<'a> {
    pub(crate) work_order: &'a WorkOrderId,
    pub(crate) parameters: &'a [BatchParameter],
    pub(crate) steps: &'a [BatchStep],
    pub(crate) consumed: Vec<MaterialLine>,
    pub(crate) produced: Vec<MaterialLine>,
    pub(crate) quality: Vec<ProducedLotQuality<'a>>,
}

impl State {
    /// Applies a compliance event; `body` gives who and when to the records.
    pub(super) fn apply_compliance(
        &mut self,
        seq: u64,
        payload: &E,
        body: &EventBody,
    ) -> Result<(), TraceError> {
        let stamp = Stamp {
            seq,
            at: body.recorded_at,
            by: body.actor.to_string(),
        };
        match payload {
            E::BatchParameterRecorded {
                work_order,
                name,
                value,
                unit,
                min,
                max,
                within_limits,
            } => self
                .batch_entries(work_order)
                .parameters
                .push(BatchParameter {
                    name: name.clone(),
                    value: *value,
                    unit: unit.clone(),
                    min: *min,
                    max: *max,
                    within_limits: *within_limits,
                    recorded: stamp,
                }),
            E::BatchStepRecorded {
                work_order,
                step,
                equipment,
                operator,
                performed_on,
                started_at,
                finished_at,
                notes,
            } => self.batch_entries(work_order).steps.push(BatchStep {
                step: step.clone(),
                equipment: equipment.clone(),
                operator: operator.clone(),
                performed_on: *performed_on,
                started_at: *started_at,
                finished_at: *finished_at,
                notes: notes.clone(),
                recorded: stamp,
            }),
            E::RecordSigned {
                record,
                meaning,
                signer,
                sha256,
            } => self.compliance.signatures.push(Signature {
                record: record.clone(),
                meaning: *meaning,
                signer: signer.clone(),
                reason: body.reason.as_deref().unwrap_or_default().to_owned(),
                sha256: sha256.clone(),
                signed: stamp,
            }),
            E::NonConformanceOpened { .. } => return self.open_nonconformance(payload, stamp),
            E::CorrectiveActionAdded { .. } => return self.add_capa(payload, stamp),
            E::CorrectiveActionCompleted { id, outcome } => {
                let at = self.capa_position(id)?;
                self.compliance.capas[at].completed = Some(Resolution {
                    text: outcome.clone(),
                    recorded: stamp,
                });
            }
            E::NonConformanceClosed { id, resolution } => {
                let at = self.nc_position(id)?;
                self.compliance.nonconformances[at].closed = Some(Resolution {
                    text: resolution.clone(),
                    recorded: stamp,
                });
            }
            _ => return Err(corrupt("a compliance event")),
        }
        Ok(())
    }

    fn batch_entries(&mut self, work_order: &WorkOrderId) -> &mut BatchEntries {
        self.compliance
            .batches
            .entry(work_order.clone())
            .or_default()
    }

    fn open_nonconformance(&mut self, payload: &E, stamp: Stamp) -> Result<(), TraceError> {
        let E::NonConformanceOpened {
            id,
            description,
            severity,
            items,
            work_order,
            recall,
            contained,
        } = payload
        else {
            return Err(corrupt("a non-conformance event"));
        };
        // The non-conformance belongs to the history of every lot and serial it names.
        for item in items {
            let idx = self.resolve_or_corrupt(item)?;
            self.touch(stamp.seq, idx);
        }
        let at = u32::try_from(self.compliance.nonconformances.len())
            .map_err(|_| corrupt("too many non-conformances"))?;
        self.compliance.nc_index.insert(id.clone(), at);
        self.compliance.nonconformances.push(NonConformance {
            id: id.clone(),
            description: description.clone(),
            severity: *severity,
            items: items.clone(),
            work_order: work_order.clone(),
            recall: recall.clone(),
            contained: contained.clone(),
            opened: stamp,
            closed: None,
        });
        Ok(())
    }

    fn add_capa(&mut self, payload: &E, stamp: Stamp) -> Result<(), TraceError> {
        let E::CorrectiveActionAdded {
            id,
            nc,
            recall,
            kind,
            description,
            owner,
            due,
        } = payload
        else {
            return Err(corrupt("a CAPA event"));
        };
        let at =
            u32::try_from(self.compliance.capas.len()).map_err(|_| corrupt("too many CAPAs"))?;
        self.compliance.capa_index.insert(id.clone(), at);
        self.compliance.capas.push(CorrectiveAction {
            id: id.clone(),
            nc: nc.clone(),
            recall: recall.clone(),
            kind: *kind,
            description: description.clone(),
            owner: owner.clone(),
            due: *due,
            opened: stamp,
            completed: None,
        });
        Ok(())
    }

    fn nc_position(&self, id: &NonConformanceId) -> Result<usize, TraceError> {
        self.compliance
            .nc_index
            .get(id)
            .map(|&at| at as usize)
            .ok_or_else(|| corrupt(id))
    }

    fn capa_position(&self, id: &CapaId) -> Result<usize, TraceError> {
        self.compliance
            .capa_index
            .get(id)
            .map(|&at| at as usize)
            .ok_or_else(|| corrupt(id))
    }

    /// The process parameters recorded for a work order, oldest first.
    ///
    /// ```
    /// use traceability_core::{State, WorkOrderId};
    /// assert!(State::default().batch_parameters(&WorkOrderId::new("WO-1").unwrap()).is_empty());
    /// ```
    pub fn batch_parameters(&self, work_order: &WorkOrderId) -> &[BatchParameter] {
        self.compliance
            .batches
            .get(work_order)
            .map_or(&[], |b| b.parameters.as_slice())
    }

    /// The steps recorded for a work order, oldest first.
    pub fn batch_steps(&self, work_order: &WorkOrderId) -> &[BatchStep] {
        self.compliance
            .batches
            .get(work_order)
            .map_or(&[], |b| b.steps.as_slice())
    }

    /// Whether a work order has produced or has batch record entries.
    pub fn knows_work_order(&self, work_order: &WorkOrderId) -> bool {
        self.latest_production_of(work_order).is_some()
            || self.compliance.batches.contains_key(work_order)
    }

    /// Every signature, in signing order.
    pub fn signatures(&self) -> &[Signature] {
        &self.compliance.signatures
    }

    /// Every non-conformance, in opening order.
    pub fn nonconformances(&self) -> &[NonConformance] {
        &self.compliance.nonconformances
    }

    /// A non-conformance by number.
    pub fn nonconformance(&self, id: &NonConformanceId) -> Option<&NonConformance> {
        let at = *self.compliance.nc_index.get(id)?;
        self.compliance.nonconformances.get(at as usize)
    }

    /// Every CAPA, in order of addition.
    pub fn capas(&self) -> &[CorrectiveAction] {
        &self.compliance.capas
    }

    /// A CAPA by number.
    pub fn capa(&self, id: &CapaId) -> Option<&CorrectiveAction> {
        let at = *self.compliance.capa_index.get(id)?;
        self.compliance.capas.get(at as usize)
    }

    /// The CAPAs of a non-conformance, in order of addition.
    pub fn capas_of_nonconformance<'a>(
        &'a self,
        id: &'a NonConformanceId,
    ) -> impl Iterator<Item = &'a CorrectiveAction> + 'a {
        self.capas()
            .iter()
            .filter(move |c| c.nc.as_ref() == Some(id))
    }

    /// The CAPAs resolving a recall, in order of addition.
    pub fn capas_of_recall<'a>(
        &'a self,
        id: &'a RecallId,
    ) -> impl Iterator<Item = &'a CorrectiveAction> + 'a {
        self.capas()
            .iter()
            .filter(move |c| c.recall.as_ref() == Some(id))
    }

    /// What a work order's batch record holds (see the module docs), or `None` for a
    /// work order without production or entries.
    pub(crate) fn batch_content<'a>(
        &'a self,
        work_order: &'a WorkOrderId,
    ) -> Option<BatchContent<'a>> {
        if !self.knows_work_order(work_order) {
            return None;
        }
        let (mut consumed, mut produced) = (Vec::new(), Vec::new());
        for record in self.productions_of(work_order) {
            let line = |(idx, location, quantity): &super::production::Posting| MaterialLine {
                item: self.item_ref(*idx),
                location: location.clone(),
                quantity: *quantity,
                reversed: record.reversed,
            };
            consumed.extend(self.consumed_by(record).iter().map(line));
            produced.extend(self.outputs_of(record).iter().map(line));
        }
        let mut quality: Vec<ProducedLotQuality<'a>> = Vec::new();
        for line in &produced {
            let ItemRef::Lot { product, lot } = &line.item else {
                continue;
            };
            let Some(i) = self.lot_idx(product, lot) else {
                continue;
            };
            if quality
                .iter()
                .any(|q| &q.lot.product == product && &q.lot.lot == lot)
            {
                continue;
            }
            let records = self.quality_of(i);
            quality.push(ProducedLotQuality {
                lot: LotKey {
                    product: product.clone(),
                    lot: lot.clone(),
                },
                tests: records.map_or(&[], |q| q.tests.as_slice()),
                certificates: records.map_or(&[], |q| q.certificates.as_slice()),
            });
        }
        Some(BatchContent {
            work_order,
            parameters: self.batch_parameters(work_order),
            steps: self.batch_steps(work_order),
            consumed,
            produced,
            quality,
        })
    }

    /// The work orders whose batch records document a lot or serial: the one that made
    /// it (its origin; a lot split from a produced lot keeps it), then those that
    /// produced into it (rework, blending), each once.
    pub(crate) fn work_orders_of(&self, item: ItemIdx) -> Vec<WorkOrderId> {
        let origin = match item {
            ItemIdx::Lot(i) => &self.lot_at(i).origin,
            ItemIdx::Serial(i) => &self.serial_at(i).origin,
        };
        let mut found = Vec::new();
        if let Origin::Produced { work_order } = origin {
            found.push(work_order.clone());
        }
        let mut scratch = TraceScratch::default();
        self.genealogy
            .walk(&[item], Direction::Incoming, &mut scratch);
        let genealogy = &self.genealogy;
        for (_, to, consumption) in genealogy.walked_edges(&scratch, Direction::Incoming) {
            let Some(work_order) = genealogy.work_order(consumption.work_order) else {
                continue;
            };
            // Only the edges into the item itself, made by a production (not a split,
            // merge or unbuild).
            if to == 0
                && !found.contains(work_order)
                && self.production_of(work_order, item).is_some()
            {
                found.push(work_order.clone());
            }
        }
        found
    }

    /// The SHA-256 (64 lower-case hex digits) of the canonical JSON of a record's
    /// current content (see the module docs), or `None` when there is no such record.
    pub(crate) fn record_digest(&self, record: &SignedRecord) -> Option<String> {
        let content = match record {
            SignedRecord::BatchRecord(work_order) => {
                serde_json::to_value(self.batch_content(work_order)?)
            }
            SignedRecord::NonConformance(id) => serde_json::to_value(self.nonconformance(id)?),
            SignedRecord::Capa(id) => serde_json::to_value(self.capa(id)?),
        };
        // Serialising these types to a JSON value cannot fail (no maps with non-text
        // keys); were it to, no digest would match and every signature would show
        // invalid rather than wrongly valid.
        let content = content.unwrap_or(Value::Null);
        let record = serde_json::to_value(record).unwrap_or(Value::Null);
        let mut text = String::new();
        canonical(
            &Value::Object(
                [("content".into(), content), ("record".into(), record)]
                    .into_iter()
                    .collect(),
            ),
            &mut text,
        );
        Some(hex::encode(Sha256::digest(text.as_bytes())))
    }
}

/// `value` as canonical JSON: object keys sorted, no white space.
fn canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (n, (key, item)) in entries.into_iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                canonical(item, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::canonical;

    #[test]
    fn canonical_json_sorts_keys_at_every_level_and_has_no_white_space() {
        let value = serde_json::json!({"b": [1, {"z": "x y", "a": null}], "a": true});
        let mut text = String::new();
        canonical(&value, &mut text);
        assert_eq!(text, r#"{"a":true,"b":[1,{"a":null,"z":"x y"}]}"#);
    }
}
