"""The footer of keys that apply now, rebuilt once per batch of binding changes,
with ``? Help`` always on screen."""

from __future__ import annotations

import asyncio

from textual import events
from textual.app import ComposeResult
from textual.containers import HorizontalGroup
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

HELP_ACTIONS = frozenset({"help", "app.help"})


class KeysFooter(Footer):
    """Textual's footer rebuilds all its keys for every ``refresh_bindings`` call.

    Opening a screen makes several such calls in a row (focus, tabs, lists being
    filled), so this one schedules a single rebuild for all the calls made before
    the next refresh. It also lets the replaced keys go: each key binds to the
    footer's ``compact`` and Textual keeps that binding, and so the key, for as long
    as the footer lives (Textual issue #6666). A rebuild that would show the same
    keys as now (a screen shown again, a cursor that moved) is skipped.

    On a narrow terminal ``? Help`` (which lists every key) stays pinned to the
    right beside the palette key, and the keys that do not fit whole are left out
    from the last one back (the least used come last), instead of one cut in half.
    """

    DEFAULT_CSS = """
    KeysFooter {
        #pinned-keys { dock: right; width: auto; height: 1; }
        #pinned-keys FooterKey.-command-palette { dock: none; }
    }
    """

    _rebuild_pending = False
    _keys_shown: tuple[object, ...] | None = None  # what the keys were built from

    def compose(self) -> ComposeResult:
        pinned: list[Widget] = []
        for widget in super().compose():
            if isinstance(widget, FooterKey) and (
                widget.action in HELP_ACTIONS or widget.has_class("-command-palette")
            ):
                pinned.append(widget)
            else:
                yield widget
        if pinned:
            with HorizontalGroup(id="pinned-keys"):
                yield from sorted(pinned, key=lambda key: key.has_class("-command-palette"))

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    async def rebuild_now(self) -> None:
        """Show the screen's keys now (a screen being opened or shown again), not
        after its first frame. Built in the footer's own context (the keys bind to it)."""
        done = asyncio.Event()

        async def rebuild() -> None:
            try:
                self._bindings_ready = True
                await self._rebuild()
            finally:
                done.set()

        if self.call_later(rebuild):
            await done.wait()

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
        self._fit_keys()

    def _keys_to_show(self) -> tuple[object, ...]:
        """What ``compose`` reads of the screen's bindings, to tell if it would change."""
        return tuple(
            (key, binding.key, binding.action, binding.description, binding.show,
             binding.group, enabled, tooltip, binding.tooltip)
            for key, (_, binding, enabled, tooltip) in self.screen.active_bindings.items()
        )  # fmt: skip

    # -- fitting the keys to the width ----------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._fit_keys()

    def _fit_keys(self) -> None:
        """Show the keys in order while they fit whole beside the pinned ones."""
        if not self.is_attached or not self.size.width:
            return  # fitted on the first Resize
        pinned = self.query_children("#pinned-keys")
        room = self.size.width - sum(self._width_of(group) for group in pinned)
        used = 0
        fitting = True
        for key in self.children:
            if key.id == "pinned-keys":
                continue
            used += self._width_of(key)
            fitting = fitting and used <= room
            key.display = fitting

    def _width_of(self, widget: Widget) -> int:
        """The cells ``widget`` takes with its margins, laid out or not yet."""
        content = widget.get_content_width(self.size, self.app.size)
        return content + widget.styles.gutter.width + widget.styles.margin.width
