"""Chat transcripts pasted from AliExpress messaging, one message per line:

    [2026-11-20 14:30] Me: Hello, the jacket is two sizes too small.
    [2026-11-20 16:05] Seller: Please send a photo of the label.
    [2026-11-21 09:12] AliExpress: The seller has 5 days to respond.

A line that does not start with ``[`` continues the message above it, so
multi-line messages survive. A line that starts with ``[`` must be a whole
message line: a broken one is refused, not taken as more words of the message
above (which would give them to its sender). Senders are Me, Seller or
AliExpress (any case; Buyer and You also mean Me, Support means AliExpress).
Times are from the years 2000 to 2999, as every date.
"""

from __future__ import annotations

import datetime as dt
import re

from aliret_tui.domain.fields import FieldError, FieldErrors, TextNotes
from aliret_tui.domain.models import ChatMessage, parse
from aliret_tui.domain.vocabulary import Sender

MAX_TRANSCRIPT_BYTES = 16 * 1024**2  # a chat of many thousand messages; more is not a transcript

_LINE = re.compile(r"^\[(?P<when>[^\]]*)\]\s*(?P<sender>[^:]{1,40}):\s?(?P<text>.*)$")
_SENDER_NAMES = {
    "me": Sender.ME,
    "buyer": Sender.ME,
    "you": Sender.ME,
    "seller": Sender.SELLER,
    "store": Sender.SELLER,
    "aliexpress": Sender.ALIEXPRESS,
    "support": Sender.ALIEXPRESS,
}


def parse_transcript(text: str, notes: TextNotes | None = None) -> list[ChatMessage]:
    """All messages, or a ``FieldError`` naming the first bad line (nothing partial)."""
    entries: list[tuple[int, dt.datetime, Sender, list[str]]] = []
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        match = _LINE.match(line)
        if match is None:
            if line.startswith("["):
                hint = " (indent it to keep it in the message above)" if entries else ""
                raise FieldError(
                    f"line {number}",
                    f"{_shown(line)} starts with '[' but is not "
                    f"'[YYYY-MM-DD HH:MM] Sender: text'{hint}",
                )
            if entries:
                entries[-1][3].append(line)
            elif line.strip():
                raise FieldError(f"line {number}", "expected '[YYYY-MM-DD HH:MM] Sender: text'")
            continue
        when = _timestamp(match["when"], number)
        sender = _SENDER_NAMES.get(match["sender"].strip().casefold())
        if sender is None:
            raise FieldError(
                f"line {number}",
                f"unknown sender {match['sender'].strip()[:40]!r}; use Me, Seller or AliExpress",
            )
        entries.append((number, when, sender, [match["text"]]))
    if not entries:
        raise FieldError("transcript", "has no messages")
    messages = []
    for number, when, sender, lines in entries:
        body = "\n".join(lines).strip("\n")
        try:
            messages.append(
                parse(ChatMessage, {"sender": sender, "sent_at": when, "text": body}, notes=notes)
            )
        except FieldErrors as errors:
            raise FieldError(f"line {number}", str(errors.first)) from None
    return messages


def _timestamp(text: str, number: int) -> dt.datetime:
    try:
        return dt.datetime.strptime(text.strip(), "%Y-%m-%d %H:%M")
    except ValueError:
        raise FieldError(
            f"line {number}", f"time {text.strip()[:30]!r} is not YYYY-MM-DD HH:MM"
        ) from None


def _shown(line: str) -> str:
    """The start of a refused line, quoted, for the message."""
    return repr(line if len(line) <= 40 else line[:39] + "…")
