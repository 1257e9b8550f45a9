//! Holds and recalls: putting lots and serials on recall hold and releasing them, and
//! recording recalls — every recall, with or without a hold, is an event with its
//! suspects, the affected set traced forward at that moment, and what it held.

use foldhash::{HashSet, HashSetExt};

use crate::capability::context::{duplicate, Context, Item};
use crate::command::{PlaceHold, Recall, ReleaseHold};
use crate::event::EventPayload;
use crate::kernel::error::TraceError;
use crate::kernel::id::ItemRef;
use crate::state::ItemIdx;

/// Validates [`PlaceHold`].
pub(crate) fn place_hold(
    ctx: &Context<'_>,
    PlaceHold { items }: &PlaceHold,
) -> Result<Vec<EventPayload>, TraceError> {
    ctx.require_reason("a recall hold")?;
    check_items(ctx, items, true)?;
    Ok(vec![EventPayload::HoldPlaced {
        items: items.clone(),
    }])
}

/// Validates [`ReleaseHold`].
pub(crate) fn release_hold(
    ctx: &Context<'_>,
    ReleaseHold { items }: &ReleaseHold,
) -> Result<Vec<EventPayload>, TraceError> {
    ctx.require_reason("releasing a hold")?;
    check_items(ctx, items, false)?;
    Ok(vec![EventPayload::HoldReleased {
        items: items.clone(),
    }])
}

/// Validates [`Recall`]: a reason, at least one known suspect, a new recall number.
/// The affected set is every suspect and descendant (each once, in trace order); with
/// `hold`, those not yet held and still in our custody (every lot; serials received,
/// in inventory, allocated or picked) are held by the same event.
pub(crate) fn recall(ctx: &Context<'_>, command: &Recall) -> Result<Vec<EventPayload>, TraceError> {
    ctx.require_reason("a recall")?;
    if command.suspects.is_empty() {
        return Err(TraceError::invalid(
            "suspects",
            "at least one suspect is needed",
        ));
    }
    let recall = match &command.recall {
        Some(id) if ctx.state.recall(id).is_some() => return Err(duplicate("recall", id)),
        Some(id) => id.clone(),
        None => ctx.state.next_recall_id(),
    };
    let mut starts = Vec::with_capacity(command.suspects.len());
    let mut suspects = Vec::with_capacity(command.suspects.len());
    for suspect in &command.suspects {
        ctx.item(suspect)?;
        let idx = ctx.state.require(suspect)?;
        if !starts.contains(&idx) {
            starts.push(idx);
            suspects.push(suspect.clone());
        }
    }
    let reached = ctx.state.descendants(&starts);
    let held = if command.hold {
        reached
            .iter()
            .filter(|&&idx| holdable(ctx, idx))
            .map(|&idx| ctx.state.item_ref(idx))
            .collect()
    } else {
        Vec::new()
    };
    Ok(vec![EventPayload::Recalled {
        recall,
        suspects,
        affected: reached.iter().map(|&idx| ctx.state.item_ref(idx)).collect(),
        held,
    }])
}

/// Not held yet, and in our custody.
fn holdable(ctx: &Context<'_>, idx: ItemIdx) -> bool {
    match idx {
        ItemIdx::Lot(i) => !ctx.state.lot_at(i).on_hold,
        ItemIdx::Serial(i) => {
            let serial = ctx.state.serial_at(i);
            !serial.on_hold && serial.in_custody()
        }
    }
}

/// Checks a hold (`hold`) or release: at least one item, no duplicates, every item
/// known and currently not held (hold) or held (release).
fn check_items(ctx: &Context<'_>, items: &[ItemRef], hold: bool) -> Result<(), TraceError> {
    if items.is_empty() {
        return Err(TraceError::invalid("items", "at least one item is needed"));
    }
    let mut seen = HashSet::with_capacity(items.len());
    for item in items {
        if !seen.insert(item) {
            return Err(duplicate("item", item));
        }
        let on_hold = match ctx.item(item)? {
            Item::Lot(lot) => lot.on_hold,
            Item::Serial(serial) => serial.on_hold,
        };
        if on_hold == hold {
            return Err(TraceError::invalid(
                "items",
                format!(
                    "{item} is {}",
                    if hold {
                        "already on hold"
                    } else {
                        "not on hold"
                    }
                ),
            ));
        }
    }
    Ok(())
}
