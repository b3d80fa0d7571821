"""Bringing orders in from the dashboard: ``i`` imports files (a path with
completion, a file dropped on the terminal, or one picked with ctrl+o), ``p``
reads pasted text. Both show the same plan as ``aliret-tui import --dry-run``,
and write only when the user confirms."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Button, Input, Label, Static, TextArea

from aliret_tui.errors import UserError
from aliret_tui.importing.batch import ImportBatch, load_files, load_text
from aliret_tui.importing.merge import ImportPlan
from aliret_tui.importing.report import plan_lines
from aliret_tui.tui.paths_input import PathSuggester, browse_for_file, dropped_path
from aliret_tui.tui.workers import ReportsWorkerErrors

if TYPE_CHECKING:
    from aliret_tui.tui.app_services import AppServices

PASTE_PAUSE_SECONDS = 0.3  # plan again once typing or pasting pauses


class _PlanScreen(ReportsWorkerErrors, ModalScreen[ImportPlan | None]):
    """Shows an import plan; ctrl+s applies it, esc leaves without writing.
    Dismisses with the plan applied, or None."""

    BINDINGS = [
        Binding("ctrl+s", "apply", "Import", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.batch: ImportBatch | None = None
        self.planned: ImportPlan | None = None

    @property
    def aliret(self) -> AppServices:
        return self.app  # type: ignore[return-value]

    def plan_area(self) -> ComposeResult:
        with VerticalScroll(id="import-plan"):
            yield Static(Content(self.hint), id="plan-text")
        yield Static("", id="dialog-status")
        with Horizontal(classes="buttons"):
            yield from self.more_buttons()
            yield Button("Import (ctrl+s)", id="apply", variant="primary", disabled=True)
            yield Button("Cancel (esc)", id="cancel")

    def more_buttons(self) -> ComposeResult:
        """Buttons of this dialog before Import and Cancel."""
        yield from ()

    hint = ""

    def show_status(self, message: str) -> None:
        self.query_one("#dialog-status", Static).update(Content(message))

    @work(thread=True, exclusive=True, group="import-plan", exit_on_error=False)
    def plan(self, load) -> None:  # load: () -> ImportBatch
        try:
            batch = load()
            planned = self.aliret.db.call(lambda store: store.plan_import(batch))
        except UserError as error:
            self.app.call_from_thread(self._refused, str(error))
            return
        self.app.call_from_thread(self._planned, batch, planned)

    def _planned(self, batch: ImportBatch, planned: ImportPlan) -> None:
        self.batch, self.planned = batch, planned
        self.show_status("")
        text = "\n".join(plan_lines(batch, planned, applied=False))
        self.query_one("#plan-text", Static).update(Content(text))
        self.query_one("#apply", Button).disabled = not planned.writes_anything

    def _refused(self, message: str) -> None:
        self.batch = self.planned = None
        self.query_one("#apply", Button).disabled = True
        self.query_one("#plan-text", Static).update(Content(self.hint))
        self.show_status(f"{message}. Nothing was written.")

    @on(Button.Pressed, "#apply")
    def action_apply(self) -> None:
        if self.batch is not None and self.planned is not None and self.planned.writes_anything:
            self._apply(self.batch)

    @work(thread=True, exclusive=True, group="import-apply", exit_on_error=False)
    def _apply(self, batch: ImportBatch) -> None:
        try:
            applied = self.aliret.db.call(lambda store: store.apply_import(batch))
        except UserError as error:
            self.app.call_from_thread(self._refused, str(error))
            return
        self.app.call_from_thread(self.dismiss, applied)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ImportFileScreen(_PlanScreen):
    BINDINGS = [Binding("ctrl+o", "browse", "Browse…", priority=True)]
    hint = (
        "Give a file: an AliExpress export (Shopper Inventory, Order Exporter, "
        "AliExpress-Order-Export, the XLSX data export), saved order pages (API JSON), "
        "an email, a folder of .eml mails, or an aliret-tui CSV/JSON. Drop a file on "
        "the terminal to paste its path. Enter shows what would change."
    )

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog import-dialog"):
            yield Static(Content.from_markup("[b]Import orders from a file[/b]"))
            yield Label("File (→ completes the path; ctrl+o browses)")
            yield Input(placeholder="~/Downloads/orders.csv", id="path", suggester=PathSuggester())
            yield from self.plan_area()

    def more_buttons(self) -> ComposeResult:
        yield Button("Browse… (ctrl+o)", id="browse")

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    @on(Button.Pressed, "#browse")
    def action_browse(self) -> None:
        """Pick the file in a file picker: it fills in the path and shows the plan."""
        field = self.query_one("#path", Input)
        browse_for_file(field, "Import orders from a file", lambda: self._preview_path(field.value))

    @on(Input.Submitted, "#path")
    def _preview(self, event: Input.Submitted) -> None:
        self._preview_path(event.value)

    def _preview_path(self, typed: str) -> None:
        path = dropped_path(typed)
        if not path:
            self.show_status("Type or drop the file's path first.")
            return
        self.query_one("#plan-text", Static).update(Content("Reading…"))
        today = self.aliret.time.today()
        currency = self.aliret.settings.import_currency
        self.plan(lambda: load_files([path], today=today, default_currency=currency))


class PasteScreen(_PlanScreen):
    hint = (
        "Paste what you copied (select all, copy) from an AliExpress order list, an "
        "order's page, or an order email. What it finds shows here as you paste; "
        "nothing is written until you press ctrl+s."
    )

    def __init__(self) -> None:
        super().__init__()
        self._pause: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog import-dialog"):
            yield Static(Content.from_markup("[b]Paste an order page or email[/b]"))
            yield TextArea(id="pasted", tab_behavior="focus", soft_wrap=True)
            yield from self.plan_area()

    def on_mount(self) -> None:
        self.query_one("#pasted", TextArea).focus()

    @on(TextArea.Changed, "#pasted")
    def _pasted(self) -> None:
        if self._pause is not None:
            self._pause.stop()
        self._pause = self.set_timer(PASTE_PAUSE_SECONDS, self._plan_pasted)

    def _plan_pasted(self) -> None:
        text = self.query_one("#pasted", TextArea).text
        if not text.strip():
            self._refused("Nothing pasted yet")
            return
        today = self.aliret.time.today()
        self.plan(lambda: load_text("pasted text", text, today=today))
