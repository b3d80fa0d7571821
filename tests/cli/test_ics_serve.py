"""`aliret-tui ics --serve`: a real server process on a free port, asked by a real HTTP
client (urllib, with no proxy), then stopped with Ctrl-C (SIGINT) or SIGTERM."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import socket
import sqlite3
import stat
import subprocess
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import icalendar
import ics
import pytest
from support.cli import EXE, TODAY

from aliret_tui.ical.serve import BuildFailed, start_server

ADDRESS = re.compile(r"^  (webcal://(\S+):(\d+)/aliret\.ics\?token=([A-Za-z0-9_-]+))$", re.M)
CLIENT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never a proxy


@dataclass
class Served:
    process: subprocess.Popen
    out: str  # what it printed on starting
    host: str
    port: int
    token: str
    err: str = ""  # its log, once stopped

    def url(self, path: str = "/aliret.ics", token: str | None = None) -> str:
        query = "" if token == "" else f"?token={self.token if token is None else token}"
        return f"http://127.0.0.1:{self.port}{path}{query}"


def fetch(url: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, method=method)
    try:
        with CLIENT.open(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as refused:
        return refused.code, dict(refused.headers), refused.read()


@contextmanager
def serving(db: Path, *args: str, stop: int = signal.SIGINT) -> Iterator[Served]:
    """``aliret-tui ics --serve --port 0 ARGS``, until the block ends."""
    process = subprocess.Popen(
        [EXE, "--db", str(db), "--today", TODAY, "ics", "--serve", "--port", "0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
    )  # fmt: skip
    assert process.stdout is not None
    printed = []
    for line in process.stdout:
        printed.append(line)
        if line.startswith("Press Ctrl-C"):
            break
    out = "".join(printed)
    found = ADDRESS.search(out)
    if found is None:
        process.kill()
        raise AssertionError(f"no address printed: {out!r} {process.communicate()[1]!r}")
    served = Served(process, out, found[2], int(found[3]), found[4])
    try:
        yield served
    finally:
        process.send_signal(stop)
        rest, served.err = process.communicate(timeout=30)
        served.out += rest
    assert process.returncode == 0, served.err


def uids(body: bytes) -> set[str]:
    """The events' UIDs, parsed by icalendar and, to the same set, by ics-py."""
    text = body.decode("utf-8")
    found = {str(e["uid"]) for e in icalendar.Calendar.from_ical(text).walk("VEVENT")}
    assert {event.uid for event in ics.Calendar(text).events} == found
    return found


def token_file() -> Path:
    return Path(os.environ["ALIRET_TUI_CONFIG_DIR"]) / "calendar-token"


@pytest.fixture
def orders(cli, db) -> Path:
    cli.add("LAMP", "--delivered", "2026-03-01", title="Lamp")
    cli.add("CASE", "--delivered", "2026-03-05", title="Phone case")
    return db


def test_a_calendar_app_subscribes_and_each_request_is_fresh(cli, orders):
    with serving(orders) as served:
        assert served.host == "127.0.0.1"
        assert f"http://127.0.0.1:{served.port}/aliret.ics?token={served.token}" in served.out
        status, headers, body = fetch(served.url())
        assert status == 200
        assert headers["Content-Type"] == "text/calendar; charset=utf-8"
        assert int(headers["Content-Length"]) == len(body)
        assert body.endswith(b"END:VCALENDAR\r\n")
        assert uids(body) == {"LAMP-inspection@aliret-tui", "CASE-inspection@aliret-tui"}
        assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in body.decode()

        cli.add("NEW", "--delivered", "2026-03-09", title="Added while serving")
        assert "NEW-inspection@aliret-tui" in uids(fetch(served.url())[2])
        assert cli("event", "LAMP", "keep").code == 0
        fresh = fetch(served.url())[2].decode()
        cancelled = icalendar.Calendar.from_ical(fresh).walk("VEVENT")
        lamp = next(e for e in cancelled if str(e["uid"]) == "LAMP-inspection@aliret-tui")
        assert str(lamp["status"]) == "CANCELLED"  # it had been served, so it is cancelled
        assert lamp.decoded("dtstart") == dt.date(2026, 3, 16)

        assert fetch(served.url(token=""))[0] == 403
        assert fetch(served.url(token="x" * 32))[0] == 403
        assert fetch(served.url(token=served.token[:-1]))[0] == 403
        assert fetch(served.url("/other.ics"))[0] == 404
        assert fetch(served.url("/"))[0] == 404
        head = fetch(served.url(), "HEAD")
        assert (head[0], head[2]) == (200, b"")
    conn = sqlite3.connect(orders)
    try:
        recorded = {row[0] for row in conn.execute("SELECT uid FROM calendar_published")}
    finally:
        conn.close()
    assert recorded == {f"{name}-inspection@aliret-tui" for name in ("LAMP", "CASE", "NEW")}
    assert served.err.strip().endswith("Stopped.")
    assert served.token not in served.err  # the log never shows the address's secret
    assert "GET /aliret.ics: 200 OK, 2 deadlines" in served.err
    assert "GET /aliret.ics: 403 Forbidden" in served.err
    assert "GET /other.ics: 404 Not Found" in served.err


def test_the_token_is_private_stable_and_can_be_replaced(orders):
    with serving(orders) as first:
        pass
    assert stat.S_IMODE(token_file().stat().st_mode) == 0o600
    assert token_file().read_text().strip() == first.token
    assert str(token_file()) in first.out
    with serving(orders, stop=signal.SIGTERM) as again:  # SIGTERM stops it cleanly too
        assert again.token == first.token  # the subscribed address keeps working
        assert fetch(again.url())[0] == 200
    with serving(orders, "--new-token") as renewed:
        assert renewed.token != first.token
        assert fetch(renewed.url(token=first.token))[0] == 403
        assert fetch(renewed.url())[0] == 200
    given = "given-token-0123456789"
    with serving(orders, "--token", given) as chosen:
        assert chosen.token == given
        assert fetch(chosen.url())[0] == 200
    assert token_file().read_text().strip() == renewed.token  # a given token is not kept


def test_another_host_is_served_with_a_warning(orders):
    with serving(orders, "--host", "0.0.0.0") as served:
        assert served.host == socket.gethostname()
        assert fetch(served.url())[0] == 200  # reachable on loopback too
    assert "aliret-tui: warning: --host 0.0.0.0: anyone who can reach this machine" in served.err


def test_a_port_in_use_is_refused_with_the_option_named(cli, orders, one_error_line):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli("ics", "--serve", "--port", str(port))
    one_error_line(result, f"--port: {port} is already in use on 127.0.0.1")


def test_a_calendar_that_cannot_be_built_is_a_500_and_is_logged():
    logged: list[str] = []

    def failing() -> tuple[bytes, int]:
        raise BuildFailed("/data/aliret.db: cannot be read (disk I/O error)")

    server = start_server("127.0.0.1", 0, "t" * 16, failing, logged.append)
    worker = threading.Thread(target=server.serve_forever, daemon=True)
    worker.start()
    try:
        status, _, body = fetch(f"http://127.0.0.1:{server.port}/aliret.ics?token={'t' * 16}")
    finally:
        server.shutdown()
        server.server_close()
    assert (status, body) == (500, b"The calendar could not be built\n")
    assert logged[-1] == "aliret-tui: error: /data/aliret.db: cannot be read (disk I/O error)"


def test_ctrl_c_stops_it_even_when_started_ignoring_and_blocking_ctrl_c(orders):
    """A shell or job runner may start it with SIGINT ignored or blocked (inherited)."""

    def deaf_to_ctrl_c() -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})

    process = subprocess.Popen(
        [EXE, "--db", str(orders), "--today", TODAY, "ics", "--serve", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
        preexec_fn=deaf_to_ctrl_c,
    )  # fmt: skip
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("Press Ctrl-C"):
            break
    process.send_signal(signal.SIGINT)
    try:
        _, err = process.communicate(timeout=20)
    finally:
        process.kill()
    assert process.returncode == 0 and err.strip().endswith("Stopped.")
