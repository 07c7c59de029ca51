"""A real Celery worker process on the Redis that `make test` starts, against the test database."""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from celery import Celery
from celery.result import AsyncResult, allow_join_result
from django.db import connections, transaction
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from apps.core.tasks import flush_expired_tokens
from apps.users.models import User
from config.celery import app as vivenda_app
from tests.users.factories import UserFactory


def wait_result(result: AsyncResult) -> Any:
    """The test process is not a worker, whatever an earlier test set in Celery's globals
    (an eager task leaves `task_join_will_block` on): waiting for a result is allowed here."""
    with allow_join_result():
        return result.get(timeout=60)


ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.redis


def _redis_url(db: int) -> str:
    base = os.environ.get("REDIS_URL")
    if not base:
        pytest.fail("These tests need the Redis that `make test` starts (REDIS_URL).")
    # Database 0 is the cache, which every test clears; the broker and results live elsewhere.
    return base.rsplit("/", 1)[0] + f"/{db}"


def _wait_for(predicate: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what}")


@pytest.fixture(scope="module")
def worker(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Celery]:
    """`celery -A config worker` in a subprocess; answers a client app on the same broker."""
    db = connections["default"].settings_dict
    broker, results = _redis_url(1), _redis_url(2)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": results,
        "MEDIA_ROOT": str(tmp_path_factory.mktemp("worker-media")),
    }
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    name = f"test-{uuid.uuid4().hex[:8]}@localhost"
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "prefork", "--concurrency", "1",
        "--loglevel", "INFO", "--include", "tests.core.celery_tasks", "--hostname", name,
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
    client = Celery("vivenda-test-client", broker=broker, backend=results)
    client.conf.broker_connection_retry_on_startup = True
    try:
        _wait_for(
            lambda: process.poll() is None and bool(client.control.ping([name], timeout=0.5)), "the worker"
        )
        yield client
    except AssertionError:
        raise AssertionError(log.read_text()) from None
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        client.close()


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
    """Points Vivenda's own Celery app at the test broker, as production settings would."""
    saved = {key: vivenda_app.conf[key] for key in ("task_always_eager", "broker_url")}
    vivenda_app.conf.update(task_always_eager=False, broker_url=worker.conf.broker_url)
    yield
    vivenda_app.conf.update(saved)


@pytest.mark.django_db(transaction=True)
def test_a_task_enqueued_in_a_transaction_is_sent_after_the_commit(app_on_broker: None) -> None:
    user = UserFactory()
    with transaction.atomic():
        token = _refresh_token(user, timezone.now() - timedelta(minutes=1))
        flush_expired_tokens.delay_on_commit()

    _wait_for(lambda: not OutstandingToken.objects.filter(pk=token.pk).exists(), "the worker to flush")


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

    _wait_for(lambda: marker.exists() and "start" in marker.read_text(), "the first run")
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
