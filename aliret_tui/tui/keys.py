"""The actions a user may remap in config.toml (``[keys] add = "n"``)."""

from __future__ import annotations

from textual.binding import Binding

from aliret_tui.config import ConfigError, Settings


def remappable_ids() -> list[str]:
    """Every binding id of the app's screens and widgets."""
    from aliret_tui.tui.app import AliretApp
    from aliret_tui.tui.screens.dashboard import DashboardScreen
    from aliret_tui.tui.screens.detail import DetailScreen
    from aliret_tui.tui.widgets.orders_table import OrdersTable
    from aliret_tui.tui.widgets.virtual_list import VirtualList

    owners = (AliretApp, DashboardScreen, DetailScreen, OrdersTable, VirtualList)
    return sorted(
        {
            binding.id
            for owner in owners
            for binding in owner.BINDINGS
            if isinstance(binding, Binding) and binding.id
        }
    )


def checked_keymap(settings: Settings) -> dict[str, str]:
    """``settings.keys``, refusing an action id the app does not have."""
    if not settings.keys:
        return {}  # nothing to check, and no need to import every screen
    known = remappable_ids()
    for action in settings.keys:
        if action not in known:
            raise ConfigError(
                settings.path or "config.toml",
                f"keys.{action}",
                f"unknown action; known: {', '.join(known)}",
            )
    return dict(settings.keys)
