"""Files the store must not use are refused with a clear message and left byte-for-byte
untouched: no migration, no WAL switch, no side files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from aliret_tui.store.schema import MIGRATION_SET
from aliret_tui.store.store import Store, StoreError
from aliret_tui.store.version import SCHEMA_VERSION


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every file in the folder, by name, with its bytes."""
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


def _refused(path: Path, clock, *fragments: str) -> str:
    before = _snapshot(path.parent)
    with pytest.raises(StoreError) as caught:
        Store(path, time=clock)
    message = str(caught.value)
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message
    assert _snapshot(path.parent) == before
    return message


def _sqlite_file(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def test_a_text_file_is_refused_untouched(tmp_path, clock):
    path = tmp_path / "notes.db"
    path.write_bytes(b"my shopping list\nnot a database\n" * 100)
    _refused(path, clock, "not a SQLite database")


def test_a_binary_file_is_refused_untouched(tmp_path, clock):
    path = tmp_path / "image.db"
    path.write_bytes(bytes(range(256)) * 64)
    _refused(path, clock, "not a SQLite database")


def test_a_database_of_another_program_is_refused_untouched(tmp_path, clock):
    path = tmp_path / "other.db"
    _sqlite_file(
        path,
        "CREATE TABLE contacts (name TEXT, phone TEXT)",
        "INSERT INTO contacts VALUES ('Ann', '555')",
    )
    _refused(path, clock, "not an aliret-tui one")
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()


def test_a_newer_schema_version_is_refused_untouched(tmp_path, clock):
    path = tmp_path / "newer.db"
    Store(path, time=clock).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    message = _refused(path, clock, "newer", str(SCHEMA_VERSION + 1))
    assert "upgrade" in message


def test_a_newer_schema_version_on_an_otherwise_empty_file_is_refused(tmp_path, clock):
    path = tmp_path / "empty-newer.db"
    _sqlite_file(path, f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    _refused(path, clock, "newer")


def test_an_unknown_migration_is_refused_untouched(tmp_path, clock):
    path = tmp_path / "future.db"
    Store(path, time=clock).close()
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
        [MIGRATION_SET, "m099_from_the_future", "2030-01-01"],
    )
    conn.commit()
    conn.close()
    _refused(path, clock, "m099_from_the_future")


def test_a_directory_is_refused(tmp_path, clock):
    path = tmp_path / "folder.db"
    path.mkdir()
    (path / "inside.txt").write_text("keep me")
    with pytest.raises(StoreError, match="directory"):
        Store(path, time=clock)
    assert [p.name for p in path.iterdir()] == ["inside.txt"]
    assert (path / "inside.txt").read_text() == "keep me"


def test_a_refusal_does_not_create_side_files(tmp_path, clock):
    path = tmp_path / "notes.db"
    path.write_text("hello")
    with pytest.raises(StoreError):
        Store(path, time=clock)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_an_empty_file_is_treated_as_a_new_database(tmp_path, clock):
    path = tmp_path / "empty.db"
    path.touch()
    with Store(path, time=clock) as store:
        assert "orders" in store.db.table_names()
