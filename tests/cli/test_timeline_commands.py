"""``undo`` and ``event-edit`` (issue 13): a wrong event is no longer forever. The
state and clocks follow the corrected timeline, a correction that would not hold is
refused naming the event, nothing is written when refused, and what was there stays
on the record that ``show`` prints."""

from __future__ import annotations

import json
import re

from support.sqlite_files import dump_database

ID = "8175123456789012"
SETUP = (
    ("add", ID, "--title", "Wireless earbuds", "--price", "20", "--currency", "USD",
     "--delivered", "2026-03-01"),
    ("event", ID, "open_dispute", "--reason", "wrong_item", "--on", "2026-03-03"),
    ("event", ID, "seller_refused", "--on", "2026-03-05"),
)  # fmt: skip


def test_undo_takes_back_the_last_event_and_show_keeps_it_on_the_record(cli, seed):
    seed(*SETUP)
    result = cli("undo", "8175-1234-5678-9012")
    assert result.code == 0, result.err
    assert result.out_lines[0] == (
        f'Took back "Seller refused" (2026-03-05) on order {ID}: now dispute: awaiting seller'
    )
    assert "Next: seller response deadline 2026-03-08" in result.out
    listed = json.loads(cli("list", "--json").out)[0]
    assert (listed["state"], listed["clock"]) == ("awaiting_seller", "seller_response")
    shown = cli("show", ID).out
    assert "[1] Opened a dispute" in shown and "[2]" not in shown
    assert "Corrected later (kept for the record):" in shown
    assert 'Took back "Seller refused" (2026-03-05)' in shown


def test_undo_down_to_the_delivery_and_past_the_last_event(cli, seed, db):
    seed(*SETUP)
    assert cli("undo", ID).code == 0
    assert cli("undo", ID).code == 0
    listed = json.loads(cli("list", "--json").out)[0]
    assert (listed["state"], listed["clock"]) == ("window_open", "inspection")
    before = dump_database(db)
    refused = cli("undo", ID)
    assert refused.code == 2
    assert refused.err_lines == [
        f"aliret-tui: error: order {ID} has no recorded event to take back (its delivery "
        "date is one of its facts: edit it)"
    ]
    assert dump_database(db) == before


def test_event_edit_corrects_a_date_and_the_clock_follows(cli, seed):
    seed(*SETUP)
    result = cli("event-edit", ID, "2", "--on", "2026-03-04", "--note", "by chat")
    assert result.code == 0, result.err
    assert result.out_lines[0].startswith(
        'Corrected "Seller refused" (2026-03-05): date 2026-03-05 → 2026-03-04; '
        "note (none) → by chat on order"
    )
    shown = cli("show", ID).out
    assert "2026-03-04  [2] Seller refused" in shown
    assert "date 2026-03-05 → 2026-03-04" in shown


def test_a_correction_that_would_not_hold_is_refused_naming_the_event(cli, seed, db):
    seed(*SETUP)
    before = dump_database(db)
    cases = [
        (("1", "--on", "2026-03-06"),
         'event 2 (Seller refused): on: 2026-03-05 is before the last event ("Opened a '
         'dispute"), 2026-03-06'),
        (("1", "--on", "2026-03-11"), "--on: 2026-03-11 is in the future (today is 2026-03-10)"),
        (("1", "--reason", "bogus"), "--reason: must be one of"),
        (("2", "--amount", "3"), 'amount: is not used by "Seller refused"'),
        (("9", "--on", "today"), f"N: order {ID} has no event 9 (its events are 1 to 2)"),
        (("x", "--on", "today"), "N: must be an event's number, 1 or more (got 'x')"),
        (("1",), "give at least one value to correct"),
        (("1", "--reason", "wrong_item"), "event 1 already has these values"),
    ]  # fmt: skip
    for arguments, message in cases:
        refused = cli("event-edit", ID, *arguments)
        assert refused.code == 2, arguments
        assert message in refused.err, (arguments, refused.err)
        assert "open_dispute" not in refused.err.replace("--reason", "")
    assert dump_database(db) == before


def test_undo_and_event_edit_refuse_an_unknown_order_and_a_missing_database(cli, seed, db):
    seed(*SETUP)
    unknown = cli("undo", "8175000000000001")
    assert unknown.code == 2 and "ORDER_ID: no order 8175000000000001" in unknown.err
    missing = cli("event-edit", ID, "1", "--on", "today", db=db.parent / "typo.db")
    assert missing.code == 2
    assert not (db.parent / "typo.db").exists()


def test_the_claim_pack_timeline_lists_the_corrections(cli, seed, tmp_path):
    seed(*SETUP)
    assert cli("event-edit", ID, "2", "--on", "2026-03-04").code == 0
    assert cli("undo", ID).code == 0
    assert cli("pack", ID, "--dir", str(tmp_path / "pack")).code == 0
    timeline = (tmp_path / "pack" / "timeline.txt").read_text(encoding="utf-8")
    assert "Seller refused" not in timeline.split("Corrected later")[0]
    record = timeline.split("Corrected later (kept for the record):\n")[1].splitlines()
    # When each was made: --today's date, at the time of day it ran.
    assert [re.sub(r"^2026-03-10 \d\d:\d\d  ", "", line) for line in record] == [
        'Corrected "Seller refused" (2026-03-05): date 2026-03-05 → 2026-03-04',
        'Took back "Seller refused" (2026-03-04)',
    ]
