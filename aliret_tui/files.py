"""Files: the one private atomic write, private folders, evidence fingerprints, the viewer."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

from aliret_tui.errors import UserError

PRIVATE_FILE_MODE = 0o600
PRIVATE_FOLDER_MODE = 0o700
# A fresh temporary file: never an existing file, never through a symbolic link.
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def write_private_file(path: Path | str, data: str | bytes) -> None:
    """Replace ``path`` with ``data`` (text is written as UTF-8), all at once, readable
    by the owner only (0600, whatever the umask). Every file aliret-tui writes goes
    through here, or through ``writing_private_file`` when it is streamed."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with writing_private_file(path) as handle:
        handle.write(payload)


@contextmanager
def writing_private_file(path: Path | str) -> Iterator[BinaryIO]:
    """A binary handle whose content replaces ``path`` when the block ends, all at
    once and 0600; if the block fails, ``path`` is left as it was.

    The data goes to a fresh temporary file in the same folder (opened with
    O_EXCL|O_NOFOLLOW, so nothing planted there is written through), reaches the
    disk (fsync), then is renamed over ``path``. A ``path`` that is a symbolic link,
    a folder or a device is refused, not replaced. The folder must exist."""
    path = Path(path)
    _refuse_unless_regular(path)
    temporary = fresh_name_beside(path)
    try:
        fd = os.open(temporary, _NEW_FILE, PRIVATE_FILE_MODE)
    except OSError as error:
        raise UserError(f"{path}: cannot be written ({error.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(fd, PRIVATE_FILE_MODE)
            yield handle
            handle.flush()
            os.fsync(fd)
        _refuse_unless_regular(path)  # checked again: it may have changed meanwhile
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise UserError(f"{path}: cannot be written ({error.strerror})") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    sync_folder(path.parent)


def fresh_name_beside(path: Path) -> Path:
    """A name beside ``path`` that nobody can have guessed in advance."""
    return path.with_name(f".{path.name[:200]}.{os.urandom(8).hex()}.tmp")


def _refuse_unless_regular(path: Path) -> None:
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as error:
        raise UserError(f"{path}: cannot be written ({error.strerror})") from None
    if stat.S_ISLNK(mode):
        raise UserError(
            f"{path}: is a symbolic link; not replaced (remove it, or write to where it points)"
        )
    if not stat.S_ISREG(mode):
        kind = "a directory" if stat.S_ISDIR(mode) else "not a regular file"
        raise UserError(f"{path}: is {kind}; not replaced")


def sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (best effort: not every file system can)."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def make_private_folder(folder: Path | str) -> None:
    """Create ``folder`` and any missing parents, each 0700 whatever the umask; folders
    that exist already are left as they are. Raises OSError."""
    folder = Path(folder)
    missing = []
    while not folder.is_dir():
        missing.append(folder)
        if folder.parent == folder:
            break
        folder = folder.parent
    for new in reversed(missing):
        try:
            os.mkdir(new, PRIVATE_FOLDER_MODE)
        except FileExistsError:
            if not new.is_dir():
                raise
            continue  # made by somebody else meanwhile: theirs
        fd = os.open(new, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
        try:
            os.fchmod(fd, PRIVATE_FOLDER_MODE)  # the umask may have narrowed it
        finally:
            os.close(fd)


CHUNK = 1024 * 1024
MAX_FINGERPRINT_BYTES = 64 * 1024**3  # an attachment is never read further than this
FINGERPRINT_SECONDS = 60.0  # nor for longer than this
DIGESTS_KEPT = 4096  # fingerprints remembered, so an unchanged file is not read again


class NotHashable(OSError):
    """A file that is not read to the end; ``strerror`` says why, for the user."""


class NotRegularFile(NotHashable):
    """A FIFO, a device or a socket (or a symlink to one): never opened for reading."""


class TooLarge(NotHashable):
    """More bytes than the caller's limit."""


class TooSlowToRead(NotHashable):
    """Not read to the end within the time bound."""


def read_at_most(stream: BinaryIO, max_bytes: int) -> bytes:
    """All of ``stream``, or ``TooLarge`` without reading past ``max_bytes`` + 1."""
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise TooLarge(errno.EFBIG, f"larger than {max_bytes:,} bytes")
    return data


class HashingCancelled(Exception):
    """Whoever wanted the fingerprint stopped waiting for it (its screen went)."""


# (path, device, inode, size, mtime_ns, ctime_ns) -> SHA-256 of that file as it was then.
FileKey = tuple[str, int, int, int, int, int]
_digests: dict[FileKey, str] = {}
_digests_lock = threading.Lock()


def _key(path: Path | str, found: os.stat_result) -> FileKey:
    return (str(path), found.st_dev, found.st_ino, found.st_size,
            found.st_mtime_ns, found.st_ctime_ns)  # fmt: skip


def _remember(key: FileKey, digest: str) -> None:
    with _digests_lock:
        if len(_digests) >= DIGESTS_KEPT:
            del _digests[next(iter(_digests))]  # the oldest
        _digests[key] = digest


def fingerprint(
    path: Path,
    *,
    should_stop: Callable[[], bool] | None = None,
    limit: int = MAX_FINGERPRINT_BYTES,
    seconds: float | None = None,
) -> tuple[int, str]:
    """(size, SHA-256 hex) of a regular file, read in chunks.

    Only a regular file is opened (a FIFO or a device never blocks or streams
    forever): NotRegularFile. Reading stops past ``limit`` bytes (TooLarge), after
    ``seconds`` (by default FINGERPRINT_SECONDS: TooSlowToRead), or when
    ``should_stop()`` says so between chunks (HashingCancelled)."""
    seconds = FINGERPRINT_SECONDS if seconds is None else seconds
    deadline = time.monotonic() + seconds
    if not stat.S_ISREG(os.stat(path).st_mode):  # devices are not even opened
        raise NotRegularFile(errno.EINVAL, "not a regular file")
    # O_NONBLOCK: should the path become a FIFO now, opening it does not wait for a writer.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    try:
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode):
            raise NotRegularFile(errno.EINVAL, "not a regular file")
        digest = hashlib.sha256()
        size = 0
        while chunk := os.read(fd, CHUNK):
            size += len(chunk)
            if size > limit:
                raise TooLarge(errno.EFBIG, f"larger than {limit:,} bytes")
            digest.update(chunk)
            if should_stop is not None and should_stop():
                raise HashingCancelled(str(path))
            if time.monotonic() >= deadline:
                raise TooSlowToRead(errno.ETIMEDOUT, f"not read within {seconds:g} s")
        if _key(path, os.fstat(fd)) == _key(path, before):  # not written to meanwhile
            _remember(_key(path, before), digest.hexdigest())
    finally:
        os.close(fd)
    return size, digest.hexdigest()


class FileState(StrEnum):
    INTACT = "intact"
    MISSING = "missing"
    CHANGED = "changed"
    UNREADABLE = "unreadable"  # there, but we may not read it (permissions, I/O error)
    SPECIAL = "special"  # not a regular file (a FIFO, a device): not checkable
    TOO_SLOW = "too slow"  # not read to the end within FINGERPRINT_SECONDS


def file_state(
    path: str, size: int, sha256: str, *, should_stop: Callable[[], bool] | None = None
) -> FileState:
    """Whether an attached file is still exactly what was attached. A file with
    the same path, inode, size and times as one already read is not read again.

    Raises HashingCancelled when ``should_stop()`` says so."""
    try:
        found = os.stat(path)
        if not stat.S_ISREG(found.st_mode):
            return FileState.SPECIAL
        if found.st_size != size:
            return FileState.CHANGED
        with _digests_lock:
            digest = _digests.get(_key(path, found))
        if digest is None:
            digest = fingerprint(Path(path), should_stop=should_stop, limit=size)[1]
        return FileState.INTACT if digest == sha256 else FileState.CHANGED
    except NotRegularFile:
        return FileState.SPECIAL
    except TooSlowToRead:
        return FileState.TOO_SLOW
    except TooLarge:  # it grew while being read
        return FileState.CHANGED
    except (FileNotFoundError, NotADirectoryError):
        return FileState.MISSING
    except OSError:
        return FileState.UNREADABLE


def process_running(pid: int) -> bool:
    """Whether process ``pid`` still runs (a file it left behind is then still in use);
    another user's process counts as running."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
