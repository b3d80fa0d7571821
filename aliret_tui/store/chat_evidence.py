"""The dispute's chat log and the evidence checklist with its attached files."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from aliret_tui.domain.fields import long_text
from aliret_tui.domain.models import Attachment, ChatMessage, EvidenceItem
from aliret_tui.domain.vocabulary import Sender
from aliret_tui.sanitize import shown
from aliret_tui.store.base import StoreBase
from aliret_tui.store.rows import evidence_from_row, message_from_row, message_row


class ChatAndEvidence(StoreBase):
    # -- chat log ------------------------------------------------------------------

    def add_messages(self, order_id: str, messages: list[ChatMessage]) -> int:
        """Append messages (one, or a whole transcript) in one transaction; a message
        already in the log (same sender, minute and text) is not added again, so
        importing a transcript twice adds nothing. Returns how many were added."""
        with self.transaction():
            self._require_order(order_id)
            already = Counter(_identity(message) for message in self.messages(order_id))
            new = []
            for message in messages:
                identity = _identity(message)
                if already[identity]:
                    already[identity] -= 1
                else:
                    new.append(message)
            self.insert_messages(order_id, new)
        return len(new)

    def edit_message(
        self,
        order_id: str,
        message_id: int,
        text: str,
        *,
        sender: Sender | None = None,
        sent_at: dt.datetime | None = None,
    ) -> None:
        """Correct a message: its text (cleaned of controls), and its sender and time
        when given; it is marked edited."""
        cleaned = long_text("text", text, required=True)
        changes: dict[str, object] = {"text": cleaned, "edited_at": self._now()}
        if sender is not None:
            changes["sender"] = sender.value
        if sent_at is not None:
            changes["sent_at"] = sent_at.strftime("%Y-%m-%d %H:%M")
        with self.transaction():
            self._require_row("messages", order_id, message_id)
            self.db.update("messages", {"id": message_id}, changes)

    def delete_message(self, order_id: str, message_id: int) -> None:
        with self.transaction():
            self._require_row("messages", order_id, message_id)
            self.db.delete("messages", {"id": message_id})

    def messages(self, order_id: str) -> list[ChatMessage]:
        rows = self.db.query(
            "SELECT * FROM messages WHERE order_id = ? ORDER BY sent_at, id", [order_id]
        )
        return [message_from_row(row) for row in rows]

    def insert_messages(self, order_id: str, messages: Iterable[ChatMessage]) -> None:
        self.db.insert_all(
            "messages", ({"order_id": order_id, **message_row(message)} for message in messages)
        )

    # -- evidence ------------------------------------------------------------------

    def add_evidence_item(self, order_id: str, item: EvidenceItem) -> EvidenceItem:
        with self.transaction():
            self._require_order(order_id)
            position = self.db.execute(
                "SELECT coalesce(max(position) + 1, 0) FROM evidence WHERE order_id = ?",
                [order_id],
            ).fetchone()[0]
            placed = item.replace(position=position, custom=True)
            self.insert_evidence(order_id, [placed])
        return placed

    def set_evidence_done(self, order_id: str, item_id: int, done: bool) -> None:
        with self.transaction():
            self._require_row("evidence", order_id, item_id)
            self.db.update("evidence", {"id": item_id}, {"done": int(done)})

    def set_evidence_note(self, order_id: str, item_id: int, note: str) -> None:
        cleaned = long_text("note", note)
        with self.transaction():
            self._require_row("evidence", order_id, item_id)
            self.db.update("evidence", {"id": item_id}, {"note": cleaned})

    def remove_evidence_item(self, order_id: str, item_id: int) -> None:
        """Take an item off the checklist, with the records of its attached files (the
        files themselves are not touched); the items after it move up."""
        with self.transaction():
            self._require_row("evidence", order_id, item_id)
            self.db.execute("DELETE FROM attachments WHERE evidence_id = ?", [item_id])
            self.db.execute("DELETE FROM evidence WHERE id = ?", [item_id])
            ids = [row[0] for row in self.db.execute(
                "SELECT id FROM evidence WHERE order_id = ? ORDER BY position, id", [order_id]
            )]  # fmt: skip
            self.db.conn.executemany(
                "UPDATE evidence SET position = ? WHERE id = ?",
                [(position, row_id) for position, row_id in enumerate(ids)],
            )

    def detach_files(self, order_id: str, item_id: int) -> int:
        """Forget the files attached to an item (not the files); how many there were."""
        with self.transaction():
            self._require_row("evidence", order_id, item_id)
            return self.db.execute(
                "DELETE FROM attachments WHERE evidence_id = ?", [item_id]
            ).rowcount

    def attach_file(self, order_id: str, item_id: int, attachment: Attachment) -> None:
        with self.transaction():
            self._require_row("evidence", order_id, item_id)
            self.db.insert(
                "attachments",
                {
                    "evidence_id": item_id,
                    "path": attachment.path,
                    "size": attachment.size,
                    "sha256": attachment.sha256,
                    "attached_at": attachment.attached_at,
                },
            )

    def evidence(self, order_id: str) -> list[EvidenceItem]:
        items = list(
            self.db.query(
                "SELECT * FROM evidence WHERE order_id = ? ORDER BY position, id", [order_id]
            )
        )
        files = self._attachments([item["id"] for item in items])
        return [evidence_from_row(item, files.get(item["id"], ())) for item in items]

    def _attachments(self, evidence_ids: list[int]) -> dict[int, tuple[Attachment, ...]]:
        if not evidence_ids:
            return {}
        marks = ",".join("?" * len(evidence_ids))
        found: dict[int, list[Attachment]] = {}
        for row in self.db.query(
            f"SELECT * FROM attachments WHERE evidence_id IN ({marks}) ORDER BY id", evidence_ids
        ):
            found.setdefault(row["evidence_id"], []).append(
                Attachment(
                    id=row["id"],
                    path=shown(row["path"]),
                    size=row["size"],
                    sha256=row["sha256"],
                    attached_at=row["attached_at"],
                )
            )
        return {key: tuple(value) for key, value in found.items()}

    def insert_evidence(self, order_id: str, items: Iterable[EvidenceItem]) -> None:
        for item in items:
            item_id = self.db.insert(
                "evidence",
                {
                    "order_id": order_id,
                    "position": item.position,
                    "label": item.label,
                    "kind": item.kind.value,
                    "done": int(item.done),
                    "note": item.note,
                    "custom": int(item.custom),
                },
            )
            self.insert_attachments(item_id, item.attachments)

    def insert_attachments(self, item_id: int, attachments: Iterable[Attachment]) -> None:
        self.db.insert_all(
            "attachments",
            (
                {
                    "evidence_id": item_id,
                    "path": file.path,
                    "size": file.size,
                    "sha256": file.sha256,
                    "attached_at": file.attached_at,
                }
                for file in attachments
            ),
        )


def _identity(message: ChatMessage) -> tuple[str, str, str]:
    """What makes two messages the same one: sender, minute and text."""
    return message.sender.value, message.sent_at.strftime("%Y-%m-%d %H:%M"), message.text
