"""The dashboard says when the last daily backup failed: first on the summary line, and
in a notification with the reason."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from support.tui import FROZEN, NOW, TODAY, add, screen_text, settle

from aliret_tui.store.store import Store
from aliret_tui.timesource import TimeSource

SIZE = (120, 36)
WARNING = "⚠ daily backup failed"


def _days_ago(days: int) -> TimeSource:
    return TimeSource(frozen_at=NOW - dt.timedelta(days=days))


def _block_backups(db_path: Path) -> Path:
    """A file where the backups folder belongs: every backup fails."""
    backups = db_path.parent / "backups"
    shutil.rmtree(backups, ignore_errors=True)
    backups.write_text("in the way")
    return backups


def _backup_errors(app) -> list[str]:
    return [note.message for note in app._notifications if note.title == "Backup failed"]


async def test_a_daily_backup_that_failed_before_the_app_started_is_shown(db_path, make_app):
    with Store(db_path, time=_days_ago(2)) as store:
        add(store, "1")
    with Store(db_path, time=_days_ago(1)) as store:
        add(store, "2")  # yesterday's backup
    backups = _block_backups(db_path)
    with Store(db_path, time=FROZEN) as store:
        add(store, "3")  # today's fails; the order is saved all the same

    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot, app)
        summary_line = screen_text(app).splitlines()[1]
        assert summary_line.strip().startswith(f"{WARNING} · "), summary_line
        [told] = _backup_errors(app)
        assert told.startswith(f"the daily backup failed on {TODAY.isoformat()} ({backups}")

    backups.unlink()
    with Store(db_path, time=FROZEN) as store:
        add(store, "4")  # the backup works again
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot, app)
        assert WARNING not in screen_text(app)
        assert _backup_errors(app) == []


async def test_a_daily_backup_that_fails_while_the_app_runs_is_shown(db_path, make_app):
    with Store(db_path, time=_days_ago(1)) as store:
        add(store, "1")
        add(store, "2")
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot, app)
        assert WARNING not in screen_text(app)
        _block_backups(db_path)
        app.db.call(lambda store: add(store, "3"))  # today's first change, as a form saves
        for _ in range(100):  # the dashboard polls for changes every second
            await pilot.pause(0.1)
            if WARNING in screen_text(app):
                break
        await settle(pilot, app)
        assert WARNING in screen_text(app)
        assert len(_backup_errors(app)) == 1
