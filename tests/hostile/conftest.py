"""Fixtures for the hostile-input tests: private folders for module-wide databases,
and a frozen clock for the Pilot tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.tui import FROZEN

from aliret_tui.store.store import Store
from aliret_tui.tui.app import AliretApp


@pytest.fixture(scope="module")
def private_env(tmp_path_factory) -> dict[str, str]:
    """Environment for subprocesses started by module-scoped fixtures, which run
    before the function-scoped autouse isolation: never the real user folders."""
    home = tmp_path_factory.mktemp("hostile-home")
    env = {
        "ALIRET_TUI_DATA_DIR": str(home / "data"),
        "ALIRET_TUI_CONFIG_DIR": str(home / "config"),
    }
    return env


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
        return AliretApp(db_path=db_path, time=FROZEN)

    return make
