"""Which keys each screen of the dashboard binds, read from the classes themselves:
the app, the screen, and the widgets of ours on it. ``runtime.keymap`` checks a
user's ``[keys]`` against this table."""

from __future__ import annotations

from types import ModuleType

from textual.app import App

from aliret_tui.runtime.keymap import KeyTable
from aliret_tui.tui.key_names import bound_keys

__all__ = ["bound_keys", "key_table", "screens"]


def key_table() -> KeyTable:
    """Every screen of the app by name, with the keys bound while it is shown."""
    return {
        screen: [bound for owner in owners for bound in bound_keys(owner)]
        for screen, owners in screens().items()
    }


def screens() -> dict[str, tuple[type, ...]]:
    """Every screen of the app by name, with what binds keys while it is shown."""
    from aliret_tui.tui.app import AliretApp
    from aliret_tui.tui.screens import (
        dashboard,
        detail,
        import_screens,
        modals,
        order_form,
        statistics,
    )
    from aliret_tui.tui.screens import help as help_screen
    from aliret_tui.tui.screens.detail import forms as detail_forms
    from aliret_tui.tui.widgets.chat_log import ChatLog
    from aliret_tui.tui.widgets.countdown_panel import CountdownPanel
    from aliret_tui.tui.widgets.evidence_list import EvidenceList
    from aliret_tui.tui.widgets.orders_table import OrdersTable

    app: type[App[int]] = AliretApp
    found: dict[str, tuple[type, ...]] = {
        "the dashboard": (app, dashboard.DashboardScreen, OrdersTable, CountdownPanel),
        "the order screen": (app, detail.DetailScreen, ChatLog, EvidenceList),
    }
    for module in (detail_forms, help_screen, import_screens, modals, order_form, statistics):
        for screen in _screen_classes(module):
            found[f"the {screen.__name__}"] = (app, screen)
    return found


def _screen_classes(module: ModuleType) -> list[type]:
    """The screens defined in ``module``."""
    from textual.screen import Screen

    return [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, Screen)
        and value.__module__ == module.__name__
    ]
