"""The footer of keys that apply now, rebuilt once per batch of binding changes."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeysFooter(Footer):
    """Textual's footer rebuilds all its keys for every ``refresh_bindings`` call.

    Opening a screen makes several such calls in a row (focus, tabs, lists being
    filled), so this one schedules a single rebuild for all the calls made before
    the next refresh. It also lets the replaced keys go: each key binds to the
    footer's ``compact`` and Textual keeps that binding, and so the key, for as long
    as the footer lives (Textual issue #6666). A rebuild that would show the same
    keys as now (a screen shown again, a cursor that moved) is skipped.
    """

    _rebuild_pending = False
    _keys_shown: tuple[object, ...] | None = None  # what the keys were built from

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        if not self.is_attached:
            return
        keys = self._keys_to_show()
        if keys == self._keys_shown:
            return
        getattr(self, "__watchers", {}).pop("compact", None)  # the new keys bind again
        await self.recompose()
        self._keys_shown = keys

    def _keys_to_show(self) -> tuple[object, ...]:
        """What ``compose`` reads of the screen's bindings, to tell if it would change."""
        return tuple(
            (key, binding.key, binding.action, binding.description, binding.show,
             binding.group, enabled, tooltip, binding.tooltip)
            for key, (_, binding, enabled, tooltip) in self.screen.active_bindings.items()
        )  # fmt: skip
