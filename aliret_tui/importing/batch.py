"""One import: the inputs read, their formats recognised, every order normalised
and checked. Nothing here touches the database; ``store.imports`` plans the
merge against it and applies the plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from aliret_tui.domain.fields import TextNotes
from aliret_tui.domain.models import OrderRecord
from aliret_tui.importing.collector import collector_paused
from aliret_tui.importing.formats import Format, ParseContext, Progress, recognise
from aliret_tui.importing.incoming import ImportRefused, Parsed, Skipped, Status
from aliret_tui.importing.merge import Source
from aliret_tui.importing.reading import RawInput, read_file
from aliret_tui.importing.validate import ValidOrder, validated

OWN_FORMATS = ("aliret-tui-csv", "aliret-tui-json")


@dataclass
class LoadedSource:
    source: Source
    format: Format
    parsed: Parsed
    orders: list[ValidOrder]


@dataclass
class ImportBatch:
    loaded: list[LoadedSource] = field(default_factory=list)
    replace: bool = False  # our own JSON: take the file's copy of changed orders
    notes: TextNotes = field(default_factory=TextNotes)

    def entries(self) -> Iterator[tuple[ValidOrder, Source]]:
        for loaded in self.loaded:
            for order in loaded.orders:
                yield order, loaded.source

    def records(self) -> list[tuple[OrderRecord, Source]]:
        return [
            (record, loaded.source) for loaded in self.loaded for record in loaded.parsed.records
        ]

    @property
    def unread(self) -> list[str]:
        return [
            f"{loaded.source.name}: {line}"
            for loaded in self.loaded
            for line in loaded.parsed.unread
        ]


def load_files(
    paths: list[str],
    *,
    today: dt.date,
    default_currency: str | None = None,
    progress: Progress | None = None,
) -> ImportBatch:
    """Read, recognise and check every file; ``ImportRefused`` names the first problem."""
    batch = ImportBatch()
    with collector_paused():
        for path in paths:
            for raw in read_file(path):
                batch.loaded.append(_load(raw, today, default_currency, batch.notes, progress))
    return batch


def load_text(name: str, text: str, *, today: dt.date) -> ImportBatch:
    """Pasted text: any known format, most often a copied order page or mail."""
    batch = ImportBatch()
    batch.loaded.append(_load(RawInput.from_text(name, text), today, None, batch.notes))
    return batch


def _load(
    raw: RawInput,
    today: dt.date,
    default_currency: str | None,
    notes: TextNotes,
    progress: Progress | None = None,
) -> LoadedSource:
    try:
        return _load_named(raw, today, default_currency, notes, progress)
    except ImportRefused as error:
        raise _naming_the_file(error, raw.name) from None


def _naming_the_file(error: ImportRefused, name: str) -> ImportRefused:
    """A refusal names the file as well as the row or order ("e.csv, row 5: price: …")."""
    if error.where == name or error.where.startswith(f"{name}, "):
        return error
    where = f"{name}, {error.where}" if error.where else name
    return ImportRefused(where, error.field, error.message)


def _recognised(raw: RawInput) -> Format:
    """The input's format; JSON that cannot be read says why (duplicate keys, deep
    nesting, huge numbers) rather than "not in a known format"."""
    try:
        return recognise(raw)
    except ImportRefused:
        if raw.looks_like_json:
            raw.json()
        raise


def _load_named(
    raw: RawInput,
    today: dt.date,
    default_currency: str | None,
    notes: TextNotes,
    progress: Progress | None,
) -> LoadedSource:
    chosen = _recognised(raw)
    context = ParseContext(
        default_currency=default_currency, today=today, progress=progress, notes=notes
    )
    parsed = chosen.parse(raw, context)
    source = Source(
        chosen.label, raw.name, today, users_own=chosen.name in OWN_FORMATS, origin=chosen.origin
    )
    orders = []
    for incoming in parsed.orders:
        if incoming.status is Status.NEVER_PAID:  # skipped whatever else it holds
            parsed.skipped.append(Skipped(incoming.where, incoming.order_id.strip(), "never paid"))
            continue
        order_notes = TextNotes()
        orders.append(validated(incoming, today, order_notes))
        if order_notes.removed or order_notes.warnings:
            notes.extend(order_notes, prefix=f"{raw.name}, {incoming.where}, ")
    return LoadedSource(source, chosen, parsed, orders)
