"""The statistics' speed: reading every history and computing the figures, and the
statistics screen's opening, at 1,000 and 10,000 orders, beside the dashboard's first
frame.

    python tests/perf/bench_statistics.py [--runs 11] [--sizes 1000,10000] [--no-dashboard]

The databases are ``make_data``'s, where every order has the timeline its state
implies. Timed in-process, median and worst of --runs:

- **read + compute**: ``read_histories`` on an open connection, then
  ``compute_statistics``, then ``statistics_text`` (what ``stats`` prints);
- **screen opens**: from pushing ``StatisticsScreen`` on the running app to the
  first frame painted with every section (charts drawn), a second after the
  dashboard loaded. "Computed ahead": the figures the dashboard computed once it
  loaded (checked against the store's data version); "read on opening": as if g
  were pressed before that, the screen reading every history itself. The first
  opening, which also imports textual-plotext, is shown apart;
- **dashboard first row** (for scale): ``bench.py``'s headless figure, the whole
  process from its start to the first frame with a row.

The target (issue 15) is the screen opening in at most 200 ms at 10,000 orders.
Not part of ``pytest``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sqlite3
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests"))

from make_data import TIME, TODAY, database  # noqa: E402

from aliret_tui.domain.policy import DEFAULT_POLICY  # noqa: E402
from aliret_tui.reports.statistics import compute_statistics, statistics_text  # noqa: E402
from aliret_tui.store.history import read_histories  # noqa: E402

TARGET_MS = 200.0


def read_and_compute(path: Path, runs: int) -> tuple[list[float], int, int]:
    """ms of read + compute + text for each run; the orders and events read."""
    conn = sqlite3.connect(path)
    times = []
    try:
        for _ in range(runs):
            start = time.perf_counter()
            histories = read_histories(conn, DEFAULT_POLICY)
            stats = compute_statistics(histories, today=TODAY, policy=DEFAULT_POLICY)
            statistics_text(stats)
            times.append((time.perf_counter() - start) * 1000)
    finally:
        conn.close()
    return times, len(histories), sum(len(history.events) for history in histories)


async def screen_openings(path: Path, runs: int, *, computed_ahead: bool) -> list[float]:
    """ms from pushing the statistics screen to its first frame with every section;
    the first opening (which imports textual-plotext) comes first. ``computed_ahead``
    False forgets the figures the dashboard computed after loading, as when g is
    pressed before that is done: the screen reads every history itself."""
    from support.tui import settle
    from textual.screen import Screen

    from aliret_tui.tui.app import AliretApp
    from aliret_tui.tui.screens.statistics import StatisticsScreen

    painted: list[float] = []
    original = Screen._compositor_refresh

    def refresh(screen: Screen) -> None:
        original(screen)
        # ``stats`` is set once every section shows its figures and charts.
        if isinstance(screen, StatisticsScreen) and screen.stats is not None and not painted:
            painted.append(time.perf_counter())

    Screen._compositor_refresh = refresh  # type: ignore[method-assign]
    times = []
    try:
        app = AliretApp(db_path=path, time=TIME)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot, app)
            while not app.screen.loaded:
                await pilot.pause(0.01)
            await settle(pilot, app)
            await pilot.pause(1.0)  # a look at the dashboard first, as a user has
            for _ in range(runs + 1):
                painted.clear()
                if not computed_ahead:
                    app.prepared_statistics = None
                start = time.perf_counter()
                app.push_screen(StatisticsScreen())
                while not painted:
                    await asyncio.sleep(0.001)
                times.append((painted[0] - start) * 1000)
                await settle(pilot, app)
                await pilot.press("escape")
                await settle(pilot, app)
                await pilot.pause(1.0)  # a look at the dashboard, which tidies its memory
    finally:
        Screen._compositor_refresh = original  # type: ignore[method-assign]
    return times


def dashboard_first_row(path: Path, runs: int) -> list[float]:
    from bench import HEADLESS_APP, PYTHON, until_printed_time

    return [until_printed_time([PYTHON, "-c", HEADLESS_APP, str(path)]) for _ in range(runs)]


def summary(times: list[float]) -> str:
    return f"median {statistics.median(times):6.1f} ms, max {max(times):6.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--no-dashboard", action="store_true", help="skip the dashboard runs")
    options = parser.parse_args()
    runs = max(options.runs, 11)
    print(f"{dt.datetime.now():%Y-%m-%d %H:%M}, {runs} runs each, target ≤ {TARGET_MS:.0f} ms")
    for size in (int(part) for part in options.sizes.split(",")):
        full = database(DATA, size)
        times, orders, events = read_and_compute(full, runs)
        print(f"{size:>7,} orders, read+compute+text: {summary(times)}"
              f"  ({orders:,} orders, {events:,} events)")  # fmt: skip
        for ahead, label in ((True, "computed ahead"), (False, "read on opening")):
            openings = asyncio.run(screen_openings(full, runs, computed_ahead=ahead))
            first, rest = openings[0], openings[1:]
            verdict = "met" if max(rest) <= TARGET_MS else "NOT MET (max)"
            print(f"{size:>7,} orders, screen opens, {label:<15}: {summary(rest)}"
                  f"  (first opening {first:.1f} ms)  {verdict}")  # fmt: skip
        if not options.no_dashboard:
            dashboard = dashboard_first_row(full, max(3, runs // 2))
            print(f"{size:>7,} orders, dashboard first row (process): {summary(dashboard)}")


if __name__ == "__main__":
    main()
