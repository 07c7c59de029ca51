"""Browsers on another origin read the API only from the allow-list (CORS_ALLOWED_ORIGINS)."""

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

ALLOWED = "https://app.vivenda.example"


@pytest.fixture(autouse=True)
def _allow_list(settings: Any) -> None:
    settings.CORS_ALLOWED_ORIGINS = [ALLOWED]
    settings.CORS_ALLOW_ALL_ORIGINS = False


def test_an_origin_on_the_allow_list_may_read_the_response_and_its_etag(client: Client) -> None:
    response = client.get("/api/v1/real-estates", headers={"Origin": ALLOWED})
    assert response["Access-Control-Allow-Origin"] == ALLOWED
    assert "etag" in response["Access-Control-Expose-Headers"].lower()


def test_any_other_origin_is_not_allowed(client: Client) -> None:
    response = client.options(
        "/api/v1/real-estates",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert "Access-Control-Allow-Origin" not in response
