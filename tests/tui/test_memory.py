"""Tidying memory at quiet moments keeps nothing for good."""

from __future__ import annotations

import gc
import weakref

from aliret_tui.tui.memory import tidy_memory


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the collector can free it


def test_what_survives_is_frozen_and_what_dies_later_is_still_collected():
    node = Node()
    alive = weakref.ref(node)
    try:
        tidy_memory()
        assert gc.get_freeze_count() > 0
        del node
        gc.collect()  # a frozen cycle is out of the ordinary passes' reach...
        assert alive() is not None
        tidy_memory()  # ...but the next tidy collects it
        assert alive() is None
    finally:
        gc.unfreeze()
