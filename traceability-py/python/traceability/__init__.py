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
    Allocation,
    AllocationLine,
    BucketSummary,
    Certificate,
    Committed,
    Event,
    ExpiryBucket,
    ExpiryReport,
    Head,
    Item,
    Line,
    Link,
    Location,
    LocationKind,
    Lot,
    LotDates,
    LotDatesChange,
    LotExpiry,
    LotQuality,
    LotRef,
    LotStockRow,
    Movement,
    Party,
    PartyRole,
    Product,
    QualityDecision,
    QualityStatus,
    QuantityLike,
    Record,
    Reservation,
    Serial,
    SerialInfo,
    SerialRef,
    SerialStatus,
    SerialStockRow,
    Shipment,
    ShipmentLine,
    StockLine,
    Strategy,
    TestResult,
    Tracking,
)

__all__ = [
    "Allocation", "AllocationLine", "BucketSummary", "Certificate", "Committed",
    "DuplicateNumber", "Event", "ExpiredLot", "ExpiryBucket", "ExpiryReport", "Head",
    "InsufficientStock", "IntoLot", "InvalidInput", "InvalidQuantity", "InvalidTransition",
    "Item", "Line", "Link", "Location", "LocationKind", "Lot", "LotDates", "LotDatesChange",
    "LotExpiry", "LotQuality", "LotRef", "LotStockRow", "Movement", "NewLot", "NewSerial",
    "NotUsable", "Output", "Party", "PartyRole", "Product", "QualityDecision",
    "QualityStatus", "QuantityLike", "Record", "Reservation", "Serial", "SerialInfo",
    "SerialRef", "SerialStatus", "SerialStockRow", "Shipment", "ShipmentLine",
    "StaleWriter", "StockLine", "StorageError", "Strategy", "Tampered", "TestResult",
    "TraceabilityError", "Tracker", "Tracking", "UnknownLocation", "UnknownLot",
    "UnknownOrder", "UnknownParty", "UnknownProduct", "UnknownSerial", "WrongRole",
    "WrongTracking", "__version__",
]
