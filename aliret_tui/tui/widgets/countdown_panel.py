"""The live countdown panel: a card per running clock, most urgent first.

Each second only the countdown and bar lines of the cards on screen are
repainted; the cards' other lines and the orders table are left alone.
"""

from __future__ import annotations

import datetime as dt

from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from aliret_tui.tui.contrast import readable
from aliret_tui.tui.view import (
    OrderRow,
    Urgency,
    format_countdown,
    time_left,
    window_used,
)
from aliret_tui.tui.widgets.virtual_list import VirtualList, background_only

TITLE, ACTION, ACTION_MORE, DEADLINE, COUNTDOWN, BAR, GAP = range(7)
LIVE_LINES = (COUNTDOWN, BAR)


class CountdownPanel(VirtualList):
    COMPONENT_CLASSES = {
        "countdown--title",
        "countdown--action",
        "countdown--deadline",
        "countdown--cursor",
        "countdown--empty",
        "countdown--bar-empty",
        "countdown--overdue",
        "countdown--critical",
        "countdown--soon",
        "countdown--later",
    }
    DEFAULT_CSS = """
    CountdownPanel {
        background: $surface;
        & > .countdown--title { text-style: bold; color: $foreground; }
        & > .countdown--action { color: $foreground; }
        & > .countdown--deadline { color: $text-muted; }
        & > .countdown--cursor { background: $block-cursor-background 40%; }
        & > .countdown--empty { color: $text-muted; }
        & > .countdown--bar-empty { color: $foreground 20%; }
        & > .countdown--overdue { color: $text-error; text-style: bold; }
        & > .countdown--critical { color: $text-error; }
        & > .countdown--soon { color: $text-warning; }
        & > .countdown--later { color: $text-success; }
    }
    """

    item_height = 7
    empty_lines = ("No deadlines running.", "", "Cards appear here when an", "order has a clock.")
    empty_style = "countdown--empty"
    empty_centered = True

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.cards: list[OrderRow] = []
        self.now = dt.datetime(2000, 1, 1)

    @property
    def item_count(self) -> int:
        return len(self.cards)

    @property
    def highlighted_card(self) -> OrderRow | None:
        return self.cards[self.cursor] if self.cards and self.cursor < len(self.cards) else None

    def show_cards(self, cards: list[OrderRow], now: dt.datetime) -> None:
        keep = self.highlighted_card.order_id if self.highlighted_card else None
        self.cards = cards
        self.now = now
        for index, card in enumerate(cards):
            if card.order_id == keep:
                self.cursor = index
                break
        self.refresh_items()
        self.refresh_bindings()

    def tick(self, now: dt.datetime) -> None:
        """Advance the countdowns: repaint only their lines."""
        self.now = now
        for index in self.visible_indices():
            for line in LIVE_LINES:
                self.refresh_item_line(index, line)

    # -- rendering ---------------------------------------------------------------

    def render_item_line(self, index: int, line: int, width: int, selected: bool) -> Strip:
        card = self.cards[index]
        clock = card.clock
        assert clock is not None
        highlighted = selected and self.has_focus
        cursor_style = self.get_component_rich_style("countdown--cursor")
        cursor = background_only(cursor_style) if highlighted else None
        if line == GAP:
            return self.blank(width)
        inner = width - 2
        accent = self._urgency_style(card)
        marker = Text("▌", style=accent) if selected else Text(" ")
        if line == TITLE:
            body = Text(card.title, style=self.get_component_rich_style("countdown--title"))
        elif line in (ACTION, ACTION_MORE):
            body = self._action_line(clock.action(self.now.date()), inner, line - ACTION)
        elif line == DEADLINE:
            deadline = clock.deadline
            body = Text(
                f"due {deadline:%a} {deadline.isoformat()}",
                style=self.get_component_rich_style("countdown--deadline"),
            )
        elif line == COUNTDOWN:
            body = Text(format_countdown(time_left(clock.deadline, self.now)), style=accent)
        else:
            body = self._bar(card, inner, accent)
        text = Text(style=self.rich_style)
        text.append_text(marker)
        text.append(" ")
        body.truncate(inner, overflow="ellipsis")
        text.append_text(body)
        return self.text_strip(text, width, cursor)

    def _action_line(self, action: str, width: int, part: int) -> Text:
        """The action, wrapped over two lines (the second cut with an ellipsis)."""
        lines = Text(action).wrap(self.app.console, width)
        if part >= len(lines):
            return Text("")
        line = lines[part]
        if part == 1 and len(lines) > 2:
            line = Text(line.plain.rstrip() + " " + " ".join(x.plain for x in lines[2:]))
        line.stylize(self.get_component_rich_style("countdown--action"))
        return line

    def _bar(self, card: OrderRow, width: int, accent: Style) -> Text:
        assert card.clock is not None
        used = window_used(card.clock, self.now)
        if used is None:
            return Text(
                "window start unknown", style=self.get_component_rich_style("countdown--deadline")
            )
        label = f" {round(used * 100):>3}%"
        bar_width = max(width - len(label), 4)
        filled = round(used * bar_width)
        empty_style = self.get_component_rich_style("countdown--bar-empty")
        return Text.assemble(
            ("█" * filled, accent), ("░" * (bar_width - filled), empty_style), (label, accent)
        )

    def _urgency_style(self, card: OrderRow) -> Style:
        urgency = card.urgency if card.urgency <= Urgency.LATER else Urgency.LATER
        return readable(self.get_component_rich_style(f"countdown--{urgency.name.lower()}"))
