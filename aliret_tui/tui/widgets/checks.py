"""A checkbox that shows its state by shape, not only by colour.

Textual's Checkbox draws the same "X" ticked or not and only changes its colour,
which a colour-blind user, a monochrome terminal or a low-contrast theme loses.
This one draws ``[✓]`` when ticked and ``[ ]`` when not, in any theme.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox

TICKED = "✓"
UNTICKED = " "


class ShapedCheckbox(Checkbox):
    """A Checkbox drawn ``[✓] label`` or ``[ ] label``; the colour only adds to it.

    Compact (one line, no border) even when focused, so a form does not move when
    the cursor reaches it: the label takes the cursor's colours instead.
    """

    DEFAULT_CSS = """
    ShapedCheckbox {
        border: none;
        padding: 0;
        height: 1;
        background: transparent;
        &:focus { border: none; }
        & > .toggle--button { background: transparent; color: $text-muted; }
        &.-on > .toggle--button { background: transparent; color: $text-success; }
    }
    """

    @property
    def _button(self) -> Content:
        """``[✓]`` or ``[ ]``, in the button's colour (Textual draws ``▐X▌`` both ways)."""
        mark = TICKED if self.value else UNTICKED
        return Content.styled(f"[{mark}]", self.get_visual_style("toggle--button"))
