"""aliret-tui's own CSV and JSON: what ``aliret-tui export`` writes, and the CSV
people fill in by hand. These are the user's own values: an import of them may
change what is stored, but never empties it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from collections.abc import Iterator
from typing import Any

from aliret_tui.domain.documents import parse_document
from aliret_tui.domain.fields import (
    MAX_LONG_TEXT,
    FieldError,
    FieldErrors,
    TextNotes,
    not_after_today,
)
from aliret_tui.domain.models import OrderRecord
from aliret_tui.domain.replay import ReplayRefused, replay
from aliret_tui.domain.workflow import check_consistent
from aliret_tui.importing.formats import Format, ParseContext
from aliret_tui.importing.incoming import ImportRefused, IncomingOrder, Parsed
from aliret_tui.importing.reading import RawInput
from aliret_tui.transfer.csv_columns import CSV_COLUMNS, CSV_EXTRA_COLUMNS, REQUIRED_CSV_COLUMNS
from aliret_tui.transfer.documents import FORMAT_NAME, FORMAT_VERSION, restore_formula

CSV_LABEL = "aliret-tui CSV"
JSON_LABEL = "aliret-tui JSON export"
_TOP_LEVEL_KEYS = {"format", "version", "orders"}
PROGRESS_EVERY = 500
MAX_CSV_CELL = 4 * MAX_LONG_TEXT  # characters in one cell of our CSV


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
    # No cell can outgrow the text: the csv module's own limit never stops a read
    # halfway (naming the wrong line); cells are measured below, naming their column.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.reader(io.StringIO(text), strict=True)
    try:
        header = [name.strip() for name in next(reader, [])]
    except csv.Error as error:
        raise _syntax_refusal(text, [], 1, 1, error) from None
    _check_cell_lengths([], header, "header", 1)
    _check_header(raw.name, header, lines=reader.line_num)
    parsed = Parsed()
    seen: dict[str, int] = {}
    # (column, index) of the columns read; the others (state, next_deadline) are ignored.
    read_columns = [(name, index) for index, name in enumerate(header) if name in CSV_COLUMNS]
    for row, line, cells in _records(reader, text, header):
        if not "".join(cells).strip():
            continue
        if len(cells) > len(header):
            raise ImportRefused(f"row {row}", "", "has more cells than the header")
        if max(map(len, cells)) > MAX_CSV_CELL:
            _check_cell_lengths(header, cells, f"row {row}", line)
        values = {
            name: restore_formula(cell) if "'" in cell else cell
            for name, index in read_columns
            if index < len(cells) and (cell := cells[index]) != ""
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
    return parsed


def _records(
    reader: Any,  # a csv.reader
    text: str,
    header: list[str],
) -> Iterator[tuple[int, int, list[str]]]:
    """(row, line, cells) for each record after the header. Rows count records,
    the header being row 1; lines count lines, as a cell may hold line breaks."""
    row = 1
    while True:
        row, line = row + 1, reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise _syntax_refusal(text, header, row, line, error) from None
        yield row, line, cells


def _check_header(name: str, header: list[str], lines: int) -> None:
    """The header (read from ``lines`` lines): each column once, the required ones there."""
    if lines > 1:  # a header cell with a line break: a quote in it is never closed
        column = next(index for index, cell in enumerate(header) if "\n" in cell or "\r" in cell)
        raise ImportRefused(
            "header (line 1)",
            f"column {column + 1}",
            f"the cell {_start_of(header[column])} opens a quote that is not closed on line 1",
        )
    duplicates = sorted({column for column in header if header.count(column) > 1})
    if duplicates:
        first = duplicates[0]
        places = " and ".join(str(index + 1) for index, c in enumerate(header) if c == first)
        raise ImportRefused(
            name, "header", f"column {_start_of(first)} appears twice (columns {places} of line 1)"
        )
    missing = [column for column in REQUIRED_CSV_COLUMNS if column not in header]
    if missing:
        raise ImportRefused(name, "header", f"missing column {', '.join(missing)} (line 1)")
    unknown = [c for c in header if c not in CSV_COLUMNS and c not in CSV_EXTRA_COLUMNS]
    if unknown:
        shown = ", ".join(repr(c[:30]) for c in unknown[:3])
        raise ImportRefused(
            name, "header", f"unknown column {shown}; columns are {','.join(CSV_COLUMNS)}"
        )


def _check_cell_lengths(header: list[str], cells: list[str], row: str, line: int) -> None:
    for index, cell in enumerate(cells):
        if len(cell) > MAX_CSV_CELL:
            raise ImportRefused(
                f"{row} (line {line})",
                _column_name(header, index),
                f"the cell is {len(cell):,} characters long (at most {MAX_CSV_CELL:,})",
            )


def _syntax_refusal(
    text: str, header: list[str], row: int, line: int, error: csv.Error
) -> ImportRefused:
    """What the csv module refused in the record of ``row`` (starting on ``line``),
    said with the cell's column and the line the cell starts on."""
    problem = _syntax_problem(text, line)
    if problem is None:
        return ImportRefused(f"row {row} (line {line})", "", f"not valid CSV ({error})")
    column, cell_line, message = problem
    where = "header" if row == 1 else f"row {row}"
    return ImportRefused(f"{where} (line {cell_line})", _column_name(header, column), message)


def _syntax_problem(text: str, line: int) -> tuple[int, int, str] | None:
    """(index of the cell, the line it starts on, what is wrong) for the record that
    starts on ``line``, read as the csv module reads it (a quote only opens a cell
    at its start; ``""`` is a quote inside a quoted cell); None if it finds nothing."""
    record = "".join(itertools.islice(io.StringIO(text), line - 1, None))
    column, cell_line, current, state = 0, line, line, "start"
    for index, char in enumerate(record):
        if state == "quoted":
            state = "closed" if char == '"' else "quoted"
        elif char == "\r" and record[index + 1 : index + 2] not in ("\n", ""):
            return (
                column,
                cell_line,
                "a carriage return (\\r) without a line feed breaks this cell; save the file "
                "with ordinary line ends",
            )
        elif char in "\r\n":
            break  # the record ends, its quotes all closed
        elif char == ",":
            column, state = column + 1, "start"
        elif state == "start":
            cell_line, state = current, "quoted" if char == '"' else "plain"
        elif state == "closed":
            if char != '"':
                return (
                    column,
                    cell_line,
                    f"the quoted cell is closed on line {current} and then goes on with "
                    f'{char!r}; write a quote inside a quoted cell as two quotes ("")',
                )
            state = "quoted"
        if char == "\n":
            current += 1
    if state == "quoted":
        return column, cell_line, "a quote opens this cell and is never closed"
    return None


def _column_name(header: list[str], index: int) -> str:
    """A cell's column by its header name, or by its place where there is none."""
    return header[index] if index < len(header) else f"column {index + 1}"


def _start_of(cell: str) -> str:
    """A cell quoted for a message, long ones cut short."""
    return repr(cell if len(cell) <= 30 else cell[:29] + "…")


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
        record = parse_document(OrderRecord, entry, notes=notes)
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
