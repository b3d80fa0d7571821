"""The export formats: the full JSON document and the orders CSV.

JSON holds everything (orders, disputes, events, chat, evidence) and imports
back exactly. CSV holds the order facts only, one row per order, for
spreadsheets and for bulk entry. Reading them back is ``importing.formats.own``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from aliret_tui.domain.models import OrderFacts, OrderRecord
from aliret_tui.store.csv_columns import CSV_COLUMNS, CSV_EXTRA_COLUMNS

FORMAT_NAME = "aliret-tui"
FORMAT_VERSION = 1

# Cells a spreadsheet would run as a formula (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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


def restore_formula(cell: str) -> str:
    """Undo ``_neutralise_formula`` so an exported CSV imports back unchanged."""
    if cell.startswith("'") and cell[1:].startswith((*_FORMULA_STARTS, "'")):
        return cell[1:]
    return cell
