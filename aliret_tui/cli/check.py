"""``aliret-tui check``: the daily look at what expires soon, and with ``--notify`` the
reminders it sends (``notify.due_reminders``). Standard library only: Apprise is
imported only when ``--notify`` has a reminder to send."""

from __future__ import annotations

from aliret_tui.cli.output import echo, echo_json, echo_lines
from aliret_tui.domain.clocks import describe_days_left
from aliret_tui.errors import UserError
from aliret_tui.store.backup_status import failure_message
from aliret_tui.store.due import DueItem, due_and_backup_failure, require_database
from aliret_tui.terminal_cells import cells, pad, shorten

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    import datetime as dt

    from aliret_tui.runtime.context import Context

MAX_DAYS = 3650
TITLE_WIDTH = 36
EXIT_NOTHING_DUE, EXIT_SOMETHING_DUE = 0, 1


def run_check(args: argparse.Namespace, context: Context) -> int:
    settings = context.settings()
    days = args.days if args.days is not None else settings.check_days
    if not 0 <= days <= MAX_DAYS:
        raise UserError(f"--days: must be from 0 to {MAX_DAYS} (got {days})")
    # No database is no "Nothing due": a mistyped path would stay silent in cron.
    require_database(context.db_file, getattr(args, "db", None))
    today = context.time.today()
    items, backup_failure = due_and_backup_failure(context.db_file, settings.policy, today, days)
    if args.json:
        echo_json([item.as_json() for item in items])
    elif items:
        echo_lines(plain_lines(items, days))
    elif not args.quiet:
        echo(f"Nothing due in the next {days} days.")
    if args.notify:
        # Only now: `check` without --notify loads none of this, and Apprise is
        # imported only when a reminder is actually sent.
        from aliret_tui.notify.due_reminders import send_due_reminders

        for warning in send_due_reminders(context, settings, items, days):
            echo(f"aliret-tui: warning: {warning}", err=True)
    if backup_failure:
        echo(f"aliret-tui: warning: {failure_message(*backup_failure)}", err=True)
    return EXIT_SOMETHING_DUE if items else EXIT_NOTHING_DUE


def plain_lines(items: list[DueItem], days: int) -> list[str]:
    """One line per deadline, after a heading: days left, date, order, title, what to
    do; the columns line up in terminal cells (wide CJK and emoji take two)."""
    id_width = max(cells(item.order_id) for item in items)
    heading = f"{len(items)} deadline{'s' if len(items) != 1 else ''} within {days} days:"
    lines = [heading]
    starts: dict[dt.date, str] = {}  # the first two columns, the same for a whole day
    for item in items:
        start = starts.get(item.deadline)
        if start is None:
            when = describe_days_left(item.days_left)
            start = starts[item.deadline] = f"  {when:<16} {item.deadline.isoformat()}  "
        title = item.title
        if not title.isascii() or len(title) > TITLE_WIDTH:
            title = shorten(title, TITLE_WIDTH)
        lines.append(
            f"{start}{_column(item.order_id, id_width)}  {_column(title, TITLE_WIDTH)}"
            f"  {item.action}"
        )
    return lines


def _column(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal cells (ASCII: one cell a character)."""
    return text.ljust(width) if text.isascii() else pad(text, width)
