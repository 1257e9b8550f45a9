//! Automatic lot and serial numbers: a [`Pattern`] such as `{Y}{DDD}-{SEQ:3:DAILY}`
//! renders an event's date, product, location and a sequence number into a number such
//! as `6339-007`.
//!
//! | token | renders | on 2026-12-05 |
//! |---|---|---|
//! | other text | itself; `{{` and `}}` are literal braces | `LOT-` |
//! | `{YYYY}` | the year, 4 digits | `2026` |
//! | `{YY}` | the year's last 2 digits | `26` |
//! | `{Y}` | the year's last digit (Julian codes) | `6` |
//! | `{MM}` | the month, 01–12 | `12` |
//! | `{DD}` | the day of the month, 01–31 | `05` |
//! | `{DDD}` | the day of the year, 001–366 (Julian codes) | `339` |
//! | `{WW}` | the ISO week, 01–53 | `49` |
//! | `{GGGG}` | the ISO week-based year, to pair with `{WW}` | `2026` |
//! | `{PRODUCT}` | the product code | `CHOC-70` |
//! | `{LOCATION}` or `{SITE}` | the location code (then required) | `PLANT2` |
//! | `{SEQ:n}` or `{SEQ:n:RESET}` | the sequence, exactly n digits (1–18); RESET is `NEVER` (default), `YEARLY`, `MONTHLY` or `DAILY` | `{SEQ:4}`: `0042` |
//! | `{CHECK:GS1}` | GS1 mod-10 check digit of all before it (digits only) | `…5` |
//! | `{CHECK:MOD97}` | ISO 7064 MOD 97-10 check digits of all before it (letters and digits only) | `…23` |
//!
//! Token names are case-insensitive. A pattern has 1–256 characters, exactly one
//! `{SEQ}`, and at most one `{CHECK}`, as its last part. A reset needs the pattern to
//! show its period, or numbers would repeat each period: `YEARLY` needs a year
//! (`{YYYY}`, `{YY}`, `{Y}` or `{GGGG}`), `MONTHLY` a calendar year and the month (`{MM}`
//! or `{DDD}`), `DAILY` a calendar year and the day (`{MM}` with `{DD}`, or `{DDD}`).
//! `{Y}` and `{YY}` repeat after 10 and 100 years. A sequence that outgrows its digits is
//! an error, never widened.

use std::fmt::{self, Write as _};
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

use crate::kernel::check_digit::{gs1_mod10, iso7064_mod97_10};
use crate::kernel::date;
use crate::kernel::invalid::InvalidInput;

/// The most characters a pattern may have.
pub const MAX_PATTERN_CHARS: usize = 256;
/// The most digits of a `{SEQ:n}`: 10^18 − 1 still fits a `u64`.
pub const MAX_SEQ_DIGITS: u8 = 18;

/// When the sequence starts again at 1.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Reset {
    /// One sequence for all time.
    #[default]
    Never,
    /// Every year: the calendar year, or the ISO week-based year when `{GGGG}` is the
    /// pattern's only year.
    Yearly,
    /// Every calendar month.
    Monthly,
    /// Every day.
    Daily,
}

/// The values a [`Pattern`] renders besides the sequence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NumberFields<'a> {
    /// The event date, for the date tokens; years 1..=9999.
    pub date: NaiveDate,
    /// The product code, for `{PRODUCT}`.
    pub product: &'a str,
    /// The location code, for `{LOCATION}`/`{SITE}`.
    pub location: Option<&'a str>,
}

/// A parsed numbering pattern; see the [module documentation](self) for the syntax.
///
/// ```
/// use chrono::NaiveDate;
/// use traceability_core::kernel::numbering::{NumberFields, Pattern, Reset};
/// let fields = NumberFields {
///     date: NaiveDate::from_ymd_opt(2026, 12, 5).unwrap(),
///     product: "CHOC-70",
///     location: Some("PLANT2"),
/// };
/// // Food: Julian-date lot (year digit, day of year), restarting every day.
/// let food: Pattern = "{Y}{DDD}-{SEQ:3:DAILY}".parse().unwrap();
/// assert_eq!(food.render(&fields, 7).unwrap(), "6339-007");
/// assert_eq!(food.period(fields.date), "2026-12-05");
/// // Pharma: year and month batch, restarting every month.
/// let pharma = Pattern::parse("{yy}{mm}{seq:4:monthly}").unwrap();
/// assert_eq!(pharma.render(&fields, 42).unwrap(), "26120042");
/// assert_eq!((pharma.reset(), pharma.max_sequence()), (Reset::Monthly, 9999));
/// assert_eq!(pharma.to_string(), "{YY}{MM}{SEQ:4:MONTHLY}");
/// // Electronics: year, ISO week and serial with a GS1 check digit.
/// let serial = Pattern::parse("{YY}{WW}{SEQ:6:YEARLY}{CHECK:GS1}").unwrap();
/// assert_eq!(serial.render(&fields, 123).unwrap(), "26490001235");
/// // Letters cannot come before a GS1 check digit.
/// let err = Pattern::parse("SN{YY}{WW}{SEQ:6:YEARLY}{CHECK:GS1}").unwrap_err();
/// assert_eq!(err.reason, "{CHECK:GS1} at character 25: needs only digits before it, not \"SN\"");
/// // A sequence that outgrows its digits is refused, never widened.
/// assert_eq!(food.render(&fields, 1000).unwrap_err().field, "sequence");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    parts: Vec<Part>,
    width: u8,
    reset: Reset,
    check: Option<Check>,
}

/// One part of a pattern before its check.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Literal(String),
    Field(Field),
    Seq,
}

/// A token rendering a date part, the product or the location.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Year,
    Year2,
    Year1,
    Month,
    Day,
    DayOfYear,
    IsoWeek,
    IsoYear,
    Product,
    Location,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Check {
    Gs1,
    Mod97,
}

/// Token names; a value's first name is its canonical spelling.
const FIELDS: [(&str, Field); 11] = [
    ("YYYY", Field::Year),
    ("YY", Field::Year2),
    ("Y", Field::Year1),
    ("MM", Field::Month),
    ("DD", Field::Day),
    ("DDD", Field::DayOfYear),
    ("WW", Field::IsoWeek),
    ("GGGG", Field::IsoYear),
    ("PRODUCT", Field::Product),
    ("LOCATION", Field::Location),
    ("SITE", Field::Location),
];
const RESETS: [(&str, Reset); 4] = [
    ("NEVER", Reset::Never),
    ("YEARLY", Reset::Yearly),
    ("MONTHLY", Reset::Monthly),
    ("DAILY", Reset::Daily),
];
const CHECKS: [(&str, Check); 2] = [("GS1", Check::Gs1), ("MOD97", Check::Mod97)];
/// The tokens that tell calendar years apart.
const CALENDAR_YEARS: [Field; 3] = [Field::Year, Field::Year2, Field::Year1];

fn lookup<T: Copy>(table: &[(&str, T)], name: &str) -> Option<T> {
    table
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|&(_, value)| value)
}

fn name_of<T: PartialEq>(table: &[(&'static str, T)], value: T) -> &'static str {
    table
        .iter()
        .find(|(_, v)| *v == value)
        .map_or("", |&(name, _)| name)
}

fn shows_any(parts: &[Part], fields: &[Field]) -> bool {
    fields.iter().any(|&f| parts.contains(&Part::Field(f)))
}

impl Pattern {
    /// Parses `text`, refusing with [`InvalidInput`] on field `pattern`, naming the
    /// character position and token, whatever the [module documentation](self) rules out.
    pub fn parse(text: &str) -> Result<Pattern, InvalidInput> {
        if text.is_empty() {
            return Err(InvalidInput::new("pattern", "must not be empty"));
        }
        if text.chars().nth(MAX_PATTERN_CHARS).is_some() {
            return Err(too_long());
        }
        let mut builder = Builder::new(text);
        let mut at = 0;
        while at < text.len() {
            let rest = &text[at..];
            at += if rest.starts_with("{{") || rest.starts_with("}}") {
                builder.literal(&rest[..1], at)?;
                2
            } else if rest.starts_with('}') {
                return Err(builder.error("}", at, "stray } (write }} for a literal brace)"));
            } else if let Some(body) = rest.strip_prefix('{') {
                let end = body.find(['{', '}']).unwrap_or(body.len());
                if !body[end..].starts_with('}') {
                    return Err(builder.error(&rest[..=end], at, "unclosed {"));
                }
                builder.token(&rest[..end + 2], at)?;
                end + 2
            } else {
                let end = rest.find(['{', '}']).unwrap_or(rest.len());
                builder.literal(&rest[..end], at)?;
                end
            };
        }
        let pattern = builder.finish()?;
        // Only {SITE} grows when written canonically (as {LOCATION}).
        if pattern.to_string().chars().nth(MAX_PATTERN_CHARS).is_some() {
            return Err(too_long());
        }
        Ok(pattern)
    }

    /// When the sequence starts again at 1.
    pub fn reset(&self) -> Reset {
        self.reset
    }

    /// The key of the reset period holding `date`: `""` (never), `"2026"` (yearly),
    /// `"2026-12"` (monthly) or `"2026-12-05"` (daily). A yearly pattern whose only
    /// year is `{GGGG}` counts ISO week-based years (2027-01-01 is in `"2026"`).
    pub fn period(&self, date: NaiveDate) -> String {
        match self.reset {
            Reset::Never => String::new(),
            Reset::Yearly if !shows_any(&self.parts, &CALENDAR_YEARS) => {
                format!("{:04}", date.iso_week().year())
            }
            Reset::Yearly => format!("{:04}", date.year()),
            Reset::Monthly => format!("{:04}-{:02}", date.year(), date.month()),
            Reset::Daily => format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day()),
        }
    }

    /// The largest sequence the pattern renders: 10^n − 1 for `{SEQ:n}`.
    pub fn max_sequence(&self) -> u64 {
        10u64.pow(u32::from(self.width)) - 1
    }

    /// The number for `fields` and `sequence`, in one exactly sized `String`.
    ///
    /// Refused: `sequence` outside 1..=[`Self::max_sequence`] (field `sequence`), a date
    /// outside years 1..=9999 (`date`), no location for `{LOCATION}` (`location`), and
    /// text a check cannot cover, such as a product `A-1` before `{CHECK:MOD97}`
    /// (`pattern`).
    pub fn render(&self, fields: &NumberFields<'_>, sequence: u64) -> Result<String, InvalidInput> {
        date::bounded("date", fields.date)?;
        if !(1..=self.max_sequence()).contains(&sequence) {
            return Err(InvalidInput::new(
                "sequence",
                format!(
                    "{sequence} is outside 1..={} ({{SEQ:{}}} has {} digits)",
                    self.max_sequence(),
                    self.width,
                    self.width
                ),
            ));
        }
        let pieces = self
            .parts
            .iter()
            .map(|part| self.piece(part, fields, sequence));
        let check_len = self.check.map_or(0, Check::len);
        let len = pieces
            .clone()
            .try_fold(check_len, |len, piece| Ok(len + piece?.len()))?;
        let mut number = String::with_capacity(len);
        for piece in pieces {
            piece?.write_to(&mut number);
        }
        if let Some(check) = self.check {
            check.append(&mut number)?;
        }
        Ok(number)
    }

    fn piece<'a>(
        &'a self,
        part: &'a Part,
        fields: &NumberFields<'a>,
        sequence: u64,
    ) -> Result<Piece<'a>, InvalidInput> {
        match part {
            Part::Literal(text) => Ok(Piece::Text(text)),
            Part::Field(field) => field.piece(fields),
            Part::Seq => Ok(Piece::Digits(sequence, usize::from(self.width))),
        }
    }
}

fn too_long() -> InvalidInput {
    InvalidInput::new(
        "pattern",
        format!("longer than {MAX_PATTERN_CHARS} characters"),
    )
}

impl FromStr for Pattern {
    type Err = InvalidInput;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Pattern::parse(text)
    }
}

/// The canonical text: upper-case tokens, `{LOCATION}` for `{SITE}`, no `:NEVER`.
impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for part in &self.parts {
            match part {
                Part::Literal(text) => {
                    for c in text.chars() {
                        match c {
                            '{' => f.write_str("{{")?,
                            '}' => f.write_str("}}")?,
                            c => f.write_char(c)?,
                        }
                    }
                }
                Part::Field(field) => write!(f, "{{{}}}", name_of(&FIELDS, *field))?,
                Part::Seq if self.reset == Reset::Never => write!(f, "{{SEQ:{}}}", self.width)?,
                Part::Seq => write!(f, "{{SEQ:{}:{}}}", self.width, name_of(&RESETS, self.reset))?,
            }
        }
        match self.check {
            Some(check) => write!(f, "{{CHECK:{}}}", name_of(&CHECKS, check)),
            None => Ok(()),
        }
    }
}

/// A rendered part: borrowed text or a zero-padded number.
enum Piece<'a> {
    Text(&'a str),
    Digits(u64, usize),
}

impl Piece<'_> {
    fn len(&self) -> usize {
        match self {
            Piece::Text(text) => text.len(),
            Piece::Digits(_, width) => *width,
        }
    }

    fn write_to(&self, out: &mut String) {
        match self {
            Piece::Text(text) => out.push_str(text),
            Piece::Digits(value, width) => {
                let _ = write!(out, "{value:0width$}");
            }
        }
    }
}

impl Field {
    fn piece<'a>(self, fields: &NumberFields<'a>) -> Result<Piece<'a>, InvalidInput> {
        let date = fields.date;
        let year = date.year().unsigned_abs();
        let (value, width) = match self {
            Field::Product => return Ok(Piece::Text(fields.product)),
            Field::Location => {
                return fields.location.map(Piece::Text).ok_or_else(|| {
                    InvalidInput::new(
                        "location",
                        "the pattern shows {LOCATION} but none was given",
                    )
                })
            }
            Field::Year => (year, 4),
            Field::Year2 => (year % 100, 2),
            Field::Year1 => (year % 10, 1),
            Field::Month => (date.month(), 2),
            Field::Day => (date.day(), 2),
            Field::DayOfYear => (date.ordinal(), 3),
            Field::IsoWeek => (date.iso_week().week(), 2),
            Field::IsoYear => (date.iso_week().year().unsigned_abs(), 4),
        };
        Ok(Piece::Digits(u64::from(value), width))
    }
}

impl Check {
    fn len(self) -> usize {
        match self {
            Check::Gs1 => 1,
            Check::Mod97 => 2,
        }
    }

    /// What the check needs before it.
    fn needs(self) -> &'static str {
        match self {
            Check::Gs1 => "only digits",
            Check::Mod97 => "only letters and digits",
        }
    }

    /// Why `part` can never come before the check, if it cannot.
    fn refuses(self, part: &Part) -> Option<String> {
        let allowed = |c: char| match self {
            Check::Gs1 => c.is_ascii_digit(),
            Check::Mod97 => c.is_ascii_alphanumeric(),
        };
        match part {
            Part::Literal(text) if !text.chars().all(allowed) => {
                Some(format!("needs {} before it, not {text:?}", self.needs()))
            }
            Part::Field(field @ (Field::Product | Field::Location)) if self == Check::Gs1 => {
                Some(format!(
                    "needs only digits before it, but {{{}}} may hold letters",
                    name_of(&FIELDS, *field)
                ))
            }
            _ => None,
        }
    }

    fn append(self, number: &mut String) -> Result<(), InvalidInput> {
        let appended = match self {
            Check::Gs1 => gs1_mod10(number).map(|digit| number.push(digit)),
            Check::Mod97 => iso7064_mod97_10(number).map(|digits| number.push_str(&digits)),
        };
        appended.ok_or_else(|| {
            InvalidInput::new(
                "pattern",
                format!(
                    "{{CHECK:{}}} needs {} before it, not {number:?}",
                    name_of(&CHECKS, self),
                    self.needs()
                ),
            )
        })
    }
}

/// The pattern being parsed; tokens are slices of `source` with their byte offsets.
struct Builder<'t> {
    source: &'t str,
    parts: Vec<Part>,
    seq: Option<(u8, Reset, &'t str, usize)>,
    check: Option<(Check, &'t str, usize)>,
}

impl<'t> Builder<'t> {
    fn new(source: &'t str) -> Self {
        Self {
            source,
            parts: Vec::new(),
            seq: None,
            check: None,
        }
    }

    /// The error for `token` at byte offset `at`, told by its 1-based character position.
    fn error(&self, token: &str, at: usize, problem: impl fmt::Display) -> InvalidInput {
        let position = self.position(at);
        InvalidInput::new(
            "pattern",
            format!("{token} at character {position}: {problem}"),
        )
    }

    /// The 1-based character position of byte offset `at`.
    fn position(&self, at: usize) -> usize {
        self.source[..at].chars().count() + 1
    }

    fn not_after_check(&self) -> Result<(), InvalidInput> {
        match self.check {
            Some((_, token, at)) => Err(self.error(token, at, "must be the last part")),
            None => Ok(()),
        }
    }

    fn literal(&mut self, text: &str, at: usize) -> Result<(), InvalidInput> {
        self.not_after_check()?;
        if let Some((i, c)) = text.char_indices().find(|(_, c)| c.is_control()) {
            return Err(self.error(
                &format!("{c:?}"),
                at + i,
                "control characters are not allowed",
            ));
        }
        match self.parts.last_mut() {
            Some(Part::Literal(last)) => last.push_str(text),
            _ => self.parts.push(Part::Literal(text.to_owned())),
        }
        Ok(())
    }

    /// Adds `token` (with its braces) at byte offset `at`.
    fn token(&mut self, token: &'t str, at: usize) -> Result<(), InvalidInput> {
        let body = &token[1..token.len() - 1];
        let (name, args) = body.split_once(':').unwrap_or((body, ""));
        if name.eq_ignore_ascii_case("SEQ") {
            self.seq(token, args, at)
        } else if name.eq_ignore_ascii_case("CHECK") {
            self.check(token, args, at)
        } else if let Some(field) = lookup(&FIELDS, body) {
            self.not_after_check()?;
            self.parts.push(Part::Field(field));
            Ok(())
        } else {
            Err(self.error(token, at, "unknown token"))
        }
    }

    fn seq(&mut self, token: &'t str, args: &str, at: usize) -> Result<(), InvalidInput> {
        if let Some((.., first_at)) = self.seq {
            let first = self.position(first_at);
            return Err(self.error(
                token,
                at,
                format_args!("a second SEQ (the first is at character {first})"),
            ));
        }
        let (width, reset) = args.split_once(':').unwrap_or((args, "NEVER"));
        let width = Some(width)
            .filter(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|w| w.parse::<u8>().ok())
            .filter(|w| (1..=MAX_SEQ_DIGITS).contains(w))
            .ok_or_else(|| {
                self.error(
                    token,
                    at,
                    format_args!("the width must be a number from 1 to {MAX_SEQ_DIGITS}"),
                )
            })?;
        let reset = lookup(&RESETS, reset).ok_or_else(|| {
            self.error(
                token,
                at,
                "the reset must be NEVER, YEARLY, MONTHLY or DAILY",
            )
        })?;
        self.not_after_check()?;
        self.parts.push(Part::Seq);
        self.seq = Some((width, reset, token, at));
        Ok(())
    }

    fn check(&mut self, token: &'t str, args: &str, at: usize) -> Result<(), InvalidInput> {
        let check = lookup(&CHECKS, args).ok_or_else(|| {
            self.error(
                token,
                at,
                "unknown check: write {CHECK:GS1} or {CHECK:MOD97}",
            )
        })?;
        self.not_after_check()?;
        if let Some(problem) = self.parts.iter().find_map(|part| check.refuses(part)) {
            return Err(self.error(token, at, problem));
        }
        self.check = Some((check, token, at));
        Ok(())
    }

    fn finish(self) -> Result<Pattern, InvalidInput> {
        let Some((width, reset, token, at)) = self.seq else {
            return Err(InvalidInput::new(
                "pattern",
                "has no {SEQ:n} token; a pattern needs exactly one",
            ));
        };
        if let Some(needs) = unshown_period(&self.parts, reset) {
            return Err(self.error(
                token,
                at,
                format_args!(
                    "the reset needs {needs} in the pattern, or numbers would repeat each period"
                ),
            ));
        }
        Ok(Pattern {
            parts: self.parts,
            width,
            reset,
            check: self.check.map(|(check, ..)| check),
        })
    }
}

/// What `reset` needs the pattern to show, when `parts` do not show it.
fn unshown_period(parts: &[Part], reset: Reset) -> Option<&'static str> {
    let calendar_year = shows_any(parts, &CALENDAR_YEARS);
    let shows = |field| shows_any(parts, &[field]);
    let day = shows(Field::DayOfYear) || shows(Field::Month) && shows(Field::Day);
    let month = shows(Field::DayOfYear) || shows(Field::Month);
    let (shown, needs) = match reset {
        Reset::Never => (true, ""),
        Reset::Yearly => (
            calendar_year || shows(Field::IsoYear),
            "a year ({YYYY}, {YY}, {Y} or {GGGG})",
        ),
        Reset::Monthly => (
            calendar_year && month,
            "a calendar year ({YYYY}, {YY} or {Y}) and the month ({MM} or {DDD})",
        ),
        Reset::Daily => (
            calendar_year && day,
            "a calendar year ({YYYY}, {YY} or {Y}) and the day ({MM} with {DD}, or {DDD})",
        ),
    };
    (!shown).then_some(needs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::check_digit::{gs1_mod10_valid, iso7064_mod97_10_valid};
    use chrono::Days;
    use proptest::prelude::*;

    fn day(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    fn fields(date: NaiveDate) -> NumberFields<'static> {
        NumberFields {
            date,
            product: "CHOC-70",
            location: Some("PLANT2"),
        }
    }

    fn render(pattern: &str, date: NaiveDate, sequence: u64) -> String {
        Pattern::parse(pattern)
            .unwrap()
            .render(&fields(date), sequence)
            .unwrap()
    }

    fn parse_error(pattern: &str) -> String {
        let err = Pattern::parse(pattern).unwrap_err();
        assert_eq!(err.field, "pattern", "{pattern}");
        err.reason
    }

    #[test]
    fn food_julian_lot_restarts_daily() {
        let food = Pattern::parse("{Y}{DDD}-{SEQ:3:DAILY}").unwrap();
        assert_eq!(
            food.render(&fields(day(2026, 12, 5)), 7).unwrap(),
            "6339-007"
        );
        assert_eq!(food.reset(), Reset::Daily);
        assert_eq!(food.max_sequence(), 999);
    }

    #[test]
    fn pharma_batch_restarts_monthly() {
        assert_eq!(
            render("{YY}{MM}{SEQ:4:MONTHLY}", day(2026, 12, 5), 42),
            "26120042"
        );
    }

    #[test]
    fn electronics_serial_ends_in_its_gs1_check_digit() {
        let serial = render("{YY}{WW}{SEQ:6:YEARLY}{CHECK:GS1}", day(2026, 12, 5), 123);
        assert_eq!(
            serial,
            format!("2649000123{}", gs1_mod10("2649000123").unwrap())
        );
        assert_eq!(serial, "26490001235");
        assert!(gs1_mod10_valid(&serial));
    }

    #[test]
    fn product_and_mod97_examples() {
        let date = day(2026, 12, 5);
        assert_eq!(
            render("{PRODUCT}-{YYYY}-{SEQ:5}", date, 42),
            "CHOC-70-2026-00042"
        );
        let mod97 = Pattern::parse("{LOCATION}{YY}{SEQ:4:YEARLY}{CHECK:MOD97}").unwrap();
        let number = mod97.render(&fields(date), 42).unwrap();
        assert_eq!(
            number,
            format!("PLANT2260042{}", iso7064_mod97_10("PLANT2260042").unwrap())
        );
        assert!(iso7064_mod97_10_valid(&number));
        let ab = NumberFields {
            location: Some("AB"),
            ..fields(date)
        };
        assert_eq!(mod97.render(&ab, 42).unwrap(), "AB26004223");
        // A product with a hyphen cannot be covered by MOD 97-10.
        let err = Pattern::parse("{PRODUCT}{SEQ:2}{CHECK:MOD97}")
            .unwrap()
            .render(&fields(date), 1)
            .unwrap_err();
        assert_eq!(err.field, "pattern");
        assert!(err.reason.contains("\"CHOC-7001\""), "{}", err.reason);
    }

    #[test]
    fn iso_week_and_week_year_at_the_year_end() {
        let pattern = "{YYYY}/{GGGG}-W{WW}-{SEQ:2}";
        assert_eq!(render(pattern, day(2026, 12, 31), 1), "2026/2026-W53-01");
        assert_eq!(render(pattern, day(2027, 1, 1), 1), "2027/2026-W53-01");
        assert_eq!(render(pattern, day(2027, 1, 4), 1), "2027/2027-W01-01");
        assert_eq!(render(pattern, day(2025, 12, 29), 1), "2025/2026-W01-01");
    }

    #[test]
    fn day_of_year_counts_leap_days() {
        assert_eq!(
            render("{YYYY}{DDD}{SEQ:1}", day(2024, 12, 31), 9),
            "20243669"
        );
        assert_eq!(
            render("{YYYY}{DDD}{SEQ:1}", day(2026, 12, 31), 9),
            "20263659"
        );
        assert_eq!(
            render("{YYYY}{DDD}{SEQ:1}", day(2028, 2, 29), 9),
            "20280609"
        );
        assert_eq!(
            render("{Y}{YY}{MM}{DD}{SEQ:1}", day(5, 3, 1), 1),
            "50503011"
        );
    }

    #[test]
    fn period_keys_follow_the_reset() {
        let date = day(2026, 12, 5);
        let period = |pattern: &str, date| Pattern::parse(pattern).unwrap().period(date);
        assert_eq!(period("{SEQ:3}", date), "");
        assert_eq!(period("{YY}{SEQ:3:YEARLY}", date), "2026");
        assert_eq!(period("{YY}{MM}{SEQ:3:MONTHLY}", date), "2026-12");
        assert_eq!(period("{Y}{DDD}{SEQ:3:DAILY}", date), "2026-12-05");
        assert_eq!(period("{Y}{DDD}{SEQ:3:MONTHLY}", date), "2026-12");
        // Only {GGGG} shows the year: the period is the ISO week-based year.
        assert_eq!(period("{GGGG}{WW}{SEQ:3:YEARLY}", day(2027, 1, 1)), "2026");
        assert_eq!(period("{GGGG}{WW}{SEQ:3:YEARLY}", day(2027, 1, 4)), "2027");
        assert_eq!(
            period("{YYYY}{GGGG}{WW}{SEQ:3:YEARLY}", day(2027, 1, 1)),
            "2027"
        );
    }

    #[test]
    fn every_parse_error_names_the_position_and_token() {
        let long = format!("{}{{SEQ:3}}", "x".repeat(MAX_PATTERN_CHARS - 6));
        let sites = format!("{}{{SEQ:3}}", "{SITE}".repeat(41));
        let cases: &[(&str, &str)] = &[
            ("", "must not be empty"),
            (&long, "longer than 256 characters"),
            (&sites, "longer than 256 characters"),
            ("LOT-{FOO}-{SEQ:3}", "{FOO} at character 5: unknown token"),
            ("{}{SEQ:3}", "{} at character 1: unknown token"),
            ("{YYYY:2}{SEQ:3}", "{YYYY:2} at character 1: unknown token"),
            ("é{SEQ:3}-{YY", "{YY at character 10: unclosed {"),
            ("{SEQ:3{YY}", "{SEQ:3 at character 1: unclosed {"),
            ("{SEQ:3}}", "} at character 8: stray }"),
            ("A}B{SEQ:3}", "} at character 2: stray }"),
            ("LOT-{YYYY}", "has no {SEQ:n} token"),
            ("{SEQ:3}-{SEQ:4}", "{SEQ:4} at character 9: a second SEQ (the first is at character 1)"),
            ("{SEQ}", "{SEQ} at character 1: the width must be a number from 1 to 18"),
            ("{SEQ:0}", "{SEQ:0} at character 1: the width must be"),
            ("{SEQ:19}", "{SEQ:19} at character 1: the width must be"),
            ("{SEQ:+3}", "{SEQ:+3} at character 1: the width must be"),
            ("{SEQ:x:DAILY}", "{SEQ:x:DAILY} at character 1: the width must be"),
            ("{SEQ:3:WEEKLY}", "{SEQ:3:WEEKLY} at character 1: the reset must be NEVER, YEARLY"),
            ("{SEQ:3:DAILY:X}", "{SEQ:3:DAILY:X} at character 1: the reset must be"),
            ("{SEQ:3}{CHECK:GS1}-", "{CHECK:GS1} at character 8: must be the last part"),
            ("{SEQ:3}{CHECK:GS1}{YY}", "{CHECK:GS1} at character 8: must be the last part"),
            ("{CHECK:GS1}{SEQ:3}", "{CHECK:GS1} at character 1: must be the last part"),
            ("{SEQ:3}{CHECK:GS1}{CHECK:MOD97}", "{CHECK:GS1} at character 8: must be the last"),
            ("{SEQ:3}{CHECK:LUHN}", "{CHECK:LUHN} at character 8: unknown check"),
            ("{SEQ:3}{CHECK}", "{CHECK} at character 8: unknown check"),
            ("SN{YY}{WW}{SEQ:6:YEARLY}{CHECK:GS1}", "{CHECK:GS1} at character 25: needs only digits before it, not \"SN\""),
            ("{PRODUCT}{SEQ:3}{CHECK:GS1}", "{CHECK:GS1} at character 17: needs only digits before it, but {PRODUCT} may hold letters"),
            ("{SITE}{SEQ:3}{CHECK:GS1}", "but {LOCATION} may hold letters"),
            ("{SEQ:3}-{YY}{CHECK:MOD97}", "{CHECK:MOD97} at character 13: needs only letters and digits before it, not \"-\""),
            ("{SEQ:3:YEARLY}", "{SEQ:3:YEARLY} at character 1: the reset needs a year ({YYYY}, {YY}, {Y} or {GGGG})"),
            ("{MM}{SEQ:3:MONTHLY}", "{SEQ:3:MONTHLY} at character 5: the reset needs a calendar year"),
            ("{YY}{SEQ:3:MONTHLY}", "and the month ({MM} or {DDD})"),
            ("{GGGG}{MM}{SEQ:3:MONTHLY}", "needs a calendar year"),
            ("{YY}{MM}{SEQ:3:DAILY}", "and the day ({MM} with {DD}, or {DDD})"),
            ("{YY}{DD}{SEQ:3:DAILY}", "and the day"),
            ("{GGGG}{DDD}{SEQ:3:DAILY}", "needs a calendar year"),
            ("A\n{SEQ:3}", "'\\n' at character 2: control characters are not allowed"),
        ];
        for (pattern, expected) in cases {
            let reason = parse_error(pattern);
            assert!(reason.contains(expected), "{pattern:?}: {reason}");
        }
        let accepted = [
            &long[1..],
            "{Y}{DDD}{SEQ:3:MONTHLY}",
            "{GGGG}{SEQ:3:YEARLY}",
            "{SEQ:18}",
        ];
        for pattern in accepted {
            assert!(Pattern::parse(pattern).is_ok(), "{pattern}");
        }
    }

    #[test]
    fn token_names_ignore_case() {
        let lower = Pattern::parse("{y}{ddd}{Seq:3:daily}{check:mod97}").unwrap();
        let upper = Pattern::parse("{Y}{DDD}{SEQ:3:DAILY}{CHECK:MOD97}").unwrap();
        assert_eq!(lower, upper);
        assert_eq!(
            lower.render(&fields(day(2026, 12, 5)), 7).unwrap(),
            "6339007".to_owned() + &iso7064_mod97_10("6339007").unwrap()
        );
        assert_eq!(
            Pattern::parse("{site}{SEQ:1}"),
            Pattern::parse("{LOCATION}{SEQ:1}")
        );
        assert_eq!(Pattern::parse("{SEQ:03:never}"), Pattern::parse("{SEQ:3}"));
        assert_eq!(
            render("{Product}{Site}{SEQ:1}", day(2026, 1, 1), 1),
            "CHOC-70PLANT21"
        );
    }

    #[test]
    fn doubled_braces_are_literal() {
        let pattern = Pattern::parse("{{{SEQ:2}}}-}}{{").unwrap();
        assert_eq!(
            pattern.render(&fields(day(2026, 1, 1)), 7).unwrap(),
            "{07}-}{"
        );
        assert_eq!(pattern.to_string(), "{{{SEQ:2}}}-}}{{");
    }

    #[test]
    fn display_gives_back_the_canonical_text() {
        let cases = [
            ("{y}{ddd}-{seq:3:daily}", "{Y}{DDD}-{SEQ:3:DAILY}"),
            (
                "SN-{site}/{Product}{SEQ:007:Never}",
                "SN-{LOCATION}/{PRODUCT}{SEQ:7}",
            ),
            (
                "{gggg}W{ww}{seq:4:yearly}{check:mod97}",
                "{GGGG}W{WW}{SEQ:4:YEARLY}{CHECK:MOD97}",
            ),
            (
                "lot {{{yyyy}{mm}{dd}}}{seq:2:Daily}",
                "lot {{{YYYY}{MM}{DD}}}{SEQ:2:DAILY}",
            ),
        ];
        for (text, canonical) in cases {
            let pattern: Pattern = text.parse().unwrap();
            assert_eq!(pattern.to_string(), canonical);
            assert_eq!(Pattern::parse(canonical).unwrap(), pattern);
        }
    }

    #[test]
    fn render_refuses_what_the_pattern_cannot_hold() {
        let date = day(2026, 12, 5);
        let pattern = Pattern::parse("{SITE}-{SEQ:3}").unwrap();
        assert_eq!(pattern.render(&fields(date), 999).unwrap(), "PLANT2-999");
        for sequence in [0, 1000, u64::MAX] {
            let err = pattern.render(&fields(date), sequence).unwrap_err();
            assert_eq!(err.field, "sequence");
            assert!(err.reason.contains("outside 1..=999"), "{}", err.reason);
        }
        let nowhere = NumberFields {
            location: None,
            ..fields(date)
        };
        assert_eq!(pattern.render(&nowhere, 1).unwrap_err().field, "location");
        let far = fields(NaiveDate::from_ymd_opt(10_000, 1, 1).unwrap());
        assert_eq!(pattern.render(&far, 1).unwrap_err().field, "date");
        let widest = Pattern::parse("{SEQ:18}").unwrap();
        assert_eq!(widest.max_sequence(), 999_999_999_999_999_999);
        assert_eq!(
            widest.render(&fields(date), widest.max_sequence()).unwrap(),
            "9".repeat(18)
        );
        assert_eq!(Pattern::parse("{SEQ:1}").unwrap().max_sequence(), 9);
    }

    #[test]
    fn render_allocates_the_exact_length() {
        let date = day(2026, 12, 5);
        let ab = NumberFields {
            product: "AB",
            location: Some("Köln"),
            date,
        };
        let cases = [
            ("{PRODUCT}é{YYYY}{LOCATION}-{SEQ:4}", "ABé2026Köln-0042"),
            ("{PRODUCT}{GGGG}{WW}{SEQ:4}{CHECK:MOD97}", "AB2026490042"),
            ("{YY}{DDD}{SEQ:4}{CHECK:GS1}", "263390042"),
        ];
        for (pattern, start) in cases {
            let number = Pattern::parse(pattern).unwrap().render(&ab, 42).unwrap();
            assert!(number.starts_with(start), "{number}");
            // `String::with_capacity` allocates exactly the computed length.
            assert_eq!(number.capacity(), number.len(), "{pattern}");
        }
    }

    /// `{YYYY}{YY}{Y}{MM}{DD}{DDD}{WW}{GGGG}-{SEQ:6:<reset>}`: every date token.
    fn all_dates(reset: Reset) -> Pattern {
        let reset = name_of(&RESETS, reset);
        Pattern::parse(&format!(
            "{{YYYY}}{{YY}}{{Y}}{{MM}}{{DD}}{{DDD}}{{WW}}{{GGGG}}-{{SEQ:6:{reset}}}"
        ))
        .unwrap()
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (1..=3_652_059i32).prop_map(|days| NaiveDate::from_num_days_from_ce_opt(days).unwrap())
    }

    fn any_reset() -> impl Strategy<Value = Reset> {
        prop::sample::select(RESETS.map(|(_, reset)| reset).to_vec())
    }

    /// Patterns showing just what their reset needs.
    const MINIMAL: [&str; 8] = [
        "{Y}{DDD}-{SEQ:2:DAILY}",
        "{Y}{DDD}{SEQ:2:MONTHLY}",
        "{YY}{MM}{DD}{SEQ:2:DAILY}",
        "{YY}{MM}{SEQ:2:MONTHLY}",
        "{YY}{WW}{SEQ:2:YEARLY}",
        "{GGGG}{SEQ:2:YEARLY}",
        "{GGGG}{WW}{SEQ:2:YEARLY}",
        "{Y}{SEQ:2:YEARLY}",
    ];

    #[test]
    fn minimal_patterns_never_repeat_a_number_over_seven_years() {
        let days = day(2020, 12, 20)
            .iter_days()
            .take_while(|&d| d < day(2028, 1, 10));
        for text in MINIMAL {
            let pattern = Pattern::parse(text).unwrap();
            let mut slots = std::collections::HashMap::new();
            for date in days.clone() {
                for sequence in 1..=2 {
                    let number = pattern.render(&fields(date), sequence).unwrap();
                    let slot = (pattern.period(date), sequence);
                    let first = slots.entry(number).or_insert_with(|| slot.clone());
                    assert_eq!(*first, slot, "{text} on {date}");
                }
            }
            assert!(slots.len() >= 2 * 7, "{text}: {}", slots.len());
        }
    }

    fn next_days() -> impl Strategy<Value = u64> {
        prop_oneof![Just(0u64), 0..40u64, 0..400u64, 0..3000u64]
    }

    /// `date + days` when it stays within years 1..=9999.
    fn later(date: NaiveDate, days: u64) -> Option<NaiveDate> {
        date.checked_add_days(Days::new(days))
            .filter(|d| d.year() <= 9999)
    }

    proptest! {
        /// Rendering every date token is deterministic, has a fixed length, agrees with
        /// chrono's formatting, and repeats a number only for the same date and sequence.
        #[test]
        fn all_date_tokens_render_fixed_width_unique_numbers(
            reset in any_reset(),
            first in any_date(),
            days in next_days(),
            (a, b) in (1..=999_999u64, 1..=999_999u64),
        ) {
            let pattern = all_dates(reset);
            let number = pattern.render(&fields(first), a).unwrap();
            prop_assert_eq!(&number, &pattern.render(&fields(first), a).unwrap());
            prop_assert_eq!(number.len(), 4 + 2 + 1 + 2 + 2 + 3 + 2 + 4 + 1 + 6);
            let expected = format!(
                "{}{}{}-{a:06}",
                first.format("%Y%y"),
                first.year() % 10,
                first.format("%m%d%j%V%G")
            );
            prop_assert_eq!(&number, &expected);
            // Another sequence in the same period never gives the same number.
            let next = a % pattern.max_sequence() + 1;
            prop_assert_ne!(&number, &pattern.render(&fields(first), next).unwrap());
            if let Some(second) = later(first, days) {
                let other = pattern.render(&fields(second), b).unwrap();
                prop_assert_eq!(number == other, first == second && a == b);
            }
        }

        /// Patterns showing just what their reset needs never repeat a number within
        /// nine years ({Y} comes round every ten): the period and sequence tell it apart.
        #[test]
        fn minimal_patterns_tell_their_periods_apart(
            pattern in prop::sample::select(MINIMAL.to_vec()),
            first in any_date(),
            days in next_days(),
            (a, b) in (1..=3u64, 1..=3u64),
        ) {
            let pattern = Pattern::parse(pattern).unwrap();
            if let Some(second) = later(first, days) {
                if (pattern.period(first), a) != (pattern.period(second), b) {
                    let one = pattern.render(&fields(first), a).unwrap();
                    let other = pattern.render(&fields(second), b).unwrap();
                    prop_assert_ne!(one, other, "{} {} {}", pattern, first, second);
                }
            }
        }

        /// Whatever parses gives back its canonical text, which parses to the same pattern.
        #[test]
        fn display_round_trips(
            pieces in prop::collection::vec(prop::sample::select(vec![
                "{y}", "{YYYY}", "{mm}", "{Dd}", "{DDD}", "{ww}", "{gggg}", "{Site}",
                "{location}", "{product}", "{seq:3}", "{SEQ:03:never}", "{seq:2:Yearly}",
                "{seq:1:daily}", "{CHECK:gs1}", "{check:MOD97}", "{{", "}}", "-", "A", "7",
                "é", "{", "}", "{x}",
            ]), 0..8),
        ) {
            let text = pieces.concat();
            match Pattern::parse(&text) {
                Ok(pattern) => {
                    let canonical = pattern.to_string();
                    prop_assert_eq!(&Pattern::parse(&canonical).unwrap(), &pattern);
                    prop_assert_eq!(canonical.to_uppercase(), text.to_uppercase()
                        .replace("{SITE}", "{LOCATION}").replace(":03:NEVER", ":3")
                        .replace(":NEVER", ""));
                }
                Err(err) => prop_assert_eq!(err.field, "pattern"),
            }
        }
    }
}
