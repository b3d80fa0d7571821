"""The order screen's chat and evidence actions that ``message`` and ``attach`` do
not cover: correcting, deleting and importing chat messages, and the evidence
checklist (adding an item, ticking it, its note, removing it, detaching its files).

Like ``add`` and ``event``: a refusal exits with status 2 and one line naming the
argument and what is allowed, and nothing is written. What the order screen asks
before doing (removing, detaching, deleting) needs ``--yes`` here; without it the
command says what would go and changes nothing. Items and messages are named by
their numbers in ``show`` (an item also by its label).
"""

from __future__ import annotations

from pathlib import Path

from aliret_tui.cli.commands import _print_notes
from aliret_tui.cli.order_commands import (
    _counted,
    _evidence_item,
    _refusal,
    _standard_input_text,
    existing_order,
    open_existing,
    shown_id,
)
from aliret_tui.cli.output import echo
from aliret_tui.domain.fields import FieldError, FieldErrors, TextNotes, long_text
from aliret_tui.domain.models import MINUTE_FORMAT, ChatMessage, EvidenceItem, parse
from aliret_tui.domain.vocabulary import EvidenceKind, names
from aliret_tui.errors import UserError
from aliret_tui.files import TooLarge, read_at_most
from aliret_tui.runtime.context import Context
from aliret_tui.terminal_cells import shorten

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

_ITEM_ARGUMENTS = {"label": "LABEL", "kind": "--kind", "note": "TEXT"}
_MESSAGE_ARGUMENTS = {"sender": "--from", "sent_at": "--at", "text": "TEXT"}


def _quoted(label: str) -> str:
    return f'"{shorten(label, 60)}"'


# -- the evidence checklist ------------------------------------------------------------


def run_evidence_add(args: argparse.Namespace, context: Context) -> int:
    if args.kind not in names(EvidenceKind):
        raise UserError(f"--kind: must be one of {', '.join(names(EvidenceKind))}")
    notes = TextNotes()
    values = {"label": args.label, "kind": args.kind, "custom": True}
    try:
        item = parse(EvidenceItem, values, notes=notes)
    except (FieldError, FieldErrors) as error:
        raise _refusal(error, _ITEM_ARGUMENTS) from None
    with open_existing(args, context, readonly=False) as store:
        order_id = existing_order(store, args.order_id)
        placed = store.add_evidence_item(order_id, item)
        count = len(store.evidence(order_id))
    _print_notes(notes, name_of=lambda field: _ITEM_ARGUMENTS.get(field, field))
    echo(
        f"Added evidence item {placed.position + 1} to order {shown_id(order_id)}: "
        f"{placed.label} ({placed.kind.value}; the checklist now has "
        f"{_counted(count, 'item')})"
    )
    return 0


def run_evidence_tick(args: argparse.Namespace, context: Context) -> int:
    done = not args.off
    with open_existing(args, context, readonly=False) as store:
        order_id = existing_order(store, args.order_id)
        number, item = _evidence_item(store.evidence(order_id), args.item, order_id)
        what = f"evidence item {number} of order {shown_id(order_id)}: {item.label}"
        if item.done == done:
            echo(f"Already {'ticked' if done else 'not ticked'}, nothing changed: {what}")
            return 0
        assert item.id is not None  # read from the store
        store.set_evidence_done(order_id, item.id, done)
    echo(f"{'Ticked' if done else 'Unticked'} {what}")
    return 0


def run_evidence_note(args: argparse.Namespace, context: Context) -> int:
    text = _standard_input_text() if args.text == "-" else args.text
    notes = TextNotes()
    try:
        note = long_text("note", text, notes=notes)
    except FieldError as error:
        raise _refusal(error, _ITEM_ARGUMENTS) from None
    with open_existing(args, context, readonly=False) as store:
        order_id = existing_order(store, args.order_id)
        number, item = _evidence_item(store.evidence(order_id), args.item, order_id)
        what = f"evidence item {number} of order {shown_id(order_id)}: {item.label}"
        if item.note == note:
            _print_notes(notes, name_of=lambda field: _ITEM_ARGUMENTS.get(field, field))
            echo(f"The note is already so, nothing changed: {what}")
            return 0
        assert item.id is not None
        store.set_evidence_note(order_id, item.id, note)
    _print_notes(notes, name_of=lambda field: _ITEM_ARGUMENTS.get(field, field))
    echo(f"{'Wrote the note of' if note.strip() else 'Cleared the note of'} {what}")
    return 0


def run_evidence_remove(args: argparse.Namespace, context: Context) -> int:
    with open_existing(args, context, readonly=not args.yes) as store:
        order_id = existing_order(store, args.order_id)
        number, item = _evidence_item(store.evidence(order_id), args.item, order_id)
        files = len(item.attachments)
        with_files = (
            f", with the record of its {_counted(files, 'attached file')} (the files "
            "themselves stay where they are)"
            if files
            else ""
        )
        what = f"item {number} {_quoted(item.label)} from order {shown_id(order_id)}'s checklist"
        if not args.yes:
            raise UserError(f"--yes: is required to remove {what}{with_files}; add --yes")
        assert item.id is not None
        store.remove_evidence_item(order_id, item.id)
    echo(f"Removed {what}{with_files}.")
    return 0


def run_detach(args: argparse.Namespace, context: Context) -> int:
    with open_existing(args, context, readonly=not args.yes) as store:
        order_id = existing_order(store, args.order_id)
        number, item = _evidence_item(store.evidence(order_id), args.item, order_id)
        what = f"evidence item {number} {_quoted(item.label)} of order {shown_id(order_id)}"
        if not item.attachments:
            echo(f"No files are attached to {what}: nothing to detach.")
            return 0
        file_names = ", ".join(Path(file.path).name for file in item.attachments)
        files = _counted(len(item.attachments), "file")
        if not args.yes:
            raise UserError(
                f"--yes: is required to detach {files} ({shorten(file_names, 80)}) from {what}; "
                "add --yes (the files themselves stay where they are)"
            )
        assert item.id is not None
        store.detach_files(order_id, item.id)
    echo(f"Detached {files} from {what}: {file_names}")
    echo("  The files themselves stay where they are; only their record went.")
    return 0


# -- the chat log ------------------------------------------------------------------------


def _message_number(text: str, messages: list[ChatMessage], order_id: str) -> ChatMessage:
    """N as ``show`` numbers the chat (1, 2, ...)."""
    if not messages:
        raise UserError(f"N: order {shown_id(order_id)} has no chat messages")
    typed = text.strip()
    if not (typed.isascii() and typed.isdigit() and 1 <= int(typed) <= len(messages)):
        raise UserError(
            f"N: must be a message's number as aliret-tui show lists it, from 1 to "
            f"{len(messages)} (got {shorten(typed, 20)!r})"
        )
    return messages[int(typed) - 1]


def _message_line(message: ChatMessage) -> str:
    first = (message.text.splitlines() or [""])[0]
    return f"{message.sent_at.strftime(MINUTE_FORMAT)} {message.sender.label}: {shorten(first, 50)}"


def run_message_edit(args: argparse.Namespace, context: Context) -> int:
    if args.text is None and args.sender is None and args.at is None:
        raise UserError("message-edit: nothing to change: give TEXT, --from or --at")
    text = _standard_input_text() if args.text == "-" else args.text
    notes = TextNotes()
    with open_existing(args, context, readonly=False) as store:
        order_id = existing_order(store, args.order_id)
        message = _message_number(args.number, store.messages(order_id), order_id)
        values = {
            "sender": args.sender if args.sender is not None else message.sender,
            "sent_at": args.at if args.at is not None else message.sent_at,
            "text": text if text is not None else message.text,
        }
        try:
            corrected = parse(ChatMessage, values, notes=notes)
        except (FieldError, FieldErrors) as error:
            raise _refusal(error, _MESSAGE_ARGUMENTS) from None
        before = (message.sender, message.sent_at, message.text)
        if (corrected.sender, corrected.sent_at, corrected.text) == before:
            _print_notes(notes, name_of=lambda field: _MESSAGE_ARGUMENTS.get(field, field))
            echo(f"Nothing changed: message {args.number.strip()} already reads so.")
            return 0
        assert message.id is not None
        store.edit_message(
            order_id,
            message.id,
            corrected.text,
            sender=corrected.sender,
            sent_at=corrected.sent_at,
        )
    _print_notes(notes, name_of=lambda field: _MESSAGE_ARGUMENTS.get(field, field))
    echo(f"Corrected a message of order {shown_id(order_id)}, marked as edited:")
    echo(f"  was: {_message_line(message)}")
    echo(f"  now: {_message_line(corrected)}")
    return 0


def run_message_delete(args: argparse.Namespace, context: Context) -> int:
    with open_existing(args, context, readonly=not args.yes) as store:
        order_id = existing_order(store, args.order_id)
        message = _message_number(args.number, store.messages(order_id), order_id)
        what = f"message {args.number.strip()} ({_message_line(message)})"
        if not args.yes:
            raise UserError(
                f"--yes: is required to delete {what} from order {shown_id(order_id)}'s chat "
                "log, which is evidence for mediation; add --yes, or correct it with "
                "message-edit"
            )
        assert message.id is not None
        store.delete_message(order_id, message.id)
        count = len(store.messages(order_id))
    echo(
        f"Deleted {what} from order {shown_id(order_id)} (the chat now has "
        f"{_counted(count, 'message')})."
    )
    return 0


def run_message_import(args: argparse.Namespace, context: Context) -> int:
    from aliret_tui.domain.transcript import MAX_TRANSCRIPT_BYTES, parse_transcript

    name = "standard input" if args.file == "-" else args.file
    if args.file == "-":
        text = _standard_input_text("FILE", MAX_TRANSCRIPT_BYTES)
    else:
        text = _transcript_file_text(Path(args.file).expanduser(), MAX_TRANSCRIPT_BYTES)
    notes = TextNotes()
    try:
        messages = parse_transcript(text, notes=notes)
    except FieldError as error:  # names the line
        raise UserError(f"FILE: {error.field}: {error.message}; nothing was imported") from None
    with open_existing(args, context, readonly=False) as store:
        order_id = existing_order(store, args.order_id)
        added = store.add_messages(order_id, messages)
        count = len(store.messages(order_id))
    _print_notes(notes, name_of=str)
    already = len(messages) - added
    said = f"Imported {_counted(added, 'new message')} from {Path(name).name} into order "
    said += f"{shown_id(order_id)}"
    if already:
        said += f"; {already} {'was' if already == 1 else 'were'} already in the chat"
    echo(f"{said} (the chat now has {_counted(count, 'message')}).")
    return 0


def _transcript_file_text(path: Path, max_bytes: int) -> str:
    """The file as text, refused (naming it) when it is larger than a transcript can be,
    as the Chat tab's import refuses it."""
    try:
        with path.open("rb") as file:
            return read_at_most(file, max_bytes).decode("utf-8-sig")
    except TooLarge:
        raise UserError(
            f"FILE: {path} is too large for a chat transcript (more than {max_bytes // 1024**2} MB)"
        ) from None
    except UnicodeDecodeError:
        raise UserError(f"FILE: {path} is not UTF-8 text") from None
    except OSError as error:
        raise UserError(f"FILE: {path} cannot be read ({error.strerror})") from None
