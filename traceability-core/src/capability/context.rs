//! The context a command is decided in (the state, today, the reason given) and the
//! guards every capability shares: product, location, party, lot and serial lookups,
//! positive quantities, reasons, holds, usability, expiry and serial transitions. Each
//! guard returns the typed error a user sees.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use chrono::NaiveDate;

use crate::command::{Line, LotSpec};
use crate::kernel::date::{bounded, bounded_opt, not_before};
use crate::kernel::error::TraceError;
use crate::kernel::id::{ItemRef, LocationId, LotNumber, PartyId, ProductId, SerialNumber};
use crate::kernel::text::{free_text, identifier};
use crate::kernel::vocab::{PartyRole, SerialStatus, Tracking};
use crate::kernel::Quantity;
use crate::model::{Location, Lot, LotDetails, Origin, Product, QualityStatus, Serial, StockLine};
use crate::state::numbering::Issuer;
use crate::state::{ItemIdx, State};

/// What a command is validated against: the state, today's date and the reason given.
pub struct Context<'a> {
    /// The current state.
    pub state: &'a State,
    /// Today, from the tracker's clock.
    pub today: NaiveDate,
    /// The reason given with the command.
    pub reason: Option<&'a str>,
}

/// A resolved lot or serial.
pub(crate) enum Item<'a> {
    Lot(&'a Lot),
    Serial(&'a Serial),
}

impl<'a> Context<'a> {
    pub(crate) fn product(
        &self,
        id: &ProductId,
        tracking: Tracking,
    ) -> Result<&'a Product, TraceError> {
        self.state.require_tracking(id, tracking)
    }

    pub(crate) fn location(&self, id: &LocationId) -> Result<&'a Location, TraceError> {
        self.state
            .location(id)
            .ok_or_else(|| TraceError::UnknownLocation(id.clone()))
    }

    pub(crate) fn party(&self, id: Option<&PartyId>, role: PartyRole) -> Result<(), TraceError> {
        let Some(id) = id else { return Ok(()) };
        let party = self
            .state
            .party(id)
            .ok_or_else(|| TraceError::UnknownParty(id.clone()))?;
        if !party.role.acts_as(role) {
            return Err(TraceError::WrongRole {
                party: id.clone(),
                expected: role,
            });
        }
        Ok(())
    }

    pub(crate) fn lot(&self, product: &ProductId, lot: &LotNumber) -> Result<&'a Lot, TraceError> {
        self.state
            .require_lot(product, lot)
            .map(|i| self.state.lot_at(i))
    }

    pub(crate) fn item(&self, item: &ItemRef) -> Result<Item<'a>, TraceError> {
        match item {
            ItemRef::Lot { product, lot } => self.lot(product, lot).map(Item::Lot),
            ItemRef::Serial { product, serial } => {
                self.product(product, Tracking::Serial)?;
                self.state
                    .serial(product, serial)
                    .map(Item::Serial)
                    .ok_or_else(|| TraceError::unknown_item(item))
            }
        }
    }

    /// The record of an item already resolved (so of a product with its tracking).
    fn item_at(&self, idx: ItemIdx) -> Item<'a> {
        match idx {
            ItemIdx::Lot(i) => Item::Lot(self.state.lot_at(i)),
            ItemIdx::Serial(i) => Item::Serial(self.state.serial_at(i)),
        }
    }

    pub(crate) fn require_reason(&self, what: &str) -> Result<(), TraceError> {
        match self.reason {
            Some(r) if !r.trim().is_empty() => Ok(()),
            _ => Err(TraceError::invalid(
                "reason",
                format!("{what} needs a reason"),
            )),
        }
    }

    pub(crate) fn available(
        &self,
        item: &ItemRef,
        lot: &Lot,
        location: &LocationId,
        wanted: Quantity,
    ) -> Result<(), TraceError> {
        self.location(location)?;
        let available = lot
            .stock_at(location)
            .map_or(Quantity::ZERO, StockLine::available);
        if available < wanted {
            return Err(insufficient(item, Some(location), wanted, available));
        }
        Ok(())
    }

    /// Refuses an expired lot unless overridden with a reason.
    pub(crate) fn check_expiry(
        &self,
        lot: &Lot,
        date: NaiveDate,
        override_expiry: bool,
    ) -> Result<(), TraceError> {
        match lot.dates.expiry {
            Some(expiry) if lot.is_expired_on(date) => {
                if override_expiry {
                    self.require_reason("an expiry override")
                } else {
                    Err(TraceError::ExpiredLot {
                        product: lot.product.clone(),
                        lot: lot.number.clone(),
                        expiry,
                        date,
                    })
                }
            }
            _ => Ok(()),
        }
    }

    pub(crate) fn check_consumption(
        &self,
        consumed: &[Line],
        date: NaiveDate,
        override_expiry: bool,
    ) -> Result<(), TraceError> {
        // Sized once: grown from empty, it would rehash several times per command.
        let mut totals: HashMap<(ItemIdx, &LocationId), Quantity> =
            HashMap::with_capacity(consumed.len());
        for line in consumed {
            let idx = self.state.require(&line.item)?;
            let total = totals.entry((idx, &line.location)).or_default();
            *total += line.quantity;
            match self.item_at(idx) {
                Item::Lot(lot) => {
                    positive(line.quantity)?;
                    usable(&line.item, lot)?;
                    self.check_expiry(lot, date, override_expiry)?;
                    not_before("produced_on", date, "receipt of input lot", lot.received_on)?;
                    self.available(&line.item, lot, &line.location, *total)?;
                }
                Item::Serial(serial) => {
                    one(*total)?;
                    transition(serial, SerialStatus::Consumed)?;
                    not_held(&line.item, serial.on_hold)?;
                    serial_at(&line.item, serial, &line.location)?;
                }
            }
        }
        Ok(())
    }

    /// The lot a receipt (or production output, or a lot record) creates, with its
    /// initial stock if any; a spec without a number gets the next one from `issuer`,
    /// dated `received_on`.
    pub(crate) fn new_lot(
        &self,
        spec: &LotSpec,
        stock: Option<(&LocationId, Quantity)>,
        received_on: NaiveDate,
        origin: Origin,
        issuer: &mut Issuer<'_>,
    ) -> Result<Lot, TraceError> {
        let product = self.product(&spec.product, Tracking::Lot)?;
        if let Some((location, quantity)) = stock {
            self.location(location)?;
            positive(quantity)?;
        }
        bounded("received_on", received_on)?;
        let number = match &spec.lot {
            Some(number) if self.state.lot_idx(&spec.product, number).is_some() => {
                return Err(duplicate("lot", format!("{}/{number}", spec.product)));
            }
            Some(number) => number.clone(),
            None => {
                let location = stock.map(|(location, _)| location);
                LotNumber::new(issuer.issue(product, received_on, location)?)?
            }
        };
        let details = spec.details();
        check_details(&details, received_on)?;
        let made = details.manufactured_on;
        spec.dates.check()?;
        let dates = spec.dates.derived(product, made.unwrap_or(received_on))?;
        dates.check()?;
        if let (Some(made), Some(expiry)) = (made, dates.expiry) {
            not_before("expiry", expiry, "manufacturing date", made)?;
        }
        let mut lot = Lot::new(spec.product.clone(), number, received_on);
        lot.set_details(details);
        lot.dates = dates;
        if product.requires_inspection {
            lot.quality = QualityStatus::Quarantine;
        }
        lot.origin = origin;
        lot.stock = stock
            .map(|(location, on_hand)| StockLine::new(location.clone(), on_hand))
            .into_iter()
            .collect();
        Ok(lot)
    }
}

/// Checks a lot record's descriptive fields: a manufacturing date within the limits and
/// not after the receipt, a weight that is not negative, bounded texts and attribute
/// names.
pub(crate) fn check_details(
    details: &LotDetails,
    received_on: NaiveDate,
) -> Result<(), TraceError> {
    if let Some(made) = bounded_opt("manufactured_on", details.manufactured_on)? {
        not_before("received_on", received_on, "manufacturing date", made)?;
    }
    if details.weight.is_some_and(Quantity::is_negative) {
        return Err(TraceError::invalid("weight", "must not be negative"));
    }
    free_text("description", &details.description)?;
    free_text(
        "supplier_lot",
        details.supplier_lot.as_deref().unwrap_or_default(),
    )?;
    for (key, value) in &details.attributes {
        identifier("attribute", key)?;
        free_text("attribute", value)?;
    }
    Ok(())
}

pub(crate) fn duplicate(kind: &'static str, key: impl std::fmt::Display) -> TraceError {
    TraceError::DuplicateNumber {
        kind,
        key: key.to_string(),
    }
}

pub(crate) fn insufficient(
    item: &ItemRef,
    location: Option<&LocationId>,
    requested: Quantity,
    available: Quantity,
) -> TraceError {
    TraceError::InsufficientStock {
        item: Some(item.clone()),
        product: item.product().clone(),
        locations: location.into_iter().cloned().collect(),
        customer: None,
        requested,
        available,
    }
}

/// Refuses adding `more` to a lot whose total stock would then leave the quantity
/// limits (below 10^15).
pub(crate) fn room_for(lot: &Lot, more: Quantity) -> Result<(), TraceError> {
    if lot.on_hand().checked_add(more).is_none() {
        return Err(TraceError::InvalidQuantity {
            quantity: more,
            rule: "would take the lot's stock to 10^15 or more",
        });
    }
    Ok(())
}

/// A document reference, checked as free text.
pub(crate) fn reference_text(reference: &Option<String>) -> Result<Option<String>, TraceError> {
    if let Some(text) = reference {
        free_text("reference", text)?;
    }
    Ok(reference.clone())
}

/// The line of an authorisation for an item, or the error a user sees.
pub(crate) fn return_line<'a>(
    ctx: &Context<'a>,
    rma: &crate::kernel::id::ReturnId,
    item: &ItemRef,
) -> Result<&'a crate::model::ReturnLine, TraceError> {
    let authorization = ctx
        .state
        .return_authorization(rma)
        .ok_or_else(|| TraceError::invalid("rma", format!("unknown return authorisation {rma}")))?;
    authorization
        .lines
        .iter()
        .find(|l| &l.item == item)
        .ok_or_else(|| TraceError::invalid("item", format!("{item} is not on {rma}")))
}

/// Checks a receipt against its authorisation, when the RMA has one: the same
/// customer, an authorised item, no more than authorised.
pub(crate) fn check_authorized_return(
    ctx: &Context<'_>,
    command: &crate::command::Return,
) -> Result<(), TraceError> {
    let Some(authorization) = ctx.state.return_authorization(&command.rma) else {
        return Ok(());
    };
    if authorization.customer != command.customer {
        return Err(TraceError::invalid(
            "customer",
            format!(
                "{} is authorised for {}",
                command.rma, authorization.customer
            ),
        ));
    }
    let line = return_line(ctx, &command.rma, &command.item)?;
    if line.received + command.quantity > line.authorized {
        return Err(TraceError::InvalidQuantity {
            quantity: command.quantity,
            rule: "more than the return authorisation allows",
        });
    }
    Ok(())
}

/// A SHA-256 given as text: 64 hexadecimal digits, returned in lower case.
pub(crate) fn sha256_hex(field: &'static str, text: &str) -> Result<String, TraceError> {
    let sha = text.trim().to_ascii_lowercase();
    if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(TraceError::invalid(field, "must be 64 hexadecimal digits"));
    }
    Ok(sha)
}

pub(crate) fn positive(quantity: Quantity) -> Result<(), TraceError> {
    if quantity <= Quantity::ZERO {
        return Err(TraceError::InvalidQuantity {
            quantity,
            rule: "must be greater than zero",
        });
    }
    Ok(())
}

pub(crate) fn one(quantity: Quantity) -> Result<(), TraceError> {
    if quantity != Quantity::ONE {
        return Err(TraceError::InvalidQuantity {
            quantity,
            rule: "a serial is exactly one unit",
        });
    }
    Ok(())
}

pub(crate) fn distinct_serials(serials: &[SerialNumber]) -> Result<(), TraceError> {
    if serials.is_empty() {
        return Err(TraceError::invalid(
            "serials",
            "at least one serial is needed",
        ));
    }
    let mut seen = HashSet::with_capacity(serials.len());
    for s in serials {
        if !seen.insert(s) {
            return Err(duplicate("serial", s));
        }
    }
    Ok(())
}

pub(crate) fn transition(serial: &Serial, to: SerialStatus) -> Result<(), TraceError> {
    if to.can_become_from(Some(serial.status)) {
        Ok(())
    } else {
        Err(invalid_transition(serial, to))
    }
}

pub(crate) fn invalid_transition(serial: &Serial, to: SerialStatus) -> TraceError {
    TraceError::InvalidTransition {
        product: serial.product.clone(),
        serial: serial.number.clone(),
        from: serial.status,
        to,
    }
}

pub(crate) fn serial_at(
    item: &ItemRef,
    serial: &Serial,
    location: &LocationId,
) -> Result<(), TraceError> {
    if serial.location.as_ref() != Some(location) {
        return Err(insufficient(
            item,
            Some(location),
            Quantity::ONE,
            Quantity::ZERO,
        ));
    }
    Ok(())
}

pub(crate) fn not_held(item: &ItemRef, on_hold: bool) -> Result<(), TraceError> {
    if on_hold {
        return Err(TraceError::NotUsable {
            item: item.clone(),
            why: "on recall hold",
        });
    }
    Ok(())
}

/// Released, active and not held: usable for orders and production.
pub(crate) fn usable(item: &ItemRef, lot: &Lot) -> Result<(), TraceError> {
    not_held(item, lot.on_hold)?;
    let why = match (lot.quality, lot.active) {
        (QualityStatus::Quarantine, _) => "in quality quarantine",
        (QualityStatus::Rejected, _) => "rejected by quality",
        (QualityStatus::Released, false) => "inactive",
        (QualityStatus::Released, true) => return Ok(()),
    };
    Err(TraceError::NotUsable {
        item: item.clone(),
        why,
    })
}
