"""Opening the SQLite file safely: only a regular file that is ours (or none, which
is created 0600 in a 0700 folder), WAL and full sync, a busy timeout, and SQLite's
errors said in words. Nothing here writes to a file it refuses."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import stat
import time
from collections.abc import Callable
from pathlib import Path

from aliret_tui.files import make_private_folder
from aliret_tui.store.connection import Connection
from aliret_tui.store.errors import StoreError, UpgradeNeeded
from aliret_tui.store.readonly import NotAFile, connect_readonly, read_header
from aliret_tui.store.version import MIGRATION_NAMES as KNOWN_MIGRATIONS
from aliret_tui.store.version import MIGRATION_SET, MIGRATIONS_TABLE, SCHEMA_VERSION

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000
DIR_MODE = 0o700
FILE_MODE = 0o600


def connect_file(path: Path) -> sqlite3.Connection:
    """Open ``path``; refuse anything that is not a database we may use, untouched."""
    header = file_header(path)
    if header is None:
        create_private_file(path)
    else:
        if header and header != SQLITE_MAGIC:
            raise StoreError(f"{path}: is not a SQLite database; it was left untouched")
        if not os.access(path, os.W_OK):
            raise StoreError(f"{path}: is read-only; aliret-tui needs to write to it")
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    except sqlite3.Error as error:
        raise StoreError(f"{path}: cannot be opened ({describe_error(error)})") from None
    return conn


def open_readonly(path: Path) -> Connection:
    """The read-only store's database: creates nothing, writes nothing (see Store)."""
    header = file_header(path)
    if header and header != SQLITE_MAGIC:
        raise StoreError(f"{path}: is not a SQLite database; it was left untouched")
    if not header:
        return empty_database()  # no database yet
    try:
        db = Connection(connect_readonly(str(path), timeout=BUSY_TIMEOUT_MS / 1000))
    except sqlite3.Error as error:
        raise StoreError(f"{path}: cannot be read ({describe_error(error, path)})") from None
    try:
        refuse_foreign_schema(db, path)
        if not db.table_names():
            db.conn.close()
            return empty_database()
        if migration_due(db) and _migrations_pending(db):
            version = db.conn.execute("PRAGMA user_version").fetchone()[0]
            raise UpgradeNeeded(
                f"{path}: was written by an older aliret-tui (schema {version}) and must be "
                f"upgraded to schema {SCHEMA_VERSION} before it can be read, which writes to it"
            )
    except sqlite3.Error as error:
        db.conn.close()
        raise StoreError(f"{path}: cannot be read ({describe_error(error, path)})") from None
    except BaseException:
        db.conn.close()
        raise
    return db


def empty_database() -> Connection:
    """An empty database of the current schema, in memory: reading commands show no
    orders where there is no database, without creating one."""
    from aliret_tui.store.schema import migrations  # sqlite-utils, to make the tables

    db = Connection(sqlite3.connect(":memory:", check_same_thread=False))
    migrations.apply(db.schema_tools)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return db


def file_header(path: Path) -> bytes | None:
    """The file's first 16 bytes, or None when there is none; only a regular file is
    opened (a FIFO would hang, a device would get a -journal beside it)."""
    try:
        return read_header(str(path))
    except NotAFile as error:
        raise StoreError(
            f"{path}: is {error.kind}, not a database file; it was left untouched"
        ) from None
    except OSError as error:
        raise StoreError(f"{path}: cannot be read ({error.strerror})") from None


def create_private_file(path: Path) -> None:
    """A new empty file, 0600, in folders created 0700, whatever the umask."""
    try:
        make_private_folder(path.parent)
    except OSError as error:
        raise StoreError(f"{path.parent}: cannot be created ({error.strerror})") from None
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(path, flags, FILE_MODE)
    except FileExistsError:
        if not path.exists():  # a link to nowhere: SQLite would create its target
            raise StoreError(
                f"{path}: is a symbolic link to a missing file; it was left untouched"
            ) from None
        return  # another process created it meanwhile
    except OSError as error:
        raise StoreError(f"{path}: cannot be created ({error.strerror})") from None
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)


def refuse_foreign_schema(db: Connection, path: Path) -> None:
    """Read-only checks before anything is written to the file."""
    tables = set(db.table_names())
    version = db.conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: was written by a newer aliret-tui (schema {version}, this version "
            f"knows {SCHEMA_VERSION}); upgrade aliret-tui. The file was left untouched"
        )
    if not tables:
        return
    if MIGRATIONS_TABLE not in tables:
        raise StoreError(f"{path}: is a SQLite database, but not an aliret-tui one; left untouched")
    unknown = applied_migrations(db) - set(KNOWN_MIGRATIONS)
    if unknown:
        raise StoreError(
            f"{path}: has schema changes this version does not know "
            f"({', '.join(sorted(unknown))}); upgrade aliret-tui. The file was left untouched"
        )


def applied_migrations(db: Connection) -> set[str]:
    rows = db.execute(
        f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ?", [MIGRATION_SET]
    )
    return {name for (name,) in rows}


def migration_due(db: Connection) -> bool:
    """Whether this code's schema has changes the database lacks (or it is new).
    Read without sqlite-utils, which only changing the schema needs."""
    if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
        return True
    if MIGRATIONS_TABLE not in db.table_names():
        return True
    return not set(KNOWN_MIGRATIONS) <= applied_migrations(db)


def _migrations_pending(db: Connection) -> bool:
    """sqlite-utils' own answer, for a database ``migration_due`` doubts."""
    from aliret_tui.store.schema import migrations

    return migrations.pending(db.schema_tools)


def configure(db: Connection) -> None:
    conn = db.conn
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise sqlite3.OperationalError(f"could not switch to WAL mode (got {mode})")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")


def disk_full(path: Path) -> bool:
    try:
        return shutil.disk_usage(path.parent).free < 1024 * 1024
    except OSError:
        return False


def restrict_permissions(path: Path) -> None:
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            if stat.S_IMODE(candidate.stat().st_mode) != FILE_MODE:
                candidate.chmod(FILE_MODE)
        except OSError:
            pass


def patiently(step: Callable[[], None]) -> None:
    """Retry a step of opening that SQLite refuses at once, without waiting on the
    busy timeout, when another process opens the same new database."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            step()
            return
        except sqlite3.OperationalError as error:
            busy = "locked" in str(error) or "busy" in str(error)
            if not busy or time.monotonic() > deadline:
                raise
            time.sleep(0.02 + random.random() * 0.08)


def describe_error(error: sqlite3.Error, path: Path | None = None) -> str:
    text = str(error)
    if "locked" in text or "busy" in text:
        return "another program held the database for too long; try again"
    if "full" in text or (path is not None and "disk I/O" in text and disk_full(path)):
        return "the disk is full"
    if "readonly" in text or "read-only" in text:
        return "it is read-only"
    return text
