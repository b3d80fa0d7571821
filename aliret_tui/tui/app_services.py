"""What the screens use of the app: the store handle, the clock, the settings and
the statistics computed ahead. A Protocol, so a screen names these without
importing the app, which imports it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from aliret_tui.config import Settings
    from aliret_tui.domain.policy import Policy
    from aliret_tui.reports.statistics import Statistics
    from aliret_tui.timesource import TimeSource
    from aliret_tui.tui.storage import StoreAccess
    from aliret_tui.tui.view import OrderRow, UrgencyThresholds


@dataclass(frozen=True)
class PreparedStatistics:
    """The all-time figures, computed ahead (a quiet moment after the dashboard
    loaded), with the store's data version and the day they were computed for."""

    data_version: tuple[int, int]
    today: dt.date
    stats: Statistics


class AppServices(Protocol):
    db: StoreAccess
    time: TimeSource
    settings: Settings
    urgency: UrgencyThresholds
    demo: bool
    db_label: str
    now: dt.datetime  # local wall-clock time, ticking; screens watch it
    prepared_statistics: PreparedStatistics | None  # set by the dashboard once loaded

    @property
    def policy(self) -> Policy: ...

    def take_first_rows(self) -> list[OrderRow] | None: ...
