from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections
from rest_framework.test import APIClient


@pytest.mark.django_db
def test_live_answers_ok(api_client: APIClient) -> None:
    response = api_client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_ready_checks_every_component(api_client: APIClient) -> None:
    response = api_client.get("/health/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {"database", "cache", "storage"} <= set(body["checks"])


@pytest.fixture
def unreachable_database(django_db_blocker: Any) -> Iterator[None]:
    """Points the default connection at a closed port: a real connection failure, not a mock."""
    connection = connections["default"]
    saved = dict(connection.settings_dict)
    with django_db_blocker.unblock():
        connection.close()
        connection.settings_dict["HOST"] = "127.0.0.1"
        connection.settings_dict["PORT"] = "9"
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)


def test_ready_names_the_database_when_it_is_down(unreachable_database: None, api_client: APIClient) -> None:
    response = api_client.get("/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failing"] == ["database"]
    assert body["checks"]["cache"]["ok"] is True


def test_live_does_not_need_the_database(unreachable_database: None, api_client: APIClient) -> None:
    assert api_client.get("/health/live").status_code == 200


@pytest.mark.urls("tests.core.urls")
def test_api_answers_503_in_the_envelope_when_the_database_is_down(
    unreachable_database: None, api_client: APIClient
) -> None:
    response = api_client.get("/api/v1/raise/query")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
    assert response["Retry-After"]
