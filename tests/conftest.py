"""Shared test set-up: no test may touch the real user folders or the real date."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_user_folders(tmp_path_factory, monkeypatch):
    """Point every aliret-tui path at a fresh temporary folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("ALIRET_TUI_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("ALIRET_TUI_CONFIG_DIR", str(home / "config"))
    monkeypatch.delenv("ALIRET_TUI_DB", raising=False)
    return home
