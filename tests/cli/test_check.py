"""``aliret-tui check``: the daily cron check."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import textwrap

import pytest

SCENARIO = (
    ("add", "insp-last-day", "--title", "Last day", "--price", "5", "--currency", "USD",
     "--delivered", "2026-02-23"),  # inspection 03-10: days_left 0
    ("add", "insp-day-n", "--title", "Day seven", "--price", "5", "--currency", "USD",
     "--delivered", "2026-03-02"),  # 03-17: 7
    ("add", "insp-day-n1", "--title", "Day eight", "--price", "5", "--currency", "USD",
     "--delivered", "2026-03-03"),  # 03-18: 8
    ("add", "insp-expired", "--title", "Too late", "--price", "5", "--currency", "USD",
     "--delivered", "2026-02-20"),  # 03-07: expired
    ("add", "refund-overdue", "--title", "Refund late", "--price", "5", "--currency", "USD",
     "--delivered", "2026-02-01"),
    ("event", "refund-overdue", "open_dispute", "--on", "2026-02-02", "--reason", "other"),
    ("event", "refund-overdue", "seller_agreed", "--on", "2026-02-03"),  # refund 02-10: -28
    ("add", "zz-escalate", "--title", "Refused", "--price", "5", "--currency", "USD",
     "--delivered", "2026-02-24"),
    ("event", "zz-escalate", "open_dispute", "--on", "2026-02-25", "--reason", "counterfeit"),
    ("event", "zz-escalate", "seller_refused", "--on", "2026-02-26"),  # escalate 03-12: 2
    ("add", "aa-ship", "--title", "Ship it", "--price", "5", "--currency", "USD",
     "--delivered", "2026-02-28"),
    ("event", "aa-ship", "open_dispute", "--on", "2026-03-01", "--reason", "wrong_size"),
    ("event", "aa-ship", "return_approved", "--on", "2026-03-02"),  # ship back 03-12: 2
    ("add", "seller", "--title", "Waiting", "--price", "5", "--currency", "USD",
     "--delivered", "2026-03-01"),
    ("event", "seller", "open_dispute", "--on", "2026-03-08", "--reason", "wrong_item"),  # 03-13
)  # fmt: skip

WITHIN_7 = [
    ("refund-overdue", "refund", "2026-02-10", -28),
    ("insp-last-day", "inspection", "2026-03-10", 0),
    ("aa-ship", "ship_back", "2026-03-12", 2),
    ("zz-escalate", "escalate", "2026-03-12", 2),
    ("seller", "seller_response", "2026-03-13", 3),
    ("insp-day-n", "inspection", "2026-03-17", 7),
]


@pytest.fixture
def scenario(seed):
    return seed(*SCENARIO)


def _json(result):
    return [
        (i["order_id"], i["clock"], i["deadline"], i["days_left"]) for i in json.loads(result.out)
    ]


def test_default_is_seven_days_inclusive_sorted_by_deadline_then_order(cli, scenario):
    result = cli("check")
    assert result.code == 1, result.err
    assert result.err == ""
    lines = result.out_lines
    assert lines[0] == "6 deadlines within 7 days:"
    body = lines[1:]
    assert len(body) == len(WITHIN_7)
    for line, (order_id, _clock, deadline, _days) in zip(body, WITHIN_7, strict=True):
        assert f" {deadline} " in line
        assert f" {order_id} " in line
    assert "28 days overdue" in body[0] and "Refund overdue" in body[0]
    assert "last day" in body[1] and "Inspect the item" in body[1]
    assert "2 days left" in body[2] and "ship" in body[2].lower()
    assert "escalate" in body[3].lower()
    assert "7 days left" in body[5]
    assert "insp-day-n1" not in result.out
    assert "insp-expired" not in result.out


def test_json_output_has_the_documented_keys_and_types(cli, scenario):
    result = cli("check", "--json")
    assert result.code == 1, result.err
    items = json.loads(result.out)
    assert _json(result) == WITHIN_7
    for item in items:
        assert {"order_id", "title", "clock", "deadline", "days_left", "action"} <= set(item)
        assert isinstance(item["order_id"], str)
        assert isinstance(item["title"], str)
        assert item["clock"] in {"inspection", "seller_response", "escalate", "ship_back", "refund"}
        assert isinstance(item["deadline"], str) and len(item["deadline"]) == 10
        assert isinstance(item["days_left"], int) and not isinstance(item["days_left"], bool)
        assert isinstance(item["action"], str) and len(item["action"]) > 10
    assert items[0]["title"] == "Refund late"


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        ("0", ["refund-overdue", "insp-last-day"]),
        ("2", ["refund-overdue", "insp-last-day", "aa-ship", "zz-escalate"]),
        ("8", [w[0] for w in WITHIN_7] + ["insp-day-n1"]),
    ],
)
def test_days_option(cli, scenario, days, expected):
    result = cli("check", "--days", days, "--json")
    assert result.code == 1
    assert [item[0] for item in _json(result)] == expected


def test_today_option_moves_every_calculation(cli, scenario):
    result = cli("check", "--json", today="2026-03-11")
    found = dict((i[0], i[3]) for i in _json(result))
    assert "insp-last-day" not in found  # its window expired yesterday
    assert found["refund-overdue"] == -29
    assert found["insp-day-n1"] == 7


def test_nothing_due_exits_0(cli, seed):
    seed(SCENARIO[2])  # one order due on 2026-03-18
    result = cli("check")
    assert (result.code, result.out.strip()) == (0, "Nothing due in the next 7 days.")
    quiet = cli("check", "-q")
    assert (quiet.code, quiet.out, quiet.err) == (0, "", "")
    as_json = cli("check", "--json")
    assert (as_json.code, json.loads(as_json.out)) == (0, [])


def test_quiet_still_prints_what_is_due(cli, scenario):
    result = cli("check", "--quiet")
    assert result.code == 1
    assert "refund-overdue" in result.out


def test_a_missing_database_is_an_error_and_is_not_created(cli, db, one_error_line):
    """Not "Nothing due": a mistyped path in cron would stay silent for good."""
    one_error_line(cli("check", "-q"), str(db), "no database there")
    assert not db.exists()


def test_a_file_that_is_not_sqlite_is_an_error_and_untouched(cli, db, one_error_line):
    db.write_bytes(b"these are my notes, not a database\n" * 50)
    before = db.read_bytes()
    one_error_line(cli("check"), str(db), "not a SQLite database")
    assert db.read_bytes() == before
    assert sorted(p.name for p in db.parent.iterdir()) == [db.name]


def test_a_newer_schema_is_an_error(cli, scenario, one_error_line):
    conn = sqlite3.connect(scenario)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    one_error_line(cli("check"), "newer")


def test_negative_days_is_an_error(cli, scenario, one_error_line):
    one_error_line(cli("check", "--days", "-1"), "--days")


def test_config_policy_override_is_applied(cli, scenario, isolated_config):
    isolated_config.write_text("[policy]\ninspection_window_days = 20\nrefund_days = 30\n")
    result = cli("check", "--json")
    found = dict((i[0], (i[2], i[3])) for i in _json(result))
    assert found["refund-overdue"] == ("2026-03-05", -5)  # 02-03 + 30 days
    assert "insp-expired" in found  # 02-20 + 20 = 03-12
    assert found["insp-expired"] == ("2026-03-12", 2)
    assert found["insp-last-day"] == ("2026-03-15", 5)


@pytest.fixture
def isolated_config(_isolated_user_folders):
    folder = _isolated_user_folders / "config"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "config.toml"


HEAVY = ("textual", "rich", "pydantic", "pydantic_core", "sqlite_utils")

PROBE = textwrap.dedent(
    """
    import json, sys
    from aliret_tui.main import main
    code = main(sys.argv[1:])
    heavy = sorted(
        name for name in sys.modules
        if name.split(".")[0] in {heavy!r}
    )
    print(json.dumps({{"code": code, "heavy": heavy}}), file=sys.stderr)
    """
).format(heavy=set(HEAVY))


def _probe(db, *args):
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "--db", str(db), "--today", "2026-03-10", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return json.loads(done.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize("args", [("check",), ("check", "--json"), ("check", "-q", "--days", "30")])
def test_check_does_not_import_heavy_modules(scenario, args):
    report = _probe(scenario, *args)
    assert report["code"] == 1
    assert report["heavy"] == []


def test_check_with_a_config_policy_does_not_import_heavy_modules(scenario, isolated_config):
    # A different policy makes check compute the clocks instead of reading stored ones.
    isolated_config.write_text("[policy]\ninspection_window_days = 20\n")
    report = _probe(scenario, "check")
    assert report == {"code": 1, "heavy": []}


def test_check_on_a_missing_database_does_not_import_heavy_modules(tmp_path):
    assert _probe(tmp_path / "none.db", "check") == {"code": 2, "heavy": []}  # refused


def test_the_probe_would_notice_heavy_imports(scenario, tmp_path):
    # The same probe must see them where they are used: pydantic checks the records of
    # a JSON import (every other command reads and writes without it, since issue 13).
    exported = tmp_path / "orders.json"
    assert _probe(scenario, "export", "-o", str(exported)) == {"code": 0, "heavy": []}
    report = _probe(scenario, "import", "--dry-run", str(exported))
    assert report["code"] == 0
    assert "pydantic" in report["heavy"]


def test_check_import_time_lists_no_heavy_module(scenario):
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "aliret_tui", "--db", str(scenario),
         "--today", "2026-03-10", "check", "-q"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1
    imported = {
        line.split("|")[-1].strip().split(".")[0]
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "aliret_tui" in imported
    assert not imported & set(HEAVY)


def test_a_directory_as_database_is_an_error(cli, tmp_path, one_error_line):
    folder = tmp_path / "folder.db"
    folder.mkdir()
    one_error_line(cli("check", db=folder), "directory")


def test_a_bad_config_file_is_an_error_naming_the_key(
    cli, scenario, isolated_config, one_error_line
):
    isolated_config.write_text("[policy]\ninspection_window_dayz = 20\n")
    one_error_line(cli("check"), "policy.inspection_window_dayz")


def test_an_absurd_days_value_is_an_error_not_a_crash(cli, scenario, one_error_line):
    one_error_line(cli("check", "--days", "99999999"), "--days")


# -- columns line up in terminal cells -------------------------------------------------

WIDE = (
    ("add", "中文订单", "--title", "中文标题 USB 线", "--price", "5", "--currency", "USD",
     "--delivered", "2026-03-05"),
    ("add", "e01", "--title", "Cafe\u0301 au lait", "--price", "5", "--currency", "USD",
     "--delivered", "2026-03-05"),
    ("add", "emoji", "--title", "👍 thumbs", "--price", "5", "--currency", "USD",
     "--delivered", "2026-03-05"),
    ("add", "long", "--title", "长" * 30, "--price", "5", "--currency", "USD",
     "--delivered", "2026-03-05"),
)  # fmt: skip


def test_check_lines_up_columns_in_terminal_cells(cli, seed):
    """Days left (16), date (10), order (as wide as "中文订单": 8 cells), title (36
    cells, a longer one cut), then what to do: in cells, as a terminal shows them."""
    from rich.cells import cell_len

    seed(*WIDE)
    result = cli("check", "--days", "30")
    assert result.code == 1, result.err
    rows = result.out_lines[1:]
    assert len(rows) == len(WIDE)
    action_at = 2 + 16 + 1 + 10 + 2 + 8 + 2 + 36 + 2
    for row in rows:
        assert cell_len(row[: row.index("Inspect the item")]) == action_at, row
    cut = next(row for row in rows if " long " in row)
    assert "长" * 17 + "…" in cut  # 35 cells: one more wide character would make 37


def test_text_edited_into_the_database_by_hand_is_made_safe_line_by_line(cli, scenario, db):
    """A restored or hand-edited database may hold what input cleaning keeps out:
    escape sequences, other controls, line breaks, bidi overrides. None reaches the
    terminal, and each order stays on one line of its own."""
    hostile = {
        "insp-last-day": "Lamp\x1b[2J\x1b]0;pwned\x07 red",
        "aa-ship": "Two\nlines\there",
        "seller": "bidi \u202eevil\u202c text\x9b31m",
    }
    conn = sqlite3.connect(db)
    with conn:
        for order_id, title in hostile.items():
            conn.execute("UPDATE orders SET title = ? WHERE order_id = ?", [title, order_id])
    conn.close()
    result = cli("check")
    assert result.code == 1, result.err
    assert not any(char in result.out for char in "\x1b\x07\t\x9b\u202e\u202c")
    lines = result.out_lines
    assert lines[0] == "6 deadlines within 7 days:" and len(lines) == 7
    by_order = {re.search(r"\d{4}-\d\d-\d\d  (\S+)", line)[1]: line for line in lines[1:]}
    assert "Lamp red" in by_order["insp-last-day"]
    assert "Two lines here" in by_order["aa-ship"]
    assert "bidi evil text" in by_order["seller"]
