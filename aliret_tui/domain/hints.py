"""The advice the app gives about an order, from the policy table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from aliret_tui.domain.evidence import Readiness
from aliret_tui.domain.models import Order
from aliret_tui.domain.policy import Policy
from aliret_tui.domain.states import OrderState
from aliret_tui.domain.workflow import escalation_opening


class HintKind(StrEnum):
    REFUND_WITHOUT_RETURN = "refund_without_return"
    FREE_RETURN = "free_return"
    ESCALATE = "escalate"


@dataclass(frozen=True)
class Hint:
    kind: HintKind
    title: str
    detail: str


def hints_for(
    order: Order, readiness: Readiness, policy: Policy, today: dt.date | None = None
) -> list[Hint]:
    """The hints for ``order``; with ``today``, the escalate hint says how long to wait
    when escalating is not possible yet."""
    if order.state.is_closed:
        return []
    found = [
        hint
        for hint in (
            _refund_without_return(order, policy),
            _free_return(order, policy),
            _escalate(order, readiness, policy, today),
        )
        if hint is not None
    ]
    return found


def _refund_without_return(order: Order, policy: Policy) -> Hint | None:
    threshold = policy.refund_without_return_thresholds.get(order.currency)
    if threshold is None or order.price >= threshold:
        return None
    return Hint(
        HintKind.REFUND_WITHOUT_RETURN,
        "Refund without return is likely",
        f"Sellers often refund items under {threshold} {order.currency} without asking for "
        "them back: ask for a refund only before shipping anything.",
    )


def _free_return(order: Order, policy: Policy) -> Hint | None:
    if not (order.free_return or order.local_return) or order.country is None:
        return None
    cap = policy.free_return_caps.get(order.country)
    if cap is None or cap.currency != order.currency or order.price > cap.amount:
        return None
    programme = "Local Return" if order.local_return else "Free Return"
    return Hint(
        HintKind.FREE_RETURN,
        "Free return eligible",
        f"{programme}: return shipping is covered for {cap.applies_to} in {order.country} "
        f"up to {cap.amount} {cap.currency}. One free return per order.",
    )


def _escalate(
    order: Order, readiness: Readiness, policy: Policy, today: dt.date | None
) -> Hint | None:
    if order.state is not OrderState.SELLER_REFUSED or order.dispute is None:
        return None
    opened = order.dispute.opened_on
    # The same two dates the workflow refuses an early escalation with, and the
    # escalate clock counts down to.
    earliest = policy.escalation_opens_on(opened)
    latest = policy.escalation_deadline(opened)
    missing = readiness.missing
    if missing:
        have = "Still missing: " + ", ".join(missing) + "."
    elif readiness.tracking is None:
        have = "You have the photos and the messages; tracking comes with a return."
    else:
        have = "You have all three."
    odds = (
        f"Over {policy.mediation_buyer_win_percent}% of mediated cases go the buyer's way "
        "when the evidence is clear."
    )
    if today is not None and today < earliest:
        return Hint(
            HintKind.ESCALATE,
            f"Seller refused: escalate from {earliest}",
            f"Escalating to AliExpress mediation is possible from "
            f"{escalation_opening(opened, policy, today)}, at the latest {latest}. Until "
            f"then, gather what the mediator asks for: photos, messages and tracking. {have} "
            + odds,
        )
    return Hint(
        HintKind.ESCALATE,
        "Seller refused: escalate now",
        f"Escalate to AliExpress mediation (possible from {earliest}, at the latest {latest}). "
        f"The mediator asks for photos, messages and tracking. {have} " + odds,
    )
