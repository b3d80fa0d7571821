"""The help screens, the bindings and the README's key tables tell the same story:
a key added, moved or dropped in one place and not the others fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.binding import Binding

from aliret_tui.tui.app import AliretApp
from aliret_tui.tui.screens.dashboard import DashboardScreen
from aliret_tui.tui.screens.detail.screen import DetailScreen
from aliret_tui.tui.screens.help import DASHBOARD_KEYS, ORDER_SCREEN_KEYS
from aliret_tui.tui.widgets.orders_table import OrdersTable
from aliret_tui.tui.widgets.virtual_list import VirtualList

README = Path(__file__).parents[2] / "README.md"

# How a key is named in a Binding, in the help and in the README, made one.
SPELLINGS = {"slash": "/", "question_mark": "?", "escape": "esc", "down": "↓", "up": "↑"}

# Bindings deliberately left out of the help: moving, and keys shown another way.
NOT_IN_HELP = {
    "clear_search",  # esc, said with / in the help and the README
    "reverse_sort",  # S, said with s
    "up",  # k ↑, said with j ↓
    "page_up",
    "page_down",
    "first",
    "last",
    "tab_overview",  # 1 2 3 4, one line
    "tab_timeline",
    "tab_chat",
    "tab_evidence",
}


def spelled(key: str) -> str:
    return SPELLINGS.get(key, key)


def bindings_of(*classes: type) -> dict[str, Binding]:
    found = {}
    for owner in classes:
        for binding in owner.BINDINGS:
            if isinstance(binding, Binding) and binding.id:
                found[binding.id] = binding
    return found


def readme_keys(section_start: str, section_end: str) -> set[str]:
    """Every key in the first column of the key table between two headings."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index(section_start) : text.index(section_end)]
    keys: set[str] = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            first_column = line.split("|")[1]
            keys.update(re.findall(r"`([^`]+)`", first_column))
    return {spelled(key) for key in keys}


DASHBOARD_BINDINGS = bindings_of(AliretApp, DashboardScreen, OrdersTable, VirtualList)
ORDER_SCREEN_BINDINGS = bindings_of(AliretApp, DetailScreen)
SCREENS = {
    "dashboard": (
        DASHBOARD_KEYS,
        DASHBOARD_BINDINGS,
        readme_keys("## The dashboard", "### The detail screen"),
    ),
    "order screen": (
        ORDER_SCREEN_KEYS,
        ORDER_SCREEN_BINDINGS,
        readme_keys("### The detail screen", "Recording an event:"),
    ),
}


@pytest.mark.parametrize("screen", SCREENS)
def test_every_key_in_the_help_is_bound_to_what_it_says(screen):
    help_keys, bindings, _ = SCREENS[screen]
    for binding_id, shown, what in help_keys:
        if binding_id is None:
            continue
        assert binding_id in bindings, f"{screen} help lists {what!r}, but nothing is bound"
        bound = {spelled(key.strip()) for key in bindings[binding_id].key.split(",")}
        assert set(shown.split()) <= bound, f"{screen} help says {shown!r} for {what!r}: {bound}"


@pytest.mark.parametrize("screen", SCREENS)
def test_every_binding_is_in_the_help(screen):
    help_keys, bindings, _ = SCREENS[screen]
    listed = {binding_id for binding_id, _, _ in help_keys}
    missing = set(bindings) - listed - NOT_IN_HELP
    assert not missing, f"{screen}: bound but not in the help: {sorted(missing)}"


@pytest.mark.parametrize("screen", SCREENS)
def test_the_readme_lists_the_same_keys_as_the_help(screen):
    help_keys, _, in_readme = SCREENS[screen]
    in_help = {key for _, shown, _ in help_keys for key in shown.split()}
    assert in_help - in_readme == set(), f"{screen}: in the help, not in the README"
    # The README may say more (S, esc, k, pgup ...) but only keys that are bound.
    bound = {
        spelled(key.strip())
        for binding in SCREENS[screen][1].values()
        for key in binding.key.split(",")
    }
    assert in_readme - bound - in_help == set(), f"{screen}: in the README, bound nowhere"
