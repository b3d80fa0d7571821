"""What the calendar reads (``running_clocks``) and records (``calendar_published``), and an
export's choice of what to publish and what to cancel, on a real store."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest

from aliret_tui.config import Settings
from aliret_tui.domain.clocks import ClockKind
from aliret_tui.domain.policy import DEFAULT_POLICY
from aliret_tui.ical.feed import CalendarExport
from aliret_tui.store import calendar_feed
from aliret_tui.store.calendar_feed import (
    PublishedEvent,
    cancellation_candidates,
    record_export,
    running_clocks,
)
from aliret_tui.store.store import Store

D = dt.date.fromisoformat
NOW = dt.datetime(2026, 3, 10, 9, 30)
TODAY = NOW.date()


@pytest.fixture
def orders(store, make_facts, event):
    """Around today (2026-03-10): every kind of clock, and orders with none."""
    add, record = store.add_order, store.record_event
    add(make_facts("insp-today", delivered_on="2026-02-23"))  # 03-10
    add(make_facts("insp-later", delivered_on="2026-03-05"))  # 03-20
    add(make_facts("insp-expired", delivered_on="2026-02-20"))  # 03-07: expired
    add(make_facts("not-delivered", protection_ends="2026-03-30"))
    add(make_facts("no-clock"))
    add(make_facts("refund-overdue", delivered_on="2026-02-01"))
    record("refund-overdue", event("open_dispute", on="2026-02-02", reason="other"))
    record("refund-overdue", event("seller_agreed", on="2026-02-03"))  # 02-10: overdue
    add(make_facts("seller", delivered_on="2026-03-01"))
    record("seller", event("open_dispute", on="2026-03-08", reason="wrong_item"))  # 03-13
    add(make_facts("mediation", delivered_on="2026-03-01"))
    record("mediation", event("open_dispute", on="2026-03-02", reason="missing_parts"))
    record("mediation", event("escalated", on="2026-03-06"))
    add(make_facts("kept", delivered_on="2026-03-05"))
    record("kept", event("keep", on="2026-03-06"))
    add(make_facts("archived", delivered_on="2026-03-01"))
    store.set_archived("archived", True)
    return store


RUNNING = [
    ("refund-overdue", ClockKind.REFUND, D("2026-02-10")),
    ("insp-today", ClockKind.INSPECTION, D("2026-03-10")),
    ("seller", ClockKind.SELLER_RESPONSE, D("2026-03-13")),
    ("insp-later", ClockKind.INSPECTION, D("2026-03-20")),
    ("not-delivered", ClockKind.INSPECTION, D("2026-03-30")),
]


def flat(store: Store, today: dt.date = TODAY, policy=DEFAULT_POLICY) -> list[tuple]:
    return [
        (live.order.order_id, live.clock.kind, live.clock.deadline)
        for batch in running_clocks(store.db.conn, policy, today)
        for live in batch
    ]


def test_running_clocks_are_read_through_the_index_in_batches(orders, monkeypatch):
    assert flat(orders) == RUNNING  # soonest first; overdue in, expired and archived out
    plan = " ".join(
        row[-1] for row in orders.db.conn.execute(
            "EXPLAIN QUERY PLAN " + calendar_feed._RUNNING_STORED, {"today": TODAY.isoformat()}
        )
    )  # fmt: skip
    assert "orders_clock_deadline" in plan and "SCAN orders" not in plan
    monkeypatch.setattr(calendar_feed, "CHUNK", 2)
    batches = list(running_clocks(orders.db.conn, DEFAULT_POLICY, TODAY))
    assert [len(batch) for batch in batches] == [2, 2, 1]
    assert [live.order.order_id for batch in batches for live in batch] == [
        order_id for order_id, _, _ in RUNNING
    ]


def test_a_read_only_store_with_another_policy_computes_the_clocks(orders, db_path, clock):
    policy = DEFAULT_POLICY.with_overrides(seller_response_days=3, inspection_window_days=30)
    with Store(db_path, policy=policy, time=clock, readonly=True) as readonly:
        computed = sorted(flat(readonly, policy=policy))
    with Store(db_path, policy=policy, time=clock) as upgraded:  # recomputes what it stores
        stored = sorted(flat(upgraded, policy=policy))
    assert computed == stored
    assert ("seller", ClockKind.SELLER_RESPONSE, D("2026-03-11")) in computed
    assert ("insp-expired", ClockKind.INSPECTION, D("2026-03-22")) in computed  # open again


def test_the_checklist_and_the_chat_are_read_with_the_order(orders, event):
    from aliret_tui.domain.models import ChatMessage
    from aliret_tui.domain.vocabulary import Sender

    items = orders.evidence("seller")
    orders.set_evidence_done("seller", items[0].id, True)
    orders.add_messages(
        "seller",
        [
            ChatMessage(sender=Sender.ME, sent_at=dt.datetime(2026, 3, 8, 10), text="Hello"),
            ChatMessage(sender=Sender.SELLER, sent_at=dt.datetime(2026, 3, 8, 11), text="Hi"),
            ChatMessage(sender=Sender.ME, sent_at=dt.datetime(2026, 3, 8, 12), text="Well?"),
        ],
    )
    live = next(
        live
        for batch in running_clocks(orders.db.conn, DEFAULT_POLICY, TODAY)
        for live in batch
        if live.order.order_id == "seller"
    )
    assert [entry.label for entry in live.checklist] == [item.label for item in items]
    assert [entry.has_proof for entry in live.checklist] == [True] + [False] * (len(items) - 1)
    assert sorted(sender.sender for sender in live.senders) == [Sender.ME, Sender.SELLER]


def event_of(uid: str, day: str, sequence: int, cancelled_at: str | None = None):
    return PublishedEvent(uid, uid.split("-")[0], f"⏰ {uid}", D(day), sequence, cancelled_at)


def rows(store: Store) -> dict[str, tuple]:
    query = "SELECT uid, starts_on, sequence, cancelled_at FROM calendar_published"
    return {uid: rest for uid, *rest in store.db.conn.execute(query)}


def test_recorded_sequences_only_grow_and_a_new_publication_lifts_a_cancellation(store):
    conn, path = store.db.conn, store.path
    record_export(conn, path, published=[event_of("A-x", "2026-03-12", 2)], cancelled=[], now=NOW)
    record_export(conn, path, published=[event_of("A-x", "2026-03-13", 1)], cancelled=[], now=NOW)
    assert rows(store) == {"A-x": ["2026-03-13", 2, None]}  # the day changed, not the sequence
    later = NOW + dt.timedelta(days=1)
    record_export(conn, path, published=[], cancelled=[event_of("A-x", "2026-03-13", 3)], now=later)
    assert rows(store) == {"A-x": ["2026-03-13", 3, "2026-03-11T09:30:00"]}
    record_export(conn, path, published=[event_of("A-x", "2026-03-20", 4)], cancelled=[], now=NOW)
    assert rows(store) == {"A-x": ["2026-03-20", 4, None]}


def test_cancellations_concern_events_ahead_and_recent_cancellations(store):
    conn, path = store.db.conn, store.path
    record_export(
        conn,
        path,
        published=[event_of(uid, day, 1) for uid, day in (
            ("past-x", "2026-03-09"), ("today-x", "2026-03-10"), ("ahead-x", "2026-04-01"),
            ("recent-x", "2026-03-01"), ("old-x", "2026-01-01"),
        )],
        cancelled=[],
        now=NOW,
    )  # fmt: skip
    record_export(conn, path, published=[], cancelled=[event_of("recent-x", "2026-03-01", 2)],
                  now=NOW - dt.timedelta(days=29))  # fmt: skip
    record_export(conn, path, published=[], cancelled=[event_of("old-x", "2026-01-01", 2)],
                  now=NOW - dt.timedelta(days=31))  # fmt: skip
    since = TODAY - dt.timedelta(days=30)
    found = [event.uid for event in cancellation_candidates(conn, TODAY, since)]
    assert found == ["recent-x", "today-x", "ahead-x"]


def test_recording_is_bookkeeping_not_a_change_that_needs_a_backup(orders):
    changes = orders.changes()
    backups = sorted(orders.backups.glob("*")) if orders.backups.exists() else []
    export = CalendarExport(Settings(), NOW)
    assert "BEGIN:VEVENT" in "".join(export.text(orders.db.conn))
    export.record(orders.db.conn, orders.path)
    assert len(rows(orders)) == len(RUNNING)
    assert orders.changes() == changes
    assert (sorted(orders.backups.glob("*")) if orders.backups.exists() else []) == backups


def export(store: Store, now: dt.datetime = NOW) -> dict[str, icalendar.Event]:
    run = CalendarExport(Settings(), now)
    text = "".join(run.text(store.db.conn))
    run.record(store.db.conn, store.path)
    return {str(e["uid"]): e for e in icalendar.Calendar.from_ical(text).walk("VEVENT")}


def test_a_deleted_or_archived_orders_event_is_cancelled_under_its_old_summary(orders):
    first = export(orders)
    assert all(str(event["status"]) == "CONFIRMED" for event in first.values())
    orders.delete_order("insp-later")
    orders.set_archived("seller", True)
    second = export(orders)
    for uid in ("insp-later-inspection@aliret-tui", "seller-seller_response@aliret-tui"):
        assert str(second[uid]["status"]) == "CANCELLED"
        assert str(second[uid]["summary"]) == str(first[uid]["summary"])
        assert second[uid].decoded("dtstart") == first[uid].decoded("dtstart")
        assert int(second[uid]["sequence"]) == int(first[uid]["sequence"]) + 1
        assert not list(second[uid].walk("VALARM"))
    # A window that simply passed is not cancelled: its event stays as it happened.
    third = export(orders, NOW + dt.timedelta(days=1))
    assert "insp-today-inspection@aliret-tui" not in third
    assert rows(orders)["insp-today-inspection@aliret-tui"][2] is None
