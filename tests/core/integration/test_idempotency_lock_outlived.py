"""A create that runs longer than the idempotency lock's lifetime keeps its key: a retry with the
same key is answered 409 IDEMPOTENCY_REQUEST_IN_PROGRESS until it finishes, then replays it; it
never runs the create a second time. On the suite's PostgreSQL, the create waiting for the actor's
row (which another session holds, as an erasure or a rename does) past the lock's lifetime, with
Redis and with the database cache (`SharedDatabaseCache`) as the shared cache."""

import time
from typing import Any

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from apps.core import idempotency
from apps.real_estates.models import RealEstate
from apps.users.models import User
from tests.conftest import bearer_client
from tests.real_estates.helpers import PAYLOAD, URL
from tests.threads import in_background, wait_for_a_lock_wait

pytestmark = pytest.mark.django_db(transaction=True)

KEY = "6f1c2a9e-5b0d-4c1e-9a57-0c9f2f4b8d31"
LIFETIME = 3  # seconds: the database cache keeps whole seconds, and the renewer ticks each second


@pytest.fixture(params=["redis", "database"])
def shared_cache(request: pytest.FixtureRequest) -> None:
    if request.param == "database":
        request.getfixturevalue("database_cache")


def _post(client: APIClient) -> Any:
    return client.post(URL, PAYLOAD, format="json", HTTP_IDEMPOTENCY_KEY=KEY)


def test_a_retry_while_a_create_outlives_the_lock_lifetime_waits_for_it(
    shared_cache: None, collector: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(idempotency, "LOCK_SECONDS", LIFETIME)
    first_client, retry_client = bearer_client(collector), bearer_client(collector)

    with transaction.atomic():
        User.objects.select_for_update().get(pk=collector.pk)  # the create waits for this row
        first, first_outcome = in_background(lambda: _post(first_client))
        wait_for_a_lock_wait()
        time.sleep(LIFETIME * 2)  # the first request has held its key longer than the lifetime
        retry, retry_outcome = in_background(lambda: _post(retry_client))
        retry.join(timeout=5)  # answered at once, or waiting for the same row as the first

    first.join(timeout=30)
    retry.join(timeout=30)
    assert not first.is_alive()
    assert not retry.is_alive()
    assert first_outcome[0].status_code == 201, first_outcome
    assert retry_outcome[0].status_code == 409, retry_outcome[0].content
    assert retry_outcome[0].json()["error"]["code"] == "IDEMPOTENCY_REQUEST_IN_PROGRESS"
    assert RealEstate.objects.count() == 1

    replayed = _post(retry_client)  # once the first has finished: its answer
    assert replayed.status_code == 201
    assert replayed["Idempotent-Replayed"] == "true"
    assert replayed.json()["id"] == first_outcome[0].json()["id"]
    assert RealEstate.objects.count() == 1
