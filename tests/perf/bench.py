"""The dashboard's benchmark: start-up, quitting, memory, idle CPU and every kind of
keystroke, at 1,000, 10,000 and 100,000 orders (make_data's databases).

    python tests/perf/bench.py [--pairs 11] [--sizes 1000,10000,100000] [--write]

Whole processes are timed in alternating pairs beside their floor (a minimal
Textual app), and the ratio is the median of the pairs' ratios, because these
machines are noisy. Keystrokes are timed inside the app, the worst beside the
median. --write replaces the Dashboard section of tests/perf/RESULTS.md. Not part
of `pytest`.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import fcntl
import json
import os
import pty
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import termios
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))

from make_data import CHATTY_ORDER, TODAY, database  # noqa: E402
from results import RESULTS, machine, pair_ratio, replace_section  # noqa: E402

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
            painted = time.perf_counter()  # before reacted(), which may read the screen
            if self.painted_at is None and self.reacted():
                self.painted_at = painted

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


# -- keystrokes, inside one running app ---------------------------------------------


async def keystrokes(path: Path, rounds: int) -> dict[str, list[float]]:
    """ms from each key press to the first frame painted after the app reacted, by
    kind of keystroke: each filter change, search under each filter, each sort key,
    opening the long-chat order, its chat tab, back, and a key 0.5 s after back."""
    sys.path.insert(0, str(ROOT / "tests"))
    from support.tui import screen_text, settle

    from aliret_tui.timesource import TimeSource
    from aliret_tui.tui.app import AliretApp
    from aliret_tui.tui.screens.dashboard import DashboardScreen
    from aliret_tui.tui.screens.detail import DetailScreen
    from aliret_tui.tui.view import Filter
    from aliret_tui.tui.widgets.chat_log import ChatLog
    from aliret_tui.tui.widgets.orders_table import OrdersTable

    frames = FrameClock()
    views_shown = counting_calls(DashboardScreen, "refresh_view")
    # A ticking clock, as users have.
    app = AliretApp(db_path=path, time=TimeSource(today_override=TODAY))
    times: dict[str, list[float]] = {}

    def after(counter: list[int], extra: Callable[[], bool] = lambda: True):
        seen = counter[0]
        return lambda: counter[0] > seen and extra()

    async def timed_key(kind: str, key: str, reacted: Callable[[], bool]) -> None:
        times.setdefault(kind, []).append(await frames.measure(pilot, key, reacted))

    started = time.perf_counter()
    async with app.run_test(size=(120, 36)) as pilot:
        dashboard = app.screen
        while not dashboard.loaded:
            await pilot.pause(0.01)
        times["every order read, from the app's start (once)"] = [
            (time.perf_counter() - started) * 1000
        ]
        await settle(pilot, app)
        await pilot.pause(1.0)  # past the tidy after loading
        table = dashboard.query_one(OrdersTable)

        async def set_filter(wanted: Filter) -> None:
            while dashboard.order_filter is not wanted:
                await pilot.press("f")
            await settle(pilot, app)

        for _ in range(rounds):  # every filter change, in the order f cycles
            for _ in Filter:
                following = dashboard.order_filter.next()
                await timed_key(f"filter → {following.value}", "f", after(views_shown))
        for chosen in Filter:  # search under each filter: type, then take it back
            await set_filter(chosen)
            await pilot.press("slash")
            for _ in range(-(-rounds // 8)):
                for key in [*"lamp", *["backspace"] * 4]:
                    await timed_key(f"search under {chosen.value}", key, after(views_shown))
            await pilot.press("escape", "escape")
            await settle(pilot, app)
        await set_filter(Filter.ALL)
        await pilot.press("tab") if not table.has_focus else None
        table.focus()
        for _ in range(-(-rounds // 7)):  # each sort key under "all", the first use too
            for _ in range(7):
                await timed_key("sort (s), all orders", "s", after(views_shown))
        for _ in range(rounds):
            await timed_key("reverse sort (S), all orders", "S", after(views_shown))
        await pilot.press("s")  # back to urgency
        await set_filter(Filter.ACTIVE)
        await settle(pilot, app)
        chatty = next(i for i, row in enumerate(table.rows) if row.order_id == CHATTY_ORDER)
        title = table.rows[chatty].title
        for _ in range(rounds):
            table.cursor = chatty
            await settle(pilot, app)
            await timed_key("open the order (2,000-message chat)", "enter",
                            lambda: isinstance(app.screen, DetailScreen)
                            and title in screen_text(app))  # fmt: skip
            await settle(pilot, app)
            chat = app.screen.query_one(ChatLog)
            chat_painted = lambda chat=chat: chat._layout_width == chat.line_width > 0  # noqa: E731
            await timed_key("chat tab (2,000 messages)", "3", chat_painted)
            await settle(pilot, app)
            await timed_key("back to the orders", "escape",
                            lambda: app.screen is dashboard)  # fmt: skip
            await pilot.pause(0.5)
            before = table.cursor
            await timed_key("key 0.5 s after coming back", "down",
                            lambda before=before: table.cursor != before)  # fmt: skip
            await pilot.pause(0.5)
    return times


def keystrokes_in_child(path: Path, rounds: int) -> dict[str, list[float]]:
    """Each size in its own process, so one app's memory and hooks don't reach the next."""
    done = subprocess.run(
        [PYTHON, __file__, "--keystrokes-of", str(path), "--pairs", str(rounds)],
        env=ENV, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.splitlines()[-1])


# -- whole processes ---------------------------------------------------------------------


def quit_while_loading(path: Path) -> float:
    """ms from pressing q, as soon as the first row is on screen (the other orders
    are still being read), to the process's exit."""
    return in_pty_quit([EXE, "--db", str(path), "--today", TODAY.isoformat()], b"Edit", b"q")


def minimal_quit() -> float:
    return in_pty_quit([PYTHON, "-c", MINIMAL_APP], b"hello minimal", b"\x11")


def in_pty_quit(command: list[str], marker: bytes, key: bytes) -> float:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))
    process = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, env=ENV,
                               close_fds=True, start_new_session=True)  # fmt: skip
    os.close(slave)
    seen = b""
    try:
        deadline = time.perf_counter() + 60
        while marker not in seen and time.perf_counter() < deadline:
            if select.select([master], [], [], 0.05)[0]:
                seen = (seen + os.read(master, 65536))[-200_000:]
        pressed = time.perf_counter()
        os.write(master, key)
        _drain(master, 30.0, until=lambda: process.poll() is not None)
        return (time.perf_counter() - pressed) * 1000
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        process.wait()
        os.close(master)


def write_csv(path: Path, count: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["order_id", "title", "price", "currency", "store", "delivered_on"])
        for index in range(count):
            delivered = TODAY - dt.timedelta(days=index % 14)
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


# -- the report --------------------------------------------------------------------------


def alternating(pairs: int, ours: Callable[[], float], floor: Callable[[], float]):
    """``pairs`` pairs, the floor first in even pairs and last in odd ones."""
    values, floors = [], []
    for pair in range(pairs):
        if pair % 2 == 0:
            floors.append(floor())
            values.append(ours())
        else:
            values.append(ours())
            floors.append(floor())
    return values, floors


def ms(value: float) -> str:
    return f"{value:,.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=11)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--write", action="store_true", help="save the Dashboard section")
    parser.add_argument("--keystrokes-of", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.keystrokes_of:
        print(json.dumps(asyncio.run(keystrokes(options.keystrokes_of, options.pairs))))
        return
    pairs = max(options.pairs, 11)
    sizes = [int(size) for size in options.sizes.split(",")]
    started = time.perf_counter()

    def log(text: str) -> None:
        print(f"[{time.perf_counter() - started:6.0f} s] {text}", file=sys.stderr, flush=True)

    subprocess.run([PYTHON, "-m", "compileall", "-q", str(ROOT / "aliret_tui")], env=ENV,
                   check=False, capture_output=True)  # fmt: skip
    today = ["--today", TODAY.isoformat()]
    processes: list[list[str]] = []
    keys: dict[str, dict[int, list[float]]] = {}
    for size in sizes:
        path = database(DATA, size)
        log(f"{size:,}: first row in a real terminal")
        values, floors = alternating(
            pairs,
            lambda path=path: in_pty([EXE, "--db", str(path), *today], b"Edit")[0],
            lambda: in_pty([PYTHON, "-c", MINIMAL_APP], b"hello minimal")[0],
        )
        ratio = pair_ratio(values, floors)
        processes.append([
            f"dashboard first row, real terminal, {size:,}", ms(statistics.median(values)),
            ms(max(values)), ms(statistics.median(floors)), f"{ratio:.2f}×", "≤ 1.6×",
            verdict(ratio <= 1.6)])  # fmt: skip
        log(f"{size:,}: q while loading")
        quits, quit_floors = [], []
        for pair in range(pairs):
            if pair % 2:
                quit_floors.append(minimal_quit())
            quits.append(quit_while_loading(path))
            if not pair % 2:
                quit_floors.append(minimal_quit())
        processes.append([
            f"q pressed as the first row shows, {size:,}",
            ms(statistics.median(quits)), ms(max(quits)),
            ms(statistics.median(quit_floors)), f"{pair_ratio(quits, quit_floors):.2f}×",
            "≤ 200 ms", verdict(max(quits) <= 200)])  # fmt: skip
        log(f"{size:,}: peak memory")
        peaks = [in_pty([EXE, "--db", str(path), *today], b"Edit", settle=3.0)[1]
                 for _ in range(3)]  # fmt: skip
        processes.append([f"peak RSS 3 s after the first row, {size:,}",
                          f"{statistics.median(peaks):.0f} MiB", f"{max(peaks):.0f} MiB",
                          "", "", "≤ 120 MiB", verdict(max(peaks) <= 120)])  # fmt: skip
        log(f"{size:,}: keystrokes")
        for kind, values in keystrokes_in_child(path, pairs).items():
            keys.setdefault(kind, {})[size] = values
    clocks = clocks_database(200)
    _, _, cpu = in_pty([EXE, "--db", str(clocks), *today], b"Edit", settle=3.0, linger=10.0)
    processes.append(["CPU while idle, 200 running countdowns", f"{cpu or 0:.1f} %", "", "",
                      "", "≤ 5%", verdict((cpu or 0) <= 5)])  # fmt: skip
    report = render(processes, keys, sizes)
    print(report)
    if options.write:
        replace_section("Dashboard", machine() + "\n\n" + report + "\n\n" + HOW_MEASURED)
        print(f"\nwrote the Dashboard section of {RESULTS}")
    log("done")


# Milliseconds, by the start of the keystroke's name; None: shown for scale only.
KEY_TARGETS = (("every order read", None), ("filter", 100), ("search", 100), ("sort", 150),
               ("reverse sort", 150), ("open", 100), ("chat", 100), ("back", 100),
               ("key 0.5 s", 100))  # fmt: skip


def key_target(kind: str) -> int | None:
    return next(limit for prefix, limit in KEY_TARGETS if kind.startswith(prefix))


def verdict(met: bool) -> str:
    return "met" if met else "**NOT MET**"


def render(processes: list[list[str]], keys: dict[str, dict[int, list[float]]],
           sizes: list[int]) -> str:  # fmt: skip
    lines = ["| measure | median | worst | floor (median) | ratio (median of pairs) | target |  |",
             "|---|---|---|---|---|---|---|"]  # fmt: skip
    lines += ["| " + " | ".join(cells) + " |" for cells in processes]
    lines += ["", "Keystrokes, key to painted frame, in ms: median / worst (samples).", ""]
    header = ["keystroke", *(f"{size:,} orders" for size in sizes), "target", ""]
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for kind, by_size in keys.items():
        limit = key_target(kind)
        cells = [kind]
        for size in sizes:
            values = by_size.get(size, [])
            cells.append(f"{statistics.median(values):.0f} / {max(values):.0f} ({len(values)})"
                         if values else "")  # fmt: skip
        worst = max(max(values) for values in by_size.values())
        judged = ["", ""] if limit is None else [f"≤ {limit} ms", verdict(worst <= limit)]
        lines.append("| " + " | ".join([*cells, *judged]) + " |")
    return "\n".join(lines)


HOW_MEASURED = """How each figure is measured:

- **First row, real terminal**: from starting `aliret-tui` in a 120x36
  pseudo-terminal until the footer's "Edit" (shown once a row is highlighted)
  reaches the terminal, against a minimal Textual app's text. The ratio is the
  median of each pair's ratio; pairs alternate which runs first.
- **q while loading**: q is written to the terminal as soon as the first row is
  shown (the rest of the orders are still being read at 100,000), until the process
  has exited; the floor is the minimal app quitting with ctrl+q. Every order is read
  only about 3 s after the start at 100,000 (the keystroke table's first row), so q
  comes mid-load there.
- **Peak RSS**: the process's high-water mark (`VmHWM`) 3 s after the first row.
- **Keystrokes**: inside one app per size (its own process), from the key press
  until the first frame painted after the app reacted (hooked on the screen's
  refresh, so Pilot's own waiting does not count), with a ticking clock. Filters:
  f pressed through every filter in turn. Search: "lamp" typed and taken back
  under each filter. Sort: s through every column from urgency, the first use of
  each included, and S. Order: enter on the order with the 2,000-message chat, 3
  for its chat tab, escape back, then down 0.5 s later (when the memory tidy after
  coming back runs), with no other pause.
- **Idle CPU**: 10 s of CPU time after the start-up has finished, 200 orders with
  running clocks.
"""


if __name__ == "__main__":
    main()
