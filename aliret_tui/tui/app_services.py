"""What the screens use of the app: the store handle, the clock and the settings.
A Protocol, so a screen names these without importing the app, which imports it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from aliret_tui.config import Settings
    from aliret_tui.domain.policy import Policy
    from aliret_tui.timesource import TimeSource
    from aliret_tui.tui.storage import StoreAccess
    from aliret_tui.tui.view import OrderRow, UrgencyThresholds


class AppServices(Protocol):
    db: StoreAccess
    time: TimeSource
    settings: Settings
    urgency: UrgencyThresholds
    demo: bool
    db_label: str
    now: dt.datetime  # local wall-clock time, ticking; screens watch it

    @property
    def policy(self) -> Policy: ...

    def take_first_rows(self) -> list[OrderRow] | None: ...
