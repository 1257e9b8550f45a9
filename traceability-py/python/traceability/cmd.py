"""Commands as values: one class per core command, e.g. `cmd.Move(item, "A", "B", 5)`.

A command checks and converts its arguments when it is built (a bad one raises there,
as the `Tracker` method of the same name would), compares by value, pickles, and runs
with `Tracker.execute(command, actor=...)` or, with others, atomically with
`Tracker.execute_batch([...], actor=...)`. The `Tracker` methods build these same
objects, so a command means the same thing whichever way it is sent. `to_dict()` is the
core's JSON shape (`{"move": {...}}`), which `execute` and `execute_batch` also take.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as _dt
from typing import Any, ClassVar, Dict, Iterable, Mapping, Optional, Sequence, Tuple, Union

from ._types import (
    Attachment,
    CampaignStatus,
    CapaKind,
    Disposition,
    Item,
    Line,
    LocationKind,
    LotDatesChange,
    LotRef,
    PartyRole,
    Product,
    QualityStatus,
    QuantityLike,
    ServiceKind,
    Severity,
    SignatureMeaning,
    SignedRecord,
    Strategy,
    Tracking,
    WarrantyStart,
    attributes_json,
    choice,
    date_json,
    flag,
    instant_json,
    item_json,
    items_json,
    lot_key_json,
    opt_quantity_json,
    opt_text,
    product_json,
    quantity_json,
    sequence,
    signed_record_json,
    text,
    texts,
    whole,
)

Json = Dict[str, Any]


@dataclasses.dataclass(frozen=True)
class Command:
    """Base of every command class: `NAME` is the core's command name."""

    NAME: ClassVar[str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_wire", self._body())

    def _body(self) -> Json:
        raise NotImplementedError

    @property
    def wire_body(self) -> Json:
        """The checked body in the core's shape (shared: do not mutate)."""
        wire: Json = self.__dict__["_wire"]
        return wire

    def to_dict(self) -> Json:
        """The command in the core's JSON shape, e.g. `{"move": {...}}` (a copy)."""
        return {self.NAME: copy.deepcopy(self.wire_body)}


def _lot_spec(
    product: str,
    lot: Optional[str],
    manufactured_on: Optional[_dt.date] = None,
    expiry: Optional[_dt.date] = None,
    best_before: Optional[_dt.date] = None,
    removal: Optional[_dt.date] = None,
    alert: Optional[_dt.date] = None,
    weight: Optional[QuantityLike] = None,
    description: str = "",
    supplier_lot: Optional[str] = None,
    attributes: Optional[Mapping[str, str]] = None,
    at: str = "",
) -> Json:
    """The core's `LotSpec`; dates not given are derived by the core. `at` prefixes
    the argument names in errors (e.g. `outputs[0].`)."""
    return {
        "product": text(product, at + "product"),
        "lot": opt_text(lot, at + "lot"),
        "manufactured_on": date_json(manufactured_on, at + "manufactured_on"),
        "dates": {
            "expiry": date_json(expiry, at + "expiry"),
            "best_before": date_json(best_before, at + "best_before"),
            "removal": date_json(removal, at + "removal"),
            "alert": date_json(alert, at + "alert"),
        },
        "weight": opt_quantity_json(weight, at + "weight"),
        "description": text(description, at + "description"),
        "supplier_lot": opt_text(supplier_lot, at + "supplier_lot"),
        "attributes": attributes_json(attributes, at + "attributes"),
    }


def _receive_lot_command(
    quantity: QuantityLike,
    location: str,
    supplier: Optional[str] = None,
    received_on: Optional[_dt.date] = None,
    reference: Optional[str] = None,
    at: str = "",
    **spec: Any,
) -> Json:
    return {
        "receive_lot": {
            "spec": _lot_spec(**spec, at=at),
            "quantity": quantity_json(quantity, at + "quantity"),
            "location": text(location, at + "location"),
            "supplier": opt_text(supplier, at + "supplier"),
            "received_on": date_json(received_on, at + "received_on"),
            "reference": opt_text(reference, at + "reference"),
        }
    }


_RECEIPT_KEYS = frozenset(
    ["product", "lot", "quantity", "location", "supplier", "received_on", "reference", "manufactured_on",
     "expiry", "best_before", "removal", "alert", "weight", "description", "supplier_lot", "attributes"]
)  # fmt: skip


def _receipt_command(index: int, receipt: Any) -> Json:
    """One row of `receive_lots`: a mapping of `receive_lot`'s keyword arguments."""
    at = f"receipts[{index}]"
    if not isinstance(receipt, Mapping):
        raise TypeError(f"{at} must be a mapping of receive_lot's arguments, not {type(receipt).__name__}")
    unknown = sorted(str(key) for key in receipt if key not in _RECEIPT_KEYS)
    missing = sorted(key for key in ("product", "lot", "quantity", "location") if key not in receipt)
    if unknown or missing:
        problems = [f"unknown keys {unknown}"] * bool(unknown) + [f"missing keys {missing}"] * bool(missing)
        raise TypeError(f"{at}: " + "; ".join(problems))
    return _receive_lot_command(**receipt, at=at + ".")


def _to_json(value: Any, field: str, cls: Union[type, tuple[type, ...]], of: str) -> Json:
    """A `Line`, an output or a `LotDatesChange` in the core's shape, type-checked."""
    if not isinstance(value, cls):
        raise TypeError(f"{field} must be a {of}, not {type(value).__name__}")
    convertible: Any = value
    result: Json = convertible.to_json(field)
    return result


@dataclasses.dataclass(frozen=True)
class NewLot:
    """A `produce` output: a new lot (same lot fields as `Tracker.receive_lot`; `lot`
    None numbers it from the product's scheme)."""

    product: str
    lot: Optional[str]
    quantity: QuantityLike
    location: str
    manufactured_on: Optional[_dt.date] = None
    expiry: Optional[_dt.date] = None
    best_before: Optional[_dt.date] = None
    removal: Optional[_dt.date] = None
    alert: Optional[_dt.date] = None
    weight: Optional[QuantityLike] = None
    description: str = ""
    supplier_lot: Optional[str] = None
    attributes: Optional[Mapping[str, str]] = None

    def to_json(self, field: str = "output") -> Json:
        fields = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        quantity, location = fields.pop("quantity"), fields.pop("location")
        return {
            "new_lot": {
                "spec": _lot_spec(**fields, at=field + "."),
                "quantity": quantity_json(quantity, field + ".quantity"),
                "location": text(location, field + ".location"),
            }
        }


@dataclasses.dataclass(frozen=True)
class IntoLot:
    """A `produce` output: more of an existing lot (rework, blending)."""

    product: str
    lot: str
    quantity: QuantityLike
    location: str

    def to_json(self, field: str = "output") -> Json:
        return {
            "into_lot": {
                "product": text(self.product, field + ".product"),
                "lot": text(self.lot, field + ".lot"),
                "quantity": quantity_json(self.quantity, field + ".quantity"),
                "location": text(self.location, field + ".location"),
            }
        }


@dataclasses.dataclass(frozen=True)
class NewSerial:
    """A `produce` output: a new serial (an assembly); `serial` None numbers it from
    the product's scheme."""

    product: str
    serial: Optional[str]
    location: str

    def to_json(self, field: str = "output") -> Json:
        return {
            "new_serial": {
                "product": text(self.product, field + ".product"),
                "serial": opt_text(self.serial, field + ".serial"),
                "location": text(self.location, field + ".location"),
            }
        }


Output = Union[NewLot, IntoLot, NewSerial]


@dataclasses.dataclass(frozen=True)
class RegisterProduct(Command):
    """`Tracker.register_product` as a command value."""

    NAME: ClassVar[str] = "register_product"
    id: str
    tracking: Union[Tracking, str]
    description: str = ""
    unit: str = "ea"
    shelf_life_days: Optional[int] = None
    best_before_days: Optional[int] = None
    removal_days: Optional[int] = None
    alert_days: Optional[int] = None
    expiry_warning_days: Optional[int] = None
    requires_inspection: bool = False
    numbering_pattern: Optional[str] = None
    numbering_scheme: Optional[str] = None
    gtins: Sequence[str] = ()

    def _body(self) -> Json:
        product = Product(
            id=self.id,
            tracking=Tracking(choice(Tracking, self.tracking, "tracking")),
            description=self.description,
            unit=self.unit,
            shelf_life_days=self.shelf_life_days,
            best_before_days=self.best_before_days,
            removal_days=self.removal_days,
            alert_days=self.alert_days,
            expiry_warning_days=self.expiry_warning_days,
            requires_inspection=self.requires_inspection,
            numbering_pattern=self.numbering_pattern,
            numbering_scheme=self.numbering_scheme,
            gtins=tuple(texts(self.gtins, "gtins")),
        )
        return product_json(product)


@dataclasses.dataclass(frozen=True)
class UpdateProduct(Command):
    """`Tracker.update_product` as a command value."""

    NAME: ClassVar[str] = "update_product"
    product: Product

    def _body(self) -> Json:
        if not isinstance(self.product, Product):
            raise TypeError(f"product must be a Product, not {type(self.product).__name__}")
        return product_json(self.product)


@dataclasses.dataclass(frozen=True)
class RegisterLocation(Command):
    """`Tracker.register_location` as a command value."""

    NAME: ClassVar[str] = "register_location"
    id: str
    kind: Union[LocationKind, str]
    description: str = ""
    gln: Optional[str] = None
    party: Optional[str] = None

    def _body(self) -> Json:
        return {
            "id": text(self.id, "id"),
            "kind": choice(LocationKind, self.kind, "kind"),
            "description": text(self.description, "description"),
            "gln": opt_text(self.gln, "gln"),
            "party": opt_text(self.party, "party"),
        }


@dataclasses.dataclass(frozen=True)
class RegisterParty(Command):
    """`Tracker.register_party` as a command value."""

    NAME: ClassVar[str] = "register_party"
    id: str
    role: Union[PartyRole, str]
    name: str = ""
    gln: Optional[str] = None

    def _body(self) -> Json:
        return {
            "id": text(self.id, "id"),
            "role": choice(PartyRole, self.role, "role"),
            "name": text(self.name, "name"),
            "gln": opt_text(self.gln, "gln"),
        }


@dataclasses.dataclass(frozen=True)
class DefineNumberingScheme(Command):
    """`Tracker.define_numbering_scheme` as a command value."""

    NAME: ClassVar[str] = "define_numbering_scheme"
    id: str
    pattern: str
    description: str = ""

    def _body(self) -> Json:
        return {
            "id": text(self.id, "id"),
            "pattern": text(self.pattern, "pattern"),
            "description": text(self.description, "description"),
        }


@dataclasses.dataclass(frozen=True)
class IssueNumbers(Command):
    """`Tracker.issue_numbers` as a command value."""

    NAME: ClassVar[str] = "issue_numbers"
    product: str
    count: int = 1
    date: Optional[_dt.date] = None
    location: Optional[str] = None

    def _body(self) -> Json:
        return {
            "product": text(self.product, "product"),
            "count": whole(self.count, "count"),
            "date": date_json(self.date, "date"),
            "location": opt_text(self.location, "location"),
        }


@dataclasses.dataclass(frozen=True)
class ExpectSerials(Command):
    """`Tracker.expect_serials` as a command value."""

    NAME: ClassVar[str] = "expect_serials"
    product: str
    serials: Sequence[str]
    supplier: Optional[str] = None
    reference: Optional[str] = None

    def _body(self) -> Json:
        return {
            "product": text(self.product, "product"),
            "serials": texts(self.serials, "serials"),
            "supplier": opt_text(self.supplier, "supplier"),
            "reference": opt_text(self.reference, "reference"),
        }


@dataclasses.dataclass(frozen=True)
class CreateLot(Command):
    """`Tracker.create_lot` as a command value."""

    NAME: ClassVar[str] = "create_lot"
    product: str
    lot: Optional[str] = None
    quantity: Optional[QuantityLike] = None
    location: Optional[str] = None
    active: bool = True
    supplier: Optional[str] = None
    received_on: Optional[_dt.date] = None
    reference: Optional[str] = None
    manufactured_on: Optional[_dt.date] = None
    expiry: Optional[_dt.date] = None
    best_before: Optional[_dt.date] = None
    removal: Optional[_dt.date] = None
    alert: Optional[_dt.date] = None
    weight: Optional[QuantityLike] = None
    description: str = ""
    supplier_lot: Optional[str] = None
    attributes: Optional[Mapping[str, str]] = None

    def _body(self) -> Json:
        return {
            "spec": _lot_spec(
                self.product,
                self.lot,
                self.manufactured_on,
                self.expiry,
                self.best_before,
                self.removal,
                self.alert,
                self.weight,
                self.description,
                self.supplier_lot,
                self.attributes,
            ),
            "supplier": opt_text(self.supplier, "supplier"),
            "received_on": date_json(self.received_on, "received_on"),
            "quantity": opt_quantity_json(self.quantity, "quantity"),
            "location": opt_text(self.location, "location"),
            "active": flag(self.active, "active"),
            "reference": opt_text(self.reference, "reference"),
        }


@dataclasses.dataclass(frozen=True)
class ReceiveSerials(Command):
    """`Tracker.receive_serials` as a command value."""

    NAME: ClassVar[str] = "receive_serials"
    product: str
    serials: Sequence[str]
    location: str
    supplier: Optional[str] = None
    reference: Optional[str] = None
    generate: int = 0
    put_away: bool = False
    received_on: Optional[_dt.date] = None

    def _body(self) -> Json:
        return {
            "product": text(self.product, "product"),
            "serials": texts(self.serials, "serials"),
            "location": text(self.location, "location"),
            "supplier": opt_text(self.supplier, "supplier"),
            "reference": opt_text(self.reference, "reference"),
            "generate": whole(self.generate, "generate"),
            "put_away": flag(self.put_away, "put_away"),
            "received_on": date_json(self.received_on, "received_on"),
        }


@dataclasses.dataclass(frozen=True)
class Move(Command):
    """`Tracker.move` as a command value."""

    NAME: ClassVar[str] = "move"
    item: Item
    from_location: str
    to_location: str
    quantity: QuantityLike = 1
    override_expiry: bool = False

    def _body(self) -> Json:
        return {
            "item": item_json(self.item),
            "from": text(self.from_location, "from_location"),
            "to": text(self.to_location, "to_location"),
            "quantity": quantity_json(self.quantity),
            "override_expiry": flag(self.override_expiry, "override_expiry"),
        }


@dataclasses.dataclass(frozen=True)
class Allocate(Command):
    """`Tracker.allocate_item` as a command value."""

    NAME: ClassVar[str] = "allocate"
    order: str
    item: Item
    quantity: QuantityLike = 1
    location: Optional[str] = None
    ship_date: Optional[_dt.date] = None

    def _body(self) -> Json:
        return {
            "order": text(self.order, "order"),
            "item": item_json(self.item),
            "location": opt_text(self.location, "location"),
            "quantity": quantity_json(self.quantity),
            "ship_date": date_json(self.ship_date, "ship_date"),
        }


@dataclasses.dataclass(frozen=True)
class CancelAllocation(Command):
    """`Tracker.cancel_allocation` as a command value."""

    NAME: ClassVar[str] = "cancel_allocation"
    order: str
    item: Optional[Item] = None

    def _body(self) -> Json:
        return {"order": text(self.order, "order"), "item": None if self.item is None else item_json(self.item)}


@dataclasses.dataclass(frozen=True)
class Pick(Command):
    """`Tracker.pick` as a command value."""

    NAME: ClassVar[str] = "pick"
    order: str
    item: Item
    quantity: QuantityLike = 1

    def _body(self) -> Json:
        return {
            "order": text(self.order, "order"),
            "item": item_json(self.item),
            "quantity": quantity_json(self.quantity),
        }


@dataclasses.dataclass(frozen=True)
class Ship(Command):
    """`Tracker.ship` as a command value."""

    NAME: ClassVar[str] = "ship"
    shipment: str
    order: str
    customer: str
    shipped_on: Optional[_dt.date] = None
    override_expiry: bool = False

    def _body(self) -> Json:
        return {
            "shipment": text(self.shipment, "shipment"),
            "order": text(self.order, "order"),
            "customer": text(self.customer, "customer"),
            "shipped_on": date_json(self.shipped_on, "shipped_on"),
            "override_expiry": flag(self.override_expiry, "override_expiry"),
        }


@dataclasses.dataclass(frozen=True)
class Produce(Command):
    """`Tracker.produce` as a command value."""

    NAME: ClassVar[str] = "produce"
    work_order: str
    consumed: Sequence[Line]
    outputs: Sequence[Output]
    produced_on: Optional[_dt.date] = None
    override_expiry: bool = False

    def _body(self) -> Json:
        lines = enumerate(sequence(self.consumed, "consumed", "Line"))
        made = enumerate(sequence(self.outputs, "outputs", "NewLot, IntoLot or NewSerial"))
        return {
            "work_order": text(self.work_order, "work_order"),
            "consumed": [_to_json(line, f"consumed[{i}]", Line, "Line") for i, line in lines],
            "outputs": [
                _to_json(output, f"outputs[{i}]", (NewLot, IntoLot, NewSerial), "NewLot, IntoLot or NewSerial")
                for i, output in made
            ],
            "produced_on": date_json(self.produced_on, "produced_on"),
            "override_expiry": flag(self.override_expiry, "override_expiry"),
        }


@dataclasses.dataclass(frozen=True)
class Adjust(Command):
    """`Tracker.adjust` as a command value."""

    NAME: ClassVar[str] = "adjust"
    product: str
    lot: str
    location: str
    delta: QuantityLike

    def _body(self) -> Json:
        return {
            "product": text(self.product, "product"),
            "lot": text(self.lot, "lot"),
            "location": text(self.location, "location"),
            "delta": quantity_json(self.delta, "delta"),
        }


@dataclasses.dataclass(frozen=True)
class Scrap(Command):
    """`Tracker.scrap` as a command value."""

    NAME: ClassVar[str] = "scrap"
    item: Item
    location: str
    quantity: QuantityLike = 1

    def _body(self) -> Json:
        return {
            "item": item_json(self.item),
            "location": text(self.location, "location"),
            "quantity": quantity_json(self.quantity),
        }


@dataclasses.dataclass(frozen=True)
class SetLotActive(Command):
    """`Tracker.set_lot_active` as a command value."""

    NAME: ClassVar[str] = "set_lot_active"
    product: str
    lot: str
    active: bool

    def _body(self) -> Json:
        return {
            "product": text(self.product, "product"),
            "lot": text(self.lot, "lot"),
            "active": flag(self.active, "active"),
        }


@dataclasses.dataclass(frozen=True)
class Return(Command):
    """`Tracker.return_items` as a command value."""

    NAME: ClassVar[str] = "return"
    rma: str
    customer: str
    item: Item
    location: str
    quantity: QuantityLike = 1
    release: bool = False

    def _body(self) -> Json:
        return {
            "rma": text(self.rma, "rma"),
            "customer": text(self.customer, "customer"),
            "item": item_json(self.item),
            "location": text(self.location, "location"),
            "quantity": quantity_json(self.quantity),
            "release": flag(self.release, "release"),
        }


@dataclasses.dataclass(frozen=True)
class DefineWarranty(Command):
    """`Tracker.define_warranty` as a command value."""

    NAME: ClassVar[str] = "define_warranty"
    product: str
    months: int
    starts: Union[WarrantyStart, str] = WarrantyStart.SHIPMENT
    usage_limit: Optional[QuantityLike] = None

    def _body(self) -> Json:
        return {
            "product": text(self.product, "product"),
            "months": whole(self.months, "months"),
            "starts": choice(WarrantyStart, self.starts, "starts"),
            "usage_limit": opt_quantity_json(self.usage_limit, "usage_limit"),
        }


@dataclasses.dataclass(frozen=True)
class RecordInstallation(Command):
    """`Tracker.record_installation` as a command value."""

    NAME: ClassVar[str] = "record_installation"
    product: str
    serial: str
    installed_on: _dt.date
    customer: Optional[str] = None

    def _body(self) -> Json:
        return {
            "product": text(self.product, "product"),
            "serial": text(self.serial, "serial"),
            "installed_on": date_json(self.installed_on, "installed_on"),
            "customer": opt_text(self.customer, "customer"),
        }


@dataclasses.dataclass(frozen=True)
class RecordService(Command):
    """`Tracker.record_service` as a command value."""

    NAME: ClassVar[str] = "record_service"
    product: str
    serial: str
    kind: Union[ServiceKind, str]
    technician: str
    findings: str = ""
    performed_on: Optional[_dt.date] = None
    usage: Optional[QuantityLike] = None
    removed: Optional[Item] = None
    fitted: Optional[Line] = None
    attachments: Sequence[Attachment] = ()

    def _body(self) -> Json:
        return {
            "product": text(self.product, "product"),
            "serial": text(self.serial, "serial"),
            "kind": choice(ServiceKind, self.kind, "kind"),
            "technician": text(self.technician, "technician"),
            "findings": text(self.findings, "findings"),
            "performed_on": date_json(self.performed_on, "performed_on"),
            "usage": opt_quantity_json(self.usage, "usage"),
            "removed": None if self.removed is None else item_json(self.removed, "removed"),
            "fitted": None if self.fitted is None else _to_json(self.fitted, "fitted", Line, "Line"),
            "attachments": [
                {"name": text(a.name, "attachments"), "sha256": text(a.sha256, "attachments")}
                for a in sequence(self.attachments, "attachments", "Attachment")
            ],
        }


@dataclasses.dataclass(frozen=True)
class OpenClaim(Command):
    """`Tracker.open_claim` as a command value."""

    NAME: ClassVar[str] = "open_claim"
    claim: str
    product: str
    serial: str
    description: str
    amount: Optional[QuantityLike] = None
    opened_on: Optional[_dt.date] = None

    def _body(self) -> Json:
        return {
            "claim": text(self.claim, "claim"),
            "product": text(self.product, "product"),
            "serial": text(self.serial, "serial"),
            "description": text(self.description, "description"),
            "amount": opt_quantity_json(self.amount, "amount"),
            "opened_on": date_json(self.opened_on, "opened_on"),
        }


@dataclasses.dataclass(frozen=True)
class DecideClaim(Command):
    """`Tracker.decide_claim` as a command value."""

    NAME: ClassVar[str] = "decide_claim"
    claim: str
    approve: bool
    amount: Optional[QuantityLike] = None

    def _body(self) -> Json:
        return {
            "claim": text(self.claim, "claim"),
            "approve": flag(self.approve, "approve"),
            "amount": opt_quantity_json(self.amount, "amount"),
        }


@dataclasses.dataclass(frozen=True)
class CloseClaim(Command):
    """`Tracker.close_claim` as a command value."""

    NAME: ClassVar[str] = "close_claim"
    claim: str

    def _body(self) -> Json:
        return {"claim": text(self.claim, "claim")}


@dataclasses.dataclass(frozen=True)
class StartCampaign(Command):
    """`Tracker.start_campaign` as a command value."""

    NAME: ClassVar[str] = "start_campaign"
    campaign: str
    description: str
    recall: Optional[str] = None
    suspects: Union[Item, Iterable[Item]] = ()

    def _body(self) -> Json:
        return {
            "campaign": text(self.campaign, "campaign"),
            "description": text(self.description, "description"),
            "recall": opt_text(self.recall, "recall"),
            "suspects": items_json(self.suspects, "suspects"),
        }


@dataclasses.dataclass(frozen=True)
class UpdateCampaign(Command):
    """`Tracker.update_campaign` as a command value."""

    NAME: ClassVar[str] = "update_campaign"
    campaign: str
    product: str
    serial: str
    status: Union[CampaignStatus, str]

    def _body(self) -> Json:
        return {
            "campaign": text(self.campaign, "campaign"),
            "product": text(self.product, "product"),
            "serial": text(self.serial, "serial"),
            "status": choice(CampaignStatus, self.status, "status"),
        }


@dataclasses.dataclass(frozen=True)
class DefineReturnReason(Command):
    """`Tracker.define_return_reason` as a command value."""

    NAME: ClassVar[str] = "define_return_reason"
    code: str
    description: str

    def _body(self) -> Json:
        return {"code": text(self.code, "code"), "description": text(self.description, "description")}


@dataclasses.dataclass(frozen=True)
class AuthorizeReturn(Command):
    """`Tracker.authorize_return` as a command value."""

    NAME: ClassVar[str] = "authorize_return"
    rma: str
    customer: str
    reason_code: str
    items: Sequence[Tuple[Item, QuantityLike]]
    expected_on: Optional[_dt.date] = None

    def _body(self) -> Json:
        lines = [
            [item_json(item, f"items[{i}]"), quantity_json(q, f"items[{i}]")]
            for i, (item, q) in enumerate(sequence(self.items, "items", "(item, quantity)"))
        ]
        return {
            "rma": text(self.rma, "rma"),
            "customer": text(self.customer, "customer"),
            "reason": text(self.reason_code, "reason_code"),
            "items": lines,
            "expected_on": date_json(self.expected_on, "expected_on"),
        }


@dataclasses.dataclass(frozen=True)
class InspectReturn(Command):
    """`Tracker.inspect_return` as a command value."""

    NAME: ClassVar[str] = "inspect_return"
    rma: str
    item: Item
    passed: bool
    findings: str = ""

    def _body(self) -> Json:
        return {
            "rma": text(self.rma, "rma"),
            "item": item_json(self.item),
            "passed": flag(self.passed, "passed"),
            "findings": text(self.findings, "findings"),
        }


@dataclasses.dataclass(frozen=True)
class DisposeReturn(Command):
    """`Tracker.dispose_return` as a command value."""

    NAME: ClassVar[str] = "dispose_return"
    rma: str
    item: Item
    location: str
    quantity: QuantityLike
    disposition: Union[Disposition, str]
    to: Optional[str] = None

    def _body(self) -> Json:
        return {
            "rma": text(self.rma, "rma"),
            "item": item_json(self.item),
            "location": text(self.location, "location"),
            "quantity": quantity_json(self.quantity),
            "disposition": choice(Disposition, self.disposition, "disposition"),
            "to": opt_text(self.to, "to"),
        }


@dataclasses.dataclass(frozen=True)
class ReverseShipment(Command):
    """`Tracker.reverse_shipment` as a command value."""

    NAME: ClassVar[str] = "reverse_shipment"
    shipment: str

    def _body(self) -> Json:
        return {"shipment": text(self.shipment, "shipment")}


@dataclasses.dataclass(frozen=True)
class ReverseReceipt(Command):
    """`Tracker.reverse_receipt` as a command value."""

    NAME: ClassVar[str] = "reverse_receipt"
    items: Union[Item, Iterable[Item]]

    def _body(self) -> Json:
        return {"items": items_json(self.items)}


@dataclasses.dataclass(frozen=True)
class ReverseProduction(Command):
    """`Tracker.reverse_production` as a command value."""

    NAME: ClassVar[str] = "reverse_production"
    work_order: str

    def _body(self) -> Json:
        return {"work_order": text(self.work_order, "work_order")}


@dataclasses.dataclass(frozen=True)
class SplitLot(Command):
    """`Tracker.split_lot` as a command value."""

    NAME: ClassVar[str] = "split_lot"
    product: str
    lot: str
    location: str
    quantity: QuantityLike
    new_lot: Optional[str] = None

    def _body(self) -> Json:
        return {
            "product": text(self.product, "product"),
            "lot": text(self.lot, "lot"),
            "location": text(self.location, "location"),
            "quantity": quantity_json(self.quantity),
            "new_lot": opt_text(self.new_lot, "new_lot"),
        }


@dataclasses.dataclass(frozen=True)
class MergeLots(Command):
    """`Tracker.merge_lots` as a command value."""

    NAME: ClassVar[str] = "merge_lots"
    product: str
    lots: Sequence[str]
    into: str
    location: str

    def _body(self) -> Json:
        return {
            "product": text(self.product, "product"),
            "lots": texts(self.lots, "lots"),
            "into": text(self.into, "into"),
            "location": text(self.location, "location"),
        }


@dataclasses.dataclass(frozen=True)
class Unbuild(Command):
    """`Tracker.unbuild` as a command value."""

    NAME: ClassVar[str] = "unbuild"
    product: str
    serial: str
    location: Optional[str] = None

    def _body(self) -> Json:
        return {
            "product": text(self.product, "product"),
            "serial": text(self.serial, "serial"),
            "location": opt_text(self.location, "location"),
        }


@dataclasses.dataclass(frozen=True)
class SetLotsActive(Command):
    """`Tracker.set_lots_active` as a command value."""

    NAME: ClassVar[str] = "set_lots_active"
    lots: Sequence[LotRef]
    active: bool

    def _body(self) -> Json:
        keys = [lot_key_json(lot, f"lots[{i}]") for i, lot in enumerate(sequence(self.lots, "lots", "LotRef"))]
        return {"lots": keys, "active": flag(self.active, "active")}


@dataclasses.dataclass(frozen=True)
class UpdateLot(Command):
    """`Tracker.update_lot` as a command value."""

    NAME: ClassVar[str] = "update_lot"
    lot: LotRef
    description: Optional[str] = None
    weight: Optional[QuantityLike] = None
    supplier_lot: Optional[str] = None
    manufactured_on: Optional[_dt.date] = None
    attributes: Optional[Mapping[str, str]] = None

    def _body(self) -> Json:
        return {
            "lot": lot_key_json(self.lot),
            "description": opt_text(self.description, "description"),
            "weight": opt_quantity_json(self.weight, "weight"),
            "supplier_lot": opt_text(self.supplier_lot, "supplier_lot"),
            "manufactured_on": date_json(self.manufactured_on, "manufactured_on"),
            "attributes": attributes_json(self.attributes, "attributes"),
        }


@dataclasses.dataclass(frozen=True)
class UpdateLotDates(Command):
    """`Tracker.update_lot_dates` as a command value."""

    NAME: ClassVar[str] = "update_lot_dates"
    changes: Sequence[LotDatesChange]

    def _body(self) -> Json:
        rows = enumerate(sequence(self.changes, "changes", "LotDatesChange"))
        return {"changes": [_to_json(c, f"changes[{i}]", LotDatesChange, "LotDatesChange") for i, c in rows]}


@dataclasses.dataclass(frozen=True)
class RecordTestResult(Command):
    """`Tracker.record_test_result` as a command value."""

    NAME: ClassVar[str] = "record_test_result"
    lot: LotRef
    test: str
    value: QuantityLike
    unit: str = ""
    spec_min: Optional[QuantityLike] = None
    spec_max: Optional[QuantityLike] = None
    tested_on: Optional[_dt.date] = None

    def _body(self) -> Json:
        return {
            "lot": lot_key_json(self.lot),
            "test": text(self.test, "test"),
            "value": quantity_json(self.value, "value"),
            "unit": text(self.unit, "unit"),
            "spec_min": opt_quantity_json(self.spec_min, "spec_min"),
            "spec_max": opt_quantity_json(self.spec_max, "spec_max"),
            "tested_on": date_json(self.tested_on, "tested_on"),
        }


@dataclasses.dataclass(frozen=True)
class LinkCertificate(Command):
    """`Tracker.link_certificate` as a command value."""

    NAME: ClassVar[str] = "link_certificate"
    lot: LotRef
    document: str
    sha256: str

    def _body(self) -> Json:
        return {
            "lot": lot_key_json(self.lot),
            "document": text(self.document, "document"),
            "sha256": text(self.sha256, "sha256"),
        }


@dataclasses.dataclass(frozen=True)
class SetQualityStatus(Command):
    """`Tracker.set_quality_status` as a command value."""

    NAME: ClassVar[str] = "set_quality_status"
    lot: LotRef
    status: Union[QualityStatus, str]

    def _body(self) -> Json:
        return {"lot": lot_key_json(self.lot), "status": choice(QualityStatus, self.status, "status")}


@dataclasses.dataclass(frozen=True)
class PlaceHold(Command):
    """`Tracker.place_hold` as a command value."""

    NAME: ClassVar[str] = "place_hold"
    items: Union[Item, Iterable[Item]]

    def _body(self) -> Json:
        return {"items": items_json(self.items)}


@dataclasses.dataclass(frozen=True)
class Pack(Command):
    """`Tracker.pack` as a command value."""

    NAME: ClassVar[str] = "pack"
    container: str
    location: str
    contents: Iterable[Tuple[Item, QuantityLike]]

    def _body(self) -> Json:
        if isinstance(self.contents, (str, bytes)):
            raise TypeError("contents must be a sequence of (item, quantity) pairs, not a str")
        lines = [
            {"item": item_json(item, f"contents[{i}]"), "quantity": quantity_json(quantity, f"contents[{i}]")}
            for i, (item, quantity) in enumerate(self.contents)
        ]
        return {
            "container": text(self.container, "container"),
            "location": text(self.location, "location"),
            "contents": lines,
        }


@dataclasses.dataclass(frozen=True)
class Unpack(Command):
    """`Tracker.unpack` as a command value."""

    NAME: ClassVar[str] = "unpack"
    container: str

    def _body(self) -> Json:
        return {"container": text(self.container, "container")}


@dataclasses.dataclass(frozen=True)
class ReleaseHold(Command):
    """`Tracker.release_hold` as a command value."""

    NAME: ClassVar[str] = "release_hold"
    items: Union[Item, Iterable[Item]]

    def _body(self) -> Json:
        return {"items": items_json(self.items)}


@dataclasses.dataclass(frozen=True)
class RecordBatchParameter(Command):
    """`Tracker.record_batch_parameter` as a command value."""

    NAME: ClassVar[str] = "record_batch_parameter"
    work_order: str
    name: str
    value: QuantityLike
    unit: str = ""
    min: Optional[QuantityLike] = None
    max: Optional[QuantityLike] = None

    def _body(self) -> Json:
        return {
            "work_order": text(self.work_order, "work_order"),
            "name": text(self.name, "name"),
            "value": quantity_json(self.value, "value"),
            "unit": text(self.unit, "unit"),
            "min": opt_quantity_json(self.min, "min"),
            "max": opt_quantity_json(self.max, "max"),
        }


@dataclasses.dataclass(frozen=True)
class RecordBatchStep(Command):
    """`Tracker.record_batch_step` as a command value."""

    NAME: ClassVar[str] = "record_batch_step"
    work_order: str
    step: str
    operator: str
    equipment: Optional[str] = None
    performed_on: Optional[_dt.date] = None
    started_at: Optional[_dt.datetime] = None
    finished_at: Optional[_dt.datetime] = None
    notes: str = ""

    def _body(self) -> Json:
        return {
            "work_order": text(self.work_order, "work_order"),
            "step": text(self.step, "step"),
            "equipment": opt_text(self.equipment, "equipment"),
            "operator": text(self.operator, "operator"),
            "performed_on": date_json(self.performed_on, "performed_on"),
            "started_at": None if self.started_at is None else instant_json(self.started_at, "started_at"),
            "finished_at": None if self.finished_at is None else instant_json(self.finished_at, "finished_at"),
            "notes": text(self.notes, "notes"),
        }


@dataclasses.dataclass(frozen=True)
class SignRecord(Command):
    """`Tracker.sign_record` as a command value."""

    NAME: ClassVar[str] = "sign_record"
    record: SignedRecord
    meaning: Union[SignatureMeaning, str]
    signer: str

    def _body(self) -> Json:
        return {
            "record": signed_record_json(self.record),
            "meaning": choice(SignatureMeaning, self.meaning, "meaning"),
            "signer": text(self.signer, "signer"),
        }


@dataclasses.dataclass(frozen=True)
class OpenNonConformance(Command):
    """`Tracker.open_nonconformance` as a command value."""

    NAME: ClassVar[str] = "open_nonconformance"
    id: str
    description: str
    severity: Union[Severity, str]
    items: Union[Item, Iterable[Item]] = ()
    work_order: Optional[str] = None
    recall: Optional[str] = None
    containment_hold: bool = False

    def _body(self) -> Json:
        return {
            "id": text(self.id, "id"),
            "description": text(self.description, "description"),
            "severity": choice(Severity, self.severity, "severity"),
            "items": items_json(self.items),
            "work_order": opt_text(self.work_order, "work_order"),
            "recall": opt_text(self.recall, "recall"),
            "containment_hold": flag(self.containment_hold, "containment_hold"),
        }


@dataclasses.dataclass(frozen=True)
class AddCorrectiveAction(Command):
    """`Tracker.add_corrective_action` as a command value."""

    NAME: ClassVar[str] = "add_corrective_action"
    id: str
    kind: Union[CapaKind, str]
    description: str
    owner: str
    due: _dt.date
    nc: Optional[str] = None
    recall: Optional[str] = None

    def _body(self) -> Json:
        if self.due is None:
            raise TypeError("due must be a datetime.date, not NoneType")
        return {
            "id": text(self.id, "id"),
            "nc": opt_text(self.nc, "nc"),
            "recall": opt_text(self.recall, "recall"),
            "kind": choice(CapaKind, self.kind, "kind"),
            "description": text(self.description, "description"),
            "owner": text(self.owner, "owner"),
            "due": date_json(self.due, "due"),
        }


@dataclasses.dataclass(frozen=True)
class CompleteCorrectiveAction(Command):
    """`Tracker.complete_corrective_action` as a command value."""

    NAME: ClassVar[str] = "complete_corrective_action"
    id: str
    outcome: str

    def _body(self) -> Json:
        return {"id": text(self.id, "id"), "outcome": text(self.outcome, "outcome")}


@dataclasses.dataclass(frozen=True)
class CloseNonConformance(Command):
    """`Tracker.close_nonconformance` as a command value."""

    NAME: ClassVar[str] = "close_nonconformance"
    id: str
    resolution: str

    def _body(self) -> Json:
        return {"id": text(self.id, "id"), "resolution": text(self.resolution, "resolution")}


@dataclasses.dataclass(frozen=True)
class ReceiveLot(Command):
    """`Tracker.receive_lot` as a command value."""

    NAME: ClassVar[str] = "receive_lot"
    product: str
    lot: Optional[str]
    quantity: QuantityLike
    location: str
    supplier: Optional[str] = None
    received_on: Optional[_dt.date] = None
    reference: Optional[str] = None
    manufactured_on: Optional[_dt.date] = None
    expiry: Optional[_dt.date] = None
    best_before: Optional[_dt.date] = None
    removal: Optional[_dt.date] = None
    alert: Optional[_dt.date] = None
    weight: Optional[QuantityLike] = None
    description: str = ""
    supplier_lot: Optional[str] = None
    attributes: Optional[Mapping[str, str]] = None

    def _body(self) -> Json:
        # the fields alone: `_body` runs before the checked body is stored beside them
        body: Json = _receive_lot_command(**vars(self))[self.NAME]
        return body


@dataclasses.dataclass(frozen=True)
class AllocateStock(Command):
    """`Tracker.allocate` as a command value (the strategy picks the lots or serials)."""

    NAME: ClassVar[str] = "allocate_stock"
    product: str
    quantity: QuantityLike
    order: str
    strategy: Union[Strategy, str] = Strategy.FEFO
    ship_date: Optional[_dt.date] = None
    min_remaining_shelf_life_pct: Optional[QuantityLike] = None
    locations: Optional[Sequence[str]] = None
    partial: bool = False

    def _body(self) -> Json:
        return {
            "product": text(self.product, "product"),
            "quantity": quantity_json(self.quantity),
            "order": text(self.order, "order"),
            "strategy": choice(Strategy, self.strategy, "strategy"),
            "ship_date": date_json(self.ship_date, "ship_date"),
            "min_remaining_shelf_life_pct": opt_quantity_json(
                self.min_remaining_shelf_life_pct, "min_remaining_shelf_life_pct"
            ),
            "locations": None if self.locations is None else texts(self.locations, "locations"),
            "partial": flag(self.partial, "partial"),
        }


@dataclasses.dataclass(frozen=True)
class Recall(Command):
    """`Tracker.recall` as a command value (it needs a reason when executed)."""

    NAME: ClassVar[str] = "recall"
    suspects: Union[Item, Iterable[Item]]
    hold: bool = False
    recall_id: Optional[str] = None

    def _body(self) -> Json:
        return {
            "recall": opt_text(self.recall_id, "recall_id"),
            "suspects": items_json(self.suspects, "suspects"),
            "hold": flag(self.hold, "hold"),
        }


@dataclasses.dataclass(frozen=True)
class LinkUpstream(Command):
    """`Tracker.link_upstream` as a command value."""

    NAME: ClassVar[str] = "link_upstream"
    operation: str
    inputs: Sequence[Tuple[Item, QuantityLike]]
    outputs: Sequence[Item]

    def _body(self) -> Json:
        pairs = enumerate(sequence(self.inputs, "inputs", "(item, quantity) pairs"))
        return {
            "operation": text(self.operation, "operation"),
            "inputs": [_input_json(pair, f"inputs[{i}]") for i, pair in pairs],
            "outputs": [
                item_json(item, f"outputs[{i}]") for i, item in enumerate(sequence(self.outputs, "outputs", "items"))
            ],
        }


def _input_json(pair: Any, field: str) -> Any:
    """An `(item, quantity)` pair of `LinkUpstream.inputs` in the core's shape."""
    if not isinstance(pair, tuple) or len(pair) != 2:
        raise TypeError(f"{field} must be an (item, quantity) tuple, not {type(pair).__name__}")
    return [item_json(pair[0], f"{field}.item"), quantity_json(pair[1], f"{field}.quantity")]
