"""A loopback HTTP endpoint that records what a server under test posts to it."""

from __future__ import annotations

import contextlib
import http.server
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Delivery:
    path: str  # with the query string
    headers: dict[str, str]
    body: bytes


@dataclass
class EventSink:
    """Records every POST it receives and answers 200."""

    port: int = field(default_factory=free_port)
    deliveries: list[Delivery] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/callbacks"

    def wait_for(self, predicate, timeout: float = 10.0) -> list[Delivery]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(self.deliveries):
                return list(self.deliveries)
            time.sleep(0.05)
        raise AssertionError(f"the event handler did not deliver in time: {self.deliveries!r}")

    @contextlib.contextmanager
    def running(self) -> Iterator[EventSink]:
        sink = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                sink.deliveries.append(
                    Delivery(self.path, dict(self.headers), self.rfile.read(length))
                )
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()
