"""The TUI's handle on the store: opened on first use, used by one worker at a time.

Screens never touch SQLite on the event loop: they run ``StoreAccess.call``
inside thread workers, and the lock keeps one transaction at a time on the
shared connection.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from aliret_tui.domain.policy import Policy
from aliret_tui.timesource import TimeSource

if TYPE_CHECKING:
    from aliret_tui.store.store import Store

T = TypeVar("T")


class StoreAccess:
    def __init__(self, path: Path, policy: Policy, time: TimeSource):
        self.path = path
        self.policy = policy
        self.time = time
        self._store: Store | None = None
        self._lock = threading.Lock()

    def call(self, action: Callable[[Store], T]) -> T:
        """Run ``action`` with the open store (call from a thread worker)."""
        with self._lock:
            if self._store is None:
                from aliret_tui.store.store import Store

                self._store = Store(self.path, policy=self.policy, time=self.time)
            return action(self._store)

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None
