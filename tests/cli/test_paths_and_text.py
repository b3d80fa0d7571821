"""Where the data lives (``locate``, ``--db``, ``ALIRET_TUI_DB``) and hostile text."""

from __future__ import annotations

import json
import os
import stat


def _located(result):
    assert result.code == 0, result.err
    values = {}
    for line in result.out_lines:
        key, _, value = line.partition(":")
        values[key.strip()] = value.strip()
    return values


def test_locate_uses_the_data_and_config_folders(cli, _isolated_user_folders):
    home = _isolated_user_folders
    found = _located(cli("locate", db=None))
    assert found["database"] == str(home / "data" / "aliret.db")
    assert found["config"] == str(home / "config" / "config.toml")
    assert not (home / "data").exists()  # locating creates nothing


def test_locate_prints_the_command_by_its_absolute_path_for_schedulers(cli):
    """Cron's PATH does not know where pip put aliret-tui: locate says where it is, and
    that line runs as it is printed, with no PATH at all."""
    import shlex
    import subprocess

    command = _located(cli("locate", db=None))["command"]
    argv = shlex.split(command)
    assert os.path.isabs(argv[0]), command
    ran = subprocess.run([*argv, "--version"], capture_output=True, text=True, env={}, timeout=60)
    assert ran.returncode == 0 and ran.stdout.startswith("aliret-tui "), (ran.stdout, ran.stderr)


def test_restore_of_an_export_says_to_import_it_and_changes_nothing(cli, tmp_path):
    cli.add("8175123456789012", title="Lamp")
    exported = tmp_path / "everything.json"
    assert cli("export", "-o", str(exported)).code == 0
    before = cli("list", "--json").out
    refused = cli("restore", str(exported))
    assert refused.code == 2
    assert "is an export, not a backup" in refused.err
    assert f"aliret-tui import {exported}" in refused.err
    assert cli("list", "--json").out == before


def test_db_option_and_environment_override_the_path(cli, tmp_path):
    from_env = tmp_path / "env.db"
    from_option = tmp_path / "option.db"
    env = {"ALIRET_TUI_DB": str(from_env)}
    assert _located(cli("locate", db=None, env=env))["database"] == str(from_env)
    assert _located(cli("locate", db=from_option, env=env))["database"] == str(from_option)
    assert _located(cli("locate", db=from_option))["database"] == str(from_option)


def test_environment_database_is_used_by_commands(cli, tmp_path):
    from_env = tmp_path / "env.db"
    env = {"ALIRET_TUI_DB": str(from_env)}
    result = cli("add", "1", "--title", "T", "--price", "1", "--currency", "USD", db=None, env=env)
    assert result.code == 0, result.err
    assert from_env.exists()
    listed = json.loads(cli("list", "--json", db=None, env=env).out)
    assert [o["order_id"] for o in listed] == ["1"]
    # --db wins over the environment: there is no database at its path.
    other = tmp_path / "other.db"
    refused = cli("list", "--json", db=other, env=env)
    assert refused.code == 2 and f"{other}: there is no database there" in refused.err
    assert "given by --db" in refused.err and not other.exists()


def test_global_options_after_the_command(cli, tmp_path):
    path = tmp_path / "after.db"
    result = cli(
        "add", "1", "--title", "T", "--price", "1", "--currency", "USD", "--delivered",
        "2026-03-01", "--db", str(path), "--today", "2026-03-10", db=None, today=None,
    )  # fmt: skip
    assert result.code == 0, result.err
    assert path.exists()
    assert "2026-03-16 (6 days left)" in result.out


def test_a_missing_database_is_created_private_by_add(cli, tmp_path):
    path = tmp_path / "new" / "place" / "aliret.db"
    result = cli("add", "1", "--title", "T", "--price", "1", "--currency", "USD", db=path)
    assert result.code == 0, result.err
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert path.read_bytes().startswith(b"SQLite format 3\x00")


HOSTILE = ["USB cable [/2 pack]", "[@click=app.quit]x[/]", "[bold red]loud[/] <b>&amp;</b> 100%"]


def test_markup_like_text_round_trips_literally(cli, tmp_path):
    ids = [f"81750000000000{number:02d}" for number in (1, 2, 3)]  # no note on the id
    for order_id, title in zip(ids, HOSTILE, strict=True):
        added = cli.add(order_id, "--delivered", "2026-03-01", "--store", title, title=title)
        assert f"Added order {order_id}: {title}" in added.out
        assert added.err == ""
    listed = {o["order_id"]: o for o in json.loads(cli("list", "--json").out)}
    assert [listed[order_id]["title"] for order_id in ids] == HOSTILE
    assert [listed[order_id]["store"] for order_id in ids] == HOSTILE
    plain = cli("list").out
    for title in HOSTILE:
        assert title in plain
    due = json.loads(cli("check", "--json").out)
    assert [item["title"] for item in due] == HOSTILE
    check_plain = cli("check").out
    assert all(title in check_plain for title in HOSTILE)
    exported = json.loads(cli("export").out)
    assert [r["order"]["title"] for r in exported["orders"]] == HOSTILE


def test_escape_sequences_are_removed_with_a_note(cli):
    result = cli("add", "1", "--title", "Cable\x1b[2J\x1b]0;pwned\x07 x2", "--price", "1",
                 "--currency", "USD", "--note", "line\x1b[31m red")  # fmt: skip
    assert result.code == 0, result.err
    notes = result.err_lines
    assert any(line.startswith("aliret-tui: note: --title:") for line in notes), notes
    assert any(line.startswith("aliret-tui: note: --note:") for line in notes), notes
    assert "\x1b" not in result.out
    exported = cli("export")
    assert "\x1b" not in exported.out
    order = json.loads(exported.out)["orders"][0]["order"]
    assert order["title"] == "Cable x2"
    assert order["note"] == "line red"
    assert "\\u001b" not in exported.out


def test_clean_text_gives_no_note(cli):
    result = cli.add("8175000000000001", title="Plain title, ünïcödé ✓")
    assert result.err == ""
    assert json.loads(cli("list", "--json").out)[0]["title"] == "Plain title, ünïcödé ✓"
