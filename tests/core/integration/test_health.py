"""The probes: what they check, what they tell a caller (the failing components, nothing
else), and the per-process cache of the readiness answer."""

import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections
from rest_framework.test import APIClient

from apps.core import health
from apps.core.metrics import READINESS_CHECKS


def _checks_run(component: str, outcome: str) -> float:
    value: float = READINESS_CHECKS.labels(component, outcome)._value.get()
    return value


@pytest.mark.django_db
def test_live_answers_ok(api_client: APIClient) -> None:
    response = api_client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


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


@pytest.mark.django_db
def test_while_one_thread_checks_the_others_answer_the_previous_round(
    settings: Any, api_client: APIClient
) -> None:
    settings.HEALTH_READY_CACHE_SECONDS = 0
    assert api_client.get("/health/ready").status_code == 200  # a previous round: all passed
    runs = _checks_run("database", "success")
    with health.readiness_cache._lock:  # another thread's round, still running
        answer = api_client.get("/health/ready")
    assert answer.json() == {"status": "ok", "failing": []}
    assert _checks_run("database", "success") == runs  # answered without queueing or checking


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
