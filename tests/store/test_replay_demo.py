"""Every order the demo records (typed, imported from pasted pages, archived)
replays from its stored timeline to its stored state: the timeline is the source
of truth that corrections rely on."""

from __future__ import annotations

import datetime as dt

from aliret_tui.demo import fill_demo
from aliret_tui.domain.replay import replay
from aliret_tui.domain.vocabulary import EventKind
from aliret_tui.store.store import Store
from aliret_tui.timesource import TimeSource

TIME = TimeSource(frozen_at=dt.datetime(2026, 11, 29, 10, 30))


def test_every_demo_timeline_replays_to_the_stored_order(tmp_path):
    path = tmp_path / "demo.db"
    fill_demo(path, TIME)
    with Store(path, time=TIME) as store:
        orders = store.list_orders(include_archived=True)
        assert len(orders) > 20
        with_events = 0
        for order in orders:
            events = store.events(order.order_id)
            with_events += bool(events)
            facts = order.facts
            if any(event.kind is EventKind.DELIVERED for event in events):
                facts = facts.replace(delivered_on=None)
            replayed = replay(
                facts, events, today=TIME.today(), delivery_unknown=order.delivery_unknown
            )
            for name in ("state", "clock_since", "dispute", "delivered_on", "delivery_unknown"):
                assert getattr(replayed, name) == getattr(order, name), (order.order_id, name)
        assert with_events > 15
