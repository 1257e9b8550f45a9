"""Value types of the Python API: string-valued enums, immutable records built from
the JSON the native module returns, and the converters of Python arguments into the
core's JSON shape (exact quantities, ISO dates)."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import enum
import json
import re
from decimal import Decimal
from types import MappingProxyType
from typing import (
    Any, Callable, ClassVar, Dict, Iterable, List, Mapping, Optional, Tuple, Type, TypeVar, Union, get_args, get_origin,
    get_type_hints,
)  # fmt: skip

from ._traceability import InvalidInput, TraceIds, render

QuantityLike = Union[int, str, Decimal]
"""An exact quantity: int, decimal string or Decimal (never float)."""


class Tracking(str, enum.Enum):
    NONE = "none"
    LOT = "lot"
    SERIAL = "serial"


class LocationKind(str, enum.Enum):
    INTERNAL = "internal"
    RECEIVING = "receiving"
    STAGING = "staging"
    PRODUCTION = "production"
    QUARANTINE = "quarantine"
    SUPPLIER = "supplier"
    CUSTOMER = "customer"


class PartyRole(str, enum.Enum):
    SUPPLIER = "supplier"
    CUSTOMER = "customer"
    BOTH = "both"


class QualityStatus(str, enum.Enum):
    QUARANTINE = "quarantine"
    RELEASED = "released"
    REJECTED = "rejected"


class Strategy(str, enum.Enum):
    """Allocation order: first expired, first in, or last in, first out."""

    FEFO = "fefo"
    FIFO = "fifo"
    LIFO = "lifo"


class CsvKind(str, enum.Enum):
    """What a CSV file holds."""

    LOTS = "lots"
    SERIALS = "serials"
    TEST_RESULTS = "test_results"


class ImportMode(str, enum.Enum):
    """Which rows an import stores: all of them or none, or the valid ones."""

    ALL_OR_NOTHING = "all_or_nothing"
    VALID_ROWS = "valid_rows"


class LotStatus(str, enum.Enum):
    """The manual's lot status: Inactive covers expired, run out and retired lots."""

    ACTIVE = "active"
    INACTIVE = "inactive"


class InactiveReason(str, enum.Enum):
    """Why a lot is inactive: run out, set inactive, or past its expiry date."""

    DEPLETED = "depleted"
    RETIRED = "retired"
    EXPIRED = "expired"


class ExpiryBucket(str, enum.Enum):
    """Expiry report buckets, in report order."""

    EXPIRED = "expired"
    WITHIN_30 = "within30"
    WITHIN_60 = "within60"
    WITHIN_90 = "within90"
    WITHIN_180 = "within180"
    WITHIN_365 = "within365"
    LATER = "later"
    NO_EXPIRY = "no_expiry"


class SerialStatus(str, enum.Enum):
    EXPECTED = "EXPECTED"
    RECEIVED = "RECEIVED"
    IN_INVENTORY = "IN_INVENTORY"
    ALLOCATED = "ALLOCATED"
    PICKED = "PICKED"
    SHIPPED = "SHIPPED"
    CONSUMED = "CONSUMED"
    SCRAPPED = "SCRAPPED"


# --- arguments: Python values -> the core's JSON shape -------------------------------
# The rule: a value of the wrong Python type raises `TypeError` naming the argument; a
# value of the right type that cannot be what it claims (NaN, an unknown enum name)
# raises `InvalidInput` (a `ValueError`). Everything else (limits, domain rules) is the
# core's to check.

_MAX_INT_BITS = 128
"""Ints wider than this are refused here: far past the core's quantity limit, and
Python cannot even print ints of some thousands of digits."""
_MAX_DECIMAL_DIGITS = 100
"""Decimals whose fixed-point text would be longer are refused here (out of range)."""


def _kind(value: Any) -> str:
    return type(value).__name__


def invalid(field: str, reason: str) -> InvalidInput:
    """An `InvalidInput` raised on the Python side, with the same `field` and `reason`
    attributes as the ones the core raises."""
    error = InvalidInput(f"invalid {field}: {reason}")
    error.field, error.reason = field, reason
    return error


def key_bytes(value: Any, field: str) -> bytes:
    """Raw key bytes (bytes, bytearray or memoryview); the length is the core's to check."""
    if not isinstance(value, (bytes, bytearray, memoryview)):
        raise TypeError(f"{field} must be bytes, not {_kind(value)}")
    return bytes(value)


def text(value: Any, field: str) -> str:
    """A str argument (an id, a name, a reason)."""
    if not isinstance(value, str):
        raise TypeError(f"{field} must be a str, not {_kind(value)}")
    return value


def opt_text(value: Any, field: str) -> Optional[str]:
    return None if value is None else text(value, field)


def flag(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{field} must be a bool, not {_kind(value)}")
    return value


def opt_int(value: Any, field: str) -> Optional[int]:
    """An optional whole number (days, a sequence number); bools are refused."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{field} must be an int, not {_kind(value)}")
    return value


def whole(value: Any, field: str) -> int:
    """A whole number of at least 0 (a count); bools are refused."""
    number = opt_int(value, field)
    if number is None:
        raise TypeError(f"{field} must be an int, not None")
    if number < 0:
        raise invalid(field, f"must not be negative, not {number}")
    return number


def sequence(value: Any, field: str, of: str) -> Iterable[Any]:
    """An iterable of several values. A str, bytes or mapping is refused: iterating it
    would give characters or keys (`receive_serials("P", "SN-1")` is not 4 serials)."""
    if isinstance(value, (str, bytes, bytearray)):
        raise TypeError(
            f"{field} must be a sequence of {of}, not a single {_kind(value)}; "
            f"wrap one value in a list: [{value!r}]"
        )
    if isinstance(value, Mapping) or not isinstance(value, Iterable):
        raise TypeError(f"{field} must be a sequence of {of}, not {_kind(value)}")
    iterable: Iterable[Any] = value
    return iterable


def texts(value: Any, field: str) -> List[str]:
    """A sequence of ids (serial numbers, locations)."""
    return [text(item, f"{field}[{i}]") for i, item in enumerate(sequence(value, field, "str"))]


def attributes_json(value: Any, field: str = "attributes") -> Dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TypeError(f"{field} must be a mapping of str to str, not {_kind(value)}")
    return {text(k, f"{field} key"): text(v, f"{field}[{k!r}]") for k, v in value.items()}


E = TypeVar("E", bound=enum.Enum)


def choice(cls: Type[E], value: Any, field: str) -> Any:
    """The JSON value of an enum argument given as the enum or its string value."""
    if isinstance(value, cls):
        return value.value
    if not isinstance(value, str):
        raise TypeError(f"{field} must be a {cls.__name__} or str, not {_kind(value)}")
    try:
        return cls(value).value
    except ValueError:
        names = ", ".join(repr(member.value) for member in cls)
        raise invalid(field, f"{value!r} is not one of {names}") from None


def quantity_json(value: QuantityLike, field: str = "quantity") -> str:
    """An exact quantity as the decimal text the core parses: int, str or Decimal.
    Floats (not exact) and bools are refused with `TypeError`."""
    if isinstance(value, bool) or not isinstance(value, (int, str, Decimal)):
        hint = " (floats are not exact)" if isinstance(value, float) else ""
        raise TypeError(f"{field} must be an int, str or decimal.Decimal, not {_kind(value)}{hint}")
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        if value.bit_length() > _MAX_INT_BITS:
            raise invalid(field, f"an integer of {value.bit_length()} bits is out of range")
        return str(value)
    if not value.is_finite():
        raise invalid(field, f"{value} is not a finite quantity")
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # finite
    if len(value.as_tuple().digits) + abs(exponent) > _MAX_DECIMAL_DIGITS:
        raise invalid(field, f"{value} is out of range")
    return format(value, "f")  # never exponent notation, every digit kept


def opt_quantity_json(value: Optional[QuantityLike], field: str) -> Optional[str]:
    return None if value is None else quantity_json(value, field)


def date_json(value: Optional[_dt.date], field: str) -> Optional[str]:
    """A date (a datetime gives its date) as ISO text, or None."""
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    raise TypeError(f"{field} must be a datetime.date, not {_kind(value)}")


def instant_json(value: _dt.datetime, field: str = "now") -> str:
    """An instant as RFC 3339 UTC text; a naive datetime is taken as UTC."""
    if not isinstance(value, _dt.datetime):
        raise TypeError(f"{field} must be a datetime.datetime, not {_kind(value)}")
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.timezone.utc)
    return value.astimezone(_dt.timezone.utc).isoformat()


def json_default(value: Any) -> Any:
    """`json.dumps` hook for values inside user-built command dicts."""
    if isinstance(value, Decimal):
        return quantity_json(value)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return date_json(value, "date")
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (LotRef, SerialRef)):
        return value.to_json()
    raise TypeError(f"command: a {_kind(value)} cannot be sent to the core")


# --- answers: the core's JSON -> immutable records -------------------------------------


def _date(text: Optional[str]) -> Optional[_dt.date]:
    return None if text is None else _dt.date.fromisoformat(text)


_NANOSECONDS = re.compile(r"(\.\d{6})\d+")


def _instant(text: str) -> _dt.datetime:
    """The core's RFC 3339 UTC instant (up to nanoseconds, "Z") as an aware datetime, to
    the microsecond: `fromisoformat` before Python 3.11 takes neither."""
    return _dt.datetime.fromisoformat(_NANOSECONDS.sub(r"\1", text.replace("Z", "+00:00")))


def _decimal(text: Optional[str]) -> Optional[Decimal]:
    return None if text is None else Decimal(text)


def _plain(value: Any) -> Any:
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value


class Record:
    """Base of the immutable result records."""

    def to_dict(self) -> Dict[str, Any]:
        """The record as a plain dict (nested records and mappings become dicts)."""
        fields = dataclasses.fields(self)  # type: ignore[arg-type]
        return {field.name: _plain(getattr(self, field.name)) for field in fields}


@dataclasses.dataclass(frozen=True)
class LotRef(Record):
    """A reference to a lot: product and lot number."""

    product: str
    lot: str

    def to_json(self) -> Dict[str, Any]:
        return {"lot": {"product": self.product, "lot": self.lot}}


@dataclasses.dataclass(frozen=True)
class SerialRef(Record):
    """A reference to a serial: product and serial number."""

    product: str
    serial: str

    def to_json(self) -> Dict[str, Any]:
        return {"serial": {"product": self.product, "serial": self.serial}}


Item = Union[LotRef, SerialRef]


def item_from(data: Mapping[str, Any]) -> Item:
    if "lot" in data:
        return LotRef(**data["lot"])
    return SerialRef(**data["serial"])


def item_json(item: Item, field: str = "item") -> Dict[str, Any]:
    """The core's `ItemRef` shape of a `LotRef` or `SerialRef`."""
    if isinstance(item, LotRef):
        return {"lot": lot_key_json(item, field)}
    if isinstance(item, SerialRef):
        product = text(item.product, f"{field}.product")
        return {"serial": {"product": product, "serial": text(item.serial, f"{field}.serial")}}
    raise TypeError(f"{field} must be a LotRef or SerialRef, not {_kind(item)}")


@dataclasses.dataclass(frozen=True)
class Committed(Record):
    """Where a command's events were stored: sequence numbers first_seq..first_seq+count,
    and the lot/serial numbers it drew from numbering schemes (for commands given no
    number; empty otherwise)."""

    first_seq: int
    count: int
    numbers: Tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class BulkProgress(Record):
    """How far a bulk load got: the batches, commands and events stored."""

    batches: int
    commands: int
    events: int


@dataclasses.dataclass(frozen=True)
class Head(Record):
    """The number of events and the hex hash of the last one."""

    count: int
    hash: str


@dataclasses.dataclass(frozen=True)
class Product(Record):
    id: str
    tracking: Tracking
    description: str
    unit: str
    shelf_life_days: Optional[int]
    best_before_days: Optional[int]
    removal_days: Optional[int]
    alert_days: Optional[int]
    expiry_warning_days: Optional[int]
    requires_inspection: bool
    numbering_pattern: Optional[str]
    numbering_scheme: Optional[str]
    gtins: Tuple[str, ...]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Product:
        return cls(**{**data, "tracking": Tracking(data["tracking"]), "gtins": tuple(data["gtins"])})


def product_json(product: Product) -> Dict[str, Any]:
    """The wire form of a product record, each field checked like a method argument."""
    return {
        "id": text(product.id, "id"),
        "tracking": choice(Tracking, product.tracking, "tracking"),
        "description": text(product.description, "description"),
        "unit": text(product.unit, "unit"),
        "shelf_life_days": opt_int(product.shelf_life_days, "shelf_life_days"),
        "best_before_days": opt_int(product.best_before_days, "best_before_days"),
        "removal_days": opt_int(product.removal_days, "removal_days"),
        "alert_days": opt_int(product.alert_days, "alert_days"),
        "expiry_warning_days": opt_int(product.expiry_warning_days, "expiry_warning_days"),
        "requires_inspection": flag(product.requires_inspection, "requires_inspection"),
        "numbering_pattern": opt_text(product.numbering_pattern, "numbering_pattern"),
        "numbering_scheme": opt_text(product.numbering_scheme, "numbering_scheme"),
        "gtins": texts(product.gtins, "gtins"),
    }


@dataclasses.dataclass(frozen=True)
class NumberingScheme(Record):
    """A named pattern for generated lot and serial numbers, shared by the products
    that name it (pattern syntax: the package README)."""

    id: str
    pattern: str
    description: str


@dataclasses.dataclass(frozen=True)
class RowError(Record):
    """A CSV row that cannot be imported: its line (the header is line 1), the column
    and value at fault when one is, the error kind (an exception class name, e.g.
    `UnknownProduct`) and the message."""

    line: int
    column: Optional[str]
    value: Optional[str]
    kind: str
    message: str


@dataclasses.dataclass(frozen=True)
class ImportReport(Record):
    """What a CSV import did: rows read, rows valid, every bad row, where the stored
    rows are (None when nothing was stored: a dry run, an all-or-nothing import with a
    bad row, or one stopped by its progress callable)."""

    rows: int
    valid: int
    errors: Tuple[RowError, ...]
    committed: Optional[Committed]
    stopped: bool

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ImportReport:
        committed = data["committed"]
        return cls(
            data["rows"],
            data["valid"],
            tuple(RowError(**e) for e in data["errors"]),
            None if committed is None else Committed(committed["first_seq"], committed["count"]),
            data["stopped"],
        )


@dataclasses.dataclass(frozen=True)
class Location(Record):
    id: str
    kind: LocationKind
    description: str
    gln: Optional[str]
    party: Optional[str] = None
    """For a customer or supplier location: whose premises it is."""

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Location:
        return cls(data["id"], LocationKind(data["kind"]), data["description"], data["gln"], data["party"])


@dataclasses.dataclass(frozen=True)
class Party(Record):
    id: str
    role: PartyRole
    name: str
    gln: Optional[str]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Party:
        return cls(data["id"], PartyRole(data["role"]), data["name"], data["gln"])


@dataclasses.dataclass(frozen=True)
class LotDates(Record):
    expiry: Optional[_dt.date]
    best_before: Optional[_dt.date]
    removal: Optional[_dt.date]
    alert: Optional[_dt.date]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LotDates:
        return cls(*(_date(data[k]) for k in ("expiry", "best_before", "removal", "alert")))


@dataclasses.dataclass(frozen=True)
class StockLine(Record):
    location: str
    on_hand: Decimal
    reserved: Decimal
    #: Returned by a customer and held until the return is disposed of.
    held: Decimal = Decimal(0)

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved - self.held


def _origin(data: Any) -> Tuple[str, Optional[str]]:
    """("received", None) or ("produced", work_order)."""
    if data == "received":
        return "received", None
    return "produced", data["produced"]["work_order"]


@dataclasses.dataclass(frozen=True)
class Lot(Record):
    product: str
    number: str
    received_on: _dt.date
    manufactured_on: Optional[_dt.date]
    dates: LotDates
    weight: Optional[Decimal]
    description: str
    supplier: Optional[str]
    supplier_lot: Optional[str]
    attributes: Mapping[str, str]
    active: bool
    quality: QualityStatus
    on_hold: bool
    origin: str
    work_order: Optional[str]
    stock: Tuple[StockLine, ...]

    @property
    def ref(self) -> LotRef:
        return LotRef(self.product, self.number)

    @property
    def on_hand(self) -> Decimal:
        return sum((line.on_hand for line in self.stock), Decimal(0))

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Lot:
        origin, work_order = _origin(d["origin"])
        return cls(
            product=d["product"],
            number=d["number"],
            received_on=_dt.date.fromisoformat(d["received_on"]),
            manufactured_on=_date(d["manufactured_on"]),
            dates=LotDates.from_json(d["dates"]),
            weight=_decimal(d["weight"]),
            description=d["description"],
            supplier=d["supplier"],
            supplier_lot=d["supplier_lot"],
            attributes=MappingProxyType(dict(d["attributes"])),
            active=d["active"],
            quality=QualityStatus(d["quality"]),
            on_hold=d["on_hold"],
            origin=origin,
            work_order=work_order,
            stock=tuple(
                StockLine(
                    s["location"], Decimal(s["on_hand"]), Decimal(s["reserved"]), Decimal(s["held"])
                )
                for s in d["stock"]
            ),
        )


@dataclasses.dataclass(frozen=True)
class Serial(Record):
    product: str
    number: str
    status: SerialStatus
    location: Optional[str]
    supplier: Optional[str]
    order: Optional[str]
    on_hold: bool
    origin: str
    work_order: Optional[str]
    #: The day it came into our custody, received or produced (None while expected).
    received_on: Optional[_dt.date] = None

    @property
    def ref(self) -> SerialRef:
        return SerialRef(self.product, self.number)

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Serial:
        origin, work_order = _origin(d["origin"])
        return cls(
            d["product"], d["number"], SerialStatus(d["status"]), d["location"],
            d["supplier"], d["order"], d["on_hold"], origin, work_order, _date(d["received_on"]),
        )  # fmt: skip


@dataclasses.dataclass(frozen=True)
class Reservation(Record):
    item: Item
    location: str
    reserved: Decimal
    picked: Decimal

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Reservation:
        return cls(item_from(d["item"]), d["location"], Decimal(d["reserved"]), Decimal(d["picked"]))


@dataclasses.dataclass(frozen=True)
class ShipmentLine(Record):
    item: Item
    location: str
    quantity: Decimal


@dataclasses.dataclass(frozen=True)
class Shipment(Record):
    """A shipment of an order, or (`order` None) a delivery: stock moved into a
    customer's location."""

    id: str
    order: Optional[str]
    customer: str
    shipped_on: _dt.date
    lines: Tuple[ShipmentLine, ...]
    reversed: bool
    """Reversed since (`Tracker.reverse_shipment`): the goods came back."""

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Shipment:
        lines = tuple(ShipmentLine(item_from(l["item"]), l["location"], Decimal(l["quantity"])) for l in d["lines"])
        shipped_on = _dt.date.fromisoformat(d["shipped_on"])
        return cls(d["id"], d["order"], d["customer"], shipped_on, lines, d["reversed"])


@dataclasses.dataclass(frozen=True)
class Link(Record):
    """A genealogy edge: `source` was consumed by `work_order` to make `target`."""

    source: Item
    target: Item
    quantity: Decimal
    work_order: str

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Link:
        return cls(item_from(d["from"]), item_from(d["to"]), Decimal(d["quantity"]), d["work_order"])


@dataclasses.dataclass(frozen=True)
class Event(Record):
    """One audit-log event. `kind` names the fact (e.g. "lot_received"); `data` holds its
    fields in the core's JSON shape (quantities as decimal strings); `schema` is the event
    schema version it was written under (1 for logs written before version 2)."""

    seq: int
    recorded_at: _dt.datetime
    actor: str
    reason: Optional[str]
    kind: str
    data: Any
    schema: int = 1

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Event:
        ((kind, data),) = d["payload"].items()
        return cls(
            d["seq"],
            _instant(d["recorded_at"]),
            d["actor"],
            d["reason"],
            kind,
            data,
            d.get("schema", 1),
        )


@dataclasses.dataclass(frozen=True)
class Line(Record):
    """A quantity of a lot or serial at a location (a consumption in `produce`)."""

    item: Item
    location: str
    quantity: QuantityLike = 1

    def to_json(self, field: str = "line") -> Dict[str, Any]:
        return {
            "item": item_json(self.item, f"{field}.item"),
            "location": text(self.location, f"{field}.location"),
            "quantity": quantity_json(self.quantity, f"{field}.quantity"),
        }


# --- issue 4: allocation, expiry, quality, reports -------------------------------------
# These records mirror the core's serde shapes field for field, so one generic converter
# builds them from their type annotations instead of a hand-written `from_json` each.

R = TypeVar("R", bound="Record")
Convert = Callable[[Any], Any]
_PLANS: Dict[type, Tuple[Tuple[str, Optional[Convert]], ...]] = {}


def _converter(tp: Any) -> Optional[Convert]:
    """The function turning a JSON value into the annotated Python type (Decimal, date,
    enum, record, tuple), or None when the JSON value is already right."""
    origin = get_origin(tp)
    if origin is Union:
        if tp == Item:
            return item_from
        present = [arg for arg in get_args(tp) if arg is not type(None)]
        convert = item_from if Union[tuple(present)] == Item else _converter(*present)
        return None if convert is None else (lambda value: None if value is None else convert(value))
    if origin is tuple:
        each = _converter(get_args(tp)[0])
        return tuple if each is None else (lambda value: tuple(map(each, value)))
    if tp is Decimal:
        return Decimal
    if tp is _dt.datetime:
        return _instant
    if tp is _dt.date:
        return _dt.date.fromisoformat
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp
    if isinstance(tp, type) and issubclass(tp, Record):
        return lambda value: from_json(tp, value)
    return None


def _plan(cls: type) -> Tuple[Tuple[str, Optional[Convert]], ...]:
    """Per field, in order: its JSON key and converter (`_json_names` maps a field to a
    different JSON key). Built once per record class."""
    hints = get_type_hints(cls)
    names: Mapping[str, str] = getattr(cls, "_json_names", {})
    fields = dataclasses.fields(cls)
    plan = _PLANS[cls] = tuple((names.get(f.name, f.name), _converter(hints[f.name])) for f in fields)
    return plan


def from_json(cls: Type[R], data: Mapping[str, Any]) -> R:
    """Builds a record from the core's JSON by its field annotations."""
    plan = _PLANS.get(cls) or _plan(cls)
    return cls(*[data[key] if convert is None else convert(data[key]) for key, convert in plan])


@dataclasses.dataclass(frozen=True)
class PackedItem(Record):
    """A lot quantity or a serial (quantity 1) in a container."""

    item: Item
    quantity: Decimal


@dataclasses.dataclass(frozen=True)
class Container(Record):
    """A pallet or case (`Tracker.pack`): its SSCC or licence plate, where and when it
    was packed, what is in it, and when it was unpacked (None: still packed)."""

    id: str
    location: str
    packed_on: _dt.date
    contents: Tuple[PackedItem, ...]
    unpacked_on: Optional[_dt.date]


@dataclasses.dataclass(frozen=True)
class LotStatusRow(Record):
    """A lot's status on a date, and why it is inactive."""

    product: str
    lot: str
    status: LotStatus
    reason: Optional[InactiveReason]
    on_hand: Decimal
    expiry: Optional[_dt.date]


@dataclasses.dataclass(frozen=True)
class Gs1Element(Record):
    """One GS1 Application Identifier and its value, checked: the resolved date of a
    date AI (YYMMDD, day 00 = end of month), the exact value of a decimal-point AI
    (e.g. 3103 net weight in kg)."""

    ai: str
    title: str
    value: str
    date: Optional[_dt.date]
    decimal: Optional[Decimal]


@dataclasses.dataclass(frozen=True)
class Scan(Record):
    """A barcode resolved against the master data: the product carrying its GTIN, the
    lot (AI 10) or serial (AI 21) it names and whether that is known here, its dates,
    its count (AI 30/37) or, for a product kept in kg, its net weight (AI 310n)."""

    gtin: Optional[str]
    product: Optional[str]
    item: Optional[Item]
    known: bool
    expiry: Optional[_dt.date]
    best_before: Optional[_dt.date]
    manufactured_on: Optional[_dt.date]
    quantity: Optional[Decimal]
    sscc: Optional[str]
    elements: Tuple[Gs1Element, ...]


@dataclasses.dataclass(frozen=True)
class AllocationLine(Record):
    """One reservation made by `Tracker.allocate`."""

    item: Item
    location: str
    quantity: Decimal
    expiry: Optional[_dt.date]
    removal: Optional[_dt.date]


@dataclasses.dataclass(frozen=True)
class Allocation(Record):
    """What `Tracker.allocate` reserved; `shortfall` is non-zero only when partial."""

    order: str
    product: str
    strategy: Strategy
    ship_date: _dt.date
    requested: Decimal
    allocated: Decimal
    shortfall: Decimal
    lines: Tuple[AllocationLine, ...]


@dataclasses.dataclass(frozen=True)
class LotExpiry(Record):
    """A lot with stock, seen from its expiry as of a date."""

    product: str
    lot: str
    expiry: Optional[_dt.date]
    removal: Optional[_dt.date]
    days_to_expiry: Optional[int]
    shelf_life_remaining_pct: Optional[Decimal]
    bucket: ExpiryBucket
    on_hand: Decimal
    reserved: Decimal
    quality: QualityStatus
    active: bool
    on_hold: bool
    stock: Tuple[StockLine, ...]

    @property
    def ref(self) -> LotRef:
        return LotRef(self.product, self.lot)


@dataclasses.dataclass(frozen=True)
class BucketSummary(Record):
    bucket: ExpiryBucket
    lots: int
    on_hand: Decimal
    items: Tuple[LotExpiry, ...]


@dataclasses.dataclass(frozen=True)
class ExpiryReport(Record):
    """Lots with stock in every bucket (all buckets present, possibly empty)."""

    as_of: _dt.date
    buckets: Tuple[BucketSummary, ...]

    def __getitem__(self, bucket: Union[ExpiryBucket, str]) -> BucketSummary:
        wanted = ExpiryBucket(bucket)
        return next(b for b in self.buckets if b.bucket is wanted)


@dataclasses.dataclass(frozen=True)
class TestResult(Record):
    __test__: ClassVar[bool] = False  # not a pytest test class

    test: str
    value: Decimal
    unit: str
    spec_min: Optional[Decimal]
    spec_max: Optional[Decimal]
    passed: bool
    tested_on: _dt.date


@dataclasses.dataclass(frozen=True)
class Certificate(Record):
    document: str
    sha256: str


@dataclasses.dataclass(frozen=True)
class QualityDecision(Record):
    status: QualityStatus
    reason: str
    seq: int


@dataclasses.dataclass(frozen=True)
class LotQuality(Record):
    """A lot's test results, linked certificates and quality decisions, oldest first."""

    tests: Tuple[TestResult, ...]
    certificates: Tuple[Certificate, ...]
    decisions: Tuple[QualityDecision, ...]


@dataclasses.dataclass(frozen=True)
class SerialInfo(Record):
    """A `find_serials` hit; `exact` when the whole number matched."""

    product: str
    serial: str
    status: SerialStatus
    location: Optional[str]
    order: Optional[str]
    supplier: Optional[str]
    on_hold: bool
    exact: bool

    @property
    def ref(self) -> SerialRef:
        return SerialRef(self.product, self.serial)


@dataclasses.dataclass(frozen=True)
class Movement(Record):
    """One step in a lot's or serial's history. `action` is the core's name for it
    (received, moved, allocated, picked, shipped, consumed, quality_set, hold_placed,
    hold_released, recalled, and for a lot running out or coming back into stock
    depleted and restocked, ...)."""

    _json_names: ClassVar[Mapping[str, str]] = {"from_location": "from", "to_location": "to"}

    seq: int
    recorded_at: _dt.datetime
    actor: str
    reason: Optional[str]
    action: str
    from_location: Optional[str]
    to_location: Optional[str]
    quantity: Optional[Decimal]
    order: Optional[str]
    reference: Optional[str]
    party: Optional[str]
    date: Optional[_dt.date]


@dataclasses.dataclass(frozen=True)
class LotStockRow(Record):
    location: str
    product: str
    lot: str
    on_hand: Decimal
    reserved: Decimal
    available: Decimal
    expiry: Optional[_dt.date]
    quality: QualityStatus
    on_hold: bool
    active: bool


@dataclasses.dataclass(frozen=True)
class SerialStockRow(Record):
    location: str
    product: str
    serial: str
    status: SerialStatus
    on_hold: bool


@dataclasses.dataclass(frozen=True)
class LotDatesChange:
    """One lot's new dates for `Tracker.update_lot_dates`; dates left None are kept."""

    lot: LotRef
    expiry: Optional[_dt.date] = None
    best_before: Optional[_dt.date] = None
    removal: Optional[_dt.date] = None
    alert: Optional[_dt.date] = None

    def to_json(self, field: str = "change") -> Dict[str, Any]:
        names = ("expiry", "best_before", "removal", "alert")
        dates = {k: date_json(getattr(self, k), f"{field}.{k}") for k in names}
        return {"lot": lot_key_json(self.lot, f"{field}.lot"), "dates": dates}


def items_json(items: Union[Item, Iterable[Item]], field: str = "items") -> List[Dict[str, Any]]:
    """One item or several as a list of the core's `ItemRef` shape."""
    if isinstance(items, (LotRef, SerialRef)):
        return [item_json(items, field)]
    seq = sequence(items, field, "LotRef or SerialRef")
    return [item_json(item, f"{field}[{i}]") for i, item in enumerate(seq)]


def lot_key_json(lot: LotRef, field: str = "lot") -> Dict[str, str]:
    """The core's `LotKey` shape of a lot reference."""
    if not isinstance(lot, LotRef):
        raise TypeError(f"{field} must be a LotRef, not {_kind(lot)}")
    return {"product": text(lot.product, f"{field}.product"), "lot": text(lot.lot, f"{field}.lot")}


# --- issue 3: trace and recall -----------------------------------------------------------


_KEYS: Dict[type, Tuple[Tuple[str, str], ...]] = {}


def core_json(value: Any) -> Any:
    """The inverse of `from_json`: a record (or tuple of them) back in the core's JSON
    shape, as plain JSON values."""
    cls = type(value)
    if cls is tuple or cls is list:
        return [core_json(item) for item in value]
    if cls is LotRef or cls is SerialRef:
        return value.to_json()
    keys = _KEYS.get(cls)
    if keys is None:
        if isinstance(value, Record):
            names: Mapping[str, str] = getattr(cls, "_json_names", {})
            fields = dataclasses.fields(value)  # type: ignore[arg-type]
            keys = _KEYS[cls] = tuple((f.name, names.get(f.name, f.name)) for f in fields)
        elif isinstance(value, (Decimal, _dt.date, enum.Enum)):
            return json_default(value)
        else:
            return value
    return {key: core_json(getattr(value, name)) for name, key in keys}


class Rendered(Record):
    """A trace or recall result that renders as a graph: items as boxes (the start or
    suspects bold), work-order edges labelled with the quantity consumed, shipments as
    dashed edges to customers. Rendered by the core, without the GIL."""

    _kind: ClassVar[str]

    def _render(self, format: str) -> str:
        graph = self.__dict__.get("_graph")  # the core's report, when built natively
        if graph is not None:
            rendered: str = graph.render(format)
            return rendered
        result = json.dumps(core_json(self), separators=(",", ":"))
        return render(self._kind, format, result)

    def __getstate__(self) -> Dict[str, Any]:
        """The fields alone: the native report a record may keep to render is not
        pickled (the copy renders through JSON)."""
        return {name: value for name, value in self.__dict__.items() if name != "_graph"}

    def to_dot(self) -> str:
        """The graph as Graphviz DOT (`dot -Tsvg`)."""
        return self._render("dot")

    def to_mermaid(self) -> str:
        """The graph as a Mermaid flowchart."""
        return self._render("mermaid")


@dataclasses.dataclass(frozen=True)
class TracedItem(Record):
    """A lot or serial reached by a trace, `depth` work orders from the start (0 for the
    start itself or a recall's suspects)."""

    item: Item
    depth: int


@dataclasses.dataclass(frozen=True)
class TraceEdge(Record):
    """A genealogy edge between traced items: `items[source]` was consumed (`quantity`)
    by `work_order` to make `items[target]`."""

    _json_names: ClassVar[Mapping[str, str]] = {"source": "from", "target": "to"}

    source: int
    target: int
    quantity: Decimal
    work_order: str


@dataclasses.dataclass(frozen=True)
class TracedShipment(Record):
    """A shipment line of a traced item; `reversed` when the shipment was reversed
    since (its customer no longer holds the goods and is left out of `customers`)."""

    shipment: str
    order: Optional[str]
    customer: str
    shipped_on: _dt.date
    item: Item
    quantity: Decimal
    reversed: bool


@dataclasses.dataclass(frozen=True)
class ItemStock(Record):
    """A traced item's stock still in our custody, by location, and its total."""

    item: Item
    locations: Tuple[StockLine, ...]
    on_hand: Decimal


@dataclasses.dataclass(frozen=True)
class ForwardTrace(Rendered):
    """Everything downstream of `start`: `items` is the start (depth 0) then every
    descendant once, breadth first; shipments of any of them, their customers (sorted)
    and the stock still on hand."""

    _kind: ClassVar[str] = "forward"

    start: Item
    items: Tuple[TracedItem, ...]
    edges: Tuple[TraceEdge, ...]
    shipments: Tuple[TracedShipment, ...]
    customers: Tuple[str, ...]
    stock: Tuple[ItemStock, ...]

    @property
    def descendants(self) -> Tuple[TracedItem, ...]:
        return self.items[1:]


@dataclasses.dataclass(frozen=True)
class Receipt(Record):
    """How an upstream item came in (serials record no receipt date)."""

    item: Item
    received_on: Optional[_dt.date]
    supplier: Optional[str]
    supplier_lot: Optional[str]


@dataclasses.dataclass(frozen=True)
class BackwardTrace(Rendered):
    """Everything upstream of `start`: `items` is the start (depth 0) then every
    ancestor once, breadth first; the receipts of the received ones and their suppliers
    (sorted)."""

    _kind: ClassVar[str] = "backward"

    start: Item
    items: Tuple[TracedItem, ...]
    edges: Tuple[TraceEdge, ...]
    receipts: Tuple[Receipt, ...]
    suppliers: Tuple[str, ...]

    @property
    def ancestors(self) -> Tuple[TracedItem, ...]:
        return self.items[1:]


I = TypeVar("I", bound="_TraceIds")


class _TraceIds(Record):
    """Ids a trace reached. An answer from the tracker keeps them in the native module
    until a column is first read (then the column is kept): `lot_ids()` costs one `str`
    per lot, and only `items` makes a `LotRef` / `SerialRef` per item. Immutable;
    equal when the columns are."""

    __slots__ = ("_native", "_made")
    _native: Optional[TraceIds]
    _made: Dict[str, Tuple[Any, ...]]
    #: Public column -> the native `TraceIds` method that reads it.
    _columns: ClassVar[Mapping[str, str]]

    def __init__(self, *columns: Iterable[Any]) -> None:
        """The columns' values in `_columns` order (each subclass names them)."""
        object.__setattr__(self, "_native", None)
        object.__setattr__(self, "_made", {name: tuple(values) for name, values in zip(self._columns, columns)})

    @classmethod
    def _of(cls: Type[I], native: TraceIds) -> I:
        ids = cls.__new__(cls)
        object.__setattr__(ids, "_native", native)
        object.__setattr__(ids, "_made", {})
        return ids

    def _column(self, name: str) -> Tuple[Any, ...]:
        made = self._made
        if name not in made:
            read: Callable[[], Tuple[Any, ...]] = getattr(self._native, self._columns[name])
            made[name] = read()
        return made[name]

    @property
    def items(self) -> Tuple[Item, ...]:
        """The start then every item reached once, breadth first."""
        return self._column("items")

    def lot_ids(self) -> Tuple[str, ...]:
        """The lot numbers among `items`, in order (a lot number is unique per product)."""
        if self._native is not None:
            return self._native.lot_ids()
        return tuple(item.lot for item in self.items if isinstance(item, LotRef))

    def serial_ids(self) -> Tuple[str, ...]:
        """The serial numbers among `items`, in order."""
        if self._native is not None:
            return self._native.serial_ids()
        return tuple(item.serial for item in self.items if isinstance(item, SerialRef))

    def __len__(self) -> int:
        """How many items the trace reached, the start included."""
        return len(self._native) if self._native is not None else len(self.items)

    def _values(self) -> Tuple[Tuple[Any, ...], ...]:
        return tuple(self._column(name) for name in self._columns)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _TraceIds) and type(other) is type(self) and self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in zip(self._columns, self._values()))
        return f"{type(self).__name__}({fields})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")

    def __reduce__(self) -> Tuple[Any, Tuple[Tuple[Any, ...], ...]]:
        return type(self), self._values()

    def to_dict(self) -> Dict[str, Any]:
        return {name: _plain(value) for name, value in zip(self._columns, self._values())}


class ForwardIds(_TraceIds):
    """What a forward trace reaches, ids only (see `Tracker.trace_forward_ids`): the
    start then every descendant once, breadth first; the distinct shipments of any of
    them (dispatch order) and their customers (registration order)."""

    __slots__ = ()
    _columns = {"items": "items", "shipments": "documents", "customers": "parties"}

    def __init__(self, items: Iterable[Item], shipments: Iterable[str], customers: Iterable[str]) -> None:
        super().__init__(items, shipments, customers)

    @property
    def shipments(self) -> Tuple[str, ...]:
        return self._column("shipments")

    @property
    def customers(self) -> Tuple[str, ...]:
        return self._column("customers")


class BackwardIds(_TraceIds):
    """What a backward trace reaches, ids only (see `Tracker.trace_backward_ids`): the
    start then every ancestor once, breadth first, and the distinct suppliers
    (registration order)."""

    __slots__ = ()
    _columns = {"items": "items", "suppliers": "parties"}

    def __init__(self, items: Iterable[Item], suppliers: Iterable[str]) -> None:
        super().__init__(items, suppliers)

    @property
    def suppliers(self) -> Tuple[str, ...]:
        return self._column("suppliers")


@dataclasses.dataclass(frozen=True)
class CustomerExposure(Record):
    customer: str
    shipments: Tuple[TracedShipment, ...]


@dataclasses.dataclass(frozen=True)
class StockAt(Record):
    item: Item
    on_hand: Decimal
    reserved: Decimal


@dataclasses.dataclass(frozen=True)
class LocationExposure(Record):
    location: str
    stock: Tuple[StockAt, ...]


@dataclasses.dataclass(frozen=True)
class RecallReport(Rendered):
    """The union of the suspects' forward traces: per customer (sorted) the shipments,
    per location (sorted) the stock to contain. A recorded recall (`Tracker.recall`)
    has its number `recall` and recording event `seq` (None for `recall_report`);
    `held` is what it put on hold (then `hold_seq` == `seq`)."""

    _kind: ClassVar[str] = "recall"

    recall: Optional[str]
    seq: Optional[int]
    reason: Optional[str]
    suspects: Tuple[Item, ...]
    items: Tuple[TracedItem, ...]
    edges: Tuple[TraceEdge, ...]
    customers: Tuple[CustomerExposure, ...]
    locations: Tuple[LocationExposure, ...]
    held: Tuple[Item, ...]
    hold_seq: Optional[int]

    @property
    def affected(self) -> Tuple[Item, ...]:
        """Every affected lot and serial (suspects first)."""
        return tuple(t.item for t in self.items)


@dataclasses.dataclass(frozen=True)
class RecallRecord(Record):
    """A recall as the audit trail keeps it (`Tracker.recalls`): its number, the event
    that recorded it, who, when and why, the suspects, every affected lot and serial
    (suspects first, in trace order, as found at that moment) and those it put on hold
    (empty for a recall without hold)."""

    recall: str
    seq: int
    recorded_at: _dt.datetime
    actor: str
    reason: str
    suspects: Tuple[Item, ...]
    affected: Tuple[Item, ...]
    held: Tuple[Item, ...]


# --- after the sale ---------------------------------------------------------------------


class WarrantyStart(str, enum.Enum):
    """When a warranty starts: at shipment, or at the recorded installation date."""

    SHIPMENT = "shipment"
    INSTALLATION = "installation"


class ServiceKind(str, enum.Enum):
    INSPECTION = "inspection"
    REPAIR = "repair"
    CALIBRATION = "calibration"
    REPLACEMENT = "replacement"


class ClaimStatus(str, enum.Enum):
    OPEN = "open"
    APPROVED = "approved"
    REJECTED = "rejected"
    CLOSED = "closed"


class CampaignStatus(str, enum.Enum):
    PENDING = "pending"
    NOTIFIED = "notified"
    SERVICED = "serviced"
    RETURNED = "returned"
    UNREACHABLE = "unreachable"


class Disposition(str, enum.Enum):
    """What becomes of returned stock."""

    RESTOCK = "restock"
    REWORK = "rework"
    SCRAP = "scrap"
    RETURN_TO_SUPPLIER = "return_to_supplier"


@dataclasses.dataclass(frozen=True)
class WarrantyTerms(Record):
    product: str
    months: int
    starts: WarrantyStart
    usage_limit: Optional[Decimal]


@dataclasses.dataclass(frozen=True)
class WarrantyStatus(Record):
    """Whether a serial is in warranty on `on`, from when to when, for whom, and why."""

    product: str
    serial: str
    on: _dt.date
    in_warranty: bool
    starts_on: Optional[_dt.date]
    ends_on: Optional[_dt.date]
    customer: Optional[str]
    usage: Optional[Decimal]
    reason: str


@dataclasses.dataclass(frozen=True)
class Attachment(Record):
    """A document attached by its SHA-256 (64 hex digits)."""

    name: str
    sha256: str


@dataclasses.dataclass(frozen=True)
class Fitted(Record):
    """A component fitted during service, taken from stock at `location`."""

    item: Item
    location: str
    quantity: Decimal


@dataclasses.dataclass(frozen=True)
class ServiceEntry(Record):
    """One service event of a serial (`seq`: its event in the log)."""

    seq: int
    kind: ServiceKind
    performed_on: _dt.date
    technician: str
    findings: str
    usage: Optional[Decimal]
    removed: Optional[Item]
    fitted: Optional[Fitted]
    attachments: Tuple[Attachment, ...]


@dataclasses.dataclass(frozen=True)
class Claim(Record):
    """A warranty claim; `in_warranty` as of its opening date, `decision` the reason
    given when it was approved or rejected."""

    claim: str
    product: str
    serial: str
    customer: Optional[str]
    opened_on: _dt.date
    description: str
    amount: Optional[Decimal]
    in_warranty: bool
    status: ClaimStatus
    approved_amount: Optional[Decimal]
    decision: Optional[str]


@dataclasses.dataclass(frozen=True)
class CampaignSerial(Record):
    item: Item
    customer: str
    shipped_on: _dt.date
    status: CampaignStatus


@dataclasses.dataclass(frozen=True)
class CampaignProgress(Record):
    pending: int
    notified: int
    serviced: int
    returned: int
    unreachable: int
    done_pct: Decimal


@dataclasses.dataclass(frozen=True)
class CampaignReport(Record):
    """A field service campaign: every affected serial in the field with its customer,
    ship date and status, and the progress counts."""

    campaign: str
    description: str
    recall: Optional[str]
    serials: Tuple[CampaignSerial, ...]
    progress: CampaignProgress


@dataclasses.dataclass(frozen=True)
class ReturnReason(Record):
    code: str
    description: str


@dataclasses.dataclass(frozen=True)
class Inspection(Record):
    passed: bool
    findings: str


@dataclasses.dataclass(frozen=True)
class ReturnLine(Record):
    item: Item
    authorized: Decimal
    received: Decimal
    disposed: Decimal
    inspection: Optional[Inspection]


@dataclasses.dataclass(frozen=True)
class ReturnAuthorization(Record):
    """A return authorisation (RMA) and, per item, what was authorised, received,
    inspected and disposed of."""

    rma: str
    customer: str
    reason: str
    authorized_on: _dt.date
    expected_on: Optional[_dt.date]
    lines: Tuple[ReturnLine, ...]


@dataclasses.dataclass(frozen=True)
class ReturnsByReason(Record):
    reason: str
    description: str
    authorizations: int
    authorized: Decimal
    received: Decimal


# --- issue 15: batch records, signatures, non-conformances, CAPA --------------------------


class Severity(str, enum.Enum):
    """How serious a non-conformance is."""

    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"


class CapaKind(str, enum.Enum):
    """A corrective action removes the cause of a problem that happened, a preventive
    one the cause of a problem that could."""

    CORRECTIVE = "corrective"
    PREVENTIVE = "preventive"


class SignatureMeaning(str, enum.Enum):
    """What an electronic signature means (21 CFR Part 11 §11.50)."""

    PERFORMED = "performed"
    REVIEWED = "reviewed"
    APPROVED = "approved"
    VERIFIED = "verified"


class RecordKind(str, enum.Enum):
    """The kinds of record that can be signed."""

    BATCH_RECORD = "batch_record"
    NONCONFORMANCE = "nonconformance"
    CAPA = "capa"


@dataclasses.dataclass(frozen=True)
class SignedRecord(Record):
    """A record that can be signed: a work order's batch record, a non-conformance or
    a CAPA, e.g. `SignedRecord.batch_record("WO-1")`."""

    kind: RecordKind
    id: str

    @classmethod
    def batch_record(cls, work_order: str) -> SignedRecord:
        return cls(RecordKind.BATCH_RECORD, work_order)

    @classmethod
    def nonconformance(cls, id: str) -> SignedRecord:
        return cls(RecordKind.NONCONFORMANCE, id)

    @classmethod
    def capa(cls, id: str) -> SignedRecord:
        return cls(RecordKind.CAPA, id)

    def to_json(self, field: str = "record") -> Dict[str, Any]:
        return {"kind": choice(RecordKind, self.kind, f"{field}.kind"), "id": text(self.id, f"{field}.id")}


def signed_record_json(record: SignedRecord, field: str = "record") -> Dict[str, Any]:
    """The core's shape of a `SignedRecord` argument, type-checked."""
    if not isinstance(record, SignedRecord):
        raise TypeError(f"{field} must be a SignedRecord, not {_kind(record)}")
    return record.to_json(field)


@dataclasses.dataclass(frozen=True)
class Stamp(Record):
    """Which event recorded something (`seq`), when (`at`) and who issued it (`by`)."""

    seq: int
    at: _dt.datetime
    by: str


@dataclasses.dataclass(frozen=True)
class BatchParameter(Record):
    """A process parameter of a batch record; `within_limits` is False for a value
    outside the inclusive `min`/`max` (recorded and flagged, not refused)."""

    name: str
    value: Decimal
    unit: str
    min: Optional[Decimal]
    max: Optional[Decimal]
    within_limits: bool
    recorded: Stamp


@dataclasses.dataclass(frozen=True)
class BatchStep(Record):
    """A step of a batch record: equipment, operator, when, notes."""

    step: str
    equipment: Optional[str]
    operator: str
    performed_on: _dt.date
    started_at: Optional[_dt.datetime]
    finished_at: Optional[_dt.datetime]
    notes: str
    recorded: Stamp


@dataclasses.dataclass(frozen=True)
class MaterialLine(Record):
    """A lot or serial a work order consumed or produced; `reversed` when that
    production was reversed since."""

    item: Item
    location: str
    quantity: Decimal
    reversed: bool


@dataclasses.dataclass(frozen=True)
class ProducedLotQuality(Record):
    """The test results and certificates of a lot a work order made."""

    product: str
    lot: str
    tests: Tuple[TestResult, ...]
    certificates: Tuple[Certificate, ...]
    all_tests_passed: bool


@dataclasses.dataclass(frozen=True)
class SignatureCheck(Record):
    """An electronic signature (signer, meaning, reason, time, the SHA-256 of the
    record's content it binds) and whether the record still has that content: `valid`
    False with `note` "record changed since signing" once it changed."""

    record: SignedRecord
    meaning: SignatureMeaning
    signer: str
    reason: str
    sha256: str
    signed: Stamp
    valid: bool
    note: Optional[str]


@dataclasses.dataclass(frozen=True)
class BatchRecord(Record):
    """A work order's electronic batch record: parameters (out-of-limit ones named in
    `out_of_limits`), steps, their equipment and operators, what it consumed and
    produced, the quality of the lots made, non-conformances naming it, the SHA-256 of
    its content now, and its signatures with their validity."""

    work_order: str
    parameters: Tuple[BatchParameter, ...]
    out_of_limits: Tuple[str, ...]
    steps: Tuple[BatchStep, ...]
    equipment: Tuple[str, ...]
    operators: Tuple[str, ...]
    consumed: Tuple[MaterialLine, ...]
    produced: Tuple[MaterialLine, ...]
    quality: Tuple[ProducedLotQuality, ...]
    nonconformances: Tuple[str, ...]
    sha256: str
    signatures: Tuple[SignatureCheck, ...]


@dataclasses.dataclass(frozen=True)
class DeviceHistoryRecord(Record):
    """The batch records of the work orders that made a lot or serial (empty for one
    received from a supplier)."""

    item: Item
    batch_records: Tuple[BatchRecord, ...]


@dataclasses.dataclass(frozen=True)
class Resolution(Record):
    """How a non-conformance was closed or a CAPA completed, and when."""

    text: str
    recorded: Stamp


@dataclasses.dataclass(frozen=True)
class CorrectiveAction(Record):
    """A corrective or preventive action, for a non-conformance (`nc`), a recall (one
    of its resolution actions), both or neither; `completed` once done."""

    id: str
    nc: Optional[str]
    recall: Optional[str]
    kind: CapaKind
    description: str
    owner: str
    due: _dt.date
    opened: Stamp
    completed: Optional[Resolution]


@dataclasses.dataclass(frozen=True)
class CapaStatus(CorrectiveAction):
    """A CAPA as of a day: `overdue` when still open and due before it."""

    overdue: bool


@dataclasses.dataclass(frozen=True)
class NonConformance(Record):
    """A non-conformance with its CAPAs and signatures; `contained` is what its
    containment put on hold, `closed` its resolution once closed."""

    id: str
    description: str
    severity: Severity
    items: Tuple[Item, ...]
    work_order: Optional[str]
    recall: Optional[str]
    contained: Tuple[Item, ...]
    opened: Stamp
    closed: Optional[Resolution]
    capas: Tuple[CorrectiveAction, ...]
    signatures: Tuple[SignatureCheck, ...]


@dataclasses.dataclass(frozen=True)
class RecallResolution(RecallRecord):
    """A recorded recall with its resolution actions (CAPAs) and the non-conformances
    opened under it; `resolved` once it has CAPAs and all are completed."""

    capas: Tuple[CorrectiveAction, ...]
    nonconformances: Tuple[str, ...]
    resolved: bool
