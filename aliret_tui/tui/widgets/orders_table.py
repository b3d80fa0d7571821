"""The orders table: one line per order, sortable by any column, virtualised."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.strip import Strip

from aliret_tui.sanitize import outgoing
from aliret_tui.tui.contrast import readable
from aliret_tui.tui.view import (
    COLUMNS,
    URGENCY_SORT,
    Column,
    OrderRow,
    RowsView,
    Urgency,
    next_sort,
    sort_of,
)
from aliret_tui.tui.widgets.virtual_list import VirtualList

# Which columns give way first when the terminal is narrow (lowest first).
_KEEP_PRIORITY = {
    "delivered": 1,
    "store": 2,
    "price": 3,
    "deadline": 4,
    "days_left": 5,
    "state": 6,
    "order_id": 7,
    "title": 8,
}
_GAP = 1


@lru_cache(maxsize=64)
def fit_columns(width: int, sort_by: str = URGENCY_SORT) -> list[tuple[Column, int]]:
    """Pick the columns that fit in ``width`` and share out the spare room. The
    column the rows are sorted by never gives way (another one does), and is wide
    enough for its title and arrow: the order on screen can always be read.
    Deadline and Left sort alike: one of them stays."""
    sort_by = sort_of(sort_by)
    minimum = {
        column.key: max(column.min_width, len(column.title) + len(" ▲"))
        if column.sorts_by == sort_by
        else column.min_width
        for column in COLUMNS
    }
    chosen = list(COLUMNS)
    while len(chosen) > 1 and _needed(chosen, minimum) > width:
        sorting = [column for column in chosen if column.sorts_by == sort_by]
        may_go = [column for column in chosen if column not in sorting or len(sorting) > 1]
        chosen.remove(min(may_go, key=lambda column: _KEEP_PRIORITY[column.key]))
    spare = max(width - _needed(chosen, minimum), 0)
    total_weight = sum(column.weight for column in chosen) or 1
    widths = [minimum[column.key] + spare * column.weight // total_weight for column in chosen]
    leftover = width - sum(widths) - _GAP * (len(chosen) - 1)
    if leftover > 0:
        keys = [column.key for column in chosen]
        widths[keys.index("title") if "title" in keys else -1] += leftover
    return list(zip(chosen, widths, strict=True))


def _needed(columns: list[Column], minimum: dict[str, int]) -> int:
    return sum(minimum[column.key] for column in columns) + _GAP * (len(columns) - 1)


def days_left_text(days_left: int | None) -> str:
    if days_left is None:
        return ""
    if days_left == 0:
        return "today"
    # Overdue: calendar days past the deadline day, the figure check and the cards give.
    return f"{days_left}d" if days_left > 0 else f"{-days_left}d overdue"


def cell_text(row: OrderRow, key: str) -> str:
    if key == "order_id":  # the id is also the key: cleaned only where it is shown
        return outgoing(row.order_id, one_line=True)
    if key == "title":
        return row.title
    if key == "store":
        return row.store
    if key == "price":
        return row.price_text
    if key == "delivered":
        return row.delivered_on or "—"
    if key == "state":
        return row.state_label
    if key == "deadline":
        return row.deadline.isoformat() if row.deadline else "—"
    if key == "days_left":
        return days_left_text(row.days_left)
    raise KeyError(key)


class OrdersTable(VirtualList):
    """Shows ``rows`` (already filtered and sorted by the screen)."""

    COMPONENT_CLASSES = {
        "orders-table--header",
        "orders-table--header-sorted",
        "orders-table--cursor",
        "orders-table--closed",
        "orders-table--empty",
        "orders-table--overdue",
        "orders-table--critical",
        "orders-table--soon",
        "orders-table--later",
    }
    DEFAULT_CSS = """
    OrdersTable {
        background: $surface;
        & > .orders-table--header { text-style: bold; background: $panel; color: $foreground; }
        & > .orders-table--header-sorted {
            text-style: bold underline; background: $panel; color: $text-accent;
        }
        & > .orders-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
        }
        &:focus > .orders-table--cursor {
            background: $block-cursor-background;
            color: auto 90%;  /* the theme's cursor text can be too faint */
            text-style: $block-cursor-text-style;
        }
        & > .orders-table--closed { color: $text-muted; }
        & > .orders-table--empty { color: $text-muted; }
        & > .orders-table--overdue { color: $text-error; text-style: bold; }
        & > .orders-table--critical { color: $text-error; }
        & > .orders-table--soon { color: $text-warning; }
        & > .orders-table--later { color: $text-success; }
    }
    """
    BINDINGS = [
        Binding("s", "cycle_sort", "Sort", id="sort"),
        Binding("S", "reverse_sort", "Reverse sort", show=False, id="reverse_sort"),
    ]

    header_height = 1
    empty_style = "orders-table--empty"
    empty_centered = True

    @dataclass
    class SortRequested(Message):
        """The user asked to sort by ``key`` (a column key or ``urgency``)."""

        table: OrdersTable
        key: str
        descending: bool

        @property
        def control(self) -> OrdersTable:
            return self.table

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.rows: Sequence[OrderRow] = []
        self.sort_by = URGENCY_SORT
        self.descending = False

    @property
    def item_count(self) -> int:
        return len(self.rows)

    @property
    def highlighted_row(self) -> OrderRow | None:
        return self.rows[self.cursor] if self.rows and self.cursor < len(self.rows) else None

    def show_rows(self, rows: Sequence[OrderRow], keep_order_id: str | None = None) -> None:
        """Replace the rows, keeping the cursor on ``keep_order_id`` if it is still there."""
        shown, self.rows = self.rows, rows
        if keep_order_id is not None:
            if isinstance(rows, RowsView):
                position = rows.find(keep_order_id, shown, self.cursor)
            else:
                position = next(
                    (i for i, row in enumerate(rows) if row.order_id == keep_order_id), -1
                )
            if position >= 0:
                self.cursor = position
        self.refresh_items()
        self.refresh_bindings()

    def set_sort(self, key: str, descending: bool) -> None:
        self.sort_by, self.descending = key, descending
        self.refresh()

    def action_cycle_sort(self) -> None:
        self.post_message(self.SortRequested(self, next_sort(self.sort_by), False))

    def action_reverse_sort(self) -> None:
        self.post_message(self.SortRequested(self, self.sort_by, not self.descending))

    def on_header_click(self, x: int) -> None:
        position = 0
        for column, width in fit_columns(self.size.width, self.sort_by):
            if position <= x < position + width + 1:
                descending = self.sort_by == column.sorts_by and not self.descending
                self.post_message(self.SortRequested(self, column.sorts_by, descending))
                return
            position += width + 1

    # -- rendering ---------------------------------------------------------------

    def render_header_line(self, line: int, width: int) -> Strip:
        header = Text()
        normal = self.get_component_rich_style("orders-table--header")
        sorted_style = self.get_component_rich_style("orders-table--header-sorted")
        sort_by = sort_of(self.sort_by)
        for position, (column, column_width) in enumerate(fit_columns(width, sort_by)):
            if position:
                header.append(" " * _GAP, normal)
            is_sorted = column.sorts_by == sort_by
            if is_sorted:  # the arrow stays when the title is cut: "Deliver… ▲"
                arrow = " ▼" if self.descending else " ▲"
                title = _fit(column.title, column_width - len(arrow), False, cut_left=False)
                title = title.plain.rstrip() + arrow
            else:
                title = column.title
            cell = _fit(title, column_width, column.align_right, cut_left=False)
            cell.stylize(sorted_style if is_sorted else normal)
            header.append_text(cell)
        return self.text_strip(header, width, normal)

    def render_item_line(self, index: int, line: int, width: int, selected: bool) -> Strip:
        row = self.rows[index]
        base = self.rich_style
        if row.is_closed or row.archived:
            base = base + self.get_component_rich_style("orders-table--closed")
        urgency = self._urgency_style(row.urgency)
        text = Text(style=base)
        for position, (column, column_width) in enumerate(fit_columns(width, self.sort_by)):
            if position:
                text.append(" " * _GAP)
            cell = _fit(
                cell_text(row, column.key), column_width, column.align_right, column.cut_left
            )
            if urgency is not None and column.key in ("deadline", "days_left"):
                cell.stylize(urgency)
            text.append_text(cell)
        cursor = self.get_component_rich_style("orders-table--cursor") if selected else None
        return self.text_strip(text, width, cursor)

    def _urgency_style(self, urgency: Urgency) -> Style | None:
        if urgency > Urgency.LATER:
            return None
        return readable(self.get_component_rich_style(f"orders-table--{urgency.name.lower()}"))


def _fit(value: str, width: int, align_right: bool, cut_left: bool) -> Text:
    text = Text(value, no_wrap=True, end="")
    if cut_left and text.cell_len > width:
        text = Text("…" + value[-(width - 1) :], no_wrap=True, end="")
    text.truncate(width, overflow="ellipsis")
    padding = width - text.cell_len
    if padding > 0:
        if align_right:
            text = Text(" " * padding) + text
        else:
            text.pad_right(padding)
    return text
