"""The order screen's footing: the order it shows, kept current."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.content import Content
from textual.screen import Screen
from textual.worker import Worker, get_current_worker

from aliret_tui.domain.fields import TextNotes
from aliret_tui.domain.models import Attachment, EvidenceItem, OrderRecord
from aliret_tui.domain.vocabulary import EventKind
from aliret_tui.files import HashingCancelled, file_state
from aliret_tui.tui.screens.detail.loading import (
    DetailLoaded,
    FileChecked,
    OneAtATime,
    StoreChanged,
    read_order,
)
from aliret_tui.tui.workers import ReportsWorkerErrors

if TYPE_CHECKING:
    from aliret_tui.tui.app_services import AppServices


POLL_SECONDS = 1.0  # outside changes show within about a second, as on the dashboard


class CurrentOrderScreen(ReportsWorkerErrors, Screen[None]):
    """Holds the order shown and keeps it current: read off the event loop, read again
    when the data changes (here or in another process), its attached files checked;
    and a change written, then the order read again."""

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
        self._look_when_left: tuple[object, ...] | None = None  # the app's, when suspended
        self._reopened = False  # refilled for another order, not yet shown
        self._attachments: list[Attachment] = []
        self._start_workers()

    def _start_workers(self) -> None:
        """Fresh starters for each kind of read (the screen kept for the next order
        starts again, whatever the last order's workers were doing)."""
        self._loads = OneAtATime(self._read_order)
        self._file_checks = OneAtATime(lambda: self._check_files(self._attachments))
        self._polls = OneAtATime(self._reload_if_changed)

    @property
    def aliret(self) -> AppServices:
        return self.app  # type: ignore[return-value]

    @property
    def in_use(self) -> bool:
        """Shown, or under a dialog of its own; not a screen kept for the next order."""
        return self.is_attached and self in self.app.screen_stack

    def _poll(self) -> None:
        if self.in_use:
            self._polls.request()

    def stop_workers(self) -> None:
        """What a screen that goes does: its reads and file checks stop (a write
        under way still ends)."""
        self.workers.cancel_node(self)

    def load(self) -> None:
        """Read the order again (once more after the read under way, if there is one)."""
        self._loads.request()

    @work(thread=True, group="detail-load", exit_on_error=False)
    def _read_order(self) -> None:
        self.post_message(read_order(self.aliret, self.order_id))  # _show drops another order

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

    def is_checking(self, attachment_id: int) -> bool:
        """Whether the file is one of this order's (a check of another order's, from
        before the screen was refilled, is dropped)."""
        return any(attachment.id == attachment_id for attachment in self._attachments)

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
            if not self._show_file_state(attachment, worker):
                return

    def _show_file_state(self, attachment: Attachment, worker: Worker[Any]) -> bool:
        """Read one attached file (in ``worker``'s thread) and show whether it is
        intact; False when the worker was cancelled while it read."""
        assert attachment.id is not None
        try:
            state = file_state(
                attachment.path,
                attachment.size,
                attachment.sha256,
                should_stop=lambda: worker.is_cancelled,
            )
        except HashingCancelled:
            return False
        self.post_message(FileChecked(attachment.id, state))
        return True

    @on(Worker.StateChanged)
    def _worker_ended(self, event: Worker.StateChanged) -> None:
        for workers in (self._loads, self._file_checks, self._polls):
            workers.ended(event.worker)

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
