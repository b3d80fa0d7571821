"""Typing a file path: completion from the folder as you type, and paths that
terminals paste when a file is dropped on them (quoted, escaped, file:// URLs)."""

from __future__ import annotations

import os
from urllib.parse import unquote, urlparse

from textual.suggester import Suggester


def dropped_path(text: str) -> str:
    """The path a user typed, pasted or dropped: quotes, backslash escapes and a
    ``file://`` prefix removed, ``~`` expanded."""
    path = text.strip()
    if len(path) >= 2 and path[0] == path[-1] and path[0] in "'\"":
        path = path[1:-1]
    elif "\\ " in path:
        path = path.replace("\\ ", " ")
    if path.startswith("file://"):
        path = unquote(urlparse(path).path)
    return os.path.expanduser(path)


class PathSuggester(Suggester):
    """Suggests the first entry of the folder that completes what is typed
    (→ or end accepts it); folders end with a slash."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value or value.startswith(("'", '"', "file://")):
            return None
        expanded = os.path.expanduser(value)
        folder, start = os.path.split(expanded)
        try:
            names = sorted(os.listdir(folder or "."))
        except OSError:
            return None
        for name in names:
            if name.startswith(start) and name != start and not name.startswith("."):
                completed = name + ("/" if os.path.isdir(os.path.join(folder, name)) else "")
                return value + completed[len(start) :]
        return None
