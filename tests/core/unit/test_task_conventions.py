"""Beat's schedule names tasks that exist: a misspelt name would be sent and never run.
(Retries, late acknowledgement and time limits are exercised by a real worker in
tests/core/integration/test_celery_worker.py.)"""

import importlib

from celery import Task

from config.celery import app


def test_every_scheduled_task_is_a_registered_task() -> None:
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert scheduled
    for name in scheduled:
        module, _, attribute = name.rpartition(".")
        task = getattr(importlib.import_module(module), attribute)
        assert isinstance(task, Task)
        assert task.name == name
        assert name in app.tasks
