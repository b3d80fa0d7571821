"""aliret-tui's benchmark: every figure beside its baseline, measured in the same run.

    python tests/perf/bench.py [--runs 5] [--sizes 1000,10000,100000] [--write]

Whole processes are timed (median of --runs), each run of the app right after a
run of its baseline, because these machines are noisy. --write saves the table
to tests/perf/RESULTS.md with the date and the machine. Not part of `pytest`.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import fcntl
import os
import platform
import pty
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))

from make_data import TODAY, database  # noqa: E402

EXE = shutil.which("aliret-tui", path=str(Path(sys.executable).parent)) or "aliret-tui"
PYTHON = sys.executable
# Real users have compiled bytecode; the sandbox may switch writing it off.
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
ENV.update(TERM="xterm-256color", COLUMNS="120", LINES="36", ALIRET_TUI_CONFIG_DIR=str(DATA))


class Row:
    def __init__(self, what: str, value: float, unit: str, baseline: float | None = None,
                 target: str = "", ok: bool | None = None):  # fmt: skip
        self.what, self.value, self.unit, self.baseline = what, value, unit, baseline
        self.target, self.ok = target, ok

    def cells(self) -> list[str]:
        ratio = f"{self.value / self.baseline:.2f}×" if self.baseline else ""
        base = f"{self.baseline:.0f} {self.unit}" if self.baseline else ""
        verdict = {True: "met", False: "**not met**", None: ""}[self.ok]
        return [self.what, f"{self.value:.0f} {self.unit}", base, ratio, self.target, verdict]


def median_pair(app: Callable[[], float], baseline: Callable[[], float], runs: int):
    """Run baseline, then app, ``runs`` times; medians of both."""
    app_times, base_times = [], []
    for _ in range(runs):
        base_times.append(baseline())
        app_times.append(app())
    return statistics.median(app_times), statistics.median(base_times)


def timed(command: list[str], stdin: int | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   stdin=stdin, check=False)  # fmt: skip
    return (time.perf_counter() - start) * 1000


# -- real terminal ---------------------------------------------------------------------


def in_pty(command: list[str], marker: bytes, *, linger: float = 0.0, settle: float = 0.0,
           timeout: float = 60.0):  # fmt: skip
    """Start ``command`` in a 120x36 pty; ms until ``marker`` is on screen, then wait
    ``settle`` seconds (the rest of the start-up), stay ``linger`` seconds and quit.

    Returns (ms to marker, peak RSS in MiB until quitting, CPU % while lingering)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))
    start = time.perf_counter()
    process = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, env=ENV,
                               close_fds=True, start_new_session=True)  # fmt: skip
    os.close(slave)
    seen = b""
    found = None
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    seen = (seen + os.read(master, 65536))[-200_000:]
                except OSError:
                    break
                if found is None and marker in seen:
                    found = (time.perf_counter() - start) * 1000
                    break
        cpu = peak = None
        if found is not None:
            _drain(master, settle)
            before = _cpu_seconds(process.pid)
            _drain(master, linger)
            if linger:
                cpu = (_cpu_seconds(process.pid) - before) / linger * 100
            peak = _peak_rss_mib(process.pid)
        os.write(master, b"q")
        _drain(master, 2.0, until=lambda: process.poll() is not None)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        process.wait()
        os.close(master)
    if found is None:
        raise RuntimeError(f"{marker!r} never appeared for {command}")
    return found, peak, cpu


def _drain(master: int, seconds: float, until: Callable[[], bool] = lambda: False) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end and not until():
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            try:
                os.read(master, 65536)
            except OSError:
                return


def _peak_rss_mib(pid: int) -> float:
    """The process's high-water mark of resident memory (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


MINIMAL_APP = textwrap.dedent(
    """
    from textual.app import App
    from textual.widgets import Static
    class Hello(App):
        def compose(self):
            yield Static("hello minimal")
    Hello().run()
    """
)


# -- headless ------------------------------------------------------------------------

# Headless: each script prints the wall-clock time of the first frame drawn with
# its first row (or its text) on the virtual screen; the parent subtracts the time
# it started the process.
FIRST_FRAME_HOOK = """
import time
from textual.screen import Screen
_refresh = Screen._compositor_refresh
def _timed_refresh(screen):
    _refresh(screen)
    if not drawn and shown(screen):
        drawn.append(time.time())
        screen.app.exit()
drawn = []
Screen._compositor_refresh = _timed_refresh
"""
HEADLESS_APP = FIRST_FRAME_HOOK + textwrap.dedent(
    """
    import asyncio, sys, datetime as dt
    from pathlib import Path
    from aliret_tui.timesource import TimeSource
    from aliret_tui.tui.app import AliretApp
    from aliret_tui.tui.widgets.orders_table import OrdersTable
    def shown(screen):
        tables = screen.query(OrdersTable)
        return bool(tables) and bool(tables.first().rows)
    async def main():
        app = AliretApp.with_first_rows(db_path=Path(sys.argv[1]),
                        time=TimeSource(frozen_at=dt.datetime(2026, 11, 29, 10, 30)))
        async with app.run_test(size=(120, 36)) as pilot:
            while not drawn:
                await asyncio.sleep(0.002)
    asyncio.run(main())
    print(drawn[0])
    """
)
HEADLESS_MINIMAL = FIRST_FRAME_HOOK + textwrap.dedent(
    """
    import asyncio
    from textual.app import App
    from textual.widgets import Static
    class Hello(App):
        def compose(self):
            yield Static("hello minimal")
    def shown(screen):
        return bool(screen.query(Static))
    async def main():
        async with Hello().run_test(size=(120, 36)) as pilot:
            while not drawn:
                await asyncio.sleep(0.002)
    asyncio.run(main())
    print(drawn[0])
    """
)


def until_printed_time(command: list[str]) -> float:
    """ms from starting ``command`` to the wall-clock time it prints."""
    start = time.time()
    done = subprocess.run(command, env=ENV, capture_output=True, text=True, check=True)
    return (float(done.stdout.split()[0]) - start) * 1000


class FrameClock:
    """Times a key press to the first frame painted once the app has reacted to it.

    Every screen refresh is hooked; ``measure`` presses a key and waits for the first
    refresh after which ``reacted()`` holds. Pilot's own waiting does not count."""

    def __init__(self) -> None:
        from textual.screen import Screen

        self.reacted: Callable[[], bool] = lambda: False
        self.painted_at: float | None = None
        original = Screen._compositor_refresh

        def refresh(screen: Screen) -> None:
            original(screen)
            if self.painted_at is None and self.reacted():
                self.painted_at = time.perf_counter()

        Screen._compositor_refresh = refresh  # type: ignore[method-assign]

    async def measure(self, pilot, key: str, reacted: Callable[[], bool]) -> float:
        self.painted_at, self.reacted = None, reacted
        start = time.perf_counter()
        await pilot.press(key)
        while self.painted_at is None:
            await asyncio.sleep(0.001)
        self.reacted = lambda: False
        return (self.painted_at - start) * 1000


def counting_calls(cls: type, name: str) -> list[int]:
    """Counts the calls of ``cls.name`` as they finish (sync or async methods)."""
    import functools
    import inspect

    calls = [0]
    original = getattr(cls, name)
    if inspect.iscoroutinefunction(original):

        @functools.wraps(original)
        async def counted(*args, **kwargs):
            result = await original(*args, **kwargs)
            calls[0] += 1
            return result
    else:

        @functools.wraps(original)
        def counted(*args, **kwargs):
            result = original(*args, **kwargs)
            calls[0] += 1
            return result

    setattr(cls, name, counted)
    return calls


async def interactive(path: Path, runs: int) -> dict[str, float]:
    """Key press to painted frame for search, filter, the detail screen and its chat
    tab, inside one running app (ms)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from support.tui import settle

    from aliret_tui.timesource import TimeSource
    from aliret_tui.tui.app import AliretApp
    from aliret_tui.tui.screens.dashboard import DashboardScreen
    from aliret_tui.tui.screens.detail import DetailScreen
    from aliret_tui.tui.widgets.chat_log import ChatLog
    from aliret_tui.tui.widgets.orders_table import OrdersTable

    frames = FrameClock()
    views_shown = counting_calls(DashboardScreen, "refresh_view")
    # Message handlers are bound when the class is made, so count the last call
    # the handler that shows an order makes.
    details_shown = counting_calls(DetailScreen, "check_files")
    # A ticking clock, as users have (a frozen one also keeps closed screens alive,
    # since Textual drops a watcher only when its value next changes).
    app = AliretApp(db_path=path, time=TimeSource(today_override=TODAY))
    results: dict[str, list[float]] = {"search": [], "filter": [], "detail": [], "chat": []}

    def after(counter: list[int], extra: Callable[[], bool] = lambda: True):
        seen = counter[0]
        return lambda: counter[0] > seen and extra()

    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        while not app.screen.loaded:
            await pilot.pause(0.01)
        await settle(pilot, app)
        await pilot.press("slash")
        for key in "lamp 12"[: max(runs, 5)]:
            key = "space" if key == " " else key
            results["search"].append(await frames.measure(pilot, key, after(views_shown)))
        await pilot.press("escape")
        await settle(pilot, app)
        for _ in range(max(runs, 4)):
            results["filter"].append(await frames.measure(pilot, "f", after(views_shown)))
        while app.screen.order_filter.value != "active":
            await pilot.press("f")
        await settle(pilot, app)
        await pilot.press("slash", *"8175000000000000", "enter")
        await settle(pilot, app)
        assert app.screen.query_one(OrdersTable).item_count == 1
        for _ in range(runs):
            results["detail"].append(await frames.measure(pilot, "enter", after(details_shown)))
            await settle(pilot, app)
            chat = app.screen.query_one(ChatLog)
            chat_painted = lambda chat=chat: chat._layout_width == chat.line_width > 0  # noqa: E731
            results["chat"].append(await frames.measure(pilot, "3", chat_painted))
            assert chat.item_count >= 2000
            await pilot.press("escape")
            await settle(pilot, app)
            await pilot.pause(1.0)  # a look at the dashboard before the next order
    return {name: statistics.median(values) for name, values in results.items()}


def write_csv(path: Path, count: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["order_id", "title", "price", "currency", "store", "delivered_on"])
        for index in range(count):
            delivered = TODAY - dt.timedelta(days=index % 40)
            writer.writerow([f"99{index:014d}", f"Imported item {index}", "12.50", "USD",
                             "Bulk Store", delivered.isoformat()])  # fmt: skip


def clocks_database(count: int) -> Path:
    """``count`` orders with a running inspection clock each (the idle CPU test)."""
    path = DATA / f"clocks-{count}.db"
    if not path.exists():
        csv_path = DATA / f"clocks-{count}.csv"
        write_csv(csv_path, count)
        subprocess.run([EXE, "--db", str(path), "--today", TODAY.isoformat(), "import",
                        str(csv_path)], env=ENV, check=True, capture_output=True)  # fmt: skip
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--write", action="store_true", help="save tests/perf/RESULTS.md")
    options = parser.parse_args()
    sizes = [int(size) for size in options.sizes.split(",")]
    runs = options.runs
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(ROOT / "aliret_tui")], env=ENV,
                   check=False, capture_output=True)  # fmt: skip
    rows: list[Row] = []
    today = ["--today", TODAY.isoformat()]
    python_pass = lambda: timed([PYTHON, "-c", "pass"])  # noqa: E731

    for size in sizes:
        path = database(DATA, size)
        limit = 3 if size <= 10_000 else 4
        value, base = median_pair(
            lambda path=path: timed([EXE, "--db", str(path), *today, "check", "-q"]),
            python_pass,
            runs,
        )
        rows.append(Row(f"check, {size:,} orders (vs python -c pass)", value, "ms", base,
                        f"≤ {limit}×", value / base <= limit))  # fmt: skip

    for size in sizes:
        path = database(DATA, size)
        limit = 2 if size <= 10_000 else 3
        script = [PYTHON, "-c", HEADLESS_APP, str(path)]
        value, base = median_pair(
            lambda script=script: until_printed_time(script),
            lambda: until_printed_time([PYTHON, "-c", HEADLESS_MINIMAL]),
            runs,
        )
        rows.append(Row(f"dashboard first row, headless, {size:,} (vs minimal app)", value,
                        "ms", base, f"≤ {limit}×", value / base <= limit))  # fmt: skip
        pty_app, pty_base, rss = [], [], []
        for _ in range(runs):
            pty_base.append(in_pty([PYTHON, "-c", MINIMAL_APP], b"hello minimal")[0])
            # Stay 3 s so the whole database is read before the peak is taken.
            found, peak, _ = in_pty([EXE, "--db", str(path), *today], b"Edit", linger=3.0)
            pty_app.append(found)
            rss.append(peak)
        value, base = statistics.median(pty_app), statistics.median(pty_base)
        rows.append(Row(f"dashboard first row, real pty, {size:,} (vs minimal app)", value,
                        "ms", base, f"≤ {limit}×", value / base <= limit))  # fmt: skip
        if size == max(sizes):
            peak = max(rss)
            rows.append(Row(f"peak RSS, dashboard with {size:,} orders", peak, "MiB",
                            target="≤ 120 MiB", ok=peak <= 120))  # fmt: skip

    interactive_size = 10_000 if 10_000 in sizes else sizes[0]
    timings = asyncio.run(interactive(database(DATA, interactive_size), runs))
    for name, label, target in (
        ("search", f"search keystroke reflected, {interactive_size:,} orders", 100),
        ("filter", f"filter key reflected, {interactive_size:,} orders", 100),
        ("detail", "detail screen opens (2,000-message chat)", 100),
        ("chat", "chat tab shows 2,000 messages", 100),
    ):
        value = timings[name]
        rows.append(Row(label, value, "ms", target=f"≤ {target} ms", ok=value <= target))

    with tempfile.TemporaryDirectory() as folder:
        csv_path = Path(folder) / "orders.csv"
        write_csv(csv_path, 10_000)
        imports = []
        for attempt in range(runs):
            target_db = Path(folder) / f"import-{attempt}.db"
            imports.append(timed([EXE, "--db", str(target_db), *today, "import", str(csv_path)]))
        value = statistics.median(imports)
        rows.append(Row("import a 10,000-row CSV (whole process)", value, "ms",
                        target="≤ 2000 ms", ok=value <= 2000))  # fmt: skip

    clocks = clocks_database(200)
    # Idle: after the start-up has finished (the store opened, all orders read).
    _, _, cpu = in_pty([EXE, "--db", str(clocks), *today], b"Edit", settle=3.0, linger=10.0)
    rows.append(Row("CPU while idle, 200 running countdowns", cpu or 0.0, "%",
                    target="≤ 5%", ok=(cpu or 0.0) <= 5))  # fmt: skip

    report = _table(rows)
    print(report)
    if options.write:
        _write_results(report, runs)


def _table(rows: list[Row]) -> str:
    header = ["measure", "aliret-tui", "baseline", "ratio", "target", ""]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


HOW_MEASURED = """## How each figure is measured

- **check**: the whole `aliret-tui check -q` process, against `python -c pass`.
- **First row, real pty**: from starting the process in a 120x36 pseudo-terminal
  until the footer's "Edit" (shown once a row is highlighted) reaches the
  terminal, against a minimal Textual app's text. **Headless**: from starting
  the process until the first frame drawn with a row in `run_test`, against the
  minimal app's first frame.
- **Peak RSS**: the process's high-water mark (`VmHWM`) 3 s after the first row,
  when every order has been read.
- **Search, filter, detail, chat**: inside one app on the 10k database, from the
  key press until the first frame painted after the app reacted (hooked on the
  screen's refresh, so Pilot's own waiting does not count). The clock ticks, as
  for users; there is a one-second look at the dashboard between opened orders.
- **Import**: the whole `aliret-tui import` process on a fresh database.
- **Idle CPU**: 10 s of CPU time, measured after the start-up has finished.
"""


def _write_results(report: str, runs: int) -> None:
    cpu = platform.processor() or platform.machine()
    cores = os.cpu_count()
    from textual import __version__ as textual_version

    text = (
        "# Benchmark results\n\n"
        f"Measured {dt.datetime.now():%Y-%m-%d %H:%M} on {platform.system()} {platform.release()}, "
        f"{cpu}, {cores} cores, Python {platform.python_version()}, Textual {textual_version}.\n"
        f"Median of {runs} runs; each app run follows a run of its baseline. Regenerate with "
        "`python tests/perf/bench.py --write`.\n\n" + report + "\n\n" + HOW_MEASURED
    )
    (HERE / "RESULTS.md").write_text(text, encoding="utf-8")
    print(f"\nwrote {HERE / 'RESULTS.md'}")


if __name__ == "__main__":
    main()
