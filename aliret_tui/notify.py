"""A desktop notification for `aliret-tui check --notify`: best effort, never an error.

The text goes to notify-send (Linux) or osascript (macOS) as arguments, never
through a shell, and through ``sanitize.outgoing`` like everything that leaves
the program; where neither notifier exists, nothing happens.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

from aliret_tui.domain.clocks import describe_days_left
from aliret_tui.sanitize import outgoing
from aliret_tui.terminal_cells import shorten

TYPE_CHECKING = False
if TYPE_CHECKING:
    from aliret_tui.store.due import DueItem

SHOWN = 5
TIMEOUT_S = 5


def notification_text(items: list[DueItem], days: int) -> tuple[str, str]:
    """(title, body), safe to hand to a notifier."""
    count = len(items)
    title = f"aliret-tui: {count} deadline{'s' if count != 1 else ''} within {days} days"
    lines = [
        f"{describe_days_left(item.days_left)}: {shorten(item.title, 40)}" for item in items[:SHOWN]
    ]
    if count > SHOWN:
        lines.append(f"…and {count - SHOWN} more (aliret-tui check)")
    return outgoing(title, one_line=True), outgoing("\n".join(lines))


def notify_due(items: list[DueItem], days: int) -> bool:
    """Show the notification; True if a notifier accepted it."""
    title, body = notification_text(items, days)
    if sys.platform == "darwin":
        program = shutil.which("osascript")
        script = (
            "on run argv",
            "display notification (item 2 of argv) with title (item 1 of argv)",
            "end run",
        )
        command = [arg for line in script for arg in ("-e", line)]
        arguments = [program, *command, title, body] if program else None
    else:
        program = shutil.which("notify-send")
        # notify-send bodies may be read as markup by the notification server.
        escaped = body.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        arguments = [program, "--app-name=aliret-tui", title, escaped] if program else None
    if arguments is None:
        return False
    try:
        result = subprocess.run(arguments, capture_output=True, timeout=TIMEOUT_S, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0
