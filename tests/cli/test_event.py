"""``aliret-tui event``: the lifecycle, and refusals that name what is allowed."""

from __future__ import annotations

import json

import pytest

ONE_DELIVERED = (
    "add",
    "1",
    "--title",
    "Thing",
    "--price",
    "9.99",
    "--currency",
    "USD",
    "--delivered",
    "2026-03-01",
)


def _order(cli, order_id="1"):
    result = cli("list", "--all", "--json")
    assert result.code == 0, result.err
    return next(o for o in json.loads(result.out) if o["order_id"] == order_id)


def test_the_happy_path_through_mediation(cli, db, dump):
    cli.add("1", price="20.00")
    flow = [
        (["delivered", "--on", "2026-02-20"], "window open", "window ended on 2026-03-07"),
        (["open_dispute", "--on", "2026-02-22", "--reason", "wrong_size"],
         "dispute: awaiting seller", "seller response deadline 2026-02-27"),
        (["seller_refused", "--on", "2026-02-24"], "dispute: seller refused",
         "escalate deadline 2026-03-09"),
        (["escalated", "--on", "2026-02-26"], "in mediation", "No deadline running."),
        (["mediation_won", "--on", "2026-03-01", "--outcome", "return_and_refund"],
         "return approved", "ship back deadline 2026-03-11"),
        (["return_shipped", "--on", "2026-03-02", "--tracking", "LP00123", "--carrier", "Cainiao"],
         "return shipped", "No deadline running."),
        (["return_delivered", "--on", "2026-03-05"], "refund pending",
         "refund deadline 2026-03-12"),
        (["refunded", "--on", "2026-03-09", "--amount", "20"], "refunded", "Closed."),
    ]  # fmt: skip
    for args, state, status in flow:
        result = cli("event", "1", *args)
        assert result.code == 0, result.err
        first, second = result.out_lines[:2]
        assert first.startswith(f"Recorded {args[0]} for order 1 on {args[2]}"), first
        assert first.endswith(f"now {state}"), first
        assert status in second, second
    tables = dump(db)
    assert [row[3] for row in sorted(tables["events"], key=lambda r: r[2])] == [
        args[0] for args, _, _ in flow
    ]
    assert tables["orders"][0][6] == "2026-02-20"  # delivered_on
    dispute = tables["disputes"][0]
    assert dispute[1:4] == ("wrong_size", "return_and_refund", "2026-02-22")
    assert "LP00123" in dispute
    order = _order(cli)
    assert order["state"] == "refunded"
    assert order["deadline"] is None


def test_open_dispute_prints_the_evidence_checklist(cli, seed):
    seed(ONE_DELIVERED)
    result = cli("event", "1", "open_dispute", "--reason", "wrong_size")
    assert result.code == 0, result.err
    assert "Evidence checklist: 7 items" in result.out
    assert "[ ] Photo of the size label" in result.out
    assert "2026-03-15" in result.out  # seller response: today (03-10) + 5


def test_delivered_then_keep_closes_the_order(cli):
    cli.add("1")
    assert cli("event", "1", "delivered", "--on", "2026-03-08").code == 0
    assert _order(cli)["deadline"] == "2026-03-23"
    result = cli("event", "1", "keep")
    assert result.code == 0, result.err
    assert "now kept" in result.out
    assert cli("list").out.startswith("No active orders.")


def test_an_event_not_allowed_now_lists_the_allowed_events(cli, seed, db, dump, one_error_line):
    seed(ONE_DELIVERED)
    before = dump(db)
    line = one_error_line(cli("event", "1", "refunded"), "refunded", "not allowed")
    allowed = line.split("Allowed now:")[1]
    assert {name.strip() for name in allowed.split(",")} == {"keep", "open_dispute"}
    assert dump(db) == before


def test_events_after_closing_are_refused(cli, seed, one_error_line):
    seed(ONE_DELIVERED)
    assert cli("event", "1", "keep").code == 0
    one_error_line(cli("event", "1", "open_dispute", "--reason", "other"), "open_dispute",
                   "Allowed now")  # fmt: skip


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["teleported"], "EVENT"),
        (["open_dispute", "--reason", "changed_my_mind"], "--reason"),
        (["open_dispute"], "--reason"),  # required
        (["open_dispute", "--reason", "other", "--outcome", "free_money"], "--outcome"),
        (["open_dispute", "--reason", "other", "--on", "2026-03-11"], "--on"),  # future
        (["open_dispute", "--reason", "other", "--on", "tomorrow"], "--on"),
        (["keep", "--tracking", "LP1"], "--tracking"),  # not used by keep
    ],
)
def test_bad_event_input_names_the_field(cli, seed, db, dump, one_error_line, args, field):
    seed(ONE_DELIVERED)
    before = dump(db)
    one_error_line(cli("event", "1", *args), f"error: {field}:")
    assert dump(db) == before


def test_event_for_an_unknown_order(cli, one_error_line):
    cli.add("1")
    one_error_line(cli("event", "404", "delivered"), "404", "not found")
