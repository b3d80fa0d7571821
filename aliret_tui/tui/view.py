"""What the dashboard shows, computed in plain Python (no Textual), so it is easy
to test and fast at 100k orders: table rows, urgency, filters, search, sorting,
the countdown cards and the summary line."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum, StrEnum
from typing import Any

from aliret_tui.domain.clocks import Clock, clock_from_columns
from aliret_tui.domain.policy import Policy
from aliret_tui.domain.states import (
    DELIVERY_UNKNOWN_LABEL,
    DISPUTE_OPEN_STATES,
    EXPIRED_WINDOW_LABEL,
    OrderState,
)
from aliret_tui.sanitize import shown


class Filter(StrEnum):
    ACTIVE = "active"
    DISPUTES = "disputes"
    CLOSED = "closed"
    ALL = "all"

    def next(self) -> Filter:
        members = list(Filter)
        return members[(members.index(self) + 1) % len(members)]


class Urgency(IntEnum):
    """How soon something must happen; lower sorts first."""

    OVERDUE = 0
    CRITICAL = 1  # the critical threshold or less (2 days by default)
    SOON = 2  # the soon threshold or less (7 days by default)
    LATER = 3
    NO_CLOCK = 4
    CLOSED = 5


@dataclass(frozen=True)
class UrgencyThresholds:
    critical_days: int = 2
    soon_days: int = 7

    def of(self, days_left: int) -> Urgency:
        if days_left < 0:
            return Urgency.OVERDUE
        if days_left <= self.critical_days:
            return Urgency.CRITICAL
        if days_left <= self.soon_days:
            return Urgency.SOON
        return Urgency.LATER


@dataclass(frozen=True, slots=True)
class OrderRow:
    """One line of the table. Kept small: a heavy buyer has 100k of them."""

    order_id: str
    title: str
    store: str
    price: str  # as stored, e.g. "12.50"; ``amount`` gives the Decimal
    currency: str
    delivered_on: str | None  # ISO date, as stored
    state: OrderState
    state_label: str
    clock: Clock | None  # None when no clock runs, or the inspection window expired
    days_left: int | None
    urgency: Urgency
    archived: bool
    refund_pending_amount: Decimal | None
    refunded_amount: Decimal | None

    @property
    def amount(self) -> Decimal:
        return Decimal(self.price)

    @property
    def price_text(self) -> str:
        return f"{self.price} {self.currency}"

    @property
    def deadline(self) -> dt.date | None:
        return self.clock.deadline if self.clock else None

    @property
    def is_closed(self) -> bool:
        return self.state.is_closed

    @property
    def window_expired(self) -> bool:
        delivered = self.delivered_on is not None
        return self.state is OrderState.WINDOW_OPEN and delivered and self.clock is None

    @property
    def is_done(self) -> bool:
        """Nothing more to do: closed, archived, or the window passed unused."""
        return self.is_closed or self.archived or self.window_expired


def build_rows(
    records: Iterable[Sequence[Any]],
    policy: Policy,
    today: dt.date,
    thresholds: UrgencyThresholds = UrgencyThresholds(),
) -> list[OrderRow]:
    """Rows from ``Store.dashboard_rows()`` (tuples in ``DASHBOARD_COLUMNS`` order)."""
    shared: dict[str, str] = {}  # one copy of each store name and currency
    return [_row(record, policy, today, thresholds, shared) for record in records]


def _row(
    record: Sequence[Any],
    policy: Policy,
    today: dt.date,
    thresholds: UrgencyThresholds,
    shared: dict[str, str],
) -> OrderRow:
    (order_id, title, store, price, currency, ordered_on, delivered_on, protection_ends,
     window_days, local_return, state_name, clock_name, clock_since, archived, opened_on,
     refund_expected, refund_amount) = record  # fmt: skip
    state = OrderState(state_name)
    clock = None
    if clock_name is not None:
        clock = clock_from_columns(
            state,
            delivered_on=delivered_on,
            protection_ends=protection_ends,
            window_days=window_days,
            local_return=local_return,
            ordered_on=ordered_on,
            dispute_opened_on=opened_on,
            clock_since=clock_since,
            policy=policy,
        )
    label = state.label
    if state is OrderState.WINDOW_OPEN and delivered_on is None:
        label = DELIVERY_UNKNOWN_LABEL
    if clock is not None and clock.is_expired(today):
        clock, label = None, EXPIRED_WINDOW_LABEL
    days_left = clock.days_left(today) if clock else None
    if state.is_closed:
        urgency = Urgency.CLOSED
    elif days_left is None:
        urgency = Urgency.NO_CLOCK
    else:
        urgency = thresholds.of(days_left)
    pending = None
    if state is OrderState.REFUND_PENDING:
        pending = Decimal(refund_expected or price)
    refunded = None
    if state is OrderState.REFUNDED and refund_amount:
        refunded = Decimal(refund_amount)
    return OrderRow(
        order_id=order_id,
        title=shown(title),
        store=shared.setdefault(store, shown(store)),
        price=price,
        currency=shared.setdefault(currency, currency),
        delivered_on=delivered_on,
        state=state,
        state_label=f"archived · {label}" if archived else label,
        clock=clock,
        days_left=days_left,
        urgency=urgency,
        archived=bool(archived),
        refund_pending_amount=pending,
        refunded_amount=refunded,
    )


# -- filters, search, sorting ----------------------------------------------------


def matches_filter(row: OrderRow, chosen: Filter) -> bool:
    """active: something may still happen; closed: nothing more to do (closed,
    archived, or an inspection window that passed unused); all: everything."""
    if chosen is Filter.ALL:
        return True
    if chosen is Filter.CLOSED:
        return row.is_done
    if chosen is Filter.DISPUTES:
        return row.state in DISPUTE_OPEN_STATES and not row.archived
    return not row.is_done


def matches_search(row: OrderRow, words: list[str]) -> bool:
    """Every word (casefolded) appears in the order number, title or store."""
    text = f"{row.order_id}\n{row.title}\n{row.store}".casefold()
    return all(word in text for word in words)


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    sort_key: Callable[[OrderRow], Any]
    min_width: int
    weight: int = 0  # share of the spare width; 0 keeps min_width
    align_right: bool = False
    cut_left: bool = False  # keep the end when too long (order numbers differ at the end)


def _deadline_key(row: OrderRow) -> tuple[bool, dt.date]:
    return (row.deadline is None, row.deadline or dt.date.max)


def urgency_key(row: OrderRow) -> tuple[Any, ...]:
    """The default order: most urgent first, then by deadline, then order number."""
    return (row.urgency, *_deadline_key(row), row.order_id)


COLUMNS: tuple[Column, ...] = (
    Column("order_id", "Order", lambda r: r.order_id, 10, 1, cut_left=True),
    Column("title", "Title", lambda r: r.title.casefold(), 15, 6),
    Column("store", "Store", lambda r: r.store.casefold(), 8, 2),
    Column("price", "Price", lambda r: (r.amount, r.currency), 10, 0, align_right=True),
    Column("delivered", "Delivered", lambda r: (r.delivered_on is None, r.delivered_on or ""), 10),
    Column("state", "State", lambda r: r.state_label, 15, 3),
    Column("deadline", "Deadline", _deadline_key, 10),
    Column("days_left", "Left", lambda r: (r.days_left is None, r.days_left), 7, 0, True),
)
URGENCY_SORT = "urgency"


def visible_rows(
    rows: Iterable[OrderRow],
    chosen: Filter,
    query: str = "",
    sort_by: str = URGENCY_SORT,
    descending: bool = False,
) -> list[OrderRow]:
    words = query.casefold().split()
    picked = [
        row
        for row in rows
        if matches_filter(row, chosen) and (not words or matches_search(row, words))
    ]
    if sort_by == URGENCY_SORT:
        picked.sort(key=urgency_key, reverse=descending)
    else:
        column = next(c for c in COLUMNS if c.key == sort_by)
        picked.sort(key=urgency_key)  # stable tie-break
        picked.sort(key=column.sort_key, reverse=descending)
    return picked


class RowIndex:
    """The loaded rows, each filter's rows sorted by urgency once (off the event loop,
    when the rows are read), and each other sort made once when first asked for. A
    keystroke (a filter, a search word, a sort) then picks from lists made in advance
    instead of filtering and sorting every order again; ``visible_rows`` says what
    it gives."""

    def __init__(self, rows: Iterable[OrderRow]):
        self.rows = list(rows)
        rows = self.rows
        self._search_text = [f"{r.order_id}\n{r.title}\n{r.store}".casefold() for r in rows]
        by_urgency = sorted(range(len(rows)), key=lambda index: urgency_key(rows[index]))
        self._last_search: tuple[tuple[Filter, str, bool] | None, list[str], list[int]] = (
            None,
            [],
            [],
        )
        self._orders: dict[tuple[Filter, str, bool], list[int]] = {
            (chosen, URGENCY_SORT, False): [
                i for i in by_urgency if matches_filter(rows[i], chosen)
            ]
            for chosen in Filter
        }

    def visible(
        self,
        chosen: Filter,
        query: str = "",
        sort_by: str = URGENCY_SORT,
        descending: bool = False,
    ) -> list[OrderRow]:
        order = self._ordered(chosen, sort_by, descending)
        words = query.casefold().split()
        if words:
            order = self._matching(order, (chosen, sort_by, descending), words)
        rows = self.rows
        return [rows[i] for i in order]

    def _matching(
        self, order: list[int], key: tuple[Filter, str, bool], words: list[str]
    ) -> list[int]:
        """The rows of ``order`` holding every word. Typing on narrows the last
        answer (the rows holding "lam" are the only ones that can hold "lamp")
        instead of searching every row again."""
        last_key, last_words, last_found = self._last_search
        if (
            last_key == key
            and len(words) >= len(last_words)
            and all(old in new for old, new in zip(last_words, words, strict=False))
        ):
            order = last_found  # a narrower query: its rows are among these
        texts = self._search_text
        found = order
        for word in words:  # one word at a time: a comprehension per word is quickest
            found = [i for i in found if word in texts[i]]
        self._last_search = (key, words, found)
        return found

    def _ordered(self, chosen: Filter, sort_by: str, descending: bool) -> list[int]:
        key = (chosen, sort_by, descending)
        found = self._orders.get(key)
        if found is None:
            by_urgency = self._orders[(chosen, URGENCY_SORT, False)]
            if sort_by == URGENCY_SORT:
                found = by_urgency[::-1]  # no two rows tie on urgency_key: reversed is sorted
            else:
                column = next(c for c in COLUMNS if c.key == sort_by)
                rows = self.rows
                # Stable: rows that tie on the column stay most urgent first.
                found = sorted(
                    by_urgency, key=lambda i: column.sort_key(rows[i]), reverse=descending
                )
            self._orders[key] = found
        return found


# -- countdown cards and summary ---------------------------------------------------


def countdown_rows(rows: Iterable[OrderRow]) -> list[OrderRow]:
    """One card per running clock (overdue included), most urgent first."""
    running = [row for row in rows if row.clock is not None and not row.archived]
    running.sort(key=lambda row: (row.clock.deadline, row.order_id))  # type: ignore[union-attr]
    return running


def time_left(deadline: dt.date, now: dt.datetime) -> dt.timedelta:
    """Until the end of the deadline day, local time (negative once it has passed)."""
    end = dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time())
    return end - now


def window_used(clock: Clock, now: dt.datetime) -> float | None:
    """Share of the window gone, 0..1, to the second; None when its start is unknown."""
    if clock.started_on is None:
        return None
    start = dt.datetime.combine(clock.started_on, dt.time())
    total = (time_left(clock.deadline, start)).total_seconds()
    used = (now - start).total_seconds()
    return min(max(used / total, 0.0), 1.0) if total > 0 else 1.0


def format_countdown(remaining: dt.timedelta) -> str:
    """'2d 05:41:10 left' or 'overdue 1d 03:00:00'."""
    seconds = int(remaining.total_seconds())
    overdue = seconds < 0
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = f"{days}d {hours:02}:{minutes:02}:{seconds:02}"
    return f"overdue {clock}" if overdue else f"{clock} left"


@dataclass(frozen=True)
class Summary:
    open_windows: int
    at_stake: dict[str, Decimal]
    refunds_pending: int
    pending_amounts: dict[str, Decimal]
    recovered: dict[str, Decimal]

    def text(self) -> str:
        windows = f"{self.open_windows} open window{'s' if self.open_windows != 1 else ''}"
        parts = [windows]
        if self.at_stake:
            parts.append(f"at stake {money(self.at_stake)}")
        pending = f"{self.refunds_pending} refund{'s' if self.refunds_pending != 1 else ''} pending"
        if self.pending_amounts:
            pending += f" ({money(self.pending_amounts)})"
        parts.append(pending)
        parts.append(f"recovered {money(self.recovered) if self.recovered else '0'}")
        return " · ".join(parts)


def summarise(rows: Iterable[OrderRow]) -> Summary:
    open_windows = 0
    at_stake: dict[str, Decimal] = defaultdict(Decimal)
    pending_count = 0
    pending: dict[str, Decimal] = defaultdict(Decimal)
    recovered: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        if row.refunded_amount is not None:
            recovered[row.currency] += row.refunded_amount
        if row.archived:
            continue
        if row.clock is not None:
            open_windows += 1
            at_stake[row.currency] += row.amount
        if row.refund_pending_amount is not None:
            pending_count += 1
            pending[row.currency] += row.refund_pending_amount
    return Summary(open_windows, dict(at_stake), pending_count, dict(pending), dict(recovered))


def money(amounts: Mapping[str, Decimal]) -> str:
    """'40.00 EUR + 12.50 USD': one total per currency, never converted."""
    return " + ".join(f"{amounts[currency]} {currency}" for currency in sorted(amounts))
