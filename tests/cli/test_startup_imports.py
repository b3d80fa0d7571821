"""Start-up (issue 13): the commands that only read (locate, config, list, check)
start in about the time Python takes, because they load no Textual, Rich, pydantic
or sqlite-utils, and build no argparse parser; show, add and event load neither
pydantic nor sqlite-utils. These tests keep it so; the figures are in
tests/perf/bench_startup.py.

`list` reads SQLite directly, as `check` does; it must print what the store's
models would give, for every state of the demo data, under the stored policy and
another one."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import textwrap
from types import SimpleNamespace

import pytest
from support.tui import FROZEN

from aliret_tui.cli.listing import _summaries_from_the_store, read_summaries
from aliret_tui.cli.main import parse_plain
from aliret_tui.cli.parser import build_parser
from aliret_tui.config import parse_settings
from aliret_tui.demo import fill_demo
from aliret_tui.domain.policy import DEFAULT_POLICY
from aliret_tui.timesource import TimeSource

HEAVY = ("textual", "rich", "pydantic", "pydantic_core", "sqlite_utils", "platformdirs")
# Not loaded by locate and config either (each costs milliseconds of a 30 ms budget).
LIGHT_ONLY = ("typing", "json")

PROBE = textwrap.dedent(
    """
    import sys
    watched = set(sys.argv.pop(1).split(","))
    from aliret_tui.main import main
    code = main(sys.argv[1:])
    heavy = sorted(name for name in sys.modules if name.split(".")[0] in watched)
    import json  # only now: it is watched
    print(json.dumps({"code": code, "heavy": heavy}), file=sys.stderr)
    """
)


def _probe(db, *args, config=None, tmp_path=None, watched=(*HEAVY, "argparse")):
    env = None
    if config is not None:
        folder = tmp_path / "config"
        folder.mkdir(exist_ok=True)
        (folder / "config.toml").write_text(config)
        import os

        env = {**os.environ, "ALIRET_TUI_CONFIG_DIR": str(folder)}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            PROBE,
            ",".join(watched),
            "--db",
            str(db),
            "--today",
            "2026-03-10",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return json.loads(done.stderr.strip().splitlines()[-1])


@pytest.fixture
def orders(seed):
    return seed(
        ("add", "8175000000000001", "--title", "Lamp", "--price", "5", "--currency", "USD",
         "--delivered", "2026-03-01"),
        ("add", "8175000000000002", "--title", "Cable", "--price", "3", "--currency", "EUR"),
        ("event", "8175000000000001", "open_dispute", "--reason", "wrong_size"),
    )  # fmt: skip


READ_ONLY = [("locate",), ("config",), ("list",), ("list", "--all", "--json"), ("check",)]


@pytest.mark.parametrize("args", READ_ONLY, ids=" ".join)
def test_read_only_commands_load_no_heavy_module_nor_argparse(orders, args):
    report = _probe(orders, *args)
    assert report["code"] in (0, 1)
    assert report["heavy"] == []


@pytest.mark.parametrize("args", READ_ONLY, ids=" ".join)
def test_with_a_config_file_too(orders, tmp_path, args):
    config = 'theme = "nord"\n[policy]\ninspection_window_days = 20\n[check]\ndays = 3\n'
    report = _probe(orders, *args, config=config, tmp_path=tmp_path)
    assert report["code"] in (0, 1)
    assert report["heavy"] == []


@pytest.mark.parametrize("args", [("locate",), ("config",)], ids=" ".join)
def test_locate_and_config_load_not_even_typing_nor_json(orders, args):
    report = _probe(orders, *args, watched=LIGHT_ONLY)
    assert report["code"] == 0
    assert report["heavy"] == []


ONE_ORDER = [
    ("show", "8175000000000001"),
    ("show", "8175000000000001", "--json"),
    ("add", "8175000000000003", "--title", "Mug", "--price", "12,50", "--currency", "EUR"),
    ("event", "8175000000000001", "seller_agreed", "--amount", "2"),
    ("event", "8175000000000002", "delivered", "--on", "2026-03-09"),
    ("edit", "8175000000000002", "--title", "USB cable"),
]


@pytest.mark.parametrize("args", ONE_ORDER, ids=" ".join)
def test_commands_on_one_order_load_neither_pydantic_nor_sqlite_utils(orders, args):
    """show, add and event (issue 13: within 3x and 10x python -c pass) check what was
    typed with the records' own checks and talk to SQLite through sqlite3."""
    report = _probe(orders, *args, watched=HEAVY)
    assert report["code"] == 0
    assert report["heavy"] == []


def test_the_probe_would_notice_textual(orders, tmp_path):
    # [keys] is checked against the dashboard's bindings, which loads Textual.
    report = _probe(orders, "config", config='[keys]\nadd = "n"\n', tmp_path=tmp_path)
    assert report["code"] == 0
    assert "textual" in report["heavy"]


def test_config_lists_the_dashboard_remappable_actions_without_reading_them():
    from aliret_tui.runtime.key_ids import REMAPPABLE_IDS
    from aliret_tui.runtime.keymap import remappable_ids
    from aliret_tui.tui.keys import key_table

    assert list(REMAPPABLE_IDS) == remappable_ids(key_table())


def test_the_quick_list_knows_this_version_migrations():
    from aliret_tui.store import schema, version

    assert version.MIGRATION_NAMES == schema.KNOWN_MIGRATIONS
    assert version.MIGRATION_SET == schema.MIGRATION_SET


# -- the arguments, read without argparse --------------------------------------------------

FIELDS = ("command", "db", "today", "demo", "all", "json", "order_id")


@pytest.mark.parametrize(
    "argv",
    [
        ["list"],
        ["list", "--all"],
        ["--db", "x.db", "list", "--json", "--all"],
        ["list", "--today=2026-03-01", "--db=x.db"],
        ["show", "8175123456789012"],
        ["show", "--json", "8175 1234"],
        ["--today", "2026-03-10", "show", "8175123456789012", "--json", "--db", "y.db"],
        ["locate"],
        ["--db", "x.db", "locate"],
        ["config", "--today", "2026-03-10"],
    ],
)
def test_plain_commands_parse_like_argparse(argv):
    quick = parse_plain(argv)
    full = build_parser().parse_args(argv)
    assert quick is not None
    assert {name: getattr(quick, name, None) for name in FIELDS} == {
        name: getattr(full, name, None) for name in FIELDS
    }


@pytest.mark.parametrize(
    "argv",
    [
        ["show"],
        ["show", "1", "2"],
        ["show", "-1"],
        ["list", "--al"],
        ["list", "extra"],
        ["list", "--json=yes"],
        ["locate", "--all"],
        ["config", "-h"],
        ["--demo", "list"],
        ["list", "list"],
        ["--all", "list"],
        ["list", "--days", "3"],
        ["--version"],
    ],
)
def test_anything_unusual_goes_to_argparse(argv):
    assert parse_plain(argv) is None


# -- list, read straight from SQLite ---------------------------------------------------------


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    fill_demo(path, FROZEN)
    return path


OTHER_POLICY = {"policy": {"inspection_window_days": 20, "seller_response_days": 3}}


@pytest.mark.parametrize("policy", [{}, OTHER_POLICY], ids=["stored policy", "another policy"])
@pytest.mark.parametrize("include_all", [False, True], ids=["active", "all"])
@pytest.mark.parametrize("days_later", [0, 12, 60])
def test_list_reads_what_the_store_would_give(demo_db, policy, include_all, days_later):
    settings = parse_settings(policy, "config.toml")
    today = FROZEN.today() + dt.timedelta(days=days_later)
    context = SimpleNamespace(
        db_path=demo_db, settings=lambda: settings, time=TimeSource(today_override=today)
    )
    quick = read_summaries(str(demo_db), settings.policy, today, include_all=include_all)
    assert quick is not None
    slow = _summaries_from_the_store(context, today, include_all=include_all)  # type: ignore[arg-type]
    assert len(quick) > 3
    assert sorted(quick, key=lambda s: s["order_id"]) == sorted(slow, key=lambda s: s["order_id"])


def test_list_of_an_older_schema_goes_through_the_store(cli, seed, db):
    """A database that needs a migration is upgraded by the store, as before."""
    import sqlite3

    seed(("add", "1", "--title", "Lamp", "--price", "5", "--currency", "USD"))
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 5")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm006_event_corrections'")
    conn.execute("DROP TABLE event_corrections")
    conn.commit()
    conn.close()
    assert read_summaries(str(db), DEFAULT_POLICY, FROZEN.today(), include_all=True) is None
    result = cli("list", "--json")
    assert result.code == 0, result.err
    assert [order["order_id"] for order in json.loads(result.out)] == ["1"]


# -- the other commands: only their own arguments are built --------------------------------

COMMAND_LINES = [
    ["add", "1", "--title", "x", "--price", "1", "--currency", "USD", "--local-return"],
    ["--db", "list", "event", "1", "refunded", "--amount", "1,50"],  # a database named list
    ["--today", "2026-03-01", "event-edit", "1", "2", "--on", "yesterday"],
    ["edit", "1", "--no-free-return"],
    ["pack", "1", "--dir", "out", "--strict"],
    ["remind", "install", "--at", "08:00", "--print"],
    ["ics", "--serve", "--port", "9000"],
    ["import", "a.csv", "b.csv", "--dry-run"],
    ["evidence-remove", "1", "2", "--yes"],
    ["message-edit", "1", "3", "--from", "seller"],
    ["--demo", "stats", "--json"],
]


@pytest.mark.parametrize("argv", COMMAND_LINES, ids=" ".join)
def test_a_command_parsed_alone_parses_as_in_the_whole_grammar(argv):
    from aliret_tui.cli.main import _command_word

    assert _command_word(argv) is not None
    assert build_parser(only=_command_word(argv)).parse_args(argv) == build_parser().parse_args(
        argv
    )


@pytest.mark.parametrize("argv", [["-h"], ["--version", "add"], [], ["--demo"], ["nope", "1"]])
def test_help_the_version_and_unknown_words_get_the_whole_grammar(argv):
    from aliret_tui.cli.main import _command_word

    word = _command_word(argv)
    assert word is None or build_parser(only=word).format_help() == build_parser().format_help()


def test_a_command_help_is_the_same_built_alone(cli):
    whole = build_parser()
    sub = next(a for a in whole._actions if a.__class__.__name__ == "_SubParsersAction")
    for name in ("add", "event", "remind", "message-edit"):
        alone = cli(name, "--help")
        assert alone.code == 0
        assert alone.out == sub.choices[name].format_help(), name


# -- event --amount: one connection ---------------------------------------------------------


def test_event_with_an_amount_opens_the_database_once(seed, monkeypatch):
    """The amount is read in the order's currency, found through the connection that
    records the event (it used to open the database a second time, read-only, first)."""
    import sqlite3

    from aliret_tui.main import main

    db = seed(
        ("add", "J1", "--title", "Kettle", "--price", "5000", "--currency", "JPY",
         "--delivered", "2026-03-01"),
        ("event", "J1", "open_dispute", "--reason", "item_defective", "--on", "2026-03-02"),
    )  # fmt: skip
    opened: list[str] = []
    real_connect = sqlite3.connect

    def counting_connect(target, *args, **kwargs):
        if str(db) in str(target) or str(target).endswith(db.name):
            opened.append(str(target))
        return real_connect(target, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", counting_connect)
    code = main(["--db", str(db), "--today", "2026-03-10", "event", "J1", "seller_agreed",
                 "--amount", "1,234"])  # fmt: skip
    assert code == 0
    assert len(opened) == 1, opened
    conn = real_connect(db)
    try:
        agreed = conn.execute("SELECT amount FROM events WHERE kind = 'seller_agreed'").fetchone()
    finally:
        conn.close()
    assert agreed == ("1234",)  # 1,234 yen: the order's currency, which has no decimals
