"""Permissions whatever the umask, and the one atomic write: every folder aliret-tui creates
is 0700, every file 0600, and no write goes through a name somebody else could plant."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from durability.helpers import assert_one_error_line, mode
from support.cli import run_cli

from aliret_tui.config import remember_theme
from aliret_tui.errors import UserError
from aliret_tui.files import make_private_folder, write_private_file

ADD = ("add", "N1", "--title", "New", "--price", "1", "--currency", "USD")


def _umask_0() -> None:
    os.umask(0)


def _everything_under(folder: Path) -> dict[str, int]:
    """Every folder and file below ``folder`` (not itself), with its mode."""
    return {
        str(path.relative_to(folder)): stat.S_IMODE(path.lstat().st_mode)
        for path in sorted(folder.rglob("*"))
    }


def _not_private(found: dict[str, int], root: Path) -> dict[str, str]:
    wrong = {}
    for name, found_mode in found.items():
        wanted = 0o700 if (root / name).is_dir() else 0o600
        if found_mode != wanted:
            wrong[name] = f"{found_mode:o}, not {wanted:o}"
    return wrong


# Opens a store (so that its -wal and -shm exist), notes their modes, then saves a
# theme as the palette does; all in a process whose umask is 0.
_STORE_AND_THEME = """
import json, os, stat, sys
from pathlib import Path
from aliret_tui import paths
from aliret_tui.config import remember_theme
from aliret_tui.store.store import Store

modes = {}
for db in map(Path, sys.argv[1:]):
    with Store(db) as store:
        store.list_orders()
        for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            modes[str(path)] = stat.S_IMODE(os.stat(path).st_mode)
remember_theme(paths.config_path(), "nord")
print(json.dumps(modes))
"""


def test_every_folder_and_file_created_under_umask_0_is_private(tmp_path, _isolated_user_folders):
    home = _isolated_user_folders
    nested = tmp_path / "nested" / "deeper" / "still" / "aliret.db"  # --db in missing folders
    out = tmp_path / "out"
    out.mkdir(mode=0o700)

    def cli(*args: str, db: Path | None = None, today: str = "2026-03-10") -> None:
        result = run_cli(db, *args, today=today, preexec_fn=_umask_0, cwd=tmp_path)
        assert result.code == 0, (args, result.err)

    cli(*ADD, today="2026-03-09")  # the data folder and the database
    cli("event", "N1", "delivered", "--on", "2026-03-09")  # a new day: the daily backup
    cli("backup")
    cli("backup", str(out / "given.db"))
    cli("export", "-o", str(out / "all.json"))
    cli("export", "--format", "csv", "-o", str(out / "orders.csv"))
    cli("ics", "-o", str(out / "deadlines.ics"))
    cli("restore", str(out / "given.db"))
    cli(*ADD, db=nested)
    cli("backup", db=nested)
    fresh = tmp_path / "fresh" / "made" / "by-the-store" / "aliret.db"
    done = subprocess.run(
        [sys.executable, "-c", _STORE_AND_THEME, str(home / "data" / "aliret.db"), str(fresh)],
        capture_output=True, text=True, check=False, preexec_fn=_umask_0, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    side_files = json.loads(done.stdout)

    assert set(side_files.values()) == {0o600}, side_files  # db, -wal, -shm while open
    assert len(side_files) == 6
    made = {
        "data": _everything_under(home / "data"),
        "config": _everything_under(home / "config"),
        "nested": _everything_under(tmp_path / "nested"),
        "fresh": _everything_under(tmp_path / "fresh"),
        "out": _everything_under(out),
    }
    assert "backups" in made["data"] and "aliret.db" in made["data"]
    assert any(name.startswith("backups/daily-") for name in made["data"])
    assert any(name.startswith("backups/manual-") for name in made["data"])
    assert any(name.startswith("backups/pre-restore-") for name in made["data"])
    assert set(made["config"]) == {"config.toml"}
    assert {"deeper", "deeper/still", "deeper/still/aliret.db"} <= set(made["nested"])
    assert set(made["out"]) == {"given.db", "all.json", "orders.csv", "deadlines.ics"}
    roots = {"data": home / "data", "config": home / "config", "nested": tmp_path / "nested",
             "fresh": tmp_path / "fresh", "out": out}  # fmt: skip
    wrong = {key: _not_private(found, roots[key]) for key, found in made.items()}
    assert wrong == {key: {} for key in made}
    for key in ("data", "config", "nested", "fresh"):  # the top folders we created too
        assert mode(roots[key]) == 0o700, key


# -- the one atomic write ---------------------------------------------------------------


@pytest.mark.parametrize("command", ["export", "ics"])
def test_output_onto_a_symbolic_link_is_refused(tmp_path, command):
    db = tmp_path / "aliret.db"
    assert run_cli(db, *ADD).code == 0
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n")
    link = tmp_path / "out.file"
    link.symlink_to(victim)

    result = run_cli(db, command, "-o", str(link))

    assert_one_error_line(result, str(link), "symbolic link")
    assert victim.read_text() == "keep me\n"
    assert link.is_symlink() and link.readlink() == victim
    assert sorted(path.name for path in tmp_path.iterdir() if path.name.startswith(".")) == []


def test_saving_the_theme_never_writes_through_a_planted_link(tmp_path):
    """Another user planted the old fixed temporary name as a link to the victim's file."""
    config = tmp_path / "config"
    config.mkdir(mode=0o700)
    (config / "config.toml").write_text("[check]\ndays = 3\n")
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    (config / ".config.toml.tmp").symlink_to(victim)

    remember_theme(config / "config.toml", "nord")

    assert victim.read_text() == "precious\n"
    assert (config / "config.toml").read_text() == 'theme = "nord"\n[check]\ndays = 3\n'
    assert mode(config / "config.toml") == 0o600


def test_a_config_file_that_is_the_users_link_is_updated_where_it_points(tmp_path):
    """A dotfiles link stays a link; the file it points to is replaced atomically."""
    config = tmp_path / "config"
    config.mkdir()
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    target = dotfiles / "aliret.toml"
    target.write_text("[check]\ndays = 3\n")
    (config / "config.toml").symlink_to(target)

    remember_theme(config / "config.toml", "nord")

    assert (config / "config.toml").is_symlink()
    assert target.read_text() == 'theme = "nord"\n[check]\ndays = 3\n'
    assert mode(target) == 0o600
    assert sorted(path.name for path in dotfiles.iterdir()) == ["aliret.toml"]


def test_an_atomic_write_replaces_a_file_privately_and_leaves_nothing_else(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old")
    target.chmod(0o644)
    previous = os.umask(0)
    try:
        write_private_file(target, "new,text\n")
        write_private_file(tmp_path / "bytes.bin", b"\x00\x01")
    finally:
        os.umask(previous)
    assert target.read_text() == "new,text\n"
    assert mode(target) == 0o600
    assert (tmp_path / "bytes.bin").read_bytes() == b"\x00\x01"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["bytes.bin", "out.csv"]


@pytest.mark.parametrize("kind", ["directory", "fifo"])
def test_an_atomic_write_refuses_what_is_not_a_regular_file(tmp_path, kind):
    target = tmp_path / "target"
    if kind == "directory":
        target.mkdir()
    else:
        os.mkfifo(target)
    with pytest.raises(UserError, match="not replaced"):
        write_private_file(target, "text")
    assert target.is_dir() if kind == "directory" else stat.S_ISFIFO(target.lstat().st_mode)
    assert [path.name for path in tmp_path.iterdir()] == ["target"]


def test_an_atomic_write_that_fails_leaves_no_temporary_file(tmp_path):
    with pytest.raises(UserError, match="cannot be written"):
        write_private_file(tmp_path / "missing-folder" / "out.json", "{}")
    assert list(tmp_path.iterdir()) == []


def test_private_folders_are_0700_whatever_the_umask(tmp_path):
    existing = tmp_path / "existing"
    existing.mkdir(mode=0o755)
    existing.chmod(0o755)
    previous = os.umask(0o277)  # would make 0500 folders
    try:
        make_private_folder(existing / "a" / "b")
    finally:
        os.umask(previous)
    assert mode(existing) == 0o755  # not ours to change
    assert mode(existing / "a") == 0o700
    assert mode(existing / "a" / "b") == 0o700
