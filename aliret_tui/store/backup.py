"""Backups: checked ``VACUUM INTO`` copies, named and pruned per database (``Store`` takes them)."""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aliret_tui.errors import UserError
from aliret_tui.files import make_private_folder, process_running
from aliret_tui.store.readonly import connect_readonly

# Taken daily before the first change of a day (when something changed since a backup),
# before every schema migration, before every restore, and on demand. Each is 0600 and
# its name ends with the database's file name, so databases sharing a folder each keep
# their own: daily-2026-03-01-c42-aliret.db (c: the change counter), manual-...-aliret.db.
KEEP_DAILY = 7
KEEP_WEEKLY = 4
FILE_MODE = 0o600
# A backup being written: .NAME.PID-RANDOM.partial (plus SQLite's journal files).
_PARTIAL = re.compile(r"^\..+\.(\d+)-[0-9a-f]+\.partial(-journal|-wal|-shm)?$")
STALE_PARTIAL_SECONDS = 600
QUICK_CHECK_TIMEOUT_S = 10


class BackupError(UserError):
    pass


@dataclass(frozen=True)
class DailyBackup:
    path: Path
    day: dt.date
    changes: int  # the database's change counter when it was taken


def take_backup(
    conn: sqlite3.Connection,
    destination: Path,
    *,
    if_exists: str = "rename",
    numbered: Callable[[int], Path] | None = None,
) -> Path | None:
    """Write a checked copy of ``conn``'s database at ``destination``; never overwrites.

    When the name is taken (another process got there first): ``"rename"`` picks
    ``numbered(2)``, ``numbered(3)``... (by default ``name-2.db``, ``name-3.db``...);
    ``"skip"`` keeps theirs and returns None; ``"error"`` refuses."""
    folder = destination.parent
    try:
        make_private_folder(folder)
        sweep_partials(folder)
    except OSError as error:
        raise BackupError(f"{folder}: cannot hold backups ({error.strerror})") from None
    partial = folder / f".{destination.stem}.{os.getpid()}-{os.urandom(4).hex()}.partial"
    try:
        conn.execute("VACUUM INTO ?", [str(partial)])
        os.chmod(partial, FILE_MODE)
        verdict = quick_check(partial)
        if verdict != "ok":
            raise BackupError(f"{destination}: the backup failed its check ({verdict})")
        placed = claim_name(destination, if_exists, numbered or _numbered(destination))
        if placed is not None:
            os.replace(partial, placed)
        return placed
    except sqlite3.Error as error:
        raise BackupError(f"{destination}: cannot write the backup ({error})") from None
    except OSError as error:
        raise BackupError(f"{destination}: cannot write the backup ({error.strerror})") from None
    finally:
        partial.unlink(missing_ok=True)


def _numbered(destination: Path) -> Callable[[int], Path]:
    """``name-2.db``, ``name-3.db``..."""
    return lambda number: destination.with_name(f"{destination.stem}-{number}{destination.suffix}")


def claim_name(destination: Path, if_exists: str, numbered: Callable[[int], Path]) -> Path | None:
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
            candidate = numbered(number)


def sweep_partials(folder: Path) -> None:
    """Remove what backups cut off by a crash left behind: their process is gone
    (or, should its number have been reused, they are over ten minutes old)."""
    cutoff = time.time() - STALE_PARTIAL_SECONDS
    for path in folder.iterdir():
        match = _PARTIAL.match(path.name)
        if match is None:
            continue
        try:
            if not process_running(int(match[1])) or path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass


def quick_check(path: Path) -> str:
    """'ok', or what SQLite found wrong with the file."""
    try:
        conn = connect_readonly(str(path), timeout=QUICK_CHECK_TIMEOUT_S)
        try:
            rows = conn.execute("PRAGMA quick_check").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as error:
        return str(error)
    return "ok" if rows == [("ok",)] else "; ".join(str(row[0]) for row in rows[:3])


def stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H%M%S")


def backup_name(kind: str, moment: dt.datetime, database: str, number: int = 1) -> str:
    """``manual-2026-03-10T120000-aliret.db``: what, when, and which database's (the
    second one in the same second: ``manual-2026-03-10T120000-2-aliret.db``)."""
    when = stamp(moment) if number == 1 else f"{stamp(moment)}-{number}"
    return f"{kind}-{when}-{database}"


def _daily_pattern(database: str) -> re.Pattern[str]:
    return re.compile(rf"daily-(\d{{4}}-\d{{2}}-\d{{2}})-c(\d+)-{re.escape(database)}")


def daily_backups(folder: Path, database: str) -> list[DailyBackup]:
    """The daily backups of ``database`` (a file name) in ``folder``, most recent first.

    Most recent means highest change counter: the counter only grows, so clock
    jumps and wrong ``--today`` dates do not reorder them."""
    pattern = _daily_pattern(database)
    found = []
    if folder.is_dir():
        for path in folder.iterdir():
            match = pattern.fullmatch(path.name)
            if match:
                try:
                    day = dt.date.fromisoformat(match[1])
                except ValueError:
                    continue  # not a name we wrote
                found.append(DailyBackup(path, day, int(match[2])))
    return sorted(found, key=lambda backup: (backup.changes, backup.day), reverse=True)


def daily_backup_due(folder: Path, database: str, today: dt.date, changes: int) -> bool:
    """No backup of ``database`` dated today yet, and none holds the data as it is."""
    if changes == 0:
        return False  # an empty new database: nothing to protect
    return not any(
        backup.day == today or backup.changes == changes
        for backup in daily_backups(folder, database)
    )


def daily_backup_path(folder: Path, database: str, today: dt.date, changes: int) -> Path:
    return folder / f"daily-{today.isoformat()}-c{changes}-{database}"


def daily_backups_to_keep(backups: list[DailyBackup], today: dt.date) -> list[DailyBackup]:
    """The ladder: the 7 most recent backups (whatever their dates), today's, and the
    newest of each of the 4 most recent weeks up to today. A backup dated after
    today (the clock went back) stays while it is among the 7 most recent."""
    recent_first = sorted(backups, key=lambda backup: (backup.changes, backup.day), reverse=True)
    keep = set(recent_first[:KEEP_DAILY]) | {backup for backup in backups if backup.day == today}
    newest_of_week: dict[tuple[int, int], DailyBackup] = {}
    for backup in recent_first:
        if backup.day <= today:
            newest_of_week.setdefault(_iso_week(backup.day), backup)
    keep |= {newest_of_week[week] for week in sorted(newest_of_week, reverse=True)[:KEEP_WEEKLY]}
    return [backup for backup in recent_first if backup in keep]


def _iso_week(day: dt.date) -> tuple[int, int]:
    year, week, _ = day.isocalendar()
    return year, week


def prune_daily(folder: Path, database: str, today: dt.date) -> list[Path]:
    """Delete the daily backups of ``database`` that are off the ladder; others' stay."""
    backups = daily_backups(folder, database)
    keep = {backup.path for backup in daily_backups_to_keep(backups, today)}
    removed = [backup.path for backup in backups if backup.path not in keep]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed
