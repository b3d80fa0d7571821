"""``aliret-tui check``: the daily look at what expires soon. Standard library only."""

from __future__ import annotations

from aliret_tui.cli.output import safe, shorten
from aliret_tui.domain.clocks import describe_days_left
from aliret_tui.errors import UserError
from aliret_tui.store.due import DueItem, due_items

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

    from aliret_tui.cli.main import Context

MAX_DAYS = 3650
TITLE_WIDTH = 36
EXIT_NOTHING_DUE, EXIT_SOMETHING_DUE = 0, 1


def run_check(args: argparse.Namespace, context: Context) -> int:
    settings = context.settings()
    days = args.days if args.days is not None else settings.check_days
    if not 0 <= days <= MAX_DAYS:
        raise UserError(f"--days: must be from 0 to {MAX_DAYS} (got {days})")
    today = context.time.today()
    items = due_items(context.db_file, settings.policy, today, days)
    if args.json:
        import json

        print(json.dumps([item.as_json() for item in items], indent=2, ensure_ascii=False))
    elif items:
        print(format_plain(items, days))
    elif not args.quiet:
        print(f"Nothing due in the next {days} days.")
    if args.notify and items:
        from aliret_tui.notify import notify_due

        notify_due(items, days)
    return EXIT_SOMETHING_DUE if items else EXIT_NOTHING_DUE


def format_plain(items: list[DueItem], days: int) -> str:
    """One line per deadline: days left, date, order, title, what to do."""
    id_width = max(len(item.order_id) for item in items)
    heading = f"{len(items)} deadline{'s' if len(items) != 1 else ''} within {days} days:"
    lines = [heading]
    for item in items:
        when = describe_days_left(item.days_left)
        title = shorten(safe(item.title), TITLE_WIDTH)
        lines.append(
            f"  {when:<16} {item.deadline.isoformat()}  {safe(item.order_id):<{id_width}}"
            f"  {title:<{TITLE_WIDTH}}  {item.action}"
        )
    return "\n".join(lines)
