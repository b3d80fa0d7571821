"""The export formats: the full JSON document and the orders CSV.

JSON holds everything (orders, disputes, events, chat, evidence) and imports
back exactly. CSV holds the order facts only, one row per order, for
spreadsheets and for bulk entry. Reading them back is ``importing.formats.own``.
Every string is passed through ``sanitize.outgoing`` before it is written, and
CSV cells are kept from being run as spreadsheet formulas.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

from aliret_tui.domain.models import OrderFacts, OrderRecord
from aliret_tui.sanitize import outgoing, outgoing_json
from aliret_tui.transfer.csv_columns import CSV_COLUMNS, CSV_EXTRA_COLUMNS

FORMAT_NAME = "aliret-tui"
FORMAT_VERSION = 1

# Text a spreadsheet would run as a formula (OWASP "CSV injection"): = + - or @, after
# any apostrophes, spaces and double quotes, at the start of a cell or after anything a
# spreadsheet may split cells or rows on (comma, semicolon, tab, line breaks): a
# semicolon or tab inside a cell starts a new cell for a reader set to split there.
# A cell must not start with a tab or CR either.
_CELL_START = r"(?:^|(?<=[,;\t\r\n]))"
_RUNS_AS_FORMULA = r"""'*(?:[^\S\t\r\n]|")*[=+\-@]"""
_STARTS_WITH_BREAK = r"'*[\t\r]"
_FORMULA = re.compile(rf"^(?={_STARTS_WITH_BREAK})|{_CELL_START}(?={_RUNS_AS_FORMULA})")
_NEUTRALISED = re.compile(rf"^'(?={_STARTS_WITH_BREAK})|{_CELL_START}'(?={_RUNS_AS_FORMULA})")


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
    return outgoing_json(document, indent=2) + "\n"


# -- CSV -----------------------------------------------------------------------


def export_csv(rows: Iterable[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS + CSV_EXTRA_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {key: _neutralise_formula(outgoing(_csv_cell(value))) for key, value in row.items()}
        )
    return buffer.getvalue()


def facts_to_csv_row(facts: OrderFacts) -> dict[str, Any]:
    return {name: getattr(facts, name) for name in CSV_COLUMNS}


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _neutralise_formula(cell: str) -> str:
    """Put a quote before each part of the cell a spreadsheet could run as a formula,
    so that it shows as text. A part that is already quoted that way gets one more,
    so that ``restore_formula`` can take exactly one off again."""
    return _FORMULA.sub("'", cell)


def restore_formula(cell: str) -> str:
    """Undo ``_neutralise_formula`` so an exported CSV imports back unchanged."""
    return _NEUTRALISED.sub("", cell)
