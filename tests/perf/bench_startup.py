"""Start-up of each command beside `python -c pass`, before and after, in the same run.

    python tests/perf/bench_startup.py [--sizes 1000 100000] [--pairs 11] [--write]

Issue 13: the commands that only read (locate, config, list, show, check) stay within
3× `python -c pass`, and add and event within 10×. Every command runs as a user runs
it: the installed `aliret-tui` script, a fresh process, --today 2026-11-29, an empty
config folder, output to /dev/null, on make_data's databases
(tests/perf/data/orders-{N}-d2.db, copied to a temporary folder and never touched where
they are; the schema handled as bench_check does). `show` shows the first order in
mediation (a dispute with its timeline); `event` records `seller_agreed --amount 1,00`
on the first order awaiting the seller (the amount is read in the order's currency);
`add` adds a delivered order. The writes are real: each run of add and event gets a
fresh copy of the database, made before the clock starts, and today's backup is
already taken (by an unmeasured first run), as for every change of a day but the first.

"Before" is the committed code (`git archive HEAD`, or --before's commit), "after" the
working tree; both compiled, run through the same script with PYTHONPATH naming the
tree. Each pair runs the floor, before and after, in the other order on odd pairs.
Reported: median and worst wall time, and the median and worst of each pair's ratio to
its floor. --write puts the table in the "## Start-up" section of tests/perf/RESULTS.md.
Not part of `pytest`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from bench_check import ENV, EXE, PYTHON, ROOT, TODAY, prepare  # noqa: E402
from results import machine, replace_section, run_process  # noqa: E402

READ_ONLY_TARGET = 3.0
WRITE_TARGET = 10.0


@dataclass
class Command:
    name: str
    args: list[str]
    target: float
    writes: bool = False
    exit_codes: tuple[int, ...] = (0,)  # check: 1 when something is due


@dataclass
class Figure:
    command: Command
    size: int
    floor: list[float] = field(default_factory=list)
    before: list[float] = field(default_factory=list)
    after: list[float] = field(default_factory=list)
    peak_mib: float = 0.0

    def ratios(self, which: list[float]) -> list[float]:
        return [value / floor for value, floor in zip(which, self.floor, strict=True)]


ADD_ARGUMENTS = ["add", "8175999900000001", "--title", "Bench lamp", "--price", "12,50",
                 "--currency", "EUR", "--delivered", "2026-11-20"]  # fmt: skip


def first_order(database: Path, state: str) -> str:
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        row = conn.execute(
            "SELECT order_id FROM orders WHERE state = ? ORDER BY order_id LIMIT 1", [state]
        ).fetchone()
    finally:
        conn.close()
    if row is None:
        raise SystemExit(f"{database}: no order in state {state}")
    return row[0]


def commands(database: Path) -> list[Command]:
    shown = first_order(database, "in_mediation")
    awaiting = first_order(database, "awaiting_seller")
    return [
        Command("locate", ["locate"], READ_ONLY_TARGET),
        Command("config", ["config"], READ_ONLY_TARGET),
        Command("list", ["list"], READ_ONLY_TARGET),
        Command("show", ["show", shown], READ_ONLY_TARGET),
        Command("check", ["check"], READ_ONLY_TARGET, exit_codes=(0, 1)),
        Command(
            "add",
            ADD_ARGUMENTS,
            WRITE_TARGET,
            writes=True,
        ),
        Command(
            "event",
            ["event", awaiting, "seller_agreed", "--amount", "1,00"],
            WRITE_TARGET,
            writes=True,
        ),
    ]


def timed(command: list[str], env: dict[str, str], exit_codes: tuple[int, ...]) -> float:
    """Wall seconds of one whole process, which must print no error."""
    return run_process(command, env, any_stderr_fails=True, exit_codes=exit_codes)[0]


def fresh_copy(pristine: Path, work: Path) -> None:
    """The database as prepared, in place of the last run's (its -wal and -shm too)."""
    for suffix in ("-wal", "-shm"):
        Path(f"{work}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(pristine, work)


def measure(figure: Figure, envs: dict[str, dict[str, str]], pristine: dict[str, Path],
            work: dict[str, Path], pairs: int) -> None:  # fmt: skip
    command = figure.command
    runs = {
        name: [EXE, "--db", str(work[name] if command.writes else pristine[name]),
               "--today", TODAY, *command.args]
        for name in ("before", "after")
    }  # fmt: skip
    for name, argv in runs.items():  # unmeasured: it works, and today's backup is taken
        if command.writes:
            fresh_copy(pristine[name], work[name])
        timed(argv, envs[name], command.exit_codes)
    floor = [PYTHON, "-c", "pass"]
    for pair in range(pairs):
        order = ["floor", "before", "after"]
        for name in order if pair % 2 == 0 else order[::-1]:
            if name == "floor":
                figure.floor.append(timed(floor, envs["floor"], (0,)))
                continue
            if command.writes:
                fresh_copy(pristine[name], work[name])
            getattr(figure, name).append(timed(runs[name], envs[name], command.exit_codes))


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def table(figures: list[Figure]) -> str:
    lines = [
        "| command | orders | floor | before: median / worst | ratio: median / worst "
        "| after: median / worst | ratio: median / worst | target |  |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for f in figures:
        before, after = f.ratios(f.before), f.ratios(f.after)
        met = "met" if statistics.median(after) <= f.command.target else "**not met**"
        lines.append(
            f"| `{f.command.name}` | {f.size:,} | {ms(statistics.median(f.floor))} "
            f"| {ms(statistics.median(f.before))} / {ms(max(f.before))} "
            f"| {statistics.median(before):.2f}× / {max(before):.2f}× "
            f"| {ms(statistics.median(f.after))} / {ms(max(f.after))} "
            f"| {statistics.median(after):.2f}× / {max(after):.2f}× "
            f"| ≤ {f.command.target:g}× | {met} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100000])
    parser.add_argument("--pairs", type=int, default=11, help="at least 11")
    parser.add_argument("--commands", nargs="+", help="only these (default: all)")
    parser.add_argument("--write", action="store_true", help="update tests/perf/RESULTS.md")
    parser.add_argument("--before", default="HEAD", help="the commit measured as before")
    options = parser.parse_args()
    if options.pairs < 11:
        parser.error("--pairs: at least 11")
    if options.write and options.commands:
        parser.error("--write measures every command; leave out --commands")
    started = time.perf_counter()
    load_at_start = os.getloadavg()[0]

    def log(text: str) -> None:
        print(f"[{time.perf_counter() - started:5.0f} s] {text}", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="aliret-bench-startup-") as temp:
        folder = Path(temp)
        (folder / "config").mkdir()
        (folder / "cwd").mkdir()
        log("copying the trees and the databases")
        trees, databases = prepare(folder, options.sizes, ROOT, options.before)
        base = {**ENV, "ALIRET_TUI_CONFIG_DIR": str(folder / "config")}
        envs = {
            "floor": base,
            "before": {**base, "PYTHONPATH": str(trees["before"])},
            "after": {**base, "PYTHONPATH": str(trees["after"])},
        }
        os.chdir(folder / "cwd")
        figures = []
        for size in options.sizes:
            pristine = databases[size]
            work = {}
            for name in ("before", "after"):
                (folder / name / "work").mkdir(exist_ok=True)
                work[name] = folder / name / "work" / f"orders-{size}.db"
            for command in commands(pristine["after"]):
                if options.commands and command.name not in options.commands:
                    continue
                figure = Figure(command, size)
                measure(figure, envs, pristine, work, options.pairs)
                figures.append(figure)
                after, before = figure.ratios(figure.after), figure.ratios(figure.before)
                log(
                    f"{command.name}, {size:,} orders: after {statistics.median(after):.2f}× "
                    f"(worst {max(after):.2f}×), before {statistics.median(before):.2f}×"
                )
        os.chdir(ROOT)
    load_at_end = os.getloadavg()[0]
    body = "\n\n".join(
        [
            f"{machine()} Load average {load_at_start:.1f} at the start, {load_at_end:.1f} "
            f"at the end. {options.pairs} pairs per line; "
            f"`python tests/perf/bench_startup.py --before {options.before}"
            f"{' --write' if options.write else ''}`.",
            table(figures),
            f"Each pair is `python -c pass` (the floor), commit {options.before} (before) and "
            "the working tree (after), in alternating order; a ratio is one process's time over "
            "its pair's floor, reported as the median and the worst of the pairs, and the "
            "target is met when the median is within it. `list` prints the active orders "
            "(about 380 at 1,000 orders, 38,000 at 100,000), `show` the first order in "
            "mediation, `check` the deadlines of the next 7 days; `add` and `event` each "
            "write to a fresh copy of the database (today's backup already taken). See the "
            "script's docstring for the method.",
        ]
    )
    print(body)
    if options.write:
        replace_section("Start-up", body)
        log("wrote the Start-up section of tests/perf/RESULTS.md")


if __name__ == "__main__":
    main()
