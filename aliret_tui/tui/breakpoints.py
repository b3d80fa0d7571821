"""The width classes (``-narrow``, ``-wide``) on a screen from its first frame.

Textual sets a screen's breakpoint classes on its first Resize, which comes after
the first frame: a screen opened at 80 columns is drawn once in the wide layout,
then again in the narrow one. Setting them as the screen is built avoids that jump.
"""

from __future__ import annotations

from textual.screen import Screen


def apply_breakpoints(screen: Screen) -> None:
    """Give ``screen`` the classes Textual gives it on a Resize, at the app's size."""
    app = screen.app
    horizontal = screen.HORIZONTAL_BREAKPOINTS
    vertical = screen.VERTICAL_BREAKPOINTS
    for rules, length in (
        (app.HORIZONTAL_BREAKPOINTS if horizontal is None else horizontal, app.size.width),
        (app.VERTICAL_BREAKPOINTS if vertical is None else vertical, app.size.height),
    ):
        ordered = sorted(rules or [], reverse=True)
        active = next((name for minimum, name in ordered if length >= minimum), None)
        screen.update_classes({name: name == active for _, name in ordered})
