"""Adding, reading, listing, editing, archiving and deleting orders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from aliret_tui.domain.fields import FieldError
from aliret_tui.domain.states import OrderState
from aliret_tui.store.store import EditConflict, OrderNotFound, Store


def test_add_then_get_returns_the_same_facts(store, make_facts):
    facts = make_facts(
        "8100000000000001",
        title="USB cable [/2 pack]",
        price="3.99",
        store="Best Cables",
        ordered_on="2026-02-01",
        delivered_on="2026-03-01",
        window_days="20",
        country="fr",
        free_return="true",
        note="line one\nline two",
    )
    added = store.add_order(facts)
    loaded = store.get_order("8100000000000001")
    assert loaded.facts == facts
    assert loaded.price == Decimal("3.99")
    assert loaded.country == "FR"
    assert loaded.state is OrderState.WINDOW_OPEN
    assert loaded.version == added.version == 1
    assert loaded.created_at == "2026-03-10T09:30:00"


def test_an_order_survives_closing_and_reopening(db_path, clock, make_facts):
    with Store(db_path, time=clock) as store:
        store.add_order(make_facts("1", delivered_on="2026-03-01"))
    with Store(db_path, time=clock) as store:
        assert store.get_order("1").delivered_on == dt.date(2026, 3, 1)


def test_get_unknown_order(store):
    with pytest.raises(OrderNotFound):
        store.get_order("nope")
    assert not store.has_order("nope")


def test_duplicate_order_id_is_refused_and_nothing_is_written(store, db_path, make_facts, dump):
    store.add_order(make_facts("42", title="first"))
    before = dump(db_path)
    with pytest.raises(FieldError) as caught:
        store.add_order(make_facts("42", title="second"))
    assert caught.value.field == "order_id"
    assert dump(db_path) == before
    assert store.get_order("42").title == "first"


def test_list_is_sorted_by_order_id_and_hides_archived(store, make_facts):
    for order_id in ("b", "c", "a"):
        store.add_order(make_facts(order_id))
    store.set_archived("c", True)
    assert [o.order_id for o in store.list_orders()] == ["a", "b"]
    assert [o.order_id for o in store.list_orders(include_archived=True)] == ["a", "b", "c"]


def test_archive_and_unarchive(store, make_facts):
    store.add_order(make_facts("1"))
    archived = store.set_archived("1", True)
    assert archived.archived and store.get_order("1").archived
    store.set_archived("1", False)
    assert not store.get_order("1").archived


def test_update_changes_facts_and_bumps_the_version(store, make_facts):
    store.add_order(make_facts("1"))
    store.update_order(
        make_facts("1", title="renamed", delivered_on="2026-03-02"), expected_version=1
    )
    loaded = store.get_order("1")
    assert loaded.title == "renamed"
    assert loaded.version == 2
    assert loaded.state is OrderState.WINDOW_OPEN  # setting a delivery date opens the window


def test_the_order_returned_by_an_edit_is_the_saved_one(store, make_facts):
    store.add_order(make_facts("1"))
    updated = store.update_order(make_facts("1", title="renamed"), expected_version=1)
    assert updated.version == store.get_order("1").version == 2
    # A second edit based on what the first one returned is not a conflict.
    again = store.update_order(make_facts("1", title="again"), expected_version=updated.version)
    archived = store.set_archived("1", True)
    assert archived.version == store.get_order("1").version == again.version + 1


def test_update_with_a_stale_version_is_refused_and_writes_nothing(
    store, db_path, make_facts, dump
):
    store.add_order(make_facts("1"))
    store.update_order(make_facts("1", title="someone else's edit"), expected_version=1)
    before = dump(db_path)
    with pytest.raises(EditConflict):
        store.update_order(make_facts("1", title="my edit"), expected_version=1)
    assert dump(db_path) == before
    assert store.get_order("1").title == "someone else's edit"


def test_update_from_another_connection_is_detected(db_path, clock, make_facts):
    with Store(db_path, time=clock) as first, Store(db_path, time=clock) as second:
        first.add_order(make_facts("1"))
        seen = second.get_order("1")
        first.update_order(make_facts("1", title="first wins"), expected_version=seen.version)
        with pytest.raises(EditConflict):
            second.update_order(make_facts("1", title="stale"), expected_version=seen.version)
    with Store(db_path, time=clock) as store:
        assert store.get_order("1").title == "first wins"


def test_update_of_unknown_order(store, make_facts):
    with pytest.raises(OrderNotFound):
        store.update_order(make_facts("ghost"))


def test_delete_removes_the_order_and_everything_attached(store, db_path, make_facts, event, dump):
    store.add_order(make_facts("1", delivered_on="2026-03-01"))
    store.add_order(make_facts("2"))
    store.record_event("1", event("open_dispute", on="2026-03-02", reason="wrong_size"))
    store.delete_order("1")
    tables = dump(db_path)
    assert [row[0] for row in tables["orders"]] == ["2"]
    assert tables["disputes"] == []
    assert tables["events"] == []
    assert tables["evidence"] == []
    with pytest.raises(OrderNotFound):
        store.delete_order("1")


def test_data_version_changes_with_every_commit_from_here_or_elsewhere(db_path, clock, make_facts):
    with Store(db_path, time=clock) as here, Store(db_path, time=clock) as elsewhere:
        start = here.data_version()
        assert here.data_version() == start  # reading changes nothing
        here.add_order(make_facts("1"))
        after_own_write = here.data_version()
        assert after_own_write != start
        elsewhere.add_order(make_facts("2"))
        assert here.data_version() != after_own_write
