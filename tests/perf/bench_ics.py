"""`aliret-tui ics` speed and memory at 1,000, 10,000 and 100,000 orders.

    python tests/perf/bench_ics.py [--pairs 11] [--sizes 1000,10000,100000] [--write]
                                   [--baseline DIR] [--baseline-runs 3]

The databases are make_data's (about 4% of orders in a window, 2% in transit,
disputes in every state, so the live orders grow with size). Each run is one whole
process, stdout to /dev/null, timed with ``os.wait4`` (wall time and the child's
own peak RSS), with a fixed --today, in pairs with ``python -c pass`` (the floor)
that alternate which runs first:
- **first export**: on a fresh copy of the database, so every event is new and is
  recorded in ``calendar_published``;
- **next export**: again on that copy, nothing new to record (a cron job's day).
With ``--baseline DIR`` (an older tree, e.g. ``git archive HEAD aliret_tui | tar -x
-C DIR``) the old code runs on another fresh copy too, for ``--baseline-runs`` runs.
--write replaces the Calendar export section of RESULTS.md. Not part of `pytest`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from make_data import database  # noqa: E402
from results import RESULTS, machine, pair_ratio, replace_section, run_process  # noqa: E402

DATA = HERE / "data"
PYTHON = sys.executable
EXE = shutil.which("aliret-tui", path=str(Path(sys.executable).parent)) or "aliret-tui"
TODAY = "2026-11-29"  # make_data.TODAY
TARGET_SECONDS, TARGET_MIB = 1.0, 100.0
# Real users have compiled bytecode; the sandbox may switch writing it off.
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
ENV.pop("ALIRET_TUI_DB", None)
ENV["ALIRET_TUI_CONFIG_DIR"] = str(DATA / "no-config")  # the defaults, whoever runs it

# Runs the old tree's entry point, ahead of the installed one on sys.path.
OLD_ENTRY = "import sys; sys.path.insert(0, sys.argv.pop(1)); from aliret_tui.main import main; "
OLD_ENTRY += "sys.exit(main())"


@dataclass
class Series:
    label: str
    seconds: list[float] = field(default_factory=list)
    mib: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)  # python -c pass, in the same pairs

    def add(self, ran: tuple[float, float]) -> None:
        self.seconds.append(ran[0])
        self.mib.append(ran[1])

    def cells(self) -> list[str]:
        if not self.seconds:
            return [self.label, "", "", "", "", "", "", ""]
        median, worst = statistics.median(self.seconds), max(self.seconds)
        rss_median, rss_worst = statistics.median(self.mib), max(self.mib)
        met = worst <= TARGET_SECONDS and rss_worst <= TARGET_MIB
        ratio = f"{pair_ratio(self.seconds, self.floor):.1f}×" if self.floor else ""
        return [
            self.label, str(len(self.seconds)), f"{median:.3f} s", f"{worst:.3f} s", ratio,
            f"{rss_median:.0f} MiB", f"{rss_worst:.0f} MiB", "met" if met else "**not met**",
        ]  # fmt: skip


def run(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one process; it must succeed."""
    return run_process(command, ENV, any_stderr_fails=True)


def ics(database: Path, old_tree: Path | None = None) -> list[str]:
    arguments = ["--db", str(database), "--today", TODAY, "ics"]
    if old_tree is None:
        return [EXE, *arguments]
    return [PYTHON, "-c", OLD_ENTRY, str(old_tree), *arguments]


def live_clocks(path: Path) -> int:
    import sqlite3

    conn = sqlite3.connect(path)  # (a mode=ro reader would leave -wal and -shm behind)
    try:
        return conn.execute(
            "SELECT count(*) FROM orders WHERE archived = 0 AND ((clock = 'inspection' AND "
            "deadline >= ?) OR clock IN ('seller_response', 'escalate', 'ship_back', 'refund'))",
            [TODAY],
        ).fetchone()[0]
    finally:
        conn.close()


def measure(source: Path, pairs: int, old_tree: Path | None, old_runs: int,
            work: Path, log) -> list[Series]:  # fmt: skip
    first, steady = Series("first export"), Series("next export")
    floor, old = Series("python -c pass"), Series("old code (before this change)")
    for number in range(pairs):
        if number % 2:
            floor.add(run([PYTHON, "-c", "pass"]))
        copy = work / "new.db"
        shutil.copyfile(source, copy)
        first.add(run(ics(copy)))
        steady.add(run(ics(copy)))
        if not number % 2:
            floor.add(run([PYTHON, "-c", "pass"]))
        if old_tree is not None and number < old_runs:
            copy = work / "old.db"
            shutil.copyfile(source, copy)
            old.add(run(ics(copy, old_tree)))
        log(f"    pair {number + 1}: first {first.seconds[-1]:.3f} s, next "
            f"{steady.seconds[-1]:.3f} s" + (f", old {old.seconds[-1]:.1f} s"
                                             if old.seconds else ""))  # fmt: skip
    first.floor = steady.floor = floor.seconds
    return [first, steady] + ([old] if old_tree else [])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=11)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--baseline", type=Path, help="an older aliret-tui tree to compare with")
    parser.add_argument("--baseline-runs", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="save the Calendar export section")
    options = parser.parse_args()
    pairs = max(options.pairs, 11)
    started = time.perf_counter()

    def log(text: str) -> None:
        print(f"[{time.perf_counter() - started:6.0f} s] {text}", file=sys.stderr, flush=True)

    subprocess.run([PYTHON, "-m", "compileall", "-q", str(HERE.parent.parent / "aliret_tui")],
                   env=ENV, check=False, capture_output=True)  # fmt: skip
    rows = []
    with tempfile.TemporaryDirectory(prefix="aliret-bench-ics-") as temp:
        for size in (int(part) for part in options.sizes.split(",")):
            source = database(DATA, size)
            live = live_clocks(source)
            log(f"{size:,} orders: {live:,} running clocks")
            for series in measure(source, pairs, options.baseline, options.baseline_runs,
                                  Path(temp), log):  # fmt: skip
                rows.append([f"{size:,}", f"{live:,}", *series.cells()])
    header = ["orders", "running clocks", "run", "runs", "median", "worst",
              "vs python -c pass (median of pairs)", "RSS median", "RSS worst",
              f"≤ {TARGET_SECONDS:.0f} s, ≤ {TARGET_MIB:.0f} MiB"]  # fmt: skip
    table = "\n".join(["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
                      + ["| " + " | ".join(cells) + " |" for cells in rows])  # fmt: skip
    print(table)
    if options.write:
        replace_section("Calendar export", machine() + "\n\n" + table + "\n\n" + METHOD)
        print(f"\nwrote the Calendar export section of {RESULTS}")


METHOD = """`python tests/perf/bench_ics.py --write`: whole `aliret-tui ics` processes, output
to /dev/null, in pairs with `python -c pass` (alternating which runs first). "First"
runs on a fresh copy of the database and records every event it publishes; "next"
is the export after it on that copy (a cron job's day). The target, from issue 17,
is at most 1 s and 100 MB; "met" means the worst run is within both."""


if __name__ == "__main__":
    main()
