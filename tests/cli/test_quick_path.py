"""The quick `check` path: its own argument parsing and folder lookup must agree
with argparse and platformdirs, which the rest of the program uses."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import platformdirs
import pytest

from aliret_tui import paths
from aliret_tui.cli.main import parse_plain
from aliret_tui.cli.parser import build_parser
from aliret_tui.notify.targets import target_key

FIELDS = ("command", "db", "today", "demo", "days", "json", "quiet", "notify")


def parse_plain_check(argv: list[str]):
    """The quick parse of a `check` line; None for any other line."""
    parsed = parse_plain(argv)
    return parsed if parsed is not None and parsed.command == "check" else None


@pytest.mark.parametrize(
    "argv",
    [
        ["check"],
        ["check", "-q"],
        ["check", "--quiet", "--json"],
        ["--db", "x.db", "check", "--days", "3"],
        ["--db=x.db", "--today", "2026-03-10", "check", "--json", "-q", "--notify"],
        ["check", "--db", "x.db", "--today=2026-01-02", "--days=0"],
        ["--today", "2026-03-10", "check", "--days", "30"],
    ],
)
def test_plain_check_parses_like_argparse(argv):
    quick = parse_plain_check(argv)
    full = build_parser().parse_args(argv)
    assert quick is not None
    assert {name: getattr(quick, name) for name in FIELDS} == {
        name: getattr(full, name, None) for name in FIELDS
    }


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["list"],
        ["check", "--help"],
        ["check", "--days"],
        ["check", "--days", "soon"],
        ["check", "--today", "2026-13-45"],
        ["--demo", "check"],
        ["check", "extra"],
        ["check", "check"],
        ["--json", "check"],
    ],
)
def test_anything_unusual_goes_to_argparse(argv):
    assert parse_plain_check(argv) is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the quick lookup is Linux's")
@pytest.mark.parametrize("xdg", [None, "", "/srv/xdg", "relative/xdg", " /with/leading/space"])
def test_folders_match_platformdirs(monkeypatch, xdg):
    monkeypatch.delenv("ALIRET_TUI_DATA_DIR", raising=False)
    monkeypatch.delenv("ALIRET_TUI_CONFIG_DIR", raising=False)
    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        if xdg is None:
            monkeypatch.delenv(variable, raising=False)
        else:
            monkeypatch.setenv(variable, xdg)
    assert paths.data_folder() == platformdirs.user_data_dir(paths.APP_NAME, appauthor=False)
    assert paths.config_folder() == platformdirs.user_config_dir(paths.APP_NAME, appauthor=False)


# -- reminders: Apprise is loaded only to send -------------------------------------------

LOADED_PROBE = """
import json, sys
from aliret_tui.main import main
code = main(sys.argv[1:])
watched = ("apprise", "aliret_tui.notify")
loaded = [m for m in sys.modules if m == "apprise" or m.startswith(watched)]
print(json.dumps({"code": code, "loaded": sorted(loaded)}), file=sys.stderr)
"""


def _loaded(db, *args, env=None):
    """(exit status, the Apprise and aliret_tui.notify modules loaded) of one run."""
    done = subprocess.run(
        [sys.executable, "-c", LOADED_PROBE, "--db", str(db), "--today", "2026-03-10", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["code"], report["loaded"]


@pytest.fixture
def due_soon(seed):
    return seed(("add", "SOON", "--title", "Lamp", "--price", "5", "--currency", "USD",
                 "--delivered", "2026-03-01"))  # fmt: skip  # inspection 03-16: 6 days left


def test_check_without_notify_loads_no_apprise_nor_the_reminder_code(due_soon, monkeypatch):
    monkeypatch.setenv("ALIRET_TUI_NOTIFY_URLS", "json://127.0.0.1:9/")
    for args in (("check",), ("check", "--json"), ("check", "-q", "--days", "30")):
        assert _loaded(due_soon, *args) == (1, [])


def test_check_notify_loads_apprise_only_when_a_target_has_something_new(due_soon, tmp_path):
    url = "json://127.0.0.1:9/nowhere"  # port 9 (discard): nothing answers
    env = {"ALIRET_TUI_NOTIFY_URLS": url, "PATH": str(tmp_path / "empty")}
    code, loaded = _loaded(due_soon, "check", "--notify", env=env)
    assert code == 1 and "apprise" in loaded  # the probe sees Apprise when it sends

    conn = sqlite3.connect(due_soon)  # as if that target had received it
    with conn:
        conn.execute(
            "INSERT INTO reminders_sent VALUES ('SOON', 'inspection', '2026-03-16', 7, ?, 'x')",
            [target_key(url)],
        )
    conn.close()
    code, loaded = _loaded(due_soon, "check", "--notify", env=env)
    assert code == 1
    assert "aliret_tui.notify.due_reminders" in loaded
    assert "apprise" not in loaded and "aliret_tui.notify.sending" not in loaded
