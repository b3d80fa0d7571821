"""Our own JSON export imported again: whole orders, with their timeline, chat and
evidence. An older copy never rolls an order back; a newer one adds what it has
that the database lacks, and nothing is ever deleted unless ``--replace``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aliret_tui.domain.checks import field_names
from aliret_tui.domain.models import (
    Attachment,
    ChatMessage,
    Event,
    EvidenceItem,
    Order,
    OrderFacts,
    OrderRecord,
)
from aliret_tui.importing.incoming import Skipped
from aliret_tui.importing.merge import TYPED, Conflict, ImportPlan, Source


@dataclass
class RecordPlan:
    """One exported order to add, replace, or merge into the stored one."""

    incoming: OrderRecord
    source: Source
    previous: OrderRecord | None = None  # None: a new order
    replace: bool = False
    facts: dict[str, Any] = field(default_factory=dict)  # changed facts (merge)
    new_events: list[Event] = field(default_factory=list)
    state_from_file: Order | None = None  # the file's state, when its events are newer
    new_messages: list[ChatMessage] = field(default_factory=list)
    new_evidence: list[EvidenceItem] = field(default_factory=list)
    ticked: list[int] = field(default_factory=list)  # stored evidence ids the file ticks
    new_attachments: list[tuple[int, Attachment]] = field(default_factory=list)

    @property
    def order_id(self) -> str:
        return self.incoming.order.order_id

    def changed_fields(self) -> list[str]:
        if self.previous is None or self.replace:
            return ["everything"]
        parts = list(self.facts)
        counts = (
            (self.new_events, "event"),
            (self.new_messages, "message"),
            (self.new_evidence, "evidence item"),
            (self.new_attachments, "attached file"),
            (self.ticked, "ticked item"),
        )
        for items, noun in counts:
            if items:
                parts.append(f"{len(items)} {noun}{'s' if len(items) != 1 else ''}")
        return parts


def plan_records(
    records: list[tuple[OrderRecord, Source]],
    stored: dict[str, OrderRecord],
    plan: ImportPlan,
    *,
    replace: bool,
) -> list[RecordPlan]:
    plans: list[RecordPlan] = []
    for record, source in records:
        order = record.order
        previous = stored.get(order.order_id)
        if previous is None:
            plans.append(RecordPlan(record, source))
            continue
        if same_record(previous, record):
            plan.unchanged.append(order.order_id)
            continue
        if replace:
            plans.append(RecordPlan(record, source, previous, replace=True))
            continue
        if order.version < previous.order.version:
            plan.skipped.append(
                Skipped(
                    f"{source.name}",
                    order.order_id,
                    f"older than what you have (version {order.version}; yours is "
                    f"{previous.order.version}); --replace takes the file's copy",
                )
            )
            continue
        merged = _merge(record, previous, source, plan)
        if merged.changed_fields():
            plans.append(merged)
        else:
            plan.unchanged.append(order.order_id)
    return plans


def _merge(
    record: OrderRecord, previous: OrderRecord, source: Source, plan: ImportPlan
) -> RecordPlan:
    merged = RecordPlan(record, source, previous)
    incoming_facts, stored_facts = record.order.facts, previous.order.facts
    for name in field_names(OrderFacts):
        value = getattr(incoming_facts, name)
        if value not in (None, "", False) and value != getattr(stored_facts, name):
            merged.facts[name] = value
    stored_events = [_event_key(event) for event in previous.events]
    incoming_events = [_event_key(event) for event in record.events]
    if incoming_events[: len(stored_events)] == stored_events:
        merged.new_events = list(record.events[len(stored_events) :])
        if merged.new_events:
            merged.state_from_file = record.order
    elif stored_events[: len(incoming_events)] != incoming_events:
        differs_at = next(
            index
            for index, (mine, theirs) in enumerate(
                zip(stored_events, incoming_events, strict=False), 1
            )
            if mine != theirs
        )
        plan.conflicts.append(
            Conflict(
                record.order.order_id,
                "timeline",
                f"{len(stored_events)} events",
                f"a different event {differs_at}",
                TYPED,
                source.name,
            )
        )
    have_messages = {_message_key(message) for message in previous.messages}
    merged.new_messages = [m for m in record.messages if _message_key(m) not in have_messages]
    by_label = {item.label: item for item in previous.evidence}
    for item in record.evidence:
        mine = by_label.get(item.label)
        if mine is None:
            merged.new_evidence.append(item)
            continue
        assert mine.id is not None
        if item.done and not mine.done:
            merged.ticked.append(mine.id)
        have_files = {(file.path, file.sha256) for file in mine.attachments}
        merged.new_attachments += [
            (mine.id, file)
            for file in item.attachments
            if (file.path, file.sha256) not in have_files
        ]
    return merged


def same_record(stored: OrderRecord, incoming: OrderRecord) -> bool:
    from aliret_tui.transfer.documents import record_to_json

    return record_to_json(stored) == record_to_json(incoming)


def _event_key(event: Event) -> tuple[Any, ...]:
    return (
        event.kind,
        event.on,
        event.reason,
        event.outcome,
        event.tracking,
        event.amount,
        event.lines,
    )


def _message_key(message: ChatMessage) -> tuple[Any, ...]:
    return (message.sender, message.sent_at, message.text)
