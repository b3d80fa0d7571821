"""The TUI's handle on the store: opened on first use, used by one worker at a time.

Screens never touch SQLite on the event loop: they run ``StoreAccess.call``
inside thread workers, and the lock keeps one transaction at a time on the
shared connection.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from aliret_tui.domain.policy import Policy
from aliret_tui.timesource import TimeSource

if TYPE_CHECKING:
    from aliret_tui.store.store import Store

T = TypeVar("T")


class StoreClosed(Exception):
    """The app closed the store as it quit; a worker still running stops here."""


class StoreAccess:
    def __init__(self, path: Path, policy: Policy, time: TimeSource):
        self.path = path
        self.policy = policy
        self.time = time
        self._store: Store | None = None
        self._closed = False
        self._lock = threading.Lock()
        self._reading = threading.local()  # .only: this thread's calls only read
        self._interruptible = False  # the call running now may be cut short on closing
        self._interrupting = threading.Lock()  # guards _interruptible against a race

    def call(self, action: Callable[[Store], T]) -> T:
        """Run ``action`` with the open store (call from a thread worker). Long work
        is split into short calls, so that closing never waits long."""
        with self._lock:
            if self._closed:
                raise StoreClosed("the store was closed")
            if self._store is None:
                from aliret_tui.store.store import Store

                self._store = Store(self.path, policy=self.policy, time=self.time)
            with self._interrupting:
                self._interruptible = getattr(self._reading, "only", False)
            try:
                return action(self._store)
            finally:
                with self._interrupting:  # before the next call may begin
                    self._interruptible = False

    @contextmanager
    def reading_only(self) -> Iterator[None]:
        """The calls this thread makes meanwhile only read (the statistics): closing
        the store interrupts such a call instead of waiting for it to finish."""
        self._reading.only = True
        try:
            yield
        finally:
            self._reading.only = False

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Close the store for good: a later ``call`` raises ``StoreClosed`` instead
        of opening it again."""
        self._closed = True
        if not self._lock.acquire(blocking=False):
            with self._interrupting:  # the call running cannot end (and a write begin) meanwhile
                store = self._store
                if self._interruptible and store is not None:
                    store.db.conn.interrupt()  # a read: it fails at once, nothing is lost
            self._lock.acquire()
        try:
            if self._store is not None:
                self._store.close()
                self._store = None
        finally:
            self._lock.release()
