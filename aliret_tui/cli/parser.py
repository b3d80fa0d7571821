"""The full command-line grammar (argparse). Built only when a command needs it, and
then only that command's arguments: the plain read-only command lines (check, list,
show, locate, config) are parsed by ``main.parse_plain`` instead."""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Callable
from typing import Any

from aliret_tui import PROG, __version__
from aliret_tui.cli import calendar_feed as calendar_commands
from aliret_tui.cli import reminders as reminder_commands
from aliret_tui.domain.vocabulary import EventKind, EvidenceKind, Outcome, Reason, Sender, names
from aliret_tui.timesource import parse_iso_date

# The dates a user types (not --today, which stays strict).
TYPED_DATES = "YYYY-MM-DD, today, yesterday or -N (N days ago)"


def _iso_date(text: str) -> object:
    try:
        return parse_iso_date(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _global_options(parser: argparse.ArgumentParser, *, top_level: bool) -> None:
    """--db, --today and --demo work before or after the command name."""
    # A subcommand's copy must not overwrite a value given before the command.
    unset = None if top_level else argparse.SUPPRESS
    parser.add_argument(
        "--db",
        metavar="PATH",
        default=unset,
        help="database file (default: $ALIRET_TUI_DB, else the user data folder)",
    )
    parser.add_argument(
        "--today",
        metavar="YYYY-MM-DD",
        type=_iso_date,
        default=unset,
        help="treat this date as today for every calculation",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        default=False if top_level else argparse.SUPPRESS,
        help="use a throwaway database filled with sample orders (never your real data)",
    )


# What each event takes beyond --on and --note (domain.workflow.EVENT_FIELDS refuses
# the rest; a test keeps the two in step).
EVENT_OPTIONS = {
    EventKind.DELIVERED: "",
    EventKind.KEEP: "",
    EventKind.OPEN_DISPUTE: "--reason R (required)  --outcome O  --lines N,N",
    EventKind.SELLER_AGREED: "--amount A (when only part of the price)",
    EventKind.RETURN_APPROVED: "",
    EventKind.SELLER_REFUSED: "",
    EventKind.ESCALATED: "",
    EventKind.MEDIATION_WON: "--outcome O (required)  --amount A (with refund_only)",
    EventKind.MEDIATION_LOST: "",
    EventKind.RETURN_SHIPPED: "--tracking T (required)  --carrier C",
    EventKind.RETURN_DELIVERED: "",
    EventKind.REFUNDED: "--amount A (default: the agreed amount, else the price)",
    EventKind.CANCELLED: "",
    EventKind.ORDER_CANCELLED: "",
}


def _event_epilog() -> str:
    width = max(len(kind.value) for kind in EventKind)
    rows = [
        f"  {kind.value.ljust(width)}  {kind.label}" + (f": {EVENT_OPTIONS[kind]}" if
                                                        EVENT_OPTIONS[kind] else "")
        for kind in EventKind
    ]  # fmt: skip
    return "\n".join(
        [
            "events, and the options each takes (every event takes --on and --note):",
            *rows,
            "",
            *textwrap.wrap("R: " + ", ".join(names(Reason)), 78, subsequent_indent="   "),
            "O: " + ", ".join(names(Outcome)),
            "An event that does not fit the order's state is refused, naming those that do.",
            "",
            "example: aliret-tui event 8175123456789012 open_dispute --reason wrong_size "
            "--on yesterday",
        ]
    )


def _order_fact_options(parser: argparse.ArgumentParser, *, editing: bool) -> None:
    """The facts of an order, for ``add`` (title, price and currency required) and
    ``edit`` (each one optional: only those given change)."""
    required = not editing
    parser.add_argument("--title", required=required, help="item title")
    parser.add_argument(
        "--price", required=required, metavar="AMOUNT", help="price paid, e.g. 12.50 or 12,50"
    )
    parser.add_argument(
        "--currency", required=required, metavar="CODE", help="ISO 4217 code, e.g. USD"
    )
    parser.add_argument("--store", metavar="TEXT", help="store (seller) name")
    parser.add_argument("--ordered", metavar="DATE", help="order date: " + TYPED_DATES)
    parser.add_argument("--delivered", metavar="DATE", help="delivery date: " + TYPED_DATES)
    parser.add_argument(
        "--window-days", metavar="N", help="inspection window in days (default 15; 90 Local Return)"
    )
    parser.add_argument(
        "--protection-ends",
        metavar="DATE",
        help="buyer protection end date shown on the order page (overrides the window): "
        + TYPED_DATES,
    )
    parser.add_argument("--country", metavar="CC", help="ship-to country, ISO 3166 alpha-2")
    flag: Any = argparse.BooleanOptionalAction if editing else "store_true"
    parser.add_argument(
        "--free-return", action=flag, default=None if editing else False,
        help="the item is marked Free Return",
    )  # fmt: skip
    parser.add_argument(
        "--local-return", action=flag, default=None if editing else False,
        help="the item is in Local Return",
    )  # fmt: skip
    parser.add_argument("--note", metavar="TEXT", help="a note")


def _order_commands(command: Callable[..., argparse.ArgumentParser]) -> None:
    """show, edit, archive, unarchive, delete, message and attach (cli.order_commands),
    then the chat and evidence commands."""
    show = command("show", "print one order: its facts, clocks, timeline, evidence and chat")
    show.add_argument("order_id", metavar="ORDER_ID")
    show.add_argument(
        "--json", action="store_true", help="print the order as the JSON export has it, with "
        "its status",
    )  # fmt: skip

    edit = command(
        "edit",
        "change an order's facts: only those given change ('' clears an optional one)",
    )
    edit.add_argument("order_id", metavar="ORDER_ID")
    _order_fact_options(edit, editing=True)

    for name, help_text in (
        ("archive", "hide an order from the dashboard and the daily check (kept, and exported)"),
        ("unarchive", "bring an archived order back"),
    ):
        command(name, help_text).add_argument("order_id", metavar="ORDER_ID")
    delete = command(
        "delete", "delete an order for good, with its timeline, chat and evidence list"
    )
    delete.add_argument("order_id", metavar="ORDER_ID")
    delete.add_argument("--yes", action="store_true", help="really delete it (required)")

    message = command("message", "add a message to an order's chat log (evidence for mediation)")
    message.add_argument("order_id", metavar="ORDER_ID")
    message.add_argument("text", metavar="TEXT", help="the message; - reads it from standard input")
    message.add_argument(
        "--from",
        dest="sender",
        required=True,
        metavar="WHO",
        help="who sent it: " + ", ".join(names(Sender)),
    )
    message.add_argument(
        "--at", metavar="'YYYY-MM-DD HH:MM'", help="when it was sent (default: now)"
    )

    attach = command(
        "attach",
        "attach a file to an evidence item: the file stays where it is; its size and "
        "SHA-256 are recorded, so a later change shows",
    )
    _item_argument(attach)
    attach.add_argument("file", metavar="FILE")
    _chat_and_evidence_commands(command)


def _item_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("order_id", metavar="ORDER_ID")
    parser.add_argument(
        "item", metavar="ITEM", help="the item's number as show lists it, or its label"
    )


def _message_number_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("order_id", metavar="ORDER_ID")
    parser.add_argument(
        "number", metavar="N", help="the message's number, as `aliret-tui show ORDER_ID` lists it"
    )


def _chat_and_evidence_commands(command: Callable[..., argparse.ArgumentParser]) -> None:
    """The evidence checklist and the chat log (cli.chat_evidence_commands)."""
    evidence_add = command("evidence-add", "add your own item to an order's evidence checklist")
    evidence_add.add_argument("order_id", metavar="ORDER_ID")
    evidence_add.add_argument(
        "label", metavar="LABEL", help="what to collect, e.g. 'Photo of the serial number'"
    )
    evidence_add.add_argument(
        "--kind",
        metavar="K",
        default="other",
        help="one of: " + ", ".join(names(EvidenceKind))
        + " (photos and videos count for mediation readiness; default other)",
    )  # fmt: skip

    tick = command("evidence-tick", "tick an evidence item as collected (--off unticks it)")
    _item_argument(tick)
    tick.add_argument("--off", action="store_true", help="untick it")

    note = command("evidence-note", "write the note of an evidence item ('' clears it)")
    _item_argument(note)
    note.add_argument("text", metavar="TEXT", help="the note; - reads it from standard input")

    remove = command(
        "evidence-remove",
        "take an item off the evidence checklist, with the record of its attached files "
        "(the files themselves are never touched)",
    )
    _item_argument(remove)
    remove.add_argument("--yes", action="store_true", help="really remove it (required)")

    detach = command(
        "detach",
        "forget the files attached to an evidence item (the files themselves are never touched)",
    )
    _item_argument(detach)
    detach.add_argument("--yes", action="store_true", help="really detach them (required)")

    message_edit = command(
        "message-edit",
        "correct a chat message: its text, sender or time (it is marked as edited)",
    )
    _message_number_argument(message_edit)
    message_edit.add_argument(
        "text", metavar="TEXT", nargs="?", help="the corrected text; - reads it from standard input"
    )
    message_edit.add_argument(
        "--from", dest="sender", metavar="WHO", help="who sent it: " + ", ".join(names(Sender))
    )
    message_edit.add_argument("--at", metavar="'YYYY-MM-DD HH:MM'", help="when it was sent")

    message_delete = command("message-delete", "delete a message from an order's chat log")
    _message_number_argument(message_delete)
    message_delete.add_argument("--yes", action="store_true", help="really delete it (required)")

    message_import = command(
        "message-import",
        "add a chat transcript to an order's chat log ('[YYYY-MM-DD HH:MM] Seller: text' "
        "lines); messages already there are not added again",
    )
    message_import.add_argument("order_id", metavar="ORDER_ID")
    message_import.add_argument(
        "file", metavar="FILE", help="a UTF-8 text file, or - for standard input"
    )


def _event_value_options(parser: argparse.ArgumentParser, *, correcting: bool) -> None:
    """An event's values: what ``event`` records and ``event-edit`` corrects."""
    when = "the corrected date" if correcting else "when it happened"
    default = "" if correcting else " (default: today)"
    cleared = " ('' clears it)" if correcting else ""
    parser.add_argument("--on", metavar="DATE", help=f"{when}: {TYPED_DATES}{default}")
    parser.add_argument("--reason", metavar="R", help="open_dispute: " + ", ".join(names(Reason)))
    parser.add_argument(
        "--outcome",
        metavar="O",
        help="open_dispute, mediation_won: refund_only or return_and_refund",
    )
    parser.add_argument(
        "--lines",
        metavar="N,N",
        help="open_dispute: the order lines it is about, by number (see the detail screen)",
    )
    parser.add_argument("--tracking", metavar="T", help="return_shipped: tracking number")
    parser.add_argument("--carrier", metavar="C", help="return_shipped: carrier" + cleared)
    parser.add_argument(
        "--amount",
        metavar="A",
        help="seller_agreed, refunded: amount, e.g. 12.50 or 12,50 (partial allowed)" + cleared,
    )
    parser.add_argument("--note", metavar="TEXT", help="a note for the timeline" + cleared)


class _Skipped:
    """A command left out of a parser built for another one: whatever is added to it
    goes nowhere (building every command's arguments costs more than most commands)."""

    def __getattr__(self, name: str) -> Callable[..., _Skipped]:
        return lambda *args, **kwargs: self


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole grammar; with ``only``, the arguments of that command alone (the
    others are not there at all). A name that is no command gives the whole grammar."""
    built = _build(only)
    if only is not None and built[1] != {only}:
        return _build(None)[0]
    return built[0]


def _build(only: str | None) -> tuple[argparse.ArgumentParser, set[str]]:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Never miss a return deadline: orders, disputes, evidence and refunds.",
        epilog="Run without a command to open the dashboard. Try: aliret-tui --demo",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _global_options(parser, top_level=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    made: set[str] = set()

    def command(name: str, help_text: str, **extra: Any) -> argparse.ArgumentParser:
        if only is not None and name != only:
            return _Skipped()  # type: ignore[return-value]
        made.add(name)
        sub = commands.add_parser(name, help=help_text, description=help_text, **extra)
        _global_options(sub, top_level=False)
        return sub

    add = command("add", "add one order")
    add.add_argument("order_id", metavar="ORDER_ID", help="the AliExpress order number")
    _order_fact_options(add, editing=False)

    event = command(
        "event",
        "record a lifecycle event for an order",
        epilog=_event_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    event.add_argument("order_id", metavar="ORDER_ID")
    event.add_argument("event", metavar="EVENT", help="one of: " + ", ".join(names(EventKind)))
    _event_value_options(event, correcting=False)

    undo = command(
        "undo",
        "take back an order's last event: its state and clocks go back to what the "
        "events before it give (the event stays in the timeline's record of corrections)",
    )
    undo.add_argument("order_id", metavar="ORDER_ID")
    event_edit = command(
        "event-edit",
        "correct an event's date or values; the state and clocks are recomputed from "
        "the corrected timeline, and a correction that would not hold is refused",
    )
    event_edit.add_argument("order_id", metavar="ORDER_ID")
    event_edit.add_argument(
        "seq", metavar="N", help="the event's number, as `aliret-tui show ORDER_ID` lists it"
    )
    _event_value_options(event_edit, correcting=True)

    _order_commands(command)

    check = command("check", "list deadlines that are due soon (exit 1 if any)")
    check.add_argument(
        "--days",
        type=int,
        default=None,
        metavar="N",
        help="look N days ahead (default 7, or [check] days in config.toml)",
    )
    check.add_argument("--json", action="store_true", help="print a JSON array")
    check.add_argument(
        "-q", "--quiet", action="store_true", help="print nothing when nothing is due"
    )
    check.add_argument(
        "--notify",
        action="store_true",
        help="also send the reminders due today ([notify] in config.toml; by default a "
        "desktop notification)",
    )

    listing = command("list", "list active orders with their state and next deadline")
    listing.add_argument("--all", action="store_true", help="include closed and archived orders")
    listing.add_argument("--json", action="store_true", help="print JSON")

    importing = command(
        "import",
        "bring orders in from AliExpress exports, saved order pages, emails, or our own "
        "CSV/JSON (the format is recognised by content; all or nothing)",
    )
    importing.add_argument(
        "files",
        metavar="FILE",
        nargs="+",
        help="a file, a folder of .eml mails, or - for standard input",
    )
    importing.add_argument(
        "--dry-run", action="store_true", help="show what would change, and write nothing"
    )
    importing.add_argument(
        "--replace",
        action="store_true",
        help="our own JSON export: take the file's copy of orders that differ (after a backup)",
    )
    importing.add_argument(
        "--currency",
        metavar="CODE",
        help="the currency of amounts that carry none (the AliExpress XLSX data export)",
    )

    paste = command(
        "paste",
        "read orders from text copied from an AliExpress order page or email (standard input)",
    )
    paste.add_argument(
        "--dry-run", action="store_true", help="show what would change, and write nothing"
    )

    exporting = command("export", "export everything as JSON, or the orders as CSV")
    exporting.add_argument("--format", choices=("json", "csv"), default="json")
    exporting.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default stdout)")

    backup = command("backup", "make a checked backup of the database now")
    backup.add_argument(
        "destination",
        metavar="DEST",
        nargs="?",
        help="a new file, or a folder (default: the backups folder; see locate)",
    )

    restore = command("restore", "replace the database with a backup (saving the current one)")
    restore.add_argument("file", metavar="FILE", help="a backup made by aliret-tui")

    pack = command(
        "pack",
        "build a claim pack for one order: summary, timeline, chat, evidence files and a "
        "manifest of their hashes, to hand to a mediator",
    )
    pack.add_argument("order_id", metavar="ORDER_ID", help="the AliExpress order number")
    where = pack.add_mutually_exclusive_group()
    where.add_argument(
        "-o", "--output", metavar="FILE", help="the zip to write (default claim-pack-ORDER_ID.zip)"
    )
    where.add_argument("--dir", metavar="DIR", help="write the files into DIR instead of a zip")
    pack.add_argument(
        "--strict",
        action="store_true",
        help="refuse when an attached file changed or is missing since it was attached",
    )
    pack.add_argument(
        "--include-large", action="store_true", help="also copy attachments over 100 MB"
    )

    stats = command("stats", "money at stake and recovered, dispute outcomes, refund delays")
    stats.add_argument("--json", action="store_true", help="print JSON")
    stats.add_argument(
        "--since", metavar="YYYY-MM-DD", type=_iso_date, help="only orders from this date on"
    )

    for module in (calendar_commands, reminder_commands):
        module.add_commands(command)
    command("config", "print the effective settings and where each came from")
    command("locate", "print where the database, config file and backups are")
    return parser, made
