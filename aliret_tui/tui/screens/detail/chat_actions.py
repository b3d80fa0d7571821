"""The Chat tab's actions: the dispute's messages, typed or imported from a transcript."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.content import Content

from aliret_tui.domain.fields import FieldError, FieldErrors, TextNotes
from aliret_tui.domain.models import ChatMessage, parse
from aliret_tui.domain.transcript import parse_transcript
from aliret_tui.tui.screens.detail.current_order import CurrentOrderScreen
from aliret_tui.tui.screens.detail.forms import MessageFormScreen, PromptScreen
from aliret_tui.tui.widgets.chat_log import ChatLog

if TYPE_CHECKING:
    pass


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
        def chosen(answer: tuple[str, Any] | None) -> None:
            if answer is not None:
                self._import_transcript(self.order_id, answer[0])

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
    def _import_transcript(self, order_id: str, path_text: str) -> None:
        path = Path(path_text).expanduser()
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
            raise FieldError(str(path), f"cannot be read ({reason})") from None
        notes = TextNotes()
        messages = parse_transcript(text, notes=notes)
        count = self.aliret.db.call(lambda store: store.add_messages(order_id, messages))
        self.app.call_from_thread(self._report_notes, notes)
        already = len(messages) - count
        said = f"{count} new message{'s' if count != 1 else ''} imported from {path.name}"
        if already:
            said += f"; {already} {'was' if already == 1 else 'were'} already in the chat"
        self.app.call_from_thread(self.notify, said, title="Imported", markup=False)
        self.app.call_from_thread(self.load)

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
