//! After-sale reports: a serial's service history, a campaign's progress, open return
//! authorisations and returns by reason. (A serial's warranty status is
//! [`State::warranty_status`].)

use serde::Serialize;

use crate::kernel::error::TraceError;
use crate::kernel::id::{ItemRef, ReasonCode};
use crate::kernel::Quantity;
use crate::model::{Campaign, CampaignStatus, ReturnAuthorization, ServiceRecord};
use crate::state::State;

/// One service event of a serial, with the position of its event in the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ServiceEntry {
    /// Event sequence number.
    pub seq: u64,
    /// The record.
    #[serde(flatten)]
    pub record: ServiceRecord,
}

/// A serial's service history, oldest first. Not a serial: [`TraceError::UnknownSerial`].
pub fn service_history(state: &State, item: &ItemRef) -> Result<Vec<ServiceEntry>, TraceError> {
    match state.require(item)? {
        crate::state::ItemIdx::Serial(i) => Ok(state
            .service_records(i)
            .iter()
            .map(|(seq, record)| ServiceEntry {
                seq: *seq,
                record: record.clone(),
            })
            .collect()),
        crate::state::ItemIdx::Lot(_) => Err(TraceError::invalid(
            "item",
            "service records are kept by serial",
        )),
    }
}

/// How far a campaign got: serials per status, and the share done (serviced or
/// returned) in percent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CampaignProgress {
    /// Not yet contacted.
    pub pending: usize,
    /// Notified.
    pub notified: usize,
    /// Serviced.
    pub serviced: usize,
    /// Returned.
    pub returned: usize,
    /// Unreachable.
    pub unreachable: usize,
    /// (serviced + returned) / all, percent with two decimals.
    pub done_pct: Quantity,
}

/// A campaign with its progress.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CampaignReport {
    /// The campaign and its serials.
    #[serde(flatten)]
    pub campaign: Campaign,
    /// Counts per status.
    pub progress: CampaignProgress,
}

/// A campaign's report, or `None` for an unknown number.
pub fn campaign_report(
    state: &State,
    id: &crate::kernel::id::CampaignId,
) -> Option<CampaignReport> {
    let campaign = state.campaign(id)?.clone();
    let mut progress = CampaignProgress::default();
    for serial in &campaign.serials {
        *match serial.status {
            CampaignStatus::Pending => &mut progress.pending,
            CampaignStatus::Notified => &mut progress.notified,
            CampaignStatus::Serviced => &mut progress.serviced,
            CampaignStatus::Returned => &mut progress.returned,
            CampaignStatus::Unreachable => &mut progress.unreachable,
        } += 1;
    }
    let done = (progress.serviced + progress.returned) as i64;
    let all = campaign.serials.len().max(1) as i64;
    // Hundredths of a percent, rounded half up: at most 10,000.
    let hundredths = (done * 10_000 * 2 + all) / (2 * all);
    progress.done_pct = Quantity::from_scaled(hundredths, 2).unwrap_or(Quantity::ZERO);
    Some(CampaignReport { campaign, progress })
}

/// Return authorisations, all or only the open ones (something authorised not yet
/// received or disposed of).
pub fn return_authorizations(state: &State, open_only: bool) -> Vec<ReturnAuthorization> {
    state
        .return_authorizations()
        .iter()
        .filter(|r| !open_only || !r.is_complete())
        .cloned()
        .collect()
}

/// Returns of one reason: how many authorisations, and the quantities authorised and
/// received.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReturnsByReason {
    /// Reason code.
    pub reason: ReasonCode,
    /// Its description.
    pub description: String,
    /// Authorisations.
    pub authorizations: usize,
    /// Quantity authorised.
    pub authorized: Quantity,
    /// Quantity received.
    pub received: Quantity,
}

/// Returns per reason code, in the order the reasons were defined.
pub fn returns_by_reason(state: &State) -> Vec<ReturnsByReason> {
    state
        .return_reasons()
        .iter()
        .map(|reason| {
            let of_reason = state
                .return_authorizations()
                .iter()
                .filter(|r| r.reason == reason.code);
            let mut row = ReturnsByReason {
                reason: reason.code.clone(),
                description: reason.description.clone(),
                authorizations: 0,
                authorized: Quantity::ZERO,
                received: Quantity::ZERO,
            };
            for rma in of_reason {
                row.authorizations += 1;
                for line in &rma.lines {
                    row.authorized += line.authorized;
                    row.received += line.received;
                }
            }
            row
        })
        .collect()
}
