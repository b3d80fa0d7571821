"""The actions a user may remap in config.toml (``[keys] add = "n"``).

A remapped key must not be one that something else on the same screen already
answers to: the app's bindings, the screen's, and those of the widgets on it are
all active at once, and the first to claim a key hides the others (``add = "e"``
would silently hide Edit).
"""

from __future__ import annotations

from types import ModuleType
from typing import NamedTuple

from textual.binding import Binding

from aliret_tui.config import ConfigError, Settings


def _screens() -> dict[str, tuple[type, ...]]:
    """Every screen of the app by name, with what binds keys while it is shown:
    the app, the screen, and the widgets of ours that it holds."""
    from aliret_tui.tui.app import AliretApp
    from aliret_tui.tui.screens import (
        dashboard,
        detail,
        detail_forms,
        import_screens,
        modals,
        order_form,
    )
    from aliret_tui.tui.screens import help as help_screen
    from aliret_tui.tui.widgets.chat_log import ChatLog
    from aliret_tui.tui.widgets.countdown_panel import CountdownPanel
    from aliret_tui.tui.widgets.evidence_list import EvidenceList
    from aliret_tui.tui.widgets.orders_table import OrdersTable

    screens: dict[str, tuple[type, ...]] = {
        "the dashboard": (
            AliretApp,
            dashboard.DashboardScreen,
            OrdersTable,
            CountdownPanel,
        ),
        "the order screen": (AliretApp, detail.DetailScreen, ChatLog, EvidenceList),
    }
    for module in (detail_forms, help_screen, import_screens, modals, order_form):
        for screen in _screen_classes(module):
            screens[f"the {screen.__name__}"] = (AliretApp, screen)
    return screens


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


def _default_bindings(owner: type) -> list[Binding]:
    """One binding per key, as Textual merges them: a class's binding replaces its
    base class's on the same key."""
    by_key: dict[str, Binding] = {}
    for cls in reversed(owner.__mro__):
        for binding in Binding.make_bindings(cls.__dict__.get("BINDINGS", ())):
            by_key[binding.key] = binding
    return list(by_key.values())


def _keys(text: str) -> list[str]:
    """``"n,ctrl+a"`` as Textual reads the keys of a binding."""
    return [binding.key for binding in Binding.make_bindings([Binding(text, "")])]


def remappable_ids(screens: dict[str, tuple[type, ...]] | None = None) -> list[str]:
    """Every binding id of the app's screens and widgets."""
    return sorted(
        {
            binding.id
            for owners in (screens or _screens()).values()
            for owner in owners
            for binding in _default_bindings(owner)
            if binding.id
        }
    )


def checked_keymap(settings: Settings) -> dict[str, str]:
    """``settings.keys``, refusing an action id the app does not have, and a key
    that another action already answers to on the same screen."""
    if not settings.keys:
        return {}  # nothing to check, and no need to import every screen
    path = settings.path or "config.toml"
    screens = _screens()
    known = remappable_ids(screens)
    for action in settings.keys:
        if action not in known:
            raise ConfigError(path, f"keys.{action}", f"unknown action; known: {', '.join(known)}")
    for screen, owners in screens.items():
        _refuse_clashes(settings.keys, screen, owners, path)
    return dict(settings.keys)


class _Holder(NamedTuple):
    """What a key on a screen answers to."""

    name: str  # as a message names it
    does: tuple[type, str]  # (the class that binds it, its action)
    remapped: bool  # given by [keys], not a default


def _refuse_clashes(
    keymap: dict[str, str], screen: str, owners: tuple[type, ...], path: object
) -> None:
    """Each key on ``screen`` answers to one action: the remapped ones, and the
    default bindings of the actions that keep their keys. A key may still do what
    it already does (``quit = "ctrl+q"``), and an action may keep a default key
    where the defaults overlap by design (q also closes the help screen)."""
    holders: dict[str, _Holder] = {}
    remapped: dict[str, tuple[type, str]] = {}  # action id -> what it does
    default_keys: dict[str, set[str]] = {}  # action id -> its keys before remapping
    for owner in owners:
        for binding in _default_bindings(owner):
            does = (owner, binding.action)
            if binding.id in keymap:
                remapped[binding.id] = does
                default_keys.setdefault(binding.id, set()).add(binding.key)
            else:
                label = binding.description or binding.action
                name = f"the key of {label} ({binding.id or binding.action})"
                holders.setdefault(binding.key, _Holder(name, does, remapped=False))
    for action, keys in keymap.items():
        if action not in remapped:
            continue  # not on this screen
        does = remapped[action]
        for key in _keys(keys):
            holder = holders.get(key)
            if (
                holder is not None
                and holder.does != does
                and (holder.remapped or key not in default_keys[action])
            ):
                raise ConfigError(
                    path,
                    f"keys.{action}",
                    f"{key!r} is already {holder.name} on {screen}; "
                    "choose another key, or remap that action too",
                )
            holders[key] = _Holder(f"given to keys.{action}", does, remapped=True)
