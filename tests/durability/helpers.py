"""Shared by the durability tests: checking the CLI's refusals, reading SQLite files
directly, and running a command as an unprivileged user (``support.cli`` runs it).

Nothing here goes through the store to check the store: databases are read with
plain ``sqlite3`` connections.
"""

from __future__ import annotations

import os
import pwd
import stat
import sys
from pathlib import Path

from support.cli import Result
from support.sqlite_files import connect

HERE = Path(__file__).resolve().parent


def assert_one_error_line(result: Result, *fragments: str) -> str:
    """Exit 2, nothing on stdout, exactly one line on stderr mentioning each fragment."""
    assert result.code == 2, (result.code, result.out, result.err)
    assert result.out == "", result.out
    lines = result.err_lines
    assert len(lines) == 1, lines
    assert lines[0].startswith("aliret-tui: error: "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


# -- reading SQLite files directly ------------------------------------------------


def pragma_check(path: Path, which: str = "integrity_check") -> list[str]:
    conn = connect(path, readonly=True)
    try:
        return [row[0] for row in conn.execute(f"PRAGMA {which}")]
    finally:
        conn.close()


def user_tables(dump: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """The user's data in a dump: every table but the bookkeeping ones."""
    return {
        name: rows
        for name, rows in dump.items()
        if name not in ("meta", "_sqlite_migrations", "sqlite_sequence")
    }


def order_ids(path: Path) -> list[str]:
    conn = connect(path, readonly=True)
    try:
        return [row[0] for row in conn.execute("SELECT order_id FROM orders ORDER BY order_id")]
    finally:
        conn.close()


def user_version(path: Path) -> int:
    conn = connect(path, readonly=True)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


def set_user_version(path: Path, version: int) -> None:
    conn = connect(path)
    try:
        conn.execute(f"PRAGMA user_version = {version}")
        conn.commit()
    finally:
        conn.close()


def checkpoint(path: Path) -> None:
    """Fold the WAL into the main file, so the file alone holds everything."""
    conn = connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def files_in(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (recursively), by relative name, with its bytes."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


# -- running as another user ---------------------------------------------------------


def nobody() -> tuple[int, int]:
    try:
        entry = pwd.getpwnam("nobody")
        return entry.pw_uid, entry.pw_gid
    except KeyError:
        return 65534, 65534


def root_cannot_drop_privileges() -> bool:
    """True when running as root and switching to nobody is refused (no CAP_SETUID...):
    then file modes cannot be tested, since root ignores them."""
    if os.geteuid() != 0:
        return False  # a normal user: file modes apply already
    uid, gid = nobody()
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
            os._exit(0)
        except BaseException:
            os._exit(1)
    return os.waitpid(pid, 0)[1] != 0


def unprivileged_argv() -> list[str]:
    """How to start ``aliret-tui`` so that it runs without root's power over files.

    The interpreter of this venv may live in a folder only root can enter (here
    ``/root/.pyenv``), so ``preexec_fn`` cannot switch to nobody before ``exec``.
    ``run_as_nobody.py`` starts as root, imports the CLI, then drops to nobody
    (``setgroups``/``setgid``/``setuid``) before ``main()`` touches any file."""
    return [sys.executable, str(HERE / "run_as_nobody.py")]
