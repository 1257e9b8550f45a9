//! Lot dates and status in bulk: the "Update Lot Expiry" and "Update Lot Status"
//! commands, all lots or none.

use foldhash::HashSet;

use crate::capability::context::Context;
use crate::command::{SetLotsActive, UpdateLotDates};
use crate::event::EventPayload;
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
