"""Backups: taken with ``VACUUM INTO`` (never a file copy), each checked with
``PRAGMA quick_check`` before it counts, kept private (0600).

- a daily backup before the first change of each day (when anything changed
  since the last one), pruned to the last 7 days plus one a week for 4 weeks;
- a backup before every schema migration and before every restore;
- ``aliret-tui backup`` on demand.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from aliret_tui.errors import UserError

KEEP_DAILY = 7
KEEP_WEEKLY = 4
FILE_MODE = 0o600
DIR_MODE = 0o700
_DAILY = re.compile(r"^daily-(\d{4}-\d{2}-\d{2})-c(\d+)\.db$")
# A backup being written: .NAME.PID-RANDOM.partial (plus SQLite's journal files).
_PARTIAL = re.compile(r"^\..+\.(\d+)-[0-9a-f]+\.partial(-journal|-wal|-shm)?$")
STALE_PARTIAL_SECONDS = 600


class BackupError(UserError):
    pass


@dataclass(frozen=True)
class DailyBackup:
    path: Path
    day: dt.date
    changes: int  # the database's change counter when it was taken


def take_backup(
    conn: sqlite3.Connection, destination: Path, *, if_exists: str = "rename"
) -> Path | None:
    """Write a checked copy of ``conn``'s database at ``destination``; never overwrites.

    When the name is taken (another process got there first): ``"rename"`` picks
    ``name-2.db``, ``name-3.db``...; ``"skip"`` keeps theirs and returns None;
    ``"error"`` refuses."""
    folder = destination.parent
    folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    sweep_partials(folder)
    partial = folder / f".{destination.stem}.{os.getpid()}-{secrets.token_hex(4)}.partial"
    try:
        conn.execute("VACUUM INTO ?", [str(partial)])
        os.chmod(partial, FILE_MODE)
        verdict = quick_check(partial)
        if verdict != "ok":
            raise BackupError(f"{destination}: the backup failed its check ({verdict})")
        placed = _claim_name(destination, if_exists)
        if placed is not None:
            os.replace(partial, placed)
        return placed
    except sqlite3.Error as error:
        raise BackupError(f"{destination}: cannot write the backup ({error})") from None
    except OSError as error:
        raise BackupError(f"{destination}: cannot write the backup ({error.strerror})") from None
    finally:
        partial.unlink(missing_ok=True)


def _claim_name(destination: Path, if_exists: str) -> Path | None:
    """Create the file name exclusively, so two processes never share one."""
    candidate, number = destination, 1
    while True:
        try:
            os.close(os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
            return candidate
        except FileExistsError:
            if if_exists == "skip":
                return None
            if if_exists == "error":
                raise BackupError(f"{destination}: already exists; choose another name") from None
            number += 1
            candidate = destination.with_name(f"{destination.stem}-{number}{destination.suffix}")


def sweep_partials(folder: Path) -> None:
    """Remove what backups cut off by a crash left behind: their process is gone
    (or, should its number have been reused, they are over ten minutes old)."""
    cutoff = time.time() - STALE_PARTIAL_SECONDS
    for path in folder.iterdir():
        match = _PARTIAL.match(path.name)
        if match is None:
            continue
        try:
            if not _running(int(match[1])) or path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # somebody else's process
    return True


def quick_check(path: Path) -> str:
    """'ok', or what SQLite found wrong with the file."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = conn.execute("PRAGMA quick_check").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as error:
        return str(error)
    return "ok" if rows == [("ok",)] else "; ".join(str(row[0]) for row in rows[:3])


def stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H%M%S")


def daily_backups(folder: Path) -> list[DailyBackup]:
    """The daily backups in ``folder``, newest first."""
    found = []
    if folder.is_dir():
        for path in folder.iterdir():
            match = _DAILY.match(path.name)
            if match:
                day = dt.date.fromisoformat(match[1])
                found.append(DailyBackup(path, day, int(match[2])))
    return sorted(found, key=lambda backup: backup.day, reverse=True)


def daily_backup_due(folder: Path, today: dt.date, changes: int) -> bool:
    """No backup today yet, and something changed since the newest one."""
    if changes == 0:
        return False  # an empty new database: nothing to protect
    backups = daily_backups(folder)
    if not backups:
        return True
    newest = backups[0]
    return newest.day < today and newest.changes != changes


def daily_backup_path(folder: Path, today: dt.date, changes: int) -> Path:
    return folder / f"daily-{today.isoformat()}-c{changes}.db"


def prune_daily(folder: Path) -> list[Path]:
    """Keep the newest 7 daily backups and the newest of each of the last 4 weeks."""
    backups = daily_backups(folder)
    keep = {backup.path for backup in backups[:KEEP_DAILY]}
    weeks_seen: set[tuple[int, int]] = set()
    for backup in backups:
        week = tuple(backup.day.isocalendar())[:2]
        if week not in weeks_seen and len(weeks_seen) < KEEP_WEEKLY:
            weeks_seen.add(week)  # type: ignore[arg-type]
            keep.add(backup.path)
    removed = [backup.path for backup in backups if backup.path not in keep]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed
