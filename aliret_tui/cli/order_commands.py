"""The commands about one order, each doing what the order screen does, with its
rules and wording: show, edit, archive, unarchive, delete, message and attach.

Like ``add`` and ``event``: a refusal exits with status 2 and one line naming the
argument and what is allowed, and nothing is written. Every command needs the
order to be there, so a missing database is refused (never created), as by ``list``.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aliret_tui.cli.commands import (
    _as_option_error,
    _print_notes,
    open_store,
    option_name,
    order_summary,
    status_line,
    stored_order_id,
)
from aliret_tui.cli.output import echo, echo_json
from aliret_tui.domain.corrections import RecordedCorrection
from aliret_tui.domain.fields import MAX_LONG_TEXT, FieldError, FieldErrors, TextNotes
from aliret_tui.domain.models import (
    MINUTE_FORMAT,
    Attachment,
    ChatMessage,
    EvidenceItem,
    OrderFacts,
    OrderRecord,
    parse,
)
from aliret_tui.domain.order_facts import fact_rows
from aliret_tui.domain.policy import Policy
from aliret_tui.domain.timeline import timeline_text
from aliret_tui.domain.vocabulary import Sender
from aliret_tui.domain.workflow import allowed_events, opens_on
from aliret_tui.errors import UserError
from aliret_tui.files import TooLarge, read_at_most
from aliret_tui.runtime.context import Context
from aliret_tui.sanitize import outgoing, shown
from aliret_tui.store.store import Store
from aliret_tui.terminal_cells import shorten

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

Origins = dict[str, tuple[str, str]]


def open_existing(args: argparse.Namespace, context: Context, *, readonly: bool) -> Store:
    """The store, refused like ``list`` when its file is not there: nothing is created."""
    from aliret_tui.store.due import require_database

    context.settings()  # a bad config.toml is said first, as by every command
    require_database(context.db_file, getattr(args, "db", None))
    return open_store(context, readonly=readonly)


def existing_order(store: Store, typed: str) -> str:
    """The stored id ORDER_ID names (read as ``add`` stores it), or a refusal."""
    order_id = stored_order_id(store, typed)
    if not store.has_order(order_id):
        raise UserError(f"ORDER_ID: no order {order_id} (aliret-tui list --all shows them)")
    return order_id


def shown_id(order_id: str) -> str:
    return outgoing(order_id, one_line=True)  # the one field not cleaned when read back


def _refusal(error: FieldError | FieldErrors, names: dict[str, str]) -> UserError:
    """A field's refusal, the field named as this command's argument is."""
    first = error.first if isinstance(error, FieldErrors) else error
    return UserError(f"{names.get(first.field) or option_name(first.field)}: {first.message}")


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


# -- show ----------------------------------------------------------------------------


def run_show(args: argparse.Namespace, context: Context) -> int:
    today = context.time.today()
    with open_existing(args, context, readonly=True) as store:
        order_id = existing_order(store, args.order_id)
        record = store.record(order_id)
        origins = store.fact_origins(order_id)
        corrections = store.event_corrections(order_id)
        policy = store.policy
    if args.json:
        from aliret_tui.transfer.documents import record_to_json

        echo_json({**record_to_json(record), "status": order_summary(record.order, policy, today)})
        return 0
    echo("\n".join(show_lines(record, origins, policy, today, corrections)))
    return 0


def show_lines(
    record: OrderRecord,
    origins: Origins,
    policy: Policy,
    today: dt.date,
    corrections: Sequence[RecordedCorrection] = (),
) -> list[str]:
    """The order as ``show`` prints it: facts, what comes next, the lines, the
    timeline, the evidence checklist and the chat."""
    order = record.order
    lines = [f"Order {shown_id(order.order_id)}: {order.title}"]
    rows = _fact_rows(record, origins, policy, today)
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        first, *more = value.splitlines() or [""]
        lines.append(f"  {label.ljust(width)}  {first}")
        lines.extend(f"  {'':{width}}  {line}" for line in more)
    lines.append(f"  {status_line(order, policy, today)}")
    last_event = record.events[-1].kind if record.events else None
    allowed = allowed_events(order, last_event)
    if allowed:
        opening = {kind: opens_on(order, kind, policy) for kind in allowed}
        named = [
            f"{kind} (from {day})" if day is not None and day > today else str(kind)
            for kind, day in opening.items()
        ]
        lines.append("  Can record next: " + ", ".join(named) + " (aliret-tui event -h)")
    if len(record.lines) > 1:
        lines += ["", f"Items ({len(record.lines)}):"]
        lines += [f"  {line.position}. {line.describe(order.currency)}" for line in record.lines]
    numbers = " (undo takes back the last event; event-edit ORDER_ID N corrects one)"
    lines += ["", "Timeline" + (numbers if record.events else "") + ":"]
    # The text the order screen copies (c), without its heading: the facts above say it.
    text = timeline_text(order, record.events, origins, corrections, numbered=True)
    entries = text.split("\n\n", 1)[-1]
    lines += [f"  {entry}" if entry else "" for entry in entries.splitlines()] or [
        "  Nothing recorded yet."
    ]
    lines += ["", *_evidence_lines(record.evidence)]
    lines += ["", *_chat_lines(record)]
    return lines


def _fact_rows(
    record: OrderRecord, origins: Origins, policy: Policy, today: dt.date
) -> list[tuple[str, str]]:
    """The order screen's facts (domain.order_facts), after the state; the lines are
    listed apart, below."""
    order = record.order
    state = order.state_label(policy, today) + (" (archived)" if order.archived else "")
    facts = fact_rows(
        record,
        origins,
        policy,
        record_delivery="record the delivered event with its date",
        with_lines=False,
    )
    return [("State", state), *facts]


def _evidence_lines(items: tuple[EvidenceItem, ...]) -> list[str]:
    if not items:
        return ["Evidence: nothing to collect yet (opening a dispute adds a checklist)."]
    done = sum(item.has_proof for item in items)
    lines = [f"Evidence ({done} of {len(items)} with proof; attach files with aliret-tui attach):"]
    for number, item in enumerate(items, start=1):
        lines.append(f"  {number}. [{'x' if item.done else ' '}] {item.label}")
        indent = " " * (len(str(number)) + 4)
        for index, note_line in enumerate(item.note.splitlines()):
            lines.append(f"  {indent}{'note: ' if index == 0 else '      '}{note_line}")
        for file in item.attachments:
            lines.append(
                f"  {indent}file: {file.path} ({file.size:,} bytes, SHA-256 "
                f"{file.sha256[:16]}…, attached {file.attached_at})"
            )
    return lines


def _chat_lines(record: OrderRecord) -> list[str]:
    messages = record.messages
    if not messages:
        return ["Chat: no messages (add one with aliret-tui message)."]
    seller = f"Seller ({record.order.store})" if record.order.store else "Seller"
    lines = [f"Chat ({_counted(len(messages), 'message')}):"]
    width = len(str(len(messages)))
    for number, message in enumerate(messages, start=1):  # as message-edit N names them
        sender = seller if message.sender is Sender.SELLER else message.sender.label
        edited = " (edited)" if message.edited_at else ""
        first, *more = message.text.splitlines() or [""]
        when = message.sent_at.strftime(MINUTE_FORMAT)
        lines.append(f"  {number:>{width}}. {when}  {sender}{edited}: {first}")
        lines.extend(f"{'':{width + 22}}{line}" for line in more)
    return lines


# -- edit ----------------------------------------------------------------------------

# The facts `edit` changes: field -> the argparse destination of its option.
EDITABLE = {
    "title": "title",
    "price": "price",
    "currency": "currency",
    "store": "store",
    "ordered_on": "ordered",
    "delivered_on": "delivered",
    "window_days": "window_days",
    "protection_ends": "protection_ends",
    "country": "country",
    "free_return": "free_return",
    "local_return": "local_return",
    "note": "note",
}
_FLAGS = ("free_return", "local_return")


def run_edit(args: argparse.Namespace, context: Context) -> int:
    given = {
        field: getattr(args, name)
        for field, name in EDITABLE.items()
        if getattr(args, name) is not None
    }
    if not given:
        options = [f"--[no-]{option_name(f)[2:]}" if f in _FLAGS else option_name(f)
                   for f in EDITABLE]  # fmt: skip
        raise UserError("edit: nothing to change: give one or more of " + ", ".join(options))
    notes = TextNotes()
    today = context.time.today()
    with open_existing(args, context, readonly=False) as store:
        order_id = existing_order(store, args.order_id)
        order = store.get_order(order_id)
        # As the order form does: every field as it is now, the ones given replaced,
        # and an empty value left out (an optional fact cleared).
        values = {**{field: _form_value(getattr(order, field)) for field in EDITABLE}, **given}
        values = {field: value for field, value in values.items() if value != ""}
        try:  # the id is not edited (and a raw stored one would be cleaned): any will do
            facts = parse(OrderFacts, {**values, "order_id": "x"}, notes=notes, today=today)
        except (FieldError, FieldErrors) as error:
            raise _as_option_error(error) from None
        facts = facts.replace(order_id=order_id)
        changed = [f for f in EDITABLE if getattr(facts, f) != getattr(order, f)]
        if not changed:
            _print_notes(notes)
            echo(f"Nothing changed: order {shown_id(order_id)} already has these values.")
            return 0
        try:
            saved = store.update_order(facts, expected_version=order.version)
        except (FieldError, FieldErrors) as error:
            raise _as_option_error(error) from None
        policy = store.policy
    _print_notes(notes)
    echo(f"Edited order {shown_id(order_id)}: {saved.title}")
    for field in changed:
        old, new = _change_text(getattr(order, field)), _change_text(getattr(saved, field))
        echo(f"  {option_name(field)[2:]}: {old} → {new}")
    echo(f"  {status_line(saved, policy, today)}")
    return 0


def _form_value(value: Any) -> Any:
    """A stored fact as the order form shows it: a flag as it is, anything else as text."""
    if isinstance(value, bool):
        return value
    return "" if value is None else str(value)


def _change_text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None or value == "":
        return "(none)"
    return shorten(" ".join(str(value).split()), 60)  # a note: its start, on one line


# -- archive, unarchive, delete ---------------------------------------------------------


def run_archive(args: argparse.Namespace, context: Context) -> int:
    return _set_archived(args, context, archived=True)


def run_unarchive(args: argparse.Namespace, context: Context) -> int:
    return _set_archived(args, context, archived=False)


def _set_archived(args: argparse.Namespace, context: Context, *, archived: bool) -> int:
    today = context.time.today()
    with open_existing(args, context, readonly=False) as store:
        order_id = existing_order(store, args.order_id)
        order = store.get_order(order_id)
        shown = shown_id(order_id)
        if order.archived == archived:
            echo(f"Order {shown} is {'already' if archived else 'not'} archived: nothing changed.")
            return 0
        saved = store.set_archived(order_id, archived)
        policy = store.policy
    if archived:
        echo(f"Archived order {shown}: {saved.title}")
        echo(
            "  Hidden from the dashboard and the daily check; it stays in the database and "
            f"in exports (aliret-tui unarchive {shown} brings it back)."
        )
    else:
        echo(f"Unarchived order {shown}: {saved.title}")
        echo(f"  {status_line(saved, policy, today)}")
    return 0


def run_delete(args: argparse.Namespace, context: Context) -> int:
    with open_existing(args, context, readonly=not args.yes) as store:
        order_id = existing_order(store, args.order_id)
        record = store.record(order_id)
        what = (
            f"{_counted(len(record.events), 'event')}, "
            f"{_counted(len(record.messages), 'chat message')} and "
            f"{_counted(len(record.evidence), 'evidence item')}"
        )
        shown = f"order {shown_id(order_id)} ({shorten(record.order.title, 40)})"
        if not args.yes:
            raise UserError(
                f"--yes: is required to delete {shown} for good, with its {what}; "
                "add --yes, or archive it to hide it and keep it"
            )
        store.delete_order(order_id)
    echo(f"Deleted {shown} with its {what}.")
    return 0


# -- message ---------------------------------------------------------------------------

_MESSAGE_ARGUMENTS = {"sender": "--from", "sent_at": "--at", "text": "TEXT"}


def run_message(args: argparse.Namespace, context: Context) -> int:
    text = _standard_input_text() if args.text == "-" else args.text
    values = {
        "sender": args.sender,
        "sent_at": args.at if args.at is not None else context.time.now(),
        "text": text,
    }
    notes = TextNotes()
    try:
        message = parse(ChatMessage, values, notes=notes)
    except (FieldError, FieldErrors) as error:
        raise _refusal(error, _MESSAGE_ARGUMENTS) from None
    with open_existing(args, context, readonly=False) as store:
        order_id = existing_order(store, args.order_id)
        store.add_messages(order_id, [message])
        count = len(store.messages(order_id))
    _print_notes(notes, name_of=lambda field: _MESSAGE_ARGUMENTS.get(field, field))
    echo(
        f"Added a message from {message.sender.label} to order {shown_id(order_id)}, sent "
        f"{message.sent_at.strftime(MINUTE_FORMAT)} (the chat now has "
        f"{_counted(count, 'message')})."
    )
    return 0


def _standard_input_text(field: str = "TEXT", max_bytes: int = 4 * MAX_LONG_TEXT) -> str:
    """Standard input as text; more than ``max_bytes`` is refused without reading on."""
    try:
        return read_at_most(sys.stdin.buffer, max_bytes).decode("utf-8-sig")
    except TooLarge:
        raise UserError(
            f"{field}: standard input is too long (more than {max_bytes:,} bytes)"
        ) from None
    except UnicodeDecodeError:
        raise UserError(f"{field}: standard input is not UTF-8 text") from None


# -- attach ----------------------------------------------------------------------------


def run_attach(args: argparse.Namespace, context: Context) -> int:
    from aliret_tui.files import fingerprint

    path = Path(args.file).expanduser().resolve()
    if not path.is_file():
        raise UserError(f"FILE: {path} is not a file")
    notes = TextNotes()
    with open_existing(args, context, readonly=False) as store:
        order_id = existing_order(store, args.order_id)
        number, item = _evidence_item(store.evidence(order_id), args.item, order_id)
        try:
            size, digest = fingerprint(path)
        except OSError as error:
            raise UserError(f"FILE: {path} cannot be read ({error.strerror})") from None
        values = {
            "path": str(path),
            "size": size,
            "sha256": digest,
            "attached_at": context.time.now().isoformat(timespec="seconds"),
        }
        try:
            attachment = parse(Attachment, values, notes=notes)
        except (FieldError, FieldErrors) as error:
            raise _refusal(error, {"path": "FILE"}) from None
        assert item.id is not None  # read from the store
        store.attach_file(order_id, item.id, attachment)
    _print_notes(notes, name_of=lambda field: "FILE" if field == "path" else field)
    echo(
        f"Attached {path.name} ({size:,} bytes) to order {shown_id(order_id)}, "
        f"evidence item {number}: {item.label}"
    )
    echo(f"  SHA-256 {digest}. The file stays where it is; keep it there unchanged.")
    return 0


def _evidence_item(
    items: list[EvidenceItem], wanted: str, order_id: str
) -> tuple[int, EvidenceItem]:
    """ITEM as ``show`` numbers the checklist (1, 2, ...), or its label (any case)."""
    if not items:
        raise UserError(
            f"ITEM: order {shown_id(order_id)} has no evidence items yet (opening a dispute "
            "adds a checklist; the order screen adds others)"
        )
    typed = shown(wanted).strip()  # cleaned as the labels are when read (and shown)
    if typed.isascii() and typed.isdigit() and 1 <= int(typed) <= len(items):
        return int(typed), items[int(typed) - 1]
    matches = [(n, item) for n, item in enumerate(items, start=1)
               if item.label.strip().casefold() == typed.casefold()]  # fmt: skip
    if len(matches) == 1:
        return matches[0]
    if matches:
        numbers = ", ".join(str(number) for number, _ in matches)
        raise UserError(f"ITEM: {len(matches)} items are labelled so ({numbers}): give its number")
    return _unknown_item(items, typed)


def _unknown_item(items: list[EvidenceItem], typed: str) -> Any:
    listed = [f"{n} {shorten(item.label, 40)}" for n, item in enumerate(items[:10], start=1)]
    more = f"; {len(items) - 10} more: aliret-tui show" if len(items) > 10 else ""
    raise UserError(
        f"ITEM: no item {shorten(typed, 40)!r}: give a number from 1 to {len(items)} or a "
        f"label ({'; '.join(listed)}{more})"
    )
