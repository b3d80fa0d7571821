"""The return clocks: which one runs for an order, its deadline, and what to do.

Pure Python on plain values (no pydantic), so ``aliret-tui check`` can use it
without paying for heavy imports. A deadline is the last calendar day on which
the action can still be taken; ``days_left = deadline - today``.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from aliret_tui.domain.states import OrderState

TYPE_CHECKING = False
if TYPE_CHECKING:
    from aliret_tui.domain.policy import Policy


class ClockKind(StrEnum):
    INSPECTION = "inspection"
    SELLER_RESPONSE = "seller_response"
    ESCALATE = "escalate"
    SHIP_BACK = "ship_back"
    REFUND = "refund"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


_ACTIONS = {
    ClockKind.INSPECTION: "Inspect the item, then open a dispute or mark it kept",
    ClockKind.SELLER_RESPONSE: "Wait for the seller's answer; escalate if they refuse",
    ClockKind.ESCALATE: "Escalate to AliExpress mediation with photos, messages and tracking",
    ClockKind.SHIP_BACK: "Pack and ship the item back, then record the tracking number",
    ClockKind.REFUND: "Wait for the refund; chase it if it is late",
}
_OVERDUE_ACTIONS = {
    ClockKind.SELLER_RESPONSE: (
        "The seller's time to answer is up: check the refund went through, or escalate"
    ),
    ClockKind.ESCALATE: (
        "Escalation deadline passed: check the dispute was escalated and send your evidence"
    ),
    ClockKind.SHIP_BACK: "Ship-back deadline passed: ship it now and record the tracking number",
    ClockKind.REFUND: "Refund overdue: contact the seller or support, or escalate",
}
_NOT_RECEIVED_ACTION = (
    "Not delivered yet: open a 'not received' dispute before buyer protection ends"
)


class Clock:
    """One running clock. ``started_on`` is None when the start is unknown (only a
    protection date); ``awaiting_delivery`` marks an inspection on an order that
    has not arrived; ``opens_on``, the first day an escalation is possible (the
    policy's, for an escalate clock)."""

    __slots__ = ("awaiting_delivery", "deadline", "kind", "opens_on", "started_on")

    def __init__(
        self,
        kind: ClockKind,
        deadline: dt.date,
        started_on: dt.date | None,
        awaiting_delivery: bool = False,
        opens_on: dt.date | None = None,
    ):
        self.kind = kind
        self.deadline = deadline
        self.started_on = started_on
        self.awaiting_delivery = awaiting_delivery
        self.opens_on = opens_on  # follows from started_on and the policy: not in _key

    def _key(self) -> tuple[object, ...]:
        return (self.kind, self.deadline, self.started_on, self.awaiting_delivery)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Clock) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return "Clock({!r}, {!r}, {!r}, awaiting_delivery={!r})".format(*self._key())

    def days_left(self, today: dt.date) -> int:
        return (self.deadline - today).days

    def is_expired(self, today: dt.date) -> bool:
        """An inspection window that passed unused is no longer actionable."""
        return self.kind is ClockKind.INSPECTION and today > self.deadline

    def is_overdue(self, today: dt.date) -> bool:
        """Past its deadline but still actionable (every clock except inspection)."""
        return self.kind is not ClockKind.INSPECTION and today > self.deadline

    def action(self, today: dt.date) -> str:
        opens_in = (self.opens_on - today).days if self.opens_on is not None else 0
        return clock_action(self.kind, self.days_left(today), self.awaiting_delivery, opens_in)


def escalation_opens_in(days_left: int, policy: Policy) -> int:
    """Days until an escalate clock with ``days_left`` allows escalating (0 or less:
    it does), from its deadline alone: the policy's last day minus its first."""
    return days_left - (policy.escalation_deadline_days - policy.escalation_opens_day)


def clock_action(
    kind: ClockKind, days_left: int, awaiting_delivery: bool = False, opens_in_days: int = 0
) -> str:
    """What to do about a clock with ``days_left`` (``Clock.action`` without the Clock,
    for ``check``'s thousands of rows). ``opens_in_days``: an escalation the policy
    does not allow yet."""
    if kind is ClockKind.ESCALATE and opens_in_days > 0:
        when = "tomorrow" if opens_in_days == 1 else f"in {opens_in_days} days"
        return (
            "Gather photos, messages and tracking: escalating to AliExpress mediation "
            f"is possible {when}"
        )
    if days_left < 0 and kind is not ClockKind.INSPECTION:
        return _OVERDUE_ACTIONS[kind]
    if awaiting_delivery:
        return _NOT_RECEIVED_ACTION
    return _ACTIONS[kind]


def inspection_deadline(
    *,
    delivered_on: dt.date | None,
    protection_ends: dt.date | None,
    window_days: int | None,
    local_return: bool,
    policy: Policy,
) -> dt.date | None:
    """Before delivery, the buyer-protection date. Once delivered, the earlier of
    that date and delivery plus the window: a tracker must never make the buyer late."""
    if delivered_on is None:
        return protection_ends
    days = (
        window_days
        if window_days is not None
        else policy.window_days_for(local_return=local_return)
    )
    by_window = delivered_on + dt.timedelta(days=days)
    return by_window if protection_ends is None else min(protection_ends, by_window)


def running_clock(
    state: OrderState | str,
    *,
    delivered_on: dt.date | None,
    protection_ends: dt.date | None,
    window_days: int | None,
    local_return: bool,
    ordered_on: dt.date | None,
    dispute_opened_on: dt.date | None,
    clock_since: dt.date | None,
    policy: Policy,
) -> Clock | None:
    """The one clock running in this state, or None (closed, or no buyer clock)."""
    state = OrderState(state)
    if state is OrderState.WINDOW_OPEN and delivered_on is None:
        return None  # delivered on a date nobody knows yet: never guess a deadline
    if state in (OrderState.IN_TRANSIT, OrderState.WINDOW_OPEN):
        deadline = inspection_deadline(
            delivered_on=delivered_on,
            protection_ends=protection_ends,
            window_days=window_days,
            local_return=local_return,
            policy=policy,
        )
        if deadline is None:
            return None
        started = delivered_on or ordered_on
        return Clock(
            ClockKind.INSPECTION, deadline, started, awaiting_delivery=delivered_on is None
        )
    if state is OrderState.AWAITING_SELLER and dispute_opened_on:
        return _counting(ClockKind.SELLER_RESPONSE, dispute_opened_on, policy.seller_response_days)
    if state is OrderState.SELLER_REFUSED and dispute_opened_on:
        deadline = policy.escalation_deadline(dispute_opened_on)
        opens_on = policy.escalation_opens_on(dispute_opened_on)
        return Clock(ClockKind.ESCALATE, deadline, dispute_opened_on, opens_on=opens_on)
    if state is OrderState.RETURN_APPROVED and clock_since:
        return _counting(ClockKind.SHIP_BACK, clock_since, policy.ship_back_days)
    if state is OrderState.REFUND_PENDING and clock_since:
        return _counting(ClockKind.REFUND, clock_since, policy.refund_days)
    return None


def clock_from_columns(
    state: str,
    *,
    delivered_on: str | None,
    protection_ends: str | None,
    window_days: int | None,
    local_return: int | bool,
    ordered_on: str | None,
    dispute_opened_on: str | None,
    clock_since: str | None,
    policy: Policy,
) -> Clock | None:
    """``running_clock`` on an order's columns as SQLite stores them (ISO dates)."""
    return running_clock(
        state,
        delivered_on=_date(delivered_on),
        protection_ends=_date(protection_ends),
        window_days=window_days,
        local_return=bool(local_return),
        ordered_on=_date(ordered_on),
        dispute_opened_on=_date(dispute_opened_on),
        clock_since=_date(clock_since),
        policy=policy,
    )


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _counting(kind: ClockKind, since: dt.date, days: int) -> Clock:
    return Clock(kind, since + dt.timedelta(days=days), since)


def describe_days_left(days_left: int) -> str:
    """'3 days left', 'last day', '2 days overdue'."""
    if days_left == 0:
        return "last day"
    if days_left < 0:
        overdue = -days_left
        return f"{overdue} day{'s' if overdue != 1 else ''} overdue"
    return f"{days_left} day{'s' if days_left != 1 else ''} left"
