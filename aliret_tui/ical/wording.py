"""What a calendar event says: a short summary that starts with the item's name, and a
description with what to do, what happens at the deadline, where the deadline
comes from and the mediation checklist. Every number comes from the policy.
"""

from __future__ import annotations

import datetime as dt

from aliret_tui.domain.clocks import Clock, ClockKind
from aliret_tui.domain.deadline_rule import deadline_rule
from aliret_tui.domain.evidence import readiness
from aliret_tui.domain.policy import Policy
from aliret_tui.store.calendar_feed import LiveOrder
from aliret_tui.terminal_cells import cells, shorten

SHORT_NAME_CELLS = 30
# Where an item's name usually ends and its details begin: "Phone case, for iPhone 15".
_NAME_ENDS = (", ", " - ", " – ", " — ", " | ", "; ", " (")
_SHORTEST_NAME_CELLS = 4
ALARM_MARK = "⏰"

_DUE = {
    ClockKind.INSPECTION: "last day to open a dispute",
    ClockKind.SELLER_RESPONSE: "seller's last day to answer",
    ClockKind.ESCALATE: "last day to escalate",
    ClockKind.SHIP_BACK: "last day to ship it back",
    ClockKind.REFUND: "refund due",
}
_NOT_DELIVERED_DUE = "last day to report it not received"
_OVERDUE = {
    ClockKind.SELLER_RESPONSE: "seller's answer overdue since {since}",
    ClockKind.ESCALATE: "escalation overdue since {since}",
    ClockKind.SHIP_BACK: "shipping it back overdue since {since}",
    ClockKind.REFUND: "refund overdue since {since}",
}
_MARKS = {True: "✓", False: "✗", None: "–"}


def short_name(title: str) -> str:
    """The item's name without its details, at most ``SHORT_NAME_CELLS`` cells."""
    name = " ".join(title.split())
    for end in _NAME_ENDS:
        found = name.find(end)
        if found != -1 and cells(name[:found]) >= _SHORTEST_NAME_CELLS:
            name = name[:found]
    if cells(name) <= SHORT_NAME_CELLS:
        return name
    kept = shorten(name, SHORT_NAME_CELLS)[:-1]  # without its ellipsis
    whole_words = kept.rsplit(" ", 1)[0] if name[len(kept)] != " " else kept
    if cells(whole_words) >= SHORT_NAME_CELLS // 2:
        kept = whole_words
    return kept.rstrip(" ,;-") + "…"


def overdue_since(clock: Clock) -> dt.date:
    """The first day past the deadline."""
    return clock.deadline + dt.timedelta(days=1)


def event_day(clock: Clock, today: dt.date) -> dt.date:
    """The deadline; an overdue clock is shown on today, so its alarm still rings."""
    return today if clock.is_overdue(today) else clock.deadline


def summary(live: LiveOrder, today: dt.date) -> str:
    """``⏰ Phone case: last day to open a dispute``."""
    clock = live.clock
    if clock.is_overdue(today):
        what = _OVERDUE[clock.kind].format(since=overdue_since(clock).isoformat())
    elif clock.awaiting_delivery:
        what = _NOT_DELIVERED_DUE
    else:
        what = _DUE[clock.kind]
    return f"{ALARM_MARK} {short_name(live.order.title)}: {what}"


def description(live: LiveOrder, policy: Policy, today: dt.date) -> str:
    order, clock = live.order, live.clock
    lines = [f"Order {order.order_id}: {order.title}", f"What to do: {clock.action(today)}"]
    if clock.is_overdue(today):
        lines.append(
            f"Overdue since {overdue_since(clock)} (the deadline was {clock.deadline}). "
            "This reminder moves to each new day until you record what happened."
        )
    lines.append(f"At the deadline: {at_the_deadline(live, policy)}")
    if clock.kind is ClockKind.SELLER_RESPONSE:
        lines.append(f"If the seller refuses: {if_the_seller_refuses(live, policy)}")
    lines += [
        f"Deadline {clock.deadline}: {deadline_rule(order, clock, policy, live.origins)}",
        f"Store: {order.store or '(not recorded)'} · Price: {order.price} {order.currency}",
        "",
    ]
    ready = readiness(order.dispute, live.checklist, live.senders)  # type: ignore[arg-type]
    lines.append(
        "Mediation checklist: "
        f"{_MARKS[ready.photos]} photos, {_MARKS[ready.messages]} messages, "
        f"{_MARKS[ready.tracking]} tracking"
    )
    lines += [f"[{'x' if entry.has_proof else ' '}] {entry.label}" for entry in live.checklist]
    if not live.checklist:
        lines.append("Opening a dispute adds the evidence checklist for its reason.")
    return "\n".join(lines)


def at_the_deadline(live: LiveOrder, policy: Policy) -> str:
    """What happens when the deadline passes, as AliExpress's rules say."""
    clock, dispute = live.clock, live.order.dispute
    after = overdue_since(clock)
    if clock.kind is ClockKind.INSPECTION:
        if clock.awaiting_delivery:
            return (
                f"buyer protection ends; from {after} you can no longer open a "
                "'not received' dispute for this order."
            )
        return (
            f"the inspection period ends; from {after} AliExpress no longer lets you open "
            "a dispute for this order."
        )
    if clock.kind is ClockKind.SELLER_RESPONSE:
        return (
            f"the seller has {policy.seller_response_days} days to answer. If they agree, or "
            f"have not answered by the end of {clock.deadline}, the dispute is decided in "
            "your favour and the refund goes through (AliExpress's rule; check the order page)."
        )
    if clock.kind is ClockKind.ESCALATE:
        opened = f" (opened {dispute.opened_on})" if dispute else ""
        return (
            f"on {after} the dispute{opened} goes to AliExpress mediation by itself, and a "
            "claim whose evidence is not in on time is cancelled: send photos, messages and "
            "tracking before then."
        )
    if clock.kind is ClockKind.SHIP_BACK:
        return (
            f"a return not shipped within {policy.ship_back_days} days of its approval is "
            "closed, and the money goes to the seller. Keep the tracking number."
        )
    return (
        "the refund should have come: it usually takes "
        f"{policy.refund_earliest_days}-{policy.refund_days} days once the seller agrees or "
        "gets the return back, and on a card "
        f"{policy.card_refund_business_days_min}-{policy.card_refund_business_days_max} "
        "business days more to show on the statement. If it is late, contact the seller or "
        "AliExpress support, or escalate."
    )


def if_the_seller_refuses(live: LiveOrder, policy: Policy) -> str:
    """The way on after a refusal: record it, then escalate in time, with evidence."""
    dispute = live.order.dispute
    window = ""
    if dispute is not None:
        first = policy.escalation_opens_on(dispute.opened_on)
        last = policy.escalation_deadline(dispute.opened_on)
        window = f" from {first} to {last} (it escalates by itself on {last + dt.timedelta(1)})"
    return (
        "record the refusal in aliret-tui, then escalate the dispute to AliExpress "
        f"mediation{window}, with photos, messages and tracking. About "
        f"{policy.mediation_buyer_win_percent}% of mediated cases with clear evidence are "
        "ruled in the buyer's favour."
    )
