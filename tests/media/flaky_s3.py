"""A real HTTP S3 endpoint that fails on demand: a loopback proxy in front of moto's server.

Every request is forwarded unchanged (Host header included, so SigV4 signatures still match);
a request matching a rule armed with `fail(...)` is answered `503 SlowDown` instead, as S3
does when it sheds load, until the rule has failed its number of times; one matching a rule
armed with `hang(...)` is read and never answered (an endpoint that stops responding) until
`reset()` lets it go unanswered, or, given `seconds`, answered that much later (a slow one).
Every request is recorded (method, path, time), so a test can count attempts and measure the
delays between them.
"""

import http.client
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

SLOW_DOWN = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b"<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"
)
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "upgrade"}


@dataclass
class _Rule:
    method: str
    path_contains: str
    remaining: int
    hang: bool = False
    seconds: float | None = None


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    at: float
    failed: bool


@dataclass
class FlakyS3:
    upstream: str
    rules: list[_Rule] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    released: threading.Event = field(default_factory=threading.Event)
    endpoint: str = ""

    def fail(self, *, method: str, path_contains: str, times: int) -> None:
        """Answer the next `times` requests `method` on a path containing `path_contains` with 503."""
        with self.lock:
            self.rules.append(_Rule(method.upper(), path_contains, times))

    def hang(self, *, method: str, path_contains: str, times: int, seconds: float | None = None) -> None:
        """Answer the next `times` requests `method` on a path containing `path_contains` never
        (until `reset()`), or only after `seconds`."""
        with self.lock:
            self.rules.append(_Rule(method.upper(), path_contains, times, hang=True, seconds=seconds))

    def reset(self) -> None:
        with self.lock:
            self.rules.clear()
            self.seen.clear()
            self.released.set()  # the hung requests end, unanswered
            self.released = threading.Event()

    def requests(self, method: str, path_contains: str) -> list[Seen]:
        with self.lock:
            return [s for s in self.seen if s.method == method.upper() and path_contains in s.path]

    def _rule_for(self, method: str, path: str) -> _Rule | None:
        with self.lock:
            for rule in self.rules:
                if rule.remaining > 0 and rule.method == method and rule.path_contains in path:
                    rule.remaining -= 1
                    return rule
            return None

    def _record(self, method: str, path: str, failed: bool) -> None:
        with self.lock:
            self.seen.append(Seen(method, path, time.monotonic(), failed))


def _handler(proxy: FlakyS3) -> type[BaseHTTPRequestHandler]:
    upstream = urlsplit(proxy.upstream)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def _body(self) -> bytes:
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                chunks = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                    chunk = self.rfile.read(size)
                    self.rfile.readline()
                    if size == 0:
                        break
                    chunks.append(chunk)
                return b"".join(chunks)
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def _handle(self) -> None:
            body = self._body()
            rule = proxy._rule_for(self.command, self.path)
            proxy._record(self.command, self.path, rule is not None and rule.seconds is None)
            if rule is not None and rule.hang:
                released = proxy.released
                if released.wait(timeout=rule.seconds or 600) or rule.seconds is None:
                    self.close_connection = True
                    return
                rule = None  # slow, then answered
            if rule is not None:
                self.send_response(503)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(SLOW_DOWN)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(SLOW_DOWN)
                return
            host = upstream.hostname or "127.0.0.1"
            connection = http.client.HTTPConnection(host, upstream.port, timeout=30)
            try:
                connection.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
                for name, value in self.headers.items():
                    if name.lower() not in _HOP_BY_HOP and name.lower() != "content-length":
                        connection.putheader(name, value)
                connection.putheader("Content-Length", str(len(body)))
                connection.endheaders(body)
                response = connection.getresponse()
                payload = response.read()
            finally:
                connection.close()
            self.send_response(response.status)
            for name, value in response.getheaders():
                if name.lower() not in _HOP_BY_HOP and name.lower() != "content-length":
                    self.send_header(name, value)
            length = response.getheader("Content-Length") if self.command == "HEAD" else None
            self.send_header("Content-Length", length or str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _handle

    return Handler


def run_flaky_s3(upstream: str) -> Iterator[FlakyS3]:
    """Serve the proxy on a free loopback port until the generator is closed."""
    proxy = FlakyS3(upstream=upstream)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(proxy))
    server.daemon_threads = True
    proxy.endpoint = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        server.shutdown()
        server.server_close()
