"""The quick parts of applying an import: a new order's row built without models,
stored orders read for the merge, the collector held off while it runs."""

from __future__ import annotations

import datetime as dt
import gc
import itertools
from collections.abc import Iterator
from decimal import Decimal

import pytest

from aliret_tui.domain.models import OrderFacts
from aliret_tui.domain.policy import DEFAULT_POLICY
from aliret_tui.domain.workflow import with_delivery_unknown
from aliret_tui.importing.batch import load_text
from aliret_tui.importing.collector import collector_paused
from aliret_tui.store import imports
from aliret_tui.store.rows import ORDER_COLUMNS, new_order_row
from aliret_tui.store.store import Store
from aliret_tui.timesource import TimeSource

NOW = dt.datetime(2026, 3, 10, 9, 30)
TODAY = NOW.date()
CSV_HEADER = "order_id,title,price,currency,store,ordered_on,delivered_on,window_days,country\n"


@pytest.fixture
def store(tmp_path) -> Iterator[Store]:
    with Store(tmp_path / "aliret.db", time=TimeSource(frozen_at=NOW)) as opened:
        yield opened


def fact_cases() -> Iterator[dict[str, object]]:
    """Every combination of what decides a new order's state and deadline."""
    for ordered, delivered, window, protection, local, extras in itertools.product(
        (None, dt.date(2026, 1, 5)),
        (None, dt.date(2026, 2, 10)),
        (None, 15, 90),
        (None, dt.date(2026, 1, 20), dt.date(2026, 4, 1)),
        (False, True),
        (
            {},
            {"store": "Shop", "country": "DE", "free_return": True, "note": "a\nnote"},
        ),
    ):
        yield {
            "title": "Lamp",
            "price": Decimal("12.50"),
            "currency": "EUR",
            "ordered_on": ordered,
            "delivered_on": delivered,
            "window_days": window,
            "protection_ends": protection,
            "local_return": local,
            **extras,
        }


def test_a_new_order_row_is_the_row_of_the_new_order_model(store):
    """``new_order_row`` gives what ``row_of(new_order(...))`` gave, for every case."""
    now = store._now()
    for number, given in enumerate(fact_cases()):
        facts = {name: value for name, value in given.items() if value is not None}
        for unknown in (False, True):
            order = store.new_order(OrderFacts(order_id=f"81750000000{number:05d}", **given))
            if unknown:
                order = with_delivery_unknown(order)
            row = new_order_row(
                {"order_id": order.order_id, **facts},
                delivery_unknown=unknown,
                now=now,
                policy=DEFAULT_POLICY,
            )
            assert dict(zip(ORDER_COLUMNS, row, strict=True)) == store.row_of(order), facts


def test_stored_orders_read_where_facts_came_from_only_when_asked(store):
    csv = CSV_HEADER + "8175000000000001,Lamp,12.50,EUR,Shop,2026-01-05,2026-02-10,15,DE\n"
    store.apply_import(load_text("mine.csv", csv, today=TODAY))
    statements: list[str] = []
    store.db.conn.set_trace_callback(statements.append)
    try:
        found = imports.stored_orders(store, ["8175000000000001", "8175000000000002"])
        assert not any("fact_sources" in s or "order_lines" in s for s in statements)
        stored = found["8175000000000001"]
        assert list(found) == ["8175000000000001"]
        assert stored.facts["price"] == Decimal("12.50")
        assert stored.facts["delivered_on"] == dt.date(2026, 2, 10)
        assert (stored.state.value, stored.has_dispute, stored.line_count) == (
            "window_open",
            False,
            0,
        )
        assert stored.origins["country"] == ("typed", "your CSV, mine.csv, imported 2026-03-10")
        assert any("fact_sources" in s for s in statements)
        assert dict(stored.origins) == {
            name: (origin, source)
            for name, (origin, source) in store.fact_origins("8175000000000001").items()
        }
    finally:
        store.db.conn.set_trace_callback(None)


def test_stored_orders_count_lines_for_the_orders_that_bring_lines(store):
    store.apply_import(
        load_text("mine.csv", CSV_HEADER + "8175000000000001,Lamp,12.50,EUR,,,,,\n", today=TODAY)
    )
    with store.transaction():
        store.insert_lines("8175000000000001", [_line(1), _line(2)])
    asked = imports.stored_orders(store, ["8175000000000001"], {"8175000000000001"})
    not_asked = imports.stored_orders(store, ["8175000000000001"])
    assert asked["8175000000000001"].line_count == 2
    assert not_asked["8175000000000001"].line_count == 0


def _line(position: int):
    from aliret_tui.domain.models import OrderLine

    return OrderLine(
        position=position, title=f"Item {position}", quantity=1, unit_price=None,
        attributes="", product_url="", line_id="", free_return=False, disputed=False,
    )  # fmt: skip


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_held_off_and_put_back_as_it_was(enabled):
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        with pytest.raises(RuntimeError), collector_paused():
            assert not gc.isenabled()
            raise RuntimeError("an import refused half way")
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


def test_an_import_leaves_the_collector_on(store):
    assert gc.isenabled()
    csv = CSV_HEADER + "8175000000000001,Lamp,12.50,EUR,,,,,\n"
    store.apply_import(load_text("mine.csv", csv, today=TODAY))
    assert gc.isenabled()
