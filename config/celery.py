"""The Celery application: configured from Django settings (CELERY_*), tasks found in each app.

With no broker configured (the local default) CELERY_TASK_ALWAYS_EAGER runs tasks in-process.
Every task derives from `BaseTask`: it retries transient failures (database, Redis, S3 network
errors) with exponential backoff and jitter, and inherits the global time limits and
`acks_late` + `reject_on_worker_lost`, so a task must be idempotent (see docs/adr/0041).
Enqueue from services with `task.delay_on_commit(...)`, never inside an open transaction.
Tasks bind to this app with `@app.task` (their module imports it): nothing else loads Celery in a
web worker (docs/adr/0082).
"""

import os
from typing import Any

from celery import Celery
from celery.contrib.django.task import DjangoTask
from celery.schedules import crontab

from apps.core import task_metrics

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

# Failures worth retrying: the other side may be back in a moment. Programming errors are not.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (ConnectionError, TimeoutError)


def _transient_errors() -> tuple[type[BaseException], ...]:
    from botocore.exceptions import ConnectionError as BotoConnectionError
    from django.db import InterfaceError, OperationalError
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return (
        *TRANSIENT_ERRORS,
        OperationalError,
        InterfaceError,
        RedisConnectionError,
        RedisTimeoutError,
        BotoConnectionError,
    )


class BaseTask(DjangoTask[Any, Any]):
    """Retry transient failures with backoff (1 s, 2 s, 4 s ... capped at 10 min), 5 times at most."""

    autoretry_for = _transient_errors()
    retry_backoff = True
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 5


app = Celery("vivenda", task_cls=BaseTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
task_metrics.connect_signals()

# Beat's schedule. Times are UTC; each job is idempotent, so a late or repeated run is harmless.
BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "gc-media-daily": {
        "task": "apps.media.tasks.gc_media",
        "schedule": crontab(hour=3, minute=15),
        "options": {"expires": 6 * 3600},
    },
    "flush-expired-tokens-daily": {
        "task": "apps.core.tasks.flush_expired_tokens",
        "schedule": crontab(hour=3, minute=45),
        "options": {"expires": 6 * 3600},
    },
    "purge-old-exports-daily": {
        "task": "apps.real_estates.tasks.purge_old_exports",
        "schedule": crontab(hour=4, minute=15),
        "options": {"expires": 6 * 3600},
    },
    "purge-sync-log-daily": {
        "task": "apps.sync.tasks.purge_sync_log",
        "schedule": crontab(hour=4, minute=30),
        "options": {"expires": 6 * 3600},
    },
    "clear-expired-sessions-daily": {
        "task": "apps.core.tasks.clear_expired_sessions",
        "schedule": crontab(hour=4, minute=45),
        "options": {"expires": 6 * 3600},
    },
}
app.conf.beat_schedule = BEAT_SCHEDULE
