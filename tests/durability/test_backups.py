"""Backups: daily before the first change of a day, pruned to 7 daily + 4 weekly and named
per database, robust to clock jumps, failures reported by check; before a migration, on
demand, and restore that checks the file and saves what it replaces."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from durability.helpers import (
    assert_one_error_line,
    checkpoint,
    mode,
    order_ids,
    pragma_check,
    set_user_version,
    user_tables,
    user_version,
)
from support.cli import run_cli
from support.sqlite_files import connect, dump_database

import aliret_tui.store.base as store_base
import aliret_tui.store.opening as store_opening
from aliret_tui.domain.models import OrderFacts, parse
from aliret_tui.store import backup as backup_module
from aliret_tui.store.backup import BackupError, quick_check
from aliret_tui.store.schema import migrations
from aliret_tui.store.store import Store
from aliret_tui.store.version import SCHEMA_VERSION
from aliret_tui.timesource import TimeSource

DAILY = re.compile(r"^daily-(\d{4}-\d{2}-\d{2})-c(\d+)-(.+)$")


def _facts(order_id: str, title: str = "Thing") -> OrderFacts:
    return parse(OrderFacts, {"order_id": order_id, "title": title, "price": "4.00",
                              "currency": "EUR", "ordered_on": "2025-12-01"})  # fmt: skip


def _on(day: dt.date) -> TimeSource:
    return TimeSource(frozen_at=dt.datetime.combine(day, dt.time(12, 0)))


def _changes_inside(path: Path) -> int:
    conn = connect(path, readonly=True)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'changes'").fetchone()
        return int(row[0]) if row else 0
    finally:
        conn.close()


def _dailies(folder: Path, database: str = "aliret.db") -> dict[str, Path]:
    """``database``'s daily backups by date; each is checked: name, quick_check, mode,
    counter inside."""
    found = {}
    for path in sorted(folder.glob("daily-*")):
        match = DAILY.match(path.name)
        assert match, f"badly named daily backup {path.name}"
        if match[3] != database:
            continue
        assert match[1] not in found, f"two daily backups on {match[1]}"
        assert quick_check(path) == "ok", path
        assert mode(path) == 0o600, path
        assert _changes_inside(path) == int(match[2]), f"{path.name}: counter inside differs"
        found[match[1]] = path
    return found


# -- daily backups ----------------------------------------------------------------------


def test_a_daily_backup_comes_before_the_first_change_of_a_day_and_only_then(tmp_path):
    db = tmp_path / "data" / "aliret.db"
    backups = db.parent / "backups"

    def cli(day: str, *args: str, code: int = 0):
        result = run_cli(db, *args, today=day)
        assert result.code == code, result.err
        return result

    def add(day: str, order_id: str):
        return cli(day, "add", order_id, "--title", f"Order {order_id}", "--price", "3",
                   "--currency", "USD", "--ordered", "2026-01-01")  # fmt: skip

    add("2026-03-01", "A")  # a new database: nothing to protect yet
    assert _dailies(backups) == {}
    add("2026-03-01", "B")
    add("2026-03-01", "C")
    after_day_one = user_tables(dump_database(db))
    first = _dailies(backups)
    assert list(first) == ["2026-03-01"], "one backup on the first day, however many changes"
    assert order_ids(first["2026-03-01"]) == ["A"], "taken before B, the day's next change"

    for day in ("2026-03-02", "2026-03-03"):  # reading only: no backup
        cli(day, "list", "--all")
        cli(day, "export")
        cli(day, "check", code=0)
        cli(day, "backup", str(tmp_path / f"copy-{day}.db"))
    assert list(_dailies(backups)) == ["2026-03-01"]

    cli("2026-03-04", "event", "A", "delivered", "--on", "2026-03-04")
    taken = _dailies(backups)
    assert list(taken) == ["2026-03-01", "2026-03-04"]
    assert user_tables(dump_database(taken["2026-03-04"])) == after_day_one, (
        "the backup must hold the data as it was before the day's first change"
    )
    cli("2026-03-04", "event", "A", "keep", "--on", "2026-03-04")
    add("2026-03-04", "D")
    assert list(_dailies(backups)) == ["2026-03-01", "2026-03-04"]

    # Walking back in time (a wrong --today, a clock set back): a backup dated later
    # does not stand for this day's, which is taken all the same; nothing breaks.
    add("2026-03-02", "E")
    taken = _dailies(backups)
    assert list(taken) == ["2026-03-01", "2026-03-02", "2026-03-04"]
    assert "D" in order_ids(taken["2026-03-02"]), "it holds the data as it was, D included"

    # Refused writes change nothing. Once a backup holds the data as it is, later
    # attempts take no other: at most one backup over these three days.
    missing = ("event", "NOPE", "delivered", "--on", "2026-03-01")
    cli("2026-03-05", *missing, code=2)
    cli("2026-03-06", *missing, code=2)
    add("2026-03-07", "F")
    taken = _dailies(backups)
    assert len(set(taken) & {"2026-03-05", "2026-03-06", "2026-03-07"}) <= 1, list(taken)
    # No two backups hold the same data: nothing is backed up when nothing changed.
    contents = [json.dumps(user_tables(dump_database(path))) for path in taken.values()]
    assert len(set(contents)) == len(contents), list(taken)


def test_a_store_left_open_overnight_backs_up_before_the_next_days_first_change(tmp_path):
    """The TUI stays open for days: the day is checked at every change, not at start."""
    db = tmp_path / "aliret.db"
    clock = TimeSource(today_override=dt.date(2026, 3, 1))
    with Store(db, time=clock) as store:
        store.add_order(_facts("NIGHT-1"))
        store.add_order(_facts("NIGHT-2"))
        assert list(_dailies(db.parent / "backups")) == []  # a new database: nothing before
        clock.today_override = dt.date(2026, 3, 2)
        store.add_order(_facts("NIGHT-3"))
        taken = _dailies(db.parent / "backups")
        assert list(taken) == ["2026-03-02"]
        assert order_ids(taken["2026-03-02"]) == ["NIGHT-1", "NIGHT-2"]
        store.add_order(_facts("NIGHT-4"))
        assert list(_dailies(db.parent / "backups")) == ["2026-03-02"]


def _kept_by_the_rule(days: list[dt.date]) -> set[dt.date]:
    """7 newest days, plus the newest backup of each of the 4 newest ISO weeks."""
    newest_first = sorted(days, reverse=True)
    keep = set(newest_first[:7])
    weeks: dict[tuple[int, int], dt.date] = {}
    for day in newest_first:
        weeks.setdefault(day.isocalendar()[:2], day)
    keep.update(day for _, day in sorted(weeks.items(), reverse=True)[:4])
    return keep


def test_retention_keeps_the_last_7_daily_and_the_newest_of_the_last_4_weeks(tmp_path):
    db = tmp_path / "aliret.db"
    backups = db.parent / "backups"
    first_day = dt.date(2026, 1, 1)  # a Thursday
    kept: set[dt.date] = set()
    for offset in range(40):  # one change a day, 2026-01-01 .. 2026-02-09
        day = first_day + dt.timedelta(days=offset)
        with Store(db, time=_on(day)) as store:
            store.add_order(_facts(f"D{offset:02d}"))
            if offset == 2:
                manual = store.backup_now("manual")
        if offset >= 1:  # the very first change made the database: nothing to back up
            kept = _kept_by_the_rule([*kept, day])
        found = {dt.date.fromisoformat(name) for name in _dailies(backups)}
        assert found == kept, f"after {day}: {sorted(found)} != {sorted(kept)}"
        assert len(found) <= 11

    assert sorted(day.isoformat() for day in kept) == [
        "2026-01-25",  # newest of ISO week 4
        "2026-02-01",  # newest of ISO week 5
        "2026-02-03", "2026-02-04", "2026-02-05", "2026-02-06", "2026-02-07",
        "2026-02-08",  # the last 7 days; also the newest of ISO week 6
        "2026-02-09",  # ... and of week 7, this one
    ]  # fmt: skip
    assert manual.exists(), "pruning touches daily backups only"
    # Each kept backup holds the data of the day before it was taken.
    for name, path in _dailies(backups).items():
        day = dt.date.fromisoformat(name)
        assert order_ids(path)[-1] == f"D{(day - first_day).days - 1:02d}"


# -- several databases, clock jumps, failures -------------------------------------------


def _add(db: Path, day: str, order_id: str) -> None:
    result = run_cli(db, "add", order_id, "--title", f"Order {order_id}", "--price", "3",
                     "--currency", "USD", "--ordered", "2026-01-01", today=day)  # fmt: skip
    assert result.code == 0, result.err


def test_ten_days_of_writes_to_two_databases_in_one_folder_and_one_dated_in_the_future(tmp_path):
    """Each database has its own ladder in the shared folder; neither prunes the other's
    backups, and one write dated 2099 stops nothing."""
    folder = tmp_path / "data"
    databases = {"A": folder / "aliret.db", "B": folder / "other.db"}
    backups = folder / "backups"
    # What each backup must hold: database -> backup date -> the orders before it.
    held: dict[str, dict[str, list[str]]] = {"A": {}, "B": {}}

    def write(name: str, day: str, order_id: str) -> None:
        db = databases[name]
        before = order_ids(db) if db.exists() else []
        _add(db, day, order_id)
        if before:  # the very first change made the database: nothing to back up
            held[name].setdefault(day, before)  # the day's first change only

    for offset in range(10):  # 2026-03-01 (a Sunday) .. 2026-03-10
        day = (dt.date(2026, 3, 1) + dt.timedelta(days=offset)).isoformat()
        for name in ("A", "B") if offset % 2 else ("B", "A"):
            write(name, day, f"{name}{offset}")
            write(name, day, f"{name}{offset}-later")
        if day == "2026-03-05":
            write("A", "2099-01-01", "A-FROM-THE-FUTURE")  # a wrong --today, or a clock jump
        for name, db in databases.items():
            taken = _dailies(backups, db.name)
            assert day in taken, f"{db.name}: no backup on {day}; it has {list(taken)}"
            for date, path in taken.items():
                assert order_ids(path) == held[name][date], f"{path.name} holds other data"

    # The ladder: the 7 most recent (the one dated 2099 among them: it was taken after
    # 2026-03-05's), plus the newest of each of the last 4 weeks: 03-10 (ISO week 11) and
    # 03-08 (week 10) are among those 7; 03-01, a Sunday, is week 9's only one.
    assert list(_dailies(backups, "aliret.db")) == [
        "2026-03-01",
        "2026-03-05", "2026-03-06", "2026-03-07", "2026-03-08", "2026-03-09", "2026-03-10",
        "2099-01-01",
    ]  # fmt: skip
    assert list(_dailies(backups, "other.db")) == [
        "2026-03-01",
        "2026-03-04", "2026-03-05", "2026-03-06", "2026-03-07", "2026-03-08", "2026-03-09",
        "2026-03-10",
    ]  # fmt: skip
    assert len(list(backups.glob("daily-*"))) == 16, "a daily backup of no database"


def _kept_by_the_ladder(taken: list[tuple[dt.date, int]], today: dt.date) -> set[dt.date]:
    """The 7 most recently taken (highest change counter), today's, and the newest of
    each of the 4 newest ISO weeks up to today."""
    recent_first = sorted(taken, key=lambda backup: backup[1], reverse=True)
    keep = {day for day, _ in recent_first[:7]} | {day for day, _ in taken if day == today}
    weeks: dict[tuple[int, int], dt.date] = {}
    for day, _ in recent_first:
        if day <= today:
            weeks.setdefault(day.isocalendar()[:2], day)
    keep.update(day for _, day in sorted(weeks.items(), reverse=True)[:4])
    return keep


def test_a_clock_a_week_ahead_neither_stops_backups_nor_prunes_the_recent_ones(tmp_path):
    """Back from a week in 2099, a backup is taken every day again, and the ladder always
    keeps the most recently taken backups, whatever their dates."""
    db = tmp_path / "aliret.db"
    backups = db.parent / "backups"
    real = [dt.date(2026, 3, 1) + dt.timedelta(days=offset) for offset in range(5)]
    ahead = [dt.date(2099, 1, 1) + dt.timedelta(days=offset) for offset in range(8)]
    back = [dt.date(2026, 3, 6) + dt.timedelta(days=offset) for offset in range(4)]
    taken: list[tuple[dt.date, int]] = []
    for number, day in enumerate(real + ahead + back):
        with Store(db, time=_on(day)) as store:
            changes = store.changes()
            store.add_order(_facts(f"J{number:02d}"))
        if number > 0:
            taken.append((day, changes))
        found = _dailies(backups)
        assert number == 0 or day.isoformat() in found, f"no backup on {day}"
        expected = _kept_by_the_ladder(taken, day)
        assert set(found) == {kept.isoformat() for kept in expected}, f"on {day}"
    assert sorted(_dailies(backups)) == [
        "2026-03-06", "2026-03-07", "2026-03-08", "2026-03-09",  # back: each day's
        "2099-01-06", "2099-01-07", "2099-01-08",  # the most recent of the week ahead
    ]  # fmt: skip


def test_a_failed_daily_backup_keeps_the_change_and_check_reports_it(tmp_path):
    db = tmp_path / "aliret.db"
    backups = db.parent / "backups"
    _add(db, "2026-03-01", "A")
    _add(db, "2026-03-02", "B")
    assert list(_dailies(backups)) == ["2026-03-02"]
    shutil.rmtree(backups)
    backups.write_text("a file where the backups folder belongs")

    _add(db, "2026-03-03", "C")  # the change is saved; the failed backup is recorded
    assert order_ids(db) == ["A", "B", "C"]
    warning = (
        "aliret-tui: warning: the daily backup failed on 2026-03-03 "
        f"({backups}: cannot hold backups (File exists)); changes since then are in no backup."
    )
    for args in (("check",), ("check", "-q"), ("check", "--json")):
        result = run_cli(db, *args, today="2026-03-04")
        assert result.code == 0, result.err
        assert result.err_lines == [warning + " It is tried again at the next change"], args
    assert json.loads(run_cli(db, "check", "--json", today="2026-03-04").out) == []

    backups.unlink()  # fixed: the next change takes the backup, and the warning goes
    _add(db, "2026-03-04", "D")
    assert list(_dailies(backups)) == ["2026-03-04"]
    assert order_ids(_dailies(backups)["2026-03-04"]) == ["A", "B", "C"]
    result = run_cli(db, "check", today="2026-03-04")
    assert (result.code, result.err) == (0, "")


def test_a_backup_that_fails_its_check_is_not_kept(tmp_path, monkeypatch):
    db = tmp_path / "aliret.db"
    with Store(db, time=_on(dt.date(2026, 3, 1))) as store:
        store.add_order(_facts("1"))
        monkeypatch.setattr(backup_module, "quick_check", lambda path: "page 3: btree broken")
        with pytest.raises(BackupError, match=r"failed its check \(page 3: btree broken\)"):
            store.backup_now("manual")
    assert list((db.parent / "backups").iterdir()) == []


def test_a_backup_of_a_database_in_wal_mode_includes_changes_not_yet_in_the_file(tmp_path):
    """A file copy of aliret.db alone would miss what is still in aliret.db-wal."""
    db = tmp_path / "aliret.db"
    with Store(db, time=_on(dt.date(2026, 3, 1))) as store:
        store.add_order(_facts("CHECKPOINTED"))
    checkpoint(db)
    with Store(db, time=_on(dt.date(2026, 3, 1))) as store:
        store.db.conn.execute("PRAGMA wal_autocheckpoint = 0")
        for number in range(20):
            store.add_order(_facts(f"IN-WAL-{number:02d}"))
        assert Path(f"{db}-wal").stat().st_size > 0
        file_copy = tmp_path / "file-copy.db"
        shutil.copy(db, file_copy)  # what a naive backup would get
        assert order_ids(file_copy) == ["CHECKPOINTED"]

        made = run_cli(db, "backup", str(tmp_path / "by-cli.db"), today="2026-03-01")
        assert made.code == 0, made.err
        by_store = store.backup_now("manual")
        for backup in (tmp_path / "by-cli.db", by_store):
            assert quick_check(backup) == "ok"
            assert len(order_ids(backup)) == 21, backup
            assert user_tables(dump_database(backup)) == user_tables(dump_database(db))


_BACKUP_THEN_WAIT = """
import sys
from pathlib import Path
from aliret_tui.store.store import Store
store = Store(Path(sys.argv[1]))
print("GO", flush=True)
store.backup_now("manual")
print("DONE", flush=True)
"""


def test_a_backup_cut_off_by_a_crash_leaves_no_lasting_partial_file(tmp_path):
    db = tmp_path / "aliret.db"
    rows = [_facts(f"BIG{number:05d}").replace(note="n" * 1000)
            for number in range(10_000)]  # fmt: skip
    with Store(db, time=_on(dt.date(2026, 3, 1))) as store:
        store.import_facts(rows)  # ~14 MB: a backup takes a few tens of milliseconds
    backups = db.parent / "backups"
    rng = random.Random(5)
    for _ in range(30):
        writer = subprocess.Popen([sys.executable, "-c", _BACKUP_THEN_WAIT, str(db)],
                                  stdout=subprocess.PIPE, text=True)  # fmt: skip
        assert writer.stdout.readline() == "GO\n"
        time.sleep(rng.uniform(0.0, 0.03))
        writer.kill()
        writer.wait()
        if list(backups.glob(".*.partial")):
            break
    else:
        pytest.fail("no kill landed inside a backup in 30 tries")
    assert pragma_check(db) == ["ok"]

    # Life goes on: days of changes, daily backups and pruning, a manual backup.
    for offset in range(2, 12):
        with Store(db, time=_on(dt.date(2026, 3, offset))) as store:
            store.add_order(_facts(f"LATER{offset:02d}"))
    with Store(db, time=_on(dt.date(2026, 3, 12))) as store:
        store.backup_now("manual")
    leftovers = sorted(path.name for path in backups.glob(".*"))
    assert leftovers == [], f"{len(leftovers)} partial backups left: {leftovers}"


# -- before a migration -----------------------------------------------------------------


@pytest.fixture
def one_more_migration(monkeypatch):
    """The code of the next version: one more migration and SCHEMA_VERSION + 1."""
    monkeypatch.setattr(migrations, "_migrations", list(migrations._migrations))
    newer = SCHEMA_VERSION + 1

    def install() -> int:
        @migrations()
        def m999_durability_probe(db) -> None:
            db.execute("CREATE TABLE durability_probe (id INTEGER PRIMARY KEY, note TEXT)")
            db.execute("ALTER TABLE orders ADD COLUMN probe TEXT")

        for module in (store_base, store_opening):  # migrating, and opening
            monkeypatch.setattr(module, "SCHEMA_VERSION", newer)
        monkeypatch.setattr(
            store_opening,
            "KNOWN_MIGRATIONS",
            (*store_opening.KNOWN_MIGRATIONS, "m999_durability_probe"),
        )
        return newer

    return install


def test_a_migration_is_preceded_by_a_checked_backup_of_the_old_data(tmp_path, one_more_migration):
    db = tmp_path / "data" / "aliret.db"
    day = dt.date(2026, 3, 1)
    with Store(db, time=_on(day)) as store:
        for number in range(3):
            store.add_order(_facts(f"M{number}", title=f"Before the upgrade {number}"))
    checkpoint(db)
    backups = db.parent / "backups"
    assert not backups.exists() or list(backups.iterdir()) == []
    before = dump_database(db)

    newer = one_more_migration()
    moment = dt.datetime(2026, 3, 2, 8, 15, 30)
    with Store(db, time=TimeSource(frozen_at=moment)) as store:
        assert "durability_probe" in store.db.table_names()

    expected = f"pre-migration-s{SCHEMA_VERSION}-to-s{newer}-2026-03-02T081530-aliret.db"
    assert [path.name for path in backups.iterdir()] == [expected]
    saved = backups / expected
    assert quick_check(saved) == "ok"
    assert mode(saved) == 0o600
    assert dump_database(saved) == before, "the backup is not the data as it was"
    assert user_version(saved) == SCHEMA_VERSION
    assert user_version(db) == newer
    assert "durability_probe" in dump_database(db)
    assert "durability_probe" not in dump_database(saved)

    with Store(db, time=TimeSource(frozen_at=moment)):
        pass  # already migrated: no second backup
    assert [path.name for path in backups.iterdir()] == [expected]


def test_a_brand_new_database_needs_no_pre_migration_backup(tmp_path):
    db = tmp_path / "new" / "aliret.db"
    Store(db).close()
    assert not (db.parent / "backups").exists() or not list((db.parent / "backups").iterdir())


# -- backup on demand --------------------------------------------------------------------


@pytest.fixture
def used_db(tmp_path) -> Path:
    db = tmp_path / "data" / "aliret.db"
    with Store(db, time=_on(dt.date(2026, 3, 10))) as store:
        for number in range(5):
            store.add_order(_facts(f"U{number}"))
    return db


def test_backup_to_the_backups_folder(used_db):
    result = run_cli(used_db, "backup")
    assert result.code == 0, result.err
    made = list((used_db.parent / "backups").glob("manual-*.db"))
    assert len(made) == 1
    assert re.fullmatch(r"manual-2026-03-10T\d{6}-aliret\.db", made[0].name)
    assert result.out.startswith(f"Backed up to {made[0]} (")
    assert "checked: ok" in result.out
    assert quick_check(made[0]) == "ok" and mode(made[0]) == 0o600
    assert user_tables(dump_database(made[0])) == user_tables(dump_database(used_db))


def test_backup_to_a_given_file_and_to_a_given_folder(used_db, tmp_path):
    given = tmp_path / "elsewhere" / "mine.db"
    given.parent.mkdir()
    assert run_cli(used_db, "backup", str(given)).code == 0
    folder = tmp_path / "usb-stick"
    folder.mkdir()
    into = run_cli(used_db, "backup", str(folder))
    assert into.code == 0, into.err
    [in_folder] = folder.iterdir()
    assert re.fullmatch(r"aliret-2026-03-10T\d{6}\.db", in_folder.name)
    for path in (given, in_folder):
        assert quick_check(path) == "ok" and mode(path) == 0o600
        assert order_ids(path) == ["U0", "U1", "U2", "U3", "U4"]
    assert sorted(path.name for path in given.parent.iterdir()) == ["mine.db"]  # no leftovers


def test_backup_refuses_to_overwrite_an_existing_file(used_db, tmp_path):
    existing = tmp_path / "precious.db"
    existing.write_bytes(b"my other data")
    assert_one_error_line(run_cli(used_db, "backup", str(existing)), "already exists")
    assert existing.read_bytes() == b"my other data"


def test_locate_shows_the_backups_folder(tmp_path, _isolated_user_folders):
    db = tmp_path / "somewhere" / "aliret.db"
    result = run_cli(db, "locate")
    assert result.code == 0, result.err
    assert f"backups:  {db.parent / 'backups'}" in result.out.splitlines()
    default = run_cli(None, "locate")
    data = _isolated_user_folders / "data"
    assert f"database: {data / 'aliret.db'}" in default.out.splitlines()
    assert f"backups:  {data / 'backups'}" in default.out.splitlines()


# -- restore ---------------------------------------------------------------------------------


def _export(db: Path) -> dict:
    result = run_cli(db, "export")
    assert result.code == 0, result.err
    return json.loads(result.out)


@pytest.fixture
def backup_file(tmp_path) -> Path:
    """A backup of another state of the data: different orders, with events."""
    source = tmp_path / "old" / "aliret.db"
    for args in (
        ("add", "R1", "--title", "From the backup", "--price", "8", "--currency", "EUR",
         "--delivered", "2026-03-01"),
        ("event", "R1", "open_dispute", "--on", "2026-03-02", "--reason", "wrong_size"),
        ("add", "R2", "--title", "Also from the backup", "--price", "1", "--currency", "USD"),
    ):  # fmt: skip
        assert run_cli(source, *args).code == 0
    path = tmp_path / "backup-to-restore.db"
    assert run_cli(source, "backup", str(path)).code == 0
    return path


def _damaged_copy(backup_file: Path, tmp_path: Path) -> Path:
    """A copy with one page of the orders table overwritten."""
    damaged = tmp_path / "damaged.db"
    shutil.copy(backup_file, damaged)
    conn = connect(damaged, readonly=True)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'orders'").fetchone()[0]
    conn.close()
    with damaged.open("r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\x0d\xff\xff\xff" + b"\xa5" * (page_size - 4))
    return damaged


def _foreign(_: Path, tmp_path: Path) -> Path:
    path = tmp_path / "contacts.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('Ann')")
    conn.commit()
    conn.close()
    return path


def _newer(backup_file: Path, tmp_path: Path) -> Path:
    path = tmp_path / "from-the-future.db"
    shutil.copy(backup_file, path)
    set_user_version(path, SCHEMA_VERSION + 1)
    return path


def _text(_: Path, tmp_path: Path) -> Path:
    path = tmp_path / "notes.db"
    path.write_text("not a database\n" * 100)
    return path


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (_text, "not a SQLite database"),
        (_damaged_copy, "damaged"),
        (_foreign, "not an aliret-tui one"),
        (_newer, "newer"),
        (lambda _, tmp_path: tmp_path, "folder"),
        (lambda _, tmp_path: tmp_path / "missing.db", "no such file"),
    ],
    ids=["text", "damaged", "foreign", "newer", "folder", "missing"],
)
def test_restore_checks_the_file_first_and_touches_nothing_when_refusing(
    used_db, backup_file, tmp_path, make, fragment
):
    source = make(backup_file, tmp_path)
    if make is _damaged_copy:
        assert quick_check(source) != "ok"
    checkpoint(used_db)
    before = used_db.read_bytes()
    backups = used_db.parent / "backups"
    backups_before = sorted(backups.iterdir()) if backups.exists() else []

    assert_one_error_line(run_cli(used_db, "restore", str(source)), str(source), fragment)

    assert used_db.read_bytes() == before
    assert (sorted(backups.iterdir()) if backups.exists() else []) == backups_before


def test_restore_saves_the_current_database_first_then_shows_the_restored_data(
    used_db, backup_file
):
    expected = _export(backup_file)
    current = user_tables(dump_database(used_db))
    result = run_cli(used_db, "restore", str(backup_file))
    assert result.code == 0, result.err
    assert result.out.startswith(f"Restored 2 orders from {backup_file}.")
    [saved] = (used_db.parent / "backups").glob("pre-restore-*.db")
    assert re.fullmatch(r"pre-restore-2026-03-10T\d{6}-aliret\.db", saved.name)
    assert f"saved in {saved}" in result.out
    assert quick_check(saved) == "ok" and mode(saved) == 0o600
    assert user_tables(dump_database(saved)) == current, "the pre-restore copy is not the old data"

    assert _export(used_db) == expected
    listed = json.loads(run_cli(used_db, "list", "--all", "--json").out)
    assert [(order["order_id"], order["state"]) for order in listed] == [
        ("R1", "awaiting_seller"), ("R2", "in_transit"),
    ]  # fmt: skip
    assert order_ids(used_db) == ["R1", "R2"]
    # And back: the saved copy restores the data as it was (copied out of the backups
    # folder, see the same-second test below).
    again = used_db.parent / "again.db"
    shutil.copy(saved, again)
    assert run_cli(used_db, "restore", str(again)).code == 0
    assert user_tables(dump_database(used_db)) == current


def test_restoring_the_pre_restore_copy_at_once_gets_the_old_data_back(used_db, backup_file):
    """Restore the wrong backup, notice, and go straight back (a script, or a quick user)."""
    current = user_tables(dump_database(used_db))
    same_second = TimeSource(frozen_at=dt.datetime(2026, 3, 10, 9, 0, 0))
    with Store(used_db, time=same_second) as store:
        saved = store.restore_from(backup_file)
        assert order_ids(used_db) == ["R1", "R2"]
        store.restore_from(saved)
    assert user_tables(dump_database(used_db)) == current, (
        "the data before the first restore is gone"
    )
