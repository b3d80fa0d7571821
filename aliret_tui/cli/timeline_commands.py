"""Correcting the timeline from the command line: ``undo`` takes back an order's last
event, ``event-edit`` corrects one event's date or values. Both recompute the state
and clocks from the corrected timeline, refuse a correction that would not hold
(exit 2, nothing written), and keep what was there in the record of corrections."""

from __future__ import annotations

from aliret_tui.cli.commands import status_line
from aliret_tui.cli.order_commands import existing_order, open_existing, shown_id
from aliret_tui.cli.output import echo
from aliret_tui.domain.corrections import CORRECTABLE_FIELDS, Correction
from aliret_tui.domain.fields import FieldError, FieldErrors
from aliret_tui.domain.policy import Policy
from aliret_tui.errors import UserError
from aliret_tui.runtime.context import Context

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

# How the command line names each correctable value in messages.
_ARGUMENT_NAMES = {"seq": "N", "on": "--on", "kind": "EVENT"}


def run_undo(args: argparse.Namespace, context: Context) -> int:
    with open_existing(args, context, readonly=False) as store:
        order_id = existing_order(store, args.order_id)
        correction = store.take_back_last_event(order_id)
        policy = store.policy
    _report(correction, policy, context)
    return 0


def run_event_edit(args: argparse.Namespace, context: Context) -> int:
    seq = _event_number(args.seq)
    changes = {
        name: getattr(args, name)
        for name in CORRECTABLE_FIELDS
        if getattr(args, name, None) is not None
    }
    if not changes:
        raise UserError(
            "give at least one value to correct: --on, --reason, --outcome, --tracking, "
            "--carrier, --amount, --lines or --note"
        )
    try:
        with open_existing(args, context, readonly=False) as store:
            order_id = existing_order(store, args.order_id)
            correction = store.correct_event(order_id, seq, changes)
            policy = store.policy
    except (FieldError, FieldErrors) as error:
        first = error.first if isinstance(error, FieldErrors) else error
        name = _ARGUMENT_NAMES.get(first.field, "--" + first.field.replace("_", "-"))
        raise UserError(f"{name}: {first.message}") from None
    _report(correction, policy, context)
    return 0


def _event_number(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise UserError(f"N: must be an event's number, 1 or more (got {text!r})")
    return int(text)


def _report(correction: Correction, policy: Policy, context: Context) -> None:
    order = correction.order
    echo(f"{correction.summary} on order {shown_id(order.order_id)}: now {order.state.label}")
    echo(f"  {status_line(order, policy, context.time.today())}")
    echo("  The change is kept in the timeline's record (aliret-tui show lists it).")
