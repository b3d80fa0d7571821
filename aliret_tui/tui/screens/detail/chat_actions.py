"""The Chat tab's actions: the dispute's messages, typed or imported from a transcript."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.content import Content

from aliret_tui.domain.fields import FieldError, FieldErrors, TextNotes
from aliret_tui.domain.models import ChatMessage, parse
from aliret_tui.domain.transcript import MAX_TRANSCRIPT_BYTES, parse_transcript
from aliret_tui.errors import UserError
from aliret_tui.files import TooLarge, read_at_most
from aliret_tui.tui.screens.detail.current_order import CurrentOrderScreen
from aliret_tui.tui.screens.detail.forms import FileScreen, MessageFormScreen
from aliret_tui.tui.widgets.chat_log import ChatLog

TRANSCRIPT_WANTED = (
    "Give a UTF-8 text file with one message per line, like "
    "[2026-11-20 14:30] Me: Hello (ctrl+o browses)."
)


@dataclass
class TranscriptImported:
    """What an import added, said as the user reads it, and what was cleaned."""

    summary: str
    notes: TextNotes


class ChatActions(CurrentOrderScreen):
    """The Chat tab's keys: add, import, correct and delete messages."""

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
        order_id = self.order_id  # the screen may show another order by the time it runs
        self._write(lambda store: store.add_messages(order_id, [message]), "Message added")

    def action_import_transcript(self) -> None:
        order_id = self.order_id  # the screen may show another order by the time it runs

        def imported(answer: TranscriptImported | None) -> None:
            if answer is None:
                return
            self._report_notes(answer.notes)
            self.notify(answer.summary, title="Imported", markup=False)
            self.load()

        self.app.push_screen(
            FileScreen(
                "Import a chat transcript",
                "File",
                "One message per line: [YYYY-MM-DD HH:MM] Sender: text. Sender is Me, Seller "
                "or AliExpress; lines that do not start with [ continue the message above. "
                "All lines are imported, or none; messages already in the chat are skipped.",
                wanted=TRANSCRIPT_WANTED,
                read=lambda path, should_stop: self._read_transcript(path),
                write=lambda transcript: self._store_transcript(order_id, *transcript),
                placeholder="~/Downloads/chat.txt",
            ),
            imported,
        )

    def _read_transcript(self, path: Path) -> tuple[str, list[ChatMessage], TextNotes]:
        """Read and check a transcript (in the dialog's worker thread): the file's
        name, its messages and notes. Every refusal names the file and, for a bad
        line, the line."""
        try:
            with path.open("rb") as file:
                text = read_at_most(file, MAX_TRANSCRIPT_BYTES).decode("utf-8-sig")
        except TooLarge:
            raise UserError(
                f"{path.name} is too large for a chat transcript (more than "
                f"{MAX_TRANSCRIPT_BYTES // 1024**2} MB). {TRANSCRIPT_WANTED}"
            ) from None
        except UnicodeDecodeError:
            raise UserError(f"{path.name} is not UTF-8 text. {TRANSCRIPT_WANTED}") from None
        notes = TextNotes()
        try:
            messages = parse_transcript(text, notes=notes)
        except FieldError as error:
            if error.field == "transcript":  # nothing in it
                raise UserError(f"{path.name} {error.message}. {TRANSCRIPT_WANTED}") from None
            raise UserError(
                f"{path.name}, {error.field}: {error.message}. Nothing was imported."
            ) from None
        return path.name, messages, notes

    def _store_transcript(
        self, order_id: str, name: str, messages: list[ChatMessage], notes: TextNotes
    ) -> TranscriptImported:
        """Add the messages not already in the chat (in the dialog's worker thread)."""
        count = self.aliret.db.call(lambda store: store.add_messages(order_id, messages))
        already = len(messages) - count
        said = f"{count} new message{'s' if count != 1 else ''} imported from {name}"
        if already:
            said += f"; {already} {'was' if already == 1 else 'were'} already in the chat"
        return TranscriptImported(said, notes)

    def action_edit_message(self) -> None:
        message = self.query_one(ChatLog).highlighted_message
        if message is None or message.id is None:
            return
        order_id, message_id = self.order_id, message.id

        def written(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            notes = TextNotes()
            try:
                corrected = parse(ChatMessage, values, notes=notes)
            except FieldErrors as errors:
                self.notify(
                    str(errors.first), title="Message not corrected", severity="error",
                    markup=False,
                )  # fmt: skip
                return
            same = (corrected.text, corrected.sender, corrected.sent_at) == (
                message.text, message.sender, message.sent_at
            )  # fmt: skip
            if same:
                return
            self._report_notes(notes)
            self._confirm(
                "Replace this message with your correction? The chat log is evidence; the "
                "message will be marked as edited.",
                "Replace",
                lambda: self._write(
                    lambda store: store.edit_message(
                        order_id,
                        message_id,
                        corrected.text,
                        sender=corrected.sender,
                        sent_at=corrected.sent_at,
                    ),
                    "Message corrected",
                ),
            )

        seller = self.record.order.store if self.record and self.record.order.store else "Seller"
        self.app.push_screen(MessageFormScreen(editing=message, seller_name=seller), written)

    def action_delete_message(self) -> None:
        message = self.query_one(ChatLog).highlighted_message
        if message is None or message.id is None:
            return
        order_id, message_id = self.order_id, message.id
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
                lambda store: store.delete_message(order_id, message_id), "Message deleted"
            ),
            danger=True,
        )
