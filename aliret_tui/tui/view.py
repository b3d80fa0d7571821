"""What the dashboard shows, computed in plain Python (no Textual), so it is easy
to test and fast at 100k orders: table rows, urgency, filters, search, sorting,
the countdown cards and the summary line."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import IntEnum, StrEnum
from typing import Any

from aliret_tui.domain.clocks import Clock, clock_from_columns, describe_days_left
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


_STATE_NAMED = {state.value: state for state in OrderState}


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
    state = _STATE_NAMED[state_name]  # quicker than OrderState(name), for 100k rows
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
    sort_key: Callable[[OrderRow], Any]  # None: no value (such rows go last both ways)
    min_width: int
    weight: int = 0  # share of the spare width; 0 keeps min_width
    align_right: bool = False
    cut_left: bool = False  # keep the end when too long (order numbers differ at the end)
    sort_name: str = ""  # the sort, as the orders' title names it ("by delivery date")
    sorts_as: str | None = None  # another column whose order this one gives exactly

    @property
    def sorts_by(self) -> str:
        """The sort a click on this column's header asks for."""
        return self.sorts_as or self.key


def urgency_key(row: OrderRow) -> tuple[Any, ...]:
    """The default order: most urgent first, then by deadline, then order number."""
    deadline = row.deadline
    return (row.urgency, deadline is None, deadline or dt.date.max, row.order_id)


def has_countdown(row: OrderRow) -> bool:
    """A running clock on a live order: the rows that sorting by urgency ranks.
    The others (no deadline, closed) stay last whichever way it goes."""
    return row.urgency <= Urgency.LATER


def _price_key(row: OrderRow) -> tuple[str, float]:
    """Amounts in different currencies do not compare: grouped by currency, then by
    amount. A price has at most a few decimals: as a float it sorts as the Decimal
    does, quicker."""
    return (row.currency, float(row.price))


def _deadline_key(row: OrderRow) -> dt.date | None:
    return row.deadline


# The states in the order an order goes through them (OrderState lists them so).
_PROCESS_ORDER = {state: position for position, state in enumerate(OrderState)}


def _state_key(row: OrderRow) -> tuple[bool, bool, int, str]:
    """Where the order is in the return process: the open ones first, from in transit
    to a refund pending, then the closed ones, then the archived ones (not alphabetical,
    which put every archived order first)."""
    return (row.archived, row.state.is_closed, _PROCESS_ORDER[row.state], row.state_label)


# Days left is the deadline minus today, for every row alike: the Left column gives
# the Deadline column's order exactly (and so does the time left to the second, as
# every clock runs to the end of its deadline day). One sort, named "deadline".
COLUMNS: tuple[Column, ...] = (
    Column("order_id", "Order", lambda r: r.order_id, 10, 1, cut_left=True,
           sort_name="order number"),
    Column("title", "Title", lambda r: r.title.casefold(), 15, 6, sort_name="title"),
    Column("store", "Store", lambda r: r.store.casefold(), 8, 2, sort_name="store"),
    Column("price", "Price", _price_key, 10, 0, align_right=True, sort_name="price"),
    Column("delivered", "Delivered", lambda r: r.delivered_on, 10, sort_name="delivery date"),
    Column("state", "State", _state_key, 15, 3, sort_name="state"),
    Column("deadline", "Deadline", _deadline_key, 10, sort_name="deadline"),
    Column("days_left", "Left", _deadline_key, 10, 0, True, sorts_as="deadline"),
)  # fmt: skip
URGENCY_SORT = "urgency"
# The sorts s cycles through, in order: urgency, then each column's own sort.
SORT_KEYS = (URGENCY_SORT, *(column.key for column in COLUMNS if column.sorts_as is None))


def column_of(sort_by: str) -> Column:
    return next(column for column in COLUMNS if column.key == sort_by)


def sort_of(sort_by: str) -> str:
    """The sort ``sort_by`` names: a column's key, or ``urgency``; "days_left" is
    the deadline's sort."""
    return sort_by if sort_by == URGENCY_SORT else column_of(sort_by).sorts_by


def next_sort(sort_by: str) -> str:
    """The sort s moves on to from ``sort_by``."""
    position = SORT_KEYS.index(sort_of(sort_by))
    return SORT_KEYS[(position + 1) % len(SORT_KEYS)]


def sort_description(sort_by: str, descending: bool) -> str:
    """The sort in words, for the orders' title: "most urgent first", "by price ▲"
    (the arrow the sorted column's header shows)."""
    if sort_of(sort_by) == URGENCY_SORT:
        return "least urgent first" if descending else "most urgent first"
    return f"by {column_of(sort_of(sort_by)).sort_name} {'▼' if descending else '▲'}"


def visible_rows(
    rows: Iterable[OrderRow],
    chosen: Filter,
    query: str = "",
    sort_by: str = URGENCY_SORT,
    descending: bool = False,
) -> list[OrderRow]:
    """The rows a filter, a search and a sort show, worked out from scratch (what
    ``RowIndex`` gives quicker). Sorted by a column, ties stay most urgent first,
    and rows without a value (not delivered, no deadline) go last both ways; so do
    the rows without a countdown when sorted by urgency."""
    words = query.casefold().split()
    picked = [
        row
        for row in rows
        if matches_filter(row, chosen) and (not words or matches_search(row, words))
    ]
    picked.sort(key=urgency_key)
    sort_by = sort_of(sort_by)
    if sort_by == URGENCY_SORT:
        if descending:  # least urgent first; no deadline, or closed, still last
            ranked = [row for row in picked if has_countdown(row)]
            return ranked[::-1] + picked[len(ranked) :]
        return picked
    column = column_of(sort_by)
    valued = [row for row in picked if column.sort_key(row) is not None]
    valued.sort(key=column.sort_key, reverse=descending)  # stable: ties stay as they were
    return valued + [row for row in picked if column.sort_key(row) is None]


class RowsView(Sequence[OrderRow]):
    """Rows picked by their positions in a list, without copying them out: a key
    shows 100k rows by handing over the list of their positions."""

    __slots__ = ("order", "rows")

    def __init__(self, rows: list[OrderRow], order: list[int]):
        self.rows = rows  # every row
        self.order = order  # the positions in ``rows`` of the rows shown, in order

    def __len__(self) -> int:
        return len(self.order)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self.rows[i] for i in self.order[index]]
        return self.rows[self.order[index]]

    def __iter__(self) -> Iterator[OrderRow]:
        rows = self.rows
        return (rows[i] for i in self.order)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        if len(self) != len(other):
            return False
        return all(a is b or a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def find(self, order_id: str, near: Sequence[OrderRow] = (), near_index: int = -1) -> int:
        """The position of the order ``order_id``, or -1. ``near`` at ``near_index``:
        the view it was highlighted in, over the same rows, which makes it a search
        among integers (a millisecond at 100k rows) instead of among the rows."""
        if (
            isinstance(near, RowsView)
            and near.rows is self.rows
            and 0 <= near_index < len(near)
            and near[near_index].order_id == order_id
        ):
            try:
                return self.order.index(near.order[near_index])
            except ValueError:
                return -1
        for position, row in enumerate(self):
            if row.order_id == order_id:
                return position
        return -1


class Stopped(Exception):
    """Making a ``RowIndex`` was called off (newer rows, the app quitting)."""


class RowIndex:
    """The loaded rows, each filter's rows sorted by urgency (off the event loop,
    when the rows are read), and every column's sort of all the rows, made ahead
    by ``prepare`` (in the load worker, once the rows are on screen). A
    keystroke (a filter, a search word, a sort) then picks from lists made in
    advance instead of filtering and sorting every order again; ``visible_rows``
    says what it gives. A sort asked for before it is ready is made then, once.

    A descending sort is the ascending one reversed run by run (rows that tie keep
    their urgency order; rows without a value stay last, and so do the rows without
    a countdown by urgency), never sorted again. The Left column shares the
    Deadline column's lists.
    Both threads may fill the caches: a list is stored whole, by one assignment."""

    def __init__(self, rows: Iterable[OrderRow], stop: Callable[[], bool] = lambda: False):
        """Sorts the rows by urgency; each filter's rows, the search texts and the
        columns' sorts are made on first use, or ahead by ``prepare``. ``stop`` is
        asked between steps (a tenth of a second each at 100k orders); when it
        says so, ``Stopped`` is raised."""
        self._stop = stop
        self.rows = list(rows)
        rows = self.rows
        urgency_keys = [urgency_key(row) for row in rows]
        self._step()
        by_urgency = sorted(range(len(rows)), key=urgency_keys.__getitem__)
        del urgency_keys
        self._by_urgency = by_urgency
        self._search_text: list[str] | None = None
        self._last_search: tuple[tuple[Filter, str, bool] | None, list[str], list[int]] = (
            None,
            [],
            [],
        )
        self._orders: dict[tuple[Filter, str, bool], list[int]] = {
            (Filter.ALL, URGENCY_SORT, False): by_urgency
        }
        # Every row, per (sort key, descending); and where runs of equal values start.
        self._every_row: dict[tuple[str, bool], list[int]] = {(URGENCY_SORT, False): by_urgency}
        self._run_starts: dict[str, bytearray] = {}
        self._members: dict[Filter, bytearray] = {}

    def _step(self) -> None:
        if self._stop():
            raise Stopped

    def prepare_filters(self) -> None:
        """Make each filter's rows now (the load worker does, before showing them)."""
        for chosen in Filter:
            self._step()
            self._by_urgency_in(chosen)

    def prepare(self) -> None:
        """Make, ahead of the keys that need them, the search texts and every
        column's sort (ascending; descending is one reversal away). Run in the load
        worker once the rows are shown; raises ``Stopped`` when told to stop."""
        for chosen in Filter:
            self._step()
            self._membership(chosen)
        self._step()
        self._texts()
        for column in COLUMNS:  # a column that sorts as another shares its list
            self._step()
            self._every_row_sorted(column.key, False)

    def visible(
        self,
        chosen: Filter,
        query: str = "",
        sort_by: str = URGENCY_SORT,
        descending: bool = False,
    ) -> RowsView:
        sort_by = sort_of(sort_by)
        order = self._ordered(chosen, sort_by, descending)
        words = query.casefold().split()
        if words:
            order = self._matching(order, (chosen, sort_by, descending), words)
        return RowsView(self.rows, order)

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
        texts = self._texts()
        found = order
        for word in words:  # one word at a time: a comprehension per word is quickest
            found = [i for i in found if word in texts[i]]
        self._last_search = (key, words, found)
        return found

    def _texts(self) -> list[str]:
        texts = self._search_text
        if texts is None:
            texts = [f"{r.order_id}\n{r.title}\n{r.store}".casefold() for r in self.rows]
            self._search_text = texts
        return texts

    def _by_urgency_in(self, chosen: Filter) -> list[int]:
        key = (chosen, URGENCY_SORT, False)
        found = self._orders.get(key)
        if found is None:
            rows = self.rows
            found = [i for i in self._by_urgency if matches_filter(rows[i], chosen)]
            self._orders[key] = found
        return found

    def _ordered(self, chosen: Filter, sort_by: str, descending: bool) -> list[int]:
        key = (chosen, sort_by, descending)
        found = self._orders.get(key)
        if found is None and sort_by == URGENCY_SORT and not descending:
            found = self._by_urgency_in(chosen)
        elif found is None:
            every_row = self._every_row_sorted(sort_by, descending)
            if chosen is Filter.ALL:
                found = every_row
            else:
                member = self._membership(chosen)
                found = [i for i in every_row if member[i]]
            self._orders[key] = found
        return found

    def _membership(self, chosen: Filter) -> bytearray:
        member = self._members.get(chosen)
        if member is None:
            member = bytearray(len(self.rows))
            for i in self._by_urgency_in(chosen):
                member[i] = 1
            self._members[chosen] = member
        return member

    def _every_row_sorted(self, sort_by: str, descending: bool) -> list[int]:
        found = self._every_row.get((sort_by, descending))
        if found is not None:
            return found
        if sort_of(sort_by) != sort_by:  # the Left column: the deadline's list, shared
            found = self._every_row_sorted(sort_of(sort_by), descending)
        elif sort_by == URGENCY_SORT:
            found = self._least_urgent_first()
        elif descending:
            found = self._reversed_by_runs(sort_by)
        else:
            found = self._sorted_by_column(sort_by)
        self._every_row[(sort_by, descending)] = found
        return found

    def _least_urgent_first(self) -> list[int]:
        """The rows with a countdown in reverse (no two rows tie on ``urgency_key``:
        reversed is sorted), then the others as they were: no deadline stays last."""
        by_urgency, rows = self._by_urgency, self.rows
        # Urgency sorts first: the rows with a countdown come before all the others.
        ranked = bisect_left(by_urgency, True, key=lambda i: not has_countdown(rows[i]))
        return by_urgency[:ranked][::-1] + by_urgency[ranked:]

    def _sorted_by_column(self, sort_by: str) -> list[int]:
        """Every row by the column's value, ties most urgent first, rows without a
        value last; notes where each run of equal values starts."""
        sort_key = column_of(sort_by).sort_key
        values = [sort_key(row) for row in self.rows]
        valued = [i for i in self._by_urgency if values[i] is not None]
        valued.sort(key=values.__getitem__)  # stable: ties stay most urgent first
        starts = bytearray(len(valued))
        previous = object()
        for position, i in enumerate(valued):
            value = values[i]
            if value != previous:
                starts[position] = 1
                previous = value
        self._run_starts[sort_by] = starts
        return valued + [i for i in self._by_urgency if values[i] is None]

    def _reversed_by_runs(self, sort_by: str) -> list[int]:
        """The ascending order with its runs of equal values in reverse, each run
        keeping its own order (what a stable sort with reverse=True gives); the rows
        without a value stay last."""
        ascending = self._every_row_sorted(sort_by, False)
        starts = self._run_starts[sort_by]
        found: list[int] = []
        end = len(starts)
        while end:  # the first position always starts a run
            start = starts.rfind(1, 0, end)
            found += ascending[start:end]
            end = start
        return found + ascending[len(starts) :]


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
    """'2d 05:41:10 left' while the deadline day lasts; once it has passed, the calendar
    days since the deadline day, as everywhere else: '2 days overdue'."""
    seconds = int(remaining.total_seconds())
    if seconds <= 0:
        # The deadline day ended ``-seconds`` ago, so today is that many whole days,
        # plus one, after it.
        return describe_days_left(-(1 + -seconds // 86_400))
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{days}d {hours:02}:{minutes:02}:{seconds:02} left"


@dataclass(frozen=True)
class Summary:
    open_windows: int
    at_stake: dict[str, Decimal]
    refunds_pending: int
    pending_amounts: dict[str, Decimal]
    recovered: dict[str, Decimal]

    def parts(self, recovered_known: bool = True) -> list[str]:
        """The summary line's parts; ``recovered_known`` False while only the live
        orders are read (the refunded ones come later): "recovered …", not a wrong 0."""
        windows = f"{self.open_windows} open window{'s' if self.open_windows != 1 else ''}"
        parts = [windows]
        if self.at_stake:
            parts.append(f"at stake {money(self.at_stake)}")
        pending = f"{self.refunds_pending} refund{'s' if self.refunds_pending != 1 else ''} pending"
        if self.pending_amounts:
            pending += f" ({money(self.pending_amounts)})"
        parts.append(pending)
        if not recovered_known:
            parts.append("recovered …")
        else:
            parts.append(f"recovered {money(self.recovered) if self.recovered else '0'}")
        return parts


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
