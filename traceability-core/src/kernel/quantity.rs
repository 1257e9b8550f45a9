//! [`Quantity`]: an exact, bounded decimal quantity.
//!
//! A quantity has at most [`Quantity::MAX_SCALE`] (9) decimal places and a magnitude
//! below 10^15. Text with more places, or a larger magnitude, is refused with
//! [`InvalidInput`] — never rounded or truncated. Internally it is a count
//! of 10^-9 units in an `i128`, so arithmetic is exact and, with 10^14 times the
//! headroom of the largest quantity, sums cannot overflow: the operators saturate
//! instead of panicking, which no realistic log reaches. Commands check the bound of
//! what they would leave in stock with [`Quantity::checked_add`] before anything is
//! stored.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::kernel::invalid::InvalidInput;

/// Units of 10^-9 in one.
const NANOS_PER_UNIT: i128 = 1_000_000_000;
/// Exclusive bound of the magnitude, in nanos (10^15 units).
const BOUND_NANOS: i128 = 1_000_000_000_000_000 * NANOS_PER_UNIT;

/// An exact quantity in the product's unit of measure (`0.1 + 0.2 == 0.3`), with at most
/// 9 decimal places and a magnitude below 10^15.
///
/// ```
/// use traceability_core::Quantity;
/// let q: Quantity = "0.1".parse::<Quantity>().unwrap() + "0.2".parse::<Quantity>().unwrap();
/// assert_eq!(q, "0.3".parse::<Quantity>().unwrap());
/// assert_eq!("1.50".parse::<Quantity>().unwrap().to_string(), "1.5");
/// // Refused, never rounded:
/// assert!("1.0000000001".parse::<Quantity>().is_err());
/// assert!("1000000000000000".parse::<Quantity>().is_err());
/// assert!("79228162514264337593543950335".parse::<Quantity>().is_err());
/// ```
///
/// Aligned to 4 bytes rather than the `i128`'s 16 (`repr(packed(4))`), so records that
/// hold quantities beside `u32` indexes, ids and dates carry no padding (a genealogy
/// edge: 28 bytes, not 32).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(Rust, packed(4))]
pub struct Quantity(i128);

impl Quantity {
    /// Zero.
    pub const ZERO: Quantity = Quantity(0);
    /// One unit.
    pub const ONE: Quantity = Quantity(NANOS_PER_UNIT);
    /// Ten units.
    pub const TEN: Quantity = Quantity(10 * NANOS_PER_UNIT);
    /// The largest quantity: 10^15 − 10^-9.
    pub const MAX: Quantity = Quantity(BOUND_NANOS - 1);
    /// The most decimal places a quantity may have.
    pub const MAX_SCALE: u32 = 9;

    /// `units × 10^-scale`, e.g. `from_scaled(125, 1)` is 12.5; refused beyond the limits.
    ///
    /// ```
    /// use traceability_core::Quantity;
    /// assert_eq!(Quantity::from_scaled(125, 1).unwrap().to_string(), "12.5");
    /// assert!(Quantity::from_scaled(1, 10).is_err());
    /// ```
    pub fn from_scaled(units: i64, scale: u32) -> Result<Self, InvalidInput> {
        if scale > Self::MAX_SCALE {
            return Err(too_many_places());
        }
        Self::bounded(i128::from(units) * 10i128.pow(Self::MAX_SCALE - scale))
    }

    /// The quantity as a count of 10^-9 units.
    pub fn nanos(self) -> i128 {
        self.0
    }

    fn bounded(nanos: i128) -> Result<Self, InvalidInput> {
        if nanos.abs() >= BOUND_NANOS {
            return Err(InvalidInput::new(
                "quantity",
                "magnitude must be below 10^15",
            ));
        }
        Ok(Self(nanos))
    }

    /// The sum, or `None` when it would leave the limits (|q| < 10^15).
    ///
    /// ```
    /// use traceability_core::Quantity;
    /// assert!(Quantity::MAX.checked_add(Quantity::ONE).is_none());
    /// assert_eq!(Quantity::ONE.checked_add(Quantity::ONE), Some("2".parse().unwrap()));
    /// ```
    pub fn checked_add(self, other: Quantity) -> Option<Quantity> {
        Self::bounded(self.0.checked_add(other.0)?).ok()
    }

    /// Whether this is zero.
    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// Whether this is a whole number of units.
    pub fn is_whole(self) -> bool {
        self.0 % NANOS_PER_UNIT == 0
    }

    /// Whether this is below zero.
    pub fn is_negative(self) -> bool {
        self.0 < 0
    }
}

fn too_many_places() -> InvalidInput {
    InvalidInput::new("quantity", "more than 9 decimal places")
}

impl From<u32> for Quantity {
    fn from(units: u32) -> Self {
        Self(i128::from(units) * NANOS_PER_UNIT)
    }
}

impl From<i32> for Quantity {
    fn from(units: i32) -> Self {
        Self(i128::from(units) * NANOS_PER_UNIT)
    }
}

impl TryFrom<i64> for Quantity {
    type Error = InvalidInput;
    fn try_from(units: i64) -> Result<Self, InvalidInput> {
        Self::bounded(i128::from(units) * NANOS_PER_UNIT)
    }
}

impl TryFrom<usize> for Quantity {
    type Error = InvalidInput;
    fn try_from(units: usize) -> Result<Self, InvalidInput> {
        let units = i128::try_from(units).unwrap_or(i128::MAX / NANOS_PER_UNIT);
        Self::bounded(units * NANOS_PER_UNIT)
    }
}

impl FromStr for Quantity {
    type Err = InvalidInput;

    /// Parses `[+-]digits[.digits][e[+-]digits]` exactly (Python's `str(Decimal)` forms,
    /// including `1E-8`); trailing zeros beyond 9 places are fine, other digits are not.
    fn from_str(text: &str) -> Result<Self, InvalidInput> {
        // The common case: a whole number of at most 15 digits (below the 10^15 limit).
        if (1..=15).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit()) {
            let units = text.bytes().fold(0, |n, b| n * 10 + i64::from(b - b'0'));
            return Self::try_from(units);
        }
        let malformed = || {
            InvalidInput::new(
                "quantity",
                format!("not a decimal number: {:?}", truncated(text)),
            )
        };
        let (negative, unsigned) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
            Some(at) => {
                let exp = &unsigned[at + 1..];
                let digits = exp.strip_prefix(['+', '-']).unwrap_or(exp);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(malformed());
                }
                // Beyond ±10^6 the number is out of the limits (or zero) anyway.
                let exp: i64 = exp.parse().unwrap_or(if exp.starts_with('-') {
                    -1_000_000
                } else {
                    1_000_000
                });
                (&unsigned[..at], exp.clamp(-1_000_000, 1_000_000))
            }
            None => (unsigned, 0),
        };
        let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        if int_part.is_empty() && frac_part.is_empty()
            || !int_part
                .bytes()
                .chain(frac_part.bytes())
                .all(|b| b.is_ascii_digit())
        {
            return Err(malformed());
        }
        // value = digits × 10^-scale, the digits being int_part ‖ frac_part without
        // leading zeros (and without trailing zeros while the scale is positive); read in
        // place, without allocating: every decoded event and snapshot parses quantities.
        let all_digits = || int_part.bytes().chain(frac_part.bytes());
        let leading = all_digits().take_while(|&b| b == b'0').count();
        let mut significant = int_part.len() + frac_part.len() - leading;
        let mut scale = frac_part.len() as i64 - exponent;
        let trailing = all_digits()
            .rev()
            .take(significant)
            .take_while(|&b| b == b'0')
            .count();
        let dropped = trailing.min(usize::try_from(scale).unwrap_or(0));
        significant -= dropped;
        scale -= dropped as i64;
        if significant == 0 {
            return Ok(Self::ZERO);
        }
        if scale > i64::from(Self::MAX_SCALE) {
            return Err(too_many_places());
        }
        let nanos_digits = significant as i64 + i64::from(Self::MAX_SCALE) - scale;
        if nanos_digits > 25 {
            return Self::bounded(BOUND_NANOS);
        }
        let mut nanos = all_digits()
            .skip(leading)
            .take(significant)
            .fold(0i128, |n, digit| n * 10 + i128::from(digit - b'0'));
        nanos *= 10i128.pow((i64::from(Self::MAX_SCALE) - scale) as u32);
        Self::bounded(if negative { -nanos } else { nanos })
    }
}

/// The first 40 characters of user text, for messages.
fn truncated(text: &str) -> String {
    text.chars().take(40).collect()
}

/// The length of the longest decimal text of an `i128` count of nanos: a sign, 30
/// integer digits, a point and 9 decimals.
const DECIMAL_TEXT_LEN: usize = 41;
type DecimalBuffer = [u8; DECIMAL_TEXT_LEN];

impl Quantity {
    /// The decimal text (no trailing zeros after the point), written into the end of
    /// `buf` without allocating: every event and snapshot writes quantities as text.
    fn decimal_text(self, buf: &mut DecimalBuffer) -> &str {
        let nanos = self.0;
        let abs = nanos.unsigned_abs();
        let nanos_per_unit = NANOS_PER_UNIT as u128;
        let mut end = buf.len();
        // At most 10^9 - 1, so the fraction fits a u32.
        let mut fraction = (abs % nanos_per_unit) as u32;
        if fraction != 0 {
            let mut digits = 9;
            while fraction % 10 == 0 {
                fraction /= 10;
                digits -= 1;
            }
            end = write_digits(buf, end, u128::from(fraction), digits);
            end -= 1;
            buf[end] = b'.';
        }
        end = write_digits(buf, end, abs / nanos_per_unit, 1);
        if nanos < 0 {
            end -= 1;
            buf[end] = b'-';
        }
        std::str::from_utf8(&buf[end..]).expect("ASCII digits, point and sign")
    }
}

/// Writes the decimal digits of `n` (at least `min_digits`, zero-padded) so that they
/// end at `end`; returns where they start.
fn write_digits(buf: &mut DecimalBuffer, mut end: usize, mut n: u128, min_digits: usize) -> usize {
    let stop = end - min_digits;
    while n > 0 || end > stop {
        end -= 1;
        // Most quantities fit a u64, whose division is much cheaper than a u128's.
        let digit = match u64::try_from(n) {
            Ok(small) => {
                n = u128::from(small / 10);
                small % 10
            }
            Err(_) => {
                let digit = (n % 10) as u64;
                n /= 10;
                digit
            }
        };
        buf[end] = b'0' + digit as u8;
    }
    end
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.decimal_text(&mut [0; DECIMAL_TEXT_LEN]))
    }
}

impl Serialize for Quantity {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.decimal_text(&mut [0; DECIMAL_TEXT_LEN]))
    }
}

impl<'de> Deserialize<'de> for Quantity {
    /// From a decimal string (as serialised) or an integer, through the same limits as
    /// parsing. Binary floats are refused: `0.1` has no exact binary value.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct QuantityVisitor;
        impl serde::de::Visitor<'_> for QuantityVisitor {
            type Value = Quantity;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a decimal quantity as a string, e.g. \"12.5\", or an integer")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Quantity, E> {
                text.parse().map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, units: i64) -> Result<Quantity, E> {
                Quantity::try_from(units).map_err(E::custom)
            }
            fn visit_u64<E: serde::de::Error>(self, units: u64) -> Result<Quantity, E> {
                i64::try_from(units)
                    .map_err(|_| E::custom("quantity magnitude must be below 10^15"))
                    .and_then(|units| self.visit_i64(units))
            }
        }
        deserializer.deserialize_any(QuantityVisitor)
    }
}

impl Add for Quantity {
    type Output = Quantity;
    fn add(self, other: Quantity) -> Quantity {
        Quantity(self.0.saturating_add(other.0))
    }
}

impl Sub for Quantity {
    type Output = Quantity;
    fn sub(self, other: Quantity) -> Quantity {
        Quantity(self.0.saturating_sub(other.0))
    }
}

impl Neg for Quantity {
    type Output = Quantity;
    fn neg(self) -> Quantity {
        Quantity(self.0.saturating_neg())
    }
}

impl AddAssign for Quantity {
    fn add_assign(&mut self, other: Quantity) {
        *self = *self + other;
    }
}

impl SubAssign for Quantity {
    fn sub_assign(&mut self, other: Quantity) {
        *self = *self - other;
    }
}

impl Sum for Quantity {
    fn sum<I: Iterator<Item = Quantity>>(iter: I) -> Quantity {
        iter.fold(Quantity::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Quantity> for Quantity {
    fn sum<I: Iterator<Item = &'a Quantity>>(iter: I) -> Quantity {
        iter.copied().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> Result<Quantity, InvalidInput> {
        text.parse()
    }

    #[test]
    fn parses_exactly_or_refuses() {
        assert_eq!(q("12.5").unwrap().nanos(), 12_500_000_000);
        assert_eq!(q("-0.000000001").unwrap().nanos(), -1);
        assert_eq!(q("1E-8").unwrap().to_string(), "0.00000001");
        assert_eq!(q("1.5e3").unwrap().to_string(), "1500");
        assert_eq!(q("0E-30").unwrap(), Quantity::ZERO);
        assert_eq!(q("1.000000000000000").unwrap(), Quantity::ONE);
        assert_eq!(q("999999999999999.999999999").unwrap(), Quantity::MAX);
        for bad in [
            "",
            "-",
            ".",
            "1..2",
            "1e",
            "abc",
            " 1",
            "0x10",
            "1.0000000000000000000000000001",
            "0.00000000000000000000000000001",
            "1000000000000000",
            "79228162514264337593543950335",
            "1e999999999999999999999",
            "1e15",
        ] {
            assert!(q(bad).is_err(), "{bad:?} was accepted");
        }
        assert_eq!(q("1e-999999999999").unwrap_err().field, "quantity");
    }

    /// The parse as first written (digits joined into a `String`, then parsed): the
    /// reference the allocation-free parse must agree with.
    fn reference_nanos(int_part: &str, frac_part: &str, exponent: i64) -> Option<i128> {
        let digits = format!("{int_part}{frac_part}");
        let mut digits = digits.trim_start_matches('0');
        let mut scale = frac_part.len() as i64 - exponent;
        while scale > 0 && digits.ends_with('0') {
            digits = &digits[..digits.len() - 1];
            scale -= 1;
        }
        if digits.is_empty() {
            return Some(0);
        }
        if scale > 9 || digits.len() as i64 + 9 - scale > 25 {
            return None;
        }
        let nanos: i128 = digits.parse().ok()?;
        Some(nanos * 10i128.pow((9 - scale) as u32))
    }

    proptest::proptest! {
        #[test]
        fn parses_as_the_reference_does(
            int_part in "0{0,3}[0-9]{0,17}",
            frac_part in "[0-9]{0,12}0{0,4}",
            exponent in proptest::option::of(-12i64..12),
        ) {
            proptest::prop_assume!(!(int_part.is_empty() && frac_part.is_empty()));
            let mut text = int_part.clone();
            if !frac_part.is_empty() {
                text = format!("{text}.{frac_part}");
            }
            if let Some(e) = exponent {
                text = format!("{text}e{e}");
            }
            let expected = reference_nanos(&int_part, &frac_part, exponent.unwrap_or(0))
                .filter(|n| n.abs() < BOUND_NANOS);
            proptest::prop_assert_eq!(q(&text).ok().map(Quantity::nanos), expected);
        }
    }

    #[test]
    fn arithmetic_saturates_instead_of_panicking() {
        let huge = Quantity(i128::MAX);
        assert_eq!(huge + huge, huge);
        assert_eq!(-Quantity(i128::MIN), huge);
        assert_eq!(Quantity::MAX.checked_add(Quantity::ONE), None);
    }

    #[test]
    fn serde_round_trips_as_a_string() {
        let json = serde_json::to_string(&q("0.3").unwrap()).unwrap();
        assert_eq!(json, "\"0.3\"");
        assert_eq!(
            serde_json::from_str::<Quantity>(&json).unwrap(),
            q("0.3").unwrap()
        );
        assert!(serde_json::from_str::<Quantity>("\"1e20\"").is_err());
        assert_eq!(
            serde_json::from_str::<Quantity>("3").unwrap(),
            Quantity::from(3)
        );
        assert!(serde_json::from_str::<Quantity>("0.1").is_err());
    }
}
