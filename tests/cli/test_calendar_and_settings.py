"""`aliret-tui ics`, `check --notify`, `config` and the settings that feed them."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import icalendar
import pytest

from aliret_tui import __version__

TODAY = "2026-03-10"
HOSTILE = 'Cable [@click=app.quit]x[/], ; \\ "quoted" 👨‍👩‍👧 שלום'


def events(text: str) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(text).walk("VEVENT"))


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
    running = {str(e["uid"]): e for e in events(result.out) if str(e["status"]) == "CONFIRMED"}
    assert set(running) == {
        "INSPECT-inspection@aliret-tui",
        "SELLER-seller_response@aliret-tui",
        "REFUND-refund@aliret-tui",
    }
    inspect = running["INSPECT-inspection@aliret-tui"]
    assert inspect.decoded("dtstart") == dt.date(2026, 3, 16)  # delivered 03-01 + 15
    assert inspect.decoded("dtend") == dt.date(2026, 3, 17)
    assert str(inspect["summary"]).startswith("Inspect the item")
    assert HOSTILE in str(inspect["summary"])  # escaped by the library, read back literally
    description = str(inspect["description"])
    assert (
        "Order INSPECT" in description and "delivered 2026-03-01 (typed) + 15 days" in description
    )
    assert "Mediation checklist" in description
    triggers = sorted(alarm.decoded("trigger") for alarm in inspect.walk("VALARM"))
    assert triggers == [dt.timedelta(days=-2, hours=9), dt.timedelta(hours=9)]
    seller = running["SELLER-seller_response@aliret-tui"]
    assert "Photos of the problem" in str(seller["description"])  # the evidence checklist


def test_uids_are_stable_and_ended_clocks_are_cancelled(shop):
    first = {str(e["uid"]): e for e in events(shop("ics").out)}
    second = {str(e["uid"]): e for e in events(shop("ics").out)}
    assert set(first) == set(second)
    assert shop("event", "SELLER", "seller_refused").code == 0
    third = {str(e["uid"]): e for e in events(shop("ics").out)}
    ended = third["SELLER-seller_response@aliret-tui"]
    assert str(ended["status"]) == "CANCELLED"
    assert int(ended["sequence"]) > int(first["SELLER-seller_response@aliret-tui"]["sequence"])
    assert str(third["SELLER-escalate@aliret-tui"]["status"]) == "CONFIRMED"
    assert str(third["KEPT-inspection@aliret-tui"]["status"]) == "CANCELLED"


def test_days_limits_the_events_and_output_file_is_private(shop, tmp_path):
    result = shop("ics", "--days", "5", "-o", str(tmp_path / "deadlines.ics"))
    assert result.code == 0, result.err
    text = (tmp_path / "deadlines.ics").read_text(encoding="utf-8")
    running = [e for e in events(text) if str(e["status"]) == "CONFIRMED"]
    assert [str(e["uid"]) for e in running] == ["SELLER-seller_response@aliret-tui"]
    assert stat.S_IMODE(os.stat(tmp_path / "deadlines.ics").st_mode) == 0o600
    assert "Wrote 1 deadlines" in result.err


def test_alarm_times_come_from_the_config(shop, tmp_path):
    config = tmp_path / "config"
    config.mkdir()
    (config / "config.toml").write_text(
        '[calendar]\nalarm_days_before = [3, 1]\nalarm_time = "18:30"\n', encoding="utf-8"
    )
    result = shop("ics", env={"ALIRET_TUI_CONFIG_DIR": str(config)})
    event = next(e for e in events(result.out) if str(e["status"]) == "CONFIRMED")
    triggers = sorted(alarm.decoded("trigger") for alarm in event.walk("VALARM"))
    assert triggers == [
        dt.timedelta(days=-3, hours=18, minutes=30),
        dt.timedelta(days=-1, hours=18, minutes=30),
    ]


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
