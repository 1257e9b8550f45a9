//! Packing goods into containers (pallets, cases) and unpacking them.

use std::collections::HashSet;

use crate::capability::context::*;
use crate::command::{Pack, Unpack};
use crate::event::EventPayload;
use crate::kernel::error::TraceError;
use crate::kernel::vocab::SerialStatus;
use crate::kernel::Quantity;
use crate::model::PackedItem;

/// Validates [`Pack`]: a new container id, a known location, each item once; a lot's
/// stock at the location (reserved and picked included) covers what is packed plus what
/// packed containers there already hold; a serial in stock there (received, in
/// inventory, allocated or picked) and in no packed container.
pub(crate) fn pack(ctx: &Context<'_>, command: &Pack) -> Result<Vec<EventPayload>, TraceError> {
    let Pack {
        container,
        location,
        contents,
    } = command;
    if ctx.state.container(container).is_some() {
        return Err(duplicate("container", container));
    }
    ctx.location(location)?;
    if contents.is_empty() {
        return Err(TraceError::invalid("contents", "nothing to pack"));
    }
    let mut seen = HashSet::with_capacity(contents.len());
    for PackedItem { item, quantity } in contents {
        if !seen.insert(item) {
            return Err(TraceError::invalid(
                "contents",
                format!("{item} is listed twice"),
            ));
        }
        let idx = ctx.state.require(item)?;
        match ctx.item(item)? {
            Item::Lot(lot) => {
                positive(*quantity)?;
                let here = lot.stock_at(location).map_or(Quantity::ZERO, |s| s.on_hand);
                let free = here - ctx.state.packed_at(idx, location);
                if free < *quantity {
                    return Err(insufficient(item, Some(location), *quantity, free));
                }
            }
            Item::Serial(serial) => {
                one(*quantity)?;
                serial_at(item, serial, location)?;
                if !matches!(
                    serial.status,
                    SerialStatus::Received
                        | SerialStatus::InInventory
                        | SerialStatus::Allocated
                        | SerialStatus::Picked
                ) {
                    return Err(TraceError::invalid(
                        "contents",
                        format!("serial {item} is {} and cannot be packed", serial.status),
                    ));
                }
                if let Some(other) = ctx.state.packed_containers(idx).next() {
                    return Err(TraceError::invalid(
                        "contents",
                        format!("{item} is already packed in {}", other.id),
                    ));
                }
            }
        }
    }
    Ok(vec![EventPayload::Packed {
        container: container.clone(),
        location: location.clone(),
        contents: contents.clone(),
    }])
}

/// Validates [`Unpack`]: the container exists and is still packed.
pub(crate) fn unpack(
    ctx: &Context<'_>,
    Unpack { container }: &Unpack,
) -> Result<Vec<EventPayload>, TraceError> {
    let record = ctx
        .state
        .container(container)
        .ok_or_else(|| TraceError::invalid("container", format!("no container {container}")))?;
    if record.unpacked_on.is_some() {
        return Err(TraceError::invalid(
            "container",
            format!("container {container} is already unpacked"),
        ));
    }
    Ok(vec![EventPayload::Unpacked {
        container: container.clone(),
    }])
}
