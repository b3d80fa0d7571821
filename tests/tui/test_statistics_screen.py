"""The statistics screen on a real store: sections, charts with their numbers, keys."""

from __future__ import annotations

import pytest
from support.tui import add, days, event, screen_text, settle
from textual.widgets import Static
from textual_plotext import PlotextPlot

from aliret_tui.tui.screens.dashboard import DashboardScreen
from aliret_tui.tui.screens.statistics import StatisticsScreen


@pytest.fixture
def history(store):
    """Refunds in two currencies, a lost mediation, a dispute still open, windows."""
    add(store, "1", store="Lamp [b]Shop[/b]", delivered_on=days(-60), price="20.00")
    event(store, "1", "open_dispute", on=days(-58), reason="wrong_size")
    event(store, "1", "seller_agreed", on=days(-55), amount="8.00")
    event(store, "1", "refunded", on=days(-50), amount="8.00")  # partial, 5 days
    add(store, "2", store="Cables", delivered_on=days(-100), price="15.00", currency="EUR")
    event(store, "2", "open_dispute", on=days(-95), reason="item_defective")
    event(store, "2", "return_approved", on=days(-93))
    event(store, "2", "return_shipped", on=days(-90), tracking="RR1")
    event(store, "2", "return_delivered", on=days(-80))
    event(store, "2", "refunded", on=days(-68))  # 12 days: late
    add(store, "3", store="Lamp [b]Shop[/b]", delivered_on=days(-40), price="30.00")
    event(store, "3", "open_dispute", on=days(-39), reason="not_as_described")
    event(store, "3", "seller_refused", on=days(-35))
    event(store, "3", "escalated", on=days(-30))
    event(store, "3", "mediation_lost", on=days(-20))
    add(store, "4", delivered_on=days(-3), price="9.99")  # window open
    add(store, "5", delivered_on=days(-200), price="44.00")  # window missed
    add(store, "6", delivered_on=days(-10), price="12.00", store="Nova")
    event(store, "6", "open_dispute", on=days(-9), reason="wrong_size")
    return store


async def open_statistics(pilot, app) -> StatisticsScreen:
    await settle(pilot, app)
    await app.push_screen(StatisticsScreen())
    await settle(pilot, app)
    assert isinstance(app.screen, StatisticsScreen)
    return app.screen


def texts(screen: StatisticsScreen) -> str:
    """The text beside every chart and of every section, scrolled into view or not."""
    return "\n".join(
        str(widget.content) for widget in screen.query(".chart-text, .section-text").results(Static)
    )


async def test_every_section_shows_its_figures_as_text_and_charts(make_app, history):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_statistics(pilot, app)
        top = screen_text(app)
        assert "Statistics" in top and "all time" in top
        assert "Open windows: 9.99 USD (1 order)" in top
        assert "Open disputes: 12.00 USD (1 order)" in top
        assert "EUR refunded per month" in top and "USD refunded per month" in top
        assert "Total, all time: 15.00 EUR (1 refund) · 8.00 USD" in texts(screen)
        assert "Dec Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov" in " ".join(top.split())
        assert "2026-09  15.00 EUR" in top and "2026-10  8.00 USD" in top

        assert len(screen.query(PlotextPlot)) == 4  # two currencies, outcomes, refund delay
        text = texts(screen)
        assert "Won: 2 of 3 decided (67%)" in text
        assert "2 refunds: median 8.5 days, 90th percentile 12 days" in text
        assert "1 on time, 1 late" in text
        assert "Expired while still open: 44.00 USD (1 window)" in text

        await pilot.press("end")
        await settle(pilot, app)
        bottom = screen_text(app)
        # A store name is shown as typed, never read as markup.
        assert "Lamp [b]Shop[/b]: 2 disputes in 2 orders (1.00 per order)" in bottom
        assert "Missed windows" in bottom and "44.00 USD (1 window)" in bottom


async def test_escape_and_q_go_back_to_the_dashboard(make_app, history):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        for key in ("escape", "q"):
            await open_statistics(pilot, app)
            await pilot.press(key)
            await settle(pilot, app)
            assert isinstance(app.screen, DashboardScreen)
            assert app.is_running


async def test_numbers_go_under_the_charts_at_80_columns_and_beside_at_120(make_app, history):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_statistics(pilot, app)
        chart = screen.query_one("#section-recovered PlotextPlot")
        numbers = screen.query_one("#section-recovered .chart-text")
        assert numbers.region.x == chart.region.x and numbers.region.y > chart.region.y
        assert numbers.region.right <= 80
        await pilot.press("end")
        await settle(pilot, app)
        assert "Expired while still open" in screen_text(app)  # scrolls to the last section
        await pilot.resize_terminal(120, 36)
        await settle(pilot, app)
        assert numbers.region.x > chart.region.right - 1


async def test_reload_shows_a_refund_recorded_meanwhile(make_app, history):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_statistics(pilot, app)
        event(history, "6", "seller_agreed", on=days(-8))
        event(history, "6", "refunded", on=days(-2), amount="12.00")
        await pilot.press("r")
        await settle(pilot, app)
        assert "Total, all time: 15.00 EUR (1 refund) · 20.00 USD (2 refunds)" in texts(screen)
        assert "Open disputes: none" in texts(screen)


async def test_an_empty_store_says_so_without_charts(make_app, store):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_statistics(pilot, app)
        assert "Open windows: none" in screen_text(app)
        assert "No refunds yet." in screen_text(app)
        assert not screen.query(PlotextPlot)
        assert "No disputes yet." in texts(screen)


async def test_g_shows_the_figures_computed_ahead_until_the_data_changes(
    make_app, history, monkeypatch
):
    """The dashboard computes the figures once it has loaded, so g needs no read of the
    whole history; a change since (here from another process) is read afresh."""
    import aliret_tui.store.history as store_history

    reads = []
    real = store_history.read_histories
    monkeypatch.setattr(
        store_history, "read_histories", lambda *a, **k: reads.append(1) or real(*a, **k)
    )
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await app.workers.wait_for_complete()
        assert app.prepared_statistics is not None and len(reads) == 1
        await pilot.press("g")
        await settle(pilot, app)
        assert isinstance(app.screen, StatisticsScreen)
        assert "Open windows: 9.99 USD (1 order)" in screen_text(app)
        assert len(reads) == 1  # the figures computed ahead
        await pilot.press("escape")
        await settle(pilot, app)
        add(history, "7", delivered_on=days(-2), price="5.00")  # another process adds
        await pilot.pause(1.5)  # the dashboard sees the change, reloads, computes again
        await settle(pilot, app)
        await app.workers.wait_for_complete()
        assert len(reads) == 2
        await pilot.press("g")
        await settle(pilot, app)
        assert len(reads) == 2  # computed ahead again, after the change
        assert "Open windows: 14.99 USD (2 orders)" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot, app)
        add(history, "8", delivered_on=days(-1), price="1.00")
        await pilot.press("g")  # before the dashboard has seen it: the screen reads
        await settle(pilot, app)
        assert "Open windows: 15.99 USD (3 orders)" in screen_text(app)
