"""Shared by the durability tests: running the CLI, reading SQLite files directly,
and running a command as an unprivileged user.

Nothing here goes through the store to check the store: databases are read with
plain ``sqlite3`` connections.
"""

from __future__ import annotations

import os
import pwd
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
TODAY = "2026-03-10"


def _executable() -> str:
    beside_python = Path(sys.executable).with_name("aliret-tui")
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("aliret-tui")
    assert found, "aliret-tui is not installed (pip install -e .)"
    return found


EXE = _executable()


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()


def run_cli(
    db: Path | str | None,
    *args: str,
    today: str | None = TODAY,
    cwd: Path | None = None,
    preexec_fn: Callable[[], None] | None = None,
    argv0: list[str] | None = None,
    env: dict[str, str] | None = None,
    stdin: str | None = None,
) -> Result:
    """``aliret-tui --db DB --today TODAY ARGS`` as a user would type it."""
    argv = list(argv0 or [EXE])
    if db is not None:
        argv += ["--db", str(db)]
    if today:
        argv += ["--today", today]
    argv += list(args)
    environment = dict(os.environ)
    environment.update(env or {})
    environment.setdefault("PYTHONIOENCODING", "utf-8")
    done = subprocess.run(
        argv,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env=environment,
        input=stdin,
        timeout=120,
        preexec_fn=preexec_fn,
    )
    return Result(done.returncode, done.stdout, done.stderr)


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


def connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    if readonly:
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    return sqlite3.connect(path)


def pragma_check(path: Path, which: str = "integrity_check") -> list[str]:
    conn = connect(path, readonly=True)
    try:
        return [row[0] for row in conn.execute(f"PRAGMA {which}")]
    finally:
        conn.close()


def dump_database(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, read through a separate read-only connection."""
    conn = connect(path, readonly=True)
    try:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {
            name: conn.execute(f'SELECT * FROM "{name}" ORDER BY 1').fetchall() for name in names
        }
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
