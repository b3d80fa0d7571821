"""Where aliret-tui keeps its files. One function per path; tests use the overrides.

Overrides, strongest first: ``--db PATH``; ``ALIRET_TUI_DB``; ``ALIRET_TUI_DATA_DIR``
and ``ALIRET_TUI_CONFIG_DIR`` (move the whole folders); then platformdirs'
per-user folders.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "aliret-tui"
DB_FILENAME = "aliret.db"


def data_dir() -> Path:
    override = os.environ.get("ALIRET_TUI_DATA_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    override = os.environ.get("ALIRET_TUI_CONFIG_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False)


def database_path(cli_value: str | None = None) -> Path:
    chosen = cli_value or os.environ.get("ALIRET_TUI_DB")
    return Path(chosen).expanduser() if chosen else data_dir() / DB_FILENAME


def config_path() -> Path:
    return config_dir() / "config.toml"


def backup_dir(database: Path) -> Path:
    """Backups live beside the database they protect."""
    return database.parent / "backups"
