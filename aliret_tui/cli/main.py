"""The command line: reading the arguments, and running a command.

Only the standard library is imported here. Each command imports what it
needs when it runs, so ``aliret-tui check`` never loads textual, rich,
pydantic or sqlite-utils.
"""

from __future__ import annotations

import sys
from types import SimpleNamespace

from aliret_tui.sanitize import outgoing
from aliret_tui.timesource import parse_iso_date

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import TextIO

    from aliret_tui.runtime.context import Context


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


# The module that runs each command, where it is not ``cli.commands``.
COMMAND_MODULES = {
    "undo": "timeline_commands",
    "event-edit": "timeline_commands",
    "check": "check",
    "pack": "reports",
    "stats": "reports",
    "notify": "reminders",
    "remind": "reminders",
    "ics": "calendar_feed",
    **dict.fromkeys(
        ("show", "edit", "archive", "unarchive", "delete", "message", "attach"), "order_commands"
    ),
}


def run_command(args: argparse.Namespace | SimpleNamespace, context: Context) -> int:
    """Run the command named in ``args``; its module is imported only now, so each
    command loads only what it needs."""
    from importlib import import_module

    module = import_module(f"aliret_tui.cli.{COMMAND_MODULES.get(args.command, 'commands')}")
    return getattr(module, "run_" + args.command.replace("-", "_"))(args, context)


class _SafeStderr:
    """Standard error for argparse, which prints its refusals itself and quotes what
    it refuses ("unrecognized arguments: ...") as typed."""

    def __init__(self, stream: TextIO):
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(outgoing(text))

    def flush(self) -> None:
        self.stream.flush()


def parse_arguments(arguments: list[str]) -> argparse.Namespace:
    """The full grammar, for everything ``parse_plain_check`` leaves."""
    from aliret_tui.cli.parser import build_parser

    real_stderr = sys.stderr
    sys.stderr = _SafeStderr(real_stderr)  # type: ignore[assignment]
    try:
        return build_parser().parse_args(arguments)
    finally:
        sys.stderr = real_stderr
