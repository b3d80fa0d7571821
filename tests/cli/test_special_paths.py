"""Unusual database paths: folder names that mean something in a SQLite URI (``%``, ``#``,
``?``), and a FIFO or a device given as the database."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest
from support.cli import EXE, TODAY

from aliret_tui.paths import sqlite_uri

# Each one broke backups: %41 decoded to "A", the rest cut the path short.
URI_FOLDERS = ["100%41", "C#x", "what?"]
ADD = ("add", "N1", "--title", "Kettle", "--price", "9.99", "--currency", "USD")


def _files_below(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


@pytest.mark.parametrize("name", URI_FOLDERS)
def test_the_whole_command_line_works_in_a_folder_named(tmp_path, cli, name):
    folder = tmp_path / name
    folder.mkdir()
    db = folder / "aliret.db"
    csv_file = folder / "in.csv"
    csv_file.write_text("order_id,title,price,currency\nC1,From CSV,2.00,USD\n", encoding="utf-8")

    def run(*args: str, today: str = TODAY, code: int = 0):
        result = cli(*args, db=db, today=today)
        assert result.code == code, (args, result.out, result.err)
        return result

    run(*ADD, "--delivered", "2026-03-08", today="2026-03-09")
    # A change on a new day: the daily backup.
    run("event", "N1", "open_dispute", "--reason", "damaged_in_transit", "--on", "2026-03-10")
    assert "N1" in run("list").out
    assert "N1" in run("check", "--days", "30", code=1).out  # 1: something is due
    run("export", "-o", str(folder / "all.json"))
    assert [record["order"]["order_id"] for record in
            json.loads((folder / "all.json").read_text())["orders"]] == ["N1"]  # fmt: skip
    assert "checked: ok" in run("backup").out
    assert "checked: ok" in run("backup", str(folder / "mine.db")).out
    assert "1 added" in run("import", str(csv_file)).out
    restored = run("restore", str(folder / "mine.db"))
    assert "Restored 1 orders" in restored.out
    assert [line.split()[0] for line in run("list").out_lines[1:]] == ["N1"]

    backups = [path for path in _files_below(folder) if path.startswith("backups/")]
    kinds = sorted(Path(path).name.split("-")[0] for path in backups)
    assert kinds == ["daily", "manual", "pre"], backups
    # Nothing was made beside the folder (a stray "100A", "C" or "what"), nor left in it.
    assert sorted(path.name for path in tmp_path.iterdir()) == [name]
    assert {path for path in _files_below(folder) if "/" not in path} == {
        "aliret.db", "all.json", "backups", "in.csv", "mine.db"}  # fmt: skip


def test_a_sqlite_uri_escapes_every_byte_that_is_not_plain(tmp_path):
    path = tmp_path / "100%41" / "C#x" / "what?" / "é ü.db"
    uri = sqlite_uri(path, mode="ro")
    assert uri.startswith("file:///") and uri.endswith("/%C3%A9%20%C3%BC.db?mode=ro")
    assert "/100%2541/C%23x/what%3F/" in uri
    assert sqlite_uri("//server/x.db") == "file:////server/x.db"  # never an authority


# -- FIFOs and devices -------------------------------------------------------------------

READING = ["check", "list", "export", "ics", "backup"]
WRITING = ["add", "import"]


def _special(folder: Path, kind: str) -> Path:
    path = folder / "aliret.db"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        try:
            os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # like /dev/null
        except PermissionError:
            pytest.skip("creating a device node needs root")
        path.chmod(0o666)
    return path


@pytest.mark.parametrize("command", READING + WRITING)
@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_fifo_or_device_as_the_database_is_refused_at_once(tmp_path, kind, command):
    folder = tmp_path / "work"
    folder.mkdir()
    db = _special(folder, kind)
    csv_file = tmp_path / "in.csv"
    csv_file.write_text("order_id,title,price,currency\nC1,From CSV,2.00,USD\n", encoding="utf-8")
    args = {"add": list(ADD), "import": ["import", str(csv_file)]}.get(command, [command])

    done = subprocess.run(
        [EXE, "--db", str(db), "--today", TODAY, *args],
        capture_output=True, text=True, timeout=30, check=False, cwd=tmp_path,
    )  # fmt: skip

    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stdout == ""
    what = "a FIFO" if kind == "fifo" else "a device"
    assert done.stderr.splitlines() == [
        f"aliret-tui: error: {db}: is {what}, not a database file; it was left untouched"
    ]
    assert [path.name for path in folder.iterdir()] == ["aliret.db"]  # no -journal, no backups
