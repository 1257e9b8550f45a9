//! Numbering: defining named schemes and issuing numbers ahead of use. Receipts and
//! production draw numbers themselves when given none, through the same issuer.

use crate::capability::context::*;
use crate::command::IssueNumbers;
use crate::event::EventPayload;
use crate::kernel::date::bounded;
use crate::kernel::error::TraceError;
use crate::kernel::numbering::Pattern;
use crate::kernel::text::free_text;
use crate::model::NumberingScheme;
use crate::state::numbering::Issuer;

/// Validates [`crate::Command::DefineNumberingScheme`]. Redefining a scheme changes
/// the pattern of the numbers issued from then on; its sequences continue.
pub(crate) fn define_numbering_scheme(
    _ctx: &Context<'_>,
    scheme: &NumberingScheme,
) -> Result<Vec<EventPayload>, TraceError> {
    Pattern::parse(&scheme.pattern)?;
    free_text("description", &scheme.description)?;
    Ok(vec![EventPayload::NumberingSchemeDefined(scheme.clone())])
}

/// Validates [`IssueNumbers`].
pub(crate) fn issue_numbers(
    ctx: &Context<'_>,
    command: &IssueNumbers,
) -> Result<Vec<EventPayload>, TraceError> {
    let IssueNumbers {
        product,
        count,
        date,
        location,
    } = command;
    let product = ctx
        .state
        .product(product)
        .ok_or_else(|| TraceError::UnknownProduct(product.clone()))?;
    if let Some(location) = location {
        ctx.location(location)?;
    }
    let date = bounded("date", date.unwrap_or(ctx.today))?;
    let mut issuer = Issuer::new(ctx.state);
    issuer.issue_many(product, date, location.as_ref(), *count)?;
    Ok(issuer.events())
}
