//! CSV import and export of lots, serials and quality test results, in the columns of
//! the lot/serial manual and the WMS guide.
//!
//! **Import** maps headers by name, ignoring case, spaces and punctuation, with the
//! usual aliases (`Lot Number`, `Expiration Date`, `Qty`, `Vendor`, ...; see
//! `columns.rs`). Dates are ISO `YYYY-MM-DD` unless [`CsvOptions::date_format`] says
//! otherwise (a chrono format such as `%d/%m/%Y`). Every row is parsed and validated,
//! in order, each seeing the valid rows before it, and every problem is reported with
//! its line, column, value and typed error ([`RowError`]). Then, unless it is a dry run,
//! the rows are stored in one atomic append: all of them or none
//! ([`ImportMode::AllOrNothing`], the default), or the valid ones
//! ([`ImportMode::ValidRows`]).
//!
//! - A lot row is a new lot record ([`crate::Command::CreateLot`]): with a blank number
//!   the product's numbering scheme numbers it; with a quantity and location it has that
//!   stock. The same lot again at another location adds stock there (the shape of an
//!   export of a lot kept at several locations); at the same location it is a duplicate.
//! - A serial row is EXPECTED, RECEIVED or IN_INVENTORY (received and put away).
//! - A test result row records a result on a lot.
//!
//! **Export** writes the same columns, so an export imports into an empty tracker
//! (with the same master data) to the same lot records; lots get one row per location
//! holding stock, and the shelf life remaining on the export date.

mod columns;
mod export;

use std::io::Read;

use serde::{Deserialize, Serialize};

pub use export::export_csv;

use crate::command::Command;
use crate::engine::{ImportMode, Tracker};
use crate::kernel::error::{ErrorKind, TraceError};
use crate::Committed;
use columns::{Column, Row};

/// What a CSV file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CsvKind {
    /// Lot records with their stock.
    Lots,
    /// Serials.
    Serials,
    /// Quality test results on lots.
    TestResults,
}

impl CsvKind {
    fn columns(self) -> &'static [Column] {
        match self {
            Self::Lots => columns::LOTS,
            Self::Serials => columns::SERIALS,
            Self::TestResults => columns::TEST_RESULTS,
        }
    }
}

/// How to read a CSV file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsvOptions {
    /// What the file holds.
    pub kind: CsvKind,
    /// Which rows to store.
    #[serde(default)]
    pub mode: ImportMode,
    /// Validate every row, store nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// A chrono date format (default `%Y-%m-%d`).
    #[serde(default)]
    pub date_format: Option<String>,
    /// The field delimiter (default `,`).
    #[serde(default = "comma")]
    pub delimiter: char,
    /// Skip columns that are not this kind's (default: an unknown column is an error,
    /// which catches misspelt headers).
    #[serde(default)]
    pub ignore_unknown_columns: bool,
}

fn comma() -> char {
    ','
}

impl CsvOptions {
    /// Options for `kind` with every default.
    pub fn new(kind: CsvKind) -> Self {
        Self {
            kind,
            mode: ImportMode::default(),
            dry_run: false,
            date_format: None,
            delimiter: ',',
            ignore_unknown_columns: false,
        }
    }
}

/// A row that cannot be imported.
#[derive(Clone, Debug, PartialEq)]
pub struct RowError {
    /// Its line in the file (the header is line 1).
    pub line: usize,
    /// The column at fault, when one is.
    pub column: Option<String>,
    /// The value in that column.
    pub value: Option<String>,
    /// Why.
    pub error: TraceError,
}

impl Serialize for RowError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Wire<'a> {
            line: usize,
            column: &'a Option<String>,
            value: &'a Option<String>,
            kind: ErrorKind,
            message: String,
        }
        Wire {
            line: self.line,
            column: &self.column,
            value: &self.value,
            kind: self.error.kind(),
            message: self.error.to_string(),
        }
        .serialize(serializer)
    }
}

/// What an import did.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ImportReport {
    /// Data rows read.
    pub rows: usize,
    /// Rows that are valid.
    pub valid: usize,
    /// Every row that is not, in file order.
    pub errors: Vec<RowError>,
    /// Where the stored rows are; `None` when nothing was stored.
    pub committed: Option<Committed>,
    /// The progress callback stopped the import (nothing was stored).
    pub stopped: bool,
}

/// Imports a CSV file into `tracker` (see the module docs). `progress` is called with
/// the rows validated so far; returning `false` stops the import (nothing stored). An
/// `Err` means the file as a whole cannot be imported (an unreadable file, a missing or
/// unknown column, a failing store); nothing is stored then. Every event of the import
/// carries `reason` (default "CSV import").
pub fn import_csv(
    tracker: &mut Tracker,
    actor: &str,
    reason: Option<&str>,
    input: impl Read,
    options: &CsvOptions,
    progress: &mut dyn FnMut(usize) -> bool,
) -> Result<ImportReport, TraceError> {
    let (rows, mut errors) = parse_rows(input, options)?;
    let total = rows.len() + errors.len();
    let all_or_nothing = options.mode == ImportMode::AllOrNothing;
    let dry_run = options.dry_run || (all_or_nothing && !errors.is_empty());
    let imported = tracker.import_rows(
        actor,
        Some(reason.unwrap_or("CSV import")),
        &rows,
        options.mode,
        dry_run,
        progress,
    )?;
    errors.extend(imported.refused.into_iter().map(|(line, error)| RowError {
        line,
        column: column_of(options.kind, &error).map(str::to_owned),
        value: value_of(&error),
        error,
    }));
    errors.sort_by_key(|e| e.line);
    Ok(ImportReport {
        rows: total,
        valid: imported.valid,
        errors,
        committed: imported.committed,
        stopped: imported.stopped,
    })
}

/// The commands of the rows that parse (with their lines), and the errors of the rows
/// that do not.
type ParsedRows = (Vec<(usize, Command)>, Vec<RowError>);

fn parse_rows(input: impl Read, options: &CsvOptions) -> Result<ParsedRows, TraceError> {
    let delimiter = u8::try_from(options.delimiter)
        .map_err(|_| TraceError::invalid("delimiter", "must be one ASCII character"))?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(input);
    let headers = reader
        .headers()
        .map_err(|e| TraceError::invalid("csv", e.to_string()))?
        .clone();
    let mapping = map_headers(options, &headers)?;
    let date_format = options.date_format.as_deref().unwrap_or("%Y-%m-%d");
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut lots_seen = columns::LotsSeen::default();
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let error = TraceError::invalid("csv", e.to_string());
                errors.push(RowError {
                    line,
                    column: None,
                    value: None,
                    error,
                });
                continue;
            }
        };
        let cells = mapping
            .iter()
            .zip(record.iter())
            .filter_map(|(column, value)| column.map(|c| (c, value)))
            .collect();
        let row = Row {
            line,
            cells,
            date_format,
        };
        let command = match options.kind {
            CsvKind::Lots => columns::lot_command(&row, &mut lots_seen),
            CsvKind::Serials => columns::serial_command(&row),
            CsvKind::TestResults => columns::test_result_command(&row),
        };
        match command {
            Ok(command) => rows.push((line, command)),
            Err(error) => errors.push(*error),
        }
    }
    Ok((rows, errors))
}

/// Each header's column (`None`: ignored); refuses unknown, repeated and missing
/// required columns.
fn map_headers(
    options: &CsvOptions,
    headers: &csv::StringRecord,
) -> Result<Vec<Option<&'static str>>, TraceError> {
    let columns = options.kind.columns();
    let mut mapping = Vec::with_capacity(headers.len());
    for header in headers {
        let column = columns.iter().find(|c| c.accepts(header)).map(|c| c.name);
        if column.is_none() && !options.ignore_unknown_columns && !header.trim().is_empty() {
            let known: Vec<_> = columns.iter().map(|c| c.name).collect();
            return Err(TraceError::invalid(
                "header",
                format!(
                    "unknown column {header:?}; the columns are {}",
                    known.join(", ")
                ),
            ));
        }
        if column.is_some() && mapping.contains(&column) {
            return Err(TraceError::invalid(
                "header",
                format!("column {header:?} appears twice"),
            ));
        }
        mapping.push(column);
    }
    for required in columns::required(options.kind) {
        if !mapping.contains(&Some(required)) {
            return Err(TraceError::invalid(
                "header",
                format!("missing column {required:?}"),
            ));
        }
    }
    Ok(mapping)
}

/// The column a refused row's error is about, when it names one.
fn column_of(kind: CsvKind, error: &TraceError) -> Option<&'static str> {
    let lot_column = if kind == CsvKind::Lots {
        "number"
    } else {
        "lot"
    };
    Some(match error {
        TraceError::UnknownProduct(_) | TraceError::WrongTracking { .. } => "product",
        TraceError::UnknownLocation(_) => "location",
        TraceError::UnknownParty(_) | TraceError::WrongRole { .. } => "supplier",
        TraceError::UnknownLot { .. } => lot_column,
        TraceError::DuplicateNumber { kind: "serial", .. } => "serial",
        TraceError::DuplicateNumber { .. } => lot_column,
        TraceError::InvalidQuantity { .. } if kind == CsvKind::TestResults => "value",
        TraceError::InvalidQuantity { .. } => "quantity",
        TraceError::InvalidInput { field, .. } => {
            let field = match *field {
                "expiry" | "best_before" | "removal" | "alert" => return dated(field),
                "manufactured_on" => "manufacturing_date",
                "received_on" => "received_date",
                "lot" | "number" => lot_column,
                other => other,
            };
            kind.columns().iter().find(|c| c.name == field)?.name
        }
        _ => return None,
    })
}

/// The value a refused row's error names, when it names one.
fn value_of(error: &TraceError) -> Option<String> {
    Some(match error {
        TraceError::UnknownProduct(id) => id.to_string(),
        TraceError::UnknownLocation(id) => id.to_string(),
        TraceError::UnknownParty(id) | TraceError::WrongRole { party: id, .. } => id.to_string(),
        TraceError::UnknownLot { lot, .. } => lot.to_string(),
        TraceError::DuplicateNumber { key, .. } => key.rsplit('/').next().unwrap_or(key).to_owned(),
        TraceError::InvalidQuantity { quantity, .. } => quantity.to_string(),
        _ => return None,
    })
}

/// The date column of a lot date field.
fn dated(field: &str) -> Option<&'static str> {
    columns::LOTS
        .iter()
        .find(|c| c.name.strip_suffix("_date") == Some(field))
        .map(|c| c.name)
}
