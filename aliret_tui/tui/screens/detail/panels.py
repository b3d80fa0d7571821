"""What the order screen's panels say, built from the loaded order: the clock strip,
the facts, the next step, mediation readiness, the hints and the timeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from textual.content import Content

from aliret_tui.domain.corrections import RecordedCorrection
from aliret_tui.domain.evidence import Readiness
from aliret_tui.domain.hints import Hint
from aliret_tui.domain.models import OrderRecord
from aliret_tui.domain.order_facts import fact_rows
from aliret_tui.domain.timeline import correction_lines, timeline_lines
from aliret_tui.domain.vocabulary import EventKind
from aliret_tui.tui.screens.detail.forms import EVENT_KEYS
from aliret_tui.tui.view import format_countdown, time_left
from aliret_tui.tui.widgets.text_view import folded

if TYPE_CHECKING:
    from aliret_tui.domain.models import Order
    from aliret_tui.domain.policy import Policy

Origins = dict[str, tuple[str, str]]  # field -> (typed or imported, where from)
# The keys the panels name, by binding id: what runs them now, remapped or not.
KeyNames = Mapping[str, str]
NAMED_KEYS = ("record_event", "copy_timeline", "take_back_event", "correct_event")


def clock_strip_content(
    order: Order,
    policy: Policy,
    now: dt.datetime,
    keys: KeyNames,
    allowed: Sequence[EventKind] = (),
) -> Content:
    """The strip under the title, always two lines (the screen gives it two, so the
    tabs stay where they are whatever the order): the state and the running clock,
    then what to do, or what may be recorded when no clock runs."""
    today = now.date()
    clock = order.clock(policy)
    label = order.state_label(policy, today)
    if clock is not None and not clock.is_expired(today):
        urgent = clock.days_left(today) <= 2
        return Content.from_markup(
            "[b]$state[/b] · due [b]$deadline[/b] · [b $colour]$left[/]\n→ $action",
            state=label,
            deadline=f"{clock.deadline:%a} {clock.deadline.isoformat()}",
            left=format_countdown(time_left(clock.deadline, now)),
            colour="$text-error" if urgent else "$text-warning",
            action=clock.action(today),
        )
    if allowed:
        names = " · ".join(f"{kind.label} ({EVENT_KEYS[kind]})" for kind in allowed)
        next_line = Content.from_markup(
            "→ [b]$key[/b] records what happened: $names", key=keys["record_event"], names=names
        )
    else:
        next_line = Content("→ This order is closed: nothing more to record.")
    return Content("\n").join(
        [Content.from_markup("[b]$state[/b] · no deadline running", state=label), next_line]
    )


def facts_content(record: OrderRecord, origins: Origins, policy: Policy, keys: KeyNames) -> Content:
    """The Overview's box of facts: the order, its window, the dispute and refund."""
    rows = fact_rows(
        record,
        origins,
        policy,
        record_delivery=f"record 'delivered' with its date ({keys['record_event']}, d)",
    )
    # A long note is folded to its first lines here (v shows it whole).
    rows = [(label, "\n".join(folded(value)) if label == "Note" else value)
            for label, value in rows]  # fmt: skip
    width = max(len(label) for label, _ in rows)
    new_line = "\n" + " " * (width + 2)  # a value's further lines (the note's) line up
    lines = [Content.from_markup("[b]Order[/b]")]
    lines += [
        Content.from_markup(
            "[dim]$label[/]  $value",
            label=label.ljust(width),
            value=value.replace("\n", new_line),
        )
        for label, value in rows
    ]
    return Content("\n").join(lines)


def next_step_content(allowed: list[EventKind], keys: KeyNames) -> Content:
    """What may be recorded next, with the keys that record it."""
    if not allowed:
        return Content.from_markup(
            "[b]Next step[/b]\nThis order is closed: nothing more to record."
        )
    names = " · ".join(f"{kind.label} ({EVENT_KEYS[kind]})" for kind in allowed)
    return Content.from_markup(
        "[b]Next step[/b] — press [b]$key[/b], then the event's key:\n$names",
        key=keys["record_event"],
        names=names,
    )


def timeline_content(
    record: OrderRecord,
    origins: Origins,
    keys: KeyNames,
    corrections: Sequence[RecordedCorrection] = (),
) -> Content:
    """The Timeline tab: each event with its day and number, oldest first; then the
    corrections made to it, kept for the record."""
    lines = [
        Content.from_markup(
            "[b]Timeline[/b] · oldest first · [b]$copy[/b] copies it as plain text · "
            "[b]$take_back[/b] takes back the last event · [b]$correct[/b] corrects one",
            copy=keys["copy_timeline"],
            take_back=keys["take_back_event"],
            correct=keys["correct_event"],
        ),
        Content(""),
    ]
    for day, what, note in timeline_lines(record.order, record.events, origins, numbered=True):
        lines.append(Content.from_markup("[b]$day[/b]  $what", day=day, what=what))
        lines.extend(
            Content.from_markup("[dim]            $line[/]", line=line) for line in folded(note)
        )
    if len(lines) == 2:
        lines.append(
            Content(f"Nothing recorded yet. Press {keys['record_event']} to record what happened.")
        )
    if corrections:
        lines += [Content(""), Content.from_markup("[b]Corrected later[/b] (kept for the record)")]
        lines += [Content.from_markup("[dim]$line[/]", line=line)
                  for line in correction_lines(corrections)]  # fmt: skip
    return Content("\n").join(lines)


def readiness_content(ready: Readiness) -> Content:
    def mark(ok: bool | None, name: str) -> Content:
        if ok is None:
            return Content.from_markup("[dim]–  $name (no return)[/]", name=name)
        if ok:
            return Content.from_markup("[$text-success]✓[/]  $name", name=name)
        return Content.from_markup("[$text-error]✗[/]  $name", name=name)

    return Content("\n").join(
        [
            Content.from_markup("[b]Mediation readiness[/b]"),
            mark(ready.photos, "photos"),
            mark(ready.messages, "messages (from you and the seller)"),
            mark(ready.tracking, "tracking"),
        ]
    )


def hints_content(hints: list[Hint]) -> Content:
    if not hints:
        return Content.from_markup("[b]Hints[/b]\n[dim]None for this order now.[/]")
    lines = [Content.from_markup("[b]Hints[/b]")]
    for hint in hints:
        lines.append(Content.from_markup("[b $text-accent]$title[/]", title=hint.title))
        lines.append(Content(hint.detail))
    return Content("\n").join(lines)
