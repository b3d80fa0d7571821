"""Taking back the last event and correcting an event, each in one transaction,
with the old and new event kept in ``event_corrections``: the audit trail that
keeps the timeline a mediator sees honest."""

from __future__ import annotations

import json
from collections.abc import Mapping

from aliret_tui.domain.corrections import (
    Correction,
    RecordedCorrection,
    correct_event,
    remove_last_event,
)
from aliret_tui.domain.models import Event
from aliret_tui.domain.vocabulary import EventKind
from aliret_tui.store.errors import EditConflict
from aliret_tui.store.orders import OrdersAndEvents
from aliret_tui.store.rows import event_from_row, event_row


class EventCorrections(OrdersAndEvents):
    def take_back_last_event(
        self, order_id: str, *, expected_version: int | None = None
    ) -> Correction:
        """Remove the order's last event; its state is what the rest replays to."""
        with self.transaction():
            order = self._current(order_id, expected_version)
            correction = remove_last_event(order, self.events(order_id), today=self.time.today())
            self._apply(order_id, correction)
        return correction

    def correct_event(
        self,
        order_id: str,
        seq: int,
        changes: Mapping[str, object],
        *,
        expected_version: int | None = None,
    ) -> Correction:
        """Change event ``seq``'s date or values; refused (nothing written) when the
        timeline would no longer hold."""
        with self.transaction():
            order = self._current(order_id, expected_version)
            correction = correct_event(
                order,
                self.events(order_id),
                seq,
                changes,
                today=self.time.today(),
                policy=self.policy,
            )
            self._apply(order_id, correction)
        return correction

    def event_corrections(self, order_id: str) -> list[RecordedCorrection]:
        rows = self.db.execute(
            "SELECT seq, before, after, corrected_at FROM event_corrections "
            "WHERE order_id = ? ORDER BY id",
            [order_id],
        )
        return [
            RecordedCorrection(
                seq=seq,
                before=_event_from_json(before),
                after=_event_from_json(after) if after else None,
                corrected_at=corrected_at,
            )
            for seq, before, after, corrected_at in rows
        ]

    # -- inside the transaction --------------------------------------------------------

    def _current(self, order_id: str, expected_version: int | None):
        order = self.get_order(order_id)
        if expected_version is not None and order.version != expected_version:
            raise EditConflict(
                f"order {order_id!r} was changed elsewhere since you opened it; "
                "look at it again, then correct it"
            )
        return order

    def _apply(self, order_id: str, correction: Correction) -> None:
        self.db.execute("DELETE FROM events WHERE order_id = ?", [order_id])
        self.insert_events(order_id, correction.events)
        self.save_order(correction.order)
        if correction.order.dispute is None:
            self.db.execute("DELETE FROM disputes WHERE order_id = ?", [order_id])
            self._drop_untouched_checklist(order_id)
        if correction.before.kind is EventKind.OPEN_DISPUTE:
            self._mark_disputed_lines(order_id, correction.events)
        self.db.execute(
            "INSERT INTO event_corrections (order_id, seq, before, after, corrected_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                order_id,
                correction.before.seq,
                _event_json(correction.before),
                _event_json(correction.after) if correction.after else None,
                self._now(),
            ],
        )

    def _drop_untouched_checklist(self, order_id: str) -> None:
        """With no dispute left, the checklist it brought goes, unless the user
        touched an item (ticked it, wrote a note, attached a file, or added it)."""
        self.db.execute(
            "DELETE FROM evidence WHERE order_id = ? AND done = 0 AND note = '' AND custom = 0 "
            "AND NOT EXISTS (SELECT 1 FROM attachments WHERE evidence_id = evidence.id)",
            [order_id],
        )

    def _mark_disputed_lines(self, order_id: str, events: tuple[Event, ...]) -> None:
        disputed = {
            line for event in events if event.kind is EventKind.OPEN_DISPUTE for line in event.lines
        }
        marks = ",".join("?" * len(disputed))
        self.db.execute(
            f"UPDATE order_lines SET disputed = (position IN ({marks})) WHERE order_id = ?",
            [*sorted(disputed), order_id],
        )


def _event_json(event: Event) -> str:
    return json.dumps({**event_row(event), "recorded_at": event.recorded_at}, sort_keys=True)


def _event_from_json(text: str) -> Event:
    return event_from_row(json.loads(text))
