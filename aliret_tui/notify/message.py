"""The words of a reminder: a title and a body in the format its service reads.

Every string goes through ``sanitize.outgoing`` (no control bytes), and the user's
text (item titles, order numbers) is escaped for the format: Markdown
backslash-escapes, HTML entities, nothing for plain text. The body lists the most
urgent reminders, each with days left, the date, the item and what to do, then
"…and N more". Pure Python: Apprise is not needed to build a message.
"""

from __future__ import annotations

import html

from aliret_tui.domain.clocks import describe_days_left
from aliret_tui.sanitize import outgoing
from aliret_tui.terminal_cells import shorten

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from aliret_tui.notify.selection import Reminder

TEXT, MARKDOWN, HTML = "text", "markdown", "html"
FORMATS = (TEXT, MARKDOWN, HTML)
SHOWN = 5  # reminders listed in one message; the rest are counted
TITLE_CELLS = 60
ORDER_CELLS = 40
TEST_TITLE = "aliret-tui: test notification"
TEST_BODY = (
    "This is a test from aliret-tui. Reminders of your AliExpress return deadlines "
    "will arrive here."
)
# What can start markup in the middle of a line (links, emphasis, code, HTML,
# strikethrough, tables, entities); user text never starts a line here.
_MARKDOWN_SPECIAL = frozenset("\\`*_[]<>~|&")


def escape_markdown(text: str) -> str:
    """A backslash before each mark Markdown could read as markup mid-line (CommonMark
    shows a backslash-escaped punctuation mark as itself). Fewer escapes than every
    punctuation mark, so that services with a partial Markdown show fewer backslashes."""
    return "".join(f"\\{char}" if char in _MARKDOWN_SPECIAL else char for char in text)


def escape_html(text: str) -> str:
    return html.escape(text, quote=True)


_ESCAPES: dict[str, Callable[[str], str]] = {
    TEXT: lambda text: text,
    MARKDOWN: escape_markdown,
    HTML: escape_html,
}


def user_text(text: str, cells: int, body_format: str) -> str:
    """A user's single-line text, cleaned, shortened and escaped for the format."""
    return _ESCAPES[body_format](shorten(outgoing(text, one_line=True), cells))


def reminder_title(reminders: Sequence[Reminder], horizon_days: int) -> str:
    """Plain text with no user text in it: services show titles as they are."""
    count = len(reminders)
    title = (
        f"aliret-tui: {count} deadline{'s' if count != 1 else ''} "
        f"within {horizon_days} day{'s' if horizon_days != 1 else ''}"
    )
    overdue = sum(1 for reminder in reminders if reminder.item.days_left < 0)
    return outgoing(title + (f" ({overdue} overdue)" if overdue else ""), one_line=True)


def reminder_body(reminders: Sequence[Reminder], body_format: str) -> str:
    """The most urgent reminders, two lines each, then how many more there are."""
    lines = []
    for reminder in reminders[:SHOWN]:
        item = reminder.item
        when = describe_days_left(item.days_left)
        when = when[:1].upper() + when[1:]
        title = user_text(item.title, TITLE_CELLS, body_format)
        order = user_text(item.order_id, ORDER_CELLS, body_format)
        heading = f"({item.deadline.isoformat()}): {title} · order {order}"
        action = _ours(outgoing(item.action, one_line=True), body_format)
        if body_format == MARKDOWN:
            lines += [f"- **{when}** {heading}", f"  {action}"]
        elif body_format == HTML:
            lines += [f"<b>{when}</b> {heading}", f"&nbsp;&nbsp;{action}"]
        else:
            lines += [f"{when} {heading}", f"  {action}"]
    more = len(reminders) - SHOWN
    if more > 0:
        lines.append(_ours(f"…and {more} more: `aliret-tui check` lists them all", body_format))
    separator = "<br/>\n" if body_format == HTML else "\n"
    return outgoing(separator.join(lines))


def message_for_test(body_format: str) -> tuple[str, str]:
    """What ``notify --test`` sends."""
    return TEST_TITLE, outgoing(_ours(TEST_BODY, body_format))


def _ours(text: str, body_format: str) -> str:
    """Our own words (clock actions, the count): valid Markdown as written; HTML escaped."""
    return escape_html(text) if body_format == HTML else text
