"""Dashboard rows made from the columns the store reads, for the view's tests:
``record`` gives one row's columns (an order in a window unless told otherwise),
``rows`` builds them as the dashboard does on TODAY."""

from __future__ import annotations

import datetime as dt

from aliret_tui.domain.policy import DEFAULT_POLICY
from aliret_tui.tui.view import OrderRow, build_rows

TODAY = dt.date(2026, 11, 29)


def record(order_id, state="window_open", delivered=None, clock="inspection", **extra):
    values = {
        "order_id": order_id, "title": f"Title {order_id}", "store": "Shop", "price": "10.00",
        "currency": "USD", "ordered_on": None, "delivered_on": delivered,
        "protection_ends": None, "window_days": None, "local_return": 0, "state": state,
        "clock": clock, "clock_since": None, "archived": 0, "opened_on": None,
        "refund_expected": None, "refund_amount": None, **extra,
    }  # fmt: skip
    return tuple(values.values())


def rows(*records) -> list[OrderRow]:
    return build_rows(records, DEFAULT_POLICY, TODAY)


def days_ago(days: int) -> str:
    return (TODAY - dt.timedelta(days=days)).isoformat()
