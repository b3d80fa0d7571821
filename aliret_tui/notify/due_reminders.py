"""The reminder run of ``check --notify``: select today's reminders, send each target
what it has not had yet, record what arrived, and say what went wrong.

Delivery is at least once: what a target accepted is recorded after sending, so a
run stopped in between sends it again next time; a target that failed is tried
again at the next run, and the others are not sent it again. When the database
cannot record (read-only, locked for long, an older schema), the reminders are
sent anyway, with a warning that they may come again. The desktop fallback stays
best effort, as before: it fails silently (and is tried again). Apprise is imported
only when some target has something new to receive.
"""

from __future__ import annotations

import contextlib

from aliret_tui import paths
from aliret_tui.notify.message import reminder_body, reminder_title
from aliret_tui.notify.selection import horizon, pending, reminders_due
from aliret_tui.notify.targets import DESKTOP_KEY, apprise_config_file, configured_urls, target_key
from aliret_tui.store.due import due_items
from aliret_tui.store.reminders_sent import NotRecorded, read_sent, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    import datetime as dt

    from aliret_tui.config import Settings
    from aliret_tui.notify.selection import Reminder
    from aliret_tui.notify.sending import Outcome, Target
    from aliret_tui.runtime.context import Context
    from aliret_tui.store.due import DueItem


def send_due_reminders(
    context: Context, settings: Settings, listed: list[DueItem], listed_days: int
) -> list[str]:
    """Send today's reminders. ``listed`` is what ``check`` found within
    ``listed_days``; it is reused when it reaches far enough. Returns the warnings
    for standard error."""
    db_file = context.db_file
    reach = horizon(settings.notify_days)
    today = context.time.today()
    if listed_days >= reach:
        candidates = [item for item in listed if item.days_left <= reach]
    else:
        candidates = due_items(db_file, settings.policy, today, reach)
    reminders = reminders_due(candidates, settings.notify_days)
    now = context.time.now()
    if not reminders:
        _record_quietly(db_file, now, reminders=0)
        return []

    warnings: list[str] = []
    try:
        sent = read_sent(db_file, (reminder.item.order_id for reminder in reminders))
    except NotRecorded as error:
        warnings.append(f"{error}; the reminders may be sent again")
        sent = set()
    urls = configured_urls(settings)
    config_file = apprise_config_file(settings, paths.config_folder())
    if not config_file:  # the targets' keys are known without Apprise
        keys = [target_key(url.url) for url in urls] or [DESKTOP_KEY]
        if not any(pending(reminders, keys, sent).values()):
            _record_quietly(db_file, now, reminders=len(reminders))
            return warnings

    from aliret_tui.notify import sending

    targets = sending.load_targets(urls, config_file) if urls or config_file else []
    targets = _one_each(targets) or [sending.desktop_target()]
    waiting = pending(reminders, [target.key for target in targets], sent)
    outcomes = [
        sending.deliver(
            target, reminder_title(mine, reach), reminder_body(mine, target.body_format)
        )
        for target in targets
        if (mine := waiting[target.key])
    ]
    delivered = [
        reminder.key(outcome.target.key)
        for outcome in outcomes
        if outcome.delivered
        for reminder in waiting[outcome.target.key]
    ]
    try:
        record(db_file, delivered, _stamp(now), _last_run(now, reminders, outcomes))
    except NotRecorded as error:
        if delivered:
            warnings.append(f"{error}; the reminders sent may be sent again at the next run")
    for outcome in outcomes:
        if not outcome.delivered and not outcome.target.is_desktop:
            warnings.append(
                f"reminder not delivered to {outcome.target.name}: {outcome.reason}; "
                "it is tried again at the next run"
            )
    return warnings


def _one_each(targets: list[Target]) -> list[Target]:
    """The same URL given twice is one target."""
    unique: dict[str, Target] = {}
    for target in targets:
        unique.setdefault(target.key, target)
    return list(unique.values())


def _stamp(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _last_run(moment: dt.datetime, reminders: list[Reminder], outcomes: list[Outcome]) -> dict:
    return {
        "at": _stamp(moment),
        "reminders": len(reminders),
        "delivered": [outcome.target.name for outcome in outcomes if outcome.delivered],
        "failed": [
            f"{outcome.target.name}: {outcome.reason}"
            for outcome in outcomes
            if not outcome.delivered
        ],
    }


def _record_quietly(db_file: str, moment: dt.datetime, reminders: int) -> None:
    """Note that the run happened with nothing new to send; a database that cannot
    take it (or none at all) is no reason to complain."""
    last_run = {"at": _stamp(moment), "reminders": reminders, "delivered": [], "failed": []}
    with contextlib.suppress(NotRecorded):
        record(db_file, [], _stamp(moment), last_run)
