"""Text measured in terminal cells, as wcwidth counts them: padding and shortening
columns for the command line and the notifications. Standard library only."""

from __future__ import annotations

import unicodedata


def char_cells(char: str) -> int:
    """Terminal cells one character takes, as wcwidth counts them: 2 for East Asian
    wide and fullwidth characters (CJK, most emoji), 0 for combining marks and
    format characters (zero-width spaces and joiners among them), 1 for the rest."""
    if " " <= char < "\x7f":
        return 1
    if unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cells(text: str) -> int:
    """Terminal cells ``text`` (one line, no controls) takes."""
    if text.isascii():
        return len(text)
    return sum(map(char_cells, text))


def pad(text: str, width: int) -> str:
    """``text`` followed by spaces up to ``width`` cells."""
    return text + " " * (width - cells(text))


def shorten(text: str, width: int) -> str:
    """Cut ``text`` to at most ``width`` cells, marking the cut with an ellipsis."""
    if cells(text) <= width:
        return text
    kept, used = [], 0
    for char in text:
        used += char_cells(char)
        if used > width - 1:
            break
        kept.append(char)
    return "".join(kept) + "…"
