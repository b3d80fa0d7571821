"""Keeping Python's cycle collector from pausing the screen mid-keystroke."""

from __future__ import annotations

import gc


def tidy_memory() -> None:
    """Collect all garbage now, then keep every survivor out of later full passes.

    A full pass rescans every object the app holds: the orders (95 ms at 100k)
    and Textual's caches of drawn lines, and one comes every few screens opened.
    Called once the orders are loaded (a quiet moment), it takes that pause while
    nobody is typing, and the passes during keystrokes only see what is new.
    Unfreezing first lets anything that died since the last tidy be collected, so
    nothing is kept for good.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def collect_young() -> None:
    """Collect what a screen just left behind (the young generations): a millisecond,
    where a full pass over 100k orders takes a tenth of a second that a key pressed
    then would wait for."""
    gc.collect(1)
