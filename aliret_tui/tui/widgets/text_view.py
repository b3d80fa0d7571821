"""Long text: folded where it sits, and read in full in a view that draws only its visible lines."""

from __future__ import annotations

from rich.segment import Segment
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from aliret_tui.sanitize import outgoing
from aliret_tui.tui.widgets.chat_log import wrap_plain

FOLD_LINES = 4  # a long note shows this many lines where it sits...
FOLD_CHARS = 300  # ...and at most this many characters
SHOW_ALL_KEY = "v"


def fold(text: str, lines: int = FOLD_LINES, chars: int = FOLD_CHARS) -> tuple[list[str], str]:
    """The first lines of ``text`` (without reading the rest), and what says how much
    more there is: "" when nothing is left out."""
    shown = text[:chars].split("\n")[:lines]
    shown_length = sum(len(line) for line in shown) + len(shown) - 1
    if shown_length >= len(text):
        return shown, ""
    more_lines = text.count("\n", shown_length)
    if more_lines > 0:
        more = f"{more_lines:,} more line{'s' if more_lines != 1 else ''}"
    else:
        more = f"{len(text) - shown_length:,} more characters"
    return shown, f"… ({more}, press {SHOW_ALL_KEY} to show all)"


def folded(text: str) -> list[str]:
    """The lines to show for ``text``: all of a short one; the start of a long one,
    then a line that says how much more there is."""
    if not text:
        return []
    shown, more = fold(text)
    return [*shown, more] if more else shown


class TextView(ScrollView, can_focus=True):
    """Plain text of any length, word-wrapped to the width. Wrapping 120,000
    characters takes milliseconds; only the lines on screen become strips."""

    DEFAULT_CSS = """
    TextView {
        background: $surface;
        overflow-x: hidden;
        overflow-y: auto;
        padding: 0 1;
    }
    """

    def __init__(self, text: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.text = outgoing(text)  # drawn as segments: no escape sequence may reach them
        self._lines: list[str] = []
        self._width = -1

    def wrapped_lines(self) -> list[str]:
        """The text as wrapped for the current width."""
        width = max(self.scrollable_content_region.width, 1)
        if width != self._width:
            self._width = width
            self._lines = wrap_plain(self.text, width)
            self.virtual_size = Size(width, len(self._lines))
        return self._lines

    def on_resize(self) -> None:
        self.wrapped_lines()  # for the new width, and the scroll area sized to match

    def render_line(self, y: int) -> Strip:
        lines = self.wrapped_lines()
        index = self.scroll_offset.y + y
        line = lines[index] if index < len(lines) else ""
        return Strip([Segment(line, self.rich_style)]).adjust_cell_length(
            self._width, self.rich_style
        )
