"""``check`` and ``list`` where there is no database (issue 13): a mistyped path must
not read as "Nothing due" (exit 0, forever, in cron), and a first-time user must
learn that nothing was recorded yet and where it would be. Exit 2, nothing created."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support.cli import run_cli

from aliret_tui.store.store import Store

COMMANDS = [("check",), ("check", "-q"), ("check", "--json"), ("list",), ("list", "--json")]


def _files_under(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_mistyped_db_path_is_an_error_and_nothing_is_created(
    cli, tmp_path, one_error_line, command
):
    typo = tmp_path / "no-such-folder" / "aliret.db"
    line = one_error_line(cli(*command, db=typo))
    assert line == (
        f"aliret-tui: error: {typo}: there is no database there (the path given by --db); "
        "check it for a typo. Nothing was created"
    )
    assert _files_under(tmp_path) == []


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_mistyped_environment_path_names_the_variable(cli, tmp_path, one_error_line, command):
    typo = tmp_path / "aliret.bd"
    result = cli(*command, db=None, env={"ALIRET_TUI_DB": str(typo)})
    one_error_line(result, f"{typo}: there is no database there", "given by ALIRET_TUI_DB")
    assert _files_under(tmp_path) == []


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_first_time_user_learns_there_is_no_database_yet_and_where_it_will_be(
    cli, tmp_path, one_error_line, command
):
    data = tmp_path / "data"  # the default place (the user data folder), never made
    result = cli(*command, db=None, env={"ALIRET_TUI_DATA_DIR": str(data)})
    assert one_error_line(result) == (
        "aliret-tui: error: there is no database yet (nothing has been added). It will be "
        f"created at {data / 'aliret.db'} by the first aliret-tui add or aliret-tui import, "
        "or in the dashboard (aliret-tui)"
    )
    assert not data.exists()


def test_once_an_order_is_added_the_default_database_is_checked(cli, tmp_path):
    env = {"ALIRET_TUI_DATA_DIR": str(tmp_path / "data")}
    added = cli("add", "8175123456789012", "--title", "Lamp", "--price", "5",
                "--currency", "USD", "--delivered", "2026-03-01", db=None, env=env)  # fmt: skip
    assert added.code == 0, added.err
    checked = cli("check", db=None, env=env)
    assert checked.code == 1 and "8175123456789012" in checked.out
    listed = cli("list", db=None, env=env)
    assert listed.code == 0 and "Lamp" in listed.out


@pytest.mark.parametrize("how", ["empty aliret-tui database", "empty file"])
def test_a_database_with_no_orders_is_still_nothing_due(cli, db, how):
    if how == "empty file":
        db.touch()
    else:
        Store(db).close()
    before = _files_under(db.parent)
    checked = cli("check")
    assert (checked.code, checked.out.strip()) == (0, "Nothing due in the next 7 days.")
    listed = cli("list")
    assert listed.code == 0 and listed.out.startswith("No active orders.")
    assert _files_under(db.parent) == before


def test_a_bad_config_is_said_before_the_missing_database(cli, tmp_path, one_error_line):
    config = tmp_path / "config"
    config.mkdir()
    (config / "config.toml").write_text("[check]\ndays = -1\n", encoding="utf-8")
    env = {"ALIRET_TUI_CONFIG_DIR": str(config)}
    for command in ("check", "list"):
        one_error_line(cli(command, db=tmp_path / "none.db", env=env), "check.days:")


def test_the_demo_database_is_never_missing(tmp_path):
    result = run_cli(None, "--demo", "list", cwd=tmp_path)
    assert result.code == 0, result.err
    assert os.listdir(tmp_path) == []
