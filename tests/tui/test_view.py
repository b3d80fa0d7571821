"""The dashboard's plain-Python view: rows, filters, search, sorting, summary, countdowns."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from support.view_rows import TODAY, days_ago, record, rows

from aliret_tui.domain.policy import DEFAULT_POLICY
from aliret_tui.tui.view import (
    COLUMNS,
    Filter,
    Urgency,
    UrgencyThresholds,
    build_rows,
    countdown_rows,
    format_countdown,
    money,
    summarise,
    time_left,
    visible_rows,
)
from aliret_tui.tui.widgets.orders_table import fit_columns


def test_urgency_follows_the_thresholds():
    built = rows(
        record("late", "refund_pending", clock="refund", clock_since=days_ago(9)),
        record("two", delivered=days_ago(13)),
        record("seven", delivered=days_ago(8)),
        record("later", delivered=days_ago(1)),
        record("kept", "kept", delivered=days_ago(40), clock=None),
        record("transit", "in_transit", clock=None),
    )
    assert [row.urgency for row in built] == [
        Urgency.OVERDUE, Urgency.CRITICAL, Urgency.SOON, Urgency.LATER, Urgency.CLOSED,
        Urgency.NO_CLOCK,
    ]  # fmt: skip
    custom = build_rows(
        [record("seven", delivered=days_ago(8))], DEFAULT_POLICY, TODAY, UrgencyThresholds(7, 10)
    )
    assert custom[0].urgency is Urgency.CRITICAL


def test_an_expired_window_is_done_and_leaves_the_active_filter():
    built = rows(
        record("open", delivered=days_ago(3)),
        record("expired", delivered=days_ago(30)),
        record("dispute", "awaiting_seller", clock="seller_response", opened_on=days_ago(1)),
        record("kept", "kept", clock=None),
        record("archived", delivered=days_ago(2), archived=1),
    )
    names = {chosen: [row.order_id for row in visible_rows(built, chosen)] for chosen in Filter}
    assert names[Filter.ACTIVE] == ["dispute", "open"]
    assert names[Filter.DISPUTES] == ["dispute"]
    assert sorted(names[Filter.CLOSED]) == ["archived", "expired", "kept"]
    assert len(names[Filter.ALL]) == 5
    expired = next(row for row in built if row.order_id == "expired")
    assert expired.state_label == "window expired" and expired.clock is None
    archived = next(row for row in built if row.order_id == "archived")
    assert archived.state_label.startswith("archived · ")


def test_search_needs_every_word_in_number_title_or_store():
    built = rows(
        record("8175001", title="USB Cable", store="Cable World"),
        record("8175002", title="Desk lamp", store="Lumen"),
    )
    assert [r.order_id for r in visible_rows(built, Filter.ALL, "cable")] == ["8175001"]
    assert [r.order_id for r in visible_rows(built, Filter.ALL, "LAMP lumen")] == ["8175002"]
    assert [r.order_id for r in visible_rows(built, Filter.ALL, "002")] == ["8175002"]
    assert visible_rows(built, Filter.ALL, "lamp world") == []


@pytest.mark.parametrize("column", [column.key for column in COLUMNS])
def test_every_column_sorts_both_ways(column):
    built = rows(
        record("B", delivered=days_ago(3), title="banana", price="5.00"),
        record("A", delivered=days_ago(1), title="Apple", price="20.00"),
        record("C", "in_transit", clock=None, title="cherry", price="7.50"),
    )
    ascending = [row.order_id for row in visible_rows(built, Filter.ALL, "", column)]
    descending = [row.order_id for row in visible_rows(built, Filter.ALL, "", column, True)]
    assert sorted(ascending) == ["A", "B", "C"]
    if column in ("order_id", "title", "price"):
        assert ascending == {"order_id": ["A", "B", "C"], "title": ["A", "B", "C"],
                             "price": ["B", "C", "A"]}[column]  # fmt: skip
        assert descending == list(reversed(ascending))


def test_summary_counts_open_windows_stakes_and_money_back():
    built = rows(
        record("open", delivered=days_ago(2), price="10.00"),
        record("eur", delivered=days_ago(2), price="5.50", currency="EUR"),
        record(
            "pending",
            "refund_pending",
            clock="refund",
            clock_since=days_ago(1),
            price="30.00",
            refund_expected="12.00",
        ),
        record("done", "refunded", clock=None, refund_amount="8.00"),
        record("hidden", delivered=days_ago(2), archived=1),
    )
    summary = summarise(built)
    assert summary.open_windows == 3
    assert summary.at_stake == {"USD": Decimal("40.00"), "EUR": Decimal("5.50")}
    assert summary.pending_amounts == {"USD": Decimal("12.00")}
    assert summary.recovered == {"USD": Decimal("8.00")}
    assert " · ".join(summary.parts()) == (
        "3 open windows · at stake 5.50 EUR + 40.00 USD · 1 refund pending (12.00 USD)"
        " · recovered 8.00 USD"
    )
    # While only the live orders are read, the refunded ones are not counted yet.
    assert summary.parts(recovered_known=False)[-1] == "recovered …"
    assert money({}) == ""


def test_countdown_cards_are_running_clocks_most_urgent_first():
    built = rows(
        record("later", delivered=days_ago(1)),
        record("late", "refund_pending", clock="refund", clock_since=days_ago(9)),
        record("kept", "kept", clock=None),
        record("expired", delivered=days_ago(30)),
    )
    assert [row.order_id for row in countdown_rows(built)] == ["late", "later"]


def test_countdown_text_runs_to_the_end_of_the_deadline_day():
    deadline = dt.date(2026, 12, 1)
    assert format_countdown(time_left(deadline, dt.datetime(2026, 11, 29, 18, 18, 50))) == (
        "2d 05:41:10 left"
    )
    assert format_countdown(time_left(deadline, dt.datetime(2026, 12, 1, 23, 59, 59))) == (
        "0d 00:00:01 left"
    )
    # Once the day has passed: calendar days past it, as the table and check say.
    assert format_countdown(time_left(deadline, dt.datetime(2026, 12, 2, 0, 0))) == (
        "1 day overdue"
    )
    assert format_countdown(time_left(deadline, dt.datetime(2026, 12, 2, 23, 59, 59))) == (
        "1 day overdue"
    )
    assert format_countdown(time_left(deadline, dt.datetime(2026, 12, 3, 3, 0))) == (
        "2 days overdue"
    )


def test_one_overdue_figure_in_the_cards_the_table_and_check():
    from aliret_tui.domain.clocks import describe_days_left
    from aliret_tui.tui.widgets.orders_table import days_left_text

    deadline = dt.date(2026, 11, 26)
    now = dt.datetime(2026, 11, 29, 7, 12, 5)
    days_left = (deadline - now.date()).days
    assert format_countdown(time_left(deadline, now)) == "3 days overdue"  # the card
    assert describe_days_left(days_left) == "3 days overdue"  # check
    assert days_left_text(days_left) == "3d overdue"  # the table


@pytest.mark.parametrize("width", [40, 78, 82, 118, 160])
def test_columns_fit_the_width_dropping_the_least_needed(width):
    fitted = fit_columns(width)
    keys = [column.key for column, _ in fitted]
    assert sum(size for _, size in fitted) + len(fitted) - 1 <= width
    assert "title" in keys and "order_id" in keys
    if width >= 118:
        assert keys == [column.key for column in COLUMNS]
    if width <= 82:
        assert "delivered" not in keys


# -- the index a keystroke picks from (issue 17) ---------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from aliret_tui.tui.view import URGENCY_SORT, RowIndex  # noqa: E402

_STATES = ("window_open", "in_transit", "awaiting_seller", "refunded", "kept")
_an_order = st.tuples(
    st.sampled_from(_STATES),
    st.integers(0, 40),  # delivered days ago
    st.sampled_from(["Lamp", "lamp shade", "Cable", "Tripod stand"]),
    st.sampled_from(["5.00", "12.50", "5.00 ", "100.00"]),
    st.sampled_from(["USD", "EUR"]),
    st.booleans(),  # archived
)


@settings(max_examples=150, deadline=None)
@given(
    orders=st.lists(_an_order, max_size=25),
    keystrokes=st.lists(
        st.tuples(
            st.sampled_from(list(Filter)),
            st.sampled_from(["", "la", "lamp", "LAMP shade", "lamp x", "00", "t"]),
            st.sampled_from([URGENCY_SORT, *(column.key for column in COLUMNS)]),
            st.booleans(),
        ),
        min_size=1,
        max_size=6,
    ),
)
def test_the_index_shows_exactly_what_filtering_and_sorting_every_row_shows(orders, keystrokes):
    built = rows(
        *(
            record(
                f"81750{number:03d}",
                state,
                delivered=days_ago(age),
                clock=None if state in ("in_transit", "refunded", "kept") else "inspection",
                title=title,
                price=price.strip(),
                currency=currency,
                archived=int(archived),
            )
            for number, (state, age, title, price, currency, archived) in enumerate(orders)
        )
    )
    index = RowIndex(built)
    for chosen, query, sort_by, descending in keystrokes:  # one index, many keystrokes
        expected = visible_rows(built, chosen, query, sort_by, descending)
        assert index.visible(chosen, query, sort_by, descending) == expected


@settings(max_examples=150, deadline=None)
@given(
    orders=st.lists(_an_order, max_size=25),
    chosen=st.sampled_from(list(Filter)),
    queries=st.lists(
        st.sampled_from(["l", "la", "lamp", "lamp s", "lamp shade", "amp", "t", "ta", "x", ""]),
        min_size=2,
        max_size=8,
    ),
)
def test_typing_on_narrows_the_search_without_losing_a_match(orders, chosen, queries):
    """Search as typed, one key at a time, in one filter: each answer is what
    searching every row gives, whether the query grew, shrank or changed."""
    built = rows(
        *(
            record(f"81750{number:03d}", state, delivered=days_ago(age), title=title,
                   price=price.strip(), currency=currency, archived=int(archived),
                   clock=None if state in ("in_transit", "refunded", "kept") else "inspection")
            for number, (state, age, title, price, currency, archived) in enumerate(orders)
        )
    )  # fmt: skip
    index = RowIndex(built)
    for query in queries:
        assert index.visible(chosen, query) == visible_rows(built, chosen, query)


@settings(max_examples=100, deadline=None)
@given(
    orders=st.lists(_an_order, max_size=30),
    keystrokes=st.lists(
        st.tuples(
            st.sampled_from(list(Filter)),
            st.sampled_from(["", "la", "lamp", "00", "t"]),
            st.sampled_from([URGENCY_SORT, *(column.key for column in COLUMNS)]),
            st.booleans(),
        ),
        min_size=1,
        max_size=8,
    ),
)
def test_sorts_made_ahead_show_what_sorting_on_demand_shows(orders, keystrokes):
    """``prepare`` (run by the load worker) makes every column's order in
    advance, descending by reversal: the same rows as sorting on demand."""
    built = rows(
        *(
            record(f"81750{number:03d}", state, delivered=days_ago(age) if age % 5 else None,
                   title=title, price=price.strip(), currency=currency, archived=int(archived),
                   clock=None if state in ("in_transit", "refunded", "kept") else "inspection")
            for number, (state, age, title, price, currency, archived) in enumerate(orders)
        )
    )  # fmt: skip
    ahead = RowIndex(built)
    ahead.prepare()
    on_demand = RowIndex(built)
    for chosen, query, sort_by, descending in keystrokes:
        expected = visible_rows(built, chosen, query, sort_by, descending)
        assert ahead.visible(chosen, query, sort_by, descending) == expected
        assert on_demand.visible(chosen, query, sort_by, descending) == expected


@pytest.mark.parametrize(
    ("column", "ascending", "descending"),
    [
        ("delivered", ["kept", "soon", "later", "transit"], ["later", "soon", "kept", "transit"]),
        ("deadline", ["soon", "later", "transit", "kept"], ["later", "soon", "transit", "kept"]),
        ("days_left", ["soon", "later", "transit", "kept"], ["later", "soon", "transit", "kept"]),
    ],
)
def test_orders_without_a_value_sort_last_both_ways(column, ascending, descending):
    """Not delivered, no deadline: last whichever way the column sorts (the rows
    without a value keep their urgency order among themselves)."""
    built = rows(
        record("soon", delivered=days_ago(12)),
        record("transit", "in_transit", clock=None),
        record("later", delivered=days_ago(2)),
        record("kept", "kept", delivered=days_ago(30), clock=None),
    )
    index = RowIndex(built)
    index.prepare()
    for reverse, expected in ((False, ascending), (True, descending)):
        shown = visible_rows(built, Filter.ALL, "", column, reverse)
        assert [row.order_id for row in shown] == expected
        assert index.visible(Filter.ALL, "", column, reverse) == shown


def test_the_state_column_sorts_in_the_order_of_the_return_process():
    """Open orders first, from in transit to a refund pending, then the closed ones,
    then the archived ones; alphabetically the archived ones came first."""
    built = rows(
        record("refunded", "refunded", clock=None, refund_amount="10.00"),
        record("archived", delivered=days_ago(2), archived=1),
        record("pending", "refund_pending", clock="refund", clock_since=days_ago(1)),
        record("kept", "kept", clock=None),
        record("transit", "in_transit", clock=None),
        record("dispute", "awaiting_seller", clock="seller_response", opened_on=days_ago(1)),
        record("open", delivered=days_ago(3)),
    )
    ascending = visible_rows(built, Filter.ALL, sort_by="state")
    assert [row.order_id for row in ascending] == [
        "transit", "open", "dispute", "pending", "kept", "refunded", "archived",
    ]  # fmt: skip
    descending = visible_rows(built, Filter.ALL, sort_by="state", descending=True)
    assert [row.order_id for row in descending] == [row.order_id for row in ascending][::-1]
