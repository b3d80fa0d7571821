"""Tidying memory at quiet moments keeps nothing for good."""

from __future__ import annotations

import gc
import weakref

from aliret_tui.tui.memory import tidy_memory


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the collector can free it


def test_what_survives_is_frozen_and_what_dies_later_is_still_collected():
    node = Node()
    alive = weakref.ref(node)
    try:
        tidy_memory()
        assert gc.get_freeze_count() > 0
        del node
        gc.collect()  # a frozen cycle is out of the ordinary passes' reach...
        assert alive() is not None
        tidy_memory()  # ...but the next tidy collects it
        assert alive() is None
    finally:
        gc.unfreeze()


async def test_coming_back_from_an_order_never_runs_a_full_collection(make_app, store, monkeypatch):
    """A full pass scans every order (a tenth of a second at 100k); after an order is
    closed only what it left behind is collected, so a key pressed then does not wait."""
    from support.tui import add, days, settle

    import aliret_tui.tui.screens.dashboard as dashboard

    full, young = [], []
    monkeypatch.setattr(dashboard, "tidy_memory", lambda: full.append(1))
    monkeypatch.setattr(dashboard, "collect_young", lambda: young.append(1))
    add(store, "A1", "Lamp", delivered_on=days(-3))
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await pilot.pause(dashboard.TIDY_AFTER_SECONDS + 0.3)
        assert full == [1]  # once, after the orders were loaded
        await pilot.press("enter")
        await settle(pilot, app)
        await pilot.press("escape")
        await settle(pilot, app)
        await pilot.pause(dashboard.TIDY_AFTER_SECONDS + 0.3)
        assert full == [1] and young == [1]


async def test_rows_read_again_after_a_change_bring_no_full_collection(
    make_app, store, db_path, monkeypatch
):
    """Coming back from an order after something changed reads every order again;
    the full pass ran once, after the first load, and does not run again."""
    from support.tui import FROZEN, add, days, settle

    import aliret_tui.tui.screens.dashboard as dashboard
    from aliret_tui.store.store import Store

    full = []
    monkeypatch.setattr(dashboard, "tidy_memory", lambda: full.append(1))
    add(store, "A1", "Lamp", delivered_on=days(-3))
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await pilot.pause(dashboard.TIDY_AFTER_SECONDS + 0.3)
        assert full == [1]
        await pilot.press("enter")
        await settle(pilot, app)
        with Store(db_path, time=FROZEN) as other_shell:
            add(other_shell, "B2", "Cable", delivered_on=days(-1))
        await pilot.press("escape")
        for _ in range(40):  # the change is seen and every order read again
            await pilot.pause(0.1)
            if "B2" in [row.order_id for row in app.screen.rows]:
                break
        assert "B2" in [row.order_id for row in app.screen.rows]
        await settle(pilot, app)
        await pilot.pause(dashboard.TIDY_AFTER_SECONDS + 0.3)
        assert full == [1]
