"""docker/healthcheck.py, the container probe, against a real local HTTP server."""

import runpy
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "docker" / "healthcheck.py"


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        ok = self.path == "/health/live" and self.headers["Host"] == "api.vivenda.example"
        self.send_response(200 if ok else 400)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def app_port() -> Iterator[int]:
    server = HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    thread.join()


def _probe(monkeypatch: pytest.MonkeyPatch, port: int, path: str) -> int:
    monkeypatch.setenv("PORT", str(port))
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "api.vivenda.example,.vivenda.example")
    monkeypatch.setattr("sys.argv", ["healthcheck.py", path])
    with pytest.raises(SystemExit) as exit_:
        runpy.run_path(str(SCRIPT), run_name="__main__")
    code: int = exit_.value.code
    return code


def test_it_passes_when_the_app_answers_200_to_an_allowed_host(
    monkeypatch: pytest.MonkeyPatch, app_port: int
) -> None:
    assert _probe(monkeypatch, app_port, "/health/live") == 0


def test_it_fails_when_the_app_answers_an_error(monkeypatch: pytest.MonkeyPatch, app_port: int) -> None:
    assert _probe(monkeypatch, app_port, "/health/ready") == 1


def test_it_fails_when_nothing_listens(monkeypatch: pytest.MonkeyPatch, closed_port: int) -> None:
    assert _probe(monkeypatch, closed_port, "/health/live") == 1
