"""``remind install|status|uninstall``: the daily ``check --notify`` on systemd, launchd
or cron. The units go to a temporary ``XDG_CONFIG_HOME`` (and are checked by
``systemd-analyze verify`` where the machine has it); systemctl, launchctl and
crontab are stand-ins on ``PATH`` that record how they were called; the crontab
line is run as cron would, under ``env -i`` with cron's ``PATH``."""

from __future__ import annotations

import configparser
import datetime as dt
import json
import os
import plistlib
import shlex
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from support.cli import EXE
from support.receiver import Receiver

from aliret_tui.cli.reminders import SCHEDULERS
from aliret_tui.notify.schedule import KINDS

TODAY = "2026-03-10"
CRON_PATH = "/usr/bin:/bin"
STUB = """#!{python}
import json, os, sys
name, args = os.path.basename(sys.argv[0]), sys.argv[1:]
with open(os.environ["STUB_LOG"], "a") as log:
    log.write(json.dumps([name, *args]) + "\\n")
if name == "systemctl":
    if args[:2] == ["--user", "show-environment"]:
        sys.exit(0 if os.environ.get("STUB_SESSION") == "1" else 1)
    if "show" in args and args[-1].startswith("--property="):
        if args[2].endswith(".timer"):
            print("UnitFileState=enabled\\nActiveState=active")
            print("NextElapseUSecRealtime=Wed 2026-03-11 07:30:00 CET\\nLastTriggerUSec=n/a")
        else:
            print("Result=success\\nExecMainStatus=1")
            print("ExecMainExitTimestamp=Tue 2026-03-10 07:30:02 CET")
elif name == "crontab":
    table = os.environ["STUB_CRONTAB"]
    if args == ["-l"]:
        if not os.path.exists(table):
            sys.stderr.write("no crontab for tester\\n")
            sys.exit(1)
        sys.stdout.write(open(table).read())
    elif args == ["-"]:
        open(table, "w").write(sys.stdin.read())
"""


@pytest.fixture(autouse=True)
def _no_inherited_targets(monkeypatch):
    monkeypatch.delenv("ALIRET_TUI_NOTIFY_URLS", raising=False)


class Machine:
    """A pretend user account: its own HOME and XDG_CONFIG_HOME, and stand-in service
    managers on PATH (only those named in ``programs``)."""

    def __init__(self, tmp_path: Path, programs: tuple[str, ...], session: bool):
        self.home = tmp_path / "home"
        self.xdg = tmp_path / "xdg"
        self.bin = tmp_path / "stub-bin"
        self.log = tmp_path / "stub-calls.jsonl"
        self.crontab = tmp_path / "crontab.txt"
        for folder in (self.home, self.xdg, self.bin):
            folder.mkdir(exist_ok=True)
        for program in programs:
            script = self.bin / program
            script.write_text(STUB.format(python=sys.executable), encoding="utf-8")
            script.chmod(0o755)
        self.env = {
            "HOME": str(self.home),
            "XDG_CONFIG_HOME": str(self.xdg),
            "PATH": str(self.bin),
            "STUB_LOG": str(self.log),
            "STUB_CRONTAB": str(self.crontab),
            "STUB_SESSION": "1" if session else "0",
        }

    @property
    def units(self) -> Path:
        return self.xdg / "systemd" / "user"

    def calls(self) -> list[list[str]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]


@pytest.fixture
def machine(tmp_path):
    def make(*programs: str, session: bool = True) -> Machine:
        return Machine(tmp_path, programs, session)

    return make


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def with_target(_isolated_user_folders, receiver):
    """A config.toml whose [notify] urls point at the local receiver."""
    folder = _isolated_user_folders / "config"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(
        f'[notify]\nurls = ["{receiver.url("scheduled")}"]\n', encoding="utf-8"
    )
    return folder


def odd_database(cli, tmp_path: Path) -> Path:
    """A database due something, in a folder whose name needs quoting everywhere."""
    folder = tmp_path / "my data 100% $HOME 'q' \"d\""
    folder.mkdir()
    # The scheduled command runs on the real date: due in 5 days from the real today.
    delivered = dt.date.today() - dt.timedelta(days=10)
    cli.add("DUE", "--delivered", delivered.isoformat(), title="Lamp", today=None)
    shutil.move(cli.db, folder / "aliret.db")
    return folder / "aliret.db"


def exec_start(service_text: str) -> list[str]:
    """ExecStart's words as systemd reads them: quoted as in a shell, then ``%%`` and
    ``$$`` are a literal ``%`` and ``$`` (a single one would be a specifier or a
    variable, which our paths must never become)."""
    line = next(line for line in service_text.splitlines() if line.startswith("ExecStart="))
    return [_literal(word) for word in shlex.split(line.removeprefix("ExecStart="))]


def _literal(word: str) -> str:
    out, index = [], 0
    while index < len(word):
        if word[index] in "%$":
            assert word[index + 1 : index + 2] == word[index], f"unescaped {word[index]} in {word}"
            index += 1
        out.append(word[index])
        index += 1
    return "".join(out)


def verify_units(machine: Machine, tmp_path: Path) -> None:
    service = machine.units / "aliret-tui-check.service"
    timer = machine.units / "aliret-tui-check.timer"
    for unit in (service, timer):
        parsed = configparser.ConfigParser(interpolation=None, strict=True)
        parsed.optionxform = str  # type: ignore[assignment]
        parsed.read_string(unit.read_text(encoding="utf-8"))
    analyze = shutil.which("systemd-analyze")
    if analyze:
        runtime = tmp_path / "runtime"
        runtime.mkdir(exist_ok=True)
        env = {**os.environ, "XDG_CONFIG_HOME": str(machine.xdg), "XDG_RUNTIME_DIR": str(runtime)}
        done = subprocess.run(
            [analyze, "--user", "verify", str(timer), str(service)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert "Unknown" not in done.stderr and "ignoring" not in done.stderr, done.stderr


# -- systemd -------------------------------------------------------------------------------


def test_install_print_shows_the_units_and_changes_nothing(cli, machine, tmp_path):
    box = machine("systemctl")
    result = cli("remind", "install", "--print", "--at", "7:30", env=box.env)
    assert result.code == 0, result.err
    assert f"# {box.units / 'aliret-tui-check.service'}" in result.out_lines
    assert f"# {box.units / 'aliret-tui-check.timer'}" in result.out_lines
    assert f"ExecStart={EXE} check --notify --quiet --db {cli.db}" in result.out_lines
    assert "OnCalendar=*-*-* 07:30:00" in result.out_lines
    assert "Persistent=true" in result.out_lines
    assert "# then: systemctl --user enable --now aliret-tui-check.timer" in result.out_lines
    assert not box.units.exists()
    assert [call for call in box.calls() if "show-environment" not in call] == []


def test_install_writes_and_enables_a_systemd_user_timer(cli, machine, tmp_path):
    box = machine("systemctl")
    result = cli("remind", "install", "--at", "07:30", env=box.env)
    assert result.code == 0, result.err
    service = box.units / "aliret-tui-check.service"
    timer = box.units / "aliret-tui-check.timer"
    assert stat.S_IMODE(service.stat().st_mode) == 0o600
    text = service.read_text(encoding="utf-8")
    assert exec_start(text) == [EXE, "check", "--notify", "--quiet", "--db", str(cli.db)]
    assert f'Environment="ALIRET_TUI_CONFIG_DIR={os.environ["ALIRET_TUI_CONFIG_DIR"]}"' in text
    assert "SuccessExitStatus=1" in text.splitlines()
    timer_text = timer.read_text(encoding="utf-8").splitlines()
    assert "OnCalendar=*-*-* 07:30:00" in timer_text and "Persistent=true" in timer_text
    assert "WantedBy=timers.target" in timer_text
    calls = [call for call in box.calls() if "show-environment" not in call]
    assert calls == [
        ["systemctl", "--user", "daemon-reload"],
        ["systemctl", "--user", "enable", "--now", "aliret-tui-check.timer"],
    ]
    verify_units(box, tmp_path)


def test_the_units_quote_an_awkward_database_path(cli, machine, tmp_path, receiver, with_target):
    box = machine("systemctl")
    database = odd_database(cli, tmp_path)
    result = cli("remind", "install", db=database, env=box.env)
    assert result.code == 0, result.err
    text = (box.units / "aliret-tui-check.service").read_text(encoding="utf-8")
    command = exec_start(text)
    assert command == [EXE, "check", "--notify", "--quiet", "--db", str(database)]
    verify_units(box, tmp_path)
    # The command, as systemd will run it, reaches the receiver.
    done = subprocess.run(
        command,
        env={"ALIRET_TUI_CONFIG_DIR": str(with_target), "PATH": CRON_PATH},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr  # 1: something is due (SuccessExitStatus=1)
    [arrival] = receiver.take("scheduled")
    assert "order DUE" in arrival.body


def test_status_shows_the_timer_and_the_last_run_and_uninstall_removes_it(
    cli, machine, receiver, with_target
):
    box = machine("systemctl")
    cli.add("DUE", "--delivered", "2026-02-28", title="Lamp")
    assert cli("remind", "install", "--at", "07:30", env=box.env).code == 0
    assert cli("check", "--notify", "--quiet").code == 1
    status = cli("remind", "status", env=box.env)
    assert status.code == 0, status.err
    out = status.out_lines
    assert out[0].startswith("Scheduled: systemd user timer, every day at 07:30 (")
    assert out[1] == f"  runs: {EXE} check --notify --quiet --db {cli.db}"
    assert "  timer: enabled, active; next run: Wed 2026-03-11 07:30:00 CET" in out
    assert any("last run by systemd" in line and "exit status 1 (success)" in line for line in out)
    assert f"Last check --notify on {cli.db}:" in out
    assert any("delivered to JSON at 127.0.0.1 ([notify] urls #1)" in line for line in out)

    removed = cli("remind", "uninstall", env=box.env)
    assert removed.code == 0, removed.err
    assert not (box.units / "aliret-tui-check.service").exists()
    assert not (box.units / "aliret-tui-check.timer").exists()
    assert ["systemctl", "--user", "disable", "--now", "aliret-tui-check.timer"] in box.calls()
    after = cli("remind", "status", env=box.env)
    assert after.code == 1
    assert after.out_lines[0].startswith("No daily check is scheduled")


def test_auto_picks_systemd_only_with_a_user_session(cli, machine):
    with_session = machine("systemctl", "crontab", session=True)
    printed = cli("remind", "install", "--print", env=with_session.env)
    assert "ExecStart=" in printed.out and "crontab" not in printed.out
    without = machine("systemctl", "crontab", session=False)
    printed = cli("remind", "install", "--print", env=without.env)
    assert "ExecStart=" not in printed.out
    assert "# the line added to your crontab (crontab -l):" in printed.out_lines


# -- cron ----------------------------------------------------------------------------------


def cron_command(line: str) -> str:
    """The command cron runs for a crontab line: after the five time fields, ``\\%``
    is a percent sign (an unescaped one would end the command)."""
    command = line.split(None, 5)[5]
    assert "%" not in command.replace("\\%", "")
    return command.replace("\\%", "%")


def test_the_crontab_line_runs_under_cron_s_bare_environment(
    cli, machine, tmp_path, receiver, with_target
):
    box = machine("crontab", session=False)
    box.crontab.write_text("MAILTO=me@example.org\n15 3 * * * /usr/bin/true # mine\n")
    database = odd_database(cli, tmp_path)
    result = cli("remind", "install", "--at", "07:30", db=database, env=box.env)
    assert result.code == 0, result.err
    lines = box.crontab.read_text().splitlines()
    assert lines[:2] == ["MAILTO=me@example.org", "15 3 * * * /usr/bin/true # mine"]
    [ours] = lines[2:]
    assert ours.startswith("30 7 * * * ") and ours.endswith(" # aliret-tui remind")
    done = subprocess.run(
        ["/usr/bin/env", "-i", f"PATH={CRON_PATH}", "/bin/sh", "-c", cron_command(ours)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode in (0, 1), done.stderr
    assert done.returncode == 1  # the order is due; the listing went to /dev/null
    assert done.stdout == "" and done.stderr == ""
    [arrival] = receiver.take("scheduled")
    assert "order DUE" in arrival.body

    # Installing again replaces the line; uninstall removes only ours.
    assert cli("remind", "install", "--at", "21:05", db=database, env=box.env).code == 0
    lines = box.crontab.read_text().splitlines()
    assert len(lines) == 3 and lines[2].startswith("5 21 * * * ")
    status = cli("remind", "status", db=database, env=box.env)
    assert status.code == 0
    assert status.out_lines[0] == "Scheduled: crontab line, every day at 21:05 (your crontab)"
    assert status.out_lines[1] == f"  runs: {shlex.join([EXE, *CHECK_ARGS, str(database)])}"
    assert cli("remind", "uninstall", env=box.env).code == 0
    assert box.crontab.read_text().splitlines() == lines[:2]


CHECK_ARGS = ("check", "--notify", "--quiet", "--db")


def test_installing_with_another_scheduler_replaces_the_first(cli, machine):
    box = machine("systemctl", "crontab")
    assert cli("remind", "install", env=box.env).code == 0
    assert (box.units / "aliret-tui-check.timer").exists()
    switched = cli("remind", "install", "--using", "cron", env=box.env)
    assert switched.code == 0, switched.err
    assert not (box.units / "aliret-tui-check.timer").exists()
    assert "# aliret-tui remind" in box.crontab.read_text()
    assert cli("remind", "status", env=box.env).out.count("Scheduled:") == 1


# -- launchd -------------------------------------------------------------------------------


def test_a_launchd_agent_runs_the_check_daily(cli, machine):
    box = machine("launchctl")
    result = cli("remind", "install", "--using", "launchd", "--at", "08:45", env=box.env)
    assert result.code == 0, result.err
    plist = box.home / "Library" / "LaunchAgents" / "aliret-tui.check.plist"
    agent = plistlib.loads(plist.read_bytes())
    assert agent["Label"] == "aliret-tui.check"
    assert agent["ProgramArguments"] == [EXE, *CHECK_ARGS, str(cli.db)]
    assert agent["StartCalendarInterval"] == {"Hour": 8, "Minute": 45}
    assert agent["EnvironmentVariables"] == {
        "ALIRET_TUI_CONFIG_DIR": os.environ["ALIRET_TUI_CONFIG_DIR"]
    }
    uid = os.getuid()
    assert ["launchctl", "bootstrap", f"gui/{uid}", str(plist)] in box.calls()
    status = cli("remind", "status", env=box.env)
    assert status.out_lines[0].startswith("Scheduled: launchd agent, every day at 08:45")
    assert "  launchd: loaded" in status.out_lines
    assert cli("remind", "uninstall", env=box.env).code == 0
    assert not plist.exists()
    assert ["launchctl", "bootout", f"gui/{uid}/aliret-tui.check"] in box.calls()


def test_the_command_line_offers_every_scheduler():
    assert SCHEDULERS == KINDS


# -- refusals -----------------------------------------------------------------------------


def test_refusals(cli, machine, one_error_line):
    box = machine("systemctl")
    one_error_line(cli("remind", "install", "--demo", db=False, env=box.env), "--demo")
    one_error_line(cli("remind", "status", "--at", "07:00", env=box.env), "go with install")
    late = cli("remind", "install", "--at", "24:00", env=box.env)
    assert late.code == 2 and "HH:MM" in late.err
    missing = cli("remind", "install", "--using", "cron", env=box.env)  # no crontab here
    one_error_line(missing, "no crontab command")


def test_a_failing_systemctl_is_reported(cli, machine, tmp_path, one_error_line):
    box = machine(session=True)  # no systemctl at all, though systemd was asked for
    result = cli("remind", "install", "--using", "systemd", env=box.env)
    line = one_error_line(result, "systemctl --user daemon-reload failed")
    assert "aliret-tui-check.service" in line  # says the files were written
