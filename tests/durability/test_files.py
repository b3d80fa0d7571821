"""Files and permissions: private modes, and databases that cannot be used refused with one
clear line and exit status 2, left byte-for-byte untouched."""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterator
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
    user_tables,
    user_version,
)
from sqlite_utils import Database
from support.cli import run_cli
from support.sqlite_files import dump_database

from aliret_tui.domain.models import OrderFacts, parse
from aliret_tui.files import FileState, file_state, fingerprint
from aliret_tui.store.schema import migrations
from aliret_tui.store.store import Store
from aliret_tui.store.version import SCHEMA_VERSION
from aliret_tui.timesource import TimeSource
from aliret_tui.transfer.documents import export_json
from aliret_tui.tui.widgets.evidence_list import FILE_MARKS

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


# restore replaces a live database that cannot be opened: see test_restore.py.
@pytest.mark.parametrize("command", [name for name in EVERY_COMMAND if name != "restore"])
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


@pytest.mark.parametrize("command", ["add", "event", "import"])
def test_a_read_only_database_is_refused(shared_folder, csv_file, good_backup, command):
    db = _database_of_the_user(shared_folder, 0o400)
    args = _command(command, _readable_copy(csv_file, shared_folder), good_backup)
    _untouched_refusal(db.parent, db, args, "read-only",
                       argv0=unprivileged_argv(), env=_unprivileged(shared_folder))  # fmt: skip


@pytest.mark.parametrize("command", ["add", "event", "import"])
def test_a_database_in_a_read_only_folder_is_refused(shared_folder, csv_file, good_backup, command):
    """The file is writable, but its folder is not: no room for the WAL and backups."""
    db = _database_of_the_user(shared_folder, 0o600, own_folder=False)
    args = _command(command, _readable_copy(csv_file, shared_folder), good_backup)
    _untouched_refusal(db.parent, db, args, "read-only",
                       argv0=unprivileged_argv(), env=_unprivileged(shared_folder))  # fmt: skip


# Commands that only read, and what each shows of the three orders OLD000..OLD002.
READING = {
    "list": (["list", "--all"], "OLD002"),
    "check": (["check", "--days", "30"], "Nothing due"),
    "export": (["export", "--format", "csv"], "OLD002"),
    "ics": (["ics"], "BEGIN:VCALENDAR"),
    "backup": (["backup", "OUT"], "checked: ok"),
    "locate": (["locate"], "database:"),
}
# As root: the TUI's modules (``config`` checks the theme with them) can be imported.
READING_AS_ROOT = {**READING, "config": (["config"], "theme = ")}


def _reads_and_leaves_no_file(db: Path, command: str, out: Path, **run) -> None:
    args, shown = READING_AS_ROOT[command]
    copy = out / "copy.db"
    before = files_in(db.parent)
    result = run_cli(db, *[str(copy) if arg == "OUT" else arg for arg in args], **run)
    assert (result.code, result.err) == (0, ""), result.err
    assert shown in result.out
    assert files_in(db.parent) == before, "something was written or left beside the database"
    if command == "backup":
        assert order_ids(copy) == [f"OLD{number:03d}" for number in range(3)]
        assert pragma_check(copy) == ["ok"]


@pytest.mark.parametrize("command", list(READING))
@pytest.mark.parametrize("where", ["read-only file", "read-only folder"])
def test_reading_commands_work_on_a_read_only_database(shared_folder, where, command):
    if where == "read-only file":
        db = _database_of_the_user(shared_folder, 0o400)  # in the user's own folder
    else:
        db = _database_of_the_user(shared_folder, 0o600, own_folder=False)
    out = shared_folder / "out"
    out.mkdir()
    _as_user(out)
    _reads_and_leaves_no_file(db, command, out, argv0=unprivileged_argv(),
                              env=_unprivileged(shared_folder))  # fmt: skip


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
        f"daily-{DAY.isoformat()}-c41-{db.name}"
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
    data_before = user_tables(dump_database(db))
    backups_before = files_in(db.parent / "backups")
    filler = _fill(tiny_disk, leave=64 * 1024)  # room for the -shm file, not for the change

    result = run_cli(db, *args, today=today.isoformat())

    line = assert_one_error_line(result, str(db.parent), "full")
    if what == "daily backup":  # the failed backup is noted in meta, for check and the dashboard
        assert user_tables(dump_database(db)) == data_before
    else:
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


def _three_orders_on(disk: Path) -> Path:
    db = disk / "data" / "aliret.db"
    _orders(db, 3, day=DAY)
    return db


@pytest.mark.parametrize("command", list(READING_AS_ROOT))
@pytest.mark.parametrize("medium", ["read-only media", "a full disk"])
def test_reading_commands_work_on_read_only_media_and_a_full_disk(
    tmp_path, tiny_disk, medium, command
):
    db = _three_orders_on(tiny_disk)
    if medium == "read-only media":
        subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], check=True)
    else:
        _fill(tiny_disk, leave=0)
    _reads_and_leaves_no_file(db, command, tmp_path)


def _schema_2_database(path: Path) -> None:
    """One order, as aliret-tui 2 wrote it: reading it needs a migration first."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    try:
        migrations.apply(Database(conn), stop_before="m003_imports")
        conn.execute("PRAGMA user_version = 2")
        conn.execute(
            "INSERT INTO orders (order_id, title, price, currency, state, created_at, updated_at)"
            " VALUES ('OLD1', 'From schema 2', '5.00', 'USD', 'in_transit', '2026-03-01', "
            "'2026-03-01')"
        )
        conn.commit()
    finally:
        conn.close()


def test_a_reading_command_upgrades_an_older_database_it_may_write(tmp_path):
    db = tmp_path / "data" / "aliret.db"
    _schema_2_database(db)
    listed = run_cli(db, "list", "--all")
    assert listed.code == 0, listed.err
    assert "OLD1" in listed.out
    assert user_version(db) == SCHEMA_VERSION
    assert [path.name.split("-s2-")[0] for path in (db.parent / "backups").iterdir()] == [
        "pre-migration"
    ]


def test_an_older_database_on_read_only_media_is_refused_with_the_reason(tiny_disk):
    db = tiny_disk / "data" / "aliret.db"
    _schema_2_database(db)
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], check=True)
    before = files_in(tiny_disk)
    result = run_cli(db, "list")
    assert_one_error_line(result, str(db), "older aliret-tui", "schema 2", "upgraded")
    assert files_in(tiny_disk) == before


# -- nothing left beside the files that were only read ------------------------------------


def test_check_and_restore_leave_no_wal_or_shm_files(tmp_path):
    db = tmp_path / "live" / "aliret.db"
    _orders(db, 2, day=DAY)
    source = tmp_path / "elsewhere" / "copy-of-a-live.db"  # in WAL mode, as a live one is
    _orders(source, 3, day=DAY)
    before = sorted(path.name for path in db.parent.iterdir())
    assert "aliret.db-wal" not in before and "aliret.db-shm" not in before

    checked = run_cli(db, "check", "--days", "30")
    assert checked.code == 0, checked.err
    assert sorted(path.name for path in db.parent.iterdir()) == before

    restored = run_cli(db, "restore", str(source))
    assert restored.code == 0, restored.err
    beside_source = [path.name for path in source.parent.iterdir()]
    assert not [name for name in beside_source if name.endswith(("-wal", "-shm"))], beside_source
    assert sorted(path.name for path in db.parent.iterdir()) == sorted({*before, "backups"})
    assert order_ids(db) == ["OLD000", "OLD001", "OLD002"]


# -- attachments that cannot be read ------------------------------------------------------


def _as_nobody(work: Callable[[], object]) -> object:
    """``work()`` run by the user nobody, in a child process (root reads everything)."""
    if os.geteuid() != 0:
        return work()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop root for good, answer through the pipe
        try:
            uid, gid = nobody()
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
            os.write(writer, json.dumps(work()).encode())
        finally:
            os._exit(0)
    os.close(writer)
    with os.fdopen(reader, "rb") as answer:
        text = answer.read()
    os.waitpid(pid, 0)
    return json.loads(text)


def test_an_attached_file_that_cannot_be_read_is_unreadable_not_missing(shared_folder):
    photo = shared_folder / "photo.png"
    photo.write_bytes(b"\x89PNG the scratch on the lid")
    size, sha256 = fingerprint(photo)
    locked = shared_folder / "locked"
    locked.mkdir()
    hidden = locked / "receipt.pdf"
    hidden.write_bytes(b"%PDF receipt")
    # root's own files; when the tests run as a normal user, no permissions at all
    photo.chmod(0o600 if os.geteuid() == 0 else 0o000)
    locked.chmod(0o700 if os.geteuid() == 0 else 0o000)

    states = _as_nobody(lambda: [
        file_state(str(photo), size, sha256),  # can be seen, not read
        file_state(str(hidden), 12, sha256),  # in a folder that cannot be entered
        file_state(str(shared_folder / "gone.png"), size, sha256),
    ])  # fmt: skip

    assert states == ["unreadable", "unreadable", "missing"]
    locked.chmod(0o700)
    assert FileState(states[0]) is FileState.UNREADABLE


def test_the_evidence_list_has_a_mark_for_every_file_state():
    assert set(FILE_MARKS) == set(FileState)
    assert "UNREADABLE" in FILE_MARKS[FileState.UNREADABLE][1]


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
        ["ics", "-o", "OUT"],
    ],  # restore replaces a database it cannot use: see test_restore.py
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
