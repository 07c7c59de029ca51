"""Effects after commit: a write its caller rolls back leaves no event, logs nothing that says
it happened, counts nothing and enqueues nothing. The same write committed does all of it
(so each assertion could fail)."""

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from celery.signals import task_prerun
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.media.models import Photo
from apps.media.services import photo_upload
from apps.real_estates.models import RealEstate
from apps.real_estates.services import real_estate_create
from apps.users.models import Role
from apps.users.services import user_update, user_update_profile
from tests.media import samples
from tests.metrics import sample
from tests.real_estates.factories import RealEstateFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)  # real commits and rollbacks


class CallerFailed(Exception):
    """Raised by the caller after the service returned, inside the caller's transaction."""


@pytest.fixture
def tasks_run() -> Iterator[list[str]]:
    """Names of the Celery tasks that start (in-process here: no broker in tests)."""
    started: list[str] = []

    def record(sender: Any = None, **kwargs: Any) -> None:
        started.append(sender.name)

    task_prerun.connect(record, weak=False)
    yield started
    task_prerun.disconnect(record)


def logged_events(caplog: pytest.LogCaptureFixture) -> str:
    return " ".join(str(record.msg) for record in caplog.records)


@pytest.mark.parametrize("commit", [False, True])
def test_a_user_change_is_logged_and_recorded_only_if_it_commits(
    commit: bool, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    admin, target = UserFactory(role=Role.ADMIN), UserFactory(role=Role.COLLECTOR)
    try:
        with transaction.atomic():
            user_update(user=target, actor=admin, is_active=False)
            user_update_profile(user=admin, name="Outro Nome")
            if not commit:
                raise CallerFailed
    except CallerFailed:
        pass

    logged = logged_events(caplog)
    for event in ("user_tokens_revoked", "user_updated", "profile_updated"):
        assert (event in logged) is commit
    assert AuditEvent.objects.count() == (2 if commit else 0)


@pytest.mark.parametrize("commit", [False, True])
def test_an_upload_counts_logs_and_enqueues_its_thumbnails_only_if_it_commits(
    commit: bool, caplog: pytest.LogCaptureFixture, tasks_run: list[str]
) -> None:
    caplog.set_level(logging.INFO)
    collector = UserFactory(role=Role.COLLECTOR)
    draft = RealEstateFactory(collected_by=collector)
    uploaded_before = sample("vivenda_upload_bytes_total")
    data = samples.image_bytes("PNG", size=(30, 20))
    try:
        with transaction.atomic():
            photo_upload(real_estate=draft, actor=collector, file=SimpleUploadedFile("a.png", data))
            if not commit:
                raise CallerFailed
    except CallerFailed:
        pass

    assert ("photo_uploaded" in logged_events(caplog)) is commit
    assert (sample("vivenda_upload_bytes_total") > uploaded_before) is commit
    assert ("apps.media.tasks.generate_thumbnails" in tasks_run) is commit
    assert Photo.objects.exists() is commit
    assert AuditEvent.objects.filter(action="photo.add").exists() is commit


def test_a_rolled_back_creation_leaves_no_event() -> None:
    collector = UserFactory(role=Role.COLLECTOR)
    try:
        with transaction.atomic():
            _create_draft(collector)
            raise CallerFailed
    except CallerFailed:
        pass
    assert not RealEstate.objects.exists()
    assert not AuditEvent.objects.exists()


def _create_draft(collector: Any) -> None:
    fields = {"title": "Casa", "kind": "house", "purpose": "sale", "price": 1, "area_m2": 10,
              "zip_code": "01001000", "street": "Praça da Sé", "number": "1", "neighborhood": "Sé",
              "city": "São Paulo", "state": "SP"}  # fmt: skip
    real_estate_create(actor=collector, fields=fields)


def test_an_event_cannot_be_recorded_outside_the_transaction_of_its_write() -> None:
    with pytest.raises(RuntimeError):
        audit_record(actor=None, action="user.update", target_id="x")
    assert not AuditEvent.objects.exists()
