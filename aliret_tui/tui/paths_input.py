"""Typing a file path: completion from the folder as you type, paths that
terminals paste when a file is dropped on them (quoted, escaped, file:// URLs),
and a file picker to browse for one instead (ctrl+o in the path dialogs)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlparse

from textual.suggester import Suggester
from textual.widgets import Input


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


def _entries(folder: str) -> list[str]:
    return sorted(os.listdir(folder or "."))


class PathSuggester(Suggester):
    """Suggests the first entry of the folder that completes what is typed
    (→ at the end of the box takes it); folders end with a slash. Hidden entries only once a
    dot is typed."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value or value.startswith(("'", '"', "file://")):
            return None
        expanded = os.path.expanduser(value)
        folder, start = os.path.split(expanded)
        try:  # off the event loop: a network folder may be slow to list
            names = await asyncio.to_thread(_entries, folder)
        except OSError:
            return None
        for name in names:
            if name.startswith(".") and not start.startswith("."):
                continue
            if name.startswith(start) and name != start:
                completed = name + ("/" if os.path.isdir(os.path.join(folder, name)) else "")
                return value + completed[len(start) :]
        return None


def picker_start(typed: str) -> tuple[Path, str]:
    """Where the file picker opens for what is typed: the folder of that path (or
    the nearest folder above it that exists), else the home folder; and the name
    of the typed file, when it is one, to fill in."""
    text = dropped_path(typed) if typed.strip() else ""
    if text:
        typed_path = Path(text) if os.path.isabs(text) else Path.cwd() / text
        if typed_path.is_file():
            return typed_path.parent, typed_path.name
        for folder in (typed_path, *typed_path.parents):
            if folder.is_dir():
                return folder, ""
    return Path.home(), ""


def browse_for_file(field: Input, title: str, then: Callable[[], None]) -> None:
    """Open the file picker, starting where the path typed in ``field`` points; the
    file picked fills ``field`` (cursor at its end, the focus back on it) and
    ``then()`` runs (nothing happens when it is cancelled). Hidden files show after
    ``.``; backspace goes up a folder."""
    from textual_fspicker import FileOpen  # only once asked: keeps start-up quick

    folder, name = picker_start(field.value)

    def picked(path: Path | None) -> None:
        if path is None:
            return
        field.value = str(path)
        field.cursor_position = len(field.value)
        field.focus()
        then()

    picker = FileOpen(folder, title, open_button="Choose", default_file=name or None)
    field.app.push_screen(picker, picked)
