"""The command line: reading the arguments, and running a command.

Only the standard library is imported here. Each command imports what it
needs when it runs, so ``check``, ``list``, ``locate`` and ``config`` never load
textual, rich, pydantic or sqlite-utils, nor build the argparse parser.
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


# The commands read without argparse, with the flags (store_true) and the options
# (one value) each takes beyond --db and --today, and the positionals it takes.
_PLAIN_COMMANDS: dict[str, tuple[dict[str, str], dict[str, str], tuple[str, ...]]] = {
    "check": ({"--json": "json", "-q": "quiet", "--quiet": "quiet", "--notify": "notify"},
              {"--days": "days"}, ()),
    "list": ({"--all": "all", "--json": "json"}, {}, ()),
    "show": ({"--json": "json"}, {}, ("order_id",)),
    "locate": ({}, {}, ()),
    "config": ({}, {}, ()),
}  # fmt: skip


def parse_plain(arguments: list[str]) -> SimpleNamespace | None:
    """The common command lines of the commands that only read (check, list, show,
    locate, config), parsed without building the argparse parser, which costs more
    than the whole of such a command. Anything unusual returns None and goes through
    argparse, which also gives the help and the usage errors."""
    values: dict[str, object] = {"command": None, "db": None, "today": None, "demo": False}
    flags: dict[str, str] = {}
    options = {"--db": "db", "--today": "today"}
    positionals: list[str] = []
    pending = list(arguments)
    while pending:
        word = pending.pop(0)
        name, equals, inline = word.partition("=")
        if values["command"] is None and word in _PLAIN_COMMANDS:
            values["command"] = word
            command_flags, command_options, names = _PLAIN_COMMANDS[word]
            flags = command_flags
            options = {**options, **command_options}
            positionals = list(names)
            values.update(dict.fromkeys(command_flags.values(), False))
            values.update(dict.fromkeys(command_options.values(), None))
        elif word in flags:
            values[flags[word]] = True
        elif name in options and (equals or pending):
            value = inline if equals else pending.pop(0)
            try:
                if name == "--today":
                    values["today"] = parse_iso_date(value)
                elif name == "--days":
                    values["days"] = int(value)
                else:
                    values[options[name]] = value
            except ValueError:
                return None
        elif values["command"] is not None and positionals and not word.startswith("-"):
            values[positionals.pop(0)] = word
        else:
            return None
    if values["command"] is None or positionals:
        return None
    return SimpleNamespace(**values)


# The module that runs each command, where it is not ``cli.commands``.
COMMAND_MODULES = {
    "undo": "timeline_commands",
    "event-edit": "timeline_commands",
    "check": "check",
    "list": "listing",
    "locate": "settings_commands",
    "config": "settings_commands",
    "pack": "reports",
    "stats": "reports",
    "notify": "reminders",
    "remind": "reminders",
    "ics": "calendar_feed",
    **dict.fromkeys(
        ("show", "edit", "archive", "unarchive", "delete", "message", "attach"), "order_commands"
    ),
    **dict.fromkeys(
        (
            "evidence-add",
            "evidence-tick",
            "evidence-note",
            "evidence-remove",
            "detach",
            "message-edit",
            "message-delete",
            "message-import",
        ),
        "chat_evidence_commands",
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


def _command_word(arguments: list[str]) -> str | None:
    """The command named, so that only its arguments are built; None when the whole
    grammar is wanted (help or the version before a command, or no command)."""
    pending = iter(arguments)
    for word in pending:
        if word in ("-h", "--help", "--version"):
            return None
        if word in ("--db", "--today"):
            next(pending, None)  # its value
        elif not word.startswith("-"):
            return word
    return None


def parse_arguments(arguments: list[str]) -> argparse.Namespace:
    """The full grammar, for everything ``parse_plain`` leaves."""
    from aliret_tui.cli.parser import build_parser

    real_stderr = sys.stderr
    sys.stderr = _SafeStderr(real_stderr)  # type: ignore[assignment]
    try:
        return build_parser(only=_command_word(arguments)).parse_args(arguments)
    finally:
        sys.stderr = real_stderr
