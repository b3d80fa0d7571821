"""One order, worked through: the title and clock, the four tabs (overview,
timeline, chat, evidence), the workflow's events, and the keys that apply on each tab."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from functools import cached_property, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Static, TabbedContent, TabPane
from textual.worker import get_current_worker

from aliret_tui.domain.corrections import Correction
from aliret_tui.domain.timeline import timeline_lines, timeline_text
from aliret_tui.domain.vocabulary import EventKind
from aliret_tui.domain.workflow import opens_on
from aliret_tui.files import HashingCancelled, write_private_file
from aliret_tui.sanitize import outgoing
from aliret_tui.tui.breakpoints import apply_breakpoints
from aliret_tui.tui.clipboard import clipboard_commands, copy_text
from aliret_tui.tui.key_names import key_named, with_key
from aliret_tui.tui.screens.detail.chat_actions import ChatActions
from aliret_tui.tui.screens.detail.current_order import POLL_SECONDS
from aliret_tui.tui.screens.detail.evidence_actions import EvidenceActions
from aliret_tui.tui.screens.detail.forms import (
    EVENT_BUTTON_LABELS,
    EVENT_KEYS,
    EventChoiceScreen,
    EventFormScreen,
    EventPickerScreen,
    PromptScreen,
)
from aliret_tui.tui.screens.detail.full_text import FullTextScreen
from aliret_tui.tui.screens.detail.loading import DetailLoaded
from aliret_tui.tui.screens.detail.panels import (
    NAMED_KEYS,
    clock_strip_content,
    facts_content,
    hints_content,
    next_step_content,
    readiness_content,
    timeline_content,
)
from aliret_tui.tui.screens.help import ORDER_SCREEN_KEYS
from aliret_tui.tui.screens.modals import ConfirmScreen
from aliret_tui.tui.widgets.chat_log import ChatLog
from aliret_tui.tui.widgets.evidence_list import EvidenceList
from aliret_tui.tui.widgets.keys_footer import KeysFooter
from aliret_tui.tui.widgets.text_view import fold
from aliret_tui.tui.widgets.virtual_list import VirtualList

if TYPE_CHECKING:
    pass


TABS = ("overview", "timeline", "chat", "evidence")
# Keys that only make sense on one tab.
TAB_ACTIONS = {
    "copy_timeline": "timeline",
    "take_back_event": "timeline",
    "correct_event": "timeline",
    "add_message": "chat",
    "import_transcript": "chat",
    "edit_message": "chat",
    "delete_message": "chat",
    "toggle_evidence": "evidence",
    "remove_evidence": "evidence",
    "detach_files": "evidence",
    "add_evidence": "evidence",
    "attach_file": "evidence",
    "edit_note": "evidence",
    "open_file": "evidence",
}
# After going back, the screen kept for the next order is cleared this much later
# (after the dashboard's first frame, before a key is likely).
CLEAR_AFTER_SECONDS = 0.05
NEEDS_SELECTION = {
    "edit_message", "delete_message", "toggle_evidence", "attach_file", "edit_note",
    "remove_evidence", "detach_files",
}  # fmt: skip


class DetailScreen(ChatActions, EvidenceActions):
    HELP_KEYS = ORDER_SCREEN_KEYS  # what ? shows here
    BINDINGS = [
        Binding("escape", "back", "Back", id="back"),
        Binding("r", "record_event", "Record event", id="record_event"),
        Binding("1", "tab('overview')", "Overview", show=False, id="tab_overview"),
        Binding("2", "tab('timeline')", "Timeline", show=False, id="tab_timeline"),
        Binding("3", "tab('chat')", "Chat", show=False, id="tab_chat"),
        Binding("4", "tab('evidence')", "Evidence", show=False, id="tab_evidence"),
        Binding("c", "copy_timeline", "Copy timeline", id="copy_timeline"),
        Binding("u", "take_back_event", "Take back last", id="take_back_event"),
        Binding("e", "correct_event", "Correct event", id="correct_event"),
        Binding("P", "claim_pack", "Claim pack", id="claim_pack"),
        Binding("m", "add_message", "Add message", id="add_message"),
        Binding("i", "import_transcript", "Import transcript", id="import_transcript"),
        Binding("e", "edit_message", "Edit", id="edit_message"),
        Binding("x", "delete_message", "Delete", id="delete_message"),
        Binding("space", "toggle_evidence", "Tick", id="toggle_evidence"),
        Binding("a", "add_evidence", "Add item", id="add_evidence"),
        Binding("f", "attach_file", "Attach file", id="attach_file"),
        Binding("n", "edit_note", "Note", id="edit_note"),
        Binding("o", "open_file", "Open file", id="open_file"),
        # Rare and asked about first: in help (?) and the palette, not the footer.
        Binding("x", "remove_evidence", "Remove item", show=False, id="remove_evidence"),
        Binding("d", "detach_files", "Detach files", show=False, id="detach_files"),
        Binding("v", "show_all", "Show all", id="show_all"),
    ]

    def compose(self) -> ComposeResult:
        apply_breakpoints(self)  # laid out for this width from the first frame
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
        self.set_interval(POLL_SECONDS, self._poll)
        if self._preloaded is not None:
            await self._show(self._preloaded)
            self._preloaded = None
            await self.query_one(KeysFooter).rebuild_now()  # its keys in the first frame
        else:
            self.load()

    async def reopen(self, loaded: DetailLoaded) -> None:
        """Show another order on this screen, kept from the last one, as a new screen
        would show it. Call before the screen is pushed again."""
        self.stop_workers()
        self._start_workers()
        self.order_id = loaded.record.order.order_id
        self._clear()
        apply_breakpoints(self)  # the terminal may have been resized meanwhile
        await self._show(loaded)
        await self.query_one(KeysFooter).rebuild_now()  # this order's keys from the first frame
        self._reopened = True

    def _clear(self) -> None:
        """Back to how a new screen starts: the overview tab, nothing scrolled or
        focused, nothing of the last order. Done soon after going back, while the
        dashboard is looked at, and again (at no cost) when the next order opens."""
        if self.in_use:
            return
        self.record, self.origins, self.allowed, self.corrections = None, {}, [], []
        self.seen_data_version, self._applicable_keys, self._attachments = None, (), []
        tabs = self.query_one(TabbedContent)
        if tabs.active != "overview":
            tabs.active = "overview"
        for scroll in self.query(VerticalScroll):
            if scroll.scroll_offset != (0, 0):
                scroll.scroll_to(0, 0, animate=False, immediate=True)
        chat = self.query_one(ChatLog)
        if chat.messages:
            chat.show_messages([], keep_cursor=False)
        evidence = self.query_one(EvidenceList)
        if evidence.items:
            evidence.cursor = 0
            evidence.show_items([], {})
        # Focus where a new screen does, and the footer's keys for it, now rather
        # than when the next order is shown.
        auto_focus = self.app.AUTO_FOCUS if self.AUTO_FOCUS is None else self.AUTO_FOCUS
        first = next((widget for widget in self.query(auto_focus or "*") if widget.focusable), None)
        if first is not None and self.focused is not first:
            self.set_focus(first, scroll_visible=False)
        footer = self.query_one(KeysFooter)
        footer.call_later(footer.bindings_changed, self)  # in the footer's own context

    def _app_look(self) -> tuple[object, ...]:
        """What the styles depend on beyond this screen: theme, size, the app's focus."""
        app = self.app
        return (app.theme, app.size, app.app_focus, app.ansi_color, app.current_theme.dark)

    def _on_screen_suspend(self) -> None:
        self._look_when_left = self._app_look()

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        """Textual works out the styles of every widget again on each resume. Shown
        again for the next order, this screen's are current (what it changed while
        away was restyled as it changed) unless the app's look changed meanwhile."""
        if self._reopened and self._look_when_left == self._app_look():
            event.refresh_styles = False
        self._reopened = False
        self.call_after_refresh(self._prepare_chat)

    @on(DetailLoaded)
    async def _show(self, message: DetailLoaded) -> None:
        if message.record.order.order_id != self.order_id:
            return  # read for the order this screen showed before
        self.record = message.record
        self.origins = message.origins
        self.corrections = message.corrections
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
        self.query_one("#facts", Static).update(
            facts_content(message.record, self.origins, self.aliret.policy, self.panel_keys)
        )
        self.query_one("#next-step", Static).update(
            next_step_content(self.allowed, self.panel_keys)
        )
        await self._show_event_buttons()
        self.query_one("#readiness", Static).update(readiness_content(message.readiness))
        self.query_one("#hints", Static).update(hints_content(message.hints))
        self.query_one("#timeline-text", Static).update(
            timeline_content(message.record, self.origins, self.panel_keys, self.corrections)
        )
        chat = self.query_one(ChatLog)
        chat.seller_name = order.store or "Seller"
        chat.show_messages(list(message.record.messages))
        if self.is_current:  # else when shown (call_after_refresh is the shown screen's)
            self.call_after_refresh(self._prepare_chat)
        evidence = self.query_one(EvidenceList)
        evidence.show_items(list(message.record.evidence), evidence.file_states)
        self.check_files(list(message.record.evidence))
        self.refresh_bindings()

    def _prepare_chat(self) -> None:
        """Lay the chat out while its tab is hidden, once the screen is painted, for
        the width it will have: then 3 shows a long chat at once."""
        chat = self.query_one(ChatLog)
        if self.query_one(TabbedContent).active == "chat" or not self.in_use:
            return
        width = self.query_one("#tabs ContentSwitcher").content_region.width
        chat.prepare_layout(width - chat.styles.scrollbar_size_vertical)

    @cached_property
    def panel_keys(self) -> dict[str, str]:
        """The keys the panels name, as they run now (remapped in config.toml or not)."""
        return {binding_id: key_named(self.app, binding_id, self) for binding_id in NAMED_KEYS}

    def _tick(self, now: dt.datetime) -> None:
        if self.in_use:
            self._update_clock(now)

    def _update_clock(self, now: dt.datetime) -> None:
        if self.record is not None:
            strip = clock_strip_content(
                self.record.order, self.aliret.policy, now, self.panel_keys, self.allowed
            )
            self.query_one("#clock-strip", Static).update(strip)

    async def _show_event_buttons(self) -> None:
        bar = self.query_one("#event-buttons", Horizontal)
        if [button.name for button in bar.query(Button)] == [kind.value for kind in self.allowed]:
            return  # the same buttons (the same labels) as the last order's
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

    def action_copy_timeline(self) -> None:
        if self.record is None:
            return
        text = timeline_text(self.record.order, self.record.events, self.origins, self.corrections)
        copied = copy_text(text, self.app.copy_to_clipboard)
        lines = f"{text.count(chr(10))} lines of the timeline"
        self.notify(copied.message(lines), title="Timeline copied", markup=False)
        if not copied.certain and not clipboard_commands():
            self._offer_to_save(text)

    def _offer_to_save(self, text: str) -> None:
        """No clipboard tool here (over ssh, in a console): offer a file instead."""
        from aliret_tui.reports.claim_pack import safe_file_part

        assert self.record is not None
        order_id = self.record.order.order_id
        suggested = Path.cwd() / f"timeline-{safe_file_part(order_id)}.txt"

        def chosen(answer: tuple[str, Any] | None) -> None:
            if answer is not None:
                self._save_text(Path(answer[0].strip().strip("'\"")).expanduser(), text)

        self.app.push_screen(
            PromptScreen(
                "Save the timeline to a file",
                "File",
                "No clipboard tool was found (wl-copy, xclip, xsel, pbcopy), and your "
                "terminal may ignore the clipboard escape. Save the timeline as a text file?",
                value=str(suggested),
            ),
            chosen,
        )

    @work(thread=True, group="write", exit_on_error=False)
    def _save_text(self, path: Path, text: str) -> None:
        write_private_file(path, text)
        self.app.call_from_thread(
            self.notify, f"Saved the timeline to {path}", title="Saved", markup=False
        )

    def action_take_back_event(self) -> None:
        """Ask, then take back the last event: the order goes back to what the events
        before it give, and the event stays on the record."""
        if self.record is None or not self.record.events:
            self.notify("There is no recorded event to take back.", markup=False)
            return
        last = self.record.events[-1]
        order_id, version = self.record.order.order_id, self.record.order.version

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._take_back(order_id, version)

        self.app.push_screen(
            ConfirmScreen(
                f'Take back "{last.kind.label}" of {last.on.isoformat()}? The order goes '
                "back to where the events before it leave it. The event stays on the "
                "record below the timeline.",
                confirm_label="Take back",
                danger=True,
            ),
            confirmed,
        )

    @work(thread=True, group="write", exit_on_error=False)
    def _take_back(self, order_id: str, version: int) -> None:
        correction = self.aliret.db.call(
            lambda store: store.take_back_last_event(order_id, expected_version=version)
        )
        self.app.call_from_thread(self._corrected, correction)

    def action_correct_event(self) -> None:
        """Choose an event, then correct its date and values in its form."""
        if self.record is None or not self.record.events:
            self.notify("There is no recorded event to correct.", markup=False)
            return
        events = self.record.events
        if len(events) == 1:
            self._open_correction(events[0].seq)
            return

        def chosen(seq: int | None) -> None:
            if seq:
                self._open_correction(seq)

        self.app.push_screen(EventChoiceScreen(events), chosen)

    def _open_correction(self, seq: int) -> None:
        assert self.record is not None
        event = next(event for event in self.record.events if event.seq == seq)

        def saved(correction: Correction | None) -> None:
            if correction is not None:
                self._corrected(correction)

        form = EventFormScreen(self.record.order, event.kind, self.record.lines, correcting=event)
        self.app.push_screen(form, saved)

    def _corrected(self, correction: Correction) -> None:
        self.notify(
            f"{correction.summary}: now {correction.order.state.label}",
            title="Timeline corrected",
            markup=False,
        )
        self.load()

    def action_claim_pack(self) -> None:
        """Ask where, then write the claim pack: one zip to hand to a mediator."""
        if self.record is None:
            return
        from aliret_tui.reports.claim_pack import default_pack_name

        order_id = self.order_id

        def chosen(answer: tuple[str, Any] | None) -> None:
            if answer is not None:
                self._write_claim_pack(order_id, answer[0])

        self.app.push_screen(
            PromptScreen(
                "Build a claim pack",
                "Save as",
                "One zip for the mediator: a summary, the timeline, the chat, the evidence "
                "files and a manifest of their SHA-256, each file checked against the hash "
                "recorded when it was attached.",
                value=str(Path.cwd() / default_pack_name(order_id)),
            ),
            chosen,
        )

    @work(thread=True, group="write", exit_on_error=False)
    def _write_claim_pack(self, order_id: str, path_text: str) -> None:
        from aliret_tui.reports.claim_pack import write_claim_pack

        worker = get_current_worker()
        record, origins = self.aliret.db.call(
            lambda store: (store.record(order_id), store.fact_origins(order_id))
        )
        try:
            packed = write_claim_pack(
                record,
                today=self.aliret.time.today(),
                policy=self.aliret.policy,
                origins=origins,
                destination=Path(path_text).expanduser(),
                should_stop=lambda: worker.is_cancelled,
            )
        except HashingCancelled:
            return  # the screen went, or the app is quitting
        problems = packed.problems
        message = f"{packed.path} ({len(packed.files)} files)"
        if problems:
            message += (
                f"; {len(problems)} attached file{'s' if len(problems) != 1 else ''} changed "
                "or missing since attached: see summary.md"
            )
        self.app.call_from_thread(
            self.notify,
            message,
            title="Claim pack written",
            severity="warning" if problems else "information",
            markup=False,
        )

    def action_back(self) -> None:
        self.stop_workers()  # as if the screen went (the kept one stays for the next order)
        if self.app.is_screen_installed(self):
            self.set_timer(CLEAR_AFTER_SECONDS, self._clear)
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

        assert self.record is not None
        order, today = self.record.order, self.aliret.time.today()
        opens = {
            kind: day
            for kind in self.allowed
            if (day := opens_on(order, kind, self.aliret.policy)) is not None and day > today
        }
        self.app.push_screen(EventPickerScreen(self.allowed, opens), picked)

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
        if action == "detach_files":
            item = self.query_one(EvidenceList).highlighted_item
            return item is not None and bool(item.attachments)
        if action in NEEDS_SELECTION:
            if tab == "chat":
                return self.query_one(ChatLog).highlighted_message is not None
            return self.query_one(EvidenceList).highlighted_item is not None
        if action == "open_file":
            item = self.query_one(EvidenceList).highlighted_item
            return item is not None and bool(item.attachments)
        return True

    def palette_commands(self) -> Iterable[SystemCommand]:
        """Every action of the order screen by name; each help names the key that
        does it now (remapped in config.toml or not), and the tab it works on."""

        def command(
            title: str, does: str, binding_id: str, callback: Callable[[], Any]
        ) -> SystemCommand:
            tab = TAB_ACTIONS.get(binding_id)
            where = f"on the {tab} tab" if tab else ""
            return SystemCommand(title, with_key(self.app, does, binding_id, self, where=where),
                                 callback)  # fmt: skip

        if self.allowed:
            yield command(
                "Record event", "Record what happened", "record_event", self.action_record_event
            )
        for tab in TABS:
            yield command(
                f"Show {tab}",
                f"Switch to the {tab} tab",
                f"tab_{tab}",
                partial(self.action_tab, tab),
            )
        yield command(
            "Copy timeline", "Plain text for a mediation request", "copy_timeline",
            self.action_copy_timeline,
        )  # fmt: skip
        if self.record is not None and self.record.events:
            yield command(
                "Take back the last event", "After asking; it stays on the record",
                "take_back_event", self.action_take_back_event,
            )  # fmt: skip
            yield command(
                "Correct an event", "Its date and values, in its own form", "correct_event",
                self.action_correct_event,
            )  # fmt: skip
        yield command(
            "Build claim pack", "One zip for the mediator", "claim_pack", self.action_claim_pack
        )
        if self._has_folded_text(self.query_one(TabbedContent).active):
            yield command(
                "Show all", "This tab's long note, or the timeline, in full", "show_all",
                self.action_show_all,
            )  # fmt: skip
        yield command(
            "Add chat message", "Write or paste a message", "add_message", self.action_add_message
        )
        yield command(
            "Import chat transcript", "From a text file", "import_transcript",
            self.action_import_transcript,
        )  # fmt: skip
        yield command(
            "Add evidence item", "Your own checklist item", "add_evidence", self.action_add_evidence
        )
        yield command(
            "Back to the dashboard", "With its cursor and filter as you left them", "back",
            self.action_back,
        )  # fmt: skip


KEPT_SCREEN = "order"  # the name the order screen is installed under, kept between orders


async def open_order_screen(
    app: App[Any], loaded: DetailLoaded, callback: Callable[[None], Any] | None = None
) -> None:
    """Push the order screen showing ``loaded`` (from ``read_order``). The screen of
    the last order opened is kept and refilled: its widgets are not built and styled
    again, so a long chat opens at once. ``callback`` runs when it is closed."""
    kept = app.get_screen(KEPT_SCREEN) if app.is_screen_installed(KEPT_SCREEN) else None
    if kept is not None and not kept.is_attached and kept not in app.screen_stack:
        app.uninstall_screen(kept)  # gone (the app's screens were reset): keep a new one
        kept = None
    if isinstance(kept, DetailScreen) and kept not in app.screen_stack:
        await kept.reopen(loaded)
        screen = kept
    else:  # the first order, or the kept screen is open already (under a dialog)
        screen = DetailScreen(loaded.record.order.order_id, preloaded=loaded)
        if kept is None:
            app.install_screen(screen, KEPT_SCREEN)
    await app.push_screen(screen, callback)
