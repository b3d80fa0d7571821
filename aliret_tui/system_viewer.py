"""Opening a file in the system's viewer (xdg-open, or open on macOS), kept apart
so that nothing else pays for importing subprocess."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path


def open_with_system_viewer(path: str) -> str | None:
    """Open ``path`` with xdg-open / open, passing it as an argument (never a shell).

    Returns None on success, or why it could not be opened."""
    opener = "open" if sys.platform == "darwin" else "xdg-open"
    program = shutil.which(opener)
    if program is None:
        return f"{opener} is not installed"
    if not Path(path).exists():
        return "the file is missing"
    subprocess.Popen(
        [program, path],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    return None
