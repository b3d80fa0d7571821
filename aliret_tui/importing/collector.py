"""The cyclic garbage collector held off while an import builds its objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside: with 100,000 orders read, each full
    collection walks millions of live objects, and the many new ones an import
    makes set off one after another (nearly half of its time). Nothing an import
    builds refers back to itself, so plain reference counting frees it all; the
    collector is switched back on after, as it was."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
