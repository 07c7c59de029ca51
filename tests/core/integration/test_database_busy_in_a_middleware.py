"""A database that is busy when a middleware writes (the session saved after the view answered,
the admin's on a locked SQLite) answers 503 with `Retry-After`, as for a view: the error is
raised outside any view, where `DatabaseUnavailableMiddleware` never sees it, and Django's
500 handler answered it (an HTML or envelope 500)."""

from collections.abc import Iterator

import pytest
from django.test import Client

from tests.threads import table_held

pytestmark = pytest.mark.urls("tests.core.urls")


@pytest.fixture
def busy_sessions(transactional_db: None) -> Iterator[None]:
    """Another connection holds the sessions' table against writes (the view sets the timeout)."""
    with table_held("django_session", lock_timeout=None):
        yield


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
