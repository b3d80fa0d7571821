"""Add or edit an order: every field of ``aliret-tui add``, checked as you type.

A bad value is shown under its field; Save writes nothing until the whole
form is valid, and a refusal from the store (a duplicate order number, an
edit made elsewhere meanwhile) is shown at the field too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, TextArea

from aliret_tui.domain.fields import (
    FieldError,
    FieldErrors,
    TextNotes,
    note_unusual_order_id,
    understood_date,
)
from aliret_tui.domain.models import Order, OrderFacts, parse
from aliret_tui.store.store import EditConflict
from aliret_tui.tui.widgets.checks import ShapedCheckbox
from aliret_tui.tui.workers import ReportsWorkerErrors

if TYPE_CHECKING:
    from aliret_tui.tui.app_services import AppServices


@dataclass(frozen=True)
class TextField:
    name: str
    label: str
    placeholder: str = ""


TEXT_FIELDS = (
    TextField("order_id", "Order number *", "e.g. 8175123456789012"),
    TextField("title", "Item title *", "as shown on the order page"),
    TextField("price", "Price *", "e.g. 12.50"),
    TextField("currency", "Currency *", "ISO code, e.g. USD"),
    TextField("store", "Store", "seller's store name"),
    TextField("country", "Ship-to country", "e.g. US, FR, ES"),
    TextField("ordered_on", "Ordered on", "YYYY-MM-DD"),
    TextField("delivered_on", "Delivered on", "YYYY-MM-DD (empty: in transit)"),
    TextField("window_days", "Inspection window (days)", "15, or 90 for Local Return"),
    TextField("protection_ends", "Buyer protection ends", "YYYY-MM-DD from the order page"),
)
DATE_FIELDS = ("ordered_on", "delivered_on", "protection_ends")
FLAGS = (("free_return", "Free Return item"), ("local_return", "Local Return item"))
ALL_FIELDS = (*(f.name for f in TEXT_FIELDS), *(name for name, _ in FLAGS), "note")


def _pairs(fields: tuple[TextField, ...]) -> list[tuple[TextField, ...]]:
    """Two fields a row, at every size: the form never changes its columns, and at
    80x24 every field fits on screen at once."""
    return [fields[index : index + 2] for index in range(0, len(fields), 2)]


class OrderFormScreen(ReportsWorkerErrors, ModalScreen[Order | None]):
    """Dismisses with the saved order, or None when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, editing: Order | None = None):
        super().__init__()
        self.editing = editing
        self.touched: set[str] = set()
        self.save_attempted = False

    @property
    def aliret(self) -> AppServices:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        heading = "Edit order" if self.editing else "Add an order"
        with Vertical(classes="dialog form"):
            yield Static(Content.from_markup("[b]$heading[/b]", heading=heading), id="form-title")
            with VerticalScroll(id="form-fields"):
                for pair in _pairs(TEXT_FIELDS):
                    with Horizontal(classes="form-row"):
                        for field in pair:
                            with Vertical(classes="field", id=f"field-{field.name}"):
                                yield Label(field.label, id=f"label-{field.name}")
                                yield Input(
                                    value=self._initial(field.name),
                                    placeholder=field.placeholder,
                                    id=field.name,
                                    disabled=bool(self.editing and field.name == "order_id"),
                                    compact=True,
                                    # Typing adds to a value instead of replacing it whole.
                                    select_on_focus=False,
                                )
                                yield Static("", classes="field-error", id=f"error-{field.name}")
                with Horizontal(classes="form-row"):
                    for name, label in FLAGS:
                        with Vertical(classes="field", id=f"field-{name}"):
                            yield ShapedCheckbox(label, value=bool(self._initial(name)), id=name)
                            yield Static("", classes="field-error", id=f"error-{name}")
                with Vertical(classes="field", id="field-note"):
                    yield Label("Note")
                    yield TextArea(
                        self._initial("note"), id="note", tab_behavior="focus", compact=True
                    )
                    yield Static("", classes="field-error", id="error-note")
            yield Static("", id="form-status")
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)

    def _initial(self, name: str) -> Any:
        if self.editing is None:
            return False if name in dict(FLAGS) else ""
        value = getattr(self.editing, name)
        if isinstance(value, bool):
            return value
        return "" if value is None else str(value)

    def on_mount(self) -> None:
        first = "title" if self.editing else "order_id"
        self.query_one(f"#{first}", Input).focus()

    # -- reading and checking --------------------------------------------------

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            field.name: self.query_one(f"#{field.name}", Input).value for field in TEXT_FIELDS
        }
        for name, _ in FLAGS:
            values[name] = self.query_one(f"#{name}", ShapedCheckbox).value
        values["note"] = self.query_one("#note", TextArea).text
        return {key: value for key, value in values.items() if value != ""}

    def check(self, notes: TextNotes | None = None) -> OrderFacts | None:
        """Validate everything; show errors at the fields the user has reached."""
        try:
            facts = parse(OrderFacts, self.values(), notes=notes, today=self.aliret.time.today())
        except FieldErrors as errors:
            self._show_errors({error.field: error.message for error in errors.errors})
            return None
        self._show_errors({})
        return facts

    def _show_errors(self, errors: dict[str, str]) -> None:
        for name in ALL_FIELDS:
            message = errors.get(name, "")
            visible = message if (self.save_attempted or name in self.touched) else ""
            error = self.query_one(f"#error-{name}", Static)
            error.update(Content(visible))
            error.set_class(bool(visible), "-shown")
            self.query_one(f"#field-{name}").set_class(bool(visible), "-invalid")
        waiting = [name for name in errors if name not in self.touched]
        if self.save_attempted and errors:
            status = f"{len(errors)} field{'s' if len(errors) != 1 else ''} to fix before saving"
        elif waiting and not self.save_attempted:
            status = ""
        else:
            status = ""
        self.query_one("#form-status", Static).update(Content(status))

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        if event.input.id:
            self.touched.add(event.input.id)
        if event.input.id in DATE_FIELDS:
            self._show_understood_date(event.input.id, event.value)
        self.check()

    def _show_understood_date(self, name: str, text: str) -> None:
        """'Ordered on  = 2026-11-17' while the field says '-3' or 'yesterday'."""
        day = understood_date(text, self.aliret.time.today())
        label = next(field.label for field in TEXT_FIELDS if field.name == name)
        self.query_one(f"#label-{name}", Label).update(date_label(label, day))

    @on(ShapedCheckbox.Changed)
    @on(TextArea.Changed)
    def _flag_changed(self, event: ShapedCheckbox.Changed | TextArea.Changed) -> None:
        widget = event.control
        if widget.id:
            self.touched.add(widget.id)
        self.check()

    # -- saving ----------------------------------------------------------------

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self.save_attempted = True
        notes = TextNotes()
        facts = self.check(notes)
        if facts is None:
            self._focus_first_error()
            return
        if self.editing is None:  # an order number typed now: is it an AliExpress one?
            note_unusual_order_id(facts.order_id, notes)
        self._save(facts, notes)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def _focus_first_error(self) -> None:
        for name in ALL_FIELDS:
            if self.query_one(f"#field-{name}").has_class("-invalid"):
                self.query_one(f"#{name}").focus()
                return

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _save(self, facts: OrderFacts, notes: TextNotes) -> None:
        editing = self.editing
        try:
            if editing is None:
                saved = self.aliret.db.call(lambda store: store.add_order(facts))
            else:
                saved = self.aliret.db.call(
                    lambda store: store.update_order(facts, expected_version=editing.version)
                )
        except EditConflict:
            assert editing is not None
            current = self.aliret.db.call(lambda store: store.get_order(editing.order_id))
            self.app.call_from_thread(self._changed_elsewhere, editing, current)
            return
        except (FieldError, FieldErrors) as error:
            self.app.call_from_thread(self._refused, error)
            return
        self.app.call_from_thread(self._saved, saved, notes)

    def _changed_elsewhere(self, opened: Order, current: Order) -> None:
        """Someone else saved the order meanwhile: say what they changed, keep what
        was typed, and let the next save put it over theirs."""
        changed = [
            f"{label}: {_shown_value(getattr(opened, name))} → "
            f"{_shown_value(getattr(current, name))}"
            for name, label in CHANGED_ELSEWHERE_FIELDS
            if getattr(opened, name) != getattr(current, name)
        ]
        what = "; ".join(changed) if changed else "its timeline or state"
        self.editing = current
        self.query_one("#form-status", Static).update(
            Content(
                f"This order was changed elsewhere while you edited it ({what}). "
                "What you typed is kept: ctrl+s saves it over that change, esc cancels."
            )
        )

    def _refused(self, error: FieldError | FieldErrors) -> None:
        errors = error.errors if isinstance(error, FieldErrors) else [error]
        self._show_errors({e.field: e.message for e in errors})
        self._focus_first_error()

    def _saved(self, order: Order, notes: TextNotes) -> None:
        for message in notes.messages():
            self.notify(message, title="Note", markup=False)
        self.dismiss(order)


# The facts the edit form shows, as a change made elsewhere is described.
CHANGED_ELSEWHERE_FIELDS = (
    ("title", "title"), ("price", "price"), ("currency", "currency"), ("store", "store"),
    ("ordered_on", "ordered"), ("delivered_on", "delivered"), ("window_days", "window"),
    ("protection_ends", "protection ends"), ("country", "country"), ("note", "note"),
    ("free_return", "free return"), ("local_return", "local return"),
)  # fmt: skip


def _shown_value(value: object) -> str:
    if value is None or value == "":
        return "(none)"
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def date_label(label: str, day: dt.date | None) -> Content:
    """A date field's label, with the day it understood when typed otherwise."""
    if day is None:
        return Content(label)
    return Content.from_markup("$label  [$accent]= $day[/]", label=label, day=day.isoformat())
