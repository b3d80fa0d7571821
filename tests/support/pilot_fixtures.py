"""Pilot fixtures shared by the TUI and hostile-input tests (imported by their
conftest files): a real SQLite file in tmp_path, and the app started as
``aliret-tui`` starts it, with a frozen clock."""

from __future__ import annotations

from pathlib import Path

import pytest

from aliret_tui.store.store import Store
from aliret_tui.tui.app import AliretApp
from support.tui import FROZEN


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "orders.db"


@pytest.fixture
def store(db_path: Path):
    with Store(db_path, time=FROZEN) as opened:
        yield opened


@pytest.fixture
def make_app(db_path: Path):
    """The app, without animations: the tab underline's only slows the keys."""

    def make() -> AliretApp:
        app = AliretApp.with_first_rows(db_path=db_path, time=FROZEN)
        app.animation_level = "none"
        return app

    return make
