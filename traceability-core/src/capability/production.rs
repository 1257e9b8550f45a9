//! Production: a work order consumes lots and serials and produces new lots, more of
//! an existing lot, or serialized assemblies; each consumption → output pair becomes a
//! genealogy edge.

use foldhash::{HashMap, HashSet, HashSetExt};

use crate::capability::context::*;
use crate::command::*;
use crate::event::{EventPayload, Produced};
use crate::kernel::date::bounded;
use crate::kernel::error::TraceError;
use crate::kernel::id::{ItemRef, SerialNumber};
use crate::kernel::vocab::Tracking;
use crate::kernel::Quantity;
use crate::model::Origin;
use crate::state::numbering::Issuer;

/// Validates [`Produce`].
pub(crate) fn produce(
    ctx: &Context<'_>,
    command: &Produce,
) -> Result<Vec<EventPayload>, TraceError> {
    let Produce {
        work_order,
        consumed,
        outputs,
        produced_on,
        override_expiry,
    } = command;
    let produced_on = bounded("produced_on", produced_on.unwrap_or(ctx.today))?;
    if consumed.is_empty() || outputs.is_empty() {
        return Err(TraceError::invalid(
            "work_order",
            "needs at least one consumption and one output",
        ));
    }
    ctx.check_consumption(consumed, produced_on, *override_expiry)?;
    let mut issuer = Issuer::new(ctx.state);
    let mut new_items = HashSet::with_capacity(outputs.len());
    let mut added: HashMap<ItemRef, Quantity> = HashMap::default();
    let mut produced = Vec::with_capacity(outputs.len());
    for output in outputs {
        let record = match output {
            Output::NewLot {
                spec,
                quantity,
                location,
            } => {
                let origin = Origin::Produced {
                    work_order: work_order.clone(),
                };
                // A lot made here was manufactured on the production date unless told.
                let spec = LotSpec {
                    manufactured_on: Some(spec.manufactured_on.unwrap_or(produced_on)),
                    ..spec.clone()
                };
                let stock = Some((location, *quantity));
                Produced::NewLot(ctx.new_lot(&spec, stock, produced_on, origin, &mut issuer)?)
            }
            Output::IntoLot {
                product,
                lot,
                quantity,
                location,
            } => {
                let item = ItemRef::Lot {
                    product: product.clone(),
                    lot: lot.clone(),
                };
                let found = ctx.lot(product, lot)?;
                ctx.location(location)?;
                positive(*quantity)?;
                let total = added.entry(item.clone()).or_default();
                *total += *quantity;
                room_for(found, *total)?;
                Produced::IntoLot(Line {
                    item,
                    location: location.clone(),
                    quantity: *quantity,
                })
            }
            Output::NewSerial {
                product,
                serial,
                location,
            } => {
                let found = ctx.product(product, Tracking::Serial)?;
                ctx.location(location)?;
                let serial = match serial {
                    Some(serial) if ctx.state.serial_idx(product, serial).is_some() => {
                        return Err(duplicate("serial", format!("{product}/{serial}")));
                    }
                    Some(serial) => serial.clone(),
                    None => SerialNumber::new(issuer.issue(found, produced_on, Some(location))?)?,
                };
                Produced::NewSerial {
                    product: product.clone(),
                    serial,
                    location: location.clone(),
                }
            }
        };
        let item = record.item();
        let is_new = !matches!(record, Produced::IntoLot(_));
        if is_new && !new_items.insert(item.clone()) {
            return Err(duplicate("output", item));
        }
        produced.push(record);
    }
    let mut events = issuer.events();
    events.push(EventPayload::Produced {
        work_order: work_order.clone(),
        produced_on,
        consumed: consumed.clone(),
        outputs: produced,
        override_expiry: *override_expiry,
    });
    Ok(events)
}

/// Validates [`LinkUpstream`]: known items, positive quantities, at least one of each.
pub(crate) fn link_upstream(
    ctx: &Context<'_>,
    command: &LinkUpstream,
) -> Result<Vec<EventPayload>, TraceError> {
    if command.inputs.is_empty() || command.outputs.is_empty() {
        return Err(TraceError::invalid(
            "operation",
            "needs at least one input and one output",
        ));
    }
    for (item, quantity) in &command.inputs {
        ctx.state.require(item)?;
        positive(*quantity)?;
    }
    for item in &command.outputs {
        ctx.state.require(item)?;
    }
    Ok(vec![EventPayload::UpstreamLinked {
        operation: command.operation.clone(),
        inputs: command.inputs.clone(),
        outputs: command.outputs.clone(),
    }])
}
