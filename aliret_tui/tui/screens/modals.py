"""Small typed modals: yes/no confirmation, and archive-or-delete."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from aliret_tui.sanitize import outgoing


class ConfirmScreen(ModalScreen[bool]):
    """Ask one question; ``y``/enter on the focused button confirms, ``n``/escape cancels."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: Content | str, confirm_label: str = "Yes", danger: bool = False):
        super().__init__()
        self.question = question
        self.confirm_label = confirm_label
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                Content(self.question) if isinstance(self.question, str) else self.question
            )
            with Horizontal(classes="buttons"):
                yield Button(
                    f"{self.confirm_label} (y)",
                    id="yes",
                    variant="error" if self.danger else "primary",
                )
                yield Button("Cancel (n)", id="no")

    def on_mount(self) -> None:
        self.query_one("#no" if self.danger else "#yes", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class ArchiveScreen(ModalScreen[str | None]):
    """Archive (or unarchive) an order, or go on to delete it. Returns the choice."""

    BINDINGS = [
        Binding("a", "choose('archive')", "Archive"),
        Binding("d", "choose('delete')", "Delete…"),
        Binding("escape,n", "choose(None)", "Cancel"),
    ]

    def __init__(self, order_id: str, title: str, archived: bool):
        super().__init__()
        self.order_id = order_id
        self.order_title = title
        self.archived = archived

    def compose(self) -> ComposeResult:
        verb = "Unarchive" if self.archived else "Archive"
        question = Content.from_markup(
            "[b]$verb order $order_id?[/b]\n$title\n\n"
            "Archiving hides it from the dashboard and the daily check; it stays in the "
            "database and in exports. Deleting removes it with its timeline, chat and evidence.",
            verb=verb,
            order_id=outgoing(self.order_id, one_line=True),
            title=self.order_title,
        )
        with Vertical(classes="dialog"):
            yield Static(question)
            with Horizontal(classes="buttons"):
                yield Button(f"{verb} (a)", id="archive", variant="primary")
                yield Button("Delete… (d)", id="delete", variant="error")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#archive", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None if event.button.id == "cancel" else event.button.id)

    def action_choose(self, choice: str | None) -> None:
        self.dismiss(choice)
