//! Writing lots, serials and test results in the columns the import reads.

use std::io::Write;

use chrono::NaiveDate;

use super::{columns, CsvKind};
use crate::kernel::error::TraceError;
use crate::kernel::Quantity;
use crate::model::Lot;
use crate::state::State;

/// Writes every lot (one row per location holding stock, one row without stock for a
/// lot with none), serial or test result of `state` as CSV, with the shelf life
/// remaining on `as_of`.
pub fn export_csv(
    state: &State,
    kind: CsvKind,
    as_of: NaiveDate,
    output: impl Write,
) -> Result<(), TraceError> {
    let mut writer = csv::Writer::from_writer(output);
    let failed = |e: csv::Error| TraceError::storage(format!("cannot write the CSV: {e}"));
    writer
        .write_record(kind.columns().iter().map(|c| c.name))
        .map_err(failed)?;
    match kind {
        CsvKind::Lots => {
            for lot in state.lots() {
                for row in lot_rows(lot, as_of) {
                    writer.write_record(&row).map_err(failed)?;
                }
            }
        }
        CsvKind::Serials => {
            for serial in state.serials() {
                let received_on = serial.received_on.map(|d| d.to_string());
                writer
                    .write_record([
                        serial.product.as_str(),
                        serial.number.as_str(),
                        serial.status.as_str(),
                        serial.location.as_ref().map_or("", |l| l.as_str()),
                        serial.supplier.as_ref().map_or("", |s| s.as_str()),
                        received_on.as_deref().unwrap_or(""),
                    ])
                    .map_err(failed)?;
            }
        }
        CsvKind::TestResults => {
            for lot in state.lots() {
                let Ok(quality) =
                    crate::query::quality::lot_quality(state, &lot.product, &lot.number)
                else {
                    continue;
                };
                for test in &quality.tests {
                    writer
                        .write_record([
                            lot.product.to_string(),
                            lot.number.to_string(),
                            test.test.clone(),
                            test.value.to_string(),
                            test.unit.clone(),
                            text(test.spec_min),
                            text(test.spec_max),
                            test.tested_on.to_string(),
                        ])
                        .map_err(failed)?;
                }
            }
        }
    }
    writer
        .flush()
        .map_err(|e| TraceError::storage(format!("cannot write the CSV: {e}")))
}

fn text<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// A lot's rows, in the order of [`columns::LOTS`].
fn lot_rows(lot: &Lot, as_of: NaiveDate) -> Vec<Vec<String>> {
    let record = |quantity: Option<Quantity>, location: String| {
        vec![
            lot.number.to_string(),
            lot.product.to_string(),
            lot.received_on.to_string(),
            text(lot.manufactured_on),
            text(lot.dates.expiry),
            text(lot.dates.best_before),
            text(lot.dates.removal),
            text(lot.dates.alert),
            text(lot.weight()),
            lot.description().to_owned(),
            if lot.active { "Active" } else { "Inactive" }.to_owned(),
            text(quantity),
            location,
            text(lot.supplier.as_ref()),
            lot.supplier_lot().unwrap_or_default().to_owned(),
            text(lot.shelf_life_remaining_pct(as_of)),
        ]
    };
    debug_assert_eq!(columns::LOTS.len(), 16);
    if lot.stock.is_empty() {
        return vec![record(None, String::new())];
    }
    lot.stock
        .iter()
        .map(|line| record(Some(line.on_hand), line.location.to_string()))
        .collect()
}
