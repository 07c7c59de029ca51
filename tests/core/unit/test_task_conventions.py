"""Every task inherits the retry, time-limit and late-ack conventions; beat holds the schedule."""

from django.conf import settings
from django.db import OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError

from apps.core.tasks import flush_expired_tokens
from config.celery import BEAT_SCHEDULE, BaseTask, app


def test_tasks_retry_transient_failures_with_backoff() -> None:
    task = app.tasks[flush_expired_tokens.name]
    assert isinstance(task, BaseTask)
    assert OperationalError in task.autoretry_for
    assert RedisConnectionError in task.autoretry_for
    assert task.retry_backoff is True
    assert task.max_retries == 5


def test_tasks_are_time_limited_and_acknowledged_late() -> None:
    assert settings.CELERY_TASK_TIME_LIMIT > settings.CELERY_TASK_SOFT_TIME_LIMIT > 0
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_beat_runs_media_gc_token_flush_and_export_purge_daily() -> None:
    tasks = {entry["task"] for entry in BEAT_SCHEDULE.values()}
    assert tasks == {
        "apps.media.tasks.gc_media",
        "apps.core.tasks.flush_expired_tokens",
        "apps.real_estates.tasks.purge_old_exports",
        "apps.sync.tasks.purge_sync_log",
    }
    assert app.conf.beat_schedule == BEAT_SCHEDULE
