"""The daily ``check --notify``, scheduled the platform's way (``remind install``,
``status``, ``uninstall``):

- Linux with a systemd user session: ``aliret-tui-check.service`` and ``.timer`` in
  ``$XDG_CONFIG_HOME/systemd/user`` (``Persistent=true``: a run missed while the
  computer was off happens at the next start), enabled with ``systemctl --user``;
- macOS: a launchd agent, ``~/Library/LaunchAgents/aliret-tui.check.plist``;
- anywhere else: one line in the user's crontab, marked so it can be found again.

Each runs the absolute path of this installed program, with the absolute path of
the database in use and of the config folder, so that neither cron's bare ``PATH``
nor a service manager's environment changes what runs. The exit status 1 of
``check`` (something is due) is not a failure. Standard library only.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys

from aliret_tui import paths
from aliret_tui.errors import UserError
from aliret_tui.sanitize import outgoing

SYSTEMD, LAUNCHD, CRON = "systemd", "launchd", "cron"
KINDS = (SYSTEMD, LAUNCHD, CRON)
DEFAULT_AT = "09:00"
UNIT = "aliret-tui-check"
LAUNCHD_LABEL = "aliret-tui.check"
CRON_MARKER = "# aliret-tui remind"
COMMAND_TIMEOUT_S = 30
_PLAIN_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_@+=:,./-")


class Schedule:
    """What ``remind install`` writes for one platform, and the commands it runs after."""

    def __init__(self, kind: str, at: str, command: list[str], environment: dict[str, str]):
        for word in [*command, *environment.values()]:
            if not word.isprintable():
                raise UserError(f"cannot schedule a path with control characters: {word!r}")
        self.kind = kind
        self.at = at
        self.command = command
        self.environment = environment

    @property
    def hour_minute(self) -> tuple[int, int]:
        hour, minute = self.at.split(":")
        return int(hour), int(minute)

    def files(self) -> list[tuple[str, str]]:
        """(path, text) of each file written; none for cron."""
        if self.kind == SYSTEMD:
            folder = systemd_folder()
            return [
                (os.path.join(folder, f"{UNIT}.service"), self.systemd_service()),
                (os.path.join(folder, f"{UNIT}.timer"), self.systemd_timer()),
            ]
        if self.kind == LAUNCHD:
            return [(launchd_file(), self.launchd_plist())]
        return []

    def systemd_service(self) -> str:
        environment = "".join(
            f"Environment={_systemd_quote(f'{name}={value}', always=True)}\n"
            for name, value in self.environment.items()
        )
        return (
            "[Unit]\n"
            "Description=aliret-tui: the daily check of return deadlines, with reminders\n"
            "# Written by `aliret-tui remind install`; `aliret-tui remind uninstall` removes it.\n"
            "\n"
            "[Service]\n"
            "Type=oneshot\n"
            f"{environment}"
            f"ExecStart={' '.join(_systemd_quote(word) for word in self.command)}\n"
            "# check exits with 1 when something is due: that is not a failure.\n"
            "SuccessExitStatus=1\n"
        )

    def systemd_timer(self) -> str:
        return (
            "[Unit]\n"
            f"Description=aliret-tui: run the daily check of return deadlines at {self.at}\n"
            "\n"
            "[Timer]\n"
            f"OnCalendar=*-*-* {self.at}:00\n"
            "# A run missed while the computer was off happens at the next start.\n"
            "Persistent=true\n"
            "\n"
            "[Install]\n"
            "WantedBy=timers.target\n"
        )

    def launchd_plist(self) -> str:
        import plistlib

        hour, minute = self.hour_minute
        agent = {
            "Label": LAUNCHD_LABEL,
            "ProgramArguments": self.command,
            "EnvironmentVariables": self.environment,
            "StartCalendarInterval": {"Hour": hour, "Minute": minute},
            "RunAtLoad": False,
            "StandardOutPath": os.devnull,
            "StandardErrorPath": launchd_log(),
        }
        return plistlib.dumps(agent).decode("utf-8")

    def cron_line(self) -> str:
        """One crontab line. cron gives ``%`` a meaning of its own, hence ``\\%``."""
        hour, minute = self.hour_minute
        assignments = [f"{name}={shlex.quote(value)}" for name, value in self.environment.items()]
        words = " ".join([*assignments, shlex.join(self.command)]).replace("%", "\\%")
        return f"{minute} {hour} * * * {words} >/dev/null {CRON_MARKER}"

    def after_writing(self) -> list[list[str]]:
        """The commands that make the written files take effect."""
        if self.kind == SYSTEMD:
            return [
                ["systemctl", "--user", "daemon-reload"],
                ["systemctl", "--user", "enable", "--now", f"{UNIT}.timer"],
            ]
        if self.kind == LAUNCHD:
            return [["launchctl", "bootstrap", _launchd_domain(), launchd_file()]]
        return []


def schedule_for(kind: str, db_file: str, at: str) -> Schedule:
    return Schedule(kind, at, check_command(db_file), scheduled_environment())


def check_command(db_file: str) -> list[str]:
    return [*paths.command_line(), "check", "--notify", "--quiet", "--db", os.path.abspath(db_file)]


def scheduled_environment() -> dict[str, str]:
    """The config folder in use now, so the scheduled run reads the same config.toml."""
    return {"ALIRET_TUI_CONFIG_DIR": os.path.abspath(paths.config_folder())}


def detect_kind() -> str:
    if sys.platform == "darwin":
        return LAUNCHD
    if sys.platform.startswith("linux") and _systemd_user_session():
        return SYSTEMD
    return CRON


def _systemd_user_session() -> bool:
    systemctl = shutil.which("systemctl")
    if systemctl is None:
        return False
    try:
        done = subprocess.run(
            [systemctl, "--user", "show-environment"],
            capture_output=True,
            timeout=COMMAND_TIMEOUT_S,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


# -- where the files go ----------------------------------------------------------------


def systemd_folder() -> str:
    value = os.environ.get("XDG_CONFIG_HOME", "")
    base = value if os.path.isabs(value) else os.path.expanduser("~/.config")
    return os.path.join(base, "systemd", "user")


def launchd_file() -> str:
    return os.path.expanduser(f"~/Library/LaunchAgents/{LAUNCHD_LABEL}.plist")


def launchd_log() -> str:
    return os.path.expanduser("~/Library/Logs/aliret-tui/check.log")


def _launchd_domain() -> str:
    return f"gui/{os.getuid()}"


# -- install ---------------------------------------------------------------------------


def install(schedule: Schedule) -> list[str]:
    """Write the schedule and make it take effect, replacing one of another kind that
    ``remind install`` made before; what was done, one line each."""
    done = uninstall(kinds=[kind for kind in KINDS if kind != schedule.kind])
    if schedule.kind == CRON:
        lines = [line for line in read_crontab() if CRON_MARKER not in line]
        write_crontab([*lines, schedule.cron_line()])
        return [*done, f"added to your crontab: {schedule.cron_line()}"]
    from aliret_tui.files import write_private_file

    if schedule.kind == LAUNCHD:
        os.makedirs(os.path.dirname(launchd_log()), exist_ok=True)
        _run_quietly(["launchctl", "bootout", f"{_launchd_domain()}/{LAUNCHD_LABEL}"])
    for path, text in schedule.files():
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write_private_file(path, text)
        done.append(f"wrote {path}")
    written = [path for path, _ in schedule.files()]
    for command in schedule.after_writing():
        if schedule.kind == LAUNCHD and not _run_quietly(command):
            command = ["launchctl", "load", "-w", launchd_file()]  # before macOS 10.11
            _run(command, written=written)
        elif schedule.kind != LAUNCHD:
            _run(command, written=written)
        done.append(f"ran {shlex.join(command)}")
    return done


# -- status and uninstall ----------------------------------------------------------------


class Installed:
    """A schedule found on this computer: its kind, where it is, what it runs."""

    def __init__(self, kind: str, where: str, command: list[str], at: str | None):
        self.kind = kind
        self.where = where
        self.command = command
        self.at = at

    @property
    def db_file(self) -> str | None:
        words = self.command
        return next((words[i + 1] for i in range(len(words) - 1) if words[i] == "--db"), None)


def find_installed(kinds: list[str] | tuple[str, ...] = KINDS) -> list[Installed]:
    found = []
    service = os.path.join(systemd_folder(), f"{UNIT}.service")
    if SYSTEMD in kinds and os.path.exists(service):
        command = _systemd_command(_read(service))
        timer = _read(os.path.join(systemd_folder(), f"{UNIT}.timer"))
        at = next(
            (line.split()[-1][:5] for line in timer.splitlines() if line.startswith("OnCalendar=")),
            None,
        )
        found.append(Installed(SYSTEMD, service, command, at))
    if LAUNCHD in kinds and os.path.exists(launchd_file()):
        found.append(_launchd_installed())
    for line in read_crontab(missing_ok=True) if CRON in kinds else []:
        if CRON_MARKER in line:
            fields = line.split(None, 5)
            at = f"{int(fields[1]):02d}:{int(fields[0]):02d}" if _is_daily(fields) else None
            found.append(Installed(CRON, "your crontab", _cron_command(fields[-1]), at))
    return found


def describe_state(installed: Installed) -> list[str]:
    """What the service manager says about it: enabled, next and last run, result."""
    if installed.kind == SYSTEMD and shutil.which("systemctl"):
        timer = _systemctl_show(f"{UNIT}.timer", "UnitFileState,ActiveState,NextElapseUSecRealtime")
        service = _systemctl_show(f"{UNIT}.service", "Result,ExecMainStatus,ExecMainExitTimestamp")
        if timer is None:
            return ["systemctl --user cannot be reached: whether it is enabled is unknown"]
        lines = [
            f"timer: {timer.get('UnitFileState') or '?'}, {timer.get('ActiveState') or '?'}; "
            f"next run: {timer.get('NextElapseUSecRealtime') or 'none'}"
        ]
        if service and service.get("ExecMainExitTimestamp"):
            lines.append(
                f"last run by systemd: {service['ExecMainExitTimestamp']}, "
                f"exit status {service.get('ExecMainStatus', '?')} "
                f"({'success' if service.get('Result') == 'success' else service.get('Result')})"
            )
        return lines
    if installed.kind == LAUNCHD and shutil.which("launchctl"):
        loaded = _run_quietly(["launchctl", "print", f"{_launchd_domain()}/{LAUNCHD_LABEL}"])
        return ["launchd: loaded" if loaded else "launchd: not loaded (run remind install again)"]
    return []


def uninstall(kinds: list[str] | tuple[str, ...] = KINDS) -> list[str]:
    """Remove the schedules ``remind install`` made; what was done, one line each."""
    done = []
    for installed in find_installed(kinds):
        if installed.kind == SYSTEMD:
            if shutil.which("systemctl"):
                _run_quietly(["systemctl", "--user", "disable", "--now", f"{UNIT}.timer"])
                done.append(f"ran systemctl --user disable --now {UNIT}.timer")
            for suffix in ("timer", "service"):
                path = os.path.join(systemd_folder(), f"{UNIT}.{suffix}")
                if os.path.exists(path):
                    os.remove(path)
                    done.append(f"removed {path}")
            if shutil.which("systemctl"):
                _run_quietly(["systemctl", "--user", "daemon-reload"])
        elif installed.kind == LAUNCHD:
            if shutil.which("launchctl") and not _run_quietly(
                ["launchctl", "bootout", f"{_launchd_domain()}/{LAUNCHD_LABEL}"]
            ):
                _run_quietly(["launchctl", "unload", "-w", launchd_file()])
            os.remove(launchd_file())
            done.append(f"removed {launchd_file()}")
        else:
            write_crontab([line for line in read_crontab() if CRON_MARKER not in line])
            done.append("removed the aliret-tui line from your crontab")
    return list(dict.fromkeys(done))


# -- crontab ---------------------------------------------------------------------------


def read_crontab(*, missing_ok: bool = False) -> list[str]:
    """The user's crontab lines ([] when they have none)."""
    crontab = shutil.which("crontab")
    if crontab is None:
        if missing_ok:
            return []
        raise UserError("there is no crontab command here; use remind install --print and "
                        "add the line to your scheduler by hand")  # fmt: skip
    try:
        done = subprocess.run(
            [crontab, "-l"], capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise UserError(f"crontab -l: {error}") from None
    if done.returncode != 0:
        if "no crontab" in done.stderr.lower() or missing_ok:
            return []
        raise UserError(f"crontab -l failed: {_first_line(done.stderr)}")
    return done.stdout.splitlines()


def write_crontab(lines: list[str]) -> None:
    text = "".join(f"{line}\n" for line in lines)
    crontab = shutil.which("crontab") or "crontab"
    try:
        done = subprocess.run(
            [crontab, "-"], input=text, capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise UserError(f"crontab -: {error}") from None
    if done.returncode != 0:
        raise UserError(f"crontab - failed: {_first_line(done.stderr)}")


def _is_daily(fields: list[str]) -> bool:
    return (
        len(fields) == 6
        and fields[0].isdigit()
        and fields[1].isdigit()
        and fields[2:5] == ["*", "*", "*"]
    )


def _cron_command(text: str) -> list[str]:
    """The words of the command in a crontab line we wrote, without the assignments
    before it and the redirection after it ([] for a line edited out of shape)."""
    try:
        words = shlex.split(text.replace("\\%", "%"), comments=True)
    except ValueError:
        return []
    index = 0
    while index < len(words) and "=" in words[index] and not words[index].startswith("/"):
        index += 1
    return [word for word in words[index:] if word != ">/dev/null"]


# -- reading what was written --------------------------------------------------------------


def _systemd_quote(word: str, *, always: bool = False) -> str:
    """A word for a unit file: specifiers (``%``) and variables (``$``) doubled, and
    in double quotes with C escapes unless it is plain."""
    word = word.replace("%", "%%")
    if not always and word and set(word) <= _PLAIN_WORD:
        return word
    escaped = word.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + (escaped if always else escaped.replace("$", "$$")) + '"'


def _systemd_command(text: str) -> list[str]:
    line = next((line for line in text.splitlines() if line.startswith("ExecStart=")), "")
    try:
        words = shlex.split(line.removeprefix("ExecStart="))
    except ValueError:
        return []
    return [word.replace("%%", "%").replace("$$", "$") for word in words]


def _launchd_installed() -> Installed:
    import plistlib

    try:
        with open(launchd_file(), "rb") as handle:
            agent = plistlib.load(handle)
        interval = agent.get("StartCalendarInterval") or {}
        at = f"{int(interval['Hour']):02d}:{int(interval['Minute']):02d}"
        command = [str(word) for word in agent.get("ProgramArguments", [])]
    except (OSError, ValueError, KeyError, TypeError, plistlib.InvalidFileException):
        return Installed(LAUNCHD, launchd_file(), [], None)
    return Installed(LAUNCHD, launchd_file(), command, at)


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError):
        return ""


def _systemctl_show(unit: str, properties: str) -> dict[str, str] | None:
    try:
        done = subprocess.run(
            ["systemctl", "--user", "show", unit, f"--property={properties}"],
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_S,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    pairs = (line.partition("=") for line in done.stdout.splitlines())
    return {key: value for key, _, value in pairs if key}


# -- running commands --------------------------------------------------------------------


def _run(command: list[str], *, written: list[str]) -> None:
    """Run a command that must succeed; its failure is the user's to see."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S)
    except (OSError, subprocess.SubprocessError) as error:
        problem = str(error)
    else:
        if done.returncode == 0:
            return
        problem = _first_line(done.stderr) or f"exit status {done.returncode}"
    kept = f" ({', '.join(written)} written)" if written else ""
    raise UserError(f"{shlex.join(command)} failed: {problem}{kept}")


def _run_quietly(command: list[str]) -> bool:
    """Run a command whose failure is expected at times (nothing to stop); True on success."""
    try:
        done = subprocess.run(command, capture_output=True, timeout=COMMAND_TIMEOUT_S)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def _first_line(text: str) -> str:
    return outgoing(next((line for line in text.splitlines() if line.strip()), ""), one_line=True)
