"""A long note, or the whole timeline, on a screen of its own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from aliret_tui.tui.widgets.keys_footer import KeysFooter
from aliret_tui.tui.widgets.text_view import TextView

if TYPE_CHECKING:
    pass


class FullTextScreen(Screen[None]):
    """A long note, or the whole timeline, in full. Only the lines on screen are
    drawn, so it opens at once whatever the length."""

    BINDINGS = [Binding("escape,v", "dismiss", "Back", id="close_full_text")]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        yield Static(Content(self.title_text), id="title-bar")
        yield TextView(self.text, id="full-text")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one(TextView).focus()
