//! After the sale: warranty terms and installations, service records by serial (a
//! fitted component leaves stock into the serial), warranty claims (open → approved or
//! rejected → closed), field service campaigns over the serials a recall reaches in the
//! field, and customer returns under an authorisation (reason codes, receipt against
//! it, inspection, disposition).

use foldhash::HashSet;

use crate::capability::context::*;
use crate::command::*;
use crate::event::EventPayload;
use crate::kernel::date::bounded;
use crate::kernel::error::TraceError;
use crate::kernel::id::{ItemRef, ProductId, SerialNumber};
use crate::kernel::text::free_text;
use crate::kernel::vocab::{PartyRole, SerialStatus, Tracking};
use crate::kernel::Quantity;
use crate::model::{
    Attachment, Campaign, CampaignSerial, CampaignStatus, Claim, ClaimStatus, Disposition,
    Inspection, Lot, ReturnAuthorization, ReturnLine, ReturnReason, Serial, ServiceRecord,
    WarrantyTerms,
};
use crate::state::ItemIdx;

fn serial<'a>(
    ctx: &Context<'a>,
    product: &ProductId,
    number: &SerialNumber,
) -> Result<(&'a Serial, ItemIdx), TraceError> {
    let item = ItemRef::Serial {
        product: product.clone(),
        serial: number.clone(),
    };
    ctx.product(product, Tracking::Serial)?;
    let idx = ctx.state.require(&item)?;
    let ItemIdx::Serial(i) = idx else {
        return Err(TraceError::unknown_item(&item));
    };
    Ok((&ctx.state.serials()[i as usize], idx))
}

fn not_negative(field: &'static str, quantity: Option<Quantity>) -> Result<(), TraceError> {
    match quantity {
        Some(q) if q.is_negative() => Err(TraceError::invalid(field, "must not be negative")),
        _ => Ok(()),
    }
}

/// Validates [`crate::Command::DefineWarranty`].
pub(crate) fn define_warranty(
    ctx: &Context<'_>,
    terms: &WarrantyTerms,
) -> Result<Vec<EventPayload>, TraceError> {
    ctx.product(&terms.product, Tracking::Serial)?;
    if !(1..=600).contains(&terms.months) {
        return Err(TraceError::invalid("months", "must be 1 to 600"));
    }
    if let Some(limit) = terms.usage_limit {
        positive(limit)?;
    }
    Ok(vec![EventPayload::WarrantyDefined(terms.clone())])
}

/// Validates [`RecordInstallation`].
pub(crate) fn record_installation(
    ctx: &Context<'_>,
    command: &RecordInstallation,
) -> Result<Vec<EventPayload>, TraceError> {
    let (found, idx) = serial(ctx, &command.product, &command.serial)?;
    ctx.party(command.customer.as_ref(), PartyRole::Customer)?;
    let installed_on = bounded("installed_on", command.installed_on)?;
    let Some((shipped_on, _)) = ctx.state.last_shipment(idx) else {
        return Err(invalid_transition(found, SerialStatus::Shipped));
    };
    crate::kernel::date::not_before("installed_on", installed_on, "shipment", shipped_on)?;
    Ok(vec![EventPayload::Installed {
        product: command.product.clone(),
        serial: command.serial.clone(),
        installed_on,
        customer: command.customer.clone(),
    }])
}

/// Validates [`RecordService`].
pub(crate) fn record_service(
    ctx: &Context<'_>,
    command: &RecordService,
) -> Result<Vec<EventPayload>, TraceError> {
    let (found, _) = serial(ctx, &command.product, &command.serial)?;
    if found.status == SerialStatus::Expected {
        return Err(invalid_transition(found, SerialStatus::Received));
    }
    if command.technician.trim().is_empty() {
        return Err(TraceError::invalid("technician", "must not be empty"));
    }
    free_text("technician", &command.technician)?;
    free_text("findings", &command.findings)?;
    not_negative("usage", command.usage)?;
    let performed_on = bounded("performed_on", command.performed_on.unwrap_or(ctx.today))?;
    let attachments = command
        .attachments
        .iter()
        .map(|a| {
            free_text("attachments", &a.name)?;
            Ok(Attachment {
                name: a.name.clone(),
                sha256: sha256_hex("attachments", &a.sha256)?,
            })
        })
        .collect::<Result<Vec<_>, TraceError>>()?;
    if let Some(fitted) = &command.fitted {
        let line = Line {
            item: fitted.item.clone(),
            location: fitted.location.clone(),
            quantity: fitted.quantity,
        };
        ctx.check_consumption(std::slice::from_ref(&line), performed_on, false)?;
    }
    Ok(vec![EventPayload::Serviced {
        product: command.product.clone(),
        serial: command.serial.clone(),
        record: ServiceRecord {
            kind: command.kind,
            performed_on,
            technician: command.technician.trim().to_owned(),
            findings: command.findings.clone(),
            usage: command.usage,
            removed: command.removed.clone(),
            fitted: command.fitted.clone(),
            attachments,
        },
    }])
}

/// Validates [`OpenClaim`].
pub(crate) fn open_claim(
    ctx: &Context<'_>,
    command: &OpenClaim,
) -> Result<Vec<EventPayload>, TraceError> {
    if ctx.state.claim(&command.claim).is_some() {
        return Err(duplicate("claim", &command.claim));
    }
    serial(ctx, &command.product, &command.serial)?;
    free_text("description", &command.description)?;
    not_negative("amount", command.amount)?;
    let opened_on = bounded("opened_on", command.opened_on.unwrap_or(ctx.today))?;
    let status = ctx
        .state
        .warranty_status(&command.product, &command.serial, opened_on)?;
    Ok(vec![EventPayload::ClaimOpened(Claim {
        claim: command.claim.clone(),
        product: command.product.clone(),
        serial: command.serial.clone(),
        customer: status.customer,
        opened_on,
        description: command.description.clone(),
        amount: command.amount,
        in_warranty: status.in_warranty,
        status: ClaimStatus::Open,
        approved_amount: None,
        decision: None,
    })])
}

fn claim_in<'a>(
    ctx: &Context<'a>,
    id: &crate::kernel::id::ClaimId,
    expected: &[ClaimStatus],
    to: &str,
) -> Result<&'a Claim, TraceError> {
    let claim = ctx
        .state
        .claim(id)
        .ok_or_else(|| TraceError::invalid("claim", format!("unknown claim {id}")))?;
    if !expected.contains(&claim.status) {
        return Err(TraceError::invalid(
            "claim",
            format!("claim {id} is {:?}, it cannot be {to}", claim.status).to_lowercase(),
        ));
    }
    Ok(claim)
}

/// Validates [`DecideClaim`].
pub(crate) fn decide_claim(
    ctx: &Context<'_>,
    command: &DecideClaim,
) -> Result<Vec<EventPayload>, TraceError> {
    ctx.require_reason("deciding a claim")?;
    let claim = claim_in(ctx, &command.claim, &[ClaimStatus::Open], "decided")?;
    not_negative("amount", command.amount)?;
    let amount = match command.approve {
        true => command.amount.or(claim.amount),
        false => None,
    };
    Ok(vec![EventPayload::ClaimDecided {
        claim: command.claim.clone(),
        approved: command.approve,
        amount,
    }])
}

/// Validates [`CloseClaim`].
pub(crate) fn close_claim(
    ctx: &Context<'_>,
    command: &CloseClaim,
) -> Result<Vec<EventPayload>, TraceError> {
    let decided = [ClaimStatus::Approved, ClaimStatus::Rejected];
    claim_in(ctx, &command.claim, &decided, "closed")?;
    Ok(vec![EventPayload::ClaimClosed {
        claim: command.claim.clone(),
    }])
}

/// Validates [`StartCampaign`]: the serials it covers are the recall's affected items
/// (or the suspects' descendants) that are SHIPPED, each with its customer and date.
pub(crate) fn start_campaign(
    ctx: &Context<'_>,
    command: &StartCampaign,
) -> Result<Vec<EventPayload>, TraceError> {
    let state = ctx.state;
    if state.campaign(&command.campaign).is_some() {
        return Err(duplicate("campaign", &command.campaign));
    }
    free_text("description", &command.description)?;
    let starts = match (&command.recall, command.suspects.is_empty()) {
        (Some(recall), true) => state
            .recall(recall)
            .ok_or_else(|| TraceError::invalid("recall", format!("unknown recall {recall}")))?
            .affected
            .iter()
            .map(|item| state.require(item))
            .collect::<Result<Vec<_>, _>>()?,
        (None, false) => command
            .suspects
            .iter()
            .map(|item| state.require(item))
            .collect::<Result<Vec<_>, _>>()?,
        _ => {
            return Err(TraceError::invalid(
                "recall",
                "give a recall or suspects, not both",
            ))
        }
    };
    let mut serials = Vec::new();
    for idx in state.descendants(&starts) {
        let ItemIdx::Serial(i) = idx else { continue };
        if state.serials()[i as usize].status != SerialStatus::Shipped {
            continue;
        }
        if let Some((shipped_on, customer)) = state.last_shipment(idx) {
            serials.push(CampaignSerial {
                item: state.item_ref(idx),
                customer: customer.clone(),
                shipped_on,
                status: CampaignStatus::Pending,
            });
        }
    }
    serials.sort_by(|a, b| (&a.customer, &a.item).cmp(&(&b.customer, &b.item)));
    Ok(vec![EventPayload::CampaignStarted(Campaign {
        campaign: command.campaign.clone(),
        description: command.description.clone(),
        recall: command.recall.clone(),
        serials,
    })])
}

/// Validates [`UpdateCampaign`].
pub(crate) fn update_campaign(
    ctx: &Context<'_>,
    command: &UpdateCampaign,
) -> Result<Vec<EventPayload>, TraceError> {
    let campaign = ctx.state.campaign(&command.campaign).ok_or_else(|| {
        TraceError::invalid("campaign", format!("unknown campaign {}", command.campaign))
    })?;
    let item = ItemRef::Serial {
        product: command.product.clone(),
        serial: command.serial.clone(),
    };
    if !campaign.serials.iter().any(|s| s.item == item) {
        return Err(TraceError::invalid(
            "serial",
            format!("{item} is not in campaign {}", command.campaign),
        ));
    }
    Ok(vec![EventPayload::CampaignUpdated {
        campaign: command.campaign.clone(),
        item,
        status: command.status,
    }])
}

/// Validates [`DefineReturnReason`].
pub(crate) fn define_return_reason(
    _ctx: &Context<'_>,
    command: &DefineReturnReason,
) -> Result<Vec<EventPayload>, TraceError> {
    free_text("description", &command.description)?;
    Ok(vec![EventPayload::ReturnReasonDefined(ReturnReason {
        code: command.code.clone(),
        description: command.description.clone(),
    })])
}

/// Validates [`AuthorizeReturn`]: each item was shipped to the customer and not yet
/// returned, at least the authorised quantity.
pub(crate) fn authorize_return(
    ctx: &Context<'_>,
    command: &AuthorizeReturn,
) -> Result<Vec<EventPayload>, TraceError> {
    let state = ctx.state;
    if state.return_authorization(&command.rma).is_some() {
        return Err(duplicate("rma", &command.rma));
    }
    ctx.party(Some(&command.customer), PartyRole::Customer)?;
    if !state
        .return_reasons()
        .iter()
        .any(|r| r.code == command.reason)
    {
        return Err(TraceError::invalid(
            "reason",
            format!("unknown return reason {}", command.reason),
        ));
    }
    if command.items.is_empty() {
        return Err(TraceError::invalid(
            "items",
            "name at least one lot or serial",
        ));
    }
    let mut seen = HashSet::default();
    let mut lines = Vec::with_capacity(command.items.len());
    for (item, quantity) in &command.items {
        if !seen.insert(item) {
            return Err(duplicate("item", item));
        }
        let idx = state.require(item)?;
        positive(*quantity)?;
        if matches!(idx, ItemIdx::Serial(_)) {
            one(*quantity)?;
        }
        let returnable = state.returnable(idx, &command.customer);
        if returnable < *quantity {
            return Err(TraceError::InsufficientStock {
                item: Some(item.clone()),
                product: item.product().clone(),
                locations: Vec::new(),
                customer: Some(command.customer.clone()),
                requested: *quantity,
                available: returnable,
            });
        }
        lines.push(ReturnLine {
            item: item.clone(),
            authorized: *quantity,
            received: Quantity::ZERO,
            disposed: Quantity::ZERO,
            inspection: None,
        });
    }
    Ok(vec![EventPayload::ReturnAuthorized(ReturnAuthorization {
        rma: command.rma.clone(),
        customer: command.customer.clone(),
        reason: command.reason.clone(),
        authorized_on: ctx.today,
        expected_on: command
            .expected_on
            .map(|d| bounded("expected_on", d))
            .transpose()?,
        lines,
    })])
}

/// Validates [`InspectReturn`].
pub(crate) fn inspect_return(
    ctx: &Context<'_>,
    command: &InspectReturn,
) -> Result<Vec<EventPayload>, TraceError> {
    let line = return_line(ctx, &command.rma, &command.item)?;
    if line.received.is_zero() {
        return Err(TraceError::invalid(
            "item",
            format!("{} has not been received on {}", command.item, command.rma),
        ));
    }
    free_text("findings", &command.findings)?;
    Ok(vec![EventPayload::ReturnInspected {
        rma: command.rma.clone(),
        item: command.item.clone(),
        inspection: Inspection {
            passed: command.passed,
            findings: command.findings.clone(),
        },
    }])
}

/// Checks that a lot has `command.quantity` of returned stock at the location: held
/// or, against an authorisation, also released (not reserved).
fn returned_stock(
    ctx: &Context<'_>,
    command: &DisposeReturn,
    lot: &Lot,
    authorized: bool,
) -> Result<(), TraceError> {
    ctx.location(&command.location)?;
    let there = lot.stock_at(&command.location);
    let disposable = there.map_or(Quantity::ZERO, |s| {
        if authorized {
            s.on_hand - s.reserved
        } else {
            s.held
        }
    });
    if disposable < command.quantity {
        return Err(insufficient(
            &command.item,
            Some(&command.location),
            command.quantity,
            disposable,
        ));
    }
    Ok(())
}

/// Validates [`DisposeReturn`]: no more than was received on the authorisation and
/// not yet disposed of, and the stock is where it is said to be. Without an
/// authorisation (an unauthorised return), only a lot's held returned stock.
pub(crate) fn dispose_return(
    ctx: &Context<'_>,
    command: &DisposeReturn,
) -> Result<Vec<EventPayload>, TraceError> {
    positive(command.quantity)?;
    // Only a lot's held stock can be disposed of without an authorisation.
    let line = match (ctx.state.return_authorization(&command.rma), &command.item) {
        (None, ItemRef::Lot { .. }) => None,
        _ => Some(return_line(ctx, &command.rma, &command.item)?),
    };
    let authorized = line.is_some();
    if let Some(line) = line {
        if line.disposed + command.quantity > line.received {
            return Err(TraceError::InvalidQuantity {
                quantity: command.quantity,
                rule: "more than was received and not yet disposed of",
            });
        }
    }
    if command.disposition == Disposition::Scrap {
        ctx.require_reason("scrapping returned stock")?;
    }
    if let Some(to) = &command.to {
        ctx.location(to)?;
    }
    match ctx.item(&command.item)? {
        Item::Lot(lot) => returned_stock(ctx, command, lot, authorized)?,
        Item::Serial(found) => {
            one(command.quantity)?;
            serial_at(&command.item, found, &command.location)?;
            if !matches!(
                found.status,
                SerialStatus::Received | SerialStatus::InInventory
            ) {
                return Err(invalid_transition(found, SerialStatus::InInventory));
            }
        }
    }
    Ok(vec![EventPayload::ReturnDisposed {
        rma: command.rma.clone(),
        line: Line {
            item: command.item.clone(),
            location: command.location.clone(),
            quantity: command.quantity,
        },
        disposition: command.disposition,
        to: command.to.clone(),
    }])
}
