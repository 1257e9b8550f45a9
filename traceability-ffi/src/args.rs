//! Converting C arguments into core values. Every helper names the argument in its
//! error, so `tr_last_error_message()` says which one was wrong.
//!
//! Conventions: strings are NUL-terminated UTF-8; quantities are decimal strings
//! (`"12.5"`); dates are `"YYYY-MM-DD"`; NULL means "not given" for optional arguments
//! and is a `TR_ERR_NULL_POINTER` for required ones.

use std::ffi::{c_char, c_int, CStr};
use std::str::FromStr;

use chrono::NaiveDate;
use traceability_core::{
    InvalidInput, ItemRef, Line, LocationId, LotKey, LotNumber, LotSpec, Output, ProductId,
    Quantity, SerialNumber, Strategy,
};

use crate::status::Failure;

/// A required UTF-8 string argument.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that outlives the call.
pub unsafe fn str_arg<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, Failure> {
    opt_str_arg(ptr, name)?.ok_or_else(|| Failure::null(name))
}

/// An optional UTF-8 string argument (NULL: not given).
///
/// # Safety
/// As [`str_arg`].
pub unsafe fn opt_str_arg<'a>(ptr: *const c_char, name: &str) -> Result<Option<&'a str>, Failure> {
    if ptr.is_null() {
        return Ok(None);
    }
    CStr::from_ptr(ptr)
        .to_str()
        .map(Some)
        .map_err(|e| Failure::invalid_utf8(name, e))
}

/// A required value parsed from a string argument: ids (`ProductId`, `LotNumber`, ...),
/// which trim and reject empty text.
///
/// # Safety
/// As [`str_arg`].
pub unsafe fn id_arg<T: FromStr<Err = InvalidInput>>(
    ptr: *const c_char,
    name: &str,
) -> Result<T, Failure> {
    Ok(str_arg(ptr, name)?.parse()?)
}

/// An optional id (NULL: not given).
///
/// # Safety
/// As [`str_arg`].
pub unsafe fn opt_id_arg<T: FromStr<Err = InvalidInput>>(
    ptr: *const c_char,
    name: &str,
) -> Result<Option<T>, Failure> {
    opt_str_arg(ptr, name)?
        .map(str::parse)
        .transpose()
        .map_err(Failure::from)
}

/// An optional free-text argument, owned (NULL: not given).
///
/// # Safety
/// As [`str_arg`].
pub unsafe fn opt_text_arg(ptr: *const c_char, name: &str) -> Result<Option<String>, Failure> {
    Ok(opt_str_arg(ptr, name)?.map(str::to_owned))
}

fn invalid(name: &str, message: String) -> Failure {
    Failure::invalid(name, message)
}

/// A required decimal quantity such as `"12.5"` (never a binary float).
///
/// # Safety
/// As [`str_arg`].
pub unsafe fn quantity_arg(ptr: *const c_char, name: &str) -> Result<Quantity, Failure> {
    let text = str_arg(ptr, name)?;
    Quantity::from_str(text.trim())
        .map_err(|e| invalid(name, format!("{text:?} is not a decimal number ({e})")))
}

/// An optional decimal (NULL: not given), e.g. a specification limit or a percentage.
///
/// # Safety
/// As [`str_arg`].
pub unsafe fn opt_quantity_arg(
    ptr: *const c_char,
    name: &str,
) -> Result<Option<Quantity>, Failure> {
    if ptr.is_null() {
        return Ok(None);
    }
    quantity_arg(ptr, name).map(Some)
}

/// A lot given as two string arguments, `product` and `lot`, both required.
///
/// # Safety
/// As [`str_arg`].
pub unsafe fn lot_key_arg(product: *const c_char, lot: *const c_char) -> Result<LotKey, Failure> {
    Ok(LotKey {
        product: id_arg(product, "product")?,
        lot: id_arg(lot, "lot")?,
    })
}

/// An optional `"YYYY-MM-DD"` date (NULL: not given).
///
/// # Safety
/// As [`str_arg`].
pub unsafe fn opt_date_arg(ptr: *const c_char, name: &str) -> Result<Option<NaiveDate>, Failure> {
    opt_str_arg(ptr, name)?
        .map(|text| {
            NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
                .map_err(|e| invalid(name, format!("{text:?} is not a YYYY-MM-DD date ({e})")))
        })
        .transpose()
}

/// An optional number passed by pointer (NULL: not given).
///
/// # Safety
/// `ptr` is NULL or points to a readable value.
pub unsafe fn opt_value_arg<T: Copy>(ptr: *const T) -> Option<T> {
    ptr.as_ref().copied()
}

/// An array argument of `len` elements; NULL is allowed only when `len` is 0. A `len`
/// no array can have (more than `PTRDIFF_MAX` bytes, e.g. `(size_t)-1`) is
/// `TR_ERR_INVALID_INPUT`; a misaligned pointer is `TR_ERR_INVALID_INPUT` too.
///
/// # Safety
/// `ptr` is NULL or points to `len` readable elements that outlive the call.
pub unsafe fn slice_arg<'a, T>(ptr: *const T, len: usize, name: &str) -> Result<&'a [T], Failure> {
    let max_len = isize::MAX as usize / std::mem::size_of::<T>().max(1);
    match (ptr.is_null(), len) {
        (true, 0) => Ok(&[]),
        (true, _) => Err(Failure::null(name)),
        (false, len) if len > max_len => Err(invalid(
            name,
            format!("{len} elements is more than any array can hold"),
        )),
        (false, _) if !ptr.is_aligned() => Err(invalid(name, "misaligned pointer".to_owned())),
        (false, _) => Ok(std::slice::from_raw_parts(ptr, len)),
    }
}

/// A required pointer to a C struct, converted by `convert`.
///
/// # Safety
/// `ptr` is NULL or points to a valid `T`.
pub unsafe fn struct_arg<T, R>(
    ptr: *const T,
    name: &str,
    convert: impl FnOnce(&T, &str) -> Result<R, Failure>,
) -> Result<R, Failure> {
    convert(ptr.as_ref().ok_or_else(|| Failure::null(name))?, name)
}

/// Whether an item is a lot or a serial: `TR_ITEM_LOT` or `TR_ITEM_SERIAL` (another
/// value is TR_ERR_INVALID_INPUT).
#[allow(non_camel_case_types)]
pub type tr_item_kind = c_int;
/// A lot of a lot-tracked product; `number` is the lot number.
pub const TR_ITEM_LOT: tr_item_kind = 0;
/// A serial of a serial-tracked product; `number` is the serial number.
pub const TR_ITEM_SERIAL: tr_item_kind = 1;

/// A lot or a serial: `{ TR_ITEM_LOT, "FLOUR", "L1" }`. The strings are borrowed for
/// the duration of the call only.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct tr_item {
    /// Lot or serial.
    pub kind: tr_item_kind,
    /// Product code (required).
    pub product: *const c_char,
    /// Lot or serial number (required).
    pub number: *const c_char,
}

/// An item with a quantity at a location: what a work order consumes.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct tr_line {
    /// The lot or serial.
    pub item: tr_item,
    /// Where it is taken from (required).
    pub location: *const c_char,
    /// Decimal quantity, `"1"` for a serial (required).
    pub quantity: *const c_char,
}

/// What a work order produces: one of the `TR_OUTPUT_*` values (another value is
/// TR_ERR_INVALID_INPUT).
#[allow(non_camel_case_types)]
pub type tr_output_kind = c_int;
/// A new lot (`number` = new lot number; dates derived from the product).
pub const TR_OUTPUT_NEW_LOT: tr_output_kind = 0;
/// More of an existing lot (rework, blending).
pub const TR_OUTPUT_INTO_LOT: tr_output_kind = 1;
/// A new serial (an assembly); `quantity` is ignored and may be NULL.
pub const TR_OUTPUT_NEW_SERIAL: tr_output_kind = 2;

/// An allocation strategy: one of the `TR_STRATEGY_*` values (another value is
/// TR_ERR_INVALID_INPUT).
#[allow(non_camel_case_types)]
pub type tr_strategy = c_int;
/// First expired, first out: earliest removal date (else expiry) first; lots without
/// either last.
pub const TR_STRATEGY_FEFO: tr_strategy = 0;
/// First in, first out: earliest receipt first.
pub const TR_STRATEGY_FIFO: tr_strategy = 1;
/// Last in, first out: latest receipt first.
pub const TR_STRATEGY_LIFO: tr_strategy = 2;

/// Converts a [`tr_strategy`] argument.
pub fn strategy_from_c(strategy: tr_strategy, name: &str) -> Result<Strategy, Failure> {
    match strategy {
        TR_STRATEGY_FEFO => Ok(Strategy::Fefo),
        TR_STRATEGY_FIFO => Ok(Strategy::Fifo),
        TR_STRATEGY_LIFO => Ok(Strategy::Lifo),
        other => Err(unknown_kind(name, other)),
    }
}

fn unknown_kind(name: &str, kind: c_int) -> Failure {
    invalid(name, format!("unknown kind {kind}"))
}

/// One output of a work order.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct tr_output {
    /// New lot, into an existing lot, or new serial.
    pub kind: tr_output_kind,
    /// Product code (required).
    pub product: *const c_char,
    /// Lot or serial number (required into an existing lot; NULL for a new lot or
    /// serial numbers it from the product's scheme).
    pub number: *const c_char,
    /// Decimal quantity (required for lots).
    pub quantity: *const c_char,
    /// Where it is put (required).
    pub location: *const c_char,
}

/// Converts a [`tr_item`] argument.
///
/// # Safety
/// The strings of `item` are NULL or valid.
pub unsafe fn item_from_c(item: &tr_item, name: &str) -> Result<ItemRef, Failure> {
    let product: ProductId = id_arg(item.product, &format!("{name}.product"))?;
    let number_name = format!("{name}.number");
    Ok(match item.kind {
        TR_ITEM_LOT => ItemRef::Lot {
            product,
            lot: id_arg(item.number, &number_name)?,
        },
        TR_ITEM_SERIAL => ItemRef::Serial {
            product,
            serial: id_arg(item.number, &number_name)?,
        },
        other => return Err(unknown_kind(&format!("{name}.kind"), other)),
    })
}

/// Converts a [`tr_item`] argument that must be a lot (`TR_ITEM_LOT`).
///
/// # Safety
/// The strings of `item` are NULL or valid.
pub unsafe fn lot_key_from_c(item: &tr_item, name: &str) -> Result<LotKey, Failure> {
    match item_from_c(item, name)? {
        ItemRef::Lot { product, lot } => Ok(LotKey { product, lot }),
        ItemRef::Serial { .. } => Err(invalid(
            &format!("{name}.kind"),
            "must be TR_ITEM_LOT".to_owned(),
        )),
    }
}

/// Converts a [`tr_line`] argument.
///
/// # Safety
/// The strings of `line` are NULL or valid.
pub unsafe fn line_from_c(line: &tr_line, name: &str) -> Result<Line, Failure> {
    Ok(Line {
        item: item_from_c(&line.item, &format!("{name}.item"))?,
        location: id_arg(line.location, &format!("{name}.location"))?,
        quantity: quantity_arg(line.quantity, &format!("{name}.quantity"))?,
    })
}

/// Converts a [`tr_output`] argument.
///
/// # Safety
/// The strings of `output` are NULL or valid.
pub unsafe fn output_from_c(output: &tr_output, name: &str) -> Result<Output, Failure> {
    let field = |f: &str| format!("{name}.{f}");
    let product: ProductId = id_arg(output.product, &field("product"))?;
    let location: LocationId = id_arg(output.location, &field("location"))?;
    Ok(match output.kind {
        TR_OUTPUT_NEW_LOT => Output::NewLot {
            spec: LotSpec {
                lot: opt_id_arg::<LotNumber>(output.number, &field("number"))?,
                ..LotSpec::unnumbered(product)
            },
            quantity: quantity_arg(output.quantity, &field("quantity"))?,
            location,
        },
        TR_OUTPUT_INTO_LOT => Output::IntoLot {
            product,
            lot: id_arg(output.number, &field("number"))?,
            quantity: quantity_arg(output.quantity, &field("quantity"))?,
            location,
        },
        TR_OUTPUT_NEW_SERIAL => Output::NewSerial {
            product,
            serial: opt_id_arg::<SerialNumber>(output.number, &field("number"))?,
            location,
        },
        other => return Err(unknown_kind(&field("kind"), other)),
    })
}

/// Converts each element of a C array with `convert`, naming elements `name[i]`.
///
/// # Safety
/// As [`slice_arg`]; `convert` must be sound for each element.
pub unsafe fn vec_arg<T, R>(
    ptr: *const T,
    len: usize,
    name: &str,
    convert: impl Fn(&T, &str) -> Result<R, Failure>,
) -> Result<Vec<R>, Failure> {
    slice_arg(ptr, len, name)?
        .iter()
        .enumerate()
        .map(|(i, element)| convert(element, &format!("{name}[{i}]")))
        .collect()
}

/// Converts a `const char *const *` array of ids.
///
/// # Safety
/// As [`vec_arg`]; each string is NULL or valid.
pub unsafe fn id_vec_arg<T: FromStr<Err = InvalidInput>>(
    ptr: *const *const c_char,
    len: usize,
    name: &str,
) -> Result<Vec<T>, Failure> {
    vec_arg(ptr, len, name, |s, element| id_arg(*s, element))
}

/// Parses a JSON argument into `T`; a parse error is `TR_ERR_INVALID_INPUT`.
///
/// # Safety
/// As [`str_arg`].
pub unsafe fn json_arg<T: serde::de::DeserializeOwned>(
    ptr: *const c_char,
    name: &str,
) -> Result<T, Failure> {
    serde_json::from_str(str_arg(ptr, name)?).map_err(|e| invalid(name, format!("bad JSON: {e}")))
}

/// Parses a lowercase enum name such as `"lot"` or `"receiving"` through the core's serde names.
///
/// # Safety
/// As [`str_arg`].
pub unsafe fn name_arg<T: serde::de::DeserializeOwned>(
    ptr: *const c_char,
    name: &str,
    allowed: &str,
) -> Result<T, Failure> {
    let text = str_arg(ptr, name)?;
    serde_json::from_value(serde_json::Value::String(text.trim().to_owned()))
        .map_err(|_| invalid(name, format!("{text:?} is not one of {allowed}")))
}

/// An optional enum name as [`name_arg`] (NULL: not given).
///
/// # Safety
/// As [`str_arg`].
pub unsafe fn opt_name_arg<T: serde::de::DeserializeOwned>(
    ptr: *const c_char,
    name: &str,
    allowed: &str,
) -> Result<Option<T>, Failure> {
    match ptr.is_null() {
        true => Ok(None),
        false => name_arg(ptr, name, allowed).map(Some),
    }
}
