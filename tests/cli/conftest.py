"""Run the installed ``aliret-tui`` exactly as a user would, one database per test."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from support.cli import TODAY, Result, run_cli


class Cli:
    """``cli("add", "1", "--title", ...)`` runs ``aliret-tui --db DB --today TODAY add 1 ...``."""

    def __init__(self, db: Path | None, cwd: Path):
        self.db = db
        self.cwd = cwd

    def __call__(
        self,
        *args: str,
        today: str | None = TODAY,
        db: Path | bool | None = True,
        env: dict[str, str] | None = None,
        stdin: str | None = None,
    ) -> Result:
        chosen_db = self.db if db is True else db
        return run_cli(chosen_db or None, *args, today=today, cwd=self.cwd, env=env, stdin=stdin)

    def add(
        self,
        order_id: str,
        *extra: str,
        title: str = "Thing",
        price: str = "9.99",
        currency: str = "USD",
        today: str | None = TODAY,
    ) -> Result:
        result = self(
            "add",
            order_id,
            "--title",
            title,
            "--price",
            price,
            "--currency",
            currency,
            *extra,
            today=today,
        )
        assert result.code == 0, result.err
        return result


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "aliret.db"


@pytest.fixture
def cli(db: Path, tmp_path: Path) -> Cli:
    return Cli(db, tmp_path)


@pytest.fixture(scope="session")
def _templates(tmp_path_factory) -> dict:
    return {"folder": tmp_path_factory.mktemp("templates"), "made": {}}


@pytest.fixture
def seed(_templates: dict, db: Path, tmp_path: Path) -> Callable[..., Path]:
    """Build a database by running CLI commands once per session, then copy it to ``db``.

    ``seed(("add", "1", "--title", ...), ("event", "1", "delivered"))``
    """

    def make(*commands: tuple[str, ...]) -> Path:
        made = _templates["made"]
        if commands not in made:
            template = _templates["folder"] / f"template{len(made)}.db"
            runner = Cli(template, tmp_path)
            for command in commands:
                result = runner(*command)
                assert result.code == 0, (command, result.err)
            made[commands] = template
        shutil.copy(made[commands], db)
        return db

    return make


def dump_database(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {n: conn.execute(f'SELECT * FROM "{n}" ORDER BY 1').fetchall() for n in names}
    finally:
        conn.close()


@pytest.fixture
def dump() -> Callable[[Path], dict[str, list[tuple]]]:
    return dump_database


def assert_one_error_line(result: Result, *fragments: str) -> str:
    """Exit 2, nothing on stdout, exactly one line on stderr mentioning each fragment."""
    assert result.code == 2, (result.code, result.out, result.err)
    assert result.out == ""
    lines = result.err_lines
    assert len(lines) == 1, lines
    assert lines[0].startswith("aliret-tui: error: "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


@pytest.fixture
def one_error_line() -> Callable[..., str]:
    return assert_one_error_line
