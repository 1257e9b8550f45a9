//! Applying quality records: test results, certificates and status decisions.

use super::{ItemIdx, State};
use crate::kernel::error::TraceError;
use crate::kernel::id::{LotNumber, ProductId};
use crate::model::{Certificate, LotQuality, QualityDecision, QualityStatus, TestResult};

impl State {
    fn quality_record(
        &mut self,
        seq: u64,
        product: &ProductId,
        lot: &LotNumber,
    ) -> Result<(u32, &mut LotQuality), TraceError> {
        let i = self.lot_or_corrupt(product, lot)?;
        self.touch(seq, ItemIdx::Lot(i));
        Ok((i, self.quality.entry(i).or_default()))
    }

    pub(super) fn record_test(
        &mut self,
        seq: u64,
        product: &ProductId,
        lot: &LotNumber,
        result: &TestResult,
    ) -> Result<(), TraceError> {
        self.quality_record(seq, product, lot)?
            .1
            .tests
            .push(result.clone());
        Ok(())
    }

    pub(super) fn link_certificate(
        &mut self,
        seq: u64,
        product: &ProductId,
        lot: &LotNumber,
        certificate: &Certificate,
    ) -> Result<(), TraceError> {
        self.quality_record(seq, product, lot)?
            .1
            .certificates
            .push(certificate.clone());
        Ok(())
    }

    pub(super) fn set_quality(
        &mut self,
        seq: u64,
        product: &ProductId,
        lot: &LotNumber,
        status: QualityStatus,
        reason: &str,
    ) -> Result<(), TraceError> {
        let (i, record) = self.quality_record(seq, product, lot)?;
        record.decisions.push(QualityDecision {
            status,
            reason: reason.to_owned(),
            seq,
        });
        self.lots[i as usize].quality = status;
        Ok(())
    }
}
