"""The order detail screen (placeholder until the detail issue lands)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static


class DetailScreen(Screen[None]):
    BINDINGS = [Binding("escape", "back", "Back")]

    def __init__(self, order_id: str):
        super().__init__()
        self.order_id = order_id

    def compose(self) -> ComposeResult:
        yield Static(Content.from_markup("Order $id", id=self.order_id))
        yield Footer()

    def action_back(self) -> None:
        self.dismiss(None)
