"""The Evidence tab's actions: the checklist, and files attached with their hash."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.worker import get_current_worker

from aliret_tui.domain.fields import FieldError, FieldErrors, TextNotes, long_text
from aliret_tui.domain.models import Attachment, EvidenceItem, parse
from aliret_tui.files import HashingCancelled, fingerprint, open_with_system_viewer
from aliret_tui.tui.screens.detail.current_order import CurrentOrderScreen
from aliret_tui.tui.screens.detail.forms import NoteScreen, PromptScreen
from aliret_tui.tui.screens.detail.loading import FileChecked
from aliret_tui.tui.widgets.evidence_list import KIND_LABELS, EvidenceList

if TYPE_CHECKING:
    pass


class EvidenceActions(CurrentOrderScreen):
    """The Evidence tab's keys: tick, add, attach, note and open."""

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
        order_id, item_id = self.order_id, item.id

        def chosen(answer: tuple[str, Any] | None) -> None:
            if answer is not None:
                self._attach_file_at(order_id, item_id, answer[0])

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
    def _attach_file_at(self, order_id: str, item_id: int, path_text: str) -> None:
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
        self.aliret.db.call(lambda store: store.attach_file(order_id, item_id, attachment))
        self.app.call_from_thread(
            self.notify, f"Attached {path.name} ({size:,} bytes)", title="Attached", markup=False
        )
        self.app.call_from_thread(self.load)

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
