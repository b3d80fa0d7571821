"""aliret-tui's own CSV and JSON: what ``aliret-tui export`` writes, and the CSV
people fill in by hand. These are the user's own values: an import of them may
change what is stored, but never empties it."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from aliret_tui.domain.fields import (
    MAX_LONG_TEXT,
    FieldError,
    FieldErrors,
    TextNotes,
    not_after_today,
)
from aliret_tui.domain.models import OrderRecord, parse
from aliret_tui.domain.replay import ReplayRefused, replay
from aliret_tui.domain.workflow import check_consistent
from aliret_tui.importing.formats import Format, ParseContext
from aliret_tui.importing.incoming import ImportRefused, IncomingOrder, Parsed
from aliret_tui.importing.reading import RawInput
from aliret_tui.store.csv_columns import CSV_COLUMNS, CSV_EXTRA_COLUMNS, REQUIRED_CSV_COLUMNS
from aliret_tui.store.transfer import FORMAT_NAME, FORMAT_VERSION, restore_formula

CSV_LABEL = "aliret-tui CSV"
JSON_LABEL = "aliret-tui JSON export"
_TOP_LEVEL_KEYS = {"format", "version", "orders"}
PROGRESS_EVERY = 500


# -- CSV -------------------------------------------------------------------------


def _is_own_csv(raw: RawInput) -> bool:
    """A header with our ``order_id`` and ``title`` (quoted or not); what else it
    lacks or has too many is then said by ``_check_header``."""
    if raw.text is None:
        return False
    try:
        header = next(csv.reader([raw.first_line()]), [])
    except csv.Error:
        return False
    return {"order_id", "title"} <= {name.strip() for name in header}


def parse_own_csv(raw: RawInput, context: ParseContext) -> Parsed:
    text = raw.text or ""
    csv.field_size_limit(max(csv.field_size_limit(), 4 * MAX_LONG_TEXT))
    reader = csv.reader(io.StringIO(text), strict=True)
    try:
        header = [name.strip() for name in next(reader, [])]
    except csv.Error as error:
        raise ImportRefused(raw.name, "line 1", f"not valid CSV ({error})") from None
    _check_header(raw.name, header)
    parsed = Parsed()
    seen: dict[str, int] = {}
    try:
        # Rows count records, the header being row 1: a cell may hold line breaks.
        for row, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(header):
                raise ImportRefused(f"row {row}", "", "has more cells than the header")
            values = {
                name: restore_formula(cell)
                for name, cell in zip(header, cells, strict=False)
                if name in CSV_COLUMNS and cell != ""
            }
            order_id = values.pop("order_id", "")
            if order_id in seen:
                raise ImportRefused(
                    f"row {row}",
                    "order_id",
                    f"{order_id[:30]!r} is already on row {seen[order_id]}",
                )
            seen[order_id] = row
            parsed.orders.append(IncomingOrder(order_id, f"row {row}", **values))
    except csv.Error as error:
        raise ImportRefused(
            f"line {reader.line_num}", "", f"not valid CSV ({_csv_reason(error)})"
        ) from None
    return parsed


def _check_header(name: str, header: list[str]) -> None:
    duplicates = sorted({column for column in header if header.count(column) > 1})
    if duplicates:
        raise ImportRefused(name, "header", f"column {duplicates[0]!r} appears twice (line 1)")
    missing = [column for column in REQUIRED_CSV_COLUMNS if column not in header]
    if missing:
        raise ImportRefused(name, "header", f"missing column {', '.join(missing)} (line 1)")
    unknown = [c for c in header if c not in CSV_COLUMNS and c not in CSV_EXTRA_COLUMNS]
    if unknown:
        shown = ", ".join(repr(c[:30]) for c in unknown[:3])
        raise ImportRefused(
            name, "header", f"unknown column {shown}; columns are {','.join(CSV_COLUMNS)}"
        )


def _csv_reason(error: csv.Error) -> str:
    text = str(error)
    if "field larger than field limit" in text:
        return f"a cell is longer than {4 * MAX_LONG_TEXT:,} characters"
    if "EOF" in text or "unexpected end of data" in text:
        return "a quote is opened and never closed"
    return text


# -- JSON ------------------------------------------------------------------------


def _is_own_json(raw: RawInput) -> bool:
    if not raw.looks_like_json or b'"format"' not in raw.data[:4096]:
        return False
    try:
        document = raw.json()
    except ImportRefused:
        return False
    return isinstance(document, dict) and document.get("format") == FORMAT_NAME


def parse_own_json(raw: RawInput, context: ParseContext) -> Parsed:
    document = raw.json()
    unknown = sorted(set(document) - _TOP_LEVEL_KEYS)
    if unknown:
        raise ImportRefused(raw.name, repr(unknown[0][:40]), "unknown key in an aliret-tui export")
    version = document.get("version")
    if type(version) is not int or version != FORMAT_VERSION:
        raise ImportRefused(
            raw.name,
            "version",
            f"{str(version)[:20]!r} is not supported (this aliret-tui reads version "
            f"{FORMAT_VERSION})",
        )
    orders = document.get("orders")
    if not isinstance(orders, list):
        raise ImportRefused(raw.name, "orders", "must be a list")
    parsed = Parsed()
    seen: set[str] = set()
    today = context.today or dt.date.today()
    for index, entry in enumerate(orders, start=1):
        if context.progress is not None and index % PROGRESS_EVERY == 0:
            context.progress(f"Checking {raw.name}", index, len(orders))
        record_notes = TextNotes()
        record = checked_record(entry, f"order {index}", today, record_notes)
        if context.notes is not None:
            context.notes.extend(record_notes, prefix=f"{raw.name}, order {index}, ")
        if record.order.order_id in seen:
            raise ImportRefused(
                f"order {index}", "order_id", f"{record.order.order_id!r} appears twice"
            )
        seen.add(record.order.order_id)
        parsed.records.append(record)
    return parsed


def checked_record(
    entry: Any, where: str, today: dt.date, notes: TextNotes | None = None
) -> OrderRecord:
    """One exported order, checked as the CLI checks what it records: its facts as
    ``add`` does, and its state by replaying its events through the workflow."""
    try:
        record = parse(OrderRecord, entry, notes=notes)
        order = record.order
        for name in ("ordered_on", "delivered_on"):
            not_after_today(getattr(order, name), name, today)
        facts = order.facts
        check_consistent(order)
        replayed = replay(
            facts,
            record.events,
            today=today,
            delivery_unknown=order.delivery_unknown,
            created_at=order.created_at,
        )
    except FieldErrors as errors:
        raise ImportRefused(where, errors.first.field, errors.first.message) from None
    except FieldError as error:
        raise ImportRefused(where, error.field, error.message) from None
    except ReplayRefused as error:
        raise ImportRefused(where, "events", str(error)) from None
    for name in ("state", "clock_since", "dispute"):
        stored, from_events = getattr(order, name), getattr(replayed, name)
        if stored != from_events:
            raise ImportRefused(
                where,
                name,
                f"{_shown(stored)} does not follow from its events (they give "
                f"{_shown(from_events)})",
            )
    return record


def _shown(value: Any) -> str:
    if value is None:
        return "nothing"
    text = value.value if hasattr(value, "value") else str(value)
    return repr(text if len(text) <= 60 else text[:59] + "…")


FORMATS = [
    Format("aliret-tui-json", JSON_LABEL, _is_own_json, parse_own_json, "your export"),
    Format("aliret-tui-csv", CSV_LABEL, _is_own_csv, parse_own_csv, "your CSV"),
]
