"""Running the installed ``aliret-tui`` as a user would (shared by the CLI,
durability and hostile-input tests)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

TODAY = "2026-03-10"


def executable() -> str:
    beside_python = Path(sys.executable).with_name("aliret-tui")
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("aliret-tui")
    assert found, "aliret-tui is not installed (pip install -e .)"
    return found


EXE = executable()


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()

    @property
    def out_lines(self) -> list[str]:
        return self.out.splitlines()


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
    """``aliret-tui --db DB --today TODAY ARGS``; ``env`` is added to ours."""
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
