//! Lot record maintenance: dates and status in bulk (the "Update Lot Expiry" and
//! "Update Lot Status" commands, all lots or none) and a record's details.

use foldhash::HashSet;

use crate::capability::context::{check_details, Context};
use crate::command::{SetLotsActive, UpdateLot, UpdateLotDates};
use crate::event::EventPayload;
use crate::kernel::date::not_before;
use crate::kernel::error::TraceError;
use crate::kernel::id::LotKey;
use crate::model::LotDates;

fn distinct<'a>(keys: impl Iterator<Item = &'a LotKey>) -> Result<(), TraceError> {
    let mut seen = HashSet::default();
    for k in keys {
        if !seen.insert(k) {
            return Err(TraceError::DuplicateNumber {
                kind: "lot in the request",
                key: format!("{}/{}", k.product, k.lot),
            });
        }
    }
    if seen.is_empty() {
        return Err(TraceError::invalid("lots", "at least one lot is needed"));
    }
    Ok(())
}

/// Validates [`crate::Command::UpdateLotDates`]: one `LotDatesUpdated` event per lot.
pub(crate) fn update_lot_dates(
    ctx: &Context<'_>,
    UpdateLotDates { changes }: &UpdateLotDates,
) -> Result<Vec<EventPayload>, TraceError> {
    ctx.require_reason("a lot date change")?;
    distinct(changes.iter().map(|c| &c.lot))?;
    let mut events = Vec::with_capacity(changes.len());
    for change in changes {
        let lot = ctx.state.find_lot(&change.lot)?;
        let d = change.dates;
        let dates = LotDates {
            expiry: d.expiry.or(lot.dates.expiry),
            best_before: d.best_before.or(lot.dates.best_before),
            removal: d.removal.or(lot.dates.removal),
            alert: d.alert.or(lot.dates.alert),
        };
        dates.check()?;
        if let (Some(made), Some(expiry)) = (lot.manufactured_on, dates.expiry) {
            if expiry < made {
                return Err(TraceError::invalid(
                    "expiry",
                    format!(
                        "{expiry} is before the manufacturing date {made} of lot {}/{}",
                        lot.product, lot.number
                    ),
                ));
            }
        }
        events.push(EventPayload::LotDatesUpdated {
            product: lot.product.clone(),
            lot: lot.number.clone(),
            dates,
        });
    }
    Ok(events)
}

/// Validates [`crate::Command::SetLotsActive`]: one `LotActiveSet` event per lot.
pub(crate) fn set_lots_active(
    ctx: &Context<'_>,
    SetLotsActive { lots, active }: &SetLotsActive,
) -> Result<Vec<EventPayload>, TraceError> {
    ctx.require_reason("a lot status change")?;
    distinct(lots.iter())?;
    lots.iter()
        .map(|key| {
            ctx.state.find_lot(key)?;
            Ok(EventPayload::LotActiveSet {
                product: key.product.clone(),
                lot: key.lot.clone(),
                active: *active,
            })
        })
        .collect()
}

/// Validates [`crate::Command::UpdateLot`]: the record's new details in one event.
pub(crate) fn update_lot(
    ctx: &Context<'_>,
    command: &UpdateLot,
) -> Result<Vec<EventPayload>, TraceError> {
    let lot = ctx.state.find_lot(&command.lot)?;
    let mut details = lot.details();
    if let Some(description) = &command.description {
        details.description = description.clone();
    }
    if let Some(weight) = command.weight {
        details.weight = Some(weight);
    }
    if let Some(supplier_lot) = &command.supplier_lot {
        details.supplier_lot = Some(supplier_lot.clone());
    }
    if let Some(made) = command.manufactured_on {
        details.manufactured_on = Some(made);
    }
    details.attributes.extend(command.attributes.clone());
    check_details(&details, lot.received_on)?;
    if let (Some(made), Some(expiry)) = (details.manufactured_on, lot.dates.expiry) {
        not_before("expiry", expiry, "manufacturing date", made)?;
    }
    Ok(vec![EventPayload::LotDetailsUpdated {
        product: lot.product.clone(),
        lot: lot.number.clone(),
        details,
    }])
}
