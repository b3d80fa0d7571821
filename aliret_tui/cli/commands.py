"""The commands that read or change the store: add, event, list, import, export, locate."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aliret_tui.cli.output import echo
from aliret_tui.domain.clocks import describe_days_left
from aliret_tui.domain.fields import FieldError, FieldErrors, TextNotes, note_unusual_order_id
from aliret_tui.domain.fields import order_id as typed_order_id
from aliret_tui.domain.models import EventInput, Order, OrderFacts, parse
from aliret_tui.domain.policy import Policy
from aliret_tui.errors import UserError
from aliret_tui.runtime.context import Context
from aliret_tui.sanitize import outgoing
from aliret_tui.store.store import Store, StoreError, UpgradeNeeded
from aliret_tui.terminal_cells import cells, pad, shorten

if TYPE_CHECKING:
    import argparse

    from aliret_tui.importing.batch import ImportBatch

# How the command line names each field in messages.
_OPTION_NAMES = {
    "order_id": "ORDER_ID",
    "ordered_on": "--ordered",
    "delivered_on": "--delivered",
    "event": "EVENT",
}


def option_name(field: str) -> str:
    return _OPTION_NAMES.get(field, "--" + field.replace("_", "-"))


def _as_option_error(error: FieldError | FieldErrors) -> UserError:
    first = error.first if isinstance(error, FieldErrors) else error
    return UserError(f"{option_name(first.field)}: {first.message}")


def _print_notes(notes: TextNotes, name_of=option_name) -> None:
    for message in notes.messages(name_of):
        echo(f"aliret-tui: note: {message}", err=True)


def open_store(context: Context, *, readonly: bool = False) -> Store:
    """The store; ``readonly`` for commands that only read, so that read-only media
    and a full disk do not stop them. A database that needs a migration is upgraded
    first (with a backup), as any command would, when it can be written."""
    policy = context.settings().policy
    if readonly:
        try:
            return Store(context.db_path, policy=policy, time=context.time, readonly=True)
        except UpgradeNeeded as needed:
            try:
                Store(context.db_path, policy=policy, time=context.time).close()
            except StoreError:
                raise needed from None
            return Store(context.db_path, policy=policy, time=context.time, readonly=True)
    return Store(context.db_path, policy=policy, time=context.time)


def stored_order_id(store: Store, typed: str) -> str:
    """The order an ORDER_ID argument names, read as ``add`` stores it: spaces, dashes
    and a trailing "Copy" go, so "8175 1234 5678 9012" finds 8175123456789012. An
    order stored as typed (before ids were normalised) is found by that text too."""
    try:
        wanted = typed_order_id(typed)
    except FieldError as error:
        raise _as_option_error(error) from None
    if wanted == typed or store.orders_by_id([wanted]) or not store.orders_by_id([typed]):
        return wanted
    return typed


# -- add -----------------------------------------------------------------------


def run_add(args: argparse.Namespace, context: Context) -> int:
    given = {
        "order_id": args.order_id,
        "title": args.title,
        "price": args.price,
        "currency": args.currency,
        "store": args.store,
        "ordered_on": args.ordered,
        "delivered_on": args.delivered,
        "window_days": args.window_days,
        "protection_ends": args.protection_ends,
        "country": args.country,
        "free_return": args.free_return,
        "local_return": args.local_return,
        "note": args.note,
    }
    notes = TextNotes()
    try:
        facts = parse(
            OrderFacts,
            {key: value for key, value in given.items() if value is not None},
            notes=notes,
            today=context.time.today(),
        )
        note_unusual_order_id(facts.order_id, notes)
        with open_store(context) as store:
            order = store.add_order(facts)
            policy = store.policy
    except (FieldError, FieldErrors) as error:
        raise _as_option_error(error) from None
    _print_notes(notes)
    echo(f"Added order {order.order_id}: {order.title}")
    echo(f"  {status_line(order, policy, context.time.today())}")
    return 0


# -- event ---------------------------------------------------------------------


def run_event(args: argparse.Namespace, context: Context) -> int:
    given = {
        "kind": args.event,
        "on": args.on,
        "reason": args.reason,
        "outcome": args.outcome,
        "lines": args.lines,
        "tracking": args.tracking,
        "carrier": args.carrier,
        "amount": args.amount,
        "note": args.note,
    }
    values = {key: value for key, value in given.items() if value is not None}
    notes = TextNotes()
    today = context.time.today()
    try:
        if args.amount:
            # Everything else is checked before the database is opened, as without an
            # amount; the amount is read in the order's currency (1,234 yen is one
            # thousand and more), found through the one connection that records it.
            parse(EventInput, {**values, "amount": None}, notes=TextNotes(), today=today)
        else:
            request = parse(EventInput, values, notes=notes, today=today)
        with open_store(context) as store:
            order_id = stored_order_id(store, args.order_id)
            if args.amount:
                found = store.orders_by_id([order_id])
                currency = found[0].currency if found else None
                request = parse(EventInput, values, notes=notes, today=today, currency=currency)
            transition = store.record_event(order_id, request)
            policy = store.policy
    except (FieldError, FieldErrors) as error:
        raise _as_option_error(error) from None
    _print_notes(notes)
    order, event = transition.order, transition.event
    echo(
        f"Recorded {event.kind} for order {order.order_id} on {event.on.isoformat()}: "
        f"now {order.state.label}"
    )
    echo(f"  {status_line(order, policy, context.time.today())}")
    if transition.new_evidence:
        count = len(transition.new_evidence)
        echo(f"  Evidence checklist: {count} item{'s' if count != 1 else ''} added to collect:")
        for item in transition.new_evidence:
            echo(f"    [ ] {item.label}")
    return 0


def status_line(order: Order, policy: Policy, today: dt.date) -> str:
    """'Next: inspection deadline 2026-12-10 (11 days left): <action>', or why there is none."""
    clock = order.clock(policy)
    if clock is None:
        return "No deadline running." if not order.state.is_closed else "Closed."
    if clock.is_expired(today):
        return f"The inspection window ended on {clock.deadline.isoformat()}."
    return (
        f"Next: {clock.kind.label} deadline {clock.deadline.isoformat()} "
        f"({describe_days_left(clock.days_left(today))}): {clock.action(today)}"
    )


# -- list ------------------------------------------------------------------------


def order_summary(order: Order, policy: Policy, today: dt.date) -> dict[str, Any]:
    clock = order.clock(policy)
    live = clock is not None and not clock.is_expired(today)
    return {
        "order_id": order.order_id,
        "title": order.title,
        "store": order.store,
        "price": str(order.price),
        "currency": order.currency,
        "state": order.state.value,
        "state_label": order.state_label(policy, today),
        "clock": clock.kind.value if clock and live else None,
        "deadline": clock.deadline.isoformat() if clock and live else None,
        "days_left": clock.days_left(today) if clock and live else None,
        "action": clock.action(today) if clock and live else None,
        "archived": order.archived,
    }


# -- import / export -------------------------------------------------------------


def run_import(args: argparse.Namespace, context: Context) -> int:
    from aliret_tui.domain.fields import currency
    from aliret_tui.importing.batch import load_files, load_text
    from aliret_tui.importing.reading import read_stream

    today = context.time.today()
    if args.currency:
        default_currency = currency(args.currency, "--currency")
    else:
        default_currency = context.settings().import_currency
    paths = [path for path in args.files if path != "-"]
    progress = ProgressLine.on_terminal()
    with _refusals_named():
        batch = load_files(paths, today=today, default_currency=default_currency, progress=progress)
        if "-" in args.files:
            raw = read_stream("standard input", sys.stdin.buffer)
            batch.loaded += load_text(raw.name, raw.text or "", today=today).loaded
        batch.replace = args.replace
    if progress is not None:
        progress("Writing" if not args.dry_run else "Planning", 0, 0)
    return _run_batch(batch, context, dry_run=args.dry_run, progress=progress)


def run_paste(args: argparse.Namespace, context: Context) -> int:
    from aliret_tui.importing.batch import load_text
    from aliret_tui.importing.reading import read_stream

    with _refusals_named():
        raw = read_stream("pasted text", sys.stdin.buffer)
        if raw.text is None:
            raise UserError("pasted text: is not UTF-8 text")
        batch = load_text(raw.name, raw.text, today=context.time.today())
    return _run_batch(batch, context, dry_run=args.dry_run)


def _run_batch(
    batch: ImportBatch, context: Context, *, dry_run: bool, progress: ProgressLine | None = None
) -> int:
    from aliret_tui.importing.report import plan_lines

    with _refusals_named(), open_store(context) as store:
        plan = store.plan_import(batch) if dry_run else store.apply_import(batch)
    if progress is not None:
        progress.clear()
    _print_notes(batch.notes, name_of=str)
    for line in plan_lines(batch, plan, applied=not dry_run):
        echo(line)
    return 0


class ProgressLine:
    """A progress bar on standard error, drawn only on a terminal (never in a pipe,
    a file or cron's mail), and cleared before the report."""

    WIDTH = 30

    def __init__(self) -> None:
        self.drawn = 0

    @classmethod
    def on_terminal(cls) -> ProgressLine | None:
        return cls() if sys.stderr.isatty() else None

    def __call__(self, what: str, done: int, total: int) -> None:
        if total:
            filled = self.WIDTH * done // total
            bar = "#" * filled + "." * (self.WIDTH - filled)
            line = f"{shorten(what, 40)} [{bar}] {done:,} of {total:,}"
        else:
            line = f"{shorten(what, 40)}…"
        self._draw(line)

    def clear(self) -> None:
        self._draw("")
        sys.stderr.write("\r")

    def _draw(self, line: str) -> None:
        line = outgoing(line, one_line=True)
        sys.stderr.write("\r" + pad(line, self.drawn))
        sys.stderr.flush()
        self.drawn = cells(line)


@contextmanager
def _refusals_named() -> Iterator[None]:
    """A refused import says so, and that nothing was written."""
    from aliret_tui.importing.incoming import ImportRefused

    try:
        yield
    except ImportRefused as error:
        raise UserError(f"{error}; nothing was imported") from None


def run_export(args: argparse.Namespace, context: Context) -> int:
    """Write the export as it is read, a batch of orders at a time: the document is
    never whole in memory. To a file, it replaces the file only once complete."""
    from aliret_tui.files import writing_private_file
    from aliret_tui.transfer.documents import csv_chunks, json_chunks

    today = context.time.today()
    with open_store(context, readonly=True) as store, store.read_snapshot():
        if args.format == "json":
            chunks = json_chunks(store.export_batches())
        else:
            chunks = csv_chunks(store.csv_batches(), store.policy, today)
        if args.output:
            with writing_private_file(Path(args.output)) as handle:
                for chunk in chunks:
                    handle.write(chunk.encode("utf-8"))
        else:
            for chunk in chunks:
                sys.stdout.write(chunk)
    if args.output:
        echo(f"Exported to {args.output}", err=True)
    return 0


# -- backup / restore ----------------------------------------------------------------


def run_backup(args: argparse.Namespace, context: Context) -> int:
    from aliret_tui.store.backup import stamp

    with open_store(context, readonly=True) as store:
        if args.destination is None:
            made = store.backup_now("manual")
        else:
            destination = Path(args.destination).expanduser()
            if destination.is_dir():
                destination = destination / f"aliret-{stamp(context.time.now())}.db"
            made = store.backup_to(destination)
    echo(f"Backed up to {made} ({made.stat().st_size:,} bytes, checked: ok)")
    return 0


def run_restore(args: argparse.Namespace, context: Context) -> int:
    """The live database is not opened first: a broken one can always be replaced."""
    from aliret_tui.store.restore import restore_database

    source = Path(args.file).expanduser()
    restored = restore_database(context.db_path, source, context.time.now())
    with open_store(context) as store:
        count = len(store.list_orders(include_archived=True))
    echo(f"Restored {count} orders from {source}.")
    echo(restored.note)
    return 0
