"""``aliret-tui list``: active orders (or all) with their state and next deadline."""

from __future__ import annotations

import json

import pytest

from aliret_tui.store.store import Store

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


def test_list_on_an_empty_database(cli, db):
    Store(db).close()  # a database with no orders (none at all is refused)
    result = cli("list")
    assert result.code == 0
    assert result.out.startswith("No active orders.")
    assert json.loads(cli("list", "--json").out) == []


# -- columns line up in terminal cells -------------------------------------------------

WIDE = (
    ("add", "中文订单", "--title", "中文标题 USB 线", "--price", "5", "--currency", "USD",
     "--delivered", "2026-03-05"),
    ("add", "e01", "--title", "Cafe\u0301 au lait", "--price", "5", "--currency", "USD",
     "--delivered", "2026-03-05"),
    ("add", "emoji", "--title", "👍 thumbs", "--price", "5", "--currency", "USD",
     "--delivered", "2026-03-05"),
    ("add", "plain", "--title", "Plain title", "--price", "5", "--currency", "USD",
     "--delivered", "2026-03-05"),
    ("add", "long", "--title", "长" * 30, "--price", "5", "--currency", "USD",
     "--delivered", "2026-03-05"),
)  # fmt: skip


def cells_before(line: str, text: str) -> int:
    """Terminal cells before ``text`` in ``line`` (rich counts them: CJK and emoji
    take two, a combining accent none)."""
    from rich.cells import cell_len

    return cell_len(line[: line.index(text)])


def test_list_lines_up_columns_in_terminal_cells(cli, seed):
    seed(*WIDE)
    result = cli("list")
    assert result.code == 0, result.err
    header, *rows = result.out_lines
    assert len(rows) == len(WIDE)
    # ORDER is as wide as "中文订单" (8 cells); TITLE as the 60-cell title cut to at
    # most 40: 19 wide characters and the ellipsis, 39 cells.
    assert cells_before(header, "TITLE") == 8 + 2
    assert cells_before(header, "STATE") == 8 + 2 + 39 + 2
    for row in rows:
        assert cells_before(row, "window open") == cells_before(header, "STATE"), row
        assert cells_before(row, "2026-03-20") == cells_before(header, "DEADLINE"), row
    cut = next(row for row in rows if row.startswith("long"))
    assert "长" * 19 + "…  window open" in cut
