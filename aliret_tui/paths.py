"""Where aliret-tui keeps its files, and how SQLite is told where one is (``sqlite_uri``).

One function per path; tests use the overrides.

Overrides, strongest first: ``--db PATH``; ``ALIRET_TUI_DB``; ``ALIRET_TUI_DATA_DIR``
and ``ALIRET_TUI_CONFIG_DIR`` (move the whole folders); then platformdirs'
per-user folders.

The ``*_file`` / ``*_folder`` functions return plain strings and, on Linux,
resolve the XDG folders without importing platformdirs or pathlib, because
``aliret-tui check`` runs at every shell start. A test keeps them equal to
platformdirs' answers.
"""

from __future__ import annotations

import os
import sys

APP_NAME = "aliret-tui"
DB_FILENAME = "aliret.db"

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path


def _xdg_folder(variable: str, fallback: str) -> str:
    """platformdirs' Unix rule: an absolute $XDG_* wins, else the default under ~."""
    value = os.environ.get(variable, "")
    base = value if os.path.isabs(value) else os.path.expanduser(fallback)
    return os.path.join(base, APP_NAME)


def data_folder() -> str:
    override = os.environ.get("ALIRET_TUI_DATA_DIR")
    if override:
        return os.path.expanduser(override)
    if sys.platform.startswith("linux"):
        return _xdg_folder("XDG_DATA_HOME", "~/.local/share")
    from platformdirs import user_data_dir

    return user_data_dir(APP_NAME, appauthor=False)


def config_folder() -> str:
    override = os.environ.get("ALIRET_TUI_CONFIG_DIR")
    if override:
        return os.path.expanduser(override)
    if sys.platform.startswith("linux"):
        return _xdg_folder("XDG_CONFIG_HOME", "~/.config")
    from platformdirs import user_config_dir

    return user_config_dir(APP_NAME, appauthor=False)


def database_file(cli_value: str | None = None) -> str:
    chosen = cli_value or os.environ.get("ALIRET_TUI_DB")
    return os.path.expanduser(chosen) if chosen else os.path.join(data_folder(), DB_FILENAME)


def config_file() -> str:
    return os.path.join(config_folder(), "config.toml")


# -- as Path objects, for everything that is not `check` ----------------------------


def config_path() -> Path:
    from pathlib import Path

    return Path(config_file())


def backup_dir(database: Path) -> Path:
    """Backups live beside the database they protect."""
    return database.parent / "backups"


# -- SQLite URIs ---------------------------------------------------------------------

# Bytes a URI path may carry as they are (RFC 3986 "unreserved", and the separator).
_URI_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/")


def sqlite_uri(path: str | os.PathLike[str], **parameters: str | int) -> str:
    """``file:///abs/path?key=value``: the one place a SQLite URI is built.

    Every byte of the absolute path but letters, digits, ``-._~/`` is
    percent-encoded, so ``%``, ``#``, ``?`` (and any other byte) in a folder name
    reach SQLite as themselves. Open it with ``sqlite3.connect(uri, uri=True)``."""
    raw = os.fsencode(os.path.abspath(path))
    quoted = "".join(chr(byte) if byte in _URI_SAFE else f"%{byte:02X}" for byte in raw)
    query = "&".join(f"{key}={value}" for key, value in parameters.items())
    return f"file://{quoted}" + (f"?{query}" if query else "")


def command_line() -> list[str]:
    """This program, by absolute path: the script that runs now, else the one on PATH,
    else this Python with ``-m aliret_tui``. Links are kept (not resolved), so that a
    reinstall behind the same path keeps working."""
    running = sys.argv[0] if sys.argv else ""
    if (
        os.path.basename(running).startswith("aliret-tui")
        and os.path.isfile(running)
        and os.access(running, os.X_OK)
    ):
        return [os.path.abspath(running)]
    import shutil

    found = shutil.which("aliret-tui")
    if found:
        return [os.path.abspath(found)]
    return [os.path.abspath(sys.executable), "-m", "aliret_tui"]
