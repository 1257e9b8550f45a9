//! The GS1 Application Identifier table, transcribed from the GS1 Barcode Syntax
//! Dictionary (github.com/gs1/gs1-syntax-dictionary, the data behind the AI table of the
//! GS1 General Specifications and ref.gs1.org/ai), with one row per AI or AI range.
//!
//! Each row keeps the dictionary's own format notation (`N13,csum,key [X..17]`): `N`
//! numeric, `X` CSET 82, `Y` CSET 39, `Z` CSET 64; `N6` fixed, `X..20` up to 20;
//! `[...]` an optional trailing component; after the commas, the dictionary's checks
//! ("linters"). Of those, the GS1 check digit (`csum`) and the dates (`yymmd0`,
//! `yymmdd`, `yyyymmdd`) are enforced; the others (country and currency codes, GCP
//! prefixes, alphanumeric check pairs, ...) are kept as data but not checked. The
//! dictionary's pairing rules between AIs (`req=`, `ex=`) are kept per row
//! ([`AiSpec::pairing`]) and checked on every barcode.

use std::fmt;
use std::sync::OnceLock;

/// The characters a value component may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Charset {
    /// Digits 0-9 (`N`).
    Numeric,
    /// GS1 AI encodable character set 82 (`X`): letters, digits and `!"%&'()*+,-./:;<=>?_`.
    Cset82,
    /// GS1 AI encodable character set 39 (`Y`): upper-case letters, digits and `#-/`.
    Cset39,
    /// GS1 AI encodable character set 64 (`Z`): base64url letters, digits, `-_`, and `=`
    /// padding.
    Cset64,
}

impl Charset {
    /// Whether `c` belongs to the set.
    pub fn allows(self, c: char) -> bool {
        match self {
            Self::Numeric => c.is_ascii_digit(),
            Self::Cset82 => {
                c.is_ascii_alphanumeric() || matches!(c, '!' | '"' | '%'..='/' | ':'..='?' | '_')
            }
            Self::Cset39 => {
                c.is_ascii_digit() || c.is_ascii_uppercase() || matches!(c, '#' | '-' | '/')
            }
            Self::Cset64 => c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '='),
        }
    }
}

impl fmt::Display for Charset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Numeric => "numeric",
            Self::Cset82 => "CSET 82",
            Self::Cset39 => "CSET 39",
            Self::Cset64 => "CSET 64",
        })
    }
}

/// How a date component is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateFormat {
    /// YYMMDD, century by the GS1 rule; day `00` is not allowed.
    Yymmdd,
    /// YYMMDD where day `00` stands for the last day of the month.
    Yymmd0,
    /// YYYYMMDD.
    Yyyymmdd,
}

/// One component of a value, as a row's format describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    /// The characters allowed.
    pub charset: Charset,
    /// The fewest characters (equal to `max` for a fixed length).
    pub min: usize,
    /// The most characters.
    pub max: usize,
    /// Whether the component may be left out (only trailing ones can).
    pub optional: bool,
    /// Whether the last digit is a GS1 mod-10 check digit over the others.
    pub check_digit: bool,
    /// Whether the component is a date, and how it is written.
    pub date: Option<DateFormat>,
}

impl Part {
    /// One component in the dictionary's notation: `N6,yymmd0`, `[X..17]`, `[N2],mi`.
    fn parse(component: &str) -> Option<Part> {
        let (kind, linters) = component.split_once(',').unwrap_or((component, ""));
        let optional = kind.starts_with('[');
        let kind = kind.trim_start_matches('[').trim_end_matches(']');
        let charset = match kind.as_bytes().first()? {
            b'N' => Charset::Numeric,
            b'X' => Charset::Cset82,
            b'Y' => Charset::Cset39,
            b'Z' => Charset::Cset64,
            _ => return None,
        };
        let (min, max) = match kind[1..].strip_prefix("..") {
            Some(max) => (1, max.parse().ok()?),
            None => (kind[1..].parse().ok()?, kind[1..].parse().ok()?),
        };
        let date = linters.split(',').find_map(|l| match l {
            "yymmdd" => Some(DateFormat::Yymmdd),
            "yymmd0" => Some(DateFormat::Yymmd0),
            "yyyymmdd" => Some(DateFormat::Yyyymmdd),
            _ => None,
        });
        Some(Part {
            charset,
            min,
            max,
            optional,
            check_digit: linters.split(',').any(|l| l == "csum"),
            date,
        })
    }
}

/// A row of the AI table: one AI, or a range of AIs sharing a format (`3100`–`3105`).
#[derive(Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AiSpec {
    /// The first AI of the row, e.g. `"3100"`.
    pub first: &'static str,
    /// The last AI of the row (the same as `first` for a single AI), e.g. `"3105"`.
    pub last: &'static str,
    /// The data title, e.g. `"BATCH/LOT"`; `s` in `CERT # s` stands for the last digit.
    pub title: &'static str,
    /// The value's format in the dictionary's notation (see the module docs).
    pub format: &'static str,
    /// Predefined length (dictionary flag `*`): no FNC1 is needed after the value.
    pub predefined_length: bool,
    /// Allowed as a Digital Link query-string data attribute (dictionary flag `?`).
    pub dl_attribute: bool,
    /// The AI's last digit is the number of decimal places of its last component (the
    /// `n` of 310n–369n and 390n–395n, from the General Specifications).
    pub decimal: bool,
    /// As a Digital Link primary key, its allowed qualifier sequences in the
    /// dictionary's notation: `"22,10,21|235"` (alternatives by `|`), `""` for a key
    /// without qualifiers; `None` when the AI is no primary key.
    pub dl_qualifiers: Option<&'static str>,
    /// The AI's pairing rules, the dictionary's `req=` and `ex=` attributes as written
    /// there (`"req=01,02 ex=310n"`, `""` for none): each `req=` lists alternatives, one
    /// of which must be present (an alternative of AIs joined by `+` needs them all),
    /// `ex=` the AIs that must not be; `n` stands for any digit. Checked by
    /// [`crate::io::gs1::parse`] and the builders that check their input.
    pub pairing: &'static str,
}

/// A row's format, parsed once (see [`AiSpec::layout`]).
#[derive(Debug)]
struct Layout {
    parts: Vec<Part>,
    min_len: usize,
    max_len: usize,
}

impl Layout {
    fn of(format: &str) -> Layout {
        let parts: Vec<Part> = format
            .split_whitespace()
            .map(|c| Part::parse(c).expect("every format of the table parses (tested)"))
            .collect();
        Layout {
            min_len: parts.iter().filter(|p| !p.optional).map(|p| p.min).sum(),
            max_len: parts.iter().map(|p| p.max).sum(),
            parts,
        }
    }
}

/// The layouts of [`AI_TABLE`]'s rows, in its order.
fn layouts() -> &'static [Layout] {
    static LAYOUTS: OnceLock<Vec<Layout>> = OnceLock::new();
    LAYOUTS.get_or_init(|| AI_TABLE.iter().map(|row| Layout::of(row.format)).collect())
}

impl AiSpec {
    /// The row's parsed format. Every `AiSpec` is a row of [`AI_TABLE`] (they are
    /// made nowhere else): its index comes from its address, or else from its AI.
    fn layout(&self) -> &'static Layout {
        let offset = (self as *const Self as usize).wrapping_sub(AI_TABLE.as_ptr() as usize);
        let by_address = offset / std::mem::size_of::<Self>();
        let index = match AI_TABLE.get(by_address) {
            Some(row) if std::ptr::eq(row, self) => by_address,
            _ => AI_TABLE.partition_point(|row| row.first < self.first),
        };
        &layouts()[index]
    }

    /// `ai`, one of the row's AIs, as a string that lives as long as the table (its
    /// own string when it is no AI of the row).
    pub(crate) fn name(&self, ai: &str) -> &'static str {
        match ai_number(ai.as_bytes()) {
            Some(n) if self.covers(ai) => &index().names[ai.len() - 2][n],
            _ => self.first,
        }
    }

    /// The components of the value.
    pub fn parts(&self) -> impl Iterator<Item = Part> + '_ {
        self.layout().parts.iter().copied()
    }

    /// The shortest valid value.
    pub fn min_len(&self) -> usize {
        self.layout().min_len
    }

    /// The longest valid value.
    pub fn max_len(&self) -> usize {
        self.layout().max_len
    }

    /// Whether the value has a single length.
    pub fn is_fixed_length(&self) -> bool {
        self.min_len() == self.max_len()
    }

    /// Whether an FNC1 separator must follow the value unless it ends the data.
    pub fn needs_fnc1(&self) -> bool {
        !self.predefined_length
    }

    /// The format of the first date component, if any.
    pub fn date_format(&self) -> Option<DateFormat> {
        self.parts().find_map(|p| p.date)
    }

    /// Whether a component ends in a GS1 check digit.
    pub fn has_check_digit(&self) -> bool {
        self.parts().any(|p| p.check_digit)
    }

    /// Whether `ai` is one of the row's AIs.
    pub fn covers(&self, ai: &str) -> bool {
        ai.len() == self.first.len() && self.first <= ai && ai <= self.last
    }

    /// The allowed Digital Link qualifier sequences after this primary key, in order
    /// (empty when it is no key).
    pub fn qualifier_sequences(&self) -> Vec<Vec<&'static str>> {
        self.dl_qualifiers
            .into_iter()
            .flat_map(|q| q.split('|'))
            .map(|seq| seq.split(',').filter(|q| !q.is_empty()).collect())
            .collect()
    }

    /// Whether `qualifiers` may follow this primary key in a Digital Link path, in this
    /// order (one of the sequences, any of its qualifiers left out).
    pub fn allows_qualifiers(&self, qualifiers: &[&str]) -> bool {
        self.qualifier_sequences().iter().any(|seq| {
            let mut rest = seq.iter();
            qualifiers.iter().all(|q| rest.any(|s| s == q))
        })
    }
}

/// The row for exactly `ai` (2 to 4 digits), e.g. `lookup("3103")`.
pub fn lookup(ai: &str) -> Option<&'static AiSpec> {
    let number = ai_number(ai.as_bytes())?;
    let row = index().rows[ai.len() - 2][number];
    row.checked_sub(1).map(|i| &AI_TABLE[usize::from(i)])
}

/// The AI that `data` starts with, and its row. The table is prefix-free and an AI's
/// first two digits set its length (tested), so that length is taken.
pub fn match_prefix(data: &str) -> Option<(&str, &'static AiSpec)> {
    let two = ai_number(data.as_bytes().get(..2)?)?;
    let ai = data.get(..usize::from(index().length[two]))?;
    lookup(ai).map(|row| (ai, row))
}

/// Whether two AIs are the same (compared inline: AIs are a few bytes).
pub(crate) fn same_ai(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

/// `digits` as a number, when they are 2 to 4 ASCII digits.
fn ai_number(digits: &[u8]) -> Option<usize> {
    if !(2..=4).contains(&digits.len()) {
        return None;
    }
    digits.iter().try_fold(0, |n, &b| {
        b.is_ascii_digit().then(|| n * 10 + usize::from(b - b'0'))
    })
}

/// Direct access to [`AI_TABLE`]'s rows by AI.
struct Index {
    /// For 2-, 3- and 4-digit AIs, by number: 1 + the row's index, or 0.
    rows: [Vec<u16>; 3],
    /// By first two digits: the length of the AIs starting with them, or 0.
    length: [u8; 100],
    /// For 2-, 3- and 4-digit AIs, by number: the AI, or `""`.
    names: [Vec<String>; 3],
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index = Index {
            rows: [vec![0; 100], vec![0; 1_000], vec![0; 10_000]],
            length: [0; 100],
            names: [100, 1_000, 10_000].map(|n| vec![String::new(); n]),
        };
        for (i, row) in AI_TABLE.iter().enumerate() {
            let width = row.first.len();
            let number = |ai: &str| ai_number(ai.as_bytes()).expect("AIs are 2-4 digits");
            for n in number(row.first)..=number(row.last) {
                index.rows[width - 2][n] = u16::try_from(i + 1).expect("a small table");
                let name = format!("{n:0width$}");
                index.length[number(&name[..2])] = u8::try_from(width).expect("2-4");
                index.names[width - 2][n] = name;
            }
        }
        index
    })
}

/// A row for one AI. Flags: `*` predefined length, `?` Digital Link data attribute
/// (both from the dictionary), `n` decimal places in the AI's last digit.
const fn ai(
    ai: &'static str,
    flags: &'static str,
    format: &'static str,
    title: &'static str,
) -> AiSpec {
    range(ai, ai, flags, format, title)
}

/// A row for the AIs `first..=last`; see [`ai`].
const fn range(
    first: &'static str,
    last: &'static str,
    flags: &'static str,
    format: &'static str,
    title: &'static str,
) -> AiSpec {
    AiSpec {
        first,
        last,
        title,
        format,
        predefined_length: has_flag(flags, b'*'),
        dl_attribute: has_flag(flags, b'?'),
        decimal: has_flag(flags, b'n'),
        dl_qualifiers: None,
        pairing: "",
    }
}

const fn has_flag(flags: &str, flag: u8) -> bool {
    let bytes = flags.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == flag {
            return true;
        }
        i += 1;
    }
    false
}

impl AiSpec {
    /// The row with these pairing rules (`req=` and `ex=` attributes of the dictionary).
    const fn pairs(self, rules: &'static str) -> Self {
        Self {
            pairing: rules,
            ..self
        }
    }

    /// The row as a Digital Link primary key with these qualifier sequences.
    const fn key(self, qualifiers: &'static str) -> Self {
        Self {
            dl_qualifiers: Some(qualifiers),
            ..self
        }
    }
}

/// Every AI of the GS1 Barcode Syntax Dictionary, in its lexical order (which
/// [`lookup`] relies on).
#[rustfmt::skip]
pub static AI_TABLE: &[AiSpec] = &[
    ai("00", "*?", "N18,csum,keyoff1", "SSCC").key(""),
    ai("01", "*?", "N14,csum,keyoff1", "GTIN").pairs("ex=255,37").key("22,10,21|235"),
    ai("02", "*?", "N14,csum,keyoff1", "CONTENT").pairs("ex=01,03 req=37"),
    ai("03", "*", "N14,csum,keyoff1", "MTO GTIN").pairs("ex=01,02,37"),
    ai("10", "?", "X..20", "BATCH/LOT").pairs("req=01,02,03,8006,8026"),
    ai("11", "*?", "N6,yymmd0", "PROD DATE").pairs("req=01,02,03,8006,8026"),
    ai("12", "*?", "N6,yymmd0", "DUE DATE").pairs("req=8020"),
    ai("13", "*?", "N6,yymmd0", "PACK DATE").pairs("req=01,02,03,8006,8026"),
    ai("15", "*?", "N6,yymmd0", "BEST BEFORE or BEST BY").pairs("req=01,02,03,8006,8026"),
    ai("16", "*?", "N6,yymmd0", "SELL BY").pairs("req=01,02,03,8006,8026"),
    ai("17", "*?", "N6,yymmd0", "USE BY or EXPIRY").pairs("req=01,02,03,255,8006,8026"),
    ai("20", "*?", "N2", "VARIANT").pairs("req=01,02,8006,8026"),
    ai("21", "", "X..20", "SERIAL").pairs("req=01,03,8006 ex=235"),
    ai("22", "", "X..20", "CPV").pairs("req=01"),
    ai("235", "", "X..28", "TPX").pairs("req=01"),
    ai("240", "?", "X..30", "ADDITIONAL ID").pairs("req=01,02,8006,8026"),
    ai("241", "?", "X..30", "CUST. PART No.").pairs("req=01,02,8006,8026"),
    ai("242", "?", "N..6", "MTO VARIANT").pairs("req=01,02,8006,8026"),
    ai("243", "?", "X..20", "PCN").pairs("req=01"),
    ai("250", "?", "X..30", "SECONDARY SERIAL").pairs("req=01,8006 req=21"),
    ai("251", "?", "X..30", "REF. TO SOURCE").pairs("req=01,8006"),
    ai("253", "?", "N13,csum,key [X..17]", "GDTI").key(""),
    ai("254", "", "X..20", "GLN EXTENSION COMPONENT").pairs("req=414"),
    ai("255", "?", "N13,csum,key [N..12]", "GCN").pairs("ex=01,02,415,8006,8020,8026").key(""),
    ai("30", "?", "N..8", "VAR. COUNT").pairs("req=01,02"),
    range("3100", "3105", "*?n", "N6", "NET WEIGHT (kg)").pairs("req=01,02 ex=310n"),
    range("3110", "3115", "*?n", "N6", "LENGTH (m)").pairs("req=01,02 ex=311n"),
    range("3120", "3125", "*?n", "N6", "WIDTH (m)").pairs("req=01,02 ex=312n"),
    range("3130", "3135", "*?n", "N6", "HEIGHT (m)").pairs("req=01,02 ex=313n"),
    range("3140", "3145", "*?n", "N6", "AREA (m²)").pairs("req=01,02 ex=314n"),
    range("3150", "3155", "*?n", "N6", "NET VOLUME (l)").pairs("req=01,02 ex=315n"),
    range("3160", "3165", "*?n", "N6", "NET VOLUME (m³)").pairs("req=01,02 ex=316n"),
    range("3200", "3205", "*?n", "N6", "NET WEIGHT (lb)").pairs("req=01,02 ex=320n"),
    range("3210", "3215", "*?n", "N6", "LENGTH (in)").pairs("req=01,02 ex=321n"),
    range("3220", "3225", "*?n", "N6", "LENGTH (ft)").pairs("req=01,02 ex=322n"),
    range("3230", "3235", "*?n", "N6", "LENGTH (yd)").pairs("req=01,02 ex=323n"),
    range("3240", "3245", "*?n", "N6", "WIDTH (in)").pairs("req=01,02 ex=324n"),
    range("3250", "3255", "*?n", "N6", "WIDTH (ft)").pairs("req=01,02 ex=325n"),
    range("3260", "3265", "*?n", "N6", "WIDTH (yd)").pairs("req=01,02 ex=326n"),
    range("3270", "3275", "*?n", "N6", "HEIGHT (in)").pairs("req=01,02 ex=327n"),
    range("3280", "3285", "*?n", "N6", "HEIGHT (ft)").pairs("req=01,02 ex=328n"),
    range("3290", "3295", "*?n", "N6", "HEIGHT (yd)").pairs("req=01,02 ex=329n"),
    range("3300", "3305", "*?n", "N6", "GROSS WEIGHT (kg)").pairs("req=00,01 ex=330n"),
    range("3310", "3315", "*?n", "N6", "LENGTH (m), log").pairs("req=00,01 ex=331n"),
    range("3320", "3325", "*?n", "N6", "WIDTH (m), log").pairs("req=00,01 ex=332n"),
    range("3330", "3335", "*?n", "N6", "HEIGHT (m), log").pairs("req=00,01 ex=333n"),
    range("3340", "3345", "*?n", "N6", "AREA (m²), log").pairs("req=00,01 ex=334n"),
    range("3350", "3355", "*?n", "N6", "VOLUME (l), log").pairs("req=00,01 ex=335n"),
    range("3360", "3365", "*?n", "N6", "VOLUME (m³), log").pairs("req=00,01 ex=336n"),
    range("3370", "3375", "*?n", "N6", "KG PER m²").pairs("req=01 ex=337n"),
    range("3400", "3405", "*?n", "N6", "GROSS WEIGHT (lb)").pairs("req=00,01 ex=340n"),
    range("3410", "3415", "*?n", "N6", "LENGTH (in), log").pairs("req=00,01 ex=341n"),
    range("3420", "3425", "*?n", "N6", "LENGTH (ft), log").pairs("req=00,01 ex=342n"),
    range("3430", "3435", "*?n", "N6", "LENGTH (yd), log").pairs("req=00,01 ex=343n"),
    range("3440", "3445", "*?n", "N6", "WIDTH (in), log").pairs("req=00,01 ex=344n"),
    range("3450", "3455", "*?n", "N6", "WIDTH (ft), log").pairs("req=00,01 ex=345n"),
    range("3460", "3465", "*?n", "N6", "WIDTH (yd), log").pairs("req=00,01 ex=346n"),
    range("3470", "3475", "*?n", "N6", "HEIGHT (in), log").pairs("req=00,01 ex=347n"),
    range("3480", "3485", "*?n", "N6", "HEIGHT (ft), log").pairs("req=00,01 ex=348n"),
    range("3490", "3495", "*?n", "N6", "HEIGHT (yd), log").pairs("req=00,01 ex=349n"),
    range("3500", "3505", "*?n", "N6", "AREA (in²)").pairs("req=01,02 ex=350n"),
    range("3510", "3515", "*?n", "N6", "AREA (ft²)").pairs("req=01,02 ex=351n"),
    range("3520", "3525", "*?n", "N6", "AREA (yd²)").pairs("req=01,02 ex=352n"),
    range("3530", "3535", "*?n", "N6", "AREA (in²), log").pairs("req=00,01 ex=353n"),
    range("3540", "3545", "*?n", "N6", "AREA (ft²), log").pairs("req=00,01 ex=354n"),
    range("3550", "3555", "*?n", "N6", "AREA (yd²), log").pairs("req=00,01 ex=355n"),
    range("3560", "3565", "*?n", "N6", "NET WEIGHT (t oz)").pairs("req=01,02 ex=356n"),
    range("3570", "3575", "*?n", "N6", "NET VOLUME (oz)").pairs("req=01,02 ex=357n"),
    range("3600", "3605", "*?n", "N6", "NET VOLUME (qt)").pairs("req=01,02 ex=360n"),
    range("3610", "3615", "*?n", "N6", "NET VOLUME (gal.)").pairs("req=01,02 ex=361n"),
    range("3620", "3625", "*?n", "N6", "VOLUME (qt), log").pairs("req=00,01 ex=362n"),
    range("3630", "3635", "*?n", "N6", "VOLUME (gal.), log").pairs("req=00,01 ex=363n"),
    range("3640", "3645", "*?n", "N6", "VOLUME (in³)").pairs("req=01,02 ex=364n"),
    range("3650", "3655", "*?n", "N6", "VOLUME (ft³)").pairs("req=01,02 ex=365n"),
    range("3660", "3665", "*?n", "N6", "VOLUME (yd³)").pairs("req=01,02 ex=366n"),
    range("3670", "3675", "*?n", "N6", "VOLUME (in³), log").pairs("req=00,01 ex=367n"),
    range("3680", "3685", "*?n", "N6", "VOLUME (ft³), log").pairs("req=00,01 ex=368n"),
    range("3690", "3695", "*?n", "N6", "VOLUME (yd³), log").pairs("req=00,01 ex=369n"),
    ai("37", "?", "N..8", "COUNT").pairs("req=00 req=02,8026"),
    range("3900", "3909", "?n", "N..15", "AMOUNT").pairs("req=255,8020 ex=390n,391n,394n,8111"),
    range("3910", "3919", "?n", "N3,iso4217 N..15", "AMOUNT").pairs("req=8020 ex=391n"),
    range("3920", "3929", "?n", "N..15", "PRICE").pairs("req=01 req=30,31nn,32nn,35nn,36nn ex=392n,393n"),
    range("3930", "3939", "?n", "N3,iso4217 N..15", "PRICE").pairs("req=30,31nn,32nn,35nn,36nn ex=393n"),
    range("3940", "3943", "?n", "N4", "PRCNT OFF").pairs("req=255 ex=394n,8111"),
    range("3950", "3955", "?n", "N6", "PRICE/UoM").pairs("req=30,31nn,32nn,35nn,36nn ex=392n,393n,395n,8005"),
    ai("400", "?", "X..30", "ORDER NUMBER"),
    ai("401", "?", "X..30,key", "GINC").key(""),
    ai("402", "?", "N17,csum,key", "GSIN").key(""),
    ai("403", "?", "X..30", "ROUTE").pairs("req=00"),
    ai("410", "*?", "N13,csum,key", "SHIP TO LOC"),
    ai("411", "*?", "N13,csum,key", "BILL TO"),
    ai("412", "*?", "N13,csum,key", "PURCHASE FROM"),
    ai("413", "*?", "N13,csum,key", "SHIP FOR LOC"),
    ai("414", "*?", "N13,csum,key", "LOC No.").key("254|7040"),
    ai("415", "*?", "N13,csum,key", "PAY TO").pairs("req=8020").key("8020"),
    ai("416", "*?", "N13,csum,key", "PROD/SERV LOC"),
    ai("417", "*?", "N13,csum,key", "PARTY").key("7040"),
    ai("420", "?", "X..20", "SHIP TO POST").pairs("ex=421"),
    ai("421", "?", "N3,iso3166 X..9", "SHIP TO POST").pairs("ex=4307"),
    ai("422", "?", "N3,iso3166", "ORIGIN").pairs("req=01,02,8006,8026 ex=426"),
    ai("423", "?", "N3,iso3166 [N3],iso3166 [N3],iso3166 [N3],iso3166 [N3],iso3166", "COUNTRY - INITIAL PROCESS").pairs("req=01,02 ex=426"),
    ai("424", "?", "N3,iso3166", "COUNTRY - PROCESS").pairs("req=01,02 ex=426"),
    ai("425", "?", "N3,iso3166 [N3],iso3166 [N3],iso3166 [N3],iso3166 [N3],iso3166", "COUNTRY - DISASSEMBLY").pairs("req=01,02 ex=426"),
    ai("426", "?", "N3,iso3166", "COUNTRY - FULL PROCESS").pairs("req=01,02"),
    ai("427", "?", "X..3", "ORIGIN SUBDIVISION").pairs("req=01,02 req=422"),
    ai("4300", "?", "X..35,pcenc", "SHIP TO COMP").pairs("req=00"),
    ai("4301", "?", "X..35,pcenc", "SHIP TO NAME").pairs("req=00"),
    ai("4302", "?", "X..70,pcenc", "SHIP TO ADD1").pairs("req=00"),
    ai("4303", "?", "X..70,pcenc", "SHIP TO ADD2").pairs("req=4302"),
    ai("4304", "?", "X..70,pcenc", "SHIP TO SUB").pairs("req=00"),
    ai("4305", "?", "X..70,pcenc", "SHIP TO LOC").pairs("req=00"),
    ai("4306", "?", "X..70,pcenc", "SHIP TO REG").pairs("req=00"),
    ai("4307", "?", "X2,iso3166alpha2", "SHIP TO COUNTRY").pairs("req=00"),
    ai("4308", "?", "X..30", "SHIP TO PHONE").pairs("req=00"),
    ai("4309", "?", "N10,latitude N10,longitude", "SHIP TO GEO").pairs("req=00"),
    ai("4310", "?", "X..35,pcenc", "RTN TO COMP").pairs("req=00"),
    ai("4311", "?", "X..35,pcenc", "RTN TO NAME").pairs("req=00"),
    ai("4312", "?", "X..70,pcenc", "RTN TO ADD1").pairs("req=00"),
    ai("4313", "?", "X..70,pcenc", "RTN TO ADD2").pairs("req=4312"),
    ai("4314", "?", "X..70,pcenc", "RTN TO SUB").pairs("req=00"),
    ai("4315", "?", "X..70,pcenc", "RTN TO LOC").pairs("req=00"),
    ai("4316", "?", "X..70,pcenc", "RTN TO REG").pairs("req=00"),
    ai("4317", "?", "X2,iso3166alpha2", "RTN TO COUNTRY").pairs("req=00"),
    ai("4318", "?", "X..20", "RTN TO POST").pairs("req=00"),
    ai("4319", "?", "X..30", "RTN TO PHONE").pairs("req=00"),
    ai("4320", "?", "X..35,pcenc", "SRV DESCRIPTION").pairs("req=00"),
    ai("4321", "?", "N1,yesno", "DANGEROUS GOODS").pairs("req=00"),
    ai("4322", "?", "N1,yesno", "AUTH TO LEAVE").pairs("req=00"),
    ai("4323", "?", "N1,yesno", "SIG REQUIRED").pairs("req=00"),
    ai("4324", "?", "N6,yymmd0 N4,hhmi", "NOT BEF DEL DT").pairs("req=00"),
    ai("4325", "?", "N6,yymmd0 N4,hhmi", "NOT AFT DEL DT").pairs("req=00"),
    ai("4326", "?", "N6,yymmdd", "REL DATE").pairs("req=00"),
    ai("4330", "?", "N6 [X1],hyphen", "MAX TEMP F.").pairs("req=00 ex=4331"),
    ai("4331", "?", "N6 [X1],hyphen", "MAX TEMP C.").pairs("req=00 ex=4330"),
    ai("4332", "?", "N6 [X1],hyphen", "MIN TEMP F.").pairs("req=00 ex=4333"),
    ai("4333", "?", "N6 [X1],hyphen", "MIN TEMP C.").pairs("req=00 ex=4332"),
    ai("7001", "?", "N13", "NSN").pairs("req=01,02,8006,8026"),
    ai("7002", "?", "X..30", "MEAT CUT").pairs("req=01,02"),
    ai("7003", "?", "N6,yymmdd N4,hhmi", "EXPIRY TIME").pairs("req=01,02"),
    ai("7004", "?", "N..4", "ACTIVE POTENCY").pairs("req=01 req=10"),
    ai("7005", "?", "X..12", "CATCH AREA").pairs("req=01,02"),
    ai("7006", "?", "N6,yymmdd", "FIRST FREEZE DATE").pairs("req=01,02"),
    ai("7007", "?", "N6,yymmdd [N6],yymmdd", "HARVEST DATE").pairs("req=01,02"),
    ai("7008", "?", "X..3", "AQUATIC SPECIES").pairs("req=01,02"),
    ai("7009", "?", "X..10", "FISHING GEAR TYPE").pairs("req=01,02"),
    ai("7010", "?", "X..2", "PROD METHOD").pairs("req=01,02"),
    ai("7011", "?", "N6,yymmdd [N4],hhmi", "TEST BY DATE").pairs("req=01,02"),
    ai("7020", "?", "X..20", "REFURB LOT").pairs("req=01,8006 req=416"),
    ai("7021", "?", "X..20", "FUNC STAT").pairs("req=01,8006"),
    ai("7022", "?", "X..20", "REV STAT").pairs("req=7021"),
    ai("7023", "?", "X..30,key", "GIAI - ASSEMBLY"),
    range("7030", "7039", "?", "N3,iso3166999 X..27", "PROCESSOR # s").pairs("req=01,02"),
    ai("7040", "", "N1 X1 X1 X1,importeridx", "UIC+EXT"),
    ai("7041", "", "X..4,packagetype", "UFRGT UNIT TYPE").pairs("req=00"),
    ai("710", "?", "X..20", "NHRN PZN").pairs("req=01"),
    ai("711", "?", "X..20", "NHRN CIP").pairs("req=01"),
    ai("712", "?", "X..20", "NHRN CN").pairs("req=01"),
    ai("713", "?", "X..20", "NHRN DRN").pairs("req=01"),
    ai("714", "?", "X..20", "NHRN AIM").pairs("req=01"),
    ai("715", "?", "X..20", "NHRN NDC").pairs("req=01"),
    ai("716", "?", "X..20", "NHRN AIC").pairs("req=01"),
    range("7230", "7239", "?", "X2 X..28", "CERT # s").pairs("req=01,8004"),
    ai("7240", "?", "X..20", "PROTOCOL").pairs("req=01,8006"),
    ai("7241", "?", "N2,mediatype", "AIDC MEDIA TYPE").pairs("req=8017,8018"),
    ai("7242", "?", "X..25", "VCN").pairs("req=8017,8018"),
    ai("7250", "?", "N8,yyyymmdd", "DOB").pairs("req=8018 ex=7251"),
    ai("7251", "?", "N8,yyyymmdd N4,hhmi", "DOB TIME").pairs("req=8018 ex=7250"),
    ai("7252", "?", "N1,iso5218", "BIO SEX").pairs("req=8018"),
    ai("7253", "?", "X..40,pcenc", "FAMILY NAME").pairs("req=8017,8018 ex=7256,7259"),
    ai("7254", "?", "X..40,pcenc", "GIVEN NAME").pairs("req=8017,8018 ex=7256,7259"),
    ai("7255", "?", "X..10", "SUFFIX").pairs("req=8017,8018 ex=7256,7259"),
    ai("7256", "?", "X..90,pcenc", "FULL NAME").pairs("req=8017,8018"),
    ai("7257", "?", "X..70,pcenc", "PERSON ADDR").pairs("req=8018"),
    ai("7258", "?", "X3,posinseqslash", "BIRTH SEQUENCE").pairs("req=8018+7259"),
    ai("7259", "?", "X..40,pcenc", "BABY").pairs("req=8018 ex=7256"),
    ai("8001", "?", "N4,nonzero N5,nonzero N3,nonzero N1,winding N1", "DIMENSIONS").pairs("req=01"),
    ai("8002", "?", "X..20", "CMT No."),
    ai("8003", "?", "N1,zero N13,csum,key [X..16]", "GRAI").key(""),
    ai("8004", "?", "X..30,key", "GIAI").key("7040"),
    ai("8005", "?", "N6", "PRICE PER UNIT").pairs("req=01,02"),
    ai("8006", "?", "N14,csum,keyoff1 N4,pieceoftotal", "ITIP").pairs("ex=01,37").key("22,10,21"),
    ai("8007", "?", "X..34,iban", "IBAN").pairs("req=415"),
    ai("8008", "?", "N6,yymmdd N2,hh [N2],mi [N2],ss", "PROD TIME").pairs("req=01,02"),
    ai("8009", "?", "X..50", "OPTSEN").pairs("req=00,01"),
    ai("8010", "?", "Y..30,key", "CPID").key("8011"),
    ai("8011", "", "N..12,nozeroprefix", "CPID SERIAL").pairs("req=8010"),
    ai("8012", "?", "X..20", "VERSION").pairs("req=01,8006"),
    ai("8013", "?", "X..25,csumalpha,key", "GMN").key(""),
    ai("8014", "", "X..25,csumalpha,key,hasnondigit", "MUDI").pairs("req=01"),
    ai("8017", "?", "N18,csum,key", "GSRN - PROVIDER").pairs("ex=8018").key("8019"),
    ai("8018", "?", "N18,csum,key", "GSRN - RECIPIENT").pairs("ex=8017").key("8019"),
    ai("8019", "", "N..10", "SRIN").pairs("req=8017,8018"),
    ai("8020", "", "X..25", "REF No.").pairs("req=415"),
    ai("8026", "?", "N14,csum,keyoff1 N4,pieceoftotal", "ITIP CONTENT").pairs("req=37 ex=02,8006"),
    ai("8030", "?", "Z..90", "DIGSIG").pairs("req=00,01+21,253,255,8003,8004,8006+21,8010+8011,8017,8018"),
    ai("8110", "?", "X..70,couponcode", "-"),
    ai("8111", "?", "N4", "POINTS").pairs("req=255"),
    ai("8112", "?", "X..70,couponposoffer", "-"),
    ai("8200", "", "X..70", "PRODUCT URL").pairs("req=01"),
    ai("90", "?", "X..30", "INTERNAL"),
    range("91", "99", "?", "X..90", "INTERNAL"),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// AI prefixes of predefined length, from the General Specifications' table (a
    /// cross-check of the `*` flags).
    const PREDEFINED: [&str; 22] = [
        "00", "01", "02", "03", "04", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20",
        "31", "32", "33", "34", "35", "36", "41",
    ];

    fn every_ai(row: &AiSpec) -> impl Iterator<Item = String> + '_ {
        let (first, last): (u32, u32) = (row.first.parse().unwrap(), row.last.parse().unwrap());
        let width = row.first.len();
        (first..=last).map(move |n| format!("{n:0width$}"))
    }

    #[test]
    fn gs1_table_rows_are_sorted_well_formed_and_prefix_free() {
        for pair in AI_TABLE.windows(2) {
            assert!(
                pair[0].last < pair[1].first,
                "{} / {}",
                pair[0].last,
                pair[1].first
            );
        }
        for row in AI_TABLE {
            assert_eq!(row.first.len(), row.last.len(), "{}", row.first);
            assert!(row.first <= row.last);
            let parts: Vec<Part> = row.parts().collect();
            assert!(!parts.is_empty());
            // Only the last component varies in length; nothing mandatory follows an
            // optional one.
            for (i, p) in parts.iter().enumerate() {
                assert!(p.min == p.max || i + 1 == parts.len(), "{}", row.first);
                assert!(!p.optional || parts[i..].iter().all(|q| q.optional));
            }
            assert_eq!(
                row.predefined_length,
                PREDEFINED.contains(&&row.first[..2]),
                "{}",
                row.first
            );
            assert!(!row.predefined_length || row.is_fixed_length());
            let mut same_two = AI_TABLE.iter().filter(|r| r.first[..2] == row.first[..2]);
            assert!(
                same_two.all(|r| r.first.len() == row.first.len()),
                "{}",
                row.first
            );
            for n in 2..row.first.len() {
                assert!(
                    lookup(&row.first[..n]).is_none(),
                    "{} has a prefix AI",
                    row.first
                );
            }
        }
    }

    #[test]
    fn gs1_character_sets_are_the_general_specifications() {
        let cset82 = |c: char| c.is_ascii_alphanumeric() || "!\"%&'()*+,-./:;<=>?_".contains(c);
        let cset39 = |c: char| c.is_ascii_digit() || c.is_ascii_uppercase() || "#-/".contains(c);
        let cset64 = |c: char| c.is_ascii_alphanumeric() || "-_=".contains(c);
        for c in (0..=0x2FFu32).filter_map(char::from_u32) {
            assert_eq!(Charset::Cset82.allows(c), cset82(c), "{c:?}");
            assert_eq!(Charset::Cset39.allows(c), cset39(c), "{c:?}");
            assert_eq!(Charset::Cset64.allows(c), cset64(c), "{c:?}");
            assert_eq!(Charset::Numeric.allows(c), c.is_ascii_digit(), "{c:?}");
        }
        assert_eq!(
            (0..128u8)
                .filter(|&b| Charset::Cset82.allows(char::from(b)))
                .count(),
            82
        );
        assert_eq!(
            (0..128u8)
                .filter(|&b| Charset::Cset39.allows(char::from(b)))
                .count(),
            39
        );
    }

    #[test]
    fn gs1_every_ai_looks_up_to_its_row() {
        let mut count = 0;
        for row in AI_TABLE {
            for ai in every_ai(row) {
                assert!(std::ptr::eq(lookup(&ai).unwrap(), row), "{ai}");
                let data = format!("{ai}0123");
                let (found, spec) = match_prefix(&data).unwrap();
                assert!(found == ai && std::ptr::eq(spec, row), "{ai}");
                assert_eq!(row.name(&ai), ai);
                count += 1;
            }
        }
        assert_eq!(count, 536);
        for unknown in [
            "04", "14", "23", "2399", "3106", "3944", "7042", "717", "8015", "89", "", "1", "01x",
            "00000",
        ] {
            assert!(lookup(unknown).is_none(), "{unknown}");
        }
    }

    #[test]
    fn gs1_rows_describe_the_general_specifications() {
        let gtin = lookup("01").unwrap();
        assert_eq!(
            (gtin.title, gtin.min_len(), gtin.max_len()),
            ("GTIN", 14, 14)
        );
        assert!(gtin.has_check_digit() && gtin.predefined_length && !gtin.needs_fnc1());
        let lot = lookup("10").unwrap();
        assert_eq!(
            (lot.title, lot.min_len(), lot.max_len()),
            ("BATCH/LOT", 1, 20)
        );
        assert!(lot.needs_fnc1() && !lot.is_fixed_length());
        assert_eq!(lot.parts().next().unwrap().charset, Charset::Cset82);
        assert_eq!(
            lookup("17").unwrap().date_format(),
            Some(DateFormat::Yymmd0)
        );
        assert_eq!(
            lookup("7006").unwrap().date_format(),
            Some(DateFormat::Yymmdd)
        );
        assert_eq!(
            lookup("8010").unwrap().parts().next().unwrap().charset,
            Charset::Cset39
        );
        assert_eq!(
            lookup("8030").unwrap().parts().next().unwrap().charset,
            Charset::Cset64
        );
        let weight = lookup("3103").unwrap();
        assert!(weight.decimal && weight.predefined_length && weight.title == "NET WEIGHT (kg)");
        // 253: 13 digits with a check digit, then up to 17 CSET 82 characters.
        let gdti = lookup("253").unwrap();
        assert_eq!((gdti.min_len(), gdti.max_len()), (13, 30));
        assert!(gdti.needs_fnc1() && gdti.has_check_digit());
        // 422 is fixed-length but not predefined: it still needs FNC1.
        assert!(lookup("422").unwrap().is_fixed_length() && lookup("422").unwrap().needs_fnc1());
        assert_eq!(match_prefix("3103000750").map(|(ai, _)| ai), Some("3103"));
        assert_eq!(match_prefix("7003250101").map(|(ai, _)| ai), Some("7003"));
        assert_eq!(match_prefix("10ABC").map(|(ai, _)| ai), Some("10"));
        assert!(match_prefix("2399").is_none());
    }

    #[test]
    fn gs1_digital_link_keys_and_qualifier_order() {
        let gtin = lookup("01").unwrap();
        assert_eq!(
            gtin.qualifier_sequences(),
            vec![vec!["22", "10", "21"], vec!["235"]]
        );
        assert!(gtin.allows_qualifiers(&["22", "10", "21"]));
        assert!(gtin.allows_qualifiers(&["10"]));
        assert!(gtin.allows_qualifiers(&["235"]));
        assert!(!gtin.allows_qualifiers(&["21", "10"]));
        assert!(!gtin.allows_qualifiers(&["10", "235"]));
        assert!(lookup("00").unwrap().allows_qualifiers(&[]));
        assert!(!lookup("00").unwrap().allows_qualifiers(&["10"]));
        assert!(lookup("414").unwrap().allows_qualifiers(&["254"]));
        assert!(lookup("10").unwrap().qualifier_sequences().is_empty());
        let keys: Vec<&str> = AI_TABLE
            .iter()
            .filter(|r| r.dl_qualifiers.is_some())
            .map(|r| r.first)
            .collect();
        assert_eq!(
            keys,
            [
                "00", "01", "253", "255", "401", "402", "414", "415", "417", "8003", "8004",
                "8006", "8010", "8013", "8017", "8018"
            ]
        );
    }
}
