"""``aliret-tui list``: the orders with their state and next deadline.

Read straight from SQLite, as ``check`` reads (standard library and the pure
domain only): a database at this version's schema, with exactly this version's
migrations, is read here, without the store, its models or sqlite-utils. Anything
else (a database that needs a migration, an empty or foreign one) goes through the
store, which upgrades it or says why it cannot."""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal

from aliret_tui.cli.output import echo, echo_json, echo_lines
from aliret_tui.domain.clocks import Clock, ClockKind, clock_from_columns, describe_days_left
from aliret_tui.domain.states import (
    CLOSED_STATES,
    DELIVERY_UNKNOWN_LABEL,
    EXPIRED_WINDOW_LABEL,
    OrderState,
)
from aliret_tui.sanitize import outgoing, shown
from aliret_tui.store.due import (
    DatabaseUnreadable,
    is_ours,
    open_readonly,
    require_database,
    stored_fingerprint,
)
from aliret_tui.store.version import MIGRATION_NAMES, MIGRATION_SET, SCHEMA_VERSION
from aliret_tui.terminal_cells import cells, pad, shorten

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

    from aliret_tui.domain.policy import Policy
    from aliret_tui.runtime.context import Context

_QUERY = """
    SELECT o.order_id, o.title, o.store, o.price, o.currency, o.state, o.delivered_on,
           o.protection_ends, o.window_days, o.local_return, o.ordered_on, o.clock_since,
           o.archived, d.opened_on, o.clock, o.deadline
    FROM orders o LEFT JOIN disputes d ON d.order_id = o.order_id
    {where}
"""  # in no order: the summaries are sorted, by deadline, then order number
_STATES = {state.value: state for state in OrderState}
_ACTIVE = " AND ".join(("o.archived = 0", "o.state IN ({})".format(", ".join(
    f"'{state.value}'" for state in sorted(set(OrderState) - CLOSED_STATES)))))  # fmt: skip
TITLE_WIDTH = 40


def run_list(args: argparse.Namespace, context: Context) -> int:
    today = context.time.today()
    settings = context.settings()  # a bad config.toml is said first
    require_database(context.db_file, getattr(args, "db", None))
    summaries = read_summaries(context.db_file, settings.policy, today, include_all=args.all)
    if summaries is None:  # not a database this path reads: the store does
        summaries = _summaries_from_the_store(context, today, include_all=args.all)
    summaries.sort(key=lambda s: (s["deadline"] is None, s["deadline"] or "", s["order_id"]))
    if args.json:
        echo_json(summaries)
        return 0
    if not summaries:
        hint = "" if args.all else " (aliret-tui list --all shows closed ones too)"
        echo(f"No {'' if args.all else 'active '}orders.{hint}")
        return 0
    echo_lines(_table(summaries))
    return 0


def read_summaries(
    path: str, policy: Policy, today: dt.date, *, include_all: bool
) -> list[dict[str, Any]] | None:
    """Every order (``include_all``), or the active ones, as ``order_summary`` gives
    them; None when the file is not one this path reads."""
    try:
        conn = open_readonly(path)
    except DatabaseUnreadable:
        return None  # the store says why, in its words
    if conn is None:
        return None
    try:
        if not _current(conn, path):
            return None
        where = "" if include_all else f"WHERE {_ACTIVE}"  # through the state index
        stored = stored_fingerprint(conn) == policy.deadline_fingerprint()
        clocks = _Clocks(policy, today, stored=stored)
        return [clocks.summary(row) for row in conn.execute(_QUERY.format(where=where))]
    except (sqlite3.Error, DatabaseUnreadable):
        return None
    finally:
        conn.close()


def _current(conn: sqlite3.Connection, path: str) -> bool:
    """At this version's schema, with exactly its migrations applied."""
    if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
        return False
    if not is_ours(conn, path):
        return False
    applied = conn.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET]
    ).fetchall()
    every = conn.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0]
    return every == len(applied) and sorted(name for (name,) in applied) == sorted(MIGRATION_NAMES)


# What a summary says of an order's clock: (clock, deadline, days_left, action) while
# it runs, all None otherwise; and whether it is an inspection window that expired.
_NO_CLOCK: tuple[tuple[str | None, str | None, int | None, str | None], bool] = (
    (None, None, None, None),
    False,
)


class _Clocks:
    """Each order's running clock: the stored one (the columns ``check`` reads too)
    when the deadlines were stored under this policy, else computed from the order's
    dates with the same pure functions. What a clock says is worked out once per
    (clock, deadline, delivered) when stored: thousands of orders share each."""

    def __init__(self, policy: Policy, today: dt.date, *, stored: bool):
        self.policy = policy
        self.today = today
        self.stored = stored
        self.said: dict[tuple[str, str, bool], tuple[tuple[Any, ...], bool]] = {}

    def summary(self, row: tuple[Any, ...]) -> dict[str, Any]:
        """``commands.order_summary`` of the order this row holds."""
        (order_id, title, store, price, currency, state_name, delivered, protection, window,
         local, ordered, since, archived, opened, clock_name, deadline) = row  # fmt: skip
        state = _STATES[state_name]
        if not self.stored:
            clock = clock_from_columns(
                state,
                delivered_on=delivered,
                protection_ends=protection,
                window_days=window,
                local_return=local,
                ordered_on=ordered,
                dispute_opened_on=opened,
                clock_since=since,
                policy=self.policy,
            )
            said = _NO_CLOCK if clock is None else self._said(clock)
        elif clock_name is None or deadline is None:
            said = _NO_CLOCK
        else:
            key = (clock_name, deadline, delivered is None)
            said = self.said.get(key) or self.said.setdefault(key, self._said_of_columns(*key))
        (clock_value, deadline_text, days_left, action), expired = said
        if state is OrderState.WINDOW_OPEN and delivered is None:
            label = DELIVERY_UNKNOWN_LABEL
        elif expired:
            label = EXPIRED_WINDOW_LABEL
        else:
            label = state.label
        return {
            "order_id": order_id,
            "title": shown(title),
            "store": shown(store),
            "price": str(Decimal(price)),
            "currency": currency,
            "state": state.value,
            "state_label": label,
            "clock": clock_value,
            "deadline": deadline_text,
            "days_left": days_left,
            "action": action,
            "archived": bool(archived),
        }

    def _said_of_columns(
        self, clock_name: str, deadline: str, not_delivered: bool
    ) -> tuple[tuple[Any, ...], bool]:
        kind = ClockKind(clock_name)
        awaiting = kind is ClockKind.INSPECTION and not_delivered
        return self._said(Clock(kind, dt.date.fromisoformat(deadline), None, awaiting))

    def _said(self, clock: Clock) -> tuple[tuple[Any, ...], bool]:
        if clock.is_expired(self.today):
            return _NO_CLOCK[0], True
        days_left = clock.days_left(self.today)
        return (clock.kind.value, clock.deadline.isoformat(), days_left,
                clock.action(self.today)), False  # fmt: skip


def _summaries_from_the_store(
    context: Context, today: dt.date, *, include_all: bool
) -> list[dict[str, Any]]:
    from aliret_tui.cli.commands import open_store, order_summary

    with open_store(context, readonly=True) as store:
        orders = store.list_orders(include_archived=include_all)
        policy = store.policy
    if not include_all:
        orders = [order for order in orders if not order.state.is_closed]
    return [order_summary(order, policy, today) for order in orders]


def _table(summaries: list[dict[str, Any]]) -> list[str]:
    """The table's lines, columns lined up in terminal cells (ASCII, nearly all text,
    is measured as it is: one cell a character)."""
    rows = [("ORDER", "TITLE", "STATE", "DEADLINE", "LEFT")]
    lefts: dict[int, str] = {}
    for s in summaries:
        state = s["state_label"] + (" (archived)" if s["archived"] else "")
        days_left = s["days_left"]
        left = ""
        if days_left is not None:
            left = lefts.get(days_left) or describe_days_left(days_left)
            lefts[days_left] = left
        order_id = s["order_id"]
        if not order_id.isprintable():
            order_id = outgoing(order_id, one_line=True)  # the one field not cleaned on read
        title = s["title"]
        if not title.isascii() or len(title) > TITLE_WIDTH:
            title = shorten(title, TITLE_WIDTH)
        rows.append((order_id, title, state, s["deadline"] or "", left))
    widths = [max(_cells(row[column]) for row in rows) for column in range(5)]
    last = len(widths) - 1
    return [
        "  ".join(
            cell if column == last else _padded(cell, widths[column])
            for column, cell in enumerate(row)
        ).rstrip()
        for row in rows
    ]


def _cells(text: str) -> int:
    return len(text) if text.isascii() else cells(text)


def _padded(text: str, width: int) -> str:
    return text.ljust(width) if text.isascii() else pad(text, width)
