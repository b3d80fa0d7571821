"""The one object that owns the SQLite file. ``Store`` is put together from parts,
each in its own module: the connection, transactions and backups (``base``);
orders and events (``orders``); chat and evidence (``chat_evidence``); whole
records in bulk (``records``); and here, importing (planned by ``importing``,
applied by ``store.imports``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from aliret_tui.domain.models import OrderFacts, OrderRecord
from aliret_tui.store.corrections import EventCorrections
from aliret_tui.store.errors import EditConflict, OrderNotFound, StoreError, UpgradeNeeded
from aliret_tui.store.records import WholeRecords
from aliret_tui.store.rows import given_facts

if TYPE_CHECKING:
    from aliret_tui.importing.batch import ImportBatch
    from aliret_tui.importing.merge import ImportPlan

__all__ = ["EditConflict", "ImportReport", "OrderNotFound", "Store", "StoreError", "UpgradeNeeded"]


@dataclass(frozen=True)
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    @classmethod
    def of(cls, plan: ImportPlan) -> ImportReport:
        records_added = sum(1 for r in plan.records if r.previous is None)
        return cls(
            added=len(plan.added) + records_added,
            updated=len(plan.updated) + len(plan.records) - records_added,
            unchanged=len(plan.unchanged),
        )

    def __str__(self) -> str:
        return f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged"


class Store(WholeRecords, EventCorrections):
    # -- importing -----------------------------------------------------------------

    def import_facts(self, rows: list[OrderFacts], name: str = "rows") -> ImportReport:
        """Orders the user stated (a CSV of their own): added, or their values
        updated, never emptied. All rows in one transaction."""
        from aliret_tui.importing.batch import ImportBatch, LoadedSource
        from aliret_tui.importing.formats.own import CSV_LABEL, FORMATS
        from aliret_tui.importing.incoming import Parsed
        from aliret_tui.importing.merge import Source
        from aliret_tui.importing.validate import ValidOrder

        source = Source(CSV_LABEL, name, self.time.today(), True, FORMATS[1].origin)
        orders = [
            ValidOrder(facts.order_id, f"row {number}", given_facts(facts))
            for number, facts in enumerate(rows, start=1)
        ]
        batch = ImportBatch([LoadedSource(source, FORMATS[1], Parsed(), orders)])
        return ImportReport.of(self.apply_import(batch))

    def import_records(
        self, records: list[OrderRecord], name: str = "records", replace: bool = False
    ) -> ImportReport:
        """Whole orders from our own JSON export, merged (see importing.records)."""
        from aliret_tui.importing.batch import ImportBatch, LoadedSource
        from aliret_tui.importing.formats.own import FORMATS, JSON_LABEL
        from aliret_tui.importing.incoming import Parsed
        from aliret_tui.importing.merge import Source

        source = Source(JSON_LABEL, name, self.time.today(), True, FORMATS[0].origin)
        parsed = Parsed(records=list(records))
        batch = ImportBatch([LoadedSource(source, FORMATS[0], parsed, [])], replace=replace)
        return ImportReport.of(self.apply_import(batch))

    def plan_import(self, batch: ImportBatch) -> ImportPlan:
        from aliret_tui.store.imports import plan_import

        return plan_import(self, batch)

    def apply_import(self, batch: ImportBatch) -> ImportPlan:
        from aliret_tui.store.imports import apply_import

        return apply_import(self, batch)
