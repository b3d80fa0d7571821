"""The keys a class binds, and which key runs an action now (remapped in
config.toml or not), for the texts that name keys: the palette, the help, the
dashboard's hints. Imports no screen, so every screen may use it."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from aliret_tui.runtime.keymap import BoundKey, split_keys


def key_named(app: App, binding_id: str, *owners: object) -> str:
    """The key, or keys, that run the binding ``binding_id`` now, written as the
    footer writes them ("a", "/", "^r", "↑ or k"): the ``[keys]`` of config.toml
    when the user remapped it (what the app hands Textual's keymap), else the keys
    of the binding in ``owners``' BINDINGS (classes, or the widgets themselves).
    Empty when no owner binds it."""
    keymap: dict[str, str] = getattr(getattr(app, "settings", None), "keys", None) or {}
    if binding_id in keymap:
        keys = split_keys(keymap[binding_id])
    else:
        keys = _default_keys(binding_id, owners)
    shown = (app.get_key_display(Binding(key, "")) for key in keys)
    return " or ".join(dict.fromkeys(shown))


def _default_keys(binding_id: str, owners: tuple[object, ...]) -> list[str]:
    """The keys of the binding ``binding_id`` in the first owner that binds it, as
    its most derived class gives them (one class may bind a key twice: e is both
    "correct event" and "edit message" on the order screen, one per tab)."""
    for owner in owners:
        for cls in (owner if isinstance(owner, type) else type(owner)).__mro__:
            bindings = Binding.make_bindings(cls.__dict__.get("BINDINGS", ()))
            keys = [binding.key for binding in bindings if binding.id == binding_id]
            if keys:
                return keys
    return []


def with_key(app: App, text: str, binding_id: str, *owners: object, where: str = "") -> str:
    """``text`` followed by the key that runs ``binding_id`` now, for a palette
    command's help: "Add an order with the form (a)", "Write or paste a message
    (m on the chat tab)" with ``where="on the chat tab"``. ``text`` alone when no
    key runs it."""
    key = key_named(app, binding_id, *owners)
    if not key:
        return text
    return f"{text} ({key} {where})" if where else f"{text} ({key})"


def bound_keys(owner: type) -> list[BoundKey]:
    """One entry per binding, as Textual merges them: a class's bindings replace its
    base class's on the same key, and one class may bind a key twice (e is both
    "correct event" and "edit message" on the order screen, one per tab)."""
    by_key: dict[str, list[BoundKey]] = {}
    for cls in reversed(owner.__mro__):
        own: dict[str, list[BoundKey]] = {}
        for binding in Binding.make_bindings(cls.__dict__.get("BINDINGS", ())):
            own.setdefault(binding.key, []).append(
                BoundKey(binding.key, owner.__name__, binding.action, binding.id,
                         binding.description)
            )  # fmt: skip
        by_key.update(own)
    return [bound for bounds in by_key.values() for bound in bounds]
