//! Applying the after-sale records: warranty terms, installations, service records
//! (a fitted component leaves stock and becomes a genealogy parent of the serial, under
//! the operation `SERVICE-<seq>`), claims, campaigns, and return authorisations with
//! what was received, inspected and disposed of.

use chrono::NaiveDate;
use foldhash::HashMap;
use serde::{Deserialize, Serialize};

use super::{corrupt, ItemIdx, State};
use crate::command::Line;
use crate::event::{EventBody, EventPayload as E};
use crate::kernel::error::TraceError;
use crate::kernel::id::{
    CampaignId, ClaimId, ItemRef, LocationId, PartyId, ProductId, ReturnId, SerialNumber,
    WorkOrderId,
};
use crate::kernel::vocab::SerialStatus;
use crate::model::{
    Campaign, CampaignStatus, Claim, ClaimStatus, Disposition, ReturnAuthorization, ReturnReason,
    ServiceRecord, WarrantyStart, WarrantyStatus, WarrantyTerms,
};

/// The after-sale records, by product, serial index and number.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct ServiceBook {
    warranties: HashMap<ProductId, WarrantyTerms>,
    /// Per serial index: installation date and end customer.
    #[serde(with = "super::snapshot::exact_map")]
    installations: HashMap<u32, (NaiveDate, Option<PartyId>)>,
    /// Per serial index: (event seq, record), oldest first.
    #[serde(with = "super::snapshot::exact_map")]
    records: HashMap<u32, Vec<(u64, ServiceRecord)>>,
    claims: Vec<Claim>,
    claim_index: HashMap<ClaimId, u32>,
    campaigns: Vec<Campaign>,
    campaign_index: HashMap<CampaignId, u32>,
    reasons: Vec<ReturnReason>,
    returns: Vec<ReturnAuthorization>,
    return_index: HashMap<ReturnId, u32>,
}

impl State {
    /// A product's warranty terms.
    pub fn warranty(&self, product: &ProductId) -> Option<&WarrantyTerms> {
        self.service.warranties.get(product)
    }

    /// A serial's installation date and end customer.
    pub(crate) fn installation(&self, serial: u32) -> Option<&(NaiveDate, Option<PartyId>)> {
        self.service.installations.get(&serial)
    }

    /// A serial's service records with the seq of their events, oldest first.
    pub(crate) fn service_records(&self, serial: u32) -> &[(u64, ServiceRecord)] {
        self.service.records.get(&serial).map_or(&[], Vec::as_slice)
    }

    /// A claim by number.
    pub fn claim(&self, id: &ClaimId) -> Option<&Claim> {
        let i = *self.service.claim_index.get(id)?;
        self.service.claims.get(i as usize)
    }

    /// Every claim, in opening order.
    pub fn claims(&self) -> &[Claim] {
        &self.service.claims
    }

    /// A campaign by number.
    pub fn campaign(&self, id: &CampaignId) -> Option<&Campaign> {
        let i = *self.service.campaign_index.get(id)?;
        self.service.campaigns.get(i as usize)
    }

    /// Every campaign, in starting order.
    pub fn campaigns(&self) -> &[Campaign] {
        &self.service.campaigns
    }

    /// The configured return reasons.
    pub fn return_reasons(&self) -> &[ReturnReason] {
        &self.service.reasons
    }

    /// A return authorisation by RMA number.
    pub fn return_authorization(&self, rma: &ReturnId) -> Option<&ReturnAuthorization> {
        let i = *self.service.return_index.get(rma)?;
        self.service.returns.get(i as usize)
    }

    /// Every return authorisation, in order.
    pub fn return_authorizations(&self) -> &[ReturnAuthorization] {
        &self.service.returns
    }

    /// The latest shipment of an item that was not reversed: (ship date, customer).
    pub(crate) fn last_shipment(&self, idx: ItemIdx) -> Option<(NaiveDate, &PartyId)> {
        self.genealogy
            .shipment_lines(idx)
            .filter(|&(s, _)| !self.shipments[s as usize].reversed)
            .last()
            .map(|(s, _)| {
                let customer = &self.party_at(self.shipment_customer(s)).id;
                (self.shipments[s as usize].shipped_on, customer)
            })
    }

    /// Whether a serial is in warranty on `on`: from its shipment or installation date
    /// for the product's months (the last day is the day before the same date that many
    /// months later), within its usage limit. Unknown serial:
    /// [`TraceError::UnknownSerial`].
    pub fn warranty_status(
        &self,
        product: &ProductId,
        serial: &SerialNumber,
        on: NaiveDate,
    ) -> Result<WarrantyStatus, TraceError> {
        let item = ItemRef::Serial {
            product: product.clone(),
            serial: serial.clone(),
        };
        let ItemIdx::Serial(i) = self.require(&item)? else {
            return Err(TraceError::unknown_item(&item));
        };
        let shipped = self.last_shipment(ItemIdx::Serial(i));
        let installed = self.installation(i);
        let usage = self
            .service_records(i)
            .iter()
            .rev()
            .find_map(|(_, r)| r.usage);
        let mut status = WarrantyStatus {
            product: product.clone(),
            serial: serial.clone(),
            on,
            in_warranty: false,
            starts_on: None,
            ends_on: None,
            customer: installed
                .and_then(|(_, c)| c.clone())
                .or_else(|| shipped.map(|(_, c)| c.clone())),
            usage,
            reason: String::new(),
        };
        let Some(terms) = self.warranty(product) else {
            status.reason = format!("no warranty terms for {product}");
            return Ok(status);
        };
        let start = match terms.starts {
            WarrantyStart::Shipment => shipped.map(|(d, _)| d),
            WarrantyStart::Installation => installed.map(|(d, _)| *d).or(shipped.map(|(d, _)| d)),
        };
        let Some(start) = start else {
            status.reason = "not shipped or installed yet".into();
            return Ok(status);
        };
        let end = start
            .checked_add_months(chrono::Months::new(terms.months))
            .and_then(|d| d.pred_opt())
            .unwrap_or(NaiveDate::MAX);
        status.starts_on = Some(start);
        status.ends_on = Some(end);
        status.reason = match (terms.usage_limit, usage) {
            _ if on < start => format!("the warranty starts on {start}"),
            _ if on > end => format!("ended on {end}"),
            (Some(limit), Some(used)) if used > limit => {
                format!("usage {used} over the limit {limit}")
            }
            _ => {
                status.in_warranty = true;
                format!("in warranty until {end}")
            }
        };
        Ok(status)
    }

    /// Applies one after-sale event.
    pub(super) fn apply_service(
        &mut self,
        seq: u64,
        payload: &E,
        body: &EventBody,
    ) -> Result<(), TraceError> {
        let book = &mut self.service;
        match payload {
            E::WarrantyDefined(terms) => {
                book.warranties.insert(terms.product.clone(), terms.clone());
            }
            E::Installed {
                product,
                serial,
                installed_on,
                customer,
            } => {
                let idx = self.serial_or_corrupt(product, serial)?;
                let ItemIdx::Serial(i) = idx else {
                    return Err(corrupt(serial));
                };
                self.service
                    .installations
                    .insert(i, (*installed_on, customer.clone()));
                self.touch(seq, idx);
            }
            E::Serviced {
                product,
                serial,
                record,
            } => self.serviced(seq, product, serial, record)?,
            E::ClaimOpened(claim) => {
                let idx = self.serial_or_corrupt(&claim.product, &claim.serial)?;
                let book = &mut self.service;
                book.claim_index
                    .insert(claim.claim.clone(), book.claims.len() as u32);
                book.claims.push(claim.clone());
                self.touch(seq, idx);
            }
            E::ClaimDecided {
                claim,
                approved,
                amount,
            } => {
                let found = self.claim_mut(claim)?;
                found.status = if *approved {
                    ClaimStatus::Approved
                } else {
                    ClaimStatus::Rejected
                };
                found.approved_amount = *amount;
                found.decision = body.reason.as_deref().map(str::to_owned);
            }
            E::ClaimClosed { claim } => self.claim_mut(claim)?.status = ClaimStatus::Closed,
            E::CampaignStarted(campaign) => {
                book.campaign_index
                    .insert(campaign.campaign.clone(), book.campaigns.len() as u32);
                book.campaigns.push(campaign.clone());
            }
            E::CampaignUpdated {
                campaign,
                item,
                status,
            } => {
                let i = *book
                    .campaign_index
                    .get(campaign)
                    .ok_or_else(|| corrupt(campaign))?;
                let row = book.campaigns[i as usize]
                    .serials
                    .iter_mut()
                    .find(|s| &s.item == item)
                    .ok_or_else(|| corrupt(item))?;
                row.status = *status;
            }
            _ => return self.apply_return(seq, payload),
        }
        Ok(())
    }

    fn serial_or_corrupt(
        &self,
        product: &ProductId,
        serial: &SerialNumber,
    ) -> Result<ItemIdx, TraceError> {
        self.resolve_or_corrupt(&ItemRef::Serial {
            product: product.clone(),
            serial: serial.clone(),
        })
    }

    fn claim_mut(&mut self, claim: &ClaimId) -> Result<&mut Claim, TraceError> {
        let i = *self
            .service
            .claim_index
            .get(claim)
            .ok_or_else(|| corrupt(claim))?;
        Ok(&mut self.service.claims[i as usize])
    }

    fn serviced(
        &mut self,
        seq: u64,
        product: &ProductId,
        serial: &SerialNumber,
        record: &ServiceRecord,
    ) -> Result<(), TraceError> {
        let idx = self.serial_or_corrupt(product, serial)?;
        let ItemIdx::Serial(i) = idx else {
            return Err(corrupt(serial));
        };
        if let Some(fitted) = &record.fitted {
            let line = Line {
                item: fitted.item.clone(),
                location: fitted.location.clone(),
                quantity: fitted.quantity,
            };
            let part = self.put_or_take(seq, &line, false, SerialStatus::Consumed)?;
            let operation =
                WorkOrderId::new(format!("SERVICE-{seq}")).map_err(|_| corrupt("SERVICE"))?;
            self.genealogy
                .record_production(&operation, &[(part, fitted.quantity)], &[idx]);
        }
        self.service
            .records
            .entry(i)
            .or_default()
            .push((seq, record.clone()));
        self.touch(seq, idx);
        Ok(())
    }

    /// Applies one return-authorisation event.
    fn apply_return(&mut self, seq: u64, payload: &E) -> Result<(), TraceError> {
        match payload {
            E::ReturnReasonDefined(reason) => {
                let reasons = &mut self.service.reasons;
                match reasons.iter_mut().find(|r| r.code == reason.code) {
                    Some(known) => *known = reason.clone(),
                    None => reasons.push(reason.clone()),
                }
            }
            E::ReturnAuthorized(rma) => {
                let book = &mut self.service;
                book.return_index
                    .insert(rma.rma.clone(), book.returns.len() as u32);
                book.returns.push(rma.clone());
            }
            E::ReturnInspected {
                rma,
                item,
                inspection,
            } => self.return_line(rma, item)?.inspection = Some(inspection.clone()),
            E::ReturnDisposed {
                rma,
                line,
                disposition,
                to,
            } => self.dispose(seq, rma, line, *disposition, to.as_ref())?,
            _ => return Err(corrupt("an after-sale event")),
        }
        Ok(())
    }

    /// The line of an authorisation for `item`.
    fn return_line(
        &mut self,
        rma: &ReturnId,
        item: &ItemRef,
    ) -> Result<&mut crate::model::ReturnLine, TraceError> {
        let i = *self
            .service
            .return_index
            .get(rma)
            .ok_or_else(|| corrupt(rma))?;
        self.service.returns[i as usize]
            .lines
            .iter_mut()
            .find(|l| &l.item == item)
            .ok_or_else(|| corrupt(item))
    }

    /// A return received: its authorisation (none: an unauthorised return) counts it,
    /// and a returned serial is `Returned` in every campaign that still had to reach it.
    pub(super) fn return_received(&mut self, rma: &ReturnId, line: &Line) {
        if let Ok(found) = self.return_line(rma, &line.item) {
            found.received += line.quantity;
        }
        if let ItemRef::Serial { .. } = line.item {
            let rows = self
                .service
                .campaigns
                .iter_mut()
                .flat_map(|c| &mut c.serials);
            for row in rows.filter(|row| row.item == line.item) {
                if matches!(
                    row.status,
                    CampaignStatus::Pending
                        | CampaignStatus::Notified
                        | CampaignStatus::Unreachable
                ) {
                    row.status = CampaignStatus::Returned;
                }
            }
        }
    }

    fn dispose(
        &mut self,
        seq: u64,
        rma: &ReturnId,
        line: &Line,
        disposition: Disposition,
        to: Option<&LocationId>,
    ) -> Result<(), TraceError> {
        if let ItemIdx::Lot(lot) = self.resolve_or_corrupt(&line.item)? {
            self.change_held_stock(lot, &line.location, -line.quantity);
        }
        match disposition {
            Disposition::Scrap => {
                self.put_or_take(seq, line, false, SerialStatus::Scrapped)?;
            }
            Disposition::ReturnToSupplier => {
                self.put_or_take(seq, line, false, SerialStatus::Shipped)?;
            }
            Disposition::Restock | Disposition::Rework => {
                self.put_or_take(seq, line, false, SerialStatus::InInventory)?;
                let to = Line {
                    location: to.unwrap_or(&line.location).clone(),
                    ..line.clone()
                };
                self.put_or_take(seq, &to, true, SerialStatus::InInventory)?;
            }
        }
        if self.service.return_index.contains_key(rma) {
            self.return_line(rma, &line.item)?.disposed += line.quantity;
        }
        Ok(())
    }
}
