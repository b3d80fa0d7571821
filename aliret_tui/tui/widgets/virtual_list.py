"""A keyboard-driven list that renders only the lines on screen (Textual's Line API).

The orders table and the countdown panel are both lists of fixed-height items
that may run to 100k entries, so nothing here measures or builds a widget per
item: ``render_item_line`` is asked for exactly the lines being painted.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip


def background_only(style: Style) -> Style:
    """A cursor that tints the background and leaves the text's own colours alone."""
    return Style(bgcolor=style.bgcolor)


class VirtualList(ScrollView, can_focus=True):
    """Base class: ``item_count`` items of ``item_height`` lines under a fixed header."""

    DEFAULT_CSS = """
    VirtualList {
        overflow-x: hidden;
        overflow-y: auto;
    }
    """

    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False, id="up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="down"),
        Binding("pageup", "page_up", "Page up", show=False, id="page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="page_down"),
        Binding("home", "first", "First", show=False, id="first"),
        Binding("end", "last", "Last", show=False, id="last"),
        Binding("enter", "select_cursor", "Open", id="open"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True)
    selectable = True  # enter posts Selected; lists without an "open" set this False
    item_height = 1
    header_height = 0

    @dataclass
    class Selected(Message):
        """Enter (or a click on the current item) chose an item."""

        virtual_list: VirtualList
        index: int

        @property
        def control(self) -> VirtualList:
            return self.virtual_list

    @dataclass
    class Highlighted(Message):
        virtual_list: VirtualList
        index: int

        @property
        def control(self) -> VirtualList:
            return self.virtual_list

    # -- to implement ------------------------------------------------------------

    @property
    def item_count(self) -> int:
        raise NotImplementedError

    def render_item_line(self, index: int, line: int, width: int, selected: bool) -> Strip:
        raise NotImplementedError

    def render_header_line(self, line: int, width: int) -> Strip:
        return Strip.blank(width, self.rich_style)

    # The empty state: a short message, centred, or left-aligned from the second line.
    empty_lines: tuple[str, ...] = ()
    empty_style = ""  # component class of the message
    empty_centered = False

    def render_empty_line(self, y: int, width: int) -> Strip:
        """Shown when there are no items: the widget's empty-state message."""
        style = self.rich_style
        if self.empty_style:
            style += self.get_component_rich_style(self.empty_style)
        lines = self.empty_lines
        top = max((self._visible_height - len(lines)) // 2, 0) if self.empty_centered else 1
        if 0 <= y - top < len(lines):
            line = lines[y - top]
            text = Text(line if self.empty_centered else f"  {line}", style=style)
            if self.empty_centered:
                text.align("center", width)
            return self.text_strip(text, width)
        return self.blank(width, style)

    # -- rendering ---------------------------------------------------------------

    @property
    def line_width(self) -> int:
        """Cells available for text (the vertical scrollbar excluded)."""
        return self.scrollable_content_region.width

    def render_line(self, y: int) -> Strip:
        width = self.line_width
        if y < self.header_height:
            return self.render_header_line(y, width)
        if self.item_count == 0:
            return self.render_empty_line(y - self.header_height, width)
        content_y = y - self.header_height + self.scroll_offset.y
        if content_y >= self._content_height:
            return Strip.blank(width, self.rich_style)
        index, line = self._locate(content_y)
        return self.render_item_line(index, line, width, index == self.cursor)

    def text_strip(self, text: Text, width: int, style: Style | None = None) -> Strip:
        """One line of ``text``, cut or padded to exactly ``width`` cells; ``style``
        (the cursor) goes on top of the text's own colours."""
        line = text.copy()
        line.no_wrap = True
        line.truncate(width, overflow="ellipsis", pad=True)
        console = self.app.console
        # Text.render leaves the text's own style out; put it (and ours) underneath.
        underneath = self.rich_style + console.get_style(line.style)
        segments = Segment.apply_style(line.render(console), style=underneath, post_style=style)
        return Strip(list(segments), width).simplify()

    def blank(self, width: int, style: Style | None = None) -> Strip:
        return Strip([Segment(" " * width, style or self.rich_style)], width)

    def refresh_items(self) -> None:
        """Call after the items changed: resizes the scroll area and repaints."""
        self.virtual_size = Size(0, self.header_height + self._content_height)
        self.cursor = min(self.cursor, max(self.item_count - 1, 0))
        # The scroll range grows with the new size only after the next layout.
        self.call_after_refresh(self._scroll_cursor_into_view)
        self.refresh()

    # Where items sit; fixed heights here, ``VariableList`` overrides these three.

    @property
    def _content_height(self) -> int:
        return self.item_count * self.item_height

    def _locate(self, content_y: int) -> tuple[int, int]:
        """(item index, line within the item) of a line of content."""
        return divmod(content_y, self.item_height)

    def _item_span(self, index: int) -> tuple[int, int]:
        """(first content line, number of lines) of an item."""
        return index * self.item_height, self.item_height

    @property
    def _visible_height(self) -> int:
        return max(self.size.height - self.header_height, 1)

    def on_focus(self) -> None:
        self.refresh()  # the cursor looks different with and without focus

    def on_blur(self) -> None:
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(0, self.header_height + self._content_height)
        self._scroll_cursor_into_view()

    def visible_indices(self) -> range:
        if not self.item_count:
            return range(0)
        top = self.scroll_offset.y
        bottom = min(top + self._visible_height, self._content_height) - 1
        return range(self._locate(top)[0], self._locate(max(bottom, top))[0] + 1)

    def refresh_item_line(self, index: int, line: int) -> None:
        """Repaint one line of one item, if it is on screen."""
        y = self.header_height + self._item_span(index)[0] + line - self.scroll_offset.y
        if self.header_height <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    # -- cursor ------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_cursor_into_view()
        self.refresh()
        if self.item_count:
            self.post_message(self.Highlighted(self, new))

    def _scroll_cursor_into_view(self) -> None:
        if not self.item_count:
            return
        top, height = self._item_span(self.cursor)
        bottom = top + min(height, self._visible_height)
        if top < self.scroll_offset.y:
            self.scroll_to(y=top, animate=False, immediate=True)
        elif bottom > self.scroll_offset.y + self._visible_height:
            self.scroll_to(y=bottom - self._visible_height, animate=False, immediate=True)

    def _move(self, delta: int) -> None:
        if self.item_count:
            self.cursor = min(max(self.cursor + delta, 0), self.item_count - 1)

    def action_cursor_up(self) -> None:
        self._move(-1)

    def action_cursor_down(self) -> None:
        self._move(1)

    def action_page_up(self) -> None:
        self._move(-self._items_per_page())

    def action_page_down(self) -> None:
        self._move(self._items_per_page())

    def _items_per_page(self) -> int:
        return max(len(self.visible_indices()) - 1, 1)

    def action_first(self) -> None:
        self._move(-self.item_count)

    def action_last(self) -> None:
        self._move(self.item_count)

    def action_select_cursor(self) -> None:
        if self.item_count:
            self.post_message(self.Selected(self, self.cursor))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "select_cursor":
            return self.selectable and self.item_count > 0
        return True

    def on_click(self, event: events.Click) -> None:
        if event.y < self.header_height:
            self.on_header_click(event.x)
            return
        if not self.item_count:
            return
        content_y = event.y - self.header_height + self.scroll_offset.y
        if 0 <= content_y < self._content_height:
            index = self._locate(content_y)[0]
            if index == self.cursor or event.chain > 1:
                self.cursor = index
                self.post_message(self.Selected(self, index))
            else:
                self.cursor = index

    def on_header_click(self, x: int) -> None:
        """A click on the header (the orders table sorts by that column)."""


class VariableList(VirtualList):
    """Items of different heights (chat messages, checklist items with notes).

    Subclasses implement ``build_item(index, width)``, returning the item's
    lines. Only the items on screen are built (and kept while the width holds);
    ``count_item_lines`` tells the others' heights, and a subclass with thousands
    of items overrides it with something cheaper than building them.
    """

    KEEP_BUILT = 400  # items kept built; more are rebuilt when scrolled back to

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._built: dict[int, list[Text]] = {}
        self._layout_width = -1
        self._tops: list[int] = []  # first content line of each item, plus the end

    def build_item(self, index: int, width: int) -> list[Text]:
        raise NotImplementedError

    def count_item_lines(self, index: int, width: int) -> int:
        return len(self.item_lines(index, width))

    def item_lines(self, index: int, width: int) -> list[Text]:
        lines = self._built.get(index)
        if lines is None:
            if len(self._built) >= self.KEEP_BUILT:
                self._built.clear()
            lines = self._built[index] = self.build_item(index, width)
        return lines

    def refresh_items(self) -> None:
        self._layout_width = -1
        super().refresh_items()

    def _layout(self) -> None:
        width = self.line_width
        if width == self._layout_width and len(self._tops) == self.item_count + 1:
            return
        if not self.size.width:  # on a tab not shown yet: a line each until sized
            self._tops = list(range(self.item_count + 1))
            self._layout_width = -1  # laid out again once it has a width, even the old one
            return
        self._built = {}
        self._layout_width = width
        self._tops = [0]
        for index in range(self.item_count):
            self._tops.append(self._tops[-1] + max(self.count_item_lines(index, width), 1))
        self.virtual_size = Size(0, self.header_height + self._tops[-1])

    @property
    def _content_height(self) -> int:
        self._layout()
        return self._tops[-1]

    def _locate(self, content_y: int) -> tuple[int, int]:
        self._layout()
        index = bisect_right(self._tops, content_y) - 1
        index = min(max(index, 0), self.item_count - 1)
        return index, content_y - self._tops[index]

    def _item_span(self, index: int) -> tuple[int, int]:
        self._layout()
        return self._tops[index], self._tops[index + 1] - self._tops[index]

    def render_item_line(self, index: int, line: int, width: int, selected: bool) -> Strip:
        self._layout()
        lines = self.item_lines(index, width)
        text = lines[line] if line < len(lines) else Text("")
        return self.text_strip(text, width, self.cursor_style() if selected else None)

    def cursor_style(self) -> Style | None:
        return None
