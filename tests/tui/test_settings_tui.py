"""config.toml in the dashboard: theme (remembered from the palette), keys, urgency."""

from __future__ import annotations

import tomllib
from pathlib import Path

from support.tui import FROZEN, add, days, screen_text, settle

from aliret_tui.config import load_settings, parse_settings
from aliret_tui.tui.app import AliretApp
from aliret_tui.tui.screens.order_form import OrderFormScreen
from aliret_tui.tui.view import Urgency
from aliret_tui.tui.widgets.orders_table import OrdersTable


def app_with(db_path: Path, text: str, remember: Path | None = None) -> AliretApp:
    settings = parse_settings(tomllib.loads(text), "config.toml")
    return AliretApp(db_path=db_path, time=FROZEN, settings=settings, remember_theme_in=remember)


async def test_theme_and_remapped_keys_apply(db_path):
    app = app_with(db_path, 'theme = "nord"\n[keys]\nadd = "n"\n')
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        assert app.theme == "nord"
        assert " n Add" in screen_text(app).splitlines()[-1]  # the footer shows the new key
        await pilot.press("a")
        await settle(pilot, app)
        assert not isinstance(app.screen, OrderFormScreen)
        await pilot.press("n")
        await settle(pilot, app)
        assert isinstance(app.screen, OrderFormScreen)


async def test_a_theme_chosen_in_the_app_is_remembered(db_path, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("# my settings\n[check]\ndays = 3\n", encoding="utf-8")
    app = app_with(db_path, config.read_text(), remember=config)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        app.theme = "gruvbox"  # what the palette's "Change theme" does
        await settle(pilot, app)
    saved = load_settings(config)
    assert saved.theme == "gruvbox" and saved.check_days == 3
    assert config.read_text().startswith('theme = "gruvbox"\n# my settings\n')


async def test_urgency_thresholds_colour_the_rows(db_path, store):
    add(store, "NEAR", "Near", delivered_on=days(-12))  # 3 days left
    app = app_with(db_path, "[urgency]\ncritical_days = 3\nsoon_days = 10\n")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        row = app.screen.query_one(OrdersTable).rows[0]
        assert row.days_left == 3 and row.urgency is Urgency.CRITICAL
