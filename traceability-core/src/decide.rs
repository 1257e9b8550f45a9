//! Decide: a command checked against the current state becomes events, or a typed
//! error. One short dispatch to the capability that owns the command, then the
//! automatic lot status changes those events imply ([`crate::event::EventPayload::LotDepleted`],
//! [`crate::event::EventPayload::LotRestocked`]), so every change of state is in the
//! log. Nothing here mutates the state.

use crate::capability::{
    corrections, expiry, holds, inventory, master, numbering, orders, packing, production, quality,
    service,
};
use crate::command::Command;
use crate::event::EventPayload;
use crate::kernel::error::TraceError;

pub use crate::capability::context::Context;

/// Validates `command` and returns the events it becomes.
///
/// ```
/// use traceability_core::{decide::{decide, Context}, Command, Product, ProductId, State, Tracking};
/// let state = State::default();
/// let ctx = Context { state: &state, today: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(), reason: None };
/// let cmd = Command::RegisterProduct(Product::new(ProductId::new("MILK").unwrap(), Tracking::Lot));
/// assert_eq!(decide(&ctx, &cmd).unwrap().len(), 1);
/// ```
pub fn decide(ctx: &Context<'_>, command: &Command) -> Result<Vec<EventPayload>, TraceError> {
    let mut events = dispatch(ctx, command)?;
    let implied = ctx.state.activity_events(&events);
    events.extend(implied);
    Ok(events)
}

fn dispatch(ctx: &Context<'_>, command: &Command) -> Result<Vec<EventPayload>, TraceError> {
    match command {
        Command::RegisterProduct(c) => master::register_product(ctx, c),
        Command::UpdateProduct(c) => master::update_product(ctx, c),
        Command::RegisterLocation(c) => master::register_location(ctx, c),
        Command::RegisterParty(c) => master::register_party(ctx, c),
        Command::ExpectSerials(c) => inventory::expect_serials(ctx, c),
        Command::ReceiveLot(c) => inventory::receive_lot(ctx, c),
        Command::CreateLot(c) => inventory::create_lot(ctx, c),
        Command::ReceiveSerials(c) => inventory::receive_serials(ctx, c),
        Command::Move(c) => inventory::move_stock(ctx, c),
        Command::Adjust(c) => inventory::adjust(ctx, c),
        Command::Scrap(c) => inventory::scrap(ctx, c),
        Command::SetLotActive(c) => inventory::set_lot_active(ctx, c),
        Command::Return(c) => inventory::customer_return(ctx, c),
        Command::Allocate(c) => orders::allocate(ctx, c),
        Command::AllocateStock(c) => orders::allocate_stock(ctx, c),
        Command::CancelAllocation(c) => orders::cancel_allocation(ctx, c),
        Command::Pick(c) => orders::pick(ctx, c),
        Command::Ship(c) => orders::ship(ctx, c),
        Command::Produce(c) => production::produce(ctx, c),
        Command::UpdateLotDates(c) => expiry::update_lot_dates(ctx, c),
        Command::UpdateLot(c) => expiry::update_lot(ctx, c),
        Command::SetLotsActive(c) => expiry::set_lots_active(ctx, c),
        Command::RecordTestResult(c) => quality::record_test_result(ctx, c),
        Command::LinkCertificate(c) => quality::link_certificate(ctx, c),
        Command::SetQualityStatus(c) => quality::set_quality_status(ctx, c),
        Command::PlaceHold(c) => holds::place_hold(ctx, c),
        Command::Pack(c) => packing::pack(ctx, c),
        Command::Unpack(c) => packing::unpack(ctx, c),
        Command::ReleaseHold(c) => holds::release_hold(ctx, c),
        Command::Recall(c) => holds::recall(ctx, c),
        Command::DefineNumberingScheme(c) => numbering::define_numbering_scheme(ctx, c),
        Command::IssueNumbers(c) => numbering::issue_numbers(ctx, c),
        Command::ReverseShipment(c) => corrections::reverse_shipment(ctx, c),
        Command::ReverseReceipt(c) => corrections::reverse_receipt(ctx, c),
        Command::ReverseProduction(c) => corrections::reverse_production(ctx, c),
        Command::SplitLot(c) => corrections::split_lot(ctx, c),
        Command::MergeLots(c) => corrections::merge_lots(ctx, c),
        Command::Unbuild(c) => corrections::unbuild(ctx, c),
        Command::DefineWarranty(c) => service::define_warranty(ctx, c),
        Command::RecordInstallation(c) => service::record_installation(ctx, c),
        Command::RecordService(c) => service::record_service(ctx, c),
        Command::OpenClaim(c) => service::open_claim(ctx, c),
        Command::DecideClaim(c) => service::decide_claim(ctx, c),
        Command::CloseClaim(c) => service::close_claim(ctx, c),
        Command::StartCampaign(c) => service::start_campaign(ctx, c),
        Command::UpdateCampaign(c) => service::update_campaign(ctx, c),
        Command::DefineReturnReason(c) => service::define_return_reason(ctx, c),
        Command::AuthorizeReturn(c) => service::authorize_return(ctx, c),
        Command::InspectReturn(c) => service::inspect_return(ctx, c),
        Command::DisposeReturn(c) => service::dispose_return(ctx, c),
        Command::LinkUpstream(c) => production::link_upstream(ctx, c),
        Command::RecordBatchParameter(c) => compliance::record_batch_parameter(ctx, c),
        Command::RecordBatchStep(c) => compliance::record_batch_step(ctx, c),
        Command::SignRecord(c) => compliance::sign_record(ctx, c),
        Command::OpenNonConformance(c) => compliance::open_nonconformance(ctx, c),
        Command::AddCorrectiveAction(c) => compliance::add_corrective_action(ctx, c),
        Command::CompleteCorrectiveAction(c) => compliance::complete_corrective_action(ctx, c),
        Command::CloseNonConformance(c) => compliance::close_nonconformance(ctx, c),
    }
}

use crate::capability::compliance;
