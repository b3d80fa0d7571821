"""``aliret-tui list``: active orders (or all) with their state and next deadline."""

from __future__ import annotations

import json

import pytest

ORDERS = (
    ("add", "30", "--title", "Open window", "--price", "5", "--currency", "USD",
     "--delivered", "2026-03-05"),  # deadline 03-20
    ("add", "10", "--title", "In transit", "--price", "5", "--currency", "USD"),  # none
    ("add", "20", "--title", "Dispute", "--price", "5", "--currency", "USD",
     "--delivered", "2026-03-01"),
    ("event", "20", "open_dispute", "--on", "2026-03-02", "--reason", "item_defective"),  # 03-07
    ("add", "40", "--title", "Kept", "--price", "5", "--currency", "USD",
     "--delivered", "2026-03-01"),
    ("event", "40", "keep", "--on", "2026-03-03"),
    ("add", "50", "--title", "Expired", "--price", "5", "--currency", "USD",
     "--delivered", "2026-02-01"),  # window ended 02-16
)  # fmt: skip


@pytest.fixture
def orders(seed):
    return seed(*ORDERS)


def test_list_shows_active_orders_with_state_and_deadline(cli, orders):
    result = cli("list")
    assert result.code == 0, result.err
    lines = result.out_lines
    assert lines[0].split() == ["ORDER", "TITLE", "STATE", "DEADLINE", "LEFT"]
    ids = [line.split()[0] for line in lines[1:]]
    assert ids == ["20", "30", "10", "50"]  # by deadline, no deadline last, then id
    dispute = lines[1]
    assert "dispute: awaiting seller" in dispute
    assert "2026-03-07" in dispute and "3 days overdue" in dispute
    assert "2026-03-20" in lines[2] and "10 days left" in lines[2]
    assert "window expired" in lines[4]
    assert "Kept" not in result.out


def test_list_all_includes_closed_orders(cli, orders):
    result = cli("list", "--all")
    assert result.code == 0
    assert [line.split()[0] for line in result.out_lines[1:]] == ["20", "30", "10", "40", "50"]
    assert "kept" in result.out_lines[4]


def test_list_json(cli, orders):
    result = cli("list", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert [o["order_id"] for o in data] == ["20", "30", "10", "50"]
    by_id = {o["order_id"]: o for o in data}
    assert by_id["20"]["state"] == "awaiting_seller"
    assert by_id["20"]["clock"] == "seller_response"
    assert by_id["20"]["deadline"] == "2026-03-07"
    assert by_id["20"]["days_left"] == -3
    assert by_id["30"]["days_left"] == 10
    assert by_id["10"]["deadline"] is None
    assert by_id["50"]["deadline"] is None  # an expired window is no deadline
    assert by_id["50"]["state_label"] == "window expired"
    assert by_id["30"]["price"] == "5.00"
    everything = json.loads(cli("list", "--all", "--json").out)
    assert {o["order_id"] for o in everything} == {"10", "20", "30", "40", "50"}


def test_list_on_an_empty_database(cli):
    result = cli("list")
    assert result.code == 0
    assert result.out.startswith("No active orders.")
    assert json.loads(cli("list", "--json").out) == []
