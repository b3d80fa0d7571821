"""The store's SQLite connection, on the standard library's ``sqlite3``.

sqlite-utils keeps the schema (``store.schema``'s migrations, ``store.restore``)
and is imported only when the schema must change: its import takes several times
Python's own start-up, and ``show``, ``add`` and ``event`` must start in a blink.
Reading and writing rows is a few lines of SQL here. Table and column names come
from this code, never from the user; values are always bound as parameters.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlite_utils import Database

Row = Mapping[str, Any]
Parameters = Sequence[Any] | Mapping[str, Any]


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Connection:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, parameters: Parameters = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, parameters)

    def query(self, sql: str, parameters: Parameters = ()) -> Iterator[dict[str, Any]]:
        """Each row as a dict of its columns."""
        cursor = self.conn.execute(sql, parameters)
        names = [column[0] for column in cursor.description or ()]
        for row in cursor:
            yield dict(zip(names, row, strict=True))

    def table_names(self) -> list[str]:
        rows = self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return [name for (name,) in rows]

    def insert(self, table: str, row: Row) -> int:
        """Add one row; its rowid."""
        cursor = self.conn.execute(_insert_sql(table, list(row)), list(row.values()))
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def insert_all(self, table: str, rows: Iterable[Row]) -> None:
        for columns, values in _grouped_by_columns(rows):
            self.conn.executemany(_insert_sql(table, columns), values)

    def update(self, table: str, where: Row, changes: Row) -> None:
        """Set ``changes`` on the row whose key columns hold ``where``."""
        assignments = ", ".join(f"{quoted(name)} = ?" for name in changes)
        self.conn.execute(
            f"UPDATE {quoted(table)} SET {assignments} WHERE {_matching(where)}",
            [*changes.values(), *where.values()],
        )

    def upsert(self, table: str, row: Row, key: str) -> None:
        """Add the row, or update the one with the same ``key``."""
        changes = ", ".join(f"{quoted(name)} = excluded.{quoted(name)}" for name in row)
        self.conn.execute(
            f"{_insert_sql(table, list(row))} ON CONFLICT ({quoted(key)}) DO UPDATE SET {changes}",
            list(row.values()),
        )

    def delete(self, table: str, where: Row) -> None:
        self.conn.execute(
            f"DELETE FROM {quoted(table)} WHERE {_matching(where)}", [*where.values()]
        )

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """A savepoint inside the transaction already open."""
        self.conn.execute("SAVEPOINT atomic")
        try:
            yield
        except BaseException:
            if self.conn.in_transaction:  # an error may have ended the transaction already
                self.conn.execute("ROLLBACK TO SAVEPOINT atomic")
                self.conn.execute("RELEASE SAVEPOINT atomic")
            raise
        self.conn.execute("RELEASE SAVEPOINT atomic")

    @cached_property
    def schema_tools(self) -> Database:
        """sqlite-utils on this same connection, to change the schema."""
        from sqlite_utils import Database

        return Database(self.conn)


def _insert_sql(table: str, columns: Sequence[str]) -> str:
    names = ", ".join(quoted(name) for name in columns)
    marks = ", ".join("?" for _ in columns)
    return f"INSERT INTO {quoted(table)} ({names}) VALUES ({marks})"


def _matching(where: Row) -> str:
    return " AND ".join(f"{quoted(name)} = ?" for name in where)


def _grouped_by_columns(rows: Iterable[Row]) -> Iterator[tuple[list[str], list[list[Any]]]]:
    """Runs of rows with the same columns, for one executemany each."""
    columns: list[str] | None = None
    values: list[list[Any]] = []
    for row in rows:
        names = list(row)
        if names != columns:
            if columns is not None and values:
                yield columns, values
            columns, values = names, []
        values.append(list(row.values()))
    if columns is not None and values:
        yield columns, values
