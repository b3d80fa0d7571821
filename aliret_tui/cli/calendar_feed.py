"""``aliret-tui ics``: the deadlines as an iCalendar file for a calendar app, or
(``--serve``) over HTTP on this machine, for a calendar to subscribe to.

Each export records in the database which events it published, so that a
later one can cancel those whose clock has ended. On a database that cannot be
written the calendar is still made, with a warning when something went
unrecorded. The parser imports this module: what the commands need is imported
when they run.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from aliret_tui.cli.output import echo
from aliret_tui.errors import UserError
from aliret_tui.runtime.context import Context

if TYPE_CHECKING:
    import threading

    from aliret_tui.config import Settings
    from aliret_tui.ical.feed import CalendarExport
    from aliret_tui.store.store import Store

MAX_DAYS = 3650
SERVE_ONLY = ("port", "host", "token", "new_token")


def add_commands(command) -> None:
    """Add this module's commands to the parser (``command(name, help)`` makes one)."""
    from aliret_tui.ical import DEFAULT_PORT, LOOPBACK

    calendar = command(
        "ics", "write the deadlines as an iCalendar file, or serve them to your calendar app"
    )
    calendar.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default stdout)")
    calendar.add_argument(
        "--days", type=int, default=None, metavar="N", help="only deadlines within N days"
    )
    serving = calendar.add_argument_group(
        "serving the calendar (a subscription that stays current)"
    )
    serving.add_argument(
        "--serve",
        action="store_true",
        help="serve the calendar over HTTP until Ctrl-C, and print the address to subscribe to",
    )
    serving.add_argument(
        "--port",
        type=int,
        default=None,
        metavar="N",
        help=f"the port to listen on (default {DEFAULT_PORT}; 0 picks a free one)",
    )
    serving.add_argument(
        "--host",
        default=None,
        metavar="H",
        help=f"the address to listen on (default {LOOPBACK}: this machine only)",
    )
    serving.add_argument(
        "--token",
        default=None,
        metavar="TOKEN",
        help="the secret the address must hold (default: one made once and kept)",
    )
    serving.add_argument(
        "--new-token",
        action="store_true",
        help="replace the kept secret; addresses given out before stop working",
    )


def run_ics(args: argparse.Namespace, context: Context) -> int:
    _check_options(args)
    settings = context.settings()
    if args.serve:
        return _serve(args, context, settings)
    from aliret_tui.files import writing_private_file
    from aliret_tui.ical.feed import CalendarExport

    export = CalendarExport(settings, context.time.now(), within_days=args.days)
    with _calendar_store(context) as (store, writable):
        conn = store.db.conn
        if args.output:  # streamed too: replaced all at once when whole
            with writing_private_file(Path(args.output).expanduser()) as handle:
                for chunk in export.text(conn):
                    handle.write(chunk.encode("utf-8"))
        else:
            for chunk in export.text(conn):
                sys.stdout.write(chunk)
            sys.stdout.flush()
        _record(export, store, writable, warn=True)
    if args.output:
        count = export.events
        echo(f"Wrote {count} deadline{'s' if count != 1 else ''} to {args.output}", err=True)
    return 0


def _check_options(args: argparse.Namespace) -> None:
    if args.days is not None and not 0 <= args.days <= MAX_DAYS:
        raise UserError(f"--days: must be from 0 to {MAX_DAYS} (got {args.days})")
    if args.serve and args.output:
        raise UserError("--output: cannot be used with --serve (the calendar is served instead)")
    if not args.serve:
        for name in SERVE_ONLY:
            if getattr(args, name) not in (None, False):
                option = "--" + name.replace("_", "-")
                raise UserError(f"{option}: only goes with --serve")
        return
    if args.port is not None and not 0 <= args.port <= 65535:
        raise UserError(f"--port: must be from 0 to 65535 (got {args.port})")
    if args.host is not None and not args.host.strip():
        raise UserError("--host: must be an address, such as 127.0.0.1 or 0.0.0.0")
    if args.token is not None:
        from aliret_tui.ical.serve import TOKEN_RULE, is_valid_token

        if args.new_token:
            raise UserError("--new-token: cannot be used with --token")
        if not is_valid_token(args.token):
            raise UserError(f"--token: must be {TOKEN_RULE}")


@contextmanager
def _calendar_store(context: Context) -> Iterator[tuple[Store, bool]]:
    """The store, and whether the export can be recorded in it: read-write when the
    database exists and can be written, read-only otherwise."""
    from aliret_tui.cli.commands import open_store
    from aliret_tui.store.calendar_feed import can_record

    writable = can_record(context.db_path)
    store = open_store(context, readonly=not writable)
    try:
        yield store, writable and not store.readonly
    finally:
        store.close()


def _record(export: CalendarExport, store: Store, writable: bool, *, warn: bool) -> None:
    if writable:
        export.record(store.db.conn, store.path)
    elif export.has_news and warn:
        echo(
            f"aliret-tui: warning: {store.path}: cannot be written, so this calendar was not "
            "recorded there; events that end later cannot be cancelled in your calendar",
            err=True,
        )


# -- --serve ---------------------------------------------------------------------------------


def _serve(args: argparse.Namespace, context: Context, settings: Settings) -> int:
    import signal
    import threading

    from aliret_tui import paths
    from aliret_tui.ical import DEFAULT_PORT, LOOPBACK
    from aliret_tui.ical.serve import (
        TOKEN_FILE,
        is_loopback,
        start_server,
        stored_token,
        subscription_address,
    )

    host = (args.host or LOOPBACK).strip()
    port = DEFAULT_PORT if args.port is None else args.port
    config = Path(paths.config_folder())
    token = args.token or stored_token(config, renew=args.new_token)
    lock = threading.Lock()
    warned = [False]  # the read-only warning is given once, not at every request

    def log(line: str) -> None:
        with lock:
            echo(line, err=True)

    def build() -> tuple[bytes, int]:
        return _build_for_request(args, context, settings, warned, lock)

    server = start_server(host, port, token, build, log)
    # Ctrl-C and SIGTERM stop it even when started from a process that ignores or
    # blocks them (both are inherited): "Press Ctrl-C to stop" must hold.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    previous_interrupt = signal.signal(signal.SIGINT, signal.default_int_handler)
    previous = signal.signal(signal.SIGTERM, _stop)
    try:  # from before the address is printed: a Ctrl-C at any moment stops cleanly
        echo("Serving your deadlines calendar. Subscribe to this address in your calendar app:")
        echo(f"  {subscription_address(server, host)}")
        echo(f"(or, where an app asks for http: {subscription_address(server, host, 'http')})")
        if not args.token:
            echo(f"The secret in it is kept in {config / TOKEN_FILE}.")
        if not is_loopback(host):
            echo(
                f"aliret-tui: warning: --host {host}: anyone who can reach this machine and has "
                "the address can read your deadlines, and plain HTTP shows the address to the "
                "network",
                err=True,
            )
        echo("Press Ctrl-C to stop.")
        sys.stdout.flush()
        server.serve_forever()
    except KeyboardInterrupt:
        echo("Stopped.", err=True)
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_interrupt)
        server.server_close()
    return 0


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _build_for_request(
    args: argparse.Namespace,
    context: Context,
    settings: Settings,
    warned: list[bool],
    lock: threading.Lock,
) -> tuple[bytes, int]:
    """The calendar as of now, from the database as it is now; recorded there."""
    from aliret_tui.ical.feed import SERVED_REFRESH, CalendarExport
    from aliret_tui.ical.serve import BuildFailed

    export = CalendarExport(
        settings, context.time.now(), within_days=args.days, refresh=SERVED_REFRESH
    )
    try:
        with _calendar_store(context) as (store, writable):
            body = "".join(export.text(store.db.conn)).encode("utf-8")
            with lock:
                _record(export, store, writable, warn=not warned[0])
                warned[0] = warned[0] or (export.has_news and not writable)
    except UserError as error:
        raise BuildFailed(str(error)) from None
    return body, export.events
