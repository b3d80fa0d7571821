"""Reading a SQLite file without creating anything beside it: the one read-only open.

``check``, the dashboard's first rows, the backups' checks and the read-only store
all open their files here. Standard library only: ``aliret-tui check`` imports it.
"""

from __future__ import annotations

import os
import sqlite3
import stat

from aliret_tui.paths import sqlite_uri

SQLITE_MAGIC = b"SQLite format 3\x00"
# Free bytes below which a disk counts as full: a reader's -shm alone takes 32 KiB.
ROOM_NEEDED = 1024 * 1024

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


class NotAFile(OSError):
    """The path names a directory, a FIFO, a device or a socket, not a regular file."""

    def __init__(self, path: str, kind: str):
        super().__init__(f"{path}: is {kind}")
        self.kind = kind


def read_header(path: str) -> bytes | None:
    """The first 16 bytes of ``path`` (fewer for a short file), or None when there is no
    such file. Anything but a regular file raises NotAFile, without being opened
    (a FIFO would block, a device may act on being opened)."""
    try:
        _require_regular(path, os.stat(path).st_mode)
    except FileNotFoundError:
        return None
    # O_NONBLOCK: should a FIFO take the file's place meanwhile, opening it does not wait.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        _require_regular(path, os.fstat(fd).st_mode)
        return os.read(fd, len(SQLITE_MAGIC))
    finally:
        os.close(fd)


def _require_regular(path: str, mode: int) -> None:
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
        raise NotAFile(path, kind)


def connect_readonly(path: str, *, timeout: float) -> sqlite3.Connection:
    """A connection that only reads ``path`` (a SQLite file) and leaves nothing beside it.

    - Where it could write (file and folder writable, room on the disk): an ordinary
      connection that is only read from. It locks and sees other processes' changes
      like any reader, and the last connection to close removes the -wal and -shm
      files (a ``mode=ro`` connection cannot, and leaves them behind).
    - Otherwise, with a -wal file beside it (somebody has it open, or a crash left
      committed changes in it): ``mode=ro``, which reads those changes too; the side
      files are there already.
    - Otherwise (read-only media, a read-only file or folder, a full disk) no
      connection has the file open (there is no -wal) and every change is in the
      file itself: ``immutable=1``, which takes no lock and creates no file. (A
      writer that started meanwhile could not be seen; where we cannot write, a
      writer can hardly either.)
    """
    wal_existed = os.path.exists(f"{path}-wal")
    if _may_write_beside(path):
        conn = _connect(sqlite_uri(path, mode="rw"), timeout)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.OperationalError as error:
            conn.close()
            if "locked" in str(error) or "busy" in str(error):
                raise
            # Room was reported but writing failed (a quota, a file size limit): read
            # without writing. The empty -wal/-shm SQLite made cannot be removed safely.
    if wal_existed:
        return _connect(sqlite_uri(path, mode="ro"), timeout)
    return _connect(sqlite_uri(path, immutable=1), timeout)


def _connect(uri: str, timeout: float) -> sqlite3.Connection:
    return sqlite3.connect(uri, uri=True, timeout=timeout, check_same_thread=False)


def _may_write_beside(path: str) -> bool:
    folder = os.path.dirname(os.path.realpath(path))  # SQLite puts -wal beside the real file
    if not (os.access(path, os.W_OK) and os.access(folder, os.W_OK | os.X_OK)):
        return False
    try:
        disk = os.statvfs(folder)
    except OSError:
        return False
    return disk.f_bavail * disk.f_frsize >= ROOM_NEEDED
