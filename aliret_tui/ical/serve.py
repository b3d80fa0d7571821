"""``aliret-tui ics --serve``: the calendar over HTTP, for a desktop calendar to
subscribe to and stay current.

- Only ``/aliret.ics`` is served (404 for anything else), and only with the token
  in its address (403 without it). Each request builds the calendar afresh.
- The token comes from ``secrets`` and is kept 0600 in the config folder, so the
  subscribed address stays the same from one run to the next.
- Nothing about a request is logged as it came: the log names the path without
  its query (which holds the token), cleaned of control characters.
"""

from __future__ import annotations

import errno
import ipaddress
import re
import secrets
import socket
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from aliret_tui.errors import UserError
from aliret_tui.files import make_private_folder, write_private_file
from aliret_tui.sanitize import outgoing
from aliret_tui.terminal_cells import shorten

CALENDAR_PATH = "/aliret.ics"
TOKEN_FILE = "calendar-token"
TOKEN_RULE = "16 to 128 letters, digits, '-' or '_'"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,128}$")
REQUEST_TIMEOUT_S = 30  # a client that stops sending does not hold a thread for ever

# build() -> (the calendar's bytes, the number of deadlines in it)
Builder = Callable[[], tuple[bytes, int]]
Logger = Callable[[str], None]


class BuildFailed(Exception):
    """The calendar could not be built; the message is for the user (shown in the log)."""


def is_valid_token(token: str) -> bool:
    return _TOKEN.match(token) is not None


def stored_token(folder: Path, *, renew: bool = False) -> str:
    """The token kept in ``folder``, made (0600) on first use or when ``renew``."""
    path = folder / TOKEN_FILE
    if not renew:
        try:
            token = path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            token = ""
        except (OSError, UnicodeDecodeError) as error:
            why = getattr(error, "strerror", None) or "not text"
            raise UserError(f"{path}: cannot be read ({why})") from None
        if token:
            if not is_valid_token(token):
                raise UserError(
                    f"{path}: is not a valid token ({TOKEN_RULE}); use --new-token to replace it"
                )
            return token
    token = secrets.token_urlsafe(24)
    try:
        make_private_folder(folder)
    except OSError as error:
        raise UserError(f"{folder}: cannot be created ({error.strerror})") from None
    write_private_file(path, token + "\n")
    return token


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class CalendarServer(ThreadingHTTPServer):
    """Serves the one calendar; ``build`` makes its bytes, ``log`` prints a line."""

    daemon_threads = True

    def __init__(
        self, host: str, port: int, token: str, build: Builder, log: Callable[[str], None]
    ):
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.token = token
        self.build = build
        self.log = log
        super().__init__((host, port), _CalendarRequest)

    @property
    def port(self) -> int:
        return self.server_address[1]


def start_server(host: str, port: int, token: str, build: Builder, log: Logger) -> CalendarServer:
    """A server listening on ``host:port`` (port 0: any free port); refusals name the option."""
    try:
        return CalendarServer(host, port, token, build, log)
    except socket.gaierror:
        raise UserError(f"--host: {host!r} is not an address of this machine") from None
    except OverflowError:
        raise UserError(f"--port: must be from 0 to 65535 (got {port})") from None
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise UserError(
                f"--port: {port} is already in use on {host}; choose another with --port N"
            ) from None
        if error.errno in (errno.EACCES, errno.EPERM):
            raise UserError(
                f"--port: {port} needs special rights on this machine; choose one above 1023"
            ) from None
        raise UserError(f"--host: cannot listen on {host} ({error.strerror})") from None


def subscription_address(server: CalendarServer, host: str, scheme: str = "webcal") -> str:
    """The address to subscribe to. A wildcard host is named by this machine's name."""
    shown_host = socket.gethostname() if host in ("0.0.0.0", "::", "") else host
    if ":" in shown_host:
        shown_host = f"[{shown_host}]"
    return f"{scheme}://{shown_host}:{server.port}{CALENDAR_PATH}?token={server.token}"


class _CalendarRequest(BaseHTTPRequestHandler):
    server: CalendarServer
    server_version = "aliret-tui"
    sys_version = ""
    timeout = REQUEST_TIMEOUT_S

    def do_GET(self) -> None:  # the name http.server calls
        self._answer(with_body=True)

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def _answer(self, *, with_body: bool) -> None:
        address = urlsplit(self.path)
        if address.path != CALENDAR_PATH:
            self._refuse(HTTPStatus.NOT_FOUND, "Not found: the calendar is at /aliret.ics")
            return
        given = parse_qs(address.query).get("token", [""])[0]
        if not secrets.compare_digest(given.encode(), self.server.token.encode()):
            self._refuse(HTTPStatus.FORBIDDEN, "Forbidden: use the address aliret-tui printed")
            return
        if not with_body:
            self._note(HTTPStatus.OK, "")
            self._headers(HTTPStatus.OK, "text/calendar; charset=utf-8", None)
            return
        try:
            body, count = self.server.build()
        except BuildFailed as error:
            self._refuse(HTTPStatus.INTERNAL_SERVER_ERROR, "The calendar could not be built")
            self.server.log(f"aliret-tui: error: {error}")
            return
        self._note(HTTPStatus.OK, f", {count} deadline{'s' if count != 1 else ''}")
        self._headers(HTTPStatus.OK, "text/calendar; charset=utf-8", len(body))
        self.wfile.write(body)

    def _refuse(self, status: HTTPStatus, message: str) -> None:
        body = (message + "\n").encode()
        self._note(status, "")
        self._headers(status, "text/plain; charset=utf-8", len(body))
        if self.command != "HEAD":
            self.wfile.write(body)

    def _headers(self, status: HTTPStatus, kind: str, length: int | None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()

    def _note(self, status: HTTPStatus, detail: str) -> None:
        """The request's log line, printed before the answer goes: a client that
        stops the server once answered never finds its line after "Stopped."."""
        where = shorten(outgoing(urlsplit(self.path).path, one_line=True), 60)
        self.server.log(
            f"{self.log_date_time_string()} {self.client_address[0]} {self.command} {where}: "
            f"{status.value} {status.phrase}{detail}"
        )

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Silenced: the standard log prints the request line, token and all."""
