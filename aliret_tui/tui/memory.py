"""Keeping Python's cycle collector from pausing the screen."""

from __future__ import annotations

import gc

_spared = False


def spare_long_lived_objects() -> None:
    """Take every object alive now out of the cycle collector's full passes, once.

    Called when the dashboard has first loaded all the orders: they and the
    widgets then live as long as the app. A full pass rescans every one of them
    (40 ms at 10k orders, 95 ms at 100k, more while drawing) and one comes every
    few screens opened. Reference counting still frees these objects when they
    are dropped (the rows when reloaded); only a cycle among them would outlive
    its use.
    """
    global _spared
    if not _spared:
        _spared = True
        gc.freeze()
