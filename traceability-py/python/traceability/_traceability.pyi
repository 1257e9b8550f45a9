"""Stubs of the private native module (checked against it by mypy.stubtest)."""

import datetime
from decimal import Decimal
from typing import Any, Callable, Dict, Iterable, List, Literal, Mapping, Optional, Sequence, Tuple, Union, final, overload

from ._types import BackwardTrace, ForwardTrace, Lot, LotRef, RecallReport, Serial, SerialRef

__version__: str
__all__ = [
    "Checkpoint",
    "DuplicateNumber",
    "ExpiredLot",
    "Graph",
    "InsufficientStock",
    "InvalidInput",
    "InvalidQuantity",
    "InvalidTransition",
    "NativeTracker",
    "NotUsable",
    "StaleWriter",
    "StorageError",
    "Tampered",
    "Unreplayable",
    "ReadOnlyTracker",
    "TraceIds",
    "TraceabilityError",
    "UnknownLocation",
    "UnknownLot",
    "UnknownOrder",
    "UnknownParty",
    "UnknownProduct",
    "UnknownSerial",
    "WrongRole",
    "WrongTracking",
    "__version__",
    "public_key",
    "query_catalog",
    "render",
]

@final
class NativeTracker:
    def __new__(cls) -> NativeTracker: ...
    @staticmethod
    def open(path: str, verify: bool = True, salvage: bool = False, snapshot_every: int = 100_000) -> NativeTracker: ...
    def damage(self) -> Optional[TraceabilityError]: ...
    def checkpoint(self, signing_key: bytes) -> Checkpoint: ...
    def verify_against(self, checkpoint: Checkpoint, public_key: bytes) -> int: ...
    def set_time(self, at: Optional[str]) -> None: ...
    def refresh(self) -> Tuple[int, str]: ...
    def wait_for_events(self, timeout: float) -> int: ...
    def snapshot(self) -> int: ...
    def warnings(self) -> List[str]: ...
    def execute(self, actor: str, reason: Optional[str], command: Union[str, Mapping[str, Any]]) -> Tuple[int, int]: ...
    def execute_batch(
        self, actor: str, reason: Optional[str], commands: Union[str, Sequence[Mapping[str, Any]]]
    ) -> Tuple[int, int]: ...
    def bulk_load(
        self,
        actor: str,
        reason: Optional[str],
        batches: Iterable[List[Mapping[str, Any]]],
        encode: Callable[[List[Mapping[str, Any]]], str],
        progress: Optional[Callable[[int, int, int], object]],
    ) -> Tuple[int, int, int]: ...
    def import_csv(
        self,
        actor: str,
        reason: Optional[str],
        data: bytes,
        options: str,
        progress: Optional[Callable[[int], object]],
    ) -> str: ...
    def allocate(self, actor: str, reason: Optional[str], request: Union[str, Mapping[str, Any]]) -> str: ...
    def recall(self, actor: str, reason: str, recall: str) -> RecallReport: ...
    def recall_report(self, suspects: str) -> RecallReport: ...
    def query(self, name: str, args: str) -> str: ...
    def lot(self, product: str, lot: str) -> Optional[Lot]: ...
    def serial(self, product: str, serial: str) -> Optional[Serial]: ...
    def lots_page(self, offset: int, limit: int) -> List[Lot]: ...
    def serials_page(self, offset: int, limit: int) -> List[Serial]: ...
    def trace_ids(self, forward: bool, product: str, number: str, serial: bool) -> TraceIds: ...
    @overload
    def trace_report(self, forward: Literal[True], product: str, number: str, serial: bool) -> ForwardTrace: ...
    @overload
    def trace_report(self, forward: Literal[False], product: str, number: str, serial: bool) -> BackwardTrace: ...
    def close(self) -> None: ...

@final
class TraceIds:
    """An ids-only trace kept in the native module; each method builds one column."""

    def items(self) -> Tuple[Union[LotRef, SerialRef], ...]: ...
    def lot_ids(self) -> Tuple[str, ...]: ...
    def serial_ids(self) -> Tuple[str, ...]: ...
    def documents(self) -> Tuple[str, ...]: ...
    def parties(self) -> Tuple[str, ...]: ...
    def __len__(self) -> int: ...

@final
class Graph:
    """The core's trace or recall report a natively built record keeps to render."""

    def render(self, format: str) -> str: ...

@final
class Checkpoint:
    """The log's head (count, hash, time) signed with an Ed25519 key; frozen."""

    @property
    def count(self) -> int: ...
    @property
    def head(self) -> str: ...
    @property
    def recorded_at(self) -> datetime.datetime: ...
    @property
    def signature(self) -> str: ...
    def to_json(self) -> str: ...
    @staticmethod
    def from_json(text: str) -> Checkpoint: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __hash__(self) -> int: ...
    def __reduce__(self) -> Tuple[Any, Tuple[str]]: ...

def render(kind: str, format: str, result: str) -> str: ...
def query_catalog() -> List[Tuple[str, str, str]]: ...
def public_key(signing_key: bytes) -> bytes: ...

# Every exception carries the core error's typed fields as attributes.
class TraceabilityError(Exception): ...

class InvalidInput(TraceabilityError, ValueError):
    field: str
    reason: str

class UnknownProduct(TraceabilityError, KeyError):
    product: str

class UnknownLot(TraceabilityError, KeyError):
    product: str
    lot: str

class UnknownSerial(TraceabilityError, KeyError):
    product: str
    serial: str

class UnknownLocation(TraceabilityError, KeyError):
    location: str

class UnknownParty(TraceabilityError, KeyError):
    party: str

class UnknownOrder(TraceabilityError, KeyError):
    order: str

class DuplicateNumber(TraceabilityError, ValueError):
    kind: str
    key: str

class WrongTracking(TraceabilityError, ValueError):
    product: str
    actual: str
    expected: str

class WrongRole(TraceabilityError, ValueError):
    party: str
    expected: str

class InvalidQuantity(TraceabilityError, ValueError):
    quantity: Decimal
    rule: str

class InsufficientStock(TraceabilityError):
    item: Optional[Union[LotRef, SerialRef]]
    """The lot or serial short of stock; None when a product's eligible stock as a
    whole is short (an allocation by strategy)."""
    product: str
    locations: List[str]
    """Where the stock was looked for; empty: every location."""
    customer: Optional[str]
    """For a return: the customer, whose shipped and not yet returned quantity is
    `available`."""
    requested: Decimal
    available: Decimal

class InvalidTransition(TraceabilityError):
    product: str
    serial: str
    from_status: str
    """The serial's status (a `SerialStatus` value, e.g. "RECEIVED")."""
    to_status: str
    """The status it cannot move to."""

class ExpiredLot(TraceabilityError):
    product: str
    lot: str
    expiry: datetime.date
    date: datetime.date

class NotUsable(TraceabilityError):
    item: Union[LotRef, SerialRef]
    why: str

class StaleWriter(TraceabilityError):
    expected: int
    actual: int

class Tampered(TraceabilityError):
    seq: int
    damage: str
    detail: str

class Unreplayable(TraceabilityError):
    seq: int
    detail: str

class ReadOnlyTracker(TraceabilityError):
    detail: str

class StorageError(TraceabilityError, OSError):
    detail: str
