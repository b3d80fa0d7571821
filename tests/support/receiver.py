"""A real HTTP receiver on 127.0.0.1 for Apprise's ``json://`` and ``form://`` targets:
it records every notification posted to it, and answers 500 on the paths told to
fail. Nothing leaves the machine."""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


@dataclass(frozen=True)
class Arrival:
    path: str
    kind: str  # "json" or "form"
    title: str
    body: str


class Receiver:
    def __init__(self) -> None:
        self.arrivals: list[Arrival] = []
        self.failing: set[str] = set()
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8")
                path = self.path.split("?")[0].strip("/")
                if "json" in (self.headers.get("Content-Type") or ""):
                    data = json.loads(raw)
                    arrival = Arrival(path, "json", data["title"], data["message"])
                else:
                    fields = {key: values[0] for key, values in parse_qs(raw).items()}
                    arrival = Arrival(path, "form", fields.get("title", ""), fields["message"])
                with receiver._lock:
                    receiver.arrivals.append(arrival)
                self.send_response(500 if path in receiver.failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str, scheme: str = "json", query: str = "") -> str:
        return f"{scheme}://127.0.0.1:{self.port}/{path}" + (f"?{query}" if query else "")

    def take(self, path: str | None = None) -> list[Arrival]:
        """What arrived (at ``path``, or anywhere) since the last take."""
        with self._lock:
            taken = [a for a in self.arrivals if path is None or a.path == path]
            self.arrivals = [a for a in self.arrivals if a not in taken]
        return taken

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def unused_port() -> int:
    """A localhost port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
