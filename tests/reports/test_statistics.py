"""The statistics, figure by figure, on made-up order histories (no database)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from aliret_tui.domain.history import OrderHistory
from aliret_tui.domain.policy import DEFAULT_POLICY
from aliret_tui.domain.states import OrderState
from aliret_tui.domain.vocabulary import EventKind
from aliret_tui.reports.statistics import (
    DisputeOutcome,
    MoneyCount,
    Section,
    compute_statistics,
    sections_text,
    statistics_text,
    statistics_to_json,
)

TODAY = dt.date(2026, 11, 29)
S = OrderState
E = EventKind
Outcome = DisputeOutcome
D = Decimal


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def ev(kind: EventKind, on: str, amount: str | None = None) -> tuple:
    return (kind.value, day(on), D(amount) if amount else None)


def order(order_id: str, state: OrderState, *events: tuple, **facts) -> OrderHistory:
    values = {"store": "Shop", "currency": "USD", "price": D("20.00"), **facts}
    for name in ("ordered_on", "delivered_on", "deadline", "refunded_on", "refund_due_since",
                 "dispute_opened_on", "escalated_on", "return_approved_on"):  # fmt: skip
        if isinstance(values.get(name), str):
            values[name] = day(values[name])
    for name in ("price", "refund_amount", "refund_expected"):
        if isinstance(values.get(name), str):
            values[name] = D(values[name])
    return OrderHistory(order_id=order_id, state=state.value, events=tuple(events), **values)


def compute(*histories: OrderHistory, since: str | None = None, policy=DEFAULT_POLICY, **kw):
    return compute_statistics(
        histories, today=TODAY, since=day(since) if since else None, policy=policy, **kw
    )


# Timelines of disputes that ended each way (all opened in 2026).
def agreed_and_refunded(order_id="A", amount="20.00", **facts) -> OrderHistory:
    return order(
        order_id, S.REFUNDED,
        ev(E.DELIVERED, "2026-09-01"), ev(E.OPEN_DISPUTE, "2026-09-03"),
        ev(E.SELLER_AGREED, "2026-09-05", amount), ev(E.REFUNDED, "2026-09-09", amount),
        **facts,
    )  # fmt: skip


def returned_and_refunded(order_id="R", refunded_on="2026-10-20", **facts) -> OrderHistory:
    return order(
        order_id, S.REFUNDED,
        ev(E.OPEN_DISPUTE, "2026-10-01"), ev(E.RETURN_APPROVED, "2026-10-02"),
        ev(E.RETURN_SHIPPED, "2026-10-03"), ev(E.RETURN_DELIVERED, "2026-10-10"),
        ev(E.REFUNDED, refunded_on, "20.00"),
        **facts,
    )  # fmt: skip


def returned_not_refunded(order_id="N", **facts) -> OrderHistory:
    return order(
        order_id, S.REFUND_PENDING,
        ev(E.OPEN_DISPUTE, "2026-11-01"), ev(E.RETURN_APPROVED, "2026-11-02"),
        ev(E.RETURN_SHIPPED, "2026-11-03"), ev(E.RETURN_DELIVERED, "2026-11-20"),
        **facts,
    )  # fmt: skip


def mediation(order_id: str, ruling: EventKind | None, state: OrderState, *after, **facts):
    events = [ev(E.OPEN_DISPUTE, "2026-08-01"), ev(E.SELLER_REFUSED, "2026-08-03"),
              ev(E.ESCALATED, "2026-08-05")]  # fmt: skip
    if ruling is not None:
        events.append(ev(ruling, "2026-08-20"))
    return order(order_id, state, *events, *after, **facts)


# -- an empty database ----------------------------------------------------------------


def test_no_orders_gives_empty_figures_and_says_so():
    stats = compute()
    assert stats.open_windows == {} and stats.open_disputes == {} and stats.missed == {}
    assert stats.recovered_total == {} and stats.recovered_by_month == {}
    assert len(stats.months) == 12 and stats.months[-1] == (2026, 11)
    assert stats.months[0] == (2025, 12)
    assert set(stats.outcomes.values()) == {0} and stats.share_won is None
    assert stats.delays == () and stats.delay_median is None and stats.delay_p90 is None
    assert stats.stores == () and stats.stores_with_disputes == 0
    text = statistics_text(stats)
    for expected in ("Open windows: none", "No refunds yet.", "No disputes yet.",
                     "No refunds to time yet.", "No window expired unused."):  # fmt: skip
        assert any(expected in line for line in text), expected
    data = statistics_to_json(stats)
    assert json.loads(json.dumps(data)) == data
    assert data["recovered"]["by_month"] == {} and data["dispute_outcomes"]["share_won"] is None


# -- at stake now -----------------------------------------------------------------------


def test_at_stake_counts_open_windows_and_open_disputes_per_currency():
    stats = compute(
        order("w1", S.WINDOW_OPEN, deadline="2026-12-05", price="10.00"),
        order("w2", S.WINDOW_OPEN, deadline=TODAY.isoformat(), price="2.50"),  # last day
        order("w3", S.WINDOW_OPEN, deadline=None, price="1.00"),  # delivered, day unknown
        order("w4", S.WINDOW_OPEN, deadline="2026-12-01", currency="EUR", price="7.00"),
        order("w5", S.WINDOW_OPEN, deadline="2026-11-28", price="99.00"),  # expired: missed
        order("w6", S.WINDOW_OPEN, deadline="2026-12-10", price="50.00", archived=True),
        order("t1", S.IN_TRANSIT, price="30.00"),
        order("k1", S.KEPT, price="30.00"),
        order("d1", S.AWAITING_SELLER, ev(E.OPEN_DISPUTE, "2026-11-20"), price="12.00"),
        order(
            "d2",
            S.REFUND_PENDING,
            ev(E.OPEN_DISPUTE, "2026-11-20"),
            ev(E.SELLER_AGREED, "2026-11-22", "4.00"),
            price="12.00",
        ),
        returned_not_refunded("d3", currency="EUR", price="15.00"),
        order("d4", S.IN_MEDIATION, ev(E.OPEN_DISPUTE, "2026-11-01"), archived=True),
        agreed_and_refunded("c1"),
    )
    assert stats.open_windows == {
        "EUR": MoneyCount(1, D("7.00")),
        "USD": MoneyCount(3, D("13.50")),
    }
    # A partial amount agreed is what is still owed; the return not yet refunded counts.
    assert stats.open_disputes == {
        "EUR": MoneyCount(1, D("15.00")),
        "USD": MoneyCount(2, D("16.00")),
    }
    lines = sections_text(stats)[Section.AT_STAKE]
    assert lines == [
        "Open windows: 7.00 EUR (1 order) · 13.50 USD (3 orders)",
        "Open disputes: 15.00 EUR (1 order) · 16.00 USD (2 orders)",
    ]


def test_a_later_ruling_replaces_a_partial_amount_agreed():
    history = order(
        "d", S.REFUND_PENDING,
        ev(E.OPEN_DISPUTE, "2026-11-01"), ev(E.SELLER_AGREED, "2026-11-02", "5.00"),
        ev(E.ESCALATED, "2026-11-10"), ev(E.MEDIATION_WON, "2026-11-20"),
    )  # fmt: skip
    assert compute(history).open_disputes == {"USD": MoneyCount(1, D("20.00"))}


# -- recovered --------------------------------------------------------------------------


def test_recovered_per_month_and_total_per_currency_with_partial_refunds():
    stats = compute(
        agreed_and_refunded("a1", amount="7.50"),  # partial, 2026-09
        agreed_and_refunded("a2"),  # 20.00, 2026-09
        returned_and_refunded("r1", currency="EUR"),  # 20.00 EUR, 2026-10
        returned_and_refunded("r2", refunded_on="2025-11-30"),  # 13 months ago: total only
        returned_not_refunded("n1"),  # no refund yet: nothing recovered
    )
    assert stats.recovered_total == {
        "EUR": MoneyCount(1, D("20.00")),
        "USD": MoneyCount(3, D("47.50")),
    }
    months = [f"{year}-{month:02d}" for year, month in stats.months]
    usd = dict(zip(months, stats.recovered_by_month["USD"], strict=True))
    eur = dict(zip(months, stats.recovered_by_month["EUR"], strict=True))
    assert usd["2026-09"] == D("27.50") and eur["2026-10"] == D("20.00")
    assert sum(usd.values()) == D("27.50") and sum(eur.values()) == D("20.00")
    assert "2025-11" not in usd
    lines = sections_text(stats)[Section.RECOVERED]
    assert lines[0] == "Total, all time: 20.00 EUR (1 refund) · 47.50 USD (3 refunds)"
    assert "  2026-09  27.50 USD" in lines and "  2026-10  20.00 EUR" in lines
    assert "  2026-11  —" in lines and len(lines) == 2 + 12
    data = statistics_to_json(stats)["recovered"]
    assert data["months"][-1] == "2026-11" and data["by_month"]["USD"][9] == "27.50"
    assert data["total"]["USD"] == {"count": 3, "amount": "47.50"}


def test_a_refund_without_an_amount_is_the_price():
    history = order("x", S.REFUNDED, ev(E.OPEN_DISPUTE, "2026-11-01"),
                    ev(E.SELLER_AGREED, "2026-11-02"), ev(E.REFUNDED, "2026-11-05"))  # fmt: skip
    assert compute(history).recovered_total == {"USD": MoneyCount(1, D("20.00"))}


# -- dispute outcomes -------------------------------------------------------------------


def test_outcomes_are_counted_by_how_each_dispute_ended():
    stats = compute(
        agreed_and_refunded("agreed"),
        order(
            "agreed-pending",
            S.REFUND_PENDING,
            ev(E.OPEN_DISPUTE, "2026-11-01"),
            ev(E.SELLER_AGREED, "2026-11-02"),
        ),
        returned_and_refunded("return"),
        returned_not_refunded("return-pending"),
        mediation("won", E.MEDIATION_WON, S.REFUNDED, ev(E.REFUNDED, "2026-08-25", "20.00")),
        mediation("lost", E.MEDIATION_LOST, S.MEDIATION_LOST),
        mediation("in-mediation", None, S.IN_MEDIATION),
        order(
            "withdrawn",
            S.CANCELLED,
            ev(E.OPEN_DISPUTE, "2026-11-01"),
            ev(E.SELLER_AGREED, "2026-11-02"),
            ev(E.CANCELLED, "2026-11-03"),
        ),
        order(
            "refused",
            S.SELLER_REFUSED,
            ev(E.OPEN_DISPUTE, "2026-11-01"),
            ev(E.SELLER_REFUSED, "2026-11-03"),
        ),
        order("withdrawn-early", S.CANCELLED, ev(E.OPEN_DISPUTE, "2026-11-01")),
        agreed_and_refunded("agreed-again"),
        order("kept", S.KEPT, ev(E.KEEP, "2026-11-01")),  # no dispute: not counted
    )
    assert stats.outcomes == {
        Outcome.SELLER_AGREED: 3,
        Outcome.RETURN_AND_REFUND: 2,
        Outcome.MEDIATION_WON: 1,
        Outcome.MEDIATION_LOST: 1,
        Outcome.CANCELLED: 2,
        Outcome.UNDECIDED: 2,
    }
    assert (stats.won, stats.decided, stats.disputes) == (6, 9, 11)
    assert stats.share_won == pytest.approx(6 / 9)
    assert stats.mediation_share_won == pytest.approx(0.5)  # cancelled ones were not ruled
    lines = sections_text(stats)[Section.OUTCOMES]
    assert "Won: 6 of 9 decided (67%)" in lines
    assert any(line.startswith("Mediation lost:") and line.endswith(" 1") for line in lines)
    assert any("1 of 2 ruled for you (50%)" in line and "over 70%" in line for line in lines)
    data = statistics_to_json(stats)["dispute_outcomes"]
    assert data["counts"]["undecided"] == 2 and data["share_won"] == round(6 / 9, 4)


def test_the_mediation_benchmark_comes_from_the_policy():
    policy = DEFAULT_POLICY.with_overrides(mediation_buyer_win_percent=64)
    stats = compute(mediation("won", E.MEDIATION_WON, S.REFUND_PENDING), policy=policy)
    assert any("over 64%" in line for line in sections_text(stats)[Section.OUTCOMES])


# -- refund delay -----------------------------------------------------------------------


def test_refund_delay_runs_from_the_return_received_or_the_agreement():
    stats = compute(
        agreed_and_refunded("a"),  # agreed 09-05, refunded 09-09: 4 days
        returned_and_refunded("r"),  # return delivered 10-10, refunded 10-20: 10 days
        mediation("m", E.MEDIATION_WON, S.REFUNDED, ev(E.REFUNDED, "2026-08-22")),  # 2 days
        returned_not_refunded("n"),  # no refund yet: not timed
        # Mediation ruled a return: the clock starts when the seller gets it (3 days).
        mediation("mr", E.MEDIATION_WON, S.REFUNDED, ev(E.RETURN_SHIPPED, "2026-08-22"),
                  ev(E.RETURN_DELIVERED, "2026-08-30"), ev(E.REFUNDED, "2026-09-02")),
        # The seller agreed, then did not pay: the clock restarts at the ruling (2 days).
        order("ar", S.REFUNDED, ev(E.OPEN_DISPUTE, "2026-11-01"),
              ev(E.SELLER_AGREED, "2026-11-02"), ev(E.ESCALATED, "2026-11-05"),
              ev(E.MEDIATION_WON, "2026-11-10"), ev(E.REFUNDED, "2026-11-12")),
    )  # fmt: skip
    assert stats.delays == (2, 2, 3, 4, 10)
    assert stats.delay_median == 3 and stats.delay_p90 == 10
    assert stats.promise_days == DEFAULT_POLICY.refund_days == 7
    assert stats.refunds_within_promise == 4
    assert [(b.label, b.count) for b in stats.delay_buckets] == [
        ("0–3 days", 3), ("4–7 days", 1), ("8–14 days", 1), ("15–28 days", 0), ("29+ days", 0)
    ]  # fmt: skip
    lines = sections_text(stats)[Section.REFUND_DELAY]
    assert lines[0] == "5 refunds: median 3 days, 90th percentile 10 days"
    assert "within 7 days" in lines[1] and lines[1].endswith("4 on time, 1 late")
    assert "8–14 days:  1  (late)" in lines


def test_median_and_90th_percentile_by_nearest_rank():
    histories = [
        order(f"o{days}", S.REFUNDED, ev(E.SELLER_AGREED, "2026-10-01"),
              ev(E.REFUNDED, (day("2026-10-01") + dt.timedelta(days=days)).isoformat()))
        for days in range(1, 11)
    ]  # fmt: skip
    stats = compute(*histories)
    assert stats.delay_median == 5.5 and stats.delay_p90 == 9
    data = statistics_to_json(stats)["refund_delay"]
    assert data["median_days"] == 5.5 and data["p90_days"] == 9 and data["refunds"] == 10


def test_the_promise_and_buckets_follow_the_policy():
    policy = DEFAULT_POLICY.with_overrides(refund_days=10)
    stats = compute(returned_and_refunded("r"), policy=policy)  # 10 days: on time now
    assert stats.promise_days == 10 and stats.refunds_within_promise == 1
    assert [b.label for b in stats.delay_buckets][:2] == ["0–5 days", "6–10 days"]
    assert any("within 10 days" in line for line in sections_text(stats)[Section.REFUND_DELAY])


# -- stores -----------------------------------------------------------------------------


def test_stores_with_most_disputes_with_disputes_per_order_and_recovered():
    stats = compute(
        agreed_and_refunded("a1", store="Lamps", amount="5.00"),
        returned_and_refunded("a2", store="Lamps", currency="EUR"),
        order("a3", S.KEPT, store="Lamps"),
        order("a4", S.KEPT, store="Lamps"),
        mediation("b1", E.MEDIATION_LOST, S.MEDIATION_LOST, store="Cables [b]x[/b]"),
        order("b2", S.KEPT, store="Cables [b]x[/b]"),
        order("c1", S.KEPT, store="Quiet"),  # no dispute: not listed
        returned_not_refunded("e1", store=""),
    )
    assert [(s.store, s.orders, s.disputes) for s in stats.stores] == [
        ("Lamps", 4, 2), ("", 1, 1), ("Cables [b]x[/b]", 2, 1)
    ]  # fmt: skip
    lamps = stats.stores[0]
    assert lamps.disputes_per_order == 0.5
    assert lamps.recovered == {"EUR": D("20.00"), "USD": D("5.00")}
    assert stats.stores[1].recovered == {}
    lines = sections_text(stats)[Section.STORES]
    assert lines[0] == (
        "Lamps: 2 disputes in 4 orders (0.50 per order); recovered 20.00 EUR · 5.00 USD"
    )
    assert lines[1].startswith("(store not recorded): 1 dispute in 1 order")
    assert lines[2].startswith("Cables [b]x[/b]: 1 dispute in 2 orders (0.50 per order)")
    data = statistics_to_json(stats)["stores"][0]
    assert data == {"store": "Lamps", "orders": 4, "disputes": 2, "disputes_per_order": 0.5,
                    "recovered": {"EUR": "20.00", "USD": "5.00"}}  # fmt: skip


def test_only_the_top_stores_are_listed():
    histories = [agreed_and_refunded(f"o{n}", store=f"Store {n:02d}") for n in range(12)]
    histories.append(agreed_and_refunded("extra", store="Store 11"))
    stats = compute(*histories, top_stores=3)
    assert [s.store for s in stats.stores] == ["Store 11", "Store 00", "Store 01"]
    assert stats.stores_with_disputes == 12
    assert sections_text(stats)[Section.STORES][-1] == "… and 9 more stores with disputes"


# -- missed -----------------------------------------------------------------------------


def test_missed_windows_are_windows_that_expired_while_open():
    stats = compute(
        order("m1", S.WINDOW_OPEN, deadline="2026-11-28", price="10.00"),
        order("m2", S.WINDOW_OPEN, deadline="2025-01-01", price="5.00", archived=True),
        order("m3", S.WINDOW_OPEN, deadline="2026-06-01", currency="GBP", price="3.00"),
        order("open", S.WINDOW_OPEN, deadline=TODAY.isoformat()),  # last day: not missed
        order("unknown", S.WINDOW_OPEN, deadline=None),  # delivered on an unknown day
        order("kept", S.KEPT, deadline=None),
        order("transit", S.IN_TRANSIT, deadline="2026-10-01"),  # protection date passed
        agreed_and_refunded("disputed"),
    )
    assert stats.missed == {
        "GBP": MoneyCount(1, D("3.00")),
        "USD": MoneyCount(2, D("15.00")),
    }
    assert sections_text(stats)[Section.MISSED] == [
        "Expired while still open: 3.00 GBP (1 window) · 15.00 USD (2 windows)"
    ]


# -- archived orders, --since, imported orders -------------------------------------------


def test_archived_orders_are_history_everywhere_but_at_stake():
    stats = compute(
        agreed_and_refunded("a", archived=True, store="Old"),
        order("w", S.WINDOW_OPEN, deadline="2026-12-20", archived=True),
        order("d", S.AWAITING_SELLER, ev(E.OPEN_DISPUTE, "2026-11-20"), archived=True),
        order("m", S.WINDOW_OPEN, deadline="2026-01-20", archived=True),
    )
    assert stats.recovered_total == {"USD": MoneyCount(1, D("20.00"))}
    assert stats.outcomes[Outcome.SELLER_AGREED] == 1 and stats.outcomes[Outcome.UNDECIDED] == 1
    assert stats.delays == (4,)
    assert stats.stores[0].store == "Old"
    assert stats.missed == {"USD": MoneyCount(1, D("20.00"))}
    assert stats.open_windows == {} and stats.open_disputes == {}


def test_since_keeps_what_happened_on_or_after_the_date():
    stats = compute(
        agreed_and_refunded("before", ordered_on="2026-08-01"),  # opened 09-03, refunded 09-09
        returned_and_refunded("after", ordered_on="2026-09-20"),  # opened 10-01, refunded 10-20
        order(
            "straddles",
            S.REFUNDED,
            ev(E.OPEN_DISPUTE, "2026-09-05"),
            ev(E.SELLER_AGREED, "2026-09-06"),
            ev(E.REFUNDED, "2026-10-02", "3.00"),
            ordered_on="2026-08-15",
        ),
        order("new-order", S.KEPT, ordered_on="2026-10-15"),
        order("old-order", S.KEPT, ordered_on="2026-01-15"),
        order("no-date", S.KEPT),
        order("missed-old", S.WINDOW_OPEN, deadline="2026-09-30", price="8.00"),
        order("missed-new", S.WINDOW_OPEN, deadline="2026-10-01", price="9.00"),
        order("open-window", S.WINDOW_OPEN, deadline="2026-12-01", price="4.00"),
        since="2026-10-01",
    )
    assert stats.since == day("2026-10-01")
    # Refunds by their day: the straddling dispute's refund counts, with its delay.
    assert stats.recovered_total == {"USD": MoneyCount(2, D("23.00"))}
    assert sum(stats.recovered_by_month["USD"][:10]) == 0  # nothing before October
    assert stats.delays == (10, 26)
    # Disputes by the day they were opened: only "after".
    assert stats.outcomes[Outcome.RETURN_AND_REFUND] == 1 and stats.disputes == 1
    # A store's orders: dated since, or with a dispute or refund since.
    (shop,) = stats.stores
    assert (shop.orders, shop.disputes, shop.recovered) == (3, 1, {"USD": D("23.00")})
    assert stats.missed == {"USD": MoneyCount(1, D("9.00"))}
    assert stats.open_windows == {"USD": MoneyCount(1, D("4.00"))}  # at stake: today's
    text = statistics_text(stats)
    assert text[0] == "Since 2026-10-01 (at stake: as of today)"
    assert statistics_to_json(stats)["since"] == "2026-10-01"


def test_since_after_everything_says_nothing_happened():
    stats = compute(agreed_and_refunded("a"), since="2026-11-01")
    lines = sections_text(stats)
    assert lines[Section.RECOVERED] == ["No refunds in this period."]
    assert lines[Section.OUTCOMES] == ["No disputes in this period."]


def test_an_order_imported_without_a_timeline_counts_from_its_dispute_columns():
    refunded = order(
        "imported", S.REFUNDED, dispute_opened_on="2026-10-01", refund_due_since="2026-10-03",
        refunded_on="2026-10-08", refund_amount="6.00", refund_expected="6.00",
    )  # fmt: skip
    ruled = order(
        "ruled", S.RETURN_APPROVED, dispute_opened_on="2026-10-01",
        escalated_on="2026-10-05", return_approved_on="2026-10-09",
    )  # fmt: skip
    mediating = order("mediating", S.IN_MEDIATION, dispute_opened_on="2026-10-01",
                      escalated_on="2026-10-05")  # fmt: skip
    stats = compute(refunded, ruled, mediating)
    assert stats.recovered_total == {"USD": MoneyCount(1, D("6.00"))}
    assert stats.delays == (5,)
    assert stats.outcomes[Outcome.SELLER_AGREED] == 1
    assert stats.outcomes[Outcome.MEDIATION_WON] == 1
    assert stats.outcomes[Outcome.UNDECIDED] == 1


# -- the outputs ------------------------------------------------------------------------


def test_json_is_plain_data_with_exact_amounts():
    stats = compute(
        agreed_and_refunded("a", amount="0.10"), agreed_and_refunded("b", amount="0.20")
    )
    data = statistics_to_json(stats)
    assert json.loads(json.dumps(data)) == data
    assert data["today"] == "2026-11-29"
    assert data["recovered"]["total"] == {"USD": {"count": 2, "amount": "0.30"}}
    assert data["refund_delay"]["histogram"][1] == {
        "label": "4–7 days", "from": 4, "to": 7, "count": 2
    }  # fmt: skip
    assert data["refund_delay"]["histogram"][-1]["to"] is None


def test_text_has_every_section_in_order():
    text = statistics_text(compute(agreed_and_refunded("a")))
    titles = [line for line in text if line and not line.startswith(" ")]
    assert titles == [section.value for section in Section]
