"""`Tracker`: the typed Python face of the core tracker.

Each command method turns its keyword arguments into the core's JSON command shape and
hands it to the native module; each query runs one named native query and wraps the
JSON answer in immutable records. No domain rule is checked here: the core does that.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import itertools
import json
import os
from decimal import Decimal
from typing import (
    IO,
    Any,
    Callable,
    Dict,
    Iterable,
    Iterator,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Type,
    TypeVar,
    Union,
)

from . import _traceability
from ._types import (
    Allocation,
    BackwardIds,
    BackwardTrace,
    BulkProgress,
    ForwardIds,
    ForwardTrace,
    RecallRecord,
    RecallReport,
    Scan,
    Attachment,
    CampaignReport,
    CampaignStatus,
    Claim,
    Disposition,
    ReturnAuthorization,
    ReturnReason,
    ReturnsByReason,
    ServiceEntry,
    ServiceKind,
    WarrantyStart,
    WarrantyStatus,
    WarrantyTerms,
    items_json,
    Committed,
    ExpiryReport,
    LotDatesChange,
    LotExpiry,
    LotQuality,
    LotStockRow,
    Movement,
    QualityStatus,
    SerialInfo,
    SerialStatus,
    SerialStockRow,
    Strategy,
    Event,
    Head,
    Item,
    Line,
    Container,
    Link,
    CsvKind,
    Gs1Element,
    LotStatus,
    LotStatusRow,
    ImportMode,
    ImportReport,
    Location,
    LocationKind,
    NumberingScheme,
    Lot,
    LotRef,
    Party,
    PartyRole,
    Product,
    QuantityLike,
    Record,
    Reservation,
    Serial,
    SerialRef,
    Shipment,
    Tracking,
    choice,
    date_json,
    flag,
    from_json,
    instant_json,
    invalid,
    item_json,
    key_bytes,
    json_default,
    lot_key_json,
    opt_int,
    opt_quantity_json,
    opt_text,
    sequence,
    text,
    whole,
)
from ._traceability import Checkpoint, TraceabilityError
from . import cmd
from .cmd import Command, IntoLot, NewLot, NewSerial, Output, _receipt_command
from ._types import (
    BatchRecord,
    CapaKind,
    CapaStatus,
    DeviceHistoryRecord,
    NonConformance,
    RecallResolution,
    Severity,
    SignatureCheck,
    SignatureMeaning,
    SignedRecord,
    signed_record_json,
)

T = TypeVar("T")
R = TypeVar("R", bound=Record)
Json = Dict[str, Any]
KeyBytes = Union[bytes, bytearray, memoryview]
"""Raw Ed25519 key bytes (32 of them)."""

PAGE_SIZE = 10_000
"""Lots/serials fetched per native call while iterating."""


#: Catalog queries the native module answers with records it builds (no JSON text):
#: catalog name -> `NativeTracker` method.
NATIVE_QUERIES = {
    "lot": "lot", "serial": "serial", "lots": "lots_page", "serials": "serials_page",
    "trace_forward": "trace_report", "trace_backward": "trace_report",
    "trace_forward_ids": "trace_ids", "trace_backward_ids": "trace_ids",
    "recall_report": "recall_report",
}  # fmt: skip

#: One encoder for every call: `json.dumps` with options builds a new one each time.
_ENCODER = json.JSONEncoder(default=json_default, separators=(",", ":"))


def _dumps(value: Any) -> str:
    return _ENCODER.encode(value)


def _command_json(command: Any, field: str, index: Optional[int] = None) -> Any:
    """A command value or a command dict, as the core's JSON shape. The error names
    `field` (`field[index]` for an item of a sequence, formatted only then)."""
    if type(command) is dict:  # the common case, without the ABC checks below
        return command
    if isinstance(command, Command):
        return {command.NAME: command.wire_body}
    if isinstance(command, Mapping):
        return command
    where = field if index is None else f"{field}[{index}]"
    raise TypeError(f"{where} must be a command (traceability.cmd) or a mapping, not {type(command).__name__}")


def _native_commands(commands: List[Any]) -> Union[str, List[Any]]:
    """Commands for the native layer: command values' checked bodies are read there
    without JSON; a batch holding raw dicts (whose Decimal, date and enum values `json`
    converts) goes as JSON text."""
    wire = [_command_json(command, "commands", i) for i, command in enumerate(commands)]
    if all(isinstance(command, Command) for command in commands):
        return wire
    return _dumps(wire)


class Tracker:
    """The traceability engine over one event store.

    `Tracker()` is in memory; `Tracker.open(path)` opens (or creates) a SQLite store.
    `now=` fixes the clock (tests, replays of past data). Every command takes `actor=`
    and an optional `reason=`, and on any error raises a `TraceabilityError` subclass
    and changes nothing. Safe to share between threads: calls are serialised, and each
    releases the GIL while the core works.

    Arguments of the wrong Python type raise `TypeError` naming the argument (a `str`
    where a sequence of ids is expected is refused, not iterated character by
    character; quantities are int, str or Decimal, never float); values the core
    refuses raise `InvalidInput` or another `TraceabilityError` subclass.

    Several trackers (threads, processes) may share one SQLite store. Each reads what
    the others appended when it executes a command, or on `refresh()`; queries answer
    from what it has read so far, which `head()` tells without touching the store.
    """

    def __init__(self, *, now: Optional[_dt.datetime] = None) -> None:
        now_text = None if now is None else instant_json(now)
        self._native = _traceability.NativeTracker()
        if now_text is not None:
            self._native.set_time(now_text)

    @classmethod
    def open(
        cls,
        path: Union[str, "os.PathLike[str]"],
        *,
        verify: bool = True,
        salvage: bool = False,
        snapshot_every: int = 100_000,
        now: Optional[_dt.datetime] = None,
    ) -> Tracker:
        """Opens (or creates) the store at `path`, checks its hash chain and replays it:
        a SQLite file, or a PostgreSQL database given by a URL
        (`postgresql://user@host:port/db`, optionally `?schema=name`; the schema,
        default `traceability`, is created and migrated by the library). An empty or
        blank path raises `InvalidInput` (it would be a throwaway temporary database).

        A damaged log raises `Tampered` (an event altered, missing, inserted, moved;
        `e.seq` names the first bad one, `e.damage` the kind) or `Unreplayable` (intact
        but not applicable). `verify=False` is the trusted fast path: event numbering
        and links are still checked, contents are not (call `verify()` later).
        `salvage=True` opens a damaged log read-only instead, with the state just
        before its first bad event: `damage` then holds the error, queries answer and
        commands raise `ReadOnlyTracker`.

        The store opens from its latest state snapshot when that matches the log, so
        only the events after it are verified and replayed (`verify()` checks the whole
        chain), and a new snapshot is written after a commit once `snapshot_every`
        events (and at least a quarter of what the last one covered) were appended
        since the last. `snapshot_every=0` replays the whole log and writes none
        automatically. A snapshot that does not match the log is ignored and noted in
        `warnings`."""
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"path must be a str or os.PathLike, not {type(path).__name__}")
        file = os.fsdecode(os.fspath(path))
        if not file.strip():
            raise invalid("path", "the store path is empty; give the file of the SQLite store")
        verify, salvage = flag(verify, "verify"), flag(salvage, "salvage")
        every = opt_int(snapshot_every, "snapshot_every")
        if every is None or not 0 <= every < 2**64:
            raise invalid("snapshot_every", "must be a whole number of events, 0 or more")
        now_text = None if now is None else instant_json(now)
        tracker = cls.__new__(cls)
        tracker._native = _traceability.NativeTracker.open(file, verify, salvage, every)
        if now_text is not None:
            tracker._native.set_time(now_text)
        return tracker

    @property
    def damage(self) -> Optional[TraceabilityError]:
        """Why a tracker opened with `salvage=True` stopped replaying: the (unraised)
        exception of the first bad event, e.g. `Tampered` with `seq`, `damage` and
        `detail`, or `Unreplayable` with `seq` and `detail`; `None` for a healthy log.
        A damaged tracker is read-only."""
        return self._native.damage()

    @property
    def warnings(self) -> Tuple[str, ...]:
        """What opening or snapshotting noticed without failing, oldest first (e.g. a
        state snapshot ignored because it does not match the log)."""
        return tuple(self._native.warnings())

    def snapshot(self) -> int:
        """Writes a snapshot of the state to the store (replacing the previous one) and
        returns the number of events it covers. A cache: deleting it loses nothing.
        Raises `ReadOnlyTracker` on a salvaged tracker."""
        covered: int = self._native.snapshot()
        return covered

    def set_time(self, now: Optional[_dt.datetime]) -> None:
        """Fixes the clock at `now` (naive = UTC); `None` returns to the wall clock."""
        self._native.set_time(None if now is None else instant_json(now))

    def close(self) -> None:
        """Closes the store; any later call raises `StorageError`. Idempotent."""
        self._native.close()

    def refresh(self) -> Head:
        """Reads and applies what other writers appended to a shared store since this
        tracker last read it, and returns the head it has then applied. Commands refresh
        by themselves before deciding; queries never do, so a reader calls this to be
        current. Raises `Tampered` when the new events do not link to the ones read."""
        count, hash = self._native.refresh()
        return Head(count, hash)

    def wait_for_events(self, timeout: float) -> int:
        """Waits up to `timeout` seconds for other writers (other processes or servers)
        to append to a shared store, applies what they appended and returns how many
        events came (0 on timeout). On PostgreSQL it is woken by the appends'
        notifications (LISTEN/NOTIFY); other stores are polled. The tracker is busy
        while it waits."""
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
            raise TypeError(f"timeout must be a number of seconds, not {type(timeout).__name__}")
        return int(self._native.wait_for_events(float(timeout)))

    def __enter__(self) -> Tracker:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- generic entry points ---------------------------------------------------------

    def execute(
        self, command: Union[Command, Mapping[str, Any]], *, actor: str, reason: Optional[str] = None
    ) -> Committed:
        """Executes one command: a command value such as `cmd.Move(...)`, or a dict in
        the core's JSON shape, e.g. `{"set_lot_active": {"product": "P", "lot": "L1",
        "active": False}}`."""
        wire = _command_json(command, "command")
        native = wire if isinstance(command, Command) else _dumps(wire)
        return Committed(*self._native.execute(text(actor, "actor"), opt_text(reason, "reason"), native))

    def execute_batch(
        self, commands: Iterable[Union[Command, Mapping[str, Any]]], *, actor: str, reason: Optional[str] = None
    ) -> Committed:
        """Executes commands atomically: all valid (each seeing the ones before it) and
        stored, or none. Each is a command value (`cmd.ReceiveLot(...)`, checked when it
        was built) or a dict in the core's JSON shape, whose Decimal, date and enum values
        are converted; quantities must be decimal strings or Decimal inside raw dicts."""
        native = _native_commands(list(sequence(commands, "commands", "commands")))
        return Committed(*self._native.execute_batch(text(actor, "actor"), opt_text(reason, "reason"), native))

    def _numbered(self, committed: Committed) -> Committed:
        """`committed` with the numbers its command drew from numbering schemes."""
        issued = self._query("issued_numbers", first_seq=committed.first_seq, count=committed.count)
        return dataclasses.replace(committed, numbers=tuple(row["number"] for row in issued))

    def _query(self, name: str, **args: Any) -> Any:
        return json.loads(self._native.query(name, _dumps(args)))

    def _query_one(self, wrap: Callable[[Any], T], name: str, **args: Any) -> Optional[T]:
        found = self._query(name, **args)
        return None if found is None else wrap(found)

    def _query_all(self, wrap: Callable[[Any], T], name: str, **args: Any) -> List[T]:
        return [wrap(row) for row in self._query(name, **args)]

    def bulk_load(
        self,
        commands: Iterable[Union[Command, Mapping[str, Any]]],
        *,
        actor: str,
        reason: Optional[str] = None,
        batch_size: int = PAGE_SIZE,
        progress: Optional[Callable[[BulkProgress], object]] = None,
    ) -> BulkProgress:
        """Loads history an ERP already has (receipts, production, shipments: command
        values or dicts as for `execute`, from any iterable, read lazily) in atomic batches of
        `batch_size`, each validated like any command; calls `progress(BulkProgress)`
        after each batch and returns what was stored.

        Stops at the first refused command: its exception (typed as usual) also carries
        `index` (its position in `commands`), `batch` and `loaded` (the `BulkProgress` of
        every batch before its batch, which stay stored). An exception raised by
        `progress` or while reading `commands` stops the load after the batches already
        stored and propagates as is. Automatic snapshots wait until the end.

        While a batch loads (without the GIL) the next one is read from `commands` on the
        calling thread, so rows are read at most one batch ahead of what is stored;
        `progress` is called on the loading thread."""
        rows = iter(sequence(commands, "commands", "commands"))
        wire = (_command_json(command, "commands", i) for i, command in enumerate(rows))
        return self._load(wire, batch_size, actor, reason, progress)

    def _load(
        self,
        commands: Iterator[Mapping[str, Any]],
        batch_size: int,
        actor: str,
        reason: Optional[str],
        progress: Optional[Callable[[BulkProgress], object]] = None,
    ) -> BulkProgress:
        if isinstance(batch_size, bool) or not isinstance(batch_size, int):
            raise TypeError(f"batch_size must be an int, not {type(batch_size).__name__}")
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, not {batch_size}")
        if progress is not None and not callable(progress):
            raise TypeError(f"progress must be callable, not {type(progress).__name__}")

        def batches() -> Iterator[List[Mapping[str, Any]]]:
            while True:
                chunk = list(itertools.islice(commands, batch_size))
                if not chunk:
                    return
                yield chunk

        def report(batches: int, count: int, events: int) -> object:
            return None if progress is None else progress(BulkProgress(batches, count, events))

        try:
            loaded = self._native.bulk_load(text(actor, "actor"), opt_text(reason, "reason"), batches(), _dumps, report)
        except TraceabilityError as e:
            stored = getattr(e, "loaded", None)
            if isinstance(stored, tuple):
                e.loaded = BulkProgress(*stored)  # type: ignore[attr-defined]
            raise
        return BulkProgress(*loaded)

    def _chunked(self, commands: Iterator[Json], batch_size: int, actor: str, reason: Optional[str]) -> Committed:
        # The first number stored is after what other writers appended so far, as read
        # by the load's own refresh (head() alone does not read the store).
        first = self.refresh().count
        loaded = self._load(commands, batch_size, actor, reason)
        return Committed(first, loaded.events)

    # --- master data -------------------------------------------------------------------

    def register_product(
        self,
        id: str,
        tracking: Union[Tracking, str],
        *,
        actor: str,
        reason: Optional[str] = None,
        description: str = "",
        unit: str = "ea",
        shelf_life_days: Optional[int] = None,
        best_before_days: Optional[int] = None,
        removal_days: Optional[int] = None,
        alert_days: Optional[int] = None,
        expiry_warning_days: Optional[int] = None,
        requires_inspection: bool = False,
        numbering_pattern: Optional[str] = None,
        numbering_scheme: Optional[str] = None,
        gtins: Sequence[str] = (),
    ) -> Committed:
        """Registers a product. Its generated lot/serial numbers come from its own
        `numbering_pattern` or from the shared scheme `numbering_scheme` (not both).
        `gtins` are its GS1 trade item numbers (8, 12, 13 or 14 digits, stored as 14),
        which `scan` resolves barcodes by."""
        return self.execute(
            cmd.RegisterProduct(
                id,
                tracking,
                description=description,
                unit=unit,
                shelf_life_days=shelf_life_days,
                best_before_days=best_before_days,
                removal_days=removal_days,
                alert_days=alert_days,
                expiry_warning_days=expiry_warning_days,
                requires_inspection=requires_inspection,
                numbering_pattern=numbering_pattern,
                numbering_scheme=numbering_scheme,
                gtins=gtins,
            ),
            actor=actor,
            reason=reason,
        )

    def update_product(self, product: Product, *, actor: str, reason: Optional[str] = None) -> Committed:
        """Replaces a registered product's master data with `product`, typically
        `dataclasses.replace(t.product("FLOUR"), description=...)`. Its tracking cannot
        change (`WrongTracking`); lots and serials already recorded keep their dates,
        later receipts follow the new rules."""
        return self.execute(cmd.UpdateProduct(product), actor=actor, reason=reason)

    def register_location(
        self,
        id: str,
        kind: Union[LocationKind, str],
        *,
        actor: str,
        reason: Optional[str] = None,
        description: str = "",
        gln: Optional[str] = None,
        party: Optional[str] = None,
    ) -> Committed:
        """Registers a location; `gln` is its GS1 Global Location Number (13 digits).
        A customer or supplier location may name its `party` (a customer, resp. a
        supplier): stock moved into a customer's location is delivered to it (a
        shipment without an order); a customer location without one takes no stock."""
        return self.execute(
            cmd.RegisterLocation(id, kind, description=description, gln=gln, party=party), actor=actor, reason=reason
        )

    def register_party(
        self,
        id: str,
        role: Union[PartyRole, str],
        *,
        actor: str,
        reason: Optional[str] = None,
        name: str = "",
        gln: Optional[str] = None,
    ) -> Committed:
        """Registers a supplier or customer; `gln` is its GS1 Global Location Number."""
        return self.execute(cmd.RegisterParty(id, role, name=name, gln=gln), actor=actor, reason=reason)

    # --- numbering ---------------------------------------------------------------------

    def define_numbering_scheme(
        self, id: str, pattern: str, *, actor: str, reason: Optional[str] = None, description: str = ""
    ) -> Committed:
        """Defines (or redefines) a named numbering scheme, e.g. `{Y}{DDD}-{SEQ:3:DAILY}`;
        a bad pattern is an `InvalidInput` naming the position."""
        return self.execute(cmd.DefineNumberingScheme(id, pattern, description=description), actor=actor, reason=reason)

    def numbering_schemes(self) -> List[NumberingScheme]:
        return self._query_all(self._record(NumberingScheme), "numbering_schemes")

    def preview_number(self, product: str, *, date: Optional[_dt.date] = None, location: Optional[str] = None) -> str:
        """The number the product's scheme would issue next on `date` (default today),
        without issuing it."""
        number: str = self._query(
            "preview_number",
            product=text(product, "product"),
            date=date_json(date, "date"),
            location=opt_text(location, "location"),
        )
        return number

    def issue_numbers(
        self,
        product: str,
        count: int = 1,
        *,
        actor: str,
        reason: Optional[str] = None,
        date: Optional[_dt.date] = None,
        location: Optional[str] = None,
    ) -> List[str]:
        """Issues `count` numbers from the product's scheme ahead of use (e.g. for
        labels); they are never issued again."""
        return list(
            self._numbered(
                self.execute(cmd.IssueNumbers(product, count, date=date, location=location), actor=actor, reason=reason)
            ).numbers
        )

    # --- receipts ----------------------------------------------------------------------

    def expect_serials(
        self,
        product: str,
        serials: Sequence[str],
        *,
        actor: str,
        reason: Optional[str] = None,
        supplier: Optional[str] = None,
        reference: Optional[str] = None,
    ) -> Committed:
        return self.execute(
            cmd.ExpectSerials(product, serials, supplier=supplier, reference=reference), actor=actor, reason=reason
        )

    def receive_lot(
        self,
        product: str,
        lot: Optional[str],
        quantity: QuantityLike,
        location: str,
        *,
        actor: str,
        reason: Optional[str] = None,
        supplier: Optional[str] = None,
        received_on: Optional[_dt.date] = None,
        reference: Optional[str] = None,
        manufactured_on: Optional[_dt.date] = None,
        expiry: Optional[_dt.date] = None,
        best_before: Optional[_dt.date] = None,
        removal: Optional[_dt.date] = None,
        alert: Optional[_dt.date] = None,
        weight: Optional[QuantityLike] = None,
        description: str = "",
        supplier_lot: Optional[str] = None,
        attributes: Optional[Mapping[str, str]] = None,
    ) -> Committed:
        """Receives a new lot. Dates not given are derived from the product's offsets.
        `lot` None numbers the lot from the product's scheme: the number is in the
        result's `numbers`."""
        receipt = dict(locals())
        del receipt["self"], receipt["actor"], receipt["reason"]
        committed = self.execute(cmd.ReceiveLot(**receipt), actor=actor, reason=reason)
        return committed if lot is not None else self._numbered(committed)

    def create_lot(
        self,
        product: str,
        lot: Optional[str] = None,
        *,
        actor: str,
        reason: Optional[str] = None,
        quantity: Optional[QuantityLike] = None,
        location: Optional[str] = None,
        active: bool = True,
        supplier: Optional[str] = None,
        received_on: Optional[_dt.date] = None,
        reference: Optional[str] = None,
        manufactured_on: Optional[_dt.date] = None,
        expiry: Optional[_dt.date] = None,
        best_before: Optional[_dt.date] = None,
        removal: Optional[_dt.date] = None,
        alert: Optional[_dt.date] = None,
        weight: Optional[QuantityLike] = None,
        description: str = "",
        supplier_lot: Optional[str] = None,
        attributes: Optional[Mapping[str, str]] = None,
    ) -> Committed:
        """Creates a lot record (the manual's "New Lot / Serial Number"): with initial
        stock when `quantity` and `location` are given (both or neither), active or not.
        `lot` None numbers it from the product's scheme (in the result's `numbers`)."""
        committed = self.execute(
            cmd.CreateLot(
                product,
                lot,
                quantity=quantity,
                location=location,
                active=active,
                supplier=supplier,
                received_on=received_on,
                reference=reference,
                manufactured_on=manufactured_on,
                expiry=expiry,
                best_before=best_before,
                removal=removal,
                alert=alert,
                weight=weight,
                description=description,
                supplier_lot=supplier_lot,
                attributes=attributes,
            ),
            actor=actor,
            reason=reason,
        )
        return committed if lot is not None else self._numbered(committed)

    # --- GS1 barcodes ---------------------------------------------------------------

    def parse_barcode(self, text_: str, *, today: Optional[_dt.date] = None) -> List[Gs1Element]:
        """The Application Identifiers of GS1 barcode data: scanner output (FNC1 as
        ASCII 29, AIM symbology prefix), the bracketed form `(01)...(10)...` or a GS1
        Digital Link URI. Lengths, character sets, check digits and dates are checked
        (`today`, default the tracker's, sets the century of YYMMDD dates); a violation
        is an `InvalidInput` naming the position and the AI."""
        return self._query_all(
            self._record(Gs1Element), "parse_barcode", text=text(text_, "text"), today=date_json(today, "today")
        )

    def digital_link(self, text_: str, *, base: Optional[str] = None) -> str:
        """The GS1 Digital Link URI of barcode data (base default `https://id.gs1.org`)."""
        uri: str = self._query("digital_link", text=text(text_, "text"), base=opt_text(base, "base"))
        return uri

    def scan(self, text_: str, *, today: Optional[_dt.date] = None) -> Scan:
        """Resolves barcode data against the master data: the product by its GTIN, the
        lot or serial it names, dates and quantity. A GTIN no product carries, a serial
        on a lot-tracked product or a date that contradicts the lot's record is an
        `InvalidInput` on `barcode`."""
        return from_json(Scan, self._query("scan", text=text(text_, "text"), today=date_json(today, "today")))

    def receive_scan(
        self,
        text_: str,
        location: str,
        quantity: Optional[QuantityLike] = None,
        *,
        supplier: Optional[str] = None,
        received_on: Optional[_dt.date] = None,
        reference: Optional[str] = None,
        today: Optional[_dt.date] = None,
        actor: str,
        reason: Optional[str] = None,
    ) -> Committed:
        """Receives what a barcode names into `location`: a lot with its number, expiry,
        best-before and production dates and count from the label (a label without a
        lot is numbered from the product's scheme: see `Committed.numbers`), or a
        serial. `quantity` defaults to the label's count or net weight."""
        command = self._query(
            "scan_command",
            text=text(text_, "text"),
            today=date_json(today, "today"),
            action="receive",
            location=text(location, "location"),
            quantity=opt_quantity_json(quantity, "quantity"),
            supplier=opt_text(supplier, "supplier"),
            received_on=date_json(received_on, "received_on"),
            reference=opt_text(reference, "reference"),
        )
        return self._numbered(self.execute(command, actor=actor, reason=reason))

    def pick_scan(
        self,
        order: str,
        text_: str,
        quantity: Optional[QuantityLike] = None,
        *,
        today: Optional[_dt.date] = None,
        actor: str,
        reason: Optional[str] = None,
    ) -> Committed:
        """Picks the lot or serial a barcode names for `order` (quantity default: the
        label's count, else one)."""
        command = self._query(
            "scan_command",
            text=text(text_, "text"),
            today=date_json(today, "today"),
            action="pick",
            order=text(order, "order"),
            quantity=opt_quantity_json(quantity, "quantity"),
        )
        return self.execute(command, actor=actor, reason=reason)

    # --- CSV ---------------------------------------------------------------------------

    def import_csv(
        self,
        source: Union[str, "os.PathLike[str]", IO[str], IO[bytes]],
        kind: Union[CsvKind, str],
        *,
        actor: str,
        reason: Optional[str] = None,
        mode: Union[ImportMode, str] = ImportMode.ALL_OR_NOTHING,
        dry_run: bool = False,
        date_format: Optional[str] = None,
        delimiter: str = ",",
        ignore_unknown_columns: bool = False,
        progress: Optional[Callable[[int], object]] = None,
    ) -> ImportReport:
        """Imports a CSV file (a path, or an open text or binary file) of lots, serials
        or test results: headers by name with the usual aliases, every bad row in the
        report (line, column, value, kind, message), stored all or nothing (default) or
        the valid rows; `dry_run` validates only. `date_format` is a strftime format
        (default ISO). `progress(rows)` is called as rows are validated; an exception
        from it stops the import (nothing stored) and propagates."""
        if isinstance(source, (str, os.PathLike)):
            with open(source, "rb") as file:
                data = file.read()
        elif hasattr(source, "read"):
            raw = source.read()
            data = raw.encode() if isinstance(raw, str) else bytes(raw)
        else:
            raise TypeError(f"source must be a path or an open file, not {type(source).__name__}")
        options = {
            "kind": choice(CsvKind, kind, "kind"),
            "mode": choice(ImportMode, mode, "mode"),
            "dry_run": flag(dry_run, "dry_run"),
            "date_format": opt_text(date_format, "date_format"),
            "delimiter": text(delimiter, "delimiter"),
            "ignore_unknown_columns": flag(ignore_unknown_columns, "ignore_unknown_columns"),
        }
        if progress is not None and not callable(progress):
            raise TypeError(f"progress must be callable, not {type(progress).__name__}")
        report = self._native.import_csv(
            text(actor, "actor"), opt_text(reason, "reason"), data, _dumps(options), progress
        )
        return ImportReport.from_json(json.loads(report))

    def export_csv(
        self,
        kind: Union[CsvKind, str],
        *,
        as_of: Optional[_dt.date] = None,
        path: Union[None, str, "os.PathLike[str]"] = None,
    ) -> str:
        """Every lot (one row per location with stock), serial or test result as CSV in
        the columns `import_csv` reads (lots with the shelf life remaining on `as_of`,
        default today); also written to `path` when given."""
        csv_text: str = self._query("export_csv", kind=choice(CsvKind, kind, "kind"), as_of=date_json(as_of, "as_of"))
        if path is not None:
            with open(path, "w", encoding="utf-8", newline="") as file:
                file.write(csv_text)
        return csv_text

    def receive_lots(
        self,
        receipts: Iterable[Mapping[str, Any]],
        *,
        actor: str,
        reason: Optional[str] = None,
        batch_size: int = PAGE_SIZE,
    ) -> Committed:
        """Bulk receipt: each mapping holds `receive_lot`'s keyword arguments. Runs in
        atomic batches of `batch_size` (at least 1, else `ValueError`); a failing batch
        leaves the earlier ones stored."""
        rows = sequence(receipts, "receipts", "mappings")
        commands = (_receipt_command(i, receipt) for i, receipt in enumerate(rows))
        return self._chunked(commands, batch_size, actor, reason)

    def receive_serials(
        self,
        product: str,
        serials: Sequence[str],
        location: str,
        *,
        actor: str,
        reason: Optional[str] = None,
        supplier: Optional[str] = None,
        reference: Optional[str] = None,
        generate: int = 0,
        put_away: bool = False,
        received_on: Optional[_dt.date] = None,
    ) -> Committed:
        """Receives serials (new or EXPECTED) in one event, however many there are, and
        `generate` more numbered from the product's scheme (in the result's `numbers`);
        `put_away` puts them in inventory where they are received; `received_on` is the
        receipt date (default: today)."""
        committed = self.execute(
            cmd.ReceiveSerials(
                product,
                serials,
                location,
                supplier=supplier,
                reference=reference,
                generate=generate,
                put_away=put_away,
                received_on=received_on,
            ),
            actor=actor,
            reason=reason,
        )
        return self._numbered(committed) if generate else committed

    # --- stock movements ----------------------------------------------------------------

    def move(
        self,
        item: Item,
        from_location: str,
        to_location: str,
        quantity: QuantityLike = 1,
        *,
        actor: str,
        reason: Optional[str] = None,
        override_expiry: bool = False,
    ) -> Committed:
        """Moves stock; for a RECEIVED serial this is the putaway."""
        return self.execute(
            cmd.Move(item, from_location, to_location, quantity, override_expiry=override_expiry),
            actor=actor,
            reason=reason,
        )

    def putaway(
        self, item: Item, from_location: str, to_location: str, quantity: QuantityLike = 1, *,
        actor: str, reason: Optional[str] = None,
    ) -> Committed:  # fmt: skip
        """Alias of `move` that reads as the warehouse step it is."""
        return self.move(item, from_location, to_location, quantity, actor=actor, reason=reason)

    def allocate(
        self,
        *,
        product: str,
        quantity: QuantityLike,
        order: str,
        actor: str,
        reason: Optional[str] = None,
        strategy: Union[Strategy, str] = Strategy.FEFO,
        ship_date: Optional[_dt.date] = None,
        min_remaining_shelf_life_pct: Optional[QuantityLike] = None,
        locations: Optional[Sequence[str]] = None,
        partial: bool = False,
    ) -> Allocation:
        """Reserves stock of `product` for `order`, lot by lot (or serial by serial) in
        `strategy` order, among released, active, unheld lots not expired at `ship_date`
        (default today) that meet the shelf-life minimum and location filter. Raises
        `InsufficientStock` (naming what is available) unless `partial=True`, in which
        case the shortfall is reported."""
        request = cmd.AllocateStock(
            product, quantity, order, strategy, ship_date, min_remaining_shelf_life_pct, locations, partial
        )
        answer = self._native.allocate(text(actor, "actor"), opt_text(reason, "reason"), request.wire_body)
        return from_json(Allocation, json.loads(answer))

    def allocate_item(
        self,
        order: str,
        item: Item,
        quantity: QuantityLike = 1,
        *,
        actor: str,
        reason: Optional[str] = None,
        location: Optional[str] = None,
        ship_date: Optional[_dt.date] = None,
    ) -> Committed:
        """Reserves a given lot or serial for `order` (no strategy: the caller chose); a
        lot expired by `ship_date` (default today) is refused."""
        return self.execute(
            cmd.Allocate(order, item, quantity, location=location, ship_date=ship_date), actor=actor, reason=reason
        )

    def cancel_allocation(
        self, order: str, item: Optional[Item] = None, *, actor: str, reason: Optional[str] = None
    ) -> Committed:
        return self.execute(cmd.CancelAllocation(order, item), actor=actor, reason=reason)

    def pick(
        self, order: str, item: Item, quantity: QuantityLike = 1, *, actor: str, reason: Optional[str] = None
    ) -> Committed:
        """Picks (scans) an item for `order`. A lot or serial other than the ones
        allocated is accepted when it meets the rules the order was allocated under; the
        reservation moves to it."""
        return self.execute(cmd.Pick(order, item, quantity), actor=actor, reason=reason)

    def ship(
        self,
        shipment: str,
        order: str,
        customer: str,
        *,
        actor: str,
        reason: Optional[str] = None,
        shipped_on: Optional[_dt.date] = None,
        override_expiry: bool = False,
    ) -> Committed:
        return self.execute(
            cmd.Ship(shipment, order, customer, shipped_on=shipped_on, override_expiry=override_expiry),
            actor=actor,
            reason=reason,
        )

    def produce(
        self,
        work_order: str,
        consumed: Sequence[Line],
        outputs: Sequence[Output],
        *,
        actor: str,
        reason: Optional[str] = None,
        produced_on: Optional[_dt.date] = None,
        override_expiry: bool = False,
    ) -> Committed:
        """Records a work order: `consumed` is a sequence of `Line`s, `outputs` a
        sequence of `NewLot`, `IntoLot` or `NewSerial`; each consumption -> output pair
        becomes a genealogy edge. Outputs given no number are numbered from their
        product's scheme (in the result's `numbers`)."""
        committed = self.execute(
            cmd.Produce(work_order, consumed, outputs, produced_on=produced_on, override_expiry=override_expiry),
            actor=actor,
            reason=reason,
        )
        unnumbered = any(getattr(o, "lot", "") is None or getattr(o, "serial", "") is None for o in outputs)
        return self._numbered(committed) if unnumbered else committed

    def adjust(
        self, product: str, lot: str, location: str, delta: QuantityLike, *, actor: str, reason: Optional[str] = None
    ) -> Committed:
        """Corrects a lot's quantity after a count (signed `delta`; needs a reason)."""
        return self.execute(cmd.Adjust(product, lot, location, delta), actor=actor, reason=reason)

    def scrap(
        self, item: Item, location: str, quantity: QuantityLike = 1, *, actor: str, reason: Optional[str] = None
    ) -> Committed:
        return self.execute(cmd.Scrap(item, location, quantity), actor=actor, reason=reason)

    def set_lot_active(
        self, product: str, lot: str, active: bool, *, actor: str, reason: Optional[str] = None
    ) -> Committed:
        return self.execute(cmd.SetLotActive(product, lot, active), actor=actor, reason=reason)

    def return_items(
        self,
        rma: str,
        customer: str,
        item: Item,
        location: str,
        quantity: QuantityLike = 1,
        *,
        release: bool = False,
        actor: str,
        reason: Optional[str] = None,
    ) -> Committed:
        """A customer return (RMA) of a shipped serial or lot quantity.

        A returned lot quantity is held at `location` (`StockLine.held`, not
        allocatable) until `dispose_return` decides, unless `release` puts it straight
        back into stock."""
        return self.execute(
            cmd.Return(rma, customer, item, location, quantity, release=release), actor=actor, reason=reason
        )

    # --- after the sale: warranty, service, claims, campaigns, returns ---------------------

    def define_warranty(
        self,
        product: str,
        months: int,
        *,
        starts: Union[WarrantyStart, str] = WarrantyStart.SHIPMENT,
        usage_limit: Optional[QuantityLike] = None,
        actor: str,
        reason: Optional[str] = None,
    ) -> Committed:
        """Defines a serial product's warranty: `months` from shipment or installation,
        within an optional usage limit (hours, cycles) read from service records."""
        return self.execute(
            cmd.DefineWarranty(product, months, starts=starts, usage_limit=usage_limit), actor=actor, reason=reason
        )

    def warranty(self, product: str) -> Optional[WarrantyTerms]:
        return self._query_one(self._record(WarrantyTerms), "warranty", id=text(product, "product"))

    def warranty_status(self, product: str, serial: str, on: Optional[_dt.date] = None) -> WarrantyStatus:
        """Whether a serial is in warranty on `on` (default today), and why."""
        found = self._query("warranty_status", product=text(product, "product"), serial=text(serial, "serial"),
                            on=date_json(on, "on"))  # fmt: skip
        return from_json(WarrantyStatus, found)

    def record_installation(
        self,
        product: str,
        serial: str,
        installed_on: _dt.date,
        *,
        customer: Optional[str] = None,
        actor: str,
        reason: Optional[str] = None,
    ) -> Committed:
        return self.execute(
            cmd.RecordInstallation(product, serial, installed_on, customer=customer), actor=actor, reason=reason
        )

    def record_service(
        self,
        product: str,
        serial: str,
        kind: Union[ServiceKind, str],
        *,
        technician: str,
        findings: str = "",
        performed_on: Optional[_dt.date] = None,
        usage: Optional[QuantityLike] = None,
        removed: Optional[Item] = None,
        fitted: Optional[Line] = None,
        attachments: Sequence[Attachment] = (),
        actor: str,
        reason: Optional[str] = None,
    ) -> Committed:
        """Records a service event on a serial; a `fitted` component (a `Line`: item,
        location, quantity) leaves stock and joins the serial in the genealogy."""
        return self.execute(
            cmd.RecordService(
                product,
                serial,
                kind,
                technician=technician,
                findings=findings,
                performed_on=performed_on,
                usage=usage,
                removed=removed,
                fitted=fitted,
                attachments=attachments,
            ),
            actor=actor,
            reason=reason,
        )

    def service_history(self, product: str, serial: str) -> List[ServiceEntry]:
        return self._query_all(self._record(ServiceEntry), "service_history", product=text(product, "product"),
                               serial=text(serial, "serial"))  # fmt: skip

    def open_claim(
        self,
        claim: str,
        product: str,
        serial: str,
        description: str,
        *,
        amount: Optional[QuantityLike] = None,
        opened_on: Optional[_dt.date] = None,
        actor: str,
        reason: Optional[str] = None,
    ) -> Committed:
        """Opens a warranty claim; whether the serial is in warranty then is kept."""
        return self.execute(
            cmd.OpenClaim(claim, product, serial, description, amount=amount, opened_on=opened_on),
            actor=actor,
            reason=reason,
        )

    def decide_claim(
        self, claim: str, approve: bool, *, amount: Optional[QuantityLike] = None, actor: str, reason: str
    ) -> Committed:
        """Approves (amount default: the amount claimed) or rejects an open claim."""
        return self.execute(cmd.DecideClaim(claim, approve, amount=amount), actor=actor, reason=reason)

    def close_claim(self, claim: str, *, actor: str, reason: Optional[str] = None) -> Committed:
        return self.execute(cmd.CloseClaim(claim), actor=actor, reason=reason)

    def claims(self) -> List[Claim]:
        return self._query_all(self._record(Claim), "claims")

    def start_campaign(
        self,
        campaign: str,
        description: str,
        *,
        recall: Optional[str] = None,
        suspects: Union[Item, Iterable[Item]] = (),
        actor: str,
        reason: Optional[str] = None,
    ) -> Committed:
        """Starts a field campaign over the serials a recall (or the suspects'
        descendants) has in the field."""
        return self.execute(
            cmd.StartCampaign(campaign, description, recall=recall, suspects=suspects), actor=actor, reason=reason
        )

    def update_campaign(
        self,
        campaign: str,
        product: str,
        serial: str,
        status: Union[CampaignStatus, str],
        *,
        actor: str,
        reason: Optional[str] = None,
    ) -> Committed:
        return self.execute(cmd.UpdateCampaign(campaign, product, serial, status), actor=actor, reason=reason)

    def campaign(self, campaign: str) -> Optional[CampaignReport]:
        return self._query_one(self._record(CampaignReport), "campaign", id=text(campaign, "campaign"))

    def campaigns(self) -> List[CampaignReport]:
        return self._query_all(self._record(CampaignReport), "campaigns")

    def define_return_reason(
        self, code: str, description: str, *, actor: str, reason: Optional[str] = None
    ) -> Committed:
        return self.execute(cmd.DefineReturnReason(code, description), actor=actor, reason=reason)

    def return_reasons(self) -> List[ReturnReason]:
        return self._query_all(self._record(ReturnReason), "return_reasons")

    def authorize_return(
        self,
        rma: str,
        customer: str,
        reason_code: str,
        items: Sequence[Tuple[Item, QuantityLike]],
        *,
        expected_on: Optional[_dt.date] = None,
        actor: str,
        reason: Optional[str] = None,
    ) -> Committed:
        """Authorises a return (RMA) of shipped lots and serials for a defined reason
        code; `return_items` then receives against it."""
        return self.execute(
            cmd.AuthorizeReturn(rma, customer, reason_code, items, expected_on=expected_on), actor=actor, reason=reason
        )

    def inspect_return(
        self, rma: str, item: Item, passed: bool, *, findings: str = "", actor: str, reason: Optional[str] = None
    ) -> Committed:
        return self.execute(cmd.InspectReturn(rma, item, passed, findings=findings), actor=actor, reason=reason)

    def dispose_return(
        self,
        rma: str,
        item: Item,
        location: str,
        quantity: QuantityLike,
        disposition: Union[Disposition, str],
        *,
        to: Optional[str] = None,
        actor: str,
        reason: Optional[str] = None,
    ) -> Committed:
        """Restocks, reworks, scraps (needs a reason) or returns to the supplier
        returned stock received on `rma`."""
        return self.execute(
            cmd.DisposeReturn(rma, item, location, quantity, disposition, to=to), actor=actor, reason=reason
        )

    def return_authorizations(self, *, open_only: bool = False) -> List[ReturnAuthorization]:
        return self._query_all(self._record(ReturnAuthorization), "return_authorizations",
                               open_only=flag(open_only, "open_only"))  # fmt: skip

    def returns_by_reason(self) -> List[ReturnsByReason]:
        return self._query_all(self._record(ReturnsByReason), "returns_by_reason")

    # --- EPCIS and FSMA 204 ----------------------------------------------------------------

    def epcis_export(
        self,
        *,
        product: Optional[str] = None,
        lot: Optional[str] = None,
        serial: Optional[str] = None,
        from_seq: Optional[int] = None,
        to_seq: Optional[int] = None,
        options: Optional[Mapping[str, Any]] = None,
    ) -> Dict[str, Any]:
        """The event log (all of it, a seq range, or what touched one product, lot or
        serial) as a GS1 EPCIS 2.0 JSON-LD document (a dict), valid against GS1's schema."""
        args: Dict[str, Any] = {
            "product": opt_text(product, "product"),
            "lot": opt_text(lot, "lot"),
            "serial": opt_text(serial, "serial"),
            "from_seq": None if from_seq is None else whole(from_seq, "from_seq"),
            "to_seq": None if to_seq is None else whole(to_seq, "to_seq"),
        }
        if options is not None:
            if not isinstance(options, Mapping):
                raise TypeError(f"options must be a mapping, not {type(options).__name__}")
            args["options"] = dict(options)
        doc: Dict[str, Any] = self._query("epcis_export", **args)
        return doc

    def import_epcis(
        self,
        document: Union[str, Mapping[str, Any]],
        location: str,
        *,
        supplier: Optional[str] = None,
        actor: str,
        reason: Optional[str] = None,
    ) -> Committed:
        """Captures a partner's EPCIS 2.0 document, all or nothing: its lots and serials
        become records (products matched by GTIN), its transformations genealogy links,
        its shipped or received goods a receipt at `location` — so traces cross into the
        partner's genealogy. The supplier is the source party's (by GLN), else `supplier`."""
        text_ = document if isinstance(document, str) else _dumps(document)
        commands = self._query("epcis_import_commands", document=text(text_, "document"),
                               location=text(location, "location"), supplier=opt_text(supplier, "supplier"))  # fmt: skip
        return self.execute_batch(commands, actor=actor, reason=reason)

    def fsma204(
        self,
        *,
        product: Optional[str] = None,
        lot: Optional[str] = None,
        from_: Optional[_dt.date] = None,
        to: Optional[_dt.date] = None,
    ) -> List[Dict[str, Any]]:
        """FSMA 204 Critical Tracking Events with their Key Data Elements, one dict per
        row of the sortable spreadsheet, sorted by date then traceability lot code."""
        rows: List[Dict[str, Any]] = self._query(
            "fsma204", product=opt_text(product, "product"), lot=opt_text(lot, "lot"),
            **{"from": date_json(from_, "from"), "to": date_json(to, "to")})  # fmt: skip
        return rows

    # --- corrections ---------------------------------------------------------------------

    def reverse_shipment(self, shipment: str, *, actor: str, reason: str) -> Committed:
        """Reverses a shipment posted by mistake: its lots and serials come back to the
        locations they left; traces mark it reversed. Refused once anything of it was
        returned."""
        return self.execute(cmd.ReverseShipment(shipment), actor=actor, reason=reason)

    def reverse_receipt(self, items: Union[Item, Iterable[Item]], *, actor: str, reason: str) -> Committed:
        """Reverses the receipt of lots or serials: a lot's stock leaves (the record
        stays, inactive); serials go back to EXPECTED and can be received again.
        Refused once anything of them was reserved, consumed, shipped or scrapped."""
        return self.execute(cmd.ReverseReceipt(items), actor=actor, reason=reason)

    def reverse_production(self, work_order: str, *, actor: str, reason: str) -> Committed:
        """Reverses the latest production of a work order: inputs go back where they
        came from, outputs leave stock (new serials are scrapped). Refused unless every
        output is still where it was made, unreserved and unused."""
        return self.execute(cmd.ReverseProduction(work_order), actor=actor, reason=reason)

    def split_lot(
        self,
        product: str,
        lot: str,
        location: str,
        quantity: QuantityLike,
        *,
        new_lot: Optional[str] = None,
        actor: str,
        reason: str,
    ) -> Committed:
        """Splits `quantity` of a lot at `location` into a new lot (numbered from the
        product's scheme when `new_lot` is None: see `Committed.numbers`) with the same
        dates, details, supplier and quality status; the genealogy links them."""
        return self._numbered(
            self.execute(cmd.SplitLot(product, lot, location, quantity, new_lot=new_lot), actor=actor, reason=reason)
        )

    def merge_lots(
        self, product: str, lots: Sequence[str], into: str, location: str, *, actor: str, reason: str
    ) -> Committed:
        """Merges the available stock of `lots` at `location` into lot `into`, whose
        dates become the earliest of all; lots on hold or of another quality status are
        refused."""
        return self.execute(cmd.MergeLots(product, lots, into, location), actor=actor, reason=reason)

    def unbuild(
        self, product: str, serial: str, *, location: Optional[str] = None, actor: str, reason: str
    ) -> Committed:
        """Disassembles a serialized assembly that was the single output of its work
        order: its components come back into stock at `location` (default: the
        assembly's) and its serial is CONSUMED for good."""
        return self.execute(cmd.Unbuild(product, serial, location=location), actor=actor, reason=reason)

    def link_upstream(
        self,
        operation: str,
        inputs: Sequence[Tuple[Item, QuantityLike]],
        outputs: Sequence[Item],
        *,
        actor: str,
        reason: Optional[str] = None,
    ) -> Committed:
        """Records a partner's transformation (`operation`: its production or
        transformation order id) in the genealogy: `inputs` are `(item, quantity)`
        pairs, `outputs` the items it made. No stock moves; every lot and serial must
        exist (as a record without stock when it is the partner's)."""
        return self.execute(cmd.LinkUpstream(operation, inputs, outputs), actor=actor, reason=reason)

    def set_lots_active(
        self, lots: Sequence[LotRef], active: bool, *, actor: str, reason: Optional[str] = None
    ) -> Committed:
        """Sets many lots active or inactive atomically (needs a reason)."""
        return self.execute(cmd.SetLotsActive(lots, active), actor=actor, reason=reason)

    def update_lot(
        self,
        lot: LotRef,
        *,
        actor: str,
        reason: Optional[str] = None,
        description: Optional[str] = None,
        weight: Optional[QuantityLike] = None,
        supplier_lot: Optional[str] = None,
        manufactured_on: Optional[_dt.date] = None,
        attributes: Optional[Mapping[str, str]] = None,
    ) -> Committed:
        """Changes a lot record's details: the fields given replace the record's, the
        attributes given are set, the rest stays."""
        return self.execute(
            cmd.UpdateLot(
                lot,
                description=description,
                weight=weight,
                supplier_lot=supplier_lot,
                manufactured_on=manufactured_on,
                attributes=attributes,
            ),
            actor=actor,
            reason=reason,
        )

    def update_lot_dates(
        self, changes: Sequence[LotDatesChange], *, actor: str, reason: Optional[str] = None
    ) -> Committed:
        """Changes the dates of many lots atomically (needs a reason)."""
        return self.execute(cmd.UpdateLotDates(changes), actor=actor, reason=reason)

    # --- quality ---------------------------------------------------------------------------

    def record_test_result(
        self,
        lot: LotRef,
        test: str,
        value: QuantityLike,
        *,
        actor: str,
        reason: Optional[str] = None,
        unit: str = "",
        spec_min: Optional[QuantityLike] = None,
        spec_max: Optional[QuantityLike] = None,
        tested_on: Optional[_dt.date] = None,
    ) -> Committed:
        """Records a test result; it passes when within the inclusive spec limits given."""
        return self.execute(
            cmd.RecordTestResult(
                lot, test, value, unit=unit, spec_min=spec_min, spec_max=spec_max, tested_on=tested_on
            ),
            actor=actor,
            reason=reason,
        )

    def link_certificate(
        self, lot: LotRef, document: str, sha256: str, *, actor: str, reason: Optional[str] = None
    ) -> Committed:
        """Links a certificate of analysis (document reference and its SHA-256) to a lot."""
        return self.execute(cmd.LinkCertificate(lot, document, sha256), actor=actor, reason=reason)

    def set_quality_status(
        self, lot: LotRef, status: Union[QualityStatus, str], *, actor: str, reason: Optional[str] = None
    ) -> Committed:
        """Quarantines, releases or rejects a lot (needs a reason)."""
        return self.execute(cmd.SetQualityStatus(lot, status), actor=actor, reason=reason)

    def release(self, lot: LotRef, *, actor: str, reason: Optional[str] = None) -> Committed:
        return self.set_quality_status(lot, QualityStatus.RELEASED, actor=actor, reason=reason)

    def reject(self, lot: LotRef, *, actor: str, reason: Optional[str] = None) -> Committed:
        return self.set_quality_status(lot, QualityStatus.REJECTED, actor=actor, reason=reason)

    def quarantine(self, lot: LotRef, *, actor: str, reason: Optional[str] = None) -> Committed:
        return self.set_quality_status(lot, QualityStatus.QUARANTINE, actor=actor, reason=reason)

    # --- trace and recall ---------------------------------------------------------------

    def place_hold(self, items: Union[Item, Iterable[Item]], *, actor: str, reason: Optional[str] = None) -> Committed:
        """Puts lots/serials on a recall hold, all or none (needs a reason; none may be
        held already). Held stock cannot be allocated, picked, shipped or consumed."""
        return self.execute(cmd.PlaceHold(items), actor=actor, reason=reason)

    def pack(
        self,
        container: str,
        location: str,
        contents: Iterable[Tuple[Item, QuantityLike]],
        *,
        actor: str,
        reason: Optional[str] = None,
    ) -> Committed:
        """Packs `(item, quantity)` pairs at `location` into a new container (its SSCC or
        licence plate, never used before): an EPCIS AggregationEvent. Nothing moves; a
        lot's stock there covers what is packed plus what other packed containers there
        hold, a serial is in one packed container at most."""
        return self.execute(cmd.Pack(container, location, contents), actor=actor, reason=reason)

    def unpack(self, container: str, *, actor: str, reason: Optional[str] = None) -> Committed:
        """Unpacks a packed container; its goods stay where they are."""
        return self.execute(cmd.Unpack(container), actor=actor, reason=reason)

    def container(self, id: str) -> Optional[Container]:
        """A container by its SSCC or licence plate, packed or unpacked."""
        return self._query_one(self._record(Container), "container", id=text(id, "id"))

    def release_hold(
        self, items: Union[Item, Iterable[Item]], *, actor: str, reason: Optional[str] = None
    ) -> Committed:
        """Releases held lots/serials, all or none (needs a reason)."""
        return self.execute(cmd.ReleaseHold(items), actor=actor, reason=reason)

    def trace_forward(self, item: Item) -> ForwardTrace:
        """Everything downstream of a lot or serial: descendants, shipments, customers
        and stock on hand. Terminates on cycles; O(what is reached); releases the GIL."""
        return self._native.trace_report(True, *self._item_key(item))

    def trace_backward(self, item: Item) -> BackwardTrace:
        """Everything upstream of a lot or serial: ancestors, receipts and suppliers."""
        return self._native.trace_report(False, *self._item_key(item))

    def trace_forward_ids(self, item: Item) -> ForwardIds:
        """The ids downstream of a lot or serial: the same items, shipments and customers
        as `trace_forward`, without depths, edges, quantities or stock (much cheaper on
        large traces)."""
        return ForwardIds._of(self._native.trace_ids(True, *self._item_key(item)))

    def trace_backward_ids(self, item: Item) -> BackwardIds:
        """The ids upstream of a lot or serial: the same items and suppliers as
        `trace_backward`, without depths, edges or receipts."""
        return BackwardIds._of(self._native.trace_ids(False, *self._item_key(item)))

    @staticmethod
    def _item_key(item: Item) -> Tuple[str, str, bool]:
        """(product, lot or serial number, is a serial) of a checked item."""
        wire = item_json(item)
        kind = "lot" if "lot" in wire else "serial"
        return wire[kind]["product"], wire[kind][kind], kind == "serial"

    def recall_report(self, suspects: Union[Item, Iterable[Item]]) -> RecallReport:
        """What a recall of `suspects` would affect; writes nothing."""
        return self._native.recall_report(_dumps(items_json(suspects, "suspects")))

    def recall(
        self,
        suspects: Union[Item, Iterable[Item]],
        *,
        actor: str,
        reason: str,
        hold: bool = False,
        recall_id: Optional[str] = None,
    ) -> RecallReport:
        """Records a recall of `suspects` (needs a reason) as one event, held or not,
        under `recall_id` (default: the next free "RC-000001", "RC-000002", ...; a number
        already used raises `DuplicateNumber`). With `hold=True`, every affected lot and
        in-custody serial not yet held goes on hold in the same event. The report's
        `recall` and `seq` name the record `recalls()` keeps."""
        request = cmd.Recall(suspects, hold, recall_id)
        return self._native.recall(text(actor, "actor"), text(reason, "reason"), _dumps(request.wire_body))

    def recalls(self) -> List[RecallRecord]:
        """Every recorded recall, oldest first."""
        return self._query_all(self._record(RecallRecord), "recalls")

    def recall_record(self, recall_id: str) -> Optional[RecallRecord]:
        """The recorded recall numbered `recall_id`, or None."""
        return self._query_one(self._record(RecallRecord), "recall", id=text(recall_id, "recall_id"))

    # --- queries -------------------------------------------------------------------------

    def product(self, id: str) -> Optional[Product]:
        return self._query_one(Product.from_json, "product", id=text(id, "id"))

    def products(self) -> List[Product]:
        return self._query_all(Product.from_json, "products")

    def location(self, id: str) -> Optional[Location]:
        return self._query_one(Location.from_json, "location", id=text(id, "id"))

    def party(self, id: str) -> Optional[Party]:
        return self._query_one(Party.from_json, "party", id=text(id, "id"))

    # Lots and serials are built as records by the native module, without JSON.
    def lot(self, product: str, lot: str) -> Optional[Lot]:
        return self._native.lot(product, lot)

    def serial(self, product: str, serial: str) -> Optional[Serial]:
        return self._native.serial(product, serial)

    def _pages(self, fetch: Callable[[int, int], List[T]]) -> Iterator[T]:
        offset = 0
        while True:
            page = fetch(offset, PAGE_SIZE)
            yield from page
            if len(page) < PAGE_SIZE:
                return
            offset += len(page)

    def lots(self) -> Iterator[Lot]:
        """Every lot in creation order, fetched page by page."""
        return self._pages(self._native.lots_page)

    def serials(self) -> Iterator[Serial]:
        """Every serial in creation order, fetched page by page."""
        return self._pages(self._native.serials_page)

    def reservations(self, order: str) -> List[Reservation]:
        return self._query_all(Reservation.from_json, "reservations", order=text(order, "order"))

    def shipments(self) -> List[Shipment]:
        return self._query_all(Shipment.from_json, "shipments")

    def links(self) -> List[Link]:
        """Every genealogy edge (consumed -> produced), in recording order."""
        return self._query_all(Link.from_json, "links")

    def history(self, item: Item) -> List[Event]:
        """The audit history of a lot or serial, oldest first."""
        return self._query_all(Event.from_json, "history", item=item_json(item))

    def location_history(self, location: str) -> List[Event]:
        return self._query_all(Event.from_json, "location_history", location=text(location, "location"))

    def events(self, from_seq: int = 0) -> List[Event]:
        """The stored events from sequence number `from_seq` on, oldest first."""
        if opt_int(from_seq, "from_seq") is None:
            raise TypeError("from_seq must be an int, not NoneType")
        return self._query_all(Event.from_json, "events", from_seq=from_seq)

    def movements(self, item: Item) -> List[Movement]:
        """The history of a lot or serial as movements (receipt, moves, allocation,
        pick, shipment, ... with locations and quantities), oldest first."""
        return self._query_all(self._record(Movement), "movements", item=item_json(item))

    def serial_history(self, serial: SerialRef) -> List[Movement]:
        """`movements` of a serial: receipt to shipment (and back), with locations."""
        return self.movements(serial)

    def lot_movements(self, lot: LotRef) -> List[Movement]:
        """`movements` of a lot."""
        return self.movements(lot)

    def find_serials(
        self,
        number: Optional[str] = None,
        *,
        product: Optional[str] = None,
        status: Optional[Union[SerialStatus, str]] = None,
    ) -> List[SerialInfo]:
        """Serials whose number contains `number` (case-insensitive), exact matches first."""
        status_json = None if status is None else choice(SerialStatus, status, "status")
        return self._query_all(
            self._record(SerialInfo), "find_serials",
            number=opt_text(number, "number"), product=opt_text(product, "product"), status=status_json,
        )  # fmt: skip

    def expiring_lots(
        self,
        *,
        as_of: Optional[_dt.date] = None,
        within_days: Optional[int] = None,
        product: Optional[str] = None,
    ) -> List[LotExpiry]:
        """Lots with stock expiring within `within_days` of `as_of` (default today),
        already expired included, earliest first. Without `within_days`, each product's
        expiry warning window is used (products without one are left out)."""
        return self._query_all(
            self._record(LotExpiry), "expiring_lots", as_of=date_json(as_of, "as_of"),
            within_days=opt_int(within_days, "within_days"), product=opt_text(product, "product"),
        )  # fmt: skip

    def lots_by_status(
        self,
        status: Union[None, LotStatus, str] = None,
        *,
        as_of: Optional[_dt.date] = None,
        product: Optional[str] = None,
    ) -> List[LotStatusRow]:
        """The manual's Active / Inactive / All filter on `as_of` (default today): a lot
        is inactive when it expired before that date, ran out, or was set inactive;
        `status` None lists all."""
        args = {
            "status": None if status is None else choice(LotStatus, status, "status"),
            "as_of": date_json(as_of, "as_of"),
            "product": opt_text(product, "product"),
        }
        return self._query_all(self._record(LotStatusRow), "lots_by_status", **args)

    def expiry_report(self, *, as_of: Optional[_dt.date] = None, product: Optional[str] = None) -> ExpiryReport:
        """Lots with stock bucketed by expiry: expired, within 30/60/90/180/365 days,
        later, no expiry."""
        args = {"as_of": date_json(as_of, "as_of"), "product": opt_text(product, "product")}
        return from_json(ExpiryReport, self._query("expiry_report", **args))

    def lot_inventory_by_expiry(
        self, *, as_of: Optional[_dt.date] = None, product: Optional[str] = None
    ) -> List[LotExpiry]:
        """Every lot with stock, earliest expiry first (lots without one last)."""
        args = {"as_of": date_json(as_of, "as_of"), "product": opt_text(product, "product")}
        return self._query_all(self._record(LotExpiry), "lot_inventory_by_expiry", **args)

    def shelf_life_remaining_pct(self, lot: LotRef, *, as_of: Optional[_dt.date] = None) -> Optional[Decimal]:
        """(expiry - as_of) / (expiry - manufactured) in percent, 0..100; None without
        an expiry date."""
        pct = self._query("shelf_life_remaining_pct", **lot_key_json(lot), as_of=date_json(as_of, "as_of"))
        return None if pct is None else Decimal(pct)

    def lot_quality(self, lot: LotRef) -> LotQuality:
        return from_json(LotQuality, self._query("lot_quality", **lot_key_json(lot)))

    def certificate_of_analysis(self, lot: LotRef) -> Dict[str, Any]:
        """The certificate of analysis of a lot as the core's JSON document (dates ISO
        text, quantities decimal text): ready for `json.dumps`."""
        coa: Dict[str, Any] = self._query("certificate_of_analysis", **lot_key_json(lot))
        return coa

    def lot_inventory_by_location(
        self, *, location: Optional[str] = None, product: Optional[str] = None
    ) -> List[LotStockRow]:
        return self._query_all(
            self._record(LotStockRow), "lot_inventory_by_location",
            location=opt_text(location, "location"), product=opt_text(product, "product"),
        )  # fmt: skip

    def serial_inventory_by_location(
        self, *, location: Optional[str] = None, product: Optional[str] = None
    ) -> List[SerialStockRow]:
        return self._query_all(
            self._record(SerialStockRow), "serial_inventory_by_location",
            location=opt_text(location, "location"), product=opt_text(product, "product"),
        )  # fmt: skip

    @staticmethod
    def _record(cls: Type[R]) -> Callable[[Any], R]:
        return lambda data: from_json(cls, data)

    def verify(self) -> int:
        """Recomputes the audit hash chain of the whole store; returns the number of
        events checked, or raises `Tampered` naming the first bad event (`seq`) and the
        kind of damage (`damage`)."""
        checked: int = self._query("verify")
        return checked

    def checkpoint(self, signing_key: KeyBytes) -> Checkpoint:
        """Signs the head this tracker has read (event count, last hash, time by its
        clock) with `signing_key`, the 32-byte Ed25519 secret seed the embedding system
        holds (the library never stores it; a wrong length raises `InvalidInput`). Keep
        the `Checkpoint` outside the store (`to_json()`) and `verify_against` it later:
        that detects a truncated or rewritten log, which the unkeyed chain cannot."""
        return self._native.checkpoint(key_bytes(signing_key, "signing_key"))

    def verify_against(self, checkpoint: Checkpoint, public_key: KeyBytes) -> int:
        """Proves the store's log still extends the checkpointed head and returns the
        number of events it holds now (appending after the checkpoint is fine). Raises
        `Tampered` with `damage` "bad_signature" (wrong key or an altered checkpoint),
        a chain damage kind ("body_altered", "missing", ...), "truncated" (fewer events
        than checkpointed) or "rewritten" (the checkpointed head is gone);
        `InvalidInput` for a public key that is not 32 bytes of a valid Ed25519 key."""
        if not isinstance(checkpoint, Checkpoint):
            raise TypeError(f"checkpoint must be a Checkpoint, not {type(checkpoint).__name__}")
        return self._native.verify_against(checkpoint, key_bytes(public_key, "public_key"))

    def head(self) -> Head:
        """How far this tracker has read its store: the number of events it has applied
        (its queries answer as of that count) and the hex hash of the last one. Reads
        nothing from the store: compare with `refresh()` to see whether others wrote."""
        return Head(**self._query("head"))

    # --- batch records, signatures, non-conformances, CAPA (issue 15) -----------------

    def record_batch_parameter(
        self,
        work_order: str,
        name: str,
        value: QuantityLike,
        *,
        actor: str,
        reason: Optional[str] = None,
        unit: str = "",
        min: Optional[QuantityLike] = None,
        max: Optional[QuantityLike] = None,
    ) -> Committed:
        """Records a process parameter in `work_order`'s batch record; a value outside
        the inclusive `min`/`max` is recorded and flagged, not refused."""
        return self.execute(
            cmd.RecordBatchParameter(work_order, name, value, unit=unit, min=min, max=max), actor=actor, reason=reason
        )

    def record_batch_step(
        self,
        work_order: str,
        step: str,
        *,
        operator: str,
        actor: str,
        reason: Optional[str] = None,
        equipment: Optional[str] = None,
        performed_on: Optional[_dt.date] = None,
        started_at: Optional[_dt.datetime] = None,
        finished_at: Optional[_dt.datetime] = None,
        notes: str = "",
    ) -> Committed:
        """Records a step of `work_order` (equipment and operator are the embedding
        system's ids; `performed_on` defaults to today; naive datetimes are UTC)."""
        return self.execute(
            cmd.RecordBatchStep(
                work_order,
                step,
                operator=operator,
                equipment=equipment,
                performed_on=performed_on,
                started_at=started_at,
                finished_at=finished_at,
                notes=notes,
            ),
            actor=actor,
            reason=reason,
        )

    def sign_record(
        self,
        record: SignedRecord,
        meaning: Union[SignatureMeaning, str],
        *,
        signer: str,
        actor: str,
        reason: Optional[str] = None,
    ) -> Committed:
        """Signs a record electronically: the signer (authenticated by the caller, the
        library keeps no passwords), the meaning, the time and `reason` are bound to the
        SHA-256 of the record's content now. The same signer signing the same unchanged
        content with the same meaning again raises `DuplicateNumber`."""
        return self.execute(cmd.SignRecord(record, meaning, signer=signer), actor=actor, reason=reason)

    def open_nonconformance(
        self,
        id: str,
        description: str,
        severity: Union[Severity, str],
        *,
        actor: str,
        reason: Optional[str] = None,
        items: Union[Item, Iterable[Item]] = (),
        work_order: Optional[str] = None,
        recall: Optional[str] = None,
        containment_hold: bool = False,
    ) -> Committed:
        """Opens a non-conformance on lots/serials, a work order and/or a recall. With
        `containment_hold=True` (needs a reason) the same command puts the items not yet
        held (serials: those in our custody) on hold."""
        return self.execute(
            cmd.OpenNonConformance(
                id,
                description,
                severity,
                items=items,
                work_order=work_order,
                recall=recall,
                containment_hold=containment_hold,
            ),
            actor=actor,
            reason=reason,
        )

    def add_corrective_action(
        self,
        id: str,
        kind: Union[CapaKind, str],
        description: str,
        *,
        owner: str,
        due: _dt.date,
        actor: str,
        reason: Optional[str] = None,
        nc: Optional[str] = None,
        recall: Optional[str] = None,
    ) -> Committed:
        """Adds a corrective or preventive action for an open non-conformance `nc`, a
        recall (one of its resolution actions), both or neither."""
        return self.execute(
            cmd.AddCorrectiveAction(id, kind, description, owner=owner, due=due, nc=nc, recall=recall),
            actor=actor,
            reason=reason,
        )

    def complete_corrective_action(
        self, id: str, outcome: str, *, actor: str, reason: Optional[str] = None
    ) -> Committed:
        """Completes a CAPA with its outcome."""
        return self.execute(cmd.CompleteCorrectiveAction(id, outcome), actor=actor, reason=reason)

    def close_nonconformance(self, id: str, resolution: str, *, actor: str, reason: Optional[str] = None) -> Committed:
        """Closes a non-conformance (refused while any of its CAPAs is open). Holds
        placed by its containment stay until `release_hold`."""
        return self.execute(cmd.CloseNonConformance(id, resolution), actor=actor, reason=reason)

    def batch_record(self, work_order: str) -> BatchRecord:
        """The electronic batch record of a work order (raises `InvalidInput` for one
        without production or entries)."""
        return from_json(BatchRecord, self._query("batch_record", work_order=text(work_order, "work_order")))

    def batch_record_markdown(self, work_order: str) -> str:
        """The batch record as Markdown, rendered by the core."""
        rendered: str = self._query("batch_record_markdown", work_order=text(work_order, "work_order"))
        return rendered

    def device_history_record(self, item: Item) -> DeviceHistoryRecord:
        """The batch records of the work orders that made a lot or serial."""
        return from_json(DeviceHistoryRecord, self._query("device_history_record", item=item_json(item)))

    def device_history_record_markdown(self, item: Item) -> str:
        """The device history record as Markdown, rendered by the core."""
        rendered: str = self._query("device_history_record_markdown", item=item_json(item))
        return rendered

    def signatures(self, record: SignedRecord) -> List[SignatureCheck]:
        """The signatures of a record, oldest first, each valid while the record's
        content is still the one it signed."""
        return self._query_all(self._record(SignatureCheck), "signatures", record=signed_record_json(record))

    def nonconformance(self, id: str) -> Optional[NonConformance]:
        """A non-conformance with its CAPAs and signatures, or None."""
        return self._query_one(self._record(NonConformance), "nonconformance", id=text(id, "id"))

    def open_nonconformances(self) -> List[NonConformance]:
        """The non-conformances not closed yet, in opening order."""
        return self._query_all(self._record(NonConformance), "open_nonconformances")

    def capa(self, id: str, *, as_of: Optional[_dt.date] = None) -> Optional[CapaStatus]:
        """A CAPA as of `as_of` (default today: `overdue` when open and due before it),
        or None."""
        return self._query_one(self._record(CapaStatus), "capa", id=text(id, "id"), as_of=date_json(as_of, "as_of"))

    def open_capas(self, *, as_of: Optional[_dt.date] = None) -> List[CapaStatus]:
        """The CAPAs not completed yet, earliest due first, overdue ones flagged."""
        return self._query_all(self._record(CapaStatus), "open_capas", as_of=date_json(as_of, "as_of"))

    def recall_history(self) -> List[RecallResolution]:
        """Every recall, oldest first, with its CAPAs, its non-conformances and whether
        it is resolved."""
        return self._query_all(self._record(RecallResolution), "recall_history")


def public_key(signing_key: KeyBytes) -> bytes:
    """The 32-byte Ed25519 public key of a 32-byte secret seed, for auditors who check
    checkpoints with `Tracker.verify_against`."""
    return _traceability.public_key(key_bytes(signing_key, "signing_key"))


__all__ = ["Tracker", "public_key", "NewLot", "IntoLot", "NewSerial", "Output", "LotRef", "SerialRef", "LotDatesChange"]
