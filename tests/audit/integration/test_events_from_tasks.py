"""An event recorded by a task carries the task's id where a request's would carry the request id."""

from typing import Any

import pytest

from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from config.celery import app
from tests.users.factories import UserFactory


@app.task(name="tests.audit.record_from_a_task", bind=True)
def _record_from_a_task(self: Any, user_id: int) -> int:
    event = audit_record(actor=None, action="user.update", target_id=user_id)
    return event.pk


@pytest.mark.django_db
def test_an_event_recorded_inside_a_task_carries_the_task_id() -> None:
    user = UserFactory()

    event_id = _record_from_a_task.apply(args=(user.pk,), task_id="task-0123456789").get()

    assert AuditEvent.objects.get(pk=event_id).request_id == "task-0123456789"


@pytest.mark.django_db
def test_an_event_recorded_outside_a_request_and_a_task_has_no_request_id() -> None:
    user = UserFactory()

    event = audit_record(actor=None, action="user.update", target_id=user.pk)

    assert AuditEvent.objects.get(pk=event.pk).request_id is None
