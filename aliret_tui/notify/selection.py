"""Which reminders are due today, and which target has not had which yet. Pure Python.

A deadline is reminded once at each threshold (``[notify] days``, by default 7, 3,
1 and 0 days before), then once when it has passed (threshold ``OVERDUE``). On a
given day only the nearest threshold reached counts: a deadline first seen 2 days
ahead is reminded once (at 3), not at 7 and 3 together. A reminder is keyed by
order, clock, deadline and threshold, so a deadline that moves is reminded anew.
"""

from __future__ import annotations

from typing import NamedTuple

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from aliret_tui.store.due import DueItem

OVERDUE = -1  # the threshold of a deadline that has passed


def threshold_reached(days_left: int, days_before: Sequence[int]) -> int | None:
    """The nearest threshold at or above ``days_left``; OVERDUE once it is negative;
    None while the deadline is further away than every threshold."""
    if days_left < 0:
        return OVERDUE
    reached = [day for day in days_before if day >= days_left]
    return min(reached) if reached else None


def horizon(days_before: Sequence[int]) -> int:
    """How far ahead a reminder can be due: the largest threshold."""
    return max(days_before, default=0)


class Reminder(NamedTuple):
    item: DueItem
    threshold: int

    def key(self, target: str) -> tuple[str, str, str, int, str]:
        """Its row in ``reminders_sent`` for one target."""
        item = self.item
        return (item.order_id, item.clock.value, item.deadline.isoformat(), self.threshold, target)


def reminders_due(items: Iterable[DueItem], days_before: Sequence[int]) -> list[Reminder]:
    """A reminder for each item at the threshold it has reached, the most urgent first."""
    due = []
    for item in items:
        threshold = threshold_reached(item.days_left, days_before)
        if threshold is not None:
            due.append(Reminder(item, threshold))
    due.sort(key=lambda reminder: (reminder.item.days_left, reminder.item.order_id))
    return due


def pending(
    reminders: Sequence[Reminder], targets: Iterable[str], sent: set[tuple]
) -> dict[str, list[Reminder]]:
    """For each target (by its key), the reminders it has not received yet, in order."""
    return {
        target: [reminder for reminder in reminders if reminder.key(target) not in sent]
        for target in targets
    }
