"""The dashboard's summary line: its parts ("9 open windows", "at stake 12.00 EUR",
"recovered …") wrapped between parts, never inside one, so an amount and its
currency stay together on a narrow terminal."""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.widgets import Static

SEPARATOR = Content(" · ")


class SummaryLine(Static):
    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(Content("Loading…"), id=id)
        self._parts: list[Content] = []

    def show(self, parts: Sequence[Content]) -> None:
        self._parts = list(parts)
        self._wrap()

    def on_resize(self) -> None:
        self._wrap()

    def _wrap(self) -> None:
        if not self._parts:
            return
        width = self.content_region.width or self.app.size.width - 2  # before layout
        lines: list[Content] = []
        line = self._parts[0]
        for part in self._parts[1:]:
            longer = line + SEPARATOR + part
            if longer.cell_length > width:
                lines.append(line + Content(" ·"))
                line = part
            else:
                line = longer
        lines.append(line)
        self.update(Content("\n").join(lines))
