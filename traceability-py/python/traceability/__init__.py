"""Lot and serial traceability: a Python API over the Rust core.

    >>> from traceability import Tracker, LotRef
    >>> t = Tracker()
    >>> _ = t.register_product("FLOUR", "lot", actor="ana")

Errors are `TraceabilityError` subclasses, one per core error kind; a failed command
changes nothing.
"""

from ._traceability import (
    DuplicateNumber,
    ExpiredLot,
    InsufficientStock,
    InvalidInput,
    InvalidQuantity,
    InvalidTransition,
    NotUsable,
    StaleWriter,
    StorageError,
    Tampered,
    TraceabilityError,
    UnknownLocation,
    UnknownLot,
    UnknownOrder,
    UnknownParty,
    UnknownProduct,
    UnknownSerial,
    WrongRole,
    WrongTracking,
    __version__,
)
from ._tracker import IntoLot, NewLot, NewSerial, Output, Tracker
from ._types import (
    Committed,
    Event,
    Head,
    Item,
    Line,
    Link,
    Location,
    LocationKind,
    Lot,
    LotDates,
    LotRef,
    Party,
    PartyRole,
    Product,
    QualityStatus,
    QuantityLike,
    Record,
    Reservation,
    Serial,
    SerialRef,
    SerialStatus,
    Shipment,
    ShipmentLine,
    StockLine,
    Tracking,
)

__all__ = [
    "Committed", "DuplicateNumber", "Event", "ExpiredLot", "Head", "InsufficientStock",
    "IntoLot", "InvalidInput", "InvalidQuantity", "InvalidTransition", "Item", "Line",
    "Link", "Location", "LocationKind", "Lot", "LotDates", "LotRef", "NewLot", "NewSerial",
    "NotUsable", "Output", "Party", "PartyRole", "Product", "QualityStatus", "QuantityLike",
    "Record", "Reservation", "Serial", "SerialRef", "SerialStatus", "Shipment",
    "ShipmentLine", "StaleWriter", "StockLine", "StorageError", "Tampered",
    "TraceabilityError", "Tracker", "Tracking", "UnknownLocation", "UnknownLot",
    "UnknownOrder", "UnknownParty", "UnknownProduct", "UnknownSerial", "WrongRole",
    "WrongTracking", "__version__",
]
