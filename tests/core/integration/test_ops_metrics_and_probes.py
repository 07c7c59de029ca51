"""Task outcome signals, the worker's metrics endpoint and the broker probe."""

import os
import urllib.request
from types import SimpleNamespace
from typing import Any

import pytest
from celery import signals
from rest_framework.test import APIClient

from apps.core.tasks import flush_expired_tokens
from tests.core.redis_server import free_port
from tests.metrics import sample

TASK = "apps.core.tasks.flush_expired_tokens"


def _count(outcome: str, task: str = TASK) -> float:
    value: float = sample("vivenda_celery_tasks_total", task=task, outcome=outcome)
    return value


@pytest.mark.parametrize(
    ("signal", "outcome"),
    [(signals.task_failure, "failure"), (signals.task_retry, "retry"), (signals.task_revoked, "revoked")],
)
def test_each_task_outcome_is_counted(signal: Any, outcome: str) -> None:
    before = _count(outcome)
    signal.send(sender=flush_expired_tokens)
    assert _count(outcome) == before + 1


def test_a_rejected_message_is_counted_by_its_task_name() -> None:
    before = _count("rejected")
    signals.task_rejected.send(sender=None, message=SimpleNamespace(headers={"task": TASK}))
    assert _count("rejected") == before + 1


def test_a_worker_serves_its_metrics_on_the_configured_port(settings: Any) -> None:
    # The server lives (a daemon thread) until this test process ends, as in a worker.
    settings.CELERY_WORKER_METRICS_PORT = free_port()
    signals.worker_ready.send(sender=None)
    url = f"http://127.0.0.1:{settings.CELERY_WORKER_METRICS_PORT}/metrics"  # loopback by default
    with urllib.request.urlopen(url, timeout=5) as response:
        assert b"vivenda_celery_tasks_total" in response.read()


@pytest.mark.django_db
def test_ready_checks_the_broker_when_one_is_configured(settings: Any, api_client: APIClient) -> None:
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.fail("needs the Redis that `make test` starts (REDIS_URL)")
    settings.CELERY_BROKER_URL = redis_url.rsplit("/", 1)[0] + "/1"
    before = sample("vivenda_readiness_checks_total", component="broker", outcome="success")
    assert api_client.get("/health/ready").json() == {"status": "ok", "failing": []}
    assert sample("vivenda_readiness_checks_total", component="broker", outcome="success") == before + 1


@pytest.mark.django_db
def test_ready_names_the_broker_when_it_is_unreachable(
    settings: Any, api_client: APIClient, closed_port: int
) -> None:
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port}/1"
    response = api_client.get("/health/ready")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "failing": ["broker"]}
