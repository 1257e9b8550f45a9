//! Master data: registering products, locations and parties.

use crate::capability::context::*;
use crate::event::EventPayload;
use crate::kernel::check_digit::{gln, gtin14};
use crate::kernel::date::offset;
use crate::kernel::error::TraceError;
use crate::kernel::id::ProductId;
use crate::kernel::numbering::Pattern;
use crate::kernel::text::{free_text, identifier};
use crate::kernel::vocab::PartyRole;
use crate::model::{Location, LocationKind, Party, Product};

/// Validates [`Command::RegisterProduct`].
pub(crate) fn register_product(
    ctx: &Context<'_>,
    product: &Product,
) -> Result<Vec<EventPayload>, TraceError> {
    if ctx.state.product(&product.id).is_some() {
        return Err(duplicate("product", &product.id));
    }
    Ok(vec![EventPayload::ProductRegistered(validated_product(
        ctx, product,
    )?)])
}

/// Validates [`Command::UpdateProduct`]: the product exists and keeps its tracking
/// (`WrongTracking` otherwise).
pub(crate) fn update_product(
    ctx: &Context<'_>,
    product: &Product,
) -> Result<Vec<EventPayload>, TraceError> {
    ctx.product(&product.id, product.tracking)?;
    Ok(vec![EventPayload::ProductUpdated(validated_product(
        ctx, product,
    )?)])
}

/// The checks a product record passes to be registered or updated; GTINs normalised
/// to 14 digits.
fn validated_product(ctx: &Context<'_>, product: &Product) -> Result<Product, TraceError> {
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
    let mut product = product.clone();
    product.gtins = gtins(ctx, &product.id, &product.gtins)?;
    Ok(product)
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
    let role = match location.kind {
        LocationKind::Customer => Some(PartyRole::Customer),
        LocationKind::Supplier => Some(PartyRole::Supplier),
        _ => None,
    };
    match (role, &location.party) {
        (Some(role), party) => ctx.party(party.as_ref(), role)?,
        (None, Some(_)) => {
            return Err(TraceError::invalid(
                "party",
                "only a customer or supplier location belongs to a party",
            ))
        }
        (None, None) => {}
    }
    let mut location = location.clone();
    location.gln = location.gln.as_deref().map(|g| gln("gln", g)).transpose()?;
    Ok(vec![EventPayload::LocationRegistered(location)])
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
    let mut party = party.clone();
    party.gln = party.gln.as_deref().map(|g| gln("gln", g)).transpose()?;
    Ok(vec![EventPayload::PartyRegistered(party)])
}

/// A new product's GTINs as 14 digits: each valid, given once, and not another
/// product's.
fn gtins(
    ctx: &Context<'_>,
    product: &ProductId,
    given: &[String],
) -> Result<Vec<String>, TraceError> {
    let mut normalised: Vec<String> = Vec::with_capacity(given.len());
    for text in given {
        let gtin = gtin14("gtins", text)?;
        if let Some(owner) = ctx.state.product_by_gtin(&gtin).filter(|o| *o != product) {
            return Err(TraceError::invalid(
                "gtins",
                format!("GTIN {gtin} already belongs to product {owner}"),
            ));
        }
        if normalised.contains(&gtin) {
            return Err(TraceError::invalid(
                "gtins",
                format!("GTIN {gtin} given twice"),
            ));
        }
        normalised.push(gtin);
    }
    Ok(normalised)
}
