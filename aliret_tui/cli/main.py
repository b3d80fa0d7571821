"""``aliret-tui``: the command line. With no command it opens the dashboard.

Only the standard library is imported here. Each command imports what it
needs when it runs, so ``aliret-tui check`` never loads textual, rich,
pydantic or sqlite-utils.
"""

from __future__ import annotations

import sys
from types import SimpleNamespace

from aliret_tui.cli.output import echo_error
from aliret_tui.errors import UserError
from aliret_tui.sanitize import outgoing
from aliret_tui.timesource import TimeSource, parse_iso_date

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Sequence
    from typing import TextIO

PROG = "aliret-tui"


class Context:
    """What every command needs: where the data is and what day it is."""

    def __init__(self, db_file: str, time: TimeSource, demo: bool = False):
        self.db_file = db_file
        self.time = time
        self.demo = demo

    @property
    def db_path(self):  # -> pathlib.Path
        from pathlib import Path

        return Path(self.db_file)

    def settings(self):  # -> config.Settings
        from aliret_tui import paths
        from aliret_tui.config import load_settings

        return load_settings(paths.config_file())


def parse_plain_check(arguments: list[str]) -> SimpleNamespace | None:
    """The common `check` command lines, parsed without building the argparse parser
    (which costs more than the whole check). Anything unusual returns None and
    goes through argparse, which also gives the help and the usage errors."""
    values: dict[str, object] = {
        "command": None, "db": None, "today": None, "demo": False,
        "days": None, "json": False, "quiet": False, "notify": False,
    }  # fmt: skip
    flags = {"--json": "json", "-q": "quiet", "--quiet": "quiet", "--notify": "notify"}
    options = {"--db": "db", "--today": "today", "--days": "days"}
    pending = list(arguments)
    while pending:
        word = pending.pop(0)
        name, equals, inline = word.partition("=")
        if word == "check" and values["command"] is None:
            values["command"] = "check"
        elif word in flags and values["command"] == "check":
            values[flags[word]] = True
        elif name in options and (equals or pending):
            value = inline if equals else pending.pop(0)
            try:
                if name == "--today":
                    values["today"] = parse_iso_date(value)
                elif name == "--days":
                    values["days"] = int(value)
                else:
                    values["db"] = value
            except ValueError:
                return None
            if name == "--days" and values["command"] != "check":
                return None
        else:
            return None
    return SimpleNamespace(**values) if values["command"] == "check" else None


def _context(args: argparse.Namespace | SimpleNamespace) -> Context:
    from aliret_tui import paths

    today = getattr(args, "today", None)
    time = TimeSource(today_override=today)
    if args.demo:
        from aliret_tui.demo import demo_database

        return Context(str(demo_database(time)), time, demo=True)
    return Context(paths.database_file(args.db), time)


def _handler(name: str | None) -> Callable[[argparse.Namespace, Context], int]:
    if name == "check":
        from aliret_tui.cli.check import run_check

        return run_check
    if name is None:
        return _run_dashboard  # not via commands, which imports the whole store
    from aliret_tui.cli import commands

    return getattr(commands, f"run_{name}")


def _run_dashboard(args: argparse.Namespace, context: Context) -> int:
    from aliret_tui.tui.app import run_app

    return run_app(context)


class _SafeStderr:
    """Standard error for argparse, which prints its refusals itself and quotes what
    it refuses ("unrecognized arguments: ...") as typed."""

    def __init__(self, stream: TextIO):
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(outgoing(text))

    def flush(self) -> None:
        self.stream.flush()


def _parse_arguments(arguments: list[str]) -> argparse.Namespace:
    from aliret_tui.cli.parser import build_parser

    real_stderr = sys.stderr
    sys.stderr = _SafeStderr(real_stderr)  # type: ignore[assignment]
    try:
        return build_parser().parse_args(arguments)
    finally:
        sys.stderr = real_stderr


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    args = parse_plain_check(arguments)
    if args is None:
        args = _parse_arguments(arguments)
    try:
        context = _context(args)
        return _handler(args.command)(args, context)
    except UserError as error:
        echo_error(f"{PROG}: error: {error}")
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (e.g. `| head`); not an error
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
