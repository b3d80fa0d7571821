"""Shared by the benchmark scripts: the machine they ran on, per-pair ratios, and
writing one section of RESULTS.md without touching the others."""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import statistics
import subprocess
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
TITLE = "# Benchmark results\n"


def machine() -> str:
    """When and where: the line every section opens with."""
    return (
        f"Measured {dt.datetime.now():%Y-%m-%d %H:%M} on {platform.system()} "
        f"{platform.release()}, {platform.machine()}, {os.cpu_count()} cores (nproc "
        f"{len(os.sched_getaffinity(0))}), Python {platform.python_version()}; the machine "
        "runs other work at the same time."
    )


def pair_ratio(values: list[float], floors: list[float]) -> float:
    """The median of each pair's value / floor (pairs measured one after the other)."""
    return statistics.median(value / floor for value, floor in zip(values, floors, strict=True))


def replace_section(heading: str, body: str) -> None:
    """Write ``## heading`` with ``body`` into RESULTS.md, in place of the section of
    that name (up to the next ``## ``), or at the end; the other sections stay."""
    section = f"## {heading}\n\n{body.strip()}\n"
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else TITLE
    start = re.search(rf"^## {re.escape(heading)}\s*$", text, flags=re.MULTILINE)
    if start is None:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        following = re.search(r"^## ", text[start.end() :], flags=re.MULTILINE)
        end = start.end() + following.start() if following else len(text)
        rest = text[end:]
        text = text[: start.start()] + section + ("\n" + rest if rest else "")
    RESULTS.write_text(text, encoding="utf-8")


def run_process(
    command: list[str],
    env: dict[str, str],
    *,
    any_stderr_fails: bool = False,
    exit_codes: tuple[int, ...] = (0,),
) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB, the child's own ``ru_maxrss``) of one whole
    process; it must end with one of ``exit_codes`` (`check` says 1 when something
    is due) and, with ``any_stderr_fails``, print no error."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    assert process.stderr is not None
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    errors = process.stderr.read().decode("utf-8", "replace")
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) not in exit_codes or (any_stderr_fails and errors):
        raise RuntimeError(f"{' '.join(command[:8])}… failed:\n{errors[-2000:]}")
    return seconds, usage.ru_maxrss / 1024
