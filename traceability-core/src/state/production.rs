//! Applying production: consumption, outputs and the genealogy edges between them.

use super::{ItemIdx, State};
use crate::command::Line;
use crate::event::Produced;
use crate::kernel::error::TraceError;
use crate::kernel::id::WorkOrderId;
use crate::kernel::vocab::SerialStatus;
use crate::model::{Origin, Serial};

impl State {
    pub(super) fn produce(
        &mut self,
        seq: u64,
        work_order: &WorkOrderId,
        consumed: &[Line],
        outputs: &[Produced],
    ) -> Result<(), TraceError> {
        let mut inputs = Vec::with_capacity(consumed.len());
        for line in consumed {
            let idx = self.put_or_take(seq, line, false, SerialStatus::Consumed)?;
            inputs.push((idx, line.quantity));
        }
        let mut produced = Vec::with_capacity(outputs.len());
        for output in outputs {
            let out = match output {
                Produced::NewLot(lot) => ItemIdx::Lot(self.add_lot(seq, lot.clone())?),
                Produced::IntoLot(line) => {
                    self.put_or_take(seq, line, true, SerialStatus::Received)?
                }
                Produced::NewSerial {
                    product,
                    serial,
                    location,
                } => ItemIdx::Serial(self.add_serial(
                    seq,
                    Serial {
                        product: product.clone(),
                        number: serial.clone(),
                        status: SerialStatus::Received,
                        location: Some(location.clone()),
                        supplier: None,
                        order: None,
                        on_hold: false,
                        origin: Origin::Produced {
                            work_order: work_order.clone(),
                        },
                    },
                )?),
            };
            produced.push(out);
        }
        self.genealogy
            .record_production(work_order, &inputs, &produced);
        Ok(())
    }
}
