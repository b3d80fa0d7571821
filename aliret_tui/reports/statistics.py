"""The statistics: money at stake, money recovered, how disputes end, how long refunds
take, which stores cause disputes, and which windows were missed.

Pure Python on plain values (``domain.history.OrderHistory``, read by ``store.history``),
so the statistics screen, ``aliret-tui stats`` and ``--json`` give the same figures.
Every amount is per currency: nothing is converted, and no two currencies are added.

``since`` (``--since DATE``) keeps what happened on or after that date, each thing by
its own date:

- a refund by the day it was refunded (Recovered, Refund delay, a store's recovered
  amounts): months before ``since`` show nothing;
- a dispute by the day it was opened (Dispute outcomes, a store's disputes);
- an order by its order date (or its delivery date when the order date is unknown),
  for the number of orders per store. An older order counts too when it has a dispute
  or a refund on or after ``since``, so disputes per order never exceed one;
- a missed window by its last day.

"At stake now" is always today's, whatever ``since`` says.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics as stats_math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from aliret_tui.domain.history import OrderHistory
from aliret_tui.domain.policy import Policy
from aliret_tui.domain.states import DISPUTE_OPEN_STATES, OrderState
from aliret_tui.domain.vocabulary import EventKind

S = OrderState
E = EventKind

MONTHS_SHOWN = 12
TOP_STORES = 10
NO_STORE_LABEL = "(store not recorded)"


class MoneyCount(NamedTuple):
    """How many orders (or refunds), and their amount, in one currency."""

    count: int
    amount: Decimal


class DisputeOutcome(StrEnum):
    """How a dispute ended (or that it has not yet).

    A dispute is **won** when the seller or AliExpress decided for the buyer, whether
    or not the money has arrived yet: the seller agreed to refund without a return
    (``seller_agreed``), the seller approved a return (``return_approved``, with no
    mediation), or mediation ruled for the buyer (``mediation_won``). It is **lost**
    when mediation ruled for the seller (``mediation_lost``), and **cancelled** when
    the buyer withdrew it (``cancelled``, whatever was agreed before). A dispute that
    was escalated counts by the mediation's ruling alone. The share won is won
    divided by decided (won, lost and cancelled); undecided disputes are left out.
    """

    SELLER_AGREED = "seller_agreed"
    RETURN_AND_REFUND = "return_and_refund"
    MEDIATION_WON = "mediation_won"
    MEDIATION_LOST = "mediation_lost"
    CANCELLED = "cancelled"
    UNDECIDED = "undecided"

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]


OUTCOME_LABELS = {
    DisputeOutcome.SELLER_AGREED: "Seller agreed (refund without return)",
    DisputeOutcome.RETURN_AND_REFUND: "Return and refund (seller approved)",
    DisputeOutcome.MEDIATION_WON: "Mediation won",
    DisputeOutcome.MEDIATION_LOST: "Mediation lost",
    DisputeOutcome.CANCELLED: "Cancelled (withdrawn)",
    DisputeOutcome.UNDECIDED: "Not decided yet",
}
WON_OUTCOMES = frozenset(
    {DisputeOutcome.SELLER_AGREED, DisputeOutcome.RETURN_AND_REFUND, DisputeOutcome.MEDIATION_WON}
)
DECIDED_OUTCOMES = frozenset(DisputeOutcome) - {DisputeOutcome.UNDECIDED}

# Events that start the refund clock; the last one before the refund is its start.
_REFUND_CLOCK_STARTS = frozenset({E.SELLER_AGREED, E.RETURN_DELIVERED, E.MEDIATION_WON})
# Events that set the amount the buyer is owed (a partial amount, or the price).
_AMOUNT_AGREED = frozenset({E.SELLER_AGREED, E.MEDIATION_WON})


class DelayBucket(NamedTuple):
    """Refunds that took ``low`` to ``high`` days (``high`` None: or more)."""

    low: int
    high: int | None
    count: int

    @property
    def label(self) -> str:
        if self.high is None:
            return f"{self.low}+ days"
        if self.high == self.low:
            return f"{self.low} day{'' if self.low == 1 else 's'}"
        return f"{self.low}–{self.high} days"

    def within(self, promise_days: int) -> bool:
        return self.high is not None and self.high <= promise_days


class StoreFigures(NamedTuple):
    store: str  # as stored (cleaned of control characters); "" when not recorded
    orders: int
    disputes: int
    recovered: dict[str, Decimal]  # per currency

    @property
    def disputes_per_order(self) -> float | None:
        return self.disputes / self.orders if self.orders else None

    @property
    def label(self) -> str:
        return self.store or NO_STORE_LABEL


@dataclass(frozen=True)
class Statistics:
    today: dt.date
    since: dt.date | None
    # At stake now: orders not archived, per currency.
    open_windows: dict[str, MoneyCount]
    open_disputes: dict[str, MoneyCount]
    # Recovered: ``months`` are (year, month), oldest first, ending with today's.
    months: tuple[tuple[int, int], ...]
    recovered_by_month: dict[str, tuple[Decimal, ...]]  # one amount per month
    recovered_total: dict[str, MoneyCount]  # every refund since ``since`` (or ever)
    # Dispute outcomes.
    outcomes: dict[DisputeOutcome, int]
    mediation_benchmark_percent: int  # the policy's "over 70% of mediations"
    # Refund delay, in days.
    promise_days: int
    delays: tuple[int, ...]  # sorted
    delay_buckets: tuple[DelayBucket, ...]
    # Stores with disputes: most disputes first, then most per order (at most
    # ``TOP_STORES`` of them), and how many stores had disputes.
    stores: tuple[StoreFigures, ...]
    stores_with_disputes: int
    # Missed: windows that expired while the order was still "window open".
    missed: dict[str, MoneyCount]

    @property
    def won(self) -> int:
        return sum(self.outcomes[outcome] for outcome in WON_OUTCOMES)

    @property
    def decided(self) -> int:
        return sum(self.outcomes[outcome] for outcome in DECIDED_OUTCOMES)

    @property
    def disputes(self) -> int:
        return sum(self.outcomes.values())

    @property
    def share_won(self) -> float | None:
        """Won divided by decided (see ``DisputeOutcome``); None before any decision."""
        return self.won / self.decided if self.decided else None

    @property
    def mediation_share_won(self) -> float | None:
        won = self.outcomes[DisputeOutcome.MEDIATION_WON]
        ruled = won + self.outcomes[DisputeOutcome.MEDIATION_LOST]
        return won / ruled if ruled else None

    @property
    def delay_median(self) -> float | None:
        return float(stats_math.median(self.delays)) if self.delays else None

    @property
    def delay_p90(self) -> int | None:
        """The 90th percentile by nearest rank: 90% of refunds took this long or less."""
        if not self.delays:
            return None
        return self.delays[math.ceil(0.9 * len(self.delays)) - 1]

    @property
    def refunds_within_promise(self) -> int:
        return sum(1 for days in self.delays if days <= self.promise_days)


# -- computing ---------------------------------------------------------------------


def compute_statistics(
    histories: Iterable[OrderHistory],
    *,
    today: dt.date,
    since: dt.date | None = None,
    policy: Policy,
    top_stores: int = TOP_STORES,
) -> Statistics:
    """Every figure of the statistics, from the orders' histories (archived ones
    included: they are history; only "at stake now" leaves them out)."""
    months = last_months(today, MONTHS_SHOWN)
    month_index = {month: index for index, month in enumerate(months)}
    windows: dict[str, list] = {}
    disputes: dict[str, list] = {}
    missed: dict[str, list] = {}
    recovered: dict[str, list] = {}
    by_month: dict[str, list[Decimal]] = {}
    outcomes = dict.fromkeys(DisputeOutcome, 0)
    delays: list[int] = []
    stores: dict[str, _StoreTally] = {}

    for history in histories:
        state, currency = history.state, history.currency
        deadline = history.deadline
        if state == S.WINDOW_OPEN:
            if deadline is not None and deadline < today:
                if since is None or deadline >= since:
                    _add(missed, currency, history.price)
            elif not history.archived:
                _add(windows, currency, history.price)
        elif state in DISPUTE_OPEN_STATES and not history.archived:
            _add(disputes, currency, amount_owed(history))

        if not history.events and history.dispute_opened_on is None:
            dispute_counts, refund = False, None  # never disputed: most orders
        else:
            opened = dispute_opened_on(history)
            dispute_counts = opened is not None and (since is None or opened >= since)
            if dispute_counts:
                outcomes[dispute_outcome(history)] += 1
            refund = refund_of(history)
            if refund is not None and since is not None and refund[0] < since:
                refund = None
        if refund is not None:
            refunded_on, amount = refund
            _add(recovered, currency, amount)
            index = month_index.get((refunded_on.year, refunded_on.month))
            if index is not None:
                by_month.setdefault(currency, [Decimal(0)] * len(months))[index] += amount
            started = refund_started_on(history, refunded_on)
            if started is not None and started <= refunded_on:
                delays.append((refunded_on - started).days)

        order_date = history.ordered_on or history.delivered_on
        order_counts = since is None or (order_date is not None and order_date >= since)
        if order_counts or dispute_counts or refund is not None:
            tally = stores.get(history.store)
            if tally is None:
                tally = stores[history.store] = _StoreTally()
            tally.orders += 1
            if dispute_counts:
                tally.disputes += 1
            if refund is not None:
                tally.recovered[currency] = tally.recovered.get(currency, Decimal(0)) + refund[1]

    delays.sort()
    ranked = sorted(
        (tally.figures(name) for name, tally in stores.items() if tally.disputes),
        key=lambda figures: (-figures.disputes, -figures.disputes / figures.orders, figures.store),
    )
    return Statistics(
        today=today,
        since=since,
        open_windows=_money(windows),
        open_disputes=_money(disputes),
        months=months,
        recovered_by_month={currency: tuple(by_month[currency]) for currency in sorted(by_month)},
        recovered_total=_money(recovered),
        outcomes=outcomes,
        mediation_benchmark_percent=policy.mediation_buyer_win_percent,
        promise_days=policy.refund_days,
        delays=tuple(delays),
        delay_buckets=_buckets(delays, policy.refund_days),
        stores=tuple(ranked[:top_stores]),
        stores_with_disputes=len(ranked),
        missed=_money(missed),
    )


def dispute_opened_on(history: OrderHistory) -> dt.date | None:
    """The day the dispute was opened; None when the order never had one."""
    for kind, on, _ in history.events:
        if kind == E.OPEN_DISPUTE:
            return on
    return history.dispute_opened_on


def dispute_outcome(history: OrderHistory) -> DisputeOutcome:
    """How the order's dispute ended, by ``DisputeOutcome``'s rules (call it only for
    an order with a dispute). The final state decides lost and cancelled; the
    timeline, or else the dispute's columns, decides the rest."""
    state = history.state
    if state == S.CANCELLED:
        return DisputeOutcome.CANCELLED
    if state == S.MEDIATION_LOST:
        return DisputeOutcome.MEDIATION_LOST
    kinds = {event[0] for event in history.events}
    if E.MEDIATION_WON in kinds:
        return DisputeOutcome.MEDIATION_WON
    if E.ESCALATED in kinds or history.escalated_on is not None:
        # Only a ruling (or withdrawing it) ends a mediation.
        return DisputeOutcome.UNDECIDED if state == S.IN_MEDIATION else DisputeOutcome.MEDIATION_WON
    if E.RETURN_APPROVED in kinds or history.return_approved_on is not None:
        return DisputeOutcome.RETURN_AND_REFUND
    if E.SELLER_AGREED in kinds or history.refund_due_since is not None or state == S.REFUNDED:
        return DisputeOutcome.SELLER_AGREED
    return DisputeOutcome.UNDECIDED


def refund_of(history: OrderHistory) -> tuple[dt.date, Decimal] | None:
    """(day refunded, amount) of the order's refund; a partial refund counts its amount."""
    for kind, on, amount in reversed(history.events):
        if kind == E.REFUNDED:
            return on, amount if amount is not None else _refund_amount(history)
    if history.refunded_on is not None:
        return history.refunded_on, _refund_amount(history)
    return None


def refund_started_on(history: OrderHistory, refunded_on: dt.date) -> dt.date | None:
    """When the refund clock started: the seller received the return, or agreed to
    refund without one (or mediation ruled a refund only)."""
    started = None
    for kind, on, _ in history.events:
        if kind in _REFUND_CLOCK_STARTS and on <= refunded_on:
            started = on
    return started if started is not None else history.refund_due_since


def amount_owed(history: OrderHistory) -> Decimal:
    """What an open dispute is about: the amount last agreed or ruled, else the price."""
    for kind, _, amount in reversed(history.events):
        if kind in _AMOUNT_AGREED:
            return amount if amount is not None else history.price
    return history.refund_expected if history.refund_expected is not None else history.price


def last_months(today: dt.date, count: int) -> tuple[tuple[int, int], ...]:
    """(year, month) of the ``count`` months ending with today's, oldest first."""
    index = today.year * 12 + today.month - 1
    months = (divmod(index - back, 12) for back in range(count - 1, -1, -1))
    return tuple((year, month + 1) for year, month in months)


def delay_bounds(promise_days: int) -> tuple[tuple[int, int | None], ...]:
    """The histogram's buckets, cut at half the promise, the promise, twice and four
    times it: the promise is always the end of a bucket."""
    cuts = sorted({promise_days // 2, promise_days, 2 * promise_days, 4 * promise_days})
    bounds: list[tuple[int, int | None]] = []
    low = 0
    for cut in cuts:
        if cut >= low:
            bounds.append((low, cut))
            low = cut + 1
    bounds.append((low, None))
    return tuple(bounds)


def _buckets(delays: list[int], promise_days: int) -> tuple[DelayBucket, ...]:
    return tuple(
        DelayBucket(
            low, high, sum(1 for days in delays if days >= low and (high is None or days <= high))
        )
        for low, high in delay_bounds(promise_days)
    )


def _refund_amount(history: OrderHistory) -> Decimal:
    if history.refund_amount is not None:
        return history.refund_amount
    if history.refund_expected is not None:
        return history.refund_expected
    return history.price


def _add(totals: dict[str, list], currency: str, amount: Decimal) -> None:
    entry = totals.get(currency)
    if entry is None:
        totals[currency] = [1, amount]
    else:
        entry[0] += 1
        entry[1] += amount


def _money(totals: Mapping[str, list]) -> dict[str, MoneyCount]:
    return {currency: MoneyCount(*totals[currency]) for currency in sorted(totals)}


class _StoreTally:
    __slots__ = ("disputes", "orders", "recovered")

    def __init__(self) -> None:
        self.orders = 0
        self.disputes = 0
        self.recovered: dict[str, Decimal] = {}

    def figures(self, name: str) -> StoreFigures:
        recovered = {currency: self.recovered[currency] for currency in sorted(self.recovered)}
        return StoreFigures(name, self.orders, self.disputes, recovered)


# -- output ------------------------------------------------------------------------


def month_label(month: tuple[int, int]) -> str:
    """'2026-01' for the statistics' (year, month)."""
    return f"{month[0]:04d}-{month[1]:02d}"


def statistics_to_json(stats: Statistics) -> dict[str, object]:
    """The figures as plain JSON data: amounts as strings (exact decimals), dates ISO."""
    return {
        "today": stats.today.isoformat(),
        "since": stats.since.isoformat() if stats.since else None,
        "at_stake": {
            "open_windows": _money_json(stats.open_windows),
            "open_disputes": _money_json(stats.open_disputes),
        },
        "recovered": {
            "months": [month_label(month) for month in stats.months],
            "by_month": {
                currency: [str(amount) for amount in amounts]
                for currency, amounts in stats.recovered_by_month.items()
            },
            "total": _money_json(stats.recovered_total),
        },
        "dispute_outcomes": {
            "counts": {outcome.value: count for outcome, count in stats.outcomes.items()},
            "won": stats.won,
            "decided": stats.decided,
            "share_won": _ratio(stats.share_won),
            "mediation_share_won": _ratio(stats.mediation_share_won),
            "mediation_benchmark_percent": stats.mediation_benchmark_percent,
        },
        "refund_delay": {
            "promise_days": stats.promise_days,
            "refunds": len(stats.delays),
            "within_promise": stats.refunds_within_promise,
            "median_days": stats.delay_median,
            "p90_days": stats.delay_p90,
            "histogram": [
                {"label": b.label, "from": b.low, "to": b.high, "count": b.count}
                for b in stats.delay_buckets
            ],
        },
        "stores": [
            {
                "store": figures.store,
                "orders": figures.orders,
                "disputes": figures.disputes,
                "disputes_per_order": _ratio(figures.disputes_per_order),
                "recovered": _amounts_json(figures.recovered),
            }
            for figures in stats.stores
        ],
        "stores_with_disputes": stats.stores_with_disputes,
        "missed": _money_json(stats.missed),
    }


def _money_json(totals: Mapping[str, MoneyCount]) -> dict[str, dict[str, object]]:
    return {
        currency: {"count": total.count, "amount": str(total.amount)}
        for currency, total in totals.items()
    }


def _amounts_json(amounts: Mapping[str, Decimal]) -> dict[str, str]:
    return {currency: str(amount) for currency, amount in amounts.items()}


def _ratio(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None


class Section(StrEnum):
    AT_STAKE = "At stake now"
    RECOVERED = "Recovered"
    OUTCOMES = "Dispute outcomes"
    REFUND_DELAY = "Refund delay"
    STORES = "Stores"
    MISSED = "Missed windows"


def statistics_text(stats: Statistics) -> list[str]:
    """Every figure as plain text, section by section: the charts' text equivalent,
    for screen readers, the command line and the screen."""
    lines: list[str] = []
    if stats.since is not None:
        lines.append(f"Since {stats.since.isoformat()} (at stake: as of today)")
    for section, section_lines in sections_text(stats).items():
        if lines:
            lines.append("")
        lines.append(section.value)
        lines.extend(f"  {line}" for line in section_lines)
    return lines


def sections_text(stats: Statistics) -> dict[Section, list[str]]:
    """The lines of each section (without its title), as ``statistics_text`` gives them."""
    return {
        Section.AT_STAKE: _at_stake_lines(stats),
        Section.RECOVERED: _recovered_lines(stats),
        Section.OUTCOMES: _outcome_lines(stats),
        Section.REFUND_DELAY: _delay_lines(stats),
        Section.STORES: _store_lines(stats),
        Section.MISSED: _missed_lines(stats),
    }


def _at_stake_lines(stats: Statistics) -> list[str]:
    return [
        f"Open windows: {_counted(stats.open_windows, 'order') or 'none'}",
        f"Open disputes: {_counted(stats.open_disputes, 'order') or 'none'}",
    ]


def _recovered_lines(stats: Statistics) -> list[str]:
    total = _counted(stats.recovered_total, "refund")
    if not total:
        return ["No refunds yet." if stats.since is None else "No refunds in this period."]
    period = "all time" if stats.since is None else f"since {stats.since.isoformat()}"
    lines = [f"Total, {period}: {total}", f"Last {len(stats.months)} months:"]
    for index, month in enumerate(stats.months):
        amounts = {
            currency: values[index]
            for currency, values in stats.recovered_by_month.items()
            if values[index]
        }
        lines.append(f"  {month_label(month)}  {_amounts(amounts) or '—'}")
    return lines


def _outcome_lines(stats: Statistics) -> list[str]:
    if not stats.disputes:
        return ["No disputes yet." if stats.since is None else "No disputes in this period."]
    width = max(len(outcome.label) for outcome in DisputeOutcome) + 1
    lines = [
        f"{(outcome.label + ':').ljust(width)} {stats.outcomes[outcome]}"
        for outcome in DisputeOutcome
    ]
    share = stats.share_won
    if share is None:
        lines.append("Won: none decided yet")
    else:
        lines.append(f"Won: {stats.won} of {stats.decided} decided ({share:.0%})")
    mediation = stats.mediation_share_won
    if mediation is not None:
        won = stats.outcomes[DisputeOutcome.MEDIATION_WON]
        ruled = won + stats.outcomes[DisputeOutcome.MEDIATION_LOST]
        lines.append(
            f"Mediation: {won} of {ruled} ruled for you ({mediation:.0%}); buyers with clear "
            f"evidence win over {stats.mediation_benchmark_percent}%"
        )
    return lines


def _delay_lines(stats: Statistics) -> list[str]:
    promise = (
        f"Promise: refunded within {stats.promise_days} days of the seller getting the "
        "return (or agreeing)"
    )
    if not stats.delays:
        return ["No refunds to time yet.", promise]
    count = len(stats.delays)
    late = count - stats.refunds_within_promise
    lines = [
        f"{_plural(count, 'refund')}: median {_days(stats.delay_median)}, "
        f"90th percentile {_days(stats.delay_p90)}",
        f"{promise}: {stats.refunds_within_promise} on time, {late} late",
    ]
    width = max(len(bucket.label) for bucket in stats.delay_buckets) + 1
    for bucket in stats.delay_buckets:
        mark = "" if bucket.within(stats.promise_days) else "  (late)"
        lines.append(f"{(bucket.label + ':').ljust(width)} {bucket.count}{mark}")
    return lines


def _store_lines(stats: Statistics) -> list[str]:
    if not stats.stores:
        return ["No disputes yet." if stats.since is None else "No disputes in this period."]
    lines = []
    for figures in stats.stores:
        ratio = figures.disputes_per_order
        per_order = f" ({ratio:.2f} per order)" if ratio is not None else ""
        recovered = _amounts(figures.recovered) or "nothing"
        lines.append(
            f"{figures.label}: {_plural(figures.disputes, 'dispute')} in "
            f"{_plural(figures.orders, 'order')}{per_order}; recovered {recovered}"
        )
    hidden = stats.stores_with_disputes - len(stats.stores)
    if hidden > 0:
        lines.append(f"… and {_plural(hidden, 'more store')} with disputes")
    return lines


def _missed_lines(stats: Statistics) -> list[str]:
    missed = _counted(stats.missed, "window")
    if not missed:
        return ["No window expired unused."]
    return [f"Expired while still open: {missed}"]


def _counted(totals: Mapping[str, MoneyCount], noun: str) -> str:
    """'45.00 USD (3 orders) · 20.00 EUR (1 order)'."""
    return " · ".join(
        f"{total.amount} {currency} ({_plural(total.count, noun)})"
        for currency, total in totals.items()
    )


def _amounts(amounts: Mapping[str, Decimal]) -> str:
    return " · ".join(f"{amounts[currency]} {currency}" for currency in sorted(amounts))


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _days(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:g} day{'' if value == 1 else 's'}"
