"""The import plan in words: the same text before (``--dry-run``, the TUI's
preview) and after the import is applied."""

from __future__ import annotations

from collections.abc import Iterable

from aliret_tui.importing.batch import ImportBatch
from aliret_tui.importing.merge import ImportPlan

SHOWN_PER_SECTION = 20


def plan_lines(batch: ImportBatch, plan: ImportPlan, *, applied: bool) -> list[str]:
    lines = [f"{loaded.source.name}: {loaded.source.format_label}" for loaded in batch.loaded]
    records_added = [r for r in plan.records if r.previous is None]
    records_changed = [r for r in plan.records if r.previous is not None]
    added = len(plan.added) + len(records_added)
    updated = len(plan.updated) + len(records_changed)
    verb = ("added", "updated") if applied else ("to add", "to update")
    lines.append(
        f"{added} {verb[0]} · {updated} {verb[1]} · {len(plan.unchanged)} unchanged · "
        f"{_count(plan.conflicts, 'conflict')} kept · {len(plan.skipped)} skipped"
    )
    adds = [f"{p.order_id}  {p.facts.get('title', '')}  {_price(p.facts)}" for p in plan.added]
    adds += [f"{r.order_id}  {r.incoming.order.title}" for r in records_added]
    lines += _section("Added" if applied else "To add", adds)
    changes = [f"{p.order_id}  {', '.join(p.changed_fields())}" for p in plan.updated]
    changes += [f"{r.order_id}  {', '.join(r.changed_fields())}" for r in records_changed]
    lines += _section("Updated" if applied else "To update", changes)
    lines += _section("Conflicts (kept what you have)", (str(c) for c in plan.conflicts))
    lines += _section("Skipped", (f"{s.where}  {s.order_id}  {s.why}" for s in plan.skipped))
    lines += _section("Could not read (not guessed)", batch.unread)
    if not applied and plan.writes_anything:
        lines.append("Nothing was written yet.")
    elif not plan.writes_anything:
        lines.append("Nothing to change: everything is already in your orders.")
    return lines


def _section(title: str, items: Iterable[str]) -> list[str]:
    items = list(items)
    if not items:
        return []
    lines = [f"{title}:"]
    lines += [f"  {item}" for item in items[:SHOWN_PER_SECTION]]
    if len(items) > SHOWN_PER_SECTION:
        lines.append(f"  … and {len(items) - SHOWN_PER_SECTION} more")
    return lines


def _count(items: list, noun: str) -> str:
    return f"{len(items)} {noun}{'s' if len(items) != 1 else ''}"


def _price(facts: dict) -> str:
    if "price" in facts and "currency" in facts:
        return f"({facts['price']} {facts['currency']})"
    return ""
