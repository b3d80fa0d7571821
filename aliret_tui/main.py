"""``aliret-tui``: the entry point. It reads the command line, builds the run
context, and picks a front end: the dashboard when no command is given, the
command line otherwise. Only the standard library is imported up front, so
``aliret-tui check`` stays quick."""

from __future__ import annotations

import sys

from aliret_tui import PROG
from aliret_tui.cli.main import parse_arguments, parse_plain
from aliret_tui.cli.output import echo_error
from aliret_tui.errors import UserError
from aliret_tui.runtime.context import Context
from aliret_tui.timesource import TimeSource

TYPE_CHECKING = False
if TYPE_CHECKING:
    from argparse import Namespace
    from collections.abc import Sequence
    from types import SimpleNamespace

    from aliret_tui.runtime.keymap import KeyTable


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    args = parse_plain(arguments) or parse_arguments(arguments)
    try:
        context = _context(args)
        if args.command is None:
            from aliret_tui.tui.launch import run_app

            return run_app(context)
        from aliret_tui.cli.main import run_command

        return run_command(args, context)
    except UserError as error:
        echo_error(f"{PROG}: error: {error}")
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (e.g. `| head`); not an error
        return 0


def _context(args: Namespace | SimpleNamespace) -> Context:
    """The database and the clock that ``--db``, ``--today`` and ``--demo`` ask for."""
    time = TimeSource(today_override=getattr(args, "today", None))
    if args.demo:
        from aliret_tui.demo import demo_database

        db_file = str(demo_database(time))
    else:
        from aliret_tui.paths import database_file

        db_file = database_file(args.db)
    return Context(db_file, time, demo=args.demo, read_key_table=_dashboard_keys)


def _dashboard_keys() -> KeyTable:
    """The keys the dashboard's screens bind, for ``config`` to check ``[keys]``."""
    from aliret_tui.tui.keys import key_table

    return key_table()


if __name__ == "__main__":
    raise SystemExit(main())
