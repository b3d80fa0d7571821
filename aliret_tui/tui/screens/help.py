"""The help screen: keys, what the colours mean, and where the data lives."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

DASHBOARD_KEYS = (
    ("a", "add an order"),
    ("e", "edit the highlighted order"),
    ("enter", "open the order (timeline, chat, evidence)"),
    ("x", "archive or delete (asks first)"),
    ("/", "search order number, title and store"),
    ("f", "cycle the filter: active, disputes, closed, all"),
    ("s / S", "sort by the next column / reverse the sort"),
    ("j k ↑ ↓", "move; pgup pgdn home end jump"),
    ("tab", "switch between the countdowns and the table"),
    ("ctrl+p", "command palette: every action by name"),
    ("?", "this help"),
    ("q", "quit"),
)
COLOURS = (
    ("$text-error", "overdue, or 2 days or less"),
    ("$text-warning", "7 days or less"),
    ("$text-success", "more than 7 days"),
)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Static(Content.from_markup("[b]aliret-tui[/b] — never miss a return deadline"))
            yield Static(self._keys(), classes="section")
            yield Static(self._colours(), classes="section")
            yield Static(
                Content(
                    "Every deadline is the last day you can still act. The countdown runs to "
                    "the end of that day, local time. Closed orders and expired inspection "
                    "windows have no countdown.\n\n"
                    "From the shell: aliret-tui check lists what is due in the next 7 days "
                    "(exit status 1 when something is), for cron or your shell start-up."
                ),
                classes="section",
            )
            yield Static(Content("Press esc to close."), classes="muted")

    def _keys(self) -> Content:
        lines = [Content.from_markup("[b]Keys[/b]")]
        lines += [
            Content.from_markup("  [b $accent]$key[/]  $what", key=key.ljust(8), what=what)
            for key, what in DASHBOARD_KEYS
        ]
        return Content("\n").join(lines)

    def _colours(self) -> Content:
        lines = [Content.from_markup("[b]Colours[/b]")]
        lines += [
            Content.from_markup(f"  [{variable}]■■[/]   $meaning", meaning=meaning)
            for variable, meaning in COLOURS
        ]
        return Content("\n").join(lines)
