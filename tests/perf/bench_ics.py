"""`aliret-tui ics` speed and memory at 1,000, 10,000 and 100,000 orders.

    python tests/perf/bench_ics.py [--runs 11] [--sizes 1000,10000,100000]
                                   [--live-share 0.06] [--baseline DIR] [--baseline-runs 3]

Two databases per size, both made by tests/perf/make_data.py (in a child process,
cached in tests/perf/data): make_data's own (at most 400 live orders at any size),
and one where ``--live-share`` of the orders are live (about 4% in a window and 2%
in transit, as issue 17 asks, disputes in every state), so the work grows with size.

Each run is one whole process, stdout to /dev/null, timed with ``os.wait4`` (wall
time and the child's own peak RSS), with a fixed --today:
- **first export**: on a fresh copy of the database, so every event is new and is
  recorded in ``calendar_published``;
- **next export**: again on that copy, nothing new to record (a cron job's day).
With ``--baseline DIR`` (an older tree, e.g. ``git archive HEAD aliret_tui | tar -x
-C DIR``) the old code runs on another fresh copy, alternating with the new, for
``--baseline-runs`` runs (it takes minutes at 100,000 orders). Medians and maxima
are printed as a Markdown table. Not part of `pytest`.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
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

    def add(self, ran: tuple[float, float]) -> None:
        self.seconds.append(ran[0])
        self.mib.append(ran[1])

    def cells(self) -> list[str]:
        if not self.seconds:
            return [self.label, "", "", "", "", "", ""]
        median, worst = statistics.median(self.seconds), max(self.seconds)
        rss_median, rss_worst = statistics.median(self.mib), max(self.mib)
        met = worst <= TARGET_SECONDS and rss_worst <= TARGET_MIB
        return [
            self.label, str(len(self.seconds)), f"{median:.3f} s", f"{worst:.3f} s",
            f"{rss_median:.0f} MiB", f"{rss_worst:.0f} MiB", "met" if met else "**not met**",
        ]  # fmt: skip


def run(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one process; it must succeed."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=ENV, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    assert process.stderr is not None
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    errors = process.stderr.read().decode("utf-8", "replace")
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0 or errors:
        raise RuntimeError(f"{' '.join(command[:8])}… failed:\n{errors[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


def ics(database: Path, old_tree: Path | None = None) -> list[str]:
    arguments = ["--db", str(database), "--today", TODAY, "ics"]
    if old_tree is None:
        return [EXE, *arguments]
    return [PYTHON, "-c", OLD_ENTRY, str(old_tree), *arguments]


def make_database(count: int, live_share: float | None) -> Path:
    """make_data's database, or the one with ``live_share`` live orders (made in a child
    process: a child's peak RSS would count this process's memory at the fork)."""
    name = f"orders-{count}.db" if live_share is None else f"orders-{count}-live{live_share}.db"
    path = DATA / name
    if not path.exists():
        share = "None" if live_share is None else repr(live_share)
        code = (
            "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
            "import make_data\n"
            f"count, share, path = {count}, {share}, Path(sys.argv[2])\n"
            "if share is None:\n    make_data.database(path.parent, count)\n"
            "else:\n"
            "    make_data.LIVE_ORDERS = int(count * share)\n"
            "    partial = path.with_suffix('.partial'); partial.unlink(missing_ok=True)\n"
            "    make_data.fill(partial, count); partial.rename(path)\n"
        )
        subprocess.run([PYTHON, "-c", code, str(HERE), str(path)], env=ENV, check=True)
    return path


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


def measure(source: Path, runs: int, old_tree: Path | None, old_runs: int,
            work: Path, log) -> list[Series]:  # fmt: skip
    first, steady = Series("first export"), Series("next export")
    old = Series("old code (before this change)")
    for number in range(max(runs, old_runs if old_tree else 0)):
        for which in ("new", "old") if number % 2 == 0 else ("old", "new"):
            if which == "new" and number < runs:
                copy = work / "new.db"
                shutil.copyfile(source, copy)
                first.add(run(ics(copy)))
                steady.add(run(ics(copy)))
            elif which == "old" and old_tree is not None and number < old_runs:
                copy = work / "old.db"
                shutil.copyfile(source, copy)
                old.add(run(ics(copy, old_tree)))
        log(f"    run {number + 1}: first {first.seconds[-1]:.3f} s, next "
            f"{steady.seconds[-1]:.3f} s" + (f", old {old.seconds[-1]:.1f} s"
                                             if old.seconds else ""))  # fmt: skip
    return [first, steady] + ([old] if old_tree else [])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--live-share", type=float, default=0.10)
    parser.add_argument("--baseline", type=Path, help="an older aliret-tui tree to compare with")
    parser.add_argument("--baseline-runs", type=int, default=3)
    options = parser.parse_args()
    started = time.perf_counter()

    def log(text: str) -> None:
        print(f"[{time.perf_counter() - started:6.0f} s] {text}", file=sys.stderr, flush=True)

    subprocess.run([PYTHON, "-m", "compileall", "-q", str(HERE.parent.parent / "aliret_tui")],
                   env=ENV, check=False, capture_output=True)  # fmt: skip
    rows = []
    with tempfile.TemporaryDirectory(prefix="aliret-bench-ics-") as temp:
        for size in (int(part) for part in options.sizes.split(",")):
            for share in (None, options.live_share):
                source = make_database(size, share)
                what = "make_data" if share is None else f"{share:.0%} live"
                live = live_clocks(source)
                log(f"{size:,} orders ({what}): {live:,} running clocks")
                for series in measure(source, options.runs, options.baseline,
                                      options.baseline_runs, Path(temp), log):  # fmt: skip
                    rows.append([f"{size:,}", f"{what}, {live:,} running", *series.cells()])
    header = ["orders", "data", "run", "runs", "median", "max", "RSS median", "RSS max",
              f"≤ {TARGET_SECONDS:.0f} s, ≤ {TARGET_MIB:.0f} MiB"]  # fmt: skip
    print(f"\n`aliret-tui ics`, {platform.system()} {platform.machine()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}\n")  # fmt: skip
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for cells in rows:
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
