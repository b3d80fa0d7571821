"""config.toml in the dashboard: theme (remembered from the palette), keys, urgency."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from support.tui import FROZEN, add, days, screen_text, settle

from aliret_tui.config import ConfigError, load_settings, parse_settings
from aliret_tui.runtime.keymap import checked_keymap, remappable_ids, split_keys
from aliret_tui.runtime.themes import KNOWN_THEMES
from aliret_tui.tui.app import AliretApp
from aliret_tui.tui.keys import key_table
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


# -- [keys]: one action per key on each screen (issue 12, item 15) ----------------------------


def keymap_of(text: str) -> dict[str, str]:
    return checked_keymap(parse_settings(tomllib.loads(text), "config.toml"), key_table)


@pytest.mark.parametrize(
    ("text", "key", "fragments"),
    [
        # A default key of another action on the same screen: add = "e" hid Edit.
        ('[keys]\nadd = "e"\n', "keys.add", ("'e'", "Edit (edit)", "the dashboard")),
        ('[keys]\nadd = "q"\n', "keys.add", ("'q'", "Quit (quit)", "the dashboard")),
        ('[keys]\nsort = "S"\n', "keys.sort", ("'S'", "(reverse_sort)", "the dashboard")),
        ('[keys]\nadd = "tab"\n', "keys.add", ("'tab'", "app.focus_next", "the dashboard")),
        ('[keys]\nadd_evidence = "home"\n', "keys.add_evidence", ("(first)", "the order screen")),
        # The app's keys work on every screen, dialogs included.
        ('[keys]\nquit = "y"\n', "keys.quit", ("'y'", "the ConfirmScreen")),
        ('[keys]\nhelp = "escape"\n', "keys.help", ("'escape'", "(clear_search)")),
        # Two remapped actions on one key: both are named.
        ('[keys]\nadd = "n"\nedit = "n"\n', "keys.edit", ("'n'", "keys.add", "the dashboard")),
        ('[keys]\nadd = "n,w"\nedit = "w"\n', "keys.edit", ("'w'", "keys.add")),
        ('[keys]\nedit = "a"\nadd = "a"\n', "keys.add", ("'a'", "keys.edit")),  # a: add's own
        # Still one action per key on a tab's screen: m is Add message.
        ('[keys]\ncorrect_event = "m"\n', "keys.correct_event", ("'m'", "(add_message)")),
    ],
)
def test_a_key_bound_twice_on_one_screen_is_refused(text, key, fragments):
    with pytest.raises(ConfigError) as refused:
        keymap_of(text)
    assert refused.value.key == key
    message = str(refused.value)
    assert message.startswith(f"config.toml: {key}: ")
    for fragment in fragments:
        assert fragment in message, (fragment, message)


@pytest.mark.parametrize(
    "text",
    [
        '[keys]\nadd = "n"\n',  # free on the dashboard ("n" is Note on the order screen only)
        '[keys]\nadd = "e"\nedit = "a"\n',  # swapped: each key still does one thing
        '[keys]\nquit = "ctrl+q"\n',  # what ctrl+q already does
        '[keys]\nquit = "q"\n',  # its own default, though q closes the help screen
        '[keys]\nadd = "n,n"\n',
        '[keys]\nup = "w"\nfirst = "up"\n',  # "up" was freed first
        # e and x each do one thing per tab of the order screen: both can be remapped.
        '[keys]\ncorrect_event = "E"\n',
        '[keys]\ndelete_message = "D"\nremove_evidence = "X"\n',
    ],
)
def test_keys_that_clash_with_nothing_are_accepted(text):
    assert keymap_of(text) == parse_settings(tomllib.loads(text), "config.toml").keys


def test_every_remappable_action_keeps_its_default_key_without_a_clash():
    """The defaults themselves are one action per key, so giving every action its
    own default key back is accepted."""
    defaults = {}
    for keys in key_table().values():
        for bound in keys:
            if bound.id:
                defaults.setdefault(bound.id, []).append(bound.key)
    assert set(defaults) == set(remappable_ids(key_table()))
    keymap = {action: ",".join(dict.fromkeys(keys)) for action, keys in defaults.items()}
    assert checked_keymap(parse_settings({"keys": keymap}, "config.toml"), key_table) == keymap


@pytest.mark.parametrize("text", ["?", "/", "n,ctrl+a", " n , w", "N", "@", "-", "+", "_", "\\"])
def test_keys_in_config_are_read_as_textual_reads_them(text):
    """The check reads ``[keys]`` without Textual, so it must split and name keys as
    Textual's bindings do (``?`` is ``question_mark``)."""
    from textual.binding import Binding

    assert split_keys(text) == [b.key for b in Binding.make_bindings([Binding(text, "")])]


def test_the_themes_known_without_textual_are_textual_themes():
    from textual.theme import BUILTIN_THEMES

    assert set(BUILTIN_THEMES) >= KNOWN_THEMES


async def test_swapped_keys_each_do_their_own_action(db_path, store):
    add(store, "A1", "Lamp", delivered_on=days(-3))
    app = app_with(db_path, '[keys]\nadd = "e"\nedit = "a"\n')
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await pilot.press("e")
        await settle(pilot, app)
        assert isinstance(app.screen, OrderFormScreen)
        assert app.screen.editing is None  # e adds
        await pilot.press("escape")
        await settle(pilot, app)
        await pilot.press("a")
        await settle(pilot, app)
        assert isinstance(app.screen, OrderFormScreen)
        assert app.screen.editing is not None and app.screen.editing.order_id == "A1"  # a edits
