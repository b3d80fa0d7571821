"""The small dialogs of the detail screen: pick and record an event, write a chat
message, ask for a file (typed with completion, dropped, or browsed for), a path or
a label, edit a note."""

from __future__ import annotations

import datetime as dt
import os
import stat
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from threading import Lock
from typing import TYPE_CHECKING, Any

from rich.segment import Segment
from rich.style import Style
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Label,
    OptionList,
    Select,
    SelectionList,
    Static,
    TextArea,
)
from textual.widgets.option_list import Option, OptionDoesNotExist
from textual.worker import get_current_worker

from aliret_tui.domain.corrections import Correction
from aliret_tui.domain.fields import FieldError, FieldErrors, TextNotes, understood_date
from aliret_tui.domain.models import ChatMessage, Event, EventInput, Order, OrderLine, parse
from aliret_tui.domain.vocabulary import EventKind, Outcome, Reason, Sender
from aliret_tui.domain.workflow import EVENT_FIELDS, EventRefused, Transition
from aliret_tui.errors import UserError
from aliret_tui.files import HashingCancelled
from aliret_tui.sanitize import outgoing
from aliret_tui.tui.paths_input import PathSuggester, browse_for_file, dropped_path
from aliret_tui.tui.screens.order_form import date_label
from aliret_tui.tui.widgets.checks import TICKED, UNTICKED
from aliret_tui.tui.workers import ReportsWorkerErrors

if TYPE_CHECKING:
    from aliret_tui.tui.app_services import AppServices

# One key per event in the picker, shown beside its name.
EVENT_KEYS = {
    EventKind.DELIVERED: "d",
    EventKind.KEEP: "k",
    EventKind.OPEN_DISPUTE: "o",
    EventKind.SELLER_AGREED: "a",
    EventKind.RETURN_APPROVED: "r",
    EventKind.SELLER_REFUSED: "f",
    EventKind.ESCALATED: "e",
    EventKind.MEDIATION_WON: "w",
    EventKind.MEDIATION_LOST: "l",
    EventKind.RETURN_SHIPPED: "s",
    EventKind.RETURN_DELIVERED: "v",
    EventKind.REFUNDED: "m",
    EventKind.CANCELLED: "c",
    EventKind.ORDER_CANCELLED: "x",
}
# Events that close the order: recording one asks first.
CLOSING_EVENTS = {
    EventKind.KEEP: "keeps the item and closes the order: no dispute can be opened after it",
    EventKind.CANCELLED: "closes the dispute for good: it cannot be opened again",
    EventKind.MEDIATION_LOST: "closes the order: the mediator ruled for the seller",
    EventKind.REFUNDED: "closes the order as refunded",
    EventKind.ORDER_CANCELLED: "closes the order as cancelled before delivery",
}
# Short names for buttons.
EVENT_BUTTON_LABELS = {
    EventKind.DELIVERED: "Delivered",
    EventKind.KEEP: "Keep it",
    EventKind.OPEN_DISPUTE: "Open dispute",
    EventKind.SELLER_AGREED: "Seller agreed",
    EventKind.RETURN_APPROVED: "Return approved",
    EventKind.SELLER_REFUSED: "Seller refused",
    EventKind.ESCALATED: "Escalate",
    EventKind.MEDIATION_WON: "Mediation won",
    EventKind.MEDIATION_LOST: "Mediation lost",
    EventKind.RETURN_SHIPPED: "Return shipped",
    EventKind.RETURN_DELIVERED: "Seller got it",
    EventKind.REFUNDED: "Refunded",
    EventKind.CANCELLED: "Cancel dispute",
    EventKind.ORDER_CANCELLED: "Order cancelled",
}
FIELD_LABELS = {
    "reason": "Reason",
    "outcome": "What you want",
    "tracking": "Tracking number",
    "carrier": "Carrier",
    "amount": "Amount",
    "lines": "Which items (space ticks; none: the whole order)",
}


class TickList(SelectionList[int]):
    """A SelectionList drawn ``[✓] line`` when chosen and ``[ ] line`` when not, as
    the order form's checkboxes are: the choice reads by its shape, without colour
    (Textual draws the same ``▐X▌`` both ways, in another colour)."""

    DEFAULT_CSS = """
    TickList {
        & > .selection-list--button,
        & > .selection-list--button-highlighted { color: $text-muted; }
        & > .selection-list--button-selected,
        & > .selection-list--button-selected-highlighted { color: $text-success; }
    }
    """

    def render_line(self, y: int) -> Strip:
        line = super().render_line(y)
        try:
            selection = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return line
        segments = list(line)
        # SelectionList draws [side, mark, side, " ", *prompt]: a box around the mark.
        if len(segments) < 4 or segments[1].text != Checkbox.BUTTON_INNER:
            return line
        mark = TICKED if selection.value in self.selected else UNTICKED
        on_line = Style(bgcolor=segments[3].style.bgcolor if segments[3].style else None)
        box = (segments[1].style or Style()) + on_line  # the mark's colour, on the line
        segments[:3] = [Segment("[", box), Segment(mark, box), Segment("]", box)]
        return Strip(segments, line.cell_length)


class Dialog(ReportsWorkerErrors, ModalScreen[Any]):
    """A dialog that closes with escape and shows refusals in a status line."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    @property
    def aliret(self) -> AppServices:
        return self.app  # type: ignore[return-value]

    def action_cancel(self) -> None:
        self.dismiss(None)

    def show_status(self, message: str) -> None:
        self.query_one("#dialog-status", Static).update(Content(message))

    def buttons(self, save_label: str = "Save (ctrl+s)") -> ComposeResult:
        yield Static("", id="dialog-status")
        with Horizontal(classes="buttons"):
            yield Button(save_label, id="save", variant="primary")
            yield Button("Cancel (esc)", id="cancel")

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()


class EventPickerScreen(Dialog):
    """'What happened?': the events allowed now, each with its own key; one that a
    policy rule opens later (an escalation before day 4) says from which day."""

    def __init__(self, allowed: list[EventKind], opens: Mapping[EventKind, dt.date] = {}):
        super().__init__()
        self.allowed = allowed
        self.opens = opens

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker"):
            yield Static(Content.from_markup("[b]What happened?[/b]  (press its key)"))
            yield OptionList(
                *(
                    Option(
                        Content.from_markup(
                            "[b $accent]$key[/]  $label[$text-muted]$opens[/]",
                            key=EVENT_KEYS[kind],
                            label=kind.label,
                            opens=f"  · from {self.opens[kind]}" if kind in self.opens else "",
                        ),
                        id=kind.value,
                    )
                    for kind in self.allowed
                ),
                id="events",
            )
            yield Static(
                Content("Events not listed are not possible at this stage."), classes="muted"
            )

    def on_key(self, event: events.Key) -> None:
        for kind in self.allowed:
            if event.character == EVENT_KEYS[kind]:
                event.stop()
                self.dismiss(kind)
                return

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(EventKind(event.option.id))


class EventChoiceScreen(Dialog):
    """'Which event?': the timeline's events, newest first; dismisses with its seq."""

    def __init__(self, events: Sequence[Event]):
        super().__init__()
        self.events = list(events)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker"):
            yield Static(Content.from_markup("[b]Correct which event?[/b]"))
            yield OptionList(
                *(
                    Option(
                        Content(f"[{event.seq}] {event.on.isoformat()}  {event.kind.label}"),
                        id=str(event.seq),
                    )
                    for event in reversed(self.events)
                ),
                id="events",
            )

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))


class EventFormScreen(Dialog):
    """The fields one event needs; records it and dismisses with the ``Transition``.
    With ``correcting``, the recorded event's values are filled in, and saving
    corrects it (dismissing with the ``Correction``)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("enter", "next_field", "Next", show=False, priority=True),
    ]

    def __init__(
        self,
        order: Order,
        kind: EventKind,
        lines: Sequence[OrderLine] = (),
        correcting: Event | None = None,
    ):
        super().__init__()
        self.order = order
        self.kind = kind
        self.correcting = correcting
        accepted = EVENT_FIELDS.get(kind, ())
        # Lines are asked for only on an order with more than one (added below).
        self.values_needed = [name for name in FIELD_LABELS if name in accepted and name != "lines"]
        # A dispute about some lines of a multi-item order says which.
        self.lines = list(lines) if "lines" in EVENT_FIELDS.get(kind, ()) else []
        if len(self.lines) > 1:
            self.values_needed.append("lines")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog event-form"):
            heading = "Correct: $label (event $seq)" if self.correcting else "$label"
            yield Static(
                Content.from_markup(
                    f"[b]{heading}[/b] · order $order_id",
                    label=self.kind.label,
                    seq=str(self.correcting.seq if self.correcting else ""),
                    order_id=outgoing(self.order.order_id, one_line=True),
                )
            )
            for name in self.values_needed:
                yield Label(self._label(name) + self._requirement(name))
                yield self._widget(name)
                yield Static("", classes="field-error", id=f"error-{name}")
            day = self.correcting.on if self.correcting else self.aliret.time.today()
            yield Label("Date", id="label-on")
            yield Input(
                day.isoformat(),
                placeholder="YYYY-MM-DD, today, yesterday, -3",
                id="on",
                compact=True,
                select_on_focus=False,
            )
            yield Static("", classes="field-error", id="error-on")
            yield Label("Note for the timeline")
            note = self.correcting.note if self.correcting else ""
            yield TextArea(note, id="note", tab_behavior="focus")
            yield Static("", classes="field-error", id="error-note")
            if self.correcting:
                yield Static(
                    Content(
                        "The state and the clocks are worked out again from the corrected "
                        "timeline. The old values stay on the record."
                    ),
                    classes="muted",
                )
            yield from self.buttons(
                "Save correction (ctrl+s)" if self.correcting else "Record (ctrl+s)"
            )

    def _label(self, name: str) -> str:
        """The field's label, as this event asks it (mediation rules, it is not wanted)."""
        if name == "outcome" and self.kind is EventKind.MEDIATION_WON:
            return "The ruling"
        return FIELD_LABELS[name]

    def _requirement(self, name: str) -> str:
        if name == "reason" or (name == "outcome" and self.kind is EventKind.MEDIATION_WON):
            return " *"
        if name == "tracking":
            return " *"
        if name == "amount":
            return f" (empty: {self._default_amount()})"
        return ""

    def _default_amount(self) -> str:
        refund = self.order.dispute.refund if self.order.dispute else None
        if self.kind is EventKind.REFUNDED and refund and refund.expected_amount:
            return f"the agreed {refund.expected_amount} {self.order.currency}"
        if self.kind is EventKind.REFUNDED:
            return f"the full {self.order.price} {self.order.currency}"
        return "the full price"

    def _widget(self, name: str):
        recorded = self._recorded_value(name)
        if name == "lines":
            chosen = set(recorded or ())
            return TickList(
                *(
                    (line.describe(self.order.currency), line.position, line.position in chosen)
                    for line in self.lines
                ),
                id=name,
                compact=True,
            )
        if name == "reason":
            options = [(reason.label, reason.value) for reason in Reason]
            if self.order.delivered_on is None:
                options = [(Reason.NOT_RECEIVED.label, Reason.NOT_RECEIVED.value)]
            return Select(
                options, prompt="Choose a reason", id=name, compact=True,
                value=recorded.value if recorded else Select.NULL,
            )  # fmt: skip
        if name == "outcome":
            options = [(outcome.label, outcome.value) for outcome in Outcome]
            return Select(
                options, prompt="Choose", id=name, compact=True,
                value=recorded.value if recorded else Select.NULL,
            )  # fmt: skip
        placeholder = {"amount": f"e.g. {self.order.price}", "tracking": "e.g. LP00123456789CN"}
        return Input(
            "" if recorded is None else str(recorded),
            placeholder=placeholder.get(name, ""),
            id=name,
            compact=True,
            select_on_focus=False,
        )

    def _recorded_value(self, name: str) -> Any:
        """The corrected event's value of ``name``, or None."""
        if self.correcting is None:
            return None
        value = getattr(self.correcting, name, None)
        return None if value in ("", ()) else value

    def on_mount(self) -> None:
        # The first field that needs something typed. A delivery is its date; any
        # other event that needs nothing but its (filled-in) date starts on its
        # button, so enter records it.
        if self.values_needed:
            first = self.values_needed[0]
        else:
            first = "on" if self.kind is EventKind.DELIVERED else "save"
        self.query_one(f"#{first}").focus()

    @on(Input.Changed, "#on")
    def _date_changed(self, event: Input.Changed) -> None:
        """'Date  = 2026-11-17' while the field says '-3' or 'yesterday'."""
        day = understood_date(event.value, self.aliret.time.today())
        self.query_one("#label-on", Label).update(date_label("Date", day))
        if day is not None:
            self._clear_error("on")

    @on(Input.Changed)
    @on(Select.Changed)
    @on(SelectionList.SelectedChanged)
    def _value_changed(self, event: Any) -> None:
        """A field's error goes once it is changed to something (checked again on save)."""
        widget = getattr(event, "control", None) or getattr(event, "selection_list", None)
        name = getattr(widget, "id", None)
        if name and name != "on" and getattr(widget, "value", True) not in ("", Select.NULL):
            self._clear_error(name)

    def _clear_error(self, name: str) -> None:
        for error in self.query(f"#error-{name}"):
            error.remove_class("-shown")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_field":  # only on a closed select that has a value
            focused = self.focused
            return (
                isinstance(focused, Select)
                and not focused.expanded
                and focused.value is not Select.NULL
            )
        return True

    def action_next_field(self) -> None:
        """Enter on a chosen select moves on instead of opening it again."""
        self.focus_next()

    def _values(self) -> dict[str, Any]:
        values: dict[str, Any] = {"kind": self.kind.value}
        for name in (*self.values_needed, "on"):
            widget = self.query_one(f"#{name}")
            if isinstance(widget, SelectionList):
                values[name] = list(widget.selected)
                continue
            value = widget.value  # type: ignore[attr-defined]
            if value not in (None, "", Select.NULL):
                values[name] = value
        note = self.query_one("#note", TextArea).text
        if note.strip():
            values["note"] = note
        return values

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self._clear_errors()
        notes = TextNotes()
        try:
            request = parse(
                EventInput,
                self._values(),
                notes=notes,
                today=self.aliret.time.today(),
                currency=self.order.currency,
            )
        except FieldErrors as errors:
            self._show_errors(errors.errors)
            return
        if self.correcting is not None:
            self._correct(self._corrected_values(request), notes)
        elif self.kind in CLOSING_EVENTS:
            self._confirm_closing(request, notes)
        else:
            self._record(request, notes)

    def _confirm_closing(self, request: EventInput, notes: TextNotes) -> None:
        """An event that closes the order is recorded only once the user says yes."""
        from aliret_tui.tui.screens.modals import ConfirmScreen

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._record(request, notes)

        self.app.push_screen(
            ConfirmScreen(
                f'Record "{self.kind.label}"? This {CLOSING_EVENTS[self.kind]}. If it is a '
                "mistake, u on the Timeline tab takes it back.",
                confirm_label="Record",
                danger=True,
            ),
            confirmed,
        )

    def _corrected_values(self, request: EventInput) -> dict[str, Any]:
        """Every value the form shows, as the correction's changes ('' clears one)."""
        shown = [name for name in self.values_needed if name != "lines"]
        changes: dict[str, Any] = {"on": request.on, "note": request.note}
        for name in shown:
            value = getattr(request, name)
            changes[name] = "" if value is None else value
        if "lines" in self.values_needed:
            changes["lines"] = list(request.lines)
        return changes

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _correct(self, changes: dict[str, Any], notes: TextNotes) -> None:
        assert self.correcting is not None
        order_id, seq, version = self.order.order_id, self.correcting.seq, self.order.version
        try:
            correction = self.aliret.db.call(
                lambda store: store.correct_event(order_id, seq, changes, expected_version=version)
            )
        except (FieldError, FieldErrors) as error:
            self.app.call_from_thread(self._refused, error)
            return
        except UserError as refused:  # the timeline would not hold, or changed elsewhere
            self.app.call_from_thread(self.show_status, str(refused))
            return
        self.app.call_from_thread(self._recorded, correction, notes)

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _record(self, request: EventInput, notes: TextNotes) -> None:
        order_id = self.order.order_id
        try:
            transition = self.aliret.db.call(lambda store: store.record_event(order_id, request))
        except (FieldError, FieldErrors, EventRefused) as error:
            self.app.call_from_thread(self._refused, error)
            return
        self.app.call_from_thread(self._recorded, transition, notes)

    def _refused(self, error: FieldError | FieldErrors | EventRefused) -> None:
        if isinstance(error, EventRefused):
            self.show_status(str(error))
        else:
            self._show_errors(error.errors if isinstance(error, FieldErrors) else [error])

    def _recorded(self, transition: Transition | Correction, notes: TextNotes) -> None:
        for message in notes.messages():
            self.notify(message, title="Note", markup=False)
        self.dismiss(transition)

    def _clear_errors(self) -> None:
        for error in self.query(".field-error"):
            error.remove_class("-shown")
        self.show_status("")

    def _show_errors(self, errors: list[FieldError]) -> None:
        shown = False
        for error in errors:
            target = self.query(f"#error-{error.field}")
            if target:
                target.first(Static).update(Content(error.message))
                target.first(Static).add_class("-shown")
                if not shown:
                    self.query_one(f"#{error.field}").focus()
                shown = True
            else:
                self.show_status(str(error))


class MessageFormScreen(Dialog):
    """Write (or correct) a chat message. Pasted multi-line text is kept as it is."""

    BINDINGS = [Binding("ctrl+s", "save", "Save", priority=True)]

    def __init__(self, editing: ChatMessage | None = None, seller_name: str = "Seller"):
        super().__init__()
        self.editing = editing
        self.seller_name = seller_name

    def compose(self) -> ComposeResult:
        heading = "Correct this message" if self.editing is not None else "Add a message"
        sender = self.editing.sender if self.editing else Sender.ME
        sent_at = self.editing.sent_at if self.editing else self.aliret.time.now()
        with Vertical(classes="dialog message-form"):
            yield Static(Content.from_markup("[b]$heading[/b]", heading=heading))
            yield Label("From")
            yield Select(
                [
                    ("Me", Sender.ME.value),
                    (f"Seller ({self.seller_name})", Sender.SELLER.value),
                    ("AliExpress", Sender.ALIEXPRESS.value),
                ],
                value=sender.value,
                allow_blank=False,
                id="sender",
                compact=True,
            )
            yield Label("Sent at")
            yield Input(
                f"{sent_at:%Y-%m-%d %H:%M}",
                placeholder="YYYY-MM-DD HH:MM",
                id="sent_at",
                compact=True,
                select_on_focus=False,
            )
            yield Label("Message")
            yield TextArea(
                self.editing.text if self.editing else "", id="text", tab_behavior="focus"
            )
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#text", TextArea).focus()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        values: dict[str, Any] = {
            "text": self.query_one("#text", TextArea).text,
            "sender": self.query_one("#sender", Select).value,
            "sent_at": self.query_one("#sent_at", Input).value,
        }
        self.dismiss(values) if values["text"].strip() else self.show_status(
            "The message is empty."
        )


class PromptScreen(Dialog):
    """One line of input (a file path, a label), with an optional explanation."""

    BINDINGS = [Binding("ctrl+s", "save", "Save", priority=True)]

    def __init__(
        self,
        title: str,
        label: str,
        explanation: str = "",
        placeholder: str = "",
        choices: list[tuple[str, str]] | None = None,
        choice_label: str = "",
        value: str = "",
    ):
        """``value``: the text the input starts with (a suggested file name)."""
        super().__init__()
        self.value = value
        self.heading = title
        self.label = label
        self.explanation = explanation
        self.placeholder = placeholder
        self.choices = choices
        self.choice_label = choice_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content.from_markup("[b]$heading[/b]", heading=self.heading))
            if self.explanation:
                yield Static(Content(self.explanation), classes="muted")
            yield Label(self.label)
            yield Input(self.value, placeholder=self.placeholder, id="value", compact=True)
            if self.choices:
                yield Label(self.choice_label)
                yield Select(
                    self.choices,
                    value=self.choices[0][1],
                    allow_blank=False,
                    id="choice",
                    compact=True,
                )
            yield from self.buttons("OK (enter)")

    def on_mount(self) -> None:
        self.query_one("#value", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        value = self.query_one("#value", Input).value.strip()
        if not value:
            self.show_status(f"{self.label} is empty.")
            return
        choice = self.query_one("#choice", Select).value if self.choices else None
        self.dismiss((value, choice))


class FileScreen(Dialog):
    """Asks for a file to read. The path completes as it is typed (→ takes the
    suggestion), a file dropped on the terminal pastes a path that is understood
    (quoted, backslash-escaped, file://), and ctrl+o browses for it.

    Off the event loop, ``read(path, should_stop)`` reads and checks the file (esc
    stops it: nothing is written), then ``write(what_read)`` stores it (esc waits
    for it); the dialog closes with what ``write`` returns. A path that is no
    readable file, or a refusal either raises (a ``UserError``), is shown in the
    dialog, naming the field and what it takes, and what was typed stays to be
    corrected. One file is read at a time: enter again while it is read does nothing."""

    DEFAULT_CSS = """
    FileScreen #dialog-status.-working { color: $text-muted; }
    """
    BINDINGS = [
        Binding("ctrl+o", "browse", "Browse…", priority=True),
        Binding("ctrl+s", "save", "OK", show=False, priority=True),  # as in the other dialogs
    ]

    def __init__(
        self,
        title: str,
        label: str,
        explanation: str,
        *,
        wanted: str,
        read: Callable[[Path, Callable[[], bool]], Any],
        write: Callable[[Any], Any],
        placeholder: str = "",
    ):
        """``wanted``: what the field takes, as said after a refusal ("Give a photo,
        a video or a document.")."""
        super().__init__()
        self.heading = title
        self.label = label
        self.explanation = explanation
        self.wanted = wanted
        self.read = read
        self.write = write
        self.placeholder = placeholder
        self._busy = False  # a file is being read or written
        self._writing = Lock()  # held from the moment esc can no longer stop it

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content.from_markup("[b]$heading[/b]", heading=self.heading))
            if self.explanation:
                yield Static(Content(self.explanation), classes="muted")
            yield Label(
                Content.from_markup(
                    "$label (→ completes it; or drop the file on the terminal)", label=self.label
                )
            )
            yield Input(
                placeholder=self.placeholder, id="value", compact=True, suggester=PathSuggester()
            )
            yield Static("", id="dialog-status")
            with Horizontal(classes="buttons"):
                yield Button("Browse… (ctrl+o)", id="browse")
                yield Button("OK (enter)", id="save", variant="primary")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#value", Input).focus()

    @on(Button.Pressed, "#browse")
    def action_browse(self) -> None:
        browse_for_file(self.query_one("#value", Input), self.heading, self.action_save)

    @on(Input.Changed, "#value")
    def _typed(self) -> None:
        """A refusal is about what was typed: it goes as the path is corrected."""
        if not self.query_one("#dialog-status", Static).has_class("-working"):
            self.show_status("")

    @on(Input.Submitted, "#value")
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        if self._busy:
            return
        typed = self.query_one("#value", Input).value
        path_text = dropped_path(typed)
        if not path_text.strip():
            self._refuse(f"{self.label}: nothing typed yet. {self.wanted}")
            return
        path = Path(path_text)
        self._busy = True
        self._show_working(f"Reading {path.name or path}…")
        self._read_and_write(Path.cwd() / path if not path.is_absolute() else path)

    @work(thread=True, exclusive=True, group="read-file", exit_on_error=False)
    def _read_and_write(self, path: Path) -> None:
        worker = get_current_worker()
        problem = unreadable_file_problem(path)
        if problem:
            self.app.call_from_thread(self._refuse, f"{self.label}: {problem}. {self.wanted}")
            return
        try:
            what_read = self.read(path, lambda: worker.is_cancelled)
            with self._writing:
                if worker.is_cancelled:
                    return  # esc came first: nothing is written
                result = self.write(what_read)
        except HashingCancelled:
            return  # the dialog was left
        except UserError as refused:
            self.app.call_from_thread(self._refuse, f"{self.label}: {refused}")
            return
        except OSError as error:  # it went, or became unreadable, while being read
            reason = error.strerror or type(error).__name__
            said = f"{self.label}: {path} cannot be read ({reason}). {self.wanted}"
            self.app.call_from_thread(self._refuse, said)
            return
        self.app.call_from_thread(self.dismiss, result)

    def action_cancel(self) -> None:
        if not self._writing.acquire(blocking=False):  # being written: it closes in a moment
            self._show_working("Saving… it is too late to stop it, a moment.")
            return
        try:
            self.workers.cancel_group(self, "read-file")  # a large file stops being read
        finally:
            self._writing.release()
        self.dismiss(None)

    def _show_working(self, message: str) -> None:
        self.query_one("#dialog-status", Static).add_class("-working")
        super().show_status(message)

    def _refuse(self, message: str) -> None:
        self._busy = False
        self.show_status(message)
        self.query_one("#value", Input).focus()

    def show_status(self, message: str) -> None:
        self.query_one("#dialog-status", Static).remove_class("-working")
        super().show_status(message)


def unreadable_file_problem(path: Path) -> str | None:
    """Why ``path`` is no file that can be read (None: it is one). Not opened here."""
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return f"there is nothing at {path}"
    except NotADirectoryError:
        return f"{path} is not a path to a file (a part of it is a file, not a folder)"
    except OSError as error:
        return f"{path} cannot be read ({error.strerror})"
    if stat.S_ISDIR(found.st_mode):
        return f"{path} is a folder, not a file"
    if not stat.S_ISREG(found.st_mode):
        return f"{path} is not a regular file (a device, a pipe or a socket)"
    if not os.access(path, os.R_OK):
        return f"{path} cannot be read (permission denied)"
    return None


class NoteScreen(Dialog):
    BINDINGS = [Binding("ctrl+s", "save", "Save", priority=True)]

    def __init__(self, title: str, text: str):
        super().__init__()
        self.heading = title
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content.from_markup("[b]$heading[/b]", heading=self.heading))
            yield TextArea(self.text, id="text", tab_behavior="focus")
            yield from self.buttons()

    def on_mount(self) -> None:
        self.query_one("#text", TextArea).focus()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self.dismiss(self.query_one("#text", TextArea).text)
