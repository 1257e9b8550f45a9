//! Applying recall holds, their release, and recall records.

use super::{ItemIdx, State};
use crate::event::EventBody;
use crate::kernel::error::TraceError;
use crate::kernel::id::{ItemRef, RecallId};
use crate::model::RecallRecord;

impl State {
    pub(super) fn set_hold(
        &mut self,
        seq: u64,
        items: &[ItemRef],
        hold: bool,
    ) -> Result<(), TraceError> {
        for item in items {
            let idx = self.resolve_or_corrupt(item)?;
            match idx {
                ItemIdx::Lot(i) => self.lots[i as usize].on_hold = hold,
                ItemIdx::Serial(i) => self.serials[i as usize].on_hold = hold,
            }
            self.touch(seq, idx);
        }
        Ok(())
    }

    /// Records a recall (who, when and why from its event's body) and holds what it
    /// held.
    pub(super) fn record_recall(
        &mut self,
        seq: u64,
        body: &EventBody,
        recall: &RecallId,
        suspects: &[ItemRef],
        affected: &[ItemRef],
        held: &[ItemRef],
    ) -> Result<(), TraceError> {
        self.set_hold(seq, held, true)?;
        // The recall belongs to the history of every lot and serial it names.
        for item in affected {
            let idx = self.resolve_or_corrupt(item)?;
            self.touch(seq, idx);
        }
        self.recalls.push(RecallRecord {
            recall: recall.clone(),
            seq,
            recorded_at: body.recorded_at,
            actor: body.actor.to_string(),
            reason: body.reason.as_deref().unwrap_or_default().to_owned(),
            suspects: suspects.to_vec(),
            affected: affected.to_vec(),
            held: held.to_vec(),
        });
        Ok(())
    }
}
