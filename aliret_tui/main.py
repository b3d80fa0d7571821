"""``aliret-tui``: the entry point. It reads the command line, builds the run
context, and picks a front end: the dashboard when no command is given, the
command line otherwise. Only the standard library is imported up front, so
``aliret-tui check`` stays quick."""

from __future__ import annotations

import sys

from aliret_tui import PROG
from aliret_tui.cli.main import parse_arguments, parse_plain_check
from aliret_tui.cli.output import echo_error
from aliret_tui.errors import UserError
from aliret_tui.runtime.context import make_context

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from aliret_tui.runtime.keymap import KeyTable


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    args = parse_plain_check(arguments) or parse_arguments(arguments)
    try:
        context = make_context(
            db=args.db,
            today=getattr(args, "today", None),
            demo=args.demo,
            read_key_table=_dashboard_keys,
        )
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


def _dashboard_keys() -> KeyTable:
    """The keys the dashboard's screens bind, for ``config`` to check ``[keys]``."""
    from aliret_tui.tui.keys import key_table

    return key_table()


if __name__ == "__main__":
    raise SystemExit(main())
