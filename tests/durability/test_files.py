"""Files and permissions: private modes, and databases that cannot be used refused with one
clear line and exit status 2, left byte-for-byte untouched."""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from durability.helpers import (
    assert_one_error_line,
    checkpoint,
    files_in,
    mode,
    nobody,
    order_ids,
    pragma_check,
    root_cannot_drop_privileges,
    set_user_version,
    unprivileged_argv,
)
from support.cli import run_cli

from aliret_tui.domain.models import OrderFacts, parse
from aliret_tui.store.store import Store
from aliret_tui.store.transfer import export_json
from aliret_tui.store.version import SCHEMA_VERSION
from aliret_tui.timesource import TimeSource

ADD = ("add", "N1", "--title", "New", "--price", "1", "--currency", "USD")


def _umask_0() -> None:
    os.umask(0)


def _orders(db: Path, count: int, *, day: dt.date, note: str = "") -> None:
    with Store(db, time=TimeSource(today_override=day)) as store:
        for number in range(count):
            facts = {"order_id": f"OLD{number:03d}", "title": f"Old order {number}",
                     "price": "7.50", "currency": "EUR", "note": note}  # fmt: skip
            store.add_order(parse(OrderFacts, facts))


# -- modes ----------------------------------------------------------------------------


def test_data_dir_0700_and_database_backups_and_exports_0600_even_with_umask_0(
    tmp_path, _isolated_user_folders
):
    data = _isolated_user_folders / "data"
    assert not data.exists()

    def cli(*args: str, today: str = "2026-03-10"):
        result = run_cli(None, *args, today=today, preexec_fn=_umask_0, cwd=tmp_path)
        assert result.code == 0, result.err
        return result

    cli(*ADD, today="2026-03-09")  # creates the folder and the database
    cli("event", "N1", "delivered", "--on", "2026-03-09")  # a new day: the daily backup
    cli("backup")
    given = tmp_path / "given.db"
    cli("backup", str(given))
    cli("export", "-o", str(tmp_path / "all.json"))
    cli("export", "--format", "csv", "-o", str(tmp_path / "orders.csv"))
    cli("ics", "-o", str(tmp_path / "deadlines.ics"))
    cli("restore", str(given))

    db = data / "aliret.db"
    backups = data / "backups"
    names = sorted(path.name for path in backups.iterdir())
    assert [name.split("-")[0] for name in names] == ["daily", "manual", "pre"], names
    assert names[2].startswith("pre-restore-")
    assert mode(data) == 0o700
    assert mode(backups) == 0o700
    private = [db, *backups.iterdir(), given, *(tmp_path / n for n in
               ("all.json", "orders.csv", "deadlines.ics"))]  # fmt: skip
    assert {str(path): mode(path) for path in private} == {str(path): 0o600 for path in private}
    assert sorted(path.name for path in data.iterdir()) == ["aliret.db", "backups"]


def test_wal_and_shm_are_0600_while_a_store_is_open(tmp_path):
    db = tmp_path / "fresh" / "aliret.db"
    previous = os.umask(0)
    try:
        with Store(db) as store:
            store.add_order(parse(OrderFacts, {"order_id": "1", "title": "t", "price": "1",
                                               "currency": "USD"}))  # fmt: skip
            side = [Path(f"{db}-wal"), Path(f"{db}-shm")]
            assert all(path.exists() for path in side)
            assert [mode(path) for path in (db, *side)] == [0o600] * 3
            assert mode(db.parent) == 0o700
    finally:
        os.umask(previous)


# -- databases that cannot be used -------------------------------------------------------


def _untouched_refusal(folder: Path, db: Path, args, *fragments, argv0=None, env=None) -> str:
    before = files_in(folder)
    result = run_cli(db, *args, argv0=argv0, env=env, cwd=folder)
    line = assert_one_error_line(result, str(db), *fragments)
    assert files_in(folder) == before, f"{args}: files changed"
    return line


@pytest.fixture
def csv_file(tmp_path) -> Path:
    path = tmp_path / "in.csv"
    path.write_text("order_id,title,price,currency\nC1,From CSV,2.00,USD\n", encoding="utf-8")
    return path


EVERY_COMMAND = ["add", "event", "list", "check", "import", "export", "backup", "restore", "ics"]


def _command(name: str, csv_file: Path, backup: Path) -> list[str]:
    return {
        "add": list(ADD),
        "event": ["event", "OLD000", "delivered"],
        "list": ["list", "--all"],
        "check": ["check", "--days", "30"],
        "import": ["import", str(csv_file)],
        "export": ["export", "--format", "csv"],
        "backup": ["backup"],
        "restore": ["restore", str(backup)],
        "ics": ["ics"],
    }[name]


@pytest.fixture(scope="module")
def good_backup(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("good")
    _orders(folder / "source.db", 2, day=dt.date(2026, 3, 1))
    with Store(folder / "source.db") as store:
        return store.backup_to(folder / "good-backup.db")


@pytest.mark.parametrize("command", EVERY_COMMAND)
def test_a_directory_is_refused(tmp_path, csv_file, good_backup, command):
    folder = tmp_path / "work"
    (folder / "aliret.db").mkdir(parents=True)
    (folder / "aliret.db" / "inside.txt").write_text("mine")
    args = _command(command, csv_file, good_backup)
    _untouched_refusal(folder, folder / "aliret.db", args, "directory")


@pytest.mark.parametrize("command", EVERY_COMMAND)
def test_a_file_that_is_not_sqlite_is_refused(tmp_path, csv_file, good_backup, command):
    folder = tmp_path / "work"
    folder.mkdir()
    db = folder / "aliret.db"
    db.write_bytes(b"shopping list\n- milk\n" * 200 + bytes(range(256)))
    args = _command(command, csv_file, good_backup)
    _untouched_refusal(folder, db, args, "not a SQLite database")


# -- as an unprivileged user: unreadable and read-only ------------------------------------


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder under /tmp that the user nobody can reach (tmp_path's parents are 0700)."""
    if root_cannot_drop_privileges():
        pytest.skip("running as root, and setuid to nobody is refused here: root ignores file "
                    "modes, so an unreadable or read-only database cannot be tested")  # fmt: skip
    folder = Path(tempfile.mkdtemp(prefix="aliret-durability-", dir="/tmp"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _as_user(path: Path) -> None:
    if os.geteuid() == 0:
        os.chown(path, *nobody())


def _readable_copy(csv_file: Path, shared_folder: Path) -> Path:
    copy = shared_folder / csv_file.name
    shutil.copy(csv_file, copy)
    copy.chmod(0o644)
    return copy


def _unprivileged(folder: Path) -> dict[str, str]:
    return {"ALIRET_TUI_CONFIG_DIR": str(folder / "config"),
            "ALIRET_TUI_DATA_DIR": str(folder / "data")}  # fmt: skip


def _database_of_the_user(shared_folder: Path, file_mode: int, *, own_folder: bool = True) -> Path:
    """Three orders in a file of the user nobody, in nobody's folder (or in root's)."""
    home = shared_folder / "home"
    home.mkdir()
    db = home / "aliret.db"
    _orders(db, 3, day=dt.date(2026, 3, 1))
    _as_user(db)
    db.chmod(file_mode)
    if own_folder:
        _as_user(home)
        home.chmod(0o700)
    else:
        home.chmod(0o755)
    return db


@pytest.mark.parametrize("command", ["add", "list", "check", "import", "export"])
def test_an_unreadable_database_is_refused(shared_folder, csv_file, good_backup, command):
    db = _database_of_the_user(shared_folder, 0o200)  # the user's own file, write-only
    args = _command(command, _readable_copy(csv_file, shared_folder), good_backup)
    _untouched_refusal(db.parent, db, args, "cannot be read", "Permission denied",
                       argv0=unprivileged_argv(), env=_unprivileged(shared_folder))  # fmt: skip


@pytest.mark.parametrize("command", ["add", "event", "import", "list"])
def test_a_read_only_database_is_refused(shared_folder, csv_file, good_backup, command):
    db = _database_of_the_user(shared_folder, 0o400)
    args = _command(command, _readable_copy(csv_file, shared_folder), good_backup)
    _untouched_refusal(db.parent, db, args, "read-only",
                       argv0=unprivileged_argv(), env=_unprivileged(shared_folder))  # fmt: skip


@pytest.mark.parametrize("command", ["add", "list"])
def test_a_database_in_a_read_only_folder_is_refused(shared_folder, csv_file, good_backup, command):
    """The file is writable, but its folder is not: no room for the WAL and backups."""
    db = _database_of_the_user(shared_folder, 0o600, own_folder=False)
    args = _command(command, _readable_copy(csv_file, shared_folder), good_backup)
    _untouched_refusal(db.parent, db, args, "read-only",
                       argv0=unprivileged_argv(), env=_unprivileged(shared_folder))  # fmt: skip


def test_the_unprivileged_runner_really_lacks_root_powers(shared_folder):
    """The refusals above must come from file modes, not from a root that ignores them."""
    db = _database_of_the_user(shared_folder, 0o600)
    secret = shared_folder / "secret.db"
    shutil.copy(db, secret)
    # root's own file; when the tests run as a normal user, a file without permissions
    secret.chmod(0o600 if os.geteuid() == 0 else 0o000)
    result = run_cli(secret, "list", argv0=unprivileged_argv(), env=_unprivileged(shared_folder))
    assert_one_error_line(result, "Permission denied")
    mine = run_cli(db, "list", "--all", argv0=unprivileged_argv(),
                   env=_unprivileged(shared_folder))  # fmt: skip
    assert mine.code == 0, mine.err
    assert "OLD000" in mine.out


# -- a full disk --------------------------------------------------------------------------

LIMIT = 64 * 1024  # bytes any file of the process may reach (RLIMIT_FSIZE)
DAY = dt.date(2026, 3, 10)


def _disk_full_at_limit() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a killed process
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))


@pytest.fixture
def full_disk_db(tmp_path) -> Path:
    """40 orders (~160 KB, past the limit), with today's daily backup already taken."""
    db = tmp_path / "data" / "aliret.db"
    _orders(db, 40, day=DAY - dt.timedelta(days=1), note="n" * 3000)
    with Store(db, time=TimeSource(today_override=DAY)) as store:
        store.set_archived("OLD000", True)  # the first change today: takes the backup
    checkpoint(db)
    assert db.stat().st_size > 2 * LIMIT
    assert [path.name for path in (db.parent / "backups").iterdir()] == [
        f"daily-{DAY.isoformat()}-c41.db"
    ]
    return db


def _big_import(folder: Path, suffix: str) -> Path:
    rows = [{"order_id": f"BIG{number:03d}", "title": "Bulk", "price": "1.00",
             "currency": "USD", "note": "b" * 1000} for number in range(300)]  # fmt: skip
    path = folder / f"big.{suffix}"
    if suffix == "csv":
        header = ",".join(rows[0])
        body = "\n".join(",".join(row.values()) for row in rows)
        path.write_text(f"{header}\n{body}\n", encoding="utf-8")
    else:
        with Store(folder / "scratch.db") as scratch:
            scratch.import_facts([parse(OrderFacts, row) for row in rows])
            path.write_text(export_json(scratch.all_records()), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("what", "today"),
    [
        ("import csv", DAY),
        ("import json", DAY),
        ("add", DAY),
        ("daily backup", DAY + dt.timedelta(days=1)),
    ],
)
def test_a_full_disk_refuses_the_change_and_keeps_every_old_order(
    tmp_path, full_disk_db, what, today
):
    db = full_disk_db
    if what.startswith("import"):
        args = ["import", str(_big_import(tmp_path, what.split()[1]))]
    else:
        args = [*ADD, "--note", "a" * 100_000]
    before = db.read_bytes()
    old = order_ids(db)
    backups_before = files_in(db.parent / "backups")

    result = run_cli(db, *args, today=today.isoformat(), preexec_fn=_disk_full_at_limit)

    line = assert_one_error_line(result, str(db.parent))
    assert "Traceback" not in result.err
    assert db.read_bytes() == before, "the database file changed"
    assert pragma_check(db) == ["ok"]
    assert order_ids(db) == old
    assert files_in(db.parent / "backups") == backups_before, "a broken backup was left"
    # Room again: the same database works, with the old data and nothing half-written.
    listed = run_cli(db, "list", "--all", "--json", today=today.isoformat())
    assert listed.code == 0, listed.err
    assert sorted(order["order_id"] for order in json.loads(listed.out)) == old
    print(f"full disk during {what}: {line}")


@pytest.fixture
def tiny_disk(tmp_path) -> Iterator[Path]:
    """A real 2 MB file system (tmpfs), so writes fail with ENOSPC like on a full disk."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount command: the RLIMIT_FSIZE tests above simulate a full disk")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m,mode=0755", "tmpfs", str(mount_point)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({mounted.stderr.strip()}); "
                    "the RLIMIT_FSIZE tests above simulate a full disk")  # fmt: skip
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def _fill(disk: Path, leave: int) -> Path:
    """Fill the file system, leaving ``leave`` bytes free."""
    info = os.statvfs(disk)
    filler = disk / "filler"
    filler.write_bytes(b"\0" * max(0, info.f_bavail * info.f_frsize - leave))
    return filler


def _database_on(disk: Path) -> Path:
    db = disk / "data" / "aliret.db"
    with Store(db, time=TimeSource(today_override=DAY - dt.timedelta(days=1))) as store:
        rows = [{"order_id": f"OLD{number:03d}", "title": "Old", "price": "2.00",
                 "currency": "EUR", "note": "n" * 3000} for number in range(40)]  # fmt: skip
        store.import_facts([parse(OrderFacts, row) for row in rows])
    with Store(db, time=TimeSource(today_override=DAY)) as store:
        store.set_archived("OLD000", True)  # takes today's daily backup
    checkpoint(db)
    return db


@pytest.mark.parametrize(
    ("what", "today"),
    [("import csv", DAY), ("add", DAY), ("daily backup", DAY + dt.timedelta(days=1))],
)
def test_a_really_full_disk_says_so_and_keeps_every_old_order(tmp_path, tiny_disk, what, today):
    db = _database_on(tiny_disk)
    args = ["import", str(_big_import(tmp_path, "csv"))] if what == "import csv" else [
        *ADD, "--note", "a" * 100_000]  # fmt: skip
    old = order_ids(db)
    before = db.read_bytes()
    backups_before = files_in(db.parent / "backups")
    filler = _fill(tiny_disk, leave=64 * 1024)  # room for the -shm file, not for the change

    result = run_cli(db, *args, today=today.isoformat())

    line = assert_one_error_line(result, str(db.parent), "full")
    assert db.read_bytes() == before
    assert pragma_check(db) == ["ok"]
    assert order_ids(db) == old
    assert files_in(db.parent / "backups") == backups_before
    filler.unlink()
    listed = run_cli(db, "list", "--all", "--json", today=today.isoformat())
    assert sorted(order["order_id"] for order in json.loads(listed.out)) == old
    print(f"ENOSPC during {what}: {line}")


def test_a_disk_without_any_room_says_it_is_full(tiny_disk):
    db = _database_on(tiny_disk)
    before = db.read_bytes()
    _fill(tiny_disk, leave=0)
    result = run_cli(db, *ADD)
    assert_one_error_line(result, str(db))  # the part that works: one line, exit 2
    assert db.read_bytes() == before
    assert "full" in result.err, result.err


# -- a newer schema ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        list(ADD),
        ["event", "OLD000", "delivered"],
        ["list"],
        ["list", "--all", "--json"],
        ["check"],
        ["check", "--json", "--days", "30"],
        ["import", "CSV"],
        ["import", "JSON"],
        ["export"],
        ["export", "--format", "csv", "-o", "OUT"],
        ["backup"],
        ["backup", "OUT"],
        ["restore", "BACKUP"],
        ["ics", "-o", "OUT"],
    ],
    ids=lambda args: " ".join(args[:2]),
)
def test_a_newer_schema_is_refused_by_every_command(tmp_path, csv_file, good_backup, args):
    folder = tmp_path / "data"
    db = folder / "aliret.db"
    _orders(db, 2, day=DAY)
    json_file = tmp_path / "in.json"
    json_file.write_text(run_cli(db, "export").out, encoding="utf-8")
    set_user_version(db, SCHEMA_VERSION + 1)
    shutil.rmtree(folder / "backups", ignore_errors=True)
    before = db.read_bytes()
    out = tmp_path / "out.file"
    replace = {"CSV": str(csv_file), "JSON": str(json_file), "OUT": str(out),
               "BACKUP": str(good_backup)}  # fmt: skip
    result = run_cli(db, *[replace.get(arg, arg) for arg in args], cwd=tmp_path)

    assert_one_error_line(result, str(db), "newer", f"schema {SCHEMA_VERSION + 1}", "upgrade")
    assert db.read_bytes() == before
    wal = Path(f"{db}-wal")
    assert not wal.exists() or wal.stat().st_size == 0, "something was written"
    assert sorted(path.name for path in folder.iterdir()) in (
        ["aliret.db"],
        ["aliret.db", "aliret.db-shm", "aliret.db-wal"],  # a reader's empty side files
    )
    assert not out.exists()
