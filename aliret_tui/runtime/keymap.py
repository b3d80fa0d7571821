"""The ``[keys]`` of config.toml (``add = "n"``), checked against the keys each
screen binds.

A remapped key must not be one that something else on the same screen already
answers to: the app's bindings, the screen's, and those of the widgets on it are
all active at once, and the first to claim a key hides the others (``add = "e"``
would silently hide Edit). Which keys each screen binds is the dashboard's to say
(``tui.keys.key_table``); the entry point hands that table to the command line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

from aliret_tui.config import ConfigError, Settings


class BoundKey(NamedTuple):
    """One key a class binds, as Textual merges them (a subclass's binding replaces
    its base class's on the same key)."""

    key: str
    owner: str  # the class that binds it
    action: str
    id: str | None  # set for the actions a user may remap
    description: str


# Screen name (as a refusal names it) -> every key bound while that screen is shown.
KeyTable = Mapping[str, Sequence[BoundKey]]


def remappable_ids(table: KeyTable) -> list[str]:
    """Every action id a user may remap."""
    return sorted({bound.id for keys in table.values() for bound in keys if bound.id})


def checked_keymap(settings: Settings, read_table: Callable[[], KeyTable]) -> dict[str, str]:
    """``settings.keys``, refusing an action id the app does not have, and a key
    that another action already answers to on the same screen. The table is read
    only when there are keys to check (it imports every screen)."""
    if not settings.keys:
        return {}
    table = read_table()
    path = settings.path or "config.toml"
    known = remappable_ids(table)
    for action in settings.keys:
        if action not in known:
            raise ConfigError(path, f"keys.{action}", f"unknown action; known: {', '.join(known)}")
    for screen, keys in table.items():
        _refuse_clashes(settings.keys, screen, keys, path)
    return dict(settings.keys)


def split_keys(text: str) -> list[str]:
    """``"n,ctrl+a"`` as Textual reads the keys of a binding: ``?`` is
    ``question_mark``, ``/`` is ``slash`` (a test holds this to Textual's reading)."""
    keys = [key.strip() for key in text.split(",") if key.strip()]
    return [_character_key(key) if len(key) == 1 else key for key in keys]


_KEY_NAME_REPLACEMENTS = {
    "solidus": "slash", "reverse_solidus": "backslash", "commercial_at": "at",
    "hyphen_minus": "minus", "plus_sign": "plus", "low_line": "underscore",
}  # fmt: skip


def _character_key(character: str) -> str:
    if character.isalnum():
        return character
    import unicodedata

    try:
        name = unicodedata.name(character).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        return character
    return _KEY_NAME_REPLACEMENTS.get(name, name)


class _Holder(NamedTuple):
    """What a key on a screen answers to."""

    name: str  # as a message names it
    does: tuple[str, str]  # (the class that binds it, its action)
    remapped: bool  # given by [keys], not a default
    defaults: frozenset[str] = frozenset()  # a remapped action's keys before remapping


def _refuse_clashes(
    keymap: dict[str, str], screen: str, keys: Sequence[BoundKey], path: object
) -> None:
    """Each key on ``screen`` answers to one action: the remapped ones, and the
    default bindings of the actions that keep their keys. A key may still do what
    it already does (``quit = "ctrl+q"``), and an action may keep a default key
    where the defaults overlap by design (q also closes the help screen)."""
    holders: dict[str, _Holder] = {}
    remapped: dict[str, tuple[str, str]] = {}  # action id -> what it does
    default_keys: dict[str, set[str]] = {}  # action id -> its keys before remapping
    for bound in keys:
        does = (bound.owner, bound.action)
        if bound.id in keymap:
            remapped[bound.id] = does
            default_keys.setdefault(bound.id, set()).add(bound.key)
        else:
            label = bound.description or bound.action
            name = f"the key of {label} ({bound.id or bound.action})"
            holders.setdefault(bound.key, _Holder(name, does, remapped=False))
    for action, given in keymap.items():
        if action not in remapped:
            continue  # not on this screen
        does = remapped[action]
        for key in split_keys(given):
            holder = holders.get(key)
            # A default key kept where the defaults overlap by design (q also closes
            # the help; e is both "correct event" and "edit message", one per tab).
            keeps_default = key in default_keys[action] and (
                holder is None or not holder.remapped or key in holder.defaults
            )
            if holder is not None and holder.does != does and not keeps_default:
                raise ConfigError(
                    path,
                    f"keys.{action}",
                    f"{key!r} is already {holder.name} on {screen}; "
                    "choose another key, or remap that action too",
                )
            given_to = f"given to keys.{action}"
            holders[key] = _Holder(given_to, does, True, frozenset(default_keys[action]))
