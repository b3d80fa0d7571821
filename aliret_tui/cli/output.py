"""Small helpers for plain-text output (standard library only)."""

from __future__ import annotations

from aliret_tui.sanitize import strip_controls


def shorten(text: str, width: int) -> str:
    """Cut ``text`` to ``width`` characters, marking the cut with an ellipsis."""
    return text if len(text) <= width else text[: width - 1] + "…"


def safe(text: str) -> str:
    """Text as it may reach a terminal: no escape sequences, no controls."""
    return strip_controls(text)
