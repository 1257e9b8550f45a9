//! Master data: registering products, locations and parties.

use crate::capability::context::*;
use crate::event::EventPayload;
use crate::kernel::date::offset;
use crate::kernel::error::TraceError;
use crate::kernel::numbering::Pattern;
use crate::kernel::text::{free_text, identifier};
use crate::model::{Location, Party, Product};

/// Validates [`Command::RegisterProduct`].
pub(crate) fn register_product(
    ctx: &Context<'_>,
    product: &Product,
) -> Result<Vec<EventPayload>, TraceError> {
    if ctx.state.product(&product.id).is_some() {
        return Err(duplicate("product", &product.id));
    }
    identifier("unit", &product.unit)?;
    free_text("description", &product.description)?;
    match (&product.numbering_scheme, &product.numbering_pattern) {
        (Some(_), Some(_)) => {
            return Err(TraceError::invalid(
                "numbering_scheme",
                "give a numbering scheme or a numbering pattern, not both",
            ))
        }
        (Some(id), None) if ctx.state.numbering_scheme(id).is_none() => {
            return Err(TraceError::invalid(
                "numbering_scheme",
                format!("unknown scheme {id}"),
            ))
        }
        (None, Some(pattern)) => drop(Pattern::parse(pattern)?),
        _ => {}
    }
    for (field, days) in [
        ("shelf_life_days", product.shelf_life_days),
        ("best_before_days", product.best_before_days),
        ("removal_days", product.removal_days),
        ("alert_days", product.alert_days),
        ("expiry_warning_days", product.expiry_warning_days),
    ] {
        offset(field, days)?;
    }
    Ok(vec![EventPayload::ProductRegistered(product.clone())])
}

/// Validates [`Command::RegisterLocation`].
pub(crate) fn register_location(
    ctx: &Context<'_>,
    location: &Location,
) -> Result<Vec<EventPayload>, TraceError> {
    if ctx.state.location(&location.id).is_some() {
        return Err(duplicate("location", &location.id));
    }
    free_text("description", &location.description)?;
    Ok(vec![EventPayload::LocationRegistered(location.clone())])
}

/// Validates [`Command::RegisterParty`].
pub(crate) fn register_party(
    ctx: &Context<'_>,
    party: &Party,
) -> Result<Vec<EventPayload>, TraceError> {
    if ctx.state.party(&party.id).is_some() {
        return Err(duplicate("party", &party.id));
    }
    free_text("name", &party.name)?;
    Ok(vec![EventPayload::PartyRegistered(party.clone())])
}
