"""Which rule and which date set a deadline, and where that date came from, in
words: the detail screen and the calendar say it, so a deadline is never a
number the user has to take on trust."""

from __future__ import annotations

from collections.abc import Mapping

from aliret_tui.domain.clocks import Clock, ClockKind
from aliret_tui.domain.models import Order
from aliret_tui.domain.policy import Policy

# field -> (origin, source), as the store keeps them; no entry means typed by the user.
Origins = Mapping[str, tuple[str, str]]
IMPORTED = "imported"


def origin_of(origins: Origins | None, field: str) -> str:
    """'typed', or 'from <source>' for a value an import brought."""
    origin, source = (origins or {}).get(field, ("typed", ""))
    return f"from {source}" if origin == IMPORTED else "typed"


def deadline_rule(
    order: Order, clock: Clock, policy: Policy, origins: Origins | None = None
) -> str:
    """Which rule produced the deadline, in words."""
    dispute = order.dispute
    if clock.kind is ClockKind.INSPECTION:
        return _inspection_rule(order, clock, policy, origins)
    if clock.kind is ClockKind.SELLER_RESPONSE and dispute:
        days = policy.seller_response_days
        return f"dispute opened {dispute.opened_on} + {days} days for the seller to answer"
    if clock.kind is ClockKind.ESCALATE and dispute:
        return (
            f"dispute opened {dispute.opened_on} + {policy.escalation_deadline_days} days; "
            "it escalates automatically the day after"
        )
    if clock.kind is ClockKind.SHIP_BACK:
        return f"return approved {clock.started_on} + {policy.ship_back_days} days to ship it back"
    return (
        f"{clock.started_on} + {policy.refund_days} days for the refund (usually "
        f"{policy.refund_earliest_days}-{policy.refund_days} days)"
    )


def _inspection_rule(order: Order, clock: Clock, policy: Policy, origins: Origins | None) -> str:
    protection = order.protection_ends
    protection_text = (
        f"buyer protection ends {protection} ({origin_of(origins, 'protection_ends')})"
    )
    if order.delivered_on is None:
        return f"{protection_text}; not delivered yet"
    if order.window_days is not None:
        window = f"{order.window_days} days set for this order"
    else:
        days = policy.window_days_for(local_return=order.local_return)
        kind = "Local Return window" if order.local_return else "inspection period"
        window = f"{days} days ({kind}, the policy's default)"
    delivered = f"delivered {order.delivered_on} ({origin_of(origins, 'delivered_on')}) + {window}"
    if protection is not None and clock.deadline == protection:
        return f"{protection_text}, earlier than {delivered}"
    return delivered
