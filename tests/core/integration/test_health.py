"""The probes: what they check, what they tell a caller (the failing components, nothing
else), and the per-process cache of the readiness answer."""

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections
from django.test import Client
from rest_framework.test import APIClient

from apps.core import health
from tests.metrics import sample


def _checks_run(component: str, outcome: str) -> float:
    value: float = sample("vivenda_readiness_checks_total", component=component, outcome=outcome)
    return value


@pytest.mark.django_db
def test_live_answers_ok(api_client: APIClient) -> None:
    response = api_client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/health/live", "/health/ready"])
def test_a_probe_refuses_another_method_in_the_error_envelope(path: str) -> None:
    # With CSRF checked, as a real server does: the probes answered an HTML 403 CSRF page.
    client = Client(enforce_csrf_checks=True)
    for method in (client.post, client.put, client.delete):
        response = method(path)
        assert response.status_code == 405
        assert response.json()["error"]["code"] == "METHOD_NOT_ALLOWED"
        assert response["Allow"] == "GET, HEAD"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/health/live", "/health/ready"])
def test_a_probe_answers_head_as_get(path: str) -> None:
    assert Client().head(path).status_code == 200


@pytest.mark.django_db
def test_ready_checks_every_component_and_answers_only_that_all_pass(api_client: APIClient) -> None:
    before = {name: _checks_run(name, "success") for name in ("database", "cache", "storage")}
    response = api_client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "failing": []}
    for name, count in before.items():
        assert _checks_run(name, "success") == count + 1, name


@pytest.fixture
def unreachable_database(django_db_blocker: Any) -> Iterator[None]:
    """Points the default connection at a closed port: a real connection failure, not a mock."""
    connection = connections["default"]
    saved = dict(connection.settings_dict)
    with django_db_blocker.unblock():
        connection.close()
        connection.settings_dict["HOST"] = "127.0.0.1"
        connection.settings_dict["PORT"] = "9"
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)


def test_ready_names_the_failing_database_and_nothing_else(
    unreachable_database: None, api_client: APIClient, caplog: pytest.LogCaptureFixture
) -> None:
    failures = _checks_run("database", "failure")
    response = api_client.get("/health/ready")
    assert response.status_code == 503
    # No exception names, messages or timings for the caller...
    assert response.json() == {"status": "unavailable", "failing": ["database"]}
    # ...they go to the log and the metrics.
    logged = [r.msg for r in caplog.records if isinstance(r.msg, dict)]
    failed = [e for e in logged if e.get("event") == "readiness_check_failed"]
    assert [(e["component"], e["error"]) for e in failed] == [("database", "OperationalError")]
    assert "duration_ms" in failed[0]
    assert _checks_run("database", "failure") == failures + 1


@pytest.fixture(autouse=True)
def _no_cached_readiness() -> None:
    """Each test starts with no readiness answer kept from an earlier one (same process)."""
    health.readiness_cache.forget()


@pytest.mark.django_db
def test_each_process_answers_from_its_last_check_within_the_cache_window(
    settings: Any, api_client: APIClient
) -> None:
    settings.HEALTH_READY_CACHE_SECONDS = 60
    runs = _checks_run("database", "success")
    for _ in range(5):
        assert api_client.get("/health/ready").json() == {"status": "ok", "failing": []}
    assert _checks_run("database", "success") == runs + 1  # one round of checks for five probes


def test_a_failure_is_checked_again_once_the_window_has_passed(
    settings: Any, unreachable_database: None, api_client: APIClient
) -> None:
    settings.HEALTH_READY_CACHE_SECONDS = 60
    failures = _checks_run("database", "failure")
    assert api_client.get("/health/ready").status_code == 503
    assert api_client.get("/health/ready").status_code == 503
    assert _checks_run("database", "failure") == failures + 1
    settings.HEALTH_READY_CACHE_SECONDS = 0.05
    time.sleep(0.1)
    assert api_client.get("/health/ready").json() == {"status": "unavailable", "failing": ["database"]}
    assert _checks_run("database", "failure") == failures + 2


class HungBroker:
    """A broker that accepts connections and never answers, until `release()` drops them."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"redis://127.0.0.1:{self.server.getsockname()[1]}/1"
        self.peers: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                self.peers.append(self.server.accept()[0])

    def release(self) -> None:
        self.server.close()
        for peer in self.peers:
            peer.close()


@pytest.fixture
def hung_broker() -> Iterator[HungBroker]:
    broker = HungBroker()
    yield broker
    broker.release()


def ready_in_a_thread(answers: list[Any]) -> threading.Thread:
    """GET /health/ready from another thread (another request handler), on its own connection."""

    def get() -> None:
        try:
            answers.append(APIClient().get("/health/ready").json())
        finally:
            connections.close_all()

    thread = threading.Thread(target=get, daemon=True)
    thread.start()
    return thread


@pytest.mark.django_db
def test_while_one_thread_checks_the_others_answer_the_previous_round(
    settings: Any, api_client: APIClient, hung_broker: HungBroker
) -> None:
    settings.HEALTH_READY_CACHE_SECONDS = 0
    settings.HEALTH_CHECK_TIMEOUT_SECONDS = 8  # the hung round outlasts the test's questions
    assert api_client.get("/health/ready").json() == {"status": "ok", "failing": []}  # a previous round
    settings.CELERY_BROKER_URL = hung_broker.url
    slow: list[Any] = []
    thread = ready_in_a_thread(slow)  # a round that waits on the broker
    thread.join(timeout=2)
    assert thread.is_alive()
    # The previous round, at once: not queued behind the running one.
    assert api_client.get("/health/ready").json() == {"status": "ok", "failing": []}
    hung_broker.release()  # the broker goes away: the slow round ends, failing, within its timeout
    thread.join(timeout=30)
    assert slow == [{"status": "unavailable", "failing": ["broker"]}]


@pytest.mark.django_db
def test_a_broker_that_never_answers_fails_the_readiness_check_within_seconds(
    settings: Any, hung_broker: HungBroker
) -> None:
    # kombu's connect_timeout and ensure_connection(timeout=1) alone did not bound redis-py's
    # read of the reply: the readiness round waited for ever (fixed by the socket timeouts).
    settings.HEALTH_READY_CACHE_SECONDS = 0
    settings.HEALTH_CHECK_TIMEOUT_SECONDS = 1
    settings.CELERY_BROKER_URL = hung_broker.url
    answers: list[Any] = []
    thread = ready_in_a_thread(answers)
    thread.join(timeout=10)
    still_waiting = thread.is_alive()
    hung_broker.release()
    thread.join(timeout=10)
    assert not still_waiting, "after 10 s the readiness round still waits on the broker"
    assert answers == [{"status": "unavailable", "failing": ["broker"]}]


def test_live_does_not_need_the_database(unreachable_database: None, api_client: APIClient) -> None:
    assert api_client.get("/health/live").status_code == 200


@pytest.mark.urls("tests.core.urls")
def test_api_answers_503_in_the_envelope_when_the_database_is_down(
    unreachable_database: None, api_client: APIClient
) -> None:
    response = api_client.get("/api/v1/raise/query")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
    assert response["Retry-After"]
