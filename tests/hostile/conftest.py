"""Fixtures for the hostile-input tests: private folders for module-wide databases,
and a frozen clock for the Pilot tests."""

from __future__ import annotations

import pytest
from support.pilot_fixtures import db_path, make_app, store  # noqa: F401  (fixtures)


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
