"""``pack`` and ``stats``: the claim pack for a mediator, and the statistics."""

from __future__ import annotations

import argparse
from pathlib import Path

from aliret_tui.cli.commands import open_store, stored_order_id
from aliret_tui.cli.output import echo, echo_json
from aliret_tui.runtime.context import Context


def run_pack(args: argparse.Namespace, context: Context) -> int:
    from aliret_tui.reports.claim_pack import write_claim_pack

    with open_store(context, readonly=True) as store:
        order_id = stored_order_id(store, args.order_id)  # "8175 1234 5678 9012" too
        record = store.record(order_id)
        origins = store.fact_origins(order_id)
        corrections = store.event_corrections(order_id)
        policy = store.policy
    packed = write_claim_pack(
        record,
        today=context.time.today(),
        policy=policy,
        origins=origins,
        corrections=corrections,
        destination=Path(args.output).expanduser() if args.output else None,
        directory=Path(args.dir).expanduser() if args.dir else None,
        strict=args.strict,
        include_large=args.include_large,
    )
    evidence = sum(1 for file in packed.files if file.name.startswith("evidence/"))
    kind = "folder" if packed.is_folder else "zip"
    echo(f"Wrote the claim pack to {packed.path} ({kind}: {len(packed.files)} files, "
         f"{evidence} of them evidence)")  # fmt: skip
    for problem in packed.problems:
        echo(f"aliret-tui: warning: {problem.message}", err=True)
    if packed.problems:
        echo("aliret-tui: summary.md and manifest.json say the same; --strict refuses", err=True)
    return 0


def run_stats(args: argparse.Namespace, context: Context) -> int:
    from aliret_tui.reports.statistics import (
        compute_statistics,
        statistics_text,
        statistics_to_json,
    )
    from aliret_tui.store.history import read_histories

    with open_store(context, readonly=True) as store:
        histories = read_histories(store.db.conn, store.policy)
        policy = store.policy
    stats = compute_statistics(
        histories, today=context.time.today(), since=args.since, policy=policy
    )
    if args.json:
        echo_json(statistics_to_json(stats))
    else:
        echo("\n".join(statistics_text(stats)))
    return 0
