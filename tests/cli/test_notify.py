"""Reminders through Apprise, against a real HTTP receiver on 127.0.0.1: ``check
--notify`` sends each deadline once per threshold and target, retries a target that
failed, and ``notify --test`` reports each target by service and host only."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

import pytest
from support.receiver import Receiver, unused_port

TODAY = "2026-03-10"
SCENARIO = (
    ("add", "LAST-1", "--title", "Phone case", "--price", "5", "--currency", "USD",
     "--delivered", "2026-02-23"),  # inspection 03-10: last day (threshold 0)
    ("add", "SOON-2", "--title", "Lamp", "--price", "5", "--currency", "USD",
     "--delivered", "2026-02-27"),  # 03-14: 4 days left (threshold 7); 3 tomorrow
    ("add", "WEEK-3", "--title", "Socks", "--price", "5", "--currency", "USD",
     "--delivered", "2026-03-03"),  # 03-18: 8 days left, none yet; 7 tomorrow
    ("add", "LATE-4", "--title", "Scale", "--price", "5", "--currency", "USD",
     "--delivered", "2026-02-01"),
    ("event", "LATE-4", "open_dispute", "--on", "2026-02-02", "--reason", "other"),
    ("event", "LATE-4", "seller_agreed", "--on", "2026-02-03"),  # refund 02-10: overdue
    ("add", "FAR-5", "--title", "Kettle", "--price", "5", "--currency", "USD",
     "--delivered", "2026-03-09"),  # 03-24: 14 days left, no reminder
)  # fmt: skip


@pytest.fixture(autouse=True)
def _no_inherited_targets(monkeypatch):
    monkeypatch.delenv("ALIRET_TUI_NOTIFY_URLS", raising=False)


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def config_folder(_isolated_user_folders) -> Path:
    folder = _isolated_user_folders / "config"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def use_urls(config_folder):
    def write(*urls: str, extra: str = "") -> None:
        listed = ", ".join(f'"{url}"' for url in urls)
        (config_folder / "config.toml").write_text(
            f"[notify]\nurls = [{listed}]\n{extra}", encoding="utf-8"
        )

    return write


@pytest.fixture
def scenario(seed):
    return seed(*SCENARIO)


def sent_rows(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT order_id, clock, deadline, threshold FROM reminders_sent ORDER BY 1, 4"
        ).fetchall()
    finally:
        conn.close()


# -- what arrives ----------------------------------------------------------------------


def test_check_notify_sends_the_due_reminders_to_json_and_form_targets(
    cli, scenario, receiver, use_urls
):
    use_urls(receiver.url("to-json"), receiver.url("to-form", scheme="form"))
    result = cli("check", "--notify", "--quiet")
    assert result.code == 1, result.err  # something is due
    assert result.err == ""
    [as_json] = receiver.take("to-json")
    [as_form] = receiver.take("to-form")
    assert (as_json.kind, as_form.kind) == ("json", "form")
    for arrival in (as_json, as_form):
        assert arrival.title == "aliret-tui: 3 deadlines within 7 days (1 overdue)"
        lines = arrival.body.splitlines()
        # The most urgent first: the overdue refund, the last day, then 4 days left.
        assert lines[0] == "28 days overdue (2026-02-10): Scale · order LATE-4"
        assert lines[1] == "  Refund overdue: contact the seller or support, or escalate"
        assert lines[2] == "Last day (2026-03-10): Phone case · order LAST-1"
        assert lines[3] == "  Inspect the item, then open a dispute or mark it kept"
        assert lines[4] == "4 days left (2026-03-14): Lamp · order SOON-2"
        assert len(lines) == 6
        assert "WEEK-3" not in arrival.body and "FAR-5" not in arrival.body
    assert receiver.take() == []


def test_a_second_run_sends_nothing_and_a_new_threshold_sends_again(
    cli, scenario, receiver, use_urls, db
):
    use_urls(receiver.url("phone"))
    assert cli("check", "--notify").code == 1
    assert len(receiver.take("phone")) == 1
    assert sent_rows(db) == [
        ("LAST-1", "inspection", "2026-03-10", 0),
        ("LATE-4", "refund", "2026-02-10", -1),
        ("SOON-2", "inspection", "2026-03-14", 7),
    ]
    again = cli("check", "--notify")
    assert again.code == 1 and again.err == ""
    assert receiver.take() == []  # each reminder once

    # A day later Lamp reaches 3 days left and Socks 7: only those two arrive.
    tomorrow = cli("check", "--notify", today="2026-03-11")
    assert tomorrow.code == 1, tomorrow.err
    [arrival] = receiver.take("phone")
    assert arrival.title == "aliret-tui: 2 deadlines within 7 days"
    assert "3 days left (2026-03-14): Lamp · order SOON-2" in arrival.body
    assert "7 days left (2026-03-18): Socks · order WEEK-3" in arrival.body
    assert "LATE-4" not in arrival.body  # overdue is reminded once
    assert cli("check", "--notify", today="2026-03-11").code == 1
    assert receiver.take() == []


def test_a_failing_target_is_retried_and_the_others_are_not_sent_again(
    cli, scenario, receiver, use_urls
):
    receiver.failing.add("broken")
    use_urls(receiver.url("works"), receiver.url("broken"))
    first = cli("check", "--notify", "--quiet")
    assert first.code == 1
    assert len(receiver.take("works")) == 1
    assert len(receiver.take("broken")) == 1  # tried, answered 500
    [warning] = first.err_lines
    assert warning.startswith("aliret-tui: warning: reminder not delivered to ")
    assert "JSON at 127.0.0.1 ([notify] urls #2)" in warning
    assert "500" in warning and "tried again at the next run" in warning
    assert f":{receiver.port}" not in warning and "broken" not in warning  # no URL

    receiver.failing.clear()
    second = cli("check", "--notify", "--quiet")
    assert second.code == 1 and second.err == ""
    assert receiver.take("works") == []
    [retried] = receiver.take("broken")
    assert "LATE-4" in retried.body and "LAST-1" in retried.body and "SOON-2" in retried.body

    assert cli("check", "--notify", "--quiet").err == ""
    assert receiver.take() == []


def test_a_target_with_nothing_listening_is_reported_and_retried(cli, scenario, receiver, use_urls):
    dead = f"json://127.0.0.1:{unused_port()}/"
    use_urls(receiver.url("alive"), dead)
    for _ in range(2):
        result = cli("check", "--notify")
        assert result.code == 1
        [warning] = result.err_lines
        assert "JSON at 127.0.0.1 ([notify] urls #2)" in warning
        assert dead not in warning
    assert len(receiver.take("alive")) == 1  # once, though the run was repeated


def test_text_is_escaped_for_markdown_and_html_targets_and_control_bytes_removed(
    cli, db, receiver, use_urls
):
    cli.add("RAW", "--delivered", "2026-03-01", title="placeholder")
    hostile = "Tiny <b>*bold*</b> & [x](y) `code` \x1b[31mred\x07 \x9b2J"
    conn = sqlite3.connect(db)  # a hand-edited database: the title was never cleaned
    with conn:
        conn.execute("UPDATE orders SET title = ?", [hostile])
    conn.close()
    use_urls(
        receiver.url("plain"),
        receiver.url("md", query="format=markdown"),
        receiver.url("web", query="format=html"),
    )
    assert cli("check", "--notify").code == 1
    [plain] = receiver.take("plain")
    [markdown] = receiver.take("md")
    [web] = receiver.take("web")
    for arrival in (plain, markdown, web):
        assert not any(ord(char) < 32 and char != "\n" for char in arrival.body + arrival.title)
        assert not any(0x7F <= ord(char) <= 0x9F for char in arrival.body)
        assert "red" in arrival.body and "[31m" not in arrival.body
    assert "Tiny <b>*bold*</b> & [x](y) `code` red" in plain.body
    assert r"Tiny \<b\>\*bold\*\</b\> \& \[x\](y) \`code\` red" in markdown.body
    assert markdown.body.startswith("- **6 days left** (2026-03-16): ")
    assert "Tiny &lt;b&gt;*bold*&lt;/b&gt; &amp; [x](y) `code` red" in web.body
    assert web.body.startswith("<b>6 days left</b> (2026-03-16): ")
    assert "<br/>" in web.body


def test_the_body_lists_the_five_most_urgent_then_how_many_more(cli, receiver, use_urls):
    for number in range(7):  # deadlines from 1 to 7 days away
        delivered = dt.date(2026, 2, 24) + dt.timedelta(days=number)
        cli.add(f"N{number}", "--delivered", delivered.isoformat(), title=f"Item {number}")
    use_urls(receiver.url("many"))
    assert cli("check", "--notify").code == 1
    [arrival] = receiver.take("many")
    assert arrival.title == "aliret-tui: 7 deadlines within 7 days"
    assert [line.split(" · ")[1] for line in arrival.body.splitlines() if " · " in line] == [
        "order N0", "order N1", "order N2", "order N3", "order N4"
    ]  # fmt: skip
    assert arrival.body.splitlines()[-1] == "…and 2 more: `aliret-tui check` lists them all"


def test_the_thresholds_come_from_the_config(cli, scenario, receiver, use_urls, db):
    use_urls(receiver.url("few"), extra="days = [1]\n")
    assert cli("check", "--notify").code == 1
    [arrival] = receiver.take("few")
    assert arrival.title == "aliret-tui: 2 deadlines within 1 day (1 overdue)"
    assert "SOON-2" not in arrival.body  # 4 days left: no threshold reached yet
    assert sent_rows(db) == [
        ("LAST-1", "inspection", "2026-03-10", 1),  # the last day is within 1 day
        ("LATE-4", "refund", "2026-02-10", -1),
    ]


def test_urls_from_the_environment_replace_the_config_ones(cli, scenario, receiver, use_urls):
    use_urls(receiver.url("from-config"))
    env = {"ALIRET_TUI_NOTIFY_URLS": f"{receiver.url('env-a')}, {receiver.url('env-b', 'form')}"}
    assert cli("check", "--notify", env=env).code == 1
    assert len(receiver.take("env-a")) == 1 and len(receiver.take("env-b")) == 1
    assert receiver.take() == []


def test_an_apprise_config_file_beside_config_toml_is_read(cli, scenario, receiver, config_folder):
    (config_folder / "apprise.yml").write_text(
        f"urls:\n  - {receiver.url('from-yaml')}\n", encoding="utf-8"
    )
    listed = cli("notify")
    assert listed.code == 0, listed.err
    assert "JSON at 127.0.0.1 (apprise.yml #1)" in listed.out
    assert cli("check", "--notify").code == 1
    assert len(receiver.take("from-yaml")) == 1
    assert cli("check", "--notify").code == 1
    assert receiver.take() == []


def test_a_missing_apprise_config_file_named_in_the_config_is_an_error(
    cli, config_folder, one_error_line
):
    (config_folder / "config.toml").write_text('[notify]\nconfig = "nowhere.yml"\n')
    one_error_line(cli("notify", "--test"), "notify.config", "nowhere.yml: no such file")


def test_check_without_notify_sends_and_records_nothing(cli, scenario, receiver, use_urls, db):
    use_urls(receiver.url("quiet"))
    assert cli("check").code == 1
    assert receiver.take() == []
    assert sent_rows(db) == []


def test_an_old_database_that_cannot_record_still_sends_and_says_so(
    cli, scenario, receiver, use_urls, db
):
    conn = sqlite3.connect(db)  # as schema 3 was, before reminders were recorded
    with conn:
        conn.execute("DROP TABLE reminders_sent")
        conn.execute("PRAGMA user_version = 3")
    conn.close()
    use_urls(receiver.url("old"))
    for _ in range(2):
        result = cli("check", "--notify")
        assert result.code == 1
        [warning] = result.err_lines
        assert "older aliret-tui" in warning and "may be sent again" in warning
        assert len(receiver.take("old")) == 1  # sent, though it may repeat


def test_the_desktop_is_reminded_once_without_any_url(cli, scenario, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "notified.txt"
    script = bin_dir / "notify-send"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" >> {log}\n', encoding="utf-8")
    script.chmod(0o755)
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    assert cli("check", "--notify", env=env).code == 1
    shown = log.read_text(encoding="utf-8")
    assert "aliret-tui: 3 deadlines within 7 days (1 overdue)" in shown and "LATE-4" in shown
    assert cli("check", "--notify", env=env).code == 1
    assert log.read_text(encoding="utf-8") == shown  # not again


# -- notify --test --------------------------------------------------------------------------


def test_notify_test_reports_each_target_by_service_and_host_only(cli, receiver, use_urls):
    secret_json = receiver.url("secret-path").replace("://", "://user:s3cret-pass@")
    dead = f"json://127.0.0.1:{unused_port()}/another-secret"
    use_urls(secret_json, receiver.url("form-path", "form"), dead, "nosuchservice://token")
    result = cli("notify", "--test")
    assert result.code == 1, result.err  # a target failed
    assert result.out_lines[0] == "Test notification delivered to 2 of 4:"
    assert result.out_lines[1] == "  sent    JSON at 127.0.0.1 ([notify] urls #1)"
    assert result.out_lines[2] == "  sent    Form at 127.0.0.1 ([notify] urls #2)"
    assert result.out_lines[3].startswith("  FAILED  JSON at 127.0.0.1 ([notify] urls #3): ")
    assert result.out_lines[4].startswith("  FAILED  nosuchservice:// URL ([notify] urls #4): ")
    for secret in ("s3cret", "secret-path", "another-secret", "token", str(receiver.port)):
        assert secret not in result.out + result.err
    [as_json] = receiver.take("secret-path")
    [as_form] = receiver.take("form-path")
    assert as_json.title == as_form.title == "aliret-tui: test notification"
    assert "test from aliret-tui" in as_json.body


def test_notify_test_exits_0_when_every_target_took_it(cli, receiver, use_urls):
    use_urls(receiver.url("a"), receiver.url("b", "form"))
    result = cli("notify", "--test")
    assert result.code == 0, result.out
    assert len(receiver.take()) == 2


def test_notify_without_test_lists_the_targets_and_sends_nothing(cli, receiver, use_urls):
    use_urls(receiver.url("listed"), extra="days = [5, 2]\n")
    result = cli("notify")
    assert result.code == 0
    assert "JSON at 127.0.0.1 ([notify] urls #1)" in result.out
    assert "5, 2 days before" in result.out
    assert receiver.take() == []


def test_hosts_that_hold_secrets_are_not_shown(cli, use_urls):
    use_urls(
        "ntfy://my-private-topic", "tgram://123456789:AAbbCCdd/4242", "ntfys://ntfy.example.org/t"
    )
    result = cli("notify")
    assert result.code == 0, result.err
    assert "  ntfy ([notify] urls #1)" in result.out_lines
    assert "  Telegram ([notify] urls #2)" in result.out_lines
    assert "  ntfy at ntfy.example.org ([notify] urls #3)" in result.out_lines
    for secret in ("my-private-topic", "123456789", "AAbbCCdd", "4242"):
        assert secret not in result.out


# -- the [notify] settings --------------------------------------------------------------------


def test_config_shows_notify_settings_without_the_urls_secrets(cli, use_urls):
    use_urls("json://user:hunter2@example.org/hook", extra="days = [3, 0]\n")
    result = cli("config")
    assert result.code == 0, result.err
    lines = {line.split(" = ")[0]: line for line in result.out_lines if " = " in line}
    assert 'notify.urls = ["json://…"]' in lines["notify.urls"]
    assert "config.toml" in lines["notify.urls"]
    assert "notify.days = [3, 0]" in lines["notify.days"]
    assert "hunter2" not in result.out and "example.org" not in result.out


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('urls = "json://user:hunter2@host/"', "notify.urls: must be a list"),
        ('urls = ["hunter2 no scheme"]', "notify.urls[1]: must be an Apprise URL"),
        ("urls = [42]", "notify.urls[1]: must be a URL in quotes"),
        ("days = [7, -1]", "notify.days: must be a whole number from 0 to 365"),
        ('days = "7"', "notify.days: must be a list of days"),
        ("dayz = [1]", "notify.dayz: unknown"),
        ("config = 3", "notify.config: must be a file path"),
    ],
)
def test_bad_notify_settings_stop_with_the_key_named_and_no_secret(
    cli, config_folder, one_error_line, text, key
):
    (config_folder / "config.toml").write_text(f"[notify]\n{text}\n", encoding="utf-8")
    for command in (("check", "--notify"), ("notify",)):
        line = one_error_line(cli(*command), key)
        assert "hunter2" not in line
