"""Import and export formats: the full JSON document and the orders CSV.

JSON holds everything (orders, disputes, events, chat, evidence) and round-trips
exactly. CSV holds the order facts only, one row per order, for spreadsheets
and for bulk entry.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable
from typing import Any

from aliret_tui.domain.fields import MAX_LONG_TEXT, FieldError, FieldErrors, TextNotes
from aliret_tui.domain.models import OrderFacts, OrderRecord, parse
from aliret_tui.domain.workflow import check_consistent
from aliret_tui.errors import UserError
from aliret_tui.store.csv_columns import CSV_COLUMNS, CSV_EXTRA_COLUMNS, REQUIRED_CSV_COLUMNS

FORMAT_NAME = "aliret-tui"
FORMAT_VERSION = 1

# Cells a spreadsheet would run as a formula (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ImportRefused(UserError, ValueError):
    """A file that cannot be imported; the message names the row and the field."""


# -- JSON ----------------------------------------------------------------------


def record_to_json(record: OrderRecord) -> dict[str, Any]:
    data = record.model_dump(mode="json")
    for message in data["messages"]:
        message.pop("id", None)
    for item in data["evidence"]:
        item.pop("id", None)
        for attachment in item["attachments"]:
            attachment.pop("id", None)
    return data


def export_json(records: Iterable[OrderRecord]) -> str:
    document = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "orders": [record_to_json(record) for record in records],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def parse_json(text: str, notes: TextNotes | None = None) -> list[OrderRecord]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportRefused(f"not valid JSON ({error.msg} at line {error.lineno})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise ImportRefused(f'not an aliret-tui export (expected "format": "{FORMAT_NAME}")')
    if document.get("version") != FORMAT_VERSION:
        raise ImportRefused(
            f"export version {document.get('version')!r} is not supported "
            f"(this aliret-tui reads version {FORMAT_VERSION})"
        )
    orders = document.get("orders")
    if not isinstance(orders, list):
        raise ImportRefused('"orders" must be a list')
    records: list[OrderRecord] = []
    seen: set[str] = set()
    for index, entry in enumerate(orders, start=1):
        entry_notes = TextNotes()
        try:
            record = parse(OrderRecord, entry, notes=entry_notes)
            check_consistent(record.order)
        except FieldErrors as errors:
            raise ImportRefused(f"order {index}: {_describe(errors.first)}") from None
        except FieldError as error:
            raise ImportRefused(f"order {index}: {_describe(error)}") from None
        if notes is not None:
            notes.extend(entry_notes, prefix=f"order {index}, ")
        if record.order.order_id in seen:
            raise ImportRefused(f"order {index}: order_id {record.order.order_id!r} appears twice")
        seen.add(record.order.order_id)
        records.append(record)
    return records


# -- CSV -----------------------------------------------------------------------


def export_csv(rows: Iterable[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS + CSV_EXTRA_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _neutralise_formula(_csv_cell(value)) for key, value in row.items()})
    return buffer.getvalue()


def facts_to_csv_row(facts: OrderFacts) -> dict[str, Any]:
    return {name: getattr(facts, name) for name in CSV_COLUMNS}


def parse_csv(
    text: str, notes: TextNotes | None = None, today: dt.date | None = None
) -> list[OrderFacts]:
    # Python's csv refuses cells over 128 KiB; a note may be longer than that.
    csv.field_size_limit(max(csv.field_size_limit(), 4 * MAX_LONG_TEXT))
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    header = reader.fieldnames or []
    missing = [column for column in REQUIRED_CSV_COLUMNS if column not in header]
    if missing:
        raise ImportRefused(f"header: missing column {', '.join(missing)} (line 1)")
    unknown = [c for c in header if c not in CSV_COLUMNS and c not in CSV_EXTRA_COLUMNS]
    if unknown:
        shown = ", ".join(repr(c) for c in unknown[:3])
        raise ImportRefused(f"header: unknown column {shown}; columns are {','.join(CSV_COLUMNS)}")
    rows: list[OrderFacts] = []
    seen: dict[str, int] = {}
    try:
        for line_number, raw in enumerate(reader, start=2):
            if None in raw:
                raise ImportRefused(f"row {line_number}: has more cells than the header")
            values = {
                key: _restore_formula(value)
                for key, value in raw.items()
                if key in CSV_COLUMNS and value not in (None, "")
            }
            row_notes = TextNotes()
            try:
                facts = parse(OrderFacts, values, notes=row_notes, today=today)
            except FieldErrors as errors:
                raise ImportRefused(f"row {line_number}: {_describe(errors.first)}") from None
            if notes is not None:
                notes.extend(row_notes, prefix=f"row {line_number}, ")
            if facts.order_id in seen:
                raise ImportRefused(
                    f"row {line_number}: order_id {facts.order_id!r} is already on row "
                    f"{seen[facts.order_id]}"
                )
            seen[facts.order_id] = line_number
            rows.append(facts)
    except csv.Error as error:
        raise ImportRefused(f"line {reader.line_num}: not valid CSV ({error})") from None
    return rows


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _neutralise_formula(cell: str) -> str:
    """Prefix a quote so a spreadsheet shows the cell as text, never runs it.

    A cell that already starts with a quote gets one too, so that
    ``_restore_formula`` can take exactly one off again."""
    return "'" + cell if cell.startswith((*_FORMULA_STARTS, "'")) else cell


def _restore_formula(cell: str) -> str:
    """Undo ``_neutralise_formula`` so an exported CSV imports back unchanged."""
    if cell.startswith("'") and cell[1:].startswith((*_FORMULA_STARTS, "'")):
        return cell[1:]
    return cell


def _describe(error: FieldError) -> str:
    return f"{error.field}: {error.message}"
