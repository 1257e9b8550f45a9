//! The tracker's commands that also return a result (an allocation, a recall report)
//! and its history queries, which read the event log.

use crate::capability::orders::{plan, Allocation};
use crate::command::{AllocationRequest, Command, Recall};
use crate::engine::tracker::{Committed, Tracker};
use crate::event::EventPayload;
use crate::kernel::error::TraceError;
use crate::kernel::id::{ItemRef, LotNumber, ProductId, SerialNumber};
use crate::model::IssuedNumber;
use crate::query::reports::{movements_of, Movement};
use crate::query::trace::{recall_report, RecallReport};

impl Tracker {
    /// Allocates stock by [`Command::AllocateStock`] and returns what was reserved.
    /// On any error nothing changes. See [`crate::capability::orders`] for the rules.
    ///
    /// ```
    /// use traceability_core::*;
    /// use traceability_core::{AllocationRequest, Strategy};
    /// let mut t = Tracker::in_memory();
    /// let req = AllocationRequest::new(ProductId::new("X").unwrap(), Quantity::ONE,
    ///     OrderId::new("SO1").unwrap(), Strategy::Fefo);
    /// assert_eq!(t.allocate("ana", None, &req).unwrap_err().kind(), ErrorKind::UnknownProduct);
    /// ```
    pub fn allocate(
        &mut self,
        actor: &str,
        reason: Option<&str>,
        request: &AllocationRequest,
    ) -> Result<Allocation, TraceError> {
        let command = Command::AllocateStock(request.clone());
        self.execute_planned(actor, reason, &command, |ctx| {
            let allocation = plan(ctx.state, ctx.today, request)?;
            let mut events = allocation.events(request);
            events.extend(ctx.state.activity_events(&events));
            Ok((events, allocation))
        })
        .map(|(_, allocation)| allocation)
    }

    /// A recall of `suspects`: the union of their forward traces, per customer and per
    /// location, recorded as a recall (see [`Self::recall_as`]). With `hold`, the same
    /// event puts every affected lot and every affected serial still in our custody on
    /// hold (those already held are skipped); held stock can then not be allocated, picked,
    /// shipped or consumed until a [`Command::ReleaseHold`].
    ///
    /// ```
    /// use traceability_core::*;
    /// # fn main() -> Result<(), TraceError> {
    /// let mut t = Tracker::in_memory();
    /// t.execute("ana", None, &Command::RegisterProduct(Product::new(ProductId::new("MILK")?, Tracking::Lot)))?;
    /// t.execute("ana", None, &Command::RegisterLocation(Location {
    ///     id: LocationId::new("WH")?, kind: LocationKind::Internal, description: String::new(), gln: None, party: None }))?;
    /// t.execute("ana", None, &Command::ReceiveLot(ReceiveLot { spec: LotSpec::new(ProductId::new("MILK")?, LotNumber::new("L1")?),
    ///     quantity: Quantity::TEN, location: LocationId::new("WH")?, supplier: None, received_on: None, reference: None }))?;
    /// let report = t.recall("qa", "listeria", &[ItemRef::lot("MILK", "L1")?], true)?;
    /// assert_eq!(report.held.len(), 1);
    /// assert!(t.state().lot(&ProductId::new("MILK")?, &LotNumber::new("L1")?).unwrap().on_hold);
    /// # Ok(()) }
    /// ```
    pub fn recall(
        &mut self,
        actor: &str,
        reason: &str,
        suspects: &[ItemRef],
        hold: bool,
    ) -> Result<RecallReport, TraceError> {
        self.recall_as(actor, reason, None, suspects, hold)
    }

    /// [`Self::recall`] under a recall number of the caller's (`None`: the next free
    /// `RC-000001`, `RC-000002`, ...). The recall is recorded as one
    /// [`crate::EventPayload::Recalled`] event, held or not, and kept in
    /// [`crate::State::recalls`].
    pub fn recall_as(
        &mut self,
        actor: &str,
        reason: &str,
        recall: Option<crate::kernel::id::RecallId>,
        suspects: &[ItemRef],
        hold: bool,
    ) -> Result<RecallReport, TraceError> {
        let command = Command::Recall(Recall {
            recall,
            suspects: suspects.to_vec(),
            hold,
        });
        let committed = self.execute(actor, Some(reason), &command)?;
        let record = self
            .state()
            .recalls()
            .iter()
            .rev()
            .find(|r| r.seq == committed.first_seq)
            .cloned()
            .ok_or_else(|| TraceError::storage("the recall was not recorded"))?;
        let mut report = recall_report(self.state(), &record.suspects)?;
        report.hold_seq = (!record.held.is_empty()).then_some(record.seq);
        report.recall = Some(record.recall);
        report.seq = Some(record.seq);
        report.reason = Some(record.reason);
        report.held = record.held;
        Ok(report)
    }

    /// The history of a lot or serial as movements (receipt → moves → allocation →
    /// pick → shipment, with locations and quantities), oldest first.
    ///
    /// ```
    /// use traceability_core::*;
    /// let t = Tracker::in_memory();
    /// let e = t.movements(&ItemRef::serial("PUMP", "SN1").unwrap()).unwrap_err();
    /// assert_eq!(e.kind(), ErrorKind::UnknownSerial);
    /// ```
    pub fn movements(&self, item: &ItemRef) -> Result<Vec<Movement>, TraceError> {
        Ok(self
            .history(item)?
            .iter()
            .flat_map(|e| movements_of(item, e))
            .collect())
    }

    /// The history of a serial: [`Self::movements`] of that serial.
    pub fn serial_history(
        &self,
        product: &ProductId,
        serial: &SerialNumber,
    ) -> Result<Vec<Movement>, TraceError> {
        self.movements(&ItemRef::Serial {
            product: product.clone(),
            serial: serial.clone(),
        })
    }

    /// The movement history of a lot: [`Self::movements`] of that lot.
    pub fn lot_movements(
        &self,
        product: &ProductId,
        lot: &LotNumber,
    ) -> Result<Vec<Movement>, TraceError> {
        self.movements(&ItemRef::Lot {
            product: product.clone(),
            lot: lot.clone(),
        })
    }

    /// The numbers a committed command or batch drew from numbering schemes: receipts
    /// and production given no number, and [`Command::IssueNumbers`].
    ///
    /// ```
    /// use traceability_core::*;
    /// # fn main() -> Result<(), TraceError> {
    /// let mut t = Tracker::in_memory();
    /// let mut milk = Product::new(ProductId::new("MILK")?, Tracking::Lot);
    /// milk.numbering_pattern = Some("M{SEQ:4}".into());
    /// t.execute("ana", None, &Command::RegisterProduct(milk))?;
    /// let issued = t.execute("ana", None, &Command::IssueNumbers(IssueNumbers {
    ///     product: ProductId::new("MILK")?, count: 2, date: None, location: None }))?;
    /// let numbers: Vec<_> = t.issued_numbers(issued)?.into_iter().map(|n| n.number).collect();
    /// assert_eq!(numbers, ["M0001", "M0002"]);
    /// # Ok(()) }
    /// ```
    pub fn issued_numbers(&self, committed: Committed) -> Result<Vec<IssuedNumber>, TraceError> {
        let end = committed
            .first_seq
            .saturating_add(committed.count)
            .min(self.head().0);
        let events = self.read_seqs(committed.first_seq..end)?;
        Ok(events
            .into_iter()
            .filter_map(|event| match event.body.payload {
                EventPayload::NumbersIssued {
                    product,
                    owner,
                    numbers,
                    ..
                } => Some(numbers.into_iter().map(move |number| IssuedNumber {
                    product: product.clone(),
                    number,
                    owner: owner.clone(),
                })),
                _ => None,
            })
            .flatten()
            .collect())
    }
}
