"""A database that is busy when a middleware writes (the session saved after the view answered,
the admin's on a locked SQLite) answers 503 with `Retry-After`, as for a view: the error is
raised outside any view, where `DatabaseUnavailableMiddleware` never sees it, and Django's
500 handler answered it (an HTML or envelope 500)."""

import threading
from collections.abc import Iterator

import pytest
from django.db import connection, transaction
from django.test import Client

from tests.threads import in_background

pytestmark = pytest.mark.urls("tests.core.urls")


@pytest.fixture
def busy_sessions(transactional_db: None) -> Iterator[None]:
    """Another connection holds the sessions' table against writes."""
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("LOCK TABLE django_session IN EXCLUSIVE MODE")
            locked.set()
            release.wait(30)

    thread, _ = in_background(hold)
    assert locked.wait(10)
    try:
        yield
    finally:
        release.set()
        thread.join()
        connection.close()  # drops the view's lock timeout with the session


def test_a_page_whose_session_cannot_be_saved_answers_503(busy_sessions: None) -> None:
    response = Client(raise_request_exception=False).get("/session-write")

    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert "temporarily unavailable" in response.content.decode()
    assert response["X-Request-ID"]


def test_an_api_path_whose_session_cannot_be_saved_answers_the_envelope(busy_sessions: None) -> None:
    response = Client(raise_request_exception=False).get("/api/v1/session-write")

    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert response.json()["error"]["code"] == "SERVICE_UNAVAILABLE"


def test_any_other_error_outside_a_view_is_still_a_500(transactional_db: None) -> None:
    response = Client(raise_request_exception=False).get("/api/v1/raise/unexpected")

    assert response.status_code == 500
    assert response.json()["error"]["code"] == "INTERNAL_ERROR"
