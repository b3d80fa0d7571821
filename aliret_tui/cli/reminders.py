"""``notify`` and ``remind``: reminders that reach the shopper.

- ``notify`` lists where reminders go; ``notify --test`` sends a test message to
  each target and reports each result by service and host, never by URL (exit 0
  when every target took it, 1 when one did not, 2 for a configuration error).
- ``remind install [--at HH:MM] [--print]``, ``remind status``, ``remind
  uninstall``: the daily ``check --notify``, scheduled with systemd, launchd or
  cron (``notify.schedule``). ``status`` exits 1 when nothing is scheduled.

The parser imports this module to add the commands, so only the standard library
is imported at the top; each command imports what it needs when it runs.
"""

from __future__ import annotations

import argparse

from aliret_tui.cli.output import echo
from aliret_tui.errors import UserError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from aliret_tui.runtime.context import Context

ACTIONS = ("install", "status", "uninstall")
SCHEDULERS = ("systemd", "launchd", "cron")  # notify.schedule.KINDS
KIND_NAMES = {"systemd": "systemd user timer", "launchd": "launchd agent", "cron": "crontab line"}
EXIT_OK, EXIT_FAILED = 0, 1


def _clock_time(text: str) -> str:
    hour, colon, minute = text.strip().partition(":")
    if (
        colon
        and len(hour) in (1, 2)
        and hour.isascii()
        and minute.isascii()
        and hour.isdigit()
        and minute.isdigit()
        and len(minute) == 2
        and int(hour) < 24
        and int(minute) < 60
    ):
        return f"{int(hour):02d}:{minute}"
    raise argparse.ArgumentTypeError(f"must be a time of day as HH:MM, e.g. 09:00 (got {text!r})")


def add_commands(command) -> None:
    """Add this module's commands to the parser (``command(name, help)`` makes one)."""
    notify = command(
        "notify",
        "show where reminders go (Apprise URLs, else the desktop); --test sends a test to each",
    )
    notify.add_argument(
        "--test",
        action="store_true",
        help="send a test message to every target and report each result (exit 1 if one failed)",
    )
    remind = command(
        "remind", "schedule the daily check that sends reminders (systemd, launchd or cron)"
    )
    remind.add_argument(
        "action",
        choices=ACTIONS,
        metavar="{install,status,uninstall}",
        help="install (or replace) the daily check, show it and its last run, or remove it",
    )
    remind.add_argument(
        "--at", metavar="HH:MM", type=_clock_time, help="install: the time of day (default 09:00)"
    )
    remind.add_argument(
        "--print",
        dest="print_only",
        action="store_true",
        help="install: only print what would be written and run; change nothing",
    )
    remind.add_argument(
        "--using",
        choices=("auto", *SCHEDULERS),
        default="auto",
        help="install: the scheduler (default: systemd with a user session, launchd on macOS, "
        "else cron)",
    )


# -- notify ------------------------------------------------------------------------------


def run_notify(args: argparse.Namespace, context: Context) -> int:
    from aliret_tui.notify import sending
    from aliret_tui.notify.message import message_for_test

    settings = context.settings()
    targets, desktop = _targets(settings)
    if not args.test:
        echo("Reminders go to:")
        for target in targets:
            echo(f"  {target.name}" + (f": {target.problem}" if target.problem else ""))
        days = ", ".join(map(str, settings.notify_days)) or "none"
        echo(f"Each deadline is reminded {days} days before, then once when it has passed.")
        echo("Send a test message: aliret-tui notify --test")
        return EXIT_OK
    outcomes = []
    for target in targets:
        title, body = message_for_test(target.body_format)
        outcomes.append(sending.deliver(target, title, body))
    delivered = sum(1 for outcome in outcomes if outcome.delivered)
    echo(f"Test notification delivered to {delivered} of {len(outcomes)}:")
    for outcome in outcomes:
        if outcome.delivered:
            echo(f"  sent    {outcome.target.name}")
        else:
            echo(f"  FAILED  {outcome.target.name}: {outcome.reason}")
    if desktop:
        echo(
            "No Apprise URL is set ([notify] urls in config.toml, $ALIRET_TUI_NOTIFY_URLS or "
            "apprise.yml), so reminders go to this desktop only."
        )
    return EXIT_OK if delivered == len(outcomes) else EXIT_FAILED


def _configured_for_schedule(settings) -> bool:
    """Whether the scheduled run will find an Apprise URL (it does not see this shell's
    environment); else its reminders go to the desktop."""
    from aliret_tui import paths
    from aliret_tui.notify.targets import apprise_config_file, configured_urls

    in_files = configured_urls(settings, environ={})
    return bool(in_files or apprise_config_file(settings, paths.config_folder()))


def _targets(settings) -> tuple[list, bool]:
    """The configured targets, or the desktop (then True)."""
    from aliret_tui import paths
    from aliret_tui.notify import sending
    from aliret_tui.notify.targets import apprise_config_file, configured_urls

    urls = configured_urls(settings)
    config_file = apprise_config_file(settings, paths.config_folder())
    if urls or config_file:
        return sending.load_targets(urls, config_file), False
    return [sending.desktop_target()], True


# -- remind ------------------------------------------------------------------------------


def run_remind(args: argparse.Namespace, context: Context) -> int:
    if args.action != "install" and (args.at or args.print_only or args.using != "auto"):
        raise UserError(f"remind {args.action}: --at, --print and --using go with install")
    if args.action == "install":
        return _install(args, context)
    if args.action == "status":
        return _status(context)
    from aliret_tui.notify import schedule

    done = schedule.uninstall()
    for line in done:
        echo(line)
    if not done:
        echo("Nothing to remove: no daily check was scheduled by aliret-tui.")
    return EXIT_OK


def _install(args: argparse.Namespace, context: Context) -> int:
    import os
    import shlex

    from aliret_tui.notify import schedule
    from aliret_tui.notify.targets import ENV_URLS

    if context.demo:
        raise UserError("remind install: not with --demo (its database is thrown away)")
    kind = schedule.detect_kind() if args.using == "auto" else args.using
    plan = schedule.schedule_for(kind, context.db_file, args.at or schedule.DEFAULT_AT)
    if args.print_only:
        for path, text in plan.files():
            echo(f"# {path}")
            echo(text)
        if kind == schedule.CRON:
            echo("# the line added to your crontab (crontab -l):")
            echo(plan.cron_line())
        for command in plan.after_writing():
            echo(f"# then: {shlex.join(command)}")
        return EXIT_OK
    for line in schedule.install(plan):
        echo(line)
    echo(f"Every day at {plan.at} ({KIND_NAMES[kind]}) this runs: {shlex.join(plan.command)}")
    if not _configured_for_schedule(context.settings()):
        echo(
            "No Apprise URL is set ([notify] urls in config.toml, or apprise.yml): reminders "
            "go to the desktop notification only, which cron cannot always reach."
        )
    if os.environ.get(ENV_URLS, "").strip():
        echo(
            f"aliret-tui: warning: ${ENV_URLS} is set here, but the scheduled check will not "
            "see it: put the URLs in [notify] urls in config.toml, or in apprise.yml",
            err=True,
        )
    echo("Check where reminders go with: aliret-tui notify --test")
    return EXIT_OK


def _status(context: Context) -> int:
    import os
    import shlex

    from aliret_tui.notify import schedule

    found = schedule.find_installed()
    if not found:
        echo("No daily check is scheduled. Set one up with: aliret-tui remind install")
    for installed in found:
        when = f"every day at {installed.at}" if installed.at else "at a time edited by hand"
        echo(f"Scheduled: {KIND_NAMES[installed.kind]}, {when} ({installed.where})")
        echo(f"  runs: {shlex.join(installed.command) if installed.command else '?'}")
        for line in schedule.describe_state(installed):
            echo(f"  {line}")
    db_file = next((i.db_file for i in found if i.db_file), None) or context.db_file
    db_file = os.path.abspath(db_file)
    echo(f"Last check --notify on {db_file}:")
    for line in _last_run_lines(db_file):
        echo(f"  {line}")
    return EXIT_OK if found else EXIT_FAILED


def _last_run_lines(db_file: str) -> list[str]:
    from aliret_tui.store.reminders_sent import read_last_run

    try:
        last = read_last_run(db_file)
    except UserError as error:
        return [str(error)]
    if last is None:
        return ["none recorded yet"]
    at = str(last.get("at", "?")).replace("T", " ")
    delivered, failed = last.get("delivered") or [], last.get("failed") or []
    if not delivered and not failed:
        count = last.get("reminders") or 0
        nothing = "nothing was due" if not count else "nothing new to send"
        return [f"{at}: {nothing}"]
    lines = [f"{at}: delivered to {name}" for name in delivered]
    lines += [f"{at}: NOT delivered to {name} (tried again at the next run)" for name in failed]
    return lines
