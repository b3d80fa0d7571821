"""The merge plan: what an import may change, decided before anything is written.

- Missing data changes nothing: only values a source carries are looked at.
- Values the user typed win over an outside source; a different value is a
  conflict, kept and reported. Our own CSV and JSON are the user's own values.
- An order only moves forward: an import may record a delivery (with the
  source's date, or as "date unknown") or a cancellation before delivery; it
  never moves an order back, never closes one with a dispute, and never
  deletes events, messages or evidence.
- The same order twice (in one file, in two files, or imported again) merges
  into one: the first value seen wins and a different later one is reported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aliret_tui.domain import fields
from aliret_tui.domain.fields import FieldError
from aliret_tui.domain.states import OrderState
from aliret_tui.importing.incoming import ImportRefused, Skipped, Status
from aliret_tui.importing.validate import ValidLine, ValidOrder, check_date_order

TYPED = "typed"
IMPORTED = "imported"
REQUIRED_FOR_NEW = ("title", "price", "currency")
FIELD_NAMES = {
    "title": "title", "price": "price", "currency": "currency", "store": "store",
    "ordered_on": "ordered", "delivered_on": "delivered", "protection_ends": "protection ends",
    "window_days": "window", "country": "country", "free_return": "Free Return",
    "local_return": "Local Return", "note": "note",
}  # fmt: skip


@dataclass(frozen=True)
class Source:
    """Where incoming facts come from, as the store records it beside each fact."""

    format_label: str
    name: str
    imported_on: dt.date
    users_own: bool = False  # aliret-tui's own CSV or JSON: the user's own values
    origin: str = ""  # "an AliExpress email"; the format's label when not given

    def describe(self) -> str:
        """'an AliExpress email, mail.eml, imported 2026-11-20'."""
        return f"{self.origin or self.format_label}, {self.name}, imported {self.imported_on}"


@dataclass(frozen=True)
class StoredOrder:
    """What the merge needs to know about an order already in the database."""

    facts: Mapping[str, Any]  # every fact as stored, by ``OrderFacts``' field names
    state: OrderState
    delivery_unknown: bool
    has_dispute: bool
    origins: Mapping[str, tuple[str, str]]  # field -> (typed/imported, source)
    line_count: int  # 0 when the import brings no lines for it (then never asked)

    @property
    def order_id(self) -> str:
        return self.facts["order_id"]


@dataclass
class Conflict:
    order_id: str
    field: str
    kept: Any
    offered: Any
    kept_from: str  # "yours", or the source it came from
    offered_by: str

    def __str__(self) -> str:
        name = FIELD_NAMES.get(self.field, self.field)
        kept = "yours" if self.kept_from == TYPED else f"the value from {self.kept_from}"
        return (
            f"order {self.order_id}: kept {kept}: {name} {_shown(self.kept)}; "
            f"{self.offered_by} says {_shown(self.offered)}"
        )


@dataclass
class OrderPlan:
    """One order to add or update: the facts to write and where each came from."""

    order_id: str
    where: str
    facts: dict[str, Any]  # to add, or the changed values to update
    sources: dict[str, Source]  # field -> where its new value came from
    delivery_unknown: bool = False
    status_source: Source | None = None  # where the delivery or cancellation came from
    cancel_before_delivery: Source | None = None
    lines: list[ValidLine] | None = None  # lines to store (only when it has none yet)
    lines_source: Source | None = None
    previous: StoredOrder | None = None  # None for a new order

    @property
    def is_new(self) -> bool:
        return self.previous is None

    def changed_fields(self) -> list[str]:
        changed = [FIELD_NAMES.get(name, name) for name in self.facts]
        if self.delivery_unknown:
            changed.append("delivered (date unknown)")
        if self.cancel_before_delivery:
            changed.append("cancelled before delivery")
        if self.lines:
            changed.append(f"{len(self.lines)} order line{'s' if len(self.lines) != 1 else ''}")
        return changed


@dataclass
class ImportPlan:
    added: list[OrderPlan] = field(default_factory=list)
    updated: list[OrderPlan] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    records: list[Any] = field(default_factory=list)  # RecordPlans (our own JSON)

    @property
    def writes_anything(self) -> bool:
        return bool(self.added or self.updated or self.records)


@dataclass
class _Incoming:
    """One order's incoming values, combined over every place it appears."""

    first: ValidOrder
    facts: dict[str, Any]
    sources: dict[str, Source]
    status: Status | None
    status_source: Source | None
    lines: list[ValidLine]
    lines_source: Source | None
    combined: bool = False  # seen more than once: its values were not checked together


def combine(
    entries: Iterable[tuple[ValidOrder, Source]], conflicts: list[Conflict]
) -> dict[str, _Incoming]:
    """Each order once: the first value seen wins, a different later one is a conflict."""
    combined: dict[str, _Incoming] = {}
    for order, source in entries:
        current = combined.get(order.order_id)
        if current is None:
            combined[order.order_id] = _Incoming(
                order,
                dict(order.facts),
                dict.fromkeys(order.facts, source),
                order.status,
                source if order.status else None,
                list(order.lines),
                source if order.lines else None,
            )
            continue
        current.combined = True
        for name, value in order.facts.items():
            if name not in current.facts:
                current.facts[name], current.sources[name] = value, source
            elif current.facts[name] != value:
                conflicts.append(
                    Conflict(
                        order.order_id,
                        name,
                        current.facts[name],
                        value,
                        current.sources[name].describe(),
                        f"{source.name} ({order.where})",
                    )
                )
        if _rank(order.status) > _rank(current.status):
            current.status, current.status_source = order.status, source
        if order.lines and not current.lines:
            current.lines, current.lines_source = list(order.lines), source
    return combined


_STATUS_RANK = {None: 0, Status.NEVER_PAID: 1, Status.IN_TRANSIT: 2, Status.CANCELLED: 3}


def _rank(status: Status | None) -> int:
    return _STATUS_RANK.get(status, 4)  # delivered beats everything: it happened


def plan_merge(
    incoming: Mapping[str, _Incoming], stored: Mapping[str, StoredOrder], plan: ImportPlan
) -> ImportPlan:
    for order_id, entry in incoming.items():
        if entry.status is Status.NEVER_PAID:
            plan.skipped.append(Skipped(entry.first.where, order_id, "never paid"))
            continue
        existing = stored.get(order_id)
        if existing is None:
            _plan_new(entry, plan)
        else:
            _plan_update(entry, existing, plan)
    return plan


def _plan_new(entry: _Incoming, plan: ImportPlan) -> None:
    order_id = entry.first.order_id
    missing = [name for name in REQUIRED_FOR_NEW if name not in entry.facts]
    if missing:
        plan.skipped.append(
            Skipped(
                entry.first.where,
                order_id,
                f"not in your orders, and the source has no {', '.join(missing)} to add it with",
            )
        )
        return
    order_plan = OrderPlan(order_id, entry.first.where, entry.facts, entry.sources)
    if entry.combined:  # one order's values were checked together by ``validated``
        _check_together(entry.facts, order_plan, entry)
    if entry.status is Status.DELIVERED and "delivered_on" not in entry.facts:
        order_plan.delivery_unknown, order_plan.status_source = True, entry.status_source
    if entry.status is Status.CANCELLED and "delivered_on" not in entry.facts:
        order_plan.cancel_before_delivery = entry.status_source
    if entry.lines:
        order_plan.lines, order_plan.lines_source = entry.lines, entry.lines_source
    plan.added.append(order_plan)


def _plan_update(entry: _Incoming, existing: StoredOrder, plan: ImportPlan) -> None:
    stored = existing.facts
    order_id = existing.order_id
    order_plan = OrderPlan(order_id, entry.first.where, {}, {}, previous=existing)
    for name, value in entry.facts.items():
        source = entry.sources[name]
        stored_value = stored[name]
        if stored_value == value:
            continue
        if _empty(stored_value) or source.users_own:
            order_plan.facts[name], order_plan.sources[name] = value, source
            continue
        origin, kept_from = existing.origins.get(name, (TYPED, ""))
        plan.conflicts.append(
            Conflict(
                order_id,
                name,
                stored_value,
                value,
                TYPED if origin == TYPED else kept_from,
                source.name,
            )
        )
    if order_plan.facts:
        _check_together({**stored, **order_plan.facts}, order_plan, entry)
    _plan_status(entry, existing, order_plan, plan)
    if entry.lines and existing.line_count == 0:
        order_plan.lines, order_plan.lines_source = entry.lines, entry.lines_source
    if order_plan.changed_fields():
        plan.updated.append(order_plan)
    else:
        plan.unchanged.append(order_id)


def _plan_status(
    entry: _Incoming, order: StoredOrder, order_plan: OrderPlan, plan: ImportPlan
) -> None:
    """Move the order forward as far as the source says: never back."""
    delivered = order.facts["delivered_on"] is not None or "delivered_on" in order_plan.facts
    if entry.status is Status.DELIVERED and not delivered and not order.delivery_unknown:
        order_plan.delivery_unknown, order_plan.status_source = True, entry.status_source
    if entry.status is not Status.CANCELLED or entry.status_source is None:
        return
    if order.state is OrderState.IN_TRANSIT and not delivered and not order.has_dispute:
        order_plan.cancel_before_delivery = entry.status_source
    elif not order.state.is_closed:
        why = "it has a dispute" if order.has_dispute else "it was delivered"
        plan.conflicts.append(
            Conflict(
                order.order_id,
                "status",
                order.state.label,
                "cancelled",
                TYPED,
                f"{entry.status_source.name} (not closed: {why})",
            )
        )


def _check_together(facts: Mapping[str, Any], order_plan: OrderPlan, entry: _Incoming) -> None:
    """The order as it will be (stored values with the ones it takes, or values
    combined from several sources) passes the checks ``add`` makes across fields:
    the price's decimals for its currency, and dates after the order date."""
    try:
        if "price" in order_plan.facts and facts.get("currency") is not None:
            order_plan.facts["price"] = fields.amount(
                str(facts["price"]), facts["currency"], "price"
            )
        elif "currency" in order_plan.facts and facts.get("price") is not None:
            fields.amount(str(facts["price"]), facts["currency"], "price")
        if {"ordered_on", "delivered_on", "protection_ends"} & order_plan.facts.keys():
            check_date_order(dict(facts))
    except FieldError as error:
        source = entry.sources.get(error.field) or next(iter(order_plan.sources.values()))
        raise ImportRefused(
            f"{source.name}, {entry.first.where}", error.field, error.message
        ) from None


def _empty(value: Any) -> bool:
    return value is None or value == "" or value is False


def _shown(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    return text if len(text) <= 60 else text[:59] + "…"
