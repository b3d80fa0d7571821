"""Files: private all-or-nothing writes, evidence fingerprints, the system viewer."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from enum import StrEnum
from pathlib import Path

from aliret_tui.errors import UserError

PRIVATE_FILE_MODE = 0o600


def write_private_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, readable by the owner only."""
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise UserError(f"{path}: cannot be written ({error.strerror})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, PRIVATE_FILE_MODE)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise UserError(f"{path}: cannot be written ({error.strerror})") from None


CHUNK = 1024 * 1024


def fingerprint(path: Path) -> tuple[int, str]:
    """(size, SHA-256 hex) of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


class FileState(StrEnum):
    INTACT = "intact"
    MISSING = "missing"
    CHANGED = "changed"


def file_state(path: str, size: int, sha256: str) -> FileState:
    """Whether an attached file is still exactly what was attached."""
    candidate = Path(path)
    try:
        if candidate.stat().st_size != size:
            return FileState.CHANGED
        return FileState.INTACT if fingerprint(candidate)[1] == sha256 else FileState.CHANGED
    except FileNotFoundError:
        return FileState.MISSING
    except OSError:
        return FileState.MISSING


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
