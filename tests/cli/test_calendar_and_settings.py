"""`aliret-tui ics`, `check --notify`, `config` and the settings that feed them.

Every calendar is parsed back by two independent libraries, icalendar and ics
(ics-py), so that what one of them tolerates is still caught.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import sqlite3
import stat
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import icalendar
import ics
import pytest

from aliret_tui import __version__

TODAY = "2026-03-10"
HOSTILE = 'Cable [@click=app.quit]x[/], ; \\ "quoted" 👨‍👩‍👧 שלום'


def events(text: str) -> list[icalendar.Event]:
    """The events, parsed by icalendar and, to the same UIDs, days and statuses, by ics-py."""
    found = list(icalendar.Calendar.from_ical(text).walk("VEVENT"))
    other = ics.Calendar(text).events
    assert sorted((e.uid, e.begin.date(), e.status) for e in other) == sorted(
        (str(e["uid"]), e.decoded("dtstart"), str(e["status"])) for e in found
    )
    return found


def by_uid(text: str) -> dict[str, icalendar.Event]:
    return {str(event["uid"]): event for event in events(text)}


def confirmed(text: str) -> dict[str, icalendar.Event]:
    return {uid: e for uid, e in by_uid(text).items() if str(e["status"]) == "CONFIRMED"}


def cancelled(text: str) -> dict[str, icalendar.Event]:
    return {uid: e for uid, e in by_uid(text).items() if str(e["status"]) == "CANCELLED"}


def triggers(event: icalendar.Event) -> list[dt.timedelta]:
    return sorted(alarm.decoded("trigger") for alarm in event.walk("VALARM"))


def published(db: Path) -> dict[str, tuple]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT uid, starts_on, sequence, cancelled_at IS NOT NULL FROM calendar_published"
        )
        return {uid: rest for uid, *rest in rows}
    finally:
        conn.close()


@pytest.fixture
def shop(cli):
    """Orders with a running clock of each kind, one closed, one hostile."""
    cli.add("INSPECT", "--delivered", "2026-03-01", title=HOSTILE)
    cli.add("SELLER", "--delivered", "2026-03-01", title="Lamp")
    assert cli("event", "SELLER", "open_dispute", "--reason", "wrong_size").code == 0
    cli.add("REFUND", "--delivered", "2026-03-01", title="Scale")
    assert cli("event", "REFUND", "open_dispute", "--reason", "item_defective").code == 0
    assert cli("event", "REFUND", "seller_agreed").code == 0
    cli.add("KEPT", "--delivered", "2026-03-01", title="Socks")
    assert cli("event", "KEPT", "keep").code == 0
    return cli


def test_one_all_day_event_per_running_clock_with_alarms(shop):
    result = shop("ics")
    assert result.code == 0, result.err
    calendar = icalendar.Calendar.from_ical(result.out)
    assert str(calendar["version"]) == "2.0" and "aliret-tui" in str(calendar["prodid"])
    running = confirmed(result.out)
    assert set(running) == {
        "INSPECT-inspection@aliret-tui",
        "SELLER-seller_response@aliret-tui",
        "REFUND-refund@aliret-tui",
    }
    inspect = running["INSPECT-inspection@aliret-tui"]
    assert inspect.decoded("dtstart") == dt.date(2026, 3, 16)  # delivered 03-01 + 15
    assert inspect.decoded("dtend") == dt.date(2026, 3, 17)
    description = str(inspect["description"])
    assert description.startswith(f"Order INSPECT: {HOSTILE}\n")  # escaped, read back literally
    assert "What to do: Inspect the item" in description
    assert "delivered 2026-03-01 (typed) + 15 days" in description
    assert "Mediation checklist" in description
    assert triggers(inspect) == [dt.timedelta(days=-2, hours=9), dt.timedelta(hours=9)]
    seller = running["SELLER-seller_response@aliret-tui"]
    assert "Photos of the problem" in str(seller["description"])  # the evidence checklist


def test_the_summary_starts_with_the_items_short_name(shop):
    case = "Phone case, for iPhone 15 Pro Max, shockproof clear silicone cover"
    shop.add("CASE", "--delivered", "2026-03-01", title=case)
    shop.add("LONG", "--delivered", "2026-03-01", title="Extraordinarily long item name " * 4)
    running = confirmed(shop("ics").out)
    summaries = {uid.split("-")[0]: str(e["summary"]) for uid, e in running.items()}
    assert summaries["CASE"] == "⏰ Phone case: last day to open a dispute"
    assert summaries["INSPECT"] == "⏰ Cable [@click=app.quit]x[/]: last day to open a dispute"
    assert summaries["SELLER"] == "⏰ Lamp: seller's last day to answer"
    assert summaries["REFUND"] == "⏰ Scale: refund due"
    assert summaries["LONG"] == "⏰ Extraordinarily long item…: last day to open a dispute"
    case = running["CASE-inspection@aliret-tui"]
    assert "for iPhone 15 Pro Max, shockproof" in str(case["description"])  # all of it, there


def test_an_overdue_clock_is_shown_today_with_an_alarm_and_an_expired_window_is_not(shop):
    shop.add("LATE", "--delivered", "2026-02-20", title="Kettle")
    opened = shop("event", "LATE", "open_dispute", "--reason", "other", "--on", "2026-02-25")
    assert opened.code == 0
    assert shop("event", "LATE", "seller_agreed", "--on", "2026-02-26").code == 0  # due 03-05
    shop.add("GONE", "--delivered", "2026-02-01", title="Old window")  # expired on 02-16
    running = confirmed(shop("ics").out)
    late = running["LATE-refund@aliret-tui"]
    assert late.decoded("dtstart") == dt.date(2026, 3, 10)  # today, not 03-05 in the past
    assert str(late["summary"]) == "⏰ Kettle: refund overdue since 2026-03-06"
    assert "the deadline was 2026-03-05" in str(late["description"])
    assert triggers(late) == [dt.timedelta(hours=9)]  # today at the alarm time
    assert not any(uid.startswith("GONE") for uid in by_uid(shop("ics").out))
    # The next day it moves along, with a higher sequence.
    tomorrow = confirmed(shop("ics", today="2026-03-11").out)["LATE-refund@aliret-tui"]
    assert tomorrow.decoded("dtstart") == dt.date(2026, 3, 11)
    assert int(tomorrow["sequence"]) == int(late["sequence"]) + 1


def test_seller_response_says_what_happens_at_the_deadline_and_after_a_refusal(shop):
    seller = confirmed(shop("ics").out)["SELLER-seller_response@aliret-tui"]
    text = str(seller["description"])
    assert "have not answered by the end of 2026-03-15" in text
    assert "decided in your favour and the refund goes through" in text
    refusal = next(line for line in text.splitlines() if line.startswith("If the seller refuses"))
    assert "escalate the dispute to AliExpress mediation from 2026-03-14 to 2026-03-25" in refusal
    assert "escalates by itself on 2026-03-26" in refusal
    assert "photos, messages and tracking" in refusal
    config = shop.db.parent / "config"
    config.mkdir()
    (config / "config.toml").write_text("[policy]\nseller_response_days = 3\n", encoding="utf-8")
    changed = shop("ics", env={"ALIRET_TUI_CONFIG_DIR": str(config)}).out
    seller = confirmed(changed)["SELLER-seller_response@aliret-tui"]
    assert seller.decoded("dtstart") == dt.date(2026, 3, 13)  # the policy's number, everywhere
    assert "the seller has 3 days to answer" in str(seller["description"])


def test_the_first_export_cancels_nothing_and_later_ones_only_what_they_published(shop, db):
    shop.add("EARLY", "--delivered", "2026-03-01", title="Closed before any export")
    assert shop("event", "EARLY", "keep").code == 0
    first = shop("ics")
    assert first.code == 0 and first.err == ""
    assert cancelled(first.out) == {}  # KEPT and EARLY ended, but were never published
    again = by_uid(shop("ics").out)
    assert set(again) == set(by_uid(first.out))  # stable UIDs, and still nothing cancelled
    assert set(published(db)) == set(again)

    assert shop("event", "SELLER", "seller_refused").code == 0
    assert shop("event", "INSPECT", "keep").code == 0
    third = shop("ics").out
    ended = cancelled(third)
    assert set(ended) == {"SELLER-seller_response@aliret-tui", "INSPECT-inspection@aliret-tui"}
    before = by_uid(first.out)
    for uid, event in ended.items():
        assert event.decoded("dtstart") == before[uid].decoded("dtstart")  # its own day
        assert int(event["sequence"]) == int(before[uid]["sequence"]) + 1
        assert str(event["summary"]) == str(before[uid]["summary"])
    assert str(by_uid(third)["SELLER-escalate@aliret-tui"]["status"]) == "CONFIRMED"
    # Sent again, unchanged, by the next export; recorded once.
    fourth = cancelled(shop("ics").out)
    assert {uid: int(e["sequence"]) for uid, e in fourth.items()} == {
        uid: int(e["sequence"]) for uid, e in ended.items()
    }
    assert published(db)["INSPECT-inspection@aliret-tui"][2] == 1  # cancelled_at is set


def test_a_shorter_export_or_a_reimport_cancels_nothing_still_running(shop, db, tmp_path):
    assert cancelled(shop("ics").out) == {}
    # --days 5: the inspection (03-16) and the refund (03-17) are left out, not cancelled.
    short = by_uid(shop("ics", "--days", "5").out)
    assert set(short) == {"SELLER-seller_response@aliret-tui"}
    exported = tmp_path / "orders.json"
    assert shop("export", "-o", str(exported)).code == 0
    assert shop("import", str(exported)).code == 0
    assert cancelled(shop("ics").out) == {}
    shop.add("FRESH", "--delivered", "2026-03-01")  # brand new orders: nothing to cancel
    assert cancelled(shop("ics").out) == {}


def test_days_limits_the_events_and_output_file_is_private(shop, tmp_path):
    result = shop("ics", "--days", "5", "-o", str(tmp_path / "deadlines.ics"))
    assert result.code == 0, result.err
    text = (tmp_path / "deadlines.ics").read_text(encoding="utf-8")
    assert list(confirmed(text)) == ["SELLER-seller_response@aliret-tui"]
    assert stat.S_IMODE(os.stat(tmp_path / "deadlines.ics").st_mode) == 0o600
    assert result.err == f"Wrote 1 deadline to {tmp_path / 'deadlines.ics'}\n"


def test_lines_are_folded_at_75_octets_and_end_in_crlf(shop, tmp_path):
    title = "שלום 👨‍👩‍👧 " * 12 + "é" * 100
    shop.add("WIDE", "--delivered", "2026-03-01", "--store", "Ж" * 80, title=title)
    out = tmp_path / "deadlines.ics"
    assert shop("ics", "-o", str(out)).code == 0
    data = out.read_bytes()
    assert data.endswith(b"END:VCALENDAR\r\n")
    physical = data.split(b"\r\n")[:-1]
    assert b"\n" not in b"".join(physical) and b"\r" not in b"".join(physical)
    assert max(len(piece) for piece in physical) <= 75
    for piece in physical:
        piece.decode("utf-8")  # never cut inside a character
    unfolded = data.decode("utf-8").replace("\r\n ", "")
    assert 'Order INSPECT: Cable [@click=app.quit]x[/]\\, \\; \\\\ "quoted"' in unfolded
    wide = confirmed(data.decode("utf-8"))["WIDE-inspection@aliret-tui"]
    assert f"Order WIDE: {' '.join(title.split())}\n" in str(wide["description"])
    assert "Store: " + "Ж" * 80 in str(wide["description"])


def test_alarm_times_come_from_the_config(shop, tmp_path):
    config = tmp_path / "config"
    config.mkdir()
    (config / "config.toml").write_text(
        '[calendar]\nalarm_days_before = [3, 1]\nalarm_time = "18:30"\n', encoding="utf-8"
    )
    result = shop("ics", env={"ALIRET_TUI_CONFIG_DIR": str(config)})
    event = confirmed(result.out)["INSPECT-inspection@aliret-tui"]
    assert triggers(event) == [
        dt.timedelta(days=-3, hours=18, minutes=30),
        dt.timedelta(days=-1, hours=18, minutes=30),
    ]


def in_process(db: Path, *args: str) -> tuple[int, str, str]:
    from aliret_tui.main import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["--db", str(db), "--today", TODAY, *args])
    return code, out.getvalue(), err.getvalue()


def test_a_database_that_cannot_be_written_still_gives_the_calendar(shop, db, monkeypatch):
    """Root ignores file modes, so "cannot be written" is what can_record says."""
    from aliret_tui.store import calendar_feed

    monkeypatch.setattr(calendar_feed, "can_record", lambda path: False)
    before = db.read_bytes()
    code, out, err = in_process(db, "ics")
    assert code == 0
    assert set(confirmed(out)) >= {"INSPECT-inspection@aliret-tui"}
    assert err.startswith(f"aliret-tui: warning: {db}: cannot be written")
    assert "cannot be cancelled" in err and len(err.splitlines()) == 1
    assert db.read_bytes() == before and published(db) == {}
    monkeypatch.undo()
    assert in_process(db, "ics")[2] == ""  # recorded now
    monkeypatch.setattr(calendar_feed, "can_record", lambda path: False)
    assert in_process(db, "ics")[2] == ""  # nothing new to record: no warning


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("--days", "-1"), ("--days: must be from 0 to 3650", "-1")),
        (("--port", "8000"), ("--port: only goes with --serve",)),
        (("--host", "0.0.0.0"), ("--host: only goes with --serve",)),
        (("--new-token",), ("--new-token: only goes with --serve",)),
        (("--serve", "-o", "x.ics"), ("--output: cannot be used with --serve",)),
        (("--serve", "--port", "70000"), ("--port: must be from 0 to 65535", "70000")),
        (("--serve", "--token", "short"), ("--token: must be 16 to 128 letters",)),
        (("--serve", "--token", "a" * 16 + "/x"), ("--token: must be 16 to 128 letters",)),
    ],
)
def test_bad_options_stop_with_the_option_named(cli, args, fragments, one_error_line):
    one_error_line(cli("ics", *args), *fragments)


def write_config(tmp_path: Path, text: str) -> dict[str, str]:
    folder = tmp_path / "config"
    folder.mkdir(exist_ok=True)
    (folder / "config.toml").write_text(text, encoding="utf-8")
    return {"ALIRET_TUI_CONFIG_DIR": str(folder)}


def test_a_good_config_is_used_and_shown_with_its_origin(shop, tmp_path):
    env = write_config(
        tmp_path,
        'theme = "nord"\n[check]\ndays = 5\n[keys]\nadd = "n"\n'
        "[urgency]\ncritical_days = 1\nsoon_days = 5\n[policy]\ninspection_window_days = 30\n",
    )
    shown = shop("config", env=env)
    assert shown.code == 0, shown.err
    lines = {line.split(" = ")[0]: line for line in shown.out.splitlines() if " = " in line}
    assert 'theme = "nord"' in lines["theme"] and "# config.toml" in lines["theme"]
    assert "check.days = 5" in lines["check.days"] and "config.toml" in lines["check.days"]
    assert 'keys.add = "n"' in lines["keys.add"]
    assert "# default" in lines["calendar.alarm_time"]
    assert "policy.inspection_window_days = 30" in lines["policy.inspection_window_days"]
    # check looks 5 days ahead: the seller's answer (5 days) is in, the refund (7) is not,
    # and with a 30-day window the inspection deadline is far away.
    checked = shop("check", "--json", env=env)
    assert checked.code == 1
    assert "SELLER" in checked.out
    assert "REFUND" not in checked.out and "INSPECT" not in checked.out


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[check]\ndays = -1\n", "check.days"),
        ("[check]\ndayz = 3\n", "check.dayz"),
        ('[calendar]\nalarm_time = "9am"\n', "calendar.alarm_time"),
        ("[urgency]\ncritical_days = 9\nsoon_days = 7\n", "urgency.critical_days"),
        ('[policy]\nrefund_days = "seven"\n', "policy.refund_days"),
        ("colour = 1\n", "colour"),
        ("[keys]\nadd = 5\n", "keys.add"),
        ('[keys]\nadd = "\\u001b"\n', "keys.add"),
        ('[keys]\nadd = "!!"\n', "keys.add"),
        ("not toml at all [", "file"),
    ],
)
def test_a_bad_config_stops_with_the_key_named(cli, tmp_path, text, key, one_error_line):
    env = write_config(tmp_path, text)
    for command in (("check",), ("list",), ("config",)):
        result = cli(*command, env=env)
        one_error_line(result, f"{key}:")


def test_config_refuses_an_unknown_theme_or_key_action(cli, tmp_path, one_error_line):
    env = write_config(tmp_path, 'theme = "sparkly"\n')
    one_error_line(cli("config", env=env), "theme: unknown theme; known: ", "nord")
    env = write_config(tmp_path, '[keys]\nlaunch_rockets = "r"\n')
    one_error_line(cli("config", env=env), "keys.launch_rockets", "unknown action")


@pytest.mark.parametrize(
    ("text", "key", "other"),
    [
        ("[policy]\ninspection_window_days = 0\n", "policy.inspection_window_days", "from 1"),
        (
            "[policy]\nescalation_opens_day = 20\n",
            "policy.escalation_opens_day",
            "policy.escalation_deadline_days (15)",
        ),
        ("[policy]\nrefund_days = 1\n", "policy.refund_days", "policy.refund_earliest_days (3)"),
        (
            "[policy]\ncard_refund_business_days_min = 30\n",
            "policy.card_refund_business_days_min",
            "policy.card_refund_business_days_max (20)",
        ),
    ],
)
def test_contradictory_policy_rules_stop_every_command(
    cli, tmp_path, one_error_line, text, key, other
):
    env = write_config(tmp_path, text)
    for command in (("check",), ("list",), ("config",)):
        one_error_line(cli(*command, env=env), f"{key}: ", other)


def test_a_key_may_be_a_punctuation_character(shop, tmp_path):
    """ "?" and "/" are keys as one types them (Textual names them question_mark and
    slash); config showed them refused as no key name."""
    env = write_config(tmp_path, '[keys]\nhelp = "h"\nsearch = "?"\nfilter = "/"\n')
    shown = shop("config", env=env)
    assert shown.code == 0, shown.err
    assert 'keys.search = "?"' in shown.out and 'keys.filter = "/"' in shown.out


def test_config_refuses_a_key_bound_twice(cli, tmp_path, one_error_line):
    env = write_config(tmp_path, '[keys]\nadd = "e"\n')
    one_error_line(cli("config", env=env), "keys.add: 'e' is already", "Edit (edit)")
    env = write_config(tmp_path, '[keys]\nadd = "n"\nedit = "n"\n')
    one_error_line(cli("config", env=env), "keys.edit: 'n' is already", "keys.add")


def fake_notifier(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """A notify-send that records its arguments, first on PATH."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "notified.txt"
    script = bin_dir / "notify-send"
    script.write_text(
        f'#!/bin/sh\nfor arg in "$@"; do printf "%s\\n---\\n" "$arg"; done > {log}\n',
        encoding="utf-8",
    )
    script.chmod(0o755)
    return {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}, log


def test_check_notify_sends_a_desktop_notification(shop, tmp_path):
    shop.add("TAGS", "--delivered", "2026-02-28", title="<b>bold</b> & co")
    env, log = fake_notifier(tmp_path)
    result = shop("check", "--notify", env=env)
    assert result.code == 1
    sent = log.read_text(encoding="utf-8").split("\n---\n")
    assert sent[0] == "--app-name=aliret-tui"
    assert sent[1] == "aliret-tui: 4 deadlines within 7 days"
    assert "Lamp" in sent[2] and "[@click=app.quit]x[/]" in sent[2]  # literal text
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in sent[2]  # never read as markup


def test_check_notify_is_silent_without_a_notifier_or_when_nothing_is_due(cli, tmp_path):
    cli.add("FAR", "--delivered", "2026-03-09")
    bare = {"PATH": str(tmp_path / "empty")}
    result = cli("check", "--notify", "--days", "30", env=bare)
    assert result.code == 1 and result.err == ""
    env, log = fake_notifier(tmp_path)
    assert cli("check", "--notify", "--days", "1", env=env).code == 0
    assert not log.exists()


def test_version(cli):
    result = cli("--version", db=False, today=None)
    assert result.code == 0 and result.out.strip() == f"aliret-tui {__version__}"
