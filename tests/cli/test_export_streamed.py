"""``aliret-tui export``, streamed: the exact bytes it wrote before (to a file and to
standard output), a round trip through ``import``, and no partial file on failure."""

from __future__ import annotations

import csv
import io
import os
import resource
import signal
import sqlite3
import stat
import subprocess
from pathlib import Path

import pytest
from support.cli import EXE
from transfer.rich_database import TODAY_TEXT, build_rich_database

FIXTURES = Path(__file__).parent.parent / "transfer" / "fixtures"
FORMATS = ("json", "csv")


def _aliret(db: Path, *args: str, preexec_fn=None) -> subprocess.CompletedProcess[bytes]:
    """The installed command, its output as bytes."""
    environment = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [EXE, "--db", str(db), "--today", TODAY_TEXT, *args],
        capture_output=True,
        env=environment,
        timeout=120,
        preexec_fn=preexec_fn,
    )


@pytest.fixture(scope="module")
def rich_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_rich_database(tmp_path_factory.mktemp("rich") / "rich.db")


@pytest.mark.parametrize("kind", FORMATS)
def test_the_same_bytes_to_a_file_and_to_standard_output(
    rich_db: Path, tmp_path: Path, kind: str
) -> None:
    expected = (FIXTURES / f"rich-export.{kind}").read_bytes()
    target = tmp_path / f"out.{kind}"
    written = _aliret(rich_db, "export", "--format", kind, "-o", str(target))
    assert written.returncode == 0, written.stderr
    assert written.stdout == b""
    assert written.stderr == f"Exported to {target}\n".encode()
    assert target.read_bytes() == expected
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    printed = _aliret(rich_db, "export", "--format", kind)
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout == expected
    assert sorted(path.name for path in tmp_path.iterdir()) == [target.name]


def test_json_round_trip(tmp_path: Path) -> None:
    """Exported, imported into a new database, exported again: the same bytes."""
    source = build_rich_database(tmp_path / "source.db", hand_edits=False)
    first = tmp_path / "first.json"
    assert _aliret(source, "export", "-o", str(first)).returncode == 0
    copy = tmp_path / "copy.db"
    imported = _aliret(copy, "import", str(first))
    assert imported.returncode == 0, imported.stderr
    assert b"10 added" in imported.stdout
    again = _aliret(copy, "export")
    assert again.returncode == 0, again.stderr
    assert again.stdout == first.read_bytes()


def test_csv_round_trip(tmp_path: Path) -> None:
    """CSV holds the orders' facts: those come back the same (state and next deadline
    are written for the spreadsheet; an import starts each order afresh)."""
    source = build_rich_database(tmp_path / "source.db", hand_edits=False)
    first = tmp_path / "first.csv"
    assert _aliret(source, "export", "--format", "csv", "-o", str(first)).returncode == 0
    copy = tmp_path / "copy.db"
    imported = _aliret(copy, "import", str(first))
    assert imported.returncode == 0, imported.stderr
    again = _aliret(copy, "export", "--format", "csv")

    def facts(data: bytes) -> list[list[str]]:
        return [row[:13] for row in csv.reader(io.StringIO(data.decode("utf-8")))]

    assert facts(again.stdout) == facts(first.read_bytes())
    assert len(facts(again.stdout)) == 11


def _file_size_limit(size: int):
    """For the child: writes beyond ``size`` bytes fail (EFBIG), as on a full disk."""

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return limit


def _with_plain_orders(rich_db: Path, path: Path, count: int = 1200) -> Path:
    """A copy of the rich database with ``count`` plain orders more, ordered first."""
    path.write_bytes(rich_db.read_bytes())
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(
            "WITH RECURSIVE numbers(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM numbers "
            "WHERE value < ?) "
            "INSERT INTO orders (order_id, title, price, currency, state, created_at, updated_at) "
            "SELECT printf('77%014d', value), 'Item ' || value, '2.50', 'USD', 'kept', "
            "'2026-01-01T10:00:00', '2026-01-01T10:00:00' FROM numbers",
            [count],
        )
    conn.close()
    return path


@pytest.mark.parametrize("kind", FORMATS)
def test_a_failed_write_leaves_the_old_file(rich_db: Path, tmp_path: Path, kind: str) -> None:
    """The disk fills up after 64 KiB of the export were written (1,210 orders)."""
    db = _with_plain_orders(rich_db, tmp_path / "many.db")
    out = tmp_path / "out"
    out.mkdir()
    target = out / f"export.{kind}"
    target.write_text("the last export\n", encoding="utf-8")
    failed = _aliret(
        db, "export", "--format", kind, "-o", str(target), preexec_fn=_file_size_limit(65536)
    )
    assert failed.returncode != 0
    assert f"{target}: cannot be written (File too large)".encode() in failed.stderr
    assert target.read_text(encoding="utf-8") == "the last export\n"
    assert [path.name for path in out.iterdir()] == [target.name]  # no partial file


@pytest.mark.parametrize("kind", FORMATS)
def test_a_failure_after_batches_were_written_leaves_the_old_file(
    rich_db: Path, tmp_path: Path, kind: str
) -> None:
    """1,210 orders, the last one unreadable: two batches of 500 were written to the
    temporary file when the export stops; the old file stays, nothing is left."""
    db = _with_plain_orders(rich_db, tmp_path / "many.db")
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE orders SET state = 'no such state' WHERE order_id = 'A-10'")
    conn.close()
    out = tmp_path / "out"
    out.mkdir()
    target = out / f"export.{kind}"
    target.write_text("the last export\n", encoding="utf-8")
    failed = _aliret(db, "export", "--format", kind, "-o", str(target))
    assert failed.returncode != 0
    assert target.read_text(encoding="utf-8") == "the last export\n"
    assert [path.name for path in out.iterdir()] == [target.name]
