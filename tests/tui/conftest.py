"""Pilot fixtures: a real SQLite file in tmp_path and a frozen clock."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.tui import FROZEN

from aliret_tui.store.store import Store
from aliret_tui.tui.app import AliretApp


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "orders.db"


@pytest.fixture
def store(db_path: Path):
    with Store(db_path, time=FROZEN) as opened:
        yield opened


@pytest.fixture
def make_app(db_path: Path):
    def make() -> AliretApp:
        return AliretApp.with_first_rows(db_path=db_path, time=FROZEN)

    return make
