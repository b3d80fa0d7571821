"""One order, worked through: facts, the running clock and hints, the workflow,
the timeline, the chat log and the evidence checklist."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState, get_current_worker

from aliret_tui.domain.clocks import ClockKind
from aliret_tui.domain.deadline_rule import deadline_rule, origin_of
from aliret_tui.domain.evidence import Readiness, readiness
from aliret_tui.domain.fields import FieldError, FieldErrors, TextNotes, long_text
from aliret_tui.domain.hints import Hint, hints_for
from aliret_tui.domain.models import Attachment, ChatMessage, EvidenceItem, OrderRecord, parse
from aliret_tui.domain.timeline import timeline_lines, timeline_text
from aliret_tui.domain.transcript import parse_transcript
from aliret_tui.domain.vocabulary import EventKind
from aliret_tui.domain.workflow import allowed_events
from aliret_tui.files import (
    FileState,
    HashingCancelled,
    file_state,
    fingerprint,
    open_with_system_viewer,
)
from aliret_tui.sanitize import outgoing
from aliret_tui.tui.screens.detail_forms import (
    EVENT_BUTTON_LABELS,
    EVENT_KEYS,
    EventFormScreen,
    EventPickerScreen,
    MessageFormScreen,
    NoteScreen,
    PromptScreen,
)
from aliret_tui.tui.view import format_countdown, time_left
from aliret_tui.tui.widgets.chat_log import ChatLog
from aliret_tui.tui.widgets.evidence_list import KIND_LABELS, EvidenceList
from aliret_tui.tui.widgets.keys_footer import KeysFooter
from aliret_tui.tui.widgets.text_view import TextView, fold, folded
from aliret_tui.tui.widgets.virtual_list import VirtualList
from aliret_tui.tui.workers import ReportsWorkerErrors

if TYPE_CHECKING:
    from aliret_tui.tui.app_services import AppServices

POLL_SECONDS = 1.0  # outside changes show within about a second, as on the dashboard
TABS = ("overview", "timeline", "chat", "evidence")
# Keys that only make sense on one tab.
TAB_ACTIONS = {
    "copy_timeline": "timeline",
    "add_message": "chat",
    "import_transcript": "chat",
    "edit_message": "chat",
    "delete_message": "chat",
    "toggle_evidence": "evidence",
    "add_evidence": "evidence",
    "attach_file": "evidence",
    "edit_note": "evidence",
    "open_file": "evidence",
}
NEEDS_SELECTION = {"edit_message", "delete_message", "toggle_evidence", "attach_file", "edit_note"}


@dataclass
class DetailLoaded(Message):
    record: OrderRecord
    allowed: list[EventKind]
    readiness: Readiness
    hints: list[Hint]
    origins: dict[str, tuple[str, str]]  # where imported facts came from
    data_version: tuple[int, int]  # the store's, read before the order


def read_order(app: AppServices, order_id: str) -> DetailLoaded:
    """Everything the screen shows about one order (call from a thread worker)."""

    def read(store: Any) -> tuple[Any, ...]:
        version = store.data_version()  # first: a change after it is seen by the next poll
        record = store.record(order_id)
        last = record.events[-1].kind if record.events else None
        return version, record, allowed_events(record.order, last), store.fact_origins(order_id)

    version, record, allowed, origins = app.db.call(read)
    ready = readiness(record.order.dispute, record.evidence, record.messages)
    hints = hints_for(record.order, ready, app.policy)
    return DetailLoaded(record, allowed, ready, hints, origins, version)


@dataclass
class StoreChanged(Message):
    """The poll saw the store's data change (here, in another screen or another process)."""

    data_version: tuple[int, int]


@dataclass
class FileChecked(Message):
    """One attached file's check ended (``state``), or began (None)."""

    attachment_id: int
    state: FileState | None


class OneAtATime:
    """Starts a thread worker when none of its kind is running; asked again while one
    runs, it starts one more when that one ends. Nothing is cancelled on the way, so
    nothing waiting on a worker sees WorkerCancelled, and reloads never pile up."""

    def __init__(self, start: Callable[[], Worker[None]]) -> None:
        self._start = start
        self._running: Worker[None] | None = None
        self._again = False

    @property
    def busy(self) -> bool:
        return self._running is not None and not self._running.is_finished

    def request(self) -> None:
        if self.busy:
            self._again = True
        else:
            self._again = False
            self._running = self._start()

    def ended(self, worker: Worker[Any]) -> None:
        """Call with every worker whose state changed; a cancelled one is not re-run."""
        done = worker.state in (WorkerState.SUCCESS, WorkerState.ERROR)
        if worker is self._running and done and self._again:
            self.request()


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


class DetailScreen(ReportsWorkerErrors, Screen[None]):
    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("r", "record_event", "Record event", id="record_event"),
        Binding("1", "tab('overview')", "Overview", show=False, id="tab_overview"),
        Binding("2", "tab('timeline')", "Timeline", show=False, id="tab_timeline"),
        Binding("3", "tab('chat')", "Chat", show=False, id="tab_chat"),
        Binding("4", "tab('evidence')", "Evidence", show=False, id="tab_evidence"),
        Binding("c", "copy_timeline", "Copy timeline", id="copy_timeline"),
        Binding("m", "add_message", "Add message", id="add_message"),
        Binding("i", "import_transcript", "Import transcript", id="import_transcript"),
        Binding("e", "edit_message", "Edit", id="edit_message"),
        Binding("x", "delete_message", "Delete", id="delete_message"),
        Binding("space", "toggle_evidence", "Tick", id="toggle_evidence"),
        Binding("a", "add_evidence", "Add item", id="add_evidence"),
        Binding("f", "attach_file", "Attach file", id="attach_file"),
        Binding("n", "edit_note", "Note", id="edit_note"),
        Binding("o", "open_file", "Open file", id="open_file"),
        Binding("v", "show_all", "Show all", id="show_all"),
    ]

    def __init__(self, order_id: str, preloaded: DetailLoaded | None = None):
        """``preloaded``: the order as ``read_order`` gave it, shown without waiting."""
        super().__init__()
        self.order_id = order_id
        self._preloaded = preloaded
        self.record: OrderRecord | None = None
        self.origins: dict[str, tuple[str, str]] = {}
        self.allowed: list[EventKind] = []
        self.seen_data_version: tuple[int, int] | None = None
        self._applicable_keys: tuple[bool | None, ...] = ()
        self._attachments: list[Attachment] = []
        self._loads = OneAtATime(self._read_order)
        self._file_checks = OneAtATime(lambda: self._check_files(self._attachments))
        self._polls = OneAtATime(self._reload_if_changed)

    @property
    def aliret(self) -> AppServices:
        return self.app  # type: ignore[return-value]

    # -- layout ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(Content(f"Order {outgoing(self.order_id, one_line=True)}"), id="title-bar")
        yield Static(Content("Loading…"), id="clock-strip")
        with TabbedContent(id="tabs"):
            with (
                TabPane("1 Overview", id="overview"),
                VerticalScroll(id="overview-scroll"),
                Horizontal(id="overview-columns"),
            ):
                yield Static(id="facts", classes="box")
                with VerticalScroll(id="side"):
                    yield Static(id="next-step", classes="box")
                    yield Horizontal(id="event-buttons")
                    yield Static(id="readiness", classes="box")
                    yield Static(id="hints", classes="box")
            with TabPane("2 Timeline", id="timeline"), VerticalScroll():
                yield Static(id="timeline-text")
            with TabPane("3 Chat", id="chat"):
                yield ChatLog(id="chat-log")
            with TabPane("4 Evidence", id="evidence"):
                yield EvidenceList(id="evidence-list")
        yield KeysFooter()

    async def on_mount(self) -> None:
        self.watch(self.app, "now", self._tick, init=False)
        self.set_interval(POLL_SECONDS, self._polls.request)
        if self._preloaded is not None:
            await self._show(self._preloaded)
            self._preloaded = None
        else:
            self.load()

    # -- loading -------------------------------------------------------------------

    def load(self) -> None:
        """Read the order again (once more after the read under way, if there is one)."""
        self._loads.request()

    @work(thread=True, group="detail-load", exit_on_error=False)
    def _read_order(self) -> None:
        self.post_message(read_order(self.aliret, self.order_id))

    @work(thread=True, group="detail-poll", exit_on_error=False)
    def _reload_if_changed(self) -> None:
        """Reload when the data changed: from another shell (`aliret-tui event`),
        polled every second, or on another screen of this app."""
        version = self.aliret.db.call(lambda store: store.data_version())
        if version != self.seen_data_version:
            self.post_message(StoreChanged(version))  # never blocks, even while quitting

    @on(StoreChanged)
    def _store_changed(self, message: StoreChanged) -> None:
        # A read under way shows its own version; if that is older, the next poll says so.
        if message.data_version != self.seen_data_version and not self._loads.busy:
            self.load()

    def check_files(self, items: list[EvidenceItem]) -> None:
        """Check the attached files (again after the check under way, if there is one)."""
        self._attachments = [attachment for item in items for attachment in item.attachments]
        self._file_checks.request()

    @work(thread=True, group="file-check", exit_on_error=False)
    def _check_files(self, attachments: list[Attachment]) -> None:
        """Check attached files off the event loop, each shown as soon as it is done.
        Between chunks of a file it stops if the screen has gone or the app quits,
        so nothing ever waits on a large or slow file."""
        worker = get_current_worker()
        for attachment in attachments:
            if worker.is_cancelled:
                return
            if attachment.id is None:
                continue
            self.post_message(FileChecked(attachment.id, None))
            try:
                state = file_state(
                    attachment.path,
                    attachment.size,
                    attachment.sha256,
                    should_stop=lambda: worker.is_cancelled,
                )
            except HashingCancelled:
                return
            self.post_message(FileChecked(attachment.id, state))

    @on(Worker.StateChanged)
    def _worker_ended(self, event: Worker.StateChanged) -> None:
        for workers in (self._loads, self._file_checks, self._polls):
            workers.ended(event.worker)

    @on(DetailLoaded)
    async def _show(self, message: DetailLoaded) -> None:
        self.record = message.record
        self.origins = message.origins
        self.allowed = message.allowed
        self.seen_data_version = message.data_version
        order = message.record.order
        self.query_one("#title-bar", Static).update(
            Content.from_markup(
                "[b]Order $order_id[/b]  ·  $title  ·  $store",
                order_id=outgoing(order.order_id, one_line=True),
                title=order.title,
                store=order.store or "store not recorded",
            )
        )
        self._update_clock(self.aliret.now)
        self.query_one("#facts", Static).update(self._facts())
        self.query_one("#next-step", Static).update(self._next_step())
        await self._show_event_buttons()
        self.query_one("#readiness", Static).update(_readiness_content(message.readiness))
        self.query_one("#hints", Static).update(_hints_content(message.hints))
        self.query_one("#timeline-text", Static).update(self._timeline())
        chat = self.query_one(ChatLog)
        chat.seller_name = order.store or "Seller"
        chat.show_messages(list(message.record.messages))
        evidence = self.query_one(EvidenceList)
        evidence.show_items(list(message.record.evidence), evidence.file_states)
        self.check_files(list(message.record.evidence))
        self.refresh_bindings()

    @on(FileChecked)
    def _file_checked(self, message: FileChecked) -> None:
        self.query_one(EvidenceList).show_file_state(message.attachment_id, message.state)

    # -- the running clock ---------------------------------------------------------

    def _tick(self, now: dt.datetime) -> None:
        self._update_clock(now)

    def _update_clock(self, now: dt.datetime) -> None:
        if self.record is None:
            return
        order = self.record.order
        today = now.date()
        clock = order.clock(self.aliret.policy)
        label = order.state_label(self.aliret.policy, today)
        if clock is None or clock.is_expired(today):
            text = Content.from_markup("[b]$state[/b] · no deadline running", state=label)
        else:
            urgent = clock.days_left(today) <= 2
            text = Content.from_markup(
                "[b]$state[/b] · due [b]$deadline[/b] · [b $colour]$left[/]\n→ $action",
                state=label,
                deadline=f"{clock.deadline:%a} {clock.deadline.isoformat()}",
                left=format_countdown(time_left(clock.deadline, now)),
                colour="$text-error" if urgent else "$text-warning",
                action=clock.action(today),
            )
        self.query_one("#clock-strip", Static).update(text)

    # -- overview ------------------------------------------------------------------

    def _facts(self) -> Content:
        assert self.record is not None
        order = self.record.order
        policy = self.aliret.policy
        rows: list[tuple[str, str]] = [
            ("Price", f"{order.price} {order.currency}"),
            ("Store", order.store or "—"),
            ("Ordered", _day(order.ordered_on)),
            ("Delivered", self._delivered()),
        ]
        if order.protection_ends:
            origin = origin_of(self.origins, "protection_ends")
            rows.append(("Protection ends", f"{order.protection_ends} ({origin})"))
        window = order.window_days or policy.window_days_for(local_return=order.local_return)
        source = "set for this order" if order.window_days else "default"
        rows.append(("Window", f"{window} days ({source})"))
        clock = order.clock(policy)
        if clock is not None and clock.kind is ClockKind.INSPECTION:
            rows.append(("Deadline from", deadline_rule(order, clock, policy, self.origins)))
        for line in self.record.lines:
            rows.append(("Item" if len(self.record.lines) == 1 else f"Item {line.position}",
                         line.describe(order.currency)))  # fmt: skip
        flags = ((order.free_return, "Free Return"), (order.local_return, "Local Return"))
        programmes = [name for flag, name in flags if flag]
        rows.append(("Ship to", " · ".join([order.country or "—", *programmes])))
        dispute = order.dispute
        if dispute:
            rows.append(("Dispute", f"{dispute.reason.label} · wants {dispute.outcome.label}"))
            rows.append(("Opened", dispute.opened_on.isoformat()))
            if dispute.escalated_on:
                rows.append(("Escalated", dispute.escalated_on.isoformat()))
            shipment = dispute.return_shipment
            if shipment:
                rows.append(("Return approved", shipment.approved_on.isoformat()))
                if shipment.tracking:
                    carrier = shipment.carrier or "carrier not recorded"
                    rows.append(("Return tracking", f"{shipment.tracking} ({carrier})"))
                    rows.append(("Shipped", _day(shipment.shipped_on)))
                if shipment.delivered_on:
                    rows.append(("Seller received", shipment.delivered_on.isoformat()))
            refund = dispute.refund
            if refund and refund.expected_amount is not None:
                rows.append(
                    ("Agreed refund", f"{refund.expected_amount} {order.currency} (partial)")
                )
            if refund and refund.amount is not None:
                shortfall = order.price - refund.amount
                kind = f"partial: {shortfall} short" if order.is_partial_refund else "full"
                rows.append(
                    ("Refunded", f"{refund.amount} {order.currency} on {refund.refunded_on}")
                )
                rows.append(("Refund kind", kind))
                rows.append(
                    (
                        "Card statement",
                        f"may take {policy.card_refund_business_days_min}–"
                        f"{policy.card_refund_business_days_max} business days to show",
                    )
                )
        if order.note:
            rows.append(("Note", "\n".join(folded(order.note))))
        width = max(len(label) for label, _ in rows)
        new_line = "\n" + " " * (width + 2)  # a value's further lines (the note's) line up
        lines = [Content.from_markup("[b]Order[/b]")]
        lines += [
            Content.from_markup(
                "[dim]$label[/]  $value",
                label=label.ljust(width),
                value=value.replace("\n", new_line),
            )
            for label, value in rows
        ]
        return Content("\n").join(lines)

    def _delivered(self) -> str:
        assert self.record is not None
        order = self.record.order
        if order.delivered_on is None:
            if order.delivery_unknown:
                return "yes, date unknown: record 'delivered' with its date (r, d)"
            return "—"
        origin = origin_of(self.origins, "delivered_on")
        return order.delivered_on.isoformat() + ("" if origin == "typed" else f" ({origin})")

    def _next_step(self) -> Content:
        assert self.record is not None
        if not self.allowed:
            return Content.from_markup(
                "[b]Next step[/b]\nThis order is closed: nothing more to record."
            )
        names = " · ".join(f"{kind.label} ({EVENT_KEYS[kind]})" for kind in self.allowed)
        return Content.from_markup(
            "[b]Next step[/b] — press [b]r[/b], then the event's key:\n$names", names=names
        )

    async def _show_event_buttons(self) -> None:
        bar = self.query_one("#event-buttons", Horizontal)
        await bar.remove_children()
        await bar.mount_all(
            Button(
                f"{EVENT_BUTTON_LABELS[kind]} ({EVENT_KEYS[kind]})",
                name=kind.value,
                compact=True,
                classes="event-button",
            )
            for kind in self.allowed
        )

    @on(Button.Pressed, ".event-button")
    def _event_button(self, event: Button.Pressed) -> None:
        assert event.button.name is not None
        self._open_event_form(EventKind(event.button.name))

    # -- timeline --------------------------------------------------------------------

    def _timeline(self) -> Content:
        assert self.record is not None
        lines = [
            Content.from_markup(
                "[b]Timeline[/b] · oldest first · press [b]c[/b] to copy it as plain text"
            ),
            Content(""),
        ]
        for day, what, note in timeline_lines(self.record.order, self.record.events, self.origins):
            lines.append(Content.from_markup("[b]$day[/b]  $what", day=day, what=what))
            lines.extend(
                Content.from_markup("[dim]            $line[/]", line=line) for line in folded(note)
            )
        if len(lines) == 2:
            lines.append(Content("Nothing recorded yet. Press r to record what happened."))
        return Content("\n").join(lines)

    def action_copy_timeline(self) -> None:
        if self.record is None:
            return
        text = timeline_text(self.record.order, self.record.events, self.origins)
        self.app.copy_to_clipboard(text)
        self.notify(
            f"{text.count(chr(10))} lines copied to the clipboard.",
            title="Timeline copied",
            markup=False,
        )

    # -- actions: workflow -------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss(None)

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        focus_target = {"chat": ChatLog, "evidence": EvidenceList}.get(tab)
        if focus_target is not None:
            self.query_one(focus_target).focus()
        self.refresh_bindings()

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        self.refresh_bindings()

    @on(VirtualList.Highlighted)
    def _highlight_moved(self) -> None:
        """Open file and Show all depend on the item: the footer follows the cursor."""
        applicable = (self.check_action("open_file", ()), self.check_action("show_all", ()))
        if applicable != self._applicable_keys:
            self._applicable_keys = applicable
            self.refresh_bindings()

    # -- long text -----------------------------------------------------------------

    def _has_folded_text(self, tab: str) -> bool:
        """Whether ``tab`` shows a note folded (one that v shows in full)."""
        if self.record is None:
            return False
        if tab == "overview":
            notes = [self.record.order.note]
        elif tab == "timeline":
            lines = timeline_lines(self.record.order, self.record.events, self.origins)
            notes = [note for _, _, note in lines]
        elif tab == "evidence":
            item = self.query_one(EvidenceList).highlighted_item
            notes = [item.note] if item is not None else []
        else:
            notes = []
        return any(fold(note)[1] for note in notes)

    def action_show_all(self) -> None:
        """The folded text of this tab in full: the order's note, the whole timeline,
        or the highlighted evidence item's note."""
        tab = self.query_one(TabbedContent).active
        if self.record is None or not self._has_folded_text(tab):
            return
        order = self.record.order
        if tab == "timeline":
            title = f"Timeline · order {outgoing(order.order_id, one_line=True)}"
            text = timeline_text(order, self.record.events, self.origins)
        elif tab == "evidence":
            item = self.query_one(EvidenceList).highlighted_item
            assert item is not None
            title, text = f"Note · {item.label}", item.note
        else:
            title, text = f"Note · order {outgoing(order.order_id, one_line=True)}", order.note
        self.app.push_screen(FullTextScreen(title, text))

    def action_record_event(self) -> None:
        if not self.allowed:
            return

        def picked(kind: EventKind | None) -> None:
            if kind is not None:
                self._open_event_form(kind)

        self.app.push_screen(EventPickerScreen(self.allowed), picked)

    def _open_event_form(self, kind: EventKind) -> None:
        assert self.record is not None

        def recorded(transition: Any) -> None:
            if transition is not None:
                event = transition.event
                self.notify(
                    f"{event.kind.label} on {event.on}: now {transition.order.state.label}",
                    title="Recorded",
                    markup=False,
                )
                self.load()

        form = EventFormScreen(self.record.order, kind, self.record.lines)
        self.app.push_screen(form, recorded)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "record_event":
            return bool(self.allowed)
        if action == "show_all":
            return self.is_mounted and self._has_folded_text(self.query_one(TabbedContent).active)
        tab = TAB_ACTIONS.get(action)
        if tab is None:
            return True
        if not self.is_mounted or self.query_one(TabbedContent).active != tab:
            return False
        if action in NEEDS_SELECTION:
            if tab == "chat":
                return self.query_one(ChatLog).highlighted_message is not None
            return self.query_one(EvidenceList).highlighted_item is not None
        if action == "open_file":
            item = self.query_one(EvidenceList).highlighted_item
            return item is not None and bool(item.attachments)
        return True

    # -- actions: chat -------------------------------------------------------------

    def action_add_message(self) -> None:
        seller = self.record.order.store if self.record and self.record.order.store else "Seller"

        def written(values: dict[str, Any] | None) -> None:
            if values is not None:
                self._add_messages_from_form(values)

        self.app.push_screen(MessageFormScreen(seller_name=seller), written)

    def _add_messages_from_form(self, values: dict[str, Any]) -> None:
        notes = TextNotes()
        try:
            message = parse(ChatMessage, values, notes=notes)
        except FieldErrors as errors:
            self.notify(
                str(errors.first), title="Message not added", severity="error", markup=False
            )
            return
        self._report_notes(notes)
        self._write(lambda store: store.add_messages(self.order_id, [message]), "Message added")

    def action_import_transcript(self) -> None:
        def chosen(answer: tuple[str, Any] | None) -> None:
            if answer is not None:
                self._import_transcript(answer[0])

        self.app.push_screen(
            PromptScreen(
                "Import a chat transcript",
                "File",
                "One message per line: [YYYY-MM-DD HH:MM] Sender: text. Sender is Me, Seller "
                "or AliExpress; lines that do not start with [ continue the message above. "
                "All lines are imported, or none.",
                placeholder="~/Downloads/chat.txt",
            ),
            chosen,
        )

    @work(thread=True, group="write", exit_on_error=False)
    def _import_transcript(self, path_text: str) -> None:
        path = Path(path_text).expanduser()
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
            raise FieldError(str(path), f"cannot be read ({reason})") from None
        notes = TextNotes()
        messages = parse_transcript(text, notes=notes)
        count = self.aliret.db.call(lambda store: store.add_messages(self.order_id, messages))
        self.app.call_from_thread(self._report_notes, notes)
        self.app.call_from_thread(
            self.notify,
            f"{count} messages imported from {path.name}",
            title="Imported",
            markup=False,
        )
        self.app.call_from_thread(self.load)

    def action_edit_message(self) -> None:
        message = self.query_one(ChatLog).highlighted_message
        if message is None or message.id is None:
            return
        message_id = message.id

        def written(values: dict[str, Any] | None) -> None:
            if values is None or values["text"] == message.text:
                return
            notes = TextNotes()
            values["text"] = long_text("text", values["text"], required=True, notes=notes)
            self._report_notes(notes)
            self._confirm(
                "Replace this message with your correction? The chat log is evidence; the "
                "message will be marked as edited.",
                "Replace",
                lambda: self._write(
                    lambda store: store.edit_message(self.order_id, message_id, values["text"]),
                    "Message corrected",
                ),
            )

        self.app.push_screen(MessageFormScreen(editing_text=message.text), written)

    def action_delete_message(self) -> None:
        message = self.query_one(ChatLog).highlighted_message
        if message is None or message.id is None:
            return
        message_id = message.id
        preview = message.text if len(message.text) <= 200 else message.text[:199] + "…"
        question = Content.from_markup(
            "[b]Delete this message from the chat log?[/b]\n$sender · $when\n$text\n\n"
            "The chat log is evidence for mediation.",
            sender=message.sender.label,
            when=f"{message.sent_at:%Y-%m-%d %H:%M}",
            text=preview,
        )
        self._confirm(
            question,
            "Delete",
            lambda: self._write(
                lambda store: store.delete_message(self.order_id, message_id), "Message deleted"
            ),
            danger=True,
        )

    # -- actions: evidence -------------------------------------------------------------

    def action_toggle_evidence(self) -> None:
        item = self.query_one(EvidenceList).highlighted_item
        if item is None or item.id is None:
            return
        item_id, done = item.id, not item.done
        self._write(lambda store: store.set_evidence_done(self.order_id, item_id, done), None)

    def action_add_evidence(self) -> None:
        def chosen(answer: tuple[str, Any] | None) -> None:
            if answer is None:
                return
            label, kind = answer
            try:
                item = parse(EvidenceItem, {"label": label, "kind": kind, "custom": True})
            except FieldErrors as errors:
                self.notify(str(errors.first), severity="error", markup=False)
                return
            self._write(lambda store: store.add_evidence_item(self.order_id, item), "Item added")

        self.app.push_screen(
            PromptScreen(
                "Add an evidence item",
                "What to collect",
                placeholder="e.g. Photo of the serial number",
                choices=[(label, kind.value) for kind, label in KIND_LABELS.items()],
                choice_label="Kind (photos and videos count for mediation readiness)",
            ),
            chosen,
        )

    def action_attach_file(self) -> None:
        item = self.query_one(EvidenceList).highlighted_item
        if item is None or item.id is None:
            return
        item_id = item.id

        def chosen(answer: tuple[str, Any] | None) -> None:
            if answer is not None:
                self._attach_file_at(item_id, answer[0])

        self.app.push_screen(
            PromptScreen(
                "Attach a file",
                "Path",
                "The file stays where it is. Its size and SHA-256 are recorded now, so you "
                "will see later if it goes missing or changes.",
                placeholder="~/Pictures/label.jpg",
            ),
            chosen,
        )

    @work(thread=True, group="write", exit_on_error=False)
    def _attach_file_at(self, item_id: int, path_text: str) -> None:
        path = Path(path_text).expanduser().resolve()
        if not path.is_file():
            raise FieldError("path", f"{path} is not a file")
        worker = get_current_worker()
        try:
            size, digest = fingerprint(path, should_stop=lambda: worker.is_cancelled)
        except HashingCancelled:
            return  # the screen went, or the app is quitting
        except OSError as error:
            raise FieldError("path", f"{path} cannot be read ({error.strerror})") from None
        attachment = Attachment(
            path=str(path),
            size=size,
            sha256=digest,
            attached_at=self.aliret.time.now().isoformat(timespec="seconds"),
        )
        self.aliret.db.call(lambda store: store.attach_file(self.order_id, item_id, attachment))
        self.app.call_from_thread(
            self.notify, f"Attached {path.name} ({size:,} bytes)", title="Attached", markup=False
        )
        self.app.call_from_thread(self.load)

    def action_edit_note(self) -> None:
        item = self.query_one(EvidenceList).highlighted_item
        if item is None or item.id is None:
            return
        item_id = item.id

        def written(text: str | None) -> None:
            if text is None:
                return
            notes = TextNotes()
            note = long_text("note", text, notes=notes)
            self._report_notes(notes)
            self._write(lambda store: store.set_evidence_note(self.order_id, item_id, note), None)

        self.app.push_screen(NoteScreen(f"Note: {item.label}", item.note), written)

    def action_open_file(self) -> None:
        item = self.query_one(EvidenceList).highlighted_item
        if item is None or not item.attachments:
            return
        path = item.attachments[-1].path
        problem = open_with_system_viewer(path)
        if problem:
            self.notify(f"Cannot open {path}: {problem}", severity="warning", markup=False)

    # -- helpers ---------------------------------------------------------------------

    @work(thread=True, group="write", exit_on_error=False)
    def _write(self, change: Any, done_message: str | None) -> None:
        self.aliret.db.call(change)
        if done_message:
            self.app.call_from_thread(self.notify, done_message, markup=False)
        self.app.call_from_thread(self.load)

    def _confirm(
        self, question: Content | str, label: str, then: Any, danger: bool = False
    ) -> None:
        from aliret_tui.tui.screens.modals import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                then()

        self.app.push_screen(ConfirmScreen(question, label, danger=danger), answered)

    def _report_notes(self, notes: TextNotes) -> None:
        for message in notes.messages():
            self.notify(message, title="Cleaned", markup=False)

    def palette_commands(self) -> Iterable[SystemCommand]:
        if self.allowed:
            yield SystemCommand(
                "Record event", "Record what happened (r)", self.action_record_event
            )
        for tab in TABS:
            yield SystemCommand(
                f"Show {tab}", f"Switch to the {tab} tab", lambda tab=tab: self.action_tab(tab)
            )
        yield SystemCommand(
            "Copy timeline", "Plain text for a mediation request", self.action_copy_timeline
        )
        if self._has_folded_text(self.query_one(TabbedContent).active):
            yield SystemCommand(
                "Show all", "This tab's long note, or the timeline, in full (v)",
                self.action_show_all,
            )  # fmt: skip
        yield SystemCommand("Add chat message", "Write or paste a message", self.action_add_message)
        yield SystemCommand(
            "Import chat transcript", "From a text file", self.action_import_transcript
        )
        yield SystemCommand(
            "Add evidence item", "Your own checklist item", self.action_add_evidence
        )
        yield SystemCommand("Back to the dashboard", "esc", self.action_back)


def _day(day: dt.date | None) -> str:
    return day.isoformat() if day else "—"


def _readiness_content(ready: Readiness) -> Content:
    def mark(ok: bool | None, name: str) -> Content:
        if ok is None:
            return Content.from_markup("[dim]–  $name (no return)[/]", name=name)
        if ok:
            return Content.from_markup("[$text-success]✓[/]  $name", name=name)
        return Content.from_markup("[$text-error]✗[/]  $name", name=name)

    return Content("\n").join(
        [
            Content.from_markup("[b]Mediation readiness[/b]"),
            mark(ready.photos, "photos"),
            mark(ready.messages, "messages (from you and the seller)"),
            mark(ready.tracking, "tracking"),
        ]
    )


def _hints_content(hints: list[Hint]) -> Content:
    if not hints:
        return Content.from_markup("[b]Hints[/b]\n[dim]None for this order now.[/]")
    lines = [Content.from_markup("[b]Hints[/b]")]
    for hint in hints:
        lines.append(Content.from_markup("[b $text-accent]$title[/]", title=hint.title))
        lines.append(Content(hint.detail))
    return Content("\n").join(lines)
