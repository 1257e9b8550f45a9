//! The columns of each CSV kind, with the header aliases ERPs and spreadsheets use, and
//! the conversion of one row's cells to a command.

use chrono::NaiveDate;

use super::{CsvKind, RowError};
use crate::command::{
    Adjust, Command, CreateLot, ExpectSerials, LotSpec, ReceiveSerials, RecordTestResult,
};
use crate::kernel::error::TraceError;
use crate::kernel::id::{LocationId, LotKey, LotNumber, ProductId, SerialNumber};
use crate::kernel::vocab::SerialStatus;
use crate::kernel::Quantity;
use crate::model::LotDates;

/// One column: its name (as exported) and the other header names accepted on import,
/// compared in lower case without spaces or punctuation.
pub(super) struct Column {
    pub(super) name: &'static str,
    aliases: &'static [&'static str],
}

const fn col(name: &'static str, aliases: &'static [&'static str]) -> Column {
    Column { name, aliases }
}

/// The receipt date, in lot and serial files.
const RECEIVED_DATE: Column = col(
    "received_date",
    &["received", "receivedon", "receiptdate", "datereceived"],
);

/// The manual's lot columns, plus stock and supplier.
pub(super) const LOTS: &[Column] = &[
    col(
        "number",
        &["lot", "lotnumber", "lotno", "batch", "batchnumber"],
    ),
    col("product", &["item", "sku", "productcode", "itemcode"]),
    RECEIVED_DATE,
    col(
        "manufacturing_date",
        &[
            "manufacturedon",
            "mfgdate",
            "productiondate",
            "manufacturedate",
        ],
    ),
    col(
        "expiry_date",
        &["expiry", "expirationdate", "expires", "useby", "expdate"],
    ),
    col("best_before_date", &["bestbefore", "bbd"]),
    col("removal_date", &["removal"]),
    col("alert_date", &["alert"]),
    col("weight", &["netweight"]),
    col("description", &["desc"]),
    col("status", &[]),
    col("quantity", &["qty", "onhand"]),
    col("location", &["bin", "loc", "warehouselocation"]),
    col("supplier", &["vendor"]),
    col("supplier_lot", &["vendorlot", "supplierlotnumber"]),
    col(
        "shelf_life_remain_pct",
        &["shelfliferemain", "shelfliferemaining"],
    ),
];

/// The WMS guide's serial columns.
pub(super) const SERIALS: &[Column] = &[
    col("product", &["item", "sku", "productcode", "itemcode"]),
    col("serial", &["serialnumber", "serialno", "sn", "number"]),
    col("status", &[]),
    col("location", &["bin", "loc", "warehouselocation"]),
    col("supplier", &["vendor"]),
    RECEIVED_DATE,
];

/// Quality test results on lots.
pub(super) const TEST_RESULTS: &[Column] = &[
    col("product", &["item", "sku", "productcode", "itemcode"]),
    col("lot", &["lotnumber", "number", "batch"]),
    col("test", &["testname", "parameter", "characteristic"]),
    col("value", &["result", "measured"]),
    col("unit", &["uom"]),
    col("spec_min", &["min", "lowerlimit", "lsl"]),
    col("spec_max", &["max", "upperlimit", "usl"]),
    col("tested_on", &["testdate", "date"]),
];

/// The columns a kind requires on import.
pub(super) fn required(kind: CsvKind) -> &'static [&'static str] {
    match kind {
        CsvKind::Lots => &["product"],
        CsvKind::Serials => &["product", "serial"],
        CsvKind::TestResults => &["product", "lot", "test", "value"],
    }
}

/// A header name in the form aliases are compared in.
pub(super) fn normalised(header: &str) -> String {
    header
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

impl Column {
    pub(super) fn accepts(&self, header: &str) -> bool {
        let header = normalised(header);
        normalised(self.name) == header || self.aliases.contains(&header.as_str())
    }
}

/// One data row's cells by column name, with what parsing them needs.
pub(super) struct Row<'a> {
    /// The row's line number in the file (the header is line 1).
    pub(super) line: usize,
    pub(super) cells: Vec<(&'static str, &'a str)>,
    pub(super) date_format: &'a str,
}

impl Row<'_> {
    /// The trimmed text of a column, `None` when absent or blank.
    pub(super) fn text(&self, column: &'static str) -> Option<&str> {
        self.cells
            .iter()
            .find(|(name, _)| *name == column)
            .map(|(_, value)| value.trim())
            .filter(|value| !value.is_empty())
    }

    fn error(&self, column: &'static str, error: impl Into<TraceError>) -> Box<RowError> {
        Box::new(RowError {
            line: self.line,
            column: Some(column.to_owned()),
            value: self.text(column).map(str::to_owned),
            error: error.into(),
        })
    }

    /// A column parsed with `parse`, `None` when blank; a bad value names the column.
    fn parse<T, E: Into<TraceError>>(
        &self,
        column: &'static str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<Option<T>, Box<RowError>> {
        self.text(column)
            .map(parse)
            .transpose()
            .map_err(|e| self.error(column, e))
    }

    fn required<T, E: Into<TraceError>>(
        &self,
        column: &'static str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<T, Box<RowError>> {
        self.parse(column, parse)?
            .ok_or_else(|| self.error(column, TraceError::invalid(column, "is required")))
    }

    fn date(&self, column: &'static str) -> Result<Option<NaiveDate>, Box<RowError>> {
        let format = self.date_format;
        self.parse(column, |text| {
            NaiveDate::parse_from_str(text, format).map_err(|e| {
                TraceError::invalid(column, format!("{text:?} is not a date as {format}: {e}"))
            })
        })
    }

    fn id<T: std::str::FromStr>(&self, column: &'static str) -> Result<Option<T>, Box<RowError>>
    where
        T::Err: Into<TraceError>,
    {
        self.parse(column, str::parse::<T>)
    }

    fn quantity(&self, column: &'static str) -> Result<Option<Quantity>, Box<RowError>> {
        self.id(column)
    }
}

/// The locations each numbered lot of a file was given at so far.
pub(super) type LotsSeen = foldhash::HashMap<(ProductId, LotNumber), Vec<Option<LocationId>>>;

/// A lot row: a new lot record (with its stock when a quantity is given), or, when the
/// file already had this lot at another location, more stock of it there.
pub(super) fn lot_command(row: &Row<'_>, seen: &mut LotsSeen) -> Result<Command, Box<RowError>> {
    let product: ProductId = row.required("product", str::parse)?;
    let quantity = row.quantity("quantity")?;
    let location: Option<LocationId> = row.id("location")?;
    let number: Option<LotNumber> = row.id("number")?;
    let earlier = match &number {
        Some(lot) => seen.entry((product.clone(), lot.clone())).or_default(),
        None => &mut Vec::new(),
    };
    if earlier.contains(&location) {
        let key = format!("{product}/{}", number.as_ref().map_or("", |n| n.as_str()));
        return Err(row.error("number", TraceError::DuplicateNumber { kind: "lot", key }));
    }
    earlier.push(location.clone());
    if earlier.len() > 1 {
        let (Some(lot), Some(location), Some(quantity)) = (number, location, quantity) else {
            let why = "repeats a lot: give its quantity at another location";
            return Err(row.error("quantity", TraceError::invalid("quantity", why)));
        };
        return Ok(Command::Adjust(Adjust {
            product,
            lot,
            location,
            delta: quantity,
        }));
    }
    let spec = LotSpec {
        lot: number,
        manufactured_on: row.date("manufacturing_date")?,
        dates: LotDates {
            expiry: row.date("expiry_date")?,
            best_before: row.date("best_before_date")?,
            removal: row.date("removal_date")?,
            alert: row.date("alert_date")?,
        },
        weight: row.quantity("weight")?,
        description: row.text("description").unwrap_or_default().to_owned(),
        supplier_lot: row.text("supplier_lot").map(str::to_owned),
        ..LotSpec::unnumbered(product)
    };
    let active = row.parse("status", |status| {
        match status.to_ascii_lowercase().as_str() {
            "active" => Ok(true),
            "inactive" => Ok(false),
            other => Err(TraceError::invalid(
                "status",
                format!("{other:?} is not Active or Inactive"),
            )),
        }
    })?;
    Ok(Command::CreateLot(CreateLot {
        spec,
        supplier: row.id("supplier")?,
        received_on: row.date("received_date")?,
        quantity,
        location,
        active: active.unwrap_or(true),
        reference: None,
    }))
}

/// A serial row: EXPECTED (an advance notice), RECEIVED, or IN_INVENTORY (received and
/// put away); the default is RECEIVED with a location, EXPECTED without.
pub(super) fn serial_command(row: &Row<'_>) -> Result<Command, Box<RowError>> {
    let product: ProductId = row.required("product", str::parse)?;
    let serial: SerialNumber = row.required("serial", str::parse)?;
    let location = row.id("location")?;
    let supplier = row.id("supplier")?;
    let received_on = row.date("received_date")?;
    let status = row.parse("status", |text| {
        let name = text.to_ascii_uppercase().replace(' ', "_");
        SerialStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == name)
            .ok_or_else(|| {
                TraceError::invalid("status", format!("{text:?} is not a serial status"))
            })
    })?;
    let status = status.unwrap_or(match location {
        Some(_) => SerialStatus::Received,
        None => SerialStatus::Expected,
    });
    let receive = |put_away| match location.clone() {
        Some(location) => Ok(Command::ReceiveSerials(ReceiveSerials {
            product: product.clone(),
            serials: vec![serial.clone()],
            location,
            supplier: supplier.clone(),
            reference: None,
            generate: 0,
            put_away,
            received_on,
        })),
        None => Err(row.error(
            "location",
            TraceError::invalid("location", "is required for a received serial"),
        )),
    };
    match status {
        SerialStatus::Expected => Ok(Command::ExpectSerials(ExpectSerials {
            product: product.clone(),
            serials: vec![serial.clone()],
            supplier: supplier.clone(),
            reference: None,
        })),
        SerialStatus::Received => receive(false),
        SerialStatus::InInventory => receive(true),
        other => Err(row.error(
            "status",
            TraceError::invalid(
                "status",
                format!("a serial is imported EXPECTED, RECEIVED or IN_INVENTORY, not {other:?}"),
            ),
        )),
    }
}

/// A test result row.
pub(super) fn test_result_command(row: &Row<'_>) -> Result<Command, Box<RowError>> {
    Ok(Command::RecordTestResult(RecordTestResult {
        lot: LotKey {
            product: row.required("product", str::parse)?,
            lot: row.required("lot", str::parse)?,
        },
        test: row.required("test", |t| Ok::<_, TraceError>(t.to_owned()))?,
        value: row.required("value", str::parse::<Quantity>)?,
        unit: row.text("unit").unwrap_or_default().to_owned(),
        spec_min: row.quantity("spec_min")?,
        spec_max: row.quantity("spec_max")?,
        tested_on: row.date("tested_on")?,
    }))
}
