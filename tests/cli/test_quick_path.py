"""The quick `check` path: its own argument parsing and folder lookup must agree
with argparse and platformdirs, which the rest of the program uses."""

from __future__ import annotations

import sys

import platformdirs
import pytest

from aliret_tui import paths
from aliret_tui.cli.main import parse_plain_check
from aliret_tui.cli.parser import build_parser

FIELDS = ("command", "db", "today", "demo", "days", "json", "quiet", "notify")


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
