"""The help screen: keys, what the colours mean, and where the data lives."""

from __future__ import annotations

import re

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from aliret_tui.tui.key_names import key_named

# (binding id, default keys, what it does): remapped keys in config.toml show here,
# in the keys and in the text ("{reverse_sort=S}": the key of reverse_sort, S unless
# remapped).
DASHBOARD_KEYS = (
    ("add", "a", "add an order"),
    ("edit", "e", "edit the highlighted order"),
    ("open", "enter", "open the order (timeline, chat, evidence)"),
    ("archive", "x", "archive or delete (asks first)"),
    ("import_file", "i", "import orders from a file (exports, saved pages, emails)"),
    ("paste", "p", "paste a copied order page or email"),
    ("statistics", "g", "statistics: money recovered, outcomes, refund delays, stores"),
    ("search", "/", "search order number, title and store"),
    ("filter", "f", "cycle the filter: active, disputes, closed, all"),
    ("sort", "s", "sort by the next column ({reverse_sort=S} reverses)"),
    (
        "down",
        "j ↓",
        "move down ({up=k ↑} up; {page_up=pgup} {page_down=pgdn} {first=home} {last=end} jump)",
    ),
    (None, "tab", "switch between the countdowns and the table"),
    (None, "ctrl+p", "command palette: every action by name, themes"),
    ("help", "?", "this help"),
    ("quit", "q", "quit"),
)

ORDER_SCREEN_KEYS = (
    ("back", "esc", "back to the orders"),
    ("record_event", "r", "record what happened: a menu of the events allowed now"),
    (None, "1 2 3 4", "overview, timeline, chat, evidence"),
    ("copy_timeline", "c", "(timeline) copy it as plain text, or save it to a file"),
    ("take_back_event", "u", "(timeline) take back the last event, after asking"),
    ("correct_event", "e", "(timeline) correct an event's date or values"),
    ("claim_pack", "P", "build the claim pack for a mediator"),
    ("add_message", "m", "(chat) add a message"),
    ("import_transcript", "i", "(chat) import a transcript (ctrl+o browses)"),
    ("edit_message", "e", "(chat) correct the highlighted message"),
    ("delete_message", "x", "(chat) delete the highlighted message, after asking"),
    ("toggle_evidence", "space", "(evidence) tick the highlighted item"),
    ("add_evidence", "a", "(evidence) add your own item"),
    ("attach_file", "f", "(evidence) attach a file (ctrl+o in it browses)"),
    ("edit_note", "n", "(evidence) write a note on the item"),
    ("open_file", "o", "(evidence) open the attached file"),
    ("remove_evidence", "x", "(evidence) remove the item from the checklist, after asking"),
    ("detach_files", "d", "(evidence) detach the item's files (the files stay), after asking"),
    ("show_all", "v", "a folded note, or the whole timeline, in full"),
    ("help", "?", "this help"),
    ("quit", "q", "quit"),
)


_KEY_IN_TEXT = re.compile(r"\{(\w+)=([^}]+)\}")


class HelpScreen(ModalScreen[None]):
    """The keys of the screen it was opened from (``keys``), the colours, and where
    the data lives."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def __init__(self, keys: tuple[tuple[str | None, str, str], ...] = DASHBOARD_KEYS):
        super().__init__()
        self.keys = keys

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
        keymap = self.app.settings.keys  # type: ignore[attr-defined]  # from config.toml

        def key_of(binding_id: str | None, default: str) -> str:
            remapped = binding_id is not None and binding_id in keymap
            return key_named(self.app, binding_id) if remapped else default  # type: ignore[arg-type]

        lines = [Content.from_markup("[b]Keys[/b]")]
        for binding_id, default, what in self.keys:
            key = key_of(binding_id, default)
            what = _KEY_IN_TEXT.sub(lambda found: key_of(found[1], found[2]), what)
            lines.append(
                Content.from_markup("  [b $accent]$key[/]  $what", key=key.ljust(8), what=what)
            )
        return Content("\n").join(lines)

    def _colours(self) -> Content:
        urgency = self.app.urgency  # type: ignore[attr-defined]
        colours = (
            ("$text-error", f"overdue, or {urgency.critical_days} days or less"),
            ("$text-warning", f"{urgency.soon_days} days or less"),
            ("$text-success", f"more than {urgency.soon_days} days"),
        )
        lines = [Content.from_markup("[b]Colours[/b]")]
        lines += [
            Content.from_markup(f"  [{variable}]■■[/]   $meaning", meaning=meaning)
            for variable, meaning in colours
        ]
        return Content("\n").join(lines)
