"""The Evidence tab's actions: the checklist, and files attached with their hash,
watched for changes while the tab is shown."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual import events, on, work
from textual.timer import Timer
from textual.widgets import TabbedContent
from textual.worker import get_current_worker

from aliret_tui.domain.fields import FieldErrors, TextNotes, long_text
from aliret_tui.domain.models import Attachment, EvidenceItem, parse
from aliret_tui.errors import UserError
from aliret_tui.files import CHUNK, FileState, fingerprint
from aliret_tui.system_viewer import open_with_system_viewer
from aliret_tui.tui.screens.detail.current_order import CurrentOrderScreen
from aliret_tui.tui.screens.detail.forms import FileScreen, NoteScreen, PromptScreen
from aliret_tui.tui.screens.detail.loading import FileChecked
from aliret_tui.tui.widgets.evidence_list import KIND_LABELS, EvidenceList

FILE_WATCH_SECONDS = 2.0  # how often attached files are looked at while the tab shows
# A changed file this large says "checking…" while it is read again.
SHOW_CHECKING_FROM_BYTES = 8 * CHUNK
# What a file looks like without reading it: (device, inode, size, mtime, ctime), or
# why it could not be looked at (the errno).
FileLook = tuple[int, ...]


def file_look(path: str) -> FileLook:
    """How the file at ``path`` looks to ``stat``: what changes when it is written,
    moved, replaced, deleted or has its permissions changed."""
    try:
        found = os.stat(path)
    except OSError as error:
        return (error.errno or -1,)
    return (found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns)


class EvidenceActions(CurrentOrderScreen):
    """The Evidence tab's keys: tick, add, attach, note and open. While the tab is
    shown, the attached files are looked at (``stat``) every ``file_watch_seconds``,
    and one that looks different is checked again (read, off the event loop): a
    file changed, moved or deleted meanwhile shows so, and shows intact once back."""

    file_watch_seconds = FILE_WATCH_SECONDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._file_watch: Timer | None = None
        self._file_looks: dict[int, FileLook] = {}  # attachment id -> as last checked
        self._watching: Any = None  # the worker looking at the files, while it runs

    # -- watching the attached files --------------------------------------------------

    @on(TabbedContent.TabActivated)
    @on(events.ScreenResume)
    def _file_watch_follows_tab(self) -> None:
        """Watch while the Evidence tab is the one shown; not on another tab, under a
        dialog, or once the screen is left."""
        tabs = self.query(TabbedContent)
        shown = self.is_current and bool(tabs) and tabs.first().active == "evidence"
        if not shown:
            self._stop_watching_files()
        elif self._file_watch is None:
            self._file_watch = self.set_interval(self.file_watch_seconds, self._look_at_files)
        else:
            self._file_watch.resume()
            self._look_at_files()  # what changed while away shows at once

    @on(events.ScreenSuspend)
    def _stop_watching_files(self) -> None:
        if self._file_watch is not None:
            self._file_watch.pause()

    def _look_at_files(self) -> None:
        watching = self._watching
        if watching is not None and not watching.is_finished:
            return  # the last look is not over (a slow disk, a large file read again)
        if self._file_checks.busy or not self.in_use:
            return  # the order's files are being checked already
        shown_states = dict(self.query_one(EvidenceList).file_states)
        self._watching = self._recheck_changed_files(list(self._attachments), shown_states)

    @work(thread=True, group="file-watch", exit_on_error=False)
    def _recheck_changed_files(
        self, attachments: list[Attachment], shown_states: dict[int, FileState]
    ) -> None:
        """Check again each file that looks different from when it was last checked.
        One first seen here is checked once (at no cost when it is unchanged since
        the order's check: that remembered its hash for how it looks)."""
        worker = get_current_worker()
        looks: dict[int, FileLook] = {}
        for attachment in attachments:
            if worker.is_cancelled:
                return
            if attachment.id is None:
                continue
            look = file_look(attachment.path)
            looks[attachment.id] = look
            before = self._file_looks.get(attachment.id)
            if before == look:
                continue
            if before is None and shown_states.get(attachment.id) is FileState.TOO_SLOW:
                continue  # not read again unless it changes
            if len(look) > 1 and look[2] == attachment.size >= SHOW_CHECKING_FROM_BYTES:
                self.post_message(FileChecked(attachment.id, None))  # "checking…"
            if not self._show_file_state(attachment, worker):
                return
        self._file_looks = looks  # only this order's files are kept

    def action_toggle_evidence(self) -> None:
        item = self.query_one(EvidenceList).highlighted_item
        if item is None or item.id is None:
            return
        order_id, item_id, done = self.order_id, item.id, not item.done
        self._write(lambda store: store.set_evidence_done(order_id, item_id, done), None)

    def action_remove_evidence(self) -> None:
        """Take the highlighted item off the checklist, after asking."""
        item = self.query_one(EvidenceList).highlighted_item
        if item is None or item.id is None:
            return
        order_id, item_id = self.order_id, item.id
        files = len(item.attachments)
        with_files = (
            f" and the record of its {files} attached file{'s' if files != 1 else ''} (the "
            "files themselves stay where they are)"
            if files
            else ""
        )
        self._confirm(
            f'Remove "{item.label}" from the checklist{with_files}?',
            "Remove",
            lambda: self._write(
                lambda store: store.remove_evidence_item(order_id, item_id), "Item removed"
            ),
            danger=True,
        )

    def action_detach_files(self) -> None:
        """Forget the files attached to the highlighted item, after asking."""
        item = self.query_one(EvidenceList).highlighted_item
        if item is None or item.id is None or not item.attachments:
            return
        order_id, item_id = self.order_id, item.id
        names = ", ".join(Path(attachment.path).name for attachment in item.attachments)
        self._confirm(
            f'Detach {names} from "{item.label}"? The files themselves stay where they are.',
            "Detach",
            lambda: self._write(
                lambda store: store.detach_files(order_id, item_id), "Files detached"
            ),
            danger=True,
        )

    def action_add_evidence(self) -> None:
        order_id = self.order_id  # the screen may show another order by the time it runs

        def chosen(answer: tuple[str, Any] | None) -> None:
            if answer is None:
                return
            label, kind = answer
            try:
                item = parse(EvidenceItem, {"label": label, "kind": kind, "custom": True})
            except FieldErrors as errors:
                self.notify(str(errors.first), severity="error", markup=False)
                return
            self._write(lambda store: store.add_evidence_item(order_id, item), "Item added")

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
        order_id, item_id, label = self.order_id, item.id, item.label

        def attached(answer: Attachment | None) -> None:
            if answer is not None:
                name = Path(answer.path).name
                self.notify(
                    f"Attached {name} ({answer.size:,} bytes) to {label}",
                    title="Attached",
                    markup=False,
                )
                self.load()

        self.app.push_screen(
            FileScreen(
                "Attach a file",
                "Path",
                f"To: {label}. The file stays where it is. Its size and SHA-256 are "
                "recorded now, so you will see later if it goes missing or changes.",
                wanted="Give the path of a file: a photo, a video, a screenshot or a document "
                "(ctrl+o browses).",
                read=self._fingerprint_file,
                write=lambda read: self._store_attachment(order_id, item_id, *read),
                placeholder="~/Pictures/label.jpg",
            ),
            attached,
        )

    def _fingerprint_file(
        self, path: Path, should_stop: Callable[[], bool]
    ) -> tuple[Attachment, TextNotes]:
        """The file's size and SHA-256, as an attachment (in the dialog's worker thread)."""
        path = path.expanduser().resolve()
        size, digest = fingerprint(path, should_stop=should_stop)
        notes = TextNotes()
        values = {
            "path": str(path),
            "size": size,
            "sha256": digest,
            "attached_at": self.aliret.time.now().isoformat(timespec="seconds"),
        }
        try:
            attachment = parse(Attachment, values, notes=notes)
        except FieldErrors as errors:
            raise UserError(str(errors.first.message)) from None
        return attachment, notes

    def _store_attachment(
        self, order_id: str, item_id: int, attachment: Attachment, notes: TextNotes
    ) -> Attachment:
        """Record the attachment (in the dialog's worker thread)."""
        self.aliret.db.call(lambda store: store.attach_file(order_id, item_id, attachment))
        self.app.call_from_thread(self._report_notes, notes)
        return attachment

    def action_edit_note(self) -> None:
        item = self.query_one(EvidenceList).highlighted_item
        if item is None or item.id is None:
            return
        order_id, item_id = self.order_id, item.id

        def written(text: str | None) -> None:
            if text is None:
                return
            notes = TextNotes()
            note = long_text("note", text, notes=notes)
            self._report_notes(notes)
            self._write(lambda store: store.set_evidence_note(order_id, item_id, note), None)

        self.app.push_screen(NoteScreen(f"Note: {item.label}", item.note), written)

    def action_open_file(self) -> None:
        item = self.query_one(EvidenceList).highlighted_item
        if item is None or not item.attachments:
            return
        path = item.attachments[-1].path
        problem = open_with_system_viewer(path)
        if problem:
            self.notify(f"Cannot open {path}: {problem}", severity="warning", markup=False)

    @on(FileChecked)
    def _file_checked(self, message: FileChecked) -> None:
        if self.is_checking(message.attachment_id):  # not one of the last order's files
            self.query_one(EvidenceList).show_file_state(message.attachment_id, message.state)
