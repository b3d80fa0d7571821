"""The policy table: every AliExpress number the app relies on, with its source.

AliExpress changes its rules, so no number is written where it is used: the
code reads it from a ``Policy``. ``config.toml`` may override any of them
under ``[policy]``; see ``aliret_tui.config``. Pure Python, no I/O, so the
fast ``check`` command can use it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from typing import Any

GUIDE = (
    "Buyer's guide 'How to Return Items Purchased from AliExpress Successfully' "
    "(OrientDeck), kept in shared/domain.md"
)
HELP_PAGES = "AliExpress public help pages on disputes (copies vary by year; a default, not a fact)"


@dataclass(frozen=True)
class FreeReturnCap:
    """The most a free return covers in one country, in that country's currency."""

    currency: str
    amount: Decimal
    applies_to: str


def _default_caps() -> dict[str, FreeReturnCap]:
    return {
        "US": FreeReturnCap("USD", Decimal("50"), "selected items"),
        "FR": FreeReturnCap("EUR", Decimal("40"), "local warehouse items"),
        "ES": FreeReturnCap("EUR", Decimal("40"), "local warehouse items"),
        "RU": FreeReturnCap("RUB", Decimal("3000"), "limited partners"),
    }


def _rule(default: Any, meaning: str, source: str) -> Any:
    return field(default=default, metadata={"meaning": meaning, "source": source})


def _rule_factory(factory: Any, meaning: str, source: str) -> Any:
    return field(default_factory=factory, metadata={"meaning": meaning, "source": source})


@dataclass(frozen=True)
class Policy:
    inspection_window_days: int = _rule(
        15, "inspection period after delivery, in days", f"{GUIDE}, step 1"
    )
    local_return_window_days: int = _rule(
        90, "free-return window for Local Return items, in days", f"{GUIDE}, step 1"
    )
    seller_response_days: int = _rule(5, "days the seller has to answer a dispute", HELP_PAGES)
    escalation_opens_day: int = _rule(
        4, "first day after opening a dispute on which the buyer may escalate", HELP_PAGES
    )
    escalation_deadline_days: int = _rule(
        15,
        "last day (counted from opening the dispute) to escalate; it auto-escalates the day after",
        HELP_PAGES,
    )
    ship_back_days: int = _rule(
        10, "days to ship the item back once a return is approved", HELP_PAGES
    )
    refund_days: int = _rule(
        7,
        "days after the seller gets the item (or agrees) by which the refund is due",
        f"{GUIDE}, step 6 (3-7 days)",
    )
    refund_earliest_days: int = _rule(
        3, "earliest day a refund usually arrives", f"{GUIDE}, step 6 (3-7 days)"
    )
    card_refund_business_days_min: int = _rule(
        3, "fewest business days for a card refund to reach the statement", HELP_PAGES
    )
    card_refund_business_days_max: int = _rule(
        20, "most business days for a card refund to reach the statement", HELP_PAGES
    )
    mediation_buyer_win_percent: int = _rule(
        70,
        "share of mediated cases won by buyers with clear evidence",
        f"{GUIDE}, 'Seller refuses'",
    )
    free_return_max_item_usd: Decimal = _rule(
        Decimal("1000"), "items above this value (USD) are excluded from Free Return", HELP_PAGES
    )
    refund_without_return_thresholds: dict[str, Decimal] = _rule_factory(
        lambda: {"USD": Decimal("10")},
        "price below which sellers often refund without a return, per currency",
        f"{GUIDE}, step 4 (< $10)",
    )
    free_return_caps: dict[str, FreeReturnCap] = _rule_factory(
        _default_caps,
        "free return shipping cap per ship-to country",
        f"{GUIDE}, 'Free Return? Yes, Sometimes!' table",
    )

    def window_days_for(self, *, local_return: bool) -> int:
        return self.local_return_window_days if local_return else self.inspection_window_days

    def deadline_fingerprint(self) -> str:
        """Identifies the numbers that stored deadlines were computed with."""
        numbers = (
            self.inspection_window_days,
            self.local_return_window_days,
            self.seller_response_days,
            self.escalation_deadline_days,
            self.ship_back_days,
            self.refund_days,
        )
        return hashlib.sha1(repr(numbers).encode()).hexdigest()[:16]

    def with_overrides(self, **changes: Any) -> Policy:
        return replace(self, **changes)


DEFAULT_POLICY = Policy()

DAY_RULES = tuple(f.name for f in fields(Policy) if f.type in ("int", int))


def describe_rules(policy: Policy) -> list[tuple[str, Any, str, str]]:
    """(name, value, meaning, source) for every rule, for ``config`` and the README."""
    return [
        (f.name, getattr(policy, f.name), f.metadata["meaning"], f.metadata["source"])
        for f in fields(policy)
    ]
