//! Numbering schemes and their sequences: applying [`E::NumberingSchemeDefined`] and
//! [`E::NumbersIssued`], and [`Issuer`], which draws the next free numbers for a
//! command (or a preview) without changing the state.
//!
//! A sequence is identified by its owner (a named scheme or a product's own pattern)
//! and the pattern's reset period on the event date. Numbers issued ahead of use are
//! kept until a lot or serial takes them, so they are never issued twice; a number
//! that already exists for the product is skipped.

use chrono::NaiveDate;
use foldhash::{HashMap, HashSet};

use super::State;
use crate::event::EventPayload as E;
use crate::kernel::error::TraceError;
use crate::kernel::id::{LocationId, ProductId, SchemeId};
use crate::kernel::numbering::{NumberFields, Pattern};
use crate::model::{NumberingScheme, Product, SequenceOwner};

/// The most numbers one command may draw.
pub const MAX_ISSUE: u32 = 100_000;

/// The sequences and the numbers issued but not used yet.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub(super) struct Numbering {
    schemes: HashMap<SchemeId, NumberingScheme>,
    /// The last value used per (sequence, reset period).
    last: HashMap<(SequenceOwner, String), u64>,
    /// Issued ahead of use, per product.
    unused: HashMap<ProductId, HashSet<String>>,
}

impl State {
    /// A numbering scheme by name.
    pub fn numbering_scheme(&self, id: &SchemeId) -> Option<&NumberingScheme> {
        self.numbering.schemes.get(id)
    }

    /// Every numbering scheme, by name.
    pub fn numbering_schemes(&self) -> Vec<&NumberingScheme> {
        let mut schemes: Vec<_> = self.numbering.schemes.values().collect();
        schemes.sort_by(|a, b| a.id.cmp(&b.id));
        schemes
    }

    /// Whether `number` is a lot or serial of `product`, or was issued for it and not
    /// used yet.
    pub fn number_taken(&self, product: &ProductId, number: &str) -> bool {
        let exists = self.products.get(product).is_some_and(|e| {
            (e.lots).contains(number, super::lot_number_at(&self.lots))
                || (e.serials).contains(number, super::serial_number_at(&self.serials))
        });
        exists
            || self
                .numbering
                .unused
                .get(product)
                .is_some_and(|unused| unused.contains(number))
    }

    /// Applies a numbering event: a scheme defined, numbers issued.
    pub(super) fn apply_numbering(&mut self, payload: &E) -> Result<(), TraceError> {
        match payload {
            E::NumberingSchemeDefined(scheme) => self.define_scheme(scheme),
            E::NumbersIssued {
                product,
                owner,
                period,
                last_sequence,
                numbers,
            } => self.issue_numbers(product, owner, period, *last_sequence, numbers),
            _ => return Err(super::corrupt("a numbering event")),
        }
        Ok(())
    }

    fn define_scheme(&mut self, scheme: &NumberingScheme) {
        self.numbering
            .schemes
            .insert(scheme.id.clone(), scheme.clone());
    }

    fn issue_numbers(
        &mut self,
        product: &ProductId,
        owner: &SequenceOwner,
        period: &str,
        last_sequence: u64,
        numbers: &[String],
    ) {
        self.numbering
            .last
            .insert((owner.clone(), period.to_owned()), last_sequence);
        self.numbering
            .unused
            .entry(product.clone())
            .or_default()
            .extend(numbers.iter().cloned());
    }

    /// A number became a lot or serial: it is no longer merely issued.
    pub(super) fn number_used(&mut self, product: &ProductId, number: &str) {
        if let Some(unused) = self.numbering.unused.get_mut(product) {
            unused.remove(number);
            if unused.is_empty() {
                self.numbering.unused.remove(product);
            }
        }
    }
}

/// The sequence and pattern a product's numbers come from, or why it has none.
pub(crate) fn product_sequence(
    state: &State,
    product: &Product,
) -> Result<(SequenceOwner, Pattern), TraceError> {
    let (owner, text) = match (&product.numbering_scheme, &product.numbering_pattern) {
        (Some(id), _) => {
            let scheme = state
                .numbering_scheme(id)
                .ok_or_else(|| TraceError::invalid("scheme", format!("unknown scheme {id}")))?;
            (SequenceOwner::Scheme(id.clone()), scheme.pattern.as_str())
        }
        (None, Some(pattern)) => (SequenceOwner::Product(product.id.clone()), pattern.as_str()),
        (None, None) => {
            return Err(TraceError::invalid(
                "number",
                format!(
                    "product {} has no numbering scheme: give the number",
                    product.id
                ),
            ))
        }
    };
    Ok((owner, Pattern::parse(text)?))
}

/// Draws numbers for one command: each call continues the sequence after what the
/// state and the earlier calls used, skipping numbers already taken. [`Self::events`]
/// records what was drawn.
pub(crate) struct Issuer<'a> {
    state: &'a State,
    drawn: Vec<Drawn>,
}

/// Numbers drawn from one sequence period for one product.
struct Drawn {
    product: ProductId,
    owner: SequenceOwner,
    period: String,
    last_sequence: u64,
    numbers: Vec<String>,
}

impl<'a> Issuer<'a> {
    pub(crate) fn new(state: &'a State) -> Self {
        Self {
            state,
            drawn: Vec::new(),
        }
    }

    /// The next free number for `product` on `date` (and at `location`, for patterns
    /// that name it).
    pub(crate) fn issue(
        &mut self,
        product: &Product,
        date: NaiveDate,
        location: Option<&LocationId>,
    ) -> Result<String, TraceError> {
        let (owner, pattern) = product_sequence(self.state, product)?;
        let period = pattern.period(date);
        let fields = NumberFields {
            date,
            product: product.id.as_str(),
            location: location.map(LocationId::as_str),
        };
        let mut sequence = self.last_sequence(&owner, &period);
        loop {
            sequence += 1;
            if sequence > pattern.max_sequence() {
                return Err(TraceError::invalid(
                    "number",
                    format!("the sequence of {pattern} has no numbers left for period {period:?}"),
                ));
            }
            let number = pattern.render(&fields, sequence)?;
            // Numbers drawn by this command differ by sequence; only the state's can clash.
            if !self.state.number_taken(&product.id, &number) {
                self.record(&product.id, owner, period, sequence, number.clone());
                return Ok(number);
            }
        }
    }

    /// `count` numbers (1..=[`MAX_ISSUE`]) in a row, as [`Self::issue`].
    pub(crate) fn issue_many(
        &mut self,
        product: &Product,
        date: NaiveDate,
        location: Option<&LocationId>,
        count: u32,
    ) -> Result<Vec<String>, TraceError> {
        if !(1..=MAX_ISSUE).contains(&count) {
            return Err(TraceError::invalid(
                "count",
                format!("must be 1..={MAX_ISSUE}, not {count}"),
            ));
        }
        (0..count)
            .map(|_| self.issue(product, date, location))
            .collect()
    }

    /// The `NumbersIssued` events for everything drawn, to be applied before the events
    /// that use the numbers.
    pub(crate) fn events(self) -> Vec<E> {
        self.drawn
            .into_iter()
            .map(|d| E::NumbersIssued {
                product: d.product,
                owner: d.owner,
                period: d.period,
                last_sequence: d.last_sequence,
                numbers: d.numbers,
            })
            .collect()
    }

    fn last_sequence(&self, owner: &SequenceOwner, period: &str) -> u64 {
        let drawn = self
            .drawn
            .iter()
            .rev()
            .find(|d| &d.owner == owner && d.period == period);
        match drawn {
            Some(d) => d.last_sequence,
            None => self
                .state
                .numbering
                .last
                .get(&(owner.clone(), period.to_owned()))
                .copied()
                .unwrap_or(0),
        }
    }

    fn record(
        &mut self,
        product: &ProductId,
        owner: SequenceOwner,
        period: String,
        sequence: u64,
        number: String,
    ) {
        let same = |d: &&mut Drawn| &d.product == product && d.owner == owner && d.period == period;
        match self.drawn.iter_mut().find(same) {
            Some(d) => {
                d.last_sequence = sequence;
                d.numbers.push(number);
            }
            None => self.drawn.push(Drawn {
                product: product.clone(),
                owner,
                period,
                last_sequence: sequence,
                numbers: vec![number],
            }),
        }
    }
}
