"""Fixtures for the store tests: real SQLite files in tmp_path and a fixed clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from support.sqlite_files import dump_database

from aliret_tui.domain.models import EventInput, OrderFacts, parse
from aliret_tui.store.store import Store
from aliret_tui.timesource import TimeSource

TODAY = dt.date(2026, 3, 10)


@pytest.fixture
def today() -> dt.date:
    return TODAY


@pytest.fixture
def clock() -> TimeSource:
    return TimeSource(frozen_at=dt.datetime(2026, 3, 10, 9, 30))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "aliret.db"


@pytest.fixture
def store(db_path: Path, clock: TimeSource) -> Iterator[Store]:
    with Store(db_path, time=clock) as opened:
        yield opened


@pytest.fixture
def make_facts() -> Callable[..., OrderFacts]:
    """OrderFacts from keyword values, validated as the CLI would."""

    def make(order_id: str, **values: Any) -> OrderFacts:
        data: dict[str, Any] = {
            "order_id": order_id,
            "title": f"Item {order_id}",
            "price": "12.50",
            "currency": "USD",
        }
        data.update(values)
        return parse(OrderFacts, data, today=TODAY)

    return make


@pytest.fixture
def event() -> Callable[..., EventInput]:
    """An EventInput, e.g. ``event("open_dispute", on="2026-03-01", reason="wrong_size")``."""

    def make(kind: str, **values: Any) -> EventInput:
        return parse(EventInput, {"kind": kind, **values}, today=TODAY)

    return make


@pytest.fixture
def dump() -> Callable[[Path], dict[str, list[tuple]]]:
    return dump_database
