"""The formats import recognises, by content. Each module offers one or more
``Format`` objects; ``recognise`` picks the first that claims the input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from aliret_tui.domain.fields import TextNotes
from aliret_tui.importing.incoming import ImportRefused, Parsed
from aliret_tui.importing.reading import RawInput


@dataclass(frozen=True)
class ParseContext:
    """What a parser may need beyond the input itself."""

    default_currency: str | None = None  # for sources that carry amounts without one
    today: dt.date | None = None  # the day of the import (dates after it are refused)
    progress: Progress | None = None  # told how far a long parse has got
    notes: TextNotes | None = None  # collects what was cleaned out of text values


# (what is being done, how many done, out of how many): drawn by the CLI on a terminal.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Format:
    name: str  # short id, e.g. "shopper-inventory-csv"
    label: str  # for people: "Shopper Inventory CSV"
    recognise: Callable[[RawInput], bool]
    parse: Callable[[RawInput, ParseContext], Parsed]
    origin: str = ""  # how the timeline names it: "an AliExpress email"


# Most specific first, so that a generic format never shadows another.
FORMAT_MODULES = (
    "own", "api_json", "nrbrook", "shopper_inventory", "order_exporter", "xlsx_export",
    "emails", "page_text",
)  # fmt: skip


def known_formats() -> list[Format]:
    """Every format, in the order they are tried."""
    from importlib import import_module

    return [
        known
        for module in FORMAT_MODULES
        for known in import_module(f"{__name__}.{module}").FORMATS
    ]


def recognise(raw: RawInput) -> Format:
    for candidate in known_formats():
        if candidate.recognise(raw):
            return candidate
    names = ", ".join(f.label for f in known_formats())
    raise ImportRefused(raw.name, "", f"not in a format aliret-tui knows; it reads: {names}")
