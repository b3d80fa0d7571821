"""What is due soon, read straight from SQLite for ``aliret-tui check``.

This path imports only the standard library and the pure domain, because
``check`` runs from cron and shell start-up. The store keeps each order's
running clock and deadline in indexed columns; when the policy in
``config.toml`` differs from the one those were computed with, the clocks are
computed here instead, from the same pure functions.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3

from aliret_tui.domain.clocks import (
    Clock,
    ClockKind,
    clock_action,
    clock_from_columns,
    escalation_opens_in,
)
from aliret_tui.domain.states import CLOSED_STATES, OrderState
from aliret_tui.errors import UserError
from aliret_tui.sanitize import shown
from aliret_tui.store.backup_status import last_failure
from aliret_tui.store.readonly import SQLITE_MAGIC, NotAFile, connect_readonly, read_header
from aliret_tui.store.version import SCHEMA_VERSION

BUSY_TIMEOUT_S = 10


class DatabaseUnreadable(UserError):
    pass


TYPE_CHECKING = False
if TYPE_CHECKING:
    from os import PathLike

    from aliret_tui.domain.policy import Policy


class DueItem:
    """One deadline that is due soon."""

    __slots__ = ("action", "clock", "days_left", "deadline", "order_id", "store", "title")

    def __init__(
        self,
        *,
        order_id: str,
        title: str,
        store: str,
        clock: ClockKind,
        deadline: dt.date,
        days_left: int,
        action: str,
    ):
        self.order_id = order_id
        self.title = title
        self.store = store
        self.clock = clock
        self.deadline = deadline
        self.days_left = days_left
        self.action = action

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DueItem):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.__slots__)

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value

    def __repr__(self) -> str:
        return f"DueItem({self.order_id!r}, {self.clock}, {self.deadline}, {self.days_left})"

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    def as_json(self) -> dict[str, object]:
        return {
            "order_id": self.order_id,
            "title": self.title,
            "store": self.store,
            "clock": self.clock.value,
            "deadline": self.deadline.isoformat(),
            "days_left": self.days_left,
            "overdue": self.overdue,
            "action": self.action,
        }


# Inspection windows count from today on (an expired one is not actionable);
# the other clocks stay due when overdue. Read from the (clock, deadline) index
# alone: since m005 it holds every column this reads.
_FAST_QUERY = """
    SELECT order_id, title, store, clock, deadline, delivered_on IS NULL FROM orders
    WHERE archived = 0 AND (
        (clock = 'inspection' AND deadline BETWEEN :today AND :horizon)
        OR (clock IN ('seller_response', 'escalate', 'ship_back', 'refund')
            AND deadline <= :horizon))
    ORDER BY deadline, order_id
"""
# Another policy than the stored deadlines': every order that is not closed, found
# through the state index (the closed ones, most of them, are not read).
_OPEN_STATES = ", ".join(f"'{state.value}'" for state in sorted(set(OrderState) - CLOSED_STATES))
_FULL_QUERY = f"""
    SELECT o.order_id, o.title, o.store, o.state, o.delivered_on, o.protection_ends,
           o.window_days, o.local_return, o.ordered_on, o.clock_since, d.opened_on
    FROM orders o LEFT JOIN disputes d ON d.order_id = o.order_id
    WHERE o.archived = 0 AND o.state IN ({_OPEN_STATES})
"""
_CLOCK_KINDS = {kind.value: kind for kind in ClockKind}


def due_items(
    path: str | PathLike[str], policy: Policy, today: dt.date, within_days: int
) -> list[DueItem]:
    """Running clocks with a deadline at most ``within_days`` away, overdue ones included."""
    return due_and_backup_failure(path, policy, today, within_days)[0]


def due_and_backup_failure(
    path: str | PathLike[str], policy: Policy, today: dt.date, within_days: int
) -> tuple[list[DueItem], tuple[str, str] | None]:
    """``due_items``, and ``backup_status.last_failure``: what ``check`` shows, read
    with one opening of the file."""
    path = os.fspath(path)
    conn = open_readonly(path)
    if conn is None:
        return [], None
    try:
        if not is_ours(conn, path):
            return [], None
        horizon = today + dt.timedelta(days=within_days)
        if stored_fingerprint(conn) == policy.deadline_fingerprint():
            items = _from_stored_deadlines(conn, policy, today, horizon)
        else:
            items = _computed_now(conn, policy, today, horizon)
        backup_failure = last_failure(conn)
    except sqlite3.Error as error:
        raise DatabaseUnreadable(f"{path}: cannot be read ({error})") from None
    finally:
        conn.close()
    return items, backup_failure


class NoDatabase(UserError):
    pass


def require_database(path: str, cli_value: str | None) -> None:
    """Refuses a database file that is not there, for the commands that only read it
    (``check``, ``list``): an empty answer would hide a mistyped path for good, in a
    cron job above all. ``cli_value`` is the ``--db`` given, if any. Creates nothing."""
    try:
        os.stat(path)
        return
    except (FileNotFoundError, NotADirectoryError):
        pass
    except OSError:
        return  # not readable: opening it says why
    chosen_by = "--db" if cli_value else "ALIRET_TUI_DB" if os.environ.get("ALIRET_TUI_DB") else ""
    if chosen_by:
        raise NoDatabase(
            f"{path}: there is no database there (the path given by {chosen_by}); "
            "check it for a typo. Nothing was created"
        )
    raise NoDatabase(
        f"there is no database yet (nothing has been added). It will be created at {path} "
        "by the first aliret-tui add or aliret-tui import, or in the dashboard (aliret-tui)"
    )


def open_readonly(path: str, busy_timeout: float = BUSY_TIMEOUT_S) -> sqlite3.Connection | None:
    """A read-only connection (one that creates no file), or None when there is no
    database yet. Refuses a folder, FIFO or device, another format and a newer schema."""
    try:
        header = read_header(path)
    except NotAFile as error:
        raise DatabaseUnreadable(
            f"{path}: is {error.kind}, not a database file; it was left untouched"
        ) from None
    except OSError as error:
        raise DatabaseUnreadable(f"{path}: cannot be read ({error.strerror})") from None
    if not header:
        return None  # no database yet: nothing can be due
    if header != SQLITE_MAGIC:
        raise DatabaseUnreadable(f"{path}: is not a SQLite database; it was left untouched")
    conn = None
    try:
        conn = connect_readonly(path, timeout=busy_timeout)
        conn.execute("PRAGMA query_only = ON")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.Error as error:
        if conn is not None:
            conn.close()
        raise DatabaseUnreadable(f"{path}: cannot be read ({error})") from None
    if version > SCHEMA_VERSION:
        conn.close()
        raise DatabaseUnreadable(
            f"{path}: was written by a newer aliret-tui (schema {version}, this version "
            f"knows {SCHEMA_VERSION}); upgrade aliret-tui"
        )
    return conn


def is_ours(conn: sqlite3.Connection, path: str) -> bool:
    """False for an empty database (nothing due); refuses another program's database."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if not tables:
        return False
    if not {"orders", "meta"} <= tables:
        raise DatabaseUnreadable(f"{path}: is a SQLite database, but not an aliret-tui one")
    return True


def stored_fingerprint(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = 'policy'").fetchone()
    return row[0] if row else None


def _from_stored_deadlines(
    conn: sqlite3.Connection, policy: Policy, today: dt.date, horizon: dt.date
) -> list[DueItem]:
    """The stored clocks, as ``_item`` would make them of each ``Clock``, with less
    work per row (a heavy buyer has thousands due within a week): each day's date and
    each clock's action are worked out once, and text that is printable as it is
    (nearly all) is not looked at again."""
    rows = conn.execute(_FAST_QUERY, {"horizon": horizon.isoformat(), "today": today.isoformat()})
    today_number = today.toordinal()
    days: dict[str, tuple[dt.date, int]] = {}  # deadline text -> (deadline, days left)
    kinds: dict[tuple[str, int, int], tuple[ClockKind, str]] = {}  # -> (kind, action)
    items = []
    for order_id, title, store, clock_name, deadline_text, not_delivered in rows:
        day = days.get(deadline_text)
        if day is None:
            deadline = dt.date.fromisoformat(deadline_text)
            day = days[deadline_text] = (deadline, deadline.toordinal() - today_number)
        deadline, days_left = day
        what = kinds.get((clock_name, days_left, not_delivered))
        if what is None:
            kind = _CLOCK_KINDS[clock_name]
            awaiting_delivery = kind is ClockKind.INSPECTION and not_delivered == 1
            opens_in = escalation_opens_in(days_left, policy) if kind is ClockKind.ESCALATE else 0
            action = clock_action(kind, days_left, awaiting_delivery, opens_in)
            what = kinds[clock_name, days_left, not_delivered] = (kind, action)
        if not (order_id.isprintable() and title.isprintable() and store.isprintable()):
            order_id, title, store = shown(order_id), shown(title), shown(store)
        items.append(
            DueItem(
                order_id=order_id,
                title=title,
                store=store,
                clock=what[0],
                deadline=deadline,
                days_left=days_left,
                action=what[1],
            )
        )
    return items


def _computed_now(
    conn: sqlite3.Connection, policy: Policy, today: dt.date, horizon: dt.date
) -> list[DueItem]:
    items = []
    for row in conn.execute(_FULL_QUERY):
        (order_id, title, store, state, delivered, protection, window, local, ordered,
         since, opened) = row  # fmt: skip
        clock = clock_from_columns(
            state,
            delivered_on=delivered,
            protection_ends=protection,
            window_days=window,
            local_return=local,
            ordered_on=ordered,
            dispute_opened_on=opened,
            clock_since=since,
            policy=policy,
        )
        if clock is None or clock.deadline > horizon or clock.is_expired(today):
            continue
        items.append(_item(order_id, title, store, clock, today))
    items.sort(key=lambda item: (item.deadline, item.order_id))
    return items


def _item(order_id: str, title: str, store: str, clock: Clock, today: dt.date) -> DueItem:
    return DueItem(
        order_id=shown(order_id),
        title=shown(title),
        store=shown(store),
        clock=clock.kind,
        deadline=clock.deadline,
        days_left=clock.days_left(today),
        action=clock.action(today),
    )
