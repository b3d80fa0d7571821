"""Shared test set-up: no test may touch the real user folders or the real date."""

from __future__ import annotations

import os

import pytest


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """Two workers per core for ``-n auto``: the Pilot and subprocess tests spend much
    of their time waiting (pauses, child processes), so one per core leaves the cores
    idle (on 2 cores the suite took 7 m 58 s with 2 workers, 6 m 18 s with 4)."""
    return min(2 * (os.cpu_count() or 1), 16)


@pytest.fixture(autouse=True)
def _isolated_user_folders(tmp_path_factory, monkeypatch):
    """Point every aliret-tui path at a fresh temporary folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("ALIRET_TUI_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("ALIRET_TUI_CONFIG_DIR", str(home / "config"))
    monkeypatch.delenv("ALIRET_TUI_DB", raising=False)
    return home
