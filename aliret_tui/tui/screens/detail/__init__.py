"""The order screen: one order worked through, in parts. ``screen`` puts it
together from the order kept current (``current_order``, ``loading``), the tabs'
actions (``chat_actions``, ``evidence_actions``), what the panels say
(``panels``), the event and message forms (``forms``) and the full-text view."""

from aliret_tui.tui.screens.detail.full_text import FullTextScreen
from aliret_tui.tui.screens.detail.loading import DetailLoaded, read_order
from aliret_tui.tui.screens.detail.screen import DetailScreen, open_order_screen

__all__ = ["DetailLoaded", "DetailScreen", "FullTextScreen", "open_order_screen", "read_order"]
