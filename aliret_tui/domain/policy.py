"""The policy table: every AliExpress number the app relies on, with its source.

AliExpress changes its rules, so no number is written where it is used: the
code reads it from a ``Policy``. ``config.toml`` may override any of them
under ``[policy]``; see ``aliret_tui.config``. Plain Python with no costly
imports, so the fast ``check`` command can use it.
"""

from __future__ import annotations

import datetime as dt
from collections import namedtuple
from decimal import Decimal

GUIDE = (
    "Buyer's guide 'How to Return Items Purchased from AliExpress Successfully' "
    "(OrientDeck), kept in shared/domain.md"
)
HELP_PAGES = "AliExpress public help pages on disputes (copies vary by year; a default, not a fact)"

FreeReturnCap = namedtuple("FreeReturnCap", "currency amount applies_to")
FreeReturnCap.__doc__ = "The most a free return covers in one country, in its currency."

Rule = namedtuple("Rule", "name default meaning source")

RULES: tuple[Rule, ...] = (
    Rule("inspection_window_days", 15,
         "inspection period after delivery, in days", f"{GUIDE}, step 1"),
    Rule("local_return_window_days", 90,
         "free-return window for Local Return items, in days", f"{GUIDE}, step 1"),
    Rule("seller_response_days", 5, "days the seller has to answer a dispute", HELP_PAGES),
    Rule("escalation_opens_day", 4,
         "first day after opening a dispute on which the buyer may escalate", HELP_PAGES),
    Rule("escalation_deadline_days", 15,
         "last day (counted from opening the dispute) to escalate; "
         "it auto-escalates the day after", HELP_PAGES),
    Rule("ship_back_days", 10, "days to ship the item back once a return is approved", HELP_PAGES),
    Rule("refund_days", 7,
         "days after the seller gets the item (or agrees) by which the refund is due",
         f"{GUIDE}, step 6 (3-7 days)"),
    Rule("refund_earliest_days", 3, "earliest day a refund usually arrives",
         f"{GUIDE}, step 6 (3-7 days)"),
    Rule("card_refund_business_days_min", 3,
         "fewest business days for a card refund to reach the statement", HELP_PAGES),
    Rule("card_refund_business_days_max", 20,
         "most business days for a card refund to reach the statement", HELP_PAGES),
    Rule("mediation_buyer_win_percent", 70,
         "share of mediated cases won by buyers with clear evidence",
         f"{GUIDE}, 'Seller refuses'"),
    Rule("free_return_max_item_usd", Decimal("1000"),
         "items above this value (USD) are excluded from Free Return", HELP_PAGES),
    Rule("refund_without_return_thresholds", {"USD": Decimal("10")},
         "price below which sellers often refund without a return, per currency",
         f"{GUIDE}, step 4 (< $10)"),
    Rule("free_return_caps",
         {
             "US": FreeReturnCap("USD", Decimal("50"), "selected items"),
             "FR": FreeReturnCap("EUR", Decimal("40"), "local warehouse items"),
             "ES": FreeReturnCap("EUR", Decimal("40"), "local warehouse items"),
             "RU": FreeReturnCap("RUB", Decimal("3000"), "limited partners"),
         },
         "free return shipping cap per ship-to country",
         f"{GUIDE}, 'Free Return? Yes, Sometimes!' table"),
)  # fmt: skip

# Bumped when the way deadlines are computed changes (2: once delivered, the
# earlier of the protection date and delivery plus the window).
DEADLINE_RULES_VERSION = 2
# The rules deadlines are computed from: stored deadlines are recomputed when these change.
DEADLINE_RULES = (
    "inspection_window_days",
    "local_return_window_days",
    "seller_response_days",
    "escalation_deadline_days",
    "ship_back_days",
    "refund_days",
)


class Policy:
    """The rules in force: the defaults above, with any overrides from config.toml."""

    __slots__ = tuple(rule.name for rule in RULES)

    inspection_window_days: int
    local_return_window_days: int
    seller_response_days: int
    escalation_opens_day: int
    escalation_deadline_days: int
    ship_back_days: int
    refund_days: int
    refund_earliest_days: int
    card_refund_business_days_min: int
    card_refund_business_days_max: int
    mediation_buyer_win_percent: int
    free_return_max_item_usd: Decimal
    refund_without_return_thresholds: dict[str, Decimal]
    free_return_caps: dict[str, FreeReturnCap]

    def __init__(self, **overrides: object):
        unknown = set(overrides) - set(self.__slots__)
        if unknown:
            raise TypeError(f"unknown policy rules: {', '.join(sorted(unknown))}")
        for rule in RULES:
            value = overrides.get(rule.name, rule.default)
            setattr(self, rule.name, dict(value) if isinstance(value, dict) else value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Policy):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.__slots__)

    def __repr__(self) -> str:
        changed = [
            f"{rule.name}={getattr(self, rule.name)!r}"
            for rule in RULES
            if getattr(self, rule.name) != rule.default
        ]
        return f"Policy({', '.join(changed)})"

    def with_overrides(self, **changes: object) -> Policy:
        return Policy(**{**{name: getattr(self, name) for name in self.__slots__}, **changes})

    def window_days_for(self, *, local_return: bool) -> int:
        return self.local_return_window_days if local_return else self.inspection_window_days

    def escalation_opens_on(self, opened_on: dt.date) -> dt.date:
        """The first day the buyer may escalate a dispute opened on ``opened_on``
        (day 4 by default). The workflow's rule and every hint use this one date."""
        return opened_on + dt.timedelta(days=self.escalation_opens_day)

    def escalation_deadline(self, opened_on: dt.date) -> dt.date:
        """The last day to escalate (day 15 by default); it escalates by itself the day
        after. The escalate clock's deadline and every hint use this one date."""
        return opened_on + dt.timedelta(days=self.escalation_deadline_days)

    def deadline_fingerprint(self) -> str:
        """Identifies the numbers, and the version of the rules, that stored
        deadlines were computed with: a change to either recomputes them."""
        numbers = "-".join(str(getattr(self, name)) for name in DEADLINE_RULES)
        return f"{DEADLINE_RULES_VERSION}:{numbers}"


DEFAULT_POLICY = Policy()


def describe_rules(policy: Policy) -> list[tuple[str, object, str, str]]:
    """(name, value, meaning, source) for every rule, for ``config`` and the README."""
    return [(rule.name, getattr(policy, rule.name), rule.meaning, rule.source) for rule in RULES]
