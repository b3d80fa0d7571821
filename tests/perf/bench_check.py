"""`aliret-tui check` beside `python -c pass`, before and after, in the same run.

    python tests/perf/bench_check.py [--sizes 1000 10000 100000] [--pairs 21] [--write]

The databases are make_data's (tests/perf/data/orders-{N}-d2.db: about 4% of the
orders in an inspection window, 2% in transit, 1.5% in open disputes), copied to a
temporary folder and never touched where they are. "Before" is the committed code
(`git archive HEAD`, or --before's commit) on the copy at schema 4 (a file the new code has already
migrated gets m005's indexes undone: it only changed indexes); "after" is the
working tree (or --after-tree's), copied at the start, on a schema-4 copy it has
migrated to its own schema. Both trees are compiled (as an installed package is) and run
through the same `aliret-tui` script with PYTHONPATH naming the tree, from an
empty folder, with an empty config folder and --today 2026-11-29.

Each pair runs `python -c pass` (the floor), then before, then after; odd pairs
the other way round. Reported: the median and worst wall time of whole
processes, and the median and worst of each pair's ratio to its floor. `check -q`
writes to /dev/null; `check --days 7` writes to a pipe this script reads, as cron
or a shell would. (-q only leaves out "Nothing due"; the deadlines are printed
either way.) --write puts the table in the "## Check" section of
tests/perf/RESULTS.md. Not part of `pytest`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from results import machine, pair_ratio, replace_section  # noqa: E402

ROOT = HERE.parent.parent
DATA = HERE / "data"
PYTHON = sys.executable
EXE = shutil.which("aliret-tui", path=str(Path(PYTHON).parent)) or "aliret-tui"
TODAY = "2026-11-29"
TARGET = 3.0
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
for _name in ("ALIRET_TUI_DB", "PYTHONPATH"):
    ENV.pop(_name, None)

# In a child, after the floor's start-up: where the time of one `check` goes.
STAGES = """
import time
stamps = [time.perf_counter()]
import datetime as dt, os, sys
from aliret_tui.main import main
from aliret_tui.cli import check
from aliret_tui.runtime.context import Context
from aliret_tui.timesource import TimeSource
stamps.append(time.perf_counter())
db = sys.argv[1]
context = Context(db, TimeSource(today_override=dt.date.fromisoformat(sys.argv[2])))
settings = context.settings()
stamps.append(time.perf_counter())
items, _ = check.due_and_backup_failure(db, settings.policy, context.time.today(), 7)
stamps.append(time.perf_counter())
lines = check.plain_lines(items, 7) if items else []
stamps.append(time.perf_counter())
with open(os.devnull, "w") as sink:
    sys.stdout, real = sink, sys.stdout
    check.echo_lines(lines)
    sys.stdout = real
stamps.append(time.perf_counter())
print(" ".join(str(b - a) for a, b in zip(stamps, stamps[1:])))  # json would add its import
"""
MIGRATE = "import sys; from aliret_tui.store.store import Store; Store(sys.argv[1]).close()"
STAGE_NAMES = ("imports", "config", "read (open, query, rows)", "lines", "write")


@dataclass
class Figure:
    label: str
    size: int
    due: int = 0
    floor: list[float] = field(default_factory=list)
    before: list[float] = field(default_factory=list)
    after: list[float] = field(default_factory=list)
    cpu: dict[str, list[float]] = field(
        default_factory=lambda: {"floor": [], "before": [], "after": []}
    )
    peak_mib: float = 0.0

    def ratios(self, which: list[float]) -> list[float]:
        return [value / floor for value, floor in zip(which, self.floor, strict=True)]

    def cpu_ratio(self, name: str) -> float:
        return pair_ratio(self.cpu[name], self.cpu["floor"])


@dataclass
class Ran:
    seconds: float
    cpu_seconds: float  # user + system: what the process itself took, whatever the load
    peak_mib: float
    output: str


def run(command: list[str], env: dict[str, str], *, piped: bool) -> Ran:
    """Wall and CPU seconds, peak RSS and, when piped, the output of one process."""
    cwd = env["BENCH_CWD"]
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE if piped else subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    output = process.stdout.read().decode("utf-8", "replace") if piped else ""
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise RuntimeError(f"{' '.join(command)} exited {code}")
    return Ran(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output)


def copy_database(source: Path, destination: Path) -> None:
    """A consistent copy (the -wal included) through SQLite's backup, reading only."""
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    writer = sqlite3.connect(destination)
    try:
        reader.backup(writer)
    finally:
        writer.close()
        reader.close()


def user_version(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


def undo_m005(path: Path) -> None:
    """Schema 5 or 6 back to 4: m005 only changed indexes, so the rows stay as they
    are, and m006 only added the (empty) record of corrections.
    (A file the working tree has opened is at 5 already; the index set it got may
    even be an earlier draft of m005's, so "after" starts from 4 too.)"""
    conn = sqlite3.connect(path)
    try:
        conn.executescript(
            """
            BEGIN;
            DROP INDEX IF EXISTS orders_state_deadline;
            DROP INDEX IF EXISTS orders_undelivered;
            DROP INDEX IF EXISTS orders_clock_deadline;
            CREATE INDEX IF NOT EXISTS orders_state ON orders (state);
            CREATE INDEX orders_clock_deadline ON orders (clock, deadline)
                WHERE clock IS NOT NULL;
            DROP TABLE IF EXISTS event_corrections;
            DELETE FROM _sqlite_migrations
                WHERE name IN ('m005_index_live_orders', 'm006_event_corrections');
            PRAGMA user_version = 4;
            COMMIT;
            """
        )
    finally:
        conn.close()


def tree_schema(tree: Path) -> int:
    namespace: dict[str, object] = {}
    exec((tree / "aliret_tui" / "store" / "version.py").read_text(), namespace)
    return int(namespace["SCHEMA_VERSION"])  # type: ignore[arg-type]


def prepare(
    folder: Path, sizes: list[int], after_tree: Path, before: str = "HEAD"
) -> tuple[dict[str, Path], dict[int, dict[str, Path]]]:
    """The two trees (compiled) and, per size, the database each reads."""
    trees = {"before": folder / "before", "after": folder / "after"}
    trees["before"].mkdir()
    archive = subprocess.run(["git", "archive", before], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(trees["before"])], input=archive.stdout, check=True)
    shutil.copytree(after_tree / "aliret_tui", trees["after"] / "aliret_tui",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    for tree in trees.values():
        subprocess.run([PYTHON, "-m", "compileall", "-q", str(tree / "aliret_tui")],
                       env=ENV, check=True, capture_output=True)  # fmt: skip
    databases: dict[int, dict[str, Path]] = {}
    for size in sizes:
        source = DATA / f"orders-{size}-d2.db"
        if not source.exists():
            raise SystemExit(f"{source}: missing; run python tests/perf/make_data.py {size}")
        databases[size] = {}
        for name, tree in trees.items():
            place = folder / name / "data"
            place.mkdir(exist_ok=True)
            path = place / f"orders-{size}.db"
            copy_database(source, path)
            if user_version(path) in (5, 6):  # made or opened by the new code
                undo_m005(path)
            wanted = tree_schema(tree)
            if user_version(path) > wanted:
                raise SystemExit(f"{source}: schema {user_version(path)}, newer than {name}'s")
            if user_version(path) < wanted:  # the migration a user's first run would do
                subprocess.run([PYTHON, "-c", MIGRATE, str(path)], check=True,
                               env={**ENV, "PYTHONPATH": str(tree)}, cwd=folder)  # fmt: skip
            databases[size][name] = path
    return trees, databases


def measure(figure: Figure, args: list[str], piped: bool, envs, databases, pairs) -> None:
    floor = [PYTHON, "-c", "pass"]
    commands = {
        name: [EXE, "--db", str(databases[name]), "--today", TODAY, *args]
        for name in ("before", "after")
    }
    outputs = {}
    for name, command in commands.items():  # once each, unmeasured: the same answer?
        outputs[name] = run(command, envs[name], piped=True).output
    if outputs["before"] != outputs["after"]:
        raise SystemExit(f"{figure.label}: before and after print different things")
    first = outputs["after"].split("\n", 1)[0]
    figure.due = int(first.split()[0]) if first[:1].isdigit() else 0
    for pair in range(pairs):
        order = ["floor", "before", "after"]
        for name in order if pair % 2 == 0 else order[::-1]:
            ran = run(floor if name == "floor" else commands[name], envs[name], piped=piped)
            getattr(figure, name).append(ran.seconds)
            figure.cpu[name].append(ran.cpu_seconds)
            if name == "after":
                figure.peak_mib = max(figure.peak_mib, ran.peak_mib)


def stages(env: dict[str, str], database: Path, runs: int) -> dict[str, float]:
    """Median ms of each stage of `check` in a fresh process; what the process takes
    besides (start-up and exit) is its wall time less the stages, less the floor's
    wall time measured just before it."""
    names = (*STAGE_NAMES, "start-up and exit, beyond the floor's", "floor: python -c pass")
    measured: dict[str, list[float]] = {name: [] for name in names}
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([PYTHON, "-c", "pass"], env=env, cwd=env["BENCH_CWD"],
                       capture_output=True, check=True)  # fmt: skip
        floor = time.perf_counter() - start
        measured["floor: python -c pass"].append(floor * 1000)
        start = time.perf_counter()
        done = subprocess.run([PYTHON, "-c", STAGES, str(database), TODAY],
                              env=env, cwd=env["BENCH_CWD"], capture_output=True, text=True,
                              check=True)  # fmt: skip
        wall = time.perf_counter() - start
        parts = [float(part) for part in done.stdout.split()]
        for name, seconds in zip(STAGE_NAMES, parts, strict=True):
            measured[name].append(seconds * 1000)
        measured["start-up and exit, beyond the floor's"].append((wall - sum(parts) - floor) * 1000)
    return {name: statistics.median(values) for name, values in measured.items()}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def table(figures: list[Figure]) -> str:
    lines = [
        "| measure | due | floor | before: median / worst | ratio: median / worst "
        "| after: median / worst | ratio: median / worst | target |  | CPU ratio: before, after |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for f in figures:
        before, after = f.ratios(f.before), f.ratios(f.after)
        met = "met" if pair_ratio(f.after, f.floor) <= TARGET else "**not met**"
        lines.append(
            f"| {f.label} | {f.due:,} | {ms(statistics.median(f.floor))} "
            f"| {ms(statistics.median(f.before))} / {ms(max(f.before))} "
            f"| {statistics.median(before):.2f}× / {max(before):.2f}× "
            f"| {ms(statistics.median(f.after))} / {ms(max(f.after))} "
            f"| {statistics.median(after):.2f}× / {max(after):.2f}× | ≤ {TARGET:g}× | {met} "
            f"| {f.cpu_ratio('before'):.2f}×, {f.cpu_ratio('after'):.2f}× |"
        )
    return "\n".join(lines)


def stage_table(profile: dict[int, dict[str, float]]) -> str:
    sizes = sorted(profile)
    names = list(profile[sizes[0]])
    lines = [
        "| stage (after, median ms) | " + " | ".join(f"{size:,}" for size in sizes) + " |",
        "|---|" + "---|" * len(sizes),
    ]
    for name in names:
        lines.append(f"| {name} | " + " | ".join(f"{profile[s][name]:.1f}" for s in sizes) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--pairs", type=int, default=21, help="at least 11")
    parser.add_argument("--stage-runs", type=int, default=11)
    parser.add_argument("--write", action="store_true", help="update tests/perf/RESULTS.md")
    parser.add_argument("--before", default="HEAD", help="the commit measured as before")
    parser.add_argument(
        "--after-tree", type=Path, default=ROOT, help="a folder whose aliret_tui is 'after'"
    )
    options = parser.parse_args()
    if options.pairs < 11:
        parser.error("--pairs: at least 11")
    if options.write and options.after_tree.resolve() != ROOT:
        parser.error("--write measures the working tree; leave out --after-tree")
    started = time.perf_counter()
    load_at_start = os.getloadavg()[0]

    def log(text: str) -> None:
        print(f"[{time.perf_counter() - started:5.0f} s] {text}", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="aliret-bench-check-") as temp:
        folder = Path(temp)
        (folder / "config").mkdir()
        (folder / "cwd").mkdir()
        log("copying the trees and the databases")
        trees, databases = prepare(folder, options.sizes, options.after_tree, options.before)
        base = {**ENV, "ALIRET_TUI_CONFIG_DIR": str(folder / "config"),
                "BENCH_CWD": str(folder / "cwd")}  # fmt: skip
        envs = {
            "floor": base,
            "before": {**base, "PYTHONPATH": str(trees["before"])},
            "after": {**base, "PYTHONPATH": str(trees["after"])},
        }
        figures = []
        for size in options.sizes:
            for args, piped, what in (
                (["check", "-q"], False, "check -q to /dev/null"),
                (["check", "--days", "7"], True, "check --days 7 to a pipe"),
            ):
                figure = Figure(f"{what}, {size:,} orders", size)
                measure(figure, args, piped, envs, databases[size], options.pairs)
                figures.append(figure)
                after = figure.ratios(figure.after)
                log(f"{figure.label}: after {statistics.median(after):.2f}× "
                    f"(worst {max(after):.2f}×), before "
                    f"{statistics.median(figure.ratios(figure.before)):.2f}×")  # fmt: skip
        log("where the time goes")
        profile = {
            size: stages(envs["after"], databases[size]["after"], options.stage_runs)
            for size in options.sizes
        }
    load_at_end = os.getloadavg()[0]
    body = "\n\n".join(
        [
            f"{machine()} Load average {load_at_start:.1f} at the start, {load_at_end:.1f} "
            f"at the end. {options.pairs} pairs per line; "
            f"`python tests/perf/bench_check.py{' --write' if options.write else ''}`.",
            table(figures),
            "Each pair is `python -c pass` (the floor), the committed code (before, on the "
            "database as make_data wrote it) and the working tree (after, on the same data "
            "migrated to its schema), in alternating order; a ratio is one process's time "
            "over its pair's floor, reported as the median and the worst of the pairs. "
            "The CPU ratio is the median of each pair's user + system time over its floor's: "
            "what the processes themselves took, which the other work on the machine "
            "changes less than the wall time. "
            "`due` is how many deadlines `check` prints (default 7 days; -q prints them "
            'too, it only leaves out "Nothing due"). Peak RSS of `check` at '
            f"{options.sizes[-1]:,}: "
            f"{max(f.peak_mib for f in figures if f.size == options.sizes[-1]):.0f} MiB.",
            "Where the time of one `check` goes (the working tree, a fresh process each "
            f"time, median of {options.stage_runs}; the deadlines written to /dev/null):",
            stage_table(profile),
        ]
    )
    print(body)
    if options.write:
        replace_section("Check", body)
        log("wrote the Check section of tests/perf/RESULTS.md")


if __name__ == "__main__":
    main()
