"""A real Celery worker process on the Redis that `make test` starts, against the test database."""

import os
import signal
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from celery import Celery
from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from apps.core.tasks import flush_expired_tokens
from apps.users.models import User
from config.celery import app as vivenda_app
from tests.users.factories import UserFactory
from tests.worker import wait_for, wait_result

pytestmark = pytest.mark.redis


def _refresh_token(user: User, expires_at: Any) -> OutstandingToken:
    return OutstandingToken.objects.create(
        user=user, jti=uuid.uuid4().hex, token=f"token-{uuid.uuid4().hex}", expires_at=expires_at
    )


@pytest.mark.django_db(transaction=True)
def test_worker_flushes_expired_tokens_and_keeps_live_ones(worker: Celery) -> None:
    user = UserFactory()
    _refresh_token(user, timezone.now() - timedelta(days=1))
    live = _refresh_token(user, timezone.now() + timedelta(days=1))

    result = worker.send_task("apps.core.tasks.flush_expired_tokens")

    assert wait_result(result) == 1
    assert list(OutstandingToken.objects.values_list("pk", flat=True)) == [live.pk]


@pytest.fixture
def app_on_broker(worker: Celery) -> Iterator[None]:
    """Vivenda's Celery configuration pointed at the test broker, as production settings would,
    in an app of its own made current: Vivenda's app may already hold a connection pool built
    for the test settings (no broker), and shared tasks resolve to the current app."""
    on_broker = Celery("vivenda-on-broker", set_as_current=False)
    on_broker.config_from_object("django.conf:settings", namespace="CELERY")
    on_broker.conf.update(task_always_eager=False, broker_url=worker.conf.broker_url)
    on_broker.set_current()
    yield
    vivenda_app.set_current()


@pytest.mark.django_db(transaction=True)
def test_a_task_enqueued_in_a_transaction_is_sent_after_the_commit(app_on_broker: None) -> None:
    user = UserFactory()
    with transaction.atomic():
        token = _refresh_token(user, timezone.now() - timedelta(minutes=1))
        flush_expired_tokens.delay_on_commit()

    wait_for(lambda: not OutstandingToken.objects.filter(pk=token.pk).exists(), "the worker to flush")


@pytest.mark.django_db(transaction=True)
def test_a_task_enqueued_in_a_rolled_back_transaction_is_never_sent(
    app_on_broker: None, worker: Celery
) -> None:
    user = UserFactory()
    expired = _refresh_token(user, timezone.now() - timedelta(minutes=1))
    with transaction.atomic():
        flush_expired_tokens.delay_on_commit()
        transaction.set_rollback(True)
    # One worker process takes tasks in order: had the flush been sent, it would have run first.
    assert wait_result(worker.send_task("tests.echo", args=["after"])) == "after"
    assert OutstandingToken.objects.filter(pk=expired.pk).exists()


def test_a_task_whose_worker_process_dies_runs_again(worker: Celery, tmp_path: Path) -> None:
    marker = tmp_path / "runs.txt"
    result = worker.send_task("tests.hang_once", args=[str(marker)])

    wait_for(lambda: marker.exists() and "start" in marker.read_text(), "the first run")
    pid = int(marker.read_text().split()[1])
    os.kill(pid, signal.SIGKILL)  # acks_late + reject_on_worker_lost: the message goes back

    assert wait_result(result) == 2
    assert marker.read_text().count("start") == 2
    assert marker.read_text().count("done") == 1


def test_a_transient_failure_is_retried_with_backoff_until_it_succeeds(
    worker: Celery, tmp_path: Path
) -> None:
    marker = tmp_path / "attempts.txt"
    result = worker.send_task("tests.flaky", args=[str(marker), 2])
    assert wait_result(result) == 3


def test_a_programming_error_is_not_retried(worker: Celery, tmp_path: Path) -> None:
    marker = tmp_path / "attempts.txt"
    result = worker.send_task("tests.broken", args=[str(marker)])
    with pytest.raises(ValueError, match="a bug"):
        wait_result(result)
    assert marker.read_text().count("attempt") == 1
