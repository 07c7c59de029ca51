"""A create that committed answers its client even when the idempotency record cannot be kept.

The record and the in-flight lock live in the cache; without Redis that is a table of the app's
database (`SharedDatabaseCache`), which may refuse a write after the create committed (SQLite
locked past its timeout, a PostgreSQL lock or statement timeout). Here another session holds
the cache table, on the suite's PostgreSQL, from the moment the create committed."""

import logging
from contextlib import ExitStack

import pytest
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory

from apps.core import errors
from apps.core.idempotency import idempotent
from apps.real_estates.models import RealEstate
from apps.users.models import User
from tests.sync.helpers import create
from tests.threads import table_held

KEY = "6f1c2a9e-5b0d-4c1e-9a57-0c9f2f4b8d31"


def _request(user: User) -> Request:
    posted = APIRequestFactory().post("/create", {"title": "Casa"}, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    request = Request(posted, parsers=[JSONParser()])
    request.user = user
    return request


def test_the_create_answers_when_the_cache_refuses_its_record_and_release(
    database_cache: None, collector: User, caplog: pytest.LogCaptureFixture
) -> None:
    held = ExitStack()

    def handler() -> Response:
        created = create(collector)  # committed
        held.enter_context(table_held("test_database_cache"))  # reads go on, writes wait
        return Response({"id": str(created.pk)}, status=201)

    def replay(pk: str) -> Response:
        return Response({"id": pk})

    caplog.set_level(logging.WARNING)
    with held:
        response = idempotent(_request(collector), scope="tests.create", handler=handler, replay=replay)

    assert response.status_code == 201  # was a 503 (OperationalError) for a create that happened
    assert RealEstate.objects.count() == 1
    assert "idempotency_lock_not_released" in caplog.text
    # The lock outlived the request (it could not be deleted): a retry meanwhile is told to wait,
    # and creates nothing (the window left is a retry after the lock expires, docs/adr/0045).
    with pytest.raises(errors.IdempotencyRequestInProgress):
        idempotent(_request(collector), scope="tests.create", handler=handler, replay=replay)
    assert RealEstate.objects.count() == 1
